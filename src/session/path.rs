//! Where a session lives. Named sessions sit under the config dir, one folder per host; a
//! value with a `/` is a path the user chose. Nothing a user or a server controls may lead a
//! named session out of its folder: names are restricted to `[A-Za-z0-9_.-]` (not `.`/`..`),
//! and the host folder comes from a sanitised host, never a raw `Host:` header.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

/// The config directory: `$COURIER_CONFIG_DIR`, else the platform's (`~/.config/courier`).
pub fn config_dir() -> Option<PathBuf> {
    match std::env::var_os("COURIER_CONFIG_DIR") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => dirs::config_dir().map(|d| d.join("courier")),
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// The folder name for a host: `host:port` with `:` as `_`, as HTTPie names it. A host that
/// would not make a plain folder name (a hostile `Host:` header like `../../x`) is refused.
pub fn host_folder(host: &str) -> Result<String> {
    let folder = host.trim().to_ascii_lowercase().replace(':', "_");
    let folder = folder.trim_start_matches('[').replace(']', "");
    if !valid_name(&folder) || folder.starts_with('.') {
        bail!("cannot store a session for the host {host:?}: not a plain host name");
    }
    Ok(folder)
}

/// The file of `--session=VALUE` for requests to `host` (the Host header, else the URL's).
pub fn session_file(value: &str, host: &str, config: Option<&Path>) -> Result<PathBuf> {
    if value.contains('/') {
        let expanded = match (value.strip_prefix("~/"), dirs::home_dir()) {
            (Some(rest), Some(home)) => home.join(rest),
            _ => PathBuf::from(value),
        };
        return Ok(expanded);
    }
    if !valid_name(value) {
        bail!("Session name contains invalid characters: {value:?} (allowed: letters, digits, _ . -; use a path with a / for a session file of your own)");
    }
    let Some(config) = config else {
        bail!("cannot find a config directory for sessions; set COURIER_CONFIG_DIR");
    };
    Ok(config
        .join("sessions")
        .join(host_folder(host)?)
        .join(format!("{value}.json")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_sessions_live_in_a_host_folder() {
        let cfg = Path::new("/cfg");
        assert_eq!(
            session_file("work", "localhost:8765", Some(cfg)).unwrap(),
            Path::new("/cfg/sessions/localhost_8765/work.json")
        );
        assert_eq!(
            session_file("a.b-c_1", "Pie.Dev", Some(cfg)).unwrap(),
            Path::new("/cfg/sessions/pie.dev/a.b-c_1.json")
        );
        assert_eq!(
            session_file("w", "[::1]:80", Some(cfg)).unwrap(),
            Path::new("/cfg/sessions/__1_80/w.json")
        );
    }

    #[test]
    fn names_and_hosts_cannot_escape() {
        let cfg = Some(Path::new("/cfg"));
        for bad in ["..", ".", "a b", "a\\b", "a\0b", "", "é"] {
            assert!(session_file(bad, "h", cfg).is_err(), "{bad:?}");
        }
        for host in ["../../x", "..", ".", "a/b", "evil\\x", "", ".hidden"] {
            assert!(session_file("s", host, cfg).is_err(), "{host:?}");
        }
    }

    #[test]
    fn values_with_a_slash_are_paths() {
        assert_eq!(
            session_file("./s.json", "h", None).unwrap(),
            Path::new("./s.json")
        );
        assert_eq!(
            session_file("/tmp/x/../y.json", "h", None).unwrap(),
            Path::new("/tmp/x/../y.json")
        );
    }
}
