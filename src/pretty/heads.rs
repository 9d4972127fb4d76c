//! Message heads for display: sorted (`headers.sort`), colored, and made inert for a terminal.
//! Redirected output without `--pretty` never comes here: it gets the wire bytes unchanged.

use super::sanitize::inert_line;
use super::theme::{paint, Theme};

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

fn styled(style: Option<colored_json::Style>, bytes: &[u8], inert: bool) -> String {
    let t = text(bytes, inert);
    match style {
        Some(style) => paint(style, &t),
        None => t,
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
        out.push_str(&styled(theme.map(|t| t.header_name), name, view.inert));
        out.push_str(": ");
        out.push_str(&styled(theme.map(|t| t.header_value), value, view.inert));
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.into_bytes()
}

fn name_of(line: &[u8]) -> &[u8] {
    line.split(|b| *b == b':').next().unwrap_or(line)
}

/// `METHOD target HTTP/1.1` or `HTTP/1.1 200 OK`, each word in its own color.
fn first_line(line: &[u8], theme: Option<&Theme>, inert: bool) -> String {
    let Some(theme) = theme else {
        return text(line, inert);
    };
    let mut words = line.splitn(3, |b| *b == b' ');
    let a = words.next().unwrap_or(b"");
    let b = words.next().unwrap_or(b"");
    let c = words.next().unwrap_or(b"");
    if a.starts_with(b"HTTP/") {
        let code = std::str::from_utf8(b)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let status = theme.status(code);
        format!(
            "{} {} {}",
            styled(Some(theme.version), a, inert),
            styled(Some(status), b, inert),
            styled(Some(status), c, inert)
        )
    } else {
        format!(
            "{} {} {}",
            styled(Some(theme.method), a, inert),
            styled(Some(theme.target), b, inert),
            styled(Some(theme.version), c, inert)
        )
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
