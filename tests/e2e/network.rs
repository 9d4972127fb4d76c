//! Reaching the server (`--resolve`, `-4`/`-6`, `--unix-socket`, `--interface`) and the run's
//! limits (`--connect-timeout`, `--max-time`, `--max-headers`, the response-head size), through
//! the real binary against servers on this machine only.

use crate::support::server::{Reply, Server, Step};
use crate::support::{http, Fixtures};
use std::io::{Read, Write};
use std::os::unix::net::UnixListener;
use std::time::Duration;

#[test]
fn resolve_sends_the_connection_elsewhere_and_keeps_the_host() {
    let srv = Server::start(vec![Reply::ok("resolved")]);
    let port = srv.port();
    let r = http()
        .args([
            "--resolve",
            &format!("api.example.test:{port}:127.0.0.1"),
            &format!("http://api.example.test:{port}/x"),
        ])
        .run();
    r.success().stdout_is("resolved");
    let req = srv.only_request();
    assert_eq!(
        req.header("Host").as_deref(),
        Some(format!("api.example.test:{port}").as_str())
    );
    assert_eq!(req.request_line(), "GET /x HTTP/1.1");
}

#[test]
fn resolve_applies_to_its_port_only() {
    let srv = Server::start(vec![Reply::ok("x")]);
    let port = srv.port();
    // The entry names another port: the host is looked up in DNS, and `.invalid` never resolves.
    let r = http()
        .args([
            "--resolve",
            &format!("h.invalid:{}:127.0.0.1", port.wrapping_add(1)),
            &format!("http://h.invalid:{port}/"),
        ])
        .run();
    r.code_is(1);
    assert!(
        r.error_line().contains("Couldn't resolve host 'h.invalid'"),
        "{}",
        r.describe()
    );
    assert_eq!(srv.connections(), 0);
}

#[test]
fn ip_family_filters_the_addresses() {
    let srv = Server::start(vec![Reply::ok("v4")]);
    let port = srv.port();
    let resolve = format!("dual.test:{port}:[::1],127.0.0.1");
    let url = format!("http://dual.test:{port}/");
    // -4 skips the IPv6 address (nothing listens there) and reaches the server.
    http()
        .args(["-4", "--resolve", &resolve, &url])
        .run()
        .success()
        .stdout_is("v4");
    // -6 with only an IPv4 address has nowhere to go.
    let r = http()
        .args([
            "-6",
            "--resolve",
            &format!("v4only.test:{port}:127.0.0.1"),
            &format!("http://v4only.test:{port}/"),
        ])
        .run();
    r.code_is(1);
    assert_eq!(
        r.single_error_line(),
        "http: error: Couldn't resolve host 'v4only.test': no usable address"
    );
    assert_eq!(srv.connections(), 1);
    let r = http().args(["-4", "-6", &url]).run();
    r.code_is(1);
}

#[test]
fn unix_socket_carries_the_exchange() {
    let fx = Fixtures::new();
    let path = fx.path().join("api.sock");
    let listener = UnixListener::bind(&path).unwrap();
    let server = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
            if conn.read(&mut byte).unwrap() == 0 {
                break;
            }
            head.push(byte[0]);
        }
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nover unix")
            .unwrap();
        String::from_utf8_lossy(&head).into_owned()
    });
    let r = http()
        .args([
            "--unix-socket",
            path.to_str().unwrap(),
            "http://localhost/v1/info",
        ])
        .run();
    r.success().stdout_is("over unix");
    let head = server.join().unwrap();
    assert!(head.starts_with("GET /v1/info HTTP/1.1\r\n"), "{head}");
    assert!(head.contains("\r\nHost: localhost\r\n"), "{head}");
}

#[test]
fn unix_socket_that_is_missing_is_one_error_line() {
    let fx = Fixtures::new();
    let path = fx.path().join("nobody.sock");
    let r = http()
        .args(["--unix-socket", path.to_str().unwrap(), "http://localhost/"])
        .run();
    r.code_is(1);
    assert!(
        r.single_error_line().starts_with("http: error: "),
        "{}",
        r.describe()
    );
}

#[test]
fn interface_binds_the_local_address() {
    let srv = Server::start(vec![Reply::ok("a"), Reply::ok("b")]);
    // All of 127.0.0.0/8 is loopback on Linux: the server sees which one we bound.
    http()
        .args(["--interface", "127.0.0.2", &srv.url("/")])
        .run()
        .success();
    http()
        .args(["--interface", "lo", &srv.url("/")])
        .run()
        .success();
    let reqs = srv.requests();
    let peers: Vec<_> = reqs
        .iter()
        .map(|r| r.peer.unwrap().ip().to_string())
        .collect();
    assert_eq!(peers, ["127.0.0.2", "127.0.0.1"]);
    let r = http()
        .args(["--interface", "nosuchif0", &srv.url("/")])
        .run();
    r.code_is(1);
    assert_eq!(
        r.single_error_line(),
        "http: error: --interface: no network interface named 'nosuchif0' with an address"
    );
}

#[test]
fn connect_timeout_names_its_option() {
    // A server that accepts and never answers: the TLS handshake is part of connecting.
    let srv = Server::start(vec![Reply::hang()]);
    let url = format!("https://127.0.0.1:{}/", srv.port());
    let r = http().args(["--connect-timeout", "0.5", &url]).run();
    r.code_is(2);
    assert_eq!(
        r.single_error_line(),
        "http: error: Connection timed out after 0.5s (--connect-timeout=0.5)."
    );
    assert!(r.elapsed < Duration::from_secs(5), "{:?}", r.elapsed);
    // Without --connect-timeout, --timeout bounds connecting too, and says so.
    let r = http().args(["--timeout", "0.5", &url]).run();
    r.code_is(2);
    assert_eq!(
        r.single_error_line(),
        "http: error: Connection timed out after 0.5s (--timeout=0.5)."
    );
}

#[test]
fn max_time_bounds_a_slow_but_steady_body() {
    // Each byte comes well within --timeout, but the whole takes ~3 s.
    let body = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789".to_vec();
    let srv = Server::start(vec![Reply::steps(vec![Step::Drip(
        body,
        Duration::from_millis(60),
    )])]);
    let r = http()
        .args(["--timeout", "2", "--max-time", "1", &srv.url("/")])
        .run();
    r.code_is(2);
    assert_eq!(
        r.single_error_line(),
        "http: error: The run took longer than --max-time=1 and was stopped."
    );
    // Only a bound against a hang: the message above says which limit stopped it.
    assert!(r.elapsed < Duration::from_secs(10), "{:?}", r.elapsed);
}

#[test]
fn max_time_covers_every_redirect_hop() {
    // Each hop alone fits in the budget; together they do not.
    let srv = Server::start(vec![
        Reply::http("HTTP/1.1 302 Found\r\nLocation: /b", "").delay(Duration::from_millis(700)),
        Reply::ok("late").delay(Duration::from_millis(700)),
    ]);
    let r = http()
        .args(["--follow", "--max-time", "1", &srv.url("/a")])
        .run();
    r.code_is(2);
    assert!(
        r.single_error_line().contains("--max-time=1"),
        "{}",
        r.describe()
    );
    // With room for both, the same exchange succeeds.
    let srv = Server::start(vec![
        Reply::http("HTTP/1.1 302 Found\r\nLocation: /b", "").delay(Duration::from_millis(100)),
        Reply::ok("in time"),
    ]);
    http()
        .args(["--follow", "--max-time", "5", &srv.url("/a")])
        .run()
        .success()
        .stdout_is("in time");
}

#[test]
fn max_headers_counts_response_headers() {
    let head = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4";
    let srv = Server::start(vec![Reply::http(head, "ok")]);
    // Five header lines with Content-Length.
    let r = http().args(["--max-headers", "3", &srv.url("/")]).run();
    r.code_is(1);
    assert_eq!(
        r.single_error_line(),
        format!(
            "http: error: Too many response headers from 127.0.0.1:{}: got more than 3 headers (--max-headers)",
            srv.port()
        )
    );
    let srv = Server::start(vec![Reply::http(head, "ok")]);
    http()
        .args(["--max-headers", "5", &srv.url("/")])
        .run()
        .success()
        .stdout_is("ok");
}

#[test]
fn header_floods_end_with_a_clear_error() {
    // More header lines than the engine takes.
    let many: String = (0..300).map(|i| format!("\r\nX-{i}: v")).collect();
    let srv = Server::start(vec![Reply::http(&format!("HTTP/1.1 200 OK{many}"), "ok")]);
    let r = http().args([&srv.url("/")]).run();
    r.code_is(1);
    assert!(
        r.single_error_line().contains("got more than 128 headers"),
        "{}",
        r.describe()
    );
    // A head larger than 64 KiB, in few lines.
    let big = format!("HTTP/1.1 200 OK\r\nX-Big: {}", "a".repeat(100_000));
    let srv = Server::start(vec![Reply::http(&big, "ok")]);
    let r = http().args([&srv.url("/")]).run();
    r.code_is(1);
    assert!(
        r.single_error_line().contains("are too large"),
        "{}",
        r.describe()
    );
}

#[test]
fn limits_reject_nonsense_values() {
    for args in [
        ["--connect-timeout", "-1"],
        ["--max-time", "nan"],
        ["--max-time", "inf"],
        ["--max-headers", "-3"],
        ["--max-headers", "200"],
        ["--resolve", "nonsense"],
        ["--interface", "a b"],
    ] {
        let r = http().args(args).args(["--offline", "example.org"]).run();
        r.code_is(1);
        assert!(
            r.single_error_line().starts_with("http: error: "),
            "{args:?}: {}",
            r.describe()
        );
    }
}

/// A Unix listener whose backlog is full would block a plain connect forever: the connect
/// budget bounds it (exit 2), and a missing socket is named in the error.
#[test]
fn unix_socket_connects_are_bounded_and_named() {
    use socket2::{Domain, SockAddr, Socket, Type};
    let fx = Fixtures::new();
    let path = fx.path().join("full.sock");
    let listener = Socket::new(Domain::UNIX, Type::STREAM, None).unwrap();
    listener.bind(&SockAddr::unix(&path).unwrap()).unwrap();
    listener.listen(0).unwrap();
    // Fill the backlog with connections nobody accepts.
    let mut held = Vec::new();
    for _ in 0..8 {
        let c = Socket::new(Domain::UNIX, Type::STREAM, None).unwrap();
        c.set_nonblocking(true).unwrap();
        if c.connect(&SockAddr::unix(&path).unwrap()).is_ok() {
            held.push(c);
        }
    }
    let r = http()
        .args([
            "--connect-timeout",
            "0.5",
            "--unix-socket",
            path.to_str().unwrap(),
            "http://x/",
        ])
        .run();
    r.code_is(2);
    assert!(r.elapsed < Duration::from_secs(5), "{:?}", r.elapsed);
    let missing = fx.path().join("nobody.sock");
    let r = http()
        .args(["--unix-socket", missing.to_str().unwrap(), "http://x/"])
        .run();
    r.code_is(1);
    assert!(
        r.single_error_line()
            .contains(&format!("the Unix socket {}", missing.display())),
        "{}",
        r.describe()
    );
    drop(held);
}
