//! The command line, as clap sees it: flags and the raw positionals, nothing interpreted yet.
//!
//! `-h` is `--headers` (HTTPie's choice), so clap's own `-h` is switched off and help lives on
//! `--help` only. Long options may be abbreviated to any unique prefix, as with argparse (which
//! HTTPie uses); an ambiguous prefix is an error that names the options it could mean.
//!
//! The help's request-item table and examples are also the man page's (`REQUEST_ITEMS`,
//! `EXAMPLES`), so the two never disagree.

use std::ffi::OsString;

use clap::{ArgAction, Parser};

/// `--pretty` values (mapped to the display's own type by the options layer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CliPretty {
    All,
    Colors,
    Format,
    None,
}

/// `--style` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CliStyle {
    Auto,
    Solarized,
    Monochrome,
    Pie,
    PieDark,
    PieLight,
    Monokai,
    Fruity,
    ParaisoDark,
    ParaisoLight,
    SolarizedDark,
    SolarizedLight,
}

/// `--auth-type` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CliAuthType {
    Basic,
    Digest,
    Bearer,
    /// OAuth 2.0 client credentials (RFC 6749 §4.4).
    Oauth2,
    /// OAuth 1.0a, HMAC-SHA1 (RFC 5849).
    Oauth1,
    /// AWS Signature Version 4.
    #[value(name = "aws-sigv4")]
    AwsSigv4,
}

/// `--token-auth` values: how an OAuth 2.0 client authenticates to the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CliTokenAuth {
    /// HTTP Basic with the client id and secret (RFC 6749 §2.3.1, the default).
    Basic,
    /// `client_id` and `client_secret` in the form body.
    Body,
}

/// `--ssl` values, HTTPie's spelling (mapped to a minimum TLS version by the options layer,
/// which refuses the versions rustls does not speak: those are accepted here, unlisted, so
/// that the refusal says why).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CliSsl {
    #[value(name = "ssl2.3")]
    Ssl23,
    #[value(name = "ssl3", hide = true)]
    Ssl3,
    #[value(name = "tls1", hide = true)]
    Tls1,
    #[value(name = "tls1.1", hide = true)]
    Tls11,
    #[value(name = "tls1.2")]
    Tls12,
    #[value(name = "tls1.3")]
    Tls13,
}

impl CliSsl {
    /// The value as typed.
    pub fn name(self) -> &'static str {
        match self {
            CliSsl::Ssl23 => "ssl2.3",
            CliSsl::Ssl3 => "ssl3",
            CliSsl::Tls1 => "tls1",
            CliSsl::Tls11 => "tls1.1",
            CliSsl::Tls12 => "tls1.2",
            CliSsl::Tls13 => "tls1.3",
        }
    }
}

#[derive(Debug, Clone, Parser)]
#[command(
    name = "http",
    disable_version_flag = true,
    about = "courier: a friendly command-line HTTP client",
    long_about = DESCRIPTION,
    override_usage = "http [OPTIONS] [METHOD] URL [REQUEST_ITEM ...]",
    disable_help_flag = true,
    infer_long_args = true,
    after_help = after_help()
)]
pub struct Args {
    /// [METHOD] URL [REQUEST_ITEM ...]: the method is optional (GET without data, POST with).
    #[arg(value_name = "ARGS", required = true, num_args = 1..)]
    pub positionals: Vec<String>,

    // ---- Predefined content types -------------------------------------------------------------
    /// Serialize data items as a JSON object (the default); also sets JSON Accept/Content-Type
    /// headers when there is no data.
    #[arg(short = 'j', long, overrides_with_all = ["json", "form", "multipart"], help_heading = "Content types")]
    pub json: bool,
    /// Serialize data items as an urlencoded form; multipart when a file field is present.
    #[arg(short = 'f', long, overrides_with_all = ["json", "form", "multipart"], help_heading = "Content types")]
    pub form: bool,
    /// Always send a multipart/form-data body.
    #[arg(long, overrides_with_all = ["json", "form", "multipart"], help_heading = "Content types")]
    pub multipart: bool,
    /// The multipart boundary to use instead of a random one.
    #[arg(long, value_name = "BOUNDARY", help_heading = "Content types")]
    pub boundary: Option<String>,
    /// A raw request body, sent as is (UTF-8).
    #[arg(long, value_name = "RAW", help_heading = "Content types")]
    pub raw: Option<String>,

    // ---- Content processing -------------------------------------------------------------------
    /// Deflate the request body (Content-Encoding: deflate) when that makes it smaller; twice
    /// (-xx) to always compress.
    #[arg(short = 'x', long, action = ArgAction::Count, help_heading = "Content processing")]
    pub compress: u8,

    // ---- Output processing -------------------------------------------------------------------
    /// Prettify output: all (format and colors), colors, format, none. Default: all on a
    /// terminal, none when redirected (then bodies are byte-exact).
    #[arg(
        long,
        value_enum,
        value_name = "MODE",
        help_heading = "Output processing"
    )]
    pub pretty: Option<CliPretty>,
    /// Color theme: auto (the terminal's palette), solarized, monochrome; or, in 256 colors as
    /// HTTPie shows them, HTTPie's pie-dark, pie-light, pie and the Pygments styles.
    #[arg(
        short = 's',
        long,
        value_enum,
        value_name = "STYLE",
        help_heading = "Output processing"
    )]
    pub style: Option<CliStyle>,
    /// Sort headers and JSON keys (--format-options=headers.sort:true,json.sort_keys:true).
    #[arg(long, overrides_with_all = ["sorted", "unsorted"], help_heading = "Output processing")]
    pub sorted: bool,
    /// Keep headers and JSON keys in the order received.
    #[arg(long, overrides_with_all = ["sorted", "unsorted"], help_heading = "Output processing")]
    pub unsorted: bool,
    /// Formatting: headers.sort, json.format, json.indent, json.sort_keys, xml.format,
    /// xml.indent, as key:value pairs separated by commas.
    #[arg(long, value_name = "OPTIONS", action = ArgAction::Append, help_heading = "Output processing")]
    pub format_options: Vec<String>,
    /// Decode the response body with this charset for display (overrides Content-Type's).
    #[arg(long, value_name = "ENCODING", help_heading = "Output processing")]
    pub response_charset: Option<String>,
    /// Format the response body as this MIME type (overrides Content-Type).
    #[arg(long, value_name = "MIME_TYPE", help_heading = "Output processing")]
    pub response_mime: Option<String>,

    // ---- Output ------------------------------------------------------------------------------
    /// What to print, any of: H request headers, B request body, h response headers, b response
    /// body, m response metadata (elapsed time). Default: hb on a terminal, b when redirected.
    #[arg(short = 'p', long = "print", value_name = "WHAT", help_heading = "Output",
          overrides_with_all = ["print", "headers", "body", "meta"])]
    pub print: Option<String>,
    /// Print only the response headers (--print=h).
    #[arg(short = 'h', long, help_heading = "Output", overrides_with_all = ["print", "headers", "body", "meta"])]
    pub headers: bool,
    /// Print only the response body (--print=b).
    #[arg(short = 'b', long, help_heading = "Output", overrides_with_all = ["print", "headers", "body", "meta"])]
    pub body: bool,
    /// Print only the response metadata: elapsed time and where it went (--print=m).
    #[arg(short = 'm', long, help_heading = "Output", overrides_with_all = ["print", "headers", "body", "meta"])]
    pub meta: bool,
    /// Print the whole exchange (--print=HBhb); twice adds the metadata (HBhbm). Implies --all.
    #[arg(short = 'v', long, action = ArgAction::Count, help_heading = "Output")]
    pub verbose: u8,
    /// Print every exchange of the run (intermediate responses such as redirects and auth
    /// challenges), not only the last.
    #[arg(long, help_heading = "Output")]
    pub all: bool,
    /// Print the response body line by line as it arrives (NDJSON, server-sent events, logs).
    #[arg(short = 'S', long, help_heading = "Output")]
    pub stream: bool,
    /// Print nothing but errors (the response is still received and checked).
    #[arg(short = 'q', long, action = ArgAction::Count, help_heading = "Output")]
    pub quiet: u8,

    // ---- Downloads ---------------------------------------------------------------------------
    /// Save the response body to a file (named by -o, Content-Disposition or the URL), with a
    /// progress bar; follows redirects. To stdout when it is redirected and no -o is given.
    #[arg(short = 'd', long, help_heading = "Downloads")]
    pub download: bool,
    /// The file to write: with --download, the body; without, everything that would be printed.
    #[arg(short = 'o', long, value_name = "FILE", help_heading = "Downloads")]
    pub output: Option<std::path::PathBuf>,
    /// Resume an interrupted --download into the --output file (Range: bytes=N-).
    #[arg(short = 'c', long = "continue", help_heading = "Downloads")]
    pub resume: bool,

    // ---- Pagination --------------------------------------------------------------------------
    /// Follow `Link: <URL>; rel="next"` from page to page, printing each page in order (stops at
    /// an error status, a link loop or --max-pages).
    #[arg(long, help_heading = "Pagination")]
    pub paginate: bool,
    /// With --paginate: the most pages to fetch (default 100, at most 100000).
    #[arg(long, value_name = "N", help_heading = "Pagination")]
    pub max_pages: Option<u64>,
    /// With --paginate: print the pages, each a JSON array, as one merged array.
    #[arg(long, help_heading = "Pagination")]
    pub slurp: bool,

    // ---- Sessions ----------------------------------------------------------------------------
    /// Use a session and update it: cookies, auth and headers kept between runs. A NAME is
    /// kept in the config dir per host; a value with a / is a file path.
    #[arg(
        long,
        value_name = "NAME_OR_PATH",
        conflicts_with = "session_read_only",
        help_heading = "Sessions"
    )]
    pub session: Option<String>,
    /// Use a session without ever writing it.
    #[arg(long, value_name = "NAME_OR_PATH", help_heading = "Sessions")]
    pub session_read_only: Option<String>,

    // ---- Authentication ----------------------------------------------------------------------
    /// Credentials: USER:PASS (USER alone prompts for the password), a TOKEN with
    /// --auth-type=bearer, CLIENT_ID:CLIENT_SECRET (oauth2), CONSUMER_KEY:CONSUMER_SECRET
    /// (oauth1) or ACCESS_KEY:SECRET_KEY (aws-sigv4).
    #[arg(
        short = 'a',
        long,
        value_name = "USER[:PASS] | TOKEN",
        help_heading = "Authentication"
    )]
    pub auth: Option<String>,
    /// The authentication scheme: basic, digest (answers the server's challenge), bearer,
    /// oauth2 (client credentials), oauth1 (HMAC-SHA1 signing) or aws-sigv4.
    #[arg(
        short = 'A',
        long,
        value_enum,
        value_name = "TYPE",
        help_heading = "Authentication"
    )]
    pub auth_type: Option<CliAuthType>,
    /// Don't read credentials from .netrc ($NETRC or ~/.netrc).
    #[arg(long, help_heading = "Authentication")]
    pub ignore_netrc: bool,
    /// OAuth 2.0: the token endpoint the client credentials are exchanged at (implies
    /// --auth-type=oauth2).
    #[arg(long, value_name = "URL", help_heading = "Authentication")]
    pub token_url: Option<String>,
    /// OAuth 2.0: a scope to ask for; repeat it, or give several separated by spaces.
    #[arg(long, value_name = "SCOPE", help_heading = "Authentication")]
    pub scope: Vec<String>,
    /// OAuth 2.0: how the client authenticates to the token endpoint: basic (HTTP Basic, the
    /// default) or body (client_id and client_secret in the form).
    #[arg(long, value_enum, value_name = "HOW", help_heading = "Authentication")]
    pub token_auth: Option<CliTokenAuth>,
    /// OAuth 1.0a: the user's token and token secret (implies --auth-type=oauth1).
    #[arg(long, value_name = "TOKEN:SECRET", help_heading = "Authentication")]
    pub oauth1_token: Option<String>,
    /// AWS Signature V4 with curl's PROVIDER1[:PROVIDER2[:REGION[:SERVICE]]], e.g.
    /// aws:amz:us-east-1:execute-api (implies --auth-type=aws-sigv4).
    #[arg(
        long,
        value_name = "PROVIDER:REGION:SERVICE",
        help_heading = "Authentication"
    )]
    pub aws_sigv4: Option<String>,

    // ---- Network -----------------------------------------------------------------------------
    /// Build and print the request without sending it.
    #[arg(long, help_heading = "Network")]
    pub offline: bool,
    /// Print an equivalent curl command line instead of sending the request (as --offline,
    /// nothing is sent); what curl cannot express is named in # comment lines after it.
    #[arg(long, help_heading = "Network")]
    pub curl: bool,
    /// Seconds of silence allowed between bytes (connect included); 0 waits forever.
    #[arg(long, value_name = "SECONDS", help_heading = "Network")]
    pub timeout: Option<f64>,
    /// Seconds allowed to connect (DNS, TCP and TLS, proxy included); default: --timeout, else 30.
    #[arg(long, value_name = "SECONDS", help_heading = "Network")]
    pub connect_timeout: Option<f64>,
    /// Seconds the whole run may take, every redirect hop included; exit 2 when exceeded.
    #[arg(long, value_name = "SECONDS", help_heading = "Network")]
    pub max_time: Option<f64>,
    /// Most response headers to accept (0: no limit of ours; the engine stops at 128).
    #[arg(long, value_name = "N", help_heading = "Network")]
    pub max_headers: Option<u64>,
    /// Connect to ADDR for HOST:PORT, keeping HOST for the Host header and TLS (as curl).
    #[arg(long, value_name = "HOST:PORT:ADDR", action = ArgAction::Append, help_heading = "Network")]
    pub resolve: Vec<String>,
    /// Connect over IPv4 only.
    #[arg(short = '4', long, conflicts_with = "ipv6", help_heading = "Network")]
    pub ipv4: bool,
    /// Connect over IPv6 only.
    #[arg(short = '6', long, help_heading = "Network")]
    pub ipv6: bool,
    /// Talk HTTP over this Unix domain socket (the URL's host is only the Host header).
    #[arg(long, value_name = "PATH", help_heading = "Network")]
    pub unix_socket: Option<std::path::PathBuf>,
    /// Connect from this local address, or from the address of this interface (as curl).
    #[arg(long, value_name = "ADDR|NAME", help_heading = "Network")]
    pub interface: Option<String>,
    /// Follow redirects (3xx with a Location), never carrying credentials or cookies to
    /// another origin.
    #[arg(short = 'F', long, help_heading = "Network")]
    pub follow: bool,
    /// With --follow: how many redirects to follow; one more ends with exit status 6.
    #[arg(long, value_name = "N", default_value_t = 30, help_heading = "Network")]
    pub max_redirects: u32,
    /// Retry up to N times after a connection failure, a timeout or a --retry-on status.
    #[arg(long, value_name = "N", help_heading = "Retries")]
    pub retry: Option<u32>,
    /// Statuses to retry: codes and classes, e.g. 429,5xx (default 408,429,500,502,503,504).
    #[arg(long, value_name = "STATUSES", help_heading = "Retries")]
    pub retry_on: Option<String>,
    /// The first backoff wait in seconds, doubled per attempt, randomised (default 0.5).
    #[arg(long, value_name = "SECONDS", help_heading = "Retries")]
    pub retry_backoff: Option<f64>,
    /// The longest wait between attempts, a server's Retry-After included (default 30).
    #[arg(long, value_name = "SECONDS", help_heading = "Retries")]
    pub retry_max_delay: Option<f64>,
    /// Retry POST, PATCH and other methods that are not idempotent too.
    #[arg(long, help_heading = "Retries")]
    pub retry_all_methods: bool,
    /// Exit with 3, 4 or 5 for a 3xx, 4xx or 5xx response.
    #[arg(long, help_heading = "Network")]
    pub check_status: bool,
    /// Send the URL path exactly as typed (no `..` or `.` folding).
    #[arg(long, help_heading = "Network")]
    pub path_as_is: bool,
    /// Send the body with Transfer-Encoding: chunked.
    #[arg(long, help_heading = "Network")]
    pub chunked: bool,
    /// A proxy for http targets, https targets or all, as PROTOCOL:URL (repeatable), e.g.
    /// --proxy=http:http://user:pass@proxy:3128 or --proxy=all:socks5h://proxy:1080. Proxy
    /// URLs: http, https, socks4, socks4a, socks5, socks5h. Overrides http_proxy, https_proxy
    /// and all_proxy; no_proxy still applies.
    #[arg(long, value_name = "PROTOCOL:URL", action = ArgAction::Append, help_heading = "Network")]
    pub proxy: Vec<String>,

    // ---- SSL ---------------------------------------------------------------------------------
    /// Verify the server's TLS certificate: yes (against the system's trust store, or
    /// REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, SSL_CERT_FILE, SSL_CERT_DIR), no (don't: unsafe), or
    /// the path of a PEM CA bundle or a directory of CA certificates to trust instead.
    #[arg(long, value_name = "VERIFY", help_heading = "SSL")]
    pub verify: Option<String>,
    /// The lowest TLS version to offer: tls1.2 (the default, as ssl2.3) or tls1.3.
    #[arg(long, value_enum, value_name = "VERSION", help_heading = "SSL")]
    pub ssl: Option<CliSsl>,
    /// The cipher suites to offer, in order, separated by ':' or ',': IANA or OpenSSL names
    /// (TLS_AES_128_GCM_SHA256, ECDHE-RSA-AES128-GCM-SHA256).
    #[arg(long, value_name = "LIST", help_heading = "SSL")]
    pub ciphers: Option<String>,
    /// A client certificate (PEM: the chain, leaf first, and the key unless --cert-key gives it).
    #[arg(long, value_name = "FILE", help_heading = "SSL")]
    pub cert: Option<std::path::PathBuf>,
    /// The private key of --cert (PEM: PKCS#8, encrypted or not, PKCS#1 or SEC1).
    #[arg(long, value_name = "FILE", help_heading = "SSL")]
    pub cert_key: Option<std::path::PathBuf>,
    /// The passphrase of an encrypted --cert-key (asked for on the terminal when omitted).
    #[arg(long, value_name = "PASS", help_heading = "SSL")]
    pub cert_key_pass: Option<String>,

    // ---- Troubleshooting ---------------------------------------------------------------------
    /// Never read the request body from stdin.
    #[arg(short = 'I', long, help_heading = "Troubleshooting")]
    pub ignore_stdin: bool,
    /// The scheme for URLs typed without one (the `https` program always uses https).
    #[arg(
        long,
        value_name = "SCHEME",
        default_value = "http",
        help_heading = "Troubleshooting"
    )]
    pub default_scheme: String,
    /// Print the version, the config dir and file, the options (after the config file's and
    /// the defaults) and the environment variables read, secrets redacted, to stderr; then run.
    #[arg(long, help_heading = "Troubleshooting")]
    pub debug: bool,
    /// Print the version and exit.
    #[arg(short = 'V', long, help_heading = "Troubleshooting")]
    pub version: bool,
    /// Print help.
    #[arg(long, action = ArgAction::Help, help_heading = "Troubleshooting")]
    pub help: Option<bool>,
}

/// Parses the command line; `Err` is the exit status when there is nothing to run: help or
/// the version was printed (0), or a usage error was reported in one line (1).
pub fn parse(prog: &str, argv: Vec<OsString>) -> Result<Args, i32> {
    // `--version` (or `-V`, or an abbreviation such as `--vers`) prints the bare version, as
    // HTTPie does, so scripts can compare it.
    if argv
        .iter()
        .skip(1)
        .any(|a| is_version_flag(&a.to_string_lossy()))
    {
        println!("{}", env!("CARGO_PKG_VERSION"));
        return Err(0);
    }
    // The usage line names the program run (`https --help` says `https`); `--no-FLAG` for
    // every flag: see `config::negate`.
    let name = if prog == "https" { "https" } else { "http" };
    crate::config::negate::try_parse_as(name, argv).map_err(|e| {
        use clap::error::ErrorKind;
        match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                let _ = e.print();
                0
            }
            ErrorKind::MissingRequiredArgument => {
                eprintln!("{prog}: error: a URL is required: {prog} [METHOD] URL [REQUEST_ITEM ...] (see '{prog} --help')");
                crate::exit::ExitStatus::Error.code()
            }
            _ => {
                eprintln!("{prog}: error: {} (see '{prog} --help')", one_line(&e));
                crate::exit::ExitStatus::Error.code()
            }
        }
    })
}

/// The usage line of `--help` and the man page's SYNOPSIS.
pub fn usage(prog: &str) -> String {
    format!("{prog} [OPTIONS] [METHOD] URL [REQUEST_ITEM ...]")
}

/// `-V`, `--version` or an unambiguous abbreviation of it (`--vers`: `--ver` could also be
/// `--verbose` or `--verify`).
pub(crate) fn is_version_flag(arg: &str) -> bool {
    arg == "-V" || (arg.len() >= "--vers".len() && "--version".starts_with(arg))
}

/// Clap's message in one line: its tip kept ("a similar argument exists: '--follow'"), its
/// usage and "For more information, try '--help'" left out (our caller adds one hint). An
/// unknown `--prefix` that abbreviates several options (`infer_long_args`) names them: clap
/// only says the argument is unexpected.
fn one_line(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() == ErrorKind::UnknownArgument {
        if let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) {
            let candidates = abbreviation_candidates(arg);
            if candidates.len() > 1 {
                return format!(
                    "ambiguous option: '{arg}' could mean {}",
                    candidates.join(", ")
                );
            }
        }
    }
    let text = e.to_string();
    let message: Vec<&str> = text
        .lines()
        .take_while(|l| !l.starts_with("Usage:"))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("For more information"))
        .collect();
    let message = message.join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    // "unexpected argument '--folow' found tip: a similar argument exists: '--follow'"
    message.replace(" tip: ", "; tip: ")
}

/// The long options `arg` (`--ver`, or `--ver=x`) abbreviates, in the order `--help` lists
/// them.
fn abbreviation_candidates(arg: &str) -> Vec<String> {
    let Some(prefix) = arg.strip_prefix("--") else {
        return Vec::new();
    };
    let prefix = prefix.split('=').next().unwrap_or(prefix);
    if prefix.is_empty() {
        return Vec::new();
    }
    // The command the line is parsed with: the hidden --no-FLAG forms are in it.
    let cmd = crate::config::negate::command();
    let matching = |visible_only: bool| -> Vec<String> {
        cmd.get_arguments()
            .filter(|a| !(visible_only && a.is_hide_set()))
            .filter_map(|a| a.get_long())
            .filter(|long| long.starts_with(prefix))
            .map(|long| format!("--{long}"))
            .collect()
    };
    // Hidden options (the --no-FLAG forms) are named only when the visible ones do not
    // explain the ambiguity.
    let visible = matching(true);
    if visible.len() > 1 {
        visible
    } else {
        matching(false)
    }
}

/// The long description of `--help` and the man page's DESCRIPTION.
pub const DESCRIPTION: &str = "\
courier: a friendly command-line HTTP client, with HTTPie's grammar: an optional METHOD, a \
URL and request items that make the headers, the query and the body.

The URL's scheme defaults to http:// (https:// for the `https` program). Localhost has a \
shorthand: `:3000/x` is http://localhost:3000/x and `:/x` is http://localhost/x.";

/// The request-item grammar: (item, meaning), for `--help` and the man page's table.
pub const REQUEST_ITEMS: &[(&str, &str)] = &[
    (
        "Header:Value",
        "request header (Header: removes it, Header; sends it empty)",
    ),
    ("Header:@file", "header value read from a file"),
    (
        "name==value",
        "URL query parameter (name==@file reads the value from a file)",
    ),
    (
        "field=value",
        "data field, a JSON string (or a form field with --form)",
    ),
    (
        "field:=json",
        "raw JSON field: numbers, booleans, arrays, objects",
    ),
    (
        "field=@file",
        "data field read from a text file (field:=@file: JSON from a file)",
    ),
    (
        "field@file",
        "file upload with --form/--multipart (field@file;type=mime/type)",
    ),
    ("@file", "the request body, read from a file"),
];

/// Examples: (what it does, the command line), for `--help` and the man page.
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "GET from localhost's port 3000 (the shorthand)",
        "http :3000/users",
    ),
    (
        "Headers and query parameters",
        "http example.org/search X-API-Key:abc q==courier page==2",
    ),
    (
        "POST JSON (the default for data items)",
        "http example.org/users name=Ada admin:=true tags:='[\"x\"]'",
    ),
    (
        "PUT a JSON body from a file",
        "http PUT example.org/users/1 @user.json",
    ),
    (
        "Submit a form",
        "http --form POST example.org/login user=ada pass=secret",
    ),
    (
        "Upload a file (multipart)",
        "http --form example.org/upload name=cv file@./cv.pdf",
    ),
    (
        "Keep cookies and auth in a named session",
        "http --session=work -a ada example.org/login",
    ),
    (
        "Download a file, resuming an interrupted one",
        "http --download --continue -o big.iso example.org/big.iso",
    ),
    (
        "Basic auth (asks for the password)",
        "http -a ada example.org/me",
    ),
    ("Bearer auth", "http -A bearer -a TOKEN example.org/me"),
    (
        "In a script: fail on 4xx and 5xx, print only the body",
        "http --check-status --ignore-stdin -b example.org/health || echo down",
    ),
    (
        "See the whole exchange without sending it",
        "http --offline -v POST example.org/x a=1",
    ),
];

/// `--help`'s closing part: the item grammar, then the examples (as `git help`, man-pages'
/// EXAMPLES last).
fn after_help() -> String {
    let mut s = String::from("Request items:\n");
    for (item, meaning) in REQUEST_ITEMS {
        s.push_str(&format!("  {item:<16} {meaning}\n"));
    }
    s.push_str(
        "Escape separators with a backslash: 'a\\:b=c' sends the field \"a:b\".\n\nExamples:\n",
    );
    for (what, cmd) in EXAMPLES {
        s.push_str(&format!("  # {what}\n  {cmd}\n"));
    }
    s.trim_end().to_string()
}
