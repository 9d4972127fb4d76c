//! Colors JSON in place, keeping its layout (`--pretty=colors`, or `json.format:false`):
//! a small streaming tokenizer that wraps keys, strings, numbers and literals in the palette's
//! styles and passes every other byte through. Lenient by design: text that is not JSON is
//! colored token by token rather than rejected, as a syntax highlighter does.

use colored_json::{Style, Styler};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Container {
    Object,
    Array,
}

pub struct JsonColorizer {
    styles: Styles,
    stack: Vec<Container>,
    /// In an object, a string here is a key.
    expect_key: bool,
    state: State,
    /// The number or literal being read (it may span chunks).
    word: String,
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

struct Styles {
    key: (String, String),
    string: (String, String),
    number: (String, String),
    literal: (String, String),
    null: (String, String),
    object: (String, String),
    array: (String, String),
}

fn pair(style: Style) -> (String, String) {
    if style == Style::new() {
        (String::new(), String::new())
    } else {
        (style.prefix().into_owned(), style.suffix().into_owned())
    }
}

impl JsonColorizer {
    pub fn new(styler: &Styler) -> Self {
        JsonColorizer {
            styles: Styles {
                key: pair(styler.key),
                string: pair(styler.string_value),
                number: pair(styler.integer_value),
                literal: pair(styler.bool_value),
                null: pair(styler.nil_value),
                object: pair(styler.object_brackets),
                array: pair(styler.array_brackets),
            },
            stack: Vec::new(),
            expect_key: false,
            state: State::Between,
            word: String::new(),
        }
    }

    /// Colors one chunk; state carries over to the next (strings may span chunks).
    pub fn push(&mut self, text: &str, out: &mut String) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            match self.state {
                State::Str { key, escaped } => {
                    if c >= 0x80 {
                        // Copy the whole UTF-8 sequence (chunks end on char boundaries).
                        let end = (i + utf8_len(c)).min(bytes.len());
                        out.push_str(&text[i..end]);
                        self.state = State::Str {
                            key,
                            escaped: false,
                        };
                        i = end;
                        continue;
                    }
                    out.push(c as char);
                    if escaped {
                        self.state = State::Str {
                            key,
                            escaped: false,
                        };
                    } else if c == b'\\' {
                        self.state = State::Str { key, escaped: true };
                    } else if c == b'"' {
                        self.end_string(key, out);
                    }
                }
                State::Word => {
                    if c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'-') {
                        self.word.push(c as char);
                    } else {
                        self.end_word(out);
                        continue; // Re-read this byte between tokens.
                    }
                }
                State::Between => match c {
                    b'"' => {
                        let key = self.expect_key;
                        let (start, _) = if key {
                            &self.styles.key
                        } else {
                            &self.styles.string
                        };
                        out.push_str(start);
                        out.push('"');
                        self.expect_key = false;
                        self.state = State::Str {
                            key,
                            escaped: false,
                        };
                    }
                    b'{' | b'[' => {
                        let (container, (start, end)) = if c == b'{' {
                            (Container::Object, &self.styles.object)
                        } else {
                            (Container::Array, &self.styles.array)
                        };
                        out.push_str(start);
                        out.push(c as char);
                        out.push_str(end);
                        self.stack.push(container);
                        self.expect_key = container == Container::Object;
                    }
                    b'}' | b']' => {
                        let (start, end) = if c == b'}' {
                            &self.styles.object
                        } else {
                            &self.styles.array
                        };
                        out.push_str(start);
                        out.push(c as char);
                        out.push_str(end);
                        self.stack.pop();
                        self.expect_key = false;
                    }
                    b',' => {
                        out.push(',');
                        self.expect_key = self.stack.last() == Some(&Container::Object);
                    }
                    c if c.is_ascii_alphanumeric() || c == b'-' => {
                        self.state = State::Word;
                        self.word.push(c as char);
                    }
                    _ if c >= 0x80 => {
                        let len = utf8_len(c);
                        let end = (i + len).min(bytes.len());
                        out.push_str(&text[i..end]);
                        i = end;
                        continue;
                    }
                    _ => out.push(c as char),
                },
            }
            i += 1;
        }
    }

    /// Wraps the word just written (numbers and literals) in its style.
    fn end_word(&mut self, out: &mut String) {
        let word = std::mem::take(&mut self.word);
        let (pre, post) = match word.as_str() {
            "true" | "false" => &self.styles.literal,
            "null" => &self.styles.null,
            _ => &self.styles.number,
        };
        out.push_str(pre);
        out.push_str(&word);
        out.push_str(post);
        self.state = State::Between;
    }

    /// End of input: closes a word or string left open.
    pub fn finish(&mut self, out: &mut String) {
        match self.state {
            State::Word => self.end_word(out),
            State::Str { key, .. } => self.end_string(key, out),
            State::Between => {}
        }
    }

    /// Closes a key's or string's color.
    fn end_string(&mut self, key: bool, out: &mut String) {
        let (_, end) = if key {
            &self.styles.key
        } else {
            &self.styles.string
        };
        out.push_str(end);
        self.state = State::Between;
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn layout_is_kept_and_tokens_are_colored() {
        let input = "{\"a\": [1, true, null, \"x\\\"y\"], \"é\":{}}\n";
        let mut c = JsonColorizer::new(&Styler::default());
        let mut out = String::new();
        c.push(input, &mut out);
        c.finish(&mut out);
        assert_eq!(strip(&out), input);
        let key = Styler::default().key.prefix().into_owned();
        assert!(out.starts_with(&format!("{}{{", Styler::default().object_brackets.prefix())));
        assert!(out.contains(&format!("{key}\"a\"")));
        assert!(out.contains(&format!("{key}\"é\"")));
    }

    #[test]
    fn chunk_boundaries_do_not_matter() {
        let input = "[\"a b\", 12.5e3, {\"k\": false}]";
        let mut whole = String::new();
        let mut c = JsonColorizer::new(&Styler::default());
        c.push(input, &mut whole);
        c.finish(&mut whole);
        let mut pieces = String::new();
        let mut c = JsonColorizer::new(&Styler::default());
        for ch in input.chars() {
            c.push(&ch.to_string(), &mut pieces);
        }
        c.finish(&mut pieces);
        assert_eq!(strip(&pieces), input);
        assert_eq!(whole, pieces);
    }
}
