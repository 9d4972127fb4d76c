//! TLS options: `--verify`, `--cert`, `--cert-key`, `--cert-key-pass`, `--ssl`, `--ciphers` and
//! the CA bundle variables, resolved into [`TlsOptions`]. Pure: the files named here are read by
//! the transport, at the edge.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

use anyhow::{bail, Result};

use crate::cli::{Args, CliSsl};

/// The variables that choose CA certificates, as read from the environment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TlsEnv {
    pub requests_ca_bundle: Option<OsString>,
    pub curl_ca_bundle: Option<OsString>,
    pub ssl_cert_file: Option<OsString>,
    pub ssl_cert_dir: Option<OsString>,
}

impl TlsEnv {
    /// Reads the variables through `var` (`std::env::var_os` in the program).
    pub fn read(var: impl Fn(&str) -> Option<OsString>) -> TlsEnv {
        TlsEnv {
            requests_ca_bundle: var("REQUESTS_CA_BUNDLE"),
            curl_ca_bundle: var("CURL_CA_BUNDLE"),
            ssl_cert_file: var("SSL_CERT_FILE"),
            ssl_cert_dir: var("SSL_CERT_DIR"),
        }
    }
}

/// How to connect over TLS.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TlsOptions {
    pub trust: Trust,
    pub client_cert: Option<ClientCert>,
    /// The lowest TLS version offered (`--ssl`).
    pub min_version: TlsVersion,
    /// `--ciphers`: the suites offered, in order; `None` offers every suite rustls has.
    pub ciphers: Option<Vec<&'static Cipher>>,
}

/// Which certificates a server's certificate must chain to.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Trust {
    /// The operating system's trust store (`--verify=yes`, no CA variable set).
    #[default]
    System,
    /// No verification at all (`--verify=no`).
    Off,
    /// Only the CA certificates in these files or directories.
    Roots(Vec<CaPath>),
}

/// A CA bundle file or a directory of CA files, and where it was named.
#[derive(Debug, Clone, PartialEq)]
pub struct CaPath {
    pub path: PathBuf,
    /// `--verify` or the variable's name, for messages.
    pub from: &'static str,
}

/// `--cert`, `--cert-key` and `--cert-key-pass`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientCert {
    /// PEM: the certificate chain, leaf first, and possibly the key.
    pub cert: PathBuf,
    /// PEM: the private key, when it is not in `cert`.
    pub key: Option<PathBuf>,
    /// The passphrase of an encrypted key.
    pub pass: Option<Secret>,
}

/// A value never shown: not in `Debug`, errors or output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Secret {
        Secret(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// A TLS protocol version courier speaks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum TlsVersion {
    #[default]
    Tls12,
    Tls13,
}

impl TlsVersion {
    pub fn name(self) -> &'static str {
        match self {
            TlsVersion::Tls12 => "TLS 1.2",
            TlsVersion::Tls13 => "TLS 1.3",
        }
    }
}

/// A cipher suite rustls offers, under each of its names.
#[derive(Debug, PartialEq, Eq)]
pub struct Cipher {
    /// rustls's name (its `CipherSuite` variant).
    pub rustls: &'static str,
    /// The name in the IANA TLS Cipher Suites registry (RFC 8446 §B.4, RFC 5289, RFC 7905).
    pub iana: &'static str,
    /// OpenSSL's name (`openssl ciphers -V`), as HTTPie's `--ciphers` takes them.
    pub openssl: &'static str,
    pub version: TlsVersion,
}

const fn suite(
    rustls: &'static str,
    iana: &'static str,
    openssl: &'static str,
    version: TlsVersion,
) -> Cipher {
    Cipher {
        rustls,
        iana,
        openssl,
        version,
    }
}

/// Every suite rustls offers (with its ring provider), in its order of preference.
pub static CIPHERS: &[Cipher] = &[
    suite(
        "TLS13_AES_256_GCM_SHA384",
        "TLS_AES_256_GCM_SHA384",
        "TLS_AES_256_GCM_SHA384",
        TlsVersion::Tls13,
    ),
    suite(
        "TLS13_AES_128_GCM_SHA256",
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_128_GCM_SHA256",
        TlsVersion::Tls13,
    ),
    suite(
        "TLS13_CHACHA20_POLY1305_SHA256",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_CHACHA20_POLY1305_SHA256",
        TlsVersion::Tls13,
    ),
    suite(
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        TlsVersion::Tls12,
    ),
    suite(
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        TlsVersion::Tls12,
    ),
    suite(
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        TlsVersion::Tls12,
    ),
    suite(
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384",
        TlsVersion::Tls12,
    ),
    suite(
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "ECDHE-RSA-AES128-GCM-SHA256",
        TlsVersion::Tls12,
    ),
    suite(
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "ECDHE-RSA-CHACHA20-POLY1305",
        TlsVersion::Tls12,
    ),
];

/// The suite of this rustls name, if it is one courier knows.
pub fn cipher_by_rustls_name(name: &str) -> Option<&'static Cipher> {
    CIPHERS.iter().find(|c| c.rustls == name)
}

/// Resolves the TLS flags and the CA variables.
pub fn resolve(args: &Args, env: &TlsEnv) -> Result<TlsOptions> {
    let min_version = min_version(args.ssl)?;
    let ciphers = match &args.ciphers {
        Some(list) => Some(parse_ciphers(list)?),
        None => None,
    };
    if let Some(ciphers) = &ciphers {
        check_versions(min_version, ciphers)?;
    }
    Ok(TlsOptions {
        trust: trust(args.verify.as_deref(), env)?,
        client_cert: client_cert(&args.cert, &args.cert_key, &args.cert_key_pass)?,
        min_version,
        ciphers,
    })
}

/// `--verify`: yes/true (the default) trusts the CA variables or else the system store, no/false
/// turns verification off, anything else is a CA bundle or directory (HTTPie's spelling, case
/// insensitive). The variables are honoured in requests' order (`REQUESTS_CA_BUNDLE`, then
/// `CURL_CA_BUNDLE`), then OpenSSL's (`SSL_CERT_FILE` and `SSL_CERT_DIR` together).
pub fn trust(verify: Option<&str>, env: &TlsEnv) -> Result<Trust> {
    let verify = verify.unwrap_or("yes");
    match verify.to_ascii_lowercase().as_str() {
        "yes" | "true" => Ok(trust_from_env(env)),
        "no" | "false" => Ok(Trust::Off),
        "" => bail!("--verify needs yes, no, or the path of a CA bundle or directory"),
        _ => Ok(Trust::Roots(vec![CaPath {
            path: PathBuf::from(verify),
            from: "--verify",
        }])),
    }
}

fn trust_from_env(env: &TlsEnv) -> Trust {
    let set = |v: &Option<OsString>| v.clone().filter(|v| !v.is_empty());
    let named = |path: OsString, from| CaPath {
        path: path.into(),
        from,
    };
    if let Some(path) = set(&env.requests_ca_bundle) {
        return Trust::Roots(vec![named(path, "REQUESTS_CA_BUNDLE")]);
    }
    if let Some(path) = set(&env.curl_ca_bundle) {
        return Trust::Roots(vec![named(path, "CURL_CA_BUNDLE")]);
    }
    let mut roots = Vec::new();
    if let Some(path) = set(&env.ssl_cert_file) {
        roots.push(named(path, "SSL_CERT_FILE"));
    }
    if let Some(dirs) = set(&env.ssl_cert_dir) {
        // A list, as OpenSSL reads it (`:`-separated on Unix).
        roots.extend(
            std::env::split_paths(&dirs)
                .filter(|p| !p.as_os_str().is_empty())
                .map(|p| named(p.into_os_string(), "SSL_CERT_DIR")),
        );
    }
    match roots.is_empty() {
        true => Trust::System,
        false => Trust::Roots(roots),
    }
}

/// `--cert-key` and `--cert-key-pass` belong to a `--cert`.
pub fn client_cert(
    cert: &Option<PathBuf>,
    key: &Option<PathBuf>,
    pass: &Option<String>,
) -> Result<Option<ClientCert>> {
    let Some(cert) = cert else {
        if key.is_some() {
            bail!("--cert-key only works with --cert (the client certificate)");
        }
        if pass.is_some() {
            bail!("--cert-key-pass only works with --cert (the client certificate)");
        }
        return Ok(None);
    };
    Ok(Some(ClientCert {
        cert: cert.clone(),
        key: key.clone(),
        pass: pass.clone().map(Secret::new),
    }))
}

/// `--ssl`: the lowest version offered. rustls speaks TLS 1.2 and 1.3 only, so the older
/// values HTTPie accepts are refused rather than silently upgraded.
pub fn min_version(ssl: Option<CliSsl>) -> Result<TlsVersion> {
    match ssl {
        None | Some(CliSsl::Ssl23) | Some(CliSsl::Tls12) => Ok(TlsVersion::Tls12),
        Some(CliSsl::Tls13) => Ok(TlsVersion::Tls13),
        Some(old) => bail!(
            "--ssl {}: courier speaks only TLS 1.2 and TLS 1.3; use --ssl tls1.2 or --ssl tls1.3",
            old.name()
        ),
    }
}

/// `--ciphers`: suite names separated by `:` or `,` (OpenSSL separates with `:`), each an IANA,
/// OpenSSL or rustls name, in any case. The order given is the order offered.
pub fn parse_ciphers(list: &str) -> Result<Vec<&'static Cipher>> {
    let mut chosen: Vec<&'static Cipher> = Vec::new();
    for name in list
        .split([':', ','])
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        let Some(cipher) = CIPHERS.iter().find(|c| {
            [c.rustls, c.iana, c.openssl]
                .iter()
                .any(|n| n.eq_ignore_ascii_case(name))
        }) else {
            bail!(
                "--ciphers: unknown cipher suite '{}'; valid: {}",
                name.escape_debug(),
                valid_ciphers()
            );
        };
        if !chosen.contains(&cipher) {
            chosen.push(cipher);
        }
    }
    if chosen.is_empty() {
        bail!(
            "--ciphers needs at least one cipher suite; valid: {}",
            valid_ciphers()
        );
    }
    Ok(chosen)
}

/// Every suite as `IANA` or `IANA (OpenSSL)`, for error messages.
fn valid_ciphers() -> String {
    let names: Vec<String> = CIPHERS
        .iter()
        .map(|c| match c.openssl == c.iana {
            true => c.iana.to_string(),
            false => format!("{} ({})", c.iana, c.openssl),
        })
        .collect();
    names.join(", ")
}

/// `--ciphers` must leave a suite for some version `--ssl` allows.
pub fn check_versions(min: TlsVersion, ciphers: &[&Cipher]) -> Result<()> {
    if ciphers.iter().any(|c| c.version >= min) {
        return Ok(());
    }
    let fitting: Vec<&str> = CIPHERS
        .iter()
        .filter(|c| c.version >= min)
        .map(|c| c.iana)
        .collect();
    bail!(
        "--ciphers leaves no cipher suite for {} (--ssl); add one of: {}",
        min.name(),
        fitting.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> TlsEnv {
        TlsEnv::read(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        })
    }

    fn roots(trust: Trust) -> Vec<(String, &'static str)> {
        match trust {
            Trust::Roots(paths) => paths
                .into_iter()
                .map(|p| (p.path.display().to_string(), p.from))
                .collect(),
            other => panic!("expected roots, got {other:?}"),
        }
    }

    #[test]
    fn verify_values_follow_httpie() {
        let none = TlsEnv::default();
        assert_eq!(trust(None, &none).unwrap(), Trust::System);
        for yes in ["yes", "YES", "true", "True"] {
            assert_eq!(trust(Some(yes), &none).unwrap(), Trust::System);
        }
        for no in ["no", "No", "false", "FALSE"] {
            assert_eq!(trust(Some(no), &none).unwrap(), Trust::Off);
        }
        assert_eq!(
            roots(trust(Some("/etc/ca.pem"), &none).unwrap()),
            [("/etc/ca.pem".to_string(), "--verify")]
        );
        let err = trust(Some(""), &none).unwrap_err().to_string();
        assert!(err.contains("--verify needs yes, no"), "{err}");
    }

    #[test]
    fn ca_variables_in_requests_then_openssl_order_and_verify_wins() {
        let all = env(&[
            ("REQUESTS_CA_BUNDLE", "/r.pem"),
            ("CURL_CA_BUNDLE", "/c.pem"),
            ("SSL_CERT_FILE", "/f.pem"),
            ("SSL_CERT_DIR", "/d1:/d2"),
        ]);
        assert_eq!(
            roots(trust(None, &all).unwrap()),
            [("/r.pem".to_string(), "REQUESTS_CA_BUNDLE")]
        );
        let curl = env(&[("CURL_CA_BUNDLE", "/c.pem"), ("SSL_CERT_FILE", "/f.pem")]);
        assert_eq!(
            roots(trust(Some("yes"), &curl).unwrap()),
            [("/c.pem".to_string(), "CURL_CA_BUNDLE")]
        );
        let openssl = env(&[("SSL_CERT_FILE", "/f.pem"), ("SSL_CERT_DIR", "/d1:/d2")]);
        assert_eq!(
            roots(trust(None, &openssl).unwrap()),
            [
                ("/f.pem".to_string(), "SSL_CERT_FILE"),
                ("/d1".to_string(), "SSL_CERT_DIR"),
                ("/d2".to_string(), "SSL_CERT_DIR")
            ]
        );
        // --verify overrides every variable, both ways.
        assert_eq!(trust(Some("no"), &all).unwrap(), Trust::Off);
        assert_eq!(
            roots(trust(Some("/mine.pem"), &all).unwrap()),
            [("/mine.pem".to_string(), "--verify")]
        );
        // Empty variables count as unset, as in requests.
        let empty = env(&[("REQUESTS_CA_BUNDLE", ""), ("SSL_CERT_DIR", "")]);
        assert_eq!(trust(None, &empty).unwrap(), Trust::System);
    }

    #[test]
    fn cert_key_and_pass_need_a_cert() {
        let p = |s: &str| Some(PathBuf::from(s));
        assert_eq!(client_cert(&None, &None, &None).unwrap(), None);
        let err = client_cert(&None, &p("k.pem"), &None).unwrap_err();
        assert!(err
            .to_string()
            .contains("--cert-key only works with --cert"));
        let err = client_cert(&None, &None, &Some("pw".into())).unwrap_err();
        assert!(err
            .to_string()
            .contains("--cert-key-pass only works with --cert"));
        let both = client_cert(&p("c.pem"), &p("k.pem"), &Some("pw".into()))
            .unwrap()
            .unwrap();
        assert_eq!(both.key, p("k.pem"));
        assert_eq!(both.pass.as_ref().map(Secret::expose), Some("pw"));
        // The passphrase never shows in Debug output.
        assert!(!format!("{both:?}").contains("pw\""));
        assert!(format!("{both:?}").contains("<redacted>"));
    }

    #[test]
    fn ssl_sets_the_minimum_and_refuses_what_rustls_lacks() {
        assert_eq!(min_version(None).unwrap(), TlsVersion::Tls12);
        assert_eq!(min_version(Some(CliSsl::Ssl23)).unwrap(), TlsVersion::Tls12);
        assert_eq!(min_version(Some(CliSsl::Tls12)).unwrap(), TlsVersion::Tls12);
        assert_eq!(min_version(Some(CliSsl::Tls13)).unwrap(), TlsVersion::Tls13);
        for old in [CliSsl::Ssl3, CliSsl::Tls1, CliSsl::Tls11] {
            let err = min_version(Some(old)).unwrap_err().to_string();
            assert!(err.contains("only TLS 1.2 and TLS 1.3"), "{err}");
        }
    }

    #[test]
    fn ciphers_by_any_name_in_the_order_given() {
        let names = |list: &str| -> Vec<&str> {
            parse_ciphers(list)
                .unwrap()
                .iter()
                .map(|c| c.rustls)
                .collect()
        };
        assert_eq!(
            names("ECDHE-RSA-AES128-GCM-SHA256:TLS_AES_256_GCM_SHA384"),
            [
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS13_AES_256_GCM_SHA384"
            ]
        );
        assert_eq!(
            names("tls13_chacha20_poly1305_sha256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,"),
            [
                "TLS13_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"
            ]
        );
        // Repeats are offered once.
        assert_eq!(
            names("TLS_AES_128_GCM_SHA256:TLS13_AES_128_GCM_SHA256").len(),
            1
        );
    }

    #[test]
    fn unknown_ciphers_list_the_valid_ones() {
        for bad in [
            "RC4-SHA",
            "HIGH:!aNULL",
            "TLS_AES_128_GCM_SHA256:DES-CBC3-SHA",
        ] {
            let err = parse_ciphers(bad).unwrap_err().to_string();
            assert!(err.contains("unknown cipher suite"), "{err}");
            assert!(
                err.contains("TLS_AES_128_GCM_SHA256")
                    && err.contains(
                        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (ECDHE-RSA-AES128-GCM-SHA256)"
                    ),
                "{err}"
            );
            assert!(!err.contains('\n'));
        }
        assert!(parse_ciphers(" : ,").is_err());
    }

    #[test]
    fn ciphers_must_fit_the_minimum_version() {
        let tls12_only = parse_ciphers("ECDHE-RSA-AES128-GCM-SHA256").unwrap();
        assert!(check_versions(TlsVersion::Tls12, &tls12_only).is_ok());
        let err = check_versions(TlsVersion::Tls13, &tls12_only)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no cipher suite for TLS 1.3"), "{err}");
        assert!(err.contains("TLS_AES_128_GCM_SHA256"), "{err}");
        let tls13 = parse_ciphers("TLS_AES_128_GCM_SHA256").unwrap();
        assert!(check_versions(TlsVersion::Tls12, &tls13).is_ok());
    }
}
