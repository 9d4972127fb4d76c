//! The program: parse, build, send, print, and turn the outcome into an exit status.

mod setup;

use setup::{
    ask_passphrase, ask_password, interrupted, load_netrc, open_session,
    restore_terminal_after_prompt, session_headers, PROMPTING,
};

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::sync::atomic::Ordering;
use std::time::SystemTime;

use anyhow::{Context, Result};

use crate::auth::signer::{unix_now, Signer};
use crate::build::{self, Built, Inputs};
use crate::cookies::{CookieJar, StoredCookie};
use crate::download::Download;
use crate::exchange::{self, Exchanger, Outcome};
use crate::exit::{one_line, status_of, ExitStatus};
use crate::mask::Mask;
use crate::options::{self, Env, Options, OutputTarget, Terminals};
use crate::output::{PrintSet, Printer};
use crate::pretty::sanitize::inert;
use crate::pretty::Display;
use crate::session::{self, Changes, Session};
use crate::spec::RequestSpec;
use crate::transport::errors::TransportError;
use crate::transport::redirect::BoundSecrets;
use crate::transport::Transport;
use crate::{auth, stdin, transport};

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
fn detect_terminals() -> Terminals {
    let forced = std::env::var("COURIER_ASSUME_TTY").unwrap_or_default();
    let forced = |name: &str| forced.split(',').any(|s| s.trim() == name);
    Terminals {
        stdin: forced("stdin") || io::stdin().is_terminal(),
        stdout: forced("stdout") || io::stdout().is_terminal(),
        stderr: forced("stderr") || io::stderr().is_terminal(),
    }
}

/// The environment the options layer reads, besides the terminals.
fn read_env() -> Env {
    Env {
        terminals: detect_terminals(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        term: std::env::var("TERM").ok(),
        tls: options::tls::TlsEnv::read(|name| std::env::var_os(name)),
        proxy: options::proxy::ProxyEnv::from_lookup(|name| std::env::var(name).ok()),
        aws: auth::scheme::AwsEnv::read(|name| std::env::var(name).ok()),
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
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_IGN before any thread is started. A
    // file-size limit (`ulimit -f`) then fails the write with EFBIG, reported in one line,
    // instead of killing the program silently.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let _ = ctrlc::set_handler(move || {
        if PROMPTING.load(Ordering::SeqCst) {
            // The password prompt turned echo off; leave the terminal usable.
            restore_terminal_after_prompt();
        }
        // Leave the terminal on a fresh line; 130 is the shell's code for SIGINT.
        interrupted();
    });

    let config_dir = session::path::config_dir();
    let config = crate::config::file::load(config_dir.as_deref());
    let (args, config_warning) = match crate::config::parse_with_config(prog, argv, &config) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    // `-qq` silences warnings too (HTTPie's rule).
    if let Some(warning) = config.warning.as_ref().or(config_warning.as_ref()) {
        if args.quiet < 2 {
            eprintln!("{prog}: warning: {}", inert(warning));
        }
    }
    if args.debug {
        // The file used: none when it was ignored for a warning.
        let used = match (&config.warning, &config_warning) {
            (None, None) => config.path.as_deref(),
            _ => None,
        };
        eprint!(
            "{}",
            crate::config::debug::report(
                &args,
                config_dir.as_deref(),
                used,
                &crate::config::debug::read_vars()
            )
        );
    }
    let report = |err: anyhow::Error| {
        eprintln!("{prog}: error: {}", one_line(&err));
        exit_status_of(&err).code()
    };
    let opts = match options::resolve(&args, &read_env(), program == Program::Https) {
        Ok(opts) => opts,
        Err(err) => return report(err),
    };
    match run(prog, &opts) {
        Ok(status) => status.code(),
        Err(err) => report(err),
    }
}

/// The exit status an error asks for: a transport failure's own (2 for timeouts), a
/// [`crate::exit::Fatal`]'s, else 1.
fn exit_status_of(err: &anyhow::Error) -> ExitStatus {
    err.chain()
        .find_map(|e| e.downcast_ref::<TransportError>())
        .map_or_else(|| status_of(err), TransportError::exit_status)
}

fn run(prog: &'static str, opts: &Options) -> Result<ExitStatus> {
    let input = &opts.request;
    let stdin_is_body = input.stdin_allowed && stdin::is_body_source(false);
    // `-qq` silences warnings too (HTTPie's rule).
    let warnings = opts.print.quiet.warns();
    let warn_after = stdin::warn_threshold().filter(|_| warnings);
    let mut read_stdin = move || stdin::read_ahead(warn_after, prog);
    let netrc = if input.ignore_netrc {
        None
    } else {
        load_netrc(prog, warnings)
    };
    let curl = opts.policy.curl.as_ref();
    // With --curl nothing is sent: curl asks for the password itself (`-u USER`).
    let mut prompt = |user: &str, host: &str| match curl {
        Some(_) => Ok(String::new()),
        None => ask_password(prog, user, host),
    };
    let session = match &opts.policy.session {
        Some(choice) => Some(open_session(choice, input, prog, warnings)?),
        None => None,
    };
    let session_data = session.as_ref().map(|s| &s.data);
    let Built {
        mut spec,
        typed_headers,
        form,
    } = build::build(
        input,
        Inputs {
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
                .map(|a| (a.kind, a.raw.as_str())),
        },
    )?;
    let (mut jar, cookies_before) = session_jar(session.as_ref(), &mut spec);
    let signer = Signer::new(
        spec.auth.as_ref(),
        &input.scheme,
        session_data.and_then(|d| d.auth.as_ref()),
        SystemTime::now(),
    )?;
    if let Some(plan) = curl {
        // As --offline: the session applies to what is printed, and is not written.
        let secrets = BoundSecrets::of(&spec);
        exchange::with_cookies(&mut spec, &jar, &secrets);
        if let Some(signer @ Signer::OAuth1(_)) = &signer {
            // curl cannot sign it: the command carries this request's signature.
            signer.sign(&mut spec, SystemTime::now())?;
        }
        let netrc_file = std::env::var_os("NETRC").and_then(|_| auth::netrc::default_path());
        let text = crate::curl::render(&crate::curl::Request {
            spec: &spec,
            form: form.as_deref(),
            client: &opts.client,
            follow: opts.policy.follow,
            plan,
            netrc_file: netrc_file.as_deref(),
            signer: signer.as_ref(),
        });
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .context("cannot write the curl command line")?;
        return Ok(ExitStatus::Success);
    }

    let plan = &opts.print;
    let (output, output_file) = open_output(&plan.target);
    let printer = Printer::new(output, plan.tty);
    let download = match &opts.policy.download {
        Some(options) => Some(Download::prepare(options.clone(), &mut spec)?),
        None => None,
    };

    if opts.policy.offline {
        // The session applies to what is printed; nothing was exchanged, so it is not written.
        let secrets = BoundSecrets::of(&spec);
        exchange::with_cookies(&mut spec, &jar, &secrets);
        let offline = Offline {
            print: plan.set,
            printer: &printer,
            display: &plan.display,
            proxies: &opts.client.proxies,
        };
        if let Some(signer) = &signer {
            offline.sign(&mut spec, signer)?;
        }
        let mask = Mask::headers(
            signer
                .as_ref()
                .map(Signer::masked_headers)
                .unwrap_or_default(),
        );
        offline.print(&spec, &mask, None)?;
        return Ok(ExitStatus::Success);
    }
    warn_insecure(opts, prog);
    let mut ask_pass = |key: &std::path::Path| ask_passphrase(prog, key);
    let client = Transport::new(&opts.client, &mut ask_pass)?;
    let outcome = Exchanger {
        client: &client,
        netrc: netrc.as_ref(),
        print: plan.set,
        printer: &printer,
        display: &plan.display,
        all: plan.all,
        follow: opts.policy.follow,
        download: download.as_ref(),
        upload_progress: plan.upload_progress,
        retry: &opts.policy.retry,
        notices: !plan.quiet.silences_output(),
        prog,
        paging: opts.policy.paging,
        signer: signer.as_ref(),
    }
    .run(&spec, &mut jar)?;
    if let Some(file) = output_file {
        // A response came: the file is the response's, even when nothing was printed to it.
        file.created()?;
    }
    if let Some(session) = &session {
        session.save(&Changes {
            headers: session_headers(&spec, &typed_headers),
            auth: session::storable_auth(spec.auth.as_ref(), signer.as_ref().map(Signer::stored)),
            cookies_before,
            cookies_after: jar.to_stored(),
        })?;
    }
    if let Some(warning) = &outcome.warning {
        if warnings {
            eprintln!("{prog}: warning: {}", inert(warning));
        }
    }
    Ok(final_status(opts, &outcome, prog))
}

/// `--verify=no` is said once, on stderr (as HTTPie's requests warns), unless `-qq`.
fn warn_insecure(opts: &Options, prog: &str) {
    if opts.client.tls.trust == options::tls::Trust::Off && opts.print.quiet.warns() {
        eprintln!(
            "{prog}: warning: TLS certificates are not verified (--verify=no): anyone on the \
             network path can read and change this exchange"
        );
    }
}

/// The exit status of a completed run: 4/5 for a failed download, 3/4/5 with --check-status.
/// The warning line says why when the status alone would leave the user guessing.
fn final_status(opts: &Options, outcome: &Outcome, prog: &str) -> ExitStatus {
    let quiet = opts.print.quiet;
    let (exit, warn) = match outcome.download {
        Some(exit) => (exit, quiet.warns_on_download_error()),
        None if opts.policy.check_status => (
            ExitStatus::for_http_status(outcome.status),
            quiet.warns_on_status(opts.print.stdout_tty),
        ),
        None => (ExitStatus::Success, false),
    };
    if exit != ExitStatus::Success && warn {
        eprintln!(
            "{prog}: warning: HTTP {} {}",
            outcome.status,
            inert(&outcome.reason)
        );
    }
    exit
}
/// The run's cookie jar: the session's cookies, plus the `Cookie:` items typed with a session
/// (they become cookies of the request host and leave the header list). Also returns the jar
/// as it was before those, so that they count as this run's changes when saving.
fn session_jar(
    session: Option<&Session>,
    spec: &mut RequestSpec,
) -> (CookieJar, Vec<StoredCookie>) {
    let Some(session) = session else {
        return (CookieJar::new(), Vec::new());
    };
    let mut jar = session.jar();
    let before = jar.to_stored();
    for h in spec
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("Cookie"))
    {
        jar.store_typed(&spec.url, &h.value);
    }
    spec.headers
        .retain(|h| !h.name.eq_ignore_ascii_case("Cookie"));
    (jar, before)
}

/// Opens where printed output goes. `-o FILE` is created (and truncated) only when something
/// is written to it or a response has come ([`OutputFile::created`]): a failed run leaves the
/// file as it was.
fn open_output(target: &OutputTarget) -> (Box<dyn Write + Send>, Option<OutputFile>) {
    match target {
        OutputTarget::Stdout => (Box::new(io::stdout()), None),
        OutputTarget::Stderr => (Box::new(io::stderr()), None),
        OutputTarget::File(path) => {
            let file = OutputFile(std::sync::Arc::new(std::sync::Mutex::new(LazyFile {
                path: path.clone(),
                file: None,
            })));
            (Box::new(file.clone()), Some(file))
        }
    }
}

struct LazyFile {
    path: std::path::PathBuf,
    file: Option<io::BufWriter<std::fs::File>>,
}

impl LazyFile {
    fn open(&mut self) -> io::Result<&mut io::BufWriter<std::fs::File>> {
        if self.file.is_none() {
            let file = std::fs::File::create(&self.path).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot create {}: {e}", self.path.display()),
                )
            })?;
            self.file = Some(io::BufWriter::new(file));
        }
        Ok(self.file.as_mut().expect("opened above"))
    }
}

/// `-o FILE`, created on first use; shared between the printer and the run.
#[derive(Clone)]
struct OutputFile(std::sync::Arc<std::sync::Mutex<LazyFile>>);

impl OutputFile {
    fn lock(&self) -> std::sync::MutexGuard<'_, LazyFile> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Creates the file if nothing was written to it yet.
    fn created(&self) -> Result<()> {
        let mut file = self.lock();
        file.open()?.flush()?;
        Ok(())
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.lock().open()?.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.lock().file {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

/// `--offline` printing: the request as the first hop would carry it.
struct Offline<'a> {
    print: PrintSet,
    printer: &'a Printer,
    display: &'a Display,
    proxies: &'a options::proxy::Proxies,
}

impl Offline<'_> {
    /// Signs the request as the first hop would be. An OAuth 2.0 token that would be fetched
    /// first shows as its token request, and the request then names where its token comes from.
    fn sign(&self, spec: &mut RequestSpec, signer: &Signer) -> Result<()> {
        let now = SystemTime::now();
        if let Some(state) = signer.oauth2().filter(|s| s.needs_token(unix_now(now))) {
            let client = &state.client;
            let shown = client.shown_request_body();
            let mask = Mask::headers(["Authorization"]);
            self.print(&client.token_request(), &mask, Some(&shown))?;
            let placeholder = format!("Bearer <token from {}>", client.token_url);
            spec.set_header("Authorization", &placeholder);
            return Ok(());
        }
        signer.sign(spec, now)
    }

    fn print(&self, spec: &RequestSpec, mask: &Mask, shown_body: Option<&[u8]>) -> Result<()> {
        let (print, printer, display) = (self.print, self.printer, self.display);
        if !print.any_request() {
            return Ok(());
        }
        printer.begin()?;
        if print.request_head {
            // As the first hop would get it: absolute-form for a proxy (credentials hidden).
            let route = self.proxies.route(&spec.url);
            let head = transport::proxy::shown_head(spec, route);
            printer.write(&display.head(&mask.head(&head)))?;
        }
        if print.request_body {
            exchange::print_request_body(spec, display, print, printer, shown_body)?;
        }
        printer.end(print.request_body)?;
        Ok(())
    }
}
