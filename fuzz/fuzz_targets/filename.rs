//! Content-Disposition and file-name sanitising: whatever the header (or URL), the name chosen
//! is never empty, never a path (no `/`, no `\`), never dot-leading, and holds no control
//! character and no `:`. (`from_content_disposition` alone is unsanitised by design.)
#![no_main]

use courier::fuzzing::filename::{choose, from_content_disposition, sanitize, truncate};
use libfuzzer_sys::fuzz_target;

fn check(name: &str) {
    assert!(!name.is_empty(), "empty name");
    assert!(!name.contains(['/', '\\']), "separator in {name:?}");
    assert!(!name.starts_with('.'), "dot-leading {name:?}");
    assert!(!name.chars().any(char::is_control), "control in {name:?}");
    assert!(!name.contains(':'), "colon in {name:?}");
}

fuzz_target!(|data: &[u8]| {
    if let Some(raw) = from_content_disposition(data) {
        if let Some(name) = sanitize(&raw) {
            check(&name);
        }
    }
    let url = url::Url::parse("http://example.com/dir/file.bin").unwrap();
    check(&choose(Some(data), &url, Some("application/json")));
    if let Ok(url) = url::Url::parse(&String::from_utf8_lossy(data)) {
        check(&choose(None, &url, None));
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
