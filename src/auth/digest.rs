//! HTTP Digest access authentication, client side (RFC 7616, with RFC 2617/2069 compatibility).
//!
//! Flow: the first request goes out without credentials; on a `401` the caller passes the
//! `WWW-Authenticate` value (or a `Proxy-Authenticate` one: the grammar is the same) to
//! [`parse_challenge`], then resends the request with `Authorization:` set to [`answer`]'s result.
//! Digest state belongs to one origin: a challenge from host A is never answered on a request to
//! host B (curl CVE-2026-11856), so the caller should keep the [`Challenge`] next to the origin it
//! came from.
//!
//! Supported: `MD5`, `MD5-sess`, `SHA-256`, `SHA-256-sess`, `SHA-512-256`, `SHA-512-256-sess`;
//! `qop=auth`; no `qop` at all (RFC 2069 style); `opaque` echoed; `userhash=true`;
//! `charset=UTF-8` (non-ASCII user names are then sent as `username*`). Several challenges in one
//! header value: the strongest usable Digest one is picked (SHA-512-256 > SHA-256 > MD5; a `qop`
//! challenge over a bare RFC 2069 one; the server's order breaks ties).
//!
//! Refused (the challenge is not usable, so [`parse_challenge`] skips it):
//! * `qop=auth-int` alone: it hashes the request body, which a streaming client may not have in
//!   memory, and almost no server requires it. When offered with `auth`, `auth` is used.
//! * A `-sess` algorithm without `qop`: the session key needs the `cnonce`, which RFC 2617 forbids
//!   sending without `qop`, so the server could not check our answer.
//! * Unknown algorithms, duplicate parameters, a missing `nonce`, control characters in any
//!   parameter that is echoed back (they would end up in our request header).
//!
//! Why not the `http-auth` crate (scottlamb), which was evaluated first: it covers the algorithms
//! and the RFC 2069 mode, but (1) it matches `algorithm=` case-sensitively, so `algorithm=md5`
//! fails (curl and requests accept it); (2) among several Digest challenges it takes the first,
//! not the strongest; (3) its `DigestClient` is neither `Clone` nor able to take a nonce count,
//! so the stateless `answer(challenge, .., cnonce, nc)` API would mean re-parsing the header and
//! replaying `nc - 1` responses; (4) a caller-supplied cnonce is only offered as
//! `respond_with_testing_cnonce`; (5) it pulls in `rand` 0.8 and `hex`. The hashing itself is the
//! RustCrypto `md-5` and `sha2` crates either way, so the hand-written part is the header grammar
//! and the string assembly, both tested below against the RFC examples.

use crate::wire::is_tchar;
use md5::Md5;
use sha2::{Sha256, Sha512_256};
use std::fmt::Write as _;

/// A hash algorithm from the IANA "HTTP Digest Algorithm Values" registry that we implement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Algorithm {
    // Order matters: derive(Ord) ranks later variants as stronger.
    Md5,
    Sha256,
    Sha512_256,
}

impl Algorithm {
    /// Hex of the hash of `parts` concatenated. Taking the parts separately avoids building a
    /// joined string that holds the password.
    fn hex(self, parts: &[&[u8]]) -> String {
        match self {
            Algorithm::Md5 => hex_digest::<Md5>(parts),
            Algorithm::Sha256 => hex_digest::<Sha256>(parts),
            Algorithm::Sha512_256 => hex_digest::<Sha512_256>(parts),
        }
    }

    /// Canonical token, as registered with IANA.
    fn name(self, session: bool) -> &'static str {
        match (self, session) {
            (Algorithm::Md5, false) => "MD5",
            (Algorithm::Md5, true) => "MD5-sess",
            (Algorithm::Sha256, false) => "SHA-256",
            (Algorithm::Sha256, true) => "SHA-256-sess",
            (Algorithm::Sha512_256, false) => "SHA-512-256",
            (Algorithm::Sha512_256, true) => "SHA-512-256-sess",
        }
    }

    /// Parses an `algorithm=` value case-insensitively (servers send `md5`, `MD5-SESS`...).
    fn parse(value: &str) -> Option<(Algorithm, bool)> {
        [Algorithm::Md5, Algorithm::Sha256, Algorithm::Sha512_256]
            .into_iter()
            .flat_map(|a| [(a, false), (a, true)])
            .find(|&(a, sess)| value.eq_ignore_ascii_case(a.name(sess)))
    }
}

fn hex_digest<D: sha2::Digest>(parts: &[&[u8]]) -> String {
    let mut hasher = D::new();
    for part in parts {
        hasher.update(part);
    }
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// A parsed, usable `WWW-Authenticate: Digest ...` (or `Proxy-Authenticate`) challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    realm: String,
    nonce: String,
    opaque: Option<String>,
    algorithm: Algorithm,
    session: bool,
    /// The `algorithm=` token exactly as the server sent it, echoed back so a server that compares
    /// it strictly sees its own spelling. `None` when the server sent none (MD5 implied); then we
    /// send none either, as RFC 2069 servers expect.
    algorithm_token: Option<String>,
    /// `qop=auth` offered. False means RFC 2069 mode: no `qop`, `nc` or `cnonce` in the answer.
    qop_auth: bool,
    userhash: bool,
    utf8: bool,
    stale: bool,
}

impl Challenge {
    #[cfg(test)]
    /// The protection space to show the user ("realm" in a password prompt).
    pub fn realm(&self) -> &str {
        &self.realm
    }

    #[cfg(test)]
    /// The server's nonce.
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    #[cfg(test)]
    /// `stale=true`: the previous answer was right but its nonce expired, so the caller may retry
    /// once with this new challenge without asking the user for the password again.
    pub fn stale(&self) -> bool {
        self.stale
    }

    #[cfg(test)]
    /// The canonical algorithm name, e.g. `SHA-256-sess`.
    pub fn algorithm(&self) -> &'static str {
        self.algorithm.name(self.session)
    }

    /// How we rank challenges when a server offers several: stronger hash first, then a `qop`
    /// challenge over an RFC 2069 one.
    fn strength(&self) -> (Algorithm, bool) {
        (self.algorithm, self.qop_auth)
    }
}

/// Parses a `WWW-Authenticate` (or `Proxy-Authenticate`) value and returns the strongest usable
/// Digest challenge in it; `None` if there is none (not Digest, malformed, or only unsupported
/// variants). Several header lines can be joined with `", "` first: the grammar allows it.
///
/// The parser is lenient where real servers are sloppy (quoted `algorithm`, spaces around `=`,
/// unquoted values, case) and strict where ambiguity could be exploited (duplicate parameters,
/// control characters, an unterminated quoted string drop the challenge).
pub fn parse_challenge(www_authenticate: &str) -> Option<Challenge> {
    let mut best: Option<Challenge> = None;
    for raw in parse_header(www_authenticate) {
        let Some(challenge) = raw.into_digest() else {
            continue;
        };
        // Strictly greater: on a tie the server's first (preferred) challenge stays.
        if best
            .as_ref()
            .is_none_or(|b| challenge.strength() > b.strength())
        {
            best = Some(challenge);
        }
    }
    best
}

/// The `Authorization` header value answering `challenge` for this request.
///
/// * `uri` is the request-target exactly as sent on the request line (`/path?query`, or the
///   absolute form through a proxy); the server compares it with its own.
/// * `cnonce` is from [`new_cnonce`] (tests pass fixed ones); it must be non-empty printable
///   ASCII without `"` or `\`.
/// * `nc` counts the requests made with this nonce, starting at 1 (sent as 8 hex digits); `0` is
///   refused.
///
/// `None` when the inputs cannot be sent safely: a user name or `uri` with control characters
/// (header injection), a method that is not an HTTP token, or a bad `cnonce`/`nc`. `qop=auth-int`
/// is never used (see the module docs), so no request body is needed.
pub fn answer(
    challenge: &Challenge,
    username: &str,
    password: &str,
    method: &str,
    uri: &str,
    cnonce: &str,
    nc: u32,
) -> Option<String> {
    if username.chars().any(char::is_control)
        || uri.is_empty()
        || uri.chars().any(|c| c.is_control() || c == ' ')
        || method.is_empty()
        || !method.bytes().all(is_tchar)
        || cnonce.is_empty()
        || !cnonce
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
        || nc == 0
    {
        return None;
    }
    let alg = challenge.algorithm;
    let realm = challenge.realm.as_bytes();
    let nonce = challenge.nonce.as_bytes();
    let nc_hex = format!("{nc:08x}");

    let mut ha1 = alg.hex(&[username.as_bytes(), b":", realm, b":", password.as_bytes()]);
    if challenge.session {
        ha1 = alg.hex(&[ha1.as_bytes(), b":", nonce, b":", cnonce.as_bytes()]);
    }
    let ha2 = alg.hex(&[method.as_bytes(), b":", uri.as_bytes()]);
    let response = if challenge.qop_auth {
        alg.hex(&[
            ha1.as_bytes(),
            b":",
            nonce,
            b":",
            nc_hex.as_bytes(),
            b":",
            cnonce.as_bytes(),
            b":auth:",
            ha2.as_bytes(),
        ])
    } else {
        alg.hex(&[ha1.as_bytes(), b":", nonce, b":", ha2.as_bytes()])
    };

    // Field order as in the RFC 7616 section 3.9.1 example.
    let mut fields: Vec<String> = Vec::with_capacity(11);
    if challenge.userhash {
        let hashed = alg.hex(&[username.as_bytes(), b":", realm]);
        fields.push(format!("username={}", quoted(&hashed)));
    } else if username.is_ascii() || !challenge.utf8 {
        // Raw UTF-8 inside the quotes when the server did not announce charset=UTF-8: that is
        // what curl and most servers do.
        fields.push(format!("username={}", quoted(username)));
    } else {
        fields.push(format!("username*=UTF-8''{}", ext_value(username)));
    }
    fields.push(format!("realm={}", quoted(&challenge.realm)));
    fields.push(format!("uri={}", quoted(uri)));
    if let Some(token) = &challenge.algorithm_token {
        fields.push(format!("algorithm={token}"));
    }
    fields.push(format!("nonce={}", quoted(&challenge.nonce)));
    if challenge.qop_auth {
        fields.push(format!("nc={nc_hex}"));
        fields.push(format!("cnonce={}", quoted(cnonce)));
        fields.push("qop=auth".to_string());
    }
    fields.push(format!("response={}", quoted(&response)));
    if let Some(opaque) = &challenge.opaque {
        fields.push(format!("opaque={}", quoted(opaque)));
    }
    if challenge.userhash {
        fields.push("userhash=true".to_string());
    }
    Some(format!("Digest {}", fields.join(", ")))
}

/// A fresh random cnonce: 16 bytes from the OS generator, as 32 hex digits.
///
/// The cnonce stops a hostile server from choosing every input to the hash (chosen-plaintext),
/// so it must be unpredictable. If the OS generator fails (no known way on supported platforms),
/// this falls back to hashing the time, process id, a counter and an address: weaker, but an
/// answer still goes out rather than the program aborting.
pub fn new_cnonce() -> String {
    let mut bytes = [0u8; 16];
    super::random_bytes(&mut bytes);
    hex(&bytes)
}

/// `"value"` with `"` and `\` escaped (RFC 7230 quoted-string). Callers have already refused
/// control characters, so nothing here can end the header line.
fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// RFC 8187 `ext-value` percent-encoding of UTF-8 (attr-char kept, everything else `%XX`).
fn ext_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// One challenge as written: scheme and raw (unescaped) parameters, names lowercased.
#[derive(Debug)]
struct RawChallenge {
    scheme: String,
    params: Vec<(String, String)>,
    /// Set when something made the parameters untrustworthy (a duplicate name, an unterminated
    /// quoted string): the challenge must not be answered.
    broken: bool,
}

impl RawChallenge {
    /// Validates a Digest challenge; `None` for other schemes or unusable ones.
    fn into_digest(self) -> Option<Challenge> {
        if !self.scheme.eq_ignore_ascii_case("Digest") || self.broken {
            return None;
        }
        let mut realm = None;
        let mut nonce = None;
        let mut opaque = None;
        let mut algorithm = None;
        let mut qop = None;
        let mut userhash = None;
        let mut charset = None;
        let mut stale = None;
        for (name, value) in self.params {
            let slot = match name.as_str() {
                "realm" => &mut realm,
                "nonce" => &mut nonce,
                "opaque" => &mut opaque,
                "algorithm" => &mut algorithm,
                "qop" => &mut qop,
                "userhash" => &mut userhash,
                "charset" => &mut charset,
                "stale" => &mut stale,
                // `domain` and unknown extension parameters do not change the answer.
                _ => continue,
            };
            if slot.is_some() {
                // Two nonces (or realms...) is either a broken server or an attempt to make two
                // parsers disagree; answering either one is a guess.
                return None;
            }
            *slot = Some(value);
        }

        let nonce = nonce?;
        // realm is required by the RFC, but some embedded servers omit it; the hash then uses
        // the empty string, which is what they compute too.
        let realm = realm.unwrap_or_default();
        // Everything echoed into our header must be free of control characters: a CR/LF in a
        // nonce would otherwise let the server (or a MITM) inject request headers.
        if [Some(&realm), Some(&nonce), opaque.as_ref()]
            .into_iter()
            .flatten()
            .any(|v| v.chars().any(char::is_control))
        {
            return None;
        }

        let (alg, session, algorithm_token) = match algorithm {
            None => (Algorithm::Md5, false, None),
            Some(token) => {
                let (a, s) = Algorithm::parse(token.trim())?;
                // Only tokens we recognised are echoed, so the value is safe ASCII.
                (a, s, Some(token.trim().to_string()))
            }
        };

        let qop_auth = match qop {
            None => false,
            Some(list) => {
                if !list
                    .split(',')
                    .any(|q| q.trim().eq_ignore_ascii_case("auth"))
                {
                    // Only auth-int, or nothing we know.
                    return None;
                }
                true
            }
        };
        if session && !qop_auth {
            return None;
        }
        let is_true = |v: &Option<String>| {
            v.as_deref()
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        };

        Some(Challenge {
            realm,
            nonce,
            opaque,
            algorithm: alg,
            session,
            algorithm_token,
            qop_auth,
            userhash: is_true(&userhash),
            utf8: charset
                .as_deref()
                .is_some_and(|c| c.trim().eq_ignore_ascii_case("UTF-8")),
            stale: is_true(&stale),
        })
    }
}

/// Splits a challenge list (RFC 7235 section 4.1) into challenges.
///
/// `1#challenge` where `challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`: a bare token
/// not followed by `=` starts a new challenge; `name = value` belongs to the current one. A
/// token68 (`Negotiate abc==`) is kept as a parameter-less challenge. Linear time, no recursion,
/// and it never indexes past the end, whatever the input.
fn parse_header(input: &str) -> Vec<RawChallenge> {
    let bytes = input.as_bytes();
    let mut pos = 0;
    let mut out: Vec<RawChallenge> = Vec::new();

    let skip_ws = |pos: &mut usize| {
        while *pos < bytes.len() && matches!(bytes[*pos], b' ' | b'\t') {
            *pos += 1;
        }
    };

    while pos < bytes.len() {
        // Separators between items.
        while pos < bytes.len() && matches!(bytes[pos], b' ' | b'\t' | b',') {
            pos += 1;
        }
        if pos >= bytes.len() {
            break;
        }
        let start = pos;
        while pos < bytes.len() && is_tchar(bytes[pos]) {
            pos += 1;
        }
        if pos == start {
            // A byte that cannot start anything (a stray quote, `=`, non-ASCII, control): the
            // current challenge cannot be trusted; skip the byte and go on.
            if let Some(current) = out.last_mut() {
                current.broken = true;
            }
            pos += input[pos..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let name = &input[start..pos];
        let after_name = pos;
        skip_ws(&mut pos);
        // Once a challenge has started, `name=` is always one of its parameters, even with an
        // empty value: a token68 can only follow the scheme directly, handled just below.
        let is_param = pos < bytes.len() && bytes[pos] == b'=' && !out.is_empty();
        if !is_param {
            // A new challenge. Whatever token68 follows is consumed with it: no Digest challenge
            // has one, and it must not be mistaken for a parameter.
            pos = after_name;
            out.push(RawChallenge {
                scheme: name.to_string(),
                params: Vec::new(),
                broken: false,
            });
            skip_ws(&mut pos);
            let t68_start = pos;
            while pos < bytes.len()
                && (bytes[pos].is_ascii_alphanumeric() || b"-._~+/".contains(&bytes[pos]))
            {
                pos += 1;
            }
            let t68_end = pos;
            while pos < bytes.len() && bytes[pos] == b'=' {
                pos += 1;
            }
            let mut probe = pos;
            skip_ws(&mut probe);
            if t68_end > t68_start && (probe >= bytes.len() || bytes[probe] == b',') {
                // It really was a token68: done with this challenge.
                pos = probe;
            } else {
                // Not a token68 (it is the first auth-param's name): rewind.
                pos = t68_start;
            }
            continue;
        }
        // name = value
        pos += 1;
        skip_ws(&mut pos);
        let value = if pos < bytes.len() && bytes[pos] == b'"' {
            pos += 1;
            let mut value = String::new();
            let mut closed = false;
            let mut chars = input[pos..].char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => {
                        pos += i + 1;
                        closed = true;
                        break;
                    }
                    '\\' => match chars.next() {
                        Some((_, escaped)) => value.push(escaped),
                        None => break,
                    },
                    other => value.push(other),
                }
            }
            if !closed {
                if let Some(current) = out.last_mut() {
                    current.broken = true;
                }
                break;
            }
            value
        } else {
            let v_start = pos;
            while pos < bytes.len() && !matches!(bytes[pos], b',' | b' ' | b'\t' | b'"') {
                pos += 1;
            }
            input[v_start..pos].to_string()
        };
        if let Some(current) = out.last_mut() {
            current.params.push((name.to_ascii_lowercase(), value));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC7616_NONCE: &str = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    const RFC7616_CNONCE: &str = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    const RFC7616_OPAQUE: &str = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";

    fn rfc7616_challenge(algorithm: &str) -> String {
        format!(
            "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", \
             algorithm={algorithm}, nonce=\"{RFC7616_NONCE}\", opaque=\"{RFC7616_OPAQUE}\""
        )
    }

    fn mufasa(challenge: &Challenge) -> String {
        mufasa_to(challenge, "GET", "/dir/index.html", 1)
    }

    /// RFC 7616's Mufasa answering `challenge` for `method uri` with nonce count `nc`.
    fn mufasa_to(challenge: &Challenge, method: &str, uri: &str, nc: u32) -> String {
        answer(
            challenge,
            "Mufasa",
            "Circle of Life",
            method,
            uri,
            RFC7616_CNONCE,
            nc,
        )
        .expect("answer")
    }

    /// RFC 2617's Mufasa (with this password and cnonce) answering `challenge`.
    fn rfc2617_mufasa(challenge: &Challenge, password: &str, cnonce: &str) -> String {
        answer(
            challenge,
            "Mufasa",
            password,
            "GET",
            "/dir/index.html",
            cnonce,
            1,
        )
        .expect("answer")
    }

    /// RFC 7616 section 3.9.2's user (a non-ASCII name) answering `challenge`.
    fn jason_doe(challenge: &Challenge) -> String {
        answer(
            challenge,
            "J\u{e4}s\u{f8}n Doe",
            "Secret, or not?",
            "GET",
            "/doe.json",
            "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v",
            1,
        )
        .expect("answer")
    }

    /// The answer of user `u`, password `p`, to `GET /` with cnonce `c`, to the challenge in
    /// `header` (which must parse).
    fn u_p_answer(header: &str) -> String {
        let c = parse_challenge(header).expect("challenge");
        answer(&c, "u", "p", "GET", "/", "c", 1).expect("answer")
    }

    /// The `response="..."` value of an Authorization header.
    fn response_of(header: &str) -> &str {
        let start = header.find("response=\"").expect("response") + "response=\"".len();
        let len = header[start..].find('"').expect("closing quote");
        &header[start..start + len]
    }

    // ---- RFC test vectors ------------------------------------------------------------------

    #[test]
    fn rfc7616_md5_exact_header() {
        let c = parse_challenge(&rfc7616_challenge("MD5")).expect("challenge");
        assert_eq!(
            mufasa(&c),
            "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", \
             uri=\"/dir/index.html\", algorithm=MD5, \
             nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, \
             cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, \
             response=\"8ca523f5e9506fed4657c9700eebdbec\", \
             opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""
        );
    }

    #[test]
    fn rfc7616_sha256_exact_header() {
        let c = parse_challenge(&rfc7616_challenge("SHA-256")).expect("challenge");
        assert_eq!(
            mufasa(&c),
            "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", \
             uri=\"/dir/index.html\", algorithm=SHA-256, \
             nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, \
             cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, \
             response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", \
             opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""
        );
    }

    #[test]
    fn rfc7616_both_challenges_in_one_header_picks_sha256() {
        // The RFC's own 401 carries both; either order must give SHA-256.
        let sha = rfc7616_challenge("SHA-256");
        let md5 = rfc7616_challenge("MD5");
        for header in [format!("{sha}, {md5}"), format!("{md5}, {sha}")] {
            let c = parse_challenge(&header).expect("challenge");
            assert_eq!(c.algorithm(), "SHA-256");
            assert_eq!(
                response_of(&mufasa(&c)),
                "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
            );
        }
    }

    #[test]
    fn rfc7616_session_variants() {
        // No published vectors for -sess; these were computed independently with Python's
        // hashlib from the RFC 7616 formulas (and the MD5-sess one matches http-auth's).
        let c = parse_challenge(&rfc7616_challenge("MD5-sess")).expect("challenge");
        let h = mufasa(&c);
        assert!(h.contains("algorithm=MD5-sess"), "{h}");
        assert_eq!(response_of(&h), "e783283f46242139c486a698fec7211d");
        let c = parse_challenge(&rfc7616_challenge("SHA-256-sess")).expect("challenge");
        assert_eq!(
            response_of(&mufasa(&c)),
            "2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7"
        );
    }

    #[test]
    fn rfc7616_sha512_256_with_userhash_and_charset() {
        // RFC 7616 section 3.9.2; the RFC's printed username hash and response are wrong
        // (erratum 4897); these are the corrected values, recomputed with Python's hashlib.
        let header = "Digest realm=\"api@example.org\", qop=\"auth\", algorithm=SHA-512-256, \
                      nonce=\"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK\", \
                      opaque=\"HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS\", \
                      charset=UTF-8, userhash=true";
        let c = parse_challenge(header).expect("challenge");
        let h = jason_doe(&c);
        assert_eq!(
            h,
            "Digest username=\"793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b\", \
             realm=\"api@example.org\", uri=\"/doe.json\", algorithm=SHA-512-256, \
             nonce=\"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK\", nc=00000001, \
             cnonce=\"NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v\", qop=auth, \
             response=\"3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5\", \
             opaque=\"HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS\", userhash=true"
        );
    }

    #[test]
    fn charset_utf8_non_ascii_username_uses_ext_value() {
        let header = "Digest realm=\"api@example.org\", qop=auth, algorithm=SHA-512-256, \
                      nonce=\"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK\", charset=UTF-8";
        let c = parse_challenge(header).expect("challenge");
        let h = jason_doe(&c);
        assert!(
            h.starts_with("Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, "),
            "{h}"
        );
        assert_eq!(
            response_of(&h),
            "3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5"
        );
        // Without charset=UTF-8 the name goes out raw, quoted.
        let c = parse_challenge(&header.replace(", charset=UTF-8", "")).expect("challenge");
        let h = answer(&c, "J\u{e4}s\u{f8}n", "pw", "GET", "/", "abc", 1).expect("answer");
        assert!(
            h.starts_with("Digest username=\"J\u{e4}s\u{f8}n\", "),
            "{h}"
        );
    }

    #[test]
    fn rfc2617_example() {
        let header = "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", \
                      nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", \
                      opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
        let c = parse_challenge(header).expect("challenge");
        assert_eq!(c.algorithm(), "MD5");
        let h = rfc2617_mufasa(&c, "Circle Of Life", "0a4f113b");
        assert_eq!(
            h,
            "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", uri=\"/dir/index.html\", \
             nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", nc=00000001, cnonce=\"0a4f113b\", \
             qop=auth, response=\"6629fae49393a05397450978507c4ef1\", \
             opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""
        );
    }

    #[test]
    fn rfc2069_no_qop() {
        // RFC 2069 section 2.4 (response corrected by erratum 749).
        let header = "Digest realm=\"testrealm@host.com\", \
                      nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", \
                      opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
        let c = parse_challenge(header).expect("challenge");
        let h = rfc2617_mufasa(&c, "CircleOfLife", "unused");
        assert_eq!(
            h,
            "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", uri=\"/dir/index.html\", \
             nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", \
             response=\"1949323746fe6a43ef61f9606e7febea\", \
             opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""
        );
    }

    #[test]
    fn nonce_count_is_eight_hex_digits_and_changes_response() {
        let c = parse_challenge(&rfc7616_challenge("MD5")).expect("challenge");
        let one = mufasa(&c);
        let h = mufasa_to(&c, "GET", "/dir/index.html", 0x1a2b);
        assert!(h.contains("nc=00001a2b,"), "{h}");
        assert_ne!(response_of(&h), response_of(&one));
        let h = answer(&c, "Mufasa", "x", "GET", "/", RFC7616_CNONCE, u32::MAX).expect("answer");
        assert!(h.contains("nc=ffffffff,"), "{h}");
    }

    #[test]
    fn method_and_uri_enter_the_hash() {
        let c = parse_challenge(&rfc7616_challenge("SHA-256")).expect("challenge");
        let base = mufasa(&c);
        let post = mufasa_to(&c, "POST", "/dir/index.html", 1);
        let query = mufasa_to(&c, "GET", "/dir/index.html?a=1", 1);
        assert_ne!(response_of(&base), response_of(&post));
        assert_ne!(response_of(&base), response_of(&query));
        assert!(query.contains("uri=\"/dir/index.html?a=1\""));
    }

    // ---- challenge parsing ------------------------------------------------------------------

    #[test]
    fn algorithm_is_case_insensitive_and_echoed_as_sent() {
        for (token, canonical) in [
            ("md5", "MD5"),
            ("Md5-Sess", "MD5-sess"),
            ("sha-256", "SHA-256"),
            ("SHA-256-SESS", "SHA-256-sess"),
            ("\"SHA-256\"", "SHA-256"),
        ] {
            let c = parse_challenge(&rfc7616_challenge(token)).expect(token);
            assert_eq!(c.algorithm(), canonical);
            let echoed = token.trim_matches('"');
            assert!(
                mufasa(&c).contains(&format!("algorithm={echoed},")),
                "{token}"
            );
        }
        let c = parse_challenge(&rfc7616_challenge("sha-256")).expect("challenge");
        assert_eq!(
            response_of(&mufasa(&c)),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
    }

    #[test]
    fn scheme_and_param_names_are_case_insensitive() {
        let header = format!(
            "DIGEST REALM=\"http-auth@example.org\", QOP=AUTH, Algorithm=SHA-256, \
             NONCE=\"{RFC7616_NONCE}\", Opaque=\"{RFC7616_OPAQUE}\""
        );
        let c = parse_challenge(&header).expect("challenge");
        assert_eq!(
            response_of(&mufasa(&c)),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
    }

    #[test]
    fn unknown_algorithm_is_skipped_for_a_known_one() {
        let header = format!(
            "{}, {}",
            rfc7616_challenge("SHA3-512"),
            rfc7616_challenge("MD5")
        );
        assert_eq!(
            parse_challenge(&header).expect("challenge").algorithm(),
            "MD5"
        );
        assert_eq!(parse_challenge(&rfc7616_challenge("SHA3-512")), None);
        assert_eq!(parse_challenge(&rfc7616_challenge("MD5-sessx")), None);
    }

    #[test]
    fn missing_nonce_is_none() {
        assert_eq!(parse_challenge("Digest realm=\"r\", qop=\"auth\""), None);
        assert_eq!(parse_challenge("Digest"), None);
        assert_eq!(parse_challenge("Digest nonce"), None);
    }

    #[test]
    fn missing_realm_is_empty_realm() {
        let c = parse_challenge("Digest nonce=\"n\", qop=auth").expect("challenge");
        assert_eq!(c.realm(), "");
        let h = answer(&c, "u", "p", "GET", "/", "c", 1).expect("answer");
        assert!(h.contains("realm=\"\""), "{h}");
    }

    #[test]
    fn empty_or_non_digest_headers() {
        for header in [
            "",
            "   ",
            ",,,",
            "Basic realm=\"x\"",
            "Bearer",
            "Negotiate",
            "Negotiate YIIGhgYJKoZIhvcSAQICAQBuggZ1MIIGcaADAgEFoQMCAQ6iBwMFACAAAAA=",
            "NTLM",
            "Digestive realm=\"x\", nonce=\"n\"",
            "realm=\"x\", nonce=\"n\"",
        ] {
            assert_eq!(parse_challenge(header), None, "{header:?}");
        }
    }

    #[test]
    fn digest_among_other_schemes() {
        let header = format!(
            "Negotiate abc==, Basic realm=\"b\", {}, Bearer realm=\"x\", error=\"invalid\"",
            rfc7616_challenge("MD5")
        );
        let c = parse_challenge(&header).expect("challenge");
        assert_eq!(c.realm(), "http-auth@example.org");
        assert_eq!(response_of(&mufasa(&c)), "8ca523f5e9506fed4657c9700eebdbec");
    }

    #[test]
    fn token68_does_not_leak_into_next_challenge() {
        // `Negotiate a=` is a token68 with padding, not a parameter `a` of anything.
        let header = format!("Negotiate a=, {}", rfc7616_challenge("MD5"));
        assert!(parse_challenge(&header).is_some());
        let header = "Negotiate nonce=, Digest realm=\"r\"";
        assert_eq!(parse_challenge(header), None);
    }

    #[test]
    fn quoted_commas_and_escapes() {
        let header = "Digest realm=\"a, b \\\"quoted\\\" \\\\ c\", nonce=\"n,o=nce\", \
                      opaque=\"o, p\", qop=\"auth-int, auth\"";
        let c = parse_challenge(header).expect("challenge");
        assert_eq!(c.realm(), "a, b \"quoted\" \\ c");
        assert_eq!(c.nonce(), "n,o=nce");
        let h = answer(&c, "u", "p", "GET", "/", "c", 1).expect("answer");
        assert!(h.contains("realm=\"a, b \\\"quoted\\\" \\\\ c\""), "{h}");
        assert!(h.contains("opaque=\"o, p\""), "{h}");
        assert!(h.contains("nonce=\"n,o=nce\""), "{h}");
        // The hash uses the unescaped realm.
        let expected = Algorithm::Md5.hex(&[
            Algorithm::Md5
                .hex(&[b"u:a, b \"quoted\" \\ c:p"])
                .as_bytes(),
            b":n,o=nce:00000001:c:auth:",
            Algorithm::Md5.hex(&[b"GET:/"]).as_bytes(),
        ]);
        assert_eq!(response_of(&h), expected);
    }

    #[test]
    fn unknown_params_and_domain_are_ignored() {
        let header = format!(
            "Digest foo=bar, realm=\"http-auth@example.org\", domain=\"/a /b\", x-ext=\"1,2\", \
             qop=\"auth\", algorithm=MD5, nonce=\"{RFC7616_NONCE}\", opaque=\"{RFC7616_OPAQUE}\", \
             stale=FALSE, zz"
        );
        let c = parse_challenge(&header).expect("challenge");
        assert!(!c.stale());
        assert_eq!(response_of(&mufasa(&c)), "8ca523f5e9506fed4657c9700eebdbec");
    }

    #[test]
    fn whitespace_around_equals_and_unquoted_values() {
        let header = format!(
            "Digest   realm = \"http-auth@example.org\" ,qop = auth,algorithm= MD5 , \
             nonce={RFC7616_NONCE},opaque={RFC7616_OPAQUE}"
        );
        let c = parse_challenge(&header).expect("challenge");
        assert_eq!(response_of(&mufasa(&c)), "8ca523f5e9506fed4657c9700eebdbec");
        assert!(mufasa(&c).contains("algorithm=MD5,"));
    }

    #[test]
    fn empty_unquoted_value_is_a_parameter_not_a_scheme() {
        let c = parse_challenge("Digest realm=\"r\", nonce=\"n\", stale=, qop=auth, opaque=")
            .expect("challenge");
        assert!(!c.stale());
        let h = answer(&c, "u", "p", "GET", "/", "c", 1).expect("answer");
        assert!(h.contains("qop=auth,"), "{h}");
        assert!(h.ends_with("opaque=\"\""), "{h}");
    }

    #[test]
    fn tabs_as_whitespace() {
        let header = "Digest\trealm=\"r\",\tnonce=\"n\",\tqop=auth";
        assert!(parse_challenge(header).is_some());
    }

    #[test]
    fn stale_flag() {
        let c = parse_challenge("Digest realm=\"r\", nonce=\"n\", stale=true").expect("challenge");
        assert!(c.stale());
        let c =
            parse_challenge("Digest realm=\"r\", nonce=\"n\", stale=\"TRUE\"").expect("challenge");
        assert!(c.stale());
    }

    #[test]
    fn opaque_absent_is_not_sent() {
        let h = u_p_answer("Digest realm=\"r\", nonce=\"n\", qop=auth");
        assert!(!h.contains("opaque"), "{h}");
        assert!(!h.contains("algorithm"), "{h}");
    }

    #[test]
    fn empty_opaque_is_echoed() {
        let h = u_p_answer("Digest realm=\"r\", nonce=\"n\", opaque=\"\"");
        assert!(h.ends_with("opaque=\"\""), "{h}");
    }

    #[test]
    fn qop_auth_int_only_is_refused() {
        assert_eq!(
            parse_challenge("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\""),
            None
        );
        assert_eq!(
            parse_challenge("Digest realm=\"r\", nonce=\"n\", qop=\"\""),
            None
        );
        assert_eq!(
            parse_challenge("Digest realm=\"r\", nonce=\"n\", qop=\"bogus\""),
            None
        );
        let c = parse_challenge("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int,AUTH\"")
            .expect("auth offered too");
        let h = answer(&c, "u", "p", "GET", "/", "c", 1).expect("answer");
        assert!(h.contains("qop=auth,"), "{h}");
    }

    #[test]
    fn sess_without_qop_is_refused() {
        assert_eq!(
            parse_challenge("Digest realm=\"r\", nonce=\"n\", algorithm=MD5-sess"),
            None
        );
    }

    #[test]
    fn duplicate_params_make_the_challenge_unusable() {
        for header in [
            "Digest realm=\"r\", nonce=\"a\", nonce=\"b\"",
            "Digest realm=\"r\", realm=\"s\", nonce=\"a\"",
            "Digest realm=\"r\", nonce=\"a\", algorithm=MD5, ALGORITHM=SHA-256",
            "Digest realm=\"r\", nonce=\"a\", opaque=\"x\", Opaque=\"y\"",
        ] {
            assert_eq!(parse_challenge(header), None, "{header}");
        }
        // ... but the other challenges in the header still count.
        let header =
            "Digest realm=\"r\", nonce=\"a\", nonce=\"b\", Digest realm=\"r\", nonce=\"c\"";
        assert_eq!(parse_challenge(header).expect("challenge").nonce(), "c");
    }

    #[test]
    fn unterminated_quote_drops_challenge() {
        assert_eq!(parse_challenge("Digest realm=\"r, nonce=\"n\""), None);
        assert_eq!(parse_challenge("Digest realm=\"r\", nonce=\"n"), None);
        assert_eq!(parse_challenge("Digest realm=\"r\", nonce=\"n\\"), None);
        // An earlier complete challenge survives.
        let header = "Digest realm=\"r\", nonce=\"n\", Digest realm=\"s\", nonce=\"m";
        assert_eq!(parse_challenge(header).expect("challenge").nonce(), "n");
    }

    #[test]
    fn control_characters_in_echoed_params_are_refused() {
        for header in [
            "Digest realm=\"r\", nonce=\"n\r\nX-Evil: 1\"",
            "Digest realm=\"r\r\n\", nonce=\"n\"",
            "Digest realm=\"r\", nonce=\"n\", opaque=\"o\0\"",
            "Digest realm=\"r\", nonce=\"n\\\u{7f}\"",
            "Digest realm=\"r\u{85}\", nonce=\"n\"",
        ] {
            assert_eq!(parse_challenge(header), None, "{header:?}");
        }
    }

    #[test]
    fn stray_bytes_break_only_their_challenge() {
        assert_eq!(
            parse_challenge("Digest realm=\"r\", nonce=\"n\", =oops"),
            None
        );
        assert_eq!(
            parse_challenge("Digest realm=\"r\", nonce=\"n\", \u{e9}=1"),
            None
        );
        let header = "Digest realm=\"r\", nonce=\"a\" \"junk\", Digest realm=\"r\", nonce=\"b\"";
        assert_eq!(parse_challenge(header).expect("challenge").nonce(), "b");
    }

    #[test]
    fn strongest_challenge_wins_ties_keep_server_order() {
        let md5 = "Digest realm=\"r\", nonce=\"md5\", qop=auth";
        let sha = "Digest realm=\"r\", nonce=\"sha\", qop=auth, algorithm=SHA-256";
        let sha_sess = "Digest realm=\"r\", nonce=\"shasess\", qop=auth, algorithm=SHA-256-sess";
        let sha512 = "Digest realm=\"r\", nonce=\"sha512\", qop=auth, algorithm=SHA-512-256";
        let bare = "Digest realm=\"r\", nonce=\"bare\", algorithm=SHA-256";
        let pick = |h: String| parse_challenge(&h).expect("challenge").nonce().to_string();
        assert_eq!(pick(format!("{md5}, {sha}")), "sha");
        assert_eq!(pick(format!("{sha}, {sha_sess}")), "sha");
        assert_eq!(pick(format!("{sha_sess}, {sha}")), "shasess");
        assert_eq!(pick(format!("{md5}, {sha512}, {sha}")), "sha512");
        assert_eq!(pick(format!("{bare}, {sha}")), "sha");
        assert_eq!(pick(format!("{bare}, {md5}")), "bare");
    }

    #[test]
    fn userhash_false_or_garbage_is_off() {
        let h = u_p_answer("Digest realm=\"r\", nonce=\"n\", qop=auth, userhash=false");
        assert!(h.starts_with("Digest username=\"u\""), "{h}");
        assert!(!h.contains("userhash"));
    }

    #[test]
    fn userhash_with_md5() {
        let h = u_p_answer("Digest realm=\"r\", nonce=\"n\", qop=auth, userhash=\"true\"");
        let expected = format!("Digest username=\"{}\"", Algorithm::Md5.hex(&[b"u:r"]));
        assert!(h.starts_with(&expected), "{h}");
        assert!(h.ends_with(", userhash=true"), "{h}");
    }

    // ---- answer input validation --------------------------------------------------------------

    #[test]
    fn answer_refuses_unsafe_inputs() {
        let c = parse_challenge(&rfc7616_challenge("MD5")).expect("challenge");
        let ok = |u: &str, m: &str, uri: &str, cn: &str, nc: u32| {
            answer(&c, u, "pw", m, uri, cn, nc).is_some()
        };
        assert!(ok("u", "GET", "/", "abc", 1));
        assert!(!ok("u\r\nX: 1", "GET", "/", "abc", 1));
        assert!(!ok("u\0", "GET", "/", "abc", 1));
        assert!(!ok("u", "GE T", "/", "abc", 1));
        assert!(!ok("u", "", "/", "abc", 1));
        assert!(!ok("u", "GET\r\n", "/", "abc", 1));
        assert!(!ok("u", "GET", "/a\r\nb", "abc", 1));
        assert!(!ok("u", "GET", "/a b", "abc", 1));
        assert!(!ok("u", "GET", "", "abc", 1));
        assert!(!ok("u", "GET", "/", "", 1));
        assert!(!ok("u", "GET", "/", "a\"b", 1));
        assert!(!ok("u", "GET", "/", "a\\b", 1));
        assert!(!ok("u", "GET", "/", "a b", 1));
        assert!(!ok("u", "GET", "/", "abc", 0));
        // Custom methods are fine when they are tokens.
        assert!(ok("u", "PROPFIND", "/", "abc", 1));
    }

    #[test]
    fn special_characters_in_username_and_password() {
        let c = parse_challenge("Digest realm=\"r\", nonce=\"n\", qop=auth").expect("challenge");
        let h = answer(&c, "a\"b\\c", "p:w\r\n\0", "GET", "/", "c", 1).expect("answer");
        assert!(h.starts_with("Digest username=\"a\\\"b\\\\c\", "), "{h}");
        // The password may hold anything: it is only hashed, never sent.
        assert!(!h.contains("p:w"));
        assert!(!h.contains('\r') && !h.contains('\n') && !h.contains('\0'));
        let ha1 = Algorithm::Md5.hex(&[b"a\"b\\c:r:p:w\r\n\0"]);
        let expected = Algorithm::Md5.hex(&[
            ha1.as_bytes(),
            b":n:00000001:c:auth:",
            Algorithm::Md5.hex(&[b"GET:/"]).as_bytes(),
        ]);
        assert_eq!(response_of(&h), expected);
    }

    #[test]
    fn absolute_form_uri_through_proxy() {
        let c = parse_challenge("Digest realm=\"r\", nonce=\"n\", qop=auth").expect("challenge");
        let h = answer(&c, "u", "p", "GET", "http://example.com/a?b=c", "c", 1).expect("answer");
        assert!(h.contains("uri=\"http://example.com/a?b=c\""), "{h}");
    }

    // ---- cnonce -------------------------------------------------------------------------------

    #[test]
    fn cnonce_is_32_hex_and_fresh() {
        let a = new_cnonce();
        let b = new_cnonce();
        assert_eq!(a.len(), 32);
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_ne!(a, b);
        let c = parse_challenge("Digest realm=\"r\", nonce=\"n\", qop=auth").expect("challenge");
        assert!(answer(&c, "u", "p", "GET", "/", &a, 1).is_some());
    }

    // ---- hostile input ------------------------------------------------------------------------

    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn random_strings_never_panic() {
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for _ in 0..5000 {
            let len = (xorshift(&mut state) % 200) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| xorshift(&mut state) as u8).collect();
            let text = String::from_utf8_lossy(&bytes);
            if let Some(c) = parse_challenge(&text) {
                let _ = answer(&c, "u", "p", "GET", "/", "c", 1);
            }
        }
    }

    #[test]
    fn random_token_soup_never_panics_and_never_injects() {
        const PIECES: [&str; 24] = [
            "Digest",
            "Basic",
            "realm",
            "nonce",
            "qop",
            "algorithm",
            "opaque",
            "userhash",
            "=",
            "\"",
            "\\",
            ",",
            " ",
            "\t",
            "auth",
            "auth-int",
            "MD5",
            "sha-256-sess",
            "true",
            "\r\n",
            "\0",
            "é",
            "==",
            "x",
        ];
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(xorshift(&mut state) % 30) {
                text.push_str(PIECES[(xorshift(&mut state) % PIECES.len() as u64) as usize]);
            }
            if let Some(c) = parse_challenge(&text) {
                if let Some(h) = answer(&c, "u", "p", "GET", "/", "c", 1) {
                    assert!(!h.chars().any(char::is_control), "{text:?} -> {h:?}");
                }
            }
        }
    }

    #[test]
    fn huge_header_is_linear() {
        let mut header = String::from("Digest realm=\"r\", nonce=\"n\", qop=auth");
        for i in 0..50_000 {
            header.push_str(&format!(", x{i}=\"{}\"", "y".repeat(10)));
        }
        header.push_str(", Negotiate ");
        header.push_str(&"=".repeat(100_000));
        let start = std::time::Instant::now();
        assert!(parse_challenge(&header).is_some());
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }
}
