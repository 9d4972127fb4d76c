// TEMPORARY STUB until the real module lands.
use std::io::{self, Write};
#[derive(Clone)]
pub struct JsonStyle {
    pub indent: usize,
    pub sort_keys: bool,
    pub palette: Option<colored_json::Styler>,
}
pub struct JsonFormatter<W: Write> {
    out: W,
    buf: Vec<u8>,
    style: JsonStyle,
}
impl<W: Write> JsonFormatter<W> {
    pub fn new(out: W, style: JsonStyle) -> Self {
        JsonFormatter {
            out,
            buf: Vec::new(),
            style,
        }
    }
    pub fn write(&mut self, chunk: &[u8]) -> io::Result<()> {
        self.buf.extend_from_slice(chunk);
        Ok(())
    }
    pub fn finish(mut self) -> io::Result<W> {
        let o = format_json(&self.buf, &self.style).unwrap_or(self.buf.clone());
        self.out.write_all(&o)?;
        Ok(self.out)
    }
}
pub fn format_json(input: &[u8], _style: &JsonStyle) -> Option<Vec<u8>> {
    let v: serde_json::Value = serde_json::from_slice(input).ok()?;
    serde_json::to_vec_pretty(&v).ok()
}
