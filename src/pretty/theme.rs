//! Color themes for `--style`. `auto` uses the terminal's own 16-color palette, so it reads
//! well on dark and light backgrounds alike; `monochrome` uses only bold and dim.

use colored_json::{Color, Style, Styler};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StyleName {
    Auto,
    Solarized,
    Monochrome,
}

/// The styles of every highlighted element.
#[derive(Clone)]
pub struct Theme {
    pub method: Style,
    pub target: Style,
    pub version: Style,
    pub header_name: Style,
    pub header_value: Style,
    pub status_ok: Style,
    pub status_redirect: Style,
    pub status_client_error: Style,
    pub status_server_error: Style,
    pub status_info: Style,
    pub meta: Style,
    pub json: Styler,
}

impl Theme {
    pub fn new(name: StyleName) -> Theme {
        match name {
            StyleName::Auto => Theme {
                method: Color::Green.bold(),
                target: Color::Cyan.foreground(),
                version: Color::Blue.foreground(),
                header_name: Color::Cyan.foreground(),
                header_value: Style::new(),
                status_ok: Color::Green.bold(),
                status_redirect: Color::Yellow.bold(),
                status_client_error: Color::Red.bold(),
                status_server_error: Color::Magenta.bold(),
                status_info: Color::Cyan.bold(),
                meta: Color::BrightBlack.foreground(),
                json: Styler::default(),
            },
            StyleName::Solarized => {
                // Solarized accents as 256-color approximations.
                let blue = Color::Fixed(33);
                let cyan = Color::Fixed(37);
                let green = Color::Fixed(64);
                let yellow = Color::Fixed(136);
                let red = Color::Fixed(160);
                let magenta = Color::Fixed(125);
                let base = Color::Fixed(245);
                Theme {
                    method: green.bold(),
                    target: cyan.foreground(),
                    version: blue.foreground(),
                    header_name: blue.foreground(),
                    header_value: Style::new(),
                    status_ok: green.bold(),
                    status_redirect: yellow.bold(),
                    status_client_error: red.bold(),
                    status_server_error: magenta.bold(),
                    status_info: cyan.bold(),
                    meta: base.foreground(),
                    json: Styler {
                        object_brackets: base.bold(),
                        object_colon: Style::new(),
                        array_brackets: base.bold(),
                        key: blue.bold(),
                        string_value: cyan.foreground(),
                        integer_value: magenta.foreground(),
                        float_value: magenta.foreground(),
                        bool_value: yellow.foreground(),
                        nil_value: red.foreground(),
                        string_include_quotation: true,
                    },
                }
            }
            StyleName::Monochrome => Theme {
                method: Style::new().bold(),
                target: Style::new(),
                version: Style::new(),
                header_name: Style::new().bold(),
                header_value: Style::new(),
                status_ok: Style::new().bold(),
                status_redirect: Style::new().bold(),
                status_client_error: Style::new().bold().underline(),
                status_server_error: Style::new().bold().underline(),
                status_info: Style::new().bold(),
                meta: Style::new().dim(),
                json: Styler {
                    object_brackets: Style::new(),
                    object_colon: Style::new(),
                    array_brackets: Style::new(),
                    key: Style::new().bold(),
                    string_value: Style::new(),
                    integer_value: Style::new(),
                    float_value: Style::new(),
                    bool_value: Style::new(),
                    nil_value: Style::new().dim(),
                    string_include_quotation: true,
                },
            },
        }
    }

    pub fn status(&self, code: u16) -> Style {
        match code {
            100..=199 => self.status_info,
            200..=299 => self.status_ok,
            300..=399 => self.status_redirect,
            400..=499 => self.status_client_error,
            _ => self.status_server_error,
        }
    }
}

/// `text` wrapped in the style's escape sequences (nothing for a plain style).
pub fn paint(style: Style, text: &str) -> String {
    if style == Style::new() {
        return text.to_string();
    }
    format!("{}{}{}", style.prefix(), text, style.suffix())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paint_wraps_only_styled_text() {
        assert_eq!(paint(Style::new(), "x"), "x");
        let red = paint(Color::Red.bold(), "x");
        assert!(red.starts_with('\x1b') && red.contains('x') && red.ends_with('m'));
    }

    #[test]
    fn status_classes() {
        let t = Theme::new(StyleName::Auto);
        assert_eq!(t.status(204), t.status_ok);
        assert_eq!(t.status(404), t.status_client_error);
        assert_eq!(t.status(503), t.status_server_error);
    }
}
