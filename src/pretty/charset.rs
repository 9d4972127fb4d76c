//! Decoding response bodies to text for display.
//!
//! HTTPie decodes a body with `--response-charset`, else the Content-Type `charset`, else a
//! guess, else UTF-8, replacing what cannot be decoded. We use `encoding_rs` (the WHATWG
//! Encoding Standard, as browsers decode) rather than Python's codecs; the visible differences
//! are that a few labels mean what a browser takes them to mean (`latin1`, `ascii` and
//! `iso-8859-1` are windows-1252, `gb2312` is GBK) and that a byte-order mark decides the
//! encoding and is removed (see [`DisplayDecoder`]).
//!
//! Decoding is for display only: saved or redirected bodies keep their bytes.

use encoding_rs::{CoderResult, Decoder, Encoding, UTF_8};

/// Label from `--response-charset` validated: `Err("'foobar' is not a supported encoding")`
/// (HTTPie's wording).
///
/// Besides the WHATWG labels (case-insensitive, surrounding whitespace ignored), Python-style
/// spellings that users type because HTTPie accepted them are understood: `utf_8`,
/// `iso_8859_15`, `latin-1`. The "replacement" encoding (labels such as `iso-2022-kr` that
/// browsers refuse to decode) is rejected: it would turn the whole body into one U+FFFD.
pub fn lookup(label: &str) -> Result<&'static Encoding, String> {
    let found = Encoding::for_label(label.as_bytes())
        .or_else(|| Encoding::for_label(label.replace('_', "-").as_bytes()))
        .or_else(|| {
            let squeezed: String = label.chars().filter(|c| !matches!(c, '-' | '_')).collect();
            Encoding::for_label(squeezed.as_bytes())
        });
    match found {
        Some(enc) if enc != encoding_rs::REPLACEMENT => Ok(enc),
        _ => Err(format!("'{label}' is not a supported encoding")),
    }
}

/// The `charset` parameter of a Content-Type value, if any, found the way HTTPie finds it
/// (`utils.parse_content_type_header`, borrowed from requests): the value is split on every
/// `;`, parameter names are compared case-insensitively, quotes, apostrophes and spaces are
/// stripped from both ends of the value, and the last `charset` wins. An empty value counts
/// as none, so the caller falls back as if there were no parameter.
pub fn charset_of(content_type: &str) -> Option<&str> {
    let mut found = None;
    for param in content_type.split(';').skip(1) {
        let param = param.trim();
        let Some((name, value)) = param.split_once('=') else {
            continue;
        };
        if strip(name).eq_ignore_ascii_case("charset") {
            found = Some(strip(value));
        }
    }
    found.filter(|v| !v.is_empty())
}

/// Python's `str.strip("\"' ")`, as requests and HTTPie apply it to parameter names and values.
fn strip(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, '"' | '\'' | ' '))
}

/// Streaming decoder to UTF-8 for display: undecodable bytes become U+FFFD, and a multi-byte
/// sequence split across chunks is carried over to the next [`push`](Self::push).
///
/// BOM handling follows `encoding_rs`'s default (`Encoding::new_decoder`): a UTF-8, UTF-16LE
/// or UTF-16BE byte-order mark at the very start overrides the given encoding and is removed
/// from the text. That is what a browser does; Python's `bytes.decode('utf-8')` would instead
/// keep an invisible U+FEFF at the start of the text.
pub struct DisplayDecoder {
    encoding: &'static Encoding,
    decoder: Decoder,
    finished: bool,
}

impl DisplayDecoder {
    /// A decoder for one body in `enc` (pass `encoding_rs::UTF_8` when nothing is known).
    pub fn new(enc: &'static Encoding) -> Self {
        DisplayDecoder {
            encoding: enc,
            decoder: enc.new_decoder(),
            finished: false,
        }
    }

    /// The encoding actually in use: the one given, or the one a BOM selected.
    #[cfg(test)]
    pub fn encoding(&self) -> &'static Encoding {
        self.decoder.encoding()
    }

    /// Decodes the next chunk. Set `last` on the final chunk (an empty one is fine) so that a
    /// sequence left incomplete at the end of the body is flushed as U+FFFD.
    ///
    /// A push after the last one starts a new stream, BOM sniffing included, instead of
    /// panicking as a finished `encoding_rs` decoder would.
    pub fn push(&mut self, chunk: &[u8], last: bool) -> String {
        if self.finished {
            self.decoder = self.encoding.new_decoder();
            self.finished = false;
        }
        let mut out = String::new();
        let mut rest = chunk;
        loop {
            // The worst case is known up front; it is None only on arithmetic overflow, and
            // then the decoder is simply fed in several rounds with OutputFull.
            let want = self
                .decoder
                .max_utf8_buffer_length(rest.len())
                .unwrap_or(rest.len().saturating_add(16));
            out.reserve(want);
            let (result, read, _replaced) = self.decoder.decode_to_string(rest, &mut out, last);
            rest = &rest[read..];
            match result {
                CoderResult::InputEmpty => break,
                // Only when the reservation above was not enough; reserve again and go on.
                CoderResult::OutputFull => out.reserve(16),
            }
        }
        self.finished = last;
        out
    }
}

impl Default for DisplayDecoder {
    /// UTF-8, HTTPie's fallback when no charset is known.
    fn default() -> Self {
        DisplayDecoder::new(UTF_8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{SHIFT_JIS, UTF_16LE, WINDOWS_1252};

    fn decode_all(enc: &'static Encoding, chunks: &[&[u8]]) -> String {
        let mut d = DisplayDecoder::new(enc);
        let mut out = String::new();
        for chunk in chunks {
            out.push_str(&d.push(chunk, false));
        }
        out.push_str(&d.push(b"", true));
        out
    }

    #[test]
    fn lookup_known_labels() {
        assert_eq!(lookup("utf8"), Ok(UTF_8));
        assert_eq!(lookup("UTF-8"), Ok(UTF_8));
        assert_eq!(lookup(" utf-8 "), Ok(UTF_8));
        assert_eq!(lookup("latin1"), Ok(WINDOWS_1252));
        assert_eq!(lookup("shift_jis"), Ok(SHIFT_JIS));
        assert_eq!(lookup("utf-16le"), Ok(UTF_16LE));
    }

    #[test]
    fn lookup_python_spellings() {
        assert_eq!(lookup("latin-1"), Ok(WINDOWS_1252));
        assert_eq!(lookup("utf_8"), Ok(UTF_8));
        assert_eq!(lookup("iso_8859_15"), Ok(encoding_rs::ISO_8859_15));
    }

    #[test]
    fn lookup_rejects_unknown_with_httpies_message() {
        assert_eq!(
            lookup("foobar"),
            Err("'foobar' is not a supported encoding".to_string())
        );
        assert!(lookup("").is_err());
        assert!(lookup("iso-2022-kr").is_err(), "replacement encoding");
    }

    #[test]
    fn charset_param_variants() {
        assert_eq!(charset_of("text/html; charset=utf-8"), Some("utf-8"));
        assert_eq!(
            charset_of("text/html;CHARSET=\"ISO-8859-1\""),
            Some("ISO-8859-1")
        );
        assert_eq!(charset_of("text/plain; Charset='latin1' "), Some("latin1"));
        assert_eq!(
            charset_of("application/xml; q=1; charset = utf-16 ; x=y"),
            Some("utf-16")
        );
        assert_eq!(charset_of("text/plain; charset=a; charset=b"), Some("b"));
    }

    #[test]
    fn charset_absent() {
        assert_eq!(charset_of("text/html"), None);
        assert_eq!(charset_of(""), None);
        assert_eq!(
            charset_of("charset=utf-8"),
            None,
            "first token is the mime type"
        );
        assert_eq!(charset_of("text/html; charset="), None);
        assert_eq!(charset_of("text/html; charset"), None);
        assert_eq!(charset_of("text/html; xcharset=utf-8"), None);
    }

    #[test]
    fn latin1_byte_decodes() {
        assert_eq!(
            decode_all(lookup("latin1").unwrap(), &[b"bl\xe5b\xe6r"]),
            "blåbær"
        );
    }

    #[test]
    fn shift_jis_decodes_across_chunks() {
        // "日本語" in Shift_JIS, split inside the second character.
        let bytes: &[u8] = b"\x93\xfa\x96\x7b\x8c\xea";
        assert_eq!(decode_all(SHIFT_JIS, &[bytes]), "日本語");
        assert_eq!(decode_all(SHIFT_JIS, &[&bytes[..3], &bytes[3..]]), "日本語");
    }

    #[test]
    fn utf8_split_across_chunks() {
        let bytes = "é中😀".as_bytes();
        for cut in 0..=bytes.len() {
            assert_eq!(decode_all(UTF_8, &[&bytes[..cut], &bytes[cut..]]), "é中😀");
        }
        // One byte at a time.
        let one_by_one: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(decode_all(UTF_8, &one_by_one), "é中😀");
    }

    #[test]
    fn invalid_utf8_becomes_replacement() {
        assert_eq!(decode_all(UTF_8, &[b"a\xffb"]), "a\u{fffd}b");
        assert_eq!(
            decode_all(UTF_8, &[b"a\xe4\xb8"]),
            "a\u{fffd}",
            "truncated at the end"
        );
        assert_eq!(
            decode_all(UTF_8, &[b"\xed\xa0\x80"]),
            "\u{fffd}\u{fffd}\u{fffd}"
        );
    }

    #[test]
    fn bom_is_sniffed_and_removed() {
        assert_eq!(decode_all(UTF_8, &[b"\xef\xbb\xbfhi"]), "hi");
        let mut d = DisplayDecoder::new(WINDOWS_1252);
        assert_eq!(d.push(b"\xff\xfeh\0i\0", true), "hi");
        assert_eq!(d.encoding(), UTF_16LE);
    }

    #[test]
    fn push_after_last_starts_over_instead_of_panicking() {
        let mut d = DisplayDecoder::default();
        assert_eq!(d.push(b"a\xe4", true), "a\u{fffd}");
        assert_eq!(d.push(b"\xb8\xadb", true), "\u{fffd}\u{fffd}b");
        assert_eq!(d.push("中".as_bytes(), true), "中");
    }

    #[test]
    fn random_chunks_never_panic() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for label in [
            "utf-8",
            "shift_jis",
            "utf-16be",
            "gb18030",
            "euc-kr",
            "iso-2022-jp",
        ] {
            let enc = lookup(label).unwrap();
            for _ in 0..200 {
                let mut d = DisplayDecoder::new(enc);
                for _ in 0..(next() % 5) {
                    let len = (next() % 40) as usize;
                    let chunk: Vec<u8> = (0..len).map(|_| next() as u8).collect();
                    let _ = d.push(&chunk, next() % 7 == 0);
                }
                let _ = d.push(b"", true);
            }
        }
    }
}
