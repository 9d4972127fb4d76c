//! Printing pages (`--paginate`): each page is a final exchange in its own right, printed as
//! it streams in (never held and dropped like a redirect); with `--slurp`, the pages' bodies,
//! JSON arrays, are collected into one merged array printed after the last page's head.

use std::io::{self, Read};
use std::time::Instant;

use anyhow::Result;
use url::Url;

use super::print::body_error;
use super::{drain, Exchanger, Outcome};
use crate::decode;
use crate::output::PrintSet;
use crate::transport::Response;

/// The most `--slurp` keeps in memory: the merged array of every page.
pub const SLURP_MAX: usize = 256 * 1024 * 1024;

impl Exchanger<'_> {
    /// A page that links to a next one. The run goes on unless the reader of the output went
    /// away (then this page's outcome ends it: no point fetching pages nobody reads).
    pub(super) fn page(
        &self,
        mut response: Response,
        url: &Url,
        started: Instant,
        slurp: Option<&mut Slurp>,
    ) -> Result<Option<Outcome>> {
        self.printer.release()?;
        let outcome = match slurp {
            Some(slurp) => {
                self.collect(&mut response, url, slurp)?;
                // Its head (and meta) as asked; its body waits in the merged array.
                let print = PrintSet {
                    response_body: false,
                    ..self.print
                };
                let response = collected(response, Vec::new());
                Exchanger { print, ..*self }.print_response(response, started, true)?
            }
            None => {
                if !self.print.needs_response_body() {
                    // Read to the end, so the connection can serve the next page.
                    drain(std::mem::replace(&mut response.body, Box::new(io::empty())));
                }
                self.print_response(response, started, true)?
            }
        };
        self.printer.flush()?;
        Ok(self.printer.closed().then_some(outcome))
    }

    /// The run's final response, with the warning that goes with it. With `--slurp`, a success
    /// is the last page: its body joins the others and the merged array is printed as its
    /// body. Any other status ends pagination with that response shown as it is (the pages
    /// before it are not printed: a merged array would be incomplete).
    pub(super) fn finish(
        &self,
        mut response: Response,
        url: &Url,
        started: Instant,
        slurp: Option<Slurp>,
        warning: Option<String>,
    ) -> Result<Outcome> {
        self.printer.release()?;
        let response = match slurp {
            Some(mut slurp) if (200..300).contains(&response.head.status) => {
                self.collect(&mut response, url, &mut slurp)?;
                collected(response, slurp.finish())
            }
            _ => response,
        };
        let mut outcome = self.print_response(response, started, true)?;
        self.printer.flush()?;
        outcome.warning = warning;
        Ok(outcome)
    }

    /// Reads a page's body (decoded) into `slurp`.
    fn collect(&self, response: &mut Response, url: &Url, slurp: &mut Slurp) -> Result<()> {
        let body = std::mem::replace(&mut response.body, Box::new(io::empty()));
        slurp.add(url, decode::decode(&response.head, body)?)
    }
}

/// The response with `body` in place of its own, already decoded: the parsed head loses
/// `Content-Encoding` so it is not decoded again (the raw head, which is printed, keeps it).
fn collected(mut response: Response, body: Vec<u8>) -> Response {
    response
        .head
        .headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case("Content-Encoding"));
    response.body = Box::new(io::Cursor::new(body));
    response
}

/// The merged array of `--slurp`: `[`, each page's elements as sent (their text is not
/// re-encoded), `,` between them, then `]` from [`Slurp::finish`].
pub struct Slurp {
    merged: Vec<u8>,
    /// Some page had an element.
    any: bool,
    limit: usize,
}

impl Slurp {
    pub fn new(limit: usize) -> Slurp {
        Slurp {
            merged: b"[".to_vec(),
            any: false,
            limit,
        }
    }

    /// Adds the elements of a page, which must be a JSON array (RFC 8259) in UTF-8.
    pub fn add(&mut self, url: &Url, body: impl Read) -> Result<()> {
        let start = self.merged.len();
        // One byte past the room left shows that the page does not fit.
        let room = self.limit.saturating_sub(start) as u64;
        let read = body
            .take(room.saturating_add(1))
            .read_to_end(&mut self.merged);
        if let Err(e) = read {
            self.merged.truncate(start);
            return Err(body_error(e));
        }
        if self.merged.len() > self.limit {
            self.merged.truncate(start);
            anyhow::bail!(
                "--slurp: the pages add up to more than {} MiB (at {url}); drop --slurp to \
                 print them one by one, as they arrive",
                self.limit / (1024 * 1024)
            );
        }
        let inner = match array_elements(&self.merged[start..]) {
            Ok(inner) => inner,
            Err(what) => {
                self.merged.truncate(start);
                anyhow::bail!("--slurp: the page {url} is not a JSON array ({what})");
            }
        };
        // Move the elements to where the page began, after a comma when some came before.
        let (from, to) = (start + inner.start, start + inner.end);
        let mut at = start;
        if !inner.is_empty() {
            if self.any {
                // At least the page's `[` comes before its elements: the comma overwrites
                // none of them.
                self.merged[at] = b',';
                at += 1;
            }
            self.merged.copy_within(from..to, at);
            at += to - from;
            self.any = true;
        }
        self.merged.truncate(at);
        Ok(())
    }

    pub fn finish(mut self) -> Vec<u8> {
        self.merged.push(b']');
        self.merged
    }
}

/// Where the elements of a JSON array text lie (between its brackets, whitespace trimmed), or
/// what the text is instead.
fn array_elements(text: &[u8]) -> Result<std::ops::Range<usize>, String> {
    // A UTF-8 byte order mark may be ignored (RFC 8259 §8.1).
    let bom = if text.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let text_after_bom = &text[bom..];
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(text_after_bom) {
        return Err(if text_after_bom.iter().all(u8::is_ascii_whitespace) {
            "the body is empty".to_string()
        } else {
            format!("invalid JSON: {e}")
        });
    }
    let is_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let first = text_after_bom.iter().position(|b| !is_ws(b));
    let last = text_after_bom.iter().rposition(|b| !is_ws(b));
    let (Some(first), Some(last)) = (first, last) else {
        return Err("the body is empty".into());
    };
    match text_after_bom[first] {
        b'[' => {}
        b'{' => return Err("it is an object".into()),
        b'"' => return Err("it is a string".into()),
        _ => return Err("it is a single value".into()),
    }
    // Valid JSON that starts with `[` ends with `]` at `last`.
    let inner = &text_after_bom[first + 1..last];
    let lead = inner.iter().position(|b| !is_ws(b)).unwrap_or(inner.len());
    let trail = inner
        .iter()
        .rposition(|b| !is_ws(b))
        .map_or(lead, |p| p + 1);
    let base = bom + first + 1;
    Ok(base + lead..base + trail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(n: u32) -> Url {
        Url::parse(&format!("http://a.test/items?page={n}")).unwrap()
    }

    fn merged(pages: &[&str]) -> String {
        let mut slurp = Slurp::new(SLURP_MAX);
        for (i, page) in pages.iter().enumerate() {
            slurp.add(&url(i as u32), page.as_bytes()).unwrap();
        }
        String::from_utf8(slurp.finish()).unwrap()
    }

    #[test]
    fn pages_merge_into_one_array() {
        assert_eq!(merged(&["[1, 2]", "[3]", "[4,5]"]), "[1, 2,3,4,5]");
        assert_eq!(
            merged(&["\u{feff} [ {\"a\": [1]} ]\n", "[]", "[\"x,]\"]"]),
            "[{\"a\": [1]},\"x,]\"]"
        );
        assert_eq!(merged(&["[]", " [ ] "]), "[]");
        assert_eq!(merged(&[]), "[]");
        assert_eq!(merged(&["[]", "[1]"]), "[1]");
        let text = merged(&["[1e400, 12345678901234567890123]", "[{\"b\":1,\"a\":2}]"]);
        assert_eq!(text, "[1e400, 12345678901234567890123,{\"b\":1,\"a\":2}]");
        assert!(serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok());
    }

    #[test]
    fn a_page_that_is_not_an_array_is_named() {
        for (page, what) in [
            ("{\"a\": 1}", "it is an object"),
            ("\"s\"", "it is a string"),
            ("3", "it is a single value"),
            ("", "the body is empty"),
            ("  \n", "the body is empty"),
            ("[1,", "invalid JSON"),
            ("[1] [2]", "invalid JSON"),
            ("[\"\u{0}\"]", "invalid JSON"),
        ] {
            let mut slurp = Slurp::new(SLURP_MAX);
            slurp.add(&url(1), &b"[0]"[..]).unwrap();
            let err = slurp.add(&url(2), page.as_bytes()).unwrap_err().to_string();
            assert!(
                err.starts_with(
                    "--slurp: the page http://a.test/items?page=2 is not a JSON array ("
                ),
                "{err}"
            );
            assert!(err.contains(what), "{page:?}: {err}");
        }
        let mut slurp = Slurp::new(SLURP_MAX);
        let err = slurp.add(&url(1), &b"[\xff]"[..]).unwrap_err().to_string();
        assert!(err.contains("invalid JSON"), "{err}");
    }

    #[test]
    fn the_buffer_is_bounded() {
        let mut slurp = Slurp::new(16);
        slurp.add(&url(1), &b"[1,2,3]"[..]).unwrap();
        let err = slurp
            .add(&url(2), &b"[4,5,6,7,8,9,10]"[..])
            .unwrap_err()
            .to_string();
        assert!(err.contains("more than 0 MiB"), "{err}");
        assert!(err.contains("page=2"), "{err}");
        // Nothing of the refused page stays, and what fitted is intact.
        assert_eq!(slurp.finish(), b"[1,2,3]");
        // A huge body is read only up to the limit.
        let mut slurp = Slurp::new(1024);
        let endless = io::repeat(b' ');
        assert!(slurp.add(&url(1), endless).is_err());
    }
}
