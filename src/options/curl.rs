//! `--curl`: what the curl command line needs besides the request and the client options, and
//! the flags given that curl cannot express (each becomes a `#` comment line after the command).

use std::path::PathBuf;

use crate::cli::Args;

/// How to write the run as a curl command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CurlPlan {
    /// `-o FILE`: where the body goes (with or without `--download`).
    pub output: Option<PathBuf>,
    /// `--download`: without `-o`, curl names the file itself (`-O -J`).
    pub download: bool,
    /// `--continue`: curl's `-C -`.
    pub resume: bool,
    /// `--stream`: curl's `-N` (no output buffering).
    pub stream: bool,
    /// `--boundary` was given (curl's `-F` picks its own).
    pub boundary: bool,
    /// `--retry N` (N > 0): curl's `--retry N`, the closest it has.
    pub retry: Option<u32>,
    /// One line per flag given that curl has no equivalent for, saying what curl does instead.
    pub notes: Vec<String>,
}

/// The plan when `--curl` is given.
pub fn plan(args: &Args) -> Option<CurlPlan> {
    if !args.curl {
        return None;
    }
    Some(CurlPlan {
        output: args.output.clone(),
        download: args.download,
        resume: args.resume,
        stream: args.stream,
        boundary: args.boundary.is_some(),
        retry: args.retry.filter(|&n| n > 0),
        notes: notes(args),
    })
}

/// The flags given that curl cannot express, each with what curl does instead.
pub fn notes(args: &Args) -> Vec<String> {
    let mut notes = Vec::new();
    if args.session.is_some() || args.session_read_only.is_some() {
        notes.push(
            "--session: curl keeps no http session; the session's headers and cookies are in \
             the command, but what the server sets is not saved"
                .to_string(),
        );
    }
    if args.check_status {
        notes.push(
            "--check-status: curl exits 0 whatever the HTTP status (its --fail exits 22 on \
             4xx/5xx, without printing the body)"
                .to_string(),
        );
    }
    let formatting = [
        (args.pretty.is_some(), "--pretty"),
        (args.style.is_some(), "--style"),
        (args.sorted, "--sorted"),
        (args.unsorted, "--unsorted"),
        (!args.format_options.is_empty(), "--format-options"),
        (args.response_charset.is_some(), "--response-charset"),
        (args.response_mime.is_some(), "--response-mime"),
    ];
    let formatting = given(&formatting);
    if !formatting.is_empty() {
        notes.push(format!(
            "{formatting}: curl writes the response body as received, unformatted"
        ));
    }
    let printing = [
        (args.print.is_some(), "--print"),
        (args.headers, "--headers"),
        (args.body, "--body"),
        (args.meta, "--meta"),
        (args.verbose > 0, "--verbose"),
        (args.all, "--all"),
        (args.quiet > 0, "--quiet"),
    ];
    let printing = given(&printing);
    if !printing.is_empty() {
        notes.push(format!(
            "{printing}: curl prints the response body (-i adds the response head, -v shows \
             the exchange on stderr, -s -o /dev/null prints nothing)"
        ));
    }
    if args.retry.is_some_and(|n| n > 0) {
        notes.push(
            "--retry: curl's --retry retries timeouts and HTTP 408, 429, 500, 502, 503 and 504 \
             for any method, waiting 1 s and doubling, without jitter"
                .into(),
        );
    }
    let retrying = [
        (args.retry_on.is_some(), "--retry-on"),
        (args.retry_backoff.is_some(), "--retry-backoff"),
        (args.retry_max_delay.is_some(), "--retry-max-delay"),
        (args.retry_all_methods, "--retry-all-methods"),
    ];
    let retrying = given(&retrying);
    if !retrying.is_empty() {
        notes.push(format!(
            "{retrying}: curl's retries have no such setting (--retry-delay fixes the wait, \
             --retry-all-errors retries every failure)"
        ));
    }
    let paging = [
        (args.paginate, "--paginate"),
        (args.max_pages.is_some(), "--max-pages"),
        (args.slurp, "--slurp"),
    ];
    let paging = given(&paging);
    if !paging.is_empty() {
        notes.push(format!(
            "{paging}: curl does not follow Link rel=\"next\"; it fetches this page only"
        ));
    }
    if args.max_headers.is_some() {
        notes.push("--max-headers: curl has no limit on the number of response headers".into());
    }
    notes
}

/// The names of the flags given, joined by commas.
fn given(flags: &[(bool, &str)]) -> String {
    flags
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::options::{resolve, Env};

    fn args(argv: &[&str]) -> Args {
        Args::try_parse_from(std::iter::once("http").chain(argv.iter().copied())).unwrap()
    }

    #[test]
    fn only_with_the_flag() {
        assert_eq!(plan(&args(&["example.org"])), None);
        assert_eq!(
            plan(&args(&["--curl", "example.org"])),
            Some(CurlPlan::default())
        );
    }

    #[test]
    fn a_download_is_planned_for_curl_not_prepared() {
        let opts = resolve(
            &args(&["--curl", "-d", "-c", "-o", "f.bin", "example.org"]),
            &Env::default(),
            false,
        )
        .unwrap();
        assert!(opts.policy.download.is_none());
        // --download implies --follow, for curl's -L too.
        assert!(opts.policy.follow.enabled);
        let plan = opts.policy.curl.unwrap();
        assert!(plan.download && plan.resume);
        assert_eq!(plan.output.as_deref(), Some(std::path::Path::new("f.bin")));
    }

    #[test]
    fn flags_without_a_curl_equivalent_are_named() {
        let named = notes(&args(&[
            "--session=s",
            "--check-status",
            "--pretty=all",
            "--sorted",
            "-v",
            "-h",
            "--max-headers=5",
            "example.org",
        ]));
        assert_eq!(named.len(), 5, "{named:#?}");
        assert!(named[0].starts_with("--session: "));
        assert!(named[1].starts_with("--check-status: "));
        assert!(named[2].starts_with("--pretty, --sorted: "));
        assert!(named[3].starts_with("--headers, --verbose: "));
        assert!(named[4].starts_with("--max-headers: "));
        assert!(notes(&args(&["-j", "--stream", "--timeout=3", "example.org"])).is_empty());
    }

    #[test]
    fn retries_and_pages_are_rendered_or_named() {
        let a = args(&[
            "--curl",
            "--retry=3",
            "--retry-on=5xx",
            "--retry-all-methods",
            "--paginate",
            "--slurp",
            "example.org",
        ]);
        assert_eq!(plan(&a).unwrap().retry, Some(3));
        let named = notes(&a);
        assert_eq!(named.len(), 3, "{named:#?}");
        assert!(named[0].starts_with("--retry: curl's --retry "));
        assert!(named[1].starts_with("--retry-on, --retry-all-methods: "));
        assert!(named[2].starts_with("--paginate, --slurp: "));
        let none = args(&["--curl", "--retry=0", "example.org"]);
        assert_eq!(plan(&none).unwrap().retry, None);
    }
}
