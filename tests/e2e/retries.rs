//! Retries (`--retry` and friends) and rate limits: a server that fails N times, then answers,
//! and records when each attempt arrived. Waits are asserted with slack, never exactly.

use crate::support::http;
use crate::support::server::{Reply, Server, Step};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn busy() -> Reply {
    Reply::http("HTTP/1.1 503 Service Unavailable", "busy")
}

fn gaps(srv: &Server) -> Vec<Duration> {
    let reqs = srv.requests();
    reqs.windows(2).map(|w| w[1].at - w[0].at).collect()
}

#[test]
fn a_failing_status_is_retried_until_it_succeeds() {
    let srv = Server::start(vec![busy(), busy(), Reply::ok("finally")]);
    let r = http()
        .args(["--retry", "3", "--retry-backoff", "0.05", &srv.url("/r")])
        .run();
    r.success().stdout_is("finally");
    assert_eq!(srv.requests().len(), 3);
    let err = r.stderr_str();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with("http: retrying in "), "{err}");
    assert!(
        lines[0].ends_with(" (1/3) after HTTP 503 Service Unavailable"),
        "{err}"
    );
    assert!(
        lines[1].ends_with(" (2/3) after HTTP 503 Service Unavailable"),
        "{err}"
    );
    // Full jitter below the doubling cap: at most 0.05 s, then 0.1 s (the waits announced;
    // the wall-clock gaps are the scheduler's business, not a test's).
    let waits: Vec<f64> = lines.iter().map(|l| announced_wait(l)).collect();
    assert!(waits[0] <= 0.05 && waits[1] <= 0.1, "{err}");
}

/// The seconds in `http: retrying in 0.03s (1/3) after ...`.
fn announced_wait(line: &str) -> f64 {
    line.strip_prefix("http: retrying in ")
        .and_then(|rest| rest.split_once("s "))
        .and_then(|(secs, _)| secs.parse().ok())
        .unwrap_or_else(|| panic!("no wait in {line:?}"))
}

#[test]
fn without_retry_nothing_is_sent_again() {
    let srv = Server::start(vec![busy(), Reply::ok("never")]);
    let r = http().args(["--check-status", &srv.url("/")]).run();
    r.code_is(5);
    assert_eq!(srv.requests().len(), 1);
}

#[test]
fn quiet_silences_the_retry_lines() {
    let srv = Server::start(vec![busy(), Reply::ok("ok")]);
    let r = http()
        .args([
            "-q",
            "--retry",
            "1",
            "--retry-backoff",
            "0.01",
            &srv.url("/"),
        ])
        .run();
    r.success().stdout_is("").stderr_empty();
    assert_eq!(srv.requests().len(), 2);
}

#[test]
fn dropped_connections_and_stalls_are_retried() {
    // Closed before any response, then a stall past --timeout, then an answer.
    let srv = Server::start(vec![
        Reply::steps(vec![Step::Close]),
        Reply::hang(),
        Reply::ok("third time"),
    ]);
    let r = http()
        .args([
            "--retry",
            "2",
            "--retry-backoff",
            "0.01",
            "--timeout",
            "0.5",
            &srv.url("/"),
        ])
        .run();
    r.success().stdout_is("third time");
    assert_eq!(srv.requests().len(), 3);
    let err = r.stderr_str();
    assert!(
        err.contains("(1/2) after Connection to 127.0.0.1:"),
        "{err}"
    );
    assert!(err.contains("(2/2) after Request timed out"), "{err}");
}

#[test]
fn when_retries_run_out_the_last_answer_decides() {
    let srv = Server::start(vec![busy()]);
    let r = http()
        .args([
            "--check-status",
            "--retry",
            "2",
            "--retry-backoff",
            "0.01",
            &srv.url("/"),
        ])
        .run();
    r.code_is(5);
    assert_eq!(r.stdout_str(), "busy");
    assert_eq!(srv.requests().len(), 3);
    // A last failure that is a timeout exits 2, a connection failure 1.
    let srv = Server::start(vec![Reply::hang()]);
    let r = http()
        .args([
            "--retry",
            "1",
            "--retry-backoff",
            "0.01",
            "--timeout",
            "0.3",
            &srv.url("/"),
        ])
        .run();
    r.code_is(2);
    assert_eq!(srv.requests().len(), 2);
    let srv = Server::start(vec![Reply::steps(vec![Step::Close])]);
    let r = http()
        .args(["--retry", "1", "--retry-backoff", "0.01", &srv.url("/")])
        .run();
    r.code_is(1);
    assert_eq!(srv.requests().len(), 2);
}

#[test]
fn post_is_not_retried_unless_asked_and_its_body_is_sent_again() {
    let srv = Server::start(vec![busy(), Reply::ok("stored")]);
    let r = http().args(["--retry", "2", &srv.url("/p"), "a=1"]).run();
    r.success().stdout_is("busy");
    assert_eq!(srv.requests().len(), 1);
    assert!(
        r.stderr_str()
            .contains("not retrying: POST is not idempotent"),
        "{}",
        r.describe()
    );
    let srv = Server::start(vec![busy(), Reply::ok("stored")]);
    http()
        .args([
            "--retry",
            "2",
            "--retry-all-methods",
            "--retry-backoff",
            "0.01",
            &srv.url("/p"),
            "a=1",
        ])
        .run()
        .success()
        .stdout_is("stored");
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].body, br#"{"a": "1"}"#);
    assert_eq!(reqs[1].body, reqs[0].body);
}

#[test]
fn retry_on_chooses_the_statuses() {
    let srv = Server::start(vec![
        Reply::http("HTTP/1.1 418 I'm a teapot", "tea"),
        Reply::ok("coffee"),
    ]);
    http()
        .args([
            "--retry",
            "1",
            "--retry-on",
            "418,5xx",
            "--retry-backoff",
            "0.01",
            &srv.url("/"),
        ])
        .run()
        .success()
        .stdout_is("coffee");
    // 503 is not in the list given.
    let srv = Server::start(vec![busy(), Reply::ok("no")]);
    http()
        .args(["--retry", "1", "--retry-on", "429", &srv.url("/")])
        .run()
        .success()
        .stdout_is("busy");
    assert_eq!(srv.requests().len(), 1);
    http()
        .args(["--retry-on", "999", "--offline", "x.test"])
        .run()
        .code_is(1);
}

#[test]
fn retry_after_seconds_sets_the_wait() {
    let srv = Server::start(vec![
        Reply::http("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1", ""),
        Reply::ok("after a second"),
    ]);
    let r = http().args(["--retry", "1", &srv.url("/")]).run();
    r.success().stdout_is("after a second");
    let g = gaps(&srv);
    assert!(g[0] >= Duration::from_millis(900), "{g:?}");
    assert!(
        r.stderr_str().contains("retrying in 1s (1/1)"),
        "{}",
        r.describe()
    );
}

#[test]
fn rate_limit_resets_set_the_wait_when_nothing_is_left() {
    let epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let github = format!(
        "HTTP/1.1 429 Too Many Requests\r\nX-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: {}",
        epoch + 2
    );
    let srv = Server::start(vec![Reply::http(&github, ""), Reply::ok("reset")]);
    http()
        .args(["--retry", "1", "--retry-backoff", "0.01", &srv.url("/")])
        .run()
        .success()
        .stdout_is("reset");
    let g = gaps(&srv);
    // The reset is at least one whole second away (epoch seconds round down).
    assert!(g[0] >= Duration::from_millis(900), "{g:?}");
    let draft = "HTTP/1.1 429 Too Many Requests\r\nRateLimit-Remaining: 0\r\nRateLimit-Reset: 1";
    let srv = Server::start(vec![Reply::http(draft, ""), Reply::ok("reset")]);
    http()
        .args(["--retry", "1", "--retry-backoff", "0.01", &srv.url("/")])
        .run()
        .success();
    assert!(gaps(&srv)[0] >= Duration::from_millis(900));
}

#[test]
fn a_demand_longer_than_the_cap_ends_the_retries() {
    let srv = Server::start(vec![
        Reply::http(
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3600",
            "slow down",
        ),
        Reply::ok("never"),
    ]);
    let r = http()
        .args(["--check-status", "--retry", "3", &srv.url("/")])
        .run();
    r.code_is(4);
    assert_eq!(r.stdout_str(), "slow down");
    assert_eq!(srv.requests().len(), 1);
    assert!(
        r.stderr_str().contains(
            "not retrying: the server asked to wait 3600s (Retry-After), longer than --retry-max-delay=30s"
        ),
        "{}",
        r.describe()
    );
}

#[test]
fn max_time_cuts_a_long_schedule_short() {
    let srv = Server::start(vec![Reply::http(
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5",
        "",
    )]);
    let r = http()
        .args(["--retry", "3", "--max-time", "1", &srv.url("/")])
        .run();
    r.code_is(2);
    assert!(r.stderr_str().contains("--max-time=1"), "{}", r.describe());
    assert!(r.elapsed < Duration::from_secs(3), "{:?}", r.elapsed);
    assert_eq!(srv.requests().len(), 1);
}

#[test]
fn retries_reuse_the_connection() {
    let srv = Server::start(vec![busy(), busy(), Reply::ok("done")]);
    http()
        .args(["--retry", "2", "--retry-backoff", "0.01", &srv.url("/")])
        .run()
        .success();
    assert_eq!(srv.connections(), 1);
}

/// A download cut short is resumed from where it stopped, with `--continue`.
#[test]
fn a_download_cut_short_resumes_with_continue() {
    let fx = crate::support::Fixtures::new();
    let out = fx.path().join("data.bin");
    let srv = Server::start(vec![
        Reply::steps(vec![
            Step::Send(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234".to_vec()),
            Step::Close,
        ]),
        Reply::raw(b"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 5-9/10\r\nContent-Length: 5\r\n\r\n56789"),
    ]);
    let r = http()
        .args(["--retry", "2", "--retry-backoff", "0.01", "-d", "-c", "-o"])
        .arg(&out)
        .arg(srv.url("/data.bin"))
        .run();
    r.success();
    assert_eq!(std::fs::read(&out).unwrap(), b"0123456789");
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].header("Range"), None);
    assert_eq!(reqs[1].header("Range").as_deref(), Some("bytes=5-"));
    // Without --continue the partial file is not resumed, and the run says why.
    let out2 = fx.path().join("other.bin");
    let srv = Server::start(vec![Reply::steps(vec![
        Step::Send(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234".to_vec()),
        Step::Close,
    ])]);
    let r = http()
        .args(["--retry", "2", "--retry-backoff", "0.01", "-d", "-o"])
        .arg(&out2)
        .arg(srv.url("/data.bin"))
        .run();
    r.code_is(1);
    assert!(
        r.stderr_str().contains("--continue resumes it"),
        "{}",
        r.describe()
    );
    assert_eq!(srv.requests().len(), 1);
}
