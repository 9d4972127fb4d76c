//! OAuth 1.0a request signing with HMAC-SHA1 (RFC 5849 §3), as `requests_oauthlib.OAuth1`
//! does it through oauthlib's `Client.sign`.
//!
//! Pure: the caller passes the nonce and the timestamp ([`new_nonce`] is the one function that
//! reads the OS), so a signature is reproducible and testable. The caller signs each hop anew:
//! the signature covers the method, the origin and the request target.
//!
//! What is signed (RFC 5849 §3.4.1): the method, the base string URI, and the parameters of the
//! query, of an `application/x-www-form-urlencoded` body, and the `oauth_*` protocol parameters.
//! Other bodies are not signed, and no `oauth_body_hash` is sent: requests_oauthlib passes
//! `body=None` to oauthlib for them, and oauthlib's `Client.get_oauth_params` only adds the hash
//! for a body it is given.
//!
//! Deliberate differences from oauthlib: a malformed percent escape or a byte outside the
//! urlencoded set makes oauthlib's `urldecode` raise; here the bytes are kept as they are and
//! signed, so the server decides. oauthlib's `collect_parameters` also unescapes the values of
//! `oauth_*` parameters found in the query or form a second time; that is not repeated here.

use base64::Engine;
use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode, percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha1::Sha1;

/// RFC 5849 §3.6: everything but the unreserved `ALPHA / DIGIT / "-" / "." / "_" / "~"` is
/// percent-encoded (percent_encoding writes uppercase hex, as §3.6 asks).
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The one signature method (RFC 5849 §3.4.2).
const SIGNATURE_METHOD: &str = "HMAC-SHA1";

/// OAuth 1.0a client credentials and the optional user token. `Debug` must never show a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub consumer_key: String,
    pub consumer_secret: String,
    /// (token, token secret), when there is a user token.
    pub token: Option<(String, String)>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let token = self.token.as_ref().map(|(t, _)| (t, "<redacted>"));
        f.debug_struct("Credentials")
            .field("consumer_key", &self.consumer_key)
            .field("consumer_secret", &"<redacted>")
            .field("token", &token)
            .finish()
    }
}

/// What is signed of one request.
pub struct Request<'a> {
    pub method: &'a str,
    /// Scheme, host and port of the request (no userinfo, no fragment; its path/query are ignored).
    pub url: &'a url::Url,
    /// The request target exactly as written on the request line: path and query, already
    /// percent-encoded as they go on the wire (e.g. "/a%20b/~c?x=1&y=%2F").
    pub target: &'a str,
    /// The body when it is `application/x-www-form-urlencoded` (its parameters are signed,
    /// RFC 5849 §3.4.1.3.1); None for any other body (JSON, multipart, files: not signed).
    pub form: Option<&'a [u8]>,
}

/// The `Authorization` header value: `OAuth oauth_nonce="...", oauth_timestamp="...",
/// oauth_version="1.0", oauth_signature_method="HMAC-SHA1", oauth_consumer_key="...",
/// oauth_token="...", oauth_signature="..."`.
///
/// The order is oauthlib's, not alphabetical: `Client.get_oauth_params` lists nonce, timestamp,
/// version, signature method, consumer key, then the token; `Client.sign` appends the
/// signature; `parameters.prepare_headers` keeps that order, escapes names and values with
/// `utils.escape` (RFC 5849 §3.6), quotes every value and joins with `", "` (§3.5.1).
pub fn authorization(creds: &Credentials, req: &Request, nonce: &str, timestamp: u64) -> String {
    let timestamp = timestamp.to_string();
    let mut params: Vec<(&str, &str)> = vec![
        ("oauth_nonce", nonce),
        ("oauth_timestamp", &timestamp),
        ("oauth_version", "1.0"),
        ("oauth_signature_method", SIGNATURE_METHOD),
        ("oauth_consumer_key", &creds.consumer_key),
    ];
    if let Some((token, _)) = &creds.token {
        params.push(("oauth_token", token));
    }
    let signature = sign(creds, &base_string(req, &params));
    params.push(("oauth_signature", &signature));
    let fields: Vec<String> = params
        .iter()
        .map(|(name, value)| format!("{}=\"{}\"", encode(name), encode(value)))
        .collect();
    format!("OAuth {}", fields.join(", "))
}

/// A fresh nonce: 30 alphanumerics from OS randomness (oauthlib's `generate_token` length and
/// alphabet; its `generate_nonce` uses digits only, which servers treat the same: RFC 5849 §3.3
/// asks only that the nonce be unique per timestamp).
///
/// `byte % 62` is slightly biased, which does not matter for uniqueness (about 178 bits). If the
/// OS generator fails, the time, process id and a counter are hashed instead: still unique.
pub fn new_nonce() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = [0u8; 30];
    super::random_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// The signature base string (RFC 5849 §3.4.1.1): method, base string URI and normalized
/// parameters, each encoded (§3.6) and joined with `&`. `oauth_params` are the protocol
/// parameters, unencoded, without `oauth_signature`; the query and the form add theirs.
pub(crate) fn base_string(req: &Request, oauth_params: &[(&str, &str)]) -> String {
    let mut params = query_and_form(req);
    params.extend(oauth_params.iter().map(|(n, v)| (encode(n), encode(v))));
    format!(
        "{}&{}&{}",
        encode(&req.method.to_ascii_uppercase()),
        encode(&base_uri(req.url, req.target)),
        encode(&normalize(params))
    )
}

/// The base string URI (RFC 5849 §3.4.1.2): lowercase scheme and host, the port only when it is
/// not the scheme's default, and the path of the target without its query.
pub(crate) fn base_uri(url: &url::Url, target: &str) -> String {
    let scheme = url.scheme().to_ascii_lowercase();
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    // `Url::port` is None for the scheme's default port, which §3.4.1.2 leaves out.
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    format!("{scheme}://{host}{port}{}", target_path(target))
}

/// The path of a request target, as written: origin-form `/p?q`, absolute-form
/// `http://h/p?q`, or `*` (whose base string URI has the path `/`, like oauthlib's
/// `signature.base_string_uri` gives an empty path).
fn target_path(target: &str) -> &str {
    let end = target.find(['?', '#']).unwrap_or(target.len());
    let path = &target[..end];
    if path.starts_with('/') {
        return path;
    }
    let after_authority = path
        .find("://")
        .and_then(|i| path[i + 3..].find('/').map(|j| &path[i + 3 + j..]));
    after_authority.unwrap_or("/")
}

/// The query's and the form body's parameters (RFC 5849 §3.4.1.3.1), decoded and re-encoded
/// (§3.4.1.3.2 step 1).
fn query_and_form(req: &Request) -> Vec<(String, String)> {
    let query = req
        .target
        .split_once('?')
        .map(|(_, q)| q.split('#').next().unwrap_or_default())
        .unwrap_or_default();
    let mut params = urlencoded_params(query.as_bytes());
    if let Some(form) = req.form {
        params.extend(urlencoded_params(form));
    }
    params
}

/// `a=1&b&c=x+y` as encoded (name, value) pairs, read like oauthlib's `common.urldecode`
/// (`parse_qsl` with `keep_blank_values`): empty pieces are skipped, a piece without `=` is a
/// name with an empty value, `+` is a space. Bytes, not text: invalid UTF-8 and malformed
/// escapes are re-encoded byte for byte instead of failing.
fn urlencoded_params(text: &[u8]) -> Vec<(String, String)> {
    text.split(|&b| b == b'&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| match piece.iter().position(|&b| b == b'=') {
            Some(i) => (recode(&piece[..i]), recode(&piece[i + 1..])),
            None => (recode(piece), String::new()),
        })
        .collect()
}

/// One urlencoded name or value, decoded (`+` is a space, `%XX` a byte; a `%` not followed by
/// two hex digits stays as it is) and encoded again per RFC 5849 §3.6.
fn recode(raw: &[u8]) -> String {
    let spaced: Vec<u8> = raw
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    let decoded: Vec<u8> = percent_decode(&spaced).collect();
    percent_encode(&decoded, UNRESERVED).to_string()
}

/// RFC 5849 §3.4.1.3.2 steps 2–4 on encoded pairs: sort by name, then value (byte order of the
/// encoded strings, as oauthlib's `signature.normalize_parameters` sorts tuples), join `n=v`
/// with `&`.
fn normalize(mut params: Vec<(String, String)>) -> String {
    params.sort();
    let pairs: Vec<String> = params.iter().map(|(n, v)| format!("{n}={v}")).collect();
    pairs.join("&")
}

/// RFC 5849 §3.6: UTF-8, then percent-encode everything but the unreserved characters.
pub(crate) fn encode(text: &str) -> String {
    percent_encode(text.as_bytes(), UNRESERVED).to_string()
}

/// The HMAC-SHA1 signature (RFC 5849 §3.4.2): the key is the encoded consumer secret and the
/// encoded token secret (empty without a token) joined by `&`; the digest is base64-encoded.
pub(crate) fn sign(creds: &Credentials, base_string: &str) -> String {
    let token_secret = creds.token.as_ref().map_or("", |(_, s)| s.as_str());
    let key = format!(
        "{}&{}",
        encode(&creds.consumer_secret),
        encode(token_secret)
    );
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(key.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(base_string.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests;
