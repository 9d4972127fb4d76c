//! The options layer: clap's [`Args`] (and the environment) resolved once into plain structs.
//!
//! Every rule that combines flags lives here as a pure function: `--download` implies
//! `--follow`, `-v` implies `--all`, what `-q` and `-qq` silence, `--continue` needs
//! `--download`, `-o` without `-d` is redirected output. Nothing outside this layer and the CLI
//! names `cli::Args`; the rest of the program sees only [`Options`].

pub mod auth;
pub mod curl;
mod net;
mod no_proxy;
mod paging;
mod print;
pub mod proxy;
pub mod retry;
pub mod tls;

use std::time::Duration;

use anyhow::{bail, Result};

use crate::auth::scheme::{AwsEnv, SchemeParams, TokenAuth};
use crate::auth::AuthType;
use crate::cli::{Args, CliAuthType, CliTokenAuth};
use crate::download::DownloadOptions;
use crate::items::{self, Item};

pub use net::{Addressing, Interface, IpFamily, LimitSource, ResolveEntry};
pub use paging::Paging;
pub use print::{OutputTarget, PrintPlan, Quiet};
pub use retry::RetryPolicy;

/// Which standard streams are terminals (detected at the edge, passed in as data).
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminals {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
}

/// What the options layer reads from the environment besides the command line.
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub terminals: Terminals,
    /// `NO_COLOR` is set to a non-empty value.
    pub no_color: bool,
    /// `TERM`.
    pub term: Option<String>,
    /// The CA bundle variables.
    pub tls: tls::TlsEnv,
    /// `http_proxy`, `https_proxy`, `all_proxy`, `no_proxy` (either case), `REQUEST_METHOD`.
    pub proxy: proxy::ProxyEnv,
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`.
    pub aws: AwsEnv,
}

/// One run, resolved.
pub struct Options {
    pub request: RequestInput,
    pub client: ClientOptions,
    pub print: PrintPlan,
    pub policy: Policies,
}

/// How the request body is serialised (`--json`, `--form`, `--multipart`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestType {
    Json,
    Form,
    Multipart,
}

/// What to send: the positionals split into method, URL and items (parsed once, here), and the
/// flags that shape the request.
#[derive(Debug, Clone, Default)]
pub struct RequestInput {
    pub method: Option<String>,
    pub url: String,
    pub items: Vec<Item>,
    pub request_type: Option<RequestType>,
    pub raw: Option<String>,
    pub boundary: Option<String>,
    /// `-x` (1: when smaller) or `-xx` (2: always).
    pub compress: u8,
    pub chunked: bool,
    pub path_as_is: bool,
    /// The scheme for URLs typed without one.
    pub default_scheme: String,
    /// `-a` as typed, and `-A`.
    pub auth: Option<String>,
    pub auth_type: Option<AuthType>,
    /// What oauth2, oauth1 and aws-sigv4 need besides `-a`.
    pub scheme: SchemeParams,
    pub ignore_netrc: bool,
    /// Standard input is the body source (not ignored, not a terminal; the caller still checks
    /// for /dev/null and a closed stdin).
    pub stdin_allowed: bool,
}

/// How to connect. Every connection option (TLS, proxies, addressing) lands here and in the
/// transport, nowhere else.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientOptions {
    /// Longest silence allowed between bytes (`--timeout`); `None` waits forever.
    pub timeout: Option<Duration>,
    /// Longest time to connect (DNS, TCP, TLS, proxy), and which option set it.
    pub connect_timeout: Duration,
    pub connect_source: LimitSource,
    /// Wall-clock budget of the whole run (`--max-time`).
    pub max_time: Option<Duration>,
    /// Most response headers accepted (`--max-headers`).
    pub max_headers: Option<usize>,
    pub addressing: Addressing,
    /// Trust, client certificate, versions and cipher suites.
    pub tls: tls::TlsOptions,
    /// `--proxy` and the proxy variables: the proxy for each target scheme, and `no_proxy`.
    pub proxies: proxy::Proxies,
}

/// How redirects are handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Follow {
    pub enabled: bool,
    /// How many redirects may be followed; one more is an error (exit 6).
    pub max: u32,
}

/// `--session NAME` or `--session-read-only NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionChoice {
    pub name: String,
    pub read_only: bool,
}

/// The run's policies: what happens around the exchange.
#[derive(Debug, Clone)]
pub struct Policies {
    pub offline: bool,
    pub follow: Follow,
    /// `--download` (never with `--offline` or `--curl`).
    pub download: Option<DownloadOptions>,
    pub session: Option<SessionChoice>,
    pub check_status: bool,
    pub retry: RetryPolicy,
    /// `--paginate` (with `--max-pages`, `--slurp`).
    pub paging: Option<Paging>,
    /// `--curl`: print the request as a curl command line instead of sending it.
    pub curl: Option<curl::CurlPlan>,
}

/// Resolves the command line and environment into [`Options`]. `default_scheme` is the
/// program's (`https` for the https program), which wins over `--default-scheme` there.
pub fn resolve(args: &Args, env: &Env, https_program: bool) -> Result<Options> {
    check_continue(args.resume, args.download)?;
    let request = request_input(args, env, https_program)?;
    let client = client_options(args, env)?;
    let print = print::plan(args, env)?;
    let policy = policies(args, env.terminals)?;
    Ok(Options {
        request,
        client,
        print,
        policy,
    })
}

/// `--continue` resumes a download; alone it means nothing.
pub fn check_continue(resume: bool, download: bool) -> Result<()> {
    if resume && !download {
        bail!("--continue only works with --download");
    }
    Ok(())
}

fn request_input(args: &Args, env: &Env, https_program: bool) -> Result<RequestInput> {
    let terminals = env.terminals;
    let (method, url, raw_items) = split_positionals(&args.positionals);
    let default_scheme = match https_program {
        true => "https".to_string(),
        false => args.default_scheme.clone(),
    };
    let flags = auth::SchemeFlags {
        token_url: args.token_url.as_deref(),
        scopes: &args.scope,
        token_auth: args.token_auth.map(|t| match t {
            CliTokenAuth::Basic => TokenAuth::Basic,
            CliTokenAuth::Body => TokenAuth::Body,
        }),
        oauth1_token: args.oauth1_token.as_deref(),
        aws_sigv4: args.aws_sigv4.as_deref(),
    };
    let auth_type = auth::auth_type(args.auth_type.map(auth_type), &flags)?;
    // The AWS variables are credentials: read only when that scheme asks for them.
    let aws_env = match auth_type {
        Some(AuthType::AwsSigV4) => env.aws.clone(),
        _ => AwsEnv::default(),
    };
    let scheme = auth::params(&flags, aws_env, &default_scheme)?;
    let items = raw_items
        .iter()
        .map(|arg| items::parse_item(arg).map_err(anyhow::Error::msg))
        .collect::<Result<Vec<Item>>>()?;
    Ok(RequestInput {
        method,
        url,
        items,
        request_type: request_type(args.json, args.form, args.multipart),
        raw: args.raw.clone(),
        boundary: args.boundary.clone(),
        compress: args.compress,
        chunked: args.chunked,
        path_as_is: args.path_as_is,
        default_scheme,
        auth: args.auth.clone(),
        auth_type,
        scheme,
        ignore_netrc: args.ignore_netrc,
        stdin_allowed: !args.ignore_stdin && !terminals.stdin,
    })
}

/// The request type chosen by the last of --json/--form/--multipart (clap keeps only it).
pub fn request_type(json: bool, form: bool, multipart: bool) -> Option<RequestType> {
    if form {
        Some(RequestType::Form)
    } else if multipart {
        Some(RequestType::Multipart)
    } else if json {
        Some(RequestType::Json)
    } else {
        None
    }
}

fn auth_type(kind: CliAuthType) -> AuthType {
    match kind {
        CliAuthType::Basic => AuthType::Basic,
        CliAuthType::Digest => AuthType::Digest,
        CliAuthType::Bearer => AuthType::Bearer,
        CliAuthType::Oauth2 => AuthType::OAuth2,
        CliAuthType::Oauth1 => AuthType::OAuth1,
        CliAuthType::AwsSigv4 => AuthType::AwsSigV4,
    }
}

/// The longest `--timeout` accepted: a day. Anything longer is a typo, not a wish.
const MAX_TIMEOUT_SECS: f64 = 86_400.0;

/// `--timeout SECONDS`: 0 waits forever (HTTPie); negative, NaN, infinite or absurd values
/// are refused instead of silently meaning "no timeout".
pub fn seconds(flag: &str, value: Option<f64>) -> Result<Option<Duration>> {
    Ok(duration(flag, value)?.filter(|d| !d.is_zero()))
}

/// A number of seconds where 0 means none at all (`--retry-backoff 0`, `--retry-max-delay 0`);
/// negative, NaN, infinite or absurd values are refused.
pub fn duration(flag: &str, value: Option<f64>) -> Result<Option<Duration>> {
    let Some(secs) = value else { return Ok(None) };
    if !secs.is_finite() || !(0.0..=MAX_TIMEOUT_SECS).contains(&secs) {
        bail!("--{flag} must be a number of seconds from 0 to {MAX_TIMEOUT_SECS}, not {secs}");
    }
    Ok(Some(Duration::from_secs_f64(secs)))
}

fn client_options(args: &Args, env: &Env) -> Result<ClientOptions> {
    let timeout = seconds("timeout", args.timeout)?;
    let (connect_timeout, connect_source) =
        net::connect_limit(seconds("connect-timeout", args.connect_timeout)?, timeout);
    Ok(ClientOptions {
        timeout,
        connect_timeout,
        connect_source,
        max_time: seconds("max-time", args.max_time)?,
        max_headers: net::max_headers(args.max_headers)?,
        addressing: net::addressing(
            &args.resolve,
            args.ipv4,
            args.ipv6,
            args.unix_socket.as_ref(),
            args.interface.as_deref(),
        )?,
        tls: tls::resolve(args, &env.tls)?,
        proxies: proxies(args, env)?,
    })
}

/// The proxies, unless `--unix-socket` names where to connect: then none applies (the
/// variables are ignored, and `--proxy` is a contradiction).
fn proxies(args: &Args, env: &Env) -> Result<proxy::Proxies> {
    if args.unix_socket.is_some() {
        if !args.proxy.is_empty() {
            bail!("--proxy and --unix-socket cannot be used together");
        }
        return Ok(proxy::Proxies::default());
    }
    let proxies = proxy::resolve(&args.proxy, &env.proxy).map_err(anyhow::Error::msg)?;
    let socks = [&proxies.http, &proxies.https]
        .into_iter()
        .flatten()
        .any(|p| {
            !matches!(
                p.scheme,
                proxy::ProxyScheme::Http | proxy::ProxyScheme::Https
            )
        });
    if socks && args.interface.is_some() {
        // The SOCKS handshake is the engine's, on a socket it opens itself: binding it is not
        // ours to do, and saying nothing would be an option that does nothing.
        bail!("--interface cannot be used with a SOCKS proxy (it applies to direct connections and HTTP proxies)");
    }
    Ok(proxies)
}

fn policies(args: &Args, terminals: Terminals) -> Result<Policies> {
    let download = (args.download && !args.offline && !args.curl).then(|| DownloadOptions {
        output: args.output.clone(),
        resume: args.resume,
        to_stdout: args.output.is_none() && !terminals.stdout,
        stderr_tty: terminals.stderr,
        quiet: Quiet::from_count(args.quiet).silences_progress(),
    });
    Ok(Policies {
        offline: args.offline,
        follow: follow(
            args.follow,
            download.is_some() || (args.curl && args.download),
            max_redirects(args.max_redirects)?,
        ),
        paging: paging::paging(args.paginate, args.max_pages, args.slurp, args.download)?,
        download,
        session: session_choice(&args.session, &args.session_read_only),
        check_status: args.check_status,
        retry: retry::policy(
            args.retry,
            args.retry_on.as_deref(),
            duration("retry-backoff", args.retry_backoff)?,
            duration("retry-max-delay", args.retry_max_delay)?,
            args.retry_all_methods,
        )?,
        curl: curl::plan(args),
    })
}

/// The most redirects `--max-redirects` may allow: far beyond any real chain, and a bound on a
/// run that a redirect loop would otherwise keep going for billions of hops.
const MAX_REDIRECTS: u32 = 1000;

fn max_redirects(n: u32) -> Result<u32> {
    if n > MAX_REDIRECTS {
        bail!("--max-redirects must be from 0 to {MAX_REDIRECTS}, not {n}");
    }
    Ok(n)
}

/// `--download` implies `--follow`: the file is the final resource, not a redirect page.
pub fn follow(follow: bool, download: bool, max: u32) -> Follow {
    Follow {
        enabled: follow || download,
        max,
    }
}

fn session_choice(session: &Option<String>, read_only: &Option<String>) -> Option<SessionChoice> {
    match (session, read_only) {
        (Some(name), _) => Some(SessionChoice {
            name: name.clone(),
            read_only: false,
        }),
        (None, Some(name)) => Some(SessionChoice {
            name: name.clone(),
            read_only: true,
        }),
        (None, None) => None,
    }
}

/// Methods recognised by name even when the next argument is a request item.
const KNOWN_METHODS: &[&str] = &[
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "DELETE",
    "CONNECT",
    "OPTIONS",
    "TRACE",
    "PATCH",
    "QUERY",
    "PROPFIND",
    "PROPPATCH",
    "MKCOL",
    "COPY",
    "MOVE",
    "LOCK",
    "UNLOCK",
    "PURGE",
    "LINK",
    "UNLINK",
    "SEARCH",
    "REPORT",
];

/// `host:port`, `host:port/path` or `host:port?query`: a URL with a port rather than the header
/// item `host: port`. The host must look like one (a dot, `localhost` or an IP address) unless
/// the word before is upper-case, as a method is written; `X-Count:5` stays a header.
fn has_port(arg: &str, after_upper_word: bool) -> bool {
    let Some((host, rest)) = arg.split_once(':') else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let after = &rest[digits..];
    let port = (1..=5).contains(&digits) && rest[..digits].parse::<u16>().is_ok();
    let host_chars = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    let host_like =
        host.contains('.') || host.eq_ignore_ascii_case("localhost") || after_upper_word;
    host_chars && host_like && port && (after.is_empty() || after.starts_with(['/', '?', '#']))
}

/// Splits `[METHOD] URL [ITEM...]`. The first of two or more positionals is the method when it
/// is a known method name, or a word of letters not followed by a request item. That fixes
/// HTTPie's `http localhost a=b`, which sends the method LOCALHOST to the URL `a=b`.
pub fn split_positionals(pos: &[String]) -> (Option<String>, String, Vec<String>) {
    match pos {
        [] => (None, String::new(), Vec::new()),
        [url] => (None, url.clone(), Vec::new()),
        [first, second, rest @ ..] => {
            let known = KNOWN_METHODS.iter().any(|m| m.eq_ignore_ascii_case(first));
            let word = !first.is_empty() && first.chars().all(|c| c.is_ascii_alphabetic());
            let upper = word && first.chars().all(|c| c.is_ascii_uppercase());
            if known || (word && (!items::is_item(second) || has_port(second, upper))) {
                (Some(first.clone()), second.clone(), rest.to_vec())
            } else {
                (None, first.clone(), pos[1..].to_vec())
            }
        }
    }
}

#[cfg(test)]
mod tests;
