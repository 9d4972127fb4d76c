use super::*;
use crate::options::tls::{parse_ciphers, ClientCert, Secret, CIPHERS};
use std::path::{Path, PathBuf};

#[test]
fn the_cipher_table_is_exactly_what_rustls_offers() {
    let provider = rustls::crypto::ring::default_provider();
    let offered: Vec<(&str, TlsVersion)> = provider
        .cipher_suites
        .iter()
        .map(|s| {
            let version = match s.version() == &TLS13 {
                true => TlsVersion::Tls13,
                false => TlsVersion::Tls12,
            };
            (s.suite().as_str().unwrap_or("?"), version)
        })
        .collect();
    let table: Vec<(&str, TlsVersion)> = CIPHERS.iter().map(|c| (c.rustls, c.version)).collect();
    assert_eq!(offered, table);
}

#[test]
fn ciphers_narrow_and_order_the_suites_and_the_versions_follow() {
    let options = TlsOptions {
        ciphers: Some(parse_ciphers("ECDHE-RSA-AES128-GCM-SHA256:TLS_AES_128_GCM_SHA256").unwrap()),
        ..TlsOptions::default()
    };
    let suites: Vec<&str> = provider(&options)
        .cipher_suites
        .iter()
        .map(|s| s.suite().as_str().unwrap_or("?"))
        .collect();
    assert_eq!(
        suites,
        [
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS13_AES_128_GCM_SHA256"
        ]
    );
    assert_eq!(versions(&options), [&TLS13, &TLS12]);
    let tls12_only = TlsOptions {
        ciphers: Some(parse_ciphers("ECDHE-ECDSA-AES256-GCM-SHA384").unwrap()),
        ..TlsOptions::default()
    };
    assert_eq!(versions(&tls12_only), [&TLS12]);
    let min13 = TlsOptions {
        min_version: TlsVersion::Tls13,
        ..TlsOptions::default()
    };
    assert_eq!(versions(&min13), [&TLS13]);
    assert_eq!(versions(&TlsOptions::default()), [&TLS13, &TLS12]);
}

#[test]
fn server_names_drop_ipv6_brackets() {
    let uri = |s: &str| s.parse::<ureq::http::Uri>().unwrap();
    assert!(matches!(
        server_name(&uri("https://[::1]:8443/")).unwrap(),
        ServerName::IpAddress(_)
    ));
    assert!(matches!(
        server_name(&uri("https://example.org/")).unwrap(),
        ServerName::DnsName(_)
    ));
}

/// A leaf certificate and its key, as PEM, made for the tests.
struct Made {
    cert: String,
    key: rcgen::KeyPair,
}

fn made(name: &str) -> Made {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec![name.to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    Made {
        cert: cert.pem(),
        key,
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn load(cert: &Path, key: Option<&Path>, pass: Option<&str>) -> anyhow::Result<()> {
    let provider = rustls::crypto::ring::default_provider();
    let options = ClientCert {
        cert: cert.to_path_buf(),
        key: key.map(Path::to_path_buf),
        pass: pass.map(|p| Secret::new(p.into())),
    };
    let mut no_terminal = |_: &Path| -> anyhow::Result<String> { anyhow::bail!("no terminal") };
    identity::load(&options, &provider, &mut no_terminal).map(|_| ())
}

/// `key` encrypted as `openssl pkcs8 -topk8 -v2 aes-256-cbc` does (PBKDF2-SHA256).
fn encrypted(key: &rcgen::KeyPair, pass: &str) -> String {
    use pkcs8::der::Decode;
    let der = key.serialize_der();
    let info = pkcs8::PrivateKeyInfo::from_der(&der).unwrap();
    let params =
        pkcs8::pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(2048, &[7; 16], &[9; 16]).unwrap();
    let doc = info.encrypt_with_params(params, pass).unwrap();
    pem_block("ENCRYPTED PRIVATE KEY", doc.as_bytes())
}

fn pem_block(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

#[test]
fn a_client_key_in_the_cert_file_or_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let leaf = made("client.test");
    let both = write(
        dir.path(),
        "both.pem",
        &(leaf.cert.clone() + &leaf.key.serialize_pem()),
    );
    load(&both, None, None).unwrap();
    let cert = write(dir.path(), "cert.pem", &leaf.cert);
    let key = write(dir.path(), "key.pem", &leaf.key.serialize_pem());
    load(&cert, Some(&key), None).unwrap();
    let e = load(&cert, None, None).unwrap_err().to_string();
    assert!(
        e.contains("no private key in it; give the key file with --cert-key"),
        "{e}"
    );
    let e = load(&key, None, None).unwrap_err().to_string();
    assert!(e.contains("no PEM certificate"), "{e}");
    let e = load(&cert, Some(&cert), None).unwrap_err().to_string();
    assert!(
        e.contains("--cert-key") && e.contains("no PEM private key"),
        "{e}"
    );
    let e = load(&dir.path().join("nope.pem"), None, None)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("--cert ") && e.contains("nope.pem"), "{e}");
}

#[test]
fn a_key_of_another_certificate_is_refused_before_any_connection() {
    let dir = tempfile::tempdir().unwrap();
    let (one, other) = (made("one.test"), made("other.test"));
    let cert = write(dir.path(), "cert.pem", &one.cert);
    let key = write(dir.path(), "key.pem", &other.key.serialize_pem());
    let e = load(&cert, Some(&key), None).unwrap_err().to_string();
    assert!(e.contains("does not match the certificate"), "{e}");
}

#[test]
fn encrypted_keys_need_the_right_passphrase_which_is_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let leaf = made("client.test");
    let cert = write(dir.path(), "cert.pem", &leaf.cert);
    let key = write(dir.path(), "key.pem", &encrypted(&leaf.key, "s3cret-pass"));
    load(&cert, Some(&key), Some("s3cret-pass")).unwrap();
    let e = load(&cert, Some(&key), Some("wrong-pass"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("wrong passphrase"), "{e}");
    assert!(!e.contains("wrong-pass") && !e.contains("s3cret"), "{e}");
    // No passphrase and no terminal: the prompt's error is the message.
    let e = load(&cert, Some(&key), None).unwrap_err().to_string();
    assert_eq!(e, "no terminal");
}

#[test]
fn legacy_encrypted_pem_keys_get_a_conversion_hint() {
    let dir = tempfile::tempdir().unwrap();
    let leaf = made("client.test");
    let cert = write(dir.path(), "cert.pem", &leaf.cert);
    let key = write(
        dir.path(),
        "key.pem",
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n",
    );
    let e = load(&cert, Some(&key), Some("x")).unwrap_err().to_string();
    assert!(e.contains("openssl pkcs8 -topk8"), "{e}");
}

#[test]
fn the_proxy_leg_keeps_its_tls_to_itself() {
    let dir = tempfile::tempdir().unwrap();
    let leaf = made("client.test");
    let options = TlsOptions {
        client_cert: Some(crate::options::tls::ClientCert {
            cert: write(dir.path(), "cert.pem", &leaf.cert),
            key: Some(write(dir.path(), "key.pem", &leaf.key.serialize_pem())),
            pass: None,
        }),
        ..TlsOptions::default()
    };
    let slot = TlsSlot::default();
    let mut ask = |_: &Path| -> anyhow::Result<String> { Ok(String::new()) };
    let connector = TlsConnector::new(&options, slot.clone(), &mut ask).unwrap();
    let proxy = connector.for_proxy();
    // Another slot: what the proxy leg negotiates is never shown as the server's (-vv).
    assert!(!Arc::ptr_eq(&proxy.slot, &slot));
    assert!(Arc::ptr_eq(&connector.slot, &slot));
    // The server gets the client certificate; the proxy does not.
    assert!(connector.config.client_auth_cert_resolver.has_certs());
    assert!(!proxy.config.client_auth_cert_resolver.has_certs());
}
