//! Tests of the test server itself (tests/e2e/support/server.rs), with a plain TCP client: they
//! do not involve the `http` binary, so the harness can be trusted while the binary is in flux.

use crate::support::base64;
use crate::support::server::{dechunk, Reply, Server, Step};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn connect(srv: &Server) -> TcpStream {
    let s = TcpStream::connect(srv.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s
}

fn read_exact_n(s: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut buf = vec![0; n];
    s.read_exact(&mut buf).unwrap();
    buf
}

fn read_to_close(s: &mut TcpStream) -> Vec<u8> {
    let mut v = Vec::new();
    let _ = s.read_to_end(&mut v);
    v
}

#[test]
fn records_content_length_request_and_replies() {
    let reply = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
    let srv = Server::start(vec![Reply::raw(reply)]);
    let mut s = connect(&srv);
    let req =
        b"POST /p?q=1 HTTP/1.1\r\nHost: x\r\nX-CamelCase: 1\r\nContent-Length: 5\r\n\r\nhello";
    s.write_all(req).unwrap();
    assert_eq!(read_exact_n(&mut s, reply.len()), reply);
    drop(s);
    let r = srv.only_request();
    assert_eq!(r.raw, req);
    assert_eq!(r.request_line(), "POST /p?q=1 HTTP/1.1");
    assert_eq!(r.method(), "POST");
    assert_eq!(r.target(), "/p?q=1");
    assert_eq!(
        r.head,
        "POST /p?q=1 HTTP/1.1\r\nHost: x\r\nX-CamelCase: 1\r\nContent-Length: 5\r\n\r\n"
    );
    assert_eq!(r.header_names(), ["Host", "X-CamelCase", "Content-Length"]);
    assert_eq!(r.header("x-camelcase").as_deref(), Some("1"));
    assert_eq!(r.body, b"hello");
    assert!(r.complete);
}

#[test]
fn records_chunked_request() {
    let srv = Server::start(vec![Reply::ok("ok")]);
    let mut s = connect(&srv);
    let body = b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
    let mut req = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    req.extend_from_slice(body);
    // Sent in pieces to exercise incremental framing.
    for piece in req.chunks(7) {
        s.write_all(piece).unwrap();
        std::thread::sleep(Duration::from_millis(2));
    }
    let resp = read_exact_n(&mut s, 40);
    assert!(resp.starts_with(b"HTTP/1.1 200 OK\r\n"));
    let r = srv.only_request();
    assert_eq!(r.body, b"hello world");
    assert_eq!(r.wire_body, body);
    assert!(r.complete);
}

#[test]
fn dechunk_rejects_incomplete_and_bad() {
    assert_eq!(
        dechunk(b"3\r\nabc\r\n0\r\n\r\n"),
        Some((b"abc".to_vec(), 13))
    );
    assert_eq!(dechunk(b"3\r\nabc\r\n"), None);
    assert_eq!(dechunk(b"zz\r\nabc\r\n0\r\n\r\n"), None);
}

#[test]
fn keep_alive_script_per_request_then_repeat_last() {
    let srv = Server::start(vec![Reply::ok("one"), Reply::ok("two")]);
    let mut s = connect(&srv);
    let mut got = Vec::new();
    for i in 0..3 {
        write!(s, "GET /{i} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let head = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n".len();
        got.push(read_exact_n(&mut s, head + 3)[head..].to_vec());
    }
    assert_eq!(got, [b"one", b"two", b"two"]);
    // A second connection continues the script.
    let mut s2 = connect(&srv);
    s2.write_all(b"GET /3 HTTP/1.1\r\n\r\n").unwrap();
    assert!(read_exact_n(&mut s2, 41).ends_with(b"two"));
    drop((s, s2));
    let reqs = srv.requests();
    let targets: Vec<&str> = reqs.iter().map(|r| r.target()).collect();
    assert_eq!(targets, ["/0", "/1", "/2", "/3"]);
    assert_eq!(reqs[0].conn, reqs[2].conn);
    assert_ne!(reqs[0].conn, reqs[3].conn);
    assert_eq!(srv.connections(), 2);
}

#[test]
fn pipelined_requests_are_split() {
    let srv = Server::start(vec![Reply::ok("x")]);
    let mut s = connect(&srv);
    s.write_all(b"GET /a HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 2\r\n\r\nhiGET /c HTTP/1.1\r\n\r\n")
        .unwrap();
    let one = b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx".len();
    read_exact_n(&mut s, 3 * one);
    drop(s);
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[1].body, b"hi");
    assert_eq!(reqs[2].target(), "/c");
}

#[test]
fn then_close_and_delay() {
    let srv = Server::start(vec![Reply::raw(b"HTTP/1.0 200 OK\r\n\r\nbody")
        .delay(Duration::from_millis(300))
        .then_close()]);
    let mut s = connect(&srv);
    let t = Instant::now();
    s.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
    assert_eq!(read_to_close(&mut s), b"HTTP/1.0 200 OK\r\n\r\nbody");
    assert!(t.elapsed() >= Duration::from_millis(290));
}

#[test]
fn drip_and_reset() {
    let srv = Server::start(vec![Reply::steps(vec![
        Step::Drip(b"HTTP/1.1 2".to_vec(), Duration::from_millis(10)),
        Step::Reset,
    ])]);
    let mut s = connect(&srv);
    s.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 64];
    let err = loop {
        match s.read(&mut buf) {
            Ok(0) => break None,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => break Some(e),
        }
    };
    assert_eq!(got, b"HTTP/1.1 2");
    #[cfg(target_os = "linux")]
    assert_eq!(
        err.map(|e| e.kind()),
        Some(std::io::ErrorKind::ConnectionReset)
    );
    #[cfg(not(target_os = "linux"))]
    let _ = err;
}

#[test]
fn hang_never_answers() {
    let srv = Server::start(vec![Reply::hang()]);
    let mut s = connect(&srv);
    s.set_read_timeout(Some(Duration::from_millis(400)))
        .unwrap();
    s.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
    let mut buf = [0u8; 16];
    let e = s.read(&mut buf).unwrap_err();
    assert!(matches!(
        e.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    ));
    assert_eq!(srv.only_request().target(), "/");
    // Dropping the server ends the hang promptly.
    let t = Instant::now();
    drop(srv);
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[test]
fn read_until_idle_takes_non_http_bytes() {
    let srv = Server::start(vec![Reply::raw(b"bye")
        .read_until_idle(Duration::from_millis(200))
        .then_close()]);
    let mut s = connect(&srv);
    s.write_all(&[0x16, 0x03, 0x01, 0x00]).unwrap();
    assert_eq!(read_to_close(&mut s), b"bye");
    let r = srv.only_request();
    assert_eq!(r.raw, [0x16, 0x03, 0x01, 0x00]);
}

#[test]
fn incomplete_request_is_recorded_on_close() {
    let srv = Server::start(vec![Reply::ok("x")]);
    let mut s = connect(&srv);
    s.write_all(b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc")
        .unwrap();
    drop(s);
    let r = srv.only_request();
    assert!(!r.complete);
    assert_eq!(r.wire_body, b"abc");
}

#[test]
fn no_connection_means_nothing_recorded() {
    let srv = Server::start(vec![Reply::ok("x")]);
    assert_eq!(srv.connections(), 0);
    assert!(srv.requests().is_empty());
    // A connection that sends nothing counts as a connection but not a request.
    drop(connect(&srv));
    assert_eq!(srv.connections(), 1);
    assert!(srv.requests().is_empty());
}

#[test]
fn base64_helper() {
    assert_eq!(base64(b"user:pass"), "dXNlcjpwYXNz");
    assert_eq!(base64(b"user:pw"), "dXNlcjpwdw==");
    assert_eq!(base64(b"u:"), "dTo=");
}

#[test]
fn runner_stdin_modes() {
    use crate::support::{Cmd, Stdin};
    // The runner itself, exercised with `sh` rather than the binary under test.
    let script = "if [ -t 0 ]; then echo tty; fi; printf 'in:'; cat 2>/dev/null || printf closed";
    let sh = || {
        let mut c = Cmd::program("sh", "/bin/sh");
        c.args(["-c", script]);
        c
    };
    sh().run().success().stdout_is("in:");
    sh().stdin_bytes("abc").run().success().stdout_is("in:abc");
    sh().stdin(Stdin::Closed)
        .run()
        .success()
        .stdout_is("in:closed");
    let r = sh()
        .stdin(Stdin::Delayed(Duration::from_millis(500), b"late".to_vec()))
        .run();
    r.success().stdout_is("in:late");
    assert!(r.elapsed >= Duration::from_millis(450), "{:?}", r.elapsed);
    // The kill timeout bounds a stuck child.
    let r = Cmd::program("sh", "/bin/sh")
        .args(["-c", "exec sleep 5"])
        .timeout(Duration::from_millis(300))
        .run();
    assert!(r.killed && r.elapsed < Duration::from_secs(3));
    // The environment is hermetic.
    let r = Cmd::program("sh", "/bin/sh").args(["-c", "env"]).run();
    let env = r.stdout_str();
    assert!(env.contains("COURIER_CONFIG_DIR="), "{env}");
    for var in [
        "http_proxy=",
        "HTTPS_PROXY=",
        "ALL_PROXY=",
        "NO_PROXY=",
        "NO_COLOR=",
    ] {
        assert!(!env.contains(var), "{var} leaked into the child env");
    }
}
