//! Hostile local input through the real binary: numeric options out of range, session files
//! that never end, and Ctrl-C typed at the password prompt of a real pseudo-terminal.

use crate::support::{bin_path, http, wait_bounded, Run};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn one_usage_error(r: &Run, what: &str) {
    let err = r.stderr_str();
    assert_eq!(r.code(), Some(1), "{what}: {err}");
    assert!(!r.killed, "{what}: hung");
    assert_eq!(err.lines().count(), 1, "{what}: {err}");
    assert!(err.starts_with("http: error: "), "{what}: {err}");
    assert!(
        !err.contains("panic") && !err.contains("internal error"),
        "{what}: {err}"
    );
}

#[test]
fn numeric_options_refuse_negative_nan_infinite_and_huge_values() {
    let bad = [
        "-1",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "1e20",
        "1e400",
        "99999999999999999999999",
        "18446744073709551616",
        "",
        "x",
    ];
    let flags = [
        "--timeout",
        "--connect-timeout",
        "--max-time",
        "--max-headers",
        "--max-redirects",
        "--retry",
        "--retry-backoff",
        "--retry-max-delay",
        "--max-pages",
    ];
    for flag in flags {
        for value in bad {
            let arg = format!("{flag}={value}");
            let mut extra = vec![];
            if flag == "--max-pages" {
                extra.push("--paginate");
            }
            let r = http()
                .args(["--offline", &arg])
                .args(&extra)
                .arg("example.org")
                .timeout(Duration::from_secs(10))
                .run();
            one_usage_error(&r, &arg);
        }
    }
    // Just past each documented range.
    for arg in [
        "--max-redirects=1001",
        "--retry=101",
        "--timeout=86401",
        "--max-headers=129",
    ] {
        let r = http().args(["--offline", arg, "example.org"]).run();
        one_usage_error(&r, arg);
    }
    for value in ["-1", "nan", "inf", "1e400", "99999999999999999999", "65"] {
        let arg = format!("--format-options=json.indent:{value}");
        let r = http().args(["--offline", &arg, "example.org"]).run();
        one_usage_error(&r, &arg);
    }
}

#[test]
fn numeric_options_in_range_still_work() {
    for arg in [
        "--timeout=0",
        "--timeout=0.5",
        "--timeout=86400",
        "--connect-timeout=2.5",
        "--max-time=10",
        "--max-headers=128",
        "--max-redirects=0",
        "--max-redirects=1000",
        "--retry=0",
        "--retry=100",
        "--retry-backoff=0",
        "--retry-max-delay=30",
        "--format-options=json.indent:0",
    ] {
        let r = http().args(["--offline", arg, "example.org"]).run();
        assert_eq!(r.code(), Some(0), "{arg}: {}", r.stderr_str());
        assert!(r.stdout_str().starts_with("GET / HTTP/1.1"), "{arg}");
    }
    let r = http()
        .args(["--offline", "--paginate", "--max-pages=3", "example.org"])
        .run();
    assert_eq!(r.code(), Some(0), "{}", r.stderr_str());
}

#[test]
fn endless_session_files_are_refused_after_the_cap() {
    let r = http()
        .args(["--offline", "--session=/dev/zero", "example.org"])
        .timeout(Duration::from_secs(20))
        .run();
    assert!(
        !r.killed && r.elapsed < Duration::from_secs(15),
        "took {:?}",
        r.elapsed
    );
    one_usage_error(&r, "--session=/dev/zero");
    assert!(r.stderr_str().contains("/dev/zero"), "{}", r.stderr_str());
    assert!(r.stderr_str().contains("larger than"), "{}", r.stderr_str());

    // A sparse file of 64 GiB: reading it whole would take the run's memory and minutes.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.json");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(64 << 30).unwrap();
    drop(file);
    let arg = format!("--session={}", path.display());
    let r = http()
        .args([arg.as_str(), "example.org", "A:b"])
        .arg("--offline")
        .timeout(Duration::from_secs(20))
        .run();
    assert!(
        !r.killed && r.elapsed < Duration::from_secs(15),
        "took {:?}",
        r.elapsed
    );
    one_usage_error(&r, &arg);
    assert!(r.stderr_str().contains("larger than"), "{}", r.stderr_str());
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 64 << 30);
}

/// Runs `http -a user` under `script` (a real pseudo-terminal), types Ctrl-C at the prompt,
/// and returns what the shell inside saw: the exit status and whether echo is on afterwards.
fn ctrl_c_at_prompt(args: &str) -> String {
    let inner = format!(
        "{} {args}; echo EXIT=$?; stty -a | tr ' ' '\\n' | grep -x -- '-\\?echo'",
        bin_path("http").display()
    );
    let mut child = Command::new("script")
        .args(["-qec", &inner, "/dev/null"])
        .env("HOME", std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn script");
    let mut stdin = child.stdin.take().unwrap();
    std::thread::sleep(Duration::from_millis(700));
    stdin.write_all(b"\x03").unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(Duration::from_millis(700));
    drop(stdin);
    let (out, _) = wait_bounded(child, Instant::now() + Duration::from_secs(20));
    String::from_utf8_lossy(&out.stdout).replace('\r', "")
}

#[test]
fn ctrl_c_at_the_password_prompt_exits_130_with_echo_on() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no script(1)");
        return;
    }
    // Five runs, so a race between the prompt and the Ctrl-C handler would show.
    for run in 0..5 {
        let seen = ctrl_c_at_prompt("--offline -a user example.org");
        assert!(
            seen.contains("password for user@example.org"),
            "run {run}: {seen}"
        );
        assert!(seen.contains("EXIT=130"), "run {run}: {seen}");
        assert!(!seen.contains("no terminal"), "run {run}: {seen}");
        assert!(
            seen.lines().any(|l| l == "echo"),
            "run {run}: echo left off: {seen}"
        );
    }
}
