//! HTTPie 3's nested JSON syntax: `a[b][]=x` builds `{"a": {"b": ["x"]}}`.
//!
//! A port of HTTPie 3.2.4's `httpie/cli/nested_json` (tokenizer, parser and interpreter) with
//! the same grammar, the same number rules and the same error texts:
//!
//! ```text
//! start     : root_path path*
//! root_path : literal | index_path | append_path    (an empty key is the key "")
//! literal   : TEXT | NUMBER                          (a root NUMBER is a string key)
//! path      : '[' TEXT ']' | '[' NUMBER ']' | '[' ']'
//! ```
//!
//! Two deliberate fixes of HTTPie data-loss bugs:
//! * an object given with `:=` can be extended: `a:={"x":1} a[y]:=2` gives
//!   `{"a": {"x": 1, "y": 2}}` (HTTPie silently drops `y`, because its duplicate-key-preserving
//!   JSON wrapper ignores later insertions);
//! * a `null` is filled like an array gap: `x=1 a:=null a[b]=1` gives
//!   `{"x": "1", "a": {"b": "1"}}` (HTTPie throws away everything but `{"b": "1"}`).
//!
//! Also, indexes above [`MAX_INDEX`] are refused rather than filling memory with nulls, and
//! keys deeper than [`MAX_DEPTH`] steps are refused (HTTPie crashes with a `RecursionError`
//! somewhat below 1000 levels; we would overflow the stack far deeper).

use serde_json::{Map, Value};
use std::fmt;

use crate::items::{is_py_space, py_repr};

/// The largest array index accepted, so that a typo can't allocate gigabytes of nulls.
pub const MAX_INDEX: usize = 1_000_000;

/// The most steps (`a`, `[b]`, `[]`, ...) one key may have.
pub const MAX_DEPTH: usize = 900;

/// A syntax, type or value error in one key, as a single line that names the key and the
/// 1-based column where the offending part starts, e.g.
/// `Syntax error in 'a[b' at column 4: Expecting ']'`.
#[derive(Debug, Clone, PartialEq)]
pub struct NestedJsonError {
    pub message: String,
}

impl fmt::Display for NestedJsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NestedJsonError {}

/// Builds the request JSON from data items in command-line order: `(raw key as typed after
/// item unescaping, already-parsed value)`. `=`/`=@` values arrive as `Value::String`,
/// `:=`/`:=@` values as parsed JSON.
///
/// The result is an object, or an array when the keys build a top-level array
/// (`[]:=1 []:=2` gives `[1, 2]`); no items give `{}`. Repeated plain keys: last wins.
pub fn interpret(items: &[(String, Value)]) -> Result<Value, NestedJsonError> {
    let mut root = Value::Null;
    for (key, value) in items {
        let paths = parse(key)?;
        if let Some(too_deep) = paths.get(MAX_DEPTH) {
            let message = format!("Keys deeper than {MAX_DEPTH} levels are not supported.");
            let column = too_deep.span.map(|(start, _)| start);
            return Err(error("Value", key, column, &message));
        }
        set(&mut root, key, &paths, value.clone())?;
    }
    Ok(match root {
        Value::Null => Value::Object(Map::new()),
        other => other,
    })
}

// ---------------------------------------------------------------------------------------
// Tokenizer

/// A Python `int` as HTTPie's tokenizer sees it: `int(text)` succeeded.
#[derive(Debug, Clone, PartialEq)]
struct PyInt {
    negative: bool,
    /// Decimal ASCII digits without leading zeros (`"0"` for zero).
    digits: String,
}

impl fmt::Display for PyInt {
    /// Python's `str(int)`, used when a number is a root key (`007=x` is the key `"7"`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.negative { "-" } else { "" };
        write!(f, "{sign}{}", self.digits)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum TokenKind {
    Text(String),
    Number(PyInt),
    LeftBracket,
    RightBracket,
}

/// A token kind without its payload, for [`Parser::expect`].
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Number,
    LeftBracket,
    RightBracket,
}

impl TokenKind {
    fn kind(&self) -> Kind {
        match self {
            TokenKind::Text(_) => Kind::Text,
            TokenKind::Number(_) => Kind::Number,
            TokenKind::LeftBracket => Kind::LeftBracket,
            TokenKind::RightBracket => Kind::RightBracket,
        }
    }
}

impl Kind {
    /// How `Expecting ...` messages name a token kind.
    fn describe(self) -> &'static str {
        match self {
            Kind::Text => "a text",
            Kind::Number => "a number",
            Kind::LeftBracket => "'['",
            Kind::RightBracket => "']'",
        }
    }
}

/// A token with its span in characters of the key (for error columns).
#[derive(Debug, Clone)]
struct Token {
    kind: TokenKind,
    start: usize,
    end: usize,
}

/// Splits a key into `[`, `]` and literal tokens.
///
/// A backslash before `[`, `]` or `\` escapes it; before anything else it is kept (a trailing
/// backslash too). A literal without escapes that Python's `int()` accepts is a NUMBER; one
/// that is a backslash followed by such an int is the TEXT after the backslash (`\1` is the
/// key `"1"`, not the index 1).
fn tokenize(key: &str) -> Vec<Token> {
    let chars: Vec<char> = key.chars().collect();
    let mut tokens = Vec::new();
    let mut buffer = String::new();
    let mut buffer_start = 0;
    let mut escaped = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '[' || c == ']' {
            flush(&mut tokens, &mut buffer, buffer_start, i, escaped);
            escaped = false;
            let kind = if c == '[' {
                TokenKind::LeftBracket
            } else {
                TokenKind::RightBracket
            };
            tokens.push(Token {
                kind,
                start: i,
                end: i + 1,
            });
            buffer_start = i + 1;
        } else if c == '\\' {
            match chars.get(i + 1) {
                Some(&next @ ('[' | ']' | '\\')) => {
                    escaped = true;
                    buffer.push(next);
                    i += 1;
                }
                Some(&next) => {
                    buffer.push('\\');
                    buffer.push(next);
                    i += 1;
                }
                None => buffer.push('\\'),
            }
        } else {
            buffer.push(c);
        }
        i += 1;
    }
    flush(&mut tokens, &mut buffer, buffer_start, chars.len(), escaped);
    tokens
}

/// Emits the pending literal (if any) spanning `start..end` as a TEXT or NUMBER token.
fn flush(tokens: &mut Vec<Token>, buffer: &mut String, start: usize, end: usize, escaped: bool) {
    if buffer.is_empty() {
        return;
    }
    let text = std::mem::take(buffer);
    let kind = if escaped {
        TokenKind::Text(text)
    } else if let Some(number) = parse_py_int(&text) {
        TokenKind::Number(number)
    } else {
        match text.strip_prefix('\\') {
            Some(rest) if parse_py_int(rest).is_some() => TokenKind::Text(rest.to_string()),
            _ => TokenKind::Text(text),
        }
    };
    tokens.push(Token { kind, start, end });
}

/// Python's `int(text)` for base 10: surrounding whitespace, an optional sign, decimal
/// digits of any script with single `_` between them, and at most 4300 digits
/// (`sys.get_int_max_str_digits()`). `None` where Python raises `ValueError`.
fn parse_py_int(text: &str) -> Option<PyInt> {
    let text = text.trim_matches(is_py_space);
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let mut digits = String::new();
    let mut previous_was_digit = false;
    for c in body.chars() {
        if c == '_' && previous_was_digit {
            previous_was_digit = false;
        } else if let Some(d) = decimal_value(c) {
            digits.push(char::from(b'0' + d));
            previous_was_digit = true;
        } else {
            return None;
        }
    }
    if !previous_was_digit || digits.len() > 4300 {
        return None;
    }
    let digits = match digits.trim_start_matches('0') {
        "" => "0".to_string(),
        significant => significant.to_string(),
    };
    Some(PyInt {
        negative: negative && digits != "0",
        digits,
    })
}

/// The first code point of every run of ten decimal digits (Unicode category Nd) that
/// Python 3.11's `int()` accepts, e.g. `０`..`９` or `٠`..`٩`.
const DIGIT_ZEROS: [u32; 66] = [
    0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66,
    0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90,
    0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10,
    0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650,
    0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50,
    0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
];

/// The value of a decimal digit of any script, as Python's `unicodedata.decimal`.
fn decimal_value(c: char) -> Option<u8> {
    let code = c as u32;
    DIGIT_ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&code))
        .and_then(|&zero| u8::try_from(code - zero).ok())
}

// ---------------------------------------------------------------------------------------
// Parser

/// What one step of a key does.
#[derive(Debug, Clone, PartialEq)]
enum Action {
    Key(String),
    Index(PyInt),
    Append,
}

/// One step of a key, with the tokens it came from (for error columns).
#[derive(Debug, Clone)]
struct Path {
    action: Action,
    is_root: bool,
    /// Span of the step in the key; `None` for the root of an empty key.
    span: Option<(usize, usize)>,
    /// For an index step, the span of the number (negative-index errors point at it).
    number_span: Option<(usize, usize)>,
}

impl Path {
    /// The step as HTTPie spells it in type errors (`a`, `[b]`, `[0]`, `[]`; no escaping).
    fn reconstruct(&self) -> String {
        match &self.action {
            Action::Key(key) if self.is_root => key.clone(),
            Action::Key(key) => format!("[{key}]"),
            Action::Index(index) => format!("[{index}]"),
            Action::Append => "[]".to_string(),
        }
    }
}

/// Parses a key into its steps (HTTPie's `parse()`).
fn parse(key: &str) -> Result<Vec<Path>, NestedJsonError> {
    let mut parser = Parser {
        key,
        tokens: tokenize(key),
        cursor: 0,
    };
    let mut paths = vec![parser.root()?];
    while parser.cursor < parser.tokens.len() {
        let open = parser.expect(&[Kind::LeftBracket])?;
        let inner = parser.expect(&[Kind::Text, Kind::Number, Kind::RightBracket])?;
        let (action, end, number_span) = match inner.kind {
            TokenKind::Text(text) => {
                let close = parser.expect(&[Kind::RightBracket])?;
                (Action::Key(text), close.end, None)
            }
            TokenKind::Number(number) => {
                let close = parser.expect(&[Kind::RightBracket])?;
                (
                    Action::Index(number),
                    close.end,
                    Some((inner.start, inner.end)),
                )
            }
            // `]`: expect() returned one of the kinds asked for.
            _ => (Action::Append, inner.end, None),
        };
        paths.push(Path {
            action,
            is_root: false,
            span: Some((open.start, end)),
            number_span,
        });
    }
    Ok(paths)
}

struct Parser<'a> {
    key: &'a str,
    tokens: Vec<Token>,
    cursor: usize,
}

impl Parser<'_> {
    /// `root_path : literal | index_path | append_path`, or the key `""` when empty.
    fn root(&mut self) -> Result<Path, NestedJsonError> {
        let Some(first) = self.tokens.first().cloned() else {
            return Ok(Path {
                action: Action::Key(String::new()),
                is_root: true,
                span: None,
                number_span: None,
            });
        };
        self.expect(&[Kind::Text, Kind::Number, Kind::LeftBracket])?;
        let (action, end, number_span) = match first.kind {
            TokenKind::Text(text) => (Action::Key(text), first.end, None),
            TokenKind::Number(number) => (Action::Key(number.to_string()), first.end, None),
            // `[`: an index or append at the root, i.e. a top-level array.
            _ => {
                let inner = self.expect(&[Kind::Number, Kind::RightBracket])?;
                match inner.kind {
                    TokenKind::Number(number) => {
                        let close = self.expect(&[Kind::RightBracket])?;
                        (
                            Action::Index(number),
                            close.end,
                            Some((inner.start, inner.end)),
                        )
                    }
                    _ => (Action::Append, inner.end, None),
                }
            }
        };
        Ok(Path {
            action,
            is_root: true,
            span: Some((first.start, end)),
            number_span,
        })
    }

    /// Consumes the next token if it is of one of `kinds`; otherwise a syntax error pointing
    /// at that token (or just past the last one when the key ended early).
    fn expect(&mut self, kinds: &[Kind]) -> Result<Token, NestedJsonError> {
        let column = match self.tokens.get(self.cursor) {
            Some(token) => {
                self.cursor += 1;
                if kinds.contains(&token.kind.kind()) {
                    return Ok(token.clone());
                }
                Some(token.start)
            }
            None => self.tokens.last().map(|token| token.end),
        };
        let names: Vec<&str> = kinds.iter().map(|kind| kind.describe()).collect();
        let expected = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => names.concat(),
        };
        Err(error(
            "Syntax",
            self.key,
            column,
            &format!("Expecting {expected}"),
        ))
    }
}

// ---------------------------------------------------------------------------------------
// Interpreter

/// Stores `value` in `root` along `paths` (HTTPie's `interpret()`).
///
/// A `null` container (the empty root, an array gap, or a `null` value) becomes the
/// container the step needs; any other mismatch is a type error.
fn set(root: &mut Value, key: &str, paths: &[Path], value: Value) -> Result<(), NestedJsonError> {
    let mut cursor = root;
    for (i, path) in paths.iter().enumerate() {
        let is_last = i + 1 == paths.len();
        if cursor.is_null() {
            *cursor = match path.action {
                Action::Key(_) => Value::Object(Map::new()),
                Action::Index(_) | Action::Append => Value::Array(Vec::new()),
            };
        }
        match &path.action {
            Action::Key(name) => {
                let Value::Object(map) = cursor else {
                    return Err(type_error(key, paths, i, cursor, "object"));
                };
                if is_last {
                    map.insert(name.clone(), value);
                    return Ok(());
                }
                cursor = map.entry(name.clone()).or_insert(Value::Null);
            }
            Action::Index(index) => {
                let Value::Array(array) = cursor else {
                    return Err(type_error(key, paths, i, cursor, "array"));
                };
                let index = checked_index(key, path, index)?;
                if array.len() <= index {
                    array.resize(index + 1, Value::Null);
                }
                if is_last {
                    array[index] = value;
                    return Ok(());
                }
                cursor = &mut array[index];
            }
            Action::Append => {
                let Value::Array(array) = cursor else {
                    return Err(type_error(key, paths, i, cursor, "array"));
                };
                if is_last {
                    array.push(value);
                    return Ok(());
                }
                array.push(Value::Null);
                let last = array.len() - 1;
                cursor = &mut array[last];
            }
        }
    }
    Ok(())
}

/// Converts an index step to `usize`, refusing negative and absurdly large indexes.
fn checked_index(key: &str, path: &Path, index: &PyInt) -> Result<usize, NestedJsonError> {
    let column = path.number_span.map(|(start, _)| start);
    if index.negative {
        return Err(error(
            "Value",
            key,
            column,
            "Negative indexes are not supported.",
        ));
    }
    match index.digits.parse::<usize>() {
        Ok(n) if n <= MAX_INDEX => Ok(n),
        _ => Err(error(
            "Value",
            key,
            column,
            &format!("Indexes above {MAX_INDEX} are not supported."),
        )),
    }
}

/// HTTPie's type error: the step `paths[i]` needs a `required` container but found `found`.
fn type_error(
    key: &str,
    paths: &[Path],
    i: usize,
    found: &Value,
    required: &str,
) -> NestedJsonError {
    let operation = match paths[i].action {
        Action::Key(_) => "key",
        Action::Index(_) => "index",
        Action::Append => "append",
    };
    let so_far: String = paths[..i].iter().map(Path::reconstruct).collect();
    // Python type names as HTTPie maps them (`bool` and `NoneType` are not mapped).
    let found = match found {
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Null => "NoneType",
    };
    let message = format!(
        "Cannot perform '{operation}' based access on {} which has a type of '{found}' \
         but this operation requires a type of '{required}'.",
        py_repr(&so_far)
    );
    error("Type", key, paths[i].span.map(|(start, _)| start), &message)
}

/// Formats an error: `<Kind> error in '<key>' at column <N>: <HTTPie's message>`.
fn error(kind: &str, key: &str, column: Option<usize>, message: &str) -> NestedJsonError {
    let place = match column {
        Some(column) => format!(" at column {}", column + 1),
        None => String::new(),
    };
    NestedJsonError {
        message: format!("{kind} error in {}{place}: {message}", py_repr(key)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::items::{parse_item, Sep};
    use crate::json_text::to_python_json;
    use serde_json::json;

    /// Runs command-line items through `parse_item` and `interpret`, as `http` would, and
    /// returns the body as HTTPie would send it (`json.dumps`).
    fn body(args: &[&str]) -> Result<String, String> {
        let mut pairs = Vec::new();
        for arg in args {
            let item = parse_item(arg)?;
            let value = match item.sep {
                Sep::Data => Value::String(item.value),
                Sep::Json => serde_json::from_str(&item.value).map_err(|e| e.to_string())?,
                _ => continue,
            };
            pairs.push((item.key, value));
        }
        interpret(&pairs)
            .map(|v| to_python_json(&v))
            .map_err(|e| e.to_string())
    }

    /// HTTPie's `test_nested_json_syntax`, the nested-JSON examples of HTTPie's docs and Python
    /// `int()` edge cases. Expected bodies were produced by HTTPie 3.2.4 itself.
    const SYNTAX_CASES: &[(&[&str], &str)] = &[
        (
            &[
                r#"bottle-on-wall[]:=1"#,
                r#"bottle-on-wall[]:=2"#,
                r#"bottle-on-wall[]:=3"#,
            ],
            r#"{"bottle-on-wall": [1, 2, 3]}"#,
        ),
        (
            &[
                r#"pet[species]=Dahut"#,
                r#"pet[name]:="Hypatia""#,
                r#"kids[1]=Thelma"#,
                r#"kids[0]:="Ashley""#,
            ],
            r#"{"pet": {"species": "Dahut", "name": "Hypatia"}, "kids": ["Ashley", "Thelma"]}"#,
        ),
        (
            &[
                r#"pet[0][species]=Dahut"#,
                r#"pet[0][name]=Hypatia"#,
                r#"pet[1][species]=Felis Stultus"#,
                r#"pet[1][name]:="Billie""#,
            ],
            r#"{"pet": [{"species": "Dahut", "name": "Hypatia"}, {"species": "Felis Stultus", "name": "Billie"}]}"#,
        ),
        (
            &[r#"wow[such][deep][3][much][power][!]=Amaze"#],
            r#"{"wow": {"such": {"deep": [null, null, null, {"much": {"power": {"!": "Amaze"}}}]}}}"#,
        ),
        (
            &[
                r#"mix[]=scalar"#,
                r#"mix[2]=something"#,
                r#"mix[4]:="something 2""#,
            ],
            r#"{"mix": ["scalar", null, "something", null, "something 2"]}"#,
        ),
        (&[r#"highlander[]=one"#], r#"{"highlander": ["one"]}"#),
        (
            &[r#"error[good]=BOOM!"#, r#"error\[bad:="BOOM BOOM!""#],
            r#"{"error": {"good": "BOOM!"}, "error[bad": "BOOM BOOM!"}"#,
        ),
        (
            &[
                r#"special[]:=true"#,
                r#"special[]:=false"#,
                r#"special[]:="true""#,
                r#"special[]:=null"#,
            ],
            r#"{"special": [true, false, "true", null]}"#,
        ),
        (
            &[
                r#"\[\]:=1"#,
                r#"escape\[d\]:=1"#,
                r#"escaped\[\]:=1"#,
                r#"e\[s\][c][a][p][\[ed\]][]:=1"#,
            ],
            r#"{"[]": 1, "escape[d]": 1, "escaped[]": 1, "e[s]": {"c": {"a": {"p": {"[ed]": [1]}}}}}"#,
        ),
        (&[r#"[]:=1"#, r#"[]=foo"#], r#"[1, "foo"]"#),
        (
            &[r#"\]:=1"#, r#"\[\]1:=1"#, r#"\[1\]\]:=1"#],
            r#"{"]": 1, "[]1": 1, "[1]]": 1}"#,
        ),
        (
            &[
                r#"foo\[bar\][baz]:=1"#,
                r#"foo\[bar\]\[baz\]:=3"#,
                r#"foo[bar][\[baz\]]:=4"#,
            ],
            r#"{"foo[bar]": {"baz": 1}, "foo[bar][baz]": 3, "foo": {"bar": {"[baz]": 4}}}"#,
        ),
        (
            &[
                r#"key[]:=1"#,
                r#"key[][]:=2"#,
                r#"key[][][]:=3"#,
                r#"key[][][]:=4"#,
            ],
            r#"{"key": [1, [2], [[3]], [[4]]]}"#,
        ),
        (
            &[
                r#"x[0]:=1"#,
                r#"x[]:=2"#,
                r#"x[]:=3"#,
                r#"x[][]:=4"#,
                r#"x[][]:=5"#,
            ],
            r#"{"x": [1, 2, 3, [4], [5]]}"#,
        ),
        (
            &[
                r#"foo[bar][5][]:=5"#,
                r#"foo[bar][]:=6"#,
                r#"foo[bar][][]:=7"#,
                r#"foo[bar][][x]=dfasfdas"#,
                r#"foo[baz]:=[1, 2, 3]"#,
                r#"foo[baz][]:=4"#,
            ],
            r#"{"foo": {"bar": [null, null, null, null, null, [5], 6, [7], {"x": "dfasfdas"}], "baz": [1, 2, 3, 4]}}"#,
        ),
        (
            &[
                r#"foo[]:=1"#,
                r#"foo[]:=2"#,
                r#"foo[][key]=value"#,
                r#"foo[2][key 2]=value 2"#,
                r#"foo[2][key \[]=value 3"#,
                r#"bar[nesting][under][!][empty][?][\\key]:=4"#,
            ],
            r#"{"foo": [1, 2, {"key": "value", "key 2": "value 2", "key [": "value 3"}], "bar": {"nesting": {"under": {"!": {"empty": {"?": {"\\key": 4}}}}}}}"#,
        ),
        (
            &[
                r#"foo\[key\]:=1"#,
                r#"bar\[1\]:=2"#,
                r#"baz\[\]:3"#,
                r#"quux[key\[escape\]]:=4"#,
                r#"quux[key 2][\\][\\\\][\\\[\]\\\]\\\[\n\\]:=5"#,
            ],
            r#"{"foo[key]": 1, "bar[1]": 2, "quux": {"key[escape]": 4, "key 2": {"\\": {"\\\\": {"\\[]\\]\\[\\n\\": 5}}}}}"#,
        ),
        (
            &[r#"A[B\\]=C"#, r#"A[B\\\\]=C"#, r#"A[\B\\]=C"#],
            r#"{"A": {"B\\": "C", "B\\\\": "C", "\\B\\": "C"}}"#,
        ),
        (
            &[
                r#"name=python"#,
                r#"version:=3"#,
                r#"date[year]:=2021"#,
                r#"date[month]=December"#,
                r#"systems[]=Linux"#,
                r#"systems[]=Mac"#,
                r#"systems[]=Windows"#,
                r#"people[known_ids][1]:=1000"#,
                r#"people[known_ids][5]:=5000"#,
            ],
            r#"{"name": "python", "version": 3, "date": {"year": 2021, "month": "December"}, "systems": ["Linux", "Mac", "Windows"], "people": {"known_ids": [null, 1000, null, null, null, 5000]}}"#,
        ),
        (
            &[
                r#"foo[\1][type]=migration"#,
                r#"foo[\2][type]=migration"#,
                r#"foo[\dates]:=[2012, 2013]"#,
                r#"foo[\dates][0]:=2014"#,
                r#"foo[\2012 bleh]:=2013"#,
                r#"foo[bleh \2012]:=2014"#,
                r#"\2012[x]:=2"#,
                r#"\2012[\[3\]]:=4"#,
            ],
            r#"{"foo": {"1": {"type": "migration"}, "2": {"type": "migration"}, "\\dates": [2014, 2013], "\\2012 bleh": 2013, "bleh \\2012": 2014}, "2012": {"x": 2, "[3]": 4}}"#,
        ),
        (
            &[
                r#"a[\0]:=0"#,
                r#"a[\\1]:=1"#,
                r#"a[\\\2]:=2"#,
                r#"a[\\\\\3]:=3"#,
                r#"a[-1\\]:=-1"#,
                r#"a[-2\\\\]:=-2"#,
                r#"a[\\-3\\\\]:=-3"#,
            ],
            r#"{"a": {"0": 0, "\\1": 1, "\\\\2": 2, "\\\\\\3": 3, "-1\\": -1, "-2\\\\": -2, "\\-3\\\\": -3}}"#,
        ),
        (
            &[r#"[]:=0"#, r#"[]:=1"#, r#"[5]:=5"#, r#"[]:=6"#, r#"[9]:=9"#],
            r#"[0, 1, null, null, null, 5, 6, null, null, 9]"#,
        ),
        (
            &[r#"=empty"#, r#"foo=bar"#, r#"bar[baz][quux]=tuut"#],
            r#"{"": "empty", "foo": "bar", "bar": {"baz": {"quux": "tuut"}}}"#,
        ),
        (
            &[
                r#"\1=top level int"#,
                r#"\\1=escaped top level int"#,
                r#"\2[\3][\4]:=5"#,
            ],
            r#"{"1": "top level int", "\\1": "escaped top level int", "2": {"3": {"4": 5}}}"#,
        ),
        (
            &[r#":={"foo": {"bar": "baz"}}"#, r#"top=val"#],
            r#"{"": {"foo": {"bar": "baz"}}, "top": "val"}"#,
        ),
        (
            &[r#"[][a][b][]:=1"#, r#"[0][a][b][]:=2"#, r#"[][]:=2"#],
            r#"[{"a": {"b": [1, 2]}}, [2]]"#,
        ),
        (&[r#":=[1,2,3]"#], r#"{"": [1, 2, 3]}"#),
        (
            &[r#":=[1,2,3]"#, r#"foo=bar"#],
            r#"{"": [1, 2, 3], "foo": "bar"}"#,
        ),
        (
            &[
                r#"category=tools"#,
                r#"search[type]=id"#,
                r#"search[id]:=1"#,
            ],
            r#"{"category": "tools", "search": {"type": "id", "id": 1}}"#,
        ),
        (
            &[r#"search[keywords][1]=APIs"#, r#"search[keywords][0]=CLI"#],
            r#"{"search": {"keywords": ["CLI", "APIs"]}}"#,
        ),
        (
            &[r#"p[]=Terminal"#, r#"p[1]=Desktop"#, r#"p[3]=Mobile"#],
            r#"{"p": ["Terminal", "Desktop", null, "Mobile"]}"#,
        ),
        (&[r#"[]:=1"#, r#"[]:=2"#, r#"[]:=3"#], r#"[1, 2, 3]"#),
        (
            &[
                r#"[0][type]=platform"#,
                r#"[0][name]=terminal"#,
                r#"[1][type]=platform"#,
            ],
            r#"[{"type": "platform", "name": "terminal"}, {"type": "platform"}]"#,
        ),
        (
            &[r#"foo\[bar\]:=1"#, r#"baz[\[]:=2"#, r#"baz[\]]:=3"#],
            r#"{"foo[bar]": 1, "baz": {"[": 2, "]": 3}}"#,
        ),
        (&[r#"backslash[\\]:=1"#], r#"{"backslash": {"\\": 1}}"#),
        (
            &[
                r#"object[\1]=stringified"#,
                r#"object[\100]=same"#,
                r#"array[1]=indexified"#,
            ],
            r#"{"object": {"1": "stringified", "100": "same"}, "array": [null, "indexified"]}"#,
        ),
        (
            &[r#"x[0]:=1"#, r#"x[]:=2"#, r#"x[][]:=4"#],
            r#"{"x": [1, 2, [4]]}"#,
        ),
        (&[r#"p:=["A"]"#, r#"p[]=B"#], r#"{"p": ["A", "B"]}"#),
        (
            &[r#"user[name]:=411"#, r#"user[name]=string"#],
            r#"{"user": {"name": "string"}}"#,
        ),
        (
            &[r#"a=1"#, r#"a=2"#, r#"=empty"#],
            r#"{"a": "2", "": "empty"}"#,
        ),
        (&[r#"a=1"#, r#"b=2"#, r#"a=3"#], r#"{"a": "3", "b": "2"}"#),
        (
            &[r#"name=é"#, r#"f:=1.0"#, r#"e:=1E2"#],
            r#"{"name": "\u00e9", "f": 1.0, "e": 100.0}"#,
        ),
        (
            &[r#"a[+1]=x"#, r#"b[ 2 ]=y"#, r#"c[1_0]=z"#],
            r#"{"a": [null, "x"], "b": [null, null, "y"], "c": [null, null, null, null, null, null, null, null, null, null, "z"]}"#,
        ),
        (
            &[r#"a[１]=x"#, r#"b[٣]=y"#, r#"c[00]=z"#, r#"d[-0]=w"#],
            r#"{"a": [null, "x"], "b": [null, null, null, "y"], "c": ["z"], "d": ["w"]}"#,
        ),
        (
            &[
                r#"007=a"#,
                r#"+5=b"#,
                r#" 6 =c"#,
                r#"-0=d"#,
                r#"１=e"#,
                r#"\+5=f"#,
                r#"\ 6=g"#,
                r#"1__0=h"#,
                r#"_1=i"#,
                r#"1_=j"#,
            ],
            r#"{"7": "a", "5": "b", "6": "c", "0": "d", "1": "e", "+5": "f", " 6": "g", "1__0": "h", "_1": "i", "1_": "j"}"#,
        ),
        (
            &[
                r#"a[\+1]=x"#,
                r#"a[\ 1]=y"#,
                r#"a[1__0]=z"#,
                r#"a[0x1]=w"#,
                r#"a[\1_0]=v"#,
            ],
            r#"{"a": {"+1": "x", " 1": "y", "1__0": "z", "0x1": "w", "1_0": "v"}}"#,
        ),
        (
            &[
                r#"it's[a"b]=1"#,
                r#"k\x=2"#,
                r#"tab	here=3"#,
                r#"a[b c]=4"#,
                r#"  x  =5"#,
            ],
            r#"{"it's": {"a\"b": "1"}, "k\\x": "2", "tab\there": "3", "a": {"b c": "4"}, "  x  ": "5"}"#,
        ),
        (
            &[r#"ö[ü][]=€"#, r#"x[😀]:="😀""#],
            r#"{"\u00f6": {"\u00fc": ["\u20ac"]}, "x": {"\ud83d\ude00": "\ud83d\ude00"}}"#,
        ),
        (
            &[
                r#"a[]:=[]"#,
                r#"a[][]:=1"#,
                r#"b:={}"#,
                r#"c:=[]"#,
                r#"c[0]:=1"#,
            ],
            r#"{"a": [[], [1]], "b": {}, "c": [1]}"#,
        ),
    ];

    /// HTTPie's `test_nested_json_errors` and more; columns are HTTPie's caret positions + 1.
    const ERROR_CASES: &[(&[&str], &str)] = &[
        (
            &[r#"A[:=1"#],
            r#"Syntax error in 'A[' at column 3: Expecting a text, a number or ']'"#,
        ),
        (
            &[r#"A[1:=1"#],
            r#"Syntax error in 'A[1' at column 4: Expecting ']'"#,
        ),
        (
            &[r#"A[text:=1"#],
            r#"Syntax error in 'A[text' at column 7: Expecting ']'"#,
        ),
        (
            &[r#"A[text][:=1"#],
            r#"Syntax error in 'A[text][' at column 9: Expecting a text, a number or ']'"#,
        ),
        (
            &[
                r#"A[key]=value"#,
                r#"B[something]=u"#,
                r#"A[text][:=1"#,
                r#"C[key]=value"#,
            ],
            r#"Syntax error in 'A[text][' at column 9: Expecting a text, a number or ']'"#,
        ),
        (
            &[r#"A[text]1:=1"#],
            r#"Syntax error in 'A[text]1' at column 8: Expecting '['"#,
        ),
        (
            &[r#"A\[]:=1"#],
            r#"Syntax error in 'A\\[]' at column 4: Expecting '['"#,
        ),
        (
            &[r#"A[something\]:=1"#],
            r#"Syntax error in 'A[something\\]' at column 14: Expecting ']'"#,
        ),
        (
            &[r#"foo\[bar\]\\[   bleh:=1"#],
            r#"Syntax error in 'foo\\[bar\\]\\\\[   bleh' at column 21: Expecting ']'"#,
        ),
        (
            &[r#"foo\[bar\]\\[   bleh   :=1"#],
            r#"Syntax error in 'foo\\[bar\\]\\\\[   bleh   ' at column 24: Expecting ']'"#,
        ),
        (
            &[r#"foo[bar][1]][]:=2"#],
            r#"Syntax error in 'foo[bar][1]][]' at column 12: Expecting '['"#,
        ),
        (
            &[r#"foo[bar][1]something[]:=2"#],
            r#"Syntax error in 'foo[bar][1]something[]' at column 12: Expecting '['"#,
        ),
        (
            &[r#"foo[bar][1][142241[]:=2"#],
            r#"Syntax error in 'foo[bar][1][142241[]' at column 19: Expecting ']'"#,
        ),
        (
            &[r#"foo[bar][1]\[142241[]:=2"#],
            r#"Syntax error in 'foo[bar][1]\\[142241[]' at column 12: Expecting '['"#,
        ),
        (
            &[r#"foo=1"#, r#"foo[key]:=2"#],
            r#"Type error in 'foo[key]' at column 4: Cannot perform 'key' based access on 'foo' which has a type of 'string' but this operation requires a type of 'object'."#,
        ),
        (
            &[r#"foo=1"#, r#"foo[0]:=2"#],
            r#"Type error in 'foo[0]' at column 4: Cannot perform 'index' based access on 'foo' which has a type of 'string' but this operation requires a type of 'array'."#,
        ),
        (
            &[r#"foo=1"#, r#"foo[]:=2"#],
            r#"Type error in 'foo[]' at column 4: Cannot perform 'append' based access on 'foo' which has a type of 'string' but this operation requires a type of 'array'."#,
        ),
        (
            &[
                r#"data[key]=value"#,
                r#"data[key 2]=value 2"#,
                r#"data[0]=value"#,
            ],
            r#"Type error in 'data[0]' at column 5: Cannot perform 'index' based access on 'data' which has a type of 'object' but this operation requires a type of 'array'."#,
        ),
        (
            &[
                r#"data[key]=value"#,
                r#"data[key 2]=value 2"#,
                r#"data[]=value"#,
            ],
            r#"Type error in 'data[]' at column 5: Cannot perform 'append' based access on 'data' which has a type of 'object' but this operation requires a type of 'array'."#,
        ),
        (
            &[
                r#"foo[bar][baz][5]:=[1,2,3]"#,
                r#"foo[bar][baz][5][]:=4"#,
                r#"foo[bar][baz][key][]:=5"#,
            ],
            r#"Type error in 'foo[bar][baz][key][]' at column 14: Cannot perform 'key' based access on 'foo[bar][baz]' which has a type of 'array' but this operation requires a type of 'object'."#,
        ),
        (
            &[r#"foo[-10]:=[1,2]"#],
            r#"Value error in 'foo[-10]' at column 5: Negative indexes are not supported."#,
        ),
        (
            &[r#"foo[0]:=1"#, r#"foo[]:=2"#, r#"foo[\2]:=3"#],
            r#"Type error in 'foo[\\2]' at column 4: Cannot perform 'key' based access on 'foo' which has a type of 'array' but this operation requires a type of 'object'."#,
        ),
        (
            &[r#"foo[\1]:=2"#, r#"foo[5]:=3"#],
            r#"Type error in 'foo[5]' at column 4: Cannot perform 'index' based access on 'foo' which has a type of 'object' but this operation requires a type of 'array'."#,
        ),
        (
            &[r#"x=y"#, r#"[]:=2"#],
            r#"Type error in '[]' at column 1: Cannot perform 'append' based access on '' which has a type of 'object' but this operation requires a type of 'array'."#,
        ),
        (
            &[r#"[]:=2"#, r#"x=y"#],
            r#"Type error in 'x' at column 1: Cannot perform 'key' based access on '' which has a type of 'array' but this operation requires a type of 'object'."#,
        ),
        (
            &[r#":=[1,2,3]"#, r#"[]:=4"#],
            r#"Type error in '[]' at column 1: Cannot perform 'append' based access on '' which has a type of 'object' but this operation requires a type of 'array'."#,
        ),
        (
            &[r#"[]:=4"#, r#":=[1,2,3]"#],
            r#"Type error in '': Cannot perform 'key' based access on '' which has a type of 'array' but this operation requires a type of 'object'."#,
        ),
        (
            &[r#"a[b=1"#],
            r#"Syntax error in 'a[b' at column 4: Expecting ']'"#,
        ),
        (
            &[r#"x[-1]=1"#],
            r#"Value error in 'x[-1]' at column 3: Negative indexes are not supported."#,
        ),
        (
            &[r#"[-1]=1"#],
            r#"Value error in '[-1]' at column 2: Negative indexes are not supported."#,
        ),
        (
            &[r#"a:=true"#, r#"a[b]=1"#],
            r#"Type error in 'a[b]' at column 2: Cannot perform 'key' based access on 'a' which has a type of 'bool' but this operation requires a type of 'object'."#,
        ),
        (
            &[r#"a:=1.5"#, r#"a[0]=1"#],
            r#"Type error in 'a[0]' at column 2: Cannot perform 'index' based access on 'a' which has a type of 'number' but this operation requires a type of 'array'."#,
        ),
        (
            &[r#"]=1"#],
            r#"Syntax error in ']' at column 1: Expecting a text, a number or '['"#,
        ),
        (
            &[r#"[a]=1"#],
            r#"Syntax error in '[a]' at column 2: Expecting a number or ']'"#,
        ),
        (
            &[r#"[=1"#],
            r#"Syntax error in '[' at column 2: Expecting a number or ']'"#,
        ),
        (
            &[r#"a[b]c=1"#],
            r#"Syntax error in 'a[b]c' at column 5: Expecting '['"#,
        ),
        (
            &[r#"a[]]=1"#],
            r#"Syntax error in 'a[]]' at column 4: Expecting '['"#,
        ),
        (
            &[r#"it's[=1"#],
            r#"Syntax error in "it's[" at column 6: Expecting a text, a number or ']'"#,
        ),
        (
            &[r#"a=1"#, r#"a[it's]=2"#],
            r#"Type error in "a[it's]" at column 2: Cannot perform 'key' based access on 'a' which has a type of 'string' but this operation requires a type of 'object'."#,
        ),
        (
            &[r#"[0]:=1"#, r#"[0][]:=2"#],
            r#"Type error in '[0][]' at column 4: Cannot perform 'append' based access on '[0]' which has a type of 'number' but this operation requires a type of 'array'."#,
        ),
        (
            &[r#"a[0]:=1"#, r#"a[0][x]:=2"#],
            r#"Type error in 'a[0][x]' at column 5: Cannot perform 'key' based access on 'a[0]' which has a type of 'number' but this operation requires a type of 'object'."#,
        ),
        (
            &[r#"é[ü=1"#],
            r#"Syntax error in 'é[ü' at column 4: Expecting ']'"#,
        ),
        (
            &[r#"😀[x=1"#],
            r#"Syntax error in '😀[x' at column 4: Expecting ']'"#,
        ),
    ];

    #[test]
    fn httpie_syntax_cases() {
        for (args, expected) in SYNTAX_CASES {
            assert_eq!(body(args).as_deref(), Ok(*expected), "{args:?}");
        }
    }

    #[test]
    fn httpie_error_cases() {
        for (args, expected) in ERROR_CASES {
            assert_eq!(body(args), Err(expected.to_string()), "{args:?}");
        }
    }

    /// The `test_nested_json_syntax` case that embeds files (`=@`, `:=@`).
    #[test]
    fn file_values() {
        let text = json!("John is a nice guy who likes pies.\n");
        let data = json!({"name": "Jakub", "ok": true});
        let pairs = [
            ("x".to_string(), text.clone()),
            ("y[z]".to_string(), text.clone()),
            ("q[u][]".to_string(), data.clone()),
        ];
        let expected = json!({"x": text, "y": {"z": text}, "q": {"u": [data]}});
        assert_eq!(
            interpret(&pairs).map(|v| to_python_json(&v)),
            Ok(to_python_json(&expected))
        );
    }

    #[test]
    fn no_items_is_an_empty_object() {
        assert_eq!(interpret(&[]), Ok(json!({})));
    }

    /// Deliberate fix: HTTPie drops `y` here (see README, "Syntax").
    #[test]
    fn raw_json_objects_can_be_extended() {
        assert_eq!(
            body(&[r#"a:={"x":1}"#, "a[y]:=2"]).as_deref(),
            Ok(r#"{"a": {"x": 1, "y": 2}}"#)
        );
        assert_eq!(
            body(&[r#"a:={"x":1}"#, "a[x]:=2"]).as_deref(),
            Ok(r#"{"a": {"x": 2}}"#)
        );
        assert_eq!(
            body(&["a:={}", "a[b]=1"]).as_deref(),
            Ok(r#"{"a": {"b": "1"}}"#)
        );
    }

    /// Deliberate fix: HTTPie replaces the whole body with `{"b": "1"}` / `["1"]` here.
    #[test]
    fn null_values_are_filled_like_gaps() {
        assert_eq!(
            body(&["x=1", "a:=null", "a[b]=1"]).as_deref(),
            Ok(r#"{"x": "1", "a": {"b": "1"}}"#)
        );
        assert_eq!(
            body(&["a:=null", "a[0]=1"]).as_deref(),
            Ok(r#"{"a": ["1"]}"#)
        );
        assert_eq!(
            body(&["a[2]:=1", "a[0][]=x"]).as_deref(),
            Ok(r#"{"a": [["x"], null, 1]}"#)
        );
    }

    #[test]
    fn huge_indexes_are_refused() {
        assert_eq!(
            body(&["a[1000000]:=1"]).map(|b| b.len()),
            Ok("{\"a\": [".len() + 6 * 1_000_000 + 1 + "]}".len())
        );
        assert_eq!(
            body(&["a[1000001]=x"]),
            Err("Value error in 'a[1000001]' at column 3: \
                 Indexes above 1000000 are not supported."
                .into())
        );
        assert!(body(&["a[99999999999999999999999999999]=x"]).is_err());
    }

    #[test]
    fn deep_keys_are_refused() {
        let ok = format!("a{}", "[]".repeat(MAX_DEPTH - 1));
        let body = interpret(&[(ok, json!(1))]).map(|v| to_python_json(&v));
        assert_eq!(body.map(|b| b.len()), Ok(2 * MAX_DEPTH + 6));
        let deep = format!("a{}", "[]".repeat(50_000));
        let err = interpret(&[(deep, json!(1))]).unwrap_err();
        assert!(err.message.starts_with("Value error in 'a[][]"));
        assert!(err.message.ends_with(&format!(
            "at column {}: Keys deeper than 900 levels are not supported.",
            2 * MAX_DEPTH
        )));
    }

    #[test]
    fn tokenizer_details() {
        // A trailing backslash is kept (HTTPie crashes with an IndexError).
        let trailing = interpret(&[("a\\".to_string(), json!(1))]);
        assert_eq!(trailing, Ok(json!({"a\\": 1})));
        // Non-special escapes keep their backslash; `\\` is one backslash.
        let pairs = [(r"a\b[\\]".to_string(), json!(1))];
        assert_eq!(interpret(&pairs), Ok(json!({r"a\b": {"\\": 1}})));
        // More than 4300 digits is not a Python int: a text key.
        let long = "1".repeat(4301);
        let pairs = [(format!("a[{long}]"), json!(1))];
        assert_eq!(interpret(&pairs), Ok(json!({"a": {long: 1}})));
        assert_eq!(
            parse_py_int(" -0_1 ").map(|n| n.to_string()),
            Some("-1".into())
        );
        assert_eq!(parse_py_int("-"), None);
        assert_eq!(parse_py_int(""), None);
        assert_eq!(parse_py_int("+-1"), None);
    }

    #[test]
    fn error_display_is_the_message() {
        let err = interpret(&[("a[b".to_string(), json!(1))]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Syntax error in 'a[b' at column 4: Expecting ']'"
        );
        let boxed: Box<dyn std::error::Error> = Box::new(err);
        assert!(!boxed.to_string().contains('\n'));
    }

    /// Odd keys never panic, and every error is one line.
    #[test]
    fn no_panics_on_odd_input() {
        let pieces = [
            "", "[", "]", "\\", "a", "0", "-1", "é", " ", "_", "１", "😀",
        ];
        let values = [
            json!(null),
            json!("s"),
            json!([1]),
            json!({"k": 1}),
            json!(true),
        ];
        let mut keys = Vec::new();
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        keys.push(format!("{a}{b}{c}{d}"));
                    }
                }
            }
        }
        for (i, key) in keys.iter().enumerate() {
            let previous = &keys[(i * 7919) % keys.len()];
            let pairs = [
                (previous.clone(), values[i % values.len()].clone()),
                (key.clone(), values[(i / 5) % values.len()].clone()),
            ];
            if let Err(e) = interpret(&pairs) {
                assert!(!e.message.contains('\n'), "{e}");
            }
        }
    }
}
