//! The program: parse, build, send, print, and turn the outcome into an exit status.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use clap::Parser;

use crate::auth::netrc::{self, Netrc};
use crate::build::{self, Inputs};
use crate::cli::Args;
use crate::download::{Download, DownloadOptions};
use crate::exchange::{self, Exchanger, Follow};
use crate::exit::{status_of, ExitStatus};
use crate::items::Sep;
use crate::output::{PrintChoice, PrintSet, Printer};
use crate::pretty::options::{colors_by_default, resolve_pretty, FormatOptions};
use crate::pretty::sanitize::inert;
use crate::pretty::theme::{StyleName, Theme};
use crate::pretty::{charset, Display};
use crate::session::{self, Changes, Session};
use crate::spec::RequestSpec;
use crate::transport::redirect::{self, BoundSecrets};
use crate::{stdin, wire};

/// Which of the two programs is running: it decides the default scheme and the message prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Program {
    Http,
    Https,
}

impl Program {
    pub fn name(self) -> &'static str {
        match self {
            Program::Http => "http",
            Program::Https => "https",
        }
    }
}

/// Which standard streams count as terminals. `COURIER_ASSUME_TTY=stdin,stdout,stderr` forces
/// terminal behaviour for the named ones: it exists for tests, which have no terminal.
#[derive(Debug, Clone, Copy)]
struct Terminals {
    stdin: bool,
    stdout: bool,
    stderr: bool,
}

impl Terminals {
    fn detect() -> Terminals {
        let forced = std::env::var("COURIER_ASSUME_TTY").unwrap_or_default();
        let forced = |name: &str| forced.split(',').any(|s| s.trim() == name);
        Terminals {
            stdin: forced("stdin") || io::stdin().is_terminal(),
            stdout: forced("stdout") || io::stdout().is_terminal(),
            stderr: forced("stderr") || io::stderr().is_terminal(),
        }
    }
}

/// Runs the program and returns its exit status. Never panics on user or server input.
pub fn main(program: Program, argv: Vec<OsString>) -> i32 {
    let prog = program.name();
    // A bug must still end in one line and status 1, not a backtrace.
    std::panic::set_hook(Box::new(move |info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!("{prog}: error: internal error ({what}); please report it");
        std::process::exit(ExitStatus::Error.code());
    }));
    let _ = ctrlc::set_handler(move || {
        if PROMPTING.load(Ordering::SeqCst) {
            // The password prompt turned echo off; leave the terminal usable.
            if let Ok(tty) = std::fs::File::open("/dev/tty") {
                let _ = std::process::Command::new("stty")
                    .arg("echo")
                    .stdin(tty)
                    .status();
            }
        }
        // Leave the terminal on a fresh line; 130 is the shell's code for SIGINT.
        let _ = io::stderr().write_all(b"\n");
        std::process::exit(ExitStatus::CtrlC.code());
    });

    let args = match parse_args(prog, argv) {
        Ok(args) => args,
        Err(code) => return code,
    };
    match run(program, &args) {
        Ok(status) => status.code(),
        Err(err) => {
            eprintln!("{prog}: error: {}", one_line(&err));
            status_of(&err).code()
        }
    }
}

/// The error and its causes on one line, without repeating a cause already in the message.
fn one_line(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text.replace(['\r', '\n'], " ")
}

fn parse_args(prog: &str, argv: Vec<OsString>) -> Result<Args, i32> {
    // `--version` prints the bare version, as HTTPie does, so scripts can compare it.
    if argv.iter().skip(1).any(|a| a == "--version") {
        println!("{}", env!("CARGO_PKG_VERSION"));
        return Err(0);
    }
    Args::try_parse_from(argv).map_err(|e| {
        use clap::error::ErrorKind;
        match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                let _ = e.print();
                0
            }
            ErrorKind::MissingRequiredArgument => {
                eprintln!("{prog}: error: a URL is required: {prog} [METHOD] URL [REQUEST_ITEM ...] (see '{prog} --help')");
                ExitStatus::Error.code()
            }
            _ => {
                let text = e.to_string();
                let message: Vec<&str> = text
                    .lines()
                    .take_while(|l| !l.starts_with("Usage:"))
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with("tip:"))
                    .collect();
                let message = message.join(" ");
                let message = message.strip_prefix("error: ").unwrap_or(&message);
                eprintln!("{prog}: error: {message} (see '{prog} --help')");
                ExitStatus::Error.code()
            }
        }
    })
}

fn run(program: Program, args: &Args) -> Result<ExitStatus> {
    let prog = program.name();
    let terminals = Terminals::detect();
    let default_scheme = match program {
        Program::Https => "https",
        Program::Http => args.default_scheme.as_str(),
    };

    if args.resume && !args.download {
        anyhow::bail!("--continue only works with --download");
    }
    let stdin_is_body = !args.ignore_stdin && stdin::is_body_source(terminals.stdin);
    let warn_after = stdin::warn_threshold();
    let mut read_stdin = move || stdin::read_ahead(warn_after, prog);
    let netrc = if args.ignore_netrc {
        None
    } else {
        load_netrc(prog)
    };
    let mut prompt = |user: &str, host: &str| ask_password(prog, user, host);
    let session = open_session(args, default_scheme, prog)?;
    let session_data = session.as_ref().map(|s| &s.data);
    let mut spec = build::build(
        args,
        Inputs {
            default_scheme,
            stdin: if stdin_is_body {
                Some(&mut read_stdin)
            } else {
                None
            },
            netrc: netrc.as_ref(),
            prompt: &mut prompt,
            session_headers: session_data.map_or(&[][..], |d| &d.headers[..]),
            session_auth: session_data
                .and_then(|d| d.auth.as_ref())
                .map(|a| (a.kind.as_str(), a.raw.as_str())),
        },
    )?;
    let mut jar = session.as_ref().map(Session::jar).unwrap_or_default();
    // Taken before the typed cookies go in, so that they count as this run's changes.
    let cookies_before = jar.to_stored();
    if session.is_some() {
        // With a session, typed cookies become cookies of the request host, kept in the file.
        for h in spec
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("Cookie"))
        {
            jar.store_typed(&spec.url, &h.value);
        }
        spec.headers
            .retain(|h| !h.name.eq_ignore_ascii_case("Cookie"));
    }

    let print = PrintChoice {
        explicit: args.print.as_deref().or(if args.headers {
            Some("h")
        } else if args.body {
            Some("b")
        } else if args.meta {
            Some("m")
        } else {
            None
        }),
        verbose: args.verbose,
        quiet: args.quiet > 0,
        offline: args.offline,
        // `-o FILE` without --download is redirected output, whatever stdout is.
        stdout_tty: terminals.stdout && (args.output.is_none() || args.download),
    }
    .resolve()?;
    // With --download, everything but the body goes to stderr; -o alone sends what would be
    // printed to the file (treated as redirected output).
    let (print, out, out_tty): (PrintSet, Box<dyn Write + Send>, bool) =
        match (&args.output, args.download) {
            (_, true) if !args.offline => (
                PrintSet {
                    response_body: false,
                    ..print
                },
                Box::new(io::stderr()),
                terminals.stderr,
            ),
            (Some(path), false) => (
                print,
                Box::new(io::BufWriter::new(
                    std::fs::File::create(path)
                        .with_context(|| format!("cannot create {}", path.display()))?,
                )),
                false,
            ),
            _ => (print, Box::new(io::stdout()), terminals.stdout),
        };
    let display = display_for(args, out_tty)?;
    let printer = Printer::new(out, out_tty);
    let download = match args.download && !args.offline {
        true => Some(Download::prepare(
            DownloadOptions {
                output: args.output.clone(),
                resume: args.resume,
                to_stdout: args.output.is_none() && !terminals.stdout,
                stderr_tty: terminals.stderr,
                quiet: args.quiet > 0,
            },
            &mut spec,
        )?),
        false => None,
    };

    if args.offline {
        // The session applies to what is printed; nothing was exchanged, so it is not written.
        let secrets = BoundSecrets::of(&spec, &redirect::host_header(&spec.url));
        exchange::with_cookies(&mut spec, &jar, &secrets);
        print_offline(&spec, print, &printer, &display)?;
        return Ok(ExitStatus::Success);
    }
    let outcome = Exchanger {
        netrc: netrc.as_ref(),
        print,
        printer: &printer,
        display: &display,
        all: args.all || args.verbose > 0,
        follow: Follow {
            enabled: args.follow || download.is_some(),
            max: args.max_redirects,
        },
        download: download.as_ref(),
        upload_progress: terminals.stderr && args.quiet == 0,
    }
    .run(&spec, &mut jar)?;
    if let Some(session) = &session {
        session.save(&Changes {
            headers: typed_headers(args, &spec),
            auth: session::storable_auth(spec.auth.as_ref()),
            cookies_before,
            cookies_after: jar.to_stored(),
        })?;
    }
    if let Some(exit) = outcome.download.filter(|e| *e != ExitStatus::Success) {
        if args.quiet < 2 {
            eprintln!(
                "{prog}: warning: HTTP {} {}",
                outcome.status,
                inert(&outcome.reason)
            );
        }
        return Ok(exit);
    }
    if args.check_status {
        let exit = ExitStatus::for_http_status(outcome.status);
        if exit != ExitStatus::Success && (!terminals.stdout || args.quiet == 1) {
            eprintln!(
                "{prog}: warning: HTTP {} {}",
                outcome.status,
                inert(&outcome.reason)
            );
        }
        return Ok(exit);
    }
    Ok(ExitStatus::Success)
}

/// Opens `--session` / `--session-read-only`, saying once if its file uses an old layout.
fn open_session(args: &Args, default_scheme: &str, prog: &str) -> Result<Option<Session>> {
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
fn typed_headers(args: &Args, spec: &RequestSpec) -> Vec<(String, String)> {
    let (_, _, raw_items) = build::split_positionals(&args.positionals);
    let typed: Vec<String> = raw_items
        .iter()
        .filter_map(|a| crate::items::parse_item(a).ok())
        .filter(|i| matches!(i.sep, Sep::Header | Sep::EmptyHeader | Sep::HeaderFile))
        .map(|i| i.key)
        .collect();
    spec.headers
        .iter()
        .filter(|h| typed.iter().any(|t| t.eq_ignore_ascii_case(&h.name)))
        .filter(|h| session::storable_header(&h.name, &h.value))
        .map(|h| (h.name.clone(), h.value.clone()))
        .collect()
}

/// The user's .netrc, if there is one. A broken or hostile file is a warning, never an error.
fn load_netrc(prog: &str) -> Option<Netrc> {
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
static PROMPTING: AtomicBool = AtomicBool::new(false);

/// Asks for a password on the terminal (not stdin, which may be the body), without echo.
fn ask_password(prog: &str, user: &str, host: &str) -> Result<String> {
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
fn display_for(args: &Args, stdout_tty: bool) -> Result<Display> {
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

fn print_offline(
    spec: &RequestSpec,
    print: PrintSet,
    printer: &Printer,
    display: &Display,
) -> Result<()> {
    if !print.any_request() {
        return Ok(());
    }
    printer.begin()?;
    if print.request_head {
        printer.write(&display.head(&wire::render_request_head(spec)))?;
    }
    if print.request_body {
        exchange::print_offline_body(spec, display, print, printer)?;
    }
    printer.end(print.request_body)?;
    Ok(())
}
