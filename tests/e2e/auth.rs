//! Authentication (RFC 7617, RFC 6750, RFC 7616): Basic, Bearer, Digest as a real
//! challenge-response verified by the test server, the password prompt (with and without a
//! terminal), .netrc lookup and its limits across redirects, and secrets kept out of messages.

use crate::support::server::{RecordedRequest, Reply, Server};
use crate::support::{base64, basic, closed_port, http, port_of, redirect, Cmd, Fixtures, Run};
use md5::{Digest, Md5};
use sha2::Sha256;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The netrc entry most tests use: `alice`/`pw` for 127.0.0.1.
const ALICE_NETRC: &str = "machine 127.0.0.1 login alice password pw\n";

/// `http` with `$NETRC` pointing at a file holding `content`.
fn with_netrc(fx: &Fixtures, content: &str) -> Cmd {
    let path = fx.write("netrc", content);
    let mut cmd = http();
    cmd.env("NETRC", &path);
    cmd
}

/// Runs `cmd ARGS` against a fresh server answering `ok` (in ARGS, `{url}` stands for the
/// server's `http://127.0.0.1:PORT` and `{host}` for its `127.0.0.1:PORT`); asserts success and
/// returns the run and the `Authorization` header of the only request.
fn auth_sent(mut cmd: Cmd, args: &[&str]) -> (Run, Option<String>) {
    let srv = Server::start(vec![Reply::ok("ok")]);
    let r = cmd
        .args(args.iter().map(|a| {
            a.replace("{url}", &srv.url(""))
                .replace("{host}", &srv.host_port())
        }))
        .run();
    r.success();
    (r, srv.only_request().header("Authorization"))
}

/// [`auth_sent`] without the run.
fn auth_header(cmd: Cmd, args: &[&str]) -> Option<String> {
    auth_sent(cmd, args).1
}

/// `http --follow ARGS... URL` with `$NETRC` holding `netrc`, against
/// [`to_localhost_same_port`]; asserts success and returns the requests the server received.
fn follow_to_localhost(netrc: &str, args: &[&str]) -> Vec<RecordedRequest> {
    let fx = Fixtures::new();
    let srv = to_localhost_same_port();
    with_netrc(&fx, netrc)
        .arg("--follow")
        .args(args)
        .arg(srv.url("/a"))
        .run()
        .success();
    srv.requests()
}

/// A server at 127.0.0.1:PORT whose first reply redirects to `http://localhost:PORT/b`.
fn to_localhost_same_port() -> Server {
    Server::start_fn(|i, req| {
        if i == 0 {
            redirect(&format!("http://localhost:{}/b", port_of(req)))
        } else {
            Reply::ok("ok")
        }
    })
}

// ---- Basic and Bearer ------------------------------------------------------------------------

#[test]
fn basic_auth_forms() {
    for (auth, user, pass) in [
        ("alice:s3cret", "alice", "s3cret"),
        ("user:", "user", ""),
        ("u:p:q", "u", "p:q"),
        ("ünï:pässword", "ünï", "pässword"),
    ] {
        let (r, sent) = auth_sent(http(), &["-a", auth, "{url}/"]);
        r.stderr_empty();
        assert_eq!(sent, Some(basic(user, pass)), "-a {auth}");
    }
}

#[test]
fn long_options_and_explicit_basic() {
    assert_eq!(
        auth_header(http(), &["--auth=alice:pw", "--auth-type=basic", "{url}/"]),
        Some(basic("alice", "pw"))
    );
}

#[test]
fn bearer_sends_the_token_as_is() {
    assert_eq!(
        auth_header(http(), &["-A", "bearer", "-a", "tok:en.x", "{url}/"]),
        Some("Bearer tok:en.x".into())
    );
}

#[test]
fn dash_a_wins_over_url_credentials_and_a_typed_header() {
    let sent = auth_header(
        http(),
        &[
            "-a",
            "cli:pw",
            "http://urluser:urlpass@{host}/",
            "Authorization:Token typed",
        ],
    );
    assert_eq!(sent, Some(basic("cli", "pw")));
}

#[test]
fn auth_type_without_credentials_is_an_error() {
    for kind in ["basic", "digest", "bearer"] {
        let srv = Server::start(vec![Reply::ok("ok")]);
        let line = http().args(["-A", kind, &srv.url("/")]).run().error_line();
        assert!(line.contains(kind), "{kind}: {line}");
        assert!(srv.requests().is_empty(), "{kind}: a request was sent");
    }
}

#[test]
fn credentials_with_control_characters_are_refused() {
    let srv = Server::start(vec![Reply::ok("ok")]);
    let line = http()
        .args(["-a", "u:pw\r\nX-Evil: 1", &srv.url("/")])
        .run()
        .error_line();
    assert!(!line.contains("X-Evil"), "{line}");
    assert!(srv.requests().is_empty());
}

// ---- Password prompt -------------------------------------------------------------------------

fn find_in_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

#[test]
fn password_prompt_without_a_terminal_is_a_clear_error() {
    // setsid: a new session has no controlling terminal, so /dev/tty cannot be opened.
    let Some(setsid) = find_in_path("setsid") else {
        eprintln!("SKIPPED: no setsid in PATH");
        return;
    };
    let srv = Server::start(vec![Reply::ok("ok")]);
    let r = Cmd::program("http", &setsid)
        .arg(env!("CARGO_BIN_EXE_http"))
        .args(["-a", "alice", &srv.url("/")])
        .run();
    let line = r.error_line();
    assert!(line.contains("password"), "{line}");
    assert!(line.contains("alice"), "{line}");
    assert!(srv.requests().is_empty(), "sent without a password");
}

/// Runs BIN ARGS... on a pseudo-terminal; when `marker` appears in its output, waits until the
/// terminal's echo is off, types `answer` + Enter. Prints the whole terminal transcript on
/// stdout and exits with the program's status (99: the marker never came).
const PTY_SCRIPT: &str = r#"
import os, pty, select, sys, termios, time
answer, marker, argv = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
out = b""
sent = False
deadline = time.monotonic() + 15
while time.monotonic() < deadline:
    if not sent and marker in out:
        echo_wait = time.monotonic() + 3
        while time.monotonic() < echo_wait and termios.tcgetattr(fd)[3] & termios.ECHO:
            time.sleep(0.01)
        os.write(fd, answer + b"\n")
        sent = True
    r, _, _ = select.select([fd], [], [], 0.05)
    if r:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if not data:
            break
        out += data
    elif os.waitpid(pid, os.WNOHANG)[0]:
        pid = 0
        break
if pid:
    if time.monotonic() >= deadline:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
else:
    status = 0
sys.stdout.buffer.write(out)
sys.stdout.flush()
code = os.waitstatus_to_exitcode(status) if pid else 0
sys.exit(code if sent else 99)
"#;

fn python3() -> Option<PathBuf> {
    let out = std::process::Command::new("python3")
        .args(["-c", "import sys, pty, termios; print(sys.executable)"])
        .output()
        .ok()?;
    let exe = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !exe.is_empty()).then(|| PathBuf::from(exe))
}

fn on_pty(fx: &Fixtures, answer: &str, marker: &str, args: &[&str]) -> Option<Run> {
    let Some(python) = python3() else {
        eprintln!("SKIPPED: python3 with pty is not available");
        return None;
    };
    let script = fx.write("pty_run.py", PTY_SCRIPT);
    Some(
        Cmd::program("http", &python)
            .arg(&script)
            .args([answer, marker, env!("CARGO_BIN_EXE_http")])
            .args(args)
            .timeout(Duration::from_secs(20))
            .run(),
    )
}

#[test]
fn password_prompt_on_a_terminal_without_echo() {
    let fx = Fixtures::new();
    let srv = Server::start(vec![Reply::ok("welcome")]);
    let Some(r) = on_pty(
        &fx,
        "s3cret",
        "password for alice@",
        &["-a", "alice", &srv.url("/")],
    ) else {
        return;
    };
    assert_ne!(r.code(), Some(99), "no prompt seen:\n{}", r.describe());
    r.success();
    let transcript = r.stdout_str();
    assert!(
        transcript.contains("password for alice@127.0.0.1"),
        "{transcript:?}"
    );
    assert!(
        !transcript.contains("s3cret"),
        "the password was echoed: {transcript:?}"
    );
    assert!(transcript.contains("welcome"), "{transcript:?}");
    assert_eq!(
        srv.only_request().header("Authorization"),
        Some(basic("alice", "s3cret"))
    );
}

#[test]
fn password_prompt_feeds_digest_too() {
    let fx = Fixtures::new();
    let srv = digest_server("MD5", "alice", "s3cret");
    let Some(r) = on_pty(
        &fx,
        "s3cret",
        "password for alice@",
        &["-A", "digest", "-a", "alice", &srv.url("/dir/x")],
    ) else {
        return;
    };
    r.success();
    assert!(!r.stdout_str().contains("s3cret"), "{}", r.describe());
    assert!(r.stdout_str().contains("authorized"), "{}", r.describe());
    assert_eq!(srv.requests().len(), 2);
}

// ---- Digest ----------------------------------------------------------------------------------

const REALM: &str = "courier@test";
const NONCE: &str = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
const OPAQUE: &str = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";

fn challenge(algorithm: &str) -> Reply {
    Reply::http(
        &format!(
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"{REALM}\", \
             qop=\"auth\", algorithm={algorithm}, nonce=\"{NONCE}\", opaque=\"{OPAQUE}\""
        ),
        "who are you?",
    )
}

/// `Digest a=b, c="d, e"` parameters (names lowercased, quotes and escapes removed).
fn digest_params(value: &str) -> Option<Vec<(String, String)>> {
    let rest = value.strip_prefix("Digest ")?;
    let mut out = Vec::new();
    let mut chars = rest.chars().peekable();
    loop {
        while matches!(chars.peek(), Some(' ' | ',')) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Some(out);
        }
        let name: String = chars.by_ref().take_while(|&c| c != '=').collect();
        let mut val = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => val.extend(chars.next()),
                    '"' => break,
                    c => val.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                val.push(c);
                chars.next();
            }
        }
        out.push((name.trim().to_ascii_lowercase(), val.trim().to_string()));
    }
}

fn h(algorithm: &str, data: &str) -> String {
    let bytes: Vec<u8> = if algorithm.starts_with("SHA-256") {
        Sha256::digest(data.as_bytes()).to_vec()
    } else {
        Md5::digest(data.as_bytes()).to_vec()
    };
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Recomputes the RFC 7616 `response` for this request; `Err` says what is wrong.
fn check_digest(
    req: &RecordedRequest,
    algorithm: &str,
    user: &str,
    pass: &str,
) -> Result<(), String> {
    let value = req.header("Authorization").ok_or("no Authorization")?;
    let params = digest_params(&value).ok_or(format!("not Digest: {value}"))?;
    let get = |name: &str| -> Result<String, String> {
        let found: Vec<&String> = params
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v)
            .collect();
        match found.as_slice() {
            [one] => Ok((*one).clone()),
            _ => Err(format!("{name} missing or repeated in {value}")),
        }
    };
    let expect = |name: &str, wanted: &str| -> Result<(), String> {
        let got = get(name)?;
        (got == wanted)
            .then_some(())
            .ok_or(format!("{name}={got:?}, expected {wanted:?}"))
    };
    expect("username", user)?;
    expect("realm", REALM)?;
    expect("nonce", NONCE)?;
    expect("opaque", OPAQUE)?;
    expect("qop", "auth")?;
    expect("uri", req.target())?;
    if !get("algorithm")?.eq_ignore_ascii_case(algorithm) {
        return Err(format!("algorithm {:?}", get("algorithm")?));
    }
    let nc = get("nc")?;
    if nc.len() != 8 || !nc.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("nc={nc:?}"));
    }
    let cnonce = get("cnonce")?;
    if cnonce.is_empty() {
        return Err("empty cnonce".into());
    }
    let mut ha1 = h(algorithm, &format!("{user}:{REALM}:{pass}"));
    if algorithm.ends_with("-sess") {
        ha1 = h(algorithm, &format!("{ha1}:{NONCE}:{cnonce}"));
    }
    let ha2 = h(algorithm, &format!("{}:{}", req.method(), req.target()));
    let expected = h(
        algorithm,
        &format!("{ha1}:{NONCE}:{nc}:{cnonce}:auth:{ha2}"),
    );
    expect("response", &expected)
}

/// Challenges every request without credentials; answers 200 `authorized` only to a correct
/// Digest response for (user, pass), else 401 with `bad: <reason>` as body.
fn digest_server(algorithm: &'static str, user: &'static str, pass: &'static str) -> Server {
    Server::start_fn(move |_, req| {
        if req.header("Authorization").is_none() {
            return challenge(algorithm);
        }
        match check_digest(req, algorithm, user, pass) {
            Ok(()) => Reply::ok("authorized"),
            Err(why) => Reply::http(
                &format!(
                    "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"{REALM}\", \
                     qop=\"auth\", algorithm={algorithm}, nonce=\"{NONCE}\""
                ),
                format!("bad: {why}"),
            ),
        }
    })
}

/// An MD5 challenge to a request without credentials, 200 `authorized` to a correct Digest
/// response for (user, pass), 403 with the reason otherwise.
fn md5_or_403(req: &RecordedRequest, user: &str, pass: &str) -> Reply {
    if req.header("Authorization").is_none() {
        return challenge("MD5");
    }
    match check_digest(req, "MD5", user, pass) {
        Ok(()) => Reply::ok("authorized"),
        Err(why) => Reply::http("HTTP/1.1 403 Forbidden", why),
    }
}

fn run_digest(algorithm: &'static str) {
    let srv = digest_server(algorithm, "Mufasa", "Circle of Life");
    let r = http()
        .args([
            "-v",
            "-A",
            "digest",
            "-a",
            "Mufasa:Circle of Life",
            &srv.url("/dir/index.html?q=1"),
        ])
        .run();
    r.success();
    let out = r.stdout_str();
    assert!(
        out.ends_with("authorized"),
        "{algorithm}:\n{}",
        r.describe()
    );
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2, "{algorithm}");
    assert_eq!(reqs[0].header("Authorization"), None, "first goes bare");
    assert!(check_digest(&reqs[1], algorithm, "Mufasa", "Circle of Life").is_ok());
    // -v shows both exchanges.
    let requests = out
        .lines()
        .filter(|l| l.starts_with("GET /dir/index.html?q=1 HTTP/1.1"))
        .count();
    assert_eq!(requests, 2, "{out}");
    let statuses: Vec<&str> = out.lines().filter(|l| l.starts_with("HTTP/1.1 ")).collect();
    assert_eq!(statuses, ["HTTP/1.1 401 Unauthorized", "HTTP/1.1 200 OK"]);
    assert!(out.contains("Authorization: Digest "), "{out}");
}

#[test]
fn digest_md5() {
    run_digest("MD5");
}

/// The challenge and its answer travel on one connection: the run's one client keeps it
/// pooled between the two hops (with and without -v, which prints the 401's body).
#[test]
fn digest_round_trip_reuses_the_connection() {
    for verbose in [false, true] {
        let srv = digest_server("MD5", "Mufasa", "Circle of Life");
        let mut args = vec!["-A", "digest", "-a", "Mufasa:Circle of Life"];
        if verbose {
            args.push("-v");
        }
        let url = srv.url("/dir/index.html");
        args.push(&url);
        let r = http().args(args).run();
        r.success();
        assert!(r.stdout_str().ends_with("authorized"), "{}", r.describe());
        let reqs = srv.requests();
        assert_eq!(reqs.len(), 2);
        assert_eq!(srv.connections(), 1, "verbose={verbose}: {}", r.describe());
        assert_eq!(reqs[0].conn, reqs[1].conn);
    }
}

#[test]
fn digest_md5_sess() {
    run_digest("MD5-sess");
}

#[test]
fn digest_sha256() {
    run_digest("SHA-256");
}

#[test]
fn digest_without_verbose_prints_only_the_final_response() {
    let srv = digest_server("SHA-256", "u", "p");
    http()
        .args(["-A", "digest", "-a", "u:p", &srv.url("/")])
        .run()
        .success()
        .stdout_is("authorized");
    let srv = digest_server("SHA-256", "u", "p");
    let r = http()
        .args([
            "--all",
            "--print=h",
            "-A",
            "digest",
            "-a",
            "u:p",
            &srv.url("/"),
        ])
        .run();
    r.success();
    let statuses: Vec<String> = r
        .stdout_str()
        .lines()
        .filter(|l| l.starts_with("HTTP/1.1 "))
        .map(str::to_string)
        .collect();
    assert_eq!(statuses, ["HTTP/1.1 401 Unauthorized", "HTTP/1.1 200 OK"]);
}

#[test]
fn digest_resends_the_body() {
    let srv = digest_server("MD5", "u", "p");
    http()
        .args(["-A", "digest", "-a", "u:p", "PUT", &srv.url("/doc"), "a=b"])
        .run()
        .success()
        .stdout_is("authorized");
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].method(), "PUT");
    assert_eq!(reqs[0].body, b"{\"a\": \"b\"}");
    assert_eq!(reqs[1].body, reqs[0].body);
}

#[test]
fn digest_wrong_password_second_401_is_final() {
    let srv = digest_server("MD5", "u", "right");
    let r = http()
        .args(["-A", "digest", "-a", "u:wrong", &srv.url("/")])
        .run();
    r.success();
    assert!(
        r.stdout_str().starts_with("bad: response="),
        "{}",
        r.describe()
    );
    assert_eq!(srv.requests().len(), 2, "exactly one answer, no loop");

    let srv = digest_server("MD5", "u", "right");
    let r = http()
        .args([
            "--check-status",
            "-A",
            "digest",
            "-a",
            "u:wrong",
            &srv.url("/"),
        ])
        .run();
    r.code_is(4);
    assert_eq!(srv.requests().len(), 2);
}

#[test]
fn digest_challenge_without_digest_auth_is_final() {
    let srv = digest_server("MD5", "u", "p");
    http()
        .args(["-a", "u:p", &srv.url("/")])
        .run()
        .success()
        .stdout_is("bad: not Digest: Basic dTpw");
    assert_eq!(srv.requests().len(), 1);
}

#[test]
fn digest_credentials_from_netrc() {
    let fx = Fixtures::new();
    let srv = digest_server("SHA-256", "nu", "npw");
    with_netrc(&fx, "machine 127.0.0.1 login nu password npw\n")
        .args(["-A", "digest", &srv.url("/n")])
        .run()
        .success()
        .stdout_is("authorized");
    assert_eq!(srv.requests().len(), 2);
}

#[test]
fn digest_challenge_from_another_origin_is_not_answered() {
    let b = digest_server("MD5", "u", "p");
    let a = Server::start(vec![redirect(&b.url("/b"))]);
    let r = http()
        .args(["--follow", "-A", "digest", "-a", "u:p", &a.url("/a")])
        .run();
    r.success();
    let reqs = b.requests();
    assert_eq!(reqs.len(), 1, "{}", r.describe());
    assert_eq!(reqs[0].header("Authorization"), None);
}

#[test]
fn digest_after_a_same_origin_redirect() {
    let redirected = Arc::new(OnceLock::new());
    let r2 = Arc::clone(&redirected);
    let srv = Server::start_fn(move |i, req| {
        if i == 0 {
            r2.set(()).unwrap();
            return redirect("/protected");
        }
        md5_or_403(req, "u", "p")
    });
    http()
        .args(["--follow", "-A", "digest", "-a", "u:p", &srv.url("/start")])
        .run()
        .success()
        .stdout_is("authorized");
    assert_eq!(srv.requests().len(), 3);
}

// ---- .netrc ----------------------------------------------------------------------------------

#[test]
fn netrc_from_the_netrc_variable() {
    let fx = Fixtures::new();
    let (r, sent) = auth_sent(with_netrc(&fx, ALICE_NETRC), &["{url}/"]);
    r.stderr_empty();
    assert_eq!(sent, Some(basic("alice", "pw")));
}

#[test]
fn netrc_from_home() {
    let cmd = http();
    std::fs::write(
        cmd.home().join(".netrc"),
        "machine 127.0.0.1\n  login homer\n  password d0h\n",
    )
    .unwrap();
    assert_eq!(auth_header(cmd, &["{url}/"]), Some(basic("homer", "d0h")));
}

#[test]
fn netrc_ignored_with_ignore_netrc() {
    let fx = Fixtures::new();
    assert_eq!(
        auth_header(with_netrc(&fx, ALICE_NETRC), &["--ignore-netrc", "{url}/"]),
        None
    );

    // And -A basic then has no credentials at all.
    let srv = Server::start(vec![Reply::ok("ok")]);
    with_netrc(&fx, ALICE_NETRC)
        .args(["--ignore-netrc", "-A", "basic", &srv.url("/")])
        .run()
        .error_line();
    assert!(srv.requests().is_empty());
}

#[test]
fn netrc_with_auth_type_basic_and_without() {
    let fx = Fixtures::new();
    for extra in [vec![], vec!["-A", "basic"]] {
        let args: Vec<&str> = extra.iter().copied().chain(["{url}/"]).collect();
        assert_eq!(
            auth_header(with_netrc(&fx, ALICE_NETRC), &args),
            Some(basic("alice", "pw")),
            "{extra:?}"
        );
    }
}

#[test]
fn netrc_never_feeds_bearer() {
    let fx = Fixtures::new();
    let srv = Server::start(vec![Reply::ok("ok")]);
    with_netrc(&fx, ALICE_NETRC)
        .args(["-A", "bearer", &srv.url("/")])
        .run()
        .error_line();
    assert!(srv.requests().is_empty());
}

#[test]
fn explicit_credentials_win_over_netrc() {
    let fx = Fixtures::new();
    for (args, expected) in [
        (vec!["-a", "bob:x", "{url}/"], basic("bob", "x")),
        (
            vec!["{url}/", "Authorization:Token mine"],
            "Token mine".into(),
        ),
        (vec!["http://carl:cpw@{host}/"], basic("carl", "cpw")),
    ] {
        assert_eq!(
            auth_header(with_netrc(&fx, ALICE_NETRC), &args),
            Some(expected),
            "{args:?}"
        );
    }
}

#[test]
fn netrc_matches_the_exact_host_and_any_port() {
    let fx = Fixtures::new();
    // An entry for another name of the same machine does not apply.
    assert_eq!(
        auth_header(
            with_netrc(&fx, "machine localhost login alice password pw\n"),
            &["{url}/"]
        ),
        None
    );

    // Ports are not part of the match; `port` in an entry is read and ignored.
    let netrc =
        "machine 127.0.0.1 port 1 login alice password pw\nmachine localhost login x password y\n";
    assert_eq!(
        auth_header(with_netrc(&fx, netrc), &["{url}/"]),
        Some(basic("alice", "pw"))
    );

    // localhost:PORT matches `machine localhost`.
    let srv = Server::start(vec![Reply::ok("ok")]);
    with_netrc(&fx, "machine localhost login lo password lpw\n")
        .arg(format!("http://localhost:{}/", srv.port()))
        .run()
        .success();
    assert_eq!(
        srv.only_request().header("Authorization"),
        Some(basic("lo", "lpw"))
    );
}

#[test]
fn netrc_default_entry() {
    let fx = Fixtures::new();
    let netrc = "machine other.test login o password opw\ndefault login dflt password dpw\n";
    assert_eq!(
        auth_header(with_netrc(&fx, netrc), &["{url}/"]),
        Some(basic("dflt", "dpw"))
    );
}

/// A broken netrc is one `http: warning:` line and the request still goes out.
fn netrc_warns_and_goes_on(fx: &Fixtures, content: &[u8]) -> (Run, RecordedRequest) {
    let path = fx.write("netrc", content);
    let srv = Server::start(vec![Reply::ok("ok")]);
    let r = http().env("NETRC", &path).arg(srv.url("/")).run();
    r.success().stdout_is("ok");
    let err = r.stderr_str();
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        !lines.is_empty() && lines.iter().all(|l| l.starts_with("http: warning: ")),
        "{}",
        r.describe()
    );
    (r, srv.only_request())
}

#[test]
fn malformed_or_hostile_netrc_is_a_warning() {
    let fx = Fixtures::new();
    let cases: Vec<Vec<u8>> = vec![
        b"machine \"127.0.0.1 login alice password hunter2".to_vec(),
        b"machine 127.0.0.1 login alice password\n".to_vec(),
        b"machine 127.0.0.1 login al\x00ice password hunter2\n".to_vec(),
        b"\xff\xfem\x00a\x00c\x00h\x00".to_vec(),
        b"login alice password hunter2\n".to_vec(),
        vec![b'm'; 2 * 1024 * 1024],
    ];
    for (i, content) in cases.iter().enumerate() {
        let (r, req) = netrc_warns_and_goes_on(&fx, content);
        let auth = req.header("Authorization").unwrap_or_default();
        assert!(
            !auth.contains(&base64(b"alice:hunter2")),
            "case {i}: used a broken entry"
        );
        assert!(
            !r.stderr_str().contains("hunter2"),
            "case {i}: {}",
            r.describe()
        );
    }
}

#[test]
fn netrc_macdef_bodies_are_skipped_not_parsed() {
    // A macro body runs to the next blank line; its content is not netrc syntax.
    let fx = Fixtures::new();
    let netrc = "macdef init\nsome \"unterminated machine 127.0.0.1 login m password mpw\n\n\
                 machine 127.0.0.1 login alice password pw\n";
    assert_eq!(
        auth_header(with_netrc(&fx, netrc), &["{url}/"]),
        Some(basic("alice", "pw"))
    );
}

#[test]
fn huge_netrc_password_never_crashes_and_errors_name_the_cause() {
    // A valid entry with a 200 KB password and no final newline. Using it or
    // ignoring it with a warning are both fine; failing must not blame the server's response.
    let fx = Fixtures::new();
    let long = "x".repeat(200_000);
    let srv = Server::start(vec![Reply::ok("ok")]);
    let r = with_netrc(
        &fx,
        &format!("machine 127.0.0.1 login alice password {long}"),
    )
    .arg(srv.url("/"))
    .run();
    r.no_panic();
    assert!(matches!(r.code(), Some(0 | 1)), "{}", r.describe());
    if r.code() == Some(1) {
        let line = r.single_error_line();
        assert!(!line.contains("response"), "misleading error: {line}");
    }
}

#[test]
fn netrc_that_cannot_be_read_is_a_warning() {
    let fx = Fixtures::new();
    let srv = Server::start(vec![Reply::ok("ok")]);
    let r = http().env("NETRC", fx.path()).arg(srv.url("/")).run();
    r.success();
    assert!(
        r.stderr_str().starts_with("http: warning: "),
        "{}",
        r.describe()
    );
}

#[test]
fn netrc_entries_before_a_problem_are_kept() {
    let fx = Fixtures::new();
    let (_, req) = netrc_warns_and_goes_on(
        &fx,
        b"machine 127.0.0.1 login alice password pw\nmachine \"broken",
    );
    assert_eq!(req.header("Authorization"), Some(basic("alice", "pw")));
}

#[test]
fn netrc_credentials_never_reach_another_host() {
    // 127.0.0.1 has an entry, localhost has none.
    let reqs = follow_to_localhost(ALICE_NETRC, &[]);
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].header("Authorization"), Some(basic("alice", "pw")));
    assert_eq!(reqs[1].header("Authorization"), None, "{}", reqs[1].head);
}

#[test]
fn netrc_credentials_never_reach_another_port_either_way() {
    // Another port of the same host is another origin for the headers; the netrc entry for the
    // host may apply there again, but as a fresh lookup (same credentials).
    let fx = Fixtures::new();
    let b = Server::start(vec![Reply::ok("b")]);
    let a = Server::start(vec![redirect(&format!("http://localhost:{}/b", b.port()))]);
    with_netrc(&fx, ALICE_NETRC)
        .args(["--follow", &a.url("/a")])
        .run()
        .success();
    assert_eq!(b.only_request().header("Authorization"), None);
}

#[test]
fn netrc_is_consulted_afresh_for_the_redirect_target() {
    let reqs = follow_to_localhost(
        "machine 127.0.0.1 login alice password pw\nmachine localhost login lou password lpw\n",
        &[],
    );
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].header("Authorization"), Some(basic("alice", "pw")));
    assert_eq!(
        reqs[1].header("Authorization"),
        Some(basic("lou", "lpw")),
        "{}",
        reqs[1].head
    );
}

#[test]
fn netrc_entry_for_the_target_only_applies_after_a_redirect() {
    // No entry for 127.0.0.1, one for localhost: the first request is bare, the second gets it.
    let reqs = follow_to_localhost("machine localhost login lou password lpw\n", &[]);
    assert_eq!(reqs[0].header("Authorization"), None);
    assert_eq!(reqs[1].header("Authorization"), Some(basic("lou", "lpw")));
}

#[test]
fn netrc_partial_default_never_leaks_the_first_password() {
    // Checklist 10 (curl CVE-2024-11053): a -> b with `default` lacking a password.
    let reqs = follow_to_localhost(
        "machine 127.0.0.1 login alice password pw\ndefault login bob\n",
        &[],
    );
    assert_eq!(reqs[0].header("Authorization"), Some(basic("alice", "pw")));
    let second = reqs[1].header("Authorization");
    assert!(
        second.is_none() || second == Some(basic("bob", "")),
        "{second:?}"
    );
}

#[test]
fn netrc_entry_without_password_does_not_fall_through_to_default() {
    let fx = Fixtures::new();
    let netrc = "machine 127.0.0.1 login alice\ndefault login bob password bpw\n";
    let auth = auth_header(with_netrc(&fx, netrc), &["{url}/"]);
    assert_ne!(auth, Some(basic("bob", "bpw")));
    assert_ne!(auth, Some(basic("alice", "bpw")));
}

#[test]
fn bearer_token_not_sent_to_a_netrc_host_after_redirect() {
    // Checklist 11 (curl CVE-2026-3783).
    let reqs = follow_to_localhost(
        "machine localhost login lou password lpw\n",
        &["-A", "bearer", "-a", "T0KEN"],
    );
    assert_eq!(reqs[0].header("Authorization"), Some("Bearer T0KEN".into()));
    let second = reqs[1].header("Authorization").unwrap_or_default();
    assert!(!second.contains("T0KEN"), "{second}");
}

#[test]
fn url_user_never_gets_another_users_netrc_password() {
    // Checklist 12 (curl CVE-2026-8926).
    let fx = Fixtures::new();
    let auth = auth_header(with_netrc(&fx, ALICE_NETRC), &["http://carol@{host}/"]);
    assert!(
        auth.is_none() || auth == Some(basic("carol", "")),
        "{auth:?}"
    );

    // The user the entry is for gets its password.
    assert_eq!(
        auth_header(with_netrc(&fx, ALICE_NETRC), &["http://alice@{host}/"]),
        Some(basic("alice", "pw"))
    );
}

#[test]
fn host_confusion_urls_use_the_host_connected_to() {
    // Checklist 13: the netrc entry is for `localhost`; every URL below connects to 127.0.0.1.
    let fx = Fixtures::new();
    let netrc = "machine localhost login alice password pw\n";
    let srv = Server::start(vec![Reply::ok("ok")]);
    for url in [
        format!("http://localhost:@{}/", srv.host_port()),
        format!("http://localhost%2F@{}/", srv.host_port()),
        format!("http://localhost%3A80@{}/", srv.host_port()),
    ] {
        with_netrc(&fx, netrc).arg(&url).run().success();
    }
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 3);
    for req in reqs {
        let auth = req.header("Authorization").unwrap_or_default();
        assert_ne!(auth, basic("alice", "pw"), "{}", req.head);
        assert_eq!(req.header("Host"), Some(srv.host_port()));
    }
}

// ---- Secrets in messages ---------------------------------------------------------------------

fn assert_secret_absent(r: &Run, secret: &str) {
    assert!(
        !r.stderr_str().contains(secret) && !r.stdout_str().contains(secret),
        "{secret} printed:\n{}",
        r.describe()
    );
}

#[test]
fn connection_errors_never_print_credentials() {
    let port = closed_port();
    let url = format!("http://127.0.0.1:{port}/x");
    let r = http().args(["-a", "user:hunter2", &url]).run();
    r.error_line();
    assert_secret_absent(&r, "hunter2");

    let r = http()
        .arg(format!("http://user:pa55word@127.0.0.1:{port}/x"))
        .run();
    r.error_line();
    assert_secret_absent(&r, "pa55word");

    let r = http()
        .args(["-A", "bearer", "-a", "t0ken-s3cret", &url])
        .run();
    r.error_line();
    assert_secret_absent(&r, "t0ken-s3cret");

    let r = http().args([&url, "Authorization:Token hdr-s3cret"]).run();
    r.error_line();
    assert_secret_absent(&r, "hdr-s3cret");
}

#[test]
fn timeouts_never_print_credentials() {
    let srv = Server::start(vec![Reply::hang()]);
    let url = format!("http://user:pa55word@{}/slow", srv.host_port());
    let r = http()
        .args(["--timeout=0.3", "-a", "u:hunter2", &url])
        .run();
    r.code_is(2);
    assert_secret_absent(&r, "hunter2");
    assert_secret_absent(&r, "pa55word");
}

#[test]
fn redirect_errors_never_print_credentials() {
    let srv = Server::start(vec![redirect("ftp://127.0.0.1/x")]);
    let r = http()
        .args(["--follow", "-a", "u:hunter2", &srv.url("/")])
        .run();
    r.error_line();
    assert_secret_absent(&r, "hunter2");

    let srv = Server::start(vec![redirect("/loop")]);
    let url = format!("http://user:pa55word@{}/loop", srv.host_port());
    let r = http().args(["--follow", "--max-redirects=2", &url]).run();
    r.code_is(6);
    assert_secret_absent(&r, "pa55word");
}

#[test]
fn netrc_password_never_printed_on_errors() {
    let fx = Fixtures::new();
    let port = closed_port();
    let r = with_netrc(&fx, "machine 127.0.0.1 login alice password n3trcpw\n")
        .arg(format!("http://127.0.0.1:{port}/"))
        .run();
    r.error_line();
    assert_secret_absent(&r, "n3trcpw");
}

#[test]
fn digest_answer_is_not_a_redirect() {
    let srv = digest_server("MD5", "u", "p");
    http()
        .args([
            "--follow",
            "--max-redirects=0",
            "-A",
            "digest",
            "-a",
            "u:p",
            &srv.url("/"),
        ])
        .run()
        .success()
        .stdout_is("authorized");
}

#[test]
fn digest_with_url_credentials() {
    let srv = digest_server("SHA-256", "urlu", "urlp");
    let url = format!("http://urlu:urlp@{}/x", srv.host_port());
    http()
        .args(["-A", "digest", &url])
        .run()
        .success()
        .stdout_is("authorized");
}

/// 127.0.0.1:PORT redirects to localhost:PORT/b, which is a Digest server for (user, pass).
fn digest_behind_host_change(user: &'static str, pass: &'static str) -> Server {
    Server::start_fn(move |i, req| {
        if i == 0 {
            return redirect(&format!("http://localhost:{}/b", port_of(req)));
        }
        md5_or_403(req, user, pass)
    })
}

#[test]
fn digest_netrc_is_looked_up_for_the_redirect_target() {
    let fx = Fixtures::new();
    let srv = digest_behind_host_change("lou", "lpw");
    with_netrc(
        &fx,
        "machine 127.0.0.1 login alice password pw\nmachine localhost login lou password lpw\n",
    )
    .args(["--follow", "-A", "digest", &srv.url("/a")])
    .run()
    .success()
    .stdout_is("authorized");
    assert_eq!(srv.requests().len(), 3);
}

#[test]
fn digest_netrc_of_the_first_host_never_answers_another() {
    let fx = Fixtures::new();
    let srv = digest_behind_host_change("alice", "pw");
    let r = with_netrc(&fx, ALICE_NETRC)
        .args(["--follow", "-A", "digest", &srv.url("/a")])
        .run();
    r.success();
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2, "{}", r.describe());
    assert_eq!(reqs[1].header("Authorization"), None);
}

#[test]
fn netrc_credentials_come_back_with_their_host() {
    // 127.0.0.1 -> localhost -> 127.0.0.1: only 127.0.0.1 has an entry.
    let fx = Fixtures::new();
    let srv = Server::start_fn(|i, req| {
        let port = port_of(req);
        match i {
            0 => redirect(&format!("http://localhost:{port}/b")),
            1 => redirect(&format!("http://127.0.0.1:{port}/c")),
            _ => Reply::ok("ok"),
        }
    });
    with_netrc(&fx, ALICE_NETRC)
        .args(["--follow", &srv.url("/a")])
        .run()
        .success();
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].header("Authorization"), Some(basic("alice", "pw")));
    assert_eq!(reqs[1].header("Authorization"), None);
    assert_eq!(reqs[2].header("Authorization"), Some(basic("alice", "pw")));
}

#[test]
fn netrc_location_variants() {
    let entry = "machine 127.0.0.1 login alice password pw\n";
    // ~/_netrc when there is no ~/.netrc.
    let cmd = http();
    std::fs::write(cmd.home().join("_netrc"), entry).unwrap();
    assert_eq!(auth_header(cmd, &["{url}/"]), Some(basic("alice", "pw")));

    // $NETRC=~/custom expands ~ to HOME.
    let mut cmd = http();
    std::fs::write(cmd.home().join("custom"), entry).unwrap();
    cmd.env("NETRC", "~/custom");
    assert_eq!(auth_header(cmd, &["{url}/"]), Some(basic("alice", "pw")));

    // $NETRC set but empty: no netrc, even with ~/.netrc present.
    let mut cmd = http();
    std::fs::write(cmd.home().join(".netrc"), entry).unwrap();
    cmd.env("NETRC", "");
    assert_eq!(auth_header(cmd, &["{url}/"]), None);

    // $NETRC naming a missing file: silently none.
    let mut cmd = http();
    cmd.env("NETRC", "/nonexistent/courier-netrc");
    let (r, sent) = auth_sent(cmd, &["{url}/"]);
    r.stderr_empty();
    assert_eq!(sent, None);
}
