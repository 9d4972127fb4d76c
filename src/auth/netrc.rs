//! A `.netrc` parser that is safe to point at a hostile or broken file.
//!
//! HTTPie reads `.netrc` through Python's `netrc` module (via requests). That parser is strict:
//! one odd token and the whole file is silently ignored. curl's parser is lenient but has had a
//! string of credential-leak bugs (CVE-2022-35260, CVE-2024-11053, CVE-2025-0167,
//! CVE-2026-8926). This module takes the safe half of each:
//!
//! * It never fails. A problem stops parsing at that point: the entries completed before it are
//!   kept, the entry being read is dropped, and one warning text is returned for the caller to
//!   print as `http: warning: ...`.
//! * Fields never mix across entries. A matching entry without a password yields nothing; it
//!   does not fall through to a later entry or to `default` (CVE-2024-11053, CVE-2025-0167).
//! * When the URL names a user, only an entry with exactly that login matches (CVE-2026-8926).
//! * Credentials containing control characters (CR, LF, NUL, TAB, ...) or invalid UTF-8 are
//!   never used: the entry still matches, so it shadows `default`, but it yields nothing.
//! * Input is capped at [`MAX_NETRC_BYTES`]; a UTF-16 file is refused with a warning.
//!
//! Why hand-written rather than a crate: the crates on crates.io (`netrc` 0.4, `rust-netrc`,
//! `netrc-rs`) keep one entry per host in a map (so per-login lookup is impossible), take `&str`
//! (so a stray non-UTF-8 byte loses the whole file), fail the whole file on the first error, do not
//! distinguish "no password" from "empty password", and do not reject control characters. The
//! format is small enough that a byte-level lexer is shorter than the adapters around any of
//! them.
//!
//! Grammar accepted (a superset of what curl and Python both read):
//!
//! * Whitespace (space, TAB, CR, LF, VT, FF) separates tokens.
//! * Keywords, case-insensitive: `machine NAME`, `default`, `login VALUE` (alias `user`),
//!   `password VALUE`, `account VALUE` (read, ignored), `port VALUE` (read, ignored: entries apply
//!   to every port, as in curl and requests), `macdef NAME` (the body, from the next line up to a
//!   blank line, is skipped without being tokenised).
//! * A token starting with `"` runs to the next unescaped `"` on the same line. Inside it,
//!   `\n`, `\r`, `\t` are LF, CR, TAB (curl) and `\` before any other character keeps that
//!   character (curl and Python). Unquoted tokens are literal, so `DOMAIN\user` stays as typed
//!   (curl; Python ≥ 3.11 would drop the backslash).
//! * `#` starting an unquoted token where a keyword is expected comments out the rest of the line.
//!   In a value position it is an ordinary character, so a password may start with `#`.
//!
//! Lookup rules are on [`Netrc::lookup`].

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

/// The most bytes of a `.netrc` that are read. Real files are a few hundred bytes; a larger one is
/// either a mistake or an attack, and parsing it should cost nothing noticeable.
pub const MAX_NETRC_BYTES: usize = 1 << 20;

/// How many separate problems are named in the warning before the rest are only counted, so a
/// hostile file cannot flood the terminal.
const MAX_WARNINGS_LISTED: usize = 3;

/// A login and password taken from one `.netrc` entry.
///
/// `Debug` is written by hand so that a stray `{:?}` in a log line never prints the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub login: String,
    pub password: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("login", &self.login)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Parsed entries: `machine NAME` ones, in file order, and the optional `default` one.
#[derive(Clone, Default)]
pub struct Netrc {
    machines: Vec<Entry>,
    default: Option<Entry>,
}

impl fmt::Debug for Netrc {
    /// Shows which hosts have entries, never the credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Netrc")
            .field(
                "machines",
                &self.machines.iter().map(|e| &e.host).collect::<Vec<_>>(),
            )
            .field("default", &self.default.is_some())
            .finish()
    }
}

/// One `machine` or `default` entry after validation.
#[derive(Clone)]
struct Entry {
    /// The machine name normalised like a URL host (see [`normalize_host`]); `None` for the
    /// `default` entry and for names that cannot be a host (those never match anything).
    host: Option<String>,
    login: Option<String>,
    password: Option<String>,
    /// False when the login or password had control characters or invalid UTF-8. Such an entry
    /// still matches its host, so a damaged entry cannot make another entry's password apply.
    usable: bool,
}

impl Entry {
    fn credentials(&self) -> Option<Credentials> {
        if !self.usable {
            return None;
        }
        let password = self.password.clone()?;
        Some(Credentials {
            // requests sends an empty user name when the entry has none; so do we.
            login: self.login.clone().unwrap_or_default(),
            password,
        })
    }

    fn login_is(&self, wanted: Option<&str>) -> bool {
        match wanted {
            None => true,
            // Logins are compared exactly: user names are case-sensitive on most servers.
            Some(w) => self.login.as_deref() == Some(w),
        }
    }
}

impl Netrc {
    /// Credentials for exactly this host, else the `default` entry.
    ///
    /// * `host` is the URL's host without port (brackets around an IPv6 address are optional).
    ///   Both it and the machine names are normalised as URL hosts (ASCII case folded, IDNA to
    ///   punycode, IPv4/IPv6 canonical form), so `machine Example.COM` matches `example.com` and
    ///   `machine é.com` matches `xn--9ca.com`. There is no subdomain matching and no
    ///   trailing-dot folding: `example.com.` is a different name here.
    /// * The first `machine` entry for the host wins, as in curl (Python keeps the last one).
    /// * With `wanted_login` (the URL was `https://carol@h/`), only an entry whose login is
    ///   exactly `carol` matches; if no `machine` entry has it, a `default` entry with that login
    ///   may, else nothing (never another user's password: CVE-2026-8926).
    /// * The entry that matched decides. If it has no password, or its credentials were
    ///   rejected while parsing, the answer is `None`: no later entry and no `default` is tried
    ///   (CVE-2024-11053, CVE-2025-0167).
    /// * An entry without a login yields an empty login, as requests does.
    pub fn lookup(&self, host: &str, wanted_login: Option<&str>) -> Option<Credentials> {
        let host = normalize_host(host)?;
        let entry = self
            .machines
            .iter()
            .find(|e| e.host.as_deref() == Some(host.as_str()) && e.login_is(wanted_login))
            .or_else(|| self.default.as_ref().filter(|e| e.login_is(wanted_login)))?;
        entry.credentials()
    }

    /// True when the file had no usable structure at all (no entries, no default).
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.machines.is_empty() && self.default.is_none()
    }
}

/// Where the file is: `$NETRC` if set, else `~/.netrc`, else `~/_netrc`.
///
/// Follows requests: a set `$NETRC` is the only place looked at (a leading `~/` is expanded),
/// even if the file does not exist, so the caller should treat "not found" as "no netrc" without a
/// warning. `NETRC=` (empty) means no netrc. In the home directory only an existing file is
/// returned; `None` when neither exists or there is no home directory.
pub fn default_path() -> Option<PathBuf> {
    default_path_from(std::env::var_os("NETRC"), dirs::home_dir())
}

/// [`default_path`] with its inputs passed in, so it can be tested without touching the process
/// environment (which would race with other tests).
fn default_path_from(netrc_env: Option<OsString>, home: Option<PathBuf>) -> Option<PathBuf> {
    if let Some(value) = netrc_env {
        if value.is_empty() {
            return None;
        }
        let path = PathBuf::from(&value);
        if let (Ok(rest), Some(home)) = (path.strip_prefix("~"), home.as_ref()) {
            return Some(home.join(rest));
        }
        return Some(path);
    }
    let home = home?;
    [".netrc", "_netrc"]
        .iter()
        .map(|name| home.join(name))
        .find(|p| p.is_file())
}

/// Reads at most [`MAX_NETRC_BYTES`] + 1 bytes of `path`, so a huge file (or `/dev/zero`
/// named in `$NETRC`) costs nothing, while [`parse`] can still tell that the file was too big.
pub fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    crate::files::read_at_most(path, MAX_NETRC_BYTES as u64 + 1)
}

/// Parses a `.netrc`. Never fails: a malformed file yields the entries completed before the
/// problem plus a warning text (the caller prints `http: warning: ...` once and goes on).
///
/// The warning names line numbers only, never the tokens, so credentials and terminal escape
/// sequences from the file cannot reach the terminal through it.
pub fn parse(text: &[u8]) -> (Netrc, Option<String>) {
    let mut warnings = Warnings::default();

    if text.starts_with(&[0xFF, 0xFE]) || text.starts_with(&[0xFE, 0xFF]) {
        warnings.push(
            "netrc file is UTF-16 encoded (it starts with a UTF-16 byte-order mark); \
             it is ignored: save it as UTF-8 or ASCII"
                .to_string(),
        );
        return (Netrc::default(), warnings.finish());
    }
    // A UTF-8 byte-order mark (Windows editors add one) is harmless: skip it.
    let text = text.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(text);

    let truncated = text.len() > MAX_NETRC_BYTES;
    let text = if truncated {
        warnings.push(format!(
            "netrc file is larger than {} KiB; only its first {} KiB are read",
            MAX_NETRC_BYTES / 1024,
            MAX_NETRC_BYTES / 1024
        ));
        // Cut at the last line break inside the cap so that no token is cut in half (a cut
        // password would be sent as if it were the real one).
        let head = &text[..MAX_NETRC_BYTES];
        match head.iter().rposition(|&b| b == b'\n') {
            Some(i) => &head[..=i],
            None => &head[..0],
        }
    } else {
        text
    };

    let mut parser = Parser {
        lexer: Lexer::new(text),
        netrc: Netrc::default(),
        warnings,
        current: None,
    };
    parser.run(truncated);
    let Parser {
        netrc, warnings, ..
    } = parser;
    (netrc, warnings.finish())
}

/// Collects problems; the caller gets them as one line.
#[derive(Default)]
struct Warnings {
    listed: Vec<String>,
    more: usize,
}

impl Warnings {
    fn push(&mut self, text: String) {
        if self.listed.len() < MAX_WARNINGS_LISTED {
            self.listed.push(text);
        } else {
            self.more += 1;
        }
    }

    fn finish(self) -> Option<String> {
        if self.listed.is_empty() {
            return None;
        }
        let mut out = self.listed.join("; ");
        if self.more > 0 {
            out.push_str(&format!(" (and {} more problems)", self.more));
        }
        Some(out)
    }
}

/// The entry being read: raw bytes until it is complete and validated.
struct Pending {
    /// `None` for `default`.
    machine: Option<Vec<u8>>,
    login: Option<Vec<u8>>,
    password: Option<Vec<u8>>,
    line: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Keyword {
    Machine,
    Default,
    Login,
    Password,
    Account,
    Port,
    Macdef,
}

impl Keyword {
    fn of(token: &[u8]) -> Option<Keyword> {
        const TABLE: [(&[u8], Keyword); 8] = [
            (b"machine", Keyword::Machine),
            (b"default", Keyword::Default),
            (b"login", Keyword::Login),
            (b"user", Keyword::Login),
            (b"password", Keyword::Password),
            (b"account", Keyword::Account),
            (b"port", Keyword::Port),
            (b"macdef", Keyword::Macdef),
        ];
        TABLE
            .iter()
            .find(|(name, _)| token.eq_ignore_ascii_case(name))
            .map(|&(_, k)| k)
    }

    fn name(self) -> &'static str {
        match self {
            Keyword::Machine => "machine",
            Keyword::Default => "default",
            Keyword::Login => "login",
            Keyword::Password => "password",
            Keyword::Account => "account",
            Keyword::Port => "port",
            Keyword::Macdef => "macdef",
        }
    }
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    netrc: Netrc,
    warnings: Warnings,
    current: Option<Pending>,
}

/// Why parsing stopped early; the pending entry is dropped in every case.
struct Stop(String);

impl Parser<'_> {
    fn run(&mut self, truncated: bool) {
        match self.entries() {
            Ok(()) => {
                if truncated {
                    // The last entry may continue past the cut (a `password` line that was not
                    // read, or a later `login` that would have replaced this one): drop it.
                    self.current = None;
                } else {
                    self.finish_entry();
                }
            }
            Err(Stop(why)) => {
                self.current = None;
                self.warnings
                    .push(format!("{why}; the rest of the netrc file is ignored"));
            }
        }
    }

    fn entries(&mut self) -> Result<(), Stop> {
        loop {
            let token = match self.lexer.next_token().map_err(Stop)? {
                Some(t) => t,
                None => return Ok(()),
            };
            if !token.quoted && token.bytes.first() == Some(&b'#') {
                self.lexer.skip_rest_of_line();
                continue;
            }
            let keyword = Keyword::of(&token.bytes).ok_or_else(|| {
                Stop(format!(
                    "netrc line {}: unexpected word where a keyword was expected",
                    token.line
                ))
            })?;
            match keyword {
                Keyword::Machine => {
                    self.finish_entry();
                    let name = self.value(keyword, token.line)?;
                    self.current = Some(Pending {
                        machine: Some(name),
                        login: None,
                        password: None,
                        line: token.line,
                    });
                }
                Keyword::Default => {
                    self.finish_entry();
                    self.current = Some(Pending {
                        machine: None,
                        login: None,
                        password: None,
                        line: token.line,
                    });
                }
                Keyword::Macdef => {
                    self.finish_entry();
                    // The name and anything else on this line belong to the macro header; the
                    // body is raw text (it may hold quotes, `machine` words, anything) and is
                    // never tokenised.
                    self.lexer.skip_rest_of_line();
                    self.lexer.skip_until_blank_line();
                }
                Keyword::Login | Keyword::Password | Keyword::Account | Keyword::Port => {
                    if self.current.is_none() {
                        return Err(Stop(format!(
                            "netrc line {}: '{}' outside a machine or default entry",
                            token.line,
                            keyword.name()
                        )));
                    }
                    let value = self.value(keyword, token.line)?;
                    if let Some(entry) = self.current.as_mut() {
                        // Within one entry a repeated field replaces the earlier one (Python).
                        match keyword {
                            Keyword::Login => entry.login = Some(value),
                            Keyword::Password => entry.password = Some(value),
                            _ => {}
                        }
                    }
                }
            }
        }
    }

    /// The token after a keyword. Whatever it is (even another keyword) it is the value, as in
    /// curl and Python; a missing one ends parsing.
    fn value(&mut self, keyword: Keyword, line: usize) -> Result<Vec<u8>, Stop> {
        match self.lexer.next_token().map_err(Stop)? {
            Some(t) => Ok(t.bytes),
            None => Err(Stop(format!(
                "netrc line {line}: '{}' without a value at the end of the file",
                keyword.name()
            ))),
        }
    }

    /// Validates the pending entry and stores it.
    fn finish_entry(&mut self) {
        let Some(pending) = self.current.take() else {
            return;
        };
        let login = pending.login.map(credential_text);
        let password = pending.password.map(credential_text);
        let usable = !matches!(login, Some(Err(()))) && !matches!(password, Some(Err(())));
        if !usable {
            self.warnings.push(format!(
                "netrc line {}: the entry's login or password contains control characters or \
                 invalid UTF-8; the entry is not used",
                pending.line
            ));
        }
        let entry = Entry {
            host: pending
                .machine
                .as_deref()
                .and_then(|m| std::str::from_utf8(m).ok())
                .and_then(normalize_host),
            login: login.and_then(Result::ok),
            password: password.and_then(Result::ok),
            usable,
        };
        if pending.machine.is_some() {
            self.netrc.machines.push(entry);
        } else if self.netrc.default.is_none() {
            self.netrc.default = Some(entry);
        } else {
            self.warnings.push(format!(
                "netrc line {}: a second 'default' entry is ignored",
                pending.line
            ));
        }
    }
}

/// A credential as text, or `Err` if it must never be sent: invalid UTF-8 (we would have to guess
/// an encoding) or any control character (CR/LF would split headers or prompts, NUL truncates in
/// C consumers; curl test480 rejects them too).
fn credential_text(bytes: Vec<u8>) -> Result<String, ()> {
    let text = String::from_utf8(bytes).map_err(|_| ())?;
    if text.chars().any(char::is_control) {
        return Err(());
    }
    Ok(text)
}

/// Normalises a host name the way the URL parser does, so that the name matched is the name
/// connected to (one parse, reused). `None` for anything that is not a valid
/// URL host: such a machine name can never match.
fn normalize_host(name: &str) -> Option<String> {
    let bare = name
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(name);
    if bare.is_empty() {
        return None;
    }
    let host = if bare.contains(':') {
        url::Host::parse(&format!("[{bare}]"))
    } else {
        url::Host::parse(bare)
    };
    match host.ok()? {
        url::Host::Domain(d) => Some(d),
        url::Host::Ipv4(a) => Some(a.to_string()),
        url::Host::Ipv6(a) => Some(a.to_string()),
    }
}

/// One lexed token. `line` is 1-based, for warnings.
struct Token {
    bytes: Vec<u8>,
    quoted: bool,
    line: usize,
}

/// Byte-level tokenizer. It works on a slice with an index, so there are no fixed buffers to
/// overflow (CVE-2022-35260 was a line buffer) and a token at end of file without a newline is
/// just a token.
struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    line: usize,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

impl<'a> Lexer<'a> {
    fn new(src: &'a [u8]) -> Self {
        Lexer {
            src,
            pos: 0,
            line: 1,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        if b == b'\n' {
            self.line += 1;
        }
        Some(b)
    }

    /// The next token, `Ok(None)` at end of input. Stops *before* the whitespace that ends an
    /// unquoted token, so [`Lexer::skip_rest_of_line`] still knows where the line ends.
    fn next_token(&mut self) -> Result<Option<Token>, String> {
        while self.peek().is_some_and(is_space) {
            self.bump();
        }
        let line = self.line;
        let Some(first) = self.peek() else {
            return Ok(None);
        };
        let mut bytes = Vec::new();
        if first == b'"' {
            self.bump();
            loop {
                match self.peek() {
                    None | Some(b'\n') => {
                        return Err(format!("netrc line {line}: unterminated quoted word"));
                    }
                    Some(b'"') => {
                        self.bump();
                        break;
                    }
                    Some(b'\\') => {
                        self.bump();
                        match self.peek() {
                            None | Some(b'\n') => {
                                return Err(format!("netrc line {line}: unterminated quoted word"));
                            }
                            Some(c) => {
                                self.bump();
                                bytes.push(match c {
                                    b'n' => b'\n',
                                    b'r' => b'\r',
                                    b't' => b'\t',
                                    other => other,
                                });
                            }
                        }
                    }
                    Some(c) => {
                        self.bump();
                        bytes.push(c);
                    }
                }
            }
            return Ok(Some(Token {
                bytes,
                quoted: true,
                line,
            }));
        }
        while let Some(c) = self.peek() {
            if is_space(c) {
                break;
            }
            self.bump();
            bytes.push(c);
        }
        Ok(Some(Token {
            bytes,
            quoted: false,
            line,
        }))
    }

    /// Moves past the next line feed (or to the end).
    fn skip_rest_of_line(&mut self) {
        while let Some(b) = self.bump() {
            if b == b'\n' {
                break;
            }
        }
    }

    /// Skips whole lines up to and including the first blank one (only spaces, TABs, CR), or to
    /// the end of the input. Used for `macdef` bodies.
    fn skip_until_blank_line(&mut self) {
        while self.pos < self.src.len() {
            let rest = &self.src[self.pos..];
            let len = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            let blank = rest[..len]
                .iter()
                .all(|&b| matches!(b, b' ' | b'\t' | b'\r'));
            for _ in 0..len {
                self.bump();
            }
            self.bump(); // the line feed itself, if any
            if blank {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(login: &str, password: &str) -> Option<Credentials> {
        Some(Credentials {
            login: login.to_string(),
            password: password.to_string(),
        })
    }

    fn parse_ok(text: &str) -> Netrc {
        let (netrc, warning) = parse(text.as_bytes());
        assert_eq!(warning, None, "unexpected warning for {text:?}");
        netrc
    }

    // ---- basic format -------------------------------------------------------------------

    #[test]
    fn one_line_entry() {
        let n = parse_ok("machine example.com login user password pass\n");
        assert_eq!(n.lookup("example.com", None), creds("user", "pass"));
        assert_eq!(n.lookup("example.org", None), None);
    }

    #[test]
    fn entry_over_many_lines_and_blank_lines() {
        let n = parse_ok("machine\nexample.com\n\nlogin\n\n  user\npassword\n\tpass");
        assert_eq!(n.lookup("example.com", None), creds("user", "pass"));
    }

    #[test]
    fn fields_in_any_order() {
        let n = parse_ok("machine a.test password p account acct login l port 8080");
        assert_eq!(n.lookup("a.test", None), creds("l", "p"));
    }

    #[test]
    fn user_is_an_alias_for_login() {
        let n = parse_ok("machine a.test user u password p");
        assert_eq!(n.lookup("a.test", None), creds("u", "p"));
    }

    #[test]
    fn keywords_are_case_insensitive() {
        let n = parse_ok("MACHINE a.test LOGIN u PassWord p\nDEFAULT login d password dp");
        assert_eq!(n.lookup("a.test", None), creds("u", "p"));
        assert_eq!(n.lookup("b.test", None), creds("d", "dp"));
    }

    #[test]
    fn values_are_case_sensitive() {
        let n = parse_ok("machine a.test login User password PassWord");
        assert_eq!(n.lookup("a.test", None), creds("User", "PassWord"));
    }

    #[test]
    fn several_machines() {
        let n = parse_ok(
            "machine a.test login la password pa\n\
             machine b.test login lb password pb\n",
        );
        assert_eq!(n.lookup("a.test", None), creds("la", "pa"));
        assert_eq!(n.lookup("b.test", None), creds("lb", "pb"));
        assert_eq!(n.lookup("c.test", None), None);
    }

    #[test]
    fn crlf_line_endings() {
        let n = parse_ok("machine a.test\r\n  login u\r\n  password p\r\n");
        assert_eq!(n.lookup("a.test", None), creds("u", "p"));
    }

    #[test]
    fn empty_and_whitespace_only_files() {
        for text in ["", "\n\n", "   \t\r\n", "# only a comment"] {
            let n = parse_ok(text);
            assert!(n.is_empty());
            assert_eq!(n.lookup("a.test", None), None);
        }
    }

    // ---- quoting --------------------------------------------------------------------------

    #[test]
    fn quoted_password_with_spaces() {
        let n = parse_ok(r#"machine a.test login u password "pass word""#);
        assert_eq!(n.lookup("a.test", None), creds("u", "pass word"));
    }

    #[test]
    fn quoted_escapes() {
        let n = parse_ok(r#"machine a.test login "a\"b" password "c\\d\e""#);
        assert_eq!(n.lookup("a.test", None), creds("a\"b", "c\\de"));
    }

    #[test]
    fn quoted_empty_password_is_a_password() {
        let n = parse_ok(r#"machine a.test login u password """#);
        assert_eq!(n.lookup("a.test", None), creds("u", ""));
    }

    #[test]
    fn quoted_token_ends_at_closing_quote() {
        // Python splits `"ab"cd` into two tokens; the second is then an unknown keyword here.
        let (n, w) = parse(br#"machine a.test login u password "ab"cd"#);
        assert!(w.is_some());
        assert_eq!(n.lookup("a.test", None), None);
    }

    #[test]
    fn unquoted_backslash_is_literal() {
        let n = parse_ok(r"machine a.test login DOMAIN\user password p\q");
        assert_eq!(n.lookup("a.test", None), creds(r"DOMAIN\user", r"p\q"));
    }

    #[test]
    fn quote_inside_unquoted_token_is_literal() {
        let n = parse_ok(r#"machine a.test login u password ab"cd"#);
        assert_eq!(n.lookup("a.test", None), creds("u", "ab\"cd"));
    }

    #[test]
    fn non_ascii_credentials() {
        let n = parse_ok("machine a.test login jöns password pässwörd€");
        assert_eq!(n.lookup("a.test", None), creds("jöns", "pässwörd€"));
    }

    #[test]
    fn unterminated_quote_keeps_earlier_entries_only() {
        let (n, w) = parse(b"machine a.test login u password p\nmachine b.test login v password \"oops\nmachine c.test login x password y\n");
        let w = w.expect("warning");
        assert!(w.contains("line 2"), "{w}");
        assert!(w.contains("unterminated"), "{w}");
        assert_eq!(n.lookup("a.test", None), creds("u", "p"));
        assert_eq!(n.lookup("b.test", None), None);
        assert_eq!(n.lookup("c.test", None), None);
    }

    #[test]
    fn unterminated_quote_at_end_of_file() {
        let (n, w) = parse(b"machine a.test login u password \"abc");
        assert!(w.is_some());
        assert_eq!(n.lookup("a.test", None), None);
    }

    #[test]
    fn backslash_at_end_of_quoted_token_at_eof() {
        let (n, w) = parse(b"machine a.test login u password \"abc\\");
        assert!(w.is_some());
        assert_eq!(n.lookup("a.test", None), None);
    }

    // ---- comments and macdef ----------------------------------------------------------------

    #[test]
    fn comments() {
        let n = parse_ok(
            "# machine a.test login bad password bad\n\
             machine b.test login u password p # trailing comment\n\
             #machine c.test login bad password bad\n",
        );
        assert_eq!(n.lookup("a.test", None), None);
        assert_eq!(n.lookup("b.test", None), creds("u", "p"));
        assert_eq!(n.lookup("c.test", None), None);
    }

    #[test]
    fn hash_in_value_position_is_not_a_comment() {
        let n = parse_ok("machine a.test login #user password #pa#ss");
        assert_eq!(n.lookup("a.test", None), creds("#user", "#pa#ss"));
    }

    #[test]
    fn quoted_hash_in_keyword_position_is_not_a_comment() {
        let (n, w) =
            parse(b"machine a.test login u password p \"#x\" machine b.test login v password q");
        assert!(w.is_some());
        assert_eq!(n.lookup("b.test", None), None);
    }

    #[test]
    fn macdef_body_is_skipped() {
        let n = parse_ok(
            "macdef init\n\
             machine evil.test login mac password def\n\
             cd /pub\n\
             \n\
             machine a.test login u password p\n",
        );
        assert_eq!(n.lookup("evil.test", None), None);
        assert_eq!(n.lookup("a.test", None), creds("u", "p"));
    }

    #[test]
    fn macdef_ends_entry_in_progress() {
        let n = parse_ok(
            "machine a.test login u password p\nmacdef m\nbody\n\nmachine b.test login v password q",
        );
        assert_eq!(n.lookup("a.test", None), creds("u", "p"));
        assert_eq!(n.lookup("b.test", None), creds("v", "q"));
    }

    #[test]
    fn macdef_with_crlf_blank_line() {
        let n = parse_ok("macdef m\r\nbody\r\n\r\nmachine a.test login u password p\r\n");
        assert_eq!(n.lookup("a.test", None), creds("u", "p"));
    }

    #[test]
    fn macdef_with_unterminated_quote_in_body_and_header() {
        // curl test1672: a broken quote in a macro must not derail the parser.
        let n = parse_ok(
            "macdef \"broken\nput \"unterminated\n\"\n\nmachine a.test login u password p\n",
        );
        assert_eq!(n.lookup("a.test", None), creds("u", "p"));
    }

    #[test]
    fn macdef_without_blank_line_swallows_rest() {
        let n = parse_ok(
            "machine a.test login u password p\nmacdef m\nline\nmachine b.test login v password q",
        );
        assert_eq!(n.lookup("a.test", None), creds("u", "p"));
        assert_eq!(n.lookup("b.test", None), None);
    }

    #[test]
    fn macdef_at_end_of_file_without_newline() {
        let n = parse_ok("machine a.test login u password p\nmacdef");
        assert_eq!(n.lookup("a.test", None), creds("u", "p"));
    }

    // ---- lookup rules: no mixing, no borrowing ---------------------------------------------

    #[test]
    fn default_is_fallback_wherever_it_is() {
        for text in [
            "default login d password dp\nmachine a.test login u password p",
            "machine a.test login u password p\ndefault login d password dp",
        ] {
            let n = parse_ok(text);
            assert_eq!(n.lookup("a.test", None), creds("u", "p"));
            assert_eq!(n.lookup("b.test", None), creds("d", "dp"));
        }
    }

    #[test]
    fn entry_without_password_yields_none_and_no_fallback() {
        // CVE-2024-11053: a.test has a password, b.test only a login: b.test gets nothing.
        let n = parse_ok(
            "machine a.test login alice password pw\n\
             machine b.test login bob\n\
             default login d password dp\n",
        );
        assert_eq!(n.lookup("b.test", None), None);
        assert_eq!(n.lookup("a.test", None), creds("alice", "pw"));
    }

    #[test]
    fn default_without_password_yields_none() {
        // curl test479: `default login bob` with no password; a redirect to another host must
        // not get a.test's password.
        let n = parse_ok("machine a.test login alice password pw\ndefault login bob\n");
        assert_eq!(n.lookup("b.test", None), None);
        assert_eq!(n.lookup("a.test", None), creds("alice", "pw"));
    }

    #[test]
    fn empty_default_yields_none() {
        // CVE-2025-0167 / curl test486: `default` with neither login nor password.
        let n = parse_ok("machine a.test login alice password pw\ndefault\n");
        assert_eq!(n.lookup("b.test", None), None);
    }

    #[test]
    fn fields_do_not_carry_into_the_next_entry() {
        let n = parse_ok("machine a.test login alice password pw\nmachine b.test\n");
        assert_eq!(n.lookup("b.test", None), None);
        let n = parse_ok("machine a.test password pw\nmachine b.test login bob\n");
        assert_eq!(n.lookup("b.test", None), None);
        assert_eq!(n.lookup("a.test", None), creds("", "pw"));
    }

    #[test]
    fn entry_without_login_gives_empty_login() {
        let n = parse_ok("machine a.test password pw");
        assert_eq!(n.lookup("a.test", None), creds("", "pw"));
        // ... but it never matches a login named in the URL.
        assert_eq!(n.lookup("a.test", Some("carol")), None);
    }

    #[test]
    fn account_is_ignored() {
        let n = parse_ok("machine a.test account acct password pw");
        assert_eq!(n.lookup("a.test", None), creds("", "pw"));
    }

    #[test]
    fn first_machine_entry_wins() {
        let n = parse_ok(
            "machine a.test login first password p1\nmachine a.test login second password p2",
        );
        assert_eq!(n.lookup("a.test", None), creds("first", "p1"));
    }

    #[test]
    fn first_entry_without_password_is_not_skipped() {
        let n = parse_ok("machine a.test login first\nmachine a.test login second password p2");
        assert_eq!(n.lookup("a.test", None), None);
    }

    #[test]
    fn repeated_field_in_one_entry_last_wins() {
        let n = parse_ok("machine a.test login u password old password new");
        assert_eq!(n.lookup("a.test", None), creds("u", "new"));
    }

    #[test]
    fn first_default_wins_and_second_warns() {
        let (n, w) = parse(b"default login d1 password p1\ndefault login d2 password p2");
        assert!(w.expect("warning").contains("second 'default'"));
        assert_eq!(n.lookup("x.test", None), creds("d1", "p1"));
    }

    // ---- wanted login (CVE-2026-8926) --------------------------------------------------------

    #[test]
    fn url_user_without_matching_entry_gets_nothing() {
        let n = parse_ok("machine h.test login alice password pw");
        assert_eq!(n.lookup("h.test", Some("carol")), None);
        assert_eq!(n.lookup("h.test", Some("alice")), creds("alice", "pw"));
    }

    #[test]
    fn url_user_picks_its_own_entry_among_several() {
        // curl test478: several accounts on the same host.
        let n = parse_ok(
            "machine h.test login alice password pa\n\
             machine h.test login carol password pc\n\
             machine h.test login dave\n",
        );
        assert_eq!(n.lookup("h.test", Some("carol")), creds("carol", "pc"));
        assert_eq!(n.lookup("h.test", Some("alice")), creds("alice", "pa"));
        assert_eq!(n.lookup("h.test", Some("dave")), None);
        assert_eq!(n.lookup("h.test", None), creds("alice", "pa"));
    }

    #[test]
    fn url_user_login_match_is_exact() {
        let n = parse_ok("machine h.test login Alice password pw");
        assert_eq!(n.lookup("h.test", Some("alice")), None);
        assert_eq!(n.lookup("h.test", Some("Alice ")), None);
    }

    #[test]
    fn url_user_falls_back_to_default_with_same_login() {
        let n =
            parse_ok("machine h.test login alice password pa\ndefault login carol password pc\n");
        assert_eq!(n.lookup("h.test", Some("carol")), creds("carol", "pc"));
        assert_eq!(n.lookup("h.test", Some("bob")), None);
        assert_eq!(n.lookup("other.test", Some("alice")), None);
    }

    // ---- host matching ------------------------------------------------------------------------

    #[test]
    fn host_match_is_case_insensitive() {
        let n = parse_ok("machine Example.COM login u password p");
        assert_eq!(n.lookup("example.com", None), creds("u", "p"));
        assert_eq!(n.lookup("EXAMPLE.com", None), creds("u", "p"));
    }

    #[test]
    fn no_subdomain_or_suffix_matching() {
        let n = parse_ok("machine example.com login u password p");
        assert_eq!(n.lookup("www.example.com", None), None);
        assert_eq!(n.lookup("ample.com", None), None);
        assert_eq!(n.lookup("example.com.evil.test", None), None);
        assert_eq!(n.lookup("example.co", None), None);
        assert_eq!(n.lookup("example.com.", None), None);
    }

    #[test]
    fn machine_with_port_never_matches() {
        let n = parse_ok("machine example.com:8080 login u password p");
        assert_eq!(n.lookup("example.com", None), None);
    }

    #[test]
    fn idna_names_match_punycode_hosts() {
        let n = parse_ok("machine é.com login u password p");
        assert_eq!(n.lookup("xn--9ca.com", None), creds("u", "p"));
        assert_eq!(n.lookup("e.com", None), None);
    }

    #[test]
    fn ip_addresses() {
        let n = parse_ok(
            "machine 1.1.1.1 login v4 password p4\nmachine ::1 login v6 password p6\n\
             machine [2001:db8::1] login v6b password p6b\n",
        );
        assert_eq!(n.lookup("1.1.1.1", None), creds("v4", "p4"));
        assert_eq!(n.lookup("2.2.2.2", None), None);
        assert_eq!(n.lookup("[::1]", None), creds("v6", "p6"));
        assert_eq!(n.lookup("::1", None), creds("v6", "p6"));
        assert_eq!(n.lookup("[2001:DB8:0::1]", None), creds("v6b", "p6b"));
    }

    #[test]
    fn empty_or_invalid_lookup_host() {
        let n = parse_ok("machine \"\" login u password p\ndefault login d password dp");
        assert_eq!(n.lookup("", None), None);
        assert_eq!(n.lookup("a b", None), None);
        assert_eq!(n.lookup("[]", None), None);
    }

    #[test]
    fn host_confusion_names_do_not_match() {
        let n = parse_ok("machine a.test login u password p");
        for host in [
            "a.test:@evil.test",
            "a.test#@evil.test",
            "a.test%2F",
            "a.test\\",
        ] {
            assert_eq!(n.lookup(host, None), None, "{host}");
        }
    }

    // ---- hostile input -------------------------------------------------------------------

    #[test]
    fn long_token_without_trailing_newline() {
        // CVE-2022-35260: a file ending in a long token and no newline.
        let mut text = b"machine a.test login u password ".to_vec();
        text.extend(std::iter::repeat_n(b'x', 100_000));
        let (n, w) = parse(&text);
        assert_eq!(w, None);
        let c = n.lookup("a.test", None).expect("credentials");
        assert_eq!(c.password.len(), 100_000);
    }

    #[test]
    fn long_keyword_token_without_trailing_newline() {
        let text = vec![b'm'; 500_000];
        let (n, w) = parse(&text);
        assert!(w.is_some());
        assert!(n.is_empty());
    }

    #[test]
    fn nul_byte_in_password_rejects_entry() {
        // curl test792/793.
        let (n, w) = parse(b"machine a.test login u password p\0q\ndefault login d password dp");
        assert!(w.expect("warning").contains("control characters"));
        assert_eq!(
            n.lookup("a.test", None),
            None,
            "damaged entry shadows default"
        );
        assert_eq!(n.lookup("b.test", None), creds("d", "dp"));
    }

    #[test]
    fn nul_byte_in_quoted_password_rejects_entry() {
        let (n, w) = parse(b"machine a.test login u password \"p\0q\"");
        assert!(w.is_some());
        assert_eq!(n.lookup("a.test", None), None);
    }

    #[test]
    fn nul_byte_in_machine_name_never_matches() {
        let (n, w) = parse(b"machine a.test\0 login u password p\n");
        assert_eq!(w, None);
        assert_eq!(n.lookup("a.test", None), None);
    }

    #[test]
    fn nul_byte_as_keyword_stops_parsing() {
        let (n, w) =
            parse(b"machine a.test login u password p\n\0\nmachine b.test login v password q");
        assert!(w.is_some());
        assert_eq!(
            n.lookup("a.test", None),
            None,
            "entry in progress is dropped"
        );
        assert_eq!(n.lookup("b.test", None), None);
    }

    #[test]
    fn crlf_escapes_in_credentials_reject_entry() {
        // curl test480: credentials with CR/LF are never used.
        for text in [
            r#"machine a.test login u password "p\r\nX-Injected: 1""#,
            r#"machine a.test login "u\nv" password p"#,
            r#"machine a.test login u password "tab\there""#,
        ] {
            let (n, w) = parse(text.as_bytes());
            assert!(w.is_some(), "{text}");
            assert_eq!(n.lookup("a.test", None), None, "{text}");
        }
    }

    #[test]
    fn raw_cr_in_credentials_rejects_entry() {
        // A lone CR is whitespace between tokens, but inside quotes it is a control character.
        let (n, w) = parse(b"machine a.test login u password \"p\rq\"\n");
        assert!(w.is_some());
        assert_eq!(n.lookup("a.test", None), None);
    }

    #[test]
    fn c1_and_del_controls_reject_entry() {
        for pw in ["p\u{7f}q", "p\u{85}q", "p\u{9b}q"] {
            let text = format!("machine a.test login u password \"{pw}\"");
            let (n, w) = parse(text.as_bytes());
            assert!(w.is_some());
            assert_eq!(n.lookup("a.test", None), None);
        }
    }

    #[test]
    fn invalid_utf8_credentials_reject_entry_only() {
        let (n, w) = parse(
            b"machine a.test login u password p\xff\xfeq\nmachine b.test login v password q\n",
        );
        assert!(w.is_some());
        assert_eq!(n.lookup("a.test", None), None);
        assert_eq!(n.lookup("b.test", None), creds("v", "q"));
    }

    #[test]
    fn utf16_bom_files_are_ignored() {
        let mut le = vec![0xFF, 0xFE];
        for c in "machine a.test login u password p".encode_utf16() {
            le.extend(c.to_le_bytes());
        }
        let mut be = vec![0xFE, 0xFF];
        for c in "machine a.test login u password p".encode_utf16() {
            be.extend(c.to_be_bytes());
        }
        for text in [le, be, vec![0xFF, 0xFE], vec![0xFF, 0xFE, 0, 0]] {
            let (n, w) = parse(&text);
            assert!(w.expect("warning").contains("UTF-16"));
            assert!(n.is_empty());
        }
    }

    #[test]
    fn utf8_bom_is_skipped() {
        let (n, w) = parse(b"\xEF\xBB\xBFmachine a.test login u password p");
        assert_eq!(w, None);
        assert_eq!(n.lookup("a.test", None), creds("u", "p"));
    }

    #[test]
    fn ten_megabyte_file_is_capped() {
        let mut text = b"machine a.test login u password p\n".to_vec();
        let filler = b"machine filler.test login f password f\n";
        while text.len() < 10 * 1024 * 1024 {
            text.extend_from_slice(filler);
        }
        text.extend_from_slice(b"machine late.test login l password l\n");
        let (n, w) = parse(&text);
        assert!(w.expect("warning").contains("larger than 1024 KiB"));
        assert_eq!(n.lookup("a.test", None), creds("u", "p"));
        assert_eq!(n.lookup("filler.test", None), creds("f", "f"));
        assert_eq!(n.lookup("late.test", None), None);
    }

    #[test]
    fn cap_never_cuts_a_password_in_half() {
        // The password straddles the cap: the entry must vanish, not come back shortened.
        let prefix = b"machine a.test login u password ";
        let mut text = b"machine z.test login z password z\n".to_vec();
        text.resize(MAX_NETRC_BYTES - prefix.len() - 10, b' ');
        text.extend_from_slice(prefix);
        text.extend(std::iter::repeat_n(b'x', 100));
        text.push(b'\n');
        let (n, w) = parse(&text);
        assert!(w.is_some());
        assert_eq!(n.lookup("a.test", None), None);
        // z.test is the last entry before the cut, so it is dropped too: it might go on.
        assert_eq!(n.lookup("z.test", None), None);
    }

    #[test]
    fn cap_drops_entry_that_may_continue() {
        // Past the cap a second `password` would replace the first: the half-read entry must not
        // survive with the old one.
        let mut text = b"machine a.test login a password pa\n".to_vec();
        text.resize(MAX_NETRC_BYTES - 40, b'\n');
        text.extend_from_slice(b"machine b.test login u password old\n");
        text.extend(std::iter::repeat_n(b' ', 40));
        text.extend_from_slice(b"password new\n");
        let (n, _) = parse(&text);
        assert_eq!(n.lookup("a.test", None), creds("a", "pa"));
        assert_eq!(n.lookup("b.test", None), None);
    }

    #[test]
    fn huge_single_line_over_cap() {
        let text = vec![b'a'; MAX_NETRC_BYTES + 5];
        let (n, w) = parse(&text);
        assert!(w.is_some());
        assert!(n.is_empty());
    }

    #[test]
    fn bad_tokens_keep_entries_before_the_problem() {
        let (n, w) = parse(
            b"machine a.test login u password p\n\
              machine b.test login v password pass word\n\
              machine c.test login x password y\n",
        );
        let w = w.expect("warning");
        assert!(w.contains("line 2"), "{w}");
        assert_eq!(n.lookup("a.test", None), creds("u", "p"));
        assert_eq!(n.lookup("b.test", None), None);
        assert_eq!(n.lookup("c.test", None), None);
    }

    #[test]
    fn field_outside_entry_is_an_error() {
        let (n, w) = parse(b"login u password p\nmachine a.test login v password q");
        assert!(w.expect("warning").contains("outside"));
        assert!(n.is_empty());
    }

    #[test]
    fn keyword_without_value_at_eof() {
        for text in [
            "machine",
            "machine a.test login",
            "machine a.test login u password",
        ] {
            let (n, w) = parse(text.as_bytes());
            assert!(w.is_some(), "{text}");
            assert_eq!(n.lookup("a.test", None), None, "{text}");
        }
    }

    #[test]
    fn keyword_as_value_is_taken_literally_then_fails_safely() {
        // `login password pw`: login is "password", then "pw" is not a keyword.
        let (n, w) = parse(b"machine a.test login password pw");
        assert!(w.is_some());
        assert_eq!(n.lookup("a.test", None), None);
    }

    #[test]
    fn warnings_do_not_echo_file_content() {
        let (_, w) = parse(b"machine a.test login u password p\n\x1b]0;pwned\x07 secret\n");
        let w = w.expect("warning");
        assert!(
            !w.contains('\x1b') && !w.contains("pwned") && !w.contains("secret"),
            "{w}"
        );
        let (_, w) = parse(b"machine a.test login u password \"hunter2\r\n\"");
        assert!(!w.expect("warning").contains("hunter2"));
    }

    #[test]
    fn many_problems_are_summarised() {
        let mut text = Vec::new();
        for i in 0..20 {
            text.extend_from_slice(
                format!("machine h{i}.test login u password \"a\\nb\"\n").as_bytes(),
            );
        }
        let (n, w) = parse(&text);
        let w = w.expect("warning");
        assert!(w.contains("and 17 more problems"), "{w}");
        assert_eq!(n.machines.len(), 20);
        assert_eq!(n.lookup("h3.test", None), None);
    }

    #[test]
    fn debug_output_never_shows_passwords() {
        let n =
            parse_ok("machine a.test login u password hunter2\ndefault login d password s3cret");
        let shown = format!("{n:?} {:?}", n.lookup("a.test", None));
        assert!(
            !shown.contains("hunter2") && !shown.contains("s3cret"),
            "{shown}"
        );
        assert!(shown.contains("a.test"));
    }

    /// A small xorshift generator: deterministic, so a failure can be replayed, and no extra
    /// dev-dependency.
    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for round in 0..3000 {
            let len = (xorshift(&mut state) % 400) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| xorshift(&mut state) as u8).collect();
            let (n, _) = parse(&bytes);
            let _ = n.lookup("a.test", None);
            let _ = n.lookup("a.test", Some("u"));
            let _ = round;
        }
    }

    #[test]
    fn random_token_soup_never_panics_or_mixes() {
        // Streams of real keywords, quotes, escapes and controls. Whatever comes out, a returned
        // password must be one that was written in the file next to `password`.
        const WORDS: [&[u8]; 22] = [
            b"machine",
            b"default",
            b"login",
            b"password",
            b"account",
            b"port",
            b"macdef",
            b"a.test",
            b"b.test",
            b"u",
            b"p",
            b"\"",
            b"\\",
            b"\\n",
            b"\"q r\"",
            b"#",
            b"\n",
            b"\n\n",
            b"\r\n",
            b"\0",
            b"\xff",
            b" ",
        ];
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        for _ in 0..3000 {
            let mut text = Vec::new();
            for _ in 0..(xorshift(&mut state) % 40) {
                text.extend_from_slice(WORDS[(xorshift(&mut state) % WORDS.len() as u64) as usize]);
                if xorshift(&mut state).is_multiple_of(2) {
                    text.push(b' ');
                }
            }
            let (n, _) = parse(&text);
            for host in ["a.test", "b.test", "c.test"] {
                for wanted in [None, Some("u")] {
                    if let Some(c) = n.lookup(host, wanted) {
                        assert!(!c.password.chars().any(char::is_control));
                        assert!(!c.login.chars().any(char::is_control));
                        if let Some(w) = wanted {
                            assert_eq!(c.login, w);
                        }
                    }
                }
            }
        }
    }

    // ---- file location --------------------------------------------------------------------------

    #[test]
    fn netrc_env_wins_even_if_missing() {
        let home = tempfile::tempdir().expect("tempdir");
        std::fs::write(home.path().join(".netrc"), "x").expect("write");
        let got = default_path_from(Some("/nonexistent/netrc".into()), Some(home.path().into()));
        assert_eq!(got, Some(PathBuf::from("/nonexistent/netrc")));
    }

    #[test]
    fn netrc_env_empty_means_none() {
        let home = tempfile::tempdir().expect("tempdir");
        std::fs::write(home.path().join(".netrc"), "x").expect("write");
        assert_eq!(
            default_path_from(Some("".into()), Some(home.path().into())),
            None
        );
    }

    #[test]
    fn netrc_env_tilde_is_expanded() {
        let got = default_path_from(Some("~/conf/netrc".into()), Some("/home/u".into()));
        assert_eq!(got, Some(PathBuf::from("/home/u/conf/netrc")));
    }

    #[test]
    fn home_dot_netrc_then_underscore_netrc() {
        let home = tempfile::tempdir().expect("tempdir");
        let h = Some(home.path().to_path_buf());
        assert_eq!(default_path_from(None, h.clone()), None);
        std::fs::write(home.path().join("_netrc"), "x").expect("write");
        assert_eq!(
            default_path_from(None, h.clone()),
            Some(home.path().join("_netrc"))
        );
        std::fs::write(home.path().join(".netrc"), "x").expect("write");
        assert_eq!(default_path_from(None, h), Some(home.path().join(".netrc")));
        assert_eq!(default_path_from(None, None), None);
    }

    #[test]
    fn a_directory_named_netrc_is_not_used() {
        let home = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(home.path().join(".netrc")).expect("mkdir");
        assert_eq!(default_path_from(None, Some(home.path().into())), None);
    }

    #[test]
    fn read_capped_stops_after_the_cap() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("netrc");
        std::fs::write(&path, vec![b'a'; MAX_NETRC_BYTES * 3]).expect("write");
        let bytes = read_capped(&path).expect("read");
        assert_eq!(bytes.len(), MAX_NETRC_BYTES + 1);
        let (_, w) = parse(&bytes);
        assert!(w.is_some());
    }

    #[test]
    #[cfg(unix)]
    fn read_capped_on_dev_zero_terminates() {
        let bytes = read_capped(Path::new("/dev/zero")).expect("read");
        assert_eq!(bytes.len(), MAX_NETRC_BYTES + 1);
        let (n, w) = parse(&bytes);
        assert!(w.is_some());
        assert!(n.is_empty());
    }
}
