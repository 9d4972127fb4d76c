//! Color themes for `--style`.
//!
//! Ours: `auto` uses the terminal's own 16-color palette, so it reads well on dark and light
//! backgrounds alike; `monochrome` uses only bold and dim; `solarized` is our 256-color take on
//! Solarized's accents.
//!
//! HTTPie's: the Pygments styles people pick (`monokai`, `fruity`, `paraiso-dark`,
//! `paraiso-light`, `solarized-dark`, `solarized-light`), with the colours each gives to the
//! tokens of HTTPie's lexers (httpie/output/lexers: `SimplifiedHTTPLexer` for heads,
//! `MetadataLexer` for `--meta`; Pygments' `JsonLexer` for JSON), and HTTPie's own `pie`,
//! `pie-dark` and `pie-light` (httpie/output/formatters/colors.py `PIE_HEADER_STYLE` and
//! `PIE_BODY_STYLE`, colours from httpie/output/ui/palette.py), which colour methods, status
//! classes and elapsed times each in their own colour. As in HTTPie, the Pygments styles colour
//! every status line alike (a `Number` token) and every method alike (`Name.Function`).
//!
//! HTTPie shows these styles with Pygments' `Terminal256Formatter`, so they are written here as
//! 256-colour SGR (`ESC[38;5;Nm`, with `1;` for bold), N chosen as that formatter chooses it:
//! the xterm colour nearest to the style's RGB value, the 16 system colours included
//! ([`xterm256`]). A style thus looks as it does in HTTPie on a 256-colour terminal. (HTTPie
//! falls back to 16 colours when curses says the terminal has fewer; we do not.) JSON commas
//! stay uncoloured.

use colored_json::{Color, Style, Styler};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StyleName {
    Auto,
    Solarized,
    Monochrome,
    Pie,
    PieDark,
    PieLight,
    Monokai,
    Fruity,
    ParaisoDark,
    ParaisoLight,
    SolarizedDark,
    SolarizedLight,
}

impl StyleName {
    #[cfg(test)]
    pub const ALL: [StyleName; 12] = [
        StyleName::Auto,
        StyleName::Solarized,
        StyleName::Monochrome,
        StyleName::Pie,
        StyleName::PieDark,
        StyleName::PieLight,
        StyleName::Monokai,
        StyleName::Fruity,
        StyleName::ParaisoDark,
        StyleName::ParaisoLight,
        StyleName::SolarizedDark,
        StyleName::SolarizedLight,
    ];
}

/// Request methods in their own colours, as HTTPie's pie styles paint them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodColors {
    /// GET and HEAD.
    pub get: Style,
    pub post: Style,
    /// PUT and PATCH.
    pub put: Style,
    pub delete: Style,
}

/// The styles of every highlighted element.
#[derive(Clone)]
pub struct Theme {
    /// Request methods without a colour of their own: all of them, except under pie.
    pub method: Style,
    pub methods: Option<MethodColors>,
    pub target: Style,
    /// `HTTP`, `/` and `1.1` of the protocol version.
    pub protocol: Style,
    pub slash: Style,
    pub version: Style,
    pub header_name: Style,
    /// The `:` after a header name.
    pub header_colon: Style,
    pub header_value: Style,
    pub status_ok: Style,
    pub status_redirect: Style,
    pub status_client_error: Style,
    pub status_server_error: Style,
    pub status_info: Style,
    /// `--meta`: item names, the `: ` after them, and values other than the elapsed time.
    pub meta: Style,
    pub meta_colon: Style,
    pub meta_value: Style,
    /// Elapsed seconds: up to 0.45 s, up to 1 s, up to 2.5 s, longer (HTTPie's `MetadataLexer`
    /// speed classes).
    pub elapsed: [Style; 4],
    /// The `s` after the elapsed seconds.
    pub elapsed_unit: Style,
    pub json: Styler,
}

impl Theme {
    pub fn new(name: StyleName) -> Theme {
        match name {
            StyleName::Auto => classic(Classic {
                method: Color::Green.bold(),
                target: Color::Cyan.foreground(),
                version: Color::Blue.foreground(),
                header_name: Color::Cyan.foreground(),
                statuses: [
                    Color::Cyan.bold(),
                    Color::Green.bold(),
                    Color::Yellow.bold(),
                    Color::Red.bold(),
                    Color::Magenta.bold(),
                ],
                meta: Color::BrightBlack.foreground(),
                json: Styler::default(),
            }),
            StyleName::Solarized => {
                // Solarized accents as 256-color approximations.
                let blue = Color::Fixed(33);
                let cyan = Color::Fixed(37);
                let green = Color::Fixed(64);
                let yellow = Color::Fixed(136);
                let red = Color::Fixed(160);
                let magenta = Color::Fixed(125);
                let base = Color::Fixed(245);
                classic(Classic {
                    method: green.bold(),
                    target: cyan.foreground(),
                    version: blue.foreground(),
                    header_name: blue.foreground(),
                    statuses: [
                        cyan.bold(),
                        green.bold(),
                        yellow.bold(),
                        red.bold(),
                        magenta.bold(),
                    ],
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
                })
            }
            StyleName::Monochrome => classic(Classic {
                method: Style::new().bold(),
                target: Style::new(),
                version: Style::new(),
                header_name: Style::new().bold(),
                statuses: [
                    Style::new().bold(),
                    Style::new().bold(),
                    Style::new().bold(),
                    Style::new().bold().underline(),
                    Style::new().bold().underline(),
                ],
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
            }),
            StyleName::Pie => pie(&PIE),
            StyleName::PieDark => pie(&PIE_DARK),
            StyleName::PieLight => pie(&PIE_LIGHT),
            StyleName::Monokai => pygments(&MONOKAI),
            StyleName::Fruity => pygments(&FRUITY),
            StyleName::ParaisoDark => pygments(&PARAISO_DARK),
            StyleName::ParaisoLight => pygments(&PARAISO_LIGHT),
            StyleName::SolarizedDark => pygments(&SOLARIZED_DARK),
            StyleName::SolarizedLight => pygments(&SOLARIZED_LIGHT),
        }
    }

    /// The style of a request method: its own under pie (matched as HTTPie matches it, upper
    /// case only), else the one for every method.
    pub fn method(&self, method: &[u8]) -> Style {
        let Some(m) = &self.methods else {
            return self.method;
        };
        match method {
            b"GET" | b"HEAD" => m.get,
            b"POST" => m.post,
            b"PUT" | b"PATCH" => m.put,
            b"DELETE" => m.delete,
            _ => self.method,
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

    /// The style of an elapsed time of `secs` seconds, by HTTPie's speed classes.
    pub fn elapsed(&self, secs: f64) -> Style {
        let class = if secs <= 0.45 {
            0
        } else if secs <= 1.0 {
            1
        } else if secs <= 2.5 {
            2
        } else {
            3
        };
        self.elapsed[class]
    }
}

/// What our own styles define; every finer part takes the colour of its whole.
struct Classic {
    method: Style,
    target: Style,
    version: Style,
    header_name: Style,
    /// 1xx, 2xx, 3xx, 4xx, 5xx.
    statuses: [Style; 5],
    meta: Style,
    json: Styler,
}

fn classic(c: Classic) -> Theme {
    let [info, ok, redirect, client, server] = c.statuses;
    Theme {
        method: c.method,
        methods: None,
        target: c.target,
        protocol: c.version,
        slash: c.version,
        version: c.version,
        header_name: c.header_name,
        header_colon: Style::new(),
        header_value: Style::new(),
        status_ok: ok,
        status_redirect: redirect,
        status_client_error: client,
        status_server_error: server,
        status_info: info,
        meta: c.meta,
        meta_colon: c.meta,
        meta_value: c.meta,
        elapsed: [c.meta; 4],
        elapsed_unit: c.meta,
        json: c.json,
    }
}

/// The 256-colour index Pygments' `Terminal256Formatter` writes for `0xRRGGBB`: the nearest
/// colour of its xterm table (16 system colours, the 6×6×6 cube, 24 greys) by squared RGB
/// distance, the first one on a tie.
pub fn xterm256(rgb: u32) -> u8 {
    const SYSTEM: [(i32, i32, i32); 16] = [
        (0x00, 0x00, 0x00),
        (0xcd, 0x00, 0x00),
        (0x00, 0xcd, 0x00),
        (0xcd, 0xcd, 0x00),
        (0x00, 0x00, 0xee),
        (0xcd, 0x00, 0xcd),
        (0x00, 0xcd, 0xcd),
        (0xe5, 0xe5, 0xe5),
        (0x7f, 0x7f, 0x7f),
        (0xff, 0x00, 0x00),
        (0x00, 0xff, 0x00),
        (0xff, 0xff, 0x00),
        (0x5c, 0x5c, 0xff),
        (0xff, 0x00, 0xff),
        (0x00, 0xff, 0xff),
        (0xff, 0xff, 0xff),
    ];
    const CUBE: [i32; 6] = [0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff];
    let entry = |i: u8| -> (i32, i32, i32) {
        let i = usize::from(i);
        match i {
            0..=15 => SYSTEM[i],
            16..=231 => {
                let c = i - 16;
                (CUBE[c / 36], CUBE[(c / 6) % 6], CUBE[c % 6])
            }
            _ => {
                let v = 8 + (i as i32 - 232) * 10;
                (v, v, v)
            }
        }
    };
    let (r, g, b) = (
        (rgb >> 16 & 0xff) as i32,
        (rgb >> 8 & 0xff) as i32,
        (rgb & 0xff) as i32,
    );
    (0..=255u8)
        .min_by_key(|&i| {
            let (er, eg, eb) = entry(i);
            (r - er).pow(2) + (g - eg).pow(2) + (b - eb).pow(2)
        })
        .unwrap_or(0)
}

/// A colour as a style's source gives it.
#[derive(Clone, Copy)]
enum Ink {
    Rgb(u32),
    /// Pygments' `ansibrightblack`: the terminal's own bright black.
    BrightBlack,
}

impl Ink {
    fn color(self) -> Color {
        match self {
            Ink::Rgb(rgb) => Color::Fixed(xterm256(rgb)),
            Ink::BrightBlack => Color::BrightBlack,
        }
    }

    fn fg(self) -> Style {
        self.color().foreground()
    }

    fn bold(self) -> Style {
        self.color().bold()
    }
}

/// A token's colour in a Pygments style, and whether it is bold.
#[derive(Clone, Copy)]
struct Tok(u32, bool);

impl Tok {
    fn style(self) -> Style {
        let ink = Ink::Rgb(self.0);
        if self.1 {
            ink.bold()
        } else {
            ink.fg()
        }
    }
}

/// A Pygments style's colours for the tokens HTTPie's lexers produce. In the styles below,
/// `Number.Integer` and `Number.Float` are `Number`, `String.Double` is `String`, and
/// `Keyword.Constant` is given here as `constant`.
struct PygmentsStyle {
    /// `Name.Function`: methods.
    function: Tok,
    /// `Name.Namespace`: the request target.
    namespace: Tok,
    /// `Keyword.Reserved`: `HTTP`.
    reserved: Tok,
    /// `Operator`: `/` and the header colon.
    operator: Tok,
    /// `Number`: the version, status code and reason, elapsed seconds, JSON numbers.
    number: Tok,
    /// `Name.Attribute`: header names.
    attribute: Tok,
    /// `String`: header values and JSON strings.
    string: Tok,
    /// `Text`: `--meta` values.
    text: Tok,
    /// `Name.Decorator`: `--meta` names.
    decorator: Tok,
    /// `Name.Builtin`: the `s` of the elapsed time.
    builtin: Tok,
    /// `Punctuation`: JSON brackets and colons.
    punctuation: Tok,
    /// `Name.Tag`: JSON keys.
    tag: Tok,
    /// `Keyword.Constant`: `true`, `false`, `null`.
    constant: Tok,
}

const fn c(rgb: u32) -> Tok {
    Tok(rgb, false)
}

const fn b(rgb: u32) -> Tok {
    Tok(rgb, true)
}

/// Pygments' `monokai` (pygments/styles/monokai.py).
const MONOKAI: PygmentsStyle = PygmentsStyle {
    function: c(0xa6e22e),
    namespace: c(0xf8f8f2),
    reserved: c(0x66d9ef),
    operator: c(0xff4689),
    number: c(0xae81ff),
    attribute: c(0xa6e22e),
    string: c(0xe6db74),
    text: c(0xf8f8f2),
    decorator: c(0xa6e22e),
    builtin: c(0xf8f8f2),
    punctuation: c(0xf8f8f2),
    tag: c(0xff4689),
    constant: c(0x66d9ef),
};

/// Pygments' `fruity` (pygments/styles/fruity.py).
const FRUITY: PygmentsStyle = PygmentsStyle {
    function: b(0xff0086),
    namespace: c(0xffffff),
    reserved: b(0xfb660a),
    operator: c(0xffffff),
    number: b(0x0086f7),
    attribute: b(0xff0086),
    string: c(0x0086d2),
    text: c(0xffffff),
    decorator: c(0xffffff),
    builtin: c(0xffffff),
    punctuation: c(0xffffff),
    tag: b(0xfb660a),
    constant: b(0xfb660a),
};

/// Pygments' `paraiso-dark` (pygments/styles/paraiso_dark.py).
const PARAISO_DARK: PygmentsStyle = PygmentsStyle {
    function: c(0x06b6ef),
    namespace: c(0xfec418),
    reserved: c(0x815ba4),
    operator: c(0x5bc4bf),
    number: c(0xf99b15),
    attribute: c(0x06b6ef),
    string: c(0x48b685),
    text: c(0xe7e9db),
    decorator: c(0x5bc4bf),
    builtin: c(0xe7e9db),
    punctuation: c(0xe7e9db),
    tag: c(0x5bc4bf),
    constant: c(0x815ba4),
};

/// Pygments' `paraiso-light` (pygments/styles/paraiso_light.py): paraiso-dark's accents on
/// dark text.
const PARAISO_LIGHT: PygmentsStyle = PygmentsStyle {
    text: c(0x2f1e2e),
    builtin: c(0x2f1e2e),
    punctuation: c(0x2f1e2e),
    ..PARAISO_DARK
};

/// Pygments' `solarized-dark` (pygments/styles/solarized.py).
const SOLARIZED_DARK: PygmentsStyle = PygmentsStyle {
    function: c(0x268bd2),
    namespace: c(0x268bd2),
    reserved: c(0x859900),
    operator: c(0x586e75),
    number: c(0x2aa198),
    attribute: c(0x839496),
    string: c(0x2aa198),
    text: c(0x839496),
    decorator: c(0x268bd2),
    builtin: c(0x268bd2),
    punctuation: c(0x839496),
    tag: c(0x268bd2),
    constant: c(0x2aa198),
};

/// Pygments' `solarized-light` (pygments/styles/solarized.py): the light base tones.
const SOLARIZED_LIGHT: PygmentsStyle = PygmentsStyle {
    operator: c(0x93a1a1),
    attribute: c(0x657b83),
    text: c(0x657b83),
    punctuation: c(0x657b83),
    ..SOLARIZED_DARK
};

/// HTTPie's colouring with a Pygments style: one colour per token, whatever the method or
/// status.
fn pygments(p: &PygmentsStyle) -> Theme {
    let number = p.number.style();
    let string = p.string.style();
    let punctuation = p.punctuation.style();
    Theme {
        method: p.function.style(),
        methods: None,
        target: p.namespace.style(),
        protocol: p.reserved.style(),
        slash: p.operator.style(),
        version: number,
        header_name: p.attribute.style(),
        header_colon: p.operator.style(),
        header_value: string,
        status_ok: number,
        status_redirect: number,
        status_client_error: number,
        status_server_error: number,
        status_info: number,
        meta: p.decorator.style(),
        meta_colon: p.operator.style(),
        meta_value: p.text.style(),
        elapsed: [number; 4],
        elapsed_unit: p.builtin.style(),
        json: Styler {
            object_brackets: punctuation,
            object_colon: punctuation,
            array_brackets: punctuation,
            key: p.tag.style(),
            string_value: string,
            integer_value: number,
            float_value: number,
            bool_value: p.constant.style(),
            nil_value: p.constant.style(),
            string_include_quotation: true,
        },
    }
}

/// One shade of HTTPie's palette (httpie/output/ui/palette.py `COLOR_PALETTE`, with its
/// terminal customisations: grey is `#7D7D7D` in every shade; `PRIMARY` is white, the
/// terminal's bright black, or black).
struct PieShade {
    primary: Ink,
    grey: u32,
    aqua: u32,
    blue: u32,
    pink: u32,
    green: u32,
    yellow: u32,
    orange: u32,
    red: u32,
}

/// `pie-dark`: shade 500.
const PIE_DARK: PieShade = PieShade {
    primary: Ink::Rgb(0xF5F5F0),
    grey: 0x7D7D7D,
    aqua: 0x8CB4CD,
    blue: 0x4B78E6,
    pink: 0xFA9BFA,
    green: 0x73DC8C,
    yellow: 0xDBDE52,
    orange: 0xFFA24E,
    red: 0xFF665B,
};

/// `pie`: shade 600, for dark and light backgrounds alike.
const PIE: PieShade = PieShade {
    primary: Ink::BrightBlack,
    grey: 0x7D7D7D,
    aqua: 0x7A9EB5,
    blue: 0x426BD1,
    pink: 0xDE85DE,
    green: 0x63C27A,
    yellow: 0xCCCC3D,
    orange: 0xF2913D,
    red: 0xE34F45,
};

/// `pie-light`: shade 700.
const PIE_LIGHT: PieShade = PieShade {
    primary: Ink::Rgb(0x1C1818),
    grey: 0x7D7D7D,
    aqua: 0x698799,
    blue: 0x3B5EBA,
    pink: 0xC26EC2,
    green: 0x52AB66,
    yellow: 0xBABA29,
    orange: 0xE3822B,
    red: 0xC7382E,
};

/// HTTPie's `PIE_HEADER_STYLE` (heads and `--meta`) and `PIE_BODY_STYLE` (JSON) in one shade.
fn pie(s: &PieShade) -> Theme {
    let ink = |rgb: u32| Ink::Rgb(rgb);
    let (grey, aqua, green) = (ink(s.grey), ink(s.aqua), ink(s.green));
    let (yellow, orange, red) = (ink(s.yellow), ink(s.orange), ink(s.red));
    Theme {
        method: grey.bold(),
        methods: Some(MethodColors {
            get: green.bold(),
            post: yellow.bold(),
            put: orange.bold(),
            delete: red.bold(),
        }),
        target: s.primary.bold(),
        protocol: grey.bold(),
        slash: grey.bold(),
        version: grey.bold(),
        header_name: ink(s.blue).fg(),
        header_colon: grey.bold(),
        header_value: s.primary.fg(),
        status_ok: green.bold(),
        status_redirect: yellow.bold(),
        status_client_error: orange.bold(),
        status_server_error: red.bold(),
        status_info: aqua.bold(),
        meta: grey.fg(),
        meta_colon: grey.bold(),
        // `Text` and `Name.Builtin` have no colour in the header style.
        meta_value: Style::new(),
        elapsed: [green.bold(), yellow.bold(), orange.bold(), red.bold()],
        elapsed_unit: Style::new(),
        json: Styler {
            object_brackets: grey.fg(),
            object_colon: grey.fg(),
            array_brackets: grey.fg(),
            key: ink(s.pink).fg(),
            string_value: green.fg(),
            integer_value: aqua.fg(),
            float_value: aqua.fg(),
            bool_value: orange.fg(),
            nil_value: orange.fg(),
            string_include_quotation: true,
        },
    }
}

/// `text` wrapped in the style's escape sequences (nothing for a plain style).
pub fn paint(style: Style, text: &str) -> String {
    if style == Style::new() {
        return text.to_string();
    }
    format!("{}{}{}", style.prefix(), text, style.suffix())
}

/// Pieces of text in their styles, one after the other; neighbours in the same style are
/// painted as one, so a style that gives the parts of a whole one colour paints the whole.
/// Empty pieces are left out.
pub fn paint_spans(spans: &[(Style, &str)]) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let mut current = Style::new();
    for &(style, text) in spans.iter().filter(|(_, text)| !text.is_empty()) {
        if style != current && !run.is_empty() {
            out.push_str(&paint(current, &run));
            run.clear();
        }
        current = style;
        run.push_str(text);
    }
    out.push_str(&paint(current, &run));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The escape sequence that switches `style` on.
    fn on(style: Style) -> String {
        style.prefix().into_owned()
    }

    #[test]
    fn paint_wraps_only_styled_text() {
        assert_eq!(paint(Style::new(), "x"), "x");
        let red = paint(Color::Red.bold(), "x");
        assert!(red.starts_with('\x1b') && red.contains('x') && red.ends_with('m'));
    }

    #[test]
    fn spans_in_one_style_are_painted_as_one() {
        let blue = Color::Blue.foreground();
        assert_eq!(
            paint_spans(&[(blue, "HTTP"), (blue, "/"), (blue, "1.1")]),
            paint(blue, "HTTP/1.1")
        );
        let red = Color::Red.foreground();
        assert_eq!(
            paint_spans(&[
                (blue, "a"),
                (Style::new(), ":"),
                (Style::new(), " "),
                (red, "b")
            ]),
            format!("{}: {}", paint(blue, "a"), paint(red, "b"))
        );
        assert_eq!(paint_spans(&[]), "");
        assert_eq!(paint_spans(&[(blue, "")]), "");
        assert_eq!(
            paint_spans(&[(blue, "a"), (red, ""), (blue, "b")]),
            paint(blue, "ab")
        );
    }

    #[test]
    fn status_classes() {
        let t = Theme::new(StyleName::Auto);
        assert_eq!(t.status(204), t.status_ok);
        assert_eq!(t.status(404), t.status_client_error);
        assert_eq!(t.status(503), t.status_server_error);
    }

    #[test]
    fn xterm_indices_are_pygments_terminal256_choices() {
        // What Pygments' Terminal256Formatter writes for these colours.
        for (rgb, index) in [
            (0xa6e22e, 148),
            (0xae81ff, 141),
            (0xff4689, 204),
            (0xe6db74, 186),
            (0xf8f8f2, 255),
            (0xffffff, 15),
            (0x0086f7, 33),
            (0x7D7D7D, 8),
            (0x73DC8C, 78),
            (0x000000, 0),
            (0x123456, 23),
            (0x808080, 244),
            (0x8a8a8a, 245),
        ] {
            assert_eq!(xterm256(rgb), index, "{rgb:06x}");
        }
    }

    /// Each style's escape sequences for a 2xx status, a header name, a JSON key and a JSON
    /// string: those HTTPie 3.2.4 writes (Pygments 2.20's Terminal256Formatter), in yansi's
    /// spelling (bold first, `1` for `01`).
    #[test]
    fn httpie_styles_give_httpies_colours() {
        for (name, status, header, key, string) in [
            (
                StyleName::Monokai,
                "38;5;141",
                "38;5;148",
                "38;5;204",
                "38;5;186",
            ),
            (
                StyleName::Fruity,
                "1;38;5;33",
                "1;38;5;198",
                "1;38;5;202",
                "38;5;32",
            ),
            (
                StyleName::ParaisoDark,
                "38;5;208",
                "38;5;39",
                "38;5;79",
                "38;5;72",
            ),
            (
                StyleName::ParaisoLight,
                "38;5;208",
                "38;5;39",
                "38;5;79",
                "38;5;72",
            ),
            (
                StyleName::SolarizedDark,
                "38;5;36",
                "38;5;245",
                "38;5;32",
                "38;5;36",
            ),
            (
                StyleName::SolarizedLight,
                "38;5;36",
                "38;5;66",
                "38;5;32",
                "38;5;36",
            ),
            (
                StyleName::PieDark,
                "1;38;5;78",
                "38;5;68",
                "38;5;213",
                "38;5;78",
            ),
            (
                StyleName::Pie,
                "1;38;5;72",
                "38;5;62",
                "38;5;176",
                "38;5;72",
            ),
            (
                StyleName::PieLight,
                "1;38;5;71",
                "38;5;61",
                "38;5;133",
                "38;5;71",
            ),
        ] {
            let t = Theme::new(name);
            let sgr = |s: &str| format!("\x1b[{s}m");
            assert_eq!(on(t.status(200)), sgr(status), "{name:?} status");
            assert_eq!(on(t.header_name), sgr(header), "{name:?} header name");
            assert_eq!(on(t.json.key), sgr(key), "{name:?} key");
            assert_eq!(on(t.json.string_value), sgr(string), "{name:?} string");
        }
    }

    #[test]
    fn the_rest_of_monokai() {
        let t = Theme::new(StyleName::Monokai);
        let sgr = |n: u8| format!("\x1b[38;5;{n}m");
        assert_eq!(on(t.method(b"GET")), sgr(148));
        assert_eq!(on(t.method(b"DELETE")), sgr(148));
        assert_eq!(on(t.target), sgr(255));
        assert_eq!(on(t.protocol), sgr(81));
        assert_eq!(on(t.slash), sgr(204));
        assert_eq!(on(t.version), sgr(141));
        assert_eq!(on(t.header_colon), sgr(204));
        assert_eq!(on(t.header_value), sgr(186));
        for code in [101, 200, 302, 404, 503] {
            assert_eq!(on(t.status(code)), sgr(141), "{code}");
        }
        assert_eq!(on(t.json.object_brackets), sgr(255));
        assert_eq!(on(t.json.integer_value), sgr(141));
        assert_eq!(on(t.json.float_value), sgr(141));
        assert_eq!(on(t.json.bool_value), sgr(81));
        assert_eq!(on(t.json.nil_value), sgr(81));
        assert_eq!(on(t.meta), sgr(148));
        assert_eq!(on(t.elapsed(0.1)), sgr(141));
        assert_eq!(on(t.elapsed(9.0)), sgr(141));
        assert_eq!(on(t.elapsed_unit), sgr(255));
    }

    #[test]
    fn pie_colours_methods_statuses_and_speeds_by_class() {
        // pie-dark, as HTTPie 3.2.4 writes it.
        let t = Theme::new(StyleName::PieDark);
        let bold = |n: u8| format!("\x1b[1;38;5;{n}m");
        let (green, yellow, orange, red, aqua, grey) = (78, 185, 215, 203, 110, 8);
        for (method, want) in [
            ("GET", green),
            ("HEAD", green),
            ("POST", yellow),
            ("PUT", orange),
            ("PATCH", orange),
            ("DELETE", red),
            ("OPTIONS", grey),
            ("get", grey),
        ] {
            assert_eq!(on(t.method(method.as_bytes())), bold(want), "{method}");
        }
        for (code, want) in [
            (100, aqua),
            (204, green),
            (301, yellow),
            (418, orange),
            (500, red),
        ] {
            assert_eq!(on(t.status(code)), bold(want), "{code}");
        }
        for (secs, want) in [
            (0.0, green),
            (0.45, green),
            (0.46, yellow),
            (1.0, yellow),
            (2.5, orange),
            (2.51, red),
        ] {
            assert_eq!(on(t.elapsed(secs)), bold(want), "{secs}");
        }
        assert_eq!(on(t.target), bold(255));
        assert_eq!(on(t.protocol), bold(grey));
        assert_eq!(on(t.header_value), "\x1b[38;5;255m");
        assert_eq!(on(t.meta), "\x1b[38;5;8m");
        assert_eq!(on(t.json.integer_value), "\x1b[38;5;110m");
        assert_eq!(on(t.json.bool_value), "\x1b[38;5;215m");
        assert_eq!(on(t.json.object_brackets), "\x1b[38;5;8m");
        // `pie` leaves plain text to the terminal's bright black; pie-light writes it black.
        assert_eq!(on(Theme::new(StyleName::Pie).header_value), "\x1b[90m");
        assert_eq!(on(Theme::new(StyleName::Pie).target), "\x1b[1;90m");
        assert_eq!(
            on(Theme::new(StyleName::PieLight).header_value),
            "\x1b[38;5;234m"
        );
        let light = Theme::new(StyleName::PieLight);
        assert_eq!(on(light.method(b"POST")), bold(142));
        assert_eq!(on(light.status(503)), bold(166));
    }

    #[test]
    fn our_styles_paint_whole_parts() {
        for name in [StyleName::Auto, StyleName::Solarized, StyleName::Monochrome] {
            let t = Theme::new(name);
            assert_eq!((t.protocol, t.slash), (t.version, t.version));
            assert_eq!(t.header_colon, Style::new());
            assert!(t.methods.is_none());
            assert_eq!(t.method(b"DELETE"), t.method);
            assert!(t.elapsed.iter().all(|s| *s == t.meta));
            assert_eq!((t.meta_colon, t.meta_value), (t.meta, t.meta));
        }
    }

    #[test]
    fn every_style_colors_something() {
        for name in StyleName::ALL {
            let t = Theme::new(name);
            assert_ne!(t.status(200), Style::new(), "{name:?}");
            assert_ne!(t.json.key, Style::new(), "{name:?}");
        }
    }
}
