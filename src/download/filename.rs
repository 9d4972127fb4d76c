//! Choosing a safe file name for a download.
//!
//! Priority: `-o` (the caller's), then `Content-Disposition` (`filename*` per RFC 6266/5987
//! first), then the *first* URL of the chain, never a redirect target (HTTPie's
//! CVE-2019-10751), with an extension from the MIME type when it has none. Whatever the server
//! says is sanitised: no directory parts or traversal (percent-encoded ones included: decode,
//! then sanitise), no leading dots, no control characters, bounded length with the extension
//! kept. The file is created with create-new semantics, so an existing file or a planted
//! symlink is never written through: the next free `name-1`, `name-2`… is used instead.
//!
//! Why not the `content_disposition` crate: its 0.4 prefers `filename` over `filename*` (RFC
//! 6266 §4.3 says the opposite) and `unwrap`s on paths a server controls.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use url::Url;

/// NAME_MAX on the file systems we write to.
pub const MAX_NAME_BYTES: usize = 255;

/// Splits `a; b="c;d"; e` on semicolons outside quotes.
fn params(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                out.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&value[start..]);
    out
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    match v.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) => {
            let mut out = String::new();
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    out.extend(chars.next());
                } else {
                    out.push(c);
                }
            }
            out
        }
        None => v.to_string(),
    }
}

/// RFC 5987 `charset'lang'percent-encoded`.
fn ext_value(v: &str) -> Option<String> {
    let mut parts = v.trim().splitn(3, '\'');
    let charset = parts.next()?;
    let _lang = parts.next()?;
    let encoded = parts.next()?;
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(encoded).collect();
    let encoding = encoding_rs::Encoding::for_label_no_replacement(charset.as_bytes())?;
    Some(encoding.decode_without_bom_handling(&bytes).0.into_owned())
}

/// The file name a Content-Disposition value proposes, as the server wrote it (unsanitised).
pub fn from_content_disposition(value: &[u8]) -> Option<String> {
    let value = String::from_utf8_lossy(value);
    let mut plain = None;
    let mut extended = None;
    for param in params(&value).into_iter().skip(1) {
        let Some((key, v)) = param.split_once('=') else {
            continue;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "filename*" => extended = extended.or_else(|| ext_value(v)),
            "filename" => plain = plain.or_else(|| Some(unquote(v))),
            _ => {}
        }
    }
    extended.or(plain).filter(|n| !n.trim().is_empty())
}

/// The last path segment of the URL, percent-decoded (`/dir/` → `dir`, `/` → `index`).
pub fn from_url(url: &Url) -> String {
    let path = url.path().trim_end_matches('/');
    let last = path.rsplit('/').next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(last)
        .decode_utf8_lossy()
        .into_owned();
    if decoded.is_empty() {
        "index".to_string()
    } else {
        decoded
    }
}

const WINDOWS_RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Controls, `:` and bidirectional formatting characters, which could make a name read as
/// another (`invoice\u{202e}fdp.exe` shows as `invoiceexe.pdf`).
fn unsafe_in_name(c: char) -> bool {
    c.is_control() || c == ':' || crate::pretty::sanitize::is_bidi_char(c)
}

/// A name safe to create in the current directory, or None when nothing usable is left.
pub fn sanitize(raw: &str) -> Option<String> {
    // Only the last component, whatever separator the server used.
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .map(|c| if unsafe_in_name(c) { '_' } else { c })
        .collect();
    let trimmed = cleaned
        .trim()
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' ']);
    if trimmed.is_empty() {
        return None;
    }
    let stem = trimmed.split('.').next().unwrap_or("").to_ascii_lowercase();
    let name = if WINDOWS_RESERVED.contains(&stem.as_str()) {
        format!("_{trimmed}")
    } else {
        trimmed.to_string()
    };
    Some(truncate(&name, MAX_NAME_BYTES))
}

/// Shortens a name to `max` bytes, cutting the stem so the extension survives.
pub fn truncate(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 && name.len() - i <= 16 => name.split_at(i),
        _ => (name, ""),
    };
    let mut cut = max.saturating_sub(ext.len());
    while cut > 0 && !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{ext}", &stem[..cut])
}

/// An extension for a MIME type, for names that have none (HTTPie: text/plain → .txt).
fn extension_for(mime: &str) -> Option<String> {
    let essence = mime.split(';').next()?.trim().to_ascii_lowercase();
    let ext = match essence.as_str() {
        "text/plain" => "txt",
        "text/html" => "html",
        "application/json" => "json",
        "application/xml" | "text/xml" => "xml",
        "application/octet-stream" | "" => return None,
        other => mime_guess::get_mime_extensions_str(other)?.first()?,
    };
    Some(ext.to_string())
}

/// The name to save under, from what the response says and the first URL asked for.
pub fn choose(content_disposition: Option<&[u8]>, first_url: &Url, mime: Option<&str>) -> String {
    if let Some(name) = content_disposition
        .and_then(from_content_disposition)
        .and_then(|n| sanitize(&n))
    {
        return name;
    }
    let name = sanitize(&from_url(first_url)).unwrap_or_else(|| "index".to_string());
    if name.contains('.') {
        return name;
    }
    match mime.and_then(extension_for) {
        Some(ext) => truncate(&format!("{name}.{ext}"), MAX_NAME_BYTES),
        None => name,
    }
}

/// Creates `name` in `dir`, or `name-1`, `name-2`… (the suffix after the extension, as HTTPie
/// does), never opening an existing file or following a symlink.
pub fn create_unique(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    for n in 0..10_000u32 {
        let candidate = if n == 0 {
            name.to_string()
        } else {
            let suffix = format!("-{n}");
            format!("{}{suffix}", truncate(name, MAX_NAME_BYTES - suffix.len()))
        };
        let path = dir.join(&candidate);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("no free file name like {name}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cd(v: &str) -> Option<String> {
        from_content_disposition(v.as_bytes())
    }

    #[test]
    fn content_disposition_forms() {
        assert_eq!(cd("attachment; filename=a.txt").as_deref(), Some("a.txt"));
        assert_eq!(
            cd("attachment; filename=\"a; b.txt\"").as_deref(),
            Some("a; b.txt")
        );
        assert_eq!(
            cd("attachment; filename=\"q\\\"x.txt\"").as_deref(),
            Some("q\"x.txt")
        );
        assert_eq!(
            cd("attachment; filename=\"plain.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt")
                .as_deref(),
            Some("€ rates.txt")
        );
        assert_eq!(
            cd("attachment; filename*=iso-8859-1'en'%E5.txt").as_deref(),
            Some("å.txt")
        );
        assert_eq!(cd("inline"), None);
        assert_eq!(cd("attachment; filename=\"\""), None);
        assert_eq!(
            cd("attachment; filename*=bogus''x; filename=y").as_deref(),
            Some("y")
        );
    }

    #[test]
    fn traversal_and_dangerous_names() {
        for (raw, want) in [
            ("../../x", Some("x")),
            ("/etc/passwd", Some("passwd")),
            ("..\\..\\x", Some("x")),
            ("C:evil", Some("C_evil")),
            ("a/b/c", Some("c")),
            (".bashrc", Some("bashrc")),
            ("....", None),
            (".", None),
            ("..", None),
            ("", None),
            ("a\u{1b}[2Jb\n.txt", Some("a_[2Jb_.txt")),
            ("NUL.txt", Some("_NUL.txt")),
            ("con", Some("_con")),
        ] {
            assert_eq!(sanitize(raw).as_deref(), want, "{raw:?}");
        }
        let long = format!("{}.tar.gz", "a".repeat(1000));
        let cut = sanitize(&long).unwrap();
        assert!(cut.len() <= MAX_NAME_BYTES && cut.ends_with(".gz"), "{cut}");
        let wide = format!("{}.txt", "é".repeat(300));
        assert!(sanitize(&wide).unwrap().ends_with(".txt"));
    }

    #[test]
    fn names_from_urls_use_the_first_url_and_decode_then_sanitise() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(choose(None, &u("http://h/file.txt"), None), "file.txt");
        assert_eq!(
            choose(None, &u("http://h/dir/"), Some("application/json")),
            "dir.json"
        );
        assert_eq!(
            choose(None, &u("http://h/"), Some("text/html; charset=utf-8")),
            "index.html"
        );
        assert_eq!(
            choose(None, &u("http://h/file"), Some("text/plain")),
            "file.txt"
        );
        assert_eq!(
            choose(
                None,
                &u("http://h/file"),
                Some("application/x-unknown-thing")
            ),
            "file"
        );
        assert_eq!(choose(None, &u("http://h/%2e%2e%2fx"), None), "x");
        assert_eq!(choose(None, &u("http://h/a%2Fb"), None), "b");
        assert_eq!(choose(None, &u("http://h/%00"), None), "_");
        assert_eq!(
            choose(
                Some(b"attachment; filename=\"../../evil.sh\""),
                &u("http://h/x"),
                None
            ),
            "evil.sh"
        );
        assert_eq!(
            choose(
                Some(b"attachment; filename*=UTF-8''..%2F..%2Fx"),
                &u("http://h/y"),
                None
            ),
            "x"
        );
        assert_eq!(
            choose(
                Some(b"attachment; filename=\"..\""),
                &u("http://h/y.bin"),
                None
            ),
            "y.bin"
        );
    }

    #[test]
    fn never_clobbers_and_never_follows_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("file.txt"), "mine").unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join("file.txt-1")).unwrap();
        let (path, _) = create_unique(dir.path(), "file.txt").unwrap();
        assert_eq!(path.file_name().unwrap(), "file.txt-2");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("file.txt")).unwrap(),
            "mine"
        );
    }
}
