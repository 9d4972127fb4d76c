//! Helpers for the output tests: a simulated terminal, typed replies, one-shot runs, and ANSI
//! color (SGR) sequences.

use super::server::{Reply, Server};
use super::{http, Cmd, Run};

/// `http` with stdout treated as a terminal.
pub fn tty() -> Cmd {
    let mut c = http();
    c.env("COURIER_ASSUME_TTY", "stdout");
    c
}

/// A 200 response with this Content-Type and body.
pub fn typed(ct: &str, body: impl AsRef<[u8]>) -> Reply {
    Reply::http(&format!("HTTP/1.1 200 OK\r\nContent-Type: {ct}"), body)
}

/// Runs `cmd` with `args` (where `{url}` is replaced by the server's URL) against a fresh server
/// answering `reply` to every request.
pub fn run(mut cmd: Cmd, reply: Reply, args: &[&str]) -> Run {
    let srv = Server::start(vec![reply]);
    let url = srv.url("/p");
    assert!(args.contains(&"{url}"), "args need a {{url}}: {args:?}");
    cmd.args(args.iter().map(|a| a.replace("{url}", &url)))
        .run()
}

/// Length of the SGR sequence (`ESC [ digits/semicolons m`) starting at `i`, if one does.
pub fn sgr_len(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&0x1b) || b.get(i + 1) != Some(&b'[') {
        return None;
    }
    let mut j = i + 2;
    while j < b.len() && (b[j].is_ascii_digit() || b[j] == b';') {
        j += 1;
    }
    (b.get(j) == Some(&b'm')).then_some(j + 1 - i)
}

/// Does the output contain at least one ANSI color (SGR) sequence?
pub fn has_sgr(b: &[u8]) -> bool {
    (0..b.len()).any(|i| sgr_len(b, i).is_some())
}

/// The output with every SGR sequence removed.
pub fn strip_sgr(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match sgr_len(b, i) {
            Some(n) => i += n,
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    out
}
