//! The session file format: HTTPie 3.2's JSON layout, plus its older ones on load.
//!
//! ```json
//! {"__meta__": {...}, "auth": {"type": "basic", "raw_auth": "user:pass"},
//!  "cookies": [{"name", "value", "domain", "path", "secure", "expires"}],
//!  "headers": [{"name": "X-Api", "value": "1"}]}
//! ```
//! Before 3.1, `cookies` was an object (name → {value, path, secure, expires}, no domain); before
//! 3.2, `headers` was an object (name → value). Both still load. Files are always written in
//! the current layout, which binds every cookie to a domain.
//!
//! Loading is strict about shape: a file that is not what it claims is refused whole (the
//! caller leaves it untouched) rather than half-used.

use serde_json::{Map, Value};

use crate::auth::AuthType;
use crate::cookies::StoredCookie;

/// Session files are a few KB; anything this large is not one.
pub const MAX_SESSION_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAuth {
    pub kind: AuthType,
    /// What `-a` was: `user:pass`, or the token (oauth2: the client id alone).
    pub raw: String,
    /// What a signing scheme keeps besides (keys next to `raw_auth` in the file).
    pub scheme: StoredScheme,
}

/// What oauth2, oauth1 and aws-sigv4 keep in a session besides `raw_auth`: oauth2 its token
/// endpoint, scopes and token (never the client secret), oauth1 the user token, aws-sigv4
/// its scope. `Debug` hides the secrets.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct StoredScheme {
    pub token_url: Option<String>,
    /// Space-separated, as RFC 6749 §3.3 writes scopes.
    pub scope: Option<String>,
    pub token_auth: Option<String>,
    pub access_token: Option<String>,
    /// Seconds since the Unix epoch.
    pub expires_at: Option<u64>,
    /// `TOKEN:TOKEN_SECRET`.
    pub oauth1_token: Option<String>,
    pub aws_sigv4: Option<String>,
}

impl std::fmt::Debug for StoredScheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "<redacted>");
        f.debug_struct("StoredScheme")
            .field("token_url", &self.token_url)
            .field("scope", &self.scope)
            .field("token_auth", &self.token_auth)
            .field("access_token", &hidden(&self.access_token))
            .field("expires_at", &self.expires_at)
            .field("oauth1_token", &hidden(&self.oauth1_token))
            .field("aws_sigv4", &self.aws_sigv4)
            .finish()
    }
}

/// The string keys of [`StoredScheme`], in the file's (sorted) order.
const SCHEME_KEYS: [&str; 6] = [
    "access_token",
    "aws_sigv4",
    "oauth1_token",
    "scope",
    "token_auth",
    "token_url",
];

impl StoredScheme {
    fn field(&mut self, key: &str) -> &mut Option<String> {
        match key {
            "access_token" => &mut self.access_token,
            "aws_sigv4" => &mut self.aws_sigv4,
            "oauth1_token" => &mut self.oauth1_token,
            "scope" => &mut self.scope,
            "token_auth" => &mut self.token_auth,
            _ => &mut self.token_url,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionData {
    pub headers: Vec<(String, String)>,
    pub cookies: Vec<StoredCookie>,
    pub auth: Option<StoredAuth>,
    /// Said once when the file used an old layout that left cookies unbound.
    pub warnings: Vec<String>,
}

fn string(v: &Value, at: &str) -> Result<String, String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("{at}: expected a string"))
}

/// A string field of an object (missing counts as not a string).
fn field(obj: &Map<String, Value>, key: &str, at: &str) -> Result<String, String> {
    string(obj.get(key).unwrap_or(&Value::Null), &format!("{at}.{key}"))
}

fn no_controls(text: &str, at: &str) -> Result<(), String> {
    if text.chars().any(|c| c.is_control() && c != '\t') {
        return Err(format!("{at}: contains a control character"));
    }
    Ok(())
}

fn parse_headers(v: &Value, warnings: &mut Vec<String>) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    match v {
        Value::Null => {}
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let at = format!("headers[{i}]");
                let obj = item
                    .as_object()
                    .ok_or_else(|| format!("{at}: expected an object"))?;
                let name = field(obj, "name", &at)?;
                let value = field(obj, "value", &at)?;
                out.push((name, value));
            }
        }
        Value::Object(map) => {
            for (name, value) in map {
                out.push((name.clone(), string(value, &format!("headers.{name}"))?));
            }
        }
        _ => return Err("headers: expected a list".into()),
    }
    for (name, value) in &out {
        no_controls(name, "a header name")?;
        no_controls(value, &format!("the value of header {name}"))?;
        if name.is_empty() || name.contains(':') {
            return Err(format!("invalid header name {name:?}"));
        }
    }
    out.retain(|(name, _)| {
        let framing = crate::spec::is_framing_header(name);
        if framing {
            warnings.push(format!(
                "the session's {name} header is ignored: the body sent decides its framing"
            ));
        }
        !framing
    });
    Ok(out)
}

fn parse_cookie(name: &str, obj: &Map<String, Value>, at: &str) -> Result<StoredCookie, String> {
    let field = |key: &str| obj.get(key).unwrap_or(&Value::Null);
    let value = string(field("value"), &format!("{at}.value"))?;
    let domain = match field("domain") {
        Value::Null => String::new(),
        other => string(other, &format!("{at}.domain"))?,
    };
    let path = match field("path") {
        Value::Null => "/".to_string(),
        other => string(other, &format!("{at}.path"))?,
    };
    let secure = match field("secure") {
        Value::Null => false,
        Value::Bool(b) => *b,
        _ => return Err(format!("{at}.secure: expected true or false")),
    };
    let expires = match field("expires") {
        Value::Null => None,
        Value::Number(n) => Some(
            n.as_i64()
                .or_else(|| n.as_f64().map(|f| f as i64))
                .ok_or_else(|| format!("{at}.expires: expected a number"))?,
        ),
        _ => return Err(format!("{at}.expires: expected a number or null")),
    };
    for (text, what) in [
        (name, "name"),
        (&value, "value"),
        (&domain, "domain"),
        (&path, "path"),
    ] {
        no_controls(text, &format!("{at}.{what}"))?;
    }
    Ok(StoredCookie {
        name: name.to_string(),
        value,
        domain,
        path,
        secure,
        expires,
        host_only: false,
    })
}

fn parse_cookies(v: &Value, warnings: &mut Vec<String>) -> Result<Vec<StoredCookie>, String> {
    let mut out = Vec::new();
    match v {
        Value::Null => {}
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let at = format!("cookies[{i}]");
                let obj = item
                    .as_object()
                    .ok_or_else(|| format!("{at}: expected an object"))?;
                let name = field(obj, "name", &at)?;
                out.push(parse_cookie(&name, obj, &at)?);
            }
        }
        Value::Object(map) => {
            for (name, item) in map {
                let at = format!("cookies.{name}");
                let obj = item
                    .as_object()
                    .ok_or_else(|| format!("{at}: expected an object"))?;
                out.push(parse_cookie(name, obj, &at)?);
            }
        }
        _ => return Err("cookies: expected a list".into()),
    }
    if out.iter().any(|c| c.domain.is_empty()) {
        warnings.push(
            "this session file has cookies without a domain (an old HTTPie layout); they are \
             bound to the host being requested and saved that way"
                .into(),
        );
    }
    Ok(out)
}

fn parse_auth(v: &Value) -> Result<Option<StoredAuth>, String> {
    let obj = match v {
        Value::Null => return Ok(None),
        Value::Object(obj) => obj,
        _ => return Err("auth: expected an object".into()),
    };
    let text = |key: &str| -> Result<Option<String>, String> {
        match obj.get(key).unwrap_or(&Value::Null) {
            Value::Null => Ok(None),
            other => string(other, &format!("auth.{key}")).map(Some),
        }
    };
    let Some(kind) = text("type")? else {
        return Ok(None);
    };
    // HTTPie ≤ 3.0 stored username and password separately.
    let raw = match text("raw_auth")? {
        Some(raw) => raw,
        None => match (text("username")?, text("password")?) {
            (Some(u), Some(p)) => format!("{u}:{p}"),
            (Some(u), None) => u,
            _ => return Ok(None),
        },
    };
    no_controls(&raw, "auth.raw_auth")?;
    let Some(kind) = AuthType::from_name(&kind) else {
        return Err(format!(
            "auth.type: unknown auth type {:?}",
            kind.to_ascii_lowercase()
        ));
    };
    let mut scheme = StoredScheme::default();
    for key in SCHEME_KEYS {
        if let Some(value) = text(key)? {
            no_controls(&value, &format!("auth.{key}"))?;
            *scheme.field(key) = Some(value);
        }
    }
    scheme.expires_at = match obj.get("expires_at").unwrap_or(&Value::Null) {
        Value::Null => None,
        v => Some(
            v.as_u64()
                .ok_or("auth.expires_at: expected a number of seconds")?,
        ),
    };
    Ok(Some(StoredAuth { kind, raw, scheme }))
}

/// Reads a session file's content. The error says what is wrong, for
/// `invalid session file <path>: ...`.
pub fn parse(bytes: &[u8]) -> Result<SessionData, String> {
    if bytes.len() > MAX_SESSION_BYTES {
        return Err(format!("larger than {} MiB", MAX_SESSION_BYTES >> 20));
    }
    let root: Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let obj = root
        .as_object()
        .ok_or_else(|| "expected a JSON object".to_string())?;
    if let Some(meta) = obj.get("__meta__") {
        if !meta.is_object() {
            return Err("__meta__: expected an object".into());
        }
    }
    let mut warnings = Vec::new();
    Ok(SessionData {
        headers: parse_headers(obj.get("headers").unwrap_or(&Value::Null), &mut warnings)?,
        cookies: parse_cookies(obj.get("cookies").unwrap_or(&Value::Null), &mut warnings)?,
        auth: parse_auth(obj.get("auth").unwrap_or(&Value::Null))?,
        warnings,
    })
}

/// The file's text: HTTPie 3.2's layout, keys sorted, 4-space indent, trailing newline.
pub fn render(data: &SessionData) -> String {
    let mut root = Map::new();
    let mut meta = Map::new();
    meta.insert(
        "about".into(),
        "courier session file (HTTPie 3.2 layout)".into(),
    );
    meta.insert("courier".into(), env!("CARGO_PKG_VERSION").into());
    root.insert("__meta__".into(), Value::Object(meta));
    let mut auth = Map::new();
    match &data.auth {
        Some(a) => {
            auth.insert("raw_auth".into(), a.raw.clone().into());
            auth.insert("type".into(), a.kind.name().into());
            let mut scheme = a.scheme.clone();
            for key in SCHEME_KEYS {
                if let Some(value) = scheme.field(key).take() {
                    auth.insert(key.into(), value.into());
                }
            }
            if let Some(at) = a.scheme.expires_at {
                auth.insert("expires_at".into(), at.into());
            }
        }
        None => {
            auth.insert("password".into(), Value::Null);
            auth.insert("type".into(), Value::Null);
            auth.insert("username".into(), Value::Null);
        }
    }
    root.insert("auth".into(), Value::Object(auth));
    let cookies = data
        .cookies
        .iter()
        .map(|c| {
            let mut m = Map::new();
            m.insert("domain".into(), c.domain.clone().into());
            m.insert("expires".into(), c.expires.map_or(Value::Null, Value::from));
            m.insert("name".into(), c.name.clone().into());
            m.insert("path".into(), c.path.clone().into());
            m.insert("secure".into(), c.secure.into());
            m.insert("value".into(), c.value.clone().into());
            Value::Object(m)
        })
        .collect();
    root.insert("cookies".into(), Value::Array(cookies));
    let headers = data
        .headers
        .iter()
        .map(|(n, v)| {
            let mut m = Map::new();
            m.insert("name".into(), n.clone().into());
            m.insert("value".into(), v.clone().into());
            Value::Object(m)
        })
        .collect();
    root.insert("headers".into(), Value::Array(headers));

    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(&Value::Object(root), &mut ser)
        .expect("serializing a JSON value to memory cannot fail");
    let mut text = String::from_utf8(out).expect("serde_json writes UTF-8");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const HTTPIE_32: &str = r#"{
    "__meta__": {"about": "HTTPie session file", "help": "https://httpie.io/docs#sessions", "httpie": "3.2.4"},
    "auth": {"raw_auth": "alice:secret", "type": "basic"},
    "cookies": [
        {"domain": "", "expires": null, "name": "c1", "path": "/", "secure": false, "value": "v1"},
        {"domain": "localhost.local", "expires": 1999999999, "name": "sid", "path": "/", "secure": false, "value": "abc"}
    ],
    "headers": [{"name": "X-Api", "value": "1"}, {"name": "X-Api", "value": "2"}]
}"#;

    #[test]
    fn reads_httpie_32_files() {
        let s = parse(HTTPIE_32.as_bytes()).unwrap();
        assert_eq!(
            s.headers,
            [("X-Api".into(), "1".into()), ("X-Api".into(), "2".into())]
        );
        assert_eq!(
            s.auth,
            Some(StoredAuth {
                kind: AuthType::Basic,
                raw: "alice:secret".into(),
                scheme: StoredScheme::default(),
            })
        );
        assert_eq!(s.cookies.len(), 2);
        assert_eq!(s.cookies[1].expires, Some(1999999999));
        assert_eq!(s.warnings.len(), 1, "c1 has no domain");
    }

    #[test]
    fn reads_old_layouts() {
        let old = r#"{"cookies": {"sid": {"value": "1", "path": "/", "secure": false, "expires": null}},
                      "headers": {"X-Token": "t"},
                      "auth": {"type": "basic", "username": "u", "password": "p"}}"#;
        let s = parse(old.as_bytes()).unwrap();
        assert_eq!(s.headers, [("X-Token".into(), "t".into())]);
        assert_eq!(s.cookies[0].name, "sid");
        assert_eq!(s.cookies[0].domain, "");
        assert_eq!(s.auth.unwrap().raw, "u:p");
        let fresh = r#"{"auth": {"password": null, "type": null, "username": null}, "cookies": [], "headers": []}"#;
        assert_eq!(parse(fresh.as_bytes()).unwrap(), SessionData::default());
    }

    #[test]
    fn hostile_or_corrupt_files_are_refused() {
        for bad in [
            &b"{\"headers\": [{\"name\": \"X\", \"value\": \"a\\r\\nHost: evil\"}]}"[..],
            b"{\"headers\": [",
            b"[]",
            b"{\"cookies\": [{\"name\": 1, \"value\": \"x\"}]}",
            b"{\"cookies\": \"x\"}",
            b"{\"auth\": {\"type\": \"ntlm\", \"raw_auth\": \"x\"}}",
            b"{\"__meta__\": 3}",
            b"{\"cookies\": [{\"name\": \"a\", \"value\": \"b\", \"expires\": \"soon\"}]}",
        ] {
            assert!(parse(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
        let huge = vec![b' '; MAX_SESSION_BYTES + 1];
        assert!(parse(&huge).unwrap_err().contains("MiB"));
    }

    #[test]
    fn round_trip_in_the_current_layout() {
        let mut s = parse(HTTPIE_32.as_bytes()).unwrap();
        s.warnings.clear();
        let text = render(&s);
        assert!(text.ends_with("}\n"));
        assert!(text.contains("\n    \"auth\": {\n        \"raw_auth\": \"alice:secret\""));
        let again = parse(text.as_bytes()).unwrap();
        assert_eq!(again.headers, s.headers);
        assert_eq!(again.auth, s.auth);
        assert_eq!(again.cookies.len(), 2);
    }

    #[test]
    fn signing_schemes_keep_their_fields() {
        let text = br#"{"auth": {"type": "oauth2", "raw_auth": "client", "token_url": "https://a/t",
            "scope": "read write", "token_auth": "body", "access_token": "tok", "expires_at": 1800000000},
            "cookies": [], "headers": []}"#;
        let s = parse(text).unwrap();
        let auth = s.auth.clone().unwrap();
        assert_eq!((auth.kind, auth.raw.as_str()), (AuthType::OAuth2, "client"));
        assert_eq!(auth.scheme.access_token.as_deref(), Some("tok"));
        assert_eq!(auth.scheme.expires_at, Some(1_800_000_000));
        assert_eq!(auth.scheme.scope.as_deref(), Some("read write"));
        assert!(
            !format!("{auth:?}").contains("tok\""),
            "Debug hides the token"
        );
        let again = parse(render(&s).as_bytes()).unwrap();
        assert_eq!(again.auth, s.auth);
        for bad in [
            &br#"{"auth": {"type": "oauth2", "raw_auth": "c", "expires_at": -1}}"#[..],
            br#"{"auth": {"type": "oauth2", "raw_auth": "c", "expires_at": "soon"}}"#,
            br#"{"auth": {"type": "oauth1", "raw_auth": "c:s", "oauth1_token": "t:\r\n"}}"#,
            br#"{"auth": {"type": "aws-sigv4", "raw_auth": "a:s", "aws_sigv4": 5}}"#,
        ] {
            assert!(parse(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
