//! Secrets hidden where a request is printed (`-v`, `--all`, `--offline`): the values of the
//! headers a signing scheme marks secret (an OAuth 2.0 token, the token request's client
//! credentials, an AWS session token). What goes on the wire is unchanged; only the printed
//! copy is masked, so a terminal log or a pasted transcript holds no credential.

use std::borrow::Cow;

/// What replaces a secret value.
pub const REDACTED: &str = "<redacted>";

/// The headers whose values are hidden.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mask {
    headers: Vec<String>,
}

impl Mask {
    pub fn headers(names: impl IntoIterator<Item = impl Into<String>>) -> Mask {
        Mask {
            headers: names.into_iter().map(Into::into).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.headers.is_empty()
    }

    /// A request head (lines ending in CRLF) with the masked headers' values hidden: a value
    /// with an auth scheme keeps the scheme (`Bearer <redacted>`). Values that are already a
    /// placeholder (`<...>`) are kept.
    pub fn head<'a>(&self, raw: &'a [u8]) -> Cow<'a, [u8]> {
        if self.is_empty() {
            return Cow::Borrowed(raw);
        }
        let mut out = Vec::with_capacity(raw.len());
        for line in raw.split_inclusive(|&b| b == b'\n') {
            match self.masked_line(line) {
                Some(masked) => out.extend_from_slice(&masked),
                None => out.extend_from_slice(line),
            }
        }
        Cow::Owned(out)
    }

    fn masked_line(&self, line: &[u8]) -> Option<Vec<u8>> {
        let colon = line.iter().position(|&b| b == b':')?;
        let name = std::str::from_utf8(&line[..colon]).ok()?;
        if !self
            .headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name.trim()))
        {
            return None;
        }
        let end = line.len()
            - line
                .iter()
                .rev()
                .take_while(|b| b"\r\n".contains(b))
                .count();
        let value = String::from_utf8_lossy(&line[colon + 1..end]);
        let value = value.trim();
        let shown = match value.split_once(' ') {
            Some((_, rest)) if rest.trim_start().starts_with('<') => return None,
            Some((scheme, _)) => format!("{scheme} {REDACTED}"),
            None if value.starts_with('<') => return None,
            None => REDACTED.to_string(),
        };
        let mut out = line[..=colon].to_vec();
        out.push(b' ');
        out.extend_from_slice(shown.as_bytes());
        out.extend_from_slice(&line[end..]);
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_values_of_the_named_headers_only() {
        let mask = Mask::headers(["Authorization", "X-Amz-Security-Token"]);
        let head = b"GET / HTTP/1.1\r\nauthorization: Bearer abc.def\r\nX-Amz-Security-Token: tok/en==\r\nX-Other: Bearer keep\r\n\r\n";
        assert_eq!(
            String::from_utf8(mask.head(head).into_owned()).unwrap(),
            "GET / HTTP/1.1\r\nauthorization: Bearer <redacted>\r\nX-Amz-Security-Token: <redacted>\r\nX-Other: Bearer keep\r\n\r\n"
        );
        let basic = Mask::headers(["Authorization"]);
        assert_eq!(
            &*basic.head(b"Authorization:Basic aWQ6c2VjcmV0\n"),
            b"Authorization: Basic <redacted>\n"
        );
        // A placeholder stays as it is; no mask leaves the head untouched.
        let placeholder = b"Authorization: Bearer <token from http://a/token>\r\n";
        assert_eq!(&*basic.head(placeholder), placeholder);
        assert!(matches!(Mask::default().head(head), Cow::Borrowed(_)));
    }
}
