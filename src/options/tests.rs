use super::*;
use crate::output::PrintSet;
use clap::Parser;

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn args(argv: &[&str]) -> Args {
    let mut all = vec!["http"];
    all.extend_from_slice(argv);
    Args::try_parse_from(all).unwrap()
}

fn resolve_with(argv: &[&str], terminals: Terminals) -> Result<Options> {
    let env = Env {
        terminals,
        ..Env::default()
    };
    resolve(&args(argv), &env, false)
}

fn redirected(argv: &[&str]) -> Options {
    resolve_with(argv, Terminals::default()).unwrap()
}

fn on_terminal(argv: &[&str]) -> Options {
    let tty = Terminals {
        stdin: true,
        stdout: true,
        stderr: true,
    };
    resolve_with(argv, tty).unwrap()
}

#[test]
fn download_implies_follow() {
    assert!(!redirected(&["x.org"]).policy.follow.enabled);
    assert!(redirected(&["-d", "x.org"]).policy.follow.enabled);
    assert!(redirected(&["-F", "x.org"]).policy.follow.enabled);
    // --offline never downloads, so it follows nothing either.
    let offline = redirected(&["-d", "--offline", "x.org"]);
    assert!(offline.policy.download.is_none() && !offline.policy.follow.enabled);
    assert_eq!(
        redirected(&["--max-redirects", "3", "x.org"])
            .policy
            .follow
            .max,
        3
    );
}

#[test]
fn verbose_implies_all() {
    assert!(!redirected(&["x.org"]).print.all);
    assert!(redirected(&["-v", "x.org"]).print.all);
    assert!(redirected(&["--all", "x.org"]).print.all);
    assert_eq!(
        redirected(&["-v", "x.org"]).print.set,
        PrintSet::parse("HBhb").unwrap()
    );
    assert_eq!(
        redirected(&["-vv", "x.org"]).print.set,
        PrintSet::parse("HBhbm").unwrap()
    );
}

#[test]
fn what_quiet_silences() {
    let q = on_terminal(&["-q", "-v", "-d", "x.org"]);
    assert_eq!(q.print.set, PrintSet::default());
    assert!(!q.print.upload_progress);
    assert!(q.policy.download.as_ref().unwrap().quiet);
    assert!(q.print.quiet.warns_on_download_error());
    assert!(q.print.quiet.warns_on_status(true));

    let qq = on_terminal(&["-qq", "x.org"]);
    assert_eq!(qq.print.quiet, Quiet::All);
    assert!(!qq.print.quiet.warns_on_download_error());
    assert!(!qq.print.quiet.warns_on_status(true));
    assert!(!qq.print.quiet.warns_on_status(false));
    assert!(!qq.print.quiet.warns());
    assert!(q.print.quiet.warns());

    let loud = on_terminal(&["-d", "x.org"]);
    assert!(loud.print.upload_progress);
    assert!(!loud.policy.download.as_ref().unwrap().quiet);
    assert!(!loud.print.quiet.warns_on_status(true));
    assert!(loud.print.quiet.warns_on_status(false));
}

#[test]
fn continue_needs_download() {
    let Err(err) = resolve_with(&["-c", "-o", "f", "x.org"], Terminals::default()) else {
        panic!("--continue without --download was accepted");
    };
    assert!(err
        .to_string()
        .contains("--continue only works with --download"));
    assert!(check_continue(true, true).is_ok());
    assert!(check_continue(false, false).is_ok());
}

#[test]
fn output_file_without_download_is_redirected_output() {
    let o = on_terminal(&["-o", "out.txt", "x.org"]);
    assert_eq!(o.print.target, OutputTarget::File("out.txt".into()));
    assert!(!o.print.tty);
    // Redirected output's default is the body alone, even with a terminal on stdout.
    assert_eq!(o.print.set, PrintSet::parse("b").unwrap());
    assert!(o.policy.download.is_none());

    let d = on_terminal(&["-d", "-o", "out.txt", "x.org"]);
    assert_eq!(d.print.target, OutputTarget::Stderr);
    assert_eq!(d.print.set, PrintSet::parse("h").unwrap());
    assert_eq!(
        d.policy.download.as_ref().unwrap().output,
        Some("out.txt".into())
    );
    assert!(!d.policy.download.as_ref().unwrap().to_stdout);

    // -q silences the screen, not the -o file that stands for it.
    let q = on_terminal(&["-q", "-o", "out.txt", "x.org"]);
    assert_eq!(q.print.set, PrintSet::parse("b").unwrap());

    // Without -o, a redirected stdout receives the download.
    let piped = redirected(&["-d", "x.org"]);
    assert!(piped.policy.download.as_ref().unwrap().to_stdout);
}

#[test]
fn timeouts_reject_nonsense() {
    assert_eq!(seconds("timeout", None).unwrap(), None);
    assert_eq!(seconds("timeout", Some(0.0)).unwrap(), None);
    assert_eq!(
        seconds("timeout", Some(2.5)).unwrap(),
        Some(Duration::from_millis(2500))
    );
    for bad in [-1.0, f64::NAN, f64::INFINITY, 1e12] {
        let err = seconds("timeout", Some(bad)).unwrap_err().to_string();
        assert!(err.starts_with("--timeout must be"), "{bad}: {err}");
    }
    assert!(resolve_with(&["--timeout=-1", "x.org"], Terminals::default()).is_err());
}

#[test]
fn a_zero_retry_wait_is_zero_not_the_default() {
    let o = resolve_with(
        &[
            "--retry=2",
            "--retry-backoff=0",
            "--retry-max-delay=0",
            "x.org",
        ],
        Terminals::default(),
    )
    .unwrap();
    assert_eq!(o.policy.retry.backoff, Duration::ZERO);
    assert_eq!(o.policy.retry.max_delay, Duration::ZERO);
    let defaults = resolve_with(&["--retry=2", "x.org"], Terminals::default()).unwrap();
    assert_eq!(
        defaults.policy.retry.backoff,
        RetryPolicy::default().backoff
    );
    assert!(duration("retry-backoff", Some(f64::NAN)).is_err());
}

#[test]
fn items_are_parsed_once_into_the_request_input() {
    let o = redirected(&["PUT", "x.org", "a=1", "X-Y:z", "q==1"]);
    assert_eq!(o.request.method.as_deref(), Some("PUT"));
    assert_eq!(o.request.url, "x.org");
    assert_eq!(o.request.items.len(), 3);
    assert!(resolve_with(&["x.org", "nonsense"], Terminals::default()).is_err());
}

#[test]
fn https_program_forces_its_scheme() {
    let env = Env::default();
    let a = args(&["--default-scheme", "http", "x.org"]);
    assert_eq!(
        resolve(&a, &env, true).unwrap().request.default_scheme,
        "https"
    );
    assert_eq!(
        resolve(&a, &env, false).unwrap().request.default_scheme,
        "http"
    );
}

#[test]
fn sessions_and_request_types() {
    let o = redirected(&["--session-read-only", "s", "-f", "x.org"]);
    assert_eq!(
        o.policy.session,
        Some(SessionChoice {
            name: "s".into(),
            read_only: true
        })
    );
    assert_eq!(o.request.request_type, Some(RequestType::Form));
    assert_eq!(request_type(true, false, false), Some(RequestType::Json));
    assert_eq!(request_type(false, false, false), None);
}

#[test]
fn method_or_url_first() {
    assert_eq!(
        split_positionals(&s(&["localhost", "a=b"])),
        (None, "localhost".into(), s(&["a=b"]))
    );
    assert_eq!(
        split_positionals(&s(&["post", "example.org", "a=b"])),
        (Some("post".into()), "example.org".into(), s(&["a=b"]))
    );
    assert_eq!(
        split_positionals(&s(&["AHOY", "example.org"])),
        (Some("AHOY".into()), "example.org".into(), vec![])
    );
    // A known method stays the method even when the URL looks like an item.
    assert_eq!(
        split_positionals(&s(&["GET", "example.org/s?q=1"])),
        (Some("GET".into()), "example.org/s?q=1".into(), vec![])
    );
    assert_eq!(
        split_positionals(&s(&[":3000", "a=b"])),
        (None, ":3000".into(), s(&["a=b"]))
    );
    // A custom method before a URL with a port: the URL is not the header item `host: port`.
    assert_eq!(
        split_positionals(&s(&["FOO", "example.com:8080/x"])),
        (Some("FOO".into()), "example.com:8080/x".into(), vec![])
    );
    assert_eq!(
        split_positionals(&s(&["purge", "localhost:3000", "X-A:b"])),
        (Some("purge".into()), "localhost:3000".into(), s(&["X-A:b"]))
    );
    assert_eq!(
        split_positionals(&s(&["FOO", "myhost:8080"])),
        (Some("FOO".into()), "myhost:8080".into(), vec![])
    );
    // A real header item after a URL stays an item, numeric value or not.
    assert_eq!(
        split_positionals(&s(&["example", "X-Api-Key:abc"])),
        (None, "example".into(), s(&["X-Api-Key:abc"]))
    );
    assert_eq!(
        split_positionals(&s(&["localhost", "X-Count:5"])),
        (None, "localhost".into(), s(&["X-Count:5"]))
    );
    assert_eq!(
        split_positionals(&s(&["localhost", "X-Count:99999"])),
        (None, "localhost".into(), s(&["X-Count:99999"]))
    );
}

#[test]
fn a_unix_socket_takes_no_proxy() {
    let env = Env {
        proxy: proxy::ProxyEnv::from_lookup(|name| {
            (name == "http_proxy").then(|| "http://proxy.test:3128".to_string())
        }),
        ..Env::default()
    };
    let with_env = |argv: &[&str]| resolve(&args(argv), &env, false);
    let url = url::Url::parse("http://localhost/").unwrap();
    let plain = with_env(&["localhost"]).unwrap();
    assert_ne!(plain.client.proxies.route(&url), proxy::Route::Direct);
    let sock = with_env(&["--unix-socket", "/tmp/s.sock", "localhost"]).unwrap();
    assert_eq!(sock.client.proxies.route(&url), proxy::Route::Direct);
    let both = with_env(&[
        "--unix-socket",
        "/tmp/s",
        "--proxy",
        "all:http://p:1",
        "localhost",
    ]);
    assert!(both.is_err());
}

#[test]
fn interface_and_socks_do_not_mix() {
    let env = Env::default();
    let bad = resolve(
        &args(&[
            "--interface",
            "lo",
            "--proxy",
            "all:socks5://p:1080",
            "x.org",
        ]),
        &env,
        false,
    );
    assert!(bad.is_err());
    let ok = resolve(
        &args(&["--interface", "lo", "--proxy", "all:http://p:3128", "x.org"]),
        &env,
        false,
    );
    assert!(ok.is_ok());
}
