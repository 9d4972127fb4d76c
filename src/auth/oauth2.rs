//! OAuth 2.0 client credentials (RFC 6749 §4.4): the token request, the token response, and
//! when a token may still be used. Pure: the exchange loop sends the request it builds here
//! through the run's one client (same TLS and proxy options) and hands the answer back.

use std::fmt;

use anyhow::{bail, Result};
use serde_json::Value;

use super::scheme::TokenAuth;
use crate::pretty::sanitize::inert;
use crate::spec::{Body, Header, Part, RequestSpec};

/// A token is not used in its last seconds: a request sent then could arrive after it expired.
pub const EXPIRY_MARGIN_SECS: u64 = 30;

/// Token responses are small JSON objects; a larger one is not a token response.
pub const MAX_TOKEN_RESPONSE: u64 = 1024 * 1024;

/// The client and its token endpoint.
#[derive(Clone, PartialEq, Eq)]
pub struct Client {
    pub id: String,
    /// Empty when only the session's client id is known (the token may still be valid).
    pub secret: String,
    pub token_url: url::Url,
    pub scopes: Vec<String>,
    pub token_auth: TokenAuth,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .field("token_url", &self.token_url.as_str())
            .field("scopes", &self.scopes)
            .field("token_auth", &self.token_auth)
            .finish()
    }
}

/// An access token and when it expires (seconds since the Unix epoch; `None`: the server did
/// not say, so it is used until refused).
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    pub access_token: String,
    pub expires_at: Option<u64>,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl Token {
    /// Whether the token may be sent at `now` (Unix seconds).
    pub fn usable(&self, now: u64) -> bool {
        self.expires_at
            .is_none_or(|at| now.saturating_add(EXPIRY_MARGIN_SECS) < at)
    }
}

impl Client {
    /// Whether a new token can be fetched (the secret is known).
    pub fn can_fetch(&self) -> bool {
        !self.secret.is_empty()
    }

    /// The token request (RFC 6749 §4.4.2): a form POST with `grant_type=client_credentials`
    /// and the scopes, the client authenticated by HTTP Basic (§2.3.1: id and secret
    /// form-urlencoded first) or by `client_id`/`client_secret` in the body.
    pub fn token_request(&self) -> RequestSpec {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", "client_credentials");
        if !self.scopes.is_empty() {
            form.append_pair("scope", &self.scopes.join(" "));
        }
        if self.token_auth == TokenAuth::Body {
            form.append_pair("client_id", &self.id);
            form.append_pair("client_secret", &self.secret);
        }
        let body = form.finish().into_bytes();
        let url = &self.token_url;
        let mut headers = vec![
            Header::new("Host", &crate::url_input::host_header(url)),
            Header::new("User-Agent", crate::build::USER_AGENT),
            Header::new("Accept", "application/json"),
            Header::new("Content-Type", "application/x-www-form-urlencoded"),
            Header::new("Content-Length", &body.len().to_string()),
        ];
        if self.token_auth == TokenAuth::Basic {
            let enc =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            headers.push(Header::new(
                "Authorization",
                &super::basic(&enc(&self.id), &enc(&self.secret)),
            ));
        }
        let mut target = url.path().to_string();
        if let Some(query) = url.query() {
            target.push('?');
            target.push_str(query);
        }
        RequestSpec {
            method: "POST".into(),
            url: url.clone(),
            target,
            headers,
            body: Body {
                parts: vec![Part::Bytes(body)],
                ..Body::default()
            },
            auth: None,
        }
    }

    /// The token request as printed: the client's secret hidden (its Basic header by
    /// [`crate::output::Mask`], its form field here).
    pub fn shown_request_body(&self) -> Vec<u8> {
        let mut shown = self.clone();
        if self.token_auth == TokenAuth::Body {
            shown.secret = "<redacted>".into();
        }
        match shown.token_request().body.parts.into_iter().next() {
            Some(Part::Bytes(b)) => b,
            _ => Vec::new(),
        }
    }
}

/// The token from the endpoint's answer (RFC 6749 §5.1), or an error naming the token URL
/// and what the server said (§5.2's `error` and `error_description`).
pub fn parse_response(token_url: &url::Url, status: u16, body: &[u8], now: u64) -> Result<Token> {
    let shown = inert(token_url.as_str()).into_owned();
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let object = json.as_ref().and_then(Value::as_object);
    if let Some(error) = object.and_then(|o| o.get("error")).and_then(Value::as_str) {
        let description = object
            .and_then(|o| o.get("error_description"))
            .and_then(Value::as_str)
            .map(|d| format!(": {}", inert(&clip(d))))
            .unwrap_or_default();
        bail!(
            "the token endpoint {shown} refused the token request (HTTP {status}): {}{description}",
            inert(&clip(error))
        );
    }
    if !(200..300).contains(&status) {
        bail!("the token endpoint {shown} answered HTTP {status} without a token");
    }
    let Some(object) = object else {
        bail!("the token endpoint {shown} did not answer with a JSON object");
    };
    let token = match object.get("access_token") {
        Some(Value::String(t)) if !t.is_empty() => t,
        _ => bail!("the token endpoint {shown} answered without an access_token"),
    };
    if token.chars().any(|c| c.is_control() || c == ' ') {
        bail!("the token endpoint {shown} answered with an access_token that cannot be sent in a header");
    }
    if let Some(kind) = object.get("token_type").and_then(Value::as_str) {
        // RFC 6749 §7.1: the client must understand the token type; Bearer (RFC 6750) is the one.
        if !kind.eq_ignore_ascii_case("bearer") {
            bail!(
                "the token endpoint {shown} issued a {:?} token; only Bearer tokens are supported",
                clip(kind)
            );
        }
    }
    let expires_at = match object.get("expires_in") {
        None | Some(Value::Null) => None,
        Some(v) => Some(now.saturating_add(expires_in(v).ok_or_else(|| {
            anyhow::anyhow!("the token endpoint {shown} answered with an invalid expires_in")
        })?)),
    };
    Ok(Token {
        access_token: token.clone(),
        expires_at,
    })
}

/// `expires_in` in seconds: a non-negative integer, or one written as a string (some servers do).
fn expires_in(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// At most 200 characters of a server's words in a message.
fn clip(text: &str) -> String {
    text.chars().take(200).collect()
}

/// A token response as printed (`--all`): the tokens' values hidden, the rest as sent.
pub fn shown_response_body(body: &[u8]) -> Vec<u8> {
    let Ok(Value::Object(mut object)) = serde_json::from_slice::<Value>(body) else {
        return body.to_vec();
    };
    for key in ["access_token", "refresh_token", "id_token"] {
        if let Some(v) = object.get_mut(key) {
            *v = Value::String("<redacted>".into());
        }
    }
    serde_json::to_vec(&Value::Object(object)).unwrap_or_default()
}

#[cfg(test)]
mod tests;
