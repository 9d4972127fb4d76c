//! Making output pleasant and safe to read: formatting, colors, charsets, terminal safety.
//!
//! Only what goes to a terminal, or what `--pretty` explicitly asks for, passes through here;
//! redirected output is the bytes as received.

pub mod body;
pub mod charset;
pub mod heads;
pub mod json;
pub mod json_colors;
pub mod options;
pub mod sanitize;
pub mod theme;
pub mod xml;

use colored_json::Style;
use options::{FormatOptions, Pretty};
use theme::Theme;

/// How bodies and heads are displayed in this run.
#[derive(Clone)]
pub struct Display {
    pub pretty: Pretty,
    pub format: FormatOptions,
    /// The colors, when `pretty.colors`.
    pub theme: Option<Theme>,
    /// Output is a terminal: nothing the server sent may act on it.
    pub inert: bool,
    /// `--stream`: bodies line by line.
    pub stream: bool,
    /// `--response-charset`.
    pub response_charset: Option<&'static encoding_rs::Encoding>,
    /// `--response-mime`.
    pub response_mime: Option<String>,
    /// `--json` was given: JSON detection for wrongly typed bodies too.
    pub json_flag: bool,
}

impl Display {
    /// Nothing to do: bytes go out as they came.
    pub fn is_raw(&self) -> bool {
        !self.pretty.format && !self.pretty.colors && !self.inert
    }

    /// The same display for a request body: the response overrides do not apply to it.
    pub fn for_request(&self) -> Display {
        Display {
            response_charset: None,
            response_mime: None,
            ..self.clone()
        }
    }

    /// The `m` block: `Elapsed time: 0.0123s` as HTTPie prints it, then one `name: value`
    /// line per `extra` item (`TLS version: TLSv1.3`), then a blank line. Colored as HTTPie's
    /// `MetadataLexer` splits it: name, `: `, the seconds (by speed) and their `s`, or a value.
    pub fn meta(&self, elapsed: std::time::Duration, extra: &[(&str, &str)]) -> Vec<u8> {
        let secs = format!("{:.10}", elapsed.as_secs_f64());
        let secs = secs.trim_end_matches('0').trim_end_matches('.');
        let plain = Style::new();
        let t = self.theme.as_ref();
        let style = |pick: fn(&Theme) -> Style| t.map_or(plain, pick);
        let mut out = String::new();
        out.push_str(&theme::paint_spans(&[
            (style(|t| t.meta), "Elapsed time"),
            (style(|t| t.meta_colon), ": "),
            (t.map_or(plain, |t| t.elapsed(elapsed.as_secs_f64())), secs),
            (style(|t| t.elapsed_unit), "s"),
        ]));
        out.push('\n');
        for (name, value) in extra {
            out.push_str(&theme::paint_spans(&[
                (style(|t| t.meta), name),
                (style(|t| t.meta_colon), ": "),
                (style(|t| t.meta_value), value),
            ]));
            out.push('\n');
        }
        out.push('\n');
        out.into_bytes()
    }

    /// A head for display; the wire bytes themselves when nothing applies.
    pub fn head(&self, raw: &[u8]) -> Vec<u8> {
        if self.is_raw() {
            return raw.to_vec();
        }
        heads::render(
            raw,
            &heads::HeadView {
                sort: self.pretty.format && self.format.headers_sort,
                theme: self.theme.as_ref(),
                inert: self.inert,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use theme::StyleName;

    fn display(name: Option<StyleName>) -> Display {
        Display {
            pretty: Pretty {
                format: true,
                colors: name.is_some(),
            },
            format: FormatOptions::default(),
            theme: name.map(Theme::new),
            inert: false,
            stream: false,
            response_charset: None,
            response_mime: None,
            json_flag: false,
        }
    }

    #[test]
    fn meta_lines() {
        let tls = [("TLS version", "TLSv1.3")];
        let plain = display(None).meta(Duration::from_millis(12), &tls);
        assert_eq!(
            String::from_utf8(plain).unwrap(),
            "Elapsed time: 0.012s\nTLS version: TLSv1.3\n\n"
        );
        // Ours: each line in one color.
        let auto = display(Some(StyleName::Auto)).meta(Duration::from_millis(12), &tls);
        assert_eq!(
            String::from_utf8(auto).unwrap(),
            "\x1b[90mElapsed time: 0.012s\x1b[0m\n\x1b[90mTLS version: TLSv1.3\x1b[0m\n\n"
        );
        // pie-dark: grey name, bold grey colon, seconds by speed, plain unit and values.
        let pie = display(Some(StyleName::PieDark));
        let name = "\x1b[38;5;8mElapsed time\x1b[0m\x1b[1;38;5;8m: \x1b[0m";
        for (millis, colour) in [(12, 78), (700, 185), (2000, 215), (3000, 203)] {
            let out = String::from_utf8(pie.meta(Duration::from_millis(millis), &[])).unwrap();
            let secs = format!("{}", millis as f64 / 1000.0);
            assert_eq!(
                out,
                format!("{name}\x1b[1;38;5;{colour}m{secs}\x1b[0ms\n\n"),
                "{millis}"
            );
        }
        let out = String::from_utf8(pie.meta(Duration::from_millis(12), &tls)).unwrap();
        assert!(
            out.ends_with("\x1b[38;5;8mTLS version\x1b[0m\x1b[1;38;5;8m: \x1b[0mTLSv1.3\n\n"),
            "{out:?}"
        );
    }
}
