//! The client certificate of `--cert`/`--cert-key`/`--cert-key-pass`: a PEM chain and its
//! private key, decrypted when it is an encrypted PKCS#8 key (RFC 5958 §3, PBES2 of RFC 8018),
//! and checked to belong to the certificate before any connection is made.

use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, bail, Result};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{
    CertificateDer, PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer,
};
use rustls::sign::CertifiedKey;

use super::pem::{self, Section};
use super::trust::MAX_PEM_FILE;
use crate::files::read_regular_capped as read_capped;
use crate::options::tls::ClientCert;

/// Asks for the passphrase of the encrypted key in this file (on the terminal).
pub type AskPassphrase<'a> = &'a mut dyn FnMut(&Path) -> Result<String>;

/// The certificate chain and the signing key, ready for rustls.
pub fn load(
    options: &ClientCert,
    provider: &CryptoProvider,
    ask: AskPassphrase,
) -> Result<Arc<CertifiedKey>> {
    let cert_sections = read_pem("--cert", &options.cert)?;
    let chain: Vec<CertificateDer<'static>> = cert_sections
        .iter()
        .filter(|s| s.label == "CERTIFICATE")
        .map(|s| CertificateDer::from(s.der.clone()))
        .collect();
    if chain.is_empty() {
        bail!(
            "--cert {}: no PEM certificate in it (-----BEGIN CERTIFICATE-----)",
            options.cert.display()
        );
    }
    let (key_path, key_sections) = match &options.key {
        Some(path) => (path.as_path(), read_pem("--cert-key", path)?),
        None => (options.cert.as_path(), cert_sections),
    };
    let key = private_key(key_path, &key_sections, options, ask)?;
    match CertifiedKey::from_der(chain, key, provider) {
        Ok(certified) => Ok(Arc::new(certified)),
        Err(rustls::Error::InconsistentKeys(_)) => bail!(
            "the private key in {} does not match the certificate in {}",
            key_path.display(),
            options.cert.display()
        ),
        Err(e) => bail!(
            "{}: the private key cannot be used ({e}); RSA, ECDSA (P-256, P-384) and Ed25519 keys are supported",
            key_path.display()
        ),
    }
}

fn read_pem(flag: &str, path: &Path) -> Result<Vec<Section>> {
    let bytes =
        read_capped(path, MAX_PEM_FILE).map_err(|e| anyhow!("{flag} {}: {e}", path.display()))?;
    pem::sections(&bytes).map_err(|e| anyhow!("{flag} {}: {e}", path.display()))
}

/// The first private key among `sections`, decrypted if need be.
fn private_key(
    path: &Path,
    sections: &[Section],
    options: &ClientCert,
    ask: AskPassphrase,
) -> Result<PrivateKeyDer<'static>> {
    let Some(section) = sections.iter().find(|s| s.label.ends_with("PRIVATE KEY")) else {
        return Err(match options.key {
            Some(_) => anyhow!("--cert-key {}: no PEM private key in it", path.display()),
            None => anyhow!(
                "--cert {}: no private key in it; give the key file with --cert-key",
                path.display()
            ),
        });
    };
    if section.legacy_encrypted {
        bail!(
            "{}: the key uses OpenSSL's legacy PEM encryption; convert it to encrypted PKCS#8 with `openssl pkcs8 -topk8 -in OLD -out NEW`",
            path.display()
        );
    }
    let der = section.der.clone();
    Ok(match section.label.as_str() {
        "PRIVATE KEY" => PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der)),
        "RSA PRIVATE KEY" => PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(der)),
        "EC PRIVATE KEY" => PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(der)),
        "ENCRYPTED PRIVATE KEY" => {
            let pass = match &options.pass {
                Some(pass) => pass.expose().to_string(),
                None => ask(path)?,
            };
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(decrypt(path, &der, &pass)?))
        }
        other => bail!("{}: unsupported key type '{other}'", path.display()),
    })
}

/// What courier can decrypt, and how to get there.
const SUPPORTED_ENCRYPTION: &str = "courier decrypts PBES2 keys (PBKDF2 with HMAC-SHA-2, or \
     scrypt; AES-CBC): re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out NEW`";

/// Decrypts an `EncryptedPrivateKeyInfo` into the PKCS#8 `PrivateKeyInfo` DER.
pub fn decrypt(path: &Path, der: &[u8], pass: &str) -> Result<Vec<u8>> {
    use pkcs8::pkcs5;
    let info = pkcs8::EncryptedPrivateKeyInfo::try_from(der).map_err(|_| {
        anyhow!(
            "{}: the encrypted key is malformed or its encryption is not supported; {SUPPORTED_ENCRYPTION}",
            path.display()
        )
    })?;
    match info.decrypt(pass.as_bytes()) {
        Ok(doc) => Ok(doc.as_bytes().to_vec()),
        Err(pkcs8::Error::EncryptedPrivateKey(
            pkcs5::Error::UnsupportedAlgorithm { .. }
            | pkcs5::Error::NoPbes1CryptSupport
            | pkcs5::Error::AlgorithmParametersInvalid { .. },
        )) => bail!(
            "{}: the key's encryption is not supported; {SUPPORTED_ENCRYPTION}",
            path.display()
        ),
        // A wrong passphrase shows as bad padding or as garbage that is not DER.
        Err(_) => bail!(
            "{}: cannot decrypt the private key: wrong passphrase",
            path.display()
        ),
    }
}
