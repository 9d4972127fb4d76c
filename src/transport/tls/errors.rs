//! TLS failures in the user's words: which check failed, and what would fix it.

use std::fmt;

use rustls::{AlertDescription, CertificateError};

use super::TlsFailure;
use crate::transport::errors::TransportError;

/// Why the server's certificate was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertProblem {
    /// It does not chain to a trusted CA; `trust` names what was trusted.
    UnknownIssuer { trust: String },
    /// Its validity ended (`not_after`, Unix seconds, when known).
    Expired { not_after: Option<u64> },
    /// Its validity has not begun.
    NotYetValid { not_before: Option<u64> },
    /// It is for other names than the URL's host.
    WrongName {
        expected: String,
        presented: Vec<String>,
    },
    /// Anything else (bad signature, revoked, wrong purpose...).
    Other { reason: String, trust: String },
}

/// The most certificate names shown, and the longest shown whole.
const MAX_NAMES: usize = 10;
const MAX_NAME_LEN: usize = 100;

impl fmt::Display for CertProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertProblem::UnknownIssuer { trust } => write!(
                f,
                "is not trusted: unknown issuer (not signed by a CA in {trust}); \
                 if you trust its CA, pass the CA certificate with --verify=PATH"
            ),
            CertProblem::Expired { not_after } => write!(
                f,
                "has expired{}; the server must renew it (--verify=no skips all checks, unsafely)",
                when(" on", *not_after)
            ),
            CertProblem::NotYetValid { not_before } => write!(
                f,
                "is not valid yet{}; check this computer's clock",
                when(" until", *not_before)
            ),
            CertProblem::WrongName {
                expected,
                presented,
            } => {
                write!(
                    f,
                    "does not match the host name '{expected}' (wrong host name)"
                )?;
                match names(presented) {
                    shown if shown.is_empty() => f.write_str("; it names no host"),
                    shown => write!(f, "; it is for: {shown}; use one of those names in the URL"),
                }
            }
            CertProblem::Other { reason, trust } => {
                write!(f, "was refused: {reason} (trusting {trust})")
            }
        }
    }
}

/// ` on 2021-01-01 00:00:00 UTC`, or nothing when the time is not known.
fn when(prefix: &str, secs: Option<u64>) -> String {
    let Some(time) = secs
        .and_then(|s| i64::try_from(s).ok())
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
    else {
        return String::new();
    };
    format!(
        "{prefix} {:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        time.year(),
        u8::from(time.month()),
        time.day(),
        time.hour(),
        time.minute(),
        time.second()
    )
}

/// Names from the server's certificate, made safe to print and bounded.
fn names(presented: &[String]) -> String {
    let usable: Vec<&str> = presented.iter().filter_map(|n| host_name(n)).collect();
    let mut shown: Vec<String> = usable.iter().take(MAX_NAMES).map(|n| inert(n)).collect();
    if usable.len() > MAX_NAMES {
        shown.push(format!("and {} more", usable.len() - MAX_NAMES));
    }
    shown.join(", ")
}

/// The host name or address in one of webpki's subject names (`DnsName("a.example")`,
/// `IpAddress(192.0.2.1)`); other kinds of names (URIs, directory names) name no host.
fn host_name(presented: &str) -> Option<&str> {
    if let Some(dns) = presented.strip_prefix("DnsName(\"") {
        return dns.strip_suffix("\")");
    }
    if let Some(ip) = presented.strip_prefix("IpAddress(") {
        return ip.strip_suffix(')');
    }
    let tagged = [
        "UniformResourceIdentifier(",
        "DirectoryName",
        "Unsupported(",
    ];
    match tagged.iter().any(|t| presented.starts_with(t)) {
        true => None,
        false => Some(presented),
    }
}

/// Printable ASCII kept, anything else escaped; long names cut.
fn inert(name: &str) -> String {
    let mut out: String = name
        .chars()
        .take(MAX_NAME_LEN)
        .flat_map(|c| match c.is_ascii_graphic() {
            true => vec![c],
            false => c.escape_default().collect(),
        })
        .collect();
    if name.chars().count() > MAX_NAME_LEN {
        out.push_str("...");
    }
    out
}

/// A failed handshake or TLS read, classified.
pub fn tls_failure(failure: &TlsFailure, authority: String) -> TransportError {
    match &failure.error {
        rustls::Error::InvalidCertificate(cert) => TransportError::Certificate {
            authority,
            problem: cert_problem(cert, &failure.trust),
        },
        other => TransportError::Tls {
            authority,
            reason: reason(other, failure),
        },
    }
}

fn cert_problem(error: &CertificateError, trust: &str) -> CertProblem {
    use CertificateError as C;
    match error {
        C::UnknownIssuer => CertProblem::UnknownIssuer {
            trust: trust.to_string(),
        },
        C::Expired => CertProblem::Expired { not_after: None },
        C::ExpiredContext { not_after, .. } => CertProblem::Expired {
            not_after: Some(not_after.as_secs()),
        },
        C::NotValidYet => CertProblem::NotYetValid { not_before: None },
        C::NotValidYetContext { not_before, .. } => CertProblem::NotYetValid {
            not_before: Some(not_before.as_secs()),
        },
        C::NotValidForName => CertProblem::WrongName {
            expected: String::new(),
            presented: Vec::new(),
        },
        C::NotValidForNameContext {
            expected,
            presented,
        } => CertProblem::WrongName {
            expected: inert(&server_name(expected)),
            presented: presented.clone(),
        },
        other => CertProblem::Other {
            reason: other.to_string(),
            trust: trust.to_string(),
        },
    }
}

fn server_name(name: &rustls::pki_types::ServerName<'_>) -> String {
    match name {
        rustls::pki_types::ServerName::DnsName(dns) => dns.as_ref().to_string(),
        rustls::pki_types::ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
        other => format!("{other:?}"),
    }
}

/// What a non-certificate TLS failure means for the user.
fn reason(error: &rustls::Error, failure: &TlsFailure) -> String {
    use AlertDescription as A;
    let versions = failure.versions;
    match error {
        rustls::Error::AlertReceived(A::CertificateRequired) if !failure.client_cert => {
            "the server requires a client certificate; give one with --cert".into()
        }
        rustls::Error::AlertReceived(A::ProtocolVersion) => {
            format!("the server supports none of the TLS versions offered ({versions}; see --ssl)")
        }
        rustls::Error::AlertReceived(A::HandshakeFailure | A::InsufficientSecurity) => format!(
            "the server refused the handshake ({error}); it may support none of the cipher \
             suites or versions offered ({versions}; see --ciphers and --ssl)"
        ),
        rustls::Error::AlertReceived(
            A::BadCertificate
            | A::UnsupportedCertificate
            | A::CertificateRevoked
            | A::CertificateExpired
            | A::CertificateUnknown
            | A::UnknownCA
            | A::AccessDenied
            | A::DecryptError
            | A::CertificateRequired,
        ) if failure.client_cert => format!("the server refused the client certificate ({error})"),
        // Our own words (the system store could not be loaded).
        rustls::Error::General(message) => message.clone(),
        rustls::Error::PeerIncompatible(_) => format!(
            "no TLS version or cipher suite in common with the server ({error}; offered {versions})"
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::pki_types::{ServerName, UnixTime};
    use std::sync::Arc;
    use std::time::Duration;

    fn failure(error: rustls::Error, client_cert: bool) -> TlsFailure {
        TlsFailure {
            error,
            trust: Arc::from("the system trust store"),
            versions: "TLS 1.3",
            client_cert,
        }
    }

    fn message(error: rustls::Error, client_cert: bool) -> String {
        tls_failure(&failure(error, client_cert), "h.test:443".into()).to_string()
    }

    #[test]
    fn unknown_issuer_names_the_trust_and_the_fix() {
        let m = message(CertificateError::UnknownIssuer.into(), false);
        assert_eq!(
            m,
            "TLS certificate of h.test:443 is not trusted: unknown issuer (not signed by a CA \
             in the system trust store); if you trust its CA, pass the CA certificate with \
             --verify=PATH"
        );
    }

    #[test]
    fn expired_shows_the_date() {
        let e = CertificateError::ExpiredContext {
            time: UnixTime::since_unix_epoch(Duration::from_secs(1_700_000_000)),
            not_after: UnixTime::since_unix_epoch(Duration::from_secs(1_600_000_000)),
        };
        let m = message(e.into(), false);
        assert!(
            m.starts_with("TLS certificate of h.test:443 has expired on 2020-09-13 12:26:40 UTC;"),
            "{m}"
        );
    }

    #[test]
    fn wrong_name_lists_the_names_safely_and_bounded() {
        // As webpki lists them.
        let mut presented: Vec<String> = (0..12)
            .map(|i| format!("DnsName(\"n{i}.example\")"))
            .collect();
        presented[0] = "DnsName(\"evil\u{1b}[31m.example\")".into();
        presented.insert(1, "UniformResourceIdentifier(\"spiffe://x\")".into());
        presented.push("IpAddress(192.0.2.1)".into());
        let e = CertificateError::NotValidForNameContext {
            expected: ServerName::try_from("127.0.0.1").unwrap().to_owned(),
            presented,
        };
        let m = message(e.into(), false);
        assert!(
            m.contains("does not match the host name '127.0.0.1' (wrong host name); it is for: evil\\u{1b}[31m.example, n1.example"),
            "{m}"
        );
        assert!(
            m.contains("n9.example, and 3 more; use one of those names"),
            "{m}"
        );
        assert!(!m.contains("spiffe"), "{m}");
        assert!(!m.contains('\u{1b}'));
    }

    #[test]
    fn alerts_point_at_the_flag_that_fixes_them() {
        let alert = |a| rustls::Error::AlertReceived(a);
        let m = message(alert(AlertDescription::CertificateRequired), false);
        assert!(
            m.ends_with("requires a client certificate; give one with --cert"),
            "{m}"
        );
        let m = message(alert(AlertDescription::ProtocolVersion), false);
        assert!(
            m.contains("none of the TLS versions offered (TLS 1.3; see --ssl)"),
            "{m}"
        );
        let m = message(alert(AlertDescription::UnknownCA), true);
        assert!(m.contains("refused the client certificate"), "{m}");
        let m = message(alert(AlertDescription::UnknownCA), false);
        assert!(m.ends_with("received fatal alert: UnknownCA"), "{m}");
    }

    #[test]
    fn every_tls_failure_exits_1_and_is_not_retried() {
        let e = tls_failure(
            &failure(CertificateError::UnknownIssuer.into(), false),
            "h:1".into(),
        );
        assert_eq!(e.exit_status(), crate::exit::ExitStatus::Error);
        assert!(!e.is_retryable());
    }
}
