//! STUB: replaced by the sigv4 branch at merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub provider1: String,
    pub provider2: String,
    pub region: Option<String>,
    pub service: Option<String>,
}
impl Scope {
    pub fn parse(_text: &str) -> Result<Scope, String> {
        Err("stub".into())
    }
    pub fn resolve(&self, _host: &str) -> Result<(String, String), String> {
        Err("stub".into())
    }
}
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key: String,
    pub secret_key: String,
    pub session_token: Option<String>,
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    Sha256(String),
    Unsigned,
}
pub fn payload_hash(_body: &mut dyn std::io::Read) -> std::io::Result<Payload> {
    Ok(Payload::Unsigned)
}
#[allow(clippy::too_many_arguments)]
pub fn sign(
    _creds: &Credentials,
    _scope: &Scope,
    _method: &str,
    _url: &url::Url,
    _target: &str,
    _headers: &[crate::spec::Header],
    _payload: &Payload,
    _now: std::time::SystemTime,
) -> Result<Vec<crate::spec::Header>, String> {
    Err("stub".into())
}
