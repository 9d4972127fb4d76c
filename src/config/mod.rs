//! The config file and what depends on it: `<config dir>/config.json` with HTTPie's
//! `default_options` (arguments put before the command line's), the `--no-FLAG` forms that undo
//! one of them on a run, and the `--debug` report.

pub mod debug;
pub mod file;
pub mod negate;

use std::ffi::OsString;

use crate::cli;

/// Parses the command line after the config file's `default_options` (HTTPie prepends them, so
/// the command line wins). When the two together do not parse but the command line alone does,
/// the config file is at fault: the run goes on without it, and the second value says why.
pub fn parse_with_config(
    prog: &str,
    argv: Vec<OsString>,
    config: &file::Config,
) -> Result<(cli::Args, Option<String>), i32> {
    let version = argv
        .iter()
        .skip(1)
        .any(|a| a.to_str().is_some_and(cli::is_version_flag));
    if config.defaults.is_empty() || version {
        return cli::parse(prog, argv).map(|args| (args, None));
    }
    let mut with = argv[..1].to_vec();
    with.extend(config.defaults.iter().map(OsString::from));
    with.extend(argv[1..].iter().cloned());
    let err = match negate::try_parse(with) {
        Ok(args) => return Ok((args, None)),
        Err(err) => err,
    };
    match negate::try_parse(argv.clone()) {
        Ok(args) => {
            let path = config
                .path
                .as_deref()
                .unwrap_or(std::path::Path::new("config.json"));
            let why = format!("default_options: {}", clap_message(&err));
            Ok((args, Some(file::invalid(path, &why))))
        }
        // The command line's own error (or help) is reported as without a config file.
        Err(_) => cli::parse(prog, argv).map(|args| (args, None)),
    }
}

/// clap's error in one line, without its usage and tips.
fn clap_message(err: &clap::Error) -> String {
    let text = err.to_string();
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("cannot be parsed");
    line.strip_prefix("error: ").unwrap_or(line).to_string()
}
