// TEMPORARY STUB until the real module lands.
use std::borrow::Cow;
pub const BINARY_NOTE: &str = "+-----------------------------------------+\n| NOTE: binary data not shown in terminal |\n+-----------------------------------------+";
pub fn inert(text: &str) -> Cow<'_, str> {
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        Cow::Owned(
            text.chars()
                .map(|c| {
                    if c.is_control() && c != '\n' && c != '\t' {
                        format!("\\x{:02x}", c as u32)
                    } else {
                        c.to_string()
                    }
                })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}
pub fn inert_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| {
            if c.is_control() {
                format!("\\x{:02x}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}
pub fn is_binary(chunk: &[u8]) -> bool {
    chunk.contains(&0)
}
