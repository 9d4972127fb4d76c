//! Content-Range (`parse_content_range`): a range that parses is ordered and inside its total.
#![no_main]

use courier::fuzzing::parse_content_range;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(cr) = parse_content_range(text) {
        if let Some((start, end)) = cr.range {
            assert!(start <= end, "{text:?} gave {cr:?}");
            if let Some(total) = cr.total {
                assert!(end < total, "{text:?} gave {cr:?}");
            }
        }
    }
});
