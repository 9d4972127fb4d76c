//! The shell completions in `completions/` and the man pages in `man/` are generated from the
//! command-line definition. This test regenerates them and fails when the committed files
//! differ, so they never drift from the options; `UPDATE_GENERATED=1 cargo test --test e2e
//! generated::` rewrites them.
//!
//! Completions: clap_complete's scripts, from a copy of the command that knows what the
//! parser leaves free-form (`--print` letters, the method as the first word), plus a small
//! snippet per shell (bash, zsh, fish) that offers the session names found in the config dir.
//! Man pages: clap_mangen renders the title, NAME, SYNOPSIS, DESCRIPTION and the options; the
//! other sections man-pages(7) lists for a command are appended as roff.

use std::path::{Path, PathBuf};

use clap::builder::PossibleValuesParser;
use clap::{Arg, Command, CommandFactory};
use clap_complete::Shell;
use courier::cli::{DESCRIPTION, EXAMPLES, REQUEST_ITEMS};

/// The man pages' date (the `.TH` line): a constant, so that the staleness check is stable.
/// Bump it with the version when the pages change for a release.
const MAN_DATE: &str = "2026-11-30";

/// Methods offered as the first word.
const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// `--print` values offered: each letter, and the combinations people type.
const PRINT_VALUES: &[&str] = &[
    "H", "B", "h", "b", "m", "hb", "Hh", "HBhb", "HBhbm", "Hhb", "hbm",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn command(name: &'static str) -> Command {
    courier::cli::Args::command()
        .name(name)
        .bin_name(name)
        .override_usage(courier::cli::usage(name))
}

/// The command as the completion scripts see it: value lists where the parser takes free text.
fn completion_command(name: &'static str) -> Command {
    command(name)
        .mut_arg("print", |a| {
            a.value_parser(PossibleValuesParser::new(PRINT_VALUES.iter().copied()))
        })
        .mut_arg("positionals", |a| a.index(2).required(false))
        .arg(
            Arg::new("method")
                .index(1)
                .value_name("METHOD")
                .required(true)
                .help("The request method (optional: a URL may come first)")
                .value_parser(PossibleValuesParser::new(METHODS.iter().copied())),
        )
}

/// Session names in the config dir: `$COURIER_CONFIG_DIR`, else `$XDG_CONFIG_HOME/courier`,
/// else `~/.config/courier` (the Linux default; see README for other systems), each
/// `sessions/<host>/<name>.json`.
fn session_snippet(shell: Shell, name: &str) -> String {
    let dir = r#"${COURIER_CONFIG_DIR:-${XDG_CONFIG_HOME:-$HOME/.config}/courier}/sessions"#;
    match shell {
        Shell::Bash => format!(
            r#"
# Session names for --session and --session-read-only, from the config dir.
_{name}_sessions() {{
    local dir="{dir}"
    [ -d "$dir" ] || return 0
    command ls "$dir"/*/*.json 2>/dev/null | sed -e 's|.*/||' -e 's|\.json$||' | sort -u
}}
_{name}_with_sessions() {{
    case "${{COMP_WORDS[COMP_CWORD-1]}}" in
        --session|--session-read-only)
            COMPREPLY=($(compgen -W "$(_{name}_sessions)" -- "${{COMP_WORDS[COMP_CWORD]}}"))
            [ ${{#COMPREPLY[@]}} -gt 0 ] && return 0
            ;;
    esac
    _{name} "$@"
}}
complete -F _{name}_with_sessions -o bashdefault -o default {name}
"#
        ),
        Shell::Zsh => format!(
            r#"
# Session names for --session and --session-read-only, from the config dir.
(( $+functions[_{name}_sessions] )) ||
_{name}_sessions() {{
    local dir="{dir}"
    local -a names
    names=("$dir"/*/*.json(N:t:r))
    _alternative "sessions:session:(${{(u)names}})" 'files:file:_files'
}}
"#
        ),
        Shell::Fish => {
            let methods = METHODS.join(" ");
            format!(
                r#"
# Session names for --session and --session-read-only, from the config dir.
function __fish_{name}_sessions
    set -l dir $HOME/.config/courier
    set -q XDG_CONFIG_HOME; and test -n "$XDG_CONFIG_HOME"; and set dir $XDG_CONFIG_HOME/courier
    set -q COURIER_CONFIG_DIR; and test -n "$COURIER_CONFIG_DIR"; and set dir $COURIER_CONFIG_DIR
    for f in $dir/sessions/*/*.json
        basename $f .json
    end | sort -u
end
complete -c {name} -l session -r -f -a '(__fish_{name}_sessions)'
complete -c {name} -l session-read-only -r -f -a '(__fish_{name}_sessions)'
# The method, as the first word.
complete -c {name} -n 'test (count (commandline -opc)) -eq 1' -a '{methods}'
"#
            )
        }
        _ => String::new(),
    }
}

fn completion(shell: Shell, name: &'static str) -> Vec<u8> {
    let mut cmd = completion_command(name);
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, name, &mut out);
    let mut text = String::from_utf8(out).expect("completions are UTF-8");
    if shell == Shell::Zsh {
        text = text.replace(
            "]:NAME_OR_PATH:_default'",
            &format!("]:NAME_OR_PATH:_{name}_sessions'"),
        );
        // _arguments reads unnumbered positional specs in order: the method's comes first.
        let lines: Vec<&str> = text.lines().collect();
        let method = lines.iter().position(|l| l.starts_with("':method -- "));
        let rest = lines
            .iter()
            .position(|l| l.starts_with("'*::positionals -- "));
        if let (Some(method), Some(rest)) = (method, rest) {
            let mut lines = lines.clone();
            let line = lines.remove(method);
            lines.insert(rest.min(method), line);
            text = lines.join("\n") + "\n";
        }
        // The helper must exist before the script's last lines call `_{name}`.
        let call = format!("if [ \"$funcstack[1]\" = \"_{name}\" ]; then");
        let at = text.rfind(&call).expect("zsh script ends with its call");
        let snippet = session_snippet(shell, name);
        text.insert_str(at, &format!("{}\n", &snippet[1..]));
    } else {
        text.push_str(&session_snippet(shell, name));
    }
    text.into_bytes()
}

/// Escapes text for roff: backslashes, dashes (so they stay ASCII hyphen-minus), and a
/// leading `.` or `'` that would read as a request.
fn roff(text: &str) -> String {
    let s = text.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with('.') || s.starts_with('\'') {
        format!("\\&{s}")
    } else {
        s
    }
}

fn section(page: &mut String, title: &str) {
    page.push_str(&format!(".SH \"{title}\"\n"));
}

fn paragraph(page: &mut String, text: &str) {
    page.push_str(".PP\n");
    page.push_str(&roff(text));
    page.push('\n');
}

/// A tagged paragraph: `tag` in bold, then `text`.
fn tagged(page: &mut String, tag: &str, text: &str) {
    page.push_str(&format!(".TP\n.B {}\n{}\n", roff(tag), roff(text)));
}

fn man_page(name: &'static str) -> Vec<u8> {
    let cmd = command(name);
    let man = clap_mangen::Man::new(cmd.clone())
        .title(name.to_uppercase())
        .date(MAN_DATE)
        .source(format!("courier {}", env!("CARGO_PKG_VERSION")))
        .manual("User Commands");
    let render = |f: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| {
        let mut out = Vec::new();
        f(&mut out).expect("rendering to memory");
        String::from_utf8(out).expect("roff is UTF-8")
    };
    // The request-item table needs tbl: man(1) runs it when the first line says so.
    let mut page = String::from("'\\\" t\n");
    page.push_str(&render(&|w| man.render_title(w)));
    page.push_str(&render(&|w| man.render_name_section(w)));
    page.push_str(&render(&|w| man.render_synopsis_section(w)));
    section(&mut page, "DESCRIPTION");
    for para in DESCRIPTION.split("\n\n") {
        paragraph(&mut page, &para.replace('`', ""));
    }
    if name == "https" {
        paragraph(
            &mut page,
            "https is http with https:// as the default scheme.",
        );
    }
    // clap_mangen writes one section per help heading; here they are subsections of OPTIONS.
    section(&mut page, "OPTIONS");
    let options = render(&|w| man.render_options_section(w));
    for line in options.lines() {
        match line.strip_prefix(".SH ") {
            Some("OPTIONS") => {}
            Some(heading) => {
                let heading = heading.trim_matches('"');
                let mut title = heading.to_lowercase();
                if let Some(first) = title.get(..1) {
                    title = first.to_uppercase() + &title[1..];
                }
                let title = title.replace("Ssl", "SSL");
                page.push_str(&format!(".SS \"{title}\"\n"));
            }
            None => {
                page.push_str(line);
                page.push('\n');
            }
        }
    }

    section(&mut page, "REQUEST ITEMS");
    paragraph(
        &mut page,
        "After the URL, each argument is a request item; its separator says what it makes:",
    );
    page.push_str(".TS\nallbox tab(\t);\nlb lb\nl lx.\nItem\tMeaning\n");
    for (item, meaning) in REQUEST_ITEMS {
        page.push_str(&format!("{}\tT{{\n{}\nT}}\n", roff(item), roff(meaning)));
    }
    page.push_str(".TE\n");
    paragraph(
        &mut page,
        "Escape a separator with a backslash: 'a\\:b=c' sends the field \"a:b\". Data items make a JSON object by default (--form: an urlencoded form); with data the method defaults to POST, else GET.",
    );

    section(&mut page, "EXIT STATUS");
    for (code, meaning) in [
        ("0", "Success, whatever the HTTP status (unless --check-status)."),
        ("1", "Any error: usage, a bad item, a missing file, DNS, connection, TLS, a malformed response."),
        ("2", "A time limit was hit: --timeout, --connect-timeout or --max-time."),
        ("3, 4, 5", "With --check-status: a 3xx, 4xx or 5xx response."),
        ("6", "More redirects than --max-redirects."),
        ("130", "Interrupted (Ctrl-C)."),
    ] {
        tagged(&mut page, code, meaning);
    }

    section(&mut page, "ENVIRONMENT");
    for (var, meaning) in [
        ("NO_COLOR", "When set and not empty, no colors (only --pretty overrides it)."),
        ("TERM", "TERM=dumb turns colors off."),
        ("http_proxy, https_proxy, all_proxy", "Proxies for http, https or all targets (upper-case names too); --proxy overrides them."),
        ("no_proxy", "Hosts, domains, addresses and CIDR ranges reached without a proxy (NO_PROXY too)."),
        ("REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, SSL_CERT_FILE, SSL_CERT_DIR", "CA certificates to trust instead of the system's, unless --verify names some."),
        ("NETRC", "The .netrc file to read credentials from (default: ~/.netrc)."),
        ("COURIER_CONFIG_DIR", "The config directory (see FILES)."),
        ("HOME", "Where ~ and the default config directory and .netrc are."),
    ] {
        tagged(&mut page, var, meaning);
    }

    section(&mut page, "FILES");
    for (file, meaning) in [
        ("$COURIER_CONFIG_DIR, else ~/.config/courier", "The config directory (on macOS ~/Library/Application Support/courier, on Windows %APPDATA%\\courier)."),
        ("<config dir>/config.json", "Default options: {\"default_options\": [...]}, put before the command line's (HTTPie's layout); --no-OPTION undoes one."),
        ("<config dir>/sessions/<host>/<name>.json", "Named sessions (--session=NAME), one folder per host (host_port), HTTPie's layout; a <name>.json.lock beside each (0600, kept)."),
        ("~/.netrc", "Credentials per host, read unless --ignore-netrc or -a is given."),
    ] {
        tagged(&mut page, file, meaning);
    }

    section(&mut page, "EXAMPLES");
    for (what, line) in EXAMPLES {
        let line = line
            .strip_prefix("http ")
            .map_or(line.to_string(), |rest| format!("{name} {rest}"));
        page.push_str(&format!(
            ".PP\n{}:\n.PP\n.RS 4\n.EX\n{}\n.EE\n.RE\n",
            roff(what),
            roff(&line)
        ));
    }

    section(&mut page, "SEE ALSO");
    page.push_str(&format!(
        ".BR {} (1),\n.BR curl (1),\n.BR netrc (5)\n",
        if name == "http" { "https" } else { "http" }
    ));
    // Each clap_mangen part starts with the same string definitions; once is enough.
    let preamble = concat!(r".ie \n(.g .ds Aq \(aq", "\n", ".el .ds Aq '\n");
    if let Some(first) = page.find(preamble) {
        let rest = page[first + preamble.len()..].replace(preamble, "");
        page = format!("{}{rest}", &page[..first + preamble.len()]);
    }
    page.into_bytes()
}

/// Every generated file: its path and its expected content.
fn generated() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for name in ["http", "https"] {
        for (shell, file) in [
            (Shell::Bash, format!("{name}.bash")),
            (Shell::Zsh, format!("_{name}")),
            (Shell::Fish, format!("{name}.fish")),
            (Shell::PowerShell, format!("_{name}.ps1")),
            (Shell::Elvish, format!("{name}.elv")),
        ] {
            files.push((
                root().join("completions").join(file),
                completion(shell, name),
            ));
        }
        files.push((root().join("man").join(format!("{name}.1")), man_page(name)));
    }
    files
}

#[test]
fn completions_and_man_page_are_up_to_date() {
    let update = std::env::var_os("UPDATE_GENERATED").is_some();
    let mut stale = Vec::new();
    for (path, content) in generated() {
        if update {
            std::fs::create_dir_all(path.parent().unwrap_or(Path::new("."))).unwrap();
            std::fs::write(&path, &content).unwrap();
            continue;
        }
        match std::fs::read(&path) {
            Ok(on_disk) if on_disk == content => {}
            _ => stale.push(path.display().to_string()),
        }
    }
    assert!(
        stale.is_empty(),
        "out of date (run `UPDATE_GENERATED=1 cargo test --test e2e generated::`): {stale:?}"
    );
}

#[test]
fn completions_offer_the_options() {
    for (path, content) in generated() {
        let text = String::from_utf8_lossy(&content);
        // roff escapes the dashes of the man page: `\-\-follow`.
        let text = text.replace("\\-", "-");
        // Fish writes `-l follow`, the others `--follow`.
        for option in ["follow", "download", "session-read-only", "pretty"] {
            assert!(text.contains(option), "{} lacks {option}", path.display());
        }
    }
}

#[test]
fn completions_offer_option_values_methods_and_sessions() {
    for (path, content) in generated() {
        // clap_complete's PowerShell and elvish scripts complete option names only.
        if path
            .extension()
            .is_some_and(|e| e == "1" || e == "ps1" || e == "elv")
        {
            continue;
        }
        let text = String::from_utf8_lossy(&content);
        for value in ["HBhbm", "colors", "solarized-dark", "digest", "PATCH"] {
            assert!(text.contains(value), "{} lacks {value}", path.display());
        }
        let shell_with_sessions = ["bash", "fish"]
            .iter()
            .any(|e| path.extension().is_some_and(|x| x == *e))
            || path.file_name().is_some_and(|f| {
                f.to_string_lossy().starts_with("_http") && path.extension().is_none()
            });
        if shell_with_sessions {
            assert!(
                text.contains("COURIER_CONFIG_DIR"),
                "{} lacks sessions",
                path.display()
            );
        }
    }
}

#[test]
fn man_pages_have_the_sections() {
    for name in ["http", "https"] {
        let page = String::from_utf8(man_page(name)).unwrap();
        let title = page.lines().find(|l| l.starts_with(".TH")).unwrap();
        assert!(title.starts_with(".TH"), "{title}");
        assert!(
            title.contains(env!("CARGO_PKG_VERSION")) && title.contains(MAN_DATE),
            "{title}"
        );
        for section in [
            "NAME",
            "SYNOPSIS",
            "DESCRIPTION",
            "OPTIONS",
            "REQUEST ITEMS",
            "EXIT STATUS",
            "ENVIRONMENT",
            "FILES",
            "EXAMPLES",
            "SEE ALSO",
        ] {
            assert!(
                page.contains(&format!(".SH \"{section}\""))
                    || page.contains(&format!(".SH {section}\n")),
                "{name}.1 lacks {section}"
            );
        }
        assert!(
            page.contains(".TS\n") && page.contains(".TE\n"),
            "no tbl table"
        );
    }
}

/// `man --warnings` (groff's warnings) finds nothing to complain about; skipped where man(1)
/// is not installed.
#[test]
fn man_pages_render_without_warnings() {
    for name in ["http", "https"] {
        let dir = tempfile::TempDir::new().unwrap();
        let file = dir.path().join(format!("{name}.1"));
        std::fs::write(&file, man_page(name)).unwrap();
        let out = match std::process::Command::new("man")
            .args(["--warnings", "-l"])
            .arg(&file)
            .env("MANWIDTH", "80")
            .env("MAN_KEEP_FORMATTING", "")
            .output()
        {
            Ok(out) => out,
            Err(_) => return,
        };
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.trim().is_empty(),
            "{name}.1: {stderr}"
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("REQUEST ITEMS") && text.contains("Header:Value"),
            "{text}"
        );
    }
}
