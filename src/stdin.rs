//! Standard input as a request body: when it counts, and reading it without holding it all.

use std::io::{self, IsTerminal, Read};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::spec::Part;

/// Up to this much of stdin (and a chunk more) is read before sending, so small bodies get a
/// Content-Length and can be sent again on a 307/308;
/// anything longer streams on with chunked encoding.
pub const READ_AHEAD: usize = 1024 * 1024;

/// Stdin is a body source unless it is a terminal, /dev/null or closed (HTTPie treats the
/// last two as bodies, which turns every cron job's GET into an empty POST).
pub fn is_body_source(assume_tty: bool) -> bool {
    let stdin = io::stdin();
    if assume_tty || stdin.is_terminal() {
        return false;
    }
    let Ok(fd) = stdin.as_fd().try_clone_to_owned() else {
        return false; // closed
    };
    let Ok(meta) = std::fs::File::from(fd).metadata() else {
        return false;
    };
    use std::os::unix::fs::MetadataExt;
    match std::fs::metadata("/dev/null") {
        Ok(null) => !(meta.dev() == null.dev() && meta.ino() == null.ino()),
        Err(_) => true,
    }
}

/// Reads ahead from stdin. If nothing at all arrives within `warn_after`, tells the user that
/// the program is waiting for stdin (the classic "why does it hang" in scripts).
pub fn read_ahead(warn_after: Option<Duration>, prog: &'static str) -> Result<Part> {
    let got_data = Arc::new(AtomicBool::new(false));
    if let Some(after) = warn_after {
        let got_data = got_data.clone();
        std::thread::spawn(move || {
            std::thread::sleep(after);
            if !got_data.load(Ordering::SeqCst) {
                eprintln!(
                    "{prog}: warning: no stdin data read in {:.1}s (perhaps you want to --ignore-stdin)",
                    after.as_secs_f64()
                );
            }
        });
    }
    let mut buf = Vec::new();
    let mut stdin = io::stdin().lock();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = match stdin.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e).context("cannot read the request body from stdin"),
        };
        // Even EOF counts as an answer: the warning is for stdin that stays silent.
        got_data.store(true, Ordering::SeqCst);
        if n == 0 {
            return Ok(Part::Stdin {
                read_ahead: buf,
                at_eof: true,
            });
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > READ_AHEAD {
            return Ok(Part::Stdin {
                read_ahead: buf,
                at_eof: false,
            });
        }
    }
}

/// `COURIER_STDIN_READ_WARN_THRESHOLD` seconds (default 10, 0 disables).
pub fn warn_threshold() -> Option<Duration> {
    let secs = std::env::var("COURIER_STDIN_READ_WARN_THRESHOLD")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .unwrap_or(10.0);
    (secs > 0.0 && secs.is_finite()).then(|| Duration::from_secs_f64(secs))
}
