// TEMPORARY STUB until the real module lands.
use encoding_rs::Encoding;
pub fn lookup(label: &str) -> Result<&'static Encoding, String> {
    Encoding::for_label(label.as_bytes())
        .ok_or_else(|| format!("'{label}' is not a supported encoding"))
}
pub fn charset_of(content_type: &str) -> Option<&str> {
    content_type
        .split(';')
        .skip(1)
        .find_map(|p| p.trim().strip_prefix("charset="))
        .map(|c| c.trim_matches('"'))
}
pub struct DisplayDecoder {
    d: encoding_rs::Decoder,
}
impl DisplayDecoder {
    pub fn new(enc: &'static Encoding) -> Self {
        DisplayDecoder {
            d: enc.new_decoder(),
        }
    }
    pub fn push(&mut self, chunk: &[u8], last: bool) -> String {
        let mut s = String::with_capacity(chunk.len() * 3 + 16);
        let _ = self.d.decode_to_string(chunk, &mut s, last);
        s
    }
}
