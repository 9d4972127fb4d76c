//! STUB: replaced by the oauth1 branch at merge.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub consumer_key: String,
    pub consumer_secret: String,
    pub token: Option<(String, String)>,
}
pub struct Request<'a> {
    pub method: &'a str,
    pub url: &'a url::Url,
    pub target: &'a str,
    pub form: Option<&'a [u8]>,
}
pub fn authorization(
    _creds: &Credentials,
    _req: &Request,
    _nonce: &str,
    _timestamp: u64,
) -> String {
    String::new()
}
pub fn new_nonce() -> String {
    String::new()
}
