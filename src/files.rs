//! Reading local files the user names, bounded: a huge file, or `/dev/zero` given where a small
//! file was meant, costs at most the cap plus one byte, never all memory.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The first `n` bytes of `path` (fewer if it is shorter).
pub fn read_at_most(path: &Path, n: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    File::open(path)?.take(n).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The whole of `path`, which must hold at most `limit` bytes.
pub fn read_capped(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let bytes = read_at_most(path, limit.saturating_add(1))?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::other(format!("larger than {}", size(limit))));
    }
    Ok(bytes)
}

/// Like [`read_capped`], for files that must be regular files (certificates, keys): a FIFO
/// with no writer would block the open forever, and a device is never a certificate.
pub fn read_regular_capped(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    read_capped(path, limit)
}

/// Refuses a named pipe or a socket: opening one to read waits for a writer, maybe forever
/// (a FIFO planted as a config or session file would hang every run). Devices and regular
/// files pass: reading them is bounded by the caller's cap.
pub fn not_a_pipe(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = std::fs::metadata(path)?.file_type();
        if kind.is_fifo() || kind.is_socket() {
            return Err(io::Error::other("a named pipe or socket, not a file"));
        }
    }
    Ok(())
}

/// `16 MiB`, `64 KiB`, `100 bytes`.
fn size(n: u64) -> String {
    match n {
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endless_files_cost_the_cap() {
        let zero = Path::new("/dev/zero");
        assert_eq!(read_at_most(zero, 10).unwrap().len(), 10);
        let err = read_capped(zero, 1 << 20).unwrap_err();
        assert_eq!(err.to_string(), "larger than 1 MiB");
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("s");
        std::fs::write(&small, b"abc").unwrap();
        assert_eq!(read_capped(&small, 3).unwrap(), b"abc");
        assert_eq!(
            read_capped(&small, 2).unwrap_err().to_string(),
            "larger than 2 bytes"
        );
    }
}
