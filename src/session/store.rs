//! Writing session files so that nothing is lost and nothing leaks.
//!
//! * Atomic: the new content goes to a temporary file in the same folder (created 0600 with
//!   O_EXCL by `tempfile`), is fsynced, then renamed over the old one. A crash or Ctrl-C at any
//!   point leaves the old file or the new one, never a mix; a planted symlink at the path is
//!   replaced, never written through; a looser existing mode is gone with the old inode.
//! * Concurrent runs: an exclusive lock on `<file>.lock` is held while the file is re-read, this
//!   run's changes are merged into what is there now, and the result is written. Eight runs
//!   each setting a cookie all end up in the file.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::file::{self, SessionData};

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

/// Creates the session's folder private to the user; for named sessions, every folder from
/// the sessions root down is tightened to 0700 even if it existed.
pub fn ensure_dir(dir: &Path, private_from: Option<&Path>) -> Result<()> {
    // Folders created here are 0700 whoever chose the path.
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))?;
    if let Some(root) = private_from {
        // Every folder from the sessions root down to this one: 0700.
        let mut current = Some(dir);
        while let Some(d) = current {
            fs::set_permissions(d, fs::Permissions::from_mode(0o700))
                .with_context(|| format!("cannot restrict {}", d.display()))?;
            if d == root {
                break;
            }
            current = d.parent().filter(|p| p.starts_with(root));
        }
    }
    Ok(())
}

/// Reads the file now on disk (none yet: empty data).
pub fn read(path: &Path) -> Result<Option<SessionData>> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read session file {}", path.display()))
        }
    };
    file::parse(&bytes)
        .map(Some)
        .map_err(|why| anyhow::anyhow!("invalid session file {}: {why}", path.display()))
}

/// Under the lock: re-reads the file, lets `merge` apply this run's changes, writes atomically.
pub fn update(path: &Path, merge: impl FnOnce(&mut SessionData)) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path(path))
        .with_context(|| format!("cannot lock session file {}", path.display()))?;
    lock.lock()
        .with_context(|| format!("cannot lock session file {}", path.display()))?;

    let mut data = read(path)?.unwrap_or_default();
    merge(&mut data);
    data.warnings.clear();
    let text = file::render(&data);

    let mut tmp = tempfile::Builder::new()
        .prefix(".session.")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write a session file in {}", dir.display()))?;
    tmp.write_all(text.as_bytes())
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write session file {}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace session file {}", path.display()))?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    drop(lock);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn writes_0600_replacing_symlinks_and_loose_modes() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("victim");
        fs::write(&target, "{}").unwrap();
        let path = dir.path().join("s.json");
        symlink(&target, &path).unwrap();
        update(&path, |d| d.headers.push(("X".into(), "1".into()))).unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "{}");
        let meta = fs::symlink_metadata(&path).unwrap();
        assert!(meta.is_file());
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);

        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        update(&path, |d| d.headers.push(("Y".into(), "2".into()))).unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let data = read(&path).unwrap().unwrap();
        assert_eq!(data.headers.len(), 2);
    }

    #[test]
    fn corrupt_files_are_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        fs::write(&path, "{\"headers\": [").unwrap();
        let err = update(&path, |_| {}).unwrap_err().to_string();
        assert!(err.starts_with("invalid session file"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "{\"headers\": [");
    }

    #[test]
    fn private_dirs() {
        let root = tempfile::tempdir().unwrap();
        let sessions = root.path().join("sessions");
        let host = sessions.join("example.org");
        ensure_dir(&host, Some(&sessions)).unwrap();
        for d in [&sessions, &host] {
            assert_eq!(fs::metadata(d).unwrap().permissions().mode() & 0o777, 0o700);
        }
    }
}
