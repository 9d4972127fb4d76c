use super::*;
use crate::options::retry::policy;
use crate::spec::{Body, Header, Part};

fn spec(method: &str, body: Body) -> RequestSpec {
    let url = url::Url::parse("http://a.test/x").unwrap();
    RequestSpec {
        method: method.into(),
        target: "/x".into(),
        headers: vec![Header::new("Host", "a.test")],
        url,
        body,
        auth: None,
    }
}

fn head(text: &str) -> ResponseHead {
    ResponseHead::parse(format!("{text}\r\n\r\n").as_bytes()).unwrap()
}

fn retrying(max: u32) -> RetryPolicy {
    policy(Some(max), None, None, None, false).unwrap()
}

const NOW: u64 = 1_800_000_000;

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW)
}

#[test]
fn backoff_doubles_with_full_jitter_and_a_cap() {
    let p = retrying(10);
    assert_eq!(backoff(&p, 0, 1.0), Duration::from_millis(500));
    assert_eq!(backoff(&p, 1, 1.0), Duration::from_secs(1));
    assert_eq!(backoff(&p, 3, 1.0), Duration::from_secs(4));
    assert_eq!(backoff(&p, 3, 0.5), Duration::from_secs(2));
    assert_eq!(backoff(&p, 0, 0.0), Duration::ZERO);
    // Capped by --retry-max-delay (30 s), however many attempts.
    assert_eq!(backoff(&p, 20, 1.0), Duration::from_secs(30));
    assert_eq!(backoff(&p, u32::MAX, 1.0), Duration::from_secs(30));
    for _ in 0..100 {
        let j = jitter();
        assert!((0.0..1.0).contains(&j));
    }
}

#[test]
fn only_idempotent_methods_and_replayable_bodies() {
    let p = retrying(3);
    assert!(never_retried(&p, &spec("GET", Body::default())).is_none());
    assert!(never_retried(&p, &spec("put", Body::default())).is_none());
    let post = never_retried(&p, &spec("POST", Body::default())).unwrap();
    assert!(post.contains("--retry-all-methods"), "{post}");
    let all = policy(Some(3), None, None, None, true).unwrap();
    assert!(never_retried(&all, &spec("POST", Body::default())).is_none());
    let streamed = Body {
        parts: vec![Part::Stdin {
            read_ahead: vec![1],
            at_eof: false,
        }],
        ..Body::default()
    };
    let why = never_retried(&all, &spec("PUT", streamed)).unwrap();
    assert!(why.contains("stdin"), "{why}");
}

#[test]
fn server_waits_from_each_header() {
    let wait = |h: &str| server_wait(&head(h), now());
    assert_eq!(
        wait("HTTP/1.1 503 Busy\r\nRetry-After: 7"),
        Some((Duration::from_secs(7), "Retry-After"))
    );
    let date = httpdate::fmt_http_date(now() + Duration::from_secs(90));
    assert_eq!(
        wait(&format!("HTTP/1.1 429 Slow\r\nRetry-After: {date}")),
        Some((Duration::from_secs(90), "Retry-After"))
    );
    // A date in the past: retry at once.
    let past = httpdate::fmt_http_date(now() - Duration::from_secs(90));
    assert_eq!(
        wait(&format!("HTTP/1.1 429 Slow\r\nRetry-After: {past}")),
        Some((Duration::ZERO, "Retry-After"))
    );
    assert_eq!(
        wait(&format!(
            "HTTP/1.1 429 Slow\r\nX-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: {}",
            NOW + 12
        )),
        Some((Duration::from_secs(12), "X-RateLimit-Reset"))
    );
    assert_eq!(
        wait("HTTP/1.1 429 Slow\r\nRateLimit-Remaining: 0\r\nRateLimit-Reset: 3"),
        Some((Duration::from_secs(3), "RateLimit-Reset"))
    );
    // Resets only count when nothing is left; garbage is no demand.
    assert_eq!(
        wait("HTTP/1.1 429 Slow\r\nX-RateLimit-Remaining: 5\r\nX-RateLimit-Reset: 1900000000"),
        None
    );
    assert_eq!(wait("HTTP/1.1 503 Busy\r\nRetry-After: soon"), None);
    assert_eq!(wait("HTTP/1.1 503 Busy\r\nRetry-After: -3"), None);
}

#[test]
fn responses_are_retried_as_the_policy_says() {
    let p = retrying(2);
    let get = spec("GET", Body::default());
    let after = |done, h: &str| after_response(&p, done, &get, &head(h), now(), 1.0);
    assert_eq!(
        after(0, "HTTP/1.1 503 Busy"),
        Some(AfterResponse::Wait(Duration::from_millis(500)))
    );
    assert_eq!(
        after(1, "HTTP/1.1 502 Bad"),
        Some(AfterResponse::Wait(Duration::from_secs(1)))
    );
    assert_eq!(after(2, "HTTP/1.1 503 Busy"), None, "retries used up");
    assert_eq!(after(0, "HTTP/1.1 404 Missing"), None);
    assert_eq!(after(0, "HTTP/1.1 200 OK"), None);
    assert_eq!(
        after(0, "HTTP/1.1 429 Slow\r\nRetry-After: 2"),
        Some(AfterResponse::Wait(Duration::from_secs(2)))
    );
    assert_eq!(
        after(0, "HTTP/1.1 503 Busy\r\nRetry-After: 3600"),
        Some(AfterResponse::TooLong {
            asked: Duration::from_secs(3600),
            header: "Retry-After"
        })
    );
    // Retry-After on a 500 is not a rate limit: the backoff applies.
    assert_eq!(
        after(0, "HTTP/1.1 500 Oops\r\nRetry-After: 3600"),
        Some(AfterResponse::Wait(Duration::from_millis(500)))
    );
    let post = spec("POST", Body::default());
    assert!(matches!(
        after_response(&p, 0, &post, &head("HTTP/1.1 503 Busy"), now(), 1.0),
        Some(AfterResponse::Refused(why)) if why.contains("POST")
    ));
}

#[test]
fn errors_are_retried_when_the_network_failed() {
    let p = retrying(1);
    let get = spec("GET", Body::default());
    let reset = TransportError::Reset {
        authority: "a.test:80".into(),
        phase: crate::transport::errors::Phase::Head,
    };
    assert_eq!(
        after_error(&p, 0, &get, &reset, 1.0),
        Some(AfterError::Wait(Duration::from_millis(500)))
    );
    assert_eq!(after_error(&p, 1, &get, &reset, 1.0), None);
    let tls = TransportError::Tls {
        authority: "a.test:443".into(),
        reason: "bad".into(),
    };
    assert_eq!(after_error(&p, 0, &get, &tls, 1.0), None);
}

#[test]
fn waits_read_as_typed() {
    assert_eq!(shown(Duration::from_millis(1234)), "1.23s");
    assert_eq!(shown(Duration::from_secs(45)), "45s");
    assert_eq!(shown(Duration::ZERO), "0s");
}
