//! The JSON formatter: formatting never changes the data (`parse(format(x)) == parse(x)`),
//! and the streaming formatter, fed in two pieces, writes what the whole-body one writes.
#![no_main]

use courier::fuzzing::{format_json, JsonFormatter, JsonStyle};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let style = JsonStyle::default();
    let whole = format_json(data, &style);
    if let (Ok(before), Some(out)) = (serde_json::from_slice::<Value>(data), &whole) {
        let after: Value = serde_json::from_slice(out).expect("formatted JSON must parse");
        assert_eq!(before, after);
    }
    if let Some(out) = &whole {
        let cut = data.first().map_or(0, |b| *b as usize % (data.len() + 1));
        let mut f = JsonFormatter::new(Vec::new(), style);
        f.write(&data[..cut]).unwrap();
        f.write(&data[cut..]).unwrap();
        let streamed = f.finish().unwrap();
        assert_eq!(&streamed, out, "streamed output differs");
    }
});
