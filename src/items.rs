// TEMPORARY STUB: replaced by the real parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sep {
    Header,
    EmptyHeader,
    HeaderFile,
    Query,
    QueryFile,
    Data,
    Json,
    DataFile,
    JsonFile,
    File,
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub key: String,
    pub sep: Sep,
    pub value: String,
    pub orig: String,
}
const SEPS: &[(&str, Sep)] = &[
    (":=@", Sep::JsonFile),
    ("==@", Sep::QueryFile),
    (":=", Sep::Json),
    ("==", Sep::Query),
    ("=@", Sep::DataFile),
    (":@", Sep::HeaderFile),
    (":", Sep::Header),
    (";", Sep::EmptyHeader),
    ("=", Sep::Data),
    ("@", Sep::File),
];
pub fn parse_item(arg: &str) -> Result<Item, String> {
    let mut best: Option<(usize, &str, Sep)> = None;
    for (s, sep) in SEPS {
        if let Some(i) = arg.find(s) {
            if best.map_or(true, |(b, bs, _)| i < b || (i == b && s.len() > bs.len())) {
                best = Some((i, s, *sep));
            }
        }
    }
    let (i, s, sep) = best.ok_or_else(|| format!("'{arg}' is not a valid value"))?;
    let value = arg[i + s.len()..].to_string();
    let value = if sep == Sep::Header {
        value.trim().to_string()
    } else {
        value
    };
    Ok(Item {
        key: arg[..i].to_string(),
        sep,
        value,
        orig: arg.to_string(),
    })
}
pub fn is_item(arg: &str) -> bool {
    parse_item(arg).is_ok()
}
