//! Where the time went: `-vv` and `--meta` print, after HTTPie's `Elapsed time:` line (and the
//! TLS lines), `Timing: dns=… connect=… tls=… sent=… first_byte=… body=… total=…` (milliseconds)
//! and `Connection reused: yes|no`, for every printed response. The phases are measured in the
//! client's resolver and connectors: these tests make one phase slow on purpose and check
//! that the time shows up there (with slack, never exact timings), and that a reused
//! connection has no connect and no TLS phase.
//!
//! Everything runs on 127.0.0.1.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;
use std::time::Duration;

use crate::support::proxy::HttpProxy;
use crate::support::server::{Reply, Server, Step};
use crate::support::tls::{pki, write, TlsServer};
use crate::support::{http, redirect, Fixtures, Run};

/// The phases, in the order they are printed.
const FIELDS: [&str; 7] = [
    "dns",
    "connect",
    "tls",
    "sent",
    "first_byte",
    "body",
    "total",
];

/// What a slow step waits, and the least a phase holding it may show.
const SLOW: Duration = Duration::from_millis(300);
const AT_LEAST_MS: u64 = 250;

/// One response's metadata block.
#[derive(Debug)]
struct Meta {
    elapsed_secs: f64,
    /// The `name: value` lines between `Elapsed time:` and `Timing:`.
    before_timing: Vec<String>,
    /// Each phase in microseconds, in [`FIELDS`] order.
    micros: [u64; 7],
    reused: bool,
}

impl Meta {
    fn us(&self, field: &str) -> u64 {
        let i = FIELDS.iter().position(|f| *f == field).unwrap();
        self.micros[i]
    }

    fn ms(&self, field: &str) -> u64 {
        self.us(field) / 1000
    }
}

/// `12.345ms` → 12345; `None` unless exactly digits, a dot, three digits and `ms`.
fn micros(value: &str) -> Option<u64> {
    let (int, frac) = value.strip_suffix("ms")?.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(int) && digits(frac) && frac.len() == 3).then_some(())?;
    Some(int.parse::<u64>().ok()? * 1000 + frac.parse::<u64>().ok()?)
}

/// Every metadata block of the output, in order. Each must be: `Elapsed time:` first, then any
/// other lines (TLS), then `Timing:` with all seven fields in order, then `Connection reused:`,
/// then a blank line.
fn metas(run: &Run) -> Vec<Meta> {
    let out = run.stdout_str();
    let lines: Vec<&str> = out.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(secs) = line.strip_prefix("Elapsed time: ") else {
            continue;
        };
        let elapsed_secs: f64 = secs
            .strip_suffix('s')
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("bad elapsed line {line:?}\n{}", run.describe()));
        let rest = &lines[i + 1..];
        let t = rest
            .iter()
            .position(|l| l.starts_with("Timing: "))
            .unwrap_or_else(|| panic!("no Timing line after {line:?}\n{}", run.describe()));
        let before_timing: Vec<String> = rest[..t].iter().map(|l| l.to_string()).collect();
        assert!(
            before_timing.iter().all(|l| l.starts_with("TLS ")),
            "{before_timing:?}\n{}",
            run.describe()
        );
        let pairs: Vec<(&str, &str)> = rest[t]["Timing: ".len()..]
            .split(' ')
            .map(|kv| kv.split_once('=').unwrap_or((kv, "")))
            .collect();
        let names: Vec<&str> = pairs.iter().map(|(k, _)| *k).collect();
        assert_eq!(names, FIELDS, "{}", run.describe());
        let mut values = [0u64; 7];
        for (slot, (name, value)) in values.iter_mut().zip(&pairs) {
            *slot = micros(value).unwrap_or_else(|| {
                panic!("{name}={value} is not a number of ms\n{}", run.describe())
            });
        }
        let reused = match rest.get(t + 1).copied() {
            Some("Connection reused: yes") => true,
            Some("Connection reused: no") => false,
            other => panic!("{other:?} after the Timing line\n{}", run.describe()),
        };
        assert_eq!(rest.get(t + 2).copied(), Some(""), "{}", run.describe());
        found.push(Meta {
            elapsed_secs,
            before_timing,
            micros: values,
            reused,
        });
    }
    found
}

/// The one metadata block of a run.
fn only_meta(run: &Run) -> Meta {
    let mut all = metas(run);
    assert_eq!(all.len(), 1, "{all:?}\n{}", run.describe());
    all.remove(0)
}

/// No phase is negative (they parse as unsigned) and together they fit in the total, which
/// fits in the elapsed time of the run so far.
fn consistent(meta: &Meta, run: &Run) {
    let phases: u64 = meta.micros[..6].iter().sum();
    let total = meta.us("total");
    assert!(phases <= total, "{meta:?}\n{}", run.describe());
    assert!(
        total as f64 <= meta.elapsed_secs * 1e6 + 1.0,
        "{meta:?}\n{}",
        run.describe()
    );
}

#[test]
fn vv_and_meta_show_every_phase_after_the_elapsed_time() {
    let srv = Server::start(vec![Reply::ok("hello")]);
    let url = srv.url("/");
    for (args, meta_only) in [
        (vec!["-vv"], false),
        (vec!["-m"], true),
        (vec!["--meta"], true),
        (vec!["-p", "m"], true),
        (vec!["-p", "hbm"], false),
    ] {
        let r = http().args(&args).arg(&url).run();
        r.success();
        let meta = only_meta(&r);
        consistent(&meta, &r);
        // Plain http on a new connection: connected, no TLS, no TLS lines.
        assert!(!meta.reused, "{args:?}: {meta:?}");
        assert!(meta.us("connect") > 0, "{args:?}: {meta:?}");
        // The name is looked up even for an address (ureq's resolver hands it to a thread).
        assert!(meta.us("dns") > 0, "{args:?}: {meta:?}");
        assert_eq!(meta.us("tls"), 0, "{args:?}: {meta:?}");
        assert!(meta.before_timing.is_empty(), "{args:?}: {meta:?}");
        assert!(meta.us("total") > 0, "{args:?}: {meta:?}");
        // `m` alone: the Elapsed line is still the first thing printed.
        if meta_only {
            assert!(
                r.stdout_str().starts_with("Elapsed time: "),
                "{}",
                r.describe()
            );
        }
    }
    // Without m, no timing.
    let r = http().args(["-v", &url]).run();
    r.success();
    assert!(!r.stdout_str().contains("Timing:"), "{}", r.describe());
}

#[test]
fn a_server_slow_to_answer_shows_in_first_byte() {
    let srv = Server::start(vec![Reply::ok("late").delay(SLOW)]);
    let r = http().args(["-p", "m", &srv.url("/")]).run();
    r.success();
    let meta = only_meta(&r);
    consistent(&meta, &r);
    assert!(meta.ms("first_byte") >= AT_LEAST_MS, "{meta:?}");
    // Not counted anywhere else.
    for other in ["dns", "connect", "sent", "body"] {
        assert!(meta.us(other) < meta.us("first_byte"), "{other}: {meta:?}");
    }
}

#[test]
fn a_slow_body_shows_in_body() {
    let reply = Reply::steps(vec![
        Step::Send(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nslow".to_vec()),
        Step::Sleep(SLOW),
        Step::Send(b" body".to_vec()),
    ]);
    let srv = Server::start(vec![reply]);
    let r = http().args(["-vv", &srv.url("/")]).run();
    r.success();
    let meta = only_meta(&r);
    consistent(&meta, &r);
    assert!(meta.ms("body") >= AT_LEAST_MS, "{meta:?}");
    assert!(meta.us("first_byte") < meta.us("body"), "{meta:?}");
}

#[test]
fn a_request_body_the_server_is_slow_to_take_shows_in_sent() {
    // More than the loopback socket buffers hold, so the last bytes go out only once the
    // server reads them.
    const LEN: usize = 24 * 1024 * 1024;
    let fx = Fixtures::new();
    let file = fx.write("big.bin", vec![b'x'; LEN]);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = thread::spawn(move || {
        let (mut conn, _) = listener.accept().ok()?;
        conn.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        let mut got = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        // The head (and whatever came with it), then a pause before taking the rest.
        while !got.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = conn.read(&mut buf).ok()?;
            if n == 0 || got.len() > 64 * 1024 {
                return None;
            }
            got.extend_from_slice(&buf[..n]);
        }
        thread::sleep(SLOW);
        let mut total = got.len();
        while total < LEN {
            let n = conn.read(&mut buf).ok()?;
            if n == 0 {
                return None;
            }
            total += n;
        }
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            .ok()
    });
    let r = http()
        .args([
            "-p",
            "m",
            &format!("127.0.0.1:{port}/up"),
            &format!("@{}", file.display()),
        ])
        .run();
    r.success();
    assert!(
        server.join().unwrap().is_some(),
        "the server did not get it all"
    );
    let meta = only_meta(&r);
    consistent(&meta, &r);
    assert!(meta.ms("sent") >= AT_LEAST_MS, "{meta:?}");
    assert!(meta.us("first_byte") < meta.us("sent"), "{meta:?}");
}

#[test]
fn a_reused_connection_has_no_connect_phase() {
    let srv = Server::start(vec![redirect("/next"), Reply::ok("there")]);
    let r = http()
        .args(["--follow", "--all", "-p", "hm", &srv.url("/first")])
        .run();
    r.success();
    let all = metas(&r);
    assert_eq!(all.len(), 2, "{}", r.describe());
    // One connection served both hops.
    assert_eq!(srv.connections(), 1);
    assert_eq!(srv.requests().len(), 2);
    let (first, second) = (&all[0], &all[1]);
    assert!(!first.reused && first.us("connect") > 0, "{first:?}");
    assert!(second.reused, "{second:?}");
    assert_eq!(
        (second.us("connect"), second.us("tls")),
        (0, 0),
        "{second:?}"
    );
    for meta in &all {
        consistent(meta, &r);
    }
    // The per-hop totals are each within the run's time.
    assert!(first.us("total") + second.us("total") <= (second.elapsed_secs * 1e6) as u64 + 1);
}

#[test]
fn https_shows_the_handshake_and_a_reused_connection_none() {
    let fx = Fixtures::new();
    let ca = write(fx.path(), "ca.pem", &pki().ca);
    let srv = TlsServer::start(
        crate::support::tls::server_config(&pki().leaf, rustls::ALL_VERSIONS, None),
        vec![redirect("/next"), Reply::ok("secure")],
    );
    let r = http()
        .args([
            "-vv",
            "-F",
            &format!("--verify={}", ca.display()),
            &srv.url("/"),
        ])
        .run();
    r.success();
    let all = metas(&r);
    assert_eq!(all.len(), 2, "{}", r.describe());
    assert_eq!(srv.handshakes().len(), 1);
    let (first, second) = (&all[0], &all[1]);
    // The TLS lines come first, then the timing.
    for meta in &all {
        assert_eq!(meta.before_timing.len(), 2, "{meta:?}");
        assert!(meta.before_timing[0].starts_with("TLS version: "));
        consistent(meta, &r);
    }
    assert!(
        !first.reused && first.us("tls") > 0 && first.us("connect") > 0,
        "{first:?}"
    );
    assert!(second.reused, "{second:?}");
    assert_eq!(
        (second.us("connect"), second.us("tls")),
        (0, 0),
        "{second:?}"
    );
}

#[test]
fn a_proxy_slow_to_open_its_tunnel_counts_as_connect() {
    let fx = Fixtures::new();
    let ca = write(fx.path(), "ca.pem", &pki().ca);
    let origin = TlsServer::trusted(Reply::ok("through the tunnel"));
    let proxy = HttpProxy::slow_to_connect(SLOW);
    let r = http()
        .args([
            "-p",
            "m",
            &format!("--verify={}", ca.display()),
            &format!("--proxy=https:{}", proxy.url()),
            &origin.url("/"),
        ])
        .run();
    r.success();
    assert_eq!(proxy.requests().len(), 1);
    let meta = only_meta(&r);
    consistent(&meta, &r);
    assert!(meta.ms("connect") >= AT_LEAST_MS, "{meta:?}");
    // The handshake with the origin, through the tunnel, is its own phase.
    assert!(
        meta.us("tls") > 0 && meta.us("tls") < meta.us("connect"),
        "{meta:?}"
    );
    assert!(meta.us("first_byte") < meta.us("connect"), "{meta:?}");
}
