//! Proxies: `--proxy PROTOCOL:URL` and the `*_proxy` variables resolved into one proxy per
//! target scheme, and the route one request takes. Pure: the environment comes in as data.
//!
//! Per target scheme (`http` or `https`), the first of these that is set wins:
//! 1. `--proxy SCHEME:URL`, then `--proxy all:URL` (the last one given of each);
//! 2. `http_proxy` (or `HTTP_PROXY`) for http targets, `https_proxy` (or `HTTPS_PROXY`) for
//!    https targets, then `all_proxy` (or `ALL_PROXY`). Lower case wins over upper case, as
//!    in curl and Python. Under CGI (`REQUEST_METHOD` set), `HTTP_PROXY` is ignored: a web
//!    server puts a client's `Proxy:` request header there ("httpoxy", CVE-2016-5385), which
//!    is why Go's net/http and Python's urllib ignore it too.
//!
//! `no_proxy` (or `NO_PROXY`) then sends matching hosts direct, whichever way the proxy was
//! given, as curl does.

use std::fmt;

use base64::Engine;
use url::Url;

use super::no_proxy::NoProxy;

/// The kind of proxy a proxy URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyScheme {
    /// An HTTP proxy: absolute-form requests for http targets, CONNECT for https ones.
    Http,
    /// The same over TLS to the proxy.
    Https,
    Socks4,
    /// SOCKS4 with the target's name resolved by the proxy.
    Socks4a,
    Socks5,
    /// SOCKS5 with the target's name resolved by the proxy.
    Socks5h,
}

impl ProxyScheme {
    fn parse(name: &str) -> Option<ProxyScheme> {
        Some(match name.to_ascii_lowercase().as_str() {
            "http" => ProxyScheme::Http,
            "https" => ProxyScheme::Https,
            "socks4" => ProxyScheme::Socks4,
            "socks4a" => ProxyScheme::Socks4a,
            "socks5" => ProxyScheme::Socks5,
            "socks5h" => ProxyScheme::Socks5h,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            ProxyScheme::Http => "http",
            ProxyScheme::Https => "https",
            ProxyScheme::Socks4 => "socks4",
            ProxyScheme::Socks4a => "socks4a",
            ProxyScheme::Socks5 => "socks5",
            ProxyScheme::Socks5h => "socks5h",
        }
    }

    /// The port used when the URL gives none (as Go, requests and ureq do).
    fn default_port(self) -> u16 {
        match self {
            ProxyScheme::Http => 80,
            ProxyScheme::Https => 443,
            _ => 1080,
        }
    }

    /// An HTTP proxy (plain or over TLS), as opposed to SOCKS.
    pub fn is_http(self) -> bool {
        matches!(self, ProxyScheme::Http | ProxyScheme::Https)
    }
}

/// A proxy: where it is and the credentials its URL carried (percent-decoded). Shown (by
/// `Display` and `Debug`) without the credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl {
    pub scheme: ProxyScheme,
    /// A host name (lower case) or an IP address (IPv6 without brackets).
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
}

impl ProxyUrl {
    /// Parses a proxy URL; a URL without a scheme is an HTTP proxy (as for curl).
    pub fn parse(text: &str) -> Result<ProxyUrl, String> {
        if text.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err("the proxy URL contains a space or a control character".into());
        }
        let text = match text.contains("://") {
            true => text.to_string(),
            false => format!("http://{text}"),
        };
        let url = Url::parse(&text).map_err(|e| format!("not a valid proxy URL ({e})"))?;
        let scheme = ProxyScheme::parse(url.scheme()).ok_or_else(|| {
            format!(
                "the proxy URL scheme must be http, https, socks4, socks4a, socks5 or socks5h, \
                 not '{}'",
                url.scheme()
            )
        })?;
        if !matches!(url.path(), "" | "/") || url.query().is_some() || url.fragment().is_some() {
            return Err("a proxy URL has no path, query or fragment".into());
        }
        let host = proxy_host(&url)?;
        let port = url.port().unwrap_or(scheme.default_port());
        if port == 0 {
            return Err("the proxy port must not be 0".into());
        }
        let (username, password) = credentials(&url)?;
        let proxy = ProxyUrl {
            scheme,
            host,
            port,
            username,
            password,
        };
        proxy.check_credentials()?;
        Ok(proxy)
    }

    fn check_credentials(&self) -> Result<(), String> {
        let user = self.username.as_deref();
        let any = user.is_some() || self.password.is_some();
        match self.scheme {
            ProxyScheme::Socks4 | ProxyScheme::Socks4a if any => {
                Err("SOCKS4 has no password authentication; use socks5:// for credentials".into())
            }
            ProxyScheme::Socks5 | ProxyScheme::Socks5h if any => {
                // RFC 1929: a user name and a password of 1 to 255 bytes each.
                let ok = |s: Option<&str>| s.is_some_and(|s| (1..=255).contains(&s.len()));
                match ok(user) && ok(self.password.as_deref()) {
                    true => Ok(()),
                    false => Err(
                        "SOCKS5 credentials need a user name and a password of 1 to \
                                  255 bytes each (RFC 1929)"
                            .into(),
                    ),
                }
            }
            _ if user.is_some_and(|u| u.contains(':')) => {
                Err("the proxy user name must not contain ':' (RFC 7617)".into())
            }
            _ => Ok(()),
        }
    }

    /// The `Proxy-Authorization` value for the URL's credentials (RFC 7617 Basic), if any.
    pub fn basic_authorization(&self) -> Option<String> {
        if self.username.is_none() && self.password.is_none() {
            return None;
        }
        let pair = format!(
            "{}:{}",
            self.username.as_deref().unwrap_or(""),
            self.password.as_deref().unwrap_or("")
        );
        Some(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        ))
    }

    /// The host as written in a URI: an IPv6 address in brackets.
    pub fn uri_host(&self) -> String {
        match self.host.contains(':') {
            true => format!("[{}]", self.host),
            false => self.host.clone(),
        }
    }
}

/// `scheme://host:port`: never the credentials.
impl fmt::Display for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}://{}:{}",
            self.scheme.name(),
            self.uri_host(),
            self.port
        )
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let creds = self.username.is_some() || self.password.is_some();
        write!(f, "ProxyUrl({self}, credentials: {creds})")
    }
}

fn proxy_host(url: &Url) -> Result<String, String> {
    let host = match url.host() {
        Some(url::Host::Ipv6(ip)) => return Ok(ip.to_string()),
        Some(url::Host::Ipv4(ip)) => return Ok(ip.to_string()),
        Some(url::Host::Domain(d)) => d.to_ascii_lowercase(),
        None => String::new(),
    };
    if host.is_empty() {
        return Err("the proxy URL has no host".into());
    }
    // SOCKS URLs are not special to the URL parser: their host is kept as typed.
    let plain = host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
    match plain {
        true => Ok(host),
        false => Err(
            "the proxy host must be an IP address or an ASCII host name \
                      (write an international name in its xn-- form)"
                .into(),
        ),
    }
}

/// The URL's user name and password, percent-decoded.
fn credentials(url: &Url) -> Result<(Option<String>, Option<String>), String> {
    let decode = |s: &str| -> Result<String, String> {
        let text = percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .map_err(|_| "the proxy credentials are not UTF-8 once percent-decoded")?;
        if text.chars().any(char::is_control) {
            return Err("the proxy credentials contain a control character".into());
        }
        Ok(text.into_owned())
    };
    let user = match url.username() {
        "" if url.password().is_none() => None,
        user => Some(decode(user)?),
    };
    let password = url.password().map(decode).transpose()?;
    Ok((user, password))
}

/// Which targets a `--proxy` entry is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    Http,
    Https,
    All,
}

/// Parses one `--proxy PROTOCOL:URL` value (HTTPie's `--proxy=http:http://proxy:3128`).
fn parse_arg(arg: &str) -> Result<(Protocol, ProxyUrl), String> {
    let shown = redacted(arg);
    let bad = |why: String| format!("--proxy '{shown}': {why}");
    let Some((protocol, url)) = arg.split_once(':') else {
        return Err(bad(
            "expected PROTOCOL:URL, e.g. --proxy=http:http://proxy.example:3128 \
                        (PROTOCOL is http, https or all)"
                .into(),
        ));
    };
    let protocol = match protocol.to_ascii_lowercase().as_str() {
        "http" => Protocol::Http,
        "https" => Protocol::Https,
        "all" => Protocol::All,
        other => {
            return Err(bad(format!(
                "the protocol must be http, https or all, not '{}' \
                 (e.g. --proxy=http:http://proxy.example:3128)",
                redacted(other)
            )))
        }
    };
    if url.is_empty() {
        return Err(bad("no proxy URL after the protocol".into()));
    }
    if url.starts_with("//") {
        // `--proxy http://proxy:3128`: a URL where PROTOCOL:URL was meant.
        return Err(bad(format!(
            "expected PROTOCOL:URL; for every target scheme write --proxy=all:{shown}"
        )));
    }
    Ok((protocol, ProxyUrl::parse(url).map_err(bad)?))
}

/// `text` with any `user:password@` replaced by `***@`, so it can be quoted in a message.
/// The userinfo ends at the last `@`, wherever it is: a password typed with `/`, `?` or `#`
/// unencoded must be hidden too (a proxy URL has no path in which an `@` could be meant).
pub fn redacted(text: &str) -> String {
    let start = text.find("://").map_or(0, |i| i + 3);
    let rest = &text[start..];
    match rest.rfind('@') {
        Some(at) => format!("{}***{}", &text[..start], &rest[at..]),
        None => text.to_string(),
    }
}

/// The proxy-related variables of the environment, as read at the edge.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProxyEnv {
    /// (name, value) of the variables below that are set to something non-empty.
    vars: Vec<(&'static str, String)>,
    /// `REQUEST_METHOD` is set: we are a CGI script.
    cgi: bool,
}

/// Every variable [`ProxyEnv`] reads.
pub const VARIABLES: &[&str] = &[
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
];

impl ProxyEnv {
    /// Reads the variables through `lookup` (e.g. `|name| std::env::var(name).ok()`).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> ProxyEnv {
        ProxyEnv {
            vars: VARIABLES
                .iter()
                .filter_map(|name| lookup(name).map(|v| (*name, v)))
                .filter(|(_, v)| !v.trim().is_empty())
                .collect(),
            cgi: lookup("REQUEST_METHOD").is_some(),
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        if self.cgi && name == "HTTP_PROXY" {
            return None;
        }
        let found = self.vars.iter().find(|(n, _)| *n == name);
        found.map(|(_, v)| v.trim())
    }

    /// The first set variable of `names`, parsed; an invalid value names its variable.
    fn proxy(&self, names: &[&str]) -> Result<Option<ProxyUrl>, String> {
        let Some((name, value)) = names.iter().find_map(|n| Some((*n, self.get(n)?))) else {
            return Ok(None);
        };
        ProxyUrl::parse(value)
            .map(Some)
            .map_err(|why| format!("{name} '{}': {why}", redacted(value)))
    }
}

/// Values are proxy URLs that may hold passwords: only the names are shown.
impl fmt::Debug for ProxyEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.vars.iter().map(|(n, _)| *n).collect();
        write!(f, "ProxyEnv({names:?}, cgi: {})", self.cgi)
    }
}

/// The run's proxies: one per target scheme, and the hosts that go direct.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proxies {
    pub http: Option<ProxyUrl>,
    pub https: Option<ProxyUrl>,
    pub no_proxy: NoProxy,
}

/// How one request travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route<'a> {
    /// Straight to the origin.
    Direct,
    /// An http target through an HTTP proxy: the request in absolute-form (RFC 9112 §3.2.2).
    Forward(&'a ProxyUrl),
    /// An https target through an HTTP proxy: a CONNECT tunnel (RFC 9110 §9.3.6).
    Tunnel(&'a ProxyUrl),
    /// Any target through a SOCKS proxy.
    Socks(&'a ProxyUrl),
}

impl Route<'_> {
    pub fn proxy(&self) -> Option<&ProxyUrl> {
        match self {
            Route::Direct => None,
            Route::Forward(p) | Route::Tunnel(p) | Route::Socks(p) => Some(p),
        }
    }
}

impl Proxies {
    /// The route for a request to `url`: the proxy for its scheme unless `no_proxy` matches.
    pub fn route(&self, url: &Url) -> Route<'_> {
        let proxy = match url.scheme() {
            "http" => self.http.as_ref(),
            "https" => self.https.as_ref(),
            _ => None,
        };
        let Some(proxy) = proxy else {
            return Route::Direct;
        };
        let host = url.host_str().unwrap_or("");
        if self
            .no_proxy
            .matches(host, url.port_or_known_default().unwrap_or(0))
        {
            return Route::Direct;
        }
        match (proxy.scheme.is_http(), url.scheme()) {
            (true, "http") => Route::Forward(proxy),
            (true, _) => Route::Tunnel(proxy),
            (false, _) => Route::Socks(proxy),
        }
    }
}

/// Resolves the `--proxy` values and the environment (see the module documentation).
pub fn resolve(args: &[String], env: &ProxyEnv) -> Result<Proxies, String> {
    let (mut http, mut https, mut all) = (None, None, None);
    for arg in args {
        let (protocol, url) = parse_arg(arg)?;
        match protocol {
            Protocol::Http => http = Some(url),
            Protocol::Https => https = Some(url),
            Protocol::All => all = Some(url),
        }
    }
    let http = match http.or_else(|| all.clone()) {
        Some(p) => Some(p),
        None => env.proxy(&["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"])?,
    };
    let https = match https.or(all) {
        Some(p) => Some(p),
        None => env.proxy(&["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"])?,
    };
    let no_proxy = env.get("no_proxy").or_else(|| env.get("NO_PROXY"));
    Ok(Proxies {
        http,
        https,
        no_proxy: NoProxy::parse(no_proxy.unwrap_or("")),
    })
}

#[cfg(test)]
mod tests;
