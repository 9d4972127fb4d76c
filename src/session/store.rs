//! Writing session files so that nothing is lost and nothing leaks.
//!
//! * Atomic: the new content goes to a temporary file in the same folder (created 0600 with
//!   O_EXCL by `tempfile`), is fsynced, then renamed over the old one. A crash or Ctrl-C at any
//!   point leaves the old file or the new one, never a mix; a planted symlink at the path is
//!   replaced, never written through; a looser existing mode is gone with the old inode.
//! * Concurrent runs: an exclusive `flock` on `<file>.lock` is held while the file is re-read,
//!   this run's changes are merged into what is there now, and the result is written. Eight
//!   runs each setting a cookie all end up in the file.
//! * The lock file is opened with O_NOFOLLOW (a planted symlink there is refused: nothing is
//!   created or changed through it, and the session is left as it was), created 0600 whatever
//!   the umask (an older looser one is tightened), and must be a regular file (O_NONBLOCK keeps
//!   a planted FIFO from hanging the open). It is empty and stays after the run: deleting it
//!   would race with a run that has it open and is waiting for it, and would let two runs
//!   hold "the" lock on two different files.
//! * Waiting for another run's lock is bounded ([`LOCK_WAIT`]); past it the run gives up with
//!   one line and the session is unchanged.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};

use super::file::{self, SessionData};

/// How long a run waits for another run to release a session's lock before giving up.
/// Writes take milliseconds; a lock held longer is a stuck or hostile process.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Longest wait `COURIER_SESSION_LOCK_WAIT` may ask for.
const MAX_LOCK_WAIT_SECS: f64 = 3600.0;

/// The bound on waiting for the lock: `COURIER_SESSION_LOCK_WAIT` seconds (a test knob, so
/// that tests of a held lock need not wait the full bound), else [`LOCK_WAIT`]. A value
/// that is not a number of seconds from 0 to an hour is ignored.
fn lock_wait() -> Duration {
    std::env::var("COURIER_SESSION_LOCK_WAIT")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|secs| secs.is_finite() && (0.0..=MAX_LOCK_WAIT_SECS).contains(secs))
        .map_or(LOCK_WAIT, Duration::from_secs_f64)
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

/// Opens (creating it if needed) the lock file of the session at `path`: never through a
/// symlink, never anything but a regular file, always 0600.
fn open_lock(path: &Path) -> Result<File> {
    let lock = lock_path(path);
    let opened = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&lock);
    let file = match opened {
        Ok(file) => file,
        // ELOOP is what O_NOFOLLOW gives for a symlink (EMLINK on some BSDs).
        Err(e)
            if matches!(e.raw_os_error(), Some(libc::ELOOP | libc::EMLINK))
                || fs::symlink_metadata(&lock).is_ok_and(|m| m.file_type().is_symlink()) =>
        {
            bail!(
                "session lock file {} is a symbolic link; not following it, the session is \
                 unchanged (remove the link to use this session)",
                lock.display()
            )
        }
        Err(e) => {
            return Err(e)
                .with_context(|| format!("cannot open session lock file {}", lock.display()))
        }
    };
    let meta = file
        .metadata()
        .with_context(|| format!("cannot open session lock file {}", lock.display()))?;
    if !meta.is_file() {
        bail!(
            "session lock file {} is not a regular file; the session is unchanged",
            lock.display()
        );
    }
    // Created 0600 above, but the umask may have taken more, and an existing one (left by an
    // older version) may be looser.
    if meta.permissions().mode() & 0o7777 != 0o600 {
        file.set_permissions(fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot make session lock file {} private", lock.display()))?;
    }
    Ok(file)
}

/// Takes the exclusive lock on `lock`, waiting at most `wait` for another holder.
fn lock_within(lock: &File, wait: Duration, path: &Path) -> Result<()> {
    let deadline = Instant::now() + wait;
    let mut pause = Duration::from_millis(5);
    loop {
        match lock.try_lock() {
            Ok(()) => return Ok(()),
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(e)) => {
                return Err(e)
                    .with_context(|| format!("cannot lock session file {}", path.display()))
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(anyhow!(
                "session file {} is locked by another run (its lock file {} is held); gave up \
                 after waiting {}, the session is unchanged",
                path.display(),
                lock_path(path).display(),
                seconds(wait)
            ));
        }
        std::thread::sleep(pause.min(left));
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

/// `10 s`, `1.5 s`, `0.25 s`.
fn seconds(d: Duration) -> String {
    format!(
        "{} s",
        crate::transport::errors::format_secs(d.as_secs_f64())
    )
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

/// Reads the file now on disk (none yet: empty data). At most one byte past the size limit is
/// read, so `/dev/zero` or a huge file is refused without filling memory; a FIFO is refused
/// before it is opened (opening it would wait for a writer, maybe forever).
pub fn read(path: &Path) -> Result<Option<SessionData>> {
    let cap = file::MAX_SESSION_BYTES as u64 + 1;
    let bytes = match crate::files::not_a_pipe(path)
        .and_then(|()| crate::files::read_at_most(path, cap))
    {
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
/// The lock file is left in place (see the module documentation).
pub fn update(path: &Path, merge: impl FnOnce(&mut SessionData)) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let lock = open_lock(path)?;
    lock_within(&lock, lock_wait(), path)?;

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
    fn the_lock_file_is_0600_and_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        update(&path, |_| {}).unwrap();
        let lock = dir.path().join("s.json.lock");
        let meta = fs::symlink_metadata(&lock).unwrap();
        assert!(meta.is_file());
        assert_eq!(meta.permissions().mode() & 0o7777, 0o600);
        // One left looser (by an older version) is tightened.
        fs::set_permissions(&lock, fs::Permissions::from_mode(0o644)).unwrap();
        update(&path, |_| {}).unwrap();
        assert_eq!(mode(&lock), 0o600);
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn a_symlink_at_the_lock_path_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        fs::write(&path, "{}").unwrap();
        let lock = dir.path().join("s.json.lock");
        // Dangling: following it would create the target.
        let target = dir.path().join("created");
        symlink(&target, &lock).unwrap();
        let err = update(&path, |d| d.headers.push(("X".into(), "1".into())))
            .unwrap_err()
            .to_string();
        assert!(err.contains("is a symbolic link"), "{err}");
        assert!(!target.exists());
        assert_eq!(fs::read_to_string(&path).unwrap(), "{}");
        // To an existing file: neither its content nor its mode change.
        let victim = dir.path().join("victim");
        fs::write(&victim, "keep").unwrap();
        fs::set_permissions(&victim, fs::Permissions::from_mode(0o644)).unwrap();
        fs::remove_file(&lock).unwrap();
        symlink(&victim, &lock).unwrap();
        assert!(update(&path, |_| {}).is_err());
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");
        assert_eq!(mode(&victim), 0o644);
        assert_eq!(fs::read_to_string(&path).unwrap(), "{}");
    }

    #[test]
    fn a_fifo_or_folder_at_the_lock_path_is_refused_without_hanging() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let lock = dir.path().join("s.json.lock");
        let status = std::process::Command::new("mkfifo").arg(&lock).status();
        if status.is_ok_and(|s| s.success()) {
            let err = update(&path, |_| {}).unwrap_err().to_string();
            assert!(err.contains("lock file"), "{err}");
            fs::remove_file(&lock).unwrap();
        }
        fs::create_dir(&lock).unwrap();
        let err = format!("{:#}", update(&path, |_| {}).unwrap_err());
        assert!(err.contains("lock file"), "{err}");
        assert!(!path.exists());
    }

    #[test]
    fn a_held_lock_is_waited_for_within_the_bound() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let holder = open_lock(&path).unwrap();
        holder.lock().unwrap();
        let mine = open_lock(&path).unwrap();
        let start = Instant::now();
        let err = lock_within(&mine, Duration::from_millis(300), &path)
            .unwrap_err()
            .to_string();
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(300), "{waited:?}");
        assert!(waited < Duration::from_secs(3), "{waited:?}");
        assert!(err.contains("is locked by another run"), "{err}");
        assert!(err.contains("after waiting 0.3 s"), "{err}");
        // Released meanwhile: taken.
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            drop(holder);
        });
        lock_within(&mine, Duration::from_secs(5), &path).unwrap();
        release.join().unwrap();
    }

    #[test]
    fn seconds_are_short() {
        assert_eq!(seconds(LOCK_WAIT), "10 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(seconds(Duration::from_millis(250)), "0.25 s");
        assert_eq!(seconds(Duration::ZERO), "0 s");
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
