//! What a run reads from its surroundings before sending: the session file, .netrc, a password
//! from the terminal, and how output will look. Each is a small function the run calls once.

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::auth::netrc::{self, Netrc};
use crate::build;
use crate::exit::ExitStatus;
use crate::options::{RequestInput, SessionChoice};
use crate::session::{self, Session};
use crate::spec::RequestSpec;

/// Opens `--session` / `--session-read-only`, saying once if its file uses an old layout.
pub fn open_session(
    choice: &SessionChoice,
    input: &RequestInput,
    prog: &str,
    warnings: bool,
) -> Result<Session> {
    let host = build::session_host(input)?;
    let session = Session::open(&choice.name, &host, choice.read_only)?;
    for warning in session.data.warnings.iter().filter(|_| warnings) {
        eprintln!("{prog}: warning: {warning}");
    }
    Ok(session)
}

/// The header items typed on this command line, as sent, that a session keeps.
pub fn session_headers(spec: &RequestSpec, typed: &[String]) -> Vec<(String, String)> {
    spec.headers
        .iter()
        .filter(|h| typed.iter().any(|t| t.eq_ignore_ascii_case(&h.name)))
        .filter(|h| session::storable_header(&h.name, &h.value))
        .map(|h| (h.name.clone(), h.value.clone()))
        .collect()
}

/// The user's .netrc, if there is one. A broken or hostile file is a warning, never an error.
pub fn load_netrc(prog: &str, warnings: bool) -> Option<Netrc> {
    let path = netrc::default_path()?;
    let bytes = match netrc::read_capped(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
        Err(e) => {
            if warnings {
                eprintln!("{prog}: warning: cannot read {}: {e}", path.display());
            }
            return None;
        }
    };
    let (parsed, warning) = netrc::parse(&bytes);
    if let Some(warning) = warning.filter(|_| warnings) {
        eprintln!("{prog}: warning: {}: {warning}", path.display());
    }
    Some(parsed)
}

/// Set while the terminal's echo is off, so Ctrl-C can turn it back on before exiting.
pub static PROMPTING: AtomicBool = AtomicBool::new(false);

/// The terminal's settings from before the prompt changed them, for a Ctrl-C handler that must
/// exit while the prompt is still reading (a SIGINT sent by `kill`, not typed).
static SAVED_TERMINAL: Mutex<Option<libc::termios>> = Mutex::new(None);

/// Reads a secret from the terminal without echo. Ctrl-C there ends the program with 130 (as
/// anywhere else), never with a "no terminal" error: the prompt reads in raw mode, so it sees
/// the keystroke itself, puts the terminal back and only then do we exit.
fn prompt(text: String) -> io::Result<String> {
    if let Ok(tty) = File::open("/dev/tty") {
        let mut term = std::mem::MaybeUninit::<libc::termios>::uninit();
        // SAFETY: tcgetattr fills the struct when it returns 0; it is read only then.
        if unsafe { libc::tcgetattr(tty.as_raw_fd(), term.as_mut_ptr()) } == 0 {
            let term = unsafe { term.assume_init() };
            *SAVED_TERMINAL.lock().unwrap_or_else(|e| e.into_inner()) = Some(term);
        }
    }
    PROMPTING.store(true, Ordering::SeqCst);
    let answer = rpassword::prompt_password(text);
    PROMPTING.store(false, Ordering::SeqCst);
    if answer
        .as_ref()
        .is_err_and(|e| e.kind() == io::ErrorKind::Interrupted)
    {
        interrupted();
    }
    answer
}

/// Ends the program as Ctrl-C does: a fresh line on stderr, status 130.
pub fn interrupted() -> ! {
    let _ = io::stderr().write_all(b"\n");
    std::process::exit(ExitStatus::CtrlC.code());
}

/// For the Ctrl-C handler: lets a prompt that is reading finish first (it exits 130 itself once
/// the terminal is back as it was); if it is still blocked after a moment, puts back the
/// settings it changed.
pub fn restore_terminal_after_prompt() {
    let deadline = Instant::now() + Duration::from_millis(500);
    while PROMPTING.load(Ordering::SeqCst) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    if !PROMPTING.load(Ordering::SeqCst) {
        return;
    }
    let saved = *SAVED_TERMINAL.lock().unwrap_or_else(|e| e.into_inner());
    if let (Some(term), Ok(tty)) = (saved, File::open("/dev/tty")) {
        // SAFETY: a termios read by tcgetattr from the same terminal.
        unsafe { libc::tcsetattr(tty.as_raw_fd(), libc::TCSANOW, &term) };
    }
}

/// Asks for a password on the terminal (not stdin, which may be the body), without echo.
pub fn ask_password(prog: &str, user: &str, host: &str) -> Result<String> {
    let answer = prompt(format!("{prog}: password for {user}@{host}: "));
    answer.map_err(|e| {
        anyhow::anyhow!(
            "cannot ask for the password of {user}: no terminal ({e}); pass it as -a {user}:PASSWORD"
        )
    })
}

/// Asks for the passphrase of an encrypted client key on the terminal, without echo (HTTPie's
/// prompt). Without a terminal, says how to give it instead.
pub fn ask_passphrase(prog: &str, key: &Path) -> Result<String> {
    let answer = prompt(format!("{prog}: passphrase for {}: ", key.display()));
    answer.map_err(|e| {
        anyhow::anyhow!(
            "the private key in {} is encrypted and there is no terminal to ask for its passphrase ({e}); give it with --cert-key-pass",
            key.display()
        )
    })
}
