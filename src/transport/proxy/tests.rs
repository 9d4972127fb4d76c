use super::*;
use crate::spec::Header;

fn spec(url: &str, headers: &[(&str, &str)]) -> RequestSpec {
    let url = url::Url::parse(url).unwrap();
    let mut all = vec![Header::new("Host", &crate::url_input::host_header(&url))];
    all.extend(headers.iter().map(|(n, v)| Header::new(n, v)));
    RequestSpec {
        method: "GET".into(),
        target: crate::url_input::target(&url),
        url,
        headers: all,
        body: Default::default(),
        auth: None,
    }
}

fn proxy(text: &str) -> ProxyUrl {
    ProxyUrl::parse(text).unwrap()
}

const CREDS: &str = "Basic dTpw"; // u:p

#[test]
fn forwarded_requests_get_the_absolute_form_and_the_proxy_credentials() {
    let p = proxy("http://u:p@proxy.test:3128");
    let s = spec("http://origin.test:8080/a?b=1", &[]);
    let plan = plan(Route::Forward(&p), &s);
    assert_eq!(plan.absolute.as_deref(), Some("http://origin.test:8080"));
    assert_eq!(plan.proxy_authorization.as_deref(), Some(CREDS));
    assert!(plan.added_to_head && !plan.strip_typed);
    let shown = String::from_utf8(shown_head(&s, Route::Forward(&p))).unwrap();
    assert_eq!(
        shown,
        "GET http://origin.test:8080/a?b=1 HTTP/1.1\r\nHost: origin.test:8080\r\n\
         Proxy-Authorization: Basic <hidden>\r\n\r\n"
    );
    // The default port is not spelled out, as in the Host header.
    let s = spec("http://origin.test/", &[]);
    let plain = plan_of(&p, &s);
    assert_eq!(plain.absolute.as_deref(), Some("http://origin.test"));
}

fn plan_of(p: &ProxyUrl, s: &RequestSpec) -> Plan {
    plan(Route::Forward(p), s)
}

#[test]
fn a_typed_proxy_authorization_goes_to_the_first_http_hop() {
    let p = proxy("http://u:p@proxy.test:3128");
    let typed = [("Proxy-Authorization", "Bearer mine")];
    // Forwarded: it is in the head already; the URL's credentials are not added.
    let s = spec("http://origin.test/", &typed);
    let forward = plan(Route::Forward(&p), &s);
    assert_eq!(forward.proxy_authorization, None);
    assert!(!forward.added_to_head && !forward.strip_typed);
    let shown = String::from_utf8(shown_head(&s, Route::Forward(&p))).unwrap();
    assert!(
        shown.contains("Proxy-Authorization: Bearer mine\r\n"),
        "{shown}"
    );
    assert_eq!(shown.matches("Proxy-Authorization").count(), 1, "{shown}");
    // Tunnelled: it goes on the CONNECT instead of the URL's, and off the request.
    let s = spec("https://origin.test/", &typed);
    let tunnel = plan(Route::Tunnel(&p), &s);
    assert_eq!(tunnel.proxy_authorization.as_deref(), Some("Bearer mine"));
    assert!(tunnel.strip_typed && !tunnel.added_to_head);
    let shown = String::from_utf8(shown_head(&s, Route::Tunnel(&p))).unwrap();
    assert_eq!(shown, "GET / HTTP/1.1\r\nHost: origin.test\r\n\r\n");
    assert!(without_typed(&s).header("Proxy-Authorization").is_none());
    // No HTTP proxy: it goes to the origin, as HTTPie sends it.
    let socks = proxy("socks5h://u:p@gate.test");
    for route in [Route::Direct, Route::Socks(&socks)] {
        assert_eq!(plan(route, &s), Plan::default());
        let shown = String::from_utf8(shown_head(&s, route)).unwrap();
        assert!(
            shown.contains("Proxy-Authorization: Bearer mine"),
            "{shown}"
        );
    }
}

#[test]
fn tunnels_carry_the_proxy_credentials_on_the_connect_only() {
    let p = proxy("https://u:p@proxy.test");
    let s = spec("https://origin.test:8443/x", &[]);
    let plan = plan(Route::Tunnel(&p), &s);
    assert_eq!(plan.proxy_authorization.as_deref(), Some(CREDS));
    assert_eq!(plan.absolute, None);
    assert!(!plan.added_to_head && !plan.strip_typed);
    let shown = String::from_utf8(shown_head(&s, Route::Tunnel(&p))).unwrap();
    assert_eq!(shown, "GET /x HTTP/1.1\r\nHost: origin.test:8443\r\n\r\n");
    // Without credentials there is nothing to send.
    let bare = proxy("http://proxy.test");
    assert_eq!(
        super::plan(Route::Tunnel(&bare), &s).proxy_authorization,
        None
    );
}

#[test]
fn the_shown_head_hides_only_what_we_added() {
    let added = b"GET http://o/ HTTP/1.1\r\nHost: o\r\nProxy-Authorization: Basic dTpw\r\n\r\n";
    assert_eq!(
        hide_added(added, CREDS),
        b"GET http://o/ HTTP/1.1\r\nHost: o\r\nProxy-Authorization: Basic <hidden>\r\n\r\n"
    );
    let typed = b"GET / HTTP/1.1\r\nProxy-Authorization: Basic dTpw\r\nX: 1\r\n\r\n";
    assert_eq!(hide_added(typed, CREDS), typed.to_vec());
    assert_eq!(hidden("Basic abc"), "Basic <hidden>");
    let p = proxy("http://u:p@proxy.test:3128");
    let s = spec("http://o.test/", &[]);
    let plan = plan(Route::Forward(&p), &s);
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    let hook: HeadHook = Box::new(move |head: &[u8]| sink.lock().unwrap().extend_from_slice(head));
    let mut hook = hiding_hook(Some(hook), &plan).unwrap();
    hook(b"GET http://o.test/ HTTP/1.1\r\nProxy-Authorization: Basic dTpw\r\n\r\n");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        b"GET http://o.test/ HTTP/1.1\r\nProxy-Authorization: Basic <hidden>\r\n\r\n"
    );
    // The size check counts the real credentials.
    assert_eq!(
        head_len(&s, &plan),
        "GET http://o.test/ HTTP/1.1\r\nHost: o.test\r\nProxy-Authorization: Basic dTpw\r\n\r\n"
            .len()
    );
}

#[test]
fn connect_requests_and_answers() {
    assert_eq!(
        connect_request("origin.test:443", Some(CREDS)),
        b"CONNECT origin.test:443 HTTP/1.1\r\nHost: origin.test:443\r\n\
          Proxy-Authorization: Basic dTpw\r\n\r\n"
    );
    assert_eq!(
        connect_request("[::1]:8443", None),
        b"CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n"
    );
    let uri = |s: &str| s.parse::<Uri>().unwrap();
    assert_eq!(
        connect_authority(&uri("https://o.test/x")).as_deref(),
        Some("o.test:443")
    );
    assert_eq!(
        connect_authority(&uri("https://[::1]:8443/")).as_deref(),
        Some("[::1]:8443")
    );
    let ok = |head: &[u8]| connect_answer(head, true, "o.test:443");
    assert_eq!(ok(b"HTTP/1.1 200 Connection established\r\n\r\n"), Ok(()));
    assert_eq!(ok(b"HTTP/1.0 204 \r\n\r\n"), Ok(()));
    assert_eq!(
        ok(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n"),
        Err(ProxyProblem::Auth { sent: true })
    );
    assert_eq!(
        connect_answer(b"HTTP/1.1 407 x\r\n\r\n", false, "o.test:443"),
        Err(ProxyProblem::Auth { sent: false })
    );
    assert_eq!(
        ok(b"HTTP/1.1 403 Forbidden\t!\r\n\r\n"),
        Err(ProxyProblem::Failed {
            detail: "it answered 403 Forbidden! to CONNECT o.test:443".into(),
            retryable: false
        })
    );
    // A terminal escape in the answer never reaches the message.
    assert!(matches!(
        ok(b"HTTP/1.1 403 Forbidden\x1b[31m\r\n\r\n"),
        Err(ProxyProblem::Failed { detail, .. }) if !detail.contains('\x1b')
    ));
    assert!(matches!(
        ok(b"HTTP/1.1 503 Busy\r\n\r\n"),
        Err(ProxyProblem::Failed {
            retryable: true,
            ..
        })
    ));
    assert!(matches!(
        ok(b"SSH-2.0-OpenSSH\r\n\r\n"),
        Err(ProxyProblem::Failed { .. })
    ));
    assert!(is_interim(b"HTTP/1.1 100 Continue\r\n\r\n"));
    assert!(!is_interim(b"HTTP/1.1 200 OK\r\n\r\n"));
}

#[test]
fn ureq_proxies_carry_the_credentials_for_socks_and_the_pool() {
    let p = ureq_proxy(&proxy("socks5h://us%40er:p%3Ass@gate.test:1080")).unwrap();
    assert_eq!(p.protocol(), ProxyProtocol::Socks5h);
    assert_eq!(p.username(), Some("us@er"));
    assert_eq!(p.password(), Some("p:ss"));
    assert!(!p.resolve_target(), "socks5h leaves names to the proxy");
    let local = ureq_proxy(&proxy("socks5://gate.test")).unwrap();
    assert!(local.resolve_target(), "socks5 resolves names here");
    let v6 = ureq_proxy(&proxy("http://[::1]:3128")).unwrap();
    assert_eq!((v6.host(), v6.port()), ("[::1]", 3128));
    // Different credentials make different proxies (pooled connections are never shared).
    let a = ureq_proxy(&proxy("http://a:1@p.test")).unwrap();
    let b = ureq_proxy(&proxy("http://b:1@p.test")).unwrap();
    assert_ne!(a, b);
    assert_eq!(a, ureq_proxy(&proxy("http://a:1@p.test")).unwrap());
}
