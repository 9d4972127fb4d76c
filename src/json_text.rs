//! JSON text exactly as Python's `json.dumps(v)` writes it, which is what HTTPie sends as a
//! JSON request body: `{"a": 1, "b": [true, null]}`, non-ASCII escaped, floats in Python's
//! `repr` form. Byte-for-byte equality matters for `Content-Length` and for users comparing
//! our requests with HTTPie's.

use serde_json::{Number, Value};
use std::fmt::Write;

/// `json.dumps(v)`: separators `", "` and `": "`, `ensure_ascii=True` (non-ASCII as `\uXXXX`,
/// astral characters as surrogate pairs), keys in map order.
pub fn to_python_json(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v);
    out
}

fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => out.push_str(&number_text(n)),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_string(out, key);
                out.push_str(": ");
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

/// Integers print as integers and floats as Python's `float.__repr__`.
///
/// With serde_json's `arbitrary_precision` feature, integers beyond 64 bits keep all their
/// digits (as Python's unbounded `int` does); without it serde_json has already turned them
/// into floats.
fn number_text(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let text = n.to_string();
    let digits = text.strip_prefix('-').unwrap_or(&text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return text;
    }
    let float = n.as_f64().or_else(|| text.parse().ok()).unwrap_or(f64::NAN);
    python_float_repr(float)
}

/// Python's `repr(float)` as `json.dumps` uses it: the shortest digits that round-trip, in
/// positional form when the decimal exponent is in -4..16 (`0.0001`, `100.0`), otherwise in
/// exponent form with a signed, at least two-digit exponent (`1e-05`, `1.5e+16`).
/// Non-finite values print as `json.dumps` prints them: `Infinity`, `-Infinity`, `NaN`.
pub fn python_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    // Rust's `{:e}` gives the shortest round-trip digits, e.g. "-1.2345e-7" or "0e0". When
    // two such strings are equally close to the exact value, Python picks the even one:
    // re-rounding to the same number of digits with `{:.N$e}` (exact, ties to even) does too.
    let shortest = format!("{f:e}");
    let precision = shortest.split('e').next().map_or(0, |m| {
        m.bytes()
            .filter(u8::is_ascii_digit)
            .count()
            .saturating_sub(1)
    });
    let sci = format!("{f:.precision$e}");
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let digits = match digits.trim_end_matches('0') {
        "" => "0",
        significant => significant,
    };

    if !(-4..16).contains(&exponent) {
        let (first, rest) = digits.split_at(1);
        let fraction = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        return format!(
            "{sign}{first}{fraction}e{exp_sign}{:02}",
            exponent.unsigned_abs()
        );
    }

    // Positional: the decimal point goes after `exponent + 1` digits.
    let point = exponent + 1;
    let text = if point <= 0 {
        let zeros = "0".repeat(point.unsigned_abs() as usize);
        format!("0.{zeros}{digits}")
    } else {
        let point = point as usize;
        if digits.len() <= point {
            format!("{digits}{}.0", "0".repeat(point - digits.len()))
        } else {
            format!("{}.{}", &digits[..point], &digits[point..])
        }
    };
    format!("{sign}{text}")
}

/// A JSON string with `ensure_ascii=True`: `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, every
/// other character outside printable ASCII as lowercase `\uXXXX` (UTF-16 surrogate pairs
/// above U+FFFF); `/` is not escaped.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dumps(text: &str) -> String {
        to_python_json(&serde_json::from_str(text).expect("test JSON"))
    }

    #[test]
    fn separators_and_order() {
        assert_eq!(
            to_python_json(&json!({"b": 1, "a": [true, false, null], "c": {}, "d": []})),
            r#"{"b": 1, "a": [true, false, null], "c": {}, "d": []}"#
        );
        assert_eq!(
            dumps(r#"{"z":{"y":[1,{"x":"w"}]}}"#),
            r#"{"z": {"y": [1, {"x": "w"}]}}"#
        );
    }

    #[test]
    fn reference_examples() {
        assert_eq!(
            dumps(r#"{"name":"é","f":1.0,"e":1E2}"#),
            r#"{"name": "\u00e9", "f": 1.0, "e": 100.0}"#
        );
        assert_eq!(
            to_python_json(&json!({"hello": "world"})),
            r#"{"hello": "world"}"#
        );
    }

    #[test]
    fn integers() {
        assert_eq!(dumps("0"), "0");
        assert_eq!(dumps("-17"), "-17");
        assert_eq!(dumps("9223372036854775807"), "9223372036854775807");
        assert_eq!(dumps("-9223372036854775808"), "-9223372036854775808");
        assert_eq!(dumps("18446744073709551615"), "18446744073709551615");
    }

    #[test]
    fn floats_like_python_repr() {
        let cases = [
            ("1.0", "1.0"),
            ("1E2", "100.0"),
            ("1e100", "1e+100"),
            ("1e-5", "1e-05"),
            ("0.0001", "0.0001"),
            ("0.00012345", "0.00012345"),
            ("1.5", "1.5"),
            ("-1.5", "-1.5"),
            ("-0.0", "-0.0"),
            ("0.0", "0.0"),
            ("12345678901234567.0", "1.2345678901234568e+16"),
            ("1e15", "1000000000000000.0"),
            ("1e16", "1e+16"),
            ("123456789012345.6", "123456789012345.6"),
            ("0.1", "0.1"),
            ("0.30000000000000004", "0.30000000000000004"),
            ("1.7976931348623157e308", "1.7976931348623157e+308"),
            ("5e-324", "5e-324"),
            ("2.5e-7", "2.5e-07"),
            ("-1.25e+20", "-1.25e+20"),
            ("3.14159", "3.14159"),
            ("18446744073709551616", "1.8446744073709552e+19"),
        ];
        for (input, expected) in cases {
            let float: f64 = input.parse().expect("test float");
            assert_eq!(python_float_repr(float), expected, "{input}");
        }
        assert_eq!(
            dumps("[1.0, 1E2, -0.0, 2.5e-7]"),
            "[1.0, 100.0, -0.0, 2.5e-07]"
        );
        // Exactly halfway between two 17-digit candidates: Python picks the even digit.
        let tie = f64::from_bits(0xc318_3422_c0b3_4501);
        assert_eq!(python_float_repr(tie), "-1703180826890560.2");
        assert_eq!(python_float_repr(f64::INFINITY), "Infinity");
        assert_eq!(python_float_repr(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(python_float_repr(f64::NAN), "NaN");
    }

    #[test]
    fn string_escapes() {
        let s = "q\" b\\ n\n r\r t\t b\u{8} f\u{c} nul\u{0} us\u{1f} del\u{7f} / é € 😀";
        assert_eq!(
            to_python_json(&json!(s)),
            r#""q\" b\\ n\n r\r t\t b\b f\f nul\u0000 us\u001f del\u007f / \u00e9 \u20ac \ud83d\ude00""#
        );
        assert_eq!(
            to_python_json(&json!({"ключ": "ü"})),
            r#"{"\u043a\u043b\u044e\u0447": "\u00fc"}"#
        );
    }
}
