//! JSON body pretty-printing, compatible with HTTPie's `--pretty=format`, and streaming.
//!
//! HTTPie parses the whole body, then prints `json.dumps(obj, indent=4, sort_keys=True,
//! ensure_ascii=False)`. We print the same text without building a tree: tokens are rendered
//! as they arrive (`engine` reads, `render` writes), so memory stays bounded by the
//! largest object being key-sorted, whatever the size of the body.
//!
//! **Invalid JSON is never an error**: HTTPie prints an invalid body unchanged. A streaming
//! formatter cannot know a body is valid before its end, so we compromise. The first
//! [`VALIDATION_WINDOW`] bytes are kept and checked (a grammar-only pass) before anything is
//! written. A body that fits in the window is therefore fully validated first and printed
//! unchanged if invalid, exactly like HTTPie. In a larger body, an error found after the window
//! ends the formatted part: the current line is finished (unless blank) and the rest of the
//! input, from the unrendered part of the bad token on, is copied raw. The output then holds
//! the whole body, partly reformatted. A truncated body keeps what was formatted.
//!
//! **XSSI prefixes**: like HTTPie's `load_prefixed_json`, when the body as a whole is not JSON,
//! everything before the first `{`, `[` or `"` (e.g. `)]}',\n` or `while(1);`) is a prefix,
//! written verbatim, and the rest is formatted.
//!
//! **Differences from HTTPie**, all deliberate:
//! - Numbers are copied as written (Python prints `1e5` as `100000.0`, `1.50` as `1.5`).
//! - Members with the same key keep their input order (Python compares their values, and
//!   crashes when it cannot).
//! - Lone surrogate escapes (`"\ud800"`) stay escaped: UTF-8 cannot carry them (Python keeps
//!   them as characters, then fails to print them).
//! - Bytes that are not UTF-8 inside strings pass through (HTTPie decodes the body first,
//!   replacing them).
//! - The prefix is only looked for at the start (HTTPie's search runs anywhere, so `["a"`
//!   prints as `a"a"`).
//! - Sorting stops for the outermost objects when the open ones buffer more than 16 MiB
//!   together, or when more than 512 are nested: their members keep input order from then on.
//! - Numbers longer than 1 MiB are invalid (so are integers over 4300 digits, as in Python).

use std::io::{self, Write};

use colored_json::Styler;

// The helper files sit next to this one and are private to it, so that declaring
// `pub mod json;` is all the wiring needed. The palette is shared with colours-only mode
// (`super::json_colors`), so that both colour a token with the same bytes.
mod engine;
mod palette;
mod render;

use engine::Engine;
pub(super) use palette::{Lit, Palette};
use render::ends_blank_line;

/// Input validated before anything is written, so that an invalid body can be printed unchanged.
pub const VALIDATION_WINDOW: usize = 1 << 20;

/// Largest piece of input handed to the engine at once.
const PIECE: usize = 64 << 10;

/// How to format JSON (HTTPie's `json.indent`, `json.sort_keys` and the colour scheme).
#[derive(Clone)]
pub struct JsonStyle {
    /// Spaces per level; 0 still puts every item on its own line (as Python does).
    pub indent: usize,
    /// Sort object members by key (Python's order: by code point). Duplicate keys are kept,
    /// in input order. Objects whose buffered members exceed 16 MiB (all open objects
    /// together) are not sorted: they are written in input order from then on.
    pub sort_keys: bool,
    /// Colours (`Styler::default()` is colored_json's palette); `None` writes no ANSI codes.
    pub palette: Option<Styler>,
}

impl Default for JsonStyle {
    /// HTTPie's defaults: `json.indent:4,json.sort_keys:true`, no colours.
    fn default() -> Self {
        JsonStyle {
            indent: 4,
            sort_keys: true,
            palette: None,
        }
    }
}

/// Formats `input` as a whole; `None` when it is not a single JSON value (after an optional
/// XSSI prefix), in which case the caller prints it unchanged. NDJSON is invalid here: call
/// this once per line instead. The input is validated before any output is built.
pub fn format_json(input: &[u8], style: &JsonStyle) -> Option<Vec<u8>> {
    let prefix_len = PrefixSniffer::default().find(input, true).unwrap_or(0);
    let (prefix, body) = input.split_at(prefix_len.min(input.len()));
    if !is_valid(body) {
        return None;
    }
    let mut engine = formatting_engine(style);
    let mut out = Vec::with_capacity(input.len().saturating_mul(2));
    out.extend_from_slice(prefix);
    let take = |o: &mut Vec<u8>| {
        out.append(o);
        Ok(())
    };
    match pump(&mut engine, body, take) {
        Ok(Fed::Done) if engine.finish() => {
            out.append(engine.out());
            Some(out)
        }
        _ => None,
    }
}

fn formatting_engine(style: &JsonStyle) -> Engine {
    Engine::new(
        style.indent,
        style.sort_keys,
        Palette::new(style.palette.as_ref()),
    )
}

/// An engine that only checks the grammar: no colour, no sorting, output thrown away.
fn checking_engine() -> Engine {
    Engine::new(0, false, Palette::new(None))
}

fn is_valid(body: &[u8]) -> bool {
    let mut checker = checking_engine();
    let discard = |o: &mut Vec<u8>| {
        o.clear();
        Ok(())
    };
    matches!(pump(&mut checker, body, discard), Ok(Fed::Done)) && checker.finish()
}

/// How feeding a run of input ended.
enum Fed {
    Done,
    /// Invalid input at this index.
    Invalid(usize),
}

/// Feeds `bytes` to `engine`, handing its output to `take` whenever it fills up.
fn pump(
    engine: &mut Engine,
    bytes: &[u8],
    mut take: impl FnMut(&mut Vec<u8>) -> io::Result<()>,
) -> io::Result<Fed> {
    let mut done = 0;
    while done < bytes.len() {
        let rest = bytes.get(done..).unwrap_or_default();
        match engine.feed(rest) {
            Ok(n) => done += n,
            Err(at) => return Ok(Fed::Invalid(done + at)),
        }
        take(engine.out())?;
    }
    Ok(Fed::Done)
}

enum State {
    /// Looking for an XSSI prefix before the JSON starts.
    Sniff,
    /// Checking the first bytes (kept in `head`) before formatting them.
    Validate,
    Format,
    /// Invalid input: the rest is copied unchanged.
    Raw,
}

/// Push-based streaming formatter: feed the body with [`JsonFormatter::write`] as it arrives,
/// then call [`JsonFormatter::finish`]. Output is written to `out` as it is produced (once the
/// validation window has passed), without a trailing newline.
pub struct JsonFormatter<W: Write> {
    out: W,
    engine: Engine,
    /// Grammar-only engine for the validation window.
    checker: Engine,
    state: State,
    prefix: PrefixSniffer,
    prefix_len: usize,
    /// The input while validating, to print it unchanged if invalid.
    head: Vec<u8>,
    window: usize,
    /// Whether the bytes written to `out` so far end with a blank line (or are none).
    blank_line: bool,
}

impl<W: Write> JsonFormatter<W> {
    pub fn new(out: W, style: JsonStyle) -> Self {
        Self::with_window(out, &style, VALIDATION_WINDOW)
    }

    fn with_window(out: W, style: &JsonStyle, window: usize) -> Self {
        JsonFormatter {
            out,
            engine: formatting_engine(style),
            checker: checking_engine(),
            state: State::Sniff,
            prefix: PrefixSniffer::default(),
            prefix_len: 0,
            head: Vec::new(),
            window,
            blank_line: true,
        }
    }

    /// Feeds the next bytes of the body.
    pub fn write(&mut self, chunk: &[u8]) -> io::Result<()> {
        match self.state {
            State::Raw => self.out.write_all(chunk),
            State::Format => self.format(chunk),
            State::Validate => {
                let from = self.head.len();
                self.head.extend_from_slice(chunk);
                self.validate(from)
            }
            State::Sniff => {
                self.head.extend_from_slice(chunk);
                let full = self.head.len() >= self.window;
                match self.prefix.find(&self.head, full) {
                    Some(len) => self.start_validating(len),
                    None => Ok(()),
                }
            }
        }
    }

    /// End of the body: writes what is left and returns the writer (flushed).
    pub fn finish(mut self) -> io::Result<W> {
        if let State::Sniff = self.state {
            let len = self.prefix.find(&self.head, true).unwrap_or(0);
            self.start_validating(len)?;
        }
        if let State::Validate = self.state {
            if self.checker.finish() {
                self.start_formatting()?;
            } else {
                self.print_head_raw()?;
            }
        }
        if let State::Format = self.state {
            if self.engine.finish() {
                self.drain()?;
            } else {
                self.fail(&[])?;
            }
        }
        self.out.flush()?;
        Ok(self.out)
    }

    fn start_validating(&mut self, prefix_len: usize) -> io::Result<()> {
        self.state = State::Validate;
        self.prefix_len = prefix_len.min(self.head.len());
        self.validate(self.prefix_len)
    }

    /// Checks `head[from..]`; starts formatting once the window is passed.
    fn validate(&mut self, from: usize) -> io::Result<()> {
        let discard = |o: &mut Vec<u8>| {
            o.clear();
            Ok(())
        };
        let new = self.head.get(from..).unwrap_or_default();
        match pump(&mut self.checker, new, discard)? {
            Fed::Invalid(_) => self.print_head_raw(),
            Fed::Done if self.head.len() > self.window => self.start_formatting(),
            Fed::Done => Ok(()),
        }
    }

    /// The kept input is valid so far: formats it, then goes on streaming.
    fn start_formatting(&mut self) -> io::Result<()> {
        self.state = State::Format;
        self.checker = checking_engine();
        let head = std::mem::take(&mut self.head);
        let (prefix, body) = head.split_at(self.prefix_len.min(head.len()));
        self.engine.out().extend_from_slice(prefix);
        self.format(body)
    }

    fn print_head_raw(&mut self) -> io::Result<()> {
        self.state = State::Raw;
        let head = std::mem::take(&mut self.head);
        self.out.write_all(&head)
    }

    fn format(&mut self, chunk: &[u8]) -> io::Result<()> {
        for (n, piece) in chunk.chunks(PIECE).enumerate() {
            let (out, blank_line) = (&mut self.out, &mut self.blank_line);
            let drain = |o: &mut Vec<u8>| {
                *blank_line = ends_blank_line(*blank_line, o);
                out.write_all(o)?;
                o.clear();
                Ok(())
            };
            if let Fed::Invalid(at) = pump(&mut self.engine, piece, drain)? {
                self.fail(piece.get(at..).unwrap_or_default())?;
                let rest = chunk.get((n + 1) * PIECE..).unwrap_or_default();
                return self.out.write_all(rest);
            }
        }
        self.drain()
    }

    /// The input turned out invalid after formatting began; `tail` is the rest of the current
    /// piece from the error on.
    fn fail(&mut self, tail: &[u8]) -> io::Result<()> {
        self.state = State::Raw;
        self.engine.abort(self.blank_line, !tail.is_empty());
        self.drain()?;
        self.out.write_all(tail)
    }

    /// Writes the rendered output so far.
    fn drain(&mut self) -> io::Result<()> {
        let out = self.engine.out();
        self.blank_line = ends_blank_line(self.blank_line, out);
        self.out.write_all(out)?;
        out.clear();
        Ok(())
    }
}

/// Finds where the JSON starts, HTTPie style: the body is tried whole first, then with the
/// leading run of characters other than `{`, `[` and `"` taken as a prefix.
///
/// Both readings coincide when the first non-blank byte opens an object, array or string, and
/// when the body has no such byte at all (only a bare number or literal can then be valid).
/// Otherwise the whole body cannot be JSON, so the prefix reading is the only one left.
#[derive(Default)]
struct PrefixSniffer {
    scanned: usize,
    /// A non-whitespace byte other than `{["` has been seen.
    started: bool,
}

impl PrefixSniffer {
    /// Scans the new bytes of `head`: the prefix length once known. `complete` means no more
    /// bytes will be looked at (end of input or window full): no prefix then.
    fn find(&mut self, head: &[u8], complete: bool) -> Option<usize> {
        while let Some(&b) = head.get(self.scanned) {
            if matches!(b, b'{' | b'[' | b'"') {
                return Some(if self.started { self.scanned } else { 0 });
            }
            self.started |= !matches!(b, b' ' | b'\t' | b'\n' | b'\r');
            self.scanned += 1;
        }
        complete.then_some(0)
    }
}

#[cfg(test)]
mod tests {
    //! Expected texts come from Python 3.11: `json.dumps(json.loads(doc), indent=N,
    //! sort_keys=True, ensure_ascii=False)` (HTTPie 3.2.4's formatter), unless noted.

    use super::*;
    use colored_json::{Color, ColorMode, Style, ToColoredJson};

    fn style(indent: usize, sort_keys: bool) -> JsonStyle {
        JsonStyle {
            indent,
            sort_keys,
            palette: None,
        }
    }

    /// Whole-body formatting as text (`None` when invalid).
    fn fmt(doc: &str, style: &JsonStyle) -> Option<String> {
        format_json(doc.as_bytes(), style).map(|out| String::from_utf8(out).expect("UTF-8 output"))
    }

    /// Streams `doc` in `chunk`-byte writes, with the given validation window and sort cap.
    fn stream_with(
        doc: &[u8],
        style: &JsonStyle,
        chunk: usize,
        window: usize,
        cap: usize,
    ) -> Vec<u8> {
        let mut f = JsonFormatter::with_window(Vec::new(), style, window);
        f.engine.set_sort_cap(cap);
        for piece in doc.chunks(chunk.max(1)) {
            f.write(piece).expect("writing to a Vec");
        }
        f.finish().expect("writing to a Vec")
    }

    fn stream(doc: &[u8], style: &JsonStyle, chunk: usize) -> Vec<u8> {
        stream_with(doc, style, chunk, VALIDATION_WINDOW, engine_cap())
    }

    fn engine_cap() -> usize {
        render::SORT_CAP
    }

    /// Checks `doc` against Python's text, whole and streamed in several chunkings.
    fn check(doc: &str, style: &JsonStyle, want: &str) {
        assert_eq!(fmt(doc, style).as_deref(), Some(want), "whole: {doc:?}");
        for chunk in [1, 2, 3, 7, 64, usize::MAX] {
            let got = stream(doc.as_bytes(), style, chunk);
            assert_eq!(
                String::from_utf8_lossy(&got),
                want,
                "chunk {chunk}: {doc:?}"
            );
        }
    }

    /// Invalid `doc`: `None` from `format_json`, printed unchanged when streamed.
    fn check_raw(doc: &[u8]) {
        for sort in [true, false] {
            let style = style(4, sort);
            assert_eq!(
                format_json(doc, &style),
                None,
                "{:?}",
                String::from_utf8_lossy(doc)
            );
            for chunk in [1, 5, usize::MAX] {
                assert_eq!(stream(doc, &style, chunk), doc, "chunk {chunk}");
            }
        }
    }

    #[test]
    fn nested_sorted_like_python() {
        let doc = r#"{"b": 1, "a": {"y": [1, 2, {}], "x": null}, "c": [[], {}, [[]]]}"#;
        let want = "{\n    \"a\": {\n        \"x\": null,\n        \"y\": [\n            1,\n            2,\n            {}\n        ]\n    },\n    \"b\": 1,\n    \"c\": [\n        [],\n        {},\n        [\n            []\n        ]\n    ]\n}";
        check(doc, &JsonStyle::default(), want);
    }

    #[test]
    fn unsorted_keeps_input_order() {
        let doc = r#"{"b": 1, "a": {"y": [1, 2, {}], "x": null}, "c": [[], {}, [[]]]}"#;
        let want = "{\n    \"b\": 1,\n    \"a\": {\n        \"y\": [\n            1,\n            2,\n            {}\n        ],\n        \"x\": null\n    },\n    \"c\": [\n        [],\n        {},\n        [\n            []\n        ]\n    ]\n}";
        check(doc, &style(4, false), want);
    }

    #[test]
    fn strings_are_decoded_and_escaped_like_python() {
        let doc = r#"{"s": "A\u0041\/\u00e9\ud83d\ude00\t\u000a\u0022\\ \u001f\u007f\u2028", "\u00e9": "\b\f\r"}"#;
        let want = "{\n    \"s\": \"AA/é😀\\t\\n\\\"\\\\ \\u001f\u{7f}\u{2028}\",\n    \"é\": \"\\b\\f\\r\"\n}";
        check(doc, &JsonStyle::default(), want);
    }

    #[test]
    fn keys_sorted_by_code_point() {
        let doc =
            r#"{"b":1,"B":2,"é":3,"\uffff":4,"\ud83d\ude00":5,"a":6,"ab":7,"":8,"a\u0000":9}"#;
        let want = "{\n  \"\": 8,\n  \"B\": 2,\n  \"a\": 6,\n  \"a\\u0000\": 9,\n  \"ab\": 7,\n  \"b\": 1,\n  \"é\": 3,\n  \"\u{ffff}\": 4,\n  \"😀\": 5\n}";
        check(doc, &style(2, true), want);
    }

    #[test]
    fn escaped_and_raw_keys_sort_alike() {
        // `\u0062` is "b": decoded keys are compared, not their spelling.
        let doc = r#"{"c": 1, "\u0062": 2, "a\/": 3}"#;
        check(
            doc,
            &style(1, true),
            "{\n \"a/\": 3,\n \"b\": 2,\n \"c\": 1\n}",
        );
    }

    #[test]
    fn indent_zero_still_breaks_lines() {
        let doc = r#" [ {"z": [true, false, null], "a": {}} , "x" ] "#;
        let want = "[\n{\n\"a\": {},\n\"z\": [\ntrue,\nfalse,\nnull\n]\n},\n\"x\"\n]";
        check(doc, &style(0, true), want);
    }

    #[test]
    fn scalars_and_empty_containers() {
        let doc = r#"[-1, 0, 1.5, true, false, null, "", [], {}]"#;
        let want = "[\n    -1,\n    0,\n    1.5,\n    true,\n    false,\n    null,\n    \"\",\n    [],\n    {}\n]";
        check(doc, &JsonStyle::default(), want);
        for (doc, want) in [
            ("0", "0"),
            (" \"x\"\n", "\"x\""),
            ("\t[]\r\n", "[]"),
            ("{}", "{}"),
        ] {
            check(doc, &JsonStyle::default(), want);
        }
    }

    #[test]
    fn numbers_are_copied_verbatim() {
        // Deliberate difference: Python would print 100000.0, 1.5, 0 and -0.00225.
        let doc = "[1E5, 1.50, -0, -2.25e-3, 123456789012345678901234567890]";
        let want =
            "[\n    1E5,\n    1.50,\n    -0,\n    -2.25e-3,\n    123456789012345678901234567890\n]";
        check(doc, &JsonStyle::default(), want);
    }

    #[test]
    fn number_length_limits() {
        let int = "1".repeat(4300);
        check(
            &format!("[-{int}]"),
            &style(0, true),
            &format!("[\n-{int}\n]"),
        );
        check_raw(format!("[{int}1]").as_bytes());
        let float = format!("0.{}", "5".repeat(10_000));
        check(&float, &style(0, true), &float);
        check_raw(format!("0.{}", "5".repeat(1 << 20)).as_bytes());
    }

    #[test]
    fn python_extensions_nan_and_infinity() {
        check(
            "[NaN, Infinity, -Infinity]",
            &style(1, true),
            "[\n NaN,\n Infinity,\n -Infinity\n]",
        );
        check_raw(b"[-Inf]");
        check_raw(b"[nan]");
    }

    #[test]
    fn duplicate_keys_kept_in_input_order() {
        // Python breaks ties by comparing the values (and fails when it cannot); we keep order.
        let doc = r#"{"b": 0, "a": 2, "a": 1}"#;
        check(
            doc,
            &style(1, true),
            "{\n \"a\": 2,\n \"a\": 1,\n \"b\": 0\n}",
        );
    }

    #[test]
    fn lone_surrogates_stay_escaped() {
        // Python keeps them as characters it then cannot encode; UTF-8 cannot carry them.
        let doc = r#"["\ud83d", "\uDC00x", "\ud83d\u0041", "\ud83d\ud83d\ude00", "\ud83d\n"]"#;
        let want =
            "[\n \"\\ud83d\",\n \"\\udc00x\",\n \"\\ud83dA\",\n \"\\ud83d😀\",\n \"\\ud83d\\n\"\n]";
        check(doc, &style(1, true), want);
    }

    #[test]
    fn non_ascii_bytes_pass_through() {
        check(
            "{\"\u{e9}\": \"\u{4e2d}\u{1f600}\"}",
            &style(0, true),
            "{\n\"é\": \"中😀\"\n}",
        );
        // Not UTF-8 at all: HTTPie would have decoded it with replacement characters first.
        assert_eq!(
            format_json(b"[\"\xff\"]", &style(0, true)),
            Some(b"[\n\"\xff\"\n]".to_vec())
        );
    }

    #[test]
    fn invalid_json_is_printed_unchanged() {
        let docs: &[&[u8]] = &[
            b"",
            b"   \n",
            b"[1, 2,]",
            b"{\"a\": 1,}",
            b"{\"a\" 1}",
            b"{\"a\": 1",
            b"[1 2]",
            b"[01]",
            b"[1.]",
            b"[.5]",
            b"[-]",
            b"[1e]",
            b"[+1]",
            b"[tru]",
            b"[True]",
            b"{'a': 1}",
            b"{a: 1}",
            b"[\"tab\there\"]",
            b"[\"bad \\x escape\"]",
            b"[\"\\u12G4\"]",
            b"[\"\\ud83d\\u12\"]",
            b"\"unterminated",
            b"[1]]",
            b"{\"a\": 1}}",
            b"[}",
            b"{]",
            b"<html>not json</html>",
            b"{\"a\": 1}\n{\"b\": 2}\n",
            b"1 2",
            b"\"a\" \"b\"",
        ];
        for doc in docs {
            check_raw(doc);
        }
    }

    #[test]
    fn xssi_prefixes_are_kept() {
        let cases = [
            (
                ")]}',\n{\"z\": 1, \"a\": []}",
                ")]}',\n{\n    \"a\": [],\n    \"z\": 1\n}",
            ),
            (")]}'\n[1]", ")]}'\n[\n    1\n]"),
            ("while(1);[1]", "while(1);[\n    1\n]"),
            ("for(;;);{\"a\": \"b\"}", "for(;;);{\n    \"a\": \"b\"\n}"),
            (")]}',\n\"s\"\n", ")]}',\n\"s\""),
            // Anything before the first `{`, `[` or `"` counts, as in HTTPie.
            ("foo: [1, 2]", "foo: [\n    1,\n    2\n]"),
            ("1 2 [3]", "1 2 [\n    3\n]"),
            ("\u{feff}{}", "\u{feff}{}"),
        ];
        for (doc, want) in cases {
            check(doc, &JsonStyle::default(), want);
        }
        for doc in [")]}' 5", ")]}',\n{\"a\": }", "while(1);", "abc"] {
            check_raw(doc.as_bytes());
        }
    }

    #[test]
    fn prefix_search_is_not_anchored_anywhere_else() {
        // HTTPie's regex search prints `a"a"` for this; we treat it as invalid.
        check_raw(b"[\"a\"");
    }

    #[test]
    fn no_trailing_newline_and_whitespace_trimmed() {
        let got = fmt("\n\t {\"a\": [1]} \r\n\n", &style(2, true)).unwrap_or_default();
        assert_eq!(got, "{\n  \"a\": [\n    1\n  ]\n}");
    }

    #[test]
    fn ndjson_lines_format_one_by_one() {
        let body = "{\"b\": 1, \"a\": 2}\n[3]\n";
        assert_eq!(fmt(body, &style(0, true)), None);
        let lines: Vec<_> = body.lines().map(|l| fmt(l, &style(0, true))).collect();
        let want = [
            Some("{\n\"a\": 2,\n\"b\": 1\n}".to_string()),
            Some("[\n3\n]".to_string()),
        ];
        assert_eq!(lines, want);
    }

    #[test]
    fn deep_nesting_uses_no_recursion() {
        // Up to the depth limit: formatted, without recursion.
        let n = super::engine::MAX_DEPTH;
        let open = "[".repeat(n);
        check_raw(open.as_bytes());
        let doc = format!("{open}{}", "]".repeat(n));
        let got = fmt(&doc, &style(0, true)).unwrap_or_default();
        assert!(got == format!("{}[]{}", "[\n".repeat(n - 1), "\n]".repeat(n - 1)));
        let doc = format!("{}1{}", "{\"k\": ".repeat(n), "}".repeat(n));
        let got = stream(doc.as_bytes(), &style(0, true), 4096);
        assert!(got == format!("{}1{}", "{\n\"k\": ".repeat(n), "\n}".repeat(n)).as_bytes());
    }

    #[test]
    fn deeper_than_the_limit_is_printed_as_is() {
        // 100,000 levels would print gigabytes of indentation: shown as received instead.
        let n = 100_000;
        let doc = format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(fmt(&doc, &style(4, true)).is_none());
        let got = stream(doc.as_bytes(), &style(4, true), 4096);
        assert_eq!(got, doc.as_bytes());
    }

    #[test]
    fn huge_string_streams_through() {
        let big = "x\\n\u{e9}".repeat(2 << 20);
        let doc = format!("[\"{big}\", {{\"b\": \"{big}\", \"a\": 1}}]");
        let want_str = "x\\n\u{e9}".repeat(2 << 20);
        let want = format!("[\n\"{want_str}\",\n{{\n\"a\": 1,\n\"b\": \"{want_str}\"\n}}\n]");
        let got = stream(doc.as_bytes(), &style(0, true), 1 << 16);
        if got != want.as_bytes() {
            let at = got.iter().zip(want.as_bytes()).position(|(a, b)| a != b);
            let at = at.unwrap_or(got.len().min(want.len()));
            let show = |v: &[u8]| {
                String::from_utf8_lossy(&v[at.saturating_sub(20)..(at + 20).min(v.len())])
                    .into_owned()
            };
            panic!(
                "differ at {at} of {}/{}: {:?} vs {:?}",
                got.len(),
                want.len(),
                show(&got),
                show(want.as_bytes())
            );
        }
    }

    #[test]
    fn sort_gives_up_beyond_the_cap() {
        let doc = br#"{"d": {"z": 1, "y": 2}, "c": "0123456789", "b": [3], "a": {"q": 1, "p": 2}}"#;
        // The cap is crossed while reading "c": members so far and after stay in input
        // order, objects opened later are sorted again.
        let got = stream_with(doc, &style(1, true), 7, 0, 30);
        let want = "{\n \"d\": {\n  \"y\": 2,\n  \"z\": 1\n },\n \"c\": \"0123456789\",\n \"b\": [\n  3\n ],\n \"a\": {\n  \"p\": 2,\n  \"q\": 1\n }\n}";
        assert_eq!(String::from_utf8_lossy(&got), want);
        // Outermost objects give up first; the innermost fits alone and stays sorted.
        let doc = br#"{"z": 0, "y": {"b": 1, "a": {"n": 2, "m": "a long string value"}}}"#;
        let got = stream_with(doc, &style(1, true), 3, 0, 40);
        let want = "{\n \"z\": 0,\n \"y\": {\n  \"b\": 1,\n  \"a\": {\n   \"m\": \"a long string value\",\n   \"n\": 2\n  }\n }\n}";
        assert_eq!(String::from_utf8_lossy(&got), want);
        // Unless it does not fit either.
        let got = stream_with(doc, &style(1, true), 3, 0, 20);
        let want = "{\n \"z\": 0,\n \"y\": {\n  \"b\": 1,\n  \"a\": {\n   \"n\": 2,\n   \"m\": \"a long string value\"\n  }\n }\n}";
        assert_eq!(String::from_utf8_lossy(&got), want);
    }

    #[test]
    fn at_most_512_nested_objects_are_sorted() {
        // Bounds copying in absurdly deep documents: the outermost levels stay unsorted.
        let n = 600;
        let doc = format!("{}1{}", "{\"b\": 0, \"a\": ".repeat(n), "}".repeat(n));
        let unsorted = n - 512;
        let want = format!(
            "{}{}1{}{}",
            "{\n\"b\": 0,\n\"a\": ".repeat(unsorted),
            "{\n\"a\": ".repeat(512),
            ",\n\"b\": 0\n}".repeat(512),
            "\n}".repeat(unsorted)
        );
        assert_eq!(fmt(&doc, &style(0, true)), Some(want));
    }

    #[test]
    fn output_starts_before_the_body_ends() {
        let mut f = JsonFormatter::with_window(Vec::new(), &style(1, false), 8);
        f.write(b"[1, 2, 3, 4").unwrap_or_default();
        assert_eq!(f.out, b"[\n 1,\n 2,\n 3,\n ");
        f.write(b"5, 6]").unwrap_or_default();
        assert_eq!(
            f.finish().unwrap_or_default(),
            b"[\n 1,\n 2,\n 3,\n 45,\n 6\n]"
        );
    }

    #[test]
    fn output_keeps_pace_with_a_long_array() {
        // Bounded memory: output comes out while the array is still being read.
        let item = br#"{"id": 1, "name": "x", "tags": ["a", "b"], "address": {"zip": "1", "city": "y"}}, "#;
        let mut f = JsonFormatter::new(Vec::new(), JsonStyle::default());
        f.write(b"[").unwrap_or_default();
        for _ in 0..40_000 {
            f.write(item).unwrap_or_default();
        }
        let fed = 1 + 40_000 * item.len();
        assert!(
            f.out.len() > 2 * fed,
            "{} bytes out for {fed} in",
            f.out.len()
        );
        assert!(f.engine.out().len() <= PIECE * 4);
        f.write(b"{}]").unwrap_or_default();
        assert!(f
            .finish()
            .unwrap_or_default()
            .ends_with(b"    },\n    {}\n]"));
    }

    #[test]
    fn invalid_within_the_window_is_raw_even_when_streaming() {
        let doc = b"[1, 2, 3, 4, 5, 6, oops]";
        assert_eq!(stream_with(doc, &style(4, true), 1, 100, 1 << 20), doc);
        assert_eq!(stream_with(doc, &style(4, true), 100, 10, 1 << 20), doc);
    }

    #[test]
    fn invalid_after_the_window_switches_to_raw() {
        let doc = b"[1, 2, 3, 4, 5, 6, 7, 8, tru!, 9]";
        let got = stream_with(doc, &style(4, true), 1, 10, 1 << 20);
        let want =
            "[\n    1,\n    2,\n    3,\n    4,\n    5,\n    6,\n    7,\n    8,\n    tru!, 9]";
        assert_eq!(String::from_utf8_lossy(&got), want);
        // Inside a string: the line is finished, the rest is raw from the bad byte.
        let doc = b"{\"k\": [\"abc\x01def\"], \"z\": 1}";
        let got = stream_with(doc, &style(2, true), 1, 4, 1 << 20);
        assert_eq!(
            String::from_utf8_lossy(&got),
            "{\n  \"k\": [\n    \"abc\n\x01def\"], \"z\": 1}"
        );
        // Buffered members of objects being sorted are written out first, in input order.
        let doc = b"{\"b\": 1, \"a\": {\"y\": 2, \"x\": 3,, \"w\": 4}}";
        let got = stream_with(doc, &style(2, true), 2, 4, 1 << 20);
        let want = "{\n  \"b\": 1,\n  \"a\": {\n    \"y\": 2,\n    \"x\": 3,\n, \"w\": 4}}";
        assert_eq!(String::from_utf8_lossy(&got), want);
        // Truncated body: what was formatted stays, plus the unfinished token.
        let got = stream_with(b"[10, 20, 300", &style(1, true), 1, 4, 1 << 20);
        assert_eq!(String::from_utf8_lossy(&got), "[\n 10,\n 20,\n 300");
    }

    /// (character, SGR parameters in effect) for each visible character.
    fn styled_chars(ansi: &str) -> Vec<(char, String)> {
        let (mut out, mut sgr, mut chars) = (Vec::new(), String::new(), ansi.chars());
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                let seq: String = chars.by_ref().skip(1).take_while(|&c| c != 'm').collect();
                sgr = if seq == "0" { String::new() } else { seq };
            } else {
                out.push((c, sgr.clone()));
            }
        }
        out
    }

    #[test]
    fn colours_match_colored_json() {
        // Keys already sorted and numbers canonical, so serde_json prints the same text.
        // Integer and float styles are equal: which one colored_json picks depends on
        // serde_json's features (`arbitrary_precision` makes every number an "integer").
        let doc = r#"{"a": [1, -2.5, true, false, null, "s", {}, []], "b": {"c": "d"}, "e": 18446744073709551615}"#;
        let custom = Styler {
            object_brackets: Color::Red.foreground(),
            object_colon: Style::new().italic(),
            array_brackets: Color::Cyan.bold(),
            key: Color::Magenta.underline(),
            string_value: Color::Rgb(1, 2, 3).foreground(),
            integer_value: Color::Yellow.foreground(),
            float_value: Color::Yellow.foreground(),
            bool_value: Color::Green.bold(),
            nil_value: Color::Red.on_white(),
            string_include_quotation: false,
        };
        for styler in [Styler::default(), custom] {
            let want = doc.to_colored_json_with_styler(ColorMode::On, styler);
            let want = want.unwrap_or_default();
            let style = JsonStyle {
                indent: 2,
                sort_keys: true,
                palette: Some(styler),
            };
            let got = fmt(doc, &style).unwrap_or_default();
            assert_eq!(styled_chars(&got), styled_chars(&want));
            assert!(got.contains('\x1b'));
        }
    }

    #[test]
    fn integers_of_any_size_get_the_integer_colour() {
        let styler = Styler {
            integer_value: Color::Yellow.foreground(),
            float_value: Color::Blue.foreground(),
            ..Styler::default()
        };
        let style = JsonStyle {
            indent: 0,
            sort_keys: false,
            palette: Some(styler),
        };
        let doc = "[-9223372036854775808, 18446744073709551615, 18446744073709551616, 1.0]";
        let want = "\x1b[1m[\x1b[0m\n\x1b[33m-9223372036854775808\x1b[0m,\n\x1b[33m18446744073709551615\x1b[0m,\n\x1b[33m18446744073709551616\x1b[0m,\n\x1b[34m1.0\x1b[0m\x1b[1m\n]\x1b[0m";
        assert_eq!(fmt(doc, &style).as_deref(), Some(want));
    }

    #[test]
    fn default_colours_exact_bytes() {
        let style = JsonStyle {
            indent: 1,
            sort_keys: true,
            palette: Some(Styler::default()),
        };
        let got = fmt(r#"{"k": ["v", 1, null]}"#, &style).unwrap_or_default();
        let want = "\x1b[1m{\x1b[0m\n \x1b[1;34m\"k\"\x1b[0m: \x1b[1m[\x1b[0m\n  \x1b[32m\"v\"\x1b[0m,\n  1,\n  \x1b[1;90mnull\x1b[0m\x1b[1m\n ]\x1b[0m\x1b[1m\n}\x1b[0m";
        assert_eq!(got, want);
    }

    #[test]
    fn no_palette_no_escape_codes() {
        let got = fmt(r#"{"k": ["v", 1, null, true]}"#, &JsonStyle::default()).unwrap_or_default();
        assert!(!got.contains('\x1b'));
    }

    #[test]
    fn colour_is_closed_when_a_string_breaks_off() {
        let style = JsonStyle {
            indent: 1,
            sort_keys: false,
            palette: Some(Styler::default()),
        };
        let got = stream_with(b"[\"abc\ndef\"]", &style, 1, 2, 1 << 20);
        assert_eq!(
            String::from_utf8_lossy(&got),
            "\x1b[1m[\x1b[0m\n \x1b[32m\"abc\x1b[0m\n\ndef\"]"
        );
    }

    /// Small deterministic generator for the robustness tests (xorshift).
    fn random_bytes(seed: u64, len: usize, alphabet: &[u8]) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                alphabet[(x % alphabet.len() as u64) as usize]
            })
            .collect()
    }

    #[test]
    fn random_input_never_panics() {
        let all: Vec<u8> = (0..=255).collect();
        let jsonish = b"{}[]\",:\\ \n0123456789-+.eEtruefalsnulNaInfiy\\u00dD83";
        for seed in 1..300u64 {
            for alphabet in [&all[..], &jsonish[..]] {
                let doc = random_bytes(seed, (seed as usize * 7) % 300, alphabet);
                let whole = format_json(&doc, &JsonStyle::default());
                let streamed = stream(&doc, &JsonStyle::default(), 1 + seed as usize % 5);
                // Small bodies are validated whole: formatted or unchanged, identically.
                assert_eq!(whole.unwrap_or_else(|| doc.clone()), streamed);
                // Past the window: no panic, and nothing is lost from the raw tail.
                let late = stream_with(&doc, &JsonStyle::default(), 3, 8, 16);
                assert!(!late.is_empty() || doc.is_empty());
            }
        }
    }

    #[test]
    fn mutated_documents_never_panic() {
        let base = br#"{"a": [1, -2.5e3, "x\u00e9\ud83d\ude00", {"b": null, "c": [true, false]}], "d": "\\\""}"#;
        for seed in 1..2000u64 {
            let mut doc = base.to_vec();
            let edits = random_bytes(seed, 6, &(0..=255).collect::<Vec<u8>>());
            for pair in edits.chunks(2) {
                let at = pair[0] as usize % (doc.len() + 1);
                match pair[1] % 3 {
                    0 if at < doc.len() => _ = doc.remove(at),
                    1 => doc.insert(at, pair[1]),
                    _ => doc.truncate(at),
                }
            }
            let s = JsonStyle {
                palette: Some(Styler::default()),
                ..JsonStyle::default()
            };
            let _ = format_json(&doc, &s);
            let _ = stream_with(
                &doc,
                &s,
                1 + seed as usize % 4,
                seed as usize % 40,
                seed as usize % 64,
            );
        }
    }
}
