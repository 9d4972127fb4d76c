//! Following redirects without leaking secrets: pure decisions, unit-tested.
//!
//! Clients have shipped CVEs for sending Authorization, Cookie or Proxy-Authorization to hosts
//! never meant to see them (curl CVE-2018-1000007 and CVE-2022-27776, requests
//! CVE-2018-18074 and CVE-2023-32681). The rule here: those headers belong to an
//! origin (scheme, host, port). Every hop drops them; the user's own credentials and typed
//! cookies are put back only when the hop returns to the origin they were given for. An
//! https→http move on the same host is another origin too. Other custom headers are kept,
//! as HTTPie and curl keep them.

use url::Url;

use crate::spec::{is_secret_header, Header, Part, RequestSpec};
use crate::url_input::host_header;

/// Scheme, host and port: what a secret is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl Origin {
    pub fn of(url: &Url) -> Origin {
        Origin {
            scheme: url.scheme().to_ascii_lowercase(),
            host: url.host_str().unwrap_or("").to_ascii_lowercase(),
            port: url.port_or_known_default().unwrap_or(0),
        }
    }
}

/// Headers that describe a body, dropped when the redirect drops the body.
fn describes_body(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("content-") || lower == "transfer-encoding"
}

pub fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// The next URL from a `Location` header value: relative and protocol-relative ones resolve
/// against the current URL; anything odd is refused with a reason.
pub fn location_target(current: &Url, location: &[u8]) -> Result<Url, String> {
    let text = std::str::from_utf8(location)
        .map_err(|_| "the redirect Location is not valid UTF-8".to_string())?;
    if text.chars().any(|c| c.is_control()) {
        return Err("the redirect Location contains control characters".into());
    }
    let text = text.trim();
    if text.is_empty() {
        return Err("the redirect Location is empty".into());
    }
    let mut next = current
        .join(text)
        .map_err(|e| format!("cannot follow the redirect to {text:?}: {e}"))?;
    if !matches!(next.scheme(), "http" | "https") {
        return Err(format!(
            "refusing to follow a redirect to the unsupported scheme '{}' ({text:?})",
            next.scheme()
        ));
    }
    if next.host_str().is_none_or(str::is_empty) {
        return Err(format!("cannot follow the redirect to {text:?}: no host"));
    }
    // Userinfo in a Location would be credentials chosen by the server: never used.
    let _ = next.set_username("");
    let _ = next.set_password(None);
    next.set_fragment(None);
    Ok(next)
}

/// Why a body cannot be sent again (307/308, an auth challenge, a retry).
pub fn replay_problem(spec: &RequestSpec) -> Option<&'static str> {
    spec.body.parts.iter().find_map(|p| match p {
        Part::Stdin { at_eof: false, .. } => Some(
            "the request body was streamed from stdin and cannot be sent again; \
             save it to a file and send it with @file",
        ),
        _ => None,
    })
}

/// Secrets that may be re-applied on the origin they were given for.
#[derive(Debug, Clone, Default)]
pub struct BoundSecrets {
    /// Where the user sent the first request.
    pub origin: Option<Origin>,
    /// The user's `Authorization` (from -a, the URL, or a header item).
    pub authorization: Option<String>,
    /// The user's typed `Cookie` header values.
    pub cookies: Vec<String>,
    /// The user's `Proxy-Authorization` item.
    pub proxy_authorization: Option<String>,
    /// A `Host:` the user typed (it names the first server, not others).
    pub host: Option<String>,
}

impl BoundSecrets {
    /// Whether `url` is on the origin the secrets were given for (where they may go).
    pub fn is_home(&self, url: &Url) -> bool {
        self.origin.as_ref() == Some(&Origin::of(url))
    }

    /// Takes note of the secrets in the first request.
    pub fn of(spec: &RequestSpec) -> BoundSecrets {
        let default_host = host_header(&spec.url);
        let all = |name: &str| -> Vec<String> {
            spec.headers
                .iter()
                .filter(|h| h.name.eq_ignore_ascii_case(name))
                .map(|h| h.value.clone())
                .collect()
        };
        BoundSecrets {
            origin: Some(Origin::of(&spec.url)),
            authorization: all("Authorization").into_iter().next(),
            cookies: all("Cookie"),
            proxy_authorization: all("Proxy-Authorization").into_iter().next(),
            host: all("Host")
                .into_iter()
                .next()
                .filter(|h| !h.eq_ignore_ascii_case(&default_host)),
        }
    }
}

/// The same request again (answering an auth challenge): its body must be replayable.
pub fn resend(prev: &RequestSpec) -> Result<RequestSpec, String> {
    match replay_problem(prev) {
        Some(problem) => Err(format!(
            "Cannot answer the authentication challenge: {problem}"
        )),
        None => Ok(prev.clone()),
    }
}

/// The request that follows `prev` after a `status` redirect to `next`.
pub fn follow(
    prev: &RequestSpec,
    status: u16,
    next: Url,
    secrets: &BoundSecrets,
) -> Result<RequestSpec, String> {
    let mut spec = prev.clone();
    let keep_body = matches!(status, 307 | 308);
    if keep_body {
        if let Some(problem) = replay_problem(prev) {
            return Err(format!("Cannot follow the {status} redirect: {problem}"));
        }
    } else {
        if spec.method != "HEAD" {
            spec.method = "GET".to_string();
        }
        spec.body = Default::default();
        spec.headers.retain(|h| !describes_body(&h.name));
    }

    let home = secrets.is_home(&next);
    spec.headers
        .retain(|h| !is_secret_header(&h.name) && !h.name.eq_ignore_ascii_case("Host"));
    let host = match (&secrets.host, home) {
        (Some(typed), true) => typed.clone(),
        _ => host_header(&next),
    };
    spec.headers.insert(0, Header::new("Host", &host));
    if home {
        if let Some(auth) = &secrets.authorization {
            spec.headers.push(Header::new("Authorization", auth));
        }
        if let Some(auth) = &secrets.proxy_authorization {
            spec.headers.push(Header::new("Proxy-Authorization", auth));
        }
    }
    spec.target = crate::url_input::target(&next);
    spec.url = next;
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Body;

    fn spec(url: &str, method: &str, headers: &[(&str, &str)], body: Body) -> RequestSpec {
        let url = Url::parse(url).unwrap();
        let mut hs = vec![Header::new("Host", &host_header(&url))];
        hs.extend(headers.iter().map(|(n, v)| Header::new(n, v)));
        RequestSpec {
            method: method.into(),
            target: url.path().into(),
            url,
            headers: hs,
            body,
            auth: None,
        }
    }

    fn names(s: &RequestSpec) -> Vec<String> {
        s.headers
            .iter()
            .map(|h| format!("{}: {}", h.name, h.value))
            .collect()
    }

    fn secret_headers() -> Vec<(&'static str, &'static str)> {
        vec![
            ("Authorization", "Basic dTpw"),
            ("Cookie", "sid=1"),
            ("Proxy-Authorization", "Basic cHJveHk="),
            ("X-Api-Key", "k"),
        ]
    }

    #[test]
    fn relative_protocol_relative_and_hostile_locations() {
        let cur = Url::parse("https://a.test/dir/page?x=1").unwrap();
        let t = |l: &str| location_target(&cur, l.as_bytes());
        assert_eq!(t("next").unwrap().as_str(), "https://a.test/dir/next");
        assert_eq!(t("/root").unwrap().as_str(), "https://a.test/root");
        assert_eq!(t("//b.test/x").unwrap().as_str(), "https://b.test/x");
        assert_eq!(
            t("http://u:p@c.test/#f").unwrap().as_str(),
            "http://c.test/"
        );
        assert!(t("").unwrap_err().contains("empty"));
        assert!(t("/a\r\nX-Evil: 1").unwrap_err().contains("control"));
        assert!(t("file:///etc/passwd")
            .unwrap_err()
            .contains("unsupported scheme 'file'"));
        assert!(t("javascript:alert(1)")
            .unwrap_err()
            .contains("unsupported scheme"));
        assert!(t("data:text/plain,hi")
            .unwrap_err()
            .contains("unsupported scheme"));
        assert!(location_target(&cur, b"/\xff")
            .unwrap_err()
            .contains("UTF-8"));
        assert!(t("http://[::1").is_err());
    }

    #[test]
    fn cross_host_port_and_scheme_drop_secrets_but_keep_custom_headers() {
        for (from, to) in [
            ("http://a.test/", "http://b.test/"),
            ("http://a.test:8080/", "http://a.test:8081/"),
            ("https://a.test/", "http://a.test/"),
            ("https://a.test:8443/", "http://a.test:8443/"),
        ] {
            let first = spec(from, "GET", &secret_headers(), Body::default());
            let secrets = BoundSecrets::of(&first);
            let next = follow(&first, 302, Url::parse(to).unwrap(), &secrets).unwrap();
            let hs = names(&next);
            for secret in ["Authorization", "Cookie", "Proxy-Authorization"] {
                assert!(
                    !hs.iter().any(|h| h.starts_with(secret)),
                    "{from} -> {to}: {hs:?}"
                );
            }
            assert!(hs.contains(&"X-Api-Key: k".to_string()));
            assert_eq!(
                hs[0],
                format!("Host: {}", host_header(&Url::parse(to).unwrap()))
            );
        }
    }

    #[test]
    fn same_origin_keeps_credentials_and_returning_home_restores_them() {
        let first = spec("http://a.test/x", "GET", &secret_headers(), Body::default());
        let secrets = BoundSecrets::of(&first);
        let same = follow(
            &first,
            302,
            Url::parse("http://a.test/y").unwrap(),
            &secrets,
        )
        .unwrap();
        assert!(names(&same).contains(&"Authorization: Basic dTpw".to_string()));
        let away = follow(&same, 302, Url::parse("http://b.test/").unwrap(), &secrets).unwrap();
        assert!(!names(&away).iter().any(|h| h.starts_with("Authorization")));
        let back = follow(&away, 302, Url::parse("http://a.test/z").unwrap(), &secrets).unwrap();
        assert!(names(&back).contains(&"Authorization: Basic dTpw".to_string()));
    }

    #[test]
    fn typed_host_only_goes_to_its_own_origin() {
        let first = spec("http://10.0.0.1/", "GET", &[], Body::default());
        let mut first = first;
        first.headers[0] = Header::new("Host", "vhost.test");
        let secrets = BoundSecrets::of(&first);
        let same = follow(
            &first,
            302,
            Url::parse("http://10.0.0.1/b").unwrap(),
            &secrets,
        )
        .unwrap();
        assert_eq!(same.header("Host"), Some("vhost.test"));
        let other = follow(
            &first,
            302,
            Url::parse("http://evil.test/").unwrap(),
            &secrets,
        )
        .unwrap();
        assert_eq!(other.header("Host"), Some("evil.test"));
    }

    #[test]
    fn methods_and_bodies() {
        let body = Body {
            parts: vec![Part::Bytes(b"{}".to_vec())],
            ..Body::default()
        };
        let hs = [
            ("Content-Type", "application/json"),
            ("Content-Length", "2"),
        ];
        let post = spec("http://a.test/", "POST", &hs, body.clone());
        let secrets = BoundSecrets::of(&post);
        let to = || Url::parse("http://a.test/next?q=1").unwrap();
        for status in [301, 302, 303] {
            let next = follow(&post, status, to(), &secrets).unwrap();
            assert_eq!(next.method, "GET");
            assert!(next.body.is_empty());
            assert!(
                next.header("Content-Type").is_none() && next.header("Content-Length").is_none()
            );
            assert_eq!(next.target, "/next?q=1");
        }
        for status in [307, 308] {
            let next = follow(&post, status, to(), &secrets).unwrap();
            assert_eq!(next.method, "POST");
            assert_eq!(next.body.as_bytes().unwrap(), b"{}");
            assert_eq!(next.header("Content-Length"), Some("2"));
        }
        let head = spec("http://a.test/", "HEAD", &[], Body::default());
        assert_eq!(follow(&head, 303, to(), &secrets).unwrap().method, "HEAD");
    }

    #[test]
    fn streamed_stdin_cannot_be_replayed() {
        let body = Body {
            parts: vec![Part::Stdin {
                read_ahead: vec![b'x'; 10],
                at_eof: false,
            }],
            chunked: true,
            ..Body::default()
        };
        let post = spec("http://a.test/", "POST", &[], body);
        let secrets = BoundSecrets::of(&post);
        let err = follow(&post, 307, Url::parse("http://a.test/b").unwrap(), &secrets).unwrap_err();
        assert!(err.contains("streamed from stdin"), "{err}");
        // A 303 drops the body, so that is fine.
        assert!(follow(&post, 303, Url::parse("http://a.test/b").unwrap(), &secrets).is_ok());
    }
}
