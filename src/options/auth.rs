//! The flags of the signing schemes: which scheme a run uses (`--token-url`, `--oauth1-token`
//! and `--aws-sigv4` each imply theirs), and their values checked.

use anyhow::{bail, Result};

use crate::auth::scheme::{AwsEnv, SchemeParams, TokenAuth};
use crate::auth::AuthType;

/// The flags as typed.
#[derive(Debug, Default)]
pub struct SchemeFlags<'a> {
    pub token_url: Option<&'a str>,
    pub scopes: &'a [String],
    pub token_auth: Option<TokenAuth>,
    pub oauth1_token: Option<&'a str>,
    pub aws_sigv4: Option<&'a str>,
}

/// The auth type of the run: `-A`, else the one a scheme's own flag implies. A flag of another
/// scheme than `-A`'s is an error, as are flags of two schemes.
pub fn auth_type(asked: Option<AuthType>, flags: &SchemeFlags) -> Result<Option<AuthType>> {
    let oauth2 = [
        (flags.token_url.is_some(), "--token-url"),
        (!flags.scopes.is_empty(), "--scope"),
        (flags.token_auth.is_some(), "--token-auth"),
    ];
    let given = [
        (
            AuthType::OAuth2,
            oauth2.iter().find(|(on, _)| *on).map(|f| f.1),
        ),
        (
            AuthType::OAuth1,
            flags.oauth1_token.map(|_| "--oauth1-token"),
        ),
        (AuthType::AwsSigV4, flags.aws_sigv4.map(|_| "--aws-sigv4")),
    ];
    let mut implied = None;
    for (kind, flag) in given {
        let Some(flag) = flag else { continue };
        match (asked, implied) {
            (Some(asked), _) if asked != kind => bail!(
                "{flag} only works with --auth-type={}, not --auth-type={}",
                kind.name(),
                asked.name()
            ),
            (None, Some((other, other_flag))) if other != kind => {
                bail!("{other_flag} and {flag} belong to different auth types; use one")
            }
            _ => implied = Some((kind, flag)),
        }
    }
    Ok(asked.or(implied.map(|(kind, _)| kind)))
}

/// The schemes' values, checked. `default_scheme` completes a token URL typed without one.
pub fn params(flags: &SchemeFlags, aws_env: AwsEnv, default_scheme: &str) -> Result<SchemeParams> {
    Ok(SchemeParams {
        token_url: flags
            .token_url
            .map(|raw| token_url(raw, default_scheme))
            .transpose()?,
        scopes: scopes(flags.scopes)?,
        token_auth: flags.token_auth,
        oauth1_token: flags.oauth1_token.map(oauth1_token).transpose()?,
        aws_scope: flags.aws_sigv4.map(aws_scope).transpose()?,
        aws_env,
    })
}

/// `--token-url`: an absolute http(s) URL without credentials in it (the client's are `-a`).
pub fn token_url(raw: &str, default_scheme: &str) -> Result<url::Url> {
    if raw.chars().any(char::is_control) {
        bail!("--token-url contains a control character");
    }
    let text = match raw.contains("://") {
        true => raw.to_string(),
        false => format!("{default_scheme}://{raw}"),
    };
    let url = url::Url::parse(&text).map_err(|e| {
        anyhow::anyhow!(
            "--token-url '{}' is not a URL: {e}",
            crate::url_input::redact(raw)
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        bail!("--token-url must be an http:// or https:// URL with a host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        bail!("--token-url must not carry credentials; give the client's with -a CLIENT_ID:CLIENT_SECRET");
    }
    Ok(url)
}

/// `--scope`s: each value may hold several, separated by spaces; each must be a scope-token
/// (RFC 6749 §3.3: printable ASCII but space, `"` and `\`).
pub fn scopes(raw: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for scope in raw
        .iter()
        .flat_map(|s| s.split(' '))
        .filter(|s| !s.is_empty())
    {
        if let Some(c) = scope
            .chars()
            .find(|c| !matches!(c, '\x21' | '\x23'..='\x5b' | '\x5d'..='\x7e'))
        {
            bail!("--scope {scope:?}: {c:?} is not allowed in a scope (RFC 6749 §3.3)");
        }
        if !out.iter().any(|s| s == scope) {
            out.push(scope.to_string());
        }
    }
    Ok(out)
}

/// `--oauth1-token TOKEN:SECRET`.
pub fn oauth1_token(raw: &str) -> Result<(String, String)> {
    if raw.chars().any(char::is_control) {
        bail!("--oauth1-token contains a control character");
    }
    match raw.split_once(':') {
        Some((token, secret)) if !token.is_empty() => Ok((token.to_string(), secret.to_string())),
        _ => bail!("--oauth1-token takes TOKEN:TOKEN_SECRET"),
    }
}

/// `--aws-sigv4 PROVIDER1[:PROVIDER2[:REGION[:SERVICE]]]`.
pub fn aws_scope(raw: &str) -> Result<String> {
    if let Err(why) = crate::auth::sigv4::Scope::parse(raw) {
        bail!(
            "--aws-sigv4 {:?}: {why} (it takes PROVIDER1[:PROVIDER2[:REGION[:SERVICE]]], e.g. \
             aws:amz:us-east-1:execute-api)",
            crate::pretty::sanitize::inert(raw)
        );
    }
    Ok(raw.to_string())
}
