//! .netrc (`parse` then `lookup`): any file parses (with a warning at most), never panics.
#![no_main]

use courier::fuzzing::parse_netrc;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (netrc, _warning) = parse_netrc(data);
    let _ = netrc.lookup("example.com", None);
    let _ = netrc.lookup("example.com", Some("user"));
});
