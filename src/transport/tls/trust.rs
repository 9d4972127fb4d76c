//! Which server certificates are trusted: the system's store (loaded on the first handshake),
//! CA bundles and directories named by `--verify` or the CA variables (read here, bounded), or
//! nothing checked at all (`--verify=no`).

use std::collections::HashSet;
use std::fs;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use anyhow::{bail, Context, Result};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::pem;
use crate::options::tls::CaPath;

/// The largest CA bundle (or other PEM file) read; the system bundle is about 200 KiB.
pub const MAX_PEM_FILE: u64 = 16 * 1024 * 1024;
/// The most entries a CA directory may have (a system one has a few hundred).
pub const MAX_DIR_ENTRIES: usize = 10_000;
/// The most bytes read from one CA directory in all.
pub const MAX_DIR_BYTES: u64 = 64 * 1024 * 1024;

use crate::files::read_regular_capped as read_capped;

/// The CA certificates of these bundles and directories. Each must give at least one.
pub fn load_roots(paths: &[CaPath]) -> Result<RootCertStore> {
    let mut store = RootCertStore::empty();
    // Files already read, so a bundle that is also in a CA directory is read once.
    let mut seen = HashSet::new();
    for ca in paths {
        let shown = format!("{} {}", ca.from, ca.path.display());
        let meta = fs::metadata(&ca.path).with_context(|| format!("{shown}: cannot read it"))?;
        let certs = match meta.is_dir() {
            true => dir_certs(&ca.path, &mut seen).with_context(|| shown.clone())?,
            false => {
                first_visit(&mut seen, &meta);
                file_certs(&ca.path).with_context(|| shown.clone())?
            }
        };
        let (added, _ignored) = store.add_parsable_certificates(certs);
        if added == 0 {
            bail!("{shown}: no usable CA certificate in it");
        }
    }
    Ok(store)
}

/// Every certificate of a PEM bundle; a file without one is an error.
fn file_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let bytes = read_capped(path, MAX_PEM_FILE)?;
    let certs = pem_certs(&bytes)?;
    if certs.is_empty() {
        bail!("no PEM certificate in it (-----BEGIN CERTIFICATE-----)");
    }
    Ok(certs)
}

fn pem_certs(bytes: &[u8]) -> Result<Vec<CertificateDer<'static>>> {
    Ok(pem::sections(bytes)?
        .into_iter()
        .filter(|s| s.label == "CERTIFICATE")
        .map(|s| CertificateDer::from(s.der))
        .collect())
}

/// The certificates of every PEM file in a CA directory, as OpenSSL's hashed directories
/// (`openssl rehash`) hold them: every regular file is read once (its hash-named links are
/// the same file), and files that are not PEM certificates (CRLs, notes) are skipped.
fn dir_certs(dir: &Path, seen: &mut HashSet<(u64, u64)>) -> Result<Vec<CertificateDer<'static>>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        names.push(entry?.path());
        if names.len() > MAX_DIR_ENTRIES {
            bail!("more than {MAX_DIR_ENTRIES} files in the directory");
        }
    }
    names.sort();
    let mut total = 0;
    let mut certs = Vec::new();
    for path in names {
        let Ok(meta) = fs::metadata(&path) else {
            continue; // a dangling link
        };
        if !meta.is_file() || !first_visit(seen, &meta) || meta.len() > MAX_PEM_FILE {
            continue;
        }
        total += meta.len();
        if total > MAX_DIR_BYTES {
            bail!("more than {} MiB of files", MAX_DIR_BYTES / 1024 / 1024);
        }
        if let Ok(found) = read_capped(&path, MAX_PEM_FILE).map(|b| pem_certs(&b)) {
            certs.extend(found.unwrap_or_default());
        }
    }
    if certs.is_empty() {
        bail!("no PEM certificate in the directory");
    }
    Ok(certs)
}

/// Whether this file (by device and inode) is read for the first time.
#[cfg(unix)]
fn first_visit(seen: &mut HashSet<(u64, u64)>, meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    seen.insert((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn first_visit(_seen: &mut HashSet<(u64, u64)>, _meta: &fs::Metadata) -> bool {
    true
}

/// The verifiers that are not a list of CA certificates. Both check the handshake's own
/// signatures with the provider's algorithms, as rustls's own verifier does.
#[derive(Debug)]
pub struct Verifier {
    provider: Arc<CryptoProvider>,
    mode: Mode,
}

#[derive(Debug)]
enum Mode {
    /// The operating system's trust store, loaded on the first certificate to check: a run
    /// that never speaks TLS never reads it.
    System(OnceLock<Result<rustls_platform_verifier::Verifier, rustls::Error>>),
    /// `--verify=no`: any certificate, for any name, from any issuer, is accepted, as with
    /// curl's `--insecure`. The handshake's signatures are still checked: they prove the
    /// server holds the key of the certificate it sent, whatever that certificate is.
    Off,
}

impl Verifier {
    pub fn system(provider: Arc<CryptoProvider>) -> Verifier {
        Verifier {
            provider,
            mode: Mode::System(OnceLock::new()),
        }
    }

    pub fn off(provider: Arc<CryptoProvider>) -> Verifier {
        Verifier {
            provider,
            mode: Mode::Off,
        }
    }
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Mode::System(inner) = &self.mode else {
            return Ok(ServerCertVerified::assertion());
        };
        let verifier = inner.get_or_init(|| {
            rustls_platform_verifier::Verifier::new(self.provider.clone()).map_err(|e| {
                rustls::Error::General(format!(
                    "the system trust store cannot be used ({e}); name CA certificates with \
                     --verify=PATH or SSL_CERT_FILE"
                ))
            })
        });
        match verifier {
            Ok(v) => {
                v.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            }
            Err(e) => Err(e.clone()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        verify_tls12_signature(message, cert, dss, algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        verify_tls13_signature(message, cert, dss, algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ca(path: &Path) -> CaPath {
        CaPath {
            path: path.to_path_buf(),
            from: "--verify",
        }
    }

    fn err(paths: &[CaPath]) -> String {
        format!("{:#}", load_roots(paths).unwrap_err())
    }

    #[test]
    fn missing_empty_and_non_pem_bundles_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        assert!(err(&[ca(&missing)]).contains("--verify"));
        assert!(err(&[ca(&missing)]).contains("missing.pem: cannot read it"));
        let empty = dir.path().join("empty.pem");
        fs::write(&empty, b"").unwrap();
        assert!(err(&[ca(&empty)]).contains("no PEM certificate"));
        let text = dir.path().join("notes.txt");
        fs::write(&text, b"not a certificate").unwrap();
        assert!(err(&[ca(&text)]).contains("no PEM certificate"));
        let broken = dir.path().join("broken.pem");
        fs::write(&broken, b"-----BEGIN CERTIFICATE-----\nAAAA\n").unwrap();
        assert!(err(&[ca(&broken)]).contains("has no END line"));
        // A PEM block that holds no certificate rustls can use.
        let junk = dir.path().join("junk.pem");
        fs::write(
            &junk,
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        assert!(err(&[ca(&junk)]).contains("no usable CA certificate"));
        let none = dir.path().join("nodir");
        fs::create_dir(&none).unwrap();
        assert!(err(&[ca(&none)]).contains("no PEM certificate in the directory"));
    }

    #[test]
    fn files_are_read_within_a_bound() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        fs::write(&path, vec![b'a'; 2048]).unwrap();
        assert_eq!(read_capped(&path, 2048).unwrap().len(), 2048);
        let e = read_capped(&path, 2047).unwrap_err();
        assert!(e.to_string().contains("larger than"));
    }
}
