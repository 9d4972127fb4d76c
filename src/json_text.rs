// TEMPORARY STUB: replaced by the Python-compatible serializer.
pub fn to_python_json(v: &serde_json::Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
