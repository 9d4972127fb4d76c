//! Named sessions (`--session=NAME`): cookies, auth and headers kept between runs.
//!
//! The engine sits between the request spec and the transport: it loads the file, hands its
//! headers and auth to the spec builder and its cookies to the run's jar, and afterwards merges
//! what this run taught it into the file as it is on disk then (another run may have written it
//! meanwhile). `.netrc` credentials are never written into a session.

pub mod file;
pub mod path;
pub mod store;

use std::path::PathBuf;

use anyhow::Result;

use crate::auth::{Auth, AuthType, Source};
use crate::cookies::{CookieJar, StoredCookie};
use file::{SessionData, StoredAuth, StoredScheme};

pub struct Session {
    pub path: PathBuf,
    pub read_only: bool,
    pub data: SessionData,
    /// The host whose folder a named session lives in (cookies without a domain bind to it).
    pub host: String,
    /// For named sessions: the sessions root, whose folders are kept private (0700).
    private_root: Option<PathBuf>,
}

/// What a run changes in its session.
#[derive(Debug, Default)]
pub struct Changes {
    /// Header items typed this run: each name's stored values are replaced by these.
    pub headers: Vec<(String, String)>,
    /// Credentials given this run (not from .netrc).
    pub auth: Option<StoredAuth>,
    /// The jar when the run started and when it ended: the difference is this run's doing.
    pub cookies_before: Vec<StoredCookie>,
    pub cookies_after: Vec<StoredCookie>,
}

impl Session {
    /// Opens `--session=VALUE` for requests to `host`; a missing file is an empty session.
    pub fn open(value: &str, host: &str, read_only: bool) -> Result<Session> {
        let config = path::config_dir();
        let path = path::session_file(value, host, config.as_deref())?;
        let private_root = (!value.contains('/'))
            .then(|| config.map(|c| c.join("sessions")))
            .flatten();
        let data = store::read(&path)?.unwrap_or_default();
        Ok(Session {
            path,
            read_only,
            data,
            host: host_without_port(host).to_string(),
            private_root,
        })
    }

    pub fn jar(&self) -> CookieJar {
        CookieJar::from_stored(&self.data.cookies, &self.host)
    }

    /// Merges this run's changes into the file under its lock, atomically.
    pub fn save(&self, changes: &Changes) -> Result<()> {
        if self.read_only {
            return Ok(());
        }
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            store::ensure_dir(dir, self.private_root.as_deref())?;
        }
        let host = self.host.clone();
        store::update(&self.path, |data| merge(data, changes, &host))
    }
}

/// `example.org:8080` → `example.org`, `[::1]:8080` → `[::1]`.
fn host_without_port(host: &str) -> &str {
    crate::url_input::split_host_port(host).0
}

/// Which request headers a session keeps: not the body's (`Content-*`), not conditional ones
/// (`If-*`), not `Cookie` (those become cookies), not our own default User-Agent.
pub fn storable_header(name: &str, value: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !(lower.starts_with("content-")
        || lower.starts_with("if-")
        || lower == "cookie"
        || lower == "transfer-encoding"
        || (lower == "user-agent" && value.starts_with("courier/")))
}

/// The credentials to store for this run's auth, unless they came from .netrc, the
/// environment or the session; `scheme` is what a signing scheme keeps besides. An OAuth 2.0
/// client's secret is never stored: its id and its token are. (A client from the session has
/// no secret, so it fetched no token to store.)
pub fn storable_auth(auth: Option<&Auth>, scheme: Option<StoredScheme>) -> Option<StoredAuth> {
    let auth = auth?;
    if matches!(
        auth.source,
        Source::Netrc | Source::Session | Source::Environment
    ) {
        return None;
    }
    let raw = match auth.kind {
        AuthType::Bearer => auth.secret.clone(),
        AuthType::OAuth2 => auth.user.clone(),
        _ => format!("{}:{}", auth.user, auth.secret),
    };
    Some(StoredAuth {
        kind: auth.kind,
        raw,
        scheme: scheme.unwrap_or_default(),
    })
}

fn key(c: &StoredCookie) -> (String, String, String) {
    (
        c.name.clone(),
        c.domain.to_ascii_lowercase(),
        c.path.clone(),
    )
}

/// Applies a run's changes to the session as it is on disk now.
pub fn merge(data: &mut SessionData, changes: &Changes, host: &str) {
    let mut names: Vec<&str> = Vec::new();
    for (name, _) in &changes.headers {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            names.push(name);
        }
    }
    data.headers
        .retain(|(n, _)| !names.iter().any(|m| m.eq_ignore_ascii_case(n)));
    data.headers.extend(changes.headers.iter().cloned());

    if let Some(auth) = &changes.auth {
        data.auth = Some(auth.clone());
    }

    // Cookies: bind old-layout ones, then apply only what this run changed.
    let on_disk = CookieJar::from_stored(&data.cookies, host).to_stored();
    let before: Vec<_> = changes.cookies_before.iter().map(key).collect();
    let after: Vec<_> = changes.cookies_after.iter().map(key).collect();
    let removed: Vec<_> = before
        .iter()
        .filter(|k| !after.contains(k))
        .cloned()
        .collect();
    let changed: Vec<&StoredCookie> = changes
        .cookies_after
        .iter()
        .filter(|c| !changes.cookies_before.contains(c))
        .collect();
    let mut cookies: Vec<StoredCookie> = on_disk
        .into_iter()
        .filter(|c| {
            let k = key(c);
            !removed.contains(&k) && !changed.iter().any(|n| key(n) == k)
        })
        .collect();
    cookies.extend(changed.into_iter().cloned());
    data.cookies = cookies;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookie(name: &str, value: &str) -> StoredCookie {
        StoredCookie {
            name: name.into(),
            value: value.into(),
            domain: "example.org".into(),
            path: "/".into(),
            secure: false,
            expires: None,
            host_only: true,
        }
    }

    #[test]
    fn merge_keeps_what_others_wrote_meanwhile() {
        let mut disk = SessionData {
            cookies: vec![cookie("theirs", "1"), cookie("old", "1")],
            headers: vec![("X-A".into(), "1".into()), ("X-B".into(), "1".into())],
            ..SessionData::default()
        };
        let changes = Changes {
            headers: vec![("x-a".into(), "2".into()), ("x-a".into(), "3".into())],
            auth: None,
            cookies_before: vec![cookie("old", "1")],
            cookies_after: vec![cookie("mine", "1")],
        };
        merge(&mut disk, &changes, "example.org");
        let names: Vec<_> = disk.cookies.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["theirs", "mine"]);
        assert_eq!(
            disk.headers,
            [
                ("X-B".into(), "1".into()),
                ("x-a".into(), "2".into()),
                ("x-a".into(), "3".into())
            ]
        );
    }

    #[test]
    fn hosts_lose_their_ports() {
        assert_eq!(host_without_port("example.org:8080"), "example.org");
        assert_eq!(host_without_port("[::1]:8080"), "[::1]");
        assert_eq!(host_without_port("[::1]"), "[::1]");
        assert_eq!(host_without_port("example.org"), "example.org");
    }

    #[test]
    fn what_is_stored() {
        assert!(storable_header("X-Api-Key", "k"));
        assert!(storable_header("User-Agent", "mine/1"));
        for (n, v) in [
            ("Content-Type", "x"),
            ("If-None-Match", "x"),
            ("Cookie", "a=1"),
            ("User-Agent", "courier/0.1.0"),
        ] {
            assert!(!storable_header(n, v), "{n}");
        }
        let netrc = Auth {
            kind: AuthType::Basic,
            user: "u".into(),
            secret: "p".into(),
            source: Source::Netrc,
        };
        assert!(storable_auth(Some(&netrc), None).is_none());
        let cli = Auth {
            source: Source::CommandLine,
            ..netrc
        };
        assert_eq!(storable_auth(Some(&cli), None).unwrap().raw, "u:p");
    }
}
