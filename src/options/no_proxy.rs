//! `no_proxy`: the hosts that are reached directly even when a proxy is configured.
//!
//! The list is read as curl reads it (its `lib/noproxy.c`): entries separated by commas or
//! blanks; `*` alone matches every host; a host name matches itself and its subdomains, with
//! or without a leading `.` (`example.com` and `.example.com` both match `example.com` and
//! `www.example.com`, never `notexample.com`); a trailing `.` is ignored; an IP address
//! matches that address, and `ADDR/BITS` a CIDR range (IPv4 or IPv6). As in Go's
//! `net/http/httpproxy`, an entry may also name a port (`example.com:8080`, `10.0.0.1:80`,
//! `[::1]:8080`), and then matches only that port; `*.example.com` is read as `.example.com`.
//! Host names are compared as written, never resolved: `localhost` does not match `127.0.0.1`.
//! Entries that are none of these are ignored, as curl ignores them.

use std::net::IpAddr;

/// A parsed `no_proxy` list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoProxy {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    /// `*`: no host uses a proxy.
    All,
    /// A host name (lower case, no leading or trailing dot): itself and its subdomains.
    Domain { name: String, port: Option<u16> },
    /// An address and how many leading bits must match (the full width for one address).
    Ip {
        net: IpAddr,
        bits: u8,
        port: Option<u16>,
    },
}

impl NoProxy {
    /// Parses a list such as `localhost,.internal.example,10.0.0.0/8,[::1]:8080`.
    pub fn parse(list: &str) -> NoProxy {
        let entries = list
            .split(|c: char| c == ',' || c.is_ascii_whitespace())
            .filter(|token| !token.is_empty())
            .filter_map(parse_entry)
            .collect();
        NoProxy { entries }
    }

    /// Whether a request to `host` (as in a URL: IPv6 in brackets) on `port` goes direct.
    pub fn matches(&self, host: &str, port: u16) -> bool {
        let bare = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let bare = bare.strip_suffix('.').unwrap_or(bare).to_ascii_lowercase();
        let ip: Option<IpAddr> = bare.parse().ok();
        self.entries.iter().any(|entry| match (entry, ip) {
            (Entry::All, _) => true,
            (Entry::Domain { name, port: p }, None) => {
                port_ok(*p, port) && domain_matches(name, &bare)
            }
            (Entry::Ip { net, bits, port: p }, Some(ip)) => {
                port_ok(*p, port) && in_range(ip, *net, *bits)
            }
            _ => false,
        })
    }
}

fn port_ok(wanted: Option<u16>, port: u16) -> bool {
    wanted.is_none_or(|p| p == port)
}

/// `name` itself, or a subdomain of it (a label boundary right before it).
fn domain_matches(name: &str, host: &str) -> bool {
    host == name
        || host
            .strip_suffix(name)
            .is_some_and(|rest| rest.ends_with('.'))
}

fn parse_entry(token: &str) -> Option<Entry> {
    if token == "*" {
        return Some(Entry::All);
    }
    if let Some(rest) = token.strip_prefix('[') {
        // `[v6]`, `[v6]:port` or `[v6/bits]`.
        let (inside, after) = rest.split_once(']')?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?.parse().ok()?),
        };
        return ip_entry(inside, port);
    }
    if let Some(entry) = ip_entry(token, None) {
        return Some(entry);
    }
    // `host:port` or `a.b.c.d:port` (a bare IPv6 address was taken above).
    let (name, port) = match token.rsplit_once(':') {
        Some((name, port)) => (name, Some(port.parse::<u16>().ok()?)),
        None => (token, None),
    };
    if let Some(Entry::Ip { net, bits, .. }) = ip_entry(name, None) {
        return Some(Entry::Ip { net, bits, port });
    }
    domain_entry(name, port)
}

/// `ADDR` or `ADDR/BITS`.
fn ip_entry(text: &str, port: Option<u16>) -> Option<Entry> {
    let (addr, bits) = match text.split_once('/') {
        Some((addr, bits)) => (addr, Some(bits)),
        None => (text, None),
    };
    let net: IpAddr = addr.parse().ok()?;
    let width = match net {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    };
    let bits = match bits {
        Some(b) => b.parse::<u8>().ok().filter(|b| *b <= width)?,
        None => width,
    };
    Some(Entry::Ip { net, bits, port })
}

fn domain_entry(name: &str, port: Option<u16>) -> Option<Entry> {
    let name = name.strip_prefix('*').unwrap_or(name);
    let name = name.strip_prefix('.').unwrap_or(name);
    let name = name.strip_suffix('.').unwrap_or(name);
    let plausible = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
    if name.is_empty() || !plausible {
        return None;
    }
    Some(Entry::Domain {
        name: name.to_ascii_lowercase(),
        port,
    })
}

/// Whether the first `bits` bits of `ip` and `net` agree (same address family only).
fn in_range(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            prefix_eq(u128::from(u32::from(a)), u128::from(u32::from(b)), bits, 32)
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => prefix_eq(u128::from(a), u128::from(b), bits, 128),
        _ => false,
    }
}

fn prefix_eq(a: u128, b: u128, bits: u8, width: u32) -> bool {
    let bits = u32::from(bits).min(width);
    if bits == 0 {
        return true;
    }
    let shift = width - bits;
    (a >> shift) == (b >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn np(list: &str) -> NoProxy {
        NoProxy::parse(list)
    }

    #[test]
    fn empty_and_star() {
        assert!(!np("").matches("example.com", 80));
        assert!(!np(" , ,").matches("example.com", 80));
        assert!(np("*").matches("example.com", 80));
        assert!(np("*").matches("[::1]", 443));
        assert!(np("foo.test, *").matches("anything", 1));
    }

    #[test]
    fn host_names_match_themselves_and_subdomains_only() {
        for list in [
            "example.com",
            ".example.com",
            "*.example.com",
            "example.com.",
        ] {
            let n = np(list);
            assert!(n.matches("example.com", 80), "{list}");
            assert!(n.matches("www.example.com", 80), "{list}");
            assert!(n.matches("a.b.example.com", 443), "{list}");
            assert!(n.matches("WWW.Example.COM", 80), "{list}");
            assert!(n.matches("www.example.com.", 80), "{list}");
            assert!(!n.matches("notexample.com", 80), "{list}");
            assert!(!n.matches("example.com.evil", 80), "{list}");
            assert!(!n.matches("example.org", 80), "{list}");
        }
        assert!(np("localhost").matches("localhost", 8080));
        assert!(np(".localhost").matches("localhost", 8080));
        assert!(!np("localhost").matches("127.0.0.1", 8080));
    }

    #[test]
    fn separators_are_commas_and_blanks() {
        let n = np(" a.test ,b.test\tc.test  d.test,,e.test ");
        for host in ["a.test", "b.test", "c.test", "d.test", "e.test"] {
            assert!(n.matches(host, 80), "{host}");
        }
        assert!(!n.matches("f.test", 80));
    }

    #[test]
    fn ip_addresses_and_cidr_ranges() {
        let n = np("127.0.0.1,10.0.0.0/8,192.168.1.0/24,::1,fd00::/8");
        assert!(n.matches("127.0.0.1", 80));
        assert!(!n.matches("127.0.0.2", 80));
        assert!(n.matches("10.1.2.3", 80));
        assert!(!n.matches("11.0.0.1", 80));
        assert!(n.matches("192.168.1.255", 80));
        assert!(!n.matches("192.168.2.1", 80));
        assert!(n.matches("[::1]", 80));
        assert!(n.matches("[fd12:3456::1]", 80));
        assert!(!n.matches("[fe80::1]", 80));
        // Families never mix, and names are not resolved.
        assert!(!np("0.0.0.0/0").matches("[::1]", 80));
        assert!(np("0.0.0.0/0").matches("8.8.8.8", 80));
        assert!(np("::/0").matches("[2001:db8::1]", 80));
        assert!(!np("127.0.0.0/8").matches("localhost", 80));
        // Odd prefixes.
        assert!(np("10.0.0.1/32").matches("10.0.0.1", 80));
        assert!(!np("10.0.0.1/32").matches("10.0.0.2", 80));
        assert!(np("10.0.0.0/7").matches("11.255.0.1", 80));
        assert!(!np("10.0.0.0/7").matches("12.0.0.1", 80));
        assert!(np("2001:db8::/33").matches("[2001:db8:7fff::1]", 80));
        assert!(!np("2001:db8::/33").matches("[2001:db8:8000::1]", 80));
    }

    #[test]
    fn ports_narrow_an_entry() {
        let n = np("example.com:8080,10.0.0.1:80,[::1]:8443,[fd00::/8]");
        assert!(n.matches("example.com", 8080));
        assert!(n.matches("api.example.com", 8080));
        assert!(!n.matches("example.com", 80));
        assert!(n.matches("10.0.0.1", 80));
        assert!(!n.matches("10.0.0.1", 81));
        assert!(n.matches("[::1]", 8443));
        assert!(!n.matches("[::1]", 443));
        assert!(n.matches("[fd00::5]", 1));
    }

    #[test]
    fn garbage_entries_are_ignored_not_errors() {
        let n = np("10.0.0.0/33,::1/129,[::1,[::1]x,host:port,h/st,ex@mple.com,:80,.,*.,good.test");
        assert!(n.matches("good.test", 80));
        assert!(!n.matches("10.0.0.1", 80));
        assert!(!n.matches("[::1]", 80));
        assert!(!n.matches("host", 80));
        assert!(!n.matches("anything.else", 80));
        assert_eq!(n.entries.len(), 1, "{:?}", n.entries);
    }
}
