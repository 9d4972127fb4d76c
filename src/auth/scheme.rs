//! What the signing schemes (oauth2, oauth1, aws-sigv4) need besides `-a`: plain data the
//! options layer fills from their flags and the environment.

use std::fmt;

/// How an OAuth 2.0 client authenticates to the token endpoint (RFC 6749 §2.3.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TokenAuth {
    /// HTTP Basic with the client id and secret, the method every server must support.
    #[default]
    Basic,
    /// `client_id` and `client_secret` in the form body.
    Body,
}

impl TokenAuth {
    /// The name in `--token-auth` and in session files.
    pub fn name(self) -> &'static str {
        match self {
            TokenAuth::Basic => "basic",
            TokenAuth::Body => "body",
        }
    }

    pub fn from_name(name: &str) -> Option<TokenAuth> {
        [TokenAuth::Basic, TokenAuth::Body]
            .into_iter()
            .find(|t| t.name() == name)
    }
}

/// The AWS credential variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
/// `AWS_SESSION_TOKEN`), as the AWS SDKs read them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AwsEnv {
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub session_token: Option<String>,
}

impl AwsEnv {
    /// Reads the variables through `lookup` (empty values count as unset).
    pub fn read(lookup: impl Fn(&str) -> Option<String>) -> AwsEnv {
        let var = |name: &str| lookup(name).filter(|v| !v.is_empty());
        AwsEnv {
            access_key: var("AWS_ACCESS_KEY_ID"),
            secret_key: var("AWS_SECRET_ACCESS_KEY"),
            session_token: var("AWS_SESSION_TOKEN"),
        }
    }

    /// The key pair, when both are set.
    pub fn keys(&self) -> Option<(&str, &str)> {
        Some((self.access_key.as_deref()?, self.secret_key.as_deref()?))
    }
}

impl fmt::Debug for AwsEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsEnv")
            .field("access_key", &self.access_key)
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// The flags of the signing schemes, resolved.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SchemeParams {
    /// `--token-url` (oauth2), an absolute http(s) URL.
    pub token_url: Option<url::Url>,
    /// `--scope`s (oauth2), each one scope, in the order given, without repeats.
    pub scopes: Vec<String>,
    /// `--token-auth` (oauth2); `None` when not given (a session's choice, else Basic).
    pub token_auth: Option<TokenAuth>,
    /// `--oauth1-token TOKEN:SECRET`.
    pub oauth1_token: Option<(String, String)>,
    /// `--aws-sigv4` as typed (checked by the options layer).
    pub aws_scope: Option<String>,
    /// The AWS variables (read only for aws-sigv4).
    pub aws_env: AwsEnv,
}

impl fmt::Debug for SchemeParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SchemeParams")
            .field("token_url", &self.token_url.as_ref().map(url::Url::as_str))
            .field("scopes", &self.scopes)
            .field("token_auth", &self.token_auth)
            .field(
                "oauth1_token",
                &self.oauth1_token.as_ref().map(|(t, _)| (t, "<redacted>")),
            )
            .field("aws_scope", &self.aws_scope)
            .field("aws_env", &self.aws_env)
            .finish()
    }
}
