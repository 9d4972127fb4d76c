//! Credentials: where they come from (`-a`, the URL, .netrc, a prompt) and how they answer a
//! server (Basic, Bearer, Digest; OAuth 2.0 tokens, OAuth 1.0a and AWS SigV4 signatures).
//!
//! Resolution is a pure function over what the caller read (the netrc file) and a prompt
//! callback; nothing here touches the terminal or the file system itself.

pub mod digest;
pub mod netrc;
pub mod oauth1;
pub mod oauth2;
pub mod scheme;
pub mod signer;
pub mod sigv4;

use anyhow::{bail, Result};
use base64::Engine;

use netrc::Netrc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthType {
    Basic,
    Digest,
    Bearer,
    /// OAuth 2.0 client credentials (RFC 6749 §4.4): a token fetched, then sent as Bearer.
    OAuth2,
    /// OAuth 1.0a HMAC-SHA1 (RFC 5849): each hop signed.
    OAuth1,
    /// AWS Signature Version 4: each hop signed.
    AwsSigV4,
}

impl AuthType {
    const ALL: [AuthType; 6] = [
        AuthType::Basic,
        AuthType::Digest,
        AuthType::Bearer,
        AuthType::OAuth2,
        AuthType::OAuth1,
        AuthType::AwsSigV4,
    ];

    /// The name in `--auth-type` and in session files (`"type": "basic"`).
    pub fn name(self) -> &'static str {
        match self {
            AuthType::Basic => "basic",
            AuthType::Digest => "digest",
            AuthType::Bearer => "bearer",
            AuthType::OAuth2 => "oauth2",
            AuthType::OAuth1 => "oauth1",
            AuthType::AwsSigV4 => "aws-sigv4",
        }
    }

    /// The type a session file names, in any case.
    pub fn from_name(name: &str) -> Option<AuthType> {
        AuthType::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }

    /// Schemes that sign or authorize each hop themselves ([`signer::Signer`]): their
    /// credentials are a key and a secret, never looked up in .netrc.
    pub fn is_signing(self) -> bool {
        matches!(
            self,
            AuthType::OAuth2 | AuthType::OAuth1 | AuthType::AwsSigV4
        )
    }
}

/// Where credentials came from: .netrc ones are never written into a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    CommandLine,
    Url,
    Netrc,
    Prompt,
    /// Stored in the `--session` file.
    Session,
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`: never written into a session.
    Environment,
}

/// Credentials for one run. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Auth {
    pub kind: AuthType,
    /// The user name (empty for bearer).
    pub user: String,
    /// The password, or the bearer token.
    pub secret: String,
    pub source: Source,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("kind", &self.kind)
            .field("user", &self.user)
            .field("secret", &"<redacted>")
            .field("source", &self.source)
            .finish()
    }
}

impl Auth {
    /// The `Authorization` value sent up front (Digest waits for the server's challenge; the
    /// signing schemes set theirs per hop).
    pub fn header(&self) -> Option<String> {
        match self.kind {
            AuthType::Bearer => Some(format!("Bearer {}", self.secret)),
            AuthType::Basic => Some(basic(&self.user, &self.secret)),
            AuthType::Digest | AuthType::OAuth2 | AuthType::OAuth1 | AuthType::AwsSigV4 => None,
        }
    }
}

/// Unpredictable bytes from the OS generator, for nonces (Digest's cnonce, OAuth 1.0a's
/// nonce). If it fails (no known way on supported platforms), the time, process id, a counter
/// and an address are hashed instead: weaker, but still unique, so a request still goes out
/// rather than the program aborting.
pub(crate) fn random_bytes(out: &mut [u8]) {
    if getrandom::fill(out).is_ok() {
        return;
    }
    use sha2::{Digest, Sha256};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let here = out.as_ptr() as usize;
    for (round, chunk) in out.chunks_mut(32).enumerate() {
        let digest = Sha256::new()
            .chain_update(nanos.to_le_bytes())
            .chain_update(std::process::id().to_le_bytes())
            .chain_update(count.to_le_bytes())
            .chain_update(here.to_le_bytes())
            .chain_update(round.to_le_bytes())
            .finalize();
        chunk.copy_from_slice(&digest[..chunk.len()]);
    }
}

pub fn basic(user: &str, password: &str) -> String {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {token}")
}

/// What the command line and the URL say about credentials.
pub struct AuthRequest<'a> {
    /// `-a` as typed.
    pub auth: Option<&'a str>,
    /// `-A`.
    pub kind: Option<AuthType>,
    /// `user:pass@` from the URL (decoded), or `user@` with an empty password.
    pub url_credentials: Option<(String, String)>,
    /// The host the request goes to (for .netrc and the prompt).
    pub host: &'a str,
    /// The parsed .netrc, unless `--ignore-netrc` or there is none.
    pub netrc: Option<&'a Netrc>,
    /// Credentials stored in the `--session` file: (type, raw `-a` value).
    pub session: Option<(AuthType, &'a str)>,
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, for aws-sigv4 without `-a`.
    pub env_keys: Option<(&'a str, &'a str)>,
}

fn check_secret(text: &str, what: &str) -> Result<()> {
    if text.chars().any(|c| c.is_control()) {
        bail!("{what} contains a control character; refusing to send it");
    }
    Ok(())
}

/// Decides the credentials. `prompt(user, host)` asks for a password when `-a` names a user
/// without one.
pub fn resolve(
    req: &AuthRequest,
    prompt: &mut dyn FnMut(&str, &str) -> Result<String>,
) -> Result<Option<Auth>> {
    // A session that signs (oauth2, oauth1, aws-sigv4) keeps its scheme unless -A says
    // otherwise: `-a` alone then gives it a fresh secret.
    let signing_session = req.session.map(|(k, _)| k).filter(|k| k.is_signing());
    let kind = req.kind.or(signing_session).unwrap_or(AuthType::Basic);
    if kind.is_signing() {
        return signing_credentials(req, kind, prompt).map(Some);
    }
    if let Some(raw) = req.auth {
        check_secret(raw, "--auth")?;
        if kind == AuthType::Bearer {
            return Ok(Some(Auth {
                kind,
                user: String::new(),
                secret: raw.to_string(),
                source: Source::CommandLine,
            }));
        }
        return Ok(Some(match raw.split_once(':') {
            Some((user, pass)) => Auth {
                kind,
                user: user.to_string(),
                secret: pass.to_string(),
                source: Source::CommandLine,
            },
            None => {
                let secret = prompt(raw, req.host)?;
                check_secret(&secret, "the password")?;
                Auth {
                    kind,
                    user: raw.to_string(),
                    secret,
                    source: Source::Prompt,
                }
            }
        }));
    }
    if req.url_credentials.is_none() {
        if let Some((stored_kind, raw)) = req.session.filter(|(k, _)| !k.is_signing()) {
            return Ok(Some(from_session(stored_kind, raw, req.kind)?));
        }
    }
    if kind == AuthType::Bearer {
        bail!("--auth-type=bearer needs the token: -A bearer -a TOKEN");
    }
    let wanted_login = req.url_credentials.as_ref().map(|(u, _)| u.as_str());
    // A URL with a user but no password may take the password from a netrc entry for that
    // very user (never another user's: CVE-2026-8926).
    let from_netrc = match &req.url_credentials {
        Some((_, pass)) if !pass.is_empty() => None,
        _ => req.netrc.and_then(|n| n.lookup(req.host, wanted_login)),
    };
    if let Some(creds) = from_netrc {
        return Ok(Some(Auth {
            kind,
            user: creds.login,
            secret: creds.password,
            source: Source::Netrc,
        }));
    }
    if let Some((user, pass)) = &req.url_credentials {
        check_secret(user, "the URL's user name")?;
        check_secret(pass, "the URL's password")?;
        return Ok(Some(Auth {
            kind,
            user: user.clone(),
            secret: pass.clone(),
            source: Source::Url,
        }));
    }
    if req.kind.is_some() {
        bail!(
            "--auth-type={} needs credentials: -a USER[:PASS], or a .netrc entry for {}",
            kind.name(),
            req.host
        );
    }
    Ok(None)
}

/// The key and secret of a signing scheme: `-a KEY:SECRET` (`-a KEY` prompts for the secret),
/// the session's, or (aws-sigv4) the AWS variables. Never .netrc: its entries are passwords.
fn signing_credentials(
    req: &AuthRequest,
    kind: AuthType,
    prompt: &mut dyn FnMut(&str, &str) -> Result<String>,
) -> Result<Auth> {
    let auth = |user: &str, secret: String, source| Auth {
        kind,
        user: user.to_string(),
        secret,
        source,
    };
    if let Some(raw) = req.auth {
        check_secret(raw, "--auth")?;
        return Ok(match raw.split_once(':') {
            Some((key, secret)) => auth(key, secret.to_string(), Source::CommandLine),
            None => {
                let secret = prompt(raw, req.host)?;
                check_secret(&secret, "the secret")?;
                auth(raw, secret, Source::Prompt)
            }
        });
    }
    match req.session {
        Some((stored, raw)) if stored == kind => {
            check_secret(raw, "the session's credentials")?;
            // An OAuth 2.0 session keeps the client id and its token, never the secret.
            let (key, secret) = raw.split_once(':').unwrap_or((raw, ""));
            return Ok(auth(key, secret.to_string(), Source::Session));
        }
        _ => {}
    }
    if let (AuthType::AwsSigV4, Some((key, secret))) = (kind, req.env_keys) {
        check_secret(key, "AWS_ACCESS_KEY_ID")?;
        check_secret(secret, "AWS_SECRET_ACCESS_KEY")?;
        return Ok(auth(key, secret.to_string(), Source::Environment));
    }
    bail!(match kind {
        AuthType::OAuth2 => "--auth-type=oauth2 needs the client credentials: -a CLIENT_ID:CLIENT_SECRET",
        AuthType::OAuth1 => "--auth-type=oauth1 needs the consumer key: -a CONSUMER_KEY:CONSUMER_SECRET",
        _ => "--auth-type=aws-sigv4 needs the keys: -a ACCESS_KEY:SECRET_KEY, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
    })
}

/// Credentials stored in a session. `-A` on the command line may change how they are used.
fn from_session(stored_kind: AuthType, raw: &str, asked: Option<AuthType>) -> Result<Auth> {
    check_secret(raw, "the session's credentials")?;
    let kind = asked.unwrap_or(stored_kind);
    let (user, secret) = match (kind, raw.split_once(':')) {
        (AuthType::Bearer, _) | (_, None) => (String::new(), raw.to_string()),
        (_, Some((u, p))) => (u.to_string(), p.to_string()),
    };
    Ok(Auth {
        kind,
        user,
        secret,
        source: Source::Session,
    })
}

/// .netrc credentials for a redirect target (each host gets its own entry, or none).
pub fn netrc_for(netrc: Option<&Netrc>, kind: AuthType, host: &str) -> Option<Auth> {
    if kind == AuthType::Bearer {
        return None;
    }
    netrc.and_then(|n| n.lookup(host, None)).map(|c| Auth {
        kind,
        user: c.login,
        secret: c.password,
        source: Source::Netrc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_prompt(_: &str, _: &str) -> Result<String> {
        bail!("no terminal")
    }

    fn req<'a>(
        auth: Option<&'a str>,
        kind: Option<AuthType>,
        netrc: Option<&'a Netrc>,
    ) -> AuthRequest<'a> {
        AuthRequest {
            auth,
            kind,
            url_credentials: None,
            host: "api.test",
            netrc,
            session: None,
            env_keys: None,
        }
    }

    #[test]
    fn command_line_forms() {
        let a = resolve(&req(Some("u:p:q"), None, None), &mut no_prompt)
            .unwrap()
            .unwrap();
        assert_eq!((a.user.as_str(), a.secret.as_str()), ("u", "p:q"));
        assert_eq!(a.header().unwrap(), basic("u", "p:q"));
        let empty = resolve(&req(Some("u:"), None, None), &mut no_prompt)
            .unwrap()
            .unwrap();
        assert_eq!(empty.header().unwrap(), "Basic dTo=");
        let bearer = resolve(
            &req(Some("tok:en"), Some(AuthType::Bearer), None),
            &mut no_prompt,
        )
        .unwrap()
        .unwrap();
        assert_eq!(bearer.header().unwrap(), "Bearer tok:en");
        let digest = resolve(
            &req(Some("u:p"), Some(AuthType::Digest), None),
            &mut no_prompt,
        )
        .unwrap()
        .unwrap();
        assert_eq!(digest.header(), None);
        assert!(resolve(&req(Some("u:p\r\nX: y"), None, None), &mut no_prompt).is_err());
    }

    #[test]
    fn prompt_only_for_a_bare_user() {
        let mut asked = Vec::new();
        let mut prompt = |u: &str, h: &str| {
            asked.push(format!("{u}@{h}"));
            Ok("s3cret".to_string())
        };
        let a = resolve(&req(Some("alice"), None, None), &mut prompt)
            .unwrap()
            .unwrap();
        assert_eq!(a.secret, "s3cret");
        assert_eq!(a.source, Source::Prompt);
        assert_eq!(asked, ["alice@api.test"]);
        assert!(resolve(&req(Some("alice"), None, None), &mut no_prompt).is_err());
    }

    #[test]
    fn netrc_and_url_credentials() {
        let (netrc, _) = netrc::parse(b"machine api.test login alice password pw\n");
        let a = resolve(&req(None, None, Some(&netrc)), &mut no_prompt)
            .unwrap()
            .unwrap();
        assert_eq!((a.user.as_str(), a.source), ("alice", Source::Netrc));
        // -a wins over netrc.
        let cli = resolve(&req(Some("bob:x"), None, Some(&netrc)), &mut no_prompt)
            .unwrap()
            .unwrap();
        assert_eq!(cli.user, "bob");
        // A URL naming another user never gets alice's password.
        let mut r = req(None, None, Some(&netrc));
        r.url_credentials = Some(("carol".into(), String::new()));
        let c = resolve(&r, &mut no_prompt).unwrap().unwrap();
        assert_eq!((c.user.as_str(), c.secret.as_str()), ("carol", ""));
        // URL credentials with a password win over netrc.
        r.url_credentials = Some(("dave".into(), "pw2".into()));
        assert_eq!(
            resolve(&r, &mut no_prompt).unwrap().unwrap().source,
            Source::Url
        );
        // Bearer never uses netrc, and -A without any credentials is an error.
        assert!(netrc_for(Some(&netrc), AuthType::Bearer, "api.test").is_none());
        assert!(resolve(&req(None, Some(AuthType::Digest), None), &mut no_prompt).is_err());
        assert!(resolve(&req(None, None, None), &mut no_prompt)
            .unwrap()
            .is_none());
    }

    #[test]
    fn session_credentials_are_used_unless_given_anew() {
        let (netrc, _) = netrc::parse(b"machine api.test login alice password pw\n");
        let mut r = req(None, None, Some(&netrc));
        r.session = Some((AuthType::Basic, "sam:pw3"));
        let a = resolve(&r, &mut no_prompt).unwrap().unwrap();
        assert_eq!((a.user.as_str(), a.source), ("sam", Source::Session));
        r.auth = Some("cli:x");
        assert_eq!(resolve(&r, &mut no_prompt).unwrap().unwrap().user, "cli");
        let mut b = req(None, None, None);
        b.session = Some((AuthType::Bearer, "tok"));
        assert_eq!(
            resolve(&b, &mut no_prompt)
                .unwrap()
                .unwrap()
                .header()
                .unwrap(),
            "Bearer tok"
        );
    }

    #[test]
    fn signing_schemes_take_a_key_and_a_secret_never_from_netrc() {
        let (netrc, _) = netrc::parse(b"machine api.test login alice password pw\n");
        let a = resolve(
            &req(Some("key:se:cret"), Some(AuthType::OAuth1), Some(&netrc)),
            &mut no_prompt,
        )
        .unwrap()
        .unwrap();
        assert_eq!((a.user.as_str(), a.secret.as_str()), ("key", "se:cret"));
        assert_eq!(a.header(), None, "signed per hop, not up front");
        let mut asked = Vec::new();
        let mut prompt = |u: &str, _: &str| {
            asked.push(u.to_string());
            Ok("s".to_string())
        };
        let p = resolve(
            &req(Some("client"), Some(AuthType::OAuth2), None),
            &mut prompt,
        )
        .unwrap()
        .unwrap();
        assert_eq!((p.secret.as_str(), p.source), ("s", Source::Prompt));
        assert_eq!(asked, ["client"]);
        for kind in [AuthType::OAuth2, AuthType::OAuth1, AuthType::AwsSigV4] {
            let err = resolve(&req(None, Some(kind), Some(&netrc)), &mut no_prompt).unwrap_err();
            assert!(err.to_string().contains("-a "), "{err}");
        }
    }

    #[test]
    fn aws_keys_from_the_environment_and_sessions_keep_their_scheme() {
        let mut r = req(None, Some(AuthType::AwsSigV4), None);
        r.env_keys = Some(("AKID", "SECRET"));
        let a = resolve(&r, &mut no_prompt).unwrap().unwrap();
        assert_eq!((a.user.as_str(), a.source), ("AKID", Source::Environment));
        // -a wins over the variables.
        r.auth = Some("AK2:S2");
        assert_eq!(resolve(&r, &mut no_prompt).unwrap().unwrap().user, "AK2");
        // An oauth2 session (client id only) is used without -A; -a gives it a secret.
        let mut s = req(None, None, None);
        s.session = Some((AuthType::OAuth2, "client-id"));
        let a = resolve(&s, &mut no_prompt).unwrap().unwrap();
        assert_eq!(
            (a.kind, a.user.as_str(), a.secret.as_str(), a.source),
            (AuthType::OAuth2, "client-id", "", Source::Session)
        );
        s.auth = Some("client-id:sec");
        let b = resolve(&s, &mut no_prompt).unwrap().unwrap();
        assert_eq!((b.kind, b.secret.as_str()), (AuthType::OAuth2, "sec"));
        // -A basic does not borrow a signing scheme's stored key.
        let mut c = req(None, Some(AuthType::Basic), None);
        c.session = Some((AuthType::OAuth1, "key:secret"));
        assert!(resolve(&c, &mut no_prompt).is_err());
    }

    #[test]
    fn debug_hides_the_secret() {
        let a = resolve(&req(Some("u:hunter2"), None, None), &mut no_prompt)
            .unwrap()
            .unwrap();
        assert!(!format!("{a:?}").contains("hunter2"));
    }
}
