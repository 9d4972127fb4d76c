//! From the URL as typed to what is sent: scheme defaults, `:3000` shorthands, query items,
//! userinfo credentials and the request target.
//!
//! Control characters are refused up front: the `url` crate would silently drop TAB/CR/LF
//! (WHATWG rules), and a user who typed them should hear about it rather than get another URL.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use url::Url;

/// Python's `urllib.parse.quote_plus` safe set: everything but `A-Za-z0-9_.-~` is escaped.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~');

/// Characters escaped in a `--path-as-is` path: what may not appear raw in a request target.
const RAW_PATH: &AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}');

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedUrl {
    /// Where to connect: no userinfo, no fragment, query included.
    pub url: Url,
    /// Path and query for the request line.
    pub target: String,
    /// `user:pass@` from the URL, percent-decoded.
    pub credentials: Option<(String, String)>,
    /// The default `Host` header value (port only when it is not the scheme's default).
    pub host: String,
}

/// Refuse CR, LF, NUL, TAB and other control characters in anything that goes on the wire.
pub fn check_no_controls(what: &str, text: &str) -> Result<(), String> {
    match text.chars().find(|c| c.is_control()) {
        Some(c) => Err(format!(
            "{what} {:?} contains the control character {c:?}; refusing to send it",
            redact(text)
        )),
        None => Ok(()),
    }
}

/// The URL text for a message: a password in `user:pass@` is replaced by `***`, so errors
/// never show it.
pub fn redact(text: &str) -> String {
    let (scheme, rest) = match text.split_once("://") {
        Some((s, r)) => (format!("{s}://"), r),
        None => (String::new(), text),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    // A password holding `/`, `?` or `#` ends the authority early, yet an `@` after it still
    // closes the userinfo: then hide everything from the first `:` to the last `@` (more than
    // the password, for a valid URL with `@` in its path, but never less).
    if let (Some(colon), Some(at)) = (rest.find(':'), rest.rfind('@')) {
        if at >= authority_end && colon < at {
            return format!("{scheme}{}:***{}", &rest[..colon], &rest[at..]);
        }
    }
    if let Some((userinfo, host)) = authority.rsplit_once('@') {
        let user = userinfo.split(':').next().unwrap_or("");
        let hidden = if userinfo.contains(':') { ":***" } else { "" };
        return format!("{scheme}{user}{hidden}@{host}{tail}");
    }
    text.to_string()
}

/// True when the text starts with `scheme://`.
fn has_scheme(text: &str) -> bool {
    let Some((scheme, _)) = text.split_once("://") else {
        return false;
    };
    let mut chars = scheme.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// Applies the default scheme and the localhost shorthands (`:3000/x`, `:/x`, `:`).
pub fn complete_url(typed: &str, default_scheme: &str) -> String {
    let typed = typed.strip_prefix("://").unwrap_or(typed);
    if has_scheme(typed) {
        return typed.to_string();
    }
    if let Some(rest) = typed.strip_prefix(':') {
        if !rest.starts_with(':') {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let (port, path) = rest.split_at(digits);
            let port = if port.is_empty() {
                String::new()
            } else {
                format!(":{port}")
            };
            return format!("{default_scheme}://localhost{port}{path}");
        }
    }
    format!("{default_scheme}://{typed}")
}

/// `name=value&...` with HTTPie's (Python's `urlencode`) encoding: space as `+`.
pub fn encode_pairs(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode_component(text: &str) -> String {
    utf8_percent_encode(text, QUERY_VALUE)
        .to_string()
        .replace("%20", "+")
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// The path exactly as typed (for `--path-as-is`): between the authority and `?`/`#`.
fn raw_path(full: &str) -> String {
    let after_scheme = full.split_once("://").map(|(_, r)| r).unwrap_or(full);
    let start = after_scheme
        .find(['/', '?', '#'])
        .unwrap_or(after_scheme.len());
    let rest = &after_scheme[start..];
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let path = &rest[..end];
    let path = if path.is_empty() { "/" } else { path };
    utf8_percent_encode(path, RAW_PATH).to_string()
}

/// The request target for a URL: its path, and its query when there is one.
pub fn target(url: &Url) -> String {
    with_query(url.path().to_string(), url)
}

fn with_query(path: String, url: &Url) -> String {
    match url.query() {
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path,
    }
}

/// The `Host` header value for a URL: the port only when it is not the scheme's default.
/// Also how a host is named in messages and progress lines.
pub fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

/// Splits `host:port` into the host and the port, when there is one: `example.org:8080`,
/// `[::1]:8080` (the host keeps its brackets), `example.org`, and a bare IPv6 address `::1`
/// (no port: its colons belong to the address). The one place that takes an authority apart.
pub fn split_host_port(authority: &str) -> (&str, Option<&str>) {
    if authority.starts_with('[') {
        return match authority.find(']') {
            Some(end) => {
                let port = authority[end + 1..].strip_prefix(':');
                (&authority[..=end], port)
            }
            None => (authority, None),
        };
    }
    match authority.split_once(':') {
        Some((host, port)) if !port.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            (host, Some(port))
        }
        _ => (authority, None),
    }
}

pub fn parse_url(
    typed: &str,
    default_scheme: &str,
    path_as_is: bool,
    params: &[(String, String)],
) -> Result<ParsedUrl, String> {
    check_no_controls("URL", typed)?;
    let full = complete_url(typed, default_scheme);
    let shown = redact(&full);
    let mut url = Url::parse(&full).map_err(|e| match e {
        url::ParseError::EmptyHost => format!("Invalid URL '{shown}': No host supplied"),
        other => format!("Invalid URL '{shown}': {other}"),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "Unsupported URL scheme '{}' in '{shown}' (only http and https are supported)",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("Invalid URL '{shown}': No host supplied"));
    }
    let credentials = (!url.username().is_empty() || url.password().is_some())
        .then(|| (decode(url.username()), decode(url.password().unwrap_or(""))));
    // Setting these cannot fail on an http(s) URL with a host.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_fragment(None);

    if !params.is_empty() {
        let extra = encode_pairs(params);
        let query = match url.query() {
            Some(q) if !q.is_empty() => format!("{q}&{extra}"),
            _ => extra,
        };
        url.set_query(Some(&query));
    }

    let target = if path_as_is {
        with_query(raw_path(&full), &url)
    } else {
        target(&url)
    };
    let host = host_header(&url);
    Ok(ParsedUrl {
        url,
        target,
        credentials,
        host,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden_however_the_url_is_malformed() {
        for (url, shown) in [
            ("http://user:secret@host/x", "http://user:***@host/x"),
            ("http://user:p#ss@host/", "http://user:***@host/"),
            ("http://user:p/ss@host/", "http://user:***@host/"),
            ("http://user:p?ss@host/", "http://user:***@host/"),
            ("user:p@s/s#x@host", "user:***@host"),
            ("http://host/path", "http://host/path"),
            ("http://user@host/", "http://user@host/"),
        ] {
            assert_eq!(redact(url), shown, "{url}");
        }
    }

    #[test]
    fn host_and_port_apart() {
        assert_eq!(
            split_host_port("example.org:8080"),
            ("example.org", Some("8080"))
        );
        assert_eq!(split_host_port("[::1]:8080"), ("[::1]", Some("8080")));
        assert_eq!(split_host_port("[::1]"), ("[::1]", None));
        assert_eq!(split_host_port("example.org"), ("example.org", None));
        assert_eq!(split_host_port("::1"), ("::1", None));
        assert_eq!(split_host_port("h:"), ("h", Some("")));
        assert_eq!(split_host_port("h:x"), ("h:x", None));
    }

    fn p(typed: &str) -> ParsedUrl {
        parse_url(typed, "http", false, &[]).unwrap()
    }

    #[test]
    fn shorthands_and_default_scheme() {
        assert_eq!(
            complete_url(":3000/bar", "http"),
            "http://localhost:3000/bar"
        );
        assert_eq!(complete_url(":/foo", "http"), "http://localhost/foo");
        assert_eq!(complete_url(":", "http"), "http://localhost");
        assert_eq!(complete_url("://pie.dev", "http"), "http://pie.dev");
        assert_eq!(complete_url("example.org", "https"), "https://example.org");
        assert_eq!(complete_url("HTTPS://x", "http"), "HTTPS://x");
        assert_eq!(complete_url("::1", "http"), "http://::1");
        assert_eq!(p(":").target, "/");
        assert_eq!(p(":3000/bar").host, "localhost:3000");
        assert_eq!(p("localhost:8080/x").host, "localhost:8080");
    }

    #[test]
    fn ipv6_idn_and_default_ports() {
        assert_eq!(p("[::1]:8080/x").host, "[::1]:8080");
        assert_eq!(p("http://münchen.example/").host, "xn--mnchen-3ya.example");
        assert_eq!(p("http://example.org:80/").host, "example.org");
        assert_eq!(p("https://example.org:8443/x?y=1").host, "example.org:8443");
    }

    #[test]
    fn params_are_appended_with_python_encoding() {
        let params = vec![
            ("a".to_string(), "3".to_string()),
            ("b".to_string(), String::new()),
            ("q2".to_string(), "a b&c/é~*".to_string()),
        ];
        let u = parse_url("example.org/get?a=1&a=2", "http", false, &params).unwrap();
        assert_eq!(u.target, "/get?a=1&a=2&a=3&b=&q2=a+b%26c%2F%C3%A9~%2A");
        let u = parse_url("example.org/?", "http", false, &params[..1]).unwrap();
        assert_eq!(u.target, "/?a=3");
    }

    #[test]
    fn dot_segments_unless_path_as_is() {
        assert_eq!(
            p("example.org/./../../etc/password").target,
            "/etc/password"
        );
        let params = vec![("param".to_string(), "value".to_string())];
        let u = parse_url("example.org/./../../etc/password", "http", true, &params).unwrap();
        assert_eq!(u.target, "/./../../etc/password?param=value");
        let u = parse_url("example.org", "http", true, &[]).unwrap();
        assert_eq!(u.target, "/");
    }

    #[test]
    fn credentials_are_decoded_and_removed() {
        let u = p("http://us%40er:p%3Ass@example.org/x");
        assert_eq!(u.credentials, Some(("us@er".into(), "p:ss".into())));
        assert_eq!(u.url.as_str(), "http://example.org/x");
        assert_eq!(u.host, "example.org");
        assert_eq!(
            p("user@example.org").credentials,
            Some(("user".into(), "".into()))
        );
        assert_eq!(p("example.org/#frag").url.as_str(), "http://example.org/");
    }

    #[test]
    fn messages_never_show_a_password() {
        assert_eq!(redact("http://u:hunter2@h:1/p?x"), "http://u:***@h:1/p?x");
        assert_eq!(redact("http://u@h/"), "http://u@h/");
        assert_eq!(redact("h/a@b"), "h/a@b");
        for bad in [
            "http://u:hunter2@h:99999/",
            "ftp://u:hunter2@h/",
            "http://u:hunter2@h/\r",
        ] {
            let bad = bad.replace("\\r", "\r");
            let err = parse_url(&bad, "http", false, &[]).unwrap_err();
            assert!(!err.contains("hunter2"), "{err}");
        }
    }

    #[test]
    fn refusals() {
        for bad in ["http://a\r\nb/", "example.org/\tx", "exa\0mple.org"] {
            assert!(parse_url(bad, "http", false, &[])
                .unwrap_err()
                .contains("control"));
        }
        assert!(parse_url("http://", "http", false, &[])
            .unwrap_err()
            .contains("No host supplied"));
        assert!(parse_url("ftp://x/", "http", false, &[])
            .unwrap_err()
            .contains("Unsupported URL scheme 'ftp'"));
    }
}
