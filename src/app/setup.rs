//! What a run reads from its surroundings before sending: the session file, .netrc, a password
//! from the terminal, and how output will look. Each is a small function the run calls once.

use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;

use crate::auth::netrc::{self, Netrc};
use crate::build;
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

/// Asks for a password on the terminal (not stdin, which may be the body), without echo.
pub fn ask_password(prog: &str, user: &str, host: &str) -> Result<String> {
    PROMPTING.store(true, Ordering::SeqCst);
    let answer = rpassword::prompt_password(format!("{prog}: password for {user}@{host}: "));
    PROMPTING.store(false, Ordering::SeqCst);
    answer.map_err(|e| {
        anyhow::anyhow!(
            "cannot ask for the password of {user}: no terminal ({e}); pass it as -a {user}:PASSWORD"
        )
    })
}

/// Asks for the passphrase of an encrypted client key on the terminal, without echo (HTTPie's
/// prompt). Without a terminal, says how to give it instead.
pub fn ask_passphrase(prog: &str, key: &Path) -> Result<String> {
    PROMPTING.store(true, Ordering::SeqCst);
    let answer = rpassword::prompt_password(format!("{prog}: passphrase for {}: ", key.display()));
    PROMPTING.store(false, Ordering::SeqCst);
    answer.map_err(|e| {
        anyhow::anyhow!(
            "the private key in {} is encrypted and there is no terminal to ask for its passphrase ({e}); give it with --cert-key-pass",
            key.display()
        )
    })
}
