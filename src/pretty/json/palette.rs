//! How a colored_json [`Styler`] turns into the bytes written around JSON tokens: the one place
//! that knows it, for the formatter (`--pretty=all`) and for colours-only mode
//! (`--pretty=colors`, `json.format:false`, in `super::super::json_colors`) alike, so the same
//! token gets the same escape sequences in both.
//!
//! colored_json paints every token through yansi (`text.paint(style).to_string()`), allocating
//! several times per token; we paint a marker once per style and keep the bytes around it, so
//! the escape sequences are exactly colored_json's (yansi's global switch and style conditions
//! included) at no per-token cost.

use colored_json::{Style, Styler};

/// The bare words JSON, plus Python's extensions, allows as values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::pretty) enum Lit {
    True,
    False,
    Null,
    NaN,
    Infinity,
    NegInfinity,
}

impl Lit {
    const ALL: [Lit; 6] = [
        Lit::True,
        Lit::False,
        Lit::Null,
        Lit::NaN,
        Lit::Infinity,
        Lit::NegInfinity,
    ];

    /// The literal's spelling, in the input and in the output.
    pub(in crate::pretty) fn text(self) -> &'static [u8] {
        match self {
            Lit::True => b"true",
            Lit::False => b"false",
            Lit::Null => b"null",
            Lit::NaN => b"NaN",
            Lit::Infinity => b"Infinity",
            Lit::NegInfinity => b"-Infinity",
        }
    }

    /// The literal spelled exactly `word`, if any.
    pub(in crate::pretty) fn of(word: &[u8]) -> Option<Lit> {
        Lit::ALL.into_iter().find(|lit| lit.text() == word)
    }
}

/// Whether a number is a float rather than an integer (it picks the colour): it has a fraction
/// or an exponent, whatever its size, as Python decides. Meant for text read as a number.
pub(in crate::pretty) fn is_float(number: &[u8]) -> bool {
    number.iter().any(|b| matches!(b, b'.' | b'e' | b'E'))
}

/// The escape sequences that switch one style on and off (both empty when uncoloured).
#[derive(Clone, Default)]
pub(in crate::pretty) struct Ends {
    pub(in crate::pretty) on: Box<[u8]>,
    pub(in crate::pretty) off: Box<[u8]>,
}

impl Ends {
    fn of(style: Style) -> Self {
        // In scope here only: yansi's `Paint::clear` would shadow `Vec::clear` elsewhere.
        use colored_json::Paint;
        // NUL never appears in an SGR sequence, so it splits prefix from suffix unambiguously.
        const MARK: &str = "\u{0}";
        let painted = MARK.paint(style).to_string();
        match painted.split_once(MARK) {
            Some((on, off)) => Ends {
                on: on.as_bytes().into(),
                off: off.as_bytes().into(),
            },
            // A masked style that is switched off hides the text; we never hide data.
            None => Ends::default(),
        }
    }

    /// Writes `text` to `dst` with the style switched on before and off after.
    pub(in crate::pretty) fn write(&self, dst: &mut Vec<u8>, text: &[u8]) {
        dst.extend_from_slice(&self.on);
        dst.extend_from_slice(text);
        dst.extend_from_slice(&self.off);
    }

    /// `text` in this style.
    pub(in crate::pretty) fn wrap(&self, text: &[u8]) -> Box<[u8]> {
        let mut dst = Vec::with_capacity(self.on.len() + text.len() + self.off.len());
        self.write(&mut dst, text);
        dst.into()
    }
}

/// Every byte sequence written around tokens, rendered once per formatter or colorizer.
pub(in crate::pretty) struct Palette {
    pub(in crate::pretty) obj_open: Box<[u8]>,
    pub(in crate::pretty) arr_open: Box<[u8]>,
    /// Bracket styles, for closing brackets (the formatter paints the line break before them).
    pub(in crate::pretty) object: Ends,
    pub(in crate::pretty) array: Ends,
    /// `": "` between a key and its value, as the formatter writes it.
    pub(in crate::pretty) colon: Box<[u8]>,
    /// `:` alone, in the same style: colours-only mode keeps the input's spacing around it.
    pub(in crate::pretty) bare_colon: Box<[u8]>,
    /// Written before / after the characters of a key or string (the quotes are inside the
    /// colour unless the styler says otherwise).
    pub(in crate::pretty) key_open: Box<[u8]>,
    pub(in crate::pretty) key_close: Box<[u8]>,
    pub(in crate::pretty) str_open: Box<[u8]>,
    pub(in crate::pretty) str_close: Box<[u8]>,
    /// Styles of keys and strings, to switch colour off when a string is cut short.
    pub(in crate::pretty) key: Ends,
    pub(in crate::pretty) string: Ends,
    /// Number styles: pick one with [`Palette::number`].
    pub(in crate::pretty) integer: Ends,
    float: Ends,
    literals: [Box<[u8]>; 6],
}

impl Palette {
    /// colored_json's colours for `styler`; no escape codes at all without one.
    pub(in crate::pretty) fn new(styler: Option<&Styler>) -> Self {
        let ends = |style: Style| styler.map_or_else(Ends::default, |_| Ends::of(style));
        let s = styler.copied().unwrap_or_default();
        let quoted = |e: &Ends, open: bool| -> Box<[u8]> {
            match (open, s.string_include_quotation) {
                (true, true) => [&e.on[..], b"\""].concat().into(),
                (true, false) => [b"\"", &e.on[..]].concat().into(),
                (false, true) => [b"\"", &e.off[..]].concat().into(),
                (false, false) => [&e.off[..], b"\""].concat().into(),
            }
        };
        let (object, array) = (ends(s.object_brackets), ends(s.array_brackets));
        let (key, string) = (ends(s.key), ends(s.string_value));
        let (boolean, nil) = (ends(s.bool_value), ends(s.nil_value));
        // serde_json cannot hold NaN or infinities; they are floats to Python.
        let float = ends(s.float_value);
        let object_colon = ends(s.object_colon);
        Palette {
            obj_open: object.wrap(b"{"),
            arr_open: array.wrap(b"["),
            colon: object_colon.wrap(b": "),
            bare_colon: object_colon.wrap(b":"),
            key_open: quoted(&key, true),
            key_close: quoted(&key, false),
            str_open: quoted(&string, true),
            str_close: quoted(&string, false),
            literals: [
                boolean.wrap(Lit::True.text()),
                boolean.wrap(Lit::False.text()),
                nil.wrap(Lit::Null.text()),
                float.wrap(Lit::NaN.text()),
                float.wrap(Lit::Infinity.text()),
                float.wrap(Lit::NegInfinity.text()),
            ],
            object,
            array,
            key,
            string,
            integer: ends(s.integer_value),
            float,
        }
    }

    /// The rendered literal.
    pub(in crate::pretty) fn literal(&self, lit: Lit) -> &[u8] {
        &self.literals[lit as usize]
    }

    /// The style of `number`: float or integer, by [`is_float`].
    pub(in crate::pretty) fn number(&self, number: &[u8]) -> &Ends {
        if is_float(number) {
            &self.float
        } else {
            &self.integer
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use colored_json::{Color, Paint};

    #[test]
    fn ends_are_what_yansi_paints() {
        for style in [
            Color::Blue.bold(),
            Style::new(),
            Color::Rgb(1, 2, 3).on_black().underline(),
        ] {
            let ends = Ends::of(style);
            let painted = "text".paint(style).to_string();
            assert_eq!(ends.wrap(b"text").as_ref(), painted.as_bytes());
        }
        assert!(Ends::of(Style::new()).on.is_empty());
    }

    #[test]
    fn uncoloured_palette_is_plain() {
        let pal = Palette::new(None);
        assert_eq!(&*pal.obj_open, b"{");
        assert_eq!(&*pal.colon, b": ");
        assert_eq!(&*pal.key_open, b"\"");
        assert_eq!(pal.literal(Lit::NegInfinity), b"-Infinity");
    }

    #[test]
    fn literals_are_found_by_spelling() {
        for lit in Lit::ALL {
            assert_eq!(Lit::of(lit.text()), Some(lit));
        }
        for word in [&b"True"[..], b"nul", b"nulll", b"-NaN", b"Inf", b""] {
            assert_eq!(Lit::of(word), None, "{:?}", String::from_utf8_lossy(word));
        }
    }

    #[test]
    fn numbers_with_a_fraction_or_exponent_are_floats() {
        let styler = Styler {
            integer_value: Color::Yellow.foreground(),
            float_value: Color::Blue.foreground(),
            ..Styler::default()
        };
        let pal = Palette::new(Some(&styler));
        for float in ["1.5", "-0.0", "1e5", "2E-3"] {
            assert_eq!(
                pal.number(float.as_bytes()).on,
                Ends::of(styler.float_value).on
            );
        }
        for int in ["0", "-12", "18446744073709551616"] {
            assert_eq!(
                pal.number(int.as_bytes()).on,
                Ends::of(styler.integer_value).on
            );
        }
        // NaN and the infinities are floats too, as they are to Python.
        let float = Ends::of(styler.float_value);
        assert_eq!(pal.literal(Lit::NaN), &*float.wrap(b"NaN"));
        assert_eq!(pal.literal(Lit::NegInfinity), &*float.wrap(b"-Infinity"));
    }
}
