//! Bodies for display, as a push pipeline (bytes in as they arrive, text out as soon as it can
//! be written): binary check, charset decoding, formatting and coloring by type, terminal
//! safety. Request bodies (teed while sent) and response bodies both go through it.

use std::borrow::Cow;
use std::io::{self, Write};

use super::charset::{self, DisplayDecoder};
use super::json::{format_json, JsonFormatter, JsonStyle};
use super::json_colors::JsonColorizer;
use super::sanitize::{inert, is_binary, BINARY_NOTE};
use super::xml::format_xml;
use super::Display;

/// XML is formatted whole; larger bodies are shown as they come.
const XML_LIMIT: usize = 16 * 1024 * 1024;

/// In line mode (`--stream`, `text/event-stream`) a line is held until its newline so it can be
/// formatted whole; a longer one is written in pieces as it comes, unformatted, so memory stays
/// bounded whatever a server sends without a newline.
pub const LINE_CAP: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Json,
    Xml,
    Text,
}

/// HTTPie's choice of formatter by MIME type: JSON for `json`/`javascript` types, and for
/// `text/*` bodies that parse as JSON (the JSON formatter prints anything else as it is).
pub fn kind_of(mime: &str, json_flag: bool) -> Kind {
    let mime = mime.to_ascii_lowercase();
    let essence = mime.split(';').next().unwrap_or("").trim();
    if essence.contains("json") || essence.contains("javascript") || json_flag {
        Kind::Json
    } else if essence.contains("xml") {
        Kind::Xml
    } else if essence.starts_with("text/") {
        Kind::Json
    } else {
        Kind::Text
    }
}

type Out = Box<dyn Write + Send>;

enum Mode {
    Raw,
    Text,
    Json(Box<JsonFormatter<Out>>),
    Colors(Box<JsonColorizer>),
    Xml(String),
    /// `long`: the line being received outgrew [`LINE_CAP`] and is being written in pieces.
    Lines {
        pending: String,
        json: bool,
        long: bool,
    },
    Done,
}

/// One body's display pipeline. Feed it with [`BodySink::push`], end with [`BodySink::finish`].
pub struct BodySink {
    out: Option<Out>,
    mode: Mode,
    decoder: Option<DisplayDecoder>,
    inert: bool,
    colors: Option<colored_json::Styler>,
    json_style: JsonStyle,
    xml_indent: usize,
    /// A CR at the end of the last chunk, held to see whether an LF follows.
    pending_cr: String,
    /// A head was printed just before: the binary note is set apart by one more line.
    after_head: bool,
}

impl BodySink {
    pub fn new(
        display: &Display,
        content_type: Option<&str>,
        after_head: bool,
        out: Out,
    ) -> BodySink {
        let colors = display.theme.as_ref().map(|t| t.json);
        let json_style = JsonStyle {
            indent: display.format.json_indent,
            sort_keys: display.format.json_sort_keys,
            palette: colors,
        };
        let mut sink = BodySink {
            out: Some(out),
            mode: Mode::Raw,
            decoder: None,
            inert: display.inert,
            colors,
            json_style,
            xml_indent: display.format.xml_indent,
            pending_cr: String::new(),
            after_head,
        };
        if display.is_raw() {
            return sink;
        }
        let mime = display
            .response_mime
            .as_deref()
            .or(content_type)
            .unwrap_or("");
        let encoding = display
            .response_charset
            .or_else(|| {
                content_type
                    .and_then(charset::charset_of)
                    .and_then(|c| charset::lookup(c).ok())
            })
            .unwrap_or(encoding_rs::UTF_8);
        sink.decoder = Some(DisplayDecoder::new(encoding));
        let explicit = display.response_charset.is_some();
        if !display.inert && !explicit && encoding.output_encoding() != encoding_rs::UTF_8 {
            // Redirected output keeps the message's encoding, formatted or not (HTTPie 3.2.4);
            // a charset named with --response-charset is decoded to UTF-8, as HTTPie and xh do.
            let out = sink.take_out();
            sink.out = Some(Box::new(Reencode::new(out, encoding)));
        }
        let kind = kind_of(mime, display.json_flag);
        let format = display.pretty.format;
        let json_format = format && display.format.json_format;
        let event_stream = mime
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("text/event-stream");
        sink.mode = if display.stream || event_stream {
            Mode::Lines {
                pending: String::new(),
                json: kind == Kind::Json && (json_format || sink.colors.is_some()),
                long: false,
            }
        } else {
            match kind {
                Kind::Json if json_format => {
                    let out = sink.take_out();
                    let out: Out = if sink.inert {
                        Box::new(C1Inert::new(out))
                    } else {
                        out
                    };
                    Mode::Json(Box::new(JsonFormatter::new(out, sink.json_style.clone())))
                }
                Kind::Json => match &sink.colors {
                    Some(styler) => Mode::Colors(Box::new(JsonColorizer::new(styler))),
                    None => Mode::Text,
                },
                Kind::Xml if format && display.format.xml_format => Mode::Xml(String::new()),
                _ => Mode::Text,
            }
        };
        sink
    }

    fn take_out(&mut self) -> Out {
        self.out.take().unwrap_or_else(|| Box::new(io::sink()))
    }

    fn out(&mut self) -> &mut Out {
        self.out.get_or_insert_with(|| Box::new(io::sink()))
    }

    /// True once nothing more of the body will be shown (binary data met).
    pub fn done(&self) -> bool {
        matches!(self.mode, Mode::Done)
    }

    pub fn push(&mut self, chunk: &[u8]) -> io::Result<()> {
        if let Mode::Raw = self.mode {
            return self.out().write_all(chunk);
        }
        if self.done() {
            return Ok(());
        }
        if is_binary(chunk) {
            return self.binary();
        }
        let text = match &mut self.decoder {
            Some(d) => d.push(chunk, false),
            None => String::from_utf8_lossy(chunk).into_owned(),
        };
        self.text(&text)
    }

    fn binary(&mut self) -> io::Result<()> {
        let mode = std::mem::replace(&mut self.mode, Mode::Done);
        let mut out = match mode {
            Mode::Json(f) => f.finish()?,
            _ => self.take_out(),
        };
        if self.after_head {
            out.write_all(b"\n")?;
        }
        out.write_all(b"\n")?;
        out.write_all(BINARY_NOTE.as_bytes())?;
        out.flush()?;
        self.out = Some(out);
        Ok(())
    }

    fn text(&mut self, text: &str) -> io::Result<()> {
        let inert_mode = self.inert;
        let out = self.out.get_or_insert_with(|| Box::new(io::sink()));
        match &mut self.mode {
            Mode::Raw | Mode::Done => Ok(()),
            Mode::Text if inert_mode => {
                // A CRLF split across chunks must not show its CR as a lone, escaped one.
                let mut joined = std::mem::take(&mut self.pending_cr);
                joined.push_str(text);
                if joined.ends_with('\r') {
                    joined.pop();
                    self.pending_cr.push('\r');
                }
                out.write_all(inert(&joined).as_bytes())
            }
            Mode::Text => out.write_all(text.as_bytes()),
            Mode::Json(f) => {
                let safe = if inert_mode {
                    json_safe(text)
                } else {
                    Cow::Borrowed(text)
                };
                f.write(safe.as_bytes())
            }
            Mode::Colors(c) => {
                let safe = if inert_mode {
                    json_safe(text)
                } else {
                    Cow::Borrowed(text)
                };
                let mut colored = Vec::with_capacity(safe.len() * 2);
                c.push(safe.as_bytes(), &mut colored);
                out.write_all(&colored)
            }
            Mode::Xml(buf) => {
                buf.push_str(text);
                if buf.len() > XML_LIMIT {
                    let held = std::mem::take(buf);
                    self.mode = Mode::Text;
                    return self.text(&held);
                }
                Ok(())
            }
            Mode::Lines {
                pending,
                json,
                long,
            } => {
                // Only the new text is searched for newlines: time stays linear in the body.
                let mut rest = text;
                while let Some(end) = rest.find('\n') {
                    pending.push_str(&rest[..end]);
                    rest = &rest[end + 1..];
                    let line = std::mem::take(pending);
                    // The tail of a long line is shown as its pieces were: unformatted.
                    let json_line = *json && !std::mem::take(long);
                    let shown = show_line(&line, json_line, &self.json_style, inert_mode);
                    out.write_all(shown.as_bytes())?;
                    out.write_all(b"\n")?;
                    out.flush()?;
                }
                pending.push_str(rest);
                if pending.len() > LINE_CAP {
                    // Keep a trailing CR (it may start a CRLF) and a split character back.
                    let mut cut = pending.len();
                    if pending.ends_with('\r') {
                        cut -= 1;
                    }
                    let piece: String = pending.drain(..cut).collect();
                    let shown = if inert_mode {
                        inert(&piece)
                    } else {
                        Cow::Borrowed(piece.as_str())
                    };
                    out.write_all(shown.as_bytes())?;
                    out.flush()?;
                    *long = true;
                }
                Ok(())
            }
        }
    }

    /// End of the body: flushes what formatters held back.
    pub fn finish(mut self) -> io::Result<()> {
        let done = self.done();
        let rest = match &mut self.decoder {
            Some(d) if !done => d.push(&[], true),
            _ => String::new(),
        };
        if !rest.is_empty() {
            self.text(&rest)?;
        }
        let inert_mode = self.inert;
        match std::mem::replace(&mut self.mode, Mode::Done) {
            Mode::Json(f) => {
                let mut out = f.finish()?;
                out.flush()
            }
            Mode::Colors(mut c) => {
                let mut tail = Vec::new();
                c.finish(&mut tail);
                let out = self.out();
                out.write_all(&tail)?;
                out.flush()
            }
            Mode::Xml(buf) => {
                let shown = format_xml(&buf, self.xml_indent).unwrap_or(buf);
                let shown = if inert_mode {
                    inert(&shown).into_owned()
                } else {
                    shown
                };
                let out = self.out();
                out.write_all(shown.as_bytes())?;
                out.flush()
            }
            Mode::Lines {
                pending,
                json,
                long,
            } => {
                if !pending.is_empty() {
                    let shown = show_line(&pending, json && !long, &self.json_style, inert_mode);
                    self.out().write_all(shown.as_bytes())?;
                }
                self.out().flush()
            }
            Mode::Text if !self.pending_cr.is_empty() => {
                let cr = inert(&self.pending_cr).into_owned();
                let out = self.out();
                out.write_all(cr.as_bytes())?;
                out.flush()
            }
            _ => self.out().flush(),
        }
    }
}

/// One line in `--stream` mode: formatted when it is JSON, else as it is.
fn show_line(line: &str, json: bool, style: &JsonStyle, inert_mode: bool) -> String {
    let (line, cr) = match line.strip_suffix('\r') {
        Some(l) => (l, true),
        None => (line, false),
    };
    if json {
        let safe = if inert_mode {
            json_safe(line)
        } else {
            Cow::Borrowed(line)
        };
        if let Some(formatted) = format_json(safe.as_bytes(), style) {
            let text = String::from_utf8_lossy(&formatted).into_owned();
            return if inert_mode {
                c1_inert(&text).into_owned()
            } else {
                text
            };
        }
    }
    if inert_mode {
        inert(line).into_owned()
    } else if cr {
        format!("{line}\r")
    } else {
        line.to_string()
    }
}

/// Makes text safe for the JSON formatter on a terminal without breaking valid JSON: control
/// characters (which valid JSON never has raw inside strings) become `\u00XX` escapes, which
/// the formatter keeps as escapes; a bare CR (whitespace to JSON) becomes LF so it cannot
/// overwrite a line. C1 controls, legal raw in JSON strings, are escaped too.
pub fn json_safe(text: &str) -> Cow<'_, str> {
    let needs = text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t');
    if !needs {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            // CRLF stays one line break; a lone CR becomes one.
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' => out.push('\n'),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The formatter decodes `\u007f`–`\u009f` escapes into raw DEL and C1 controls (as Python does
/// with ensure_ascii=False); on a terminal they are put back as escapes. Our own colors use ESC
/// (C0), which this leaves alone.
pub fn c1_inert(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c);
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if unsafe_char(c) {
                    format!("\\u{:04x}", c as u32)
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// A writer that puts DEL and C1 controls back as escapes (see [`c1_inert`]). A lead byte 0xC2 at the
/// end of one write is held until the next, so a control split across writes is still caught.
pub struct C1Inert<W: Write> {
    inner: W,
    held: Option<u8>,
}

impl<W: Write> C1Inert<W> {
    pub fn new(inner: W) -> Self {
        C1Inert { inner, held: None }
    }
}

impl<W: Write> Write for C1Inert<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut data = Vec::with_capacity(buf.len() + 1);
        data.extend(self.held.take());
        data.extend_from_slice(buf);
        if data.last() == Some(&0xc2) {
            self.held = data.pop();
        }
        // C1 controls are U+0080..U+009F: the two bytes C2 80..C2 9F in UTF-8; DEL is 7F.
        let unsafe_bytes = data.contains(&0x7f)
            || data
                .windows(2)
                .any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]));
        if unsafe_bytes {
            let text = String::from_utf8_lossy(&data);
            self.inner.write_all(c1_inert(&text).as_bytes())?;
        } else {
            self.inner.write_all(&data)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if let Some(b) = self.held.take() {
            self.inner.write_all(&[b])?;
        }
        self.inner.flush()
    }
}

/// Writes UTF-8 text in another encoding (what redirected, prettified output of a non-UTF-8
/// body needs); a character split across writes is held until it is complete.
pub struct Reencode<W: Write> {
    inner: W,
    encoder: encoding_rs::Encoder,
    pending: Vec<u8>,
}

impl<W: Write> Reencode<W> {
    pub fn new(inner: W, encoding: &'static encoding_rs::Encoding) -> Self {
        Reencode {
            inner,
            encoder: encoding.new_encoder(),
            pending: Vec::new(),
        }
    }

    /// Characters the encoding cannot hold become `?` (as Python's `errors="replace"`), never
    /// an HTML character reference that would change a JSON value.
    fn encode(&mut self, text: &str, last: bool) -> io::Result<()> {
        let mut out = Vec::with_capacity(text.len() + 16);
        let mut rest = text;
        loop {
            let need = self
                .encoder
                .max_buffer_length_from_utf8_without_replacement(rest.len())
                .unwrap_or(rest.len() * 4 + 16)
                + 16;
            let start = out.len();
            out.resize(start + need, 0);
            let (result, read) =
                {
                    let (result, read, written) = self
                        .encoder
                        .encode_from_utf8_without_replacement(rest, &mut out[start..], last);
                    out.truncate(start + written);
                    (result, read)
                };
            rest = &rest[read..];
            match result {
                encoding_rs::EncoderResult::InputEmpty => break,
                encoding_rs::EncoderResult::Unmappable(_) => out.push(b'?'),
                encoding_rs::EncoderResult::OutputFull => {}
            }
        }
        self.inner.write_all(&out)
    }
}

impl<W: Write> Write for Reencode<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let valid = match std::str::from_utf8(&self.pending) {
            Ok(_) => self.pending.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(e) => e.valid_up_to() + e.error_len().unwrap_or(1),
        };
        let chunk: Vec<u8> = self.pending.drain(..valid).collect();
        let text = String::from_utf8_lossy(&chunk).into_owned();
        self.encode(&text, false)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write> Drop for Reencode<W> {
    fn drop(&mut self) {
        let rest = String::from_utf8_lossy(&std::mem::take(&mut self.pending)).into_owned();
        let _ = self.encode(&rest, true);
        let _ = self.inner.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatter_choice_follows_httpie() {
        assert_eq!(kind_of("application/json", false), Kind::Json);
        assert_eq!(
            kind_of("application/vnd.api+json; charset=utf-8", false),
            Kind::Json
        );
        assert_eq!(kind_of("text/javascript", false), Kind::Json);
        assert_eq!(kind_of("text/plain", false), Kind::Json);
        assert_eq!(kind_of("application/xml", false), Kind::Xml);
        assert_eq!(kind_of("image/svg+xml", false), Kind::Xml);
        assert_eq!(kind_of("application/octet-stream", false), Kind::Text);
        assert_eq!(kind_of("application/octet-stream", true), Kind::Json);
    }

    #[test]
    fn json_safe_keeps_valid_json_valid() {
        assert_eq!(json_safe("{\"a\": 1}\r\n"), "{\"a\": 1}\n");
        assert_eq!(json_safe("a\rb"), "a\nb");
        assert_eq!(
            json_safe("\"\u{1b}]52;c;x\u{7}\""),
            "\"\\u001b]52;c;x\\u0007\""
        );
        assert_eq!(json_safe("\"\u{9b}\""), "\"\\u009b\"");
        assert!(matches!(json_safe("plain"), Cow::Borrowed(_)));
        assert_eq!(c1_inert("a\u{9b}b"), "a\\u009bb");
        assert_eq!(c1_inert("a\u{7f}b"), "a\\u007fb");
    }

    #[test]
    fn reencode_back_to_latin1_across_writes() {
        let mut out = Vec::new();
        {
            let mut w = Reencode::new(&mut out, encoding_rs::WINDOWS_1252);
            let bytes = "café ☃".as_bytes();
            w.write_all(&bytes[..4]).unwrap();
            w.write_all(&bytes[4..]).unwrap();
        }
        assert_eq!(out, b"caf\xe9 ?");
    }

    #[test]
    fn c1_split_across_writes_is_caught() {
        let mut w = C1Inert::new(Vec::new());
        w.write_all(b"x\xc2").unwrap();
        w.write_all(b"\x9by").unwrap();
        w.flush().unwrap();
        assert_eq!(w.inner, b"x\\u009by");
    }
}
