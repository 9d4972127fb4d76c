//! The signing schemes at work: what each hop on the credentials' origin carries. OAuth 2.0
//! sends its token as Bearer; OAuth 1.0a and AWS SigV4 sign each hop afresh (a new nonce and
//! timestamp, the hop's own method, URL and body). Hops to another origin carry none of it
//! (the redirect rules drop `Authorization`; [`Signer::strip`] drops the rest).

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, bail, Context, Result};

use super::oauth2::{self, Token};
use super::scheme::{SchemeParams, TokenAuth};
use super::{oauth1, sigv4, Auth, AuthType, Source};
use crate::session::file::{StoredAuth, StoredScheme};
use crate::spec::{Part, RequestSpec};

/// The run's signer, built once from the credentials, the flags and the session.
pub enum Signer {
    OAuth2(OAuth2State),
    OAuth1(oauth1::Credentials),
    SigV4 {
        creds: sigv4::Credentials,
        scope: sigv4::Scope,
        /// As given (`--aws-sigv4`, or the session's), for the session and `--curl`.
        scope_text: String,
    },
}

/// OAuth 2.0's client and its current token.
pub struct OAuth2State {
    pub client: oauth2::Client,
    token: Mutex<Option<Token>>,
    /// The token came from the session (a 401 then earns one refresh).
    pub from_session: bool,
}

/// Seconds since the Unix epoch.
pub fn unix_now(now: SystemTime) -> u64 {
    now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl Signer {
    /// The signer for `auth`, when its scheme signs; `stored` is the session's auth (used only
    /// when it is of the same scheme).
    pub fn new(
        auth: Option<&Auth>,
        params: &SchemeParams,
        stored: Option<&StoredAuth>,
        now: SystemTime,
    ) -> Result<Option<Signer>> {
        let Some(auth) = auth.filter(|a| a.kind.is_signing()) else {
            return Ok(None);
        };
        let stored = stored.filter(|s| s.kind == auth.kind);
        // An OAuth 2.0 token only serves the client it was issued to (`raw_auth` is its id).
        let stored_client = stored.map(|s| s.raw.as_str());
        let empty = StoredScheme::default();
        let stored = stored.map_or(&empty, |s| &s.scheme);
        Ok(Some(match auth.kind {
            AuthType::OAuth2 => {
                Signer::OAuth2(oauth2_state(auth, params, stored, stored_client, now)?)
            }
            AuthType::OAuth1 => Signer::OAuth1(oauth1::Credentials {
                consumer_key: auth.user.clone(),
                consumer_secret: auth.secret.clone(),
                token: match &params.oauth1_token {
                    Some(token) => Some(token.clone()),
                    None => stored
                        .oauth1_token
                        .as_deref()
                        .and_then(|t| t.split_once(':'))
                        .map(|(t, s)| (t.to_string(), s.to_string())),
                },
            }),
            _ => {
                let scope_text = params
                    .aws_scope
                    .clone()
                    .or_else(|| stored.aws_sigv4.clone())
                    .unwrap_or_else(|| "aws:amz".into());
                let scope = sigv4::Scope::parse(&scope_text).map_err(anyhow::Error::msg)?;
                // A session token belongs to the temporary keys it came with (the variables).
                let session_token = match auth.source {
                    Source::Environment => params.aws_env.session_token.clone(),
                    _ => None,
                };
                Signer::SigV4 {
                    creds: sigv4::Credentials {
                        access_key: auth.user.clone(),
                        secret_key: auth.secret.clone(),
                        session_token,
                    },
                    scope,
                    scope_text,
                }
            }
        }))
    }

    /// Puts this scheme's credentials on a hop to the credentials' origin.
    pub fn sign(&self, spec: &mut RequestSpec, now: SystemTime) -> Result<()> {
        match self {
            Signer::OAuth2(state) => {
                let token = state.token().ok_or_else(|| anyhow!("no OAuth 2.0 token"))?;
                spec.set_header("Authorization", &format!("Bearer {}", token.access_token));
            }
            Signer::OAuth1(creds) => {
                let form = form_body(spec);
                // RFC 5849 §3.4.1.2: the authority is the one sent in `Host` (a typed `Host:`
                // header wins over the URL's), which is what the server rebuilds.
                let host_url = spec.header("Host").and_then(|host| {
                    url::Url::parse(&format!("{}://{}/", spec.url.scheme(), host.trim())).ok()
                });
                let value = oauth1::authorization(
                    creds,
                    &oauth1::Request {
                        method: &spec.method,
                        url: host_url.as_ref().unwrap_or(&spec.url),
                        target: &spec.target,
                        form: form.as_deref(),
                    },
                    &oauth1::new_nonce(),
                    unix_now(now),
                );
                spec.set_header("Authorization", &value);
            }
            Signer::SigV4 { creds, scope, .. } => {
                let payload = payload(spec)?;
                let headers = sigv4::sign(
                    creds,
                    scope,
                    &spec.method,
                    &spec.url,
                    &spec.target,
                    &spec.headers,
                    &payload,
                    now,
                )
                .map_err(|why| anyhow!("cannot sign the request (aws-sigv4): {why}"))?;
                for h in headers {
                    spec.set_header(&h.name, &h.value);
                }
            }
        }
        Ok(())
    }

    /// Takes this scheme's headers off a hop to another origin.
    pub fn strip(&self, spec: &mut RequestSpec) {
        let mut names = vec!["Authorization".to_string()];
        if let Signer::SigV4 { scope, .. } = self {
            let p = capitalised(&scope.provider2);
            names
                .extend(["Date", "Content-Sha256", "Security-Token"].map(|n| format!("X-{p}-{n}")));
        }
        spec.headers
            .retain(|h| !names.iter().any(|n| h.name.eq_ignore_ascii_case(n)));
    }

    /// Headers whose values are secrets, hidden wherever a request is printed.
    pub fn masked_headers(&self) -> Vec<String> {
        match self {
            Signer::OAuth2(_) => vec!["Authorization".into()],
            Signer::OAuth1(_) => Vec::new(),
            Signer::SigV4 { scope, .. } => {
                vec![format!(
                    "X-{}-Security-Token",
                    capitalised(&scope.provider2)
                )]
            }
        }
    }

    /// What the session keeps for this scheme: never a secret it can do without.
    pub fn stored(&self) -> StoredScheme {
        match self {
            Signer::OAuth2(state) => {
                let client = &state.client;
                let token = state.token();
                StoredScheme {
                    token_url: Some(client.token_url.to_string()),
                    scope: (!client.scopes.is_empty()).then(|| client.scopes.join(" ")),
                    token_auth: Some(client.token_auth.name().into()),
                    access_token: token.as_ref().map(|t| t.access_token.clone()),
                    expires_at: token.and_then(|t| t.expires_at),
                    ..StoredScheme::default()
                }
            }
            Signer::OAuth1(creds) => StoredScheme {
                oauth1_token: creds.token.as_ref().map(|(t, s)| format!("{t}:{s}")),
                ..StoredScheme::default()
            },
            Signer::SigV4 { scope_text, .. } => StoredScheme {
                aws_sigv4: Some(scope_text.clone()),
                ..StoredScheme::default()
            },
        }
    }

    pub fn oauth2(&self) -> Option<&OAuth2State> {
        match self {
            Signer::OAuth2(state) => Some(state),
            _ => None,
        }
    }
}

impl OAuth2State {
    pub fn token(&self) -> Option<Token> {
        self.token.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Whether a token must be fetched before sending at `now`.
    pub fn needs_token(&self, now: u64) -> bool {
        self.token().is_none_or(|t| !t.usable(now))
    }

    pub fn set_token(&self, token: Token) {
        *self.token.lock().unwrap_or_else(|e| e.into_inner()) = Some(token);
    }
}

/// The OAuth 2.0 client from `-a`, the flags and the session; the session's token is kept when
/// it was issued to this very client, endpoint and scopes and is still usable.
fn oauth2_state(
    auth: &Auth,
    params: &SchemeParams,
    stored: &StoredScheme,
    stored_client: Option<&str>,
    now: SystemTime,
) -> Result<OAuth2State> {
    let stored_url = stored
        .token_url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok());
    let token_url = params
        .token_url
        .clone()
        .or_else(|| stored_url.clone())
        .context("--auth-type=oauth2 needs the token endpoint: --token-url URL")?;
    let stored_scopes: Vec<String> = stored
        .scope
        .as_deref()
        .unwrap_or("")
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let same_endpoint = stored_url.as_ref() == Some(&token_url);
    let scopes = match params.scopes.is_empty() && same_endpoint {
        true => stored_scopes.clone(),
        false => params.scopes.clone(),
    };
    let token_auth = params
        .token_auth
        .or_else(|| stored.token_auth.as_deref().and_then(TokenAuth::from_name))
        .unwrap_or_default();
    let client = oauth2::Client {
        id: auth.user.clone(),
        secret: auth.secret.clone(),
        token_url,
        scopes,
        token_auth,
    };
    // The session's token, if it is this client's (sessions keep one client's token).
    let stored_token = stored
        .access_token
        .as_ref()
        .filter(|_| {
            same_endpoint && stored_scopes == client.scopes && stored_client == Some(&client.id)
        })
        .map(|t| Token {
            access_token: t.clone(),
            expires_at: stored.expires_at,
        })
        .filter(|t| t.usable(unix_now(now)));
    if stored_token.is_none() && !client.can_fetch() {
        bail!(
            "the session's OAuth 2.0 token for client '{}' has expired (or was never fetched); \
             give -a CLIENT_ID:CLIENT_SECRET to fetch a new one",
            crate::pretty::sanitize::inert(&client.id)
        );
    }
    Ok(OAuth2State {
        client,
        from_session: stored_token.is_some(),
        token: Mutex::new(stored_token),
    })
}

/// `amz` → `Amz`, as curl writes the provider's header names.
fn capitalised(provider: &str) -> String {
    let mut chars = provider.chars();
    match chars.next() {
        Some(first) => {
            first.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase()
        }
        None => String::new(),
    }
}

/// A urlencoded form body held in memory: its parameters are signed (RFC 5849 §3.4.1.3.1).
fn form_body(spec: &RequestSpec) -> Option<Vec<u8>> {
    let form = spec.header("Content-Type").is_some_and(|ct| {
        ct.split(';').next().is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
    });
    if !form || spec.header("Content-Encoding").is_some() {
        return None;
    }
    spec.body.as_bytes()
}

/// The payload hash: the body as it will be sent (files read through once, never held), or
/// `UNSIGNED-PAYLOAD` when it cannot be read twice (stdin still streaming, a pipe or device).
fn payload(spec: &RequestSpec) -> Result<sigv4::Payload> {
    let streamed = spec.body.parts.iter().any(|p| match p {
        Part::Stdin { at_eof, .. } => !at_eof,
        Part::File { len, .. } => len.is_none(),
        Part::Bytes(_) => false,
    });
    if streamed {
        return Ok(sigv4::Payload::Unsigned);
    }
    if spec.body.is_empty() {
        return Ok(sigv4::Payload::Sha256(sigv4::EMPTY_SHA256.into()));
    }
    let mut reader = crate::transport::upload::body_reader(&spec.body, None)?;
    sigv4::payload_hash(&mut reader).context("cannot read the request body to sign it")
}

#[cfg(test)]
mod tests;
