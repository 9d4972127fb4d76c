use super::super::{decide, HopState};
use super::*;
use crate::auth::netrc::Netrc;
use crate::exit::ExitStatus;
use crate::options::{Follow, Paging};
use crate::spec::{Body, Header, Part};
use crate::transport::redirect::BoundSecrets;

fn spec(method: &str, url: &str, headers: &[(&str, &str)], body: Body) -> RequestSpec {
    let url = Url::parse(url).unwrap();
    let mut hs = vec![Header::new("Host", &crate::url_input::host_header(&url))];
    hs.extend(headers.iter().map(|(n, v)| Header::new(n, v)));
    RequestSpec {
        method: method.into(),
        target: crate::url_input::target(&url),
        url,
        headers: hs,
        body,
        auth: None,
    }
}

fn get(url: &str) -> RequestSpec {
    spec("GET", url, &[], Body::default())
}

fn head(text: &str) -> ResponseHead {
    ResponseHead::parse(format!("{text}\r\n\r\n").as_bytes()).unwrap()
}

const PAGING: Option<Paging> = Some(Paging {
    max_pages: 100,
    slurp: false,
});

/// The decision on `response` to `sent`, in a run that began with `first`.
fn decide_with(
    first: &RequestSpec,
    paging: Option<Paging>,
    netrc: Option<&Netrc>,
    pages: &Pages,
    sent: &RequestSpec,
    response: &str,
) -> Result<Decision> {
    let secrets = BoundSecrets::of(first);
    let follow = Follow {
        enabled: true,
        max: 5,
    };
    let retry = crate::options::RetryPolicy::default();
    let policy = Policy::new(first, follow, &secrets, netrc, &retry).with_paging(paging);
    let chance = super::super::Chance {
        cnonce: "0a4f113b",
        now: std::time::SystemTime::now(),
        jitter: 0.5,
    };
    decide(
        &policy,
        HopState::default(),
        pages,
        sent,
        &head(response),
        chance,
    )
}

/// The decision on the first page of a run to `first`.
fn first_page(first: &RequestSpec, response: &str) -> Decision {
    let pages = Pages::starting_at(&first.url);
    decide_with(first, PAGING, None, &pages, first, response).unwrap()
}

fn next_of(d: Decision) -> RequestSpec {
    match d {
        Decision::NextPage(next) => next,
        other => panic!("expected a next page, got {other:?}"),
    }
}

#[test]
fn a_next_link_is_the_next_page_only_when_paginating() {
    let s = get("http://a.test/items");
    let page = "HTTP/1.1 200 OK\r\nLink: <http://a.test/items?page=2>; rel=\"next\"";
    let pages = Pages::starting_at(&s.url);
    let d = decide_with(&s, None, None, &pages, &s, page).unwrap();
    assert!(matches!(d, Decision::Done), "{d:?}");
    let next = next_of(first_page(&s, page));
    assert_eq!(next.url.as_str(), "http://a.test/items?page=2");
    assert_eq!(next.target, "/items?page=2");
    assert_eq!(next.method, "GET");
    assert_eq!(next.header("Host"), Some("a.test"));
    // No Link, or no rel="next" among them: the last page.
    assert!(matches!(first_page(&s, "HTTP/1.1 200 OK"), Decision::Done));
    assert!(matches!(
        first_page(
            &s,
            "HTTP/1.1 200 OK\r\nLink: </p1>; rel=\"prev\", </p9>; rel=last"
        ),
        Decision::Done
    ));
}

#[test]
fn relative_links_resolve_against_the_page_url() {
    let s = get("http://a.test/api/v1/items?page=1");
    for (link, want) in [
        ("?page=2", "http://a.test/api/v1/items?page=2"),
        ("items2", "http://a.test/api/v1/items2"),
        ("../v2/items", "http://a.test/api/v2/items"),
        ("/root?p=2#frag", "http://a.test/root?p=2"),
        ("//b.test/x", "http://b.test/x"),
        ("http://u:p@c.test/x", "http://c.test/x"),
    ] {
        let page = format!("HTTP/1.1 200 OK\r\nLink: <{link}>; rel=next");
        let next = next_of(first_page(&s, &page));
        assert_eq!(next.url.as_str(), want, "{link}");
    }
    // The page's URL is where it was fetched, after any redirect.
    let first = get("http://a.test/old");
    let landed = get("http://a.test/new/list");
    let pages = Pages::starting_at(&first.url);
    let d = decide_with(
        &first,
        PAGING,
        None,
        &pages,
        &landed,
        "HTTP/1.1 200 OK\r\nLink: <list?page=2>; rel=next",
    )
    .unwrap();
    assert_eq!(next_of(d).url.as_str(), "http://a.test/new/list?page=2");
}

#[test]
fn the_first_next_link_across_repeated_link_fields() {
    let s = get("http://a.test/");
    let page = "HTTP/1.1 200 OK\r\nLink: </first>; rel=first, </prev>; rel=prev\r\n\
                X-Other: 1\r\nLink: </two>; REL=\"last NEXT\"\r\nLink: </three>; rel=next";
    assert_eq!(next_of(first_page(&s, page)).url.path(), "/two");
}

#[test]
fn a_link_anchored_elsewhere_is_not_this_pages_next() {
    let s = get("http://a.test/items?page=1");
    let elsewhere = "HTTP/1.1 200 OK\r\nLink: </other?page=2>; rel=next; anchor=\"/other\"";
    assert!(matches!(first_page(&s, elsewhere), Decision::Done));
    let here = "HTTP/1.1 200 OK\r\nLink: </other?page=2>; rel=next; anchor=\"/other\", \
                </items?page=2>; rel=next; anchor=\"?page=1\"";
    assert_eq!(
        next_of(first_page(&s, here)).url.as_str(),
        "http://a.test/items?page=2"
    );
}

#[test]
fn an_error_status_or_an_unfollowed_redirect_is_the_last_page() {
    let s = get("http://a.test/items");
    for status in [
        "404 Not Found",
        "500 Internal Server Error",
        "304 Not Modified",
    ] {
        let page = format!("HTTP/1.1 {status}\r\nLink: </items?page=2>; rel=next");
        assert!(matches!(first_page(&s, &page), Decision::Done), "{status}");
    }
    // A redirect being followed wins over its own Link header.
    let moved = "HTTP/1.1 302 Found\r\nLocation: /moved\r\nLink: </items?page=2>; rel=next";
    assert!(matches!(first_page(&s, moved), Decision::Redirect(_)));
}

#[test]
fn a_link_loop_stops_with_a_warning() {
    let first = get("http://a.test/items?page=1");
    let mut pages = Pages::starting_at(&first.url);
    let page = |n: u32| format!("HTTP/1.1 200 OK\r\nLink: </items?page={n}>; rel=next");
    let d = decide_with(&first, PAGING, None, &pages, &first, &page(2)).unwrap();
    pages.after(&d);
    let two = next_of(d);
    assert_eq!(pages.done, 1);
    let d = decide_with(&first, PAGING, None, &pages, &two, &page(1)).unwrap();
    let Decision::LastPage(why) = d else {
        panic!("expected the last page, got {d:?}")
    };
    assert_eq!(
        why,
        "stopped paginating: the next page of http://a.test/items?page=2 is \
         http://a.test/items?page=1, which was already fetched (a link loop)"
    );
    // Back to a page reached by a next link.
    let d = decide_with(&first, PAGING, None, &pages, &two, &page(3)).unwrap();
    pages.after(&d);
    let three = next_of(d);
    let d = decide_with(&first, PAGING, None, &pages, &three, &page(2)).unwrap();
    assert!(matches!(d, Decision::LastPage(_)), "{d:?}");
    // A page linking to itself (a fragment aside) is a loop too, even on a fresh run.
    let d = decide_with(
        &two,
        PAGING,
        None,
        &Pages::default(),
        &two,
        "HTTP/1.1 200 OK\r\nLink: <?page=2#again>; rel=next",
    )
    .unwrap();
    assert!(matches!(d, Decision::LastPage(_)), "{d:?}");
    // A URL reached by a redirect was fetched as well.
    let mut pages = Pages::starting_at(&first.url);
    pages.after(&Decision::Redirect(get("http://a.test/canonical")));
    let d = decide_with(
        &first,
        PAGING,
        None,
        &pages,
        &two,
        "HTTP/1.1 200 OK\r\nLink: </canonical>; rel=next",
    )
    .unwrap();
    assert!(matches!(d, Decision::LastPage(_)), "{d:?}");
}

#[test]
fn max_pages_bounds_the_run() {
    let first = get("http://a.test/p/1");
    let paging = Some(Paging {
        max_pages: 3,
        slurp: false,
    });
    let mut pages = Pages::starting_at(&first.url);
    let mut sent = first.clone();
    for n in 2..=3 {
        let page = format!("HTTP/1.1 200 OK\r\nLink: </p/{n}>; rel=next");
        let d = decide_with(&first, paging, None, &pages, &sent, &page).unwrap();
        pages.after(&d);
        sent = next_of(d);
    }
    assert_eq!(pages.done, 2);
    let d = decide_with(
        &first,
        paging,
        None,
        &pages,
        &sent,
        "HTTP/1.1 200 OK\r\nLink: </p/4>; rel=next",
    )
    .unwrap();
    let Decision::LastPage(why) = d else {
        panic!("expected the last page, got {d:?}")
    };
    assert_eq!(
        why,
        "stopped paginating after 3 pages (--max-pages=3); the last one links to http://a.test/p/4"
    );
    // One page only.
    let one = Some(Paging {
        max_pages: 1,
        slurp: false,
    });
    let d = decide_with(
        &first,
        one,
        None,
        &Pages::starting_at(&first.url),
        &first,
        "HTTP/1.1 200 OK\r\nLink: </p/2>; rel=next",
    )
    .unwrap();
    assert!(matches!(d, Decision::LastPage(_)));
}

#[test]
fn a_next_page_is_a_get_without_the_body() {
    let body = Body {
        parts: vec![Part::Stdin {
            read_ahead: b"{\"q\": 1}".to_vec(),
            at_eof: false,
        }],
        chunked: true,
        ..Body::default()
    };
    let hs = [
        ("Content-Type", "application/json"),
        ("Transfer-Encoding", "chunked"),
        ("X-Api-Key", "k"),
    ];
    let post = spec("POST", "http://a.test/search", &hs, body);
    let page = "HTTP/1.1 201 Created\r\nLink: </search?page=2>; rel=next";
    let next = next_of(first_page(&post, page));
    assert_eq!(next.method, "GET");
    assert!(next.body.is_empty());
    assert_eq!(next.header("Content-Type"), None);
    assert_eq!(next.header("Transfer-Encoding"), None);
    assert_eq!(next.header("X-Api-Key"), Some("k"));
    let head = spec("HEAD", "http://a.test/h", &[], Body::default());
    let next = next_of(first_page(
        &head,
        "HTTP/1.1 200 OK\r\nLink: </h?page=2>; rel=next",
    ));
    assert_eq!(next.method, "GET");
}

#[test]
fn secrets_stay_with_their_origin_across_pages() {
    let secret = [
        ("Authorization", "Bearer t"),
        ("Cookie", "sid=1"),
        ("Proxy-Authorization", "Basic cHJveHk="),
        ("X-Api-Key", "k"),
    ];
    let first = spec("GET", "http://a.test/items", &secret, Body::default());
    let away = next_of(first_page(
        &first,
        "HTTP/1.1 200 OK\r\nLink: <http://b.test/items?page=2>; rel=next",
    ));
    for name in ["Authorization", "Cookie", "Proxy-Authorization"] {
        assert_eq!(away.header(name), None, "{name} went to another origin");
    }
    assert_eq!(away.header("X-Api-Key"), Some("k"));
    assert_eq!(away.header("Host"), Some("b.test"));
    // Same host, another port or scheme: another origin.
    for other in ["http://a.test:8080/p2", "https://a.test/p2"] {
        let page = format!("HTTP/1.1 200 OK\r\nLink: <{other}>; rel=next");
        assert_eq!(
            next_of(first_page(&first, &page)).header("Authorization"),
            None
        );
    }
    // Back home, the user's credentials return.
    let pages = Pages::starting_at(&first.url);
    let d = decide_with(
        &first,
        PAGING,
        None,
        &pages,
        &away,
        "HTTP/1.1 200 OK\r\nLink: <http://a.test/items?page=3>; rel=next",
    )
    .unwrap();
    assert_eq!(next_of(d).header("Authorization"), Some("Bearer t"));
    // Same origin: kept.
    let same = next_of(first_page(
        &first,
        "HTTP/1.1 200 OK\r\nLink: </items?page=2>; rel=next",
    ));
    assert_eq!(same.header("Authorization"), Some("Bearer t"));
}

#[test]
fn netrc_credentials_are_looked_up_for_the_next_pages_host() {
    let (netrc, _) = crate::auth::netrc::parse(b"machine b.test login bob password pw\n");
    let first = get("http://a.test/items");
    let pages = Pages::starting_at(&first.url);
    let d = decide_with(
        &first,
        PAGING,
        Some(&netrc),
        &pages,
        &first,
        "HTTP/1.1 200 OK\r\nLink: <http://b.test/items?page=2>; rel=next",
    )
    .unwrap();
    assert_eq!(
        next_of(d).header("Authorization"),
        Some(crate::auth::basic("bob", "pw").as_str())
    );
}

#[test]
fn hostile_links_are_refused_with_a_reason() {
    let s = get("http://a.test/items");
    for (link, reason) in [
        ("javascript:alert(1)", "unsupported scheme 'javascript'"),
        ("file:///etc/passwd", "unsupported scheme 'file'"),
        ("http://[::1", "cannot follow the next page link"),
        ("  ", "empty"),
    ] {
        let page = format!("HTTP/1.1 200 OK\r\nLink: <{link}>; rel=next");
        let pages = Pages::starting_at(&s.url);
        let err = decide_with(&s, PAGING, None, &pages, &s, &page).unwrap_err();
        assert!(err.to_string().contains(reason), "{link}: {err}");
        assert_eq!(crate::exit::status_of(&err), ExitStatus::Error);
    }
}

#[test]
fn a_new_page_counts_its_redirects_afresh() {
    let state = HopState {
        refreshed_token: false,
        redirects: 4,
        answered_challenge: true,
        retries: 3,
    };
    let after = state.after(&Decision::NextPage(get("http://a.test/2")));
    assert_eq!(after.redirects, 0);
    assert!(!after.answered_challenge);
    assert_eq!(after.retries, 0);
    let after = state.after(&Decision::LastPage("why".into()));
    assert_eq!(after.redirects, 4);
}
