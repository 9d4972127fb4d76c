use super::*;

use std::path::PathBuf;
use std::time::Duration;

/// The suite's credentials, scope and time (its README; botocore's tests/unit/auth/test_sigv4.py).
const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// 2015-08-30T12:36:00Z.
const SUITE_TIME: u64 = 1_440_938_160;

/// Every case of AWS's suite as botocore ships it (see testsuite/README.md).
const CASES: &[&str] = &[
    "get-header-key-duplicate",
    "get-header-value-multiline",
    "get-header-value-order",
    "get-header-value-trim",
    "get-relative",
    "get-relative-relative",
    "get-slash",
    "get-slash-dot-slash",
    "get-slash-pointless-dot",
    "get-slashes",
    "get-space",
    "get-special-character",
    "get-unreserved",
    "get-utf8",
    "get-vanilla",
    "get-vanilla-empty-query-key",
    "get-vanilla-query",
    "get-vanilla-query-order-encoded",
    "get-vanilla-query-order-key",
    "get-vanilla-query-order-key-case",
    "get-vanilla-query-order-value",
    "get-vanilla-query-unreserved",
    "get-vanilla-utf8-query",
    "get-vanilla-with-session-token",
    "post-header-key-case",
    "post-header-key-sort",
    "post-header-value-case",
    "post-sts-header-after",
    "post-sts-header-before",
    "post-vanilla",
    "post-vanilla-empty-query-value",
    "post-vanilla-query",
    "post-x-www-form-urlencoded",
    "post-x-www-form-urlencoded-parameters",
];

fn at(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

fn h(name: &str, value: &str) -> Header {
    header(name, value.to_string())
}

fn read_case(case: &str, ext: &str) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "src/auth/sigv4/testsuite",
        case,
        &format!("{case}.{ext}"),
    ]
    .iter()
    .collect();
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .replace('\r', "")
}

/// A raw request of the suite: method, target, headers, body.
struct RawRequest {
    method: String,
    target: String,
    headers: Vec<Header>,
    body: Vec<u8>,
}

/// Parses a `.req` file. The request line's target may hold a space (get-space), so it is what
/// lies between the first space and the last ` HTTP/`. A line starting with white space
/// continues the previous header (obs-fold, RFC 9112 §5.2: replaced by one space).
fn parse_req(text: &str) -> RawRequest {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let line = lines.next().unwrap();
    let (method, rest) = line.split_once(' ').unwrap();
    let target = &rest[..rest.rfind(" HTTP/").unwrap()];
    let mut headers: Vec<Header> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let last = headers.last_mut().unwrap();
            last.value = format!("{} {}", last.value, line.trim());
        } else {
            let (name, value) = line.split_once(':').unwrap();
            headers.push(h(name, value));
        }
    }
    RawRequest {
        method: method.into(),
        target: target.into(),
        headers,
        body: body.as_bytes().to_vec(),
    }
}

/// The suite's token is not in the `.req`: it is the one its `.creq` signs (as botocore reads it).
fn suite_credentials(creq: &str) -> Credentials {
    let token = creq
        .lines()
        .find_map(|l| l.strip_prefix("x-amz-security-token:"))
        .map(str::to_string);
    Credentials {
        access_key: ACCESS_KEY.into(),
        secret_key: SECRET_KEY.into(),
        session_token: token,
    }
}

/// Canonical request, string to sign and Authorization for one case, without
/// X-Amz-Content-Sha256 (the suite's vectors predate it).
fn sign_case(case: &str) -> (String, String, String) {
    let req = parse_req(&read_case(case, "req"));
    let creds = suite_credentials(&read_case(case, "creq"));
    let scope = Scope::parse("aws:amz:us-east-1:service").unwrap();
    let host = req
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("host"))
        .unwrap();
    let url = url::Url::parse(&format!("https://{}/", host.value)).unwrap();
    let payload = payload_hash(&mut req.body.as_slice()).unwrap();
    let (region, service) = scope.resolve(url.host_str().unwrap()).unwrap();
    let ctx = Context {
        scope: &scope,
        timestamp: amz_date(at(SUITE_TIME)).unwrap(),
        region,
        service,
    };
    let ours = our_headers(&creds, &ctx, None);
    let signed = headers_to_sign(&url, &req.headers, &ours);
    let creq = canonical_request(&req.method, &req.target, &ctx.service, &signed, &payload);
    let sts = string_to_sign(&ctx, &creq);
    let authz = authorization(&creds, &ctx, &signed_header_names(&signed), &sts);
    (creq, sts, authz)
}

#[test]
fn the_aws_sigv4_test_suite() {
    let mut failed = Vec::new();
    for case in CASES {
        let (creq, sts, authz) = sign_case(case);
        let expected = [
            ("creq", read_case(case, "creq"), creq),
            ("sts", read_case(case, "sts"), sts),
            ("authz", read_case(case, "authz"), authz),
        ];
        for (what, want, got) in expected {
            if want.trim_end_matches('\n') != got {
                failed.push(format!("{case}.{what}:\n--- want\n{want}\n--- got\n{got}"));
            }
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

fn example_creds() -> Credentials {
    Credentials {
        access_key: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
        session_token: None,
    }
}

fn value<'a>(headers: &'a [Header], name: &str) -> &'a str {
    headers
        .iter()
        .find(|h| h.name == name)
        .map(|h| h.value.as_str())
        .unwrap_or_else(|| panic!("no {name} in {headers:?}"))
}

/// AWS S3 API reference, "Signature Calculations for the Authorization Header: Transferring
/// Payload in a Single Chunk", example "GET Object": `sign` end to end, X-Amz-Content-Sha256
/// included and signed.
#[test]
fn s3_get_object_example_from_the_aws_docs() {
    let scope = Scope::parse("aws:amz:us-east-1:s3").unwrap();
    let url = url::Url::parse("https://examplebucket.s3.amazonaws.com/test.txt").unwrap();
    let headers = [
        h("Host", "examplebucket.s3.amazonaws.com"),
        h("Range", "bytes=0-9"),
        h("User-Agent", "courier/0.1"),
        h("Content-Length", "0"),
    ];
    let payload = payload_hash(&mut io::empty()).unwrap();
    let out = sign(
        &example_creds(),
        &scope,
        "GET",
        &url,
        "/test.txt",
        &headers,
        &payload,
        at(1_369_353_600),
    )
    .unwrap();
    let names: Vec<&str> = out.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(
        names,
        ["X-Amz-Date", "X-Amz-Content-Sha256", "Authorization"]
    );
    assert_eq!(value(&out, "X-Amz-Date"), "20130524T000000Z");
    assert_eq!(value(&out, "X-Amz-Content-Sha256"), EMPTY_SHA256);
    assert_eq!(
        value(&out, "Authorization"),
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
         SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, \
         Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    );
}

#[test]
fn s3_paths_are_encoded_once_and_others_twice() {
    let wire = "/my%20key/~x/a+b/./..";
    assert_eq!(canonical_uri(wire, "s3"), "/my%20key/~x/a%2Bb/./..");
    assert_eq!(canonical_uri(wire, "execute-api"), "/my%2520key/~x");
    assert_eq!(canonical_uri("", "s3"), "/");
    assert_eq!(canonical_uri("", "service"), "/");
    assert_eq!(canonical_uri("/a/%C3%A9", "s3"), "/a/%C3%A9");
    assert_eq!(canonical_uri("/a/%C3%A9", "service"), "/a/%25C3%25A9");
}

#[test]
fn query_pairs_are_reencoded_and_sorted() {
    assert_eq!(canonical_query("q=a+b&p=%7e%20x"), "p=~%20x&q=a%2Bb");
    assert_eq!(canonical_query("b&a=2&a=1&&"), "a=1&a=2&b=");
    assert_eq!(canonical_query("x=%zz"), "x=%25zz");
    assert_eq!(canonical_query(""), "");
}

#[test]
fn a_session_token_is_sent_and_signed() {
    let creds = Credentials {
        session_token: Some("tok/en+=".into()),
        ..example_creds()
    };
    let scope = Scope::parse("aws:amz:eu-west-1:execute-api").unwrap();
    let url = url::Url::parse("http://api.example.test:8080/p").unwrap();
    let headers = [
        h("X-Amz-Security-Token", "stale"),
        h("Authorization", "Basic old"),
        h("Accept", "*/*"),
    ];
    let out = sign(
        &creds,
        &scope,
        "GET",
        &url,
        "/p",
        &headers,
        &Payload::Unsigned,
        at(SUITE_TIME),
    )
    .unwrap();
    assert_eq!(value(&out, "X-Amz-Security-Token"), "tok/en+=");
    assert_eq!(value(&out, "X-Amz-Content-Sha256"), "UNSIGNED-PAYLOAD");
    let authz = value(&out, "Authorization");
    assert!(authz.contains("/20150830/eu-west-1/execute-api/aws4_request, "));
    assert!(authz.contains(
        "SignedHeaders=accept;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, "
    ));
    // The Host signed when the request carries none: the URL's, with its port.
    let ctx = Context {
        scope: &scope,
        timestamp: amz_date(at(SUITE_TIME)).unwrap(),
        region: "eu-west-1".into(),
        service: "execute-api".into(),
    };
    let signed = headers_to_sign(&url, &headers, &our_headers(&creds, &ctx, None));
    assert_eq!(signed[0], ("host".into(), "api.example.test:8080".into()));
    assert!(!signed.iter().any(|(_, v)| v == "stale" || v == "Basic old"));
}

#[test]
fn other_providers_name_their_headers_and_algorithm() {
    let scope = Scope::parse("goog:goog:auto:storage").unwrap();
    let url = url::Url::parse("https://storage.googleapis.com/b/o").unwrap();
    let out = sign(
        &example_creds(),
        &scope,
        "GET",
        &url,
        "/b/o",
        &[],
        &Payload::Unsigned,
        at(SUITE_TIME),
    )
    .unwrap();
    assert_eq!(value(&out, "X-Goog-Date"), "20150830T123600Z");
    assert!(value(&out, "Authorization").starts_with(
        "GOOG4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20150830/auto/storage/goog4_request, \
         SignedHeaders=host;x-goog-content-sha256;x-goog-date, Signature="
    ));
}

#[test]
fn payload_hash_reads_the_whole_stream() {
    assert_eq!(
        payload_hash(&mut io::empty()).unwrap(),
        Payload::Sha256(EMPTY_SHA256.into())
    );
    // Longer than one buffer, read in odd pieces.
    let body = vec![b'x'; 200_000];
    let mut chunks = io::BufReader::with_capacity(7, body.as_slice());
    let expected = hex(&Sha256::digest(&body));
    assert_eq!(
        payload_hash(&mut chunks).unwrap(),
        Payload::Sha256(expected)
    );
    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("disk gone"))
        }
    }
    assert!(payload_hash(&mut Failing).is_err());
}

#[test]
fn scope_parse_accepts_curl_forms_and_rejects_bad_ones() {
    let full = Scope::parse("aws:amz:us-east-1:execute-api").unwrap();
    assert_eq!(full.provider2, "amz");
    assert_eq!(full.region.as_deref(), Some("us-east-1"));
    let short = Scope::parse("aws").unwrap();
    assert_eq!(
        short,
        Scope {
            provider1: "aws".into(),
            provider2: "aws".into(),
            region: None,
            service: None
        }
    );
    let long = "x".repeat(65);
    for bad in [
        "",
        "aws:",
        "aws::us-east-1",
        "a:b:c:d:e",
        "aws:amz:us east",
        "aws:amz:r\n",
        long.as_str(),
    ] {
        let err = Scope::parse(bad).unwrap_err();
        assert!(!err.contains('\n'), "{err}");
    }
    assert!(Scope::parse(&"x".repeat(64)).is_ok());
}

#[test]
fn region_and_service_come_from_the_host_when_missing() {
    let none = Scope::parse("aws:amz").unwrap();
    assert_eq!(
        none.resolve("execute-api.us-west-2.amazonaws.com"),
        Ok(("us-west-2".into(), "execute-api".into()))
    );
    let region_only = Scope::parse("aws:amz:eu-central-1").unwrap();
    assert_eq!(
        region_only.resolve("sqs.us-east-1.amazonaws.com"),
        Ok(("eu-central-1".into(), "sqs".into()))
    );
    assert_eq!(
        region_only.resolve("sqs.amazonaws.com"),
        Ok(("eu-central-1".into(), "sqs".into()))
    );
    for host in ["localhost", "sqs.amazonaws", "127.0.0.1", "[::1]", ""] {
        let err = none.resolve(host).unwrap_err();
        assert!(!err.contains('\n'), "{err}");
    }
    let full = Scope::parse("aws:amz:r:s").unwrap();
    assert_eq!(full.resolve("127.0.0.1"), Ok(("r".into(), "s".into())));
}

#[test]
fn secrets_stay_out_of_debug_and_errors() {
    let creds = Credentials {
        session_token: Some("TOKEN-SECRET".into()),
        ..example_creds()
    };
    let shown = format!("{creds:?}");
    assert!(shown.contains("AKIAIOSFODNN7EXAMPLE"));
    assert!(!shown.contains("EXAMPLEKEY") && !shown.contains("TOKEN-SECRET"));
    let bad = Credentials {
        session_token: Some("TOKEN\r\nX: y".into()),
        ..example_creds()
    };
    let url = url::Url::parse("https://s.r.amazonaws.com/").unwrap();
    let err = sign(
        &bad,
        &Scope::parse("aws").unwrap(),
        "GET",
        &url,
        "/",
        &[],
        &Payload::Unsigned,
        at(SUITE_TIME),
    )
    .unwrap_err();
    assert!(
        !err.contains("TOKEN") && !err.contains("EXAMPLEKEY"),
        "{err}"
    );
}

#[test]
fn odd_input_never_panics() {
    let scope = Scope::parse("aws:amz:r:s").unwrap();
    let url = url::Url::parse("https://h/").unwrap();
    for target in ["*", "", "?", "/%", "/\u{0}?%G=&=", "/a/../../..//"] {
        let headers = [h("", ""), h("X", " \t ")];
        let out = sign(
            &example_creds(),
            &scope,
            "GET",
            &url,
            target,
            &headers,
            &Payload::Unsigned,
            at(0),
        );
        assert!(out.is_ok(), "{target}: {out:?}");
    }
    assert!(amz_date(SystemTime::UNIX_EPOCH - Duration::from_secs(1)).is_err());
    assert_eq!(amz_date(at(0)).unwrap(), "19700101T000000Z");
}
