//! `--debug`: what this run is made of, on stderr, before it runs (HTTPie's `--debug` prints
//! its version, config dir and parsed arguments the same way). Every secret is redacted:
//! passwords and tokens (`--auth`, `--cert-key-pass`), the values of secret header items
//! (Authorization, Cookie, Proxy-Authorization), and the credentials of URLs (proxy URLs in
//! options and variables, the request URL). Everything is made inert for the terminal.

use std::ffi::OsString;
use std::path::Path;

use crate::cli::Args;
use crate::options::proxy::redacted;
use crate::pretty::sanitize::inert;
use crate::spec::is_secret_header;

/// What replaces a secret.
const REDACTED: &str = "<redacted>";

/// The variables a run reads besides the proxy ones (options, trust, .netrc, the config dir).
const VARIABLES: &[&str] = &[
    "NO_COLOR",
    "TERM",
    "HOME",
    "XDG_CONFIG_HOME",
    "NETRC",
    "REQUEST_METHOD",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

/// Variables whose whole value is a secret (`--auth-type=aws-sigv4` reads them).
const SECRET_VARIABLES: &[&str] = &["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

/// The report, as lines (without the program prefix).
pub fn report(
    args: &Args,
    config_dir: Option<&Path>,
    config_file: Option<&Path>,
    vars: &[(String, OsString)],
) -> String {
    let mut out = String::new();
    out.push_str(&format!("courier {}\n", env!("CARGO_PKG_VERSION")));
    let shown = |p: Option<&Path>| {
        p.map_or("none".to_string(), |p| {
            inert(&p.display().to_string()).into_owned()
        })
    };
    out.push_str(&format!("config dir: {}\n", shown(config_dir)));
    out.push_str(&format!("config file: {}\n", shown(config_file)));
    out.push_str("options (after the config file and the defaults):\n");
    let options = format!("{:#?}", redact_args(args));
    for line in options.lines() {
        out.push_str(&format!("  {}\n", inert(line)));
    }
    out.push_str("environment:\n");
    if vars.is_empty() {
        out.push_str("  (none set)\n");
    }
    for (name, value) in vars {
        let value = match SECRET_VARIABLES.contains(&name.as_str()) {
            true => REDACTED.to_string(),
            false => redacted(&value.to_string_lossy()),
        };
        out.push_str(&format!("  {}={}\n", inert(name), inert(&value)));
    }
    out
}

/// The variables read that are set, in a fixed order: [`VARIABLES`], the proxy ones, then every
/// `COURIER_*`.
pub fn read_vars() -> Vec<(String, OsString)> {
    let mut vars: Vec<(String, OsString)> = VARIABLES
        .iter()
        .chain(crate::options::proxy::VARIABLES)
        .filter_map(|name| Some((name.to_string(), std::env::var_os(name)?)))
        .collect();
    let mut courier: Vec<(String, OsString)> = std::env::vars_os()
        .filter_map(|(k, v)| {
            let k = k.into_string().ok()?;
            k.starts_with("COURIER_").then_some((k, v))
        })
        .collect();
    courier.sort();
    vars.extend(courier);
    vars
}

/// The arguments with their secrets replaced.
fn redact_args(args: &Args) -> Args {
    let mut args = args.clone();
    if let Some(auth) = &args.auth {
        // `USER:PASS` keeps the user; a token (or a user alone) is hidden whole.
        args.auth = Some(match auth.split_once(':') {
            Some((user, _)) => format!("{user}:{REDACTED}"),
            None => REDACTED.to_string(),
        });
    }
    if let Some(token) = &args.oauth1_token {
        // `TOKEN:SECRET` keeps the token; its secret is hidden.
        args.oauth1_token = Some(match token.split_once(':') {
            Some((token, _)) => format!("{token}:{REDACTED}"),
            None => REDACTED.to_string(),
        });
    }
    if args.cert_key_pass.is_some() {
        args.cert_key_pass = Some(REDACTED.to_string());
    }
    args.proxy = args.proxy.iter().map(|p| redacted(p)).collect();
    args.positionals = args.positionals.iter().map(|p| redact_item(p)).collect();
    args
}

/// A positional with its secret hidden: a secret header item's value, a URL's credentials.
fn redact_item(arg: &str) -> String {
    if let Some(at) = arg.find([':', ';']) {
        if is_secret_header(arg[..at].trim()) {
            return format!("{}{REDACTED}", &arg[..=at]);
        }
    }
    if arg.contains("://") || arg.contains('@') {
        return url_redacted(arg);
    }
    arg.to_string()
}

/// A URL's userinfo hidden (`scheme://***@host/...`). It ends at the authority's last `@`; a
/// password typed with an unencoded `/`, `?` or `#` ends the authority early, so then an `@`
/// further on closes the userinfo when a `:` comes before it (`url_input::redact`'s rule:
/// hiding more than the password is fine, less never).
fn url_redacted(arg: &str) -> String {
    let start = arg.find("://").map_or(0, |i| i + 3);
    let rest = &arg[start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let at = rest[..authority_end].rfind('@').or_else(|| {
        let (colon, at) = (rest.find(':')?, rest.rfind('@')?);
        (colon < at).then_some(at)
    });
    match at {
        Some(at) => format!("{}***{}", &arg[..start], &rest[at..]),
        None => arg.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    const SECRET: &str = "s3cr3t-XYZ";

    #[test]
    fn secrets_never_show() {
        let args = Args::try_parse_from([
            "http",
            "-a",
            &format!("alice:{SECRET}"),
            "--cert-key-pass",
            SECRET,
            &format!("--proxy=http:http://u:{SECRET}@proxy:3128"),
            &format!("--oauth1-token=tok:{SECRET}"),
            &format!("https://bob:{SECRET}@example.org/x"),
            &format!("Authorization:Bearer {SECRET}"),
            &format!("cookie:sid={SECRET}"),
            &format!("Proxy-Authorization;{SECRET}"),
            "X-Plain:visible",
        ])
        .unwrap();
        let vars = vec![
            (
                "HTTPS_PROXY".to_string(),
                OsString::from(format!("http://u:{SECRET}@p:1")),
            ),
            ("COURIER_CONFIG_DIR".to_string(), OsString::from("/cfg")),
            ("AWS_SECRET_ACCESS_KEY".to_string(), OsString::from(SECRET)),
            ("AWS_SESSION_TOKEN".to_string(), OsString::from(SECRET)),
            ("AWS_ACCESS_KEY_ID".to_string(), OsString::from("AKIDPLAIN")),
        ];
        let text = report(&args, Some(Path::new("/cfg")), None, &vars);
        assert!(!text.contains(SECRET), "{text}");
        for shown in [
            "alice:<redacted>",
            "X-Plain:visible",
            "example.org/x",
            "/cfg",
            "config file: none",
            "HTTPS_PROXY=",
            "proxy:3128",
            "tok:<redacted>",
            "AWS_SESSION_TOKEN=<redacted>",
            "AWS_ACCESS_KEY_ID=AKIDPLAIN",
        ] {
            assert!(text.contains(shown), "{shown} in {text}");
        }
    }

    #[test]
    fn a_token_is_hidden_whole() {
        let args = Args::try_parse_from(["http", "-A", "bearer", "-a", SECRET, "x"]).unwrap();
        assert!(!report(&args, None, None, &[]).contains(SECRET));
        assert_eq!(url_redacted("x.org/a@b"), "x.org/a@b");
        assert_eq!(url_redacted("u:p@x.org/a@b"), "***@x.org/a@b");
        let typed = "https://bob:se/cr?e#t@example.org/x";
        assert_eq!(url_redacted(typed), "https://***@example.org/x");
    }
}
