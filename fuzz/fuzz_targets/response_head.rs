//! The response-head parser (`ResponseHead::parse`): any bytes parse or are refused.
#![no_main]

use courier::fuzzing::ResponseHead;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(head) = ResponseHead::parse(data) {
        let _ = (head.version, head.status, head.reason, head.headers);
    }
});
