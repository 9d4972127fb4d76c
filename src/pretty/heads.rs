//! Message heads for display: sorted (`headers.sort`), colored, and made inert for a terminal.
//! Redirected output without `--pretty` never comes here: it gets the wire bytes unchanged.

use colored_json::Style;

use super::sanitize::inert_line;
use super::theme::{paint_spans, Theme};

/// How a head is shown.
pub struct HeadView<'a> {
    pub sort: bool,
    pub theme: Option<&'a Theme>,
    /// Output is a terminal: control characters from the server are shown escaped.
    pub inert: bool,
}

fn text(bytes: &[u8], inert: bool) -> String {
    if inert {
        inert_line(bytes)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// Renders a recorded head (request or response, blank line included) for display.
pub fn render(raw: &[u8], view: &HeadView) -> Vec<u8> {
    let body = raw
        .strip_suffix(b"\r\n\r\n")
        .or_else(|| raw.strip_suffix(b"\n\n"))
        .unwrap_or(raw);
    let mut lines: Vec<&[u8]> = body
        .split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect();
    let first = if lines.is_empty() {
        &b""[..]
    } else {
        lines.remove(0)
    };
    if view.sort {
        // Stable: repeated headers keep their order.
        lines.sort_by(|a, b| name_of(a).cmp(name_of(b)));
    }
    let theme = view.theme;
    let mut out = String::new();
    out.push_str(&first_line(first, theme, view.inert));
    out.push_str("\r\n");
    for line in lines {
        let (name, value) = match line.iter().position(|b| *b == b':') {
            Some(i) => (&line[..i], line[i + 1..].trim_ascii_start()),
            None => (line, &b""[..]),
        };
        let (name, value) = (text(name, view.inert), text(value, view.inert));
        match theme {
            Some(t) => out.push_str(&paint_spans(&[
                (t.header_name, &name),
                (t.header_colon, ":"),
                (Style::new(), " "),
                (t.header_value, &value),
            ])),
            None => {
                out.push_str(&name);
                out.push_str(": ");
                out.push_str(&value);
            }
        }
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.into_bytes()
}

fn name_of(line: &[u8]) -> &[u8] {
    line.split(|b| *b == b':').next().unwrap_or(line)
}

/// `METHOD target HTTP/1.1` or `HTTP/1.1 200 OK`, each word in its own color, and `HTTP`, `/`
/// and `1.1` each in theirs (HTTPie's `SimplifiedHTTPLexer` tokens).
fn first_line(line: &[u8], theme: Option<&Theme>, inert: bool) -> String {
    let Some(theme) = theme else {
        return text(line, inert);
    };
    let mut words = line.splitn(3, |b| *b == b' ');
    let a = words.next().unwrap_or(b"");
    let b = words.next().unwrap_or(b"");
    let c = words.next().unwrap_or(b"");
    let plain = Style::new();
    if a.starts_with(b"HTTP/") {
        let code = std::str::from_utf8(b)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let status = theme.status(code);
        let (version, b, c) = (Version::of(a, inert), text(b, inert), text(c, inert));
        let mut spans = version.spans(theme);
        spans.extend([(plain, " "), (status, &b), (plain, " "), (status, &c)]);
        paint_spans(&spans)
    } else {
        let (method, target, version) = (text(a, inert), text(b, inert), Version::of(c, inert));
        let mut spans = vec![
            (theme.method(a), method.as_str()),
            (plain, " "),
            (theme.target, &target),
            (plain, " "),
        ];
        spans.extend(version.spans(theme));
        paint_spans(&spans)
    }
}

/// A protocol version, `HTTP/1.1` split in its parts; anything else whole.
enum Version {
    Http(String),
    Other(String),
}

impl Version {
    fn of(word: &[u8], inert: bool) -> Version {
        match word.strip_prefix(b"HTTP/") {
            Some(number) => Version::Http(text(number, inert)),
            None => Version::Other(text(word, inert)),
        }
    }

    fn spans<'a>(&'a self, theme: &Theme) -> Vec<(Style, &'a str)> {
        match self {
            Version::Http(number) => vec![
                (theme.protocol, "HTTP"),
                (theme.slash, "/"),
                (theme.version, number),
            ],
            Version::Other(word) => vec![(theme.version, word)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pretty::theme::StyleName;

    const RAW: &[u8] =
        b"HTTP/1.1 200 OK\r\nX-B: 1\r\nContent-Type: text/plain\r\nX-A: 2\r\nX-B: 0\r\n\r\n";

    #[test]
    fn sorted_stably_by_name() {
        let out = render(
            RAW,
            &HeadView {
                sort: true,
                theme: None,
                inert: false,
            },
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-A: 2\r\nX-B: 1\r\nX-B: 0\r\n\r\n"
        );
    }

    #[test]
    fn unsorted_and_uncolored_is_the_wire_text() {
        let out = render(
            RAW,
            &HeadView {
                sort: false,
                theme: None,
                inert: false,
            },
        );
        assert_eq!(out, RAW);
    }

    fn colored(raw: &[u8], name: StyleName) -> String {
        let theme = Theme::new(name);
        let view = HeadView {
            sort: false,
            theme: Some(&theme),
            inert: true,
        };
        String::from_utf8(render(raw, &view)).unwrap()
    }

    #[test]
    fn our_styles_paint_whole_words() {
        let out = colored(b"HTTP/1.1 404 Not Found\r\nX-A: b\r\n\r\n", StyleName::Auto);
        assert_eq!(
            out,
            "\x1b[34mHTTP/1.1\x1b[0m \x1b[1;31m404\x1b[0m \x1b[1;31mNot Found\x1b[0m\r\n\
             \x1b[36mX-A\x1b[0m: b\r\n\r\n"
        );
    }

    #[test]
    fn httpie_styles_paint_httpies_tokens() {
        let out = colored(b"DELETE /x HTTP/1.1\r\nX-A: b\r\n\r\n", StyleName::PieDark);
        assert_eq!(
            out,
            "\x1b[1;38;5;203mDELETE\x1b[0m \x1b[1;38;5;255m/x\x1b[0m \
             \x1b[1;38;5;8mHTTP/1.1\x1b[0m\r\n\
             \x1b[38;5;68mX-A\x1b[0m\x1b[1;38;5;8m:\x1b[0m \x1b[38;5;255mb\x1b[0m\r\n\r\n"
        );
        let out = colored(b"GET / HTTP/2.0\r\n\r\n", StyleName::Monokai);
        assert!(
            out.ends_with(
                "\x1b[38;5;81mHTTP\x1b[0m\x1b[38;5;204m/\x1b[0m\x1b[38;5;141m2.0\x1b[0m\r\n\r\n"
            ),
            "{out:?}"
        );
        // No reason phrase: nothing painted for it.
        let out = colored(b"HTTP/1.1 200 \r\n\r\n", StyleName::Monokai);
        assert!(
            out.ends_with("\x1b[38;5;141m200\x1b[0m \r\n\r\n"),
            "{out:?}"
        );
    }

    #[test]
    fn hostile_bytes_are_inert_and_colors_are_ours() {
        let raw = b"HTTP/1.1 200 \x1b]52;c;Zm9v\x07\r\nX-Evil: \x1b[2J\x9b31m\r\n\r\n";
        let theme = Theme::new(StyleName::Auto);
        let out = render(
            raw,
            &HeadView {
                sort: true,
                theme: Some(&theme),
                inert: true,
            },
        );
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("\x1b]"), "{text:?}");
        assert!(!text.contains("\x1b[2J"), "{text:?}");
        assert!(!text.contains('\u{9b}'), "{text:?}");
        assert!(!text.contains('\x07'), "{text:?}");
        assert!(text.contains("\\x1b]52"), "{text:?}");
    }
}
