//! `--no-FLAG`: every long option gets a hidden negation that puts it back to its default, so
//! that a run can undo what the config file's `default_options` set (HTTPie has `--no-OPTION`
//! for every option, xh `--no-FLAG` too). Whichever of `--X` and `--no-X` comes last wins:
//! `--follow --no-follow` does not follow, `--no-follow --follow` does.
//!
//! The negations are made by walking clap's command, so a new flag gets one without more code
//! here than a line in [`reset`] (a unit test checks that none is missing). Every option also
//! overrides itself, so that a value given in the config and again on the command line is
//! the command line's; lists (`--format-options`, `--proxy`, `--resolve`) and counts (`-v`,
//! `-q`, `-x`) add up instead, as HTTPie's prepended defaults do.

use std::ffi::OsString;

use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Command, CommandFactory, FromArgMatches};

use crate::cli::Args;

/// Options that are actions, not settings: they have no negation.
const NOT_NEGATED: &[&str] = &["help", "version"];

/// Options that share one setting, as in HTTPie (one destination): negating one of them
/// resets them all (`--no-form` after `--json` leaves no request type chosen).
const SHARED: &[&[&str]] = &[
    &["json", "form", "multipart"],
    &["print", "headers", "body", "meta"],
    &["sorted", "unsorted"],
];

/// The id of the negation of the option `id`.
fn negation_id(id: &str) -> String {
    format!("no-{id}")
}

/// clap's command with a hidden `--no-LONG` for every long option.
pub fn command() -> Command {
    let base = Args::command().args_override_self(true);
    let negations: Vec<Arg> = base
        .get_arguments()
        .filter(|a| !a.is_positional() && !NOT_NEGATED.contains(&a.get_id().as_str()))
        .filter_map(|a| {
            let long = a.get_long()?;
            // clap keeps names as 'static strings; these are made once per run.
            let id: &'static str = Box::leak(negation_id(a.get_id().as_str()).into_boxed_str());
            let long: &'static str = Box::leak(format!("no-{long}").into_boxed_str());
            Some(
                Arg::new(id)
                    .long(long)
                    .action(ArgAction::SetTrue)
                    .hide(true),
            )
        })
        .collect();
    base.args(negations)
}

/// Parses `argv` (the program name first) into [`Args`], applying the `--no-FLAG`s.
pub fn try_parse(argv: Vec<OsString>) -> Result<Args, clap::Error> {
    try_parse_as("http", argv)
}

/// [`try_parse`] for the program `name` (its help and usage say `https` for `https`).
pub fn try_parse_as(name: &'static str, argv: Vec<OsString>) -> Result<Args, clap::Error> {
    let cmd = command()
        .name(name)
        .bin_name(name)
        .override_usage(crate::cli::usage(name));
    let mut matches = cmd.clone().try_get_matches_from(argv)?;
    let undone = undone(&cmd, &matches);
    // Counts and lists partly undone, read before clap's derive takes the values out.
    let partly: Vec<(String, usize, Vec<String>)> = undone
        .iter()
        .filter_map(|u| match u {
            Undo::All(_) => None,
            Undo::Before(id, at) => Some((
                id.clone(),
                count_after(&matches, id, *at),
                values_after(&matches, id, *at),
            )),
        })
        .collect();
    let mut args = Args::from_arg_matches_mut(&mut matches)?;
    if !undone.is_empty() {
        let defaults = defaults()?;
        for u in &undone {
            if let Undo::All(id) = u {
                reset(&mut args, &defaults, id);
            }
        }
    }
    for (id, count, values) in partly {
        keep_after(&mut args, &id, count, values);
    }
    Ok(args)
}

/// Sets the count or list `id` to what came after its negation; false when `id` is not a
/// count or a list (a test checks every one of them has its line here).
fn keep_after(args: &mut Args, id: &str, count: usize, values: Vec<String>) -> bool {
    let count = u8::try_from(count).unwrap_or(u8::MAX);
    match id {
        "verbose" => args.verbose = count,
        "quiet" => args.quiet = count,
        "compress" => args.compress = count,
        "format_options" => args.format_options = values,
        "resolve" => args.resolve = values,
        "proxy" => args.proxy = values,
        "scope" => args.scope = values,
        _ => return false,
    }
    true
}

/// The options whose negation came after their last occurrence (or without one).
fn undone(cmd: &Command, matches: &ArgMatches) -> Vec<Undo> {
    let last = |id: &str| -> Option<usize> {
        if matches.value_source(id) != Some(ValueSource::CommandLine) {
            return None;
        }
        matches.indices_of(id).and_then(|i| i.max())
    };
    let mut undone = Vec::new();
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        let Some(target) = id.strip_prefix("no-") else {
            continue;
        };
        let Some(no_at) = last(id) else { continue };
        let single = [target];
        let group = SHARED
            .iter()
            .find(|g| g.contains(&target))
            .map_or(&single[..], |g| &g[..]);
        // A member of the group given after the negation keeps the group's setting; a count or
        // a list keeps what came after it (`-v --no-verbose -v` is -v).
        if group.iter().any(|m| last(m).is_some_and(|at| at > no_at)) {
            if let Some(arg) = cmd.get_arguments().find(|a| a.get_id() == target) {
                if matches!(arg.get_action(), ArgAction::Count | ArgAction::Append) {
                    undone.push(Undo::Before(target.to_string(), no_at));
                }
            }
            continue;
        }
        undone.extend(group.iter().map(|m| Undo::All(m.to_string())));
    }
    undone
}

/// What a negation undoes.
enum Undo {
    /// The option entirely.
    All(String),
    /// The occurrences of a count or a list before this index.
    Before(String, usize),
}

/// How many occurrences of `id` came after `index`.
fn count_after(matches: &ArgMatches, id: &str, index: usize) -> usize {
    matches
        .indices_of(id)
        .map_or(0, |i| i.filter(|&at| at > index).count())
}

/// The values of the list `id` given after `index`.
fn values_after(matches: &ArgMatches, id: &str, index: usize) -> Vec<String> {
    let (Ok(Some(values)), Some(indices)) =
        (matches.try_get_many::<String>(id), matches.indices_of(id))
    else {
        return Vec::new();
    };
    values
        .zip(indices)
        .filter(|(_, at)| *at > index)
        .map(|(v, _)| v.clone())
        .collect()
}

/// Every option at its default (the URL is a placeholder, never used).
fn defaults() -> Result<Args, clap::Error> {
    let mut matches = Args::command().try_get_matches_from(["http", "x"])?;
    Args::from_arg_matches_mut(&mut matches)
}

/// Puts the option `id` back to its default; false when `id` names no option.
fn reset(args: &mut Args, defaults: &Args, id: &str) -> bool {
    macro_rules! reset_fields {
        ($($field:ident),* $(,)?) => {
            match id {
                $(stringify!($field) => args.$field = defaults.$field.clone(),)*
                _ => return false,
            }
        };
    }
    reset_fields!(
        json,
        form,
        multipart,
        boundary,
        raw,
        compress,
        pretty,
        style,
        sorted,
        unsorted,
        format_options,
        response_charset,
        response_mime,
        print,
        headers,
        body,
        meta,
        verbose,
        all,
        stream,
        quiet,
        download,
        output,
        resume,
        paginate,
        max_pages,
        slurp,
        session,
        session_read_only,
        auth,
        auth_type,
        ignore_netrc,
        token_url,
        scope,
        token_auth,
        oauth1_token,
        aws_sigv4,
        offline,
        curl,
        timeout,
        connect_timeout,
        max_time,
        max_headers,
        resolve,
        ipv4,
        ipv6,
        unix_socket,
        interface,
        follow,
        max_redirects,
        retry,
        retry_on,
        retry_backoff,
        retry_max_delay,
        retry_all_methods,
        check_status,
        path_as_is,
        chunked,
        proxy,
        verify,
        ssl,
        ciphers,
        cert,
        cert_key,
        cert_key_pass,
        ignore_stdin,
        default_scheme,
        debug,
    );
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(argv: &[&str]) -> Args {
        let mut all = vec!["http"];
        all.extend_from_slice(argv);
        try_parse(all.into_iter().map(OsString::from).collect()).unwrap()
    }

    #[test]
    fn every_option_can_be_reset() {
        let defaults = defaults().unwrap();
        let mut args = defaults.clone();
        for arg in Args::command().get_arguments() {
            let id = arg.get_id().as_str();
            if arg.is_positional() || NOT_NEGATED.contains(&id) {
                continue;
            }
            assert!(reset(&mut args, &defaults, id), "no reset for --{id}");
        }
    }

    #[test]
    fn every_count_and_list_keeps_what_follows_its_negation() {
        let mut args = defaults().unwrap();
        for arg in Args::command().get_arguments() {
            let id = arg.get_id().as_str();
            if arg.is_positional() || NOT_NEGATED.contains(&id) {
                continue;
            }
            if matches!(arg.get_action(), ArgAction::Count | ArgAction::Append) {
                assert!(
                    keep_after(&mut args, id, 1, Vec::new()),
                    "no line for --{id}"
                );
            }
        }
    }

    #[test]
    fn the_later_of_flag_and_negation_wins() {
        assert!(!parse(&["--follow", "--no-follow", "x"]).follow);
        assert!(parse(&["--no-follow", "--follow", "x"]).follow);
        assert!(!parse(&["-F", "x", "--no-follow"]).follow);
        assert_eq!(parse(&["-vv", "--no-verbose", "x"]).verbose, 0);
        assert_eq!(parse(&["-v", "--no-verbose", "-v", "x"]).verbose, 1);
        assert_eq!(parse(&["-qq", "--no-quiet", "x"]).quiet, 0);
        assert_eq!(parse(&["--timeout=5", "--no-timeout", "x"]).timeout, None);
        assert_eq!(
            parse(&["--max-redirects=3", "--no-max-redirects", "x"]).max_redirects,
            30
        );
        assert!(parse(&["--proxy=http:http://p:1", "--no-proxy", "x"])
            .proxy
            .is_empty());
        assert_eq!(parse(&["--no-follow", "x"]).positionals, ["x"]);
        let a = parse(&[
            "--proxy=http:http://a:1",
            "--no-proxy",
            "--proxy=https:http://b:1",
            "x",
        ]);
        assert_eq!(a.proxy, ["https:http://b:1"]);
    }

    #[test]
    fn shared_settings_are_negated_together() {
        let a = parse(&["--form", "--no-json", "x"]);
        assert!(!a.form && !a.json && !a.multipart);
        let a = parse(&["-p", "Hh", "--no-headers", "x"]);
        assert!(a.print.is_none() && !a.headers);
        let a = parse(&["--no-json", "--form", "x"]);
        assert!(a.form);
    }

    #[test]
    fn later_values_win_and_lists_add_up() {
        // What the config file's defaults rely on: they come first.
        let a = parse(&["--timeout=5", "--timeout=7", "--follow", "--follow", "x"]);
        assert_eq!(a.timeout, Some(7.0));
        assert!(a.follow);
        let a = parse(&[
            "--style=monokai",
            "-s",
            "fruity",
            "-A",
            "basic",
            "-A",
            "digest",
            "x",
        ]);
        assert_eq!(a.style, Some(crate::cli::CliStyle::Fruity));
        let a = parse(&[
            "--format-options=json.indent:2",
            "--format-options=json.sort_keys:true",
            "x",
        ]);
        assert_eq!(a.format_options.len(), 2);
        let a = parse(&["--resolve=a:1:127.0.0.1", "--resolve=b:1:127.0.0.1", "x"]);
        assert_eq!(a.resolve.len(), 2);
        assert_eq!(parse(&["-v", "-v", "x"]).verbose, 2);
        assert_eq!(
            parse(&["--default-scheme=https", "--default-scheme=http", "x"]).default_scheme,
            "http"
        );
    }

    #[test]
    fn unknown_negations_are_errors() {
        for bad in [
            &["--no-nonsense", "x"][..],
            &["--no-help", "x"],
            &["--no-version", "x"],
        ] {
            let mut all = vec!["http"];
            all.extend_from_slice(bad);
            assert!(
                try_parse(all.into_iter().map(OsString::from).collect()).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn negations_are_hidden() {
        let help = command().render_long_help().to_string();
        assert!(!help.contains("--no-follow"));
    }
}
