//! Terminal-safe rendering of text that came from the network.
//!
//! A server controls the body, the header values and the reason phrase. Printed raw to a
//! terminal, control bytes in them are commands, not text: `ESC]0;…BEL` retitles the window,
//! `ESC]52;c;…BEL` writes the clipboard, `ESC[2J`/`ESC c` wipe the screen, a bare CR or BS
//! overwrites what was printed before (hiding a warning), and the 8-bit C1 controls
//! (U+0080–U+009F, e.g. U+009B = CSI) are the same commands for terminals that honour them.
//! Everything here turns such bytes into visible escapes (`\x1b`, `\u{9b}`, `\r`, …) so the user
//! sees that they were there, while ordinary text, including any non-ASCII script, is unchanged.
//!
//! Only for output that goes to a terminal: redirected output stays byte-exact and never passes
//! through here.

use std::borrow::Cow;
use std::fmt::Write as _;

/// The exact box HTTPie prints instead of a binary body on a terminal.
pub const BINARY_NOTE: &str = "+-----------------------------------------+\n| NOTE: binary data not shown in terminal |\n+-----------------------------------------+";

/// HTTPie's binary check: does this chunk contain a NUL byte?
///
/// HTTPie (`output/streams.py`) uses exactly this test; text encodings other than UTF-16/32
/// never contain NUL, so it is cheap and has no false positives on ordinary text.
pub fn is_binary(chunk: &[u8]) -> bool {
    // `<[u8]>::contains` is specialised to a memchr-style search.
    chunk.contains(&0)
}

/// Makes text inert for a terminal: ESC, other C0 controls except `\n` and `\t`, DEL, and C1
/// controls (U+0080–U+009F) become visible escapes like `\x1b`, `\x07`, `\x7f`, `\u{9b}`.
/// A bare `\r` becomes `\r` shown literally, since it returns the cursor to the start of the
/// line and lets the text after it overwrite what came before. `\r\n` is kept: the CR there is
/// followed by the line feed at once, so it cannot overwrite anything, and escaping it would
/// put a `\r` on every line of a body that simply uses CRLF line endings (a CR that ends
/// `text` is escaped, so a streaming caller should cut chunks after a `\n`, not between CR
/// and LF). Everything else, including non-ASCII text, is kept.
///
/// Returns the input borrowed when there is nothing to escape, so large clean bodies cost one
/// scan and no allocation.
pub fn inert(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let Some(first) = find_unsafe(bytes, 0) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut copied = 0;
    let mut at = Some(first);
    while let Some(i) = at {
        // `i` is always at a char boundary: every unsafe sequence starts with an ASCII byte
        // or with the lead byte of a C1 or bidi control.
        out.push_str(&text[copied..i]);
        let len = match text[i..].chars().next() {
            Some(c) if !c.is_ascii() => {
                // A C1 control (U+0080–U+009F) or a bidi control (U+202E…).
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
                c.len_utf8()
            }
            _ => {
                push_ascii_escape(&mut out, bytes[i], false);
                1
            }
        };
        copied = i + len;
        at = find_unsafe(bytes, copied);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Same for a header value or status line given as bytes, which may be non-UTF-8 (invalid
/// bytes are shown as `\xNN`). `\n`, `\r` and `\t` are escaped too here, since a head line
/// must stay one line: an embedded line break could fake a header that was never sent.
pub fn inert_line(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\0'..='\x1f' | '\x7f' => push_ascii_escape(&mut out, c as u8, true),
                '\u{80}'..='\u{9f}' => {
                    let _ = write!(out, "\\u{{{:x}}}", c as u32);
                }
                c if is_bidi_char(c) => {
                    let _ = write!(out, "\\u{{{:x}}}", c as u32);
                }
                _ => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// Whether `c` is a bidirectional formatting character (see [`is_bidi_control`]).
pub fn is_bidi_char(c: char) -> bool {
    matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `bytes` starts with a bidirectional formatting character (Unicode UAX #9): ALM
/// U+061C, LRM/RLM U+200E–200F, the embeddings and overrides U+202A–202E and the isolates
/// U+2066–2069. They reorder what follows on screen, so `invoice\u{202e}fdp.exe` would show
/// as `invoiceexe.pdf` (the "Trojan Source" trick, CVE-2021-42574).
pub fn is_bidi_control(bytes: &[u8]) -> bool {
    matches!(
        bytes,
        [0xD8, 0x9C, ..]
            | [0xE2, 0x80, 0x8E | 0x8F | 0xAA..=0xAE, ..]
            | [0xE2, 0x81, 0xA6..=0xA9, ..]
    )
}

/// Index of the first byte at or after `from` that starts something to escape, for [`inert`].
fn find_unsafe(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' | b'\t' => {}
            // CR is harmless only right before LF.
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {}
            0x00..=0x1f | 0x7f => return Some(i),
            // In valid UTF-8, C2 followed by 80..9F is exactly U+0080–U+009F.
            0xC2 if matches!(bytes.get(i + 1), Some(0x80..=0x9f)) => return Some(i),
            0xD8 | 0xE2 if is_bidi_control(&bytes[i..]) => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Writes the visible form of an ASCII control byte: `\r`, `\n` and `\t` by name (when they
/// are escaped at all), everything else as `\xNN`.
fn push_ascii_escape(out: &mut String, b: u8, named_whitespace: bool) {
    match b {
        b'\r' => out.push_str("\\r"),
        b'\n' if named_whitespace => out.push_str("\\n"),
        b'\t' if named_whitespace => out.push_str("\\t"),
        _ => {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_controls_are_shown_escaped() {
        assert_eq!(inert("invoice\u{202e}fdp.exe"), "invoice\\u{202e}fdp.exe");
        assert_eq!(
            inert("a\u{2066}b\u{200f}c\u{61c}"),
            "a\\u{2066}b\\u{200f}c\\u{61c}"
        );
        assert_eq!(inert_line("x\u{202d}y".as_bytes()), "x\\u{202d}y");
        // Other non-ASCII text is untouched, and the byte test agrees with the char test.
        assert_eq!(inert("café – 中文 \u{2028}"), "café – 中文 \u{2028}");
        for c in [
            '\u{61c}', '\u{200e}', '\u{202a}', '\u{202e}', '\u{2069}', 'é', '\u{2028}', '\u{2070}',
        ] {
            let mut buf = [0u8; 4];
            assert_eq!(
                is_bidi_char(c),
                is_bidi_control(c.encode_utf8(&mut buf).as_bytes()),
                "{c:?}"
            );
        }
    }

    const ESC: &str = "\x1b";

    fn escaped(text: &str) -> String {
        inert(text).into_owned()
    }

    #[test]
    fn osc_window_title_is_inert() {
        let got = escaped(&format!("{ESC}]0;pwned\x07"));
        assert_eq!(got, r"\x1b]0;pwned\x07");
    }

    #[test]
    fn osc52_clipboard_write_is_inert() {
        let got = escaped(&format!("{ESC}]52;c;Zm9v\x07"));
        assert_eq!(got, r"\x1b]52;c;Zm9v\x07");
    }

    #[test]
    fn screen_clear_and_reset_are_inert() {
        assert_eq!(escaped(&format!("{ESC}[2J")), r"\x1b[2J");
        assert_eq!(escaped(&format!("{ESC}c")), r"\x1bc");
    }

    #[test]
    fn c1_csi_is_inert() {
        assert_eq!(escaped("\u{9b}31mred"), r"\u{9b}31mred");
        assert_eq!(escaped("\u{80}\u{9f}"), r"\u{80}\u{9f}");
        // U+00A0 is the first char after the C1 block and stays.
        assert_eq!(escaped("\u{a0}"), "\u{a0}");
    }

    #[test]
    fn bell_backspace_del_nul_are_inert() {
        assert_eq!(escaped("a\x07b\x08c\x7fd\0e"), r"a\x07b\x08c\x7fd\x00e");
    }

    #[test]
    fn bare_cr_is_shown_but_crlf_is_kept() {
        assert_eq!(escaped("safe\rEVIL"), r"safe\rEVIL");
        assert_eq!(escaped("end\r"), r"end\r");
        assert_eq!(
            escaped("line one\r\nline two\r\n"),
            "line one\r\nline two\r\n"
        );
        assert_eq!(escaped("a\r\r\nb"), "a\\r\r\nb");
    }

    #[test]
    fn newline_and_tab_are_kept_in_bodies() {
        assert!(matches!(inert("a\tb\nc"), Cow::Borrowed(_)));
    }

    #[test]
    fn clean_unicode_is_borrowed_untouched() {
        let text = "héllo wörld é 中文 😀 \u{200b}";
        match inert(text) {
            Cow::Borrowed(b) => assert_eq!(b, text),
            Cow::Owned(_) => panic!("clean text must not be copied"),
        }
    }

    #[test]
    fn mixed_unicode_and_controls() {
        assert_eq!(escaped("中\x1b[31m文😀\u{85}é"), r"中\x1b[31m文😀\u{85}é");
    }

    #[test]
    fn head_line_escapes_line_breaks_and_tabs() {
        assert_eq!(
            inert_line(b"ok\r\nSet-Cookie: evil=1\tx"),
            r"ok\r\nSet-Cookie: evil=1\tx"
        );
    }

    #[test]
    fn head_line_escapes_controls_and_invalid_utf8() {
        assert_eq!(inert_line(b"\x1b]0;pwned\x07"), r"\x1b]0;pwned\x07");
        assert_eq!(inert_line(b"caf\xe9 \xff\xfe"), r"caf\xe9 \xff\xfe");
        assert_eq!(inert_line("\u{9b}2J".as_bytes()), r"\u{9b}2J");
        // A lone C2/C1 pair in bytes is valid UTF-8 for U+009B: escaped as the char.
        assert_eq!(inert_line(b"\xc2\x9b"), r"\u{9b}");
        assert_eq!(inert_line("Grüße 中文 😀".as_bytes()), "Grüße 中文 😀");
        assert_eq!(inert_line(b""), "");
    }

    #[test]
    fn binary_is_nul() {
        assert!(is_binary(b"PNG\0\x01"));
        assert!(!is_binary(b"plain text \x1b"));
        assert!(!is_binary(b""));
    }

    #[test]
    fn binary_note_is_httpies_box() {
        let lines: Vec<&str> = BINARY_NOTE.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1], "| NOTE: binary data not shown in terminal |");
        assert!(lines.iter().all(|l| l.chars().count() == 43));
    }

    /// Deterministic xorshift, so the fuzz-style tests need no extra dependency.
    fn rng(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    #[test]
    fn random_input_never_panics_and_output_is_clean() {
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..2000 {
            let len = (rng(&mut seed) % 64) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| rng(&mut seed) as u8).collect();
            let line = inert_line(&bytes);
            assert!(line.chars().all(|c| !c.is_control()), "{line:?}");
            let text = String::from_utf8_lossy(&bytes);
            let body = inert(&text);
            for (i, c) in body.char_indices() {
                let ok = match c {
                    '\n' | '\t' => true,
                    '\r' => body[i + 1..].starts_with('\n'),
                    c => !c.is_control(),
                };
                assert!(ok, "{c:?} left in {body:?}");
            }
        }
    }
}
