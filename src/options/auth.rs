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
    // The parser's reasons name the option and say what it takes.
    crate::auth::sigv4::Scope::parse(raw).map_err(anyhow::Error::msg)?;
    Ok(raw.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags<'a>(scopes: &'a [String]) -> SchemeFlags<'a> {
        SchemeFlags {
            scopes,
            ..SchemeFlags::default()
        }
    }

    #[test]
    fn a_schemes_flag_implies_it() {
        let none: &[String] = &[];
        let token = SchemeFlags {
            token_url: Some("http://a/t"),
            ..flags(none)
        };
        assert_eq!(auth_type(None, &token).unwrap(), Some(AuthType::OAuth2));
        let scoped = [String::from("read")];
        assert_eq!(
            auth_type(None, &flags(&scoped)).unwrap(),
            Some(AuthType::OAuth2)
        );
        let oauth1 = SchemeFlags {
            oauth1_token: Some("t:s"),
            ..flags(none)
        };
        assert_eq!(auth_type(None, &oauth1).unwrap(), Some(AuthType::OAuth1));
        let aws = SchemeFlags {
            aws_sigv4: Some("aws:amz"),
            ..flags(none)
        };
        assert_eq!(auth_type(None, &aws).unwrap(), Some(AuthType::AwsSigV4));
        assert_eq!(
            auth_type(Some(AuthType::AwsSigV4), &aws).unwrap(),
            Some(AuthType::AwsSigV4)
        );
        assert_eq!(
            auth_type(Some(AuthType::Digest), &flags(none)).unwrap(),
            Some(AuthType::Digest)
        );
        assert_eq!(auth_type(None, &flags(none)).unwrap(), None);
    }

    #[test]
    fn flags_of_another_scheme_are_refused() {
        let none: &[String] = &[];
        let token = SchemeFlags {
            token_url: Some("http://a/t"),
            ..flags(none)
        };
        let err = auth_type(Some(AuthType::Basic), &token)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "--token-url only works with --auth-type=oauth2, not --auth-type=basic"
        );
        let both = SchemeFlags {
            oauth1_token: Some("t:s"),
            aws_sigv4: Some("aws"),
            ..flags(none)
        };
        let err = auth_type(None, &both).unwrap_err().to_string();
        assert!(err.contains("--oauth1-token and --aws-sigv4"), "{err}");
        let body = SchemeFlags {
            token_auth: Some(TokenAuth::Body),
            ..flags(none)
        };
        assert!(auth_type(Some(AuthType::OAuth1), &body).is_err());
    }

    #[test]
    fn token_urls() {
        assert_eq!(
            token_url("auth.test/token", "https").unwrap().as_str(),
            "https://auth.test/token"
        );
        assert!(token_url("http://127.0.0.1:9/t?x=1", "http").is_ok());
        for bad in [
            "ftp://a/t",
            "http://",
            "http://u:p@a/t",
            "http://a/\r\n",
            "http://[::1",
        ] {
            let err = token_url(bad, "http").unwrap_err().to_string();
            assert!(!err.contains("u:p"), "{err}");
        }
    }

    #[test]
    fn scopes_split_checked_and_deduplicated() {
        let raw = ["read write".to_string(), " read  admin:all ".to_string()];
        assert_eq!(scopes(&raw).unwrap(), ["read", "write", "admin:all"]);
        assert!(scopes(&["a\"b".to_string()]).is_err());
        assert!(scopes(&["caf\u{e9}".to_string()]).is_err());
        assert!(scopes(&[]).unwrap().is_empty());
    }

    #[test]
    fn oauth1_tokens_and_aws_scopes() {
        assert_eq!(
            oauth1_token("tok:sec:ret").unwrap(),
            ("tok".to_string(), "sec:ret".to_string())
        );
        for bad in ["tok", ":sec", "t:\ns"] {
            assert!(oauth1_token(bad).is_err(), "{bad}");
        }
        assert!(aws_scope("aws:amz:us-east-1:execute-api").is_ok());
        assert!(aws_scope("").is_err());
        assert!(aws_scope("a:b:c:d:e").is_err());
    }
}
