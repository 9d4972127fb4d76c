//! Nested JSON keys (`interpret`): each line is a key (`a[b][0]`, `[]`, `\[x`), its value
//! the line number; any set of keys builds a value or gives an error, never panics.
#![no_main]

use courier::fuzzing::interpret;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // A few keys are enough to combine every kind of path step; many indexes up to the
    // 1,000,000 cap would only measure memory.
    let items: Vec<(String, Value)> = text
        .split('\n')
        .take(8)
        .enumerate()
        .map(|(i, key)| (key.to_string(), Value::from(i)))
        .collect();
    let _ = interpret(&items);
});
