//! Colors JSON in place, keeping its layout (`--pretty=colors`, or `json.format:false`):
//! a small streaming tokenizer that wraps keys, strings, numbers, literals, brackets and colons
//! in the palette's styles and passes every other byte through. Lenient by design: text that
//! is not JSON is colored token by token rather than rejected, as a syntax highlighter does.
//!
//! The bytes around each token come from the formatter's [`Palette`], so a token gets exactly
//! the escape sequences `--pretty=all` gives it (float and integer colours, the colon's style,
//! quotes inside or outside the colour). Only whitespace differs: the formatter paints the
//! line break before a closing bracket and the space after a colon, while here every byte of
//! whitespace stays where it was, uncolored.

use colored_json::Styler;

use super::json::{Lit, Palette};

/// The longest bare word held before it is written out: a number or literal is far shorter; a
/// hostile body of endless digits or letters is written in pieces instead of growing memory.
const WORD_CAP: usize = 64 * 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Container {
    Object,
    Array,
}

pub struct JsonColorizer {
    pal: Palette,
    stack: Vec<Container>,
    /// In an object, a string here is a key.
    expect_key: bool,
    state: State,
    /// The number or literal being read (it may span chunks).
    word: Vec<u8>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Between,
    /// Inside a string; `escaped` after a backslash.
    Str {
        key: bool,
        escaped: bool,
    },
    /// Inside a number or a bare word (true, false, null).
    Word,
}

impl JsonColorizer {
    pub fn new(styler: &Styler) -> Self {
        JsonColorizer {
            pal: Palette::new(Some(styler)),
            stack: Vec::new(),
            expect_key: false,
            state: State::Between,
            word: Vec::new(),
        }
    }

    /// Colors one chunk; state carries over to the next (strings may span chunks). Bytes that
    /// are not ASCII are copied as they are, so a chunk may end anywhere.
    pub fn push(&mut self, text: &[u8], out: &mut Vec<u8>) {
        let mut i = 0;
        while let Some(&c) = text.get(i) {
            match self.state {
                State::Str { key, escaped } => {
                    if escaped {
                        self.state = State::Str {
                            key,
                            escaped: false,
                        };
                    } else if c == b'\\' {
                        self.state = State::Str { key, escaped: true };
                    } else if c == b'"' {
                        let close = if key {
                            &self.pal.key_close
                        } else {
                            &self.pal.str_close
                        };
                        out.extend_from_slice(close);
                        self.state = State::Between;
                        i += 1;
                        continue;
                    }
                    out.push(c);
                }
                State::Word => {
                    if c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'-') {
                        self.word.push(c);
                        if self.word.len() >= WORD_CAP {
                            self.end_word(out);
                            self.state = State::Word; // The word goes on in a new piece.
                        }
                    } else {
                        self.end_word(out);
                        continue; // Re-read this byte between tokens.
                    }
                }
                State::Between => match c {
                    b'"' => {
                        let key = self.expect_key;
                        let open = if key {
                            &self.pal.key_open
                        } else {
                            &self.pal.str_open
                        };
                        out.extend_from_slice(open);
                        self.expect_key = false;
                        self.state = State::Str {
                            key,
                            escaped: false,
                        };
                    }
                    b'{' | b'[' => {
                        let (container, open) = if c == b'{' {
                            (Container::Object, &self.pal.obj_open)
                        } else {
                            (Container::Array, &self.pal.arr_open)
                        };
                        out.extend_from_slice(open);
                        self.stack.push(container);
                        self.expect_key = container == Container::Object;
                    }
                    b'}' | b']' => {
                        let style = if c == b'}' {
                            &self.pal.object
                        } else {
                            &self.pal.array
                        };
                        style.write(out, &[c]);
                        self.stack.pop();
                        self.expect_key = false;
                    }
                    // Only the colon is painted: the whitespace around it stays as it was.
                    b':' => out.extend_from_slice(&self.pal.bare_colon),
                    b',' => {
                        out.push(b',');
                        self.expect_key = self.stack.last() == Some(&Container::Object);
                    }
                    c if c.is_ascii_alphanumeric() || c == b'-' => {
                        self.state = State::Word;
                        self.word.push(c);
                    }
                    _ => out.push(c),
                },
            }
            i += 1;
        }
    }

    /// Writes the word just read (a number or literal) in its style, as the formatter would:
    /// literals by spelling (NaN and the infinities are floats), numbers as floats or integers
    /// by [`Palette::number`]'s rule. Other bare words, which are not JSON, keep the integer
    /// colour.
    fn end_word(&mut self, out: &mut Vec<u8>) {
        let word = &self.word;
        match Lit::of(word) {
            Some(lit) => out.extend_from_slice(self.pal.literal(lit)),
            None => {
                let number = matches!(word.first(), Some(b'0'..=b'9' | b'-'));
                let style = if number {
                    self.pal.number(word)
                } else {
                    &self.pal.integer
                };
                style.write(out, word);
            }
        }
        self.word.clear();
        self.state = State::Between;
    }

    /// End of input: closes a word or string left open.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        match self.state {
            State::Word => self.end_word(out),
            State::Str { key, .. } => {
                let style = if key { &self.pal.key } else { &self.pal.string };
                out.extend_from_slice(&style.off);
                self.state = State::Between;
            }
            State::Between => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pretty::json::{format_json, JsonStyle};
    use crate::pretty::theme::{StyleName, Theme};
    use colored_json::{Color, Style};

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for d in chars.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Colors `pieces` one after the other, as a body arriving in chunks.
    fn colorize<'a>(styler: &Styler, pieces: impl IntoIterator<Item = &'a [u8]>) -> String {
        let mut c = JsonColorizer::new(styler);
        let mut out = Vec::new();
        for piece in pieces {
            c.push(piece, &mut out);
        }
        c.finish(&mut out);
        String::from_utf8(out).expect("UTF-8 in, UTF-8 out")
    }

    #[test]
    fn layout_is_kept_and_tokens_are_colored() {
        let input = "{\"a\": [1, true, null, \"x\\\"y\"], \"é\":{}}\n";
        let out = colorize(&Styler::default(), [input.as_bytes()]);
        assert_eq!(strip(&out), input);
        let key = Styler::default().key.prefix().into_owned();
        assert!(out.starts_with(&format!("{}{{", Styler::default().object_brackets.prefix())));
        assert!(out.contains(&format!("{key}\"a\"")));
        assert!(out.contains(&format!("{key}\"é\"")));
    }

    #[test]
    fn chunk_boundaries_do_not_matter() {
        let input = "[\"a b\", 12.5e3, {\"k\": false}]";
        let whole = colorize(&Styler::default(), [input.as_bytes()]);
        let pieces = colorize(&Styler::default(), input.as_bytes().chunks(1));
        assert_eq!(strip(&pieces), input);
        assert_eq!(whole, pieces);
    }

    /// Distinct styles everywhere: float and integer differ, the colon is styled, quotes are
    /// outside the colour.
    fn custom() -> Styler {
        Styler {
            object_brackets: Color::Red.foreground(),
            object_colon: Style::new().italic(),
            array_brackets: Color::Cyan.bold(),
            key: Color::Magenta.underline(),
            string_value: Color::Green.foreground(),
            integer_value: Color::Yellow.foreground(),
            float_value: Color::Blue.foreground(),
            bool_value: Color::Green.bold(),
            nil_value: Color::Red.on_white(),
            string_include_quotation: false,
        }
    }

    /// `text` without ASCII whitespace, which is all the two modes may disagree on.
    fn squeeze(text: &[u8]) -> String {
        let kept: Vec<u8> = text
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        String::from_utf8(kept).expect("UTF-8")
    }

    /// The formatter's output for `doc` (input order, every item on its own line).
    fn formatted(doc: &str, styler: Styler) -> Vec<u8> {
        let style = JsonStyle {
            indent: 0,
            sort_keys: false,
            palette: Some(styler),
        };
        format_json(doc.as_bytes(), &style).expect("valid JSON")
    }

    #[test]
    fn custom_styler_gives_the_formatters_bytes() {
        let doc = r#"{"a": 1.5, "b": 2, "c": "s"}"#;
        let got = colorize(&custom(), [doc.as_bytes()]);
        let want = "\x1b[31m{\x1b[0m\
                    \"\x1b[4;35ma\x1b[0m\"\x1b[3m:\x1b[0m \x1b[34m1.5\x1b[0m, \
                    \"\x1b[4;35mb\x1b[0m\"\x1b[3m:\x1b[0m \x1b[33m2\x1b[0m, \
                    \"\x1b[4;35mc\x1b[0m\"\x1b[3m:\x1b[0m \"\x1b[32ms\x1b[0m\"\
                    \x1b[31m}\x1b[0m";
        assert_eq!(got, want);
        assert_eq!(strip(&got), doc);
        assert_eq!(squeeze(got.as_bytes()), squeeze(&formatted(doc, custom())));
    }

    #[test]
    fn every_token_gets_the_formatters_bytes() {
        // No whitespace inside strings, and strings as the formatter writes them, so that the
        // outputs differ in whitespace only.
        let doc = r#"{"int": [0, -12, 18446744073709551616], "float": [1.5, -0.25, 1e5, 2.5E-3],
            "lit": [true, false, null, NaN, Infinity, -Infinity], "str": ["", "x\"y\\z\n", "é😀"],
            "nested": {"empty": {}, "list": [], "deep": [{"k": [[]]}]}}"#;
        let mut stylers = vec![Styler::default(), custom()];
        let quoted = Styler {
            string_include_quotation: true,
            ..custom()
        };
        stylers.push(quoted);
        for name in StyleName::ALL {
            stylers.push(Theme::new(name).json);
        }
        for styler in stylers {
            let whole = colorize(&styler, [doc.as_bytes()]);
            assert_eq!(strip(&whole), doc);
            assert_eq!(squeeze(whole.as_bytes()), squeeze(&formatted(doc, styler)));
            assert_eq!(colorize(&styler, doc.as_bytes().chunks(1)), whole);
        }
    }

    #[test]
    fn default_styler_bytes() {
        // colored_json's default palette: numbers, booleans and colons are plain, quotes inside
        // the colour.
        let doc = r#"{"k": [1.5, 2, NaN, -Infinity, true, null, "s"], "e": {}}"#;
        let got = colorize(&Styler::default(), [doc.as_bytes()]);
        let want =
            "\x1b[1m{\x1b[0m\x1b[1;34m\"k\"\x1b[0m: \x1b[1m[\x1b[0m1.5, 2, NaN, -Infinity, true, \
                    \x1b[1;90mnull\x1b[0m, \x1b[32m\"s\"\x1b[0m\x1b[1m]\x1b[0m, \
                    \x1b[1;34m\"e\"\x1b[0m: \x1b[1m{\x1b[0m\x1b[1m}\x1b[0m\x1b[1m}\x1b[0m";
        assert_eq!(got, want);
    }

    #[test]
    fn an_endless_word_is_written_in_pieces() {
        let mut c = JsonColorizer::new(&Styler::default());
        let mut out = Vec::new();
        for _ in 0..64 {
            c.push(&[b'7'; 16 * 1024], &mut out);
            assert!(c.word.len() < WORD_CAP, "{}", c.word.len());
        }
        c.finish(&mut out);
        assert_eq!(strip(&String::from_utf8(out).unwrap()), "7".repeat(1 << 20));
    }

    #[test]
    fn a_string_cut_short_closes_its_colour() {
        for (styler, want) in [
            (Styler::default(), "\x1b[1m[\x1b[0m\x1b[32m\"ab\x1b[0m"),
            (custom(), "\x1b[1;36m[\x1b[0m\"\x1b[32mab\x1b[0m"),
        ] {
            assert_eq!(colorize(&styler, [&b"[\"ab"[..]]), want);
        }
    }

    #[test]
    fn text_that_is_not_json_is_colored_token_by_token() {
        // Bare words keep the integer colour; a number-like word is a float or not by the
        // formatter's rule.
        let got = colorize(&custom(), [&b"ok: 1.0 x2 -3\n"[..]]);
        let want = "\x1b[33mok\x1b[0m\x1b[3m:\x1b[0m \x1b[34m1.0\x1b[0m \x1b[33mx2\x1b[0m \x1b[33m-3\x1b[0m\n";
        assert_eq!(got, want);
    }
}
