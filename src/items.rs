//! Request-item tokenizer and parser (`KEY:VALUE`, `KEY==VALUE`, `KEY=VALUE`, ...).
//!
//! This is a faithful port of HTTPie 3.2.4's `KeyValueArgType` (`httpie/cli/argtypes.py`), so
//! that every argument splits into key, separator and value exactly as `http` would split it.
//! It is pure: file separators (`:@`, `==@`, `=@`, `:=@`, `@`) only carry the path, and `:=`
//! values are left as text for the caller to parse as JSON.

/// The separator of a request item, i.e. what the item means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sep {
    /// `Name:Value` — a request header (an empty value unsets the header).
    Header,
    /// `Name;` — a header sent with an empty value.
    EmptyHeader,
    /// `Name:@path` — a header whose value is read from a file.
    HeaderFile,
    /// `name==value` — a URL query parameter.
    Query,
    /// `name==@path` — a query parameter whose value is read from a file.
    QueryFile,
    /// `field=value` — a string data field.
    Data,
    /// `field:=json` — a raw JSON data field.
    Json,
    /// `field=@path` — a string data field whose value is read from a file.
    DataFile,
    /// `field:=@path` — a raw JSON data field read from a file.
    JsonFile,
    /// `field@path` — a file upload (or, with an empty key, the raw request body).
    File,
}

/// Every separator with its spelling. The order doesn't matter: ties are broken by length.
const SEPARATORS: [(&str, Sep); 10] = [
    (":", Sep::Header),
    (";", Sep::EmptyHeader),
    (":@", Sep::HeaderFile),
    ("==", Sep::Query),
    ("==@", Sep::QueryFile),
    ("=", Sep::Data),
    (":=", Sep::Json),
    ("=@", Sep::DataFile),
    (":=@", Sep::JsonFile),
    ("@", Sep::File),
];

/// The characters a backslash can escape: the union of all separator characters.
const SPECIAL_CHARS: [char; 4] = [':', ';', '=', '@'];

impl Sep {
    #[cfg(test)]
    /// The separator as typed on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Sep::Header => ":",
            Sep::EmptyHeader => ";",
            Sep::HeaderFile => ":@",
            Sep::Query => "==",
            Sep::QueryFile => "==@",
            Sep::Data => "=",
            Sep::Json => ":=",
            Sep::DataFile => "=@",
            Sep::JsonFile => ":=@",
            Sep::File => "@",
        }
    }

    #[cfg(test)]
    /// Whether the item is request data (`=`, `:=`, `=@`, `:=@`, `@`): HTTPie's
    /// `SEPARATOR_GROUP_DATA_ITEMS`, whose presence makes the inferred method POST.
    pub fn is_data(self) -> bool {
        matches!(
            self,
            Sep::Data | Sep::Json | Sep::DataFile | Sep::JsonFile | Sep::File
        )
    }
}

/// One parsed request item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The key with escapes resolved (`a\:b=1` has the key `a:b`). Backslashes that don't
    /// escape a separator character (e.g. `\[`) are kept for the nested-JSON parser.
    pub key: String,
    pub sep: Sep,
    /// The value with escapes resolved; for [`Sep::Header`] also stripped of surrounding
    /// whitespace, so an empty value means "unset this header".
    pub value: String,
    /// The argument exactly as given, for error messages.
    pub orig: String,
}

/// Parses one request item.
///
/// Errors (user-facing, without the `http: error:` prefix):
/// * no unescaped separator: `'novalue' is not a valid value (...)`, quoting the item exactly
///   as typed (HTTPie uses Python's repr, which doubles backslashes the user never typed);
/// * text after `;`: ``Invalid item 'Accept;x' (to specify an empty header use `Header;`)``.
///
/// A header whose value is only whitespace (`'Accept: '`) comes back as [`Sep::EmptyHeader`]
/// with an empty value: HTTPie sends such a header empty (it strips the value only when
/// sending), unlike `Accept:` which removes the header.
pub fn parse_item(arg: &str) -> Result<Item, String> {
    let (key, sep, value) = split(arg).ok_or_else(|| {
        format!("'{arg}' is not a valid value (expected a separator: : ; = == := @)")
    })?;
    let (sep, value) = match sep {
        Sep::Header => {
            let stripped = value.trim_matches(is_py_space);
            if stripped.is_empty() && !value.is_empty() {
                (Sep::EmptyHeader, String::new())
            } else {
                (Sep::Header, stripped.to_string())
            }
        }
        Sep::EmptyHeader if !value.is_empty() => {
            return Err(format!(
                "Invalid item {} (to specify an empty header use `Header;`)",
                py_repr(arg)
            ));
        }
        _ => (sep, value),
    };
    Ok(Item {
        key,
        sep,
        value,
        orig: arg.to_string(),
    })
}

/// True when `arg` is shaped like a request item, i.e. it has an unescaped separator.
///
/// Like HTTPie, this is purely syntactic: `Accept;x` counts as an item (and fails later in
/// [`parse_item`]), because HTTPie's METHOD/URL disambiguation only runs the tokenizer.
pub fn is_item(arg: &str) -> bool {
    split(arg).is_some()
}

/// A piece of the argument: literal text, or one backslash-escaped separator character.
enum Token {
    Text(String),
    Escaped(char),
}

/// `KeyValueArgType.tokenize`: `\` + separator char is an escaped literal (backslash
/// dropped); `\` + anything else keeps both characters, and a trailing `\` is kept.
fn tokenize(arg: &str) -> Vec<Token> {
    let mut tokens = vec![Token::Text(String::new())];
    let mut chars = arg.chars();
    while let Some(c) = chars.next() {
        let mut literal = String::new();
        if c == '\\' {
            match chars.next() {
                Some(next) if SPECIAL_CHARS.contains(&next) => {
                    tokens.push(Token::Escaped(next));
                    tokens.push(Token::Text(String::new()));
                    continue;
                }
                Some(next) => {
                    literal.push('\\');
                    literal.push(next);
                }
                None => literal.push('\\'),
            }
        } else {
            literal.push(c);
        }
        if let Some(Token::Text(text)) = tokens.last_mut() {
            text.push_str(&literal);
        }
    }
    tokens
}

/// Splits `arg` at the first unescaped separator (the earliest one; the longest one when
/// several start at the same place). Returns `None` when there is none.
fn split(arg: &str) -> Option<(String, Sep, String)> {
    let tokens = tokenize(arg);
    let joined = |tokens: &[Token]| -> String {
        tokens
            .iter()
            .map(|token| match token {
                Token::Text(text) => text.clone(),
                Token::Escaped(c) => c.to_string(),
            })
            .collect()
    };
    for (i, token) in tokens.iter().enumerate() {
        let Token::Text(text) = token else { continue };
        let best = SEPARATORS
            .iter()
            .filter_map(|&(spelling, sep)| text.find(spelling).map(|pos| (pos, spelling, sep)))
            .min_by_key(|&(pos, spelling, _)| (pos, std::cmp::Reverse(spelling.len())));
        if let Some((pos, spelling, sep)) = best {
            let key = joined(&tokens[..i]) + &text[..pos];
            let value = text[pos + spelling.len()..].to_string() + &joined(&tokens[i + 1..]);
            return Some((key, sep, value));
        }
    }
    None
}

/// Python's `str.isspace()`, which `str.strip()` and `int()` use: Unicode whitespace plus
/// the ASCII information separators U+001C..U+001F.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `repr()` of a string, so that messages quote user input the way HTTPie does
/// (`'a'`, or `"it's"` when the text has a single quote but no double quote).
///
/// Non-printable characters are escaped as in Python for ASCII, C1 controls, whitespace,
/// the common format characters and private-use code points; Python's full Unicode
/// tables (e.g. for unassigned code points) are not reproduced.
pub(crate) fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ if c == quote => {
                out.push('\\');
                out.push(c);
            }
            ' ' => out.push(' '),
            _ if is_py_printable(c) => out.push(c),
            _ if (c as u32) <= 0xff => out.push_str(&format!("\\x{:02x}", c as u32)),
            _ if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            _ => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
    out
}

/// Approximates Python's `str.isprintable()` for one character other than the space.
fn is_py_printable(c: char) -> bool {
    let format_chars = [
        0xad..=0xad,
        0x600..=0x605,
        0x61c..=0x61c,
        0x6dd..=0x6dd,
        0x70f..=0x70f,
        0x180e..=0x180e,
        0x200b..=0x200f,
        0x202a..=0x202e,
        0x2060..=0x206f,
        0xd800..=0xf8ff,
        0xfeff..=0xfeff,
        0xfff9..=0xfffb,
        0xe0000..=0xe007f,
        0xf0000..=0x10ffff,
    ];
    let code = c as u32;
    !(c.is_control() || c.is_whitespace() || format_chars.iter().any(|r| r.contains(&code)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(arg: &str) -> (String, Sep, String) {
        let item = parse_item(arg).unwrap_or_else(|e| panic!("{arg}: {e}"));
        assert_eq!(item.orig, arg);
        (item.key, item.sep, item.value)
    }

    fn check(arg: &str, key: &str, sep: &str, value: &str) {
        let (k, s, v) = parsed(arg);
        assert_eq!(
            (k.as_str(), s.as_str(), v.as_str()),
            (key, sep, value),
            "{arg}"
        );
    }

    /// Parses checked against HTTPie 3.2.4's own (`httpie/cli/argtypes.py`, KeyValueArgType).
    #[test]
    fn reference_table() {
        check("a:=b", "a", ":=", "b");
        check("a=:b", "a", "=", ":b");
        check("a==b", "a", "==", "b");
        check("a===b", "a", "==", "=b");
        check("a:==b", "a", ":=", "=b");
        check("a=:=b", "a", "=", ":=b");
        check("url:http://x", "url", ":", "http://x");
        check("Header:value=x", "Header", ":", "value=x");
        check("a=b:c", "a", "=", "b:c");
        check("email=john@example.org", "email", "=", "john@example.org");
        check("a@b=c", "a", "@", "b=c");
        check("X:a;b", "X", ":", "a;b");
        check("a:;b", "a", ":", ";b");
        check(";", "", ";", "");
        check(":=1", "", ":=", "1");
        check("@file", "", "@", "file");
        check("=@file", "", "=@", "file");
        check(r"a\:=1", "a:", "=", "1");
        check(r"a:\=1", "a", ":", "=1");
        check(r"a\;b:c", "a;b", ":", "c");
        check(r"bob\:==foo", "bob:", "==", "foo");
        check(r"a\\:b", r"a\\", ":", "b");
        check(r"k=v\\=w", "k", "=", r"v\\=w");
    }

    #[test]
    fn empty_header_with_text_is_an_error() {
        assert_eq!(
            parse_item("a;b:c"),
            Err("Invalid item 'a;b:c' (to specify an empty header use `Header;`)".into())
        );
        assert_eq!(
            parse_item("Accept;x"),
            Err("Invalid item 'Accept;x' (to specify an empty header use `Header;`)".into())
        );
        assert!(parse_item("Accept; ").is_err());
        check("X-Empty;", "X-Empty", ";", "");
    }

    #[test]
    fn no_separator_is_an_error() {
        let err = |s: &str| parse_item(s).unwrap_err();
        assert!(err("novalue").starts_with("'novalue' is not a valid value"));
        assert!(err(r"a\=b").starts_with(r"'a\=b' is not a valid value"));
        assert!(err("").starts_with("'' is not a valid value"));
        assert!(err("it's").starts_with("'it's' is not a valid value"));
        assert!(!is_item("novalue"));
        assert!(!is_item(r"a\=b"));
    }

    #[test]
    fn all_separators() {
        check("H:v", "H", ":", "v");
        check("H;", "H", ";", "");
        check("H:@f", "H", ":@", "f");
        check("q==v", "q", "==", "v");
        check("q==@f", "q", "==@", "f");
        check("d=v", "d", "=", "v");
        check("j:=1", "j", ":=", "1");
        check("d=@f", "d", "=@", "f");
        check("j:=@f", "j", ":=@", "f");
        check("f@path;type=text/plain", "f", "@", "path;type=text/plain");
    }

    #[test]
    fn escapes_in_values_and_keys() {
        check(r"pw=a\@b", "pw", "=", "a@b");
        check(r"a=b\:c", "a", "=", "b:c");
        check(r"path=c:\windows", "path", "=", r"c:\windows");
        check(
            r"field-name-with\:colon=value",
            "field-name-with:colon",
            "=",
            "value",
        );
        check(r"foo\==bar", "foo=", "=", "bar");
        check(r"a=b\", "a", "=", r"b\");
        check(r"\@\;\:\==x", "@;:=", "=", "x");
    }

    /// Backslashes before `[`, `]` (and other non-separator characters) reach the key
    /// untouched: the nested-JSON parser interprets them.
    #[test]
    fn nested_json_escapes_are_left_alone() {
        check(r"foo\[bar\]:=1", r"foo\[bar\]", ":=", "1");
        check(r"backslash[\\]:=1", r"backslash[\\]", ":=", "1");
        check(r"object[\1]=x", r"object[\1]", "=", "x");
    }

    #[test]
    fn header_values_are_stripped() {
        check("Accept:", "Accept", ":", "");
        check("X-A:  b  ", "X-A", ":", "b");
        check("X:\u{1f}b\u{a0}", "X", ":", "b");
        // Whitespace-only: HTTPie sends an empty header, it does not unset it.
        check("Accept: ", "Accept", ";", "");
        // Other values are not stripped.
        check("q== a ", "q", "==", " a ");
        check("d= a ", "d", "=", " a ");
    }

    #[test]
    fn dash_keys() {
        check(
            "-name-starting-with-dash=foo",
            "-name-starting-with-dash",
            "=",
            "foo",
        );
        check("-Unusual-Header:bar", "-Unusual-Header", ":", "bar");
    }

    #[test]
    fn sep_helpers() {
        for (spelling, sep) in SEPARATORS {
            assert_eq!(sep.as_str(), spelling);
        }
        let data: Vec<_> = SEPARATORS
            .iter()
            .filter(|(_, sep)| sep.is_data())
            .map(|(s, _)| *s)
            .collect();
        assert_eq!(data, ["=", ":=", "=@", ":=@", "@"]);
    }

    #[test]
    fn is_item_is_syntactic() {
        assert!(is_item("Accept;x"));
        assert!(is_item("a=b"));
        assert!(is_item("example.org:8080"));
        assert!(!is_item("example.org"));
        assert!(!is_item("GET"));
    }

    #[test]
    fn py_repr_matches_python() {
        assert_eq!(py_repr("a"), "'a'");
        assert_eq!(py_repr("it's"), r#""it's""#);
        assert_eq!(py_repr(r#"'""#), r#"'\'"'"#);
        assert_eq!(py_repr("a\\b\n\t\r\u{7}\u{7f}"), r"'a\\b\n\t\r\x07\x7f'");
        assert_eq!(py_repr("é€😀"), "'é€😀'");
        assert_eq!(py_repr("\u{a0}\u{200b}\u{e000}"), r"'\xa0\u200b\ue000'");
    }

    /// Odd inputs never panic, and unescaped non-header items reassemble into the argument.
    #[test]
    fn no_panics_on_odd_input() {
        let pieces = [
            "", "\\", ":", ";", "=", "@", "[", "]", "a", "é", "😀", " ", "\u{0}", "==", ":=@",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        let arg = format!("{a}{b}{c}{d}");
                        if let Ok(item) = parse_item(&arg) {
                            assert!(is_item(&arg));
                            let plain = !arg.contains('\\')
                                && !matches!(item.sep, Sep::Header | Sep::EmptyHeader);
                            if plain {
                                let sep = item.sep.as_str();
                                assert_eq!(format!("{}{sep}{}", item.key, item.value), arg);
                            }
                        }
                    }
                }
            }
        }
    }
}
