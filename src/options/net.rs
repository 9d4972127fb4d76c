//! How to reach the server: `--resolve`, `-4`/`-6`, `--unix-socket`, `--interface`, and the
//! time and size limits (`--connect-timeout`, `--max-time`, `--max-headers`). Pure parsing and
//! checking, unit-tested; the transport applies the result.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Result};

/// Which address families to connect over (`-4`, `-6`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IpFamily {
    #[default]
    Any,
    V4,
    V6,
}

/// `--resolve HOST:PORT:ADDR[,ADDR...]`, as curl: connections to HOST:PORT go to ADDR, while the
/// Host header and the TLS name stay HOST. HOST `*` matches every host on PORT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveEntry {
    /// Lower-cased, without brackets; `*` for any.
    pub host: String,
    pub port: u16,
    pub addrs: Vec<IpAddr>,
}

impl ResolveEntry {
    /// Whether this entry applies to `host` (as in the URL, IPv6 without brackets) on `port`.
    pub fn matches(&self, host: &str, port: u16) -> bool {
        self.port == port && (self.host == "*" || self.host.eq_ignore_ascii_case(host))
    }
}

/// `--interface`: the local address connections are made from, or an interface whose address
/// is used (as curl).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interface {
    Addr(IpAddr),
    Name(String),
}

/// `--unix-socket` and friends, resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Addressing {
    pub resolve: Vec<ResolveEntry>,
    pub family: IpFamily,
    /// Talk HTTP over this Unix domain socket instead of TCP (the URL's host is then only the
    /// Host header).
    pub unix_socket: Option<PathBuf>,
    pub interface: Option<Interface>,
}

/// At most this many `--resolve` entries.
const MAX_RESOLVE: usize = 256;
/// At most this many addresses in one entry (what the HTTP engine tries per host).
const MAX_ADDRS: usize = 16;

pub fn parse_resolve(value: &str) -> Result<ResolveEntry> {
    let usage = || {
        anyhow::anyhow!(
            "invalid --resolve value '{value}': expected HOST:PORT:ADDR[,ADDR...], \
             e.g. example.org:443:127.0.0.1"
        )
    };
    // HOST may itself be a bracketed IPv6 address; ADDR may be too.
    let (host, rest) = match value.strip_prefix('[') {
        Some(v6) => {
            let (h, rest) = v6.split_once("]:").ok_or_else(usage)?;
            (h, rest)
        }
        None => value.split_once(':').ok_or_else(usage)?,
    };
    let (port, addrs) = rest.split_once(':').ok_or_else(usage)?;
    let port: u16 = port.parse().ok().filter(|p| *p > 0).ok_or_else(usage)?;
    if host.is_empty() || host.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(usage());
    }
    let addrs = addrs
        .split(',')
        .map(|a| {
            let a = a.trim();
            let bare = a
                .strip_prefix('[')
                .and_then(|a| a.strip_suffix(']'))
                .unwrap_or(a);
            bare.parse::<IpAddr>().map_err(|_| {
                anyhow::anyhow!("invalid --resolve value '{value}': '{a}' is not an IP address")
            })
        })
        .collect::<Result<Vec<_>>>()?;
    if addrs.len() > MAX_ADDRS {
        bail!("invalid --resolve value '{value}': more than {MAX_ADDRS} addresses");
    }
    Ok(ResolveEntry {
        host: host.to_ascii_lowercase(),
        port,
        addrs,
    })
}

pub fn parse_interface(value: &str) -> Result<Interface> {
    let bare = value
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .unwrap_or(value);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(Interface::Addr(ip));
    }
    // Interface names are short words (Linux: at most 15 bytes).
    let valid = !value.is_empty()
        && value.len() <= 64
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:@".contains(c));
    if !valid {
        bail!("invalid --interface value '{value}': expected an IP address or an interface name such as eth0");
    }
    Ok(Interface::Name(value.to_string()))
}

pub fn addressing(
    resolve: &[String],
    ipv4: bool,
    ipv6: bool,
    unix_socket: Option<&PathBuf>,
    interface: Option<&str>,
) -> Result<Addressing> {
    if resolve.len() > MAX_RESOLVE {
        bail!("too many --resolve entries (at most {MAX_RESOLVE})");
    }
    let family = match (ipv4, ipv6) {
        (true, true) => bail!("-4/--ipv4 and -6/--ipv6 cannot be used together"),
        (true, false) => IpFamily::V4,
        (false, true) => IpFamily::V6,
        (false, false) => IpFamily::Any,
    };
    if unix_socket.is_some() && interface.is_some() {
        bail!("--interface does not apply to --unix-socket");
    }
    if let Some(path) = unix_socket.filter(|p| p.as_os_str().is_empty()) {
        bail!("--unix-socket needs a path, not '{}'", path.display());
    }
    Ok(Addressing {
        resolve: resolve
            .iter()
            .map(|r| parse_resolve(r))
            .collect::<Result<_>>()?,
        family,
        unix_socket: unix_socket.cloned(),
        interface: interface.map(parse_interface).transpose()?,
    })
}

/// The most response header lines the HTTP engine (ureq-proto) reads at all (128).
pub const ENGINE_MAX_HEADERS: u64 = ureq_proto::client::MAX_RESPONSE_HEADERS as u64;

/// `--max-headers N`: 0 (the default) leaves only the engine's own limit of 128 lines, so a
/// larger N would do nothing and is refused.
pub fn max_headers(value: Option<u64>) -> Result<Option<usize>> {
    match value {
        None | Some(0) => Ok(None),
        Some(n) if n <= ENGINE_MAX_HEADERS => Ok(Some(n as usize)),
        Some(n) => bail!(
            "--max-headers must be from 0 to {ENGINE_MAX_HEADERS} (more header lines are never \
             read), not {n}"
        ),
    }
}

/// A connect budget when neither `--connect-timeout` nor `--timeout` says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Which option set a time limit: named in the message when it is hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitSource {
    Timeout,
    ConnectTimeout,
    Default,
}

/// The connect budget and where it came from: `--connect-timeout`, else `--timeout`, else 30 s.
pub fn connect_limit(connect: Option<Duration>, idle: Option<Duration>) -> (Duration, LimitSource) {
    match (connect, idle) {
        (Some(c), _) => (c, LimitSource::ConnectTimeout),
        (None, Some(i)) => (i, LimitSource::Timeout),
        (None, None) => (DEFAULT_CONNECT_TIMEOUT, LimitSource::Default),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_entries_as_curl_writes_them() {
        let e = parse_resolve("Example.org:443:127.0.0.1").unwrap();
        assert_eq!(e.host, "example.org");
        assert_eq!(e.port, 443);
        assert_eq!(e.addrs, ["127.0.0.1".parse::<IpAddr>().unwrap()]);
        assert!(e.matches("EXAMPLE.org", 443));
        assert!(!e.matches("example.org", 80));
        let v6 = parse_resolve("[::1]:8080:[::1],127.0.0.2").unwrap();
        assert_eq!(v6.host, "::1");
        assert_eq!(v6.addrs.len(), 2);
        let any = parse_resolve("*:80:10.0.0.1").unwrap();
        assert!(any.matches("whatever.test", 80));
        for bad in [
            "example.org",
            "example.org:443",
            "example.org:x:127.0.0.1",
            "example.org:0:127.0.0.1",
            "example.org:443:not-an-ip",
            ":443:127.0.0.1",
            "[::1:443:127.0.0.1",
        ] {
            let err = parse_resolve(bad).unwrap_err().to_string();
            assert!(err.starts_with("invalid --resolve value"), "{bad}: {err}");
        }
    }

    #[test]
    fn interfaces_are_addresses_or_names() {
        assert_eq!(
            parse_interface("127.0.0.1").unwrap(),
            Interface::Addr("127.0.0.1".parse().unwrap())
        );
        assert_eq!(
            parse_interface("[::1]").unwrap(),
            Interface::Addr("::1".parse().unwrap())
        );
        assert_eq!(parse_interface("lo").unwrap(), Interface::Name("lo".into()));
        assert!(parse_interface("eth0; rm").is_err());
        assert!(parse_interface("").is_err());
    }

    #[test]
    fn families_and_conflicts() {
        let a = addressing(&[], true, false, None, None).unwrap();
        assert_eq!(a.family, IpFamily::V4);
        assert!(addressing(&[], true, true, None, None).is_err());
        let sock = PathBuf::from("/tmp/s.sock");
        assert!(addressing(&[], false, false, Some(&sock), Some("lo")).is_err());
        assert!(addressing(&[], false, false, Some(&PathBuf::new()), None).is_err());
    }

    #[test]
    fn header_limits() {
        assert_eq!(max_headers(None).unwrap(), None);
        assert_eq!(max_headers(Some(0)).unwrap(), None);
        assert_eq!(max_headers(Some(20)).unwrap(), Some(20));
        assert_eq!(max_headers(Some(128)).unwrap(), Some(128));
        assert!(max_headers(Some(129)).is_err());
        assert!(max_headers(Some(1 << 40)).is_err());
    }

    #[test]
    fn connect_limit_comes_from_the_most_specific_option() {
        let s = Duration::from_secs;
        assert_eq!(
            connect_limit(Some(s(2)), Some(s(9))),
            (s(2), LimitSource::ConnectTimeout)
        );
        assert_eq!(
            connect_limit(None, Some(s(9))),
            (s(9), LimitSource::Timeout)
        );
        assert_eq!(
            connect_limit(None, None),
            (DEFAULT_CONNECT_TIMEOUT, LimitSource::Default)
        );
    }
}
