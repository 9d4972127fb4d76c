// TEMPORARY STUB: replaced by the real interpreter.
#[derive(Debug, Clone, PartialEq)]
pub struct NestedJsonError {
    pub message: String,
}
impl std::fmt::Display for NestedJsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for NestedJsonError {}
pub fn interpret(
    items: &[(String, serde_json::Value)],
) -> Result<serde_json::Value, NestedJsonError> {
    let mut m = serde_json::Map::new();
    for (k, v) in items {
        m.insert(k.clone(), v.clone());
    }
    Ok(serde_json::Value::Object(m))
}
