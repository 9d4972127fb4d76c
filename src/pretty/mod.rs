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
    /// line per `extra` item (`TLS version: TLSv1.3`), then a blank line.
    pub fn meta(&self, elapsed: std::time::Duration, extra: &[(&str, &str)]) -> Vec<u8> {
        let secs = format!("{:.10}", elapsed.as_secs_f64());
        let secs = secs.trim_end_matches('0').trim_end_matches('.');
        let mut lines = vec![format!("Elapsed time: {secs}s")];
        lines.extend(extra.iter().map(|(name, value)| format!("{name}: {value}")));
        let mut out = String::new();
        for line in lines {
            match &self.theme {
                Some(theme) => out.push_str(&theme::paint(theme.meta, &line)),
                None => out.push_str(&line),
            }
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
