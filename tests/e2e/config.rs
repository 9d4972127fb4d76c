//! The config file (`<config dir>/config.json`, HTTPie's `default_options`), the `--no-FLAG`
//! negations that undo its defaults on one run, and `--debug` with its redaction of secrets.

use crate::support::server::{Reply, Server};
use crate::support::{http, redirect, Cmd};

/// `http` with this `config.json` in its config dir.
fn with_config(content: &str) -> Cmd {
    let cmd = http();
    let path = cmd.home().join("courier-config").join("config.json");
    std::fs::write(path, content).unwrap();
    cmd
}

fn redirect_then_ok() -> Server {
    Server::start(vec![redirect("/final"), Reply::ok("arrived")])
}

#[test]
fn default_options_apply() {
    let run = with_config(r#"{"default_options": ["--verbose", "--form"]}"#)
        .args(["--offline", "example.org", "a=b"])
        .run();
    run.success().stderr_empty();
    let out = run.stdout_str();
    assert!(
        out.contains("Content-Type: application/x-www-form-urlencoded"),
        "{out}"
    );
    assert!(out.contains("a=b"), "{out}");
}

#[test]
fn follow_from_the_config_is_undone_by_no_follow() {
    let server = redirect_then_ok();
    let run = with_config(r#"{"default_options": ["--follow"]}"#)
        .args(["-b", &server.url("/start")])
        .run();
    run.success();
    assert!(run.stdout_str().contains("arrived"), "{}", run.describe());

    let server = redirect_then_ok();
    let run = with_config(r#"{"default_options": ["--follow"]}"#)
        .args(["-h", "--no-follow", &server.url("/start")])
        .run();
    run.success();
    assert!(run.stdout_str().contains("302"), "{}", run.describe());
}

#[test]
fn no_verbose_undoes_verbose() {
    let run = with_config(r#"{"default_options": ["--verbose"]}"#)
        .args(["--offline", "--no-verbose", "example.org", "X-A:1"])
        .run();
    run.success();
    // Without -v, --offline prints the request head only: no blank line and body section.
    let out = run.stdout_str();
    assert!(out.starts_with("GET / HTTP/1.1"), "{out}");
    let run = with_config(r#"{"default_options": ["--print=H", "--form"]}"#)
        .args(["--offline", "--no-print", "--no-form", "example.org", "a=b"])
        .run();
    run.success();
    let out = run.stdout_str();
    assert!(
        out.contains("application/json") && out.contains("{\"a\": \"b\"}"),
        "{out}"
    );
}

#[test]
fn the_command_line_wins_over_the_config() {
    let run = with_config(
        r#"{"default_options": ["--default-scheme=https", "--print=B", "--boundary=cfg"]}"#,
    )
    .args([
        "--offline",
        "--print=H",
        "--boundary=cli",
        "--multipart",
        "example.org",
        "a=b",
    ])
    .run();
    run.success();
    let out = run.stdout_str();
    assert!(
        out.contains("boundary=cli") && !out.contains("boundary=cfg"),
        "{out}"
    );
    assert!(out.starts_with("POST / HTTP/1.1"), "{out}");
    assert!(!out.contains("name=\"a\""), "-p H prints no body: {out}");
}

#[test]
fn a_broken_config_warns_in_one_line_and_the_run_goes_on() {
    for content in [
        "{not json",
        r#"{"default_options": "--follow"}"#,
        r#"{"default_options": [1, 2]}"#,
        r#"{"default_options": ["--no-such-option"]}"#,
        r#"{"default_options": ["--timeout"]}"#,
    ] {
        let run = with_config(content)
            .args(["--offline", "-h", "example.org"])
            .run();
        run.success();
        let err = run.stderr_str();
        assert_eq!(err.lines().count(), 1, "{content}: {err}");
        assert!(
            err.starts_with("http: warning: invalid config file "),
            "{content}: {err}"
        );
        assert!(err.contains("config.json"), "{err}");
        // -qq silences the warning (HTTPie: -qq silences warnings).
        with_config(content)
            .args(["--offline", "-qq", "example.org"])
            .run()
            .success()
            .stderr_empty();
    }
}

#[test]
fn a_config_too_big_is_not_read() {
    let big = format!(r#"{{"default_options": ["{}"]}}"#, "x".repeat(2 << 20));
    let run = with_config(&big).args(["--offline", "example.org"]).run();
    run.success();
    let err = run.stderr_str();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("larger than"), "{err}");
}

#[test]
fn unknown_negations_are_usage_errors() {
    let run = http().args(["--no-nonsense", "example.org"]).run();
    run.code_is(1);
    run.single_error_line();
}

#[test]
fn debug_redacts_every_secret() {
    const SECRET: &str = "Sup3rS3cret-4711";
    let server = Server::start(vec![Reply::ok("fine")]);
    let run = with_config(r#"{"default_options": ["--timeout=9"]}"#)
        .env("HTTPS_PROXY", format!("http://user:{SECRET}@127.0.0.1:9"))
        .env("NO_COLOR", "1")
        .args([
            "--debug",
            "-b",
            "-a",
            &format!("alice:{SECRET}"),
            &format!("--proxy=ftp:http://u:{SECRET}@127.0.0.1:9"),
            &server.url("/x"),
            &format!("Authorization:Bearer {SECRET}"),
            &format!("Cookie:sid={SECRET}"),
            "X-Visible:shown",
        ])
        .run();
    let err = run.stderr_str();
    assert!(!err.contains(SECRET), "{err}");
    for expected in [
        env!("CARGO_PKG_VERSION"),
        "config dir: ",
        "config.json",
        "timeout: Some(",
        "9.0",
        "alice:<redacted>",
        "X-Visible:shown",
        "HTTPS_PROXY=http://***@127.0.0.1:9",
        "NO_COLOR=1",
        "COURIER_CONFIG_DIR=",
    ] {
        assert!(err.contains(expected), "{expected:?} not in {err}");
    }
    // The report comes first; then the ftp: proxy is refused, its password hidden there too.
    run.code_is(1);
    assert!(
        run.stderr_str()
            .contains("http: error: --proxy 'ftp:http://***@"),
        "{}",
        run.describe()
    );
}

#[test]
fn every_spelling_of_version_wins_over_the_config() {
    for flag in ["-V", "--vers", "--version"] {
        let run = with_config(r#"{"default_options": ["--offline"]}"#)
            .args([flag, "example.org"])
            .run();
        run.success();
        let out = run.stdout_str();
        assert!(!out.contains("GET / HTTP/1.1"), "{flag}: {out}");
        assert!(out.contains(env!("CARGO_PKG_VERSION")), "{flag}: {out}");
    }
}

#[test]
fn a_fifo_as_the_config_file_or_session_is_refused_without_blocking() {
    let cmd = http();
    let config = cmd.home().join("courier-config").join("config.json");
    let session = cmd.home().join("s.json");
    for fifo in [&config, &session] {
        let made = std::process::Command::new("mkfifo").arg(fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", fifo.display());
    }
    let mut cmd = cmd;
    let run = cmd
        .timeout(std::time::Duration::from_secs(10))
        .args(["--offline", "example.org"])
        .run();
    run.success();
    assert!(!run.killed, "{}", run.describe());
    assert!(
        run.stderr_str()
            .contains("a named pipe or socket, not a file"),
        "{}",
        run.describe()
    );
    let session_arg = format!("--session={}", session.display());
    let run = cmd.args([session_arg.as_str()]).run();
    run.code_is(1);
    assert!(!run.killed, "{}", run.describe());
    assert!(
        run.stderr_str().contains("cannot read session file"),
        "{}",
        run.describe()
    );
}
