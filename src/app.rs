//! The program: parse, build, send, print, and turn the outcome into an exit status.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Parser;

use crate::build::{self, Inputs};
use crate::cli::Args;
use crate::decode::{self, DecodeError};
use crate::exit::{status_of, ExitStatus};
use crate::output::{PrintChoice, PrintSet, Printer};
use crate::pretty::body::BodySink;
use crate::pretty::options::{colors_by_default, resolve_pretty, FormatOptions};
use crate::pretty::theme::{StyleName, Theme};
use crate::pretty::{charset, Display};
use crate::spec::RequestSpec;
use crate::transport::{upload, Transport};
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

/// Which standard streams count as terminals. `COURIER_ASSUME_TTY=stdin,stdout` forces
/// terminal behaviour for the named ones: it exists for tests, which have no terminal.
#[derive(Debug, Clone, Copy)]
struct Terminals {
    stdin: bool,
    stdout: bool,
}

impl Terminals {
    fn detect() -> Terminals {
        let forced = std::env::var("COURIER_ASSUME_TTY").unwrap_or_default();
        let forced = |name: &str| forced.split(',').any(|s| s.trim() == name);
        Terminals {
            stdin: forced("stdin") || io::stdin().is_terminal(),
            stdout: forced("stdout") || io::stdout().is_terminal(),
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

    let stdin_is_body = !args.ignore_stdin && stdin::is_body_source(terminals.stdin);
    let warn_after = stdin::warn_threshold();
    let mut read_stdin = move || stdin::read_ahead(warn_after, prog);
    let spec = build::build(
        args,
        Inputs {
            default_scheme,
            stdin: if stdin_is_body {
                Some(&mut read_stdin)
            } else {
                None
            },
        },
    )?;

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
        stdout_tty: terminals.stdout,
    }
    .resolve()?;
    let display = display_for(args, terminals.stdout)?;
    let printer = Printer::new(Box::new(io::stdout()), terminals.stdout);

    if args.offline {
        print_offline(&spec, print, &printer, &display)?;
        return Ok(ExitStatus::Success);
    }
    let status = exchange(&spec, print, &printer, &display)?;
    if args.check_status {
        let exit = ExitStatus::for_http_status(status.0);
        if exit != ExitStatus::Success && (!terminals.stdout || args.quiet == 1) {
            eprintln!("{prog}: warning: HTTP {} {}", status.0, status.1);
        }
        return Ok(exit);
    }
    Ok(ExitStatus::Success)
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
        let mut body = upload::body_reader(&spec.body, None)?;
        let mut sink = request_sink(spec, display, print, printer);
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = body.read(&mut buf).context("reading the request body")?;
            if n == 0 {
                break;
            }
            sink.push(&buf[..n])?;
        }
        sink.finish()?;
    }
    printer.end(print.request_body)?;
    Ok(())
}

/// The display pipeline for the request body (formatted like a response body of its type).
fn request_sink(
    spec: &RequestSpec,
    display: &Display,
    print: PrintSet,
    printer: &Printer,
) -> BodySink {
    BodySink::new(
        &display.for_request(),
        spec.header("Content-Type"),
        print.request_head,
        Box::new(printer.writer()),
    )
}

/// Lets the transport's body tee feed the request's display pipeline.
#[derive(Clone)]
struct SharedSink(Arc<Mutex<Option<BodySink>>>);

impl SharedSink {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<BodySink>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Write for SharedSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(sink) = self.lock().as_mut() {
            sink.push(buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Sends the request, printing as it goes; returns the final status code and reason.
fn exchange(
    spec: &RequestSpec,
    print: PrintSet,
    printer: &Printer,
    display: &Display,
) -> Result<(u16, String)> {
    let started = Instant::now();
    let transport = Transport::new(spec.options.timeout);
    let head_hook = print.any_request().then(|| {
        let printer = printer.clone();
        let display = display.clone();
        let print_head = print.request_head;
        Box::new(move |head: &[u8]| {
            let _ = printer.begin();
            if print_head {
                let _ = printer.write(&display.head(head));
            }
        }) as Box<dyn FnMut(&[u8]) + Send>
    });
    let req_sink = SharedSink(Arc::new(Mutex::new(None)));
    let body = if spec.body.is_empty() {
        None
    } else {
        let tee = print.request_body.then(|| {
            *req_sink.lock() = Some(request_sink(spec, display, print, printer));
            Box::new(req_sink.clone()) as Box<dyn Write + Send>
        });
        Some(upload::body_reader(&spec.body, tee)?)
    };

    let response = transport.send(spec, body, head_hook)?;
    let sink = req_sink.lock().take();
    if let Some(sink) = sink {
        sink.finish()?;
    }
    if print.any_request() {
        printer.end(print.request_body)?;
    }

    let head = &response.head;
    if print.any_response() {
        printer.begin()?;
    }
    if print.response_head {
        printer.write(&display.head(&head.raw))?;
    }
    if print.needs_response_body() {
        let content_type = head
            .header("Content-Type")
            .map(|v| String::from_utf8_lossy(v).into_owned());
        let mut sink = print.response_body.then(|| {
            BodySink::new(
                display,
                content_type.as_deref(),
                print.response_head,
                Box::new(printer.writer()),
            )
        });
        let body = decode::decode(head, Box::new(response.body.into_reader()))?;
        copy_body(body, sink.as_mut(), printer).map_err(|e| match e.get_ref() {
            Some(inner) if inner.is::<DecodeError>() => anyhow::Error::msg(inner.to_string()),
            _ => transport.body_error(e, spec),
        })?;
        if let Some(sink) = sink {
            sink.finish()?;
        }
    }
    if print.any_response() {
        printer.end(print.response_body)?;
    }
    if print.meta {
        printer.begin()?;
        printer.write(&display.meta(started.elapsed()))?;
        printer.end(false)?;
    }
    printer.flush()?;
    Ok((head.status, head.reason.clone()))
}

/// Streams the body through the display pipeline (or just drains it, for `m` alone) in large
/// chunks; stops reading once nothing more will be shown.
fn copy_body(
    mut body: Box<dyn Read + Send>,
    mut sink: Option<&mut BodySink>,
    printer: &Printer,
) -> io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match body.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if let Some(sink) = sink.as_deref_mut() {
            sink.push(&buf[..n])?;
            if sink.done() || printer.closed() {
                return Ok(());
            }
        }
    }
}
