//! Content-Disposition and file-name sanitising: whatever the header, a chosen name is never
//! empty, never a path (no `/`, no `\`), never dot-leading, and holds no control character.
#![no_main]

use courier::fuzzing::filename::{from_content_disposition, sanitize, truncate};
use libfuzzer_sys::fuzz_target;

fn check(name: &str) {
    assert!(!name.is_empty(), "empty name");
    assert!(!name.contains(['/', '\\']), "separator in {name:?}");
    assert!(!name.starts_with('.'), "dot-leading {name:?}");
    assert!(!name.chars().any(char::is_control), "control in {name:?}");
}

fuzz_target!(|data: &[u8]| {
    if let Some(name) = from_content_disposition(data) {
        check(&name);
        let short = truncate(&name, 255);
        assert!(short.len() <= 255);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(name) = sanitize(text) {
            check(&name);
        }
        // Extensions are kept whole up to 16 bytes, so any limit from 16 up is met.
        for max in [16, 64, 255] {
            assert!(truncate(text, max).len() <= max);
        }
    }
});
