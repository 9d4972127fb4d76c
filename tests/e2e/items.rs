//! Request items end to end (HTTPie's request-item syntax): what the server receives for each
//! kind of item, escapes, nested JSON, and the errors for bad items and missing files.

use crate::support::server::Server;
use crate::support::{assert_json_headers, exchange, http, offline, ok, s, Fixtures};

#[test]
fn header_from_file_strips_trailing_newlines() {
    let fx = Fixtures::new();
    let (text, _) = fx.httpie_files();
    let many = fx.write("many.txt", "value\n\n\n");
    let (_, req) = exchange(
        ok(),
        &[
            "{url}/",
            &format!("X-Data:@{}", s(&text)),
            &format!("X-Many:@{}", s(&many)),
        ],
    );
    assert_eq!(
        req.header("X-Data").as_deref(),
        Some("John is a nice guy who likes pies.")
    );
    assert_eq!(req.header("X-Many").as_deref(), Some("value"));
}

#[test]
fn empty_value_unsets_default_headers_and_semicolon_sends_empty() {
    // A7, on the wire.
    let (_, req) = exchange(
        ok(),
        &["{url}/headers", "Accept:", "User-Agent:", "X-Empty;"],
    );
    assert_eq!(req.header("Accept"), None);
    assert_eq!(req.header("User-Agent"), None);
    assert_eq!(req.header("X-Empty").as_deref(), Some(""));
    assert!(req.header("Host").is_some());
    assert!(req.header("Accept-Encoding").is_some());

    let (_, req) = exchange(ok(), &["{url}/", "Accept-Encoding:"]);
    assert_eq!(req.header("Accept-Encoding"), None);
}

#[test]
fn a7_offline_exact_lines() {
    let (_, req) = offline(&["pie.dev/headers", "Accept:", "User-Agent:", "X-Empty;"]);
    assert_eq!(req.request_line(), "GET /headers HTTP/1.1");
    assert!(req.head.contains("\r\nX-Empty: \r\n"), "{}", req.head);
    assert!(!req.head.to_ascii_lowercase().contains("\r\naccept:"));
    assert!(!req.head.to_ascii_lowercase().contains("\r\nuser-agent:"));
    assert_eq!(req.header("Host").as_deref(), Some("pie.dev"));
    assert!(req.head.ends_with("\r\n\r\n") && req.body.is_empty());
}

#[test]
fn repeated_headers_are_separate_lines_in_order() {
    // A6.
    let (_, req) = exchange(
        ok(),
        &["{url}/", "Cookie:one", "Cookie:two", "Numbers:one,two"],
    );
    assert_eq!(req.header_all("Cookie"), ["one", "two"]);
    assert_eq!(req.header_all("Numbers"), ["one,two"]);
}

#[test]
fn unsetting_removes_all_previous_values() {
    let (_, req) = exchange(ok(), &["{url}/", "Foo:bar", "Foo:"]);
    assert!(req.header_all("Foo").is_empty());
    let (_, req) = exchange(ok(), &["{url}/", "Foo:bar", "Foo:", "Foo:quux"]);
    assert_eq!(req.header_all("Foo"), ["quux"]);
}

#[test]
fn header_value_whitespace_is_stripped() {
    let (_, req) = exchange(ok(), &["{url}/", "X-Pad:   padded   "]);
    assert!(
        req.head.contains("\r\nX-Pad: padded\r\n"),
        "sent:\n{}",
        req.head
    );
}

#[test]
fn query_params_from_items_and_files() {
    let fx = Fixtures::new();
    let (text, _) = fx.httpie_files();
    let (_, req) = exchange(
        ok(),
        &[
            "{url}/search",
            "q==httpie",
            "per_page==1",
            "q2==a b&c",
            "empty==",
            &format!("token=={}", "x/y=z"),
            &format!("file==@{}", s(&text)),
            "uni==é",
        ],
    );
    assert_eq!(
        req.target(),
        "/search?q=httpie&per_page=1&q2=a+b%26c&empty=&token=x%2Fy%3Dz\
         &file=John+is+a+nice+guy+who+likes+pies.&uni=%C3%A9"
    );
    assert_eq!(req.method(), "GET");
}

#[test]
fn a2_json_fields_exact() {
    let (_, req) = exchange(
        ok(),
        &[
            "PUT",
            "{url}/put",
            "X-API-Token:123",
            "name=John",
            "age:=29",
            "married:=false",
            r#"hobbies:=["http","pies"]"#,
            r#"favorite:={"tool":"HTTPie"}"#,
        ],
    );
    assert_eq!(req.request_line(), "PUT /put HTTP/1.1");
    assert_eq!(
        String::from_utf8_lossy(&req.body),
        r#"{"name": "John", "age": 29, "married": false, "hobbies": ["http", "pies"], "favorite": {"tool": "HTTPie"}}"#
    );
    assert_eq!(req.header("Content-Length").as_deref(), Some("106"));
    assert_eq!(req.header("X-API-Token").as_deref(), Some("123"));
    assert_json_headers(&req);
}

#[test]
fn a13_file_embeds_exact() {
    let fx = Fixtures::new();
    let (text, data) = fx.httpie_files();
    let (_, req) = exchange(
        ok(),
        &[
            "POST",
            "{url}/post",
            &format!("X-Data:@{}", s(&text)),
            &format!("token==@{}", s(&text)),
            &format!("name=@{}", s(&text)),
            &format!("bookmarks:=@{}", s(&data)),
        ],
    );
    assert_eq!(
        req.request_line(),
        "POST /post?token=John+is+a+nice+guy+who+likes+pies. HTTP/1.1"
    );
    assert_eq!(
        req.header("X-Data").as_deref(),
        Some("John is a nice guy who likes pies.")
    );
    assert_eq!(
        String::from_utf8_lossy(&req.body),
        r#"{"name": "John is a nice guy who likes pies.\n", "bookmarks": {"HTTPie": "https://httpie.io"}}"#
    );
}

#[test]
fn a12_escaped_separators() {
    let (_, req) = exchange(
        ok(),
        &[
            "{url}/post",
            r"field-name-with\:colon=value",
            r"foo\==bar",
            r"bob\:==x",
        ],
    );
    assert_eq!(req.request_line(), "POST /post?bob%3A=x HTTP/1.1");
    assert_eq!(
        String::from_utf8_lossy(&req.body),
        r#"{"field-name-with:colon": "value", "foo=": "bar"}"#
    );
}

#[test]
fn escapes_in_values_and_literal_backslashes() {
    // HTTPie: `\` before a special char escapes it (in values too); before others it is kept.
    let (_, req) = exchange(
        ok(),
        &[
            "{url}/",
            r"pw=a\@b",
            r"path=c:\windows",
            r"k=v\\=w",
            r"X-H:a\:b",
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&req.body),
        r#"{"pw": "a@b", "path": "c:\\windows", "k": "v\\\\=w"}"#
    );
    assert_eq!(req.header("X-H").as_deref(), Some("a:b"));
}

#[test]
fn separator_precedence() {
    // HTTPie: the earliest separator wins, ties go to the longest.
    let (_, req) = exchange(
        ok(),
        &["{url}/", "a=:b", "c=:=d", "e===f", "url:http://x", "g=h:i"],
    );
    assert_eq!(
        String::from_utf8_lossy(&req.body),
        r#"{"a": ":b", "c": ":=d", "g": "h:i"}"#
    );
    assert_eq!(req.target(), "/?e=%3Df");
    assert_eq!(req.header("url").as_deref(), Some("http://x"));
}

#[test]
fn a11_dash_items_after_double_dash() {
    let (_, req) = exchange(
        ok(),
        &[
            "{url}/post",
            "--",
            "-name-starting-with-dash=foo",
            "-Unusual-Header:bar",
        ],
    );
    assert_eq!(req.header("-Unusual-Header").as_deref(), Some("bar"));
    assert_eq!(req.body, br#"{"-name-starting-with-dash": "foo"}"#);
}

#[test]
fn a21_duplicate_keys_last_wins_and_empty_key() {
    let (_, req) = exchange(ok(), &["{url}/post", "a=1", "a=2", "=empty"]);
    assert_eq!(req.body, br#"{"a": "2", "": "empty"}"#);
}

#[test]
fn a23_non_ascii_escaped_and_numbers_reserialised() {
    let (_, req) = exchange(ok(), &["{url}/", "name=é", "f:=1.0", "e:=1E2"]);
    assert_eq!(
        String::from_utf8_lossy(&req.body),
        r#"{"name": "\u00e9", "f": 1.0, "e": 100.0}"#
    );
    let (_, req) = exchange(ok(), &["-f", "{url}/", "name=é"]);
    assert_eq!(req.body, b"name=%C3%A9");
}

#[test]
fn raw_json_keeps_key_order_and_big_ints() {
    let (_, req) = exchange(
        ok(),
        &[
            "{url}/",
            r#"o:={"z":1,"a":[true,null],"m":{"é":"x"}}"#,
            "n:=12345678901234567890",
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&req.body),
        r#"{"o": {"z": 1, "a": [true, null], "m": {"\u00e9": "x"}}, "n": 12345678901234567890}"#
    );
}

#[test]
fn nested_json_syntax() {
    // HTTPie's nested-JSON examples (`--print=B`, offline).
    let cases: &[(&[&str], &str)] = &[
        (
            &["category=tools", "search[type]=id", "search[id]:=1"],
            r#"{"category": "tools", "search": {"type": "id", "id": 1}}"#,
        ),
        (
            &["search[keywords][1]=APIs", "search[keywords][0]=CLI"],
            r#"{"search": {"keywords": ["CLI", "APIs"]}}"#,
        ),
        (
            &["p[]=Terminal", "p[1]=Desktop", "p[3]=Mobile"],
            r#"{"p": ["Terminal", "Desktop", null, "Mobile"]}"#,
        ),
        (&["[]:=1", "[]:=2", "[]:=3"], "[1, 2, 3]"),
        (
            &[
                "[0][type]=platform",
                "[0][name]=terminal",
                "[1][type]=platform",
            ],
            r#"[{"type": "platform", "name": "terminal"}, {"type": "platform"}]"#,
        ),
        (
            &[r"foo\[bar\]:=1", r"baz[\[]:=2", r"baz[\]]:=3"],
            r#"{"foo[bar]": 1, "baz": {"[": 2, "]": 3}}"#,
        ),
        (&[r"backslash[\\]:=1"], r#"{"backslash": {"\\": 1}}"#),
        (
            &[
                r"object[\1]=stringified",
                r"object[\100]=same",
                "array[1]=indexified",
            ],
            r#"{"object": {"1": "stringified", "100": "same"}, "array": [null, "indexified"]}"#,
        ),
        (
            &[":=[1,2,3]", "foo=bar"],
            r#"{"": [1, 2, 3], "foo": "bar"}"#,
        ),
        (&["x[0]:=1", "x[]:=2", "x[][]:=4"], r#"{"x": [1, 2, [4]]}"#),
        (
            &["user[name]:=411", "user[name]=string"],
            r#"{"user": {"name": "string"}}"#,
        ),
    ];
    for (items, expected) in cases {
        let mut args = vec!["--print=B", "example.org"];
        args.extend_from_slice(items);
        let (run, _) = offline(&args);
        assert_eq!(run.stdout_str(), *expected, "items {items:?}");
    }
}

#[test]
fn nested_json_errors_name_the_item() {
    for (item, key) in [("x[-1]=1", "x[-1]"), ("a[b=1", "a[b"), ("a[b]c=1", "a[b]c")] {
        let r = http().args(["--offline", "example.org", item]).run();
        r.code_is(1);
        let err = r.stderr_str();
        assert!(
            err.lines()
                .next()
                .unwrap_or("")
                .starts_with("http: error: "),
            "{}",
            r.describe()
        );
        assert!(err.contains(key), "error does not show {key}:\n{err}");
    }
}

#[test]
fn form_keys_are_literal_and_json_scalars_stringified() {
    // A20, except that JSON scalars are written as JSON (`true`), not Python's `True`:
    // a deliberate fix of an HTTPie quirk (see README, "Content types").
    let (_, req) = exchange(ok(), &["-f", "{url}/post", "a[b]=1", "n:=1", "t:=true"]);
    assert_eq!(req.body, b"a%5Bb%5D=1&n=1&t=true");
}

#[test]
fn bad_items_are_refused_naming_the_item() {
    for item in ["Accept;x", "a:=nojson", "novalue", r"a\=b"] {
        let srv = Server::start(vec![ok()]);
        let r = http().args([&srv.url("/"), item]).run();
        let line = r.error_line();
        assert!(line.contains(item), "error for {item:?} is: {line}");
        assert_eq!(srv.connections(), 0, "a request was sent for {item:?}");
    }
}

#[test]
fn file_field_without_form_is_refused() {
    let fx = Fixtures::new();
    let (text, _) = fx.httpie_files();
    let srv = Server::start(vec![ok()]);
    let r = http()
        .args([&srv.url("/"), &format!("f@{}", s(&text))])
        .run();
    let line = r.error_line();
    assert!(line.contains("--form"), "{line}");
    assert_eq!(srv.connections(), 0);
}

#[test]
fn complex_json_in_form_is_refused() {
    let r = http()
        .args(["--offline", "-f", "example.org", "c:=[1]"])
        .run();
    let line = r.error_line();
    assert!(line.contains("--form"), "{line}");
}

#[test]
fn missing_files_are_refused_naming_the_path() {
    let fx = Fixtures::new();
    let missing = fx.path().join("no-such-dir").join("missing.txt");
    let m = s(&missing);
    let cases: Vec<Vec<String>> = vec![
        vec![format!("X-H:@{m}")],
        vec![format!("q==@{m}")],
        vec![format!("f=@{m}")],
        vec![format!("f:=@{m}")],
        vec![format!("@{m}")],
        vec!["-f".into(), format!("up@{m}")],
    ];
    for items in cases {
        let srv = Server::start(vec![ok()]);
        let r = http().arg(srv.url("/")).args(&items).run();
        let line = r.error_line();
        assert!(
            line.contains(m),
            "error for {items:?} lacks the path: {line}"
        );
        assert_eq!(srv.connections(), 0, "a request was sent for {items:?}");
    }
}

#[test]
fn non_utf8_file_cannot_be_embedded_as_string() {
    let fx = Fixtures::new();
    let bin = fx.write("blob.bin", [0u8, 1, 2, 0xff, 0xfe]);
    let r = http()
        .args(["--offline", "example.org", &format!("x=@{}", s(&bin))])
        .run();
    let line = r.error_line();
    assert!(line.contains(s(&bin)), "{line}");
}

/// A file embedded by an item is read up to its cap, never until memory runs out: `/dev/zero`
/// is refused in one line.
#[test]
fn embedded_files_are_read_within_a_cap() {
    for item in [
        "field=@/dev/zero",
        "X-A:@/dev/zero",
        "q==@/dev/zero",
        "j:=@/dev/zero",
    ] {
        let r = http().args(["--offline", "example.org", item]).run();
        r.code_is(1);
        let line = r.single_error_line();
        assert!(line.contains("larger than 64 MiB"), "{item}: {line}");
        assert!(r.elapsed < std::time::Duration::from_secs(10), "{item}");
    }
}
