//! `--curl` for the signing schemes: curl's own options where it has them (`--aws-sigv4`,
//! `--oauth2-bearer`), and `#` lines saying what it cannot do (fetch an OAuth 2.0 token, sign
//! OAuth 1.0a).

use super::Command;
use crate::auth::signer::{unix_now, Signer};
use crate::auth::{Auth, Source};

/// The options and notes for the run's signer. The spec given to `render` is unsigned, except
/// for OAuth 1.0a, whose `Authorization` was signed for this one request.
pub(super) fn options(signer: &Signer, auth: &Auth, cmd: &mut Command) {
    match signer {
        Signer::SigV4 {
            scope_text, creds, ..
        } => {
            cmd.opt("--aws-sigv4", scope_text);
            match auth.source {
                Source::Environment => {
                    // Never the variables' values: curl reads none of them.
                    cmd.note(
                        "--aws-sigv4: the keys came from AWS_ACCESS_KEY_ID and \
                         AWS_SECRET_ACCESS_KEY; add -u \"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY\"",
                    );
                    if creds.session_token.is_some() {
                        cmd.note(
                            "--aws-sigv4: add -H \"X-Amz-Security-Token: $AWS_SESSION_TOKEN\"",
                        );
                    }
                }
                Source::Prompt => cmd.opt("-u", &auth.user),
                _ => cmd.opt("-u", &format!("{}:{}", auth.user, auth.secret)),
            }
        }
        Signer::OAuth2(state) => match state.token() {
            Some(token) if token.usable(unix_now(std::time::SystemTime::now())) => {
                cmd.opt("--oauth2-bearer", &token.access_token);
            }
            _ => cmd.note(format!(
                "oauth2: curl cannot fetch the token; get one from {} (grant_type=client_credentials) \
                 and pass it with --oauth2-bearer TOKEN",
                state.client.token_url
            )),
        },
        Signer::OAuth1(_) => cmd.note(
            "oauth1: curl cannot sign OAuth 1.0a requests; the Authorization above is signed for \
             this one request (its nonce and timestamp are single-use)",
        ),
    }
}
