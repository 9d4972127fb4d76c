//! From the parsed command line to a complete [`RequestSpec`].
//!
//! Deciding is pure; the only I/O is reading the small files that request items name
//! (`=@`, `:=@`, `:@`, `==@`), file metadata for lengths, and standard input, which the caller
//! hands in as a function so that it is read only once it is known to be the body.

mod body;
pub mod headers;
pub mod multipart;

use crate::auth::netrc::Netrc;
use crate::auth::{self, AuthRequest};
use crate::items::{Item, Sep};
use crate::options::RequestInput;
use crate::spec::{is_secret_header, Header, Part, RequestSpec};
use crate::url_input::{self, check_no_controls};
use anyhow::{bail, Context, Result};
use headers::UserHeader;

pub const USER_AGENT: &str = concat!("courier/", env!("CARGO_PKG_VERSION"));
pub const ACCEPT_ENCODING: &str = "gzip, deflate, br";
pub const JSON_ACCEPT: &str = "application/json, */*;q=0.5";

/// What the program brings besides the arguments.
pub struct Inputs<'a> {
    /// Present when standard input is a body source; called once, only if it is used.
    pub stdin: Option<&'a mut dyn FnMut() -> Result<Part>>,
    /// The parsed .netrc, unless `--ignore-netrc` or there is none.
    pub netrc: Option<&'a Netrc>,
    /// Asks for the password of `-a USER` (user, host).
    pub prompt: &'a mut dyn FnMut(&str, &str) -> Result<String>,
    /// Headers stored in the `--session` file: after the defaults, before the command line's.
    pub session_headers: &'a [(String, String)],
    /// Credentials stored in the `--session` file: (type, raw).
    pub session_auth: Option<(crate::auth::AuthType, &'a str)>,
}

/// The host a `--session` is filed under: a `Host:` item if typed, else the URL's host.
/// Worked out before building, since the session's headers go into the build.
pub fn session_host(input: &RequestInput) -> Result<String> {
    let typed_host = input
        .items
        .iter()
        .filter(|i| {
            i.sep == Sep::Header && i.key.eq_ignore_ascii_case("Host") && !i.value.is_empty()
        })
        .map(|i| i.value.clone())
        .next_back();
    match typed_host {
        Some(host) => Ok(host),
        None => Ok(
            url_input::parse_url(&input.url, &input.default_scheme, false, &[])
                .map_err(anyhow::Error::msg)?
                .host,
        ),
    }
}

/// RFC 9110 token characters: what a method or a header name may be made of.
fn is_token(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(crate::wire::is_tchar)
}

fn check_header(name: &str, value: &str) -> Result<()> {
    check_no_controls("header name", name).map_err(anyhow::Error::msg)?;
    if is_secret_header(name) {
        if let Some(c) = value.chars().find(|c| c.is_control()) {
            bail!("the value of header {name} contains the control character {c:?}; refusing to send it");
        }
    }
    check_no_controls(&format!("value of header {name}"), value).map_err(anyhow::Error::msg)?;
    if !is_token(name) {
        bail!("Invalid header name {name:?}: only letters, digits and !#$%&'*+-.^_`|~ are allowed");
    }
    Ok(())
}

/// The most a file embedded in the request by an item (`=@`, `:=@`, `:@`, `==@`) may hold: it
/// is held in memory whole (a body file, `@file`, streams instead and has no limit).
pub const MAX_EMBEDDED_FILE: u64 = 64 * 1024 * 1024;

pub(crate) fn read_text(item: &Item) -> Result<String> {
    let path = expand_home(&item.value);
    let bytes = crate::files::read_capped(&path, MAX_EMBEDDED_FILE)
        .with_context(|| format!("'{}': cannot read file '{}'", item.orig, path.display()))?;
    String::from_utf8(bytes).map_err(|_| {
        anyhow::anyhow!(
            "'{}': cannot embed the content of '{}', not a UTF-8 or ASCII-encoded text file",
            item.orig,
            item.value
        )
    })
}

pub(crate) fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => std::path::PathBuf::from(path),
    }
}

/// The request, and the names of the header items typed on the command line (what a session
/// keeps: bookkeeping for the session, not part of the request).
pub struct Built {
    pub spec: RequestSpec,
    pub typed_headers: Vec<String>,
    /// The fields of a multipart body, while the body is exactly them (for `--curl`).
    pub form: Option<Vec<multipart::Field>>,
}

pub fn build(input: &RequestInput, inputs: Inputs) -> Result<Built> {
    let (user_headers, params) = header_and_query_items(&input.items)?;
    let body = body::build_body(input, inputs.stdin)?;
    let method = method(input.method.as_deref(), body.implies_post)?;
    let parsed = url_input::parse_url(&input.url, &input.default_scheme, input.path_as_is, &params)
        .map_err(anyhow::Error::msg)?;

    let mut defaults = default_headers(&parsed.host, &body, &method);
    let typed_authorization = user_headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("Authorization") && v.is_some());
    let credentials = auth::resolve(
        &AuthRequest {
            auth: input.auth.as_deref(),
            kind: input.auth_type,
            url_credentials: parsed.credentials.clone(),
            host: parsed.url.host_str().unwrap_or(""),
            // An Authorization the user typed is their choice of credentials.
            netrc: if typed_authorization {
                None
            } else {
                inputs.netrc
            },
            session: inputs.session_auth,
            env_keys: input.scheme.aws_env.keys(),
        },
        inputs.prompt,
    )?;
    if let Some(value) = credentials.as_ref().and_then(auth::Auth::header) {
        defaults.push(Header::new("Authorization", &value));
    }

    let user_headers = allowed_user_headers(user_headers, &defaults);
    let session_headers: Vec<_> = inputs
        .session_headers
        .iter()
        .map(|(n, v)| (n.clone(), Some(v.clone())))
        .collect();
    let defaults = headers::merge(defaults, &session_headers);
    let mut headers = headers::merge(defaults, &user_headers);
    if let Some(boundary) = &body.boundary {
        add_boundary(&mut headers, boundary);
    }

    Ok(Built {
        spec: RequestSpec {
            method,
            url: parsed.url,
            target: parsed.target,
            headers,
            body: body.body,
            auth: credentials,
        },
        typed_headers: user_headers.iter().map(|(n, _)| n.clone()).collect(),
        form: body.form,
    })
}

/// Query parameters as typed: (name, value).
type Params = Vec<(String, String)>;

/// The header items (checked) and the query parameters, files read.
fn header_and_query_items(items: &[Item]) -> Result<(Vec<UserHeader>, Params)> {
    let mut user_headers = Vec::new();
    let mut params = Vec::new();
    for item in items {
        match item.sep {
            Sep::Header => {
                let value = (!item.value.is_empty()).then(|| item.value.clone());
                user_headers.push((item.key.clone(), value));
            }
            Sep::EmptyHeader => user_headers.push((item.key.clone(), Some(String::new()))),
            Sep::HeaderFile => {
                let text = read_text(item)?;
                let value = text.trim_end_matches('\n').to_string();
                user_headers.push((item.key.clone(), Some(value)));
            }
            Sep::Query => params.push((item.key.clone(), item.value.clone())),
            Sep::QueryFile => {
                let text = read_text(item)?;
                params.push((item.key.clone(), text.trim_end_matches('\n').to_string()));
            }
            _ => {}
        }
    }
    for (name, value) in &user_headers {
        check_header(name, value.as_deref().unwrap_or(""))?;
    }
    Ok((user_headers, params))
}

/// The method typed (checked, upper-cased), else POST with data and GET without.
fn method(typed: Option<&str>, implies_post: bool) -> Result<String> {
    Ok(match typed {
        Some(m) => {
            check_no_controls("method", m).map_err(anyhow::Error::msg)?;
            if !is_token(m) {
                bail!("Invalid method {m:?}: a method is a single word such as GET or PROPFIND");
            }
            m.to_ascii_uppercase()
        }
        None if implies_post => "POST".to_string(),
        None => "GET".to_string(),
    })
}

/// The headers we send unless told otherwise, in HTTPie's order, with the body's framing.
fn default_headers(host: &str, body: &body::BuiltBody, method: &str) -> Vec<Header> {
    let mut defaults = vec![
        Header::new("Host", host),
        Header::new("User-Agent", USER_AGENT),
        Header::new("Accept-Encoding", ACCEPT_ENCODING),
        Header::new("Accept", if body.json_accept { JSON_ACCEPT } else { "*/*" }),
    ];
    if let Some(ct) = &body.content_type {
        defaults.push(Header::new("Content-Type", ct));
    }
    if let Some(encoding) = body.content_encoding {
        defaults.push(Header::new("Content-Encoding", encoding));
    }
    let content = &body.body;
    if content.chunked {
        defaults.push(Header::new("Transfer-Encoding", "chunked"));
    } else if let Some(len) = content.len().filter(|_| !content.is_empty()) {
        defaults.push(Header::new("Content-Length", &len.to_string()));
    } else if !matches!(method, "GET" | "HEAD" | "OPTIONS") {
        defaults.push(Header::new("Content-Length", "0"));
    }
    defaults
}

/// The user's header items less those that may not override the defaults: the body decides
/// its own framing and the URL its Host (a wrong Content-Length would corrupt the exchange, and
/// HTTP/1.1 needs a Host); an Authorization item gives way to -a/URL credentials, as requests
/// does.
fn allowed_user_headers(user_headers: Vec<UserHeader>, defaults: &[Header]) -> Vec<UserHeader> {
    let credentials = defaults.iter().any(|h| h.name == "Authorization");
    user_headers
        .into_iter()
        .filter(|(name, value)| {
            let framing = crate::spec::is_framing_header(name);
            let unset_host = name.eq_ignore_ascii_case("Host") && value.is_none();
            let replaced = credentials && name.eq_ignore_ascii_case("Authorization");
            !(framing || unset_host || replaced)
        })
        .collect()
}

/// A user's own `Content-Type: multipart/...` gets the body's boundary appended, as HTTPie does,
/// unless it names one itself.
fn add_boundary(headers: &mut [Header], boundary: &str) {
    for h in headers.iter_mut() {
        let lower = h.value.to_ascii_lowercase();
        if h.name.eq_ignore_ascii_case("Content-Type")
            && lower.starts_with("multipart/")
            && !lower.contains("boundary=")
        {
            h.value = format!("{}; boundary={boundary}", h.value);
        }
    }
}

impl Header {
    pub fn new(name: &str, value: &str) -> Header {
        Header {
            name: name.to_string(),
            value: value.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_header_values_are_not_quoted_in_errors() {
        let err = check_header("Authorization", "Bearer hunter2\r\nX: y").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        let err = check_header("X-Other", "v\t").unwrap_err();
        assert!(err.to_string().contains("X-Other"), "{err}");
    }

    #[test]
    fn tokens() {
        assert!(is_token("PROPFIND"));
        assert!(is_token("X-Api_Key.1"));
        assert!(!is_token("GET /x"));
        assert!(!is_token(""));
        assert!(!is_token("a:b"));
    }
}
