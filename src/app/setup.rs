//! What a run reads from its surroundings before sending: the session file, .netrc, a password
//! from the terminal, and how output will look. Each is a small function the run calls once.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;

use crate::auth::netrc::{self, Netrc};
use crate::build;
use crate::cli::Args;
use crate::pretty::options::{colors_by_default, resolve_pretty, FormatOptions};
use crate::pretty::theme::{StyleName, Theme};
use crate::pretty::{charset, Display};
use crate::session::{self, Session};
use crate::spec::RequestSpec;

/// Opens `--session` / `--session-read-only`, saying once if its file uses an old layout.
pub fn open_session(args: &Args, default_scheme: &str, prog: &str) -> Result<Option<Session>> {
    let (value, read_only) = match (&args.session, &args.session_read_only) {
        (Some(v), _) => (v, false),
        (None, Some(v)) => (v, true),
        (None, None) => return Ok(None),
    };
    let host = build::session_host(args, default_scheme)?;
    let session = Session::open(value, &host, read_only)?;
    for warning in &session.data.warnings {
        eprintln!("{prog}: warning: {warning}");
    }
    Ok(Some(session))
}

/// The header items typed on this command line, as sent, that a session keeps.
pub fn typed_headers(spec: &RequestSpec) -> Vec<(String, String)> {
    spec.headers
        .iter()
        .filter(|h| {
            spec.typed_headers
                .iter()
                .any(|t| t.eq_ignore_ascii_case(&h.name))
        })
        .filter(|h| session::storable_header(&h.name, &h.value))
        .map(|h| (h.name.clone(), h.value.clone()))
        .collect()
}

/// The user's .netrc, if there is one. A broken or hostile file is a warning, never an error.
pub fn load_netrc(prog: &str) -> Option<Netrc> {
    let path = netrc::default_path()?;
    let bytes = match netrc::read_capped(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
        Err(e) => {
            eprintln!("{prog}: warning: cannot read {}: {e}", path.display());
            return None;
        }
    };
    let (parsed, warning) = netrc::parse(&bytes);
    if let Some(warning) = warning {
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

/// How output looks in this run: `--pretty`, `--style`, format options, charset, terminal.
pub fn display_for(args: &Args, stdout_tty: bool) -> Result<Display> {
    let mut format = FormatOptions::default();
    for spec in &args.format_options {
        format.apply(spec)?;
    }
    if args.sorted {
        format.set_sorted(true);
    } else if args.unsorted {
        format.set_sorted(false);
    }
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let term = std::env::var("TERM").ok();
    let pretty = resolve_pretty(
        args.pretty,
        args.style.is_some(),
        stdout_tty,
        colors_by_default(no_color, term.as_deref()),
    );
    let response_charset = match &args.response_charset {
        Some(label) => Some(charset::lookup(label).map_err(anyhow::Error::msg)?),
        None => None,
    };
    if let Some(mime) = &args.response_mime {
        if mime.matches('/').count() != 1 {
            anyhow::bail!("'{mime}' doesn't look like a mime type; use type/subtype");
        }
    }
    Ok(Display {
        pretty,
        format,
        theme: pretty
            .colors
            .then(|| Theme::new(args.style.unwrap_or(StyleName::Auto))),
        inert: stdout_tty,
        stream: args.stream,
        response_charset,
        response_mime: args.response_mime.clone(),
        json_flag: args.json,
    })
}
