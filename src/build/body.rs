//! The request body from data items, `--raw`, `@file` or stdin, with its Content-Type.

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;

use super::multipart::{self, Field};
use super::{expand_home, read_text};
use crate::items::{Item, Sep};
use crate::json_text::to_python_json;
use crate::options::{RequestInput, RequestType};
use crate::spec::{Body, Part};

const MIXED: &str = "Request body (from stdin, --raw or a file) and request data (key=value) \
cannot be mixed. Pass --ignore-stdin to let key/value take priority.";
const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";

pub struct BuiltBody {
    pub body: Body,
    pub content_type: Option<String>,
    pub content_encoding: Option<&'static str>,
    /// JSON's `Accept: application/json, */*;q=0.5`.
    pub json_accept: bool,
    /// POST when no method was typed.
    pub implies_post: bool,
    /// The multipart boundary, when the body is multipart.
    pub boundary: Option<String>,
    /// The fields a multipart body was made of, while the body is still exactly them (not
    /// compressed up front): what `--curl` writes as `-F` arguments.
    pub form: Option<Vec<Field>>,
}

fn is_data(sep: Sep) -> bool {
    matches!(sep, Sep::Data | Sep::Json | Sep::DataFile | Sep::JsonFile)
}

fn parse_json(item: &Item, text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| anyhow!("'{}': invalid JSON: {e}", item.orig))
}

/// The value of a data item: a string for `=`/`=@`, parsed JSON for `:=`/`:=@`.
fn data_value(item: &Item) -> Result<Value> {
    Ok(match item.sep {
        Sep::Data => Value::String(item.value.clone()),
        Sep::DataFile => Value::String(read_text(item)?),
        Sep::Json => parse_json(item, &item.value)?,
        Sep::JsonFile => parse_json(item, &read_text(item)?)?,
        _ => unreachable!("only data items reach data_value"),
    })
}

/// A form field's text. JSON scalars are written as JSON (`true`, not Python's `True`).
fn form_text(value: Value) -> Result<String> {
    match value {
        Value::String(s) => Ok(s),
        Value::Bool(_) | Value::Number(_) => Ok(to_python_json(&value)),
        _ => bail!("Cannot use complex JSON value types with --form/--multipart."),
    }
}

fn file_part(item: &Item) -> Result<(std::path::PathBuf, Option<u64>, Option<String>)> {
    let (path, mime) = match item.value.rsplit_once(";type=") {
        Some((path, mime)) if item.sep == Sep::File => (path, Some(mime.to_string())),
        _ => (item.value.as_str(), None),
    };
    let path = expand_home(path);
    let meta = std::fs::metadata(&path)
        .with_context(|| format!("'{}': cannot read file '{}'", item.orig, path.display()))?;
    if meta.is_dir() {
        bail!("'{}': '{}' is a directory", item.orig, path.display());
    }
    let len = meta.is_file().then_some(meta.len());
    let mime = mime.or_else(|| guess_mime(&path));
    Ok((path, len, mime))
}

/// The Content-Type for a file, by extension. Where mime_guess and Python's `mimetypes` (what
/// HTTPie uses) disagree, Python's answer wins: `.xml` is `application/xml`, not `text/xml`.
fn guess_mime(path: &std::path::Path) -> Option<String> {
    let first = mime_guess::from_path(path).first_raw()?;
    Some(match first {
        "text/xml" => "application/xml".to_string(),
        other => other.to_string(),
    })
}

pub fn build_body(
    input: &RequestInput,
    stdin: Option<&mut dyn FnMut() -> Result<Part>>,
) -> Result<BuiltBody> {
    let (items, request_type) = (&input.items[..], input.request_type);
    let form = matches!(
        request_type,
        Some(RequestType::Form | RequestType::Multipart)
    );
    let data: Vec<&Item> = items.iter().filter(|i| is_data(i.sep)).collect();
    let files: Vec<&Item> = items.iter().filter(|i| i.sep == Sep::File).collect();

    let body_file = if form { None } else { lone_body_file(&files)? };

    let has_data = !data.is_empty() || (form && !files.is_empty());
    let other_sources = usize::from(stdin.is_some())
        + usize::from(input.raw.is_some())
        + usize::from(body_file.is_some());
    if has_data && other_sources > 0 {
        bail!(MIXED);
    }
    if other_sources > 1 {
        bail!("Request body from more than one source (stdin, --raw, @file): pick one, or pass --ignore-stdin.");
    }

    let mut built = BuiltBody {
        body: Body::default(),
        content_type: None,
        content_encoding: None,
        json_accept: false,
        implies_post: has_data || other_sources > 0,
        boundary: None,
        form: None,
    };

    if let Some(stdin) = stdin {
        built.body.parts.push(stdin()?);
        built.json_accept = !form;
    } else if let Some(raw) = &input.raw {
        if !raw.is_empty() {
            built.body.parts.push(Part::Bytes(raw.clone().into_bytes()));
            built.json_accept = !form;
        }
    } else if let Some(item) = body_file {
        let (path, len, mime) = file_part(item)?;
        built.body.parts.push(Part::File { path, len });
        built.json_accept = true;
        built.content_type = Some(mime.unwrap_or_else(|| "application/json".into()));
    }

    let multipart = request_type == Some(RequestType::Multipart) || (form && !files.is_empty());
    if multipart {
        multipart_body(items, input.boundary.as_deref(), &mut built)?;
    } else if form {
        form_body(&data, &mut built)?;
    } else {
        json_body(&data, request_type == Some(RequestType::Json), &mut built)?;
    }

    built.body.chunked = input.chunked || (!built.body.is_empty() && built.body.len().is_none());
    if input.compress > 0 && !built.body.is_empty() {
        compress(&mut built, input.compress >= 2)?;
    }
    Ok(built)
}

/// Without --form, `@file` (no field name) is the body and `field@file` is a mistake.
fn lone_body_file<'a>(files: &[&'a Item]) -> Result<Option<&'a Item>> {
    let fields: Vec<&str> = files
        .iter()
        .filter(|f| !f.key.is_empty())
        .map(|f| f.key.as_str())
        .collect();
    if !fields.is_empty() {
        bail!(
            "Invalid file fields (perhaps you meant --form?): {}",
            fields.join(", ")
        );
    }
    if files.len() > 1 {
        bail!("Can't read request from multiple files");
    }
    Ok(files.first().copied())
}

/// A multipart/form-data body of the data and file items, in the order typed.
fn multipart_body(items: &[Item], boundary: Option<&str>, built: &mut BuiltBody) -> Result<()> {
    let mut fields = Vec::new();
    for item in items {
        if is_data(item.sep) {
            fields.push(Field::Text {
                name: item.key.clone(),
                value: form_text(data_value(item)?)?,
            });
        } else if item.sep == Sep::File {
            let (path, len, mime) = file_part(item)?;
            fields.push(Field::File {
                name: item.key.clone(),
                path,
                len,
                mime,
            });
        }
    }
    let boundary = boundary.map_or_else(multipart::random_boundary, str::to_string);
    if boundary.is_empty() || boundary.chars().any(|c| c.is_control()) {
        bail!("--boundary must be non-empty and free of control characters");
    }
    if built.body.is_empty() {
        built.body.parts = multipart::encode(&fields, &boundary);
        built.form = Some(fields);
    }
    built.content_type = Some(format!("multipart/form-data; boundary={boundary}"));
    built.boundary = Some(boundary);
    Ok(())
}

/// An urlencoded form of the data items.
fn form_body(data: &[&Item], built: &mut BuiltBody) -> Result<()> {
    let mut pairs = Vec::new();
    for item in data {
        pairs.push((item.key.clone(), form_text(data_value(item)?)?));
    }
    if !pairs.is_empty() {
        let encoded = crate::url_input::encode_pairs(&pairs);
        built.body.parts.push(Part::Bytes(encoded.into_bytes()));
    }
    built.content_type = Some(FORM.to_string());
    Ok(())
}

/// A JSON object of the data items (nested keys interpreted), and JSON's headers.
fn json_body(data: &[&Item], json_requested: bool, built: &mut BuiltBody) -> Result<()> {
    if !data.is_empty() {
        let values = data
            .iter()
            .map(|item| Ok((item.key.clone(), data_value(item)?)))
            .collect::<Result<Vec<_>>>()?;
        let json = crate::nested_json::interpret(&values)?;
        built
            .body
            .parts
            .push(Part::Bytes(to_python_json(&json).into_bytes()));
    }
    if !data.is_empty() || json_requested {
        built.json_accept = true;
        built.content_type = Some("application/json".into());
    } else if built.json_accept && built.content_type.is_none() {
        built.content_type = Some("application/json".into());
    }
    Ok(())
}

/// `--compress`: an in-memory body is deflated only when that makes it smaller (`-xx`: always);
/// a streamed body is deflated on the fly, since holding it to compare sizes is what streaming
/// is there to avoid.
fn compress(built: &mut BuiltBody, force: bool) -> Result<()> {
    use std::io::Write;
    match built.body.as_bytes() {
        Some(plain) => {
            let mut enc =
                flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            enc.write_all(&plain)
                .context("compressing the request body")?;
            let packed = enc.finish().context("compressing the request body")?;
            if force || packed.len() < plain.len() {
                built.body.parts = vec![Part::Bytes(packed)];
                built.content_encoding = Some("deflate");
                built.form = None;
            }
        }
        None => {
            built.body.deflate_stream = true;
            built.body.chunked = true;
            built.content_encoding = Some("deflate");
        }
    }
    Ok(())
}
