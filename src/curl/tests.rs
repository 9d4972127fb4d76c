use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::*;
use crate::auth::{Auth, AuthType, Source};
use crate::build::multipart;
use crate::options::proxy::{self as proxy_opts, ProxyEnv};
use crate::options::tls::{CaPath, ClientCert, Secret, TlsOptions, CIPHERS};
use crate::options::{Addressing, ResolveEntry};
use crate::spec::Body;

const UA: &str = "courier/test";

fn client() -> ClientOptions {
    ClientOptions {
        timeout: None,
        connect_timeout: Duration::from_secs(30),
        connect_source: LimitSource::Default,
        max_time: None,
        max_headers: None,
        addressing: Addressing::default(),
        tls: TlsOptions::default(),
        proxies: Default::default(),
    }
}

/// A spec as the build makes it: Host, User-Agent, Accept-Encoding, Accept, then `extra`.
fn spec(method: &str, url: &str, extra: &[(&str, &str)], parts: Vec<Part>) -> RequestSpec {
    let url = url::Url::parse(url).unwrap();
    let mut headers = vec![
        Header::new("Host", &host_header(&url)),
        Header::new("User-Agent", UA),
        Header::new("Accept-Encoding", ACCEPT_ENCODING),
        Header::new("Accept", "*/*"),
    ];
    headers.extend(extra.iter().map(|(n, v)| Header::new(n, v)));
    RequestSpec {
        method: method.into(),
        target: crate::url_input::target(&url),
        url,
        headers,
        body: Body {
            parts,
            ..Body::default()
        },
        auth: None,
    }
}

fn get(url: &str) -> RequestSpec {
    spec("GET", url, &[], vec![])
}

fn no_follow() -> Follow {
    Follow {
        enabled: false,
        max: 30,
    }
}

struct R<'a> {
    spec: RequestSpec,
    form: Option<&'a [Field]>,
    client: ClientOptions,
    follow: Follow,
    plan: CurlPlan,
    netrc_file: Option<&'a Path>,
}

impl<'a> R<'a> {
    fn new(spec: RequestSpec) -> R<'a> {
        R {
            spec,
            form: None,
            client: client(),
            follow: no_follow(),
            plan: CurlPlan::default(),
            netrc_file: None,
        }
    }

    fn text(&self) -> String {
        render(&Request {
            spec: &self.spec,
            form: self.form,
            client: &self.client,
            follow: self.follow,
            plan: &self.plan,
            netrc_file: self.netrc_file,
            signer: None,
        })
    }

    /// The option lines (continuations stripped), without the URL line.
    fn args(&self) -> Vec<String> {
        command_lines(&self.text())
    }

    fn notes(&self) -> Vec<String> {
        self.text()
            .lines()
            .filter_map(|l| l.strip_prefix("# ").map(str::to_string))
            .collect()
    }
}

fn command_lines(text: &str) -> Vec<String> {
    text.lines()
        .take_while(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| l.trim().trim_end_matches(" \\").to_string())
        .collect()
}

fn args_of(spec: RequestSpec) -> Vec<String> {
    R::new(spec).args()
}

// ---- quoting -------------------------------------------------------------------------------

#[test]
fn quoting_for_a_posix_shell() {
    assert_eq!(quote("PUT").as_deref(), Some("PUT"));
    assert_eq!(
        quote("a-b_c.d/e:f=g@h%i+j,k").as_deref(),
        Some("a-b_c.d/e:f=g@h%i+j,k")
    );
    assert_eq!(quote("").as_deref(), Some("''"));
    assert_eq!(quote("a b").as_deref(), Some("'a b'"));
    assert_eq!(quote("it's").as_deref(), Some(r"'it'\''s'"));
    assert_eq!(quote("''").as_deref(), Some(r"''\'''\'''"));
    assert_eq!(
        quote("$HOME `id` $(id)").as_deref(),
        Some("'$HOME `id` $(id)'")
    );
    assert_eq!(quote(r"back\slash").as_deref(), Some(r"'back\slash'"));
    assert_eq!(
        quote("!event *glob ?x [a] ~user {a,b} #c &;|<>").as_deref(),
        Some("'!event *glob ?x [a] ~user {a,b} #c &;|<>'")
    );
    assert_eq!(
        quote("two\nlines\tand tab").as_deref(),
        Some("'two\nlines\tand tab'")
    );
    assert_eq!(quote("héllo wörld ☃").as_deref(), Some("'héllo wörld ☃'"));
    assert_eq!(quote("café").as_deref(), Some("'café'"));
}

#[test]
fn control_characters_are_never_quoted_raw() {
    for bad in ["a\rb", "\x1b]0;title\x07", "nul\0", "del\x7f", "c1\u{9b}"] {
        assert_eq!(quote(bad), None, "{bad:?}");
    }
}

#[test]
fn printf_writes_any_bytes() {
    assert_eq!(printf(b"plain text"), "printf 'plain text'");
    assert_eq!(printf(b"100% \\ 'q'"), r"printf '100%% \\ \047q\047'");
    assert_eq!(printf(b"a\nb\tc\rd"), r"printf 'a\nb\tc\rd'");
    // Three octal digits always, so a digit after one is not read as part of it.
    assert_eq!(printf(b"\x001\xff\x1b"), r"printf '\0001\377\033'");
    assert_eq!(printf("é".as_bytes()), r"printf '\303\251'");
}

#[test]
fn seconds_as_curl_takes_them() {
    assert_eq!(seconds(Duration::from_secs(30)), "30");
    assert_eq!(seconds(Duration::from_secs(100)), "100");
    assert_eq!(seconds(Duration::from_millis(2500)), "2.5");
    assert_eq!(seconds(Duration::from_millis(10)), "0.01");
}

// ---- method, URL ---------------------------------------------------------------------------

#[test]
fn a_plain_get() {
    let text = R::new(get("http://example.org/")).text();
    assert_eq!(
        text,
        "curl http://example.org/ \\\n  -A courier/test \\\n  --compressed \\\n  \
         -H 'Accept: */*'\n\
         # --compressed: curl sends the encodings it can decode as Accept-Encoding, which may \
         differ from http's \"gzip, deflate, br\"\n"
    );
}

#[test]
fn method_only_when_curl_would_not_infer_it() {
    let body = || vec![Part::Bytes(b"x".to_vec())];
    let ct = [("Content-Type", "text/plain"), ("Content-Length", "1")];
    assert!(!args_of(spec("POST", "http://h/", &ct, body()))
        .iter()
        .any(|a| a.starts_with("-X")));
    assert!(args_of(spec("PUT", "http://h/", &ct, body())).contains(&"-X PUT".to_string()));
    assert!(args_of(spec("GET", "http://h/", &ct, body())).contains(&"-X GET".to_string()));
    assert!(args_of(spec("DELETE", "http://h/", &[], vec![])).contains(&"-X DELETE".to_string()));
    let head = args_of(spec("HEAD", "http://h/", &[], vec![]));
    assert!(head.contains(&"-I".to_string()), "{head:?}");
    assert!(!head.iter().any(|a| a.starts_with("-X")));
}

#[test]
fn an_empty_post_keeps_its_content_length() {
    let args = args_of(spec(
        "POST",
        "http://h/",
        &[("Content-Length", "0")],
        vec![],
    ));
    assert!(args.contains(&"-X POST".to_string()));
    assert!(
        args.contains(&"-H 'Content-Length: 0'".to_string()),
        "{args:?}"
    );
}

#[test]
fn custom_method_with_follow_is_noted() {
    let mut r = R::new(spec("DELETE", "http://h/", &[], vec![]));
    r.follow = Follow {
        enabled: true,
        max: 5,
    };
    let args = r.args();
    assert!(
        args.ends_with(&["-L".into(), "--max-redirs 5".into()]),
        "{args:?}"
    );
    assert!(r
        .notes()
        .iter()
        .any(|n| n.starts_with("-X: curl keeps DELETE")));
}

#[test]
fn url_as_sent_with_globbing_and_dot_segments_guarded() {
    let text = R::new(get("http://example.org:8080/a%20b?q=x+y&z=%C3%A9")).text();
    assert!(
        text.starts_with("curl 'http://example.org:8080/a%20b?q=x+y&z=%C3%A9'"),
        "{text}"
    );
    let mut s = get("http://h/");
    s.target = "/a/../b?x=[1]".into();
    let args = args_of(s);
    assert!(args.contains(&"--path-as-is".to_string()));
    assert!(args.contains(&"-g".to_string()));
    let plain = args_of(get("http://h/a..b/.x"));
    assert!(!plain.contains(&"--path-as-is".to_string()));
    assert!(!plain.contains(&"-g".to_string()));
}

#[test]
fn https_is_http1_1() {
    assert!(args_of(get("https://h/")).contains(&"--http1.1".to_string()));
    assert!(!args_of(get("http://h/")).contains(&"--http1.1".to_string()));
}

// ---- headers -------------------------------------------------------------------------------

#[test]
fn headers_in_order_with_curl_defaults_handled() {
    let s = spec(
        "GET",
        "http://h/",
        &[("X-B", "2"), ("X-Empty", ""), ("X-A", "it's $x")],
        vec![],
    );
    assert_eq!(
        args_of(s),
        [
            "-A courier/test",
            "--compressed",
            "-H 'Accept: */*'",
            "-H 'X-B: 2'",
            "-H 'X-Empty;'",
            r"-H 'X-A: it'\''s $x'",
        ]
    );
}

#[test]
fn a_typed_host_is_passed_and_ours_is_not() {
    let mut s = get("http://h:8080/");
    assert!(!args_of(s.clone()).iter().any(|a| a.contains("Host")));
    s.headers[0].value = "other.example".into();
    assert!(args_of(s).contains(&"-H 'Host: other.example'".to_string()));
}

#[test]
fn defaults_we_do_not_send_are_turned_off() {
    let mut s = get("http://h/");
    s.headers
        .retain(|h| !["User-Agent", "Accept", "Accept-Encoding"].contains(&h.name.as_str()));
    let args = args_of(s);
    assert_eq!(args, ["-H 'User-Agent:'", "-H 'Accept:'"]);
}

#[test]
fn empty_user_agent_and_other_encodings() {
    let mut s = get("http://h/");
    s.headers[1].value.clear();
    s.headers[2].value = "identity".into();
    let args = args_of(s);
    assert!(args.contains(&"-H 'User-Agent;'".to_string()), "{args:?}");
    assert!(args.contains(&"-H 'Accept-Encoding: identity'".to_string()));
    assert!(!args.contains(&"--compressed".to_string()));
}

#[test]
fn cookies_and_other_secrets_as_sent() {
    let s = spec(
        "GET",
        "http://h/",
        &[("Cookie", "a=1; b=2"), ("Authorization", "Bearer t")],
        vec![],
    );
    let args = args_of(s);
    assert!(args.contains(&"-H 'Cookie: a=1; b=2'".to_string()));
    assert!(args.contains(&"-H 'Authorization: Bearer t'".to_string()));
}

// ---- bodies --------------------------------------------------------------------------------

#[test]
fn text_body_as_data_raw() {
    let body = r#"{"a": "it's $HOME \\ \"q\"\nline"}"#;
    let s = spec(
        "POST",
        "http://h/",
        &[
            ("Content-Type", "application/json"),
            ("Content-Length", &body.len().to_string()),
        ],
        vec![Part::Bytes(body.as_bytes().to_vec())],
    );
    let args = args_of(s);
    assert_eq!(
        args.last().unwrap(),
        &format!("--data-raw {}", quote(body).unwrap())
    );
    assert!(
        !args.iter().any(|a| a.contains("Content-Length")),
        "{args:?}"
    );
}

#[test]
fn binary_body_through_printf() {
    let s = spec(
        "POST",
        "http://h/",
        &[
            ("Content-Type", "application/octet-stream"),
            ("Content-Length", "3"),
        ],
        vec![Part::Bytes(b"x\0\r".to_vec())],
    );
    let text = R::new(s).text();
    assert!(
        text.starts_with(r"printf 'x\000\r' | curl http://h/"),
        "{text}"
    );
    assert!(command_lines(&text).last().unwrap() == "--data-binary @-");
}

#[test]
fn large_text_body_through_printf_with_expect_off() {
    let body = "a".repeat(MAX_INLINE_BODY + 1);
    let s = spec(
        "POST",
        "http://h/",
        &[
            ("Content-Type", "text/plain"),
            ("Content-Length", &body.len().to_string()),
        ],
        vec![Part::Bytes(body.into_bytes())],
    );
    let text = R::new(s).text();
    assert!(text.starts_with("printf 'aaa"), "{}", &text[..40]);
    assert!(command_lines(&text).contains(&"-H 'Expect:'".to_string()));
}

#[test]
fn small_bodies_need_no_expect() {
    let s = spec(
        "POST",
        "http://h/",
        &[("Content-Type", "text/plain")],
        vec![Part::Bytes(b"x".to_vec())],
    );
    assert!(!args_of(s).iter().any(|a| a.contains("Expect")));
}

#[test]
fn file_body() {
    let part = |p: &str| Part::File {
        path: PathBuf::from(p),
        len: Some(10),
    };
    let ct = [
        ("Content-Type", "application/json"),
        ("Content-Length", "10"),
    ];
    let args = args_of(spec(
        "POST",
        "http://h/",
        &ct,
        vec![part("data dir/x.json")],
    ));
    assert_eq!(args.last().unwrap(), "--data-binary '@data dir/x.json'");
    let args = args_of(spec("POST", "http://h/", &ct, vec![part("-")]));
    assert_eq!(args.last().unwrap(), "--data-binary @./-");
}

#[test]
fn a_body_without_content_type_turns_curls_off() {
    let s = spec("POST", "http://h/", &[], vec![Part::Bytes(b"x".to_vec())]);
    assert!(args_of(s).contains(&"-H 'Content-Type:'".to_string()));
}

#[test]
fn chunked_body_keeps_its_transfer_encoding() {
    let s = spec(
        "POST",
        "http://h/",
        &[
            ("Content-Type", "text/plain"),
            ("Transfer-Encoding", "chunked"),
        ],
        vec![Part::Bytes(b"x".to_vec())],
    );
    let args = args_of(s);
    assert!(args.contains(&"-H 'Transfer-Encoding: chunked'".to_string()));
}

#[test]
fn stdin_body() {
    let s = spec(
        "POST",
        "http://h/",
        &[
            ("Content-Type", "application/json"),
            ("Transfer-Encoding", "chunked"),
        ],
        vec![Part::Stdin {
            read_ahead: b"{}".to_vec(),
            at_eof: false,
        }],
    );
    let r = R::new(s);
    assert_eq!(r.args().last().unwrap(), "--data-binary @-");
    assert!(r.args().contains(&"-H 'Expect:'".to_string()));
    assert!(r.notes().iter().any(|n| n.contains("standard input")));
}

#[test]
fn compressed_stream_is_sent_plain_and_noted() {
    let mut s = spec(
        "POST",
        "http://h/",
        &[
            ("Content-Type", "text/plain"),
            ("Content-Encoding", "deflate"),
            ("Transfer-Encoding", "chunked"),
        ],
        vec![Part::File {
            path: "big.txt".into(),
            len: Some(5_000_000),
        }],
    );
    s.body.deflate_stream = true;
    s.body.chunked = true;
    let r = R::new(s);
    assert!(!r.args().iter().any(|a| a.contains("Content-Encoding")));
    assert_eq!(r.args().last().unwrap(), "--data-binary @big.txt");
    assert!(r.notes().iter().any(|n| n.starts_with("--compress:")));
}

// ---- multipart -----------------------------------------------------------------------------

fn multipart_spec(fields: &[Field], boundary: &str, ct: Option<&str>) -> RequestSpec {
    let parts = multipart::encode(fields, boundary);
    let ct = ct.map_or_else(
        || format!("multipart/form-data; boundary={boundary}"),
        |c| format!("{c}; boundary={boundary}"),
    );
    let len = Body {
        parts: parts.clone(),
        ..Body::default()
    }
    .len()
    .unwrap()
    .to_string();
    spec(
        "POST",
        "http://h/",
        &[("Content-Type", &ct), ("Content-Length", &len)],
        parts,
    )
}

fn text_field(name: &str, value: &str) -> Field {
    Field::Text {
        name: name.into(),
        value: value.into(),
    }
}

fn file_field(name: &str, path: &str, mime: Option<&str>) -> Field {
    Field::File {
        name: name.into(),
        path: path.into(),
        len: Some(3),
        mime: mime.map(str::to_string),
    }
}

#[test]
fn multipart_as_form_arguments() {
    let fields = [
        text_field("name", "John \"J\"; Smith"),
        file_field(
            "doc",
            "dir/my \"odd\"; file,\\.txt",
            Some("text/plain; charset=utf-8"),
        ),
        text_field("at", "@not-a-file;type=x"),
    ];
    let s = multipart_spec(&fields, "b0undary", None);
    let mut r = R::new(s);
    r.form = Some(&fields);
    let args = r.args();
    assert_eq!(
        args[3..],
        [
            "-H 'Expect:'",
            r#"--form-string 'name=John "J"; Smith'"#,
            r#"-F 'doc=@"dir/my \"odd\"; file,\\.txt";type=text/plain; charset=utf-8'"#,
            "--form-string 'at=@not-a-file;type=x'",
        ],
        "{args:?}"
    );
    // curl writes its own Content-Type (with its boundary) and Content-Length.
    assert!(!args.iter().any(|a| a.contains("Content-")), "{args:?}");
}

#[test]
fn multipart_file_without_a_type_is_noted() {
    let fields = [file_field("f", "blob", None)];
    let mut r = R::new(multipart_spec(&fields, "B", None));
    r.form = Some(&fields);
    assert!(r.args().contains(&r#"-F 'f=@"blob"'"#.to_string()));
    assert!(r
        .notes()
        .iter()
        .any(|n| n.contains("application/octet-stream")));
}

#[test]
fn multipart_boundary_flag_is_noted() {
    let fields = [text_field("a", "b")];
    let mut r = R::new(multipart_spec(&fields, "mine", None));
    r.form = Some(&fields);
    r.plan.boundary = true;
    assert!(r.notes().iter().any(|n| n.starts_with("--boundary:")));
}

#[test]
fn multipart_that_f_cannot_write_goes_as_bytes_without_files() {
    // A name with '=' (curl splits at the first one): the exact bytes, our boundary and all.
    let fields = [text_field("a=b", "c")];
    let s = multipart_spec(&fields, "BND", None);
    let mut r = R::new(s);
    r.form = Some(&fields);
    let text = r.text();
    assert!(
        text.starts_with("printf '--BND\\r\\nContent-Disposition"),
        "{text}"
    );
    assert!(command_lines(&text)
        .contains(&"-H 'Content-Type: multipart/form-data; boundary=BND'".to_string()));
    // Another multipart type: curl -F would write "attachment" dispositions.
    let fields = [text_field("a", "b")];
    let mut r = R::new(multipart_spec(&fields, "BND", Some("multipart/mixed")));
    r.form = Some(&fields);
    assert!(r.text().starts_with("printf '--BND"));
}

#[test]
fn multipart_with_a_file_and_a_field_f_cannot_write() {
    let fields = [
        text_field("", "x"),
        file_field("f", "a.txt", Some("text/plain")),
    ];
    let mut r = R::new(multipart_spec(&fields, "B", None));
    r.form = Some(&fields);
    let args = r.args();
    assert!(args.contains(&r#"-F 'f=@"a.txt";type=text/plain'"#.to_string()));
    assert!(!args.iter().any(|a| a.starts_with("--form-string")));
    assert!(
        r.notes().iter().any(|n| n.contains("left out")),
        "{:?}",
        r.notes()
    );
}

#[test]
fn multipart_form_data_with_parameters_keeps_them() {
    let fields = [text_field("a", "b")];
    let mut r = R::new(multipart_spec(
        &fields,
        "B",
        Some("multipart/form-data; charset=utf-8"),
    ));
    r.form = Some(&fields);
    assert!(r
        .args()
        .contains(&"-H 'Content-Type: multipart/form-data; charset=utf-8'".to_string()));
}

#[test]
fn form_types_curl_reads_back() {
    assert!(check_form_type("text/plain").is_ok());
    assert!(check_form_type("text/plain; charset=utf-8").is_ok());
    assert!(check_form_type("application/vnd.api+json").is_ok());
    for bad in [
        "text",
        "/plain",
        "text/",
        " text/plain",
        "text/plain ",
        "text/plain, x/y",
        "text/plain; filename=x",
        "text/plain;headers=X: y",
        "te xt/plain",
    ] {
        assert!(check_form_type(bad).is_err(), "{bad}");
    }
}

// ---- auth ----------------------------------------------------------------------------------

fn with_auth(kind: AuthType, source: Source) -> RequestSpec {
    let auth = Auth {
        kind,
        user: "ann".into(),
        secret: "s3 'cret".into(),
        source,
    };
    let mut s = get("http://h/");
    if let Some(v) = auth.header() {
        s.headers.push(Header::new("Authorization", &v));
    }
    s.auth = Some(auth);
    s
}

#[test]
fn basic_from_the_command_line_is_dash_u() {
    let args = args_of(with_auth(AuthType::Basic, Source::CommandLine));
    assert!(
        args.contains(&r"-u 'ann:s3 '\''cret'".to_string()),
        "{args:?}"
    );
    assert!(!args.iter().any(|a| a.contains("Authorization")));
}

#[test]
fn basic_from_the_url_or_a_session_is_the_header_as_sent() {
    for source in [Source::Url, Source::Session] {
        let args = args_of(with_auth(AuthType::Basic, source));
        assert!(
            args.iter()
                .any(|a| a.starts_with("-H 'Authorization: Basic ")),
            "{args:?}"
        );
        assert!(!args.iter().any(|a| a.starts_with("-u")));
    }
}

#[test]
fn netrc_credentials_are_never_printed() {
    let mut r = R::new(with_auth(AuthType::Basic, Source::Netrc));
    let text = r.text();
    assert!(command_lines(&text).contains(&"--netrc".to_string()));
    assert!(
        !text.contains("s3") && !text.contains("Authorization"),
        "{text}"
    );
    let file = PathBuf::from("/home/a/my netrc");
    r.netrc_file = Some(&file);
    assert!(r
        .args()
        .contains(&"--netrc-file '/home/a/my netrc'".to_string()));
    let digest = args_of(with_auth(AuthType::Digest, Source::Netrc));
    assert!(
        digest.starts_with(&["--digest".into(), "--netrc".into()]),
        "{digest:?}"
    );
}

#[test]
fn prompted_passwords_are_asked_by_curl() {
    let args = args_of(with_auth(AuthType::Basic, Source::Prompt));
    assert!(args.contains(&"-u ann".to_string()), "{args:?}");
    assert!(!args.iter().any(|a| a.contains("Authorization")));
}

#[test]
fn digest_and_bearer() {
    let args = args_of(with_auth(AuthType::Digest, Source::CommandLine));
    assert!(
        args.starts_with(&["--digest".into(), r"-u 'ann:s3 '\''cret'".into()]),
        "{args:?}"
    );
    let mut bearer = with_auth(AuthType::Bearer, Source::CommandLine);
    bearer.auth.as_mut().unwrap().user.clear();
    let args = args_of(bearer);
    assert!(
        args.contains(&r"-H 'Authorization: Bearer s3 '\''cret'".to_string()),
        "{args:?}"
    );
}

// ---- connection options --------------------------------------------------------------------

fn proxies(flags: &[&str], env: &[(&str, &str)]) -> proxy_opts::Proxies {
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let env =
        ProxyEnv::from_lookup(|name| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()));
    let flags: Vec<String> = flags.iter().map(|s| s.to_string()).collect();
    proxy_opts::resolve(&flags, &env).unwrap()
}

#[test]
fn proxy_with_credentials_in_its_url() {
    let mut r = R::new(get("http://h/"));
    r.client.proxies = proxies(&["all:http://us%40er:p%3Ass@proxy:3128"], &[]);
    assert!(
        r.args()
            .contains(&"-x http://us%40er:p%3Ass@proxy:3128".to_string()),
        "{:?}",
        r.args()
    );
    r.client.proxies = proxies(&["https:socks5h://[::1]:1080"], &[]);
    r.spec = get("https://h/");
    assert!(
        r.args().contains(&"-x 'socks5h://[::1]:1080'".to_string()),
        "{:?}",
        r.args()
    );
}

#[test]
fn direct_despite_proxy_variables_says_so() {
    let mut r = R::new(get("http://h/"));
    r.client.proxies = proxies(&[], &[("http_proxy", "http://p:1"), ("no_proxy", "h")]);
    assert!(
        r.args().contains(&"--noproxy '*'".to_string()),
        "{:?}",
        r.args()
    );
    r.client.proxies = Default::default();
    assert!(!r.args().iter().any(|a| a.contains("proxy")));
}

#[test]
fn tls_options() {
    let mut r = R::new(get("https://h/"));
    r.client.tls.trust = Trust::Off;
    assert!(r.args().contains(&"-k".to_string()));
    r.client.tls = TlsOptions {
        trust: Trust::Roots(vec![CaPath {
            path: "/no/such/ca.pem".into(),
            from: "--verify",
        }]),
        client_cert: Some(ClientCert {
            cert: "c.pem".into(),
            key: Some("k.pem".into()),
            pass: Some(Secret::new("pw'd".into())),
        }),
        min_version: TlsVersion::Tls13,
        ciphers: None,
    };
    let args = r.args();
    for want in [
        "--cacert /no/such/ca.pem",
        "--cert c.pem",
        "--key k.pem",
        r"--pass 'pw'\''d'",
        "--tlsv1.3",
    ] {
        assert!(args.contains(&want.to_string()), "{want} in {args:?}");
    }
    // TLS options mean nothing to a plain http request that stays plain.
    r.spec = get("http://h/");
    assert!(!r
        .args()
        .iter()
        .any(|a| a.starts_with("--ca") || a.starts_with("--cert") || a.starts_with("--tls")));
}

#[test]
fn a_ca_directory_is_capath() {
    let dir = std::env::temp_dir();
    let mut r = R::new(get("https://h/"));
    r.client.tls.trust = Trust::Roots(vec![CaPath {
        path: dir.clone(),
        from: "SSL_CERT_DIR",
    }]);
    let want = format!("--capath {}", quote(dir.to_str().unwrap()).unwrap());
    assert!(r.args().contains(&want), "{:?}", r.args());
    assert!(r.notes().iter().any(|n| n.contains("rehash")));
}

#[test]
fn ciphers_by_tls_version() {
    let by = |name: &str| CIPHERS.iter().find(|c| c.openssl == name).unwrap();
    let mut r = R::new(get("https://h/"));
    r.client.tls.ciphers = Some(vec![
        by("ECDHE-RSA-AES128-GCM-SHA256"),
        by("TLS_AES_128_GCM_SHA256"),
    ]);
    let args = r.args();
    assert!(args.contains(&"--ciphers ECDHE-RSA-AES128-GCM-SHA256".to_string()));
    assert!(args.contains(&"--tls13-ciphers TLS_AES_128_GCM_SHA256".to_string()));
    r.client.tls.ciphers = Some(vec![by("TLS_AES_128_GCM_SHA256")]);
    assert!(r.args().contains(&"--tlsv1.3".to_string()));
    r.client.tls.ciphers = Some(vec![by("ECDHE-RSA-AES128-GCM-SHA256")]);
    assert!(r.args().contains(&"--tls-max 1.2".to_string()));
}

#[test]
fn addressing_options() {
    let mut r = R::new(get("http://h/"));
    r.client.addressing = Addressing {
        resolve: vec![ResolveEntry {
            host: "h".into(),
            port: 80,
            addrs: vec!["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()],
        }],
        family: IpFamily::V6,
        unix_socket: Some("/run/my sock".into()),
        interface: Some(Interface::Addr("10.0.0.2".parse::<IpAddr>().unwrap())),
    };
    let args = r.args();
    for want in [
        "--resolve 'h:80:127.0.0.1,[::1]'",
        "-6",
        "--unix-socket '/run/my sock'",
        "--interface 10.0.0.2",
    ] {
        assert!(args.contains(&want.to_string()), "{want} in {args:?}");
    }
    r.client.addressing.interface = Some(Interface::Name("eth0".into()));
    assert!(r.args().contains(&"--interface eth0".to_string()));
}

#[test]
fn time_limits() {
    let mut r = R::new(get("http://h/"));
    assert!(!r
        .args()
        .iter()
        .any(|a| a.contains("timeout") || a.contains("time")));
    r.client.timeout = Some(Duration::from_millis(2500));
    r.client.connect_timeout = Duration::from_millis(2500);
    r.client.connect_source = LimitSource::Timeout;
    r.client.max_time = Some(Duration::from_secs(10));
    let args = r.args();
    for want in [
        "--connect-timeout 2.5",
        "--max-time 10",
        "--speed-limit 1",
        "--speed-time 3",
    ] {
        assert!(args.contains(&want.to_string()), "{want} in {args:?}");
    }
    assert!(r.notes().iter().any(|n| n.starts_with("--timeout:")));
}

#[test]
fn output_options() {
    let mut r = R::new(get("http://h/f"));
    r.plan = CurlPlan {
        output: Some("my file.bin".into()),
        resume: true,
        stream: true,
        ..CurlPlan::default()
    };
    let args = r.args();
    assert!(
        args.ends_with(&["-o 'my file.bin'".into(), "-C -".into(), "-N".into()]),
        "{args:?}"
    );
    r.plan = CurlPlan {
        download: true,
        ..CurlPlan::default()
    };
    let args = r.args();
    assert!(args.ends_with(&["-O".into(), "-J".into()]), "{args:?}");
    r.plan = CurlPlan {
        output: Some("-".into()),
        ..CurlPlan::default()
    };
    assert!(r.args().ends_with(&["-o ./-".into()]));
    // A download asks for the stored bytes, as http's does.
    assert!(args.contains(&"-H 'Accept-Encoding: identity'".to_string()));
    assert!(!args.contains(&"--compressed".to_string()));
}

#[test]
fn plan_notes_are_comments_and_inert() {
    let mut r = R::new(get("http://h/"));
    r.plan.notes = vec!["--session: kept\x1b]0;x\x07".into()];
    let text = r.text();
    assert!(
        text.ends_with("# --session: kept\\x1b]0;x\\x07\n"),
        "{text}"
    );
}

#[test]
fn paths_with_control_characters_are_left_out_and_noted() {
    let mut r = R::new(get("http://h/"));
    r.plan.output = Some("bad\x1bname".into());
    let text = r.text();
    assert!(!text.contains('\x1b'));
    assert!(r.notes().iter().any(|n| n.starts_with("-o:")), "{text}");
}
