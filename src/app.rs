//! The program: parse, build, send, print, and turn the outcome into an exit status.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Read, Write};

use anyhow::{Context, Result};
use clap::Parser;

use crate::build::{self, Inputs};
use crate::cli::Args;
use crate::decode::{self, DecodeError};
use crate::exit::{status_of, ExitStatus};
use crate::output::{PrintChoice, PrintSet, Printer};
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
        } else {
            None
        }),
        verbose: args.verbose,
        quiet: args.quiet > 0,
        offline: args.offline,
        stdout_tty: terminals.stdout,
    }
    .resolve()?;
    let printer = Printer::new(Box::new(io::stdout()), terminals.stdout);

    if args.offline {
        print_offline(&spec, print, &printer)?;
        return Ok(ExitStatus::Success);
    }
    let status = exchange(&spec, print, &printer)?;
    if args.check_status {
        let exit = ExitStatus::for_http_status(status.0);
        if exit != ExitStatus::Success && (!terminals.stdout || args.quiet == 1) {
            eprintln!("{prog}: warning: HTTP {} {}", status.0, status.1);
        }
        return Ok(exit);
    }
    Ok(ExitStatus::Success)
}

fn print_offline(spec: &RequestSpec, print: PrintSet, printer: &Printer) -> Result<()> {
    if !print.any_request() {
        return Ok(());
    }
    printer.begin()?;
    if print.request_head {
        printer.write(&wire::render_request_head(spec))?;
    }
    if print.request_body {
        let mut body = upload::body_reader(&spec.body, None)?;
        io::copy(&mut body, &mut printer.writer()).context("reading the request body")?;
    }
    printer.end(print.request_body)?;
    Ok(())
}

/// Sends the request, printing as it goes; returns the final status code and reason.
fn exchange(spec: &RequestSpec, print: PrintSet, printer: &Printer) -> Result<(u16, String)> {
    let transport = Transport::new(spec.options.timeout);
    let head_hook = print.any_request().then(|| {
        let printer = printer.clone();
        let print_head = print.request_head;
        Box::new(move |head: &[u8]| {
            let _ = printer.begin();
            if print_head {
                let _ = printer.write(head);
            }
        }) as Box<dyn FnMut(&[u8]) + Send>
    });
    let body = if spec.body.is_empty() {
        None
    } else {
        let tee = print
            .request_body
            .then(|| Box::new(printer.writer()) as Box<dyn Write + Send>);
        Some(upload::body_reader(&spec.body, tee)?)
    };

    let response = transport.send(spec, body, head_hook)?;
    if print.any_request() {
        printer.end(print.request_body)?;
    }

    let head = &response.head;
    if print.any_response() {
        printer.begin()?;
    }
    if print.response_head {
        printer.write(&head.raw)?;
    }
    if print.response_body {
        let body = decode::decode(head, Box::new(response.body.into_reader()))?;
        copy_body(body, printer).map_err(|e| match e.get_ref() {
            Some(inner) if inner.is::<DecodeError>() => anyhow::Error::msg(inner.to_string()),
            _ => transport.body_error(e, spec),
        })?;
    }
    if print.any_response() {
        printer.end(print.response_body)?;
    }
    printer.flush()?;
    Ok((head.status, head.reason.clone()))
}

/// Streams the body to the printer in large chunks; stops reading if the reader went away.
fn copy_body(mut body: Box<dyn Read + Send>, printer: &Printer) -> io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match body.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        printer.write(&buf[..n])?;
        if printer.closed() {
            return Ok(());
        }
    }
}
