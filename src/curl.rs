//! `--curl`: the request as an equivalent curl command line, to paste into sh or bash.
//!
//! Pure but for one look at the file system (whether a CA path is a directory): the spec
//! (method, URL, exact headers, body parts), the multipart fields it was built from, the client
//! options and the plan come in; the text goes out. The aim is that curl
//! sends the same request: the same method, target, header values and body bytes. Where curl
//! puts a header in a place of its own (`-u`'s Authorization after Host, Content-Length and a
//! multipart Content-Type last) or picks a value itself (`--compressed`'s Accept-Encoding list,
//! the multipart boundary), the order or that value differs; everything curl cannot express is
//! named in `#` comment lines after the command.
//!
//! Every word is quoted for a POSIX shell (single quotes, a quote inside written `'\''`). Text
//! with control characters other than newline and tab is never printed raw (it would be
//! commands to the terminal showing it): a body goes through `printf` with octal escapes, and
//! anything else that cannot be written is left out with a comment saying so.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::auth::signer::Signer;
use crate::auth::{Auth, AuthType, Source};
use crate::build::multipart::Field;
use crate::build::ACCEPT_ENCODING;
use crate::options::curl::CurlPlan;
use crate::options::proxy::{ProxyUrl, Route};
use crate::options::tls::{TlsVersion, Trust};
use crate::options::{ClientOptions, Follow, Interface, IpFamily, LimitSource};
use crate::pretty::sanitize::inert;
use crate::spec::{Header, Part, RequestSpec};
use crate::url_input::host_header;

/// What the command line is made from.
pub struct Request<'a> {
    pub spec: &'a RequestSpec,
    /// The fields of a multipart body, while the body is exactly them.
    pub form: Option<&'a [Field]>,
    pub client: &'a ClientOptions,
    pub follow: Follow,
    pub plan: &'a CurlPlan,
    /// The .netrc file, when `$NETRC` names it (curl reads `~/.netrc` unless told).
    pub netrc_file: Option<&'a Path>,
    /// oauth2, oauth1 or aws-sigv4 (see [`signing`]).
    pub signer: Option<&'a Signer>,
}

/// Bodies up to this size go on the command line (`--data-raw`); larger ones through the
/// shell's `printf` builtin, since Linux refuses a single argument over 128 KiB to a program.
const MAX_INLINE_BODY: usize = 64 * 1024;

/// curl asks `Expect: 100-continue` before a body over 1 MiB or of unknown size (1 KiB in
/// older releases), and waits for the answer; http never does.
const EXPECT_THRESHOLD: u64 = 1024;

/// The command line, then its comment lines, each line ending in a newline.
pub fn render(req: &Request) -> String {
    let mut cmd = Command::default();
    let spec = req.spec;
    let body = body_arg(req, &mut cmd);

    cmd.word(&url_of(spec));
    method(spec, &body, req.follow, &mut cmd);
    if spec.url.scheme() == "https" || req.follow.enabled {
        // curl would negotiate HTTP/2 over TLS; courier speaks HTTP/1.1 only.
        cmd.flag("--http1.1");
    }
    let path = spec.target.split('?').next().unwrap_or("");
    if path.split('/').any(|seg| seg == "." || seg == "..") {
        // curl folds dot segments unless told (its --path-as-is).
        cmd.flag("--path-as-is");
    }
    if spec.target.contains(['[', ']', '{', '}']) {
        // curl reads these as URL globbing unless -g (--globoff).
        cmd.flag("-g");
    }
    let auth_args = auth(spec, req.netrc_file, &mut cmd);
    if let (Some(signer), Some(auth)) = (req.signer, &spec.auth) {
        signing::options(signer, auth, &mut cmd);
    }
    headers(req, &body, auth_args, &mut cmd);
    write_body(&body, req.plan, &mut cmd);
    proxy(req, &mut cmd);
    tls(req, &mut cmd);
    addressing(req.client, &mut cmd);
    limits(req.client, &mut cmd);
    if let Some(n) = req.plan.retry {
        cmd.opt("--retry", &n.to_string());
    }
    output(req, &mut cmd);
    cmd.notes.extend(req.plan.notes.iter().cloned());
    cmd.finish()
}

/// The words of the command line, grouped one option (with its value) per line.
#[derive(Default)]
struct Command {
    /// Bytes piped into curl (`printf '...' |`), read by `--data-binary @-`.
    pipe: Option<Vec<u8>>,
    lines: Vec<String>,
    notes: Vec<String>,
}

impl Command {
    /// A word already safe as it is (an option name of ours).
    fn flag(&mut self, flag: &str) {
        self.lines.push(flag.to_string());
    }

    /// A word to quote, alone on its line (the URL).
    fn word(&mut self, text: &str) {
        match quote(text) {
            Some(q) => self.lines.push(q),
            None => self
                .notes
                .push("the URL has control characters and cannot be written here".into()),
        }
    }

    /// An option and its value; a value that cannot be written leaves the option out, noted.
    fn opt(&mut self, flag: &str, value: &str) {
        match quote(value) {
            Some(q) => self.lines.push(format!("{flag} {q}")),
            None => self.notes.push(format!(
                "{flag}: its value has control characters and cannot be written here"
            )),
        }
    }

    /// `-H` and its value, always in quotes (as curl's documentation writes them).
    fn header(&mut self, value: &str) {
        match quote(value) {
            Some(q) if !q.starts_with('\'') => self.lines.push(format!("-H '{q}'")),
            Some(q) => self.lines.push(format!("-H {q}")),
            None => self.notes.push(
                "-H: a header value has control characters and cannot be written here".into(),
            ),
        }
    }

    /// An option whose value is `prefix` and a path (`@file`); non-UTF-8 paths are noted.
    fn opt_path(&mut self, flag: &str, prefix: &str, path: &Path) {
        match path.to_str() {
            Some(p) => self.opt(flag, &format!("{prefix}{p}")),
            None => self.notes.push(format!(
                "{flag}: the path is not UTF-8 and cannot be written here"
            )),
        }
    }

    fn note(&mut self, text: impl Into<String>) {
        self.notes.push(text.into());
    }

    fn finish(self) -> String {
        let mut out = String::new();
        if let Some(bytes) = &self.pipe {
            out.push_str(&printf(bytes));
            out.push_str(" | ");
        }
        out.push_str("curl");
        for (i, line) in self.lines.iter().enumerate() {
            // The URL stays on the first line; each option then gets its own.
            out.push_str(if i == 0 { " " } else { " \\\n  " });
            out.push_str(line);
        }
        out.push('\n');
        for note in &self.notes {
            let _ = writeln!(out, "# {}", inert(note).replace('\n', " "));
        }
        out
    }
}

/// `text` as one POSIX shell word: bare when made only of characters no shell treats
/// specially, else in single quotes (inside which only `'` is special: written `'\''`).
/// `None` when it holds a control character other than newline and tab.
pub fn quote(text: &str) -> Option<String> {
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return None;
    }
    let bare = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    if !text.is_empty() && text.chars().all(bare) {
        return Some(text.to_string());
    }
    Some(format!("'{}'", text.replace('\'', r"'\''")))
}

/// A `printf` command that writes exactly `bytes` (POSIX printf: `\\`, `\n`, `\t`, `\r` and
/// three-digit octal escapes; `%%` for a percent sign), single-quoted.
pub fn printf(bytes: &[u8]) -> String {
    let mut out = String::from("printf '");
    for &b in bytes {
        match b {
            b'\\' => out.push_str(r"\\"),
            b'%' => out.push_str("%%"),
            b'\n' => out.push_str(r"\n"),
            b'\t' => out.push_str(r"\t"),
            b'\r' => out.push_str(r"\r"),
            b'\'' => out.push_str(r"\047"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out.push('\'');
    out
}

/// The URL as sent: scheme, Host (port only when not the default) and the request target.
fn url_of(spec: &RequestSpec) -> String {
    format!(
        "{}://{}{}",
        spec.url.scheme(),
        host_header(&spec.url),
        spec.target
    )
}

/// How the body goes to curl.
enum BodyArg<'a> {
    None,
    /// `--data-raw 'text'`: UTF-8 text without control characters other than newline and tab.
    Text(String),
    /// `printf '...' | curl --data-binary @-`: any other bytes, exactly.
    Bytes(Vec<u8>),
    /// `--data-binary @file`.
    File(&'a Path),
    /// `--data-binary @-`: http's own standard input.
    Stdin,
    /// `--form-string name=value` and `-F name=@file` (curl makes its own boundary).
    Form(&'a [Field]),
}

impl BodyArg<'_> {
    fn is_some(&self) -> bool {
        !matches!(self, BodyArg::None)
    }
}

fn body_arg<'a>(req: &Request<'a>, cmd: &mut Command) -> BodyArg<'a> {
    let spec = req.spec;
    let body = &spec.body;
    if body.is_empty() {
        return BodyArg::None;
    }
    if body.deflate_stream {
        cmd.note(
            "--compress: curl cannot compress a request body as it sends it; this command sends \
             it uncompressed (without Content-Encoding)",
        );
    }
    if let Some(fields) = req.form {
        let has_file = fields.iter().any(|f| matches!(f, Field::File { .. }));
        let expressible = !fields.is_empty()
            && form_data_type(spec).is_some()
            && fields.iter().all(|f| form_arg(f).is_ok());
        // With no file, the exact bytes do as well when -F cannot (a custom multipart type,
        // a field name with '=', no field at all).
        if expressible || has_file {
            return BodyArg::Form(fields);
        }
    }
    if body.parts.iter().any(|p| matches!(p, Part::Stdin { .. })) {
        return BodyArg::Stdin;
    }
    if let Some(bytes) = body.as_bytes().filter(|_| !body.deflate_stream) {
        return match String::from_utf8(bytes) {
            Ok(text) if text.len() <= MAX_INLINE_BODY && quote(&text).is_some() => {
                BodyArg::Text(text)
            }
            Ok(text) => BodyArg::Bytes(text.into_bytes()),
            Err(e) => BodyArg::Bytes(e.into_bytes()),
        };
    }
    match &body.parts[..] {
        [Part::File { path, .. }] => BodyArg::File(path),
        _ => {
            cmd.note("the request body cannot be written as curl arguments");
            BodyArg::None
        }
    }
}

/// The Content-Type of a multipart body without our boundary, when curl can send it with `-F`
/// (curl appends its own boundary, and writes `form-data` dispositions only for
/// multipart/form-data: other types get `attachment`).
fn form_data_type(spec: &RequestSpec) -> Option<String> {
    let value = spec.header("Content-Type")?;
    let (base, boundary) = value.rsplit_once("; boundary=")?;
    let lower = base.to_ascii_lowercase();
    let rest = lower.strip_prefix("multipart/form-data")?;
    let ours = spec_boundary(spec).is_some_and(|b| b == boundary);
    (ours && (rest.is_empty() || rest.starts_with([';', ' ', '\t']))).then(|| base.to_string())
}

/// The boundary the body was built with: the text after `--` on its first line.
fn spec_boundary(spec: &RequestSpec) -> Option<String> {
    let Some(Part::Bytes(first)) = spec.body.parts.first() else {
        return None;
    };
    let line = first.split(|&b| b == b'\r').next()?;
    let boundary = line.strip_prefix(b"--")?;
    let boundary = boundary.strip_suffix(b"--").unwrap_or(boundary);
    String::from_utf8(boundary.to_vec()).ok()
}

/// One multipart field as a curl argument: `--form-string` (taken literally) for text, `-F`
/// with a quoted path for a file. Err says why it cannot be written.
fn form_arg(field: &Field) -> Result<(&'static str, String), String> {
    let name = match field {
        Field::Text { name, .. } | Field::File { name, .. } => name,
    };
    // curl splits the argument at its first '=', and sends no name at all for an empty one.
    if name.is_empty() || name.contains('=') {
        return Err(format!(
            "the multipart field {:?} cannot be named in a curl -F argument",
            name
        ));
    }
    match field {
        Field::Text { value, .. } => {
            let arg = format!("{name}={value}");
            quote(&arg)
                .ok_or_else(|| format!("the multipart field {name:?} has control characters"))?;
            Ok(("--form-string", arg))
        }
        Field::File { path, mime, .. } => {
            let path = path
                .to_str()
                .ok_or_else(|| format!("the file of multipart field {name:?} is not UTF-8"))?;
            // "-" is standard input for curl; "./-" is the file.
            let path = if path == "-" { "./-" } else { path };
            // Inside double quotes, curl's -F takes \\ and \" as escapes (tool_formparse.c).
            let quoted = path.replace('\\', r"\\").replace('"', "\\\"");
            let mut arg = format!("{name}=@\"{quoted}\"");
            if let Some(mime) = mime {
                check_form_type(mime)
                    .map_err(|why| format!("the type of multipart field {name:?} {why}"))?;
                arg.push_str(";type=");
                arg.push_str(mime);
            }
            quote(&arg)
                .ok_or_else(|| format!("the multipart field {name:?} has control characters"))?;
            Ok(("-F", arg))
        }
    }
}

/// Whether curl's `-F ...;type=` reads `mime` back unchanged: `major/minor` (no space, comma
/// or ';' in them), then parameters without a comma and none named filename=, headers= or
/// encoder= (curl's own), no space at either end.
fn check_form_type(mime: &str) -> Result<(), &'static str> {
    if mime.trim() != mime || mime.contains([',', '\n', '\r']) {
        return Err("has a comma or surrounding spaces");
    }
    let (major, rest) = mime.split_once('/').ok_or("has no '/'")?;
    let minor_end = rest.find([';', ' ']).unwrap_or(rest.len());
    let minor = &rest[..minor_end];
    if major.is_empty() || major.contains(' ') || minor.is_empty() {
        return Err("is not of the form major/minor");
    }
    if major.len() > 127 || minor.len() > 127 {
        return Err("is too long");
    }
    for param in rest[minor_end..].split(';').skip(1) {
        let param = param.trim_start().to_ascii_lowercase();
        if ["filename=", "headers=", "encoder="]
            .iter()
            .any(|p| param.starts_with(p))
        {
            return Err("has a parameter curl reads as its own");
        }
    }
    Ok(())
}

/// `-X` only when curl would not infer the method: GET without a body, POST with one, and
/// `-I` for HEAD (`-X HEAD` would make curl wait for a body that never comes).
fn method(spec: &RequestSpec, body: &BodyArg, follow: Follow, cmd: &mut Command) {
    let method = spec.method.as_str();
    if method == "HEAD" && !body.is_some() {
        cmd.flag("-I");
        return;
    }
    let inferred = if body.is_some() { "POST" } else { "GET" };
    if method != inferred {
        cmd.opt("-X", method);
        if follow.enabled && method != "GET" {
            cmd.note(format!(
                "-X: curl keeps {method} after a 301, 302 or 303 redirect, where http switches \
                 to GET (curl's documentation of -X)"
            ));
        }
    }
}

/// The credentials curl is given by option rather than by header; true when the spec's
/// Authorization header is theirs (and so is not passed as a header).
fn auth(spec: &RequestSpec, netrc_file: Option<&Path>, cmd: &mut Command) -> bool {
    let Some(auth) = &spec.auth else {
        return false;
    };
    let digest = auth.kind == AuthType::Digest;
    if digest {
        cmd.flag("--digest");
    }
    match (auth.kind, auth.source) {
        (AuthType::Bearer, _) => false,
        // Their options come from the signer (`signing`): the header the spec carries is theirs.
        (kind, _) if kind.is_signing() => false,
        // As sent: the header the URL's or the session's credentials made.
        (AuthType::Basic, Source::Url | Source::Session) => false,
        (_, Source::Netrc) => {
            // Never the secret: curl reads the same file.
            match netrc_file {
                Some(path) => cmd.opt_path("--netrc-file", "", path),
                None => cmd.flag("--netrc"),
            }
            !digest
        }
        (_, Source::Prompt) => {
            // The password was not typed on the command line: curl asks for it too.
            user_option(auth, false, cmd);
            !digest
        }
        (_, Source::CommandLine | Source::Url | Source::Session | Source::Environment) => {
            user_option(auth, true, cmd);
            !digest
        }
    }
}

/// `-u user[:password]`; curl splits at the first ':', so a user name with one is noted.
fn user_option(auth: &Auth, with_secret: bool, cmd: &mut Command) {
    if auth.user.contains(':') {
        cmd.note("-u: the user name contains ':', which curl would read as the password's start");
        return;
    }
    let value = match with_secret {
        true => format!("{}:{}", auth.user, auth.secret),
        false => auth.user.clone(),
    };
    cmd.opt("-u", &value);
}

/// The headers in the spec's order: curl's own defaults overridden by ours (User-Agent with
/// `-A`, Accept and the rest with `-H`), those curl would send anyway left out, and curl's
/// defaults that we don't send turned off (`-H 'Name:'`).
fn headers(req: &Request, body: &BodyArg, auth_by_option: bool, cmd: &mut Command) {
    let spec = req.spec;
    let count = |name: &str| {
        spec.headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .count()
    };
    let form = matches!(body, BodyArg::Form(_));
    let mut accept_encoding = false;
    for h in &spec.headers {
        let value = h.value.as_str();
        match h.name.to_ascii_lowercase().as_str() {
            // curl's own Host is this very value, in the same (first) place.
            "host" if value == host_header(&spec.url) => {}
            "user-agent" if count("User-Agent") == 1 && !value.is_empty() => cmd.opt("-A", value),
            "accept-encoding" => {
                accept_encoding = true;
                if req.plan.download {
                    // A download asks for the bytes as stored, as http's does.
                    header(cmd, &Header::new(&h.name, "identity"));
                } else if value == ACCEPT_ENCODING {
                    cmd.flag("--compressed");
                    cmd.note(format!(
                        "--compressed: curl sends the encodings it can decode as \
                         Accept-Encoding, which may differ from http's \"{ACCEPT_ENCODING}\""
                    ));
                } else {
                    header(cmd, h);
                }
            }
            "content-length" => {
                let curl_sends = match body {
                    BodyArg::None => None,
                    // curl counts the body itself (its own boundary makes a multipart one
                    // differ in length).
                    BodyArg::Form(_) | BodyArg::Stdin => Some(value.to_string()),
                    _ => spec.body.len().map(|n| n.to_string()),
                };
                if curl_sends.as_deref() != Some(value) {
                    header(cmd, h);
                }
            }
            "content-type" if form => match form_data_type(spec) {
                Some(t) if t.eq_ignore_ascii_case("multipart/form-data") => {}
                Some(t) => header(cmd, &Header::new(&h.name, &t)),
                None => cmd.note(format!(
                    "-F: curl sends multipart/form-data with a boundary of its own; http's \
                     Content-Type {value:?} is left out"
                )),
            },
            "content-encoding" if spec.body.deflate_stream => {}
            "authorization" if auth_by_option && count("Authorization") == 1 => {}
            _ => header(cmd, h),
        }
    }
    if req.plan.download && !accept_encoding {
        header(cmd, &Header::new("Accept-Encoding", "identity"));
    }
    // curl's defaults that http does not send.
    if count("User-Agent") == 0 {
        cmd.header("User-Agent:");
    }
    if count("Accept") == 0 {
        cmd.header("Accept:");
    }
    let data = matches!(
        body,
        BodyArg::Text(_) | BodyArg::Bytes(_) | BodyArg::File(_) | BodyArg::Stdin
    );
    if data && count("Content-Type") == 0 {
        // curl labels --data bodies application/x-www-form-urlencoded unless told.
        cmd.header("Content-Type:");
    }
    let large = match body {
        BodyArg::None => false,
        BodyArg::Form(_) | BodyArg::Stdin => true,
        _ => spec.body.len().is_none_or(|n| n > EXPECT_THRESHOLD),
    };
    if large && count("Expect") == 0 {
        cmd.header("Expect:");
    }
}

/// `-H 'Name: value'`, or `-H 'Name;'` for an empty value (curl's way to send one).
fn header(cmd: &mut Command, h: &Header) {
    match h.value.is_empty() {
        true => cmd.header(&format!("{};", h.name)),
        false => cmd.header(&format!("{}: {}", h.name, h.value)),
    }
}

fn write_body(body: &BodyArg, plan: &CurlPlan, cmd: &mut Command) {
    match body {
        BodyArg::None => {}
        BodyArg::Text(text) => cmd.opt("--data-raw", text),
        BodyArg::Bytes(bytes) => {
            cmd.pipe = Some(bytes.clone());
            cmd.opt("--data-binary", "@-");
        }
        BodyArg::File(path) => {
            // "@-" would be standard input; "@./-" is the file.
            let path = if path.as_os_str() == "-" {
                Path::new("./-")
            } else {
                path
            };
            cmd.opt_path("--data-binary", "@", path);
        }
        BodyArg::Stdin => {
            cmd.opt("--data-binary", "@-");
            cmd.note("the body is http's standard input: pipe the same input into curl");
        }
        BodyArg::Form(fields) => {
            if plan.boundary {
                cmd.note("--boundary: curl -F chooses its own multipart boundary");
            }
            for field in fields.iter() {
                match form_arg(field) {
                    Ok((flag, arg)) => cmd.opt(flag, &arg),
                    Err(why) => cmd.note(format!("{why}: it is left out")),
                }
                if let Field::File {
                    name, mime: None, ..
                } = field
                {
                    cmd.note(format!(
                        "-F: curl labels the file part {name:?} with a Content-Type of its \
                         choosing (application/octet-stream); http sends it without one"
                    ));
                }
            }
        }
    }
}

/// `-x` with the proxy this request goes through; `--noproxy '*'` when proxies are set but
/// this request goes direct (curl reads the proxy variables too).
fn proxy(req: &Request, cmd: &mut Command) {
    let proxies = &req.client.proxies;
    match proxies.route(&req.spec.url) {
        Route::Direct => {
            if proxies.http.is_some() || proxies.https.is_some() {
                cmd.opt("--noproxy", "*");
            }
        }
        route @ (Route::Forward(p) | Route::Tunnel(p) | Route::Socks(p)) => {
            cmd.opt("-x", &proxy_url(p));
            if matches!(route, Route::Forward(_)) {
                // curl adds Proxy-Connection: Keep-Alive to a request it forwards; http doesn't.
                cmd.header("Proxy-Connection:");
            }
            if req.follow.enabled && proxies.http != proxies.https {
                cmd.note(
                    "-x: curl uses this proxy for every redirect, where http picks the proxy of \
                     each target's scheme",
                );
            }
        }
    }
}

/// Characters kept as they are in a URL's user name or password (RFC 3986 unreserved).
const USERINFO: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The proxy URL with its credentials in it, percent-encoded (curl decodes them).
fn proxy_url(p: &ProxyUrl) -> String {
    let enc = |s: &str| utf8_percent_encode(s, USERINFO).to_string();
    let userinfo = match (&p.username, &p.password) {
        (None, None) => String::new(),
        (user, None) => format!("{}@", enc(user.as_deref().unwrap_or(""))),
        (user, Some(pass)) => format!("{}:{}@", enc(user.as_deref().unwrap_or("")), enc(pass)),
    };
    format!(
        "{}://{userinfo}{}:{}",
        p.scheme.name(),
        p.uri_host(),
        p.port
    )
}

/// TLS options, when TLS is spoken (an https target, an https proxy, or maybe a redirect).
fn tls(req: &Request, cmd: &mut Command) {
    let client = req.client;
    let https_proxy = [&client.proxies.http, &client.proxies.https]
        .iter()
        .any(|p| p.as_ref().is_some_and(|p| p.scheme.name() == "https"));
    if req.spec.url.scheme() != "https" && !https_proxy && !req.follow.enabled {
        return;
    }
    let tls = &client.tls;
    match &tls.trust {
        Trust::System => {}
        Trust::Off => cmd.flag("-k"),
        Trust::Roots(roots) => {
            let (dirs, files): (Vec<_>, Vec<_>) = roots.iter().partition(|r| r.path.is_dir());
            for (i, file) in files.iter().enumerate() {
                match i {
                    0 => cmd.opt_path("--cacert", "", &file.path),
                    _ => cmd.note(format!(
                        "--cacert: curl takes one CA bundle; {} (from {}) is left out",
                        file.path.display(),
                        file.from
                    )),
                }
            }
            if !dirs.is_empty() {
                let joined: Option<Vec<&str>> = dirs.iter().map(|d| d.path.to_str()).collect();
                match joined.filter(|d| d.iter().all(|d| !d.contains(':'))) {
                    // OpenSSL builds of curl take a ':'-separated list (curl's --capath).
                    Some(list) => cmd.opt("--capath", &list.join(":")),
                    None => cmd.note("--capath: a CA directory's path cannot be written here"),
                }
                cmd.note(
                    "--capath: curl (OpenSSL) finds certificates in a directory by their hashed \
                     names (openssl rehash); http reads every certificate file in it",
                );
            }
        }
    }
    if let Some(cert) = &tls.client_cert {
        cmd.opt_path("--cert", "", &cert.cert);
        if let Some(key) = &cert.key {
            cmd.opt_path("--key", "", key);
        }
        if let Some(pass) = &cert.pass {
            cmd.opt("--pass", pass.expose());
        }
    }
    let mut min = tls.min_version;
    if let Some(ciphers) = &tls.ciphers {
        let names = |v: TlsVersion| {
            ciphers
                .iter()
                .filter(|c| c.version == v)
                .map(|c| c.openssl)
                .collect::<Vec<_>>()
        };
        let (v12, v13) = (names(TlsVersion::Tls12), names(TlsVersion::Tls13));
        if !v12.is_empty() {
            cmd.opt("--ciphers", &v12.join(":"));
        } else {
            min = TlsVersion::Tls13;
        }
        match v13.is_empty() {
            false => cmd.opt("--tls13-ciphers", &v13.join(":")),
            true => cmd.opt("--tls-max", "1.2"),
        }
    }
    if min == TlsVersion::Tls13 {
        cmd.flag("--tlsv1.3");
    }
}

fn addressing(client: &ClientOptions, cmd: &mut Command) {
    let a = &client.addressing;
    let bracket = |s: String| match s.contains(':') {
        true => format!("[{s}]"),
        false => s,
    };
    for entry in &a.resolve {
        let addrs: Vec<String> = entry
            .addrs
            .iter()
            .map(|ip| bracket(ip.to_string()))
            .collect();
        let value = format!(
            "{}:{}:{}",
            bracket(entry.host.clone()),
            entry.port,
            addrs.join(",")
        );
        cmd.opt("--resolve", &value);
    }
    match a.family {
        IpFamily::Any => {}
        IpFamily::V4 => cmd.flag("-4"),
        IpFamily::V6 => cmd.flag("-6"),
    }
    if let Some(path) = &a.unix_socket {
        cmd.opt_path("--unix-socket", "", path);
    }
    match &a.interface {
        Some(Interface::Addr(ip)) => cmd.opt("--interface", &ip.to_string()),
        Some(Interface::Name(name)) => cmd.opt("--interface", name),
        None => {}
    }
}

/// Seconds as curl takes them: a whole number, or a decimal one (milliseconds at most).
fn seconds(d: Duration) -> String {
    let text = format!("{:.3}", d.as_secs_f64());
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn limits(client: &ClientOptions, cmd: &mut Command) {
    if client.connect_source != LimitSource::Default {
        cmd.opt("--connect-timeout", &seconds(client.connect_timeout));
    }
    if let Some(max) = client.max_time {
        cmd.opt("--max-time", &seconds(max));
    }
    if let Some(idle) = client.timeout {
        // curl's --speed-time takes whole seconds.
        let secs = idle.as_secs() + u64::from(idle.subsec_nanos() > 0);
        cmd.opt("--speed-limit", "1");
        cmd.opt("--speed-time", &secs.to_string());
        cmd.note(format!(
            "--timeout: curl has no idle timeout; --speed-limit 1 --speed-time {secs} stops a \
             transfer slower than 1 byte/s for {secs}s, which is close"
        ));
    }
}

fn output(req: &Request, cmd: &mut Command) {
    if req.follow.enabled {
        cmd.flag("-L");
        cmd.opt("--max-redirs", &req.follow.max.to_string());
    }
    let plan = req.plan;
    match &plan.output {
        // "-o -" would be standard output; "./-" is the file.
        Some(path) if path.as_os_str() == "-" => cmd.opt("-o", "./-"),
        Some(path) => cmd.opt_path("-o", "", path),
        None if plan.download => {
            cmd.flag("-O");
            cmd.flag("-J");
            cmd.note(
                "--download: curl -O -J names the file by its own rules (http's may differ: an \
                 extension from the type, name-1 when the file exists)",
            );
        }
        None => {}
    }
    if plan.resume {
        cmd.opt("-C", "-");
    }
    if plan.stream {
        cmd.flag("-N");
    }
}

mod signing;
#[cfg(test)]
mod tests;
