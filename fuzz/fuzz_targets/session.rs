//! Session files (`parse`): any bytes load or are refused with a message, never panic.
#![no_main]

use courier::fuzzing::parse_session;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_session(data);
});
