//! The `Link` header field (RFC 8288 §3): web links with their target and parameters.
//!
//! ```text
//! Link       = #link-value
//! link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param )
//! link-param = token BWS [ "=" BWS ( token / quoted-string ) ]
//! ```
//!
//! A field may hold several links (a comma-separated list, RFC 9110 §5.6.1, whose empty elements
//! are ignored) and may be repeated; commas inside `<...>` and inside quoted strings belong to
//! them. Parameter names are case-insensitive (§3), only the first `rel` counts (§3.3), and a
//! `rel` holds one or more relation types separated by spaces, compared case-insensitively
//! (§2.1.1). The parser reads bytes, bounded by the field's length, and skips a malformed link
//! to the next comma instead of failing: what the server sends never panics or aborts here.

use crate::wire::is_tchar;

/// One link of a `Link` field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The URI-Reference between `<` and `>`, as sent (not resolved yet: §3.1 resolves it
    /// against the URL of the response).
    pub target: String,
    /// The relation types of its first `rel` parameter, as sent.
    pub rels: Vec<String>,
    /// Its `anchor` parameter: a context other than the response's own (§3.2).
    pub anchor: Option<String>,
}

impl Link {
    /// Whether one of its relation types is `rel` (case-insensitive, §2.1.1).
    pub fn has_rel(&self, rel: &str) -> bool {
        self.rels.iter().any(|r| r.eq_ignore_ascii_case(rel))
    }
}

/// The links of one `Link` field value, in order; malformed ones are left out.
pub fn parse(value: &[u8]) -> Vec<Link> {
    let mut links = Vec::new();
    let mut p = Parser { s: value, pos: 0 };
    loop {
        // Empty list elements and the whitespace around them (RFC 9110 §5.6.1).
        while p.peek().is_some_and(|b| b == b',' || is_ows(b)) {
            p.pos += 1;
        }
        if p.peek().is_none() {
            return links;
        }
        match p.link_value() {
            Some(link) => links.push(link),
            None => p.skip_element(),
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn skip_ows(&mut self) {
        while self.peek().is_some_and(is_ows) {
            self.pos += 1;
        }
    }

    /// One `link-value`, ending before the `,` that separates it from the next (or at the end).
    /// `None` when it is malformed (the position is then somewhere inside it).
    fn link_value(&mut self) -> Option<Link> {
        if self.peek() != Some(b'<') {
            return None;
        }
        let start = self.pos + 1;
        let len = self.s[start..].iter().position(|&b| b == b'>')?;
        let target = std::str::from_utf8(&self.s[start..start + len]).ok()?;
        self.pos = start + len + 1;
        let mut link = Link {
            target: target.trim().to_string(),
            rels: Vec::new(),
            anchor: None,
        };
        let mut seen_rel = false;
        loop {
            self.skip_ows();
            match self.peek() {
                None | Some(b',') => return Some(link),
                Some(b';') => self.pos += 1,
                Some(_) => return None,
            }
            self.skip_ows();
            if matches!(self.peek(), None | Some(b',')) {
                // A trailing `;` with no parameter: tolerated.
                continue;
            }
            let (name, value) = self.param()?;
            if name.eq_ignore_ascii_case("rel") && !seen_rel {
                // Only the first `rel` counts (§3.3).
                seen_rel = true;
                link.rels = value
                    .unwrap_or_default()
                    .split_ascii_whitespace()
                    .map(str::to_string)
                    .collect();
            } else if name.eq_ignore_ascii_case("anchor") && link.anchor.is_none() {
                link.anchor = value;
            }
        }
    }

    /// `token BWS [ "=" BWS ( token / quoted-string ) ]`; a value that is not valid UTF-8 is
    /// kept lossily (only `rel` and `anchor` are read, and a mangled one matches nothing).
    fn param(&mut self) -> Option<(String, Option<String>)> {
        let start = self.pos;
        while self.peek().is_some_and(is_tchar) {
            self.pos += 1;
        }
        if self.pos == start {
            return None;
        }
        let name = String::from_utf8_lossy(&self.s[start..self.pos]).into_owned();
        self.skip_ows();
        if self.peek() != Some(b'=') {
            return Some((name, None));
        }
        self.pos += 1;
        self.skip_ows();
        let value = if self.peek() == Some(b'"') {
            self.quoted()?
        } else {
            // A token; be lenient about which bytes, as long as it does not run into the
            // next parameter or link.
            let start = self.pos;
            while self
                .peek()
                .is_some_and(|b| !is_ows(b) && b != b';' && b != b',')
            {
                self.pos += 1;
            }
            self.s[start..self.pos].to_vec()
        };
        Some((name, Some(String::from_utf8_lossy(&value).into_owned())))
    }

    /// A quoted-string (RFC 9110 §5.6.4) starting at `"`, with its quoted-pairs undone; `None`
    /// when it never ends.
    fn quoted(&mut self) -> Option<Vec<u8>> {
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let b = self.peek()?;
            self.pos += 1;
            match b {
                b'"' => return Some(out),
                b'\\' => {
                    out.push(self.peek()?);
                    self.pos += 1;
                }
                _ => out.push(b),
            }
        }
    }

    /// Skips the rest of a malformed list element: up to the next comma that is outside a
    /// quoted string and outside `<...>`, or the end.
    fn skip_element(&mut self) {
        let (mut quoted, mut angle) = (false, false);
        while let Some(b) = self.peek() {
            match b {
                b'\\' if quoted => self.pos += 1,
                b'"' if !angle => quoted = !quoted,
                b'<' if !quoted => angle = true,
                b'>' if !quoted => angle = false,
                b',' if !quoted && !angle => return,
                _ => {}
            }
            self.pos += 1;
        }
    }
}

fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first link with relation type `rel` among several field values, in order.
    fn find<'a>(values: impl IntoIterator<Item = &'a [u8]>, rel: &str) -> Option<Link> {
        values
            .into_iter()
            .find_map(|value| parse(value).into_iter().find(|l| l.has_rel(rel)))
    }

    fn targets(value: &str, rel: &str) -> Vec<String> {
        parse(value.as_bytes())
            .into_iter()
            .filter(|l| l.has_rel(rel))
            .map(|l| l.target)
            .collect()
    }

    #[test]
    fn github_style_links() {
        let v =
            r#"<https://api.test/r?page=2>; rel="next", <https://api.test/r?page=5>; rel="last""#;
        assert_eq!(targets(v, "next"), ["https://api.test/r?page=2"]);
        assert_eq!(targets(v, "last"), ["https://api.test/r?page=5"]);
        assert!(targets(v, "prev").is_empty());
    }

    #[test]
    fn rel_is_case_insensitive_and_may_hold_several_types() {
        assert_eq!(targets("</a>; REL=NEXT", "next"), ["/a"]);
        assert_eq!(targets(r#"</a>; Rel="Next""#, "next"), ["/a"]);
        assert_eq!(targets(r#"</b>; rel="last next""#, "next"), ["/b"]);
        assert_eq!(targets("</b>; rel=\"prefetch\tnext\"", "next"), ["/b"]);
        // A relation type is a whole word, not a substring.
        assert!(targets(r#"</c>; rel="nextish""#, "next").is_empty());
        // Only the first rel parameter counts (RFC 8288 §3.3).
        assert!(targets(r#"</d>; rel="prev"; rel="next""#, "next").is_empty());
    }

    #[test]
    fn quoted_strings_and_uris_keep_their_commas_and_semicolons() {
        let v = r#"</x?a=1,2;b>; title="a, b; c=\"d\""; rel="next", </y>; rel="prev""#;
        let links = parse(v.as_bytes());
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].target, "/x?a=1,2;b");
        assert!(links[0].has_rel("next"));
        assert_eq!(links[1].target, "/y");
        assert!(links[1].has_rel("prev"));
    }

    #[test]
    fn whitespace_empty_elements_and_extra_params() {
        let v = " ,  </a> ;rel = next ; type=\"text/html\" ;  , ,\t</b>;rel=prev,";
        let links = parse(v.as_bytes());
        assert_eq!(links.len(), 2, "{links:?}");
        assert_eq!(links[0].target, "/a");
        assert!(links[0].has_rel("next"));
        assert_eq!(links[1].target, "/b");
    }

    #[test]
    fn malformed_links_are_skipped_not_fatal() {
        let v = r#"junk; rel="next", </ok>; rel="next""#;
        assert_eq!(targets(v, "next"), ["/ok"]);
        let v = r#"</bad>; ="x"; rel="next", </good>; rel="next""#;
        assert_eq!(targets(v, "next"), ["/good"]);
        let v = r#"</bad>; rel="next" trailing, </good>; rel=next"#;
        assert_eq!(targets(v, "next"), ["/good"]);
        for v in [
            "<",
            "</never-closed; rel=next",
            r#"</a>; rel="unterminated"#,
            "</a>; rel=\"\\",
            ";;;,,,",
            "",
        ] {
            assert!(targets(v, "next").is_empty(), "{v:?}");
        }
        // A malformed element with a quoted comma does not split in the wrong place.
        let v = r#"x; t="a, </evil>; rel=next", </good>; rel=next"#;
        assert_eq!(targets(v, "next"), ["/good"]);
        // Not UTF-8: that link is left out.
        let mut v = b"</\xff>; rel=next, ".to_vec();
        v.extend_from_slice(b"</ok>; rel=next");
        assert_eq!(find([&v[..]], "next").unwrap().target, "/ok");
    }

    #[test]
    fn the_first_next_across_repeated_fields() {
        let a: &[u8] = br#"</first>; rel="prev""#;
        let b: &[u8] = br#"</second>; rel="next""#;
        let c: &[u8] = br#"</third>; rel="next""#;
        assert_eq!(find([a, b, c], "next").unwrap().target, "/second");
        assert!(find([a], "next").is_none());
    }

    #[test]
    fn anchor_is_kept() {
        let links = parse(br#"</p2>; rel=next; anchor="/other""#);
        assert_eq!(links[0].anchor.as_deref(), Some("/other"));
        assert_eq!(parse(b"</p2>; rel=next")[0].anchor, None);
    }
}
