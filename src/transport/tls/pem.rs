//! PEM sections (RFC 7468): the label and the DER bytes of each `-----BEGIN X-----` block.
//!
//! Our own small reader, because the files courier reads hold labels the usual parsers skip
//! (`ENCRYPTED PRIVATE KEY`) and legacy OpenSSL encryption headers (`Proc-Type: 4,ENCRYPTED`,
//! RFC 1421) that must be reported, not mistaken for a damaged key. Text outside the blocks
//! (comments, `openssl x509 -text` output) is ignored, as OpenSSL does.

use base64::Engine;

/// One block.
pub struct Section {
    pub label: String,
    pub der: Vec<u8>,
    /// It carried RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: ...`).
    pub legacy_encrypted: bool,
}

/// Why a file is not PEM.
#[derive(Debug, PartialEq, Eq)]
pub enum PemError {
    /// A block that never ends.
    Unterminated(String),
    /// Bad base64 in the block with this label.
    Base64(String),
}

impl std::fmt::Display for PemError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PemError::Unterminated(label) => write!(f, "the PEM block '{label}' has no END line"),
            PemError::Base64(label) => write!(f, "the PEM block '{label}' is not valid base64"),
        }
    }
}

impl std::error::Error for PemError {}

/// Every block in `text`, in order.
pub fn sections(text: &[u8]) -> Result<Vec<Section>, PemError> {
    let mut out = Vec::new();
    let mut open: Option<(String, Vec<u8>, bool)> = None;
    for line in text.split(|&b| b == b'\n') {
        let line = trim(line);
        if let Some((label, body, headers)) = open.as_mut() {
            if let Some(end) = marker(line, b"-----END ") {
                if end == label.as_bytes() {
                    let der = base64::engine::general_purpose::STANDARD
                        .decode(&body[..])
                        .map_err(|_| PemError::Base64(label.clone()))?;
                    out.push(Section {
                        label: std::mem::take(label),
                        der,
                        legacy_encrypted: *headers,
                    });
                    open = None;
                }
            } else if line.contains(&b':') {
                *headers = true;
            } else {
                body.extend(line.iter().filter(|b| !b.is_ascii_whitespace()));
            }
        } else if let Some(label) = marker(line, b"-----BEGIN ") {
            open = Some((
                String::from_utf8_lossy(label).into_owned(),
                Vec::new(),
                false,
            ));
        }
    }
    match open {
        Some((label, _, _)) => Err(PemError::Unterminated(label)),
        None => Ok(out),
    }
}

/// `LABEL` in `-----BEGIN LABEL-----` (or END).
fn marker<'a>(line: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    line.strip_prefix(prefix)?.strip_suffix(b"-----")
}

fn trim(line: &[u8]) -> &[u8] {
    let start = line.iter().position(|b| !b.is_ascii_whitespace());
    let end = line.iter().rposition(|b| !b.is_ascii_whitespace());
    match (start, end) {
        (Some(s), Some(e)) => &line[s..=e],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_with_their_labels_and_text_around_them_ignored() {
        let text = b"subject=CN = x\r\n-----BEGIN CERTIFICATE-----\r\nAAEC\r\nAw==\r\n-----END CERTIFICATE-----\r\n\
junk\n-----BEGIN ENCRYPTED PRIVATE KEY-----\nBAUG\n-----END ENCRYPTED PRIVATE KEY-----\n";
        let found = sections(text).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].label, "CERTIFICATE");
        assert_eq!(found[0].der, [0, 1, 2, 3]);
        assert_eq!(found[1].label, "ENCRYPTED PRIVATE KEY");
        assert_eq!(found[1].der, [4, 5, 6]);
        assert!(!found[1].legacy_encrypted);
    }

    #[test]
    fn legacy_encryption_headers_are_flagged() {
        let text = b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\
DEK-Info: AES-128-CBC,00\n\nAAEC\n-----END RSA PRIVATE KEY-----\n";
        let found = sections(text).unwrap();
        assert!(found[0].legacy_encrypted);
    }

    #[test]
    fn broken_blocks_are_errors_and_plain_text_has_none() {
        assert_eq!(
            sections(b"-----BEGIN CERTIFICATE-----\nAAEC\n").err(),
            Some(PemError::Unterminated("CERTIFICATE".into()))
        );
        assert_eq!(
            sections(b"-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----").err(),
            Some(PemError::Base64("CERTIFICATE".into()))
        );
        assert!(sections(b"hello\nworld").unwrap().is_empty());
        assert!(sections(&[0x30, 0x82, 0xff, 0x00]).unwrap().is_empty());
    }
}
