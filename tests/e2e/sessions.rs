//! Named and path sessions (README "Sessions"), through the real binary:
//! cookies, headers and auth kept between runs and sent again; HTTPie 3.2 session files (hand
//! written in HTTPie 3.2's documented layout, and produced by HTTPie itself when `python3 -m httpie`
//! works) and its older layouts; `--session-read-only` and `--offline`; name, path and Host
//! validation; file modes; corrupt files left alone; eight concurrent runs; cookies that never
//! reach another host; `localhost` cookies shared with HTTPie in both directions; the lock
//! file (0600, no symlinks, a bounded wait).
//!
//! Every run of one test shares one config dir (`COURIER_CONFIG_DIR`, see [`Env`]); each run
//! still gets its own temporary HOME from the harness.

use crate::support::server::{RecordedRequest, Reply, Server};
use crate::support::{basic, bin_path, http, port_of, redirect, Cmd, Run};
use serde_json::Value;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};
use tempfile::TempDir;

// ---- Harness --------------------------------------------------------------------------------

use crate::support::config_env::ConfigEnv as Env;

/// Sessions' own additions to the shared environment.
trait SessionEnv {
    fn stored(&self, host_port: &str, name: &str) -> (PathBuf, Vec<u8>);
    fn last_request(&self, srv: &Server, args: &[&str]) -> RecordedRequest;
}

impl SessionEnv for Env {
    /// Write [`stored_session`] as the named session `name` of `host_port`; returns the file
    /// and its bytes.
    fn stored(&self, host_port: &str, name: &str) -> (PathBuf, Vec<u8>) {
        let file = self.named(host_port, name);
        self.write(&file, &stored_session());
        let before = fs::read(&file).unwrap();
        (file, before)
    }

    /// Run `http ARGS...` with this config dir, assert success, and return the last request
    /// `srv` received.
    fn last_request(&self, srv: &Server, args: &[&str]) -> RecordedRequest {
        self.run(args).success();
        last(srv)
    }
}

fn s(p: &Path) -> String {
    p.to_str().expect("UTF-8 temp path").to_string()
}

/// 200 with these `Set-Cookie` lines.
fn set_cookies(cookies: &[&str]) -> Reply {
    let mut head = String::from("HTTP/1.1 200 OK");
    for c in cookies {
        head.push_str("\r\nSet-Cookie: ");
        head.push_str(c);
    }
    Reply::http(&head, "ok")
}

/// A small app:
/// * `/set?a=1&b=2` sets `a=1; Path=/` and `b=2; Path=/`;
/// * `/del?a` deletes `a` with `Max-Age=0`; `/expire?a` with an `Expires` in the past;
/// * `/go/localhost` redirects to `http://localhost:PORT/landed`, `/go/127` to
///   `http://127.0.0.1:PORT/landed`;
/// * anything else: 200 `ok`.
fn app() -> Server {
    Server::start_fn(|_, req| {
        let target = req.target().to_string();
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let pairs: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
        match path {
            "/set" => {
                let lines: Vec<String> = pairs.iter().map(|p| format!("{p}; Path=/")).collect();
                set_cookies(&lines.iter().map(String::as_str).collect::<Vec<_>>())
            }
            "/del" => {
                let lines: Vec<String> = pairs
                    .iter()
                    .map(|n| format!("{n}=; Max-Age=0; Path=/"))
                    .collect();
                set_cookies(&lines.iter().map(String::as_str).collect::<Vec<_>>())
            }
            "/expire" => {
                let lines: Vec<String> = pairs
                    .iter()
                    .map(|n| format!("{n}=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"))
                    .collect();
                set_cookies(&lines.iter().map(String::as_str).collect::<Vec<_>>())
            }
            "/go/localhost" => redirect(&format!("http://localhost:{}/landed", port_of(req))),
            "/go/127" => redirect(&format!("http://127.0.0.1:{}/landed", port_of(req))),
            _ => Reply::ok("ok"),
        }
    })
}

/// The cookie pairs of the request's one `Cookie` line, sorted (none: empty).
fn cookies(req: &RecordedRequest) -> Vec<String> {
    let lines = req.header_all("Cookie");
    assert!(lines.len() <= 1, "several Cookie lines:\n{}", req.head);
    let mut v: Vec<String> = lines
        .first()
        .map(|l| l.split("; ").map(str::to_string).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// The last request the server received.
fn last(srv: &Server) -> RecordedRequest {
    srv.requests()
        .pop()
        .expect("the server received no request")
}

/// Asserts that stderr is exactly one non-empty `http: warning: ` line.
fn one_warning_line(r: &Run) {
    let err = r.stderr_str();
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one warning line:\n{}", r.describe());
    assert!(lines[0].starts_with("http: warning: "), "{}", r.describe());
}

/// Asserts that the run finished, failed (exit code not 0) and did not panic.
fn failed_cleanly(r: &Run) {
    assert!(!r.killed);
    assert_ne!(r.code(), Some(0), "{}", r.describe());
    r.no_panic();
}

/// How the error line about an unusable session file at `path` starts.
fn invalid_session_file(path: &Path) -> String {
    format!("http: error: invalid session file {}: ", path.display())
}

/// The session file, parsed (it must be valid JSON).
fn load(path: &Path) -> Value {
    let text = fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read session file {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("session file {} is not JSON ({e}):\n{text}", path.display()))
}

fn file_cookies(v: &Value) -> Vec<Value> {
    v["cookies"]
        .as_array()
        .unwrap_or_else(|| panic!("`cookies` must be a list:\n{v:#}"))
        .clone()
}

fn file_cookie(v: &Value, name: &str) -> Option<Value> {
    file_cookies(v).into_iter().find(|c| c["name"] == name)
}

fn file_cookie_names(v: &Value) -> Vec<String> {
    let mut names: Vec<String> = file_cookies(v)
        .iter()
        .map(|c| c["name"].as_str().unwrap_or("?").to_string())
        .collect();
    names.sort();
    names
}

fn file_headers(v: &Value) -> Vec<(String, String)> {
    v["headers"]
        .as_array()
        .unwrap_or_else(|| panic!("`headers` must be a list:\n{v:#}"))
        .iter()
        .map(|h| {
            (
                h["name"].as_str().unwrap().to_string(),
                h["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every regular file under `dir` (recursively), for "nothing was written" checks.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Temporary files a session write may have left next to `path`.
fn leftovers(path: &Path) -> Vec<String> {
    fs::read_dir(path.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp") || n.starts_with(".session."))
        .collect()
}

/// HTTPie 3.2.4's own session file, as HTTPie's docs show it (one key per line, as it
/// really writes it). `sid` is bound to `localhost` (Python writes `localhost.local`, and we
/// write it back that way); `c1` and `c2` came from a typed `Cookie:` header and are unbound
/// (`domain: ""`).
const HTTPIE_324_FILE: &str = r#"{
    "__meta__": {
        "about": "HTTPie session file",
        "help": "https://httpie.io/docs#sessions",
        "httpie": "3.2.4"
    },
    "auth": {
        "raw_auth": "alice:secret",
        "type": "basic"
    },
    "cookies": [
        {
            "domain": "",
            "expires": null,
            "name": "c1",
            "path": "/",
            "secure": false,
            "value": "v1"
        },
        {
            "domain": "",
            "expires": null,
            "name": "c2",
            "path": "/",
            "secure": false,
            "value": "v2"
        },
        {
            "domain": "localhost.local",
            "expires": null,
            "name": "sid",
            "path": "/",
            "secure": false,
            "value": "abc"
        }
    ],
    "headers": [
        {
            "name": "X-Api",
            "value": "1"
        },
        {
            "name": "X-Api",
            "value": "2"
        }
    ]
}
"#;

/// A current-layout session for `127.0.0.1`: a header, Basic auth, and a cookie.
fn stored_session() -> String {
    r#"{
    "__meta__": {"about": "HTTPie session file", "help": "https://httpie.io/docs#sessions", "httpie": "3.2.4"},
    "auth": {"raw_auth": "alice:secret", "type": "basic"},
    "cookies": [
        {"domain": "127.0.0.1", "expires": null, "name": "sid", "path": "/", "secure": false, "value": "abc"}
    ],
    "headers": [{"name": "X-Api", "value": "stored"}]
}
"#
    .to_string()
}

// ---- Cookies, headers and auth across runs ---------------------------------------------------

#[test]
fn a_cookie_set_on_one_run_is_sent_on_the_next() {
    let env = Env::new();
    let srv = app();
    env.run(&["--session=s", &srv.url("/set?sid=abc123&theme=dark")])
        .success()
        .stderr_empty();
    let file = env.named(&srv.host_port(), "s");
    let v = load(&file);
    let sid = file_cookie(&v, "sid").expect("sid stored");
    assert_eq!(sid["value"], "abc123");
    assert_eq!(sid["domain"], "127.0.0.1", "bound to the host that set it");
    assert_eq!(sid["path"], "/");
    assert_eq!(sid["secure"], false);
    assert_eq!(sid["expires"], Value::Null);

    env.run(&["--session=s", &srv.url("/next")]).success();
    assert_eq!(cookies(&last(&srv)), ["sid=abc123", "theme=dark"]);
}

#[test]
fn cookies_of_an_error_response_are_kept_too() {
    // The exchange happened: a 404 with --check-status (exit 4) still updates the session.
    let env = Env::new();
    let srv = Server::start(vec![Reply::http(
        "HTTP/1.1 404 Not Found\r\nSet-Cookie: seen=1; Path=/",
        "nope",
    )]);
    env.run(&["--check-status", "--session=s", &srv.url("/")])
        .code_is(4);
    let v = load(&env.named(&srv.host_port(), "s"));
    assert_eq!(file_cookie_names(&v), ["seen"]);
}

#[test]
fn the_file_has_httpie_32_layout() {
    let env = Env::new();
    let srv = app();
    env.run(&[
        "--session=fresh",
        &srv.url("/set?a=1"),
        "X-Api:1",
        "X-Api:2",
    ])
    .success();
    let file = env.named(&srv.host_port(), "fresh");
    let text = fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("{\n    \"__meta__\": {\n"),
        "4-space indent, keys sorted:\n{text}"
    );
    assert!(text.ends_with("}\n"), "trailing newline:\n{text}");
    let v = load(&file);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["__meta__", "auth", "cookies", "headers"], "{text}");
    assert!(v["__meta__"].is_object());
    // No auth yet: HTTPie's "empty" auth object.
    assert_eq!(
        v["auth"],
        serde_json::json!({"password": null, "type": null, "username": null})
    );
    assert_eq!(
        file_headers(&v),
        [("X-Api".into(), "1".into()), ("X-Api".into(), "2".into())]
    );
    // Exactly HTTPie's cookie keys: its loader passes each one to `create_cookie`, which
    // refuses unknown keys.
    let a = file_cookie(&v, "a").expect("cookie a");
    let mut cookie_keys: Vec<&String> = a.as_object().unwrap().keys().collect();
    cookie_keys.sort();
    assert_eq!(
        cookie_keys,
        ["domain", "expires", "name", "path", "secure", "value"]
    );
}

#[test]
fn stored_auth_is_sent_again_and_a_new_a_wins() {
    let env = Env::new();
    let srv = app();
    env.run(&["--session=s", "-a", "alice:secret", &srv.url("/1")])
        .success();
    let file = env.named(&srv.host_port(), "s");
    let v = load(&file);
    assert_eq!(v["auth"]["type"], "basic");
    assert_eq!(v["auth"]["raw_auth"], "alice:secret");

    env.run(&["--session=s", &srv.url("/2")]).success();
    assert_eq!(
        last(&srv).header("Authorization"),
        Some(basic("alice", "secret")),
        "stored auth is used without -a"
    );

    env.run(&["--session=s", "-a", "bob:pw", &srv.url("/3")])
        .success();
    assert_eq!(
        last(&srv).header("Authorization"),
        Some(basic("bob", "pw")),
        "-a wins over the stored auth"
    );
    // ... and, as in HTTPie, it becomes the stored auth.
    env.run(&["--session=s", &srv.url("/4")]).success();
    assert_eq!(last(&srv).header("Authorization"), Some(basic("bob", "pw")));
}

#[test]
fn bearer_auth_is_stored_with_its_type() {
    let env = Env::new();
    let srv = app();
    env.run(&["--session=s", "-A", "bearer", "-a", "tok3n", &srv.url("/")])
        .success();
    let v = load(&env.named(&srv.host_port(), "s"));
    assert_eq!(v["auth"]["type"], "bearer");
    assert_eq!(v["auth"]["raw_auth"], "tok3n");
    env.run(&["--session=s", &srv.url("/again")]).success();
    assert_eq!(
        last(&srv).header("Authorization").as_deref(),
        Some("Bearer tok3n")
    );
}

#[test]
fn stored_digest_credentials_answer_the_challenge_again() {
    let env = Env::new();
    let srv = Server::start_fn(|_, req| match req.header("Authorization") {
        Some(a) if a.starts_with("Digest ") => Reply::ok("in"),
        _ => Reply::http(
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"r\", qop=\"auth\", \
             algorithm=MD5, nonce=\"n0nce\"",
            "who are you?",
        ),
    });
    env.run(&[
        "--session=s",
        "-A",
        "digest",
        "-a",
        "dee:pw",
        &srv.url("/1"),
    ])
    .success();
    let v = load(&env.named(&srv.host_port(), "s"));
    assert_eq!(v["auth"]["type"], "digest");
    assert_eq!(v["auth"]["raw_auth"], "dee:pw");
    env.run(&["--session=s", &srv.url("/2")]).success();
    let reqs = srv.requests();
    let n = reqs.len();
    assert_eq!(
        reqs[n - 2].header("Authorization"),
        None,
        "Digest starts bare"
    );
    let answer = reqs[n - 1].header("Authorization").unwrap_or_default();
    assert!(
        answer.starts_with("Digest ") && answer.contains("username=\"dee\""),
        "{answer:?}"
    );
}

#[test]
fn custom_headers_persist_and_the_command_line_wins() {
    let env = Env::new();
    let srv = app();
    env.run(&["--session=s", &srv.url("/1"), "X-Api:1", "X-Api:2"])
        .success();

    env.run(&["--session=s", &srv.url("/2")]).success();
    assert_eq!(
        last(&srv).header_all("X-Api"),
        ["1", "2"],
        "both values kept"
    );

    env.run(&["--session=s", &srv.url("/3"), "X-Api:cli"])
        .success();
    assert_eq!(
        last(&srv).header_all("X-Api"),
        ["cli"],
        "the command line replaces every stored value of the name"
    );
    // A new value for a name replaces the stored ones.
    let v = load(&env.named(&srv.host_port(), "s"));
    assert_eq!(file_headers(&v), [("X-Api".into(), "cli".into())]);
    env.run(&["--session=s", &srv.url("/4")]).success();
    assert_eq!(last(&srv).header_all("X-Api"), ["cli"]);
}

#[test]
fn session_headers_replace_defaults() {
    // Session headers come after the defaults (replacing them) and before the command line's.
    let env = Env::new();
    let srv = app();
    env.run(&[
        "--session=s",
        &srv.url("/1"),
        "User-Agent:stored/1",
        "Accept:text/plain",
    ])
    .success();
    let req = env.last_request(&srv, &["--session=s", &srv.url("/2")]);
    assert_eq!(req.header("User-Agent").as_deref(), Some("stored/1"));
    assert_eq!(req.header("Accept").as_deref(), Some("text/plain"));

    env.run(&["--session=s", &srv.url("/3"), "User-Agent:cli/2"])
        .success();
    assert_eq!(last(&srv).header("User-Agent").as_deref(), Some("cli/2"));
}

#[test]
fn an_unset_header_item_sends_no_header() {
    let env = Env::new();
    let srv = app();
    env.run(&["--session=s", &srv.url("/1"), "Hello:World"])
        .success();
    env.run(&["--session=s", &srv.url("/2")]).success();
    assert_eq!(last(&srv).header("Hello").as_deref(), Some("World"));

    env.run(&["--session=s", &srv.url("/3"), "Hello:"])
        .success();
    assert_eq!(
        last(&srv).header_all("Hello"),
        Vec::<String>::new(),
        "`Hello:` sends no Hello"
    );
}

#[test]
fn what_is_not_stored() {
    // HTTPie's rule: no Content-*, no If-*, no default User-Agent, no Cookie header (cookies go to the
    // jar); the request's other defaults (Host, Accept-Encoding) are not typed and not kept.
    let env = Env::new();
    let srv = app();
    env.run(&[
        "--session=s",
        &srv.url("/"),
        "Content-Type:text/plain",
        "Content-Language:en",
        "If-None-Match:xyz",
        "If-Modified-Since:Sat, 29 Oct 1994 19:43:31 GMT",
        "Cookie:c=1",
        "X-Kept:yes",
    ])
    .success();
    let v = load(&env.named(&srv.host_port(), "s"));
    assert_eq!(file_headers(&v), [("X-Kept".into(), "yes".into())]);

    // The default User-Agent (and the other defaults) are not stored.
    env.run(&["--session=ua", &srv.url("/")]).success();
    let v = load(&env.named(&srv.host_port(), "ua"));
    assert_eq!(file_headers(&v), Vec::<(String, String)>::new());
}

#[test]
fn netrc_credentials_are_never_written() {
    let env = Env::new();
    let srv = app();
    let netrc = env.path("netrc");
    fs::write(&netrc, "machine 127.0.0.1 login nuser password npass\n").unwrap();
    env.http()
        .env("NETRC", &netrc)
        .args(["--session=s", &srv.url("/1")])
        .run()
        .success();
    assert_eq!(
        last(&srv).header("Authorization"),
        Some(basic("nuser", "npass")),
        "the netrc entry is used"
    );
    let file = env.named(&srv.host_port(), "s");
    let text = fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains("npass") && !text.contains("nuser"),
        "netrc credentials in the session:\n{text}"
    );
    assert_eq!(load(&file)["auth"]["type"], Value::Null);

    env.run(&["--ignore-netrc", "--session=s", &srv.url("/2")])
        .success();
    assert_eq!(last(&srv).header("Authorization"), None);
}

// ---- Cookie rules through the session ----------------------------------------------------------

#[test]
fn max_age_zero_and_a_past_expires_delete_stored_cookies() {
    let env = Env::new();
    let srv = app();
    env.run(&["--session=s", &srv.url("/set?a=1&b=2&c=3")])
        .success();
    let file = env.named(&srv.host_port(), "s");
    assert_eq!(file_cookie_names(&load(&file)), ["a", "b", "c"]);

    env.run(&["--session=s", &srv.url("/del?a")]).success();
    assert_eq!(file_cookie_names(&load(&file)), ["b", "c"], "Max-Age=0");
    env.run(&["--session=s", &srv.url("/expire?b")]).success();
    assert_eq!(file_cookie_names(&load(&file)), ["c"], "past Expires");

    env.run(&["--session=s", &srv.url("/next")]).success();
    assert_eq!(cookies(&last(&srv)), ["c=3"]);
}

#[test]
fn expired_cookies_in_the_file_are_dropped() {
    let env = Env::new();
    let srv = app();
    let file = env.named(&srv.host_port(), "s");
    env.write(
        &file,
        r#"{"cookies": [
            {"domain": "127.0.0.1", "expires": 1000000000, "name": "old", "path": "/", "secure": false, "value": "1"},
            {"domain": "127.0.0.1", "expires": 4102444800, "name": "fresh", "path": "/", "secure": false, "value": "2"}
        ], "headers": [], "auth": {"type": null, "username": null, "password": null}}"#,
    );
    env.run(&["--session=s", &srv.url("/")]).success();
    assert_eq!(cookies(&last(&srv)), ["fresh=2"]);
    let v = load(&file);
    assert_eq!(file_cookie_names(&v), ["fresh"]);
    assert_eq!(file_cookie(&v, "fresh").unwrap()["expires"], 4102444800_i64);
}

#[test]
fn a_secure_cookie_is_not_sent_over_http_nor_overwritten_by_it() {
    // Checklist 17: a stored Secure cookie for 127.0.0.1 goes nowhere over plain http, and a
    // plain-http Set-Cookie of the same name cannot replace it.
    let env = Env::new();
    let srv = app();
    let file = env.named(&srv.host_port(), "s");
    env.write(
        &file,
        r#"{"cookies": [
            {"domain": "127.0.0.1", "expires": null, "name": "same", "path": "/", "secure": true, "value": "good"}
        ], "headers": []}"#,
    );
    env.run(&["--session=s", &srv.url("/set?same=evil")])
        .success();
    assert_eq!(cookies(&srv.requests()[0]), Vec::<String>::new());
    let v = load(&file);
    let same: Vec<Value> = file_cookies(&v)
        .into_iter()
        .filter(|c| c["name"] == "same")
        .collect();
    assert_eq!(same.len(), 1, "{v:#}");
    assert_eq!(same[0]["value"], "good");
    assert_eq!(same[0]["secure"], true);
}

#[test]
fn super_cookies_are_never_persisted() {
    // Checklist 16, through a session: a Domain that is not the host's is refused.
    let env = Env::new();
    let srv = Server::start(vec![set_cookies(&[
        "tld=1; Domain=com; Path=/",
        "dot=1; Domain=.0.0.1; Path=/",
        "other=1; Domain=example.com; Path=/",
        "ok=1; Path=/",
    ])]);
    env.run(&["--session=s", &srv.url("/")]).success();
    let v = load(&env.named(&srv.host_port(), "s"));
    assert_eq!(file_cookie_names(&v), ["ok"], "{v:#}");
}

#[test]
fn cookie_floods_and_garbage_stay_out_of_the_file() {
    // Checklist 18: more cookies than a host may keep (as many Set-Cookie lines as a response
    // head may carry), an over-long value, a TAB (legal in a header value, not in a cookie).
    let env = Env::new();
    let mut lines: Vec<String> = (0..110).map(|i| format!("f{i}=v{i}; Path=/")).collect();
    lines.push(format!("big={}; Path=/", "x".repeat(5000)));
    lines.push("tab=a\tb; Path=/".into());
    let srv = Server::start(vec![
        set_cookies(&lines.iter().map(String::as_str).collect::<Vec<_>>()),
        Reply::ok("ok"),
    ]);
    env.run(&["--session=s", &srv.url("/flood")]).success();
    let file = env.named(&srv.host_port(), "s");
    let v = load(&file);
    let names = file_cookie_names(&v);
    assert!(names.len() < 110, "{} cookies stored: no cap", names.len());
    for garbage in ["big", "tab"] {
        assert!(
            !names.iter().any(|n| n == garbage),
            "{garbage} stored: {names:?}"
        );
    }
    assert!(fs::metadata(&file).unwrap().len() < 64 * 1024);

    env.run(&["--session=s", &srv.url("/next")]).success();
    let cookie = last(&srv).header("Cookie").unwrap_or_default();
    assert!(
        cookie.len() <= 8192,
        "Cookie header of {} bytes",
        cookie.len()
    );
}

#[test]
fn control_bytes_in_set_cookie_never_reach_the_file() {
    // The response may be refused whole (exit 1) or the cookie ignored: either way, not stored.
    for ctl in ['\u{1}', '\u{7f}', '\u{0}'] {
        let env = Env::new();
        let srv = Server::start(vec![set_cookies(&[
            &format!("ctl=a{ctl}b; Path=/"),
            "ok=1; Path=/",
        ])]);
        let r = env.run(&["--session=s", &srv.url("/")]);
        assert!(!r.killed);
        r.no_panic();
        let file = env.named(&srv.host_port(), "s");
        if file.exists() {
            let names = file_cookie_names(&load(&file));
            assert!(!names.contains(&"ctl".to_string()), "{ctl:?}: {names:?}");
        }
    }
}

// ---- Cookies never go to another host (RFC 6265 §5.4)--------------------------------------

#[test]
fn a_session_cookie_is_not_sent_to_another_host_after_a_redirect() {
    let env = Env::new();
    let srv = app();
    env.run(&["--session=s", &srv.url("/set?sid=secret")])
        .success();
    // 127.0.0.1:P -> localhost:P (same socket, other host).
    env.run(&["--follow", "--session=s", &srv.url("/go/localhost")])
        .success();
    let reqs = srv.requests();
    let n = reqs.len();
    assert_eq!(reqs[n - 2].target(), "/go/localhost");
    assert_eq!(
        cookies(&reqs[n - 2]),
        ["sid=secret"],
        "sent to its own host"
    );
    assert_eq!(reqs[n - 1].target(), "/landed");
    assert_eq!(
        cookies(&reqs[n - 1]),
        Vec::<String>::new(),
        "the cookie of 127.0.0.1 went to localhost"
    );

    // 127.0.0.1:P -> localhost:Q (other host, other port).
    let other = Server::start(vec![Reply::ok("other")]);
    let to_other = Server::start(vec![redirect(&format!(
        "http://localhost:{}/landed",
        other.port()
    ))]);
    // The same cookie, as a path session (usable for any host): RFC 6265 cookies do not
    // isolate ports, so 127.0.0.1:Q gets it; localhost:R, another host, does not.
    let file = env.named(&srv.host_port(), "s");
    let v = load(&file);
    assert_eq!(file_cookie(&v, "sid").unwrap()["domain"], "127.0.0.1");
    let path_session = env.path("shared.json");
    fs::copy(&file, &path_session).unwrap();
    env.run(&[
        "--follow",
        &format!("--session={}", s(&path_session)),
        &to_other.url("/start"),
    ])
    .success();
    assert_eq!(
        cookies(&to_other.only_request()),
        ["sid=secret"],
        "RFC 6265: 127.0.0.1 on any port gets it"
    );
    assert_eq!(cookies(&other.only_request()), Vec::<String>::new());
}

#[test]
fn a_typed_cookie_is_stored_bound_to_the_request_host() {
    let env = Env::new();
    let srv = app();
    let (session, session_arg) = env.path_session("typed.json");
    env.run(&[&session_arg, &srv.url("/"), "Cookie:tc=1; tc2=2"])
        .success();
    assert_eq!(cookies(&last(&srv)), ["tc2=2", "tc=1"]);
    let v = load(&session);
    for name in ["tc", "tc2"] {
        let c = file_cookie(&v, name).unwrap_or_else(|| panic!("{name} not stored:\n{v:#}"));
        let domain = c["domain"].as_str().unwrap_or("");
        assert!(!domain.is_empty(), "{name} stored unbound:\n{v:#}");
        assert_eq!(domain, "127.0.0.1", "{name} bound to the request host");
    }

    // A later run to another host with the same path session: nothing.
    let localhost = format!("http://localhost:{}/elsewhere", srv.port());
    env.run(&[&session_arg, &localhost]).success();
    assert_eq!(last(&srv).target(), "/elsewhere");
    assert_eq!(cookies(&last(&srv)), Vec::<String>::new());
    // The original host still gets them.
    env.run(&[&session_arg, &srv.url("/back")]).success();
    assert_eq!(cookies(&last(&srv)), ["tc2=2", "tc=1"]);
}

#[test]
fn a_typed_cookie_with_a_session_does_not_follow_a_redirect_to_another_host() {
    let env = Env::new();
    let srv = app();
    let session_arg = format!("--session={}", s(&env.path("typed.json")));
    env.run(&[
        "--follow",
        &session_arg,
        &srv.url("/go/localhost"),
        "Cookie:tc=1",
    ])
    .success();
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(cookies(&reqs[0]), ["tc=1"]);
    assert_eq!(reqs[1].target(), "/landed");
    assert_eq!(cookies(&reqs[1]), Vec::<String>::new());
}

#[test]
fn a_cookie_set_by_a_redirect_target_stays_with_that_host() {
    let env = Env::new();
    let srv = Server::start_fn(|i, req| match i {
        0 => redirect(&format!("http://localhost:{}/there", port_of(req))),
        1 => set_cookies(&["lc=1; Path=/"]),
        _ => Reply::ok("ok"),
    });
    env.run(&["--follow", "--session=s", &srv.url("/here")])
        .success();
    let v = load(&env.named(&srv.host_port(), "s"));
    let lc = file_cookie(&v, "lc").unwrap_or_else(|| panic!("lc not stored:\n{v:#}"));
    // Python's spelling of a dot-less host, which HTTPie matches against `localhost`.
    assert_eq!(lc["domain"], "localhost.local", "{v:#}");
    env.run(&["--session=s", &srv.url("/again")]).success();
    assert_eq!(cookies(&last(&srv)), Vec::<String>::new());
}

#[test]
fn an_ipv6_host_gets_its_folder_and_its_unbound_cookies() {
    let Ok(srv) = Server::start_at("[::1]:0", vec![Reply::ok("ok")]) else {
        eprintln!("skipped: cannot bind [::1]");
        return;
    };
    let env = Env::new();
    let file = env
        .config()
        .join(format!("sessions/__1_{}/v6.json", srv.port()));
    // An unbound cookie (HTTPie's typed Cookie, or an old layout) binds to the host requested.
    env.write(
        &file,
        r#"{"cookies": [{"domain": "", "expires": null, "name": "u", "path": "/", "secure": false, "value": "1"}],
            "headers": [{"name": "X-V6", "value": "1"}]}"#,
    );
    let req = env.last_request(&srv, &["--session=v6", &srv.url("/")]);
    assert_eq!(req.header("X-V6").as_deref(), Some("1"), "folder __1_PORT");
    assert_eq!(cookies(&req), ["u=1"], "unbound cookie not bound to [::1]");
    let v = load(&file);
    let domain = file_cookie(&v, "u").map(|c| c["domain"].as_str().unwrap_or("").to_string());
    assert!(
        domain.as_deref().is_some_and(|d| d.contains("::1")),
        "u must be saved bound to [::1]:\n{v:#}"
    );
}

#[test]
fn an_ipv6_host_keeps_its_server_cookies() {
    let Ok(srv) = Server::start_at(
        "[::1]:0",
        vec![set_cookies(&["v6=1; Path=/"]), Reply::ok("ok")],
    ) else {
        eprintln!("skipped: cannot bind [::1]");
        return;
    };
    let env = Env::new();
    env.run(&["--session=v6", &srv.url("/set")]).success();
    assert!(env
        .config()
        .join(format!("sessions/__1_{}/v6.json", srv.port()))
        .is_file());
    env.run(&["--session=v6", &srv.url("/next")]).success();
    assert_eq!(cookies(&last(&srv)), ["v6=1"]);
}

#[test]
fn url_credentials_are_stored_and_stay_out_of_the_folder_name() {
    let env = Env::new();
    let srv = app();
    let url = format!("http://ur:pw@{}/", srv.host_port());
    env.run(&["--session=s", &url]).success();
    let file = env.named(&srv.host_port(), "s");
    assert!(file.is_file(), "{:?}", files_under(&env.config()));
    assert_eq!(load(&file)["auth"]["raw_auth"], "ur:pw");
    env.run(&["--session=s", &srv.url("/2")]).success();
    assert_eq!(last(&srv).header("Authorization"), Some(basic("ur", "pw")));
}

// ---- HTTPie's files ---------------------------------------------------------------------------

#[test]
fn an_httpie_324_file_loads_and_works() {
    let env = Env::new();
    let srv = app();
    let host = format!("localhost:{}", srv.port());
    let file = env.named(&host, "user1");
    env.write(&file, HTTPIE_324_FILE);
    let r = env.run(&["--session=user1", &format!("http://{host}/")]);
    r.success();
    let req = last(&srv);
    assert_eq!(req.header("Authorization"), Some(basic("alice", "secret")));
    assert_eq!(req.header_all("X-Api"), ["1", "2"]);
    assert_eq!(cookies(&req), ["c1=v1", "c2=v2", "sid=abc"]);
    // Unbound cookies: bound to this host, with a one-line warning.
    one_warning_line(&r);

    let v = load(&file);
    for name in ["c1", "c2", "sid"] {
        let c = file_cookie(&v, name).unwrap_or_else(|| panic!("{name} lost:\n{v:#}"));
        assert_eq!(c["domain"], "localhost.local", "{name}:\n{v:#}");
    }
    assert_eq!(v["auth"]["raw_auth"], "alice:secret");

    // Saved bound: no more warning, and the old unbound cookies stay with localhost
    // (HTTPie CVE-2022-24737).
    let r = env.run(&[
        "--follow",
        "--session=user1",
        &format!("http://{host}/go/127"),
    ]);
    r.success().stderr_empty();
    let reqs = srv.requests();
    assert_eq!(
        cookies(&reqs[reqs.len() - 2]),
        ["c1=v1", "c2=v2", "sid=abc"]
    );
    assert_eq!(reqs[reqs.len() - 1].target(), "/landed");
    assert_eq!(cookies(&reqs[reqs.len() - 1]), Vec::<String>::new());
}

#[test]
fn old_layouts_load_and_are_bound() {
    // ≤ 3.0: cookies as an object with no domain; ≤ 3.1: headers as an object; old auth keys.
    let env = Env::new();
    let srv = app();
    let session = env.path("old.json");
    env.write(
        &session,
        r#"{
    "__meta__": {"about": "HTTPie session file", "help": "https://httpie.org/doc#sessions", "httpie": "2.6.0"},
    "auth": {"password": "p", "type": "basic", "username": "u"},
    "cookies": {"sid": {"expires": null, "path": "/", "secure": false, "value": "old1"}},
    "headers": {"X-Token": "t"}
}
"#,
    );
    let session_arg = format!("--session={}", s(&session));
    let r = env.run(&[&session_arg, &srv.url("/")]);
    r.success();
    let req = last(&srv);
    assert_eq!(cookies(&req), ["sid=old1"]);
    assert_eq!(req.header("X-Token").as_deref(), Some("t"));
    assert_eq!(req.header("Authorization"), Some(basic("u", "p")));
    one_warning_line(&r);

    let v = load(&session);
    assert_eq!(file_headers(&v), [("X-Token".into(), "t".into())]);
    assert_eq!(file_cookie(&v, "sid").unwrap()["domain"], "127.0.0.1");

    // Now bound: not sent to localhost, still sent to 127.0.0.1, no warning.
    env.run(&[&session_arg, &format!("http://localhost:{}/x", srv.port())])
        .success()
        .stderr_empty();
    assert_eq!(cookies(&last(&srv)), Vec::<String>::new());
    env.run(&[&session_arg, &srv.url("/y")])
        .success()
        .stderr_empty();
    let req = last(&srv);
    assert_eq!(cookies(&req), ["sid=old1"]);
    assert_eq!(req.header("Authorization"), Some(basic("u", "p")));
}

#[test]
fn a_31_file_with_header_list_and_dict_cookies_loads() {
    // Between the two layouts: headers already a list, cookies still an object.
    let env = Env::new();
    let srv = app();
    let file = env.named(&srv.host_port(), "mid");
    env.write(
        &file,
        r#"{"__meta__": {"httpie": "3.0.2"},
            "auth": {"type": null, "username": null, "password": null},
            "cookies": {"k": {"value": "v", "path": "/", "secure": false, "expires": null}},
            "headers": [{"name": "X-A", "value": "1"}]}"#,
    );
    let req = env.last_request(&srv, &["--session=mid", &srv.url("/")]);
    assert_eq!(cookies(&req), ["k=v"]);
    assert_eq!(req.header("X-A").as_deref(), Some("1"));
}

/// The real `python3` behind any shim, if `python3 -m httpie` works here.
fn httpie_python() -> Option<String> {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, httpie; print(sys.executable); print(httpie.__version__)",
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let mut lines = text.lines();
    let exe = lines.next()?.to_string();
    let version = lines.next()?;
    version.starts_with("3.").then_some(exe)
}

/// What a test against HTTPie itself starts with: its python, a fresh [`Env`], an [`app`], and
/// a path session with its `--session=PATH` option.
struct WithHttpie {
    python: String,
    env: Env,
    srv: Server,
    session: PathBuf,
    session_arg: String,
}

impl WithHttpie {
    /// `None` (after saying that the test is skipped) when `python3 -m httpie` does not work.
    fn new(session_name: &str) -> Option<WithHttpie> {
        let Some(python) = httpie_python() else {
            crate::support::tool_missing("`python3 -m httpie` (3.x)");
            return None;
        };
        let env = Env::new();
        let (session, session_arg) = env.path_session(session_name);
        Some(WithHttpie {
            python,
            env,
            srv: app(),
            session,
            session_arg,
        })
    }
}

/// `python3 -m httpie ARGS...` with its config dir in `env` and update checks off.
fn httpie(python: &str, env: &Env, args: &[&str]) -> Run {
    let config = env.path("httpie-config");
    fs::create_dir_all(&config).unwrap();
    fs::write(
        config.join("config.json"),
        "{\"disable_update_warnings\": true}\n",
    )
    .unwrap();
    let mut cmd = Cmd::program("http", python);
    cmd.env("HTTPIE_CONFIG_DIR", &config)
        .arg("-m")
        .arg("httpie")
        .arg("--ignore-stdin")
        .args(args)
        .timeout(Duration::from_secs(30));
    cmd.run()
}

#[test]
fn a_session_written_by_httpie_itself_loads_and_works() {
    let Some(WithHttpie {
        python,
        env,
        srv,
        session,
        session_arg,
    }) = WithHttpie::new("by-httpie.json")
    else {
        return;
    };
    // A real exchange: HTTPie stores sid bound to 127.0.0.1, c1 unbound, the auth and header.
    httpie(
        &python,
        &env,
        &[
            &session_arg,
            "-a",
            "alice:secret",
            &srv.url("/set?sid=abc"),
            "X-Api:1",
            "Cookie:c1=v1",
        ],
    )
    .success();
    let before = load(&session);
    assert_eq!(before["__meta__"]["httpie"], "3.2.4", "{before:#}");

    let req = env.last_request(&srv, &[&session_arg, &srv.url("/next")]);
    assert_eq!(req.target(), "/next");
    assert_eq!(cookies(&req), ["c1=v1", "sid=abc"]);
    assert_eq!(req.header("Authorization"), Some(basic("alice", "secret")));
    assert_eq!(req.header("X-Api").as_deref(), Some("1"));

    // And HTTPie reads back what courier wrote.
    env.run(&[&session_arg, &srv.url("/set?more=1")]).success();
    let printed = httpie(
        &python,
        &env,
        &[
            "--offline",
            &format!("--session-read-only={}", s(&session)),
            &srv.url("/check"),
        ],
    );
    printed.success();
    let printed = RecordedRequest::from_printed(printed.stdout());
    assert_eq!(
        printed.header("Authorization"),
        Some(basic("alice", "secret"))
    );
    assert_eq!(cookies(&printed), ["c1=v1", "more=1", "sid=abc"]);
}

#[test]
fn an_offline_session_written_by_httpie_loads_and_works() {
    let Some(WithHttpie {
        python,
        env,
        srv,
        session,
        session_arg,
    }) = WithHttpie::new("offline-httpie.json")
    else {
        return;
    };
    httpie(
        &python,
        &env,
        &[
            "--offline",
            &session_arg,
            "-A",
            "bearer",
            "-a",
            "t0k",
            &srv.url("/"),
            "X-Api:1",
            "X-Api:2",
            "Cookie:c1=v1; c2=v2",
        ],
    )
    .success();
    assert!(session.exists(), "HTTPie wrote no session with --offline");
    let req = env.last_request(&srv, &[&session_arg, &srv.url("/next")]);
    assert_eq!(req.header("Authorization").as_deref(), Some("Bearer t0k"));
    assert_eq!(req.header_all("X-Api"), ["1", "2"]);
    assert_eq!(cookies(&req), ["c1=v1", "c2=v2"]);
}

#[test]
fn httpie_localhost_cookies_survive_an_update_by_http() {
    // HTTPie (Python's cookiejar) stores a cookie of `localhost` under `localhost.local` and
    // sends only cookies stored that way to `localhost`.
    let Some(WithHttpie {
        python,
        env,
        srv,
        session,
        session_arg,
    }) = WithHttpie::new("localhost.json")
    else {
        return;
    };
    let base = format!("http://localhost:{}", srv.port());
    httpie(
        &python,
        &env,
        &[&session_arg, &format!("{base}/set?sid=abc")],
    )
    .success();
    let v = load(&session);
    assert_eq!(
        file_cookie(&v, "sid").map(|c| c["domain"].clone()),
        Some(Value::from("localhost.local")),
        "HTTPie 3.2.4 wrote:\n{v:#}"
    );

    // http reuses the cookie and adds one.
    let req = env.last_request(&srv, &[&session_arg, &format!("{base}/set?more=1")]);
    assert_eq!(cookies(&req), ["sid=abc"]);
    let v = load(&session);
    for name in ["sid", "more"] {
        let c = file_cookie(&v, name).unwrap_or_else(|| panic!("{name} lost:\n{v:#}"));
        assert_eq!(c["domain"], "localhost.local", "{name}:\n{v:#}");
    }

    // HTTPie sends both in a real exchange.
    httpie(
        &python,
        &env,
        &[
            &format!("--session-read-only={}", s(&session)),
            &format!("{base}/check"),
        ],
    )
    .success();
    let req = last(&srv);
    assert_eq!(req.target(), "/check");
    assert_eq!(cookies(&req), ["more=1", "sid=abc"]);

    // HTTPie deletes one (Max-Age=0) in the file http wrote; http follows.
    httpie(&python, &env, &[&session_arg, &format!("{base}/del?sid")]).success();
    let req = env.last_request(&srv, &[&session_arg, &format!("{base}/after")]);
    assert_eq!(req.target(), "/after");
    assert_eq!(cookies(&req), ["more=1"]);
}

#[test]
fn cookies_http_sets_for_localhost_reach_httpie() {
    let Some(WithHttpie {
        python,
        env,
        srv,
        session,
        session_arg,
    }) = WithHttpie::new("by-http.json")
    else {
        return;
    };
    let base = format!("http://localhost:{}", srv.port());
    // A server cookie and a typed one, both bound to localhost.
    env.run(&[&session_arg, &format!("{base}/set?a=1"), "Cookie:t=2"])
        .success()
        .stderr_empty();
    let v = load(&session);
    for name in ["a", "t"] {
        let c = file_cookie(&v, name).unwrap_or_else(|| panic!("{name} not stored:\n{v:#}"));
        assert_eq!(c["domain"], "localhost.local", "{name}:\n{v:#}");
    }

    // HTTPie sends them, and adds one of its own to the file.
    httpie(&python, &env, &[&session_arg, &format!("{base}/set?h=3")]).success();
    let req = last(&srv);
    assert_eq!(req.target(), "/set?h=3");
    assert_eq!(cookies(&req), ["a=1", "t=2"]);

    // Back to http: all three.
    let req = env.last_request(&srv, &[&session_arg, &format!("{base}/next")]);
    assert_eq!(cookies(&req), ["a=1", "h=3", "t=2"]);
    // Still only to localhost: not to 127.0.0.1.
    let req = env.last_request(&srv, &[&session_arg, &srv.url("/ip")]);
    assert_eq!(cookies(&req), Vec::<String>::new());
}

#[test]
fn an_old_layout_bound_to_localhost_by_http_works_in_httpie() {
    // HTTPie ≤ 3.0 kept cookies as an object without domains; http binds them to the host it
    // requests (localhost) and writes them so that HTTPie 3.2.4 sends them to localhost.
    let Some(WithHttpie {
        python,
        env,
        srv,
        session,
        session_arg,
    }) = WithHttpie::new("old-localhost.json")
    else {
        return;
    };
    env.write(
        &session,
        r#"{"__meta__": {"httpie": "2.6.0"},
            "auth": {"type": null, "username": null, "password": null},
            "cookies": {"old": {"value": "1", "path": "/", "secure": false, "expires": null}},
            "headers": {"X-Old": "1"}}"#,
    );
    let base = format!("http://localhost:{}", srv.port());
    let r = env.run(&[&session_arg, &format!("{base}/first")]);
    r.success();
    one_warning_line(&r);
    assert_eq!(cookies(&last(&srv)), ["old=1"]);
    assert_eq!(
        file_cookie(&load(&session), "old").unwrap()["domain"],
        "localhost.local"
    );
    httpie(
        &python,
        &env,
        &[
            &format!("--session-read-only={}", s(&session)),
            &format!("{base}/by-httpie"),
        ],
    )
    .success();
    let req = last(&srv);
    assert_eq!(req.target(), "/by-httpie");
    assert_eq!(cookies(&req), ["old=1"]);
    assert_eq!(req.header("X-Old").as_deref(), Some("1"));
}

// ---- --session-read-only and --offline ------------------------------------------------------

#[test]
fn read_only_uses_the_session_and_never_writes_it() {
    let env = Env::new();
    let srv = app();
    let (file, before) = env.stored(&srv.host_port(), "ro");
    let req = env.last_request(
        &srv,
        &[
            "--session-read-only=ro",
            &srv.url("/set?new=1"),
            "X-Other:1",
            "X-Api:cli",
            "-a",
            "bob:pw",
        ],
    );
    assert_eq!(cookies(&req), ["sid=abc"]);
    assert_eq!(req.header("X-Api").as_deref(), Some("cli"));
    assert_eq!(fs::read(&file).unwrap(), before, "the file changed");

    let req = env.last_request(&srv, &["--session-read-only=ro", &srv.url("/again")]);
    assert_eq!(req.header("X-Api").as_deref(), Some("stored"));
    assert_eq!(req.header("Authorization"), Some(basic("alice", "secret")));
    assert_eq!(cookies(&req), ["sid=abc"]);
    assert_eq!(fs::read(&file).unwrap(), before, "the file changed");
}

#[test]
fn read_only_does_not_create_a_missing_session() {
    let env = Env::new();
    let srv = app();
    env.run(&["--session-read-only=nope", &srv.url("/set?a=1"), "X-A:1"])
        .success();
    assert!(!env.named(&srv.host_port(), "nope").exists());
    let path = env.path("nope.json");
    env.run(&[
        &format!("--session-read-only={}", s(&path)),
        &srv.url("/set?a=1"),
    ])
    .success();
    assert!(!path.exists());
    assert_eq!(files_under(&env.config()), Vec::<PathBuf>::new());
}

#[test]
fn session_and_read_only_together_are_refused() {
    let env = Env::new();
    let srv = app();
    let r = env.run(&["--session=a", "--session-read-only=b", &srv.url("/")]);
    failed_cleanly(&r);
    assert_eq!(srv.requests().len(), 0);
    assert_eq!(files_under(&env.config()), Vec::<PathBuf>::new());
}

#[test]
fn offline_applies_the_session_and_does_not_write_it() {
    let env = Env::new();
    let srv = app();
    let (file, before) = env.stored(&srv.host_port(), "s");
    let r = env.run(&[
        "--offline",
        "--session=s",
        &srv.url("/x"),
        "X-New:1",
        "Cookie:typed=1",
    ]);
    r.success();
    let req = RecordedRequest::from_printed(r.stdout());
    assert_eq!(req.header("X-Api").as_deref(), Some("stored"));
    assert_eq!(req.header("X-New").as_deref(), Some("1"));
    assert_eq!(req.header("Authorization"), Some(basic("alice", "secret")));
    assert_eq!(cookies(&req), ["sid=abc", "typed=1"]);
    assert_eq!(
        fs::read(&file).unwrap(),
        before,
        "--offline wrote the session"
    );

    // -a on the command line wins in the printed request too; still nothing written.
    let r = env.run(&["--offline", "--session=s", "-a", "bob:pw", &srv.url("/x")]);
    r.success();
    let req = RecordedRequest::from_printed(r.stdout());
    assert_eq!(req.header("Authorization"), Some(basic("bob", "pw")));
    assert_eq!(fs::read(&file).unwrap(), before);

    // A missing session is not created.
    env.run(&["--offline", "--session=new", &srv.url("/x"), "X-A:1"])
        .success();
    assert!(!env.named(&srv.host_port(), "new").exists());
    assert_eq!(srv.requests().len(), 0, "--offline sent something");
}

// ---- Where sessions live; names, paths and hosts ---------------------------------------------

#[test]
fn named_sessions_live_under_the_host_folder() {
    let env = Env::new();
    let srv = app();
    env.run(&["--session=a.b-c_1", &srv.url("/")]).success();
    assert!(env.named(&srv.host_port(), "a.b-c_1").is_file());

    // The Host header names the folder, `:` as `_`.
    env.run(&["--session=h", &srv.url("/"), "Host:api.example.test"])
        .success();
    let file = env.config().join("sessions/api.example.test/h.json");
    assert!(file.is_file(), "{:?}", files_under(&env.config()));
    env.run(&["--session=h", &srv.url("/"), "Host:api.example.test:8080"])
        .success();
    assert!(env
        .config()
        .join("sessions/api.example.test_8080/h.json")
        .is_file());
}

#[test]
fn without_courier_config_dir_sessions_go_to_the_platform_config_dir() {
    let srv = app();
    let mut cmd = http();
    cmd.env("COURIER_CONFIG_DIR", "")
        .args(["--session=plat", &srv.url("/set?a=1")]);
    cmd.run().success();
    let file = cmd
        .home()
        .join(".config/courier/sessions")
        .join(srv.host_port().replace(':', "_"))
        .join("plat.json");
    assert!(file.is_file(), "{:?}", files_under(cmd.home()));
}

#[test]
fn path_sessions_work_for_any_host() {
    let env = Env::new();
    let srv = app();
    let (path, arg) = env.path_session("sub/dir/p.json");
    env.run(&[&arg, &srv.url("/"), "X-P:1"]).success();
    assert!(path.is_file(), "missing folders are created");
    env.run(&[&arg, &format!("http://localhost:{}/", srv.port())])
        .success();
    assert_eq!(last(&srv).header("X-P").as_deref(), Some("1"));

    // A relative path, from the current directory.
    let cwd = env.path("cwd");
    fs::create_dir_all(&cwd).unwrap();
    env.http()
        .current_dir(&cwd)
        .args(["--session=./rel.json", &srv.url("/"), "X-R:1"])
        .run()
        .success();
    assert!(cwd.join("rel.json").is_file());
    // `../x.json` has a `/`: a path the user chose, one level up from the current directory.
    env.http()
        .current_dir(&cwd)
        .args(["--session=../up.json", &srv.url("/")])
        .run()
        .success();
    assert!(env.path("up.json").is_file());
}

#[test]
fn a_tilde_path_session_is_in_home() {
    let srv = app();
    let mut cmd = http();
    cmd.args(["--session=~/tilde.json", &srv.url("/set?a=1")]);
    cmd.run().success();
    assert!(cmd.home().join("tilde.json").is_file());
}

#[test]
fn a_session_path_that_is_a_folder_is_a_clean_error() {
    let env = Env::new();
    let srv = app();
    let dir = env.path("adir");
    fs::create_dir_all(&dir).unwrap();
    for value in [format!("{}/", s(&dir)), s(&dir)] {
        let r = env.run(&[&format!("--session={value}"), &srv.url("/")]);
        r.error_line();
        assert!(dir.is_dir());
    }
}

#[test]
fn invalid_session_names_are_refused() {
    let env = Env::new();
    let srv = app();
    for bad in ["..", ".", "a b", "", "a\\b", "é", "a:b", "~x"] {
        let r = env.run(&[&format!("--session={bad}"), &srv.url("/")]);
        let line = r.error_line();
        assert!(
            line.contains("invalid characters"),
            "{bad:?}: {}",
            r.describe()
        );
        let r = env.run(&[&format!("--session-read-only={bad}"), &srv.url("/")]);
        r.error_line();
    }
    assert_eq!(srv.requests().len(), 0, "a request was sent");
    assert_eq!(files_under(env.root()), Vec::<PathBuf>::new());
}

#[test]
fn a_hostile_host_header_cannot_lead_out_of_the_sessions_folder() {
    let env = Env::new();
    let srv = app();
    for host in ["../../x", "..", ".", "a/b", "..\\x", "/etc"] {
        let r = env.run(&["--session=s", &srv.url("/"), &format!("Host:{host}")]);
        r.error_line();
    }
    assert_eq!(srv.requests().len(), 0, "a request was sent");
    assert_eq!(files_under(env.root()), Vec::<PathBuf>::new());
    assert!(!env.path("x").exists());
}

// ---- On disk: modes, atomic writes, hostile files -------------------------------------------

#[test]
fn files_are_0600_in_0700_folders() {
    let env = Env::new();
    let srv = app();
    env.run(&["--session=m", &srv.url("/set?a=1")]).success();
    let file = env.named(&srv.host_port(), "m");
    assert_eq!(mode(&file), 0o600, "file mode");
    assert_eq!(mode(file.parent().unwrap()), 0o700, "host folder mode");
    assert_eq!(mode(&env.config().join("sessions")), 0o700, "sessions mode");
    assert_eq!(leftovers(&file), Vec::<String>::new());

    // A looser existing file is tightened when rewritten.
    fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
    env.run(&["--session=m", &srv.url("/set?b=2")]).success();
    assert_eq!(mode(&file), 0o600, "0644 file not tightened");
    assert_eq!(file_cookie_names(&load(&file)), ["a", "b"]);

    // A path session is 0600 too.
    let path = env.path("p.json");
    env.run(&[&format!("--session={}", s(&path)), &srv.url("/")])
        .success();
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn a_new_folder_for_a_path_session_is_private() {
    // HTTPie creates a session's missing folder with mkdir(mode=0o700).
    let env = Env::new();
    let srv = app();
    let path = env.path("newdir/p.json");
    env.run(&[&format!("--session={}", s(&path)), &srv.url("/")])
        .success();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700, "new folder mode");
}

#[test]
fn a_planted_symlink_is_replaced_not_written_through() {
    // Checklist 38(c).
    let env = Env::new();
    let srv = app();
    let victim = env.path("victim.json");
    fs::write(&victim, "{}\n").unwrap();
    let file = env.named(&srv.host_port(), "s");
    fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&victim, &file).unwrap();
    env.run(&["--session=s", &srv.url("/set?a=1")]).success();
    assert_eq!(fs::read_to_string(&victim).unwrap(), "{}\n");
    assert!(fs::symlink_metadata(&file).unwrap().is_file());
    assert_eq!(file_cookie_names(&load(&file)), ["a"]);
}

#[test]
fn corrupt_or_hostile_files_are_refused_and_left_untouched() {
    let env = Env::new();
    let srv = app();
    let cases: &[(&str, &[u8])] = &[
        ("truncated", b"{\"headers\": [{\"name\": \"X-A\", \"val"),
        ("empty", b""),
        ("not-an-object", b"[]"),
        ("headers-string", b"{\"headers\": \"X-A: 1\"}"),
        (
            "header-value-number",
            b"{\"headers\": [{\"name\": \"X-A\", \"value\": 1}]}",
        ),
        ("cookies-number", b"{\"cookies\": 5}"),
        (
            "cookie-name-number",
            b"{\"cookies\": [{\"name\": 1, \"value\": \"v\"}]}",
        ),
        (
            "expires-string",
            b"{\"cookies\": [{\"name\": \"a\", \"value\": \"b\", \"expires\": \"soon\"}]}",
        ),
        ("auth-string", b"{\"auth\": \"alice:secret\"}"),
        (
            "header-crlf",
            b"{\"headers\": [{\"name\": \"X-A\", \"value\": \"a\\r\\nHost: evil\"}]}",
        ),
        (
            "header-name-crlf",
            b"{\"headers\": [{\"name\": \"X-A\\r\\nX-B\", \"value\": \"1\"}]}",
        ),
        (
            "cookie-crlf",
            b"{\"cookies\": [{\"name\": \"a\", \"value\": \"b\\r\\nX: y\", \"domain\": \"127.0.0.1\"}]}",
        ),
        (
            "auth-crlf",
            b"{\"auth\": {\"type\": \"basic\", \"raw_auth\": \"a:b\\r\\nX: y\"}}",
        ),
        ("binary", b"\xff\xfe\x00{"),
    ];
    for (name, content) in cases {
        let file = env.named(&srv.host_port(), name);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(&file, content).unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
        for opt in ["--session", "--session-read-only"] {
            let r = env.run(&[
                &format!("{opt}={name}"),
                &srv.url("/set?a=1"),
                "X-New:1",
                "-a",
                "u:p",
            ]);
            let line = r.error_line();
            let prefix = invalid_session_file(&file);
            assert!(
                line.starts_with(&prefix),
                "{name}: expected {prefix:?}...\n{}",
                r.describe()
            );
            assert_eq!(
                fs::read(&file).unwrap(),
                *content,
                "{name}: the file was changed"
            );
            assert_eq!(mode(&file), 0o644, "{name}: the file was touched");
        }
    }
    assert_eq!(srv.requests().len(), 0, "a request was sent");
    // Corrupt path sessions too.
    let path = env.path("bad.json");
    fs::write(&path, b"{\"cookies\": [").unwrap();
    let r = env.run(&[&format!("--session={}", s(&path)), &srv.url("/")]);
    assert!(r.error_line().starts_with(&invalid_session_file(&path)));
    assert_eq!(fs::read(&path).unwrap(), b"{\"cookies\": [");
}

#[test]
fn a_huge_session_file_is_refused_untouched() {
    let env = Env::new();
    let srv = app();
    let file = env.named(&srv.host_port(), "huge");
    let mut content = String::from("{\"headers\": [], \"pad\": \"");
    content.push_str(&"x".repeat(5 << 20));
    content.push_str("\"}");
    env.write(&file, &content);
    let r = env.run(&["--session=huge", &srv.url("/")]);
    let line = r.error_line();
    assert!(
        line.starts_with(&invalid_session_file(&file)),
        "{}",
        r.describe()
    );
    assert_eq!(fs::metadata(&file).unwrap().len(), content.len() as u64);
    assert_eq!(srv.requests().len(), 0);
}

#[test]
fn a_run_that_fails_midway_leaves_the_file_unchanged() {
    let env = Env::new();
    // The response sets a cookie, then the connection is reset mid-body.
    let reset = Server::start(vec![Reply::raw(
        b"HTTP/1.1 200 OK\r\nSet-Cookie: new=1; Path=/\r\nContent-Length: 100\r\n\r\nfirst ten.",
    )
    .then_reset()]);
    let (file, before) = env.stored(&reset.host_port(), "s");
    let r = env.run(&["--session=s", &reset.url("/"), "X-New:1", "-a", "bob:pw"]);
    failed_cleanly(&r);
    assert_eq!(fs::read(&file).unwrap(), before, "reset: the file changed");
    assert_eq!(leftovers(&file), Vec::<String>::new());
    // No file at all for a session that did not exist.
    env.run(&["--session=fresh", &reset.url("/")]);
    assert!(!env.named(&reset.host_port(), "fresh").exists());

    // A timeout.
    let hang = Server::start(vec![Reply::hang()]);
    let (file, before) = env.stored(&hang.host_port(), "s");
    let r = env.run(&[
        "--timeout=1",
        "--session=s",
        &hang.url("/"),
        "X-New:1",
        "Cookie:typed=1",
    ]);
    r.code_is(2);
    assert_eq!(
        fs::read(&file).unwrap(),
        before,
        "timeout: the file changed"
    );
    assert_eq!(leftovers(&file), Vec::<String>::new());
}

// ---- The lock file beside a session -----------------------------------------------------------

/// `<session>.lock`.
fn lock_of(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap().to_os_string();
    name.push(".lock");
    file.with_file_name(name)
}

#[test]
fn the_lock_file_is_0600_under_umask_022_and_is_kept() {
    let env = Env::new();
    let srv = app();
    // Through a shell that sets the umask that made lock files 0644.
    let mut cmd = Cmd::program("http", "/bin/sh");
    cmd.env("COURIER_CONFIG_DIR", env.config()).args([
        "-c".as_ref(),
        "umask 022 && exec \"$0\" \"$@\"".as_ref(),
        bin_path("http").as_os_str(),
        "--session=s".as_ref(),
        srv.url("/set?a=1").as_ref(),
    ]);
    cmd.run().success().stderr_empty();
    let file = env.named(&srv.host_port(), "s");
    let lock = lock_of(&file);
    let meta = fs::symlink_metadata(&lock).expect("the lock file is kept");
    assert!(meta.is_file());
    assert_eq!(meta.len(), 0, "the lock file holds nothing");
    assert_eq!(mode(&lock), 0o600, "lock file mode");
    assert_eq!(mode(&file), 0o600, "session file mode");

    // One left 0644 (by an older version) is tightened.
    fs::set_permissions(&lock, fs::Permissions::from_mode(0o644)).unwrap();
    env.run(&["--session=s", &srv.url("/set?b=2")]).success();
    assert_eq!(mode(&lock), 0o600, "0644 lock file not tightened");
    assert_eq!(file_cookie_names(&load(&file)), ["a", "b"]);
}

#[test]
fn a_planted_symlink_at_the_lock_path_is_not_followed() {
    // The run fails cleanly (exit 1, one line) after its exchange: the link is left as it is,
    // nothing is created or changed through it, and the session is unchanged.
    let env = Env::new();
    let srv = app();
    let (file, before) = env.stored(&srv.host_port(), "s");
    let lock = lock_of(&file);
    let victim = env.path("victim");
    fs::write(&victim, "keep\n").unwrap();
    fs::set_permissions(&victim, fs::Permissions::from_mode(0o644)).unwrap();
    let absent = env.path("would-be-created");
    for target in [&absent, &victim] {
        let _ = fs::remove_file(&lock);
        std::os::unix::fs::symlink(target, &lock).unwrap();
        let r = env.run(&["--session=s", &srv.url("/set?a=1"), "X-New:1"]);
        let line = r.error_line();
        assert!(
            line.contains(&format!(
                "session lock file {} is a symbolic link",
                lock.display()
            )),
            "{}",
            r.describe()
        );
        assert!(line.contains("the session is unchanged"), "{line}");
        assert_eq!(fs::read(&file).unwrap(), before, "the session changed");
        assert!(fs::symlink_metadata(&lock)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(leftovers(&file), Vec::<String>::new());
    }
    assert!(!absent.exists(), "the link's target was created");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "keep\n");
    assert_eq!(mode(&victim), 0o644, "the link's target was touched");
    // A path session: same.
    let (path, arg) = env.path_session("p.json");
    let absent = env.path("p-target");
    std::os::unix::fs::symlink(&absent, lock_of(&path)).unwrap();
    let r = env.run(&[&arg, &srv.url("/set?a=1")]);
    assert!(r.error_line().contains("is a symbolic link"));
    assert!(!absent.exists() && !path.exists());
}

#[test]
fn a_held_lock_is_given_up_on_within_the_bound() {
    let env = Env::new();
    let srv = app();
    let (file, before) = env.stored(&srv.host_port(), "s");
    // Another process (this test) holds the lock: flock locks belong to the open file, so
    // the binary's own open of the lock file conflicts with it.
    let held = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(lock_of(&file))
        .unwrap();
    held.lock().unwrap();
    let start = Instant::now();
    let r = env
        .http()
        .env("COURIER_SESSION_LOCK_WAIT", "1")
        .args(["--session=s", &srv.url("/set?a=1"), "X-New:1"])
        .run();
    let took = start.elapsed();
    let line = r.error_line();
    assert_eq!(
        line,
        format!(
            "http: error: session file {} is locked by another run (its lock file {} is \
             held); gave up after waiting 1 s, the session is unchanged",
            file.display(),
            lock_of(&file).display()
        )
    );
    assert!(
        took >= Duration::from_secs(1),
        "gave up too early: {took:?}"
    );
    assert!(took < Duration::from_secs(8), "waited too long: {took:?}");
    assert_eq!(fs::read(&file).unwrap(), before, "the session changed");
    assert_eq!(leftovers(&file), Vec::<String>::new());
    // The exchange itself happened and was printed.
    assert_eq!(last(&srv).target(), "/set?a=1");

    // A lock released while the run waits (default bound) is taken, and the run saves.
    let release = thread::spawn(move || {
        thread::sleep(Duration::from_millis(700));
        drop(held);
    });
    env.run(&["--session=s", &srv.url("/set?b=2")]).success();
    release.join().unwrap();
    let v = load(&file);
    assert_eq!(file_cookie_names(&v), ["b", "sid"], "{v:#}");
}

#[test]
fn eight_concurrent_runs_all_keep_their_cookie() {
    let env = Env::new();
    // Each answer is delayed so that every run has read the session before any writes it.
    let srv = Server::start_fn(|_, req| {
        let n = req.target().trim_start_matches('/').to_string();
        set_cookies(&[&format!("c{n}=v{n}; Path=/")]).delay(Duration::from_millis(300))
    });
    let config = env.config();
    let barrier = Arc::new(Barrier::new(8));
    let handles: Vec<_> = (0..8)
        .map(|n| {
            let config = config.clone();
            let url = srv.url(&format!("/{n}"));
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                let mut cmd = http();
                cmd.env("COURIER_CONFIG_DIR", &config)
                    .args(["--session=s", &url]);
                barrier.wait();
                cmd.run()
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap().success();
    }
    let file = env.named(&srv.host_port(), "s");
    let v = load(&file);
    let expected: Vec<String> = (0..8).map(|n| format!("c{n}")).collect();
    assert_eq!(file_cookie_names(&v), expected, "{v:#}");
    assert_eq!(leftovers(&file), Vec::<String>::new());
}

/// Framing headers stored in a session never reach the wire: a stale Content-Length would
/// corrupt or hang the exchange, and chunked with a length is forbidden (RFC 9112 §6). The
/// load says so, and the rewritten file no longer has them.
#[test]
fn framing_headers_from_a_session_are_ignored_with_a_warning() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("s.json");
    fs::write(
        &path,
        r#"{"headers": [{"name": "Content-Length", "value": "5"},
                        {"name": "Transfer-Encoding", "value": "chunked"},
                        {"name": "X-Keep", "value": "1"}]}"#,
    )
    .unwrap();
    let srv = Server::start(vec![Reply::ok("ok")]);
    let r = http()
        .args([
            "--session",
            &s(&path),
            &srv.url("/"),
            "greeting=hello there",
        ])
        .run();
    r.success();
    let req = srv.only_request();
    let body = br#"{"greeting": "hello there"}"#;
    assert_eq!(req.body, body);
    assert_eq!(
        req.header("Content-Length").as_deref(),
        Some(body.len().to_string().as_str())
    );
    assert_eq!(req.header("Transfer-Encoding"), None);
    assert_eq!(req.header("X-Keep").as_deref(), Some("1"));
    let err = r.stderr_str();
    assert!(err.contains("Content-Length header is ignored"), "{err}");
    assert!(err.contains("Transfer-Encoding header is ignored"), "{err}");
    let names: Vec<String> = file_headers(&load(&path))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["X-Keep"]);
}
