//! multipart/form-data bodies as a list of parts, so files stream from disk and the total length
//! is known up front whenever every file is a regular file.

use std::path::PathBuf;

use crate::spec::Part;

/// One form field of a multipart body.
#[derive(Debug, Clone)]
pub enum Field {
    Text {
        name: String,
        value: String,
    },
    File {
        name: String,
        path: PathBuf,
        len: Option<u64>,
        mime: Option<String>,
    },
}

/// A random boundary: 32 hex digits, like HTTPie's `uuid4().hex`.
pub fn random_boundary() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Quotes for a Content-Disposition parameter, escaped as browsers do (HTML's form encoding):
/// `"` CR and LF become `%22` `%0D` `%0A`, so a name can never inject a header line.
fn quoted(text: &str) -> String {
    text.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn encode(fields: &[Field], boundary: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut head = String::new();
    for field in fields {
        head.push_str(&format!("--{boundary}\r\n"));
        match field {
            Field::Text { name, value } => {
                head.push_str(&format!(
                    "Content-Disposition: form-data; name=\"{}\"\r\n\r\n{value}\r\n",
                    quoted(name)
                ));
            }
            Field::File {
                name,
                path,
                len,
                mime,
            } => {
                let file_name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                head.push_str(&format!(
                    "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\n",
                    quoted(name),
                    quoted(&file_name)
                ));
                if let Some(mime) = mime {
                    head.push_str(&format!(
                        "Content-Type: {}\r\n",
                        mime.replace(['\r', '\n'], "")
                    ));
                }
                head.push_str("\r\n");
                parts.push(Part::Bytes(std::mem::take(&mut head).into_bytes()));
                parts.push(Part::File {
                    path: path.clone(),
                    len: *len,
                });
                head.push_str("\r\n");
            }
        }
    }
    head.push_str(&format!("--{boundary}--\r\n"));
    parts.push(Part::Bytes(head.into_bytes()));
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flatten(parts: &[Part]) -> String {
        parts
            .iter()
            .map(|p| match p {
                Part::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
                Part::File { path, .. } => format!("<{}>", path.display()),
                Part::Stdin { .. } => "<stdin>".into(),
            })
            .collect()
    }

    #[test]
    fn text_field_matches_httpie() {
        let body = encode(
            &[Field::Text {
                name: "hello".into(),
                value: "world".into(),
            }],
            "xoxo",
        );
        let text = flatten(&body);
        assert_eq!(
            text,
            "--xoxo\r\nContent-Disposition: form-data; name=\"hello\"\r\n\r\nworld\r\n--xoxo--\r\n"
        );
        assert_eq!(text.len(), 73); // HTTPie's Content-Length for the same body (A4)
    }

    #[test]
    fn file_field_streams_and_names_are_escaped() {
        let body = encode(
            &[Field::File {
                name: "c\"v\r\nX: 1".into(),
                path: PathBuf::from("dir/te\"xt.txt"),
                len: Some(3),
                mime: Some("text/markdown".into()),
            }],
            "B",
        );
        assert_eq!(body.len(), 3);
        assert_eq!(
            flatten(&body),
            "--B\r\nContent-Disposition: form-data; name=\"c%22v%0D%0AX: 1\"; filename=\"te%22xt.txt\"\r\n\
             Content-Type: text/markdown\r\n\r\n<dir/te\"xt.txt>\r\n--B--\r\n"
        );
    }
}
