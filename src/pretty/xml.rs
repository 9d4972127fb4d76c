// TEMPORARY STUB until the real module lands.
pub fn format_xml(_input: &str, _indent: usize) -> Option<String> {
    None
}
