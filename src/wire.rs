//! Message heads as they look on the wire: rendering a request head from a spec (what
//! `--offline` prints) and parsing a recorded response head (case, order, repeats and the
//! reason phrase intact).

use anyhow::{anyhow, Result};

use crate::spec::RequestSpec;

/// The request head exactly as the transport writes it: request line, headers in order,
/// blank line, CRLF endings.
pub fn render_request_head(spec: &RequestSpec) -> Vec<u8> {
    let mut out = format!("{} {} HTTP/1.1\r\n", spec.method, spec.target);
    for h in &spec.headers {
        out.push_str(&h.name);
        out.push_str(": ");
        out.push_str(&h.value);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.into_bytes()
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
    fn garbage_is_an_error_not_a_panic() {
        assert!(ResponseHead::parse(b"SSH-2.0-OpenSSH\r\n\r\n").is_err());
        assert!(ResponseHead::parse(b"HTTP/1.1 200 OK\r\n").is_err());
    }
}
