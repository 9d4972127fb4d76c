//! Message heads as they look on the wire: rendering a request head from a spec (what
//! `--offline` prints) and parsing a recorded response head (case, order, repeats and the
//! reason phrase intact).

use anyhow::{anyhow, Result};

use crate::spec::RequestSpec;

/// A `tchar` of RFC 9110 §5.6.2: the bytes a token (a method, a header name, an auth scheme or
/// parameter name) is made of.
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The request head exactly as the transport writes it: request line, headers in order,
/// blank line, CRLF endings. (What is sent goes through [`render_request_head_as`].)
#[cfg(test)]
pub fn render_request_head(spec: &RequestSpec) -> Vec<u8> {
    render_request_head_as(spec, None, &[])
}

/// The request head as it leaves for its first hop: with `absolute` (`scheme://authority`)
/// the request line is in absolute-form, as an HTTP proxy receives it, and `extra` headers
/// (a proxy's `Proxy-Authorization`) come last.
pub fn render_request_head_as(
    spec: &RequestSpec,
    absolute: Option<&str>,
    extra: &[(&str, &str)],
) -> Vec<u8> {
    let target = request_target(&spec.target, absolute);
    let mut out = format!("{} {target} HTTP/1.1\r\n", spec.method);
    let headers = spec
        .headers
        .iter()
        .map(|h| (h.name.as_str(), h.value.as_str()));
    for (name, value) in headers.chain(extra.iter().copied()) {
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// The request-target of a request line: origin-form (`/path?query`), or absolute-form
/// (`http://host:port/path?query`) when the request goes to an HTTP proxy (RFC 9112 §3.2.2),
/// where `OPTIONS *` becomes the bare `scheme://authority` (RFC 9112 §3.2.4). A target that
/// is already absolute is kept.
pub fn request_target(target: &str, absolute: Option<&str>) -> String {
    match absolute {
        Some(origin) if target == "*" => origin.to_string(),
        Some(origin) if target.starts_with('/') => format!("{origin}{target}"),
        _ => target.to_string(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHead {
    /// The head as received, blank line included.
    pub raw: Vec<u8>,
    /// `HTTP/1.0` or `HTTP/1.1`.
    pub version: String,
    pub status: u16,
    /// As the server sent it, possibly empty.
    pub reason: String,
    /// Names as sent; values as bytes (servers may send anything).
    pub headers: Vec<(String, Vec<u8>)>,
}

/// httparse gives no reason when it is not UTF-8 (obs-text); the status line has it anyway.
fn reason_of(raw: &[u8], parsed: &str) -> String {
    if !parsed.is_empty() {
        return parsed.to_string();
    }
    let line = raw.split(|b| *b == b'\n').next().unwrap_or(b"");
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let reason = line.splitn(3, |b| *b == b' ').nth(2).unwrap_or(b"");
    String::from_utf8_lossy(reason).into_owned()
}

impl ResponseHead {
    pub fn parse(raw: &[u8]) -> Result<ResponseHead> {
        let mut storage = vec![httparse::EMPTY_HEADER; 256];
        let mut resp = httparse::Response::new(&mut storage);
        let parsed = httparse::ParserConfig::default()
            .allow_spaces_after_header_name_in_responses(true)
            .allow_obsolete_multiline_headers_in_responses(true)
            .parse_response(&mut resp, raw)
            .map_err(|e| anyhow!("malformed response head: {e}"))?;
        if parsed.is_partial() {
            return Err(anyhow!("incomplete response head"));
        }
        Ok(ResponseHead {
            raw: raw.to_vec(),
            version: format!("HTTP/1.{}", resp.version.unwrap_or(1)),
            status: resp.code.unwrap_or(0),
            reason: reason_of(raw, resp.reason.unwrap_or("")),
            headers: resp
                .headers
                .iter()
                .map(|h| (h.name.to_string(), h.value.to_vec()))
                .collect(),
        })
    }

    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    #[cfg(test)]
    pub fn status_line(&self) -> String {
        format!("{} {} {}", self.version, self.status, self.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_case_order_repeats_and_reason() {
        let raw = b"HTTP/1.1 299 Totally Custom Reason\r\nX-Mixed-CASE: 1\r\nSet-Cookie: a\r\n\
                    x-other: 2\r\nset-cookie: b\r\n\r\n";
        let head = ResponseHead::parse(raw).unwrap();
        assert_eq!(head.status_line(), "HTTP/1.1 299 Totally Custom Reason");
        let names: Vec<_> = head.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["X-Mixed-CASE", "Set-Cookie", "x-other", "set-cookie"]
        );
        assert_eq!(head.header("SET-COOKIE"), Some(&b"a"[..]));
    }

    #[test]
    fn http10_and_missing_reason() {
        let head = ResponseHead::parse(b"HTTP/1.0 204\r\n\r\n").unwrap();
        assert_eq!(head.version, "HTTP/1.0");
        assert_eq!(head.reason, "");
    }

    #[test]
    fn request_targets_for_an_origin_and_for_a_proxy() {
        assert_eq!(request_target("/a?b=1", None), "/a?b=1");
        let via = Some("http://example.test:8080");
        assert_eq!(
            request_target("/a?b=1", via),
            "http://example.test:8080/a?b=1"
        );
        assert_eq!(request_target("*", via), "http://example.test:8080");
        assert_eq!(request_target("http://x.test/", via), "http://x.test/");
    }

    #[test]
    fn a_head_for_a_proxy_has_the_absolute_form_and_extra_headers_last() {
        let spec = RequestSpec {
            method: "GET".into(),
            url: url::Url::parse("http://example.test/x").unwrap(),
            target: "/x".into(),
            headers: vec![crate::spec::Header::new("Host", "example.test")],
            body: Default::default(),
            auth: None,
        };
        assert_eq!(
            render_request_head(&spec),
            b"GET /x HTTP/1.1\r\nHost: example.test\r\n\r\n"
        );
        let head = render_request_head_as(
            &spec,
            Some("http://example.test"),
            &[("Proxy-Authorization", "Basic <hidden>")],
        );
        assert_eq!(
            String::from_utf8(head).unwrap(),
            "GET http://example.test/x HTTP/1.1\r\nHost: example.test\r\n\
             Proxy-Authorization: Basic <hidden>\r\n\r\n"
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(ResponseHead::parse(b"SSH-2.0-OpenSSH\r\n\r\n").is_err());
        assert!(ResponseHead::parse(b"HTTP/1.1 200 OK\r\n").is_err());
    }
}
