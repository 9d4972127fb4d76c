//! Property tests (proptest) for parsers and formatters: the JSON formatter keeps the data,
//! request items round-trip, sanitised download names are always safe, Content-Range parsing
//! (RFC 9110 14.4) round-trips and never yields an impossible range, cookies stay with their
//! host (RFC 6265 5.4). Case counts stay modest
//! (proptest's default of 256, which `PROPTEST_CASES` overrides) so `cargo test` stays fast.

use proptest::prelude::*;

/// Arbitrary JSON values, a few levels deep.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        (-1e15f64..1e15).prop_map(|f| serde_json::json!(f)),
        "\\PC{0,12}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::vec(("\\PC{0,8}", inner), 0..6)
                .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn parse(b: &[u8]) -> serde_json::Value {
    serde_json::from_slice(b).expect("valid JSON")
}

proptest! {

    /// parse(format(x)) == parse(x), for every indent and with or without sorting keys.
    #[test]
    fn json_formatter_keeps_the_data(v in json_value(), indent in 0usize..8, sort in any::<bool>()) {
        let doc = serde_json::to_vec(&v).unwrap();
        let style = crate::pretty::json::JsonStyle { indent, sort_keys: sort, palette: None };
        let out = crate::pretty::json::format_json(&doc, &style).expect("valid JSON is formatted");
        prop_assert_eq!(parse(&out), parse(&doc));
    }

    /// Invalid input is refused or kept; the formatter never panics on arbitrary bytes.
    #[test]
    fn json_formatter_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = crate::pretty::json::format_json(&bytes, &crate::pretty::json::JsonStyle::default());
    }

    /// KEY SEP VALUE parses back into the same key, separator and value.
    #[test]
    fn items_round_trip(
        key in "[a-zA-Z0-9_][a-zA-Z0-9_-]{0,10}",
        sep in prop::sample::select(vec![":", "==", "=", ":=", "=@", ":=@", "@", ":@", "==@"]),
        value in "[a-zA-Z0-9][a-zA-Z0-9=:@.,/ ]{0,12}[a-zA-Z0-9]",
    ) {
        let arg = format!("{key}{sep}{value}");
        let item = crate::items::parse_item(&arg).map_err(TestCaseError::fail)?;
        prop_assert_eq!(&item.key, &key);
        prop_assert_eq!(item.sep.as_str(), sep);
        prop_assert_eq!(&item.value, &value);
    }

    /// Parsing arbitrary text never panics.
    #[test]
    fn items_never_panic(arg in "\\PC{0,24}") {
        let _ = crate::items::parse_item(&arg);
    }

    /// A sanitised name has no separator, no leading dot and no control character.
    #[test]
    fn sanitized_names_are_safe(raw in "(\\PC|[\\x00-\\x1f\\x7f./\\\\]){0,40}") {
        if let Some(name) = crate::download::filename::sanitize(&raw) {
            prop_assert!(!name.is_empty());
            prop_assert!(!name.contains('/') && !name.contains('\\'), "{:?}", name);
            prop_assert!(!name.starts_with('.'), "{:?}", name);
            prop_assert!(!name.chars().any(char::is_control), "{:?}", name);
        }
    }

    /// `bytes A-B/T` with A <= B < T parses back to exactly those numbers.
    #[test]
    fn content_range_round_trips(a in 0u64..1 << 40, len in 1u64..1 << 20, extra in 0u64..1 << 20) {
        let (b, t) = (a + len - 1, a + len + extra);
        let parsed = crate::download::parse_content_range(&format!("bytes {a}-{b}/{t}"));
        prop_assert_eq!(
            parsed,
            Some(crate::download::ContentRange { range: Some((a, b)), total: Some(t) })
        );
    }

    /// Whatever the text, a parsed range is ordered and inside its total.
    #[test]
    fn content_range_is_never_impossible(v in "bytes ?[0-9*]{0,6}-?[0-9]{0,6}/[0-9*]{0,6}|\\PC{0,20}") {
        if let Some(cr) = crate::download::parse_content_range(&v) {
            if let Some((a, b)) = cr.range {
                prop_assert!(a <= b);
                if let Some(t) = cr.total {
                    prop_assert!(b < t);
                }
            }
        }
    }

    /// A cookie set by one host goes back to it and never to another host.
    #[test]
    fn cookies_stay_with_their_host(name in "[a-zA-Z][a-zA-Z0-9_]{0,8}", value in "[a-zA-Z0-9_.-]{1,12}") {
        let home = url::Url::parse("http://a.example/x").unwrap();
        let other = url::Url::parse("http://b.example/x").unwrap();
        let mut jar = crate::cookies::CookieJar::new();
        let set = format!("{name}={value}; Path=/");
        jar.store_response(&home, &[set.as_bytes()]);
        let pair = format!("{name}={value}");
        let sent = jar.cookie_header(&home).unwrap_or_default();
        prop_assert!(sent.contains(&pair), "{:?}", sent);
        prop_assert_eq!(jar.cookie_header(&other), None);
    }
}
