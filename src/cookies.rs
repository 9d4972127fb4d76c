//! The cookie jar of one run, and the cookies a session file keeps.
//!
//! Storage and matching (RFC 6265 §5.1–5.4: domain-match, path-match, default-path,
//! host-only vs Domain cookies, Max-Age/Expires) come from the `cookie_store` crate.
//! This module adds the policy a command-line client needs on top of it, each rule a
//! published browser or curl behaviour:
//!
//! * **Public suffixes**: a `Domain` attribute that is a public suffix (`com`, `co.uk`,
//!   `CO.UK`, `github.io`, any single label) is refused, unless it equals the request
//!   host, in which case the cookie becomes host-only (RFC 6265 §5.3 step 5). The list is
//!   the `psl` crate's compiled-in copy of the Public Suffix List: no file to ship, no
//!   download at run time, refreshed by `cargo update -p psl`. (`cookie_store`'s own
//!   `public_suffix` feature needs a list loaded at run time, and it only refuses suffixes
//!   the list names explicitly, so `Domain=internal` would pass.) A `Domain` with a
//!   trailing dot or an empty label is refused outright: curl CVE-2022-27779 and
//!   CVE-2026-8924 were super-cookies through trailing dots.
//! * **IP addresses** only ever get host-only cookies (curl CVE-2014-3613).
//! * **Secure** cookies are sent only to a secure context: `https`, or `localhost` /
//!   `*.localhost` (HTTPie 3.2's `HTTPieCookiePolicy`, Firefox's rule). A non-secure
//!   origin can neither set a `Secure` cookie nor overwrite or delete one
//!   (RFC 6265bis §5.7 "leave secure cookies alone", curl CVE-2025-9086).
//! * **`__Secure-` / `__Host-` prefixes** are enforced as RFC 6265bis says.
//! * **Garbage and floods** (curl CVE-2022-35252, CVE-2022-32205): a `Set-Cookie` line
//!   with a control byte (TAB and DEL included), invalid UTF-8, an empty name, or more than
//!   4096 bytes of name + value is ignored whole; at most 50 cookies per registrable
//!   domain and 3000 in all, the oldest dropped first; [`CookieJar::cookie_header`] never
//!   returns more than 8190 bytes.
//!
//! Persistence is the caller's (sessions); this module converts to and from
//! [`StoredCookie`], HTTPie 3.2's session layout, keeping session (non-persistent) cookies
//! too — `cookie_store`'s own JSON saving drops them.
//!
//! Domain spelling in [`StoredCookie::domain`] follows what Python's `http.cookiejar`
//! (and so HTTPie) writes: `.example.com` for a cookie set with a `Domain` attribute,
//! `example.com` for a host-only cookie, and `X.local` for a host-only cookie of a host
//! without a dot (`localhost.local`, `[::1].local`). That last one is RFC 2965's "effective
//! request-host", which `http.cookiejar` uses both to store and to match: HTTPie 3.2 sends a
//! cookie stored as `localhost.local` to `localhost`, and never one stored as `localhost`.
//! Writing Python's spelling keeps a session usable by both programs. When loading,
//! `X.local` (X without a dot, or a bracketed IPv6 address; no leading dot) is read back as
//! `X`, unless the session's host really is `X.local` (an mDNS name).

use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;

use cookie_store::{Cookie, CookieDomain, CookieExpiration, CookieStore, RawCookie, StoreAction};
use time::OffsetDateTime;
use url::{Host, Url};

/// Longest `name` + `value` accepted (RFC 6265bis §5.6 step 5; browsers use the same).
const MAX_NAME_VALUE_BYTES: usize = 4096;
/// Longest `Set-Cookie` value even looked at. A valid cookie (4096 bytes of name and
/// value plus a few attributes of at most 1024 each) fits; anything longer is a flood.
const MAX_SET_COOKIE_BYTES: usize = 8192;
/// Longest `Path`/`Domain` attribute value; longer ones are ignored (RFC 6265bis §5.6).
const MAX_ATTRIBUTE_BYTES: usize = 1024;
/// RFC 6265 §6.1's minimum, counted per registrable domain (eTLD+1) as Chrome does, so
/// a host cannot get more room by spreading cookies over its subdomains.
const MAX_COOKIES_PER_DOMAIN: usize = 50;
/// RFC 6265 §6.1's minimum for the whole store.
const MAX_COOKIES: usize = 3000;
/// Largest `Cookie` header value produced (curl's `MAX_COOKIE_HEADER_LEN`); servers
/// commonly reject request header lines over 8 KB.
const MAX_COOKIE_HEADER_BYTES: usize = 8190;
/// 9999-12-31T23:59:59Z, the latest instant `cookie_store` represents.
const MAX_EXPIRES: i64 = 253_402_300_799;

/// A cookie's identity in the store: (domain, path, name), RFC 6265 §5.3 step 11.
type Key = (String, String, String);

/// Bookkeeping `cookie_store` does not keep: creation order (for the `Cookie` header's
/// order and for dropping the oldest) and the registrable domain a cookie counts against.
struct Meta {
    seq: u64,
    group: String,
}

/// The cookies of one run: filled from a session file, the user's `Cookie:` items and
/// every `Set-Cookie` along a redirect chain; asked for the `Cookie` header of each hop.
#[derive(Default)]
pub struct CookieJar {
    store: CookieStore,
    meta: HashMap<Key, Meta>,
    /// Every cookie by creation sequence number, oldest first.
    order: BTreeMap<u64, Key>,
    /// Registrable domain → its cookies by creation sequence number.
    groups: HashMap<String, BTreeMap<u64, Key>>,
    next_seq: u64,
}

/// Cookie values are credentials: never print them through `{:?}`.
impl std::fmt::Debug for CookieJar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CookieJar")
            .field("cookies", &self.meta.len())
            .finish_non_exhaustive()
    }
}

/// One cookie as sessions store it (HTTPie 3.2 layout: `name`, `value`, `domain`, `path`,
/// `secure`, `expires`).
///
/// `domain` is spelled as HTTPie writes it: `.example.com` for a domain cookie (sent to
/// subdomains too), `example.com` for a host-only one. `host_only` repeats that for the
/// caller's convenience and is not an HTTPie key: HTTPie 3.2's loader passes every key to
/// `requests.cookies.create_cookie`, which raises on unknown ones, so don't write it to a
/// file HTTPie may read.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCookie {
    pub name: String,
    pub value: String,
    pub domain: String,
    pub path: String,
    pub secure: bool,
    /// Epoch seconds; `None` for a session cookie (which is stored all the same).
    pub expires: Option<i64>,
    pub host_only: bool,
}

impl CookieJar {
    /// An empty jar.
    pub fn new() -> Self {
        Self::default()
    }

    /// Store the `Set-Cookie` header values of a response to `url` (each hop of a
    /// redirect chain calls this with its own URL). Values that break a rule listed in the
    /// module documentation are ignored one by one; an expired cookie (`Max-Age=0`, a past
    /// `Expires`) deletes the stored cookie with the same domain, path and name.
    pub fn store_response(&mut self, url: &Url, set_cookie_values: &[&[u8]]) {
        if !is_http(url) {
            return;
        }
        self.purge_expired();
        for value in set_cookie_values {
            if let Some(cookie) = self.accept_set_cookie(url, value) {
                self.insert(cookie, url);
            }
        }
    }

    /// Store the cookie pairs the user typed (`Cookie: a=1; b=2`) bound to the host of
    /// `url`: host-only, path `/`, no expiry, not Secure. This is where we part from HTTPie
    /// 3.2, which stores them unbound and so sends them to every host a redirect reaches
    /// (the cookie leak of curl CVE-2022-27776). Pairs without `=`, with an empty name, a control byte or more than
    /// 4096 bytes are skipped. The user's word wins over a stored Secure
    /// cookie of the same name: the overwrite protection is against servers, not the user.
    pub fn store_typed(&mut self, url: &Url, cookie_header: &str) {
        if !is_http(url) {
            return;
        }
        self.purge_expired();
        for pair in cookie_header.split(';') {
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let (name, value) = (name.trim(), value.trim());
            if !valid_pair(name, value) {
                continue;
            }
            let mut raw = RawCookie::new(name.to_owned(), value.to_owned());
            raw.set_path("/");
            if let Ok(cookie) = Cookie::try_from_raw_cookie(&raw, url) {
                self.insert(cookie, url);
            }
        }
    }

    /// The `Cookie` header value for a request to `url`, or `None` when no cookie applies.
    ///
    /// Cookies are those that domain- and path-match `url` and have not expired; Secure
    /// ones only in a secure context (https, `localhost`, `*.localhost`). Order is RFC 6265
    /// §5.4: longer paths first, then older first. A cookie that would take the value past
    /// 8190 bytes is left out (later, shorter ones may still fit).
    pub fn cookie_header(&self, url: &Url) -> Option<String> {
        if !is_http(url) {
            return None;
        }
        let secure_ok = is_secure_context(url);
        let mut matching: Vec<(usize, u64, &Cookie<'static>)> = self
            .store
            .iter_unexpired()
            .filter(|c| {
                c.domain.matches(url)
                    && c.path.matches(url)
                    && (secure_ok || c.secure() != Some(true))
            })
            .map(|c| {
                let seq = self.meta.get(&key_of(c)).map_or(u64::MAX, |m| m.seq);
                (c.path.len(), seq, c)
            })
            .collect();
        matching.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));

        let mut header = String::new();
        for (_, _, cookie) in matching {
            let separator = if header.is_empty() { 0 } else { 2 };
            let pair_len = cookie.name().len() + 1 + cookie.value().len();
            if header.len() + separator + pair_len > MAX_COOKIE_HEADER_BYTES {
                continue;
            }
            if separator != 0 {
                header.push_str("; ");
            }
            header.push_str(cookie.name());
            header.push('=');
            header.push_str(cookie.value());
        }
        (!header.is_empty()).then_some(header)
    }

    /// Every unexpired cookie, persistent and session ones alike, oldest first (so that a
    /// reload keeps the order, and with it which cookies a cap drops first).
    pub fn to_stored(&self) -> Vec<StoredCookie> {
        let mut out: Vec<(u64, StoredCookie)> = self
            .store
            .iter_unexpired()
            .filter_map(|c| {
                let (domain, host_only) = match &c.domain {
                    CookieDomain::HostOnly(host) => (python_host_spelling(host), true),
                    CookieDomain::Suffix(domain) => (format!(".{domain}"), false),
                    CookieDomain::NotPresent | CookieDomain::Empty => return None,
                };
                let expires = match &c.expires {
                    CookieExpiration::AtUtc(at) => Some(at.unix_timestamp()),
                    CookieExpiration::SessionEnd => None,
                };
                let seq = self.meta.get(&key_of(c)).map_or(u64::MAX, |m| m.seq);
                let stored = StoredCookie {
                    name: c.name().to_owned(),
                    value: c.value().to_owned(),
                    domain,
                    path: c.path.to_string(),
                    secure: c.secure() == Some(true),
                    expires,
                    host_only,
                };
                Some((seq, stored))
            })
            .collect();
        out.sort_by_key(|(seq, _)| *seq);
        out.into_iter().map(|(_, stored)| stored).collect()
    }

    /// Load a session file's cookies. Expired ones are dropped; so are ones that break the
    /// name/value rules or name a public-suffix domain (a hand-edited or old file gets no
    /// more trust than a server). Domain spellings accepted:
    ///
    /// * `""` (HTTPie's unbound cookies, and old-layout files that have no domain): bound
    ///   to `default_host` (the request host), host-only. The caller warns.
    /// * `.example.com`: a domain cookie, unless `host_only` is set.
    /// * `example.com`: host-only. `X.local` with a dot-less `X` is HTTPie's spelling of
    ///   host `X` and is read as `X`, unless `default_host` is `X.local` itself;
    ///   `[v6].local` is HTTPie's spelling of the IPv6 host `[v6]`.
    /// * `host:port` (what `httpie cli sessions upgrade --bind-cookies` writes): the port
    ///   is dropped, cookies do not isolate ports.
    ///
    /// A path that does not start with `/` becomes `/`, as HTTPie defaults it.
    pub fn from_stored(cookies: &[StoredCookie], default_host: &str) -> Self {
        let mut jar = Self::new();
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let default_host = canonical_host(&strip_port(default_host.trim()));
        for stored in cookies {
            if stored.expires.is_some_and(|at| at <= now) {
                continue;
            }
            if !valid_pair(&stored.name, &stored.value) {
                continue;
            }
            let Some((host, host_only)) =
                stored_domain(&stored.domain, stored.host_only, default_host.as_deref())
            else {
                continue;
            };
            let host_only = host_only || is_ip_literal(&host);
            if !host_only && (host.ends_with('.') || is_public_suffix(&host)) {
                continue;
            }
            // `host` is canonical (url's own serialisation), so this parses back to it.
            let Ok(url) = Url::parse(&format!("https://{host}/")) else {
                continue;
            };
            if url.host_str() != Some(host.as_str()) {
                continue;
            }
            let usable_path = stored.path.starts_with('/')
                && stored.path.len() <= MAX_ATTRIBUTE_BYTES
                && !stored.path.bytes().any(is_control);
            let path = if usable_path {
                stored.path.clone()
            } else {
                "/".to_owned()
            };
            let mut raw = RawCookie::new(stored.name.clone(), stored.value.clone());
            raw.set_path(path);
            if stored.secure {
                raw.set_secure(true);
            }
            if !host_only {
                raw.set_domain(host.clone());
            }
            let Ok(mut cookie) = Cookie::try_from_raw_cookie(&raw, &url) else {
                continue;
            };
            if let Some(at) = stored.expires {
                match OffsetDateTime::from_unix_timestamp(at.min(MAX_EXPIRES)) {
                    Ok(at) => cookie.expires = CookieExpiration::from(at),
                    Err(_) => continue,
                }
            }
            jar.insert(cookie, &url);
        }
        jar
    }

    /// Parse one `Set-Cookie` value and apply every acceptance rule; `None` means ignore it.
    fn accept_set_cookie(&self, url: &Url, bytes: &[u8]) -> Option<Cookie<'static>> {
        if bytes.len() > MAX_SET_COOKIE_BYTES || bytes.iter().any(|b| is_control(*b)) {
            return None;
        }
        let text = std::str::from_utf8(bytes).ok()?;
        let mut raw = RawCookie::parse(text.to_owned()).ok()?;
        if !valid_pair(raw.name(), raw.value()) {
            return None;
        }
        // RFC 6265bis §5.6: an over-long attribute value is ignored, not the cookie.
        if raw.path().is_some_and(|p| p.len() > MAX_ATTRIBUTE_BYTES) {
            raw.unset_path();
        }
        if raw.domain().is_some_and(|d| d.len() > MAX_ATTRIBUTE_BYTES) {
            raw.unset_domain();
        }
        // `domain()` has the one leading dot RFC 6265 allows already stripped. A trailing
        // dot or an empty label is how super-cookies slipped past suffix checks before.
        if raw
            .domain()
            .is_some_and(|d| d.starts_with('.') || d.ends_with('.') || d.contains(".."))
        {
            return None;
        }

        // Domain-matches the request host or fails (DomainMismatch); no Domain → host-only.
        let mut cookie = Cookie::try_from_raw_cookie(&raw, url).ok()?;
        let host = url.host_str()?;
        if let CookieDomain::Suffix(domain) = &cookie.domain {
            let domain_is_host = domain == host;
            if is_ip_host(url) || is_public_suffix(domain) {
                // RFC 6265 §5.3 step 5: a public suffix is only acceptable as the host
                // itself, and then as a host-only cookie. IPs have no subdomains.
                if !domain_is_host {
                    return None;
                }
                cookie.domain = CookieDomain::HostOnly(host.to_owned());
            }
        }

        let secure_origin = is_secure_context(url);
        let secure = cookie.secure() == Some(true);
        if secure && !secure_origin {
            return None;
        }
        if !secure_origin && self.shadows_secure_cookie(&cookie) {
            return None;
        }

        let name = cookie.name().to_ascii_lowercase();
        if name.starts_with("__secure-") && !secure {
            return None;
        }
        if name.starts_with("__host-")
            && !(secure
                && matches!(cookie.domain, CookieDomain::HostOnly(_))
                && raw.path() == Some("/"))
        {
            return None;
        }
        Some(cookie)
    }

    /// RFC 6265bis §5.7 step 16: would `new`, set from a non-secure origin, overwrite (or
    /// delete) a Secure cookie? Same name, domains domain-match either way, and the new
    /// path path-matches the old one.
    fn shadows_secure_cookie(&self, new: &Cookie<'_>) -> bool {
        let new_domain = domain_str(&new.domain);
        self.store.iter_unexpired().any(|old| {
            let old_domain = domain_str(&old.domain);
            old.name() == new.name()
                && old.secure() == Some(true)
                && (domain_matches(old_domain, new_domain)
                    || domain_matches(new_domain, old_domain))
                && path_matches(&new.path, &old.path)
        })
    }

    /// Insert through `cookie_store` (which replaces the cookie with the same key, or
    /// deletes it when `cookie` is already expired), then keep order and caps.
    fn insert(&mut self, cookie: Cookie<'static>, url: &Url) {
        let key = key_of(&cookie);
        match self.store.insert(cookie, url) {
            Ok(StoreAction::Inserted | StoreAction::UpdatedExisting) => self.track(key),
            Ok(StoreAction::ExpiredExisting) => self.remove(&key),
            Err(_) => {}
        }
    }

    /// Record a stored cookie's creation (RFC 6265 §5.3 step 11.3: a replacement keeps
    /// the old creation time) and drop the oldest cookies past the caps.
    fn track(&mut self, key: Key) {
        if self.meta.contains_key(&key) {
            return;
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        let group = group_of(&key.0);
        self.order.insert(seq, key.clone());
        let members = self.groups.entry(group.clone()).or_default();
        members.insert(seq, key.clone());
        let oldest_in_group = if members.len() > MAX_COOKIES_PER_DOMAIN {
            members.first_key_value().map(|(_, k)| k.clone())
        } else {
            None
        };
        self.meta.insert(key, Meta { seq, group });
        if let Some(oldest) = oldest_in_group {
            self.remove(&oldest);
        }
        while self.meta.len() > MAX_COOKIES {
            let Some(oldest) = self.order.first_key_value().map(|(_, k)| k.clone()) else {
                break;
            };
            self.remove(&oldest);
        }
    }

    /// Remove a cookie from the store and from the bookkeeping.
    fn remove(&mut self, key: &Key) {
        self.store.remove(&key.0, &key.1, &key.2);
        if let Some(meta) = self.meta.remove(key) {
            self.order.remove(&meta.seq);
            if let Some(members) = self.groups.get_mut(&meta.group) {
                members.remove(&meta.seq);
                if members.is_empty() {
                    self.groups.remove(&meta.group);
                }
            }
        }
    }

    /// Drop cookies that expired since they were stored, so they take no room in caps.
    fn purge_expired(&mut self) {
        let expired: Vec<Key> = self
            .store
            .iter_any()
            .filter(|c| c.is_expired())
            .map(key_of)
            .collect();
        for key in &expired {
            self.remove(key);
        }
    }
}

/// The domain a cookie is stored under (the request host for a host-only cookie).
fn domain_str(domain: &CookieDomain) -> &str {
    match domain {
        CookieDomain::HostOnly(d) | CookieDomain::Suffix(d) => d,
        CookieDomain::NotPresent | CookieDomain::Empty => "",
    }
}

fn key_of(cookie: &Cookie<'_>) -> Key {
    (
        String::from(&cookie.domain),
        cookie.path.to_string(),
        cookie.name().to_owned(),
    )
}

fn is_http(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https") && url.host().is_some()
}

/// Where Secure cookies may be sent and set: https, and `localhost` / `*.localhost`,
/// which resolve to the loopback by definition (HTTPie 3.2, Firefox). Loopback IPs are
/// deliberately not included: HTTPie 3.2 does not include them either.
fn is_secure_context(url: &Url) -> bool {
    url.scheme() == "https"
        || matches!(url.host(), Some(Host::Domain(d)) if d == "localhost" || d.ends_with(".localhost"))
}

fn is_ip_host(url: &Url) -> bool {
    matches!(url.host(), Some(Host::Ipv4(_) | Host::Ipv6(_)))
}

/// An IP address as url serialises hosts: dotted IPv4 or bracketed IPv6.
fn is_ip_literal(host: &str) -> bool {
    host.starts_with('[') || host.parse::<Ipv4Addr>().is_ok()
}

/// C0 controls (TAB included) and DEL. No valid cookie carries them, and CR/LF would
/// split our own `Cookie` header (curl CVE-2022-35252 rejects the same set).
fn is_control(byte: u8) -> bool {
    byte < 0x20 || byte == 0x7f
}

/// The name/value rules shared by every way a cookie comes in.
fn valid_pair(name: &str, value: &str) -> bool {
    !name.is_empty()
        && name.len() + value.len() <= MAX_NAME_VALUE_BYTES
        && !name.bytes().chain(value.bytes()).any(is_control)
}

/// Is `domain` (lowercase ASCII, no trailing dot) a public suffix? Any single label is:
/// the Public Suffix List's implicit `*` rule, which also keeps `Domain=localhost` or
/// `Domain=internal` from covering every host below it (`psl` applies that rule too; it
/// is spelled out so as not to hang on it). Beyond that, the `psl` crate's list (ICANN and
/// private sections, wildcards and exceptions). A name the list cannot parse is treated
/// as a suffix: refusing is the safe side.
fn is_public_suffix(domain: &str) -> bool {
    if !domain.contains('.') {
        return true;
    }
    match psl::suffix(domain.as_bytes()) {
        Some(suffix) => suffix.as_bytes() == domain.as_bytes(),
        None => true,
    }
}

/// The unit the per-domain cap counts in: the registrable domain (eTLD+1), or the host
/// itself for IPs and names the list has no registrable part for.
fn group_of(domain: &str) -> String {
    if is_ip_literal(domain) {
        return domain.to_owned();
    }
    psl::domain_str(domain).unwrap_or(domain).to_owned()
}

/// RFC 6265 §5.1.3 for two stored domains: `string` domain-matches `domain`.
fn domain_matches(string: &str, domain: &str) -> bool {
    string == domain
        || (string.len() > domain.len()
            && string.ends_with(domain)
            && string.as_bytes().get(string.len() - domain.len() - 1) == Some(&b'.')
            && !is_ip_literal(string))
}

/// RFC 6265 §5.1.4: `request_path` path-matches `cookie_path`.
fn path_matches(request_path: &str, cookie_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/')
                || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/')))
}

/// `host:port` → `host`, `[v6]:port` → `[v6]`, bare `v6` → `[v6]`.
fn strip_port(host: &str) -> String {
    match crate::url_input::split_host_port(host).0 {
        bare_v6 if bare_v6.parse::<std::net::Ipv6Addr>().is_ok() => format!("[{bare_v6}]"),
        host => host.to_owned(),
    }
}

/// A host as the `url` crate would serialise it in a URL (IDNA to punycode, lowercase,
/// IPv4 normalised, IPv6 bracketed), or `None` when it is not a valid host.
fn canonical_host(host: &str) -> Option<String> {
    if host.is_empty() {
        return None;
    }
    Host::parse(host).ok().map(|h| h.to_string())
}

/// How Python's `http.cookiejar` (and so HTTPie) spells the domain of a host-only cookie
/// of `host`: its RFC 2965 effective request-host, which is `host` with `.local` appended
/// when `host` has no dot and is not an IPv4 address (`localhost.local`, `[::1].local`).
/// HTTPie matches cookies against that spelling, so it is the one it sends back.
fn python_host_spelling(host: &str) -> String {
    if host.contains('.') {
        host.to_owned()
    } else {
        format!("{host}.local")
    }
}

/// The (canonical host, host-only) a stored `domain` spelling stands for; see
/// [`CookieJar::from_stored`].
fn stored_domain(
    domain: &str,
    host_only: bool,
    default_host: Option<&str>,
) -> Option<(String, bool)> {
    let domain = domain.trim();
    if domain.is_empty() {
        return default_host.map(|host| (host.to_owned(), true));
    }
    let (domain_cookie, bare) = match domain.strip_prefix('.') {
        Some(rest) => (true, rest),
        None => (false, domain),
    };
    // `[::1].local`: Python's effective request-host of an IPv6 address (no dot in it).
    if let Some(v6) = bare
        .strip_suffix(".local")
        .filter(|h| !domain_cookie && h.starts_with('[') && h.ends_with(']'))
    {
        let host = canonical_host(v6).filter(|h| h.starts_with('['))?;
        return Some((host, true));
    }
    let mut host = canonical_host(&strip_port(bare))?;
    // An empty label (`..x`, `.x` after the one leading dot) is no host a cookie may have.
    if host.starts_with('.') || host.contains("..") {
        return None;
    }
    if !domain_cookie && default_host != Some(host.as_str()) {
        if let Some(dotless) = host.strip_suffix(".local") {
            if !dotless.is_empty() && !dotless.contains('.') {
                host = dotless.to_owned();
            }
        }
    }
    Some((host, host_only || !domain_cookie))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_stripped_and_bare_ipv6_bracketed() {
        assert_eq!(strip_port("example.org:8080"), "example.org");
        assert_eq!(strip_port("[::1]:8080"), "[::1]");
        assert_eq!(strip_port("::1"), "[::1]");
        assert_eq!(strip_port("h:x"), "h:x");
        assert_eq!(strip_port("example.org"), "example.org");
    }

    fn url(s: &str) -> Url {
        Url::parse(s).expect("test URL")
    }

    /// A jar after `url` answered with these Set-Cookie lines.
    fn jar_with(from: &str, set_cookies: &[&str]) -> CookieJar {
        let mut jar = CookieJar::new();
        set(&mut jar, from, set_cookies);
        jar
    }

    fn set(jar: &mut CookieJar, from: &str, set_cookies: &[&str]) {
        let values: Vec<&[u8]> = set_cookies.iter().map(|s| s.as_bytes()).collect();
        jar.store_response(&url(from), &values);
    }

    fn header(jar: &CookieJar, to: &str) -> Option<String> {
        jar.cookie_header(&url(to))
    }

    fn sends(jar: &CookieJar, to: &str, expected: &str) {
        assert_eq!(
            header(jar, to).as_deref(),
            Some(expected),
            "request to {to}"
        );
    }

    fn sends_nothing(jar: &CookieJar, to: &str) {
        assert_eq!(header(jar, to), None, "request to {to}");
    }

    /// Asserts that a response from `from` with this one Set-Cookie line stores nothing.
    fn refused(from: &str, set_cookie: &str, why: &str) {
        let jar = jar_with(from, &[set_cookie]);
        assert!(jar.to_stored().is_empty(), "{why}");
    }

    /// Asserts that `Domain=DOMAIN` from each `(FROM, DOMAIN)` is refused.
    fn domains_refused(cases: &[(&str, &str)]) {
        for (from, domain) in cases {
            refused(
                from,
                &format!("x=1; Domain={domain}"),
                &format!("Domain={domain} from {from} accepted"),
            );
        }
    }

    fn now() -> i64 {
        OffsetDateTime::now_utc().unix_timestamp()
    }

    fn stored(name: &str, value: &str, domain: &str) -> StoredCookie {
        StoredCookie {
            name: name.into(),
            value: value.into(),
            domain: domain.into(),
            path: "/".into(),
            secure: false,
            expires: None,
            host_only: false,
        }
    }

    // ---- host-only vs Domain cookies -------------------------------------------------

    #[test]
    fn host_only_cookie_goes_back_to_its_host_only() {
        let jar = jar_with("http://example.com/", &["a=1"]);
        sends(&jar, "http://example.com/", "a=1");
        sends(&jar, "https://example.com:8443/x", "a=1");
        sends_nothing(&jar, "http://www.example.com/");
        sends_nothing(&jar, "http://other.com/");
    }

    #[test]
    fn host_only_cookie_of_subdomain_not_sent_to_parent() {
        let jar = jar_with("http://www.example.com/", &["a=1"]);
        sends_nothing(&jar, "http://example.com/");
        sends_nothing(&jar, "http://api.example.com/");
    }

    #[test]
    fn domain_cookie_goes_to_domain_and_subdomains() {
        let jar = jar_with("http://www.example.com/", &["a=1; Domain=example.com"]);
        sends(&jar, "http://example.com/", "a=1");
        sends(&jar, "http://www.example.com/", "a=1");
        sends(&jar, "http://deep.api.example.com/", "a=1");
        sends_nothing(&jar, "http://example.org/");
    }

    #[test]
    fn domain_cookie_not_sent_to_lookalike_tail() {
        // curl CVE-2013-1944: a tail match without the dot boundary.
        let jar = jar_with("http://example.com/", &["a=1; Domain=example.com"]);
        sends_nothing(&jar, "http://notexample.com/");
        sends_nothing(&jar, "http://ample.com/");
        sends_nothing(&jar, "http://example.com.evil.net/");
    }

    #[test]
    fn leading_dot_in_domain_attribute_is_ignored() {
        let jar = jar_with("http://example.com/", &["a=1; Domain=.example.com"]);
        sends(&jar, "http://sub.example.com/", "a=1");
        assert_eq!(jar.to_stored()[0].domain, ".example.com");
    }

    #[test]
    fn domain_attribute_is_case_insensitive() {
        let jar = jar_with("http://www.example.com/", &["a=1; domain=EXAMPLE.Com"]);
        sends(&jar, "http://x.example.com/", "a=1");
    }

    #[test]
    fn domain_not_matching_request_host_is_rejected() {
        for attr in [
            "other.com",
            "sub.example.com",
            "www.example.com.evil",
            "le.com",
        ] {
            refused(
                "http://example.com/",
                &format!("a=1; Domain={attr}"),
                &format!("Domain={attr} accepted"),
            );
        }
    }

    #[test]
    fn empty_domain_attribute_means_host_only() {
        let jar = jar_with(
            "http://www.example.com/",
            &["a=1; Domain=", "b=2; Domain=."],
        );
        sends(&jar, "http://www.example.com/", "a=1; b=2");
        sends_nothing(&jar, "http://x.www.example.com/");
    }

    #[test]
    fn same_name_in_host_only_and_domain_form_is_one_cookie() {
        // RFC 6265 §5.3 step 11 keys cookies by (domain, path, name), not host-only flag.
        let mut jar = jar_with("http://example.com/", &["a=1"]);
        set(
            &mut jar,
            "http://example.com/",
            &["a=2; Domain=example.com"],
        );
        assert_eq!(jar.to_stored().len(), 1);
        sends(&jar, "http://sub.example.com/", "a=2");
    }

    #[test]
    fn idn_hosts_match_in_punycode() {
        let jar = jar_with(
            "http://www.bücher.example/",
            &["a=1; Domain=BÜCHER.example"],
        );
        sends(&jar, "http://xn--bcher-kva.example/", "a=1");
        assert_eq!(jar.to_stored()[0].domain, ".xn--bcher-kva.example");
    }

    // ---- paths ------------------------------------------------------------------------

    #[test]
    fn path_matches_segment_boundaries_only() {
        let jar = jar_with("http://h.test/", &["a=1; Path=/a"]);
        sends(&jar, "http://h.test/a", "a=1");
        sends(&jar, "http://h.test/a/", "a=1");
        sends(&jar, "http://h.test/a/b", "a=1");
        sends(&jar, "http://h.test/a?q=1", "a=1");
        sends_nothing(&jar, "http://h.test/ab");
        sends_nothing(&jar, "http://h.test/");
        sends_nothing(&jar, "http://h.test/b/a");
    }

    #[test]
    fn path_with_trailing_slash_needs_it() {
        let jar = jar_with("http://h.test/", &["a=1; Path=/a/"]);
        sends(&jar, "http://h.test/a/", "a=1");
        sends(&jar, "http://h.test/a/b", "a=1");
        sends_nothing(&jar, "http://h.test/a");
    }

    #[test]
    fn default_path_is_the_request_directory() {
        let jar = jar_with("http://h.test/a/b/c", &["a=1"]);
        assert_eq!(jar.to_stored()[0].path, "/a/b");
        sends(&jar, "http://h.test/a/b", "a=1");
        sends(&jar, "http://h.test/a/b/z", "a=1");
        sends_nothing(&jar, "http://h.test/a/bc");
        sends_nothing(&jar, "http://h.test/a");
        let jar = jar_with("http://h.test/top", &["a=1"]);
        assert_eq!(jar.to_stored()[0].path, "/");
    }

    #[test]
    fn path_attribute_not_starting_with_slash_uses_default_path() {
        let jar = jar_with("http://h.test/dir/page", &["a=1; Path=relative"]);
        assert_eq!(jar.to_stored()[0].path, "/dir");
    }

    #[test]
    fn same_name_on_different_paths_are_two_cookies_longest_path_first() {
        let jar = jar_with(
            "http://h.test/",
            &["a=root; Path=/", "a=deep; Path=/x/y", "a=mid; Path=/x"],
        );
        assert_eq!(jar.to_stored().len(), 3);
        sends(&jar, "http://h.test/x/y/z", "a=deep; a=mid; a=root");
        sends(&jar, "http://h.test/x", "a=mid; a=root");
    }

    #[test]
    fn equal_paths_are_sent_oldest_first() {
        let jar = jar_with("http://h.test/", &["z=1", "a=2", "m=3"]);
        sends(&jar, "http://h.test/", "z=1; a=2; m=3");
    }

    #[test]
    fn replacing_a_cookie_keeps_its_creation_order() {
        let mut jar = jar_with("http://h.test/", &["z=1", "a=2"]);
        set(&mut jar, "http://h.test/", &["z=9"]);
        sends(&jar, "http://h.test/", "z=9; a=2");
    }

    // ---- Secure -----------------------------------------------------------------------

    #[test]
    fn secure_cookie_only_over_https() {
        let jar = jar_with("https://h.test/", &["s=1; Secure", "p=2"]);
        sends(&jar, "https://h.test/", "s=1; p=2");
        sends(&jar, "http://h.test/", "p=2");
    }

    #[test]
    fn secure_cookie_sent_to_localhost_over_http() {
        let mut jar = CookieJar::new();
        jar.store_response(&url("http://localhost:8000/"), &[b"s=1; Secure"]);
        sends(&jar, "http://localhost:8000/", "s=1");
        let jar = jar_with("http://app.localhost/", &["s=2; Secure"]);
        sends(&jar, "http://app.localhost/", "s=2");
    }

    #[test]
    fn localhost_lookalikes_are_not_secure_contexts() {
        for host in ["localhost.evil.com", "notlocalhost", "127.0.0.1"] {
            refused(
                &format!("http://{host}/"),
                "s=1; Secure",
                &format!("{host} set a Secure cookie"),
            );
            let jar = jar_with(&format!("https://{host}/"), &["s=1; Secure"]);
            sends_nothing(&jar, &format!("http://{host}/"));
        }
    }

    #[test]
    fn http_cannot_set_a_secure_cookie() {
        let jar = jar_with("http://h.test/", &["s=1; Secure"]);
        assert!(jar.to_stored().is_empty());
    }

    #[test]
    fn http_cannot_overwrite_a_secure_cookie() {
        // curl CVE-2025-9086, test1561.
        let mut jar = jar_with("https://h.test/", &["same=good; Secure; Path=/"]);
        set(&mut jar, "http://h.test/", &["same=evil; Path=/"]);
        set(&mut jar, "http://h.test/", &["same=evil; Path=/deeper"]);
        set(
            &mut jar,
            "http://sub.h.test/",
            &["same=evil; Domain=h.test"],
        );
        sends(&jar, "https://h.test/deeper/x", "same=good");
        assert_eq!(jar.to_stored().len(), 1);
        // A Secure domain cookie also covers the host-only cookies of its subdomains.
        let mut jar = jar_with("https://h.test/", &["same=good; Secure; Domain=h.test"]);
        set(&mut jar, "http://sub.h.test/", &["same=evil"]);
        sends(&jar, "https://sub.h.test/", "same=good");
    }

    #[test]
    fn http_cannot_delete_a_secure_cookie() {
        let mut jar = jar_with("https://h.test/", &["same=good; Secure"]);
        set(&mut jar, "http://h.test/", &["same=; Max-Age=0"]);
        sends(&jar, "https://h.test/", "same=good");
    }

    #[test]
    fn http_may_set_other_names_and_unrelated_paths_beside_a_secure_cookie() {
        let mut jar = jar_with("https://h.test/", &["s=1; Secure; Path=/app"]);
        set(&mut jar, "http://h.test/", &["other=2", "s=3; Path=/"]);
        sends(&jar, "https://h.test/app", "s=1; other=2; s=3");
    }

    #[test]
    fn https_can_overwrite_a_secure_cookie() {
        let mut jar = jar_with("https://h.test/", &["s=1; Secure"]);
        set(&mut jar, "https://h.test/", &["s=2; Secure"]);
        sends(&jar, "https://h.test/", "s=2");
    }

    #[test]
    fn cookie_prefixes_are_enforced() {
        let jar = jar_with(
            "https://h.test/dir/",
            &[
                "__Secure-ok=1; Secure",
                "__Secure-bad=1",
                "__Host-ok=1; Secure; Path=/",
                "__Host-nopath=1; Secure",
                "__Host-domain=1; Secure; Path=/; Domain=h.test",
                "__host-insecure=1; Path=/",
            ],
        );
        let names: Vec<String> = jar.to_stored().into_iter().map(|c| c.name).collect();
        assert_eq!(names, ["__Secure-ok", "__Host-ok"]);
    }

    #[test]
    fn httponly_cookies_are_sent_we_are_http() {
        let jar = jar_with("http://h.test/", &["a=1; HttpOnly"]);
        sends(&jar, "http://h.test/", "a=1");
    }

    // ---- expiry -----------------------------------------------------------------------

    #[test]
    fn max_age_zero_deletes() {
        let mut jar = jar_with("http://h.test/", &["a=1", "b=2"]);
        set(&mut jar, "http://h.test/", &["a=gone; Max-Age=0"]);
        sends(&jar, "http://h.test/", "b=2");
        assert_eq!(jar.to_stored().len(), 1);
    }

    #[test]
    fn negative_max_age_deletes() {
        let mut jar = jar_with("http://h.test/", &["a=1"]);
        set(&mut jar, "http://h.test/", &["a=1; Max-Age=-5"]);
        sends_nothing(&jar, "http://h.test/");
    }

    #[test]
    fn past_expires_deletes() {
        let mut jar = jar_with("http://h.test/", &["a=1; Max-Age=3600"]);
        set(
            &mut jar,
            "http://h.test/",
            &["a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT"],
        );
        sends_nothing(&jar, "http://h.test/");
        assert!(jar.to_stored().is_empty());
    }

    #[test]
    fn deletion_needs_the_same_domain_and_path() {
        let mut jar = jar_with("http://h.test/", &["a=1; Path=/"]);
        set(&mut jar, "http://h.test/dir/x", &["a=; Max-Age=0"]); // default path /dir
        set(&mut jar, "http://sub.h.test/", &["a=; Max-Age=0"]); // other host
        sends(&jar, "http://h.test/dir/x", "a=1");
    }

    #[test]
    fn expired_set_cookie_for_unknown_cookie_stores_nothing() {
        let jar = jar_with("http://h.test/", &["a=1; Max-Age=0"]);
        assert!(jar.to_stored().is_empty());
    }

    #[test]
    fn max_age_wins_over_expires() {
        let jar = jar_with(
            "http://h.test/",
            &["a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=100"],
        );
        let expires = jar.to_stored()[0].expires.expect("persistent");
        assert!((expires - (now() + 100)).abs() <= 2);
    }

    #[test]
    fn invalid_expires_is_ignored_and_cookie_kept_as_session_cookie() {
        let jar = jar_with("http://h.test/", &["a=1; Expires=someday"]);
        assert_eq!(jar.to_stored()[0].expires, None);
    }

    #[test]
    fn huge_max_age_and_far_expires_are_clamped_not_panicking() {
        let jar = jar_with(
            "http://h.test/",
            &[
                "a=1; Max-Age=99999999999999999999999",
                "b=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT",
            ],
        );
        for c in jar.to_stored() {
            let at = c.expires.expect("persistent");
            assert!(at > now() && at <= MAX_EXPIRES, "{at}");
        }
    }

    #[test]
    fn expired_cookies_are_dropped_on_load() {
        let mut old = stored("old", "1", "h.test");
        old.expires = Some(now() - 10);
        let mut epoch = stored("epoch", "1", "h.test");
        epoch.expires = Some(0);
        let mut fresh = stored("fresh", "1", "h.test");
        fresh.expires = Some(now() + 3600);
        let jar = CookieJar::from_stored(&[old, epoch, fresh], "h.test");
        sends(&jar, "http://h.test/", "fresh=1");
        assert_eq!(jar.to_stored().len(), 1);
    }

    // ---- super-cookies and IPs (RFC 6265 §5.3) ------------------------------------------

    #[test]
    fn public_suffix_domains_are_rejected() {
        let cases = [
            ("http://example.com/", "com"),
            ("http://example.com/", ".com"),
            ("http://example.co.uk/", "co.uk"),
            ("http://example.co.uk/", "CO.UK"),
            ("http://example.co.uk/", "co.UK"),
            ("http://example.co.uk/", ".co.uk"),
            ("http://a.github.io/", "github.io"), // private section
            ("http://a.b.ck/", "b.ck"),           // wildcard rule *.ck
            ("http://a.localhost/", "localhost"), // single label
            ("http://a.internal/", "internal"),   // unknown TLD
            ("http://www.example.com/", "www.example.com.."),
        ];
        domains_refused(&cases);
    }

    #[test]
    fn trailing_dot_domains_are_rejected() {
        // curl CVE-2022-27779 / CVE-2026-8924.
        let cases = [
            ("http://evil.example.com./", "example.com."),
            ("http://example.com./", "com."),
            ("http://example.co.uk./", "co.uk."),
            ("http://evil.example.com/", "example.com."),
        ];
        domains_refused(&cases);
    }

    #[test]
    fn trailing_dot_host_keeps_its_own_host_only_cookie() {
        let jar = jar_with("http://example.com./", &["x=1"]);
        sends(&jar, "http://example.com./", "x=1");
        sends_nothing(&jar, "http://example.com/");
    }

    #[test]
    fn public_suffix_equal_to_host_becomes_host_only() {
        // RFC 6265 §5.3 step 5.
        let jar = jar_with("http://co.uk/", &["x=1; Domain=co.uk"]);
        sends(&jar, "http://co.uk/", "x=1");
        sends_nothing(&jar, "http://example.co.uk/");
        assert!(jar.to_stored()[0].host_only);
    }

    #[test]
    fn registrable_domain_below_a_suffix_is_fine() {
        let jar = jar_with("http://www.example.co.uk/", &["x=1; Domain=example.co.uk"]);
        sends(&jar, "http://shop.example.co.uk/", "x=1");
    }

    #[test]
    fn ip_hosts_get_host_only_cookies_only() {
        // curl CVE-2014-3613.
        for domain in [".0.0.1", "0.0.1", "0.1", "1", "127.0.0"] {
            refused(
                "http://127.0.0.1/",
                &format!("x=1; Domain={domain}"),
                &format!("Domain={domain} accepted"),
            );
        }
        let jar = jar_with("http://127.0.0.1:8080/", &["x=1", "y=2; Domain=127.0.0.1"]);
        sends(&jar, "http://127.0.0.1/", "x=1; y=2");
        sends_nothing(&jar, "http://127.0.0.2/");
        sends_nothing(&jar, "http://localhost/");
        assert!(jar
            .to_stored()
            .iter()
            .all(|c| c.host_only && c.domain == "127.0.0.1"));
    }

    #[test]
    fn ipv6_hosts_work() {
        let jar = jar_with("http://[::1]:8080/", &["x=1"]);
        sends(&jar, "http://[::1]/", "x=1");
        sends_nothing(&jar, "http://[::2]/");
        let stored = jar.to_stored();
        assert_eq!(stored[0].domain, "[::1].local", "Python's spelling");
        let again = CookieJar::from_stored(&stored, "other.test");
        sends(&again, "http://[::1]/", "x=1");
    }

    // ---- garbage and floods --------------------------------------------------------------

    #[test]
    fn control_bytes_reject_the_cookie() {
        for bad in [
            &b"a=1\x01"[..],
            b"a=1\tx",
            b"a=\x7f",
            b"a\x01=1",
            b"a=1\r\nInjected: yes",
            b"a=1\n",
            b"a=\x00",
            b"a=1; Path=/\x01",
        ] {
            let mut jar = CookieJar::new();
            jar.store_response(&url("http://h.test/"), &[bad]);
            assert!(jar.to_stored().is_empty(), "{bad:?} accepted");
        }
    }

    #[test]
    fn invalid_utf8_is_rejected_but_utf8_is_kept() {
        let mut jar = CookieJar::new();
        jar.store_response(
            &url("http://h.test/"),
            &[b"a=\xff\xfe", "b=café".as_bytes()],
        );
        sends(&jar, "http://h.test/", "b=café");
    }

    #[test]
    fn malformed_lines_are_ignored() {
        let jar = jar_with(
            "http://h.test/",
            &["", "novalue", "=1", " =1", ";", "; a=1", "ok=1; ;;; Path"],
        );
        sends(&jar, "http://h.test/", "ok=1");
    }

    #[test]
    fn quoted_values_are_kept_verbatim() {
        let jar = jar_with("http://h.test/", &["a=\"x y\"; Path=/"]);
        sends(&jar, "http://h.test/", "a=\"x y\"");
    }

    #[test]
    fn name_plus_value_over_4096_bytes_is_rejected() {
        let fits = format!("a={}", "v".repeat(4095));
        let too_big = format!("b={}", "v".repeat(4096));
        let huge = format!("c={}", "v".repeat(100_000));
        let jar = jar_with("http://h.test/", &[&fits, &too_big, &huge]);
        let names: Vec<String> = jar.to_stored().into_iter().map(|c| c.name).collect();
        assert_eq!(names, ["a"]);
    }

    #[test]
    fn overlong_path_attribute_is_ignored_not_the_cookie() {
        let long = format!("a=1; Path=/{}", "p".repeat(1100));
        let jar = jar_with("http://h.test/x/y", &[&long]);
        assert_eq!(jar.to_stored()[0].path, "/x");
    }

    #[test]
    fn overlong_domain_attribute_is_ignored_so_the_cookie_is_host_only() {
        let long = format!("a=1; Domain={}.h.test", "d".repeat(1100));
        let jar = jar_with("http://www.h.test/", &[&long]);
        let stored = jar.to_stored();
        assert!(stored[0].host_only && stored[0].domain == "www.h.test");
    }

    #[test]
    fn at_most_50_cookies_per_domain_oldest_dropped() {
        let lines: Vec<String> = (0..60).map(|i| format!("c{i}=v")).collect();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let jar = jar_with("http://h.test/", &refs);
        let stored = jar.to_stored();
        assert_eq!(stored.len(), MAX_COOKIES_PER_DOMAIN);
        assert_eq!(stored[0].name, "c10");
        assert_eq!(stored[49].name, "c59");
    }

    #[test]
    fn per_domain_cap_counts_subdomains_together() {
        let mut jar = jar_with("http://keep.other.test/", &["k=1"]);
        for i in 0..60 {
            set(
                &mut jar,
                &format!("http://s{i}.h.test/"),
                &[&format!("c{i}=v")],
            );
        }
        let stored = jar.to_stored();
        let h_test = stored
            .iter()
            .filter(|c| c.domain.ends_with("h.test"))
            .count();
        assert_eq!(h_test, MAX_COOKIES_PER_DOMAIN);
        sends(&jar, "http://keep.other.test/", "k=1");
    }

    #[test]
    fn at_most_3000_cookies_in_all_oldest_dropped() {
        let mut jar = CookieJar::new();
        for host in 0..70 {
            let lines: Vec<String> = (0..50).map(|i| format!("c{i}=v")).collect();
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            set(&mut jar, &format!("http://h{host}.test/"), &refs);
        }
        let stored = jar.to_stored();
        assert_eq!(stored.len(), MAX_COOKIES);
        assert_eq!(stored[0].domain, "h10.test");
        sends_nothing(&jar, "http://h0.test/");
        assert!(header(&jar, "http://h69.test/").is_some());
    }

    #[test]
    fn flood_of_set_cookie_lines_stays_bounded() {
        let lines: Vec<String> = (0..10_000)
            .map(|i| format!("flood{i}={}", "x".repeat(4000)))
            .collect();
        let values: Vec<&[u8]> = lines.iter().map(|s| s.as_bytes()).collect();
        let mut jar = CookieJar::new();
        jar.store_response(&url("http://h.test/"), &values);
        assert_eq!(jar.to_stored().len(), MAX_COOKIES_PER_DOMAIN);
        let sent = header(&jar, "http://h.test/").expect("some cookies");
        assert!(sent.len() <= MAX_COOKIE_HEADER_BYTES, "{}", sent.len());
    }

    #[test]
    fn cookie_header_never_exceeds_8k() {
        let lines: Vec<String> = (0..50)
            .map(|i| format!("c{i}={}", "x".repeat(1000)))
            .collect();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let mut jar = jar_with("http://h.test/", &refs);
        let sent = header(&jar, "http://h.test/").expect("cookies");
        assert!(sent.len() <= MAX_COOKIE_HEADER_BYTES);
        assert_eq!(sent.matches("; ").count() + 1, 8); // 8 × ~1005 bytes fit
                                                       // A smaller cookie still fits after a big one was left out.
        set(&mut jar, "http://h.test/", &["small=1"]);
        let sent = header(&jar, "http://h.test/").expect("cookies");
        assert!(sent.ends_with("; small=1") && sent.len() <= MAX_COOKIE_HEADER_BYTES);
    }

    // ---- typed Cookie: items ---------------------------------------------------------------

    #[test]
    fn typed_cookies_are_bound_to_the_request_host() {
        // Checklist 15: not unbound as HTTPie 3.2 stores them.
        let mut jar = CookieJar::new();
        jar.store_typed(&url("http://a.test/some/path"), "a=1; b=2");
        sends(&jar, "http://a.test/", "a=1; b=2");
        sends(&jar, "https://a.test/other", "a=1; b=2");
        sends_nothing(&jar, "http://b.test/");
        sends_nothing(&jar, "http://sub.a.test/");
        let stored = jar.to_stored();
        assert!(stored
            .iter()
            .all(|c| c.domain == "a.test" && c.path == "/" && c.host_only && c.expires.is_none()));
    }

    #[test]
    fn typed_cookie_garbage_is_skipped() {
        let mut jar = CookieJar::new();
        let big = format!("big={}", "x".repeat(5000));
        jar.store_typed(
            &url("http://a.test/"),
            &format!("flag; =v; ok = 1 ;bad=\x01;{big}; tab=a\tb"),
        );
        sends(&jar, "http://a.test/", "ok=1");
    }

    #[test]
    fn typed_cookie_replaces_a_stored_one() {
        let mut jar = jar_with("http://a.test/", &["a=server"]);
        jar.store_typed(&url("http://a.test/"), "a=typed");
        sends(&jar, "http://a.test/", "a=typed");
    }

    #[test]
    fn typed_cookie_keeps_values_with_equals_signs() {
        let mut jar = CookieJar::new();
        jar.store_typed(&url("http://a.test/"), "tok=abc==; x=");
        sends(&jar, "http://a.test/", "tok=abc==; x=");
    }

    // ---- a redirect chain --------------------------------------------------------------------

    #[test]
    fn redirect_chain_honours_each_hops_cookies_by_domain() {
        let mut jar = CookieJar::new();
        jar.store_typed(&url("https://a.test/start"), "typed=1");
        set(&mut jar, "https://a.test/start", &["hop1=1; Path=/"]);
        sends(&jar, "https://a.test/next", "typed=1; hop1=1");
        // 302 to another site: nothing of a.test goes along.
        sends_nothing(&jar, "https://b.test/landing");
        set(&mut jar, "https://b.test/landing", &["hop2=2; Path=/"]);
        sends(&jar, "https://b.test/again", "hop2=2");
        sends(&jar, "https://a.test/", "typed=1; hop1=1");
    }

    #[test]
    fn non_http_urls_are_ignored() {
        let mut jar = CookieJar::new();
        jar.store_response(&url("ftp://h.test/"), &[b"a=1"]);
        jar.store_typed(&url("file:///tmp/x"), "a=1");
        jar.store_response(&url("data:text/plain,x"), &[b"a=1"]);
        assert!(jar.to_stored().is_empty());
        let jar = jar_with("http://h.test/", &["a=1"]);
        assert_eq!(jar.cookie_header(&url("ftp://h.test/")), None);
    }

    // ---- session file round trip -------------------------------------------------------------

    #[test]
    fn session_cookies_survive_to_stored() {
        let jar = jar_with(
            "https://h.test/",
            &["session=1", "persistent=2; Max-Age=600"],
        );
        let stored = jar.to_stored();
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[0].expires, None);
        assert!(stored[1].expires.is_some());
    }

    #[test]
    fn to_stored_uses_httpie_domain_spelling() {
        let jar = jar_with(
            "https://www.example.com/a/b",
            &["host=1; Secure", "dom=2; Domain=example.com; Path=/"],
        );
        assert_eq!(
            jar.to_stored(),
            vec![
                StoredCookie {
                    name: "host".into(),
                    value: "1".into(),
                    domain: "www.example.com".into(),
                    path: "/a".into(),
                    secure: true,
                    expires: None,
                    host_only: true,
                },
                StoredCookie {
                    name: "dom".into(),
                    value: "2".into(),
                    domain: ".example.com".into(),
                    path: "/".into(),
                    secure: false,
                    expires: None,
                    host_only: false,
                },
            ]
        );
    }

    #[test]
    fn dotless_hosts_are_stored_as_python_spells_them() {
        // HTTPie 3.2 matches `localhost` against `localhost.local` only.
        let mut jar = jar_with("http://localhost:5000/", &["a=1"]);
        set(&mut jar, "http://intranet/x", &["b=2; Path=/"]);
        set(&mut jar, "http://[::1]:8000/", &["c=3"]);
        set(&mut jar, "http://127.0.0.1/", &["d=4"]);
        set(&mut jar, "http://printer.local/", &["e=5"]);
        let domains: Vec<String> = jar.to_stored().into_iter().map(|c| c.domain).collect();
        assert_eq!(
            domains,
            [
                "localhost.local",
                "intranet.local",
                "[::1].local",
                "127.0.0.1",
                "printer.local"
            ]
        );
        assert!(jar.to_stored().iter().all(|c| c.host_only));
        // And they load back to the same hosts, whatever host the session is for.
        for default_host in ["localhost", "x.test", ""] {
            let again = CookieJar::from_stored(&jar.to_stored(), default_host);
            assert_eq!(again.to_stored(), jar.to_stored(), "{default_host}");
            sends(&again, "http://localhost:5000/", "a=1");
            sends(&again, "http://intranet/", "b=2");
            sends(&again, "http://[::1]:8000/", "c=3");
            sends_nothing(&again, "http://localhost.local/");
            sends_nothing(&again, "http://intranet.local/");
        }
    }

    #[test]
    fn python_ipv6_spelling_is_read_back() {
        let jar = CookieJar::from_stored(
            &[
                stored("a", "1", "[::1].local"),
                stored("b", "2", "[0:0::1].local"),
                stored("c", "3", "[nope].local"),
            ],
            "x.test",
        );
        sends(&jar, "http://[::1]/", "a=1; b=2");
        let names: Vec<String> = jar.to_stored().into_iter().map(|c| c.name).collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn round_trip_keeps_every_cookie_and_what_is_sent() {
        let mut jar = jar_with(
            "https://www.example.com/app/page",
            &[
                "host=1",
                "dom=2; Domain=example.com; Path=/",
                "sec=3; Secure; Path=/; Max-Age=3600",
                "deep=4; Path=/app/x",
            ],
        );
        jar.store_typed(&url("http://localhost:8000/"), "typed=5");
        let stored = jar.to_stored();
        let again = CookieJar::from_stored(&stored, "www.example.com");
        assert_eq!(again.to_stored(), stored);
        for to in [
            "https://www.example.com/app/x/y",
            "http://www.example.com/app",
            "https://api.example.com/",
            "http://localhost:8000/",
            "http://other.test/",
        ] {
            assert_eq!(header(&again, to), header(&jar, to), "{to}");
        }
    }

    #[test]
    fn domainless_stored_cookies_bind_to_the_default_host() {
        let jar = CookieJar::from_stored(&[stored("a", "1", ""), stored("b", "2", " ")], "h.test");
        sends(&jar, "http://h.test/", "a=1; b=2");
        sends_nothing(&jar, "http://other.test/");
        sends_nothing(&jar, "http://sub.h.test/");
        assert!(jar
            .to_stored()
            .iter()
            .all(|c| c.host_only && c.domain == "h.test"));
    }

    #[test]
    fn domainless_cookies_are_dropped_without_a_usable_default_host() {
        let jar = CookieJar::from_stored(&[stored("a", "1", "")], "");
        assert!(jar.to_stored().is_empty());
    }

    #[test]
    fn default_host_with_port_is_accepted() {
        let jar = CookieJar::from_stored(&[stored("a", "1", "")], "localhost:8765");
        sends(&jar, "http://localhost:8765/", "a=1");
    }

    #[test]
    fn old_httpie_dot_local_spelling_maps_back_to_the_host() {
        let jar = CookieJar::from_stored(
            &[
                stored("a", "1", "localhost.local"),
                stored("b", "2", "myhost.local"),
            ],
            "localhost",
        );
        sends(&jar, "http://localhost/", "a=1");
        sends(&jar, "http://myhost/", "b=2");
        sends_nothing(&jar, "http://localhost.local/");
    }

    #[test]
    fn real_dot_local_hosts_are_kept() {
        // An mDNS name: the session's own host is `printer.local`.
        let jar = CookieJar::from_stored(&[stored("a", "1", "printer.local")], "printer.local");
        sends(&jar, "http://printer.local/", "a=1");
        // Names with a dot before `.local` were never HTTPie's rewrite.
        let jar = CookieJar::from_stored(&[stored("b", "2", "a.b.local")], "x.test");
        sends(&jar, "http://a.b.local/", "b=2");
    }

    #[test]
    fn stored_leading_dot_means_domain_cookie() {
        let jar = CookieJar::from_stored(
            &[
                stored("d", "1", ".example.com"),
                stored("h", "2", "example.com"),
            ],
            "x.test",
        );
        sends(&jar, "http://example.com/", "d=1; h=2");
        sends(&jar, "http://www.example.com/", "d=1");
    }

    #[test]
    fn stored_host_only_flag_narrows_a_leading_dot() {
        let mut c = stored("d", "1", ".example.com");
        c.host_only = true;
        let jar = CookieJar::from_stored(&[c], "x.test");
        sends(&jar, "http://example.com/", "d=1");
        sends_nothing(&jar, "http://www.example.com/");
    }

    #[test]
    fn stored_domain_with_port_drops_the_port() {
        // `httpie cli sessions upgrade --bind-cookies localhost:8765 s` writes this.
        let jar = CookieJar::from_stored(&[stored("a", "1", "localhost:8765")], "x.test");
        sends(&jar, "http://localhost:8765/", "a=1");
    }

    #[test]
    fn stored_super_cookies_and_garbage_are_dropped() {
        let mut relative = stored("rel", "1", "h.test");
        relative.path = "nope".into();
        let mut control = stored("rel", "2", "h.test");
        control.path = "/a\nb".into();
        let jar = CookieJar::from_stored(
            &[
                stored("a", "1", ".com"),
                stored("b", "1", ".co.uk"),
                stored("c", "1", ".localhost"),
                stored("d", "1", ".example.com."),
                stored("e\x01", "1", "h.test"),
                stored("f", "1\n2", "h.test"),
                stored("", "1", "h.test"),
                stored("g", "1", "bad host/with path"),
                stored("h", "1", "evil.test@h.test"),
                relative,
                control,
            ],
            "h.test",
        );
        let stored = jar.to_stored();
        assert_eq!(stored.len(), 1);
        assert_eq!(
            (
                stored[0].name.as_str(),
                stored[0].value.as_str(),
                stored[0].path.as_str()
            ),
            ("rel", "2", "/")
        );
    }

    #[test]
    fn stored_domain_is_canonicalised() {
        let jar = CookieJar::from_stored(&[stored("a", "1", ".Example.COM")], "x.test");
        sends(&jar, "http://www.example.com/", "a=1");
        assert_eq!(jar.to_stored()[0].domain, ".example.com");
    }

    #[test]
    fn stored_secure_flag_and_expiry_are_kept() {
        let mut c = stored("s", "1", "h.test");
        c.secure = true;
        c.expires = Some(now() + 1000);
        let jar = CookieJar::from_stored(std::slice::from_ref(&c), "h.test");
        sends(&jar, "https://h.test/", "s=1");
        sends_nothing(&jar, "http://h.test/");
        assert_eq!(
            jar.to_stored(),
            vec![StoredCookie {
                host_only: true,
                ..c
            }]
        );
    }

    #[test]
    fn stored_expiry_beyond_year_9999_is_clamped() {
        let mut c = stored("a", "1", "h.test");
        c.expires = Some(i64::MAX);
        let jar = CookieJar::from_stored(&[c], "h.test");
        assert_eq!(jar.to_stored()[0].expires, Some(MAX_EXPIRES));
    }

    #[test]
    fn loading_applies_the_caps() {
        let cookies: Vec<StoredCookie> = (0..80)
            .map(|i| stored(&format!("c{i}"), "v", "h.test"))
            .collect();
        let jar = CookieJar::from_stored(&cookies, "h.test");
        let stored = jar.to_stored();
        assert_eq!(stored.len(), MAX_COOKIES_PER_DOMAIN);
        assert_eq!(stored[0].name, "c30");
    }

    #[test]
    fn set_cookie_deletes_a_loaded_cookie() {
        let jar_file = [stored("a", "1", "h.test"), stored("b", "2", "h.test")];
        let mut jar = CookieJar::from_stored(&jar_file, "h.test");
        set(
            &mut jar,
            "http://h.test/",
            &["a=; Expires=Wed, 21 Oct 2015 07:28:00 GMT"],
        );
        let names: Vec<String> = jar.to_stored().into_iter().map(|c| c.name).collect();
        assert_eq!(names, ["b"]);
    }

    #[test]
    fn debug_output_hides_values() {
        let jar = jar_with("http://h.test/", &["token=supersecret"]);
        let shown = format!("{jar:?}");
        assert!(!shown.contains("supersecret"), "{shown}");
    }

    // ---- no panics on any input ------------------------------------------------------------

    /// xorshift64*: deterministic, no dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    const PIECES: &[&str] = &[
        "a",
        "=",
        ";",
        " ",
        ".",
        "..",
        "/",
        "\"",
        "%",
        "é",
        "\u{0}",
        "\t",
        "\r\n",
        "Domain=",
        "domain=.",
        "Path=",
        "path=/",
        "Secure",
        "HttpOnly",
        "Max-Age=",
        "max-age=-",
        "Expires=",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "99999999999999999999",
        "0",
        "-1",
        "com",
        "co.uk",
        "h.test",
        "sub.h.test",
        "127.0.0.1",
        "[::1]",
        "xn--",
        "__Host-",
        "__Secure-",
        "localhost",
        ":",
        "@",
        "#",
        "?",
    ];

    fn random_line(rng: &mut Rng) -> Vec<u8> {
        let mut line = Vec::new();
        for _ in 0..rng.below(12) {
            if rng.below(3) == 0 {
                for _ in 0..rng.below(8) {
                    line.push((rng.next() & 0xff) as u8);
                }
            } else {
                line.extend_from_slice(rng.pick(PIECES).as_bytes());
            }
        }
        line
    }

    fn assert_invariants(jar: &CookieJar, urls: &[Url]) {
        let stored = jar.to_stored();
        assert!(stored.len() <= MAX_COOKIES);
        for c in &stored {
            assert!(valid_pair(&c.name, &c.value), "{c:?}");
            let bare = c.domain.trim_start_matches('.');
            assert!(
                !bare.is_empty() && !bare.ends_with('.') || c.host_only,
                "{c:?}"
            );
            if !c.host_only {
                assert!(!is_public_suffix(bare), "{c:?}");
            }
        }
        for u in urls {
            if let Some(h) = jar.cookie_header(u) {
                assert!(h.len() <= MAX_COOKIE_HEADER_BYTES);
                assert!(!h.bytes().any(is_control), "{h:?}");
            }
        }
        // Whatever we save loads back to the same thing.
        let again = CookieJar::from_stored(&stored, "h.test");
        assert_eq!(again.to_stored(), stored);
    }

    #[test]
    fn random_bytes_never_panic_and_keep_invariants() {
        let urls: Vec<Url> = [
            "http://h.test/",
            "https://sub.h.test/a/b",
            "http://127.0.0.1:8080/x",
            "https://[::1]/",
            "http://localhost/",
            "https://example.co.uk/",
            "http://h.test./",
            "http://xn--bcher-kva.example/p",
        ]
        .iter()
        .map(|s| url(s))
        .collect();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..300 {
            let mut jar = CookieJar::new();
            for _ in 0..20 {
                let lines: Vec<Vec<u8>> =
                    (0..rng.below(6)).map(|_| random_line(&mut rng)).collect();
                let values: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
                let u = &urls[rng.below(urls.len())];
                jar.store_response(u, &values);
                let typed = String::from_utf8_lossy(&random_line(&mut rng)).into_owned();
                jar.store_typed(u, &typed);
            }
            assert_invariants(&jar, &urls);

            // Random session-file content, too.
            let cookies: Vec<StoredCookie> = (0..rng.below(10))
                .map(|_| StoredCookie {
                    name: String::from_utf8_lossy(&random_line(&mut rng)).into_owned(),
                    value: String::from_utf8_lossy(&random_line(&mut rng)).into_owned(),
                    domain: rng.pick(PIECES).to_owned() + rng.pick(PIECES),
                    path: String::from_utf8_lossy(&random_line(&mut rng)).into_owned(),
                    secure: rng.below(2) == 0,
                    expires: match rng.below(4) {
                        0 => None,
                        1 => Some(rng.next() as i64),
                        2 => Some(now() + 1000),
                        _ => Some(i64::MIN),
                    },
                    host_only: rng.below(2) == 0,
                })
                .collect();
            let loaded = CookieJar::from_stored(&cookies, rng.pick(PIECES));
            assert_invariants(&loaded, &urls);
            let _ = round;
        }
    }

    #[test]
    fn random_cookie_values_from_the_real_set_cookie_parser_never_panic() {
        let mut rng = Rng(42);
        let mut jar = CookieJar::new();
        for _ in 0..2000 {
            let len = rng.below(300);
            let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0xff) as u8).collect();
            jar.store_response(&url("https://h.test/a/b"), &[&bytes]);
        }
        assert_invariants(&jar, &[url("https://h.test/a/b")]);
    }
}
