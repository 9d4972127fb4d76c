//! Request items (`parse_item`): any argument either parses or is refused, never panics.
#![no_main]

use courier::fuzzing::parse_item;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(arg) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(item) = parse_item(arg) {
        assert_eq!(item.orig, arg);
    }
});
