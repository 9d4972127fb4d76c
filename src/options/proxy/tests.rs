use super::*;

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn env(vars: &[(&str, &str)]) -> ProxyEnv {
    ProxyEnv::from_lookup(|name| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    })
}

fn resolved(args: &[&str], vars: &[(&str, &str)]) -> Proxies {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    resolve(&args, &env(vars)).unwrap()
}

fn shown(p: &Option<ProxyUrl>) -> Option<String> {
    p.as_ref().map(ToString::to_string)
}

#[test]
fn proxy_urls_of_every_scheme() {
    let cases = [
        ("http://proxy.example:3128", "http://proxy.example:3128"),
        ("HTTP://Proxy.Example", "http://proxy.example:80"),
        ("https://proxy.example", "https://proxy.example:443"),
        ("socks4://10.0.0.1", "socks4://10.0.0.1:1080"),
        ("socks4a://h.test:9", "socks4a://h.test:9"),
        ("socks5://[::1]:1080/", "socks5://[::1]:1080"),
        ("socks5h://Gate.Test", "socks5h://gate.test:1080"),
        ("proxy.example:3128", "http://proxy.example:3128"),
        ("localhost:3128", "http://localhost:3128"),
        ("socks5://h.test:80", "socks5://h.test:80"),
    ];
    for (text, want) in cases {
        let p = ProxyUrl::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(p.to_string(), want, "{text}");
        assert_eq!(p.basic_authorization(), None);
    }
}

#[test]
fn credentials_are_percent_decoded_and_never_shown() {
    let p = ProxyUrl::parse("http://us%40er:p%3Ass%20w@proxy.test:3128").unwrap();
    assert_eq!(p.username.as_deref(), Some("us@er"));
    assert_eq!(p.password.as_deref(), Some("p:ss w"));
    // base64("us@er:p:ss w")
    assert_eq!(
        p.basic_authorization().as_deref(),
        Some("Basic dXNAZXI6cDpzcyB3")
    );
    assert_eq!(p.to_string(), "http://proxy.test:3128");
    let debug = format!("{p:?}");
    assert!(
        !debug.contains("p:ss") && !debug.contains("us@er"),
        "{debug}"
    );
    // A user without a password, and a password without a user.
    let user = ProxyUrl::parse("http://alice@p.test").unwrap();
    assert_eq!(
        user.basic_authorization().as_deref(),
        Some("Basic YWxpY2U6")
    );
    let pass = ProxyUrl::parse("http://:secret@p.test").unwrap();
    assert_eq!(
        pass.basic_authorization().as_deref(),
        Some("Basic OnNlY3JldA==")
    );
}

#[test]
fn bad_proxy_urls_say_why() {
    let cases = [
        ("ftp://p.test", "scheme must be http, https, socks4"),
        ("http://", "not a valid proxy URL"),
        ("http://p.test/path", "no path, query or fragment"),
        ("http://p.test/?q", "no path, query or fragment"),
        ("http://p.test:0", "port must not be 0"),
        ("http://p.test:99999", "not a valid proxy URL"),
        ("http://p .test", "space or a control character"),
        ("http://p.test\r\n:3128", "space or a control character"),
        ("http://u%0d%0a:p@p.test", "control character"),
        ("http://u:%ff@p.test", "not UTF-8"),
        ("http://a%3Ab:c@p.test", "must not contain ':'"),
        ("socks4://u:p@p.test", "SOCKS4 has no password"),
        ("socks4a://u@p.test", "SOCKS4 has no password"),
        ("socks5://u@p.test", "RFC 1929"),
        ("socks5h://:p@p.test", "RFC 1929"),
        ("socks5://b%C3%BCcher.test", "ASCII host name"),
        ("socks5://a_b!c.test", "ASCII host name"),
    ];
    for (text, want) in cases {
        let err = ProxyUrl::parse(text).unwrap_err();
        assert!(err.contains(want), "{text}: {err}");
    }
    let long = "x".repeat(256);
    let err = ProxyUrl::parse(&format!("socks5://u:{long}@p.test")).unwrap_err();
    assert!(err.contains("RFC 1929"), "{err}");
    assert!(ProxyUrl::parse(&format!("socks5://u:{}@p.test", "x".repeat(255))).is_ok());
}

#[test]
fn proxy_args_and_their_errors_never_echo_a_password() {
    assert_eq!(
        parse_arg("http:http://p.test:3128").unwrap().0,
        Protocol::Http
    );
    assert_eq!(
        parse_arg("HTTPS:socks5h://p.test").unwrap().0,
        Protocol::Https
    );
    assert_eq!(parse_arg("all:p.test:8080").unwrap().0, Protocol::All);
    let cases = [
        ("x", "expected PROTOCOL:URL"),
        ("ftp:http://p.test", "must be http, https or all, not 'ftp'"),
        ("http:", "no proxy URL"),
        ("http://u:hunter2@p.test", "--proxy=all:http://***@p.test"),
        ("http:gopher://u:hunter2@p.test", "scheme must be"),
        ("http:http://u:hunter2@p.test/x", "no path"),
    ];
    for (arg, want) in cases {
        let err = parse_arg(arg).unwrap_err();
        assert!(err.starts_with("--proxy '"), "{arg}: {err}");
        assert!(err.contains(want), "{arg}: {err}");
        assert!(!err.contains("hunter2"), "{arg}: {err}");
    }
}

#[test]
fn redaction_hides_userinfo_only() {
    // Up to the last `@`: more than the userinfo when a (never valid) path holds one, since a
    // password typed with an unencoded `/` looks the same.
    assert_eq!(redacted("http://u:p@h:1/x@y"), "http://***@y");
    assert_eq!(redacted("u:p@h:1"), "***@h:1");
    assert_eq!(redacted("http:http://a:b@c@h"), "http:http://***@h");
    assert_eq!(redacted("http://h:1"), "http://h:1");
    assert_eq!(redacted("x"), "x");
}

#[test]
fn each_scheme_gets_its_own_proxy_from_the_environment() {
    let p = resolved(
        &[],
        &[
            ("http_proxy", "http://h.test:1"),
            ("https_proxy", "http://s.test:2"),
        ],
    );
    assert_eq!(shown(&p.http).as_deref(), Some("http://h.test:1"));
    assert_eq!(shown(&p.https).as_deref(), Some("http://s.test:2"));
    // Only https_proxy: http targets go direct (ureq alone would use it for both).
    let p = resolved(&[], &[("HTTPS_PROXY", "http://s.test:2")]);
    assert_eq!(p.http, None);
    assert_eq!(shown(&p.https).as_deref(), Some("http://s.test:2"));
    // all_proxy fills in for both; the scheme's own variable wins over it.
    let p = resolved(
        &[],
        &[
            ("all_proxy", "socks5h://a.test"),
            ("http_proxy", "h.test:1"),
        ],
    );
    assert_eq!(shown(&p.http).as_deref(), Some("http://h.test:1"));
    assert_eq!(shown(&p.https).as_deref(), Some("socks5h://a.test:1080"));
    assert_eq!(resolved(&[], &[]), Proxies::default());
}

#[test]
fn lower_case_wins_and_empty_means_unset() {
    let p = resolved(
        &[],
        &[
            ("HTTP_PROXY", "http://up.test"),
            ("http_proxy", "http://low.test"),
        ],
    );
    assert_eq!(shown(&p.http).as_deref(), Some("http://low.test:80"));
    let p = resolved(
        &[],
        &[("http_proxy", "  "), ("HTTP_PROXY", "http://up.test")],
    );
    assert_eq!(shown(&p.http).as_deref(), Some("http://up.test:80"));
    let p = resolved(
        &[],
        &[
            ("no_proxy", ""),
            ("NO_PROXY", "x.test"),
            ("http_proxy", "p.test"),
        ],
    );
    assert_eq!(p.route(&url("http://x.test/")), Route::Direct);
}

#[test]
fn upper_case_http_proxy_is_ignored_under_cgi() {
    let cgi = [
        ("REQUEST_METHOD", "GET"),
        ("HTTP_PROXY", "http://evil.test"),
    ];
    assert_eq!(resolved(&[], &cgi).http, None);
    // The lower-case variable cannot come from a request header, so it still counts.
    let lower = [("REQUEST_METHOD", "GET"), ("http_proxy", "http://ok.test")];
    assert_eq!(
        shown(&resolved(&[], &lower).http).as_deref(),
        Some("http://ok.test:80")
    );
    let outside = [("HTTP_PROXY", "http://up.test")];
    assert!(resolved(&[], &outside).http.is_some());
    // HTTPS_PROXY cannot be set by a request header (no `HTTPS_` prefix): kept.
    let https = [("REQUEST_METHOD", "GET"), ("HTTPS_PROXY", "http://s.test")];
    assert!(resolved(&[], &https).https.is_some());
}

#[test]
fn proxy_flags_override_the_environment_per_scheme() {
    let vars = [
        ("http_proxy", "http://env-h.test"),
        ("https_proxy", "http://env-s.test"),
    ];
    let p = resolved(&["http:http://cli.test:1"], &vars);
    assert_eq!(shown(&p.http).as_deref(), Some("http://cli.test:1"));
    assert_eq!(shown(&p.https).as_deref(), Some("http://env-s.test:80"));
    let p = resolved(&["all:socks5://cli.test:2"], &vars);
    assert_eq!(shown(&p.http).as_deref(), Some("socks5://cli.test:2"));
    assert_eq!(shown(&p.https).as_deref(), Some("socks5://cli.test:2"));
    // The scheme's own entry wins over all:, whatever the order; the last of a kind wins.
    let p = resolved(
        &[
            "https:http://s1.test",
            "all:http://a.test",
            "https:http://s2.test",
        ],
        &[],
    );
    assert_eq!(shown(&p.http).as_deref(), Some("http://a.test:80"));
    assert_eq!(shown(&p.https).as_deref(), Some("http://s2.test:80"));
}

#[test]
fn bad_environment_values_name_the_variable() {
    let err = resolve(&[], &env(&[("https_proxy", "gopher://u:pw@p.test")])).unwrap_err();
    assert!(
        err.starts_with("https_proxy 'gopher://***@p.test': "),
        "{err}"
    );
    assert!(!err.contains("pw"));
    // A variable the flags override is not read at all.
    let args = vec!["https:http://ok.test".to_string()];
    assert!(resolve(&args, &env(&[("https_proxy", "gopher://p.test")])).is_ok());
    let debug = format!("{:?}", env(&[("http_proxy", "http://u:secret@p.test")]));
    assert!(!debug.contains("secret"), "{debug}");
}

#[test]
fn routes_follow_the_target_scheme_and_no_proxy() {
    let p = resolved(
        &["http:http://h.test:3128", "https:https://s.test"],
        &[("no_proxy", "internal.test,10.0.0.0/8")],
    );
    let h = p.http.as_ref().unwrap();
    let s = p.https.as_ref().unwrap();
    assert_eq!(p.route(&url("http://a.test/x")), Route::Forward(h));
    assert_eq!(p.route(&url("https://a.test/x")), Route::Tunnel(s));
    assert_eq!(p.route(&url("http://api.internal.test/")), Route::Direct);
    assert_eq!(p.route(&url("https://10.1.2.3:8443/")), Route::Direct);
    assert_eq!(p.route(&url("https://11.1.2.3/")), Route::Tunnel(s));
    let socks = resolved(&["all:socks5h://g.test"], &[]);
    let g = socks.http.as_ref().unwrap();
    assert_eq!(socks.route(&url("http://a.test/")), Route::Socks(g));
    assert_eq!(socks.route(&url("https://a.test/")).proxy(), Some(g));
    assert_eq!(
        Proxies::default().route(&url("http://a.test/")),
        Route::Direct
    );
    // no_proxy ports compare with the scheme's default port when the URL has none.
    let ported = resolved(&["all:p.test"], &[("NO_PROXY", "a.test:443")]);
    assert_eq!(ported.route(&url("https://a.test/")), Route::Direct);
    assert!(ported.route(&url("http://a.test/")).proxy().is_some());
}

#[test]
fn redaction_hides_passwords_with_unencoded_separators() {
    for raw in [
        "http://u:se/cr3t@127.0.0.1:8888",
        "http://u:se?cr3t@proxy:1",
        "all:http://u:se#cr3t@proxy:1",
        "socks5://u:a@b/c@proxy:1080",
    ] {
        let shown = redacted(raw);
        assert!(
            !shown.contains("cr3t") && !shown.contains("a@b"),
            "{raw}: {shown}"
        );
        assert!(shown.contains("***@"), "{raw}: {shown}");
    }
}
