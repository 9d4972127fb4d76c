//! AWS Signature Version 4 (curl's `--aws-sigv4`): the canonical request, the string to sign and
//! the `Authorization` header, built as the AWS SDKs build them.
//!
//! Pure functions: the caller passes the request as it will be sent and the time. References a
//! reader can open: AWS's "Create a canonical request for Signature Version 4" and "Create a
//! signed AWS API request" pages, botocore's `botocore/auth.py` (`SigV4Auth`, `S3SigV4Auth`),
//! and curl's `lib/http_aws_sigv4.c` for the `--aws-sigv4` grammar and the host fallback.
//! Checked against AWS's public SigV4 test suite (`sigv4/testsuite/`).

use std::io::{self, Read};
use std::time::SystemTime;

use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

use crate::spec::Header;

#[cfg(test)]
mod tests;

/// curl's cap on each part of `--aws-sigv4` (`MAX_SIGV4_LEN` in lib/http_aws_sigv4.c).
const MAX_PART_LEN: usize = 64;

/// The SHA-256 of an empty payload (AWS's docs quote it; the suite's GET vectors end with it).
pub(crate) const EMPTY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// SigV4's URI encoding: everything but the unreserved `A-Za-z0-9-_.~` (RFC 3986 §2.3) is
/// percent-encoded with upper-case hex ("UriEncode" in AWS's canonical request page).
const SIGV4_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The same set keeping `/`, for paths (botocore: `quote(path, safe='/~')`).
const SIGV4_PATH_ENCODE: &AsciiSet = &SIGV4_ENCODE.remove(b'/');

/// Headers never signed. botocore's `SIGNED_HEADERS_BLACKLIST` (auth.py): hop-by-hop headers a
/// proxy may rewrite or drop, `expect`, `user-agent` and `x-amzn-trace-id` (changed by
/// middleware); the aws-sigv4 crate's `SigningSettings::excluded_headers` is a subset of it
/// (authorization, user-agent, x-amzn-trace-id, transfer-encoding). Added here:
/// `authorization`, which carries the signature; `proxy-connection`, the non-standard hop-by-hop
/// header; and `content-length`, which our HTTP engine frames itself (botocore never has it at
/// signing time either: it is set when the request is prepared, after `add_auth`), so a server
/// cannot require it to be signed and the payload hash already covers the body.
const UNSIGNED_HEADERS: &[&str] = &[
    "authorization",
    "connection",
    "content-length",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
];

/// Services whose paths are signed as sent, encoded once and not normalised: curl's
/// `should_urlencode` (s3, s3-express, s3-outposts) and the SDKs' S3 Express signing name.
const SINGLE_ENCODE_SERVICES: &[&str] = &["s3", "s3-express", "s3express", "s3-outposts"];

/// curl's `--aws-sigv4 PROVIDER1[:PROVIDER2[:REGION[:SERVICE]]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub provider1: String,
    pub provider2: String,
    pub region: Option<String>,
    pub service: Option<String>,
}

impl Scope {
    /// Parses the option's value; a bad one gets a one-line reason.
    pub fn parse(text: &str) -> Result<Scope, String> {
        let parts: Vec<&str> = text.split(':').collect();
        if parts.len() > 4 {
            return Err(format!(
                "--aws-sigv4 has {} parts; expected PROVIDER1[:PROVIDER2[:REGION[:SERVICE]]]",
                parts.len()
            ));
        }
        let names = ["PROVIDER1", "PROVIDER2", "REGION", "SERVICE"];
        for (part, name) in parts.iter().zip(names) {
            check_part(part, name)?;
        }
        let owned = |i: usize| parts.get(i).map(|p| p.to_string());
        Ok(Scope {
            provider1: parts[0].to_string(),
            provider2: owned(1).unwrap_or_else(|| parts[0].to_string()),
            region: owned(2),
            service: owned(3),
        })
    }

    /// Region and service for this host. A missing one is read from the host name as curl's
    /// `parse_sigv4_params` does: `SERVICE.REGION.rest` (the service from the first label, the
    /// region from the second).
    pub fn resolve(&self, host: &str) -> Result<(String, String), String> {
        if let (Some(region), Some(service)) = (&self.region, &self.service) {
            return Ok((region.clone(), service.clone()));
        }
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if bare.parse::<std::net::IpAddr>().is_ok() {
            return Err(format!(
                "--aws-sigv4 needs REGION and SERVICE for {host}: an IP address names neither"
            ));
        }
        let mut labels = host.split('.');
        let service = host_label(labels.next(), labels.clone().next(), "service", host)?;
        let region = match &self.region {
            Some(region) => region.clone(),
            None => host_label(labels.next(), labels.next(), "region", host)?,
        };
        Ok((region, service))
    }

    /// `AWS4-HMAC-SHA256` for provider `aws`.
    fn algorithm(&self) -> String {
        format!("{}4-HMAC-SHA256", self.provider1.to_ascii_uppercase())
    }

    /// `aws4_request` for provider `aws`: the credential scope's last part.
    fn terminator(&self) -> String {
        format!("{}4_request", self.provider1.to_ascii_lowercase())
    }

    /// `X-Amz-<suffix>` for provider2 `amz` (curl capitalises the first letter only).
    fn header_name(&self, suffix: &str) -> String {
        let lower = self.provider2.to_ascii_lowercase();
        let mut chars = lower.chars();
        let first = chars.next().map(|c| c.to_ascii_uppercase());
        format!("X-{}{}-{suffix}", first.unwrap_or_default(), chars.as_str())
    }
}

fn check_part(part: &str, name: &str) -> Result<(), String> {
    if part.is_empty() {
        return Err(format!("--aws-sigv4: {name} is empty"));
    }
    if part.len() > MAX_PART_LEN {
        return Err(format!(
            "--aws-sigv4: {name} is longer than {MAX_PART_LEN} bytes"
        ));
    }
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    if !part.chars().all(ok) {
        return Err(format!(
            "--aws-sigv4: {name} may only hold letters, digits, '_', '.' and '-'"
        ));
    }
    Ok(())
}

/// One label taken from the host; curl insists a dot follows it (`curlx_str_single(&p, '.')`).
fn host_label(
    label: Option<&str>,
    next: Option<&str>,
    what: &str,
    host: &str,
) -> Result<String, String> {
    match (label, next) {
        (Some(label), Some(_)) if check_part(label, what).is_ok() => Ok(label.to_string()),
        _ => Err(format!(
            "--aws-sigv4: {what} missing in the option and not found in the host name {host} \
             (expected SERVICE.REGION.amazonaws.com)"
        )),
    }
}

/// Access key, secret key and optional session token. `Debug` never shows the secret or the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key: String,
    pub secret_key: String,
    pub session_token: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// The payload's hash as sent in X-Amz-Content-Sha256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// Lower-case hex.
    Sha256(String),
    /// `UNSIGNED-PAYLOAD` (a body that cannot be read twice, as curl's `calc_s3_payload_hash`).
    Unsigned,
}

impl Payload {
    pub fn as_str(&self) -> &str {
        match self {
            Payload::Sha256(hex) => hex,
            Payload::Unsigned => "UNSIGNED-PAYLOAD",
        }
    }
}

/// Hashes a body stream (files are hashed by reading them, never held in memory).
pub fn payload_hash(body: &mut dyn Read) -> io::Result<Payload> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match body.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(Payload::Sha256(hex(&hasher.finalize())))
}

/// Signs one request. `headers` are the request's headers exactly as they will be sent (names
/// as typed, Host included). Returns the headers to set on the request, replacing any of the
/// same name: `X-Amz-Date`, `X-Amz-Content-Sha256`, `X-Amz-Security-Token` (with a session
/// token) and `Authorization`.
#[allow(clippy::too_many_arguments)] // The interface the exchange loop calls, as agreed.
pub fn sign(
    creds: &Credentials,
    scope: &Scope,
    method: &str,
    url: &url::Url,
    target: &str,
    headers: &[Header],
    payload: &Payload,
    now: SystemTime,
) -> Result<Vec<Header>, String> {
    check_credentials(creds)?;
    let host = url.host_str().unwrap_or_default();
    let (region, service) = scope.resolve(host)?;
    let ctx = Context {
        scope,
        timestamp: amz_date(now)?,
        region,
        service,
    };
    let mut ours = our_headers(creds, &ctx, Some(payload));
    let signed = headers_to_sign(url, headers, &ours);
    let creq = canonical_request(method, target, &ctx.service, &signed, payload);
    let sts = string_to_sign(&ctx, &creq);
    let value = authorization(creds, &ctx, &signed_header_names(&signed), &sts);
    ours.push(header("Authorization", value));
    Ok(ours)
}

/// Credentials end up in header values: a control character would split the head. They are
/// rejected upstream too; the message never quotes them.
fn check_credentials(creds: &Credentials) -> Result<(), String> {
    let bad = |s: &str| s.chars().any(char::is_control);
    if bad(&creds.access_key) || creds.session_token.as_deref().is_some_and(bad) {
        return Err("the AWS access key or session token contains a control character".into());
    }
    Ok(())
}

/// What one signature is computed for: the scope resolved for the host, and the time.
pub(crate) struct Context<'a> {
    pub(crate) scope: &'a Scope,
    /// `YYYYMMDD'T'HHMMSS'Z'` in UTC.
    pub(crate) timestamp: String,
    pub(crate) region: String,
    pub(crate) service: String,
}

impl Context<'_> {
    /// `DATE/REGION/SERVICE/aws4_request`.
    fn credential_scope(&self) -> String {
        let date = self.timestamp.get(..8).unwrap_or_default();
        let (region, service) = (&self.region, &self.service);
        format!("{date}/{region}/{service}/{}", self.scope.terminator())
    }
}

/// The X-Amz-Date value for `now`: `20150830T123600Z`.
pub(crate) fn amz_date(now: SystemTime) -> Result<String, String> {
    let secs = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_err(|_| "the clock is before 1970; cannot sign the request".to_string())?
        .as_secs();
    let t = i64::try_from(secs)
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .ok_or("the clock is out of range; cannot sign the request")?;
    Ok(format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    ))
}

/// The headers the signer adds: the date, the payload hash (`None` leaves it out, as the test
/// suite's vectors do) and the session token (botocore's `_modify_request_before_signing`).
pub(crate) fn our_headers(
    creds: &Credentials,
    ctx: &Context,
    payload: Option<&Payload>,
) -> Vec<Header> {
    let scope = ctx.scope;
    let mut out = vec![header(&scope.header_name("Date"), ctx.timestamp.clone())];
    if let Some(p) = payload {
        out.push(header(
            &scope.header_name("Content-Sha256"),
            p.as_str().into(),
        ));
    }
    if let Some(token) = &creds.session_token {
        out.push(header(&scope.header_name("Security-Token"), token.clone()));
    }
    out
}

fn header(name: &str, value: String) -> Header {
    Header {
        name: name.to_string(),
        value,
    }
}

/// The signed headers as (lower-case name, value) in request order: the request's own, with
/// `ours` replacing any of the same name, less [`UNSIGNED_HEADERS`], with a Host from the URL
/// when the request has none (botocore's `headers_to_sign` and `_host_from_url`).
pub(crate) fn headers_to_sign(
    url: &url::Url,
    headers: &[Header],
    ours: &[Header],
) -> Vec<(String, String)> {
    let replaced = |name: &str| ours.iter().any(|o| o.name.eq_ignore_ascii_case(name));
    let mut out: Vec<(String, String)> = headers
        .iter()
        .filter(|h| !replaced(&h.name))
        .chain(ours)
        .map(|h| (h.name.trim().to_ascii_lowercase(), h.value.clone()))
        .filter(|(name, _)| !name.is_empty() && !UNSIGNED_HEADERS.contains(&name.as_str()))
        .collect();
    if !out.iter().any(|(name, _)| name == "host") {
        out.insert(0, ("host".into(), host_header(url)));
    }
    out
}

/// `host[:port]` as a client writes it (the url crate already drops a default port).
fn host_header(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    }
}

/// `host;x-amz-date`: the sorted, distinct names.
pub(crate) fn signed_header_names(signed: &[(String, String)]) -> String {
    let mut names: Vec<&str> = signed.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names.join(";")
}

/// The canonical request (AWS: "Create a canonical request for Signature Version 4"):
/// method, canonical URI, canonical query, canonical headers, signed header names, payload hash.
pub(crate) fn canonical_request(
    method: &str,
    target: &str,
    service: &str,
    signed: &[(String, String)],
    payload: &Payload,
) -> String {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        method,
        canonical_uri(path, service),
        canonical_query(query),
        canonical_headers(signed),
        signed_header_names(signed),
        payload.as_str()
    )
}

/// The path of the wire target, normalised and encoded again (botocore's `_normalize_url_path`:
/// `quote(normalize_url_path(path), safe='/~')` on a path the serializer already encoded), or
/// for S3 decoded and encoded once, not normalised (`S3SigV4Auth._normalize_url_path`; the
/// aws-sigv4 crate's `PercentEncodingMode::Single` with `UriPathNormalizationMode::Disabled`).
pub(crate) fn canonical_uri(path: &str, service: &str) -> String {
    let s3 = SINGLE_ENCODE_SERVICES.contains(&service);
    let encoded = if s3 {
        let decoded = percent_decode_str(path).collect::<Vec<u8>>();
        percent_encoding::percent_encode(&decoded, SIGV4_PATH_ENCODE).to_string()
    } else {
        utf8_percent_encode(&normalize_path(path), SIGV4_PATH_ENCODE).to_string()
    };
    if encoded.is_empty() {
        "/".into()
    } else {
        encoded
    }
}

/// botocore's `remove_dot_segments` (botocore/utils.py): RFC 3986 §5.2.4 plus the removal of
/// empty segments AWS asks for (`//example//` → `/example/`); empty → `/`.
fn normalize_path(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let first = if path.starts_with('/') { "/" } else { "" };
    let last = if path.ends_with('/') && !out.is_empty() {
        "/"
    } else {
        ""
    };
    let joined = format!("{first}{}{last}", out.join("/"));
    if joined.is_empty() {
        "/".into()
    } else {
        joined
    }
}

/// Each pair decoded from its wire form and encoded with the unreserved set (`+` is a literal
/// plus, so `%2B`; a space is `%20`), sorted by name then value; a name without `=` has an empty
/// value (AWS's canonical request page; botocore's `_canonical_query_string_params`).
pub(crate) fn canonical_query(query: &str) -> String {
    let encode = |s: &str| {
        let bytes: Vec<u8> = percent_decode_str(s).collect();
        percent_encoding::percent_encode(&bytes, SIGV4_ENCODE).to_string()
    };
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            (encode(name), encode(value))
        })
        .collect();
    pairs.sort();
    let joined: Vec<String> = pairs.iter().map(|(n, v)| format!("{n}={v}")).collect();
    joined.join("&")
}

/// `name:value\n` per signed name, sorted; values trimmed with inner whitespace runs collapsed
/// (botocore's `_header_value`: `' '.join(value.split())`, quotes included, as the suite's
/// get-header-value-trim expects), repeated names joined by `,` in request order.
fn canonical_headers(signed: &[(String, String)]) -> String {
    let mut names: Vec<&str> = signed.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut out = String::new();
    for name in names {
        let values: Vec<String> = signed
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        out.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    out
}

/// `AWS4-HMAC-SHA256\nTIMESTAMP\nSCOPE\nhex(sha256(canonical request))` (botocore's
/// `string_to_sign`).
pub(crate) fn string_to_sign(ctx: &Context, canonical_request: &str) -> String {
    format!(
        "{}\n{}\n{}\n{}",
        ctx.scope.algorithm(),
        ctx.timestamp,
        ctx.credential_scope(),
        hex(&Sha256::digest(canonical_request.as_bytes()))
    )
}

/// The `Authorization` value: `AWS4-HMAC-SHA256 Credential=AK/SCOPE, SignedHeaders=...,
/// Signature=...`, the signature keyed by the chain `HMAC("AWS4"+secret, date)` → region →
/// service → `aws4_request` (botocore's `signature`, curl's `sign_and_set_auth_headers`).
pub(crate) fn authorization(
    creds: &Credentials,
    ctx: &Context,
    signed_names: &str,
    string_to_sign: &str,
) -> String {
    let secret = format!(
        "{}4{}",
        ctx.scope.provider1.to_ascii_uppercase(),
        creds.secret_key
    );
    let date = ctx.timestamp.get(..8).unwrap_or_default();
    let mut key = hmac(secret.as_bytes(), date);
    for part in [&ctx.region, &ctx.service, &ctx.scope.terminator()] {
        key = hmac(&key, part);
    }
    let signature = hex(&hmac(&key, string_to_sign));
    format!(
        "{} Credential={}/{}, SignedHeaders={signed_names}, Signature={signature}",
        ctx.scope.algorithm(),
        creds.access_key,
        ctx.credential_scope()
    )
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
