//! Output processing (README "Output processing" and "Output"):
//! `--pretty`, `--style`, `NO_COLOR`/`TERM=dumb`, JSON/XML formatting and `--format-options`,
//! sorted heads, `--print m`, separators, `--stream`, charsets, `--response-mime`, and
//! Content-Encoding decoding; redirected output stays byte-exact.
//!
//! A terminal is simulated with `COURIER_ASSUME_TTY=stdout`. Expected formatted JSON is what
//! Python prints with `json.dumps(obj, indent=4, sort_keys=True, ensure_ascii=False)`, and the
//! expected XML, separators and meta lines were checked against HTTPie 3.2.4.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::support::output::{has_sgr, run, sgr_len, strip_sgr, tty, typed};
use crate::support::server::{Reply, Server, Step};
use crate::support::{cat, http, text, Cmd, Run};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A terminal `http` with one more environment variable.
fn tty_with(key: &str, value: &str) -> Cmd {
    let mut c = tty();
    c.env(key, value);
    c
}

/// Redirected output with `--pretty=format -b`: what the formatter produced, no colors.
fn formatted(reply: Reply, extra: &[&str]) -> Run {
    let mut args = vec!["--pretty=format", "-b"];
    args.extend_from_slice(extra);
    args.push("{url}");
    run(http(), reply, &args)
}

/// Asserts `actual == expected` showing both as text.
fn same(actual: &[u8], expected: &[u8], run: &Run) {
    assert!(
        actual == expected,
        "output differs.\nexpected: {:?}\nactual:   {:?}\n{}",
        text(expected),
        text(actual),
        run.describe()
    );
}

/// `Elapsed time: <digits>[.<digits>]s` (the `m` line).
fn is_elapsed_line(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("Elapsed time: ") else {
        return false;
    };
    let Some(num) = rest.strip_suffix('s') else {
        return false;
    };
    let (int, frac) = match num.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (num, None),
    };
    !int.is_empty()
        && int.bytes().all(|c| c.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|c| c.is_ascii_digit()))
}

/// The `m` block without its final blank line: HTTPie's `Elapsed time:` line first, then where
/// the time went (`Timing: dns=…`, `Connection reused: …`; see timing.rs).
fn is_meta_block(block: &str) -> bool {
    let mut lines = block.lines();
    lines.next().is_some_and(is_elapsed_line)
        && lines.next().is_some_and(|l| l.starts_with("Timing: dns="))
        && lines
            .next()
            .is_some_and(|l| l.starts_with("Connection reused: "))
        && lines.next().is_none()
}

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

/// A JSON document with nesting, empty containers, non-ASCII keys and values, and escapes.
const CORPUS: &str = r#"{"zeta": [1, 2, {"y": null, "x": true}], "alpha": {"nested": {"b": [], "a": {}}}, "Zed": "upper", "émoji": "😀 café", "esc": "tab\there \"q\" back\\slash \u0001 \u00e9 \/ \ud83d\ude00", "num": -12, "bool": false, "empty_str": "", "arr": [[], [[]], [{}], [1, [2, [3]]]]}"#;

/// `json.dumps(json.loads(CORPUS), indent=4, sort_keys=True, ensure_ascii=False)`.
const CORPUS_SORTED_4: &str = r#"{
    "Zed": "upper",
    "alpha": {
        "nested": {
            "a": {},
            "b": []
        }
    },
    "arr": [
        [],
        [
            []
        ],
        [
            {}
        ],
        [
            1,
            [
                2,
                [
                    3
                ]
            ]
        ]
    ],
    "bool": false,
    "empty_str": "",
    "esc": "tab\there \"q\" back\\slash \u0001 é / 😀",
    "num": -12,
    "zeta": [
        1,
        2,
        {
            "x": true,
            "y": null
        }
    ],
    "émoji": "😀 café"
}"#;

/// `json.dumps(json.loads(CORPUS), indent=2, sort_keys=False, ensure_ascii=False)`.
const CORPUS_UNSORTED_2: &str = r#"{
  "zeta": [
    1,
    2,
    {
      "y": null,
      "x": true
    }
  ],
  "alpha": {
    "nested": {
      "b": [],
      "a": {}
    }
  },
  "Zed": "upper",
  "émoji": "😀 café",
  "esc": "tab\there \"q\" back\\slash \u0001 é / 😀",
  "num": -12,
  "bool": false,
  "empty_str": "",
  "arr": [
    [],
    [
      []
    ],
    [
      {}
    ],
    [
      1,
      [
        2,
        [
          3
        ]
      ]
    ]
  ]
}"#;

/// `json.dumps(json.loads(CORPUS), indent=4, sort_keys=False, ensure_ascii=False)`.
fn corpus_unsorted_4() -> String {
    // Same as CORPUS_UNSORTED_2 with every indentation level doubled.
    CORPUS_UNSORTED_2
        .lines()
        .map(|l| {
            let body = l.trim_start_matches(' ');
            let depth = (l.len() - body.len()) / 2;
            format!("{}{body}", " ".repeat(depth * 4))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const SMALL_JSON: &str = r#"{"b":1,"a":[1,2],"c":{}}"#;
const SMALL_JSON_PRETTY: &str =
    "{\n    \"a\": [\n        1,\n        2\n    ],\n    \"b\": 1,\n    \"c\": {}\n}";

fn json_reply() -> Reply {
    typed("application/json", CORPUS)
}

// ---------------------------------------------------------------------------------------------
// 1. --pretty, --style, NO_COLOR, TERM=dumb
// ---------------------------------------------------------------------------------------------

#[test]
fn terminal_default_is_pretty_all_with_the_head() {
    let r = run(tty(), json_reply(), &["{url}"]);
    r.success();
    assert!(
        has_sgr(r.stdout()),
        "no colors on a terminal:\n{}",
        r.describe()
    );
    let plain = text(&strip_sgr(r.stdout()));
    assert!(plain.starts_with("HTTP/1.1 200 OK\r\n"), "{plain:?}");
    assert!(
        plain.ends_with(&format!("\r\n\r\n{CORPUS_SORTED_4}\n\n")),
        "body not formatted (or not followed by a blank line):\n{plain}"
    );
}

#[test]
fn redirected_default_is_pretty_none_and_byte_exact() {
    for (ct, body) in [
        ("application/json", CORPUS),
        ("application/json", "{\"a\": 1,,}"),
        ("text/plain", "{\"b\":1,\"a\":2}"),
        ("application/javascript", "{\"b\":1,\"a\":2}"),
        ("application/xml", "<a><b>1</b></a>"),
        ("text/html", "<p>\thi\r\n</p>"),
    ] {
        let r = run(http(), typed(ct, body), &["{url}"]);
        r.success().stdout_is(body);
        assert!(!has_sgr(r.stdout()));
    }
}

#[test]
fn redirected_verbose_json_is_byte_exact() {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        CORPUS.len()
    );
    let srv = Server::start(vec![Reply::raw(cat(&[head.as_bytes(), CORPUS.as_bytes()]))]);
    let r = http().args(["-v", &srv.url("/"), "b:=2", "a=1"]).run();
    r.success();
    let req = srv.only_request();
    assert_eq!(req.body, br#"{"b": 2, "a": "1"}"#);
    r.stdout_is(cat(&[
        &req.raw,
        b"\n\n",
        head.as_bytes(),
        CORPUS.as_bytes(),
    ]));
}

#[test]
fn pretty_format_redirected_formats_without_colors() {
    let r = formatted(json_reply(), &[]);
    r.success().stdout_is(CORPUS_SORTED_4);
}

#[test]
fn pretty_all_redirected_has_colors() {
    let r = run(http(), json_reply(), &["--pretty=all", "-b", "{url}"]);
    r.success();
    assert!(has_sgr(r.stdout()), "{}", r.describe());
    same(&strip_sgr(r.stdout()), CORPUS_SORTED_4.as_bytes(), &r);
}

#[test]
fn pretty_colors_highlights_without_reformatting() {
    let r = run(http(), json_reply(), &["--pretty=colors", "-b", "{url}"]);
    r.success();
    assert!(has_sgr(r.stdout()), "{}", r.describe());
    same(&strip_sgr(r.stdout()), CORPUS.as_bytes(), &r);
}

#[test]
fn pretty_colors_does_not_sort_headers() {
    let head = "HTTP/1.1 200 OK\r\nX-b: 1\r\nA-a: 2\r\nContent-Length: 0\r\n\r\n";
    let r = run(
        http(),
        Reply::raw(head),
        &["--pretty=colors", "-h", "{url}"],
    );
    r.success();
    assert!(has_sgr(r.stdout()), "{}", r.describe());
    same(&strip_sgr(r.stdout()), head.as_bytes(), &r);
}

#[test]
fn pretty_none_on_a_terminal_prints_the_body_as_received() {
    let r = run(tty(), json_reply(), &["--pretty=none", "-b", "{url}"]);
    r.success().stdout_is(format!("{CORPUS}\n\n"));
}

#[test]
fn pretty_format_on_a_terminal_has_no_colors() {
    let r = run(tty(), json_reply(), &["--pretty=format", "-b", "{url}"]);
    r.success().stdout_is(format!("{CORPUS_SORTED_4}\n\n"));
}

#[test]
fn pretty_rejects_unknown_values() {
    let r = run(http(), json_reply(), &["--pretty=fancy", "{url}"]);
    r.code_is(1);
    assert!(r.stdout().is_empty(), "{}", r.describe());
}

#[test]
fn every_style_colors_and_formats_the_same_text() {
    let mut outputs = Vec::new();
    for style in [
        &["--style=auto"][..],
        &["--style=solarized"],
        &["-s", "monochrome"],
        &["-s", "solarized"],
        &["--style=pie"],
        &["--style=pie-dark"],
        &["--style=pie-light"],
        &["--style=monokai"],
        &["--style=fruity"],
        &["--style=paraiso-dark"],
        &["--style=paraiso-light"],
        &["--style=solarized-dark"],
        &["--style=solarized-light"],
    ] {
        let mut args = vec!["--pretty=all", "-b"];
        args.extend_from_slice(style);
        args.push("{url}");
        let r = run(http(), json_reply(), &args);
        r.success();
        assert!(
            has_sgr(r.stdout()),
            "{style:?}: no colors\n{}",
            r.describe()
        );
        same(&strip_sgr(r.stdout()), CORPUS_SORTED_4.as_bytes(), &r);
        outputs.push(r.stdout().to_vec());
    }
    assert_ne!(outputs[0], outputs[1], "auto and solarized look the same");
    assert_ne!(outputs[0], outputs[2], "auto and monochrome look the same");
    assert_ne!(
        outputs[1], outputs[2],
        "solarized and monochrome look the same"
    );
    assert_eq!(outputs[1], outputs[3], "-s and --style differ");
}

#[test]
fn invalid_style_is_a_one_line_error() {
    for args in [&["--style=foobar"][..], &["-s", "foobar"]] {
        let srv = Server::start(vec![json_reply()]);
        let r = http().args(args).arg(srv.url("/")).run();
        let line = r.error_line();
        assert!(line.contains("foobar"), "{line}");
        assert!(r.stdout().is_empty());
        assert_eq!(
            srv.connections(),
            0,
            "a request was sent despite the bad --style"
        );
    }
}

#[test]
fn no_color_turns_colors_off_on_a_terminal_but_keeps_formatting() {
    let r = run(tty_with("NO_COLOR", "1"), json_reply(), &["-b", "{url}"]);
    r.success().stdout_is(format!("{CORPUS_SORTED_4}\n\n"));
}

#[test]
fn an_empty_no_color_is_ignored() {
    // no-color.org: only a non-empty value counts.
    let r = run(tty_with("NO_COLOR", ""), json_reply(), &["-b", "{url}"]);
    r.success();
    assert!(has_sgr(r.stdout()), "{}", r.describe());
}

#[test]
fn no_color_yields_to_an_explicit_pretty() {
    for args in [
        &["--pretty=all"][..],
        &["--pretty=colors"],
        &["--pretty=all", "--style=solarized"],
        &["--pretty=all", "-s", "auto"],
    ] {
        let mut full = args.to_vec();
        full.extend_from_slice(&["-b", "{url}"]);
        let r = run(tty_with("NO_COLOR", "1"), json_reply(), &full);
        r.success();
        assert!(has_sgr(r.stdout()), "{args:?}: no colors\n{}", r.describe());
    }
}

#[test]
fn no_color_wins_over_a_style() {
    // A style says which colors, not whether: NO_COLOR keeps them off unless --pretty asks.
    for args in [
        &["--style=solarized"][..],
        &["-s", "auto"],
        &["--style=monokai"],
        &["--style=pie-dark"],
    ] {
        let mut full = args.to_vec();
        full.extend_from_slice(&["-b", "{url}"]);
        let r = run(tty_with("NO_COLOR", "1"), json_reply(), &full);
        r.success().stdout_is(format!("{CORPUS_SORTED_4}\n\n"));
    }
    let r = run(
        tty_with("NO_COLOR", "1"),
        json_reply(),
        &["-v", "--style=monokai", "{url}"],
    );
    r.success();
    assert!(!has_sgr(r.stdout()), "{}", r.describe());
}

#[test]
fn term_dumb_gets_no_colors_unless_asked() {
    let r = run(tty_with("TERM", "dumb"), json_reply(), &["-b", "{url}"]);
    r.success().stdout_is(format!("{CORPUS_SORTED_4}\n\n"));
    for args in [&["--pretty=all"][..], &["--style=monochrome"]] {
        let mut full = args.to_vec();
        full.extend_from_slice(&["-b", "{url}"]);
        let r = run(tty_with("TERM", "dumb"), json_reply(), &full);
        r.success();
        assert!(has_sgr(r.stdout()), "{args:?}: no colors\n{}", r.describe());
    }
}

#[test]
fn a_colorful_term_keeps_colors() {
    let r = run(
        tty_with("TERM", "xterm-256color"),
        json_reply(),
        &["-b", "{url}"],
    );
    r.success();
    assert!(has_sgr(r.stdout()), "{}", r.describe());
}

/// `--style=NAME --pretty=all -p hb` on a small JSON reply.
fn styled(style: &str, reply: Reply) -> Run {
    let arg = format!("--style={style}");
    let r = run(http(), reply, &[&arg, "--pretty=all", "-p", "hb", "{url}"]);
    r.success();
    r
}

/// `ESC[<codes>m`.
fn sgr(codes: &str) -> String {
    format!("\x1b[{codes}m")
}

#[test]
fn httpie_styles_write_httpies_256_colours() {
    // The colours HTTPie 3.2.4 writes for these styles on a 256-colour terminal (Pygments'
    // Terminal256Formatter; bold spelled `1;` first, as we write it): the status code, a header
    // name, a JSON key, a JSON string, a JSON number.
    let reply = || typed("application/json", r#"{"k": "v", "n": 1}"#);
    for (style, status, header, key, string, number) in [
        (
            "monokai", "38;5;141", "38;5;148", "38;5;204", "38;5;186", "38;5;141",
        ),
        (
            "fruity",
            "1;38;5;33",
            "1;38;5;198",
            "1;38;5;202",
            "38;5;32",
            "1;38;5;33",
        ),
        (
            "paraiso-dark",
            "38;5;208",
            "38;5;39",
            "38;5;79",
            "38;5;72",
            "38;5;208",
        ),
        (
            "paraiso-light",
            "38;5;208",
            "38;5;39",
            "38;5;79",
            "38;5;72",
            "38;5;208",
        ),
        (
            "solarized-dark",
            "38;5;36",
            "38;5;245",
            "38;5;32",
            "38;5;36",
            "38;5;36",
        ),
        (
            "solarized-light",
            "38;5;36",
            "38;5;66",
            "38;5;32",
            "38;5;36",
            "38;5;36",
        ),
        (
            "pie-dark",
            "1;38;5;78",
            "38;5;68",
            "38;5;213",
            "38;5;78",
            "38;5;110",
        ),
        (
            "pie",
            "1;38;5;72",
            "38;5;62",
            "38;5;176",
            "38;5;72",
            "38;5;109",
        ),
        (
            "pie-light",
            "1;38;5;71",
            "38;5;61",
            "38;5;133",
            "38;5;71",
            "38;5;66",
        ),
    ] {
        let r = styled(style, reply());
        let out = r.stdout_str();
        for want in [
            format!("{}200", sgr(status)),
            format!("{}OK", sgr(status)),
            format!("{}Content-Type", sgr(header)),
            format!("{}\"k\"", sgr(key)),
            format!("{}\"v\"", sgr(string)),
            format!("{}1", sgr(number)),
        ] {
            assert!(
                out.contains(&want),
                "{style}: no {want:?} in\n{}",
                r.describe()
            );
        }
        let plain = text(&strip_sgr(r.stdout()));
        assert!(
            plain.starts_with("HTTP/1.1 200 OK\r\n"),
            "{style}: {plain:?}"
        );
        assert!(
            plain.ends_with("\r\n\r\n{\n    \"k\": \"v\",\n    \"n\": 1\n}"),
            "{style}: {plain:?}"
        );
    }
}

#[test]
fn monokai_head_is_httpies_token_by_token() {
    // HTTPie 3.2.4, --style=monokai: `HTTP` keyword, `/` operator, version number, status as a
    // number whatever its class, header name, operator colon, string value.
    let r = styled(
        "monokai",
        Reply::http("HTTP/1.1 404 Not Found\r\nX-A: b", ""),
    );
    let want = format!(
        "{}HTTP\x1b[0m{}/\x1b[0m{}1.1\x1b[0m {}404\x1b[0m {}Not Found\x1b[0m\r\n",
        sgr("38;5;81"),
        sgr("38;5;204"),
        sgr("38;5;141"),
        sgr("38;5;141"),
        sgr("38;5;141"),
    );
    let out = r.stdout_str();
    assert!(out.starts_with(&want), "{want:?}\n{}", r.describe());
    let header = format!(
        "{}X-A\x1b[0m{}:\x1b[0m {}b\x1b[0m\r\n",
        sgr("38;5;148"),
        sgr("38;5;204"),
        sgr("38;5;186")
    );
    assert!(out.contains(&header), "{header:?}\n{}", r.describe());
}

#[test]
fn pie_colours_each_method() {
    // HTTPie's pie palette: GET and HEAD green, POST yellow, PUT and PATCH orange, DELETE red,
    // other methods grey; all bold.
    for (style, colours) in [
        ("pie-dark", [78, 185, 215, 203, 8]),
        ("pie", [72, 185, 209, 167, 8]),
        ("pie-light", [71, 142, 172, 166, 8]),
    ] {
        let [green, yellow, orange, red, grey] = colours;
        for (method, colour) in [
            ("GET", green),
            ("HEAD", green),
            ("POST", yellow),
            ("PUT", orange),
            ("PATCH", orange),
            ("DELETE", red),
            ("OPTIONS", grey),
        ] {
            let arg = format!("--style={style}");
            let r = http()
                .args(["--offline", "--pretty=all", &arg, "-p", "H", method])
                .arg("example.org/x")
                .run();
            r.success();
            let want = format!("\x1b[1;38;5;{colour}m{method}\x1b[0m ");
            assert!(
                r.stdout_str().starts_with(&want),
                "{style} {method}: want {want:?}\n{}",
                r.describe()
            );
        }
    }
}

#[test]
fn pie_colours_each_status_class() {
    // 2xx green, 3xx yellow, 4xx orange, 5xx red, code and reason alike.
    for (status, colour) in [
        ("204 No Content", 78),
        ("304 Not Modified", 185),
        ("418 I'm a teapot", 215),
        ("503 Service Unavailable", 203),
    ] {
        let reply = Reply::raw(format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n"));
        let r = run(
            http(),
            reply,
            &["--style=pie-dark", "--pretty=all", "-h", "{url}"],
        );
        r.success();
        let (code, reason) = status.split_once(' ').unwrap_or_default();
        let on = format!("\x1b[1;38;5;{colour}m");
        let want = format!("{on}{code}\x1b[0m {on}{reason}\x1b[0m\r\n");
        assert!(
            r.stdout_str().contains(&want),
            "{status}: want {want:?}\n{}",
            r.describe()
        );
    }
}

#[test]
fn pie_colours_the_elapsed_time_by_speed() {
    let r = run(
        http(),
        json_reply(),
        &["--style=pie-dark", "--pretty=all", "-p", "m", "{url}"],
    );
    r.success();
    let out = r.stdout_str();
    let name = format!(
        "{}Elapsed time\x1b[0m{}: \x1b[0m",
        sgr("38;5;8"),
        sgr("1;38;5;8")
    );
    assert!(out.starts_with(&name), "{}", r.describe());
    // Green up to 0.45 s, then yellow, orange, red: whichever this run took.
    let rest = &out[name.len()..];
    assert!(
        ["78", "185", "215", "203"]
            .iter()
            .any(|c| rest.starts_with(&sgr(&format!("1;38;5;{c}")))),
        "{}",
        r.describe()
    );
    // Elapsed time, the timing breakdown, whether the connection was reused, a blank line.
    let plain = text(&strip_sgr(r.stdout()));
    let lines: Vec<&str> = plain.lines().collect();
    assert_eq!(lines.len(), 4, "{out:?}");
    assert!(lines[1].starts_with("Timing: dns="), "{out:?}");
}

#[test]
fn an_unknown_style_lists_the_styles() {
    let r = http().args(["--style=dracula", "example.org"]).run();
    let line = r.error_line();
    for name in [
        "auto",
        "solarized",
        "monochrome",
        "pie",
        "pie-dark",
        "pie-light",
        "monokai",
        "fruity",
        "paraiso-dark",
        "paraiso-light",
        "solarized-dark",
        "solarized-light",
    ] {
        assert!(
            line.contains(&format!(" {name},")) || line.contains(&format!(" {name}]")),
            "{name}: {line}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 2. JSON
// ---------------------------------------------------------------------------------------------

#[test]
fn json_is_detected_from_its_content_types() {
    for ct in [
        "application/json",
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
        "application/vnd.api+json",
        "application/problem+json; charset=utf-8",
        "application/javascript",
        "application/x-javascript",
        "text/javascript",
        "text/plain",
        "text/html; charset=utf-8",
    ] {
        let r = formatted(typed(ct, CORPUS), &[]);
        r.success();
        same(r.stdout(), CORPUS_SORTED_4.as_bytes(), &r);
    }
}

#[test]
fn json_in_other_types_is_not_formatted() {
    for ct in [
        "application/x-custom",
        "image/svg",
        "application/octet-stream",
    ] {
        let r = formatted(typed(ct, SMALL_JSON), &[]);
        r.success().stdout_is(SMALL_JSON);
    }
    // No Content-Type at all.
    let r = formatted(Reply::ok(SMALL_JSON), &[]);
    r.success().stdout_is(SMALL_JSON);
}

#[test]
fn text_that_is_not_json_is_printed_as_is() {
    for (ct, body) in [
        ("text/plain", "hello {not json}\n"),
        ("text/html", "<p>{\"a\": 1}</p>"),
        ("text/css", "a { color: red }\n"),
        ("text/plain", "[1, 2,\n"),
    ] {
        let r = formatted(typed(ct, body), &[]);
        r.success().stdout_is(body);
    }
}

#[test]
fn xssi_prefixes_are_kept() {
    for (body, expected) in [
        (
            ")]}',\n{\"b\":1,\"a\":2}",
            ")]}',\n{\n    \"a\": 2,\n    \"b\": 1\n}",
        ),
        (
            ")]}'\n[1,{\"b\":1,\"a\":2}]",
            ")]}'\n[\n    1,\n    {\n        \"a\": 2,\n        \"b\": 1\n    }\n]",
        ),
        (
            "while(1);{\"b\":1,\"a\":2}",
            "while(1);{\n    \"a\": 2,\n    \"b\": 1\n}",
        ),
        (
            "for(;;);{\"b\":1,\"a\":2}",
            "for(;;);{\n    \"a\": 2,\n    \"b\": 1\n}",
        ),
    ] {
        let r = formatted(typed("application/json", body), &[]);
        r.success().stdout_is(expected);
    }
}

#[test]
fn invalid_json_with_a_json_type_is_printed_as_is() {
    for body in [
        "{\"a\": 1,,}",
        "{\"b\": 1, \"a\": 2} garbage",
        "{\"b\": 1, \"a\": [2, 3",
        "{\"b\": 1} {\"a\": 2}",
        "[1, 2, 3, oops]",
        "{'single': 'quotes'}",
        "",
    ] {
        let r = formatted(typed("application/json", body), &[]);
        r.success().stdout_is(body).stderr_empty();
        let r = run(tty(), typed("application/json", body), &["-b", "{url}"]);
        r.success();
        let plain = strip_sgr(r.stdout());
        assert!(
            plain.starts_with(body.as_bytes()),
            "invalid JSON altered on a terminal:\n{}",
            r.describe()
        );
    }
}

#[test]
fn scalars_and_empty_containers() {
    for (body, expected) in [
        ("\"str\"", "\"str\""),
        ("42", "42"),
        ("null", "null"),
        ("true", "true"),
        ("[]", "[]"),
        ("{}", "{}"),
        ("  \n {\"a\":1}\n\n", "{\n    \"a\": 1\n}"),
        ("[[],{}]", "[\n    [],\n    {}\n]"),
        // Python's json module reads and writes these non-standard constants.
        (
            "[NaN, Infinity, -Infinity]",
            "[\n    NaN,\n    Infinity,\n    -Infinity\n]",
        ),
    ] {
        let r = formatted(typed("application/json", body), &[]);
        r.success().stdout_is(expected);
    }
}

#[test]
fn duplicate_keys_are_kept_in_a_stable_order() {
    let r = formatted(typed("application/json", r#"{"b":1,"a":2,"b":3}"#), &[]);
    r.success()
        .stdout_is("{\n    \"a\": 2,\n    \"b\": 1,\n    \"b\": 3\n}");
}

#[test]
fn json_numbers_are_printed_as_the_server_wrote_them() {
    // A deliberate difference from HTTPie (which re-prints floats through Python: 1.50 → 1.5,
    // 1e10 → 10000000000.0): numbers are shown exactly as sent, so nothing is rounded or
    // reformatted, and big integers stay exact (README, "Output processing").
    let body = r#"{"f": 1.50, "e": 1e10, "big": 12345678901234567890123, "neg": -0.0, "x": 1E-7, "i": -0}"#;
    let expected = "{\n    \"big\": 12345678901234567890123,\n    \"e\": 1e10,\n    \
                    \"f\": 1.50,\n    \"i\": -0,\n    \"neg\": -0.0,\n    \"x\": 1E-7\n}";
    let r = formatted(typed("application/json", body), &[]);
    r.success().stdout_is(expected);
}

#[test]
fn json_indent_option() {
    let r = formatted(
        json_reply(),
        &["--format-options=json.indent:2,json.sort_keys:false"],
    );
    r.success().stdout_is(CORPUS_UNSORTED_2);
    let r = formatted(
        typed("application/json", r#"{"b":[1,{"c":2}],"a":{}}"#),
        &["--format-options", "json.indent:0"],
    );
    r.success()
        .stdout_is("{\n\"a\": {},\n\"b\": [\n1,\n{\n\"c\": 2\n}\n]\n}");
}

#[test]
fn json_sort_keys_option_and_unsorted_keep_the_order() {
    let expected = corpus_unsorted_4();
    for extra in [
        &["--format-options=json.sort_keys:false"][..],
        &["--unsorted"],
        &["--sorted", "--unsorted"],
        &["--format-options", "JSON.SORT_KEYS:FALSE"],
    ] {
        let r = formatted(json_reply(), extra);
        r.success();
        same(r.stdout(), expected.as_bytes(), &r);
    }
}

#[test]
fn sorted_re_enables_sorting() {
    for extra in [
        &["--sorted"][..],
        &["--unsorted", "--sorted"],
        &["--format-options=json.sort_keys:false", "--sorted"],
        &["--format-options=json.sort_keys:true"],
    ] {
        let r = formatted(json_reply(), extra);
        r.success();
        same(r.stdout(), CORPUS_SORTED_4.as_bytes(), &r);
    }
}

#[test]
fn format_options_combine_across_flags() {
    let r = formatted(
        json_reply(),
        &[
            "--format-options=json.indent:8",
            "--format-options=json.indent:2,json.sort_keys:false",
        ],
    );
    r.success().stdout_is(CORPUS_UNSORTED_2);
}

#[test]
fn json_format_false_leaves_the_body_untouched() {
    let r = formatted(json_reply(), &["--format-options=json.format:false"]);
    r.success().stdout_is(CORPUS);
}

#[test]
fn bad_format_options_are_one_line_errors() {
    for spec in [
        "foo.bar:1",
        "json.indent:x",
        "json.indent",
        "json.indent:-1",
        "headers.sort:maybe",
        "json.sort_keys:1",
        "xml.format:yes",
        "xml.indent:two",
        ":true",
    ] {
        let srv = Server::start(vec![json_reply()]);
        let r = http()
            .arg(format!("--format-options={spec}"))
            .arg(srv.url("/"))
            .run();
        let line = r.error_line();
        assert!(r.stdout().is_empty(), "{}", r.describe());
        assert!(line.len() < 300, "error line too long: {line}");
        assert_eq!(srv.connections(), 0, "{spec}: request sent anyway");
    }
}

#[test]
fn json_request_body_is_formatted_with_verbose() {
    let srv = Server::start(vec![typed("application/json", SMALL_JSON)]);
    let r = http()
        .args(["--pretty=format", "-v", &srv.url("/"), "b:=1", "a=x"])
        .run();
    r.success();
    let out = r.stdout_str();
    assert!(
        out.contains("\r\n\r\n{\n    \"a\": \"x\",\n    \"b\": 1\n}\n\nHTTP/1.1 200 OK\r\n"),
        "{}",
        r.describe()
    );
    assert!(out.ends_with(SMALL_JSON_PRETTY), "{}", r.describe());
    // What went over the wire is not affected.
    assert_eq!(srv.only_request().body, br#"{"b": 1, "a": "x"}"#);
}

#[test]
fn pretty_output_does_not_change_what_is_sent() {
    let srv = Server::start(vec![json_reply()]);
    http()
        .args(["--pretty=all", &srv.url("/"), "z=1", "a=2"])
        .run()
        .success();
    assert_eq!(srv.only_request().body, br#"{"z": "1", "a": "2"}"#);
}

// ---------------------------------------------------------------------------------------------
// 3. Heads and XML
// ---------------------------------------------------------------------------------------------

/// The SGR sequence printed right before the status code in a colored head.
fn status_color(code: &str) -> Vec<u8> {
    let reason = match code {
        "200" => "OK",
        "204" => "No Content",
        "301" => "Moved Permanently",
        "404" => "Not Found",
        "503" => "Service Unavailable",
        _ => "Whatever",
    };
    let head = format!("HTTP/1.1 {code} {reason}\r\nContent-Length: 0\r\n\r\n");
    let r = run(tty(), Reply::raw(head), &["-h", "{url}"]);
    r.success();
    let out = r.stdout();
    let at = out
        .windows(3)
        .position(|w| w == code.as_bytes())
        .unwrap_or_else(|| panic!("no status code in:\n{}", r.describe()));
    // Walk back over the SGR sequences directly before the code.
    let mut start = at;
    while let Some(s) = (0..start)
        .rev()
        .find(|&s| sgr_len(out, s) == Some(start - s))
    {
        start = s;
    }
    let color = out[start..at].to_vec();
    assert!(
        !color.is_empty(),
        "status {code} not colored:\n{}",
        r.describe()
    );
    color
}

#[test]
fn status_line_is_colored_by_class() {
    let ok = status_color("200");
    let no_content = status_color("204");
    let redirect = status_color("301");
    let client = status_color("404");
    let server = status_color("503");
    assert_eq!(ok, no_content, "2xx codes colored differently");
    let all = [&ok, &redirect, &client, &server];
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert_ne!(a, b, "two status classes share a color");
        }
    }
}

const UNSORTED_HEAD: &str = "HTTP/1.1 299 Totally Custom Reason\r\n\
X-Mixed-CASE: 1\r\n\
Set-Cookie: a=1\r\n\
x-other: 2\r\n\
set-cookie: b=2\r\n\
X-Mixed-CASE: 3\r\n\
Content-Type: text/plain\r\n\
Content-Length: 2\r\n\r\n";

/// Stable, case-sensitive sort by name (HTTPie's `headers.sort`): the status line stays first and
/// repeated headers keep their relative order.
const SORTED_HEAD: &str = "HTTP/1.1 299 Totally Custom Reason\r\n\
Content-Length: 2\r\n\
Content-Type: text/plain\r\n\
Set-Cookie: a=1\r\n\
X-Mixed-CASE: 1\r\n\
X-Mixed-CASE: 3\r\n\
set-cookie: b=2\r\n\
x-other: 2\r\n\r\n";

fn unsorted() -> Reply {
    Reply::raw(format!("{UNSORTED_HEAD}hi"))
}

#[test]
fn response_headers_are_sorted_when_formatting() {
    let r = run(http(), unsorted(), &["--pretty=format", "-h", "{url}"]);
    r.success().stdout_is(SORTED_HEAD);
    let r = run(
        http(),
        unsorted(),
        &["--pretty=format", "-p", "hb", "{url}"],
    );
    r.success().stdout_is(format!("{SORTED_HEAD}hi"));
}

#[test]
fn response_headers_are_sorted_on_a_terminal_by_default() {
    let r = run(tty(), unsorted(), &["-h", "{url}"]);
    r.success();
    same(&strip_sgr(r.stdout()), SORTED_HEAD.as_bytes(), &r);
}

#[test]
fn unsorted_keeps_the_wire_order_of_headers() {
    for extra in [
        &["--unsorted"][..],
        &["--format-options=headers.sort:false"],
        &["--sorted", "--unsorted"],
    ] {
        let mut args = vec!["--pretty=format", "-h"];
        args.extend_from_slice(extra);
        args.push("{url}");
        let r = run(http(), unsorted(), &args);
        r.success().stdout_is(UNSORTED_HEAD);
    }
    let r = run(
        http(),
        unsorted(),
        &["--pretty=format", "-h", "--unsorted", "--sorted", "{url}"],
    );
    r.success().stdout_is(SORTED_HEAD);
}

#[test]
fn headers_sort_false_still_formats_json() {
    let r = formatted(json_reply(), &["--format-options=headers.sort:false"]);
    r.success().stdout_is(CORPUS_SORTED_4);
}

#[test]
fn request_head_is_sorted_with_verbose() {
    let srv = Server::start(vec![Reply::ok("")]);
    let r = http()
        .args([
            "--pretty=format",
            "-p",
            "H",
            &srv.url("/x"),
            "X-Zed:1",
            "A-first:2",
            "b-low:3",
        ])
        .run();
    r.success();
    let req = srv.only_request();
    let mut lines: Vec<&str> = req.head.trim_end().split("\r\n").collect();
    let first = lines.remove(0);
    let mut sorted = lines.clone();
    sorted.sort_by(|a, b| {
        let name = |l: &str| l.split(':').next().unwrap_or("").to_string();
        name(a).cmp(&name(b))
    });
    assert_ne!(lines, sorted, "the test needs an unsorted request head");
    let expected = format!("{first}\r\n{}\r\n\r\n", sorted.join("\r\n"));
    r.stdout_is(expected);
    // Unsorted: exactly what was sent.
    let srv = Server::start(vec![Reply::ok("")]);
    let r = http()
        .args([
            "--pretty=format",
            "--unsorted",
            "-p",
            "H",
            &srv.url("/x"),
            "X-Zed:1",
            "A-first:2",
        ])
        .run();
    r.success().stdout_is(srv.only_request().head.as_bytes());
}

#[test]
fn request_head_is_colored_on_a_terminal() {
    let srv = Server::start(vec![Reply::ok("")]);
    let r = tty().args(["-p", "H", &srv.url("/x"), "X-Zed:1"]).run();
    r.success();
    assert!(has_sgr(r.stdout()), "{}", r.describe());
    let plain = text(&strip_sgr(r.stdout()));
    assert!(plain.starts_with("GET /x HTTP/1.1\r\n"), "{plain:?}");
    assert!(plain.contains("\r\nX-Zed: 1\r\n"), "{plain:?}");
}

const XML: &str =
    r#"<?xml version="1.0" encoding="utf-8"?><root a="1"><b>text</b><c/><d><e>x</e></d></root>"#;
/// HTTPie 3.2.4 `--pretty=format` of [`XML`].
const XML_PRETTY: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<root a=\"1\">\n  <b>text</b>\n  <c/>\n  <d>\n    <e>x</e>\n  </d>\n</root>";

#[test]
fn xml_is_indented() {
    for ct in [
        "application/xml",
        "text/xml; charset=utf-8",
        "application/atom+xml",
    ] {
        let r = formatted(typed(ct, XML), &[]);
        r.success().stdout_is(XML_PRETTY);
    }
    let r = formatted(
        typed("application/xml", "<root><b>text</b><c/></root>"),
        &[],
    );
    r.success()
        .stdout_is("<root>\n  <b>text</b>\n  <c/>\n</root>");
}

#[test]
fn xml_indent_and_format_options() {
    let r = formatted(
        typed("application/xml", "<root><b>text</b><c/></root>"),
        &["--format-options=xml.indent:4"],
    );
    r.success()
        .stdout_is("<root>\n    <b>text</b>\n    <c/>\n</root>");
    let r = formatted(
        typed("application/xml", XML),
        &["--format-options=xml.format:false"],
    );
    r.success().stdout_is(XML);
}

#[test]
fn invalid_xml_is_printed_as_is() {
    for body in ["<a><b></a>", "<a>unclosed", "not xml at all"] {
        let r = formatted(typed("application/xml", body), &[]);
        r.success().stdout_is(body);
    }
}

#[test]
fn xml_entities_are_not_expanded() {
    let body = "<!DOCTYPE r [<!ENTITY x \"EXPANDED\">]><r>&x;</r>";
    let r = formatted(typed("application/xml", body), &[]);
    r.success();
    assert!(!r.stdout_str().contains(">EXPANDED<"), "{}", r.describe());
    assert!(r.stdout_str().contains("&x;"), "{}", r.describe());
}

// ---------------------------------------------------------------------------------------------
// 4. --print m, -vv and separators
// ---------------------------------------------------------------------------------------------

#[test]
fn meta_prints_the_elapsed_time_then_the_timing() {
    for flag in ["-m", "--meta", "--print=m"] {
        let r = run(http(), json_reply(), &[flag, "{url}"]);
        r.success();
        let out = r.stdout_str();
        let line = out
            .strip_suffix("\n\n")
            .unwrap_or_else(|| panic!("meta must end with a blank line:\n{}", r.describe()));
        assert!(is_meta_block(line), "{flag}: {out:?}");
    }
}

#[test]
fn meta_comes_after_the_body() {
    let r = run(
        http(),
        typed("application/json", SMALL_JSON),
        &["-p", "bm", "{url}"],
    );
    r.success();
    let out = r.stdout_str();
    let rest = out
        .strip_prefix(&format!("{SMALL_JSON}\n\n"))
        .unwrap_or_else(|| panic!("{}", r.describe()));
    let line = rest.strip_suffix("\n\n").unwrap_or("");
    assert!(is_meta_block(line), "{out:?}");
}

#[test]
fn meta_after_a_head_only() {
    let head = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n";
    let r = run(
        http(),
        Reply::raw(format!("{head}hi")),
        &["-p", "hm", "{url}"],
    );
    r.success();
    let out = r.stdout_str();
    let rest = out
        .strip_prefix(head)
        .unwrap_or_else(|| panic!("{}", r.describe()));
    assert!(
        is_meta_block(rest.strip_suffix("\n\n").unwrap_or("")),
        "{out:?}"
    );
}

#[test]
fn meta_measures_the_whole_body() {
    let body = b"slow body";
    let reply = Reply::steps(vec![
        Step::Send(
            format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\nslow",
                body.len()
            )
            .into_bytes(),
        ),
        Step::Sleep(Duration::from_millis(600)),
        Step::Send(b" body".to_vec()),
    ]);
    let r = run(http(), reply, &["-m", "{url}"]);
    r.success();
    let out = r.stdout_str();
    let secs: f64 = out
        .lines()
        .next()
        .unwrap_or("")
        .strip_prefix("Elapsed time: ")
        .and_then(|s| s.strip_suffix('s'))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{}", r.describe()));
    assert!(secs >= 0.5, "elapsed {secs}s does not include the body");
}

#[test]
fn vv_prints_the_whole_exchange_and_the_meta() {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        SMALL_JSON.len()
    );
    let srv = Server::start(vec![Reply::raw(format!("{head}{SMALL_JSON}"))]);
    let r = http().args(["-vv", &srv.url("/"), "a=b"]).run();
    r.success();
    let req = srv.only_request();
    let out = r.stdout();
    let prefix = cat(&[
        &req.raw,
        b"\n\n",
        head.as_bytes(),
        SMALL_JSON.as_bytes(),
        b"\n\n",
    ]);
    assert!(out.starts_with(&prefix), "{}", r.describe());
    let rest = text(&out[prefix.len()..]);
    assert!(
        is_meta_block(rest.strip_suffix("\n\n").unwrap_or("")),
        "{rest:?}"
    );
}

#[test]
fn vv_with_a_bodyless_get() {
    let head = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n";
    let srv = Server::start(vec![Reply::raw(format!("{head}hi"))]);
    let r = http().args(["-vv", &srv.url("/")]).run();
    r.success();
    let req = srv.only_request();
    let prefix = cat(&[req.head.as_bytes(), b"\n\n", head.as_bytes(), b"hi\n\n"]);
    assert!(r.stdout().starts_with(&prefix), "{}", r.describe());
    let rest = text(&r.stdout()[prefix.len()..]);
    assert!(
        is_meta_block(rest.strip_suffix("\n\n").unwrap_or("")),
        "{rest:?}"
    );
}

#[test]
fn separators_follow_only_body_sections_when_redirected() {
    let head = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n";
    // Request head, then the response body: no body section before, no separator.
    let srv = Server::start(vec![Reply::raw(format!("{head}hi"))]);
    let r = http().args(["-p", "Hb", &srv.url("/")]).run();
    r.success();
    r.stdout_is(cat(&[srv.only_request().head.as_bytes(), b"hi"]));
    // Request body, then the response head: separated.
    let srv = Server::start(vec![Reply::raw(format!("{head}hi"))]);
    let r = http().args(["-p", "Bh", &srv.url("/"), "a=b"]).run();
    r.success().stdout_is(format!("{{\"a\": \"b\"}}\n\n{head}"));
    // Request head then meta: no separator.
    let srv = Server::start(vec![Reply::raw(format!("{head}hi"))]);
    let r = http().args(["-p", "Hm", &srv.url("/")]).run();
    r.success();
    let out = r.stdout();
    let req_head = srv.only_request().head;
    assert!(out.starts_with(req_head.as_bytes()), "{}", r.describe());
    let rest = text(&out[req_head.len()..]);
    assert!(
        is_meta_block(rest.strip_suffix("\n\n").unwrap_or("")),
        "{rest:?}"
    );
}

#[test]
fn separators_on_a_terminal() {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 24\r\n\r\n";
    let srv = Server::start(vec![Reply::raw(format!("{head}{SMALL_JSON}"))]);
    let r = tty()
        .args(["--pretty=format", "-v", &srv.url("/"), "a=b"])
        .run();
    r.success();
    let out = r.stdout_str();
    assert!(out.starts_with("POST / HTTP/1.1\r\n"), "{out:?}");
    assert!(
        out.contains("\r\n\r\n{\n    \"a\": \"b\"\n}\n\nHTTP/1.1 200 OK\r\n"),
        "{out:?}"
    );
    assert!(
        out.ends_with(&format!("\r\n\r\n{SMALL_JSON_PRETTY}\n\n")),
        "{out:?}"
    );
    // Heads only: no blank line pairs at all.
    let srv = Server::start(vec![Reply::raw(format!("{head}{SMALL_JSON}"))]);
    let r = tty()
        .args(["--pretty=format", "-p", "Hh", &srv.url("/")])
        .run();
    r.success();
    let out = r.stdout_str();
    assert!(!out.contains("\n\n\n"), "{out:?}");
    assert!(
        out.ends_with("Content-Type: application/json\r\n\r\n"),
        "{out:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// 5. Streaming
// ---------------------------------------------------------------------------------------------

/// A run of the binary whose stdout was read as it arrived.
struct Timed {
    /// (time since spawn, bytes) in arrival order.
    chunks: Vec<(Duration, Vec<u8>)>,
    code: Option<i32>,
    stderr: String,
    /// When stdout reached EOF.
    eof: Duration,
}

impl Timed {
    fn all(&self) -> Vec<u8> {
        self.chunks.iter().flat_map(|(_, c)| c.clone()).collect()
    }

    /// When the output first contained `needle` (or at least `min_len` bytes).
    fn when(&self, pred: impl Fn(&[u8]) -> bool) -> Option<Duration> {
        let mut acc = Vec::new();
        for (t, c) in &self.chunks {
            acc.extend_from_slice(c);
            if pred(&acc) {
                return Some(*t);
            }
        }
        None
    }

    fn describe(&self) -> String {
        format!(
            "exit {:?}, eof at {:?}, {} chunks at {:?}\nstdout: {:?}\nstderr: {}",
            self.code,
            self.eof,
            self.chunks.len(),
            self.chunks.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
            text(&self.all()).chars().take(2000).collect::<String>(),
            self.stderr
        )
    }
}

/// Runs `http ARGS` (stdin null, hermetic environment) and reads stdout incrementally.
fn run_timed(args: &[String], env: &[(&str, &str)]) -> Timed {
    let home = tempfile::TempDir::new().unwrap();
    let config = home.path().join("courier-config");
    std::fs::create_dir_all(&config).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_http"));
    cmd.env_clear()
        .env("HOME", home.path())
        .env("COURIER_CONFIG_DIR", &config)
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .current_dir(home.path())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(p) = std::env::var_os("PATH") {
        cmd.env("PATH", p);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn http");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel::<(Duration, Vec<u8>)>();
    let reader = thread::spawn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match stdout.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.send((start.elapsed(), buf[..n].to_vec())).is_err() {
                        break;
                    }
                }
            }
        }
        start.elapsed()
    });
    let err_reader = thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let deadline = start + Duration::from_secs(20);
    let mut chunks = Vec::new();
    loop {
        let now = Instant::now();
        if now >= deadline {
            let _ = child.kill();
            break;
        }
        match rx.recv_timeout(deadline - now) {
            Ok(c) => chunks.push(c),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                break;
            }
        }
    }
    let status = child.wait().expect("wait http");
    let eof = reader.join().unwrap();
    chunks.extend(rx.try_iter());
    Timed {
        chunks,
        code: status.code(),
        stderr: text(&err_reader.join().unwrap()),
        eof,
    }
}

const PAUSE: Duration = Duration::from_millis(1500);
/// The output that came before the pause must have been printed at least this long before EOF.
const EARLY: Duration = Duration::from_millis(1000);

/// A chunked response: `first` at once, a pause, then `rest`.
fn paused_chunked(ct: &str, first: &[u8], rest: &[u8]) -> Reply {
    let chunk = |data: &[u8]| cat(&[format!("{:x}\r\n", data.len()).as_bytes(), data, b"\r\n"]);
    Reply::steps(vec![
        Step::Send(cat(&[
            format!("HTTP/1.1 200 OK\r\nContent-Type: {ct}\r\nTransfer-Encoding: chunked\r\n\r\n")
                .as_bytes(),
            &chunk(first),
        ])),
        Step::Sleep(PAUSE),
        Step::Send(cat(&[&chunk(rest), b"0\r\n\r\n"])),
    ])
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Asserts that `needle` was printed well before the end of the output.
fn assert_early(t: &Timed, needle: &[u8]) {
    assert_eq!(t.code, Some(0), "{}", t.describe());
    let seen = t
        .when(|acc| contains(&strip_sgr(acc), needle))
        .unwrap_or_else(|| panic!("{:?} never printed\n{}", text(needle), t.describe()));
    assert!(
        t.eof >= seen + EARLY,
        "{:?} printed at {seen:?}, only just before the end at {:?}: not streamed\n{}",
        text(needle),
        t.eof,
        t.describe()
    );
}

const NDJSON_1: &[u8] = b"{\"b\":1,\"a\":2}\n";
const NDJSON_2: &[u8] = b"{\"d\":3,\"c\":4}\n";

#[test]
fn stream_prints_each_line_as_it_arrives_when_redirected() {
    let srv = Server::start(vec![paused_chunked(
        "application/x-ndjson",
        NDJSON_1,
        NDJSON_2,
    )]);
    let t = run_timed(&["--stream".into(), srv.url("/")], &[]);
    assert_early(&t, NDJSON_1);
    assert_eq!(t.all(), cat(&[NDJSON_1, NDJSON_2]), "{}", t.describe());
}

#[test]
fn stream_formats_each_json_line_on_a_terminal() {
    let srv = Server::start(vec![paused_chunked("application/json", NDJSON_1, NDJSON_2)]);
    let t = run_timed(
        &["-S".into(), "-b".into(), srv.url("/")],
        &[("COURIER_ASSUME_TTY", "stdout")],
    );
    assert_early(&t, b"{\n    \"a\": 2,\n    \"b\": 1\n}");
    let plain = text(&strip_sgr(&t.all()));
    assert!(
        plain.starts_with("{\n    \"a\": 2,\n    \"b\": 1\n}\n{\n    \"c\": 4,\n    \"d\": 3\n}\n"),
        "{plain:?}"
    );
}

#[test]
fn stream_with_pretty_format_redirected() {
    let srv = Server::start(vec![paused_chunked(
        "application/x-ndjson",
        NDJSON_1,
        NDJSON_2,
    )]);
    let t = run_timed(
        &["--stream".into(), "--pretty=format".into(), srv.url("/")],
        &[],
    );
    assert_early(&t, b"{\n    \"a\": 2,\n    \"b\": 1\n}");
    assert_eq!(
        text(&t.all()),
        "{\n    \"a\": 2,\n    \"b\": 1\n}\n{\n    \"c\": 4,\n    \"d\": 3\n}\n",
        "{}",
        t.describe()
    );
}

#[test]
fn event_stream_streams_without_the_flag() {
    let srv = Server::start(vec![paused_chunked(
        "text/event-stream",
        b"data: first\n\n",
        b"data: second\n\n",
    )]);
    let t = run_timed(
        &["-b".into(), srv.url("/")],
        &[("COURIER_ASSUME_TTY", "stdout")],
    );
    assert_early(&t, b"data: first\n");
    let plain = text(&strip_sgr(&t.all()));
    assert!(plain.contains("data: second\n"), "{plain:?}");
}

#[test]
fn event_stream_json_data_is_formatted() {
    let r = formatted(
        typed(
            "text/event-stream",
            "data: {\"b\":1,\"a\":2}\n\ndata: x\n\n",
        ),
        &[],
    );
    r.success()
        .stdout_is("data: {\n    \"a\": 2,\n    \"b\": 1\n}\n\ndata: x\n\n");
}

/// A JSON array of `n` small integers, and its formatted form.
fn big_array(n: usize) -> (Vec<u8>, String) {
    let items: Vec<String> = (0..n).map(|i| (i % 1000).to_string()).collect();
    let raw = format!("[{}]", items.join(","));
    let pretty = format!("[\n    {}\n]", items.join(",\n    "));
    (raw.into_bytes(), pretty)
}

#[test]
fn large_json_starts_printing_before_the_body_ends() {
    let (raw, pretty) = big_array(700_000); // ~2.6 MB raw
    let split = 2 * 1024 * 1024;
    let cut = split + raw[split..].iter().position(|&b| b == b',').unwrap() + 1;
    let reply = Reply::steps(vec![
        Step::Send(cat(&[
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                raw.len()
            )
            .as_bytes(),
            &raw[..cut],
        ])),
        Step::Sleep(PAUSE),
        Step::Send(raw[cut..].to_vec()),
    ]);
    let srv = Server::start(vec![reply]);
    let t = run_timed(&["--pretty=format".into(), srv.url("/")], &[]);
    assert_eq!(t.code, Some(0), "{}", t.describe());
    let mib = t
        .when(|acc| acc.len() >= 1024 * 1024)
        .unwrap_or_else(|| panic!("{}", t.describe()));
    assert!(
        t.eof >= mib + EARLY,
        "1 MiB of output only at {mib:?}, end at {:?}: the body was buffered whole",
        t.eof
    );
    let all = t.all();
    assert!(all == pretty.as_bytes(), "formatted output differs");
}

#[test]
fn raw_body_is_passed_through_as_it_arrives() {
    let srv = Server::start(vec![paused_chunked(
        "text/plain",
        b"first part\n",
        b"second\n",
    )]);
    let t = run_timed(&[srv.url("/")], &[]);
    assert_early(&t, b"first part\n");
    assert_eq!(t.all(), b"first part\nsecond\n");
}

// ---------------------------------------------------------------------------------------------
// 7. Charsets and --response-mime
// ---------------------------------------------------------------------------------------------

#[test]
fn latin1_body_is_decoded_on_a_terminal() {
    for ct in [
        "text/plain; charset=iso-8859-1",
        "text/plain; charset=latin1",
        "text/plain; charset=\"ISO-8859-1\"",
        "text/plain;charset=windows-1252",
    ] {
        let r = run(tty(), typed(ct, b"caf\xe9"), &["-b", "{url}"]);
        r.success().stdout_is("café\n\n");
    }
}

#[test]
fn other_charsets_are_decoded_on_a_terminal() {
    for (ct, body, shown) in [
        ("text/plain; charset=windows-1252", &b"\x80 5"[..], "€ 5"),
        (
            "text/plain; charset=koi8-r",
            b"\xf0\xd2\xc9\xd7\xc5\xd4",
            "Привет",
        ),
        ("text/plain; charset=shift_jis", b"\x93\xfa\x96\x7b", "日本"),
        ("text/plain; charset=utf-8", "naïve ☃".as_bytes(), "naïve ☃"),
    ] {
        let r = run(tty(), typed(ct, body), &["-b", "{url}"]);
        r.success().stdout_is(format!("{shown}\n\n"));
    }
}

#[test]
fn json_in_latin1_is_decoded_and_formatted_on_a_terminal() {
    let r = run(
        tty(),
        typed(
            "application/json; charset=iso-8859-1",
            b"{\"a\":\"caf\xe9\"}",
        ),
        &["--pretty=format", "-b", "{url}"],
    );
    r.success().stdout_is("{\n    \"a\": \"café\"\n}\n\n");
}

#[test]
fn response_charset_overrides_the_content_type() {
    for ct in ["text/plain", "text/plain; charset=utf-8"] {
        let r = run(
            tty(),
            typed(ct, b"caf\xe9"),
            &["--response-charset=latin1", "-b", "{url}"],
        );
        r.success().stdout_is("café\n\n");
    }
    let r = run(
        tty(),
        typed("text/plain; charset=iso-8859-1", "café".as_bytes()),
        &["--response-charset", "utf-8", "-b", "{url}"],
    );
    r.success().stdout_is("café\n\n");
}

#[test]
fn response_charset_bad_label_is_an_error() {
    let srv = Server::start(vec![typed("text/plain", "x")]);
    let r = http()
        .args(["--response-charset=foobar", &srv.url("/")])
        .run();
    let line = r.error_line();
    assert!(
        line.contains("'foobar' is not a supported encoding"),
        "{line}"
    );
    assert_eq!(srv.connections(), 0);
}

#[test]
fn undecodable_bytes_become_replacement_characters_on_a_terminal() {
    let r = run(
        tty(),
        typed("text/plain; charset=utf-8", b"ab\xffcd\xc3"),
        &["-b", "{url}"],
    );
    r.success().stdout_is("ab\u{fffd}cd\u{fffd}\n\n");
    // Default charset (none given) is UTF-8 as well.
    let r = run(tty(), typed("text/plain", b"x\xfe\xffy"), &["-b", "{url}"]);
    r.success();
    assert!(
        std::str::from_utf8(r.stdout()).is_ok(),
        "invalid UTF-8 written to a terminal:\n{}",
        r.describe()
    );
}

#[test]
fn multibyte_characters_split_across_reads_are_kept() {
    // "é" arrives in two TCP writes with a pause between them.
    let reply = Reply::steps(vec![
        Step::Send(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 6\r\n\r\ncaf\xc3".to_vec()),
        Step::Sleep(Duration::from_millis(300)),
        Step::Send(b"\xa9!".to_vec()),
    ]);
    let r = run(tty(), reply, &["-b", "{url}"]);
    r.success().stdout_is("café!\n\n");
}

#[test]
fn redirected_text_is_never_re_encoded() {
    for ct in [
        "text/plain; charset=iso-8859-1",
        "text/plain; charset=utf-8",
        "text/plain",
    ] {
        let body = b"caf\xe9 \xff\xfe end";
        let r = run(http(), typed(ct, body), &["{url}"]);
        r.success().stdout_is(body);
        let r = run(
            http(),
            typed(ct, body),
            &["--response-charset=utf-8", "{url}"],
        );
        r.success().stdout_is(body);
    }
}

#[test]
fn redirected_pretty_text_keeps_the_message_encoding() {
    // HTTPie 3.2.4 `--pretty=format` to a pipe writes latin-1 text back in latin-1.
    let r = formatted(typed("text/plain; charset=iso-8859-1", b"caf\xe9"), &[]);
    r.success().stdout_is(b"caf\xe9");
}

#[test]
fn redirected_pretty_text_with_response_charset_is_utf8() {
    // Named on the command line, the charset is decoded to UTF-8 (HTTPie and xh).
    let r = formatted(
        typed("text/plain", b"caf\xe9"),
        &["--response-charset=latin1"],
    );
    r.success().stdout_is("café");
    let r = formatted(
        typed(
            "application/json; charset=iso-8859-1",
            b"{\"a\":\"caf\xe9\"}",
        ),
        &["--response-charset=iso-8859-1"],
    );
    r.success().stdout_is("{\n    \"a\": \"café\"\n}");
}

#[test]
fn redirected_pretty_json_keeps_the_message_encoding() {
    let r = formatted(
        typed(
            "application/json; charset=iso-8859-1",
            b"{\"a\":\"caf\xe9\"}",
        ),
        &[],
    );
    r.success().stdout_is(b"{\n    \"a\": \"caf\xe9\"\n}");
}

#[test]
fn redirected_pretty_json_replaces_what_the_charset_cannot_encode() {
    // `\u2603` (a snowman) has no latin-1 byte: HTTPie 3.2.4 writes `?`, never an HTML
    // character reference, which would change the JSON string's value.
    let r = formatted(
        typed(
            "application/json; charset=iso-8859-1",
            b"{\"a\":\"\\u2603 caf\xe9\"}",
        ),
        &[],
    );
    r.success().stdout_is(b"{\n    \"a\": \"? caf\xe9\"\n}");
}

#[test]
fn response_mime_overrides_the_type_used_for_formatting() {
    // A JSON body served with a non-JSON type is formatted as JSON.
    let r = formatted(
        typed("application/x-custom", CORPUS),
        &["--response-mime=application/json"],
    );
    r.success().stdout_is(CORPUS_SORTED_4);
    // A JSON type overridden by a non-text type is left alone.
    let r = formatted(
        typed("application/json", CORPUS),
        &["--response-mime", "application/octet-stream"],
    );
    r.success().stdout_is(CORPUS);
    // XML served as text/plain, formatted as XML.
    let r = formatted(
        typed("text/plain", "<root><b>text</b><c/></root>"),
        &["--response-mime=application/xml"],
    );
    r.success()
        .stdout_is("<root>\n  <b>text</b>\n  <c/>\n</root>");
}

#[test]
fn response_mime_does_not_change_redirected_raw_output() {
    let r = run(
        http(),
        typed("text/plain", CORPUS),
        &["--response-mime=application/json", "{url}"],
    );
    r.success().stdout_is(CORPUS);
}

#[test]
fn response_mime_bad_value_is_an_error() {
    for bad in ["foobar", "a/b/c", ""] {
        let srv = Server::start(vec![json_reply()]);
        let r = http()
            .arg(format!("--response-mime={bad}"))
            .arg(srv.url("/"))
            .run();
        let line = r.error_line();
        if !bad.is_empty() {
            assert!(line.contains(bad), "{line}");
        }
        assert_eq!(srv.connections(), 0, "{bad:?}: request sent anyway");
    }
}

// ---------------------------------------------------------------------------------------------
// 8. Content-Encoding
// ---------------------------------------------------------------------------------------------

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn raw_deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A valid brotli stream made of uncompressed meta-blocks (RFC 7932 §9.2): there is no brotli
/// encoder among the dependencies, and a stored stream exercises the decoder just as well.
fn brotli_stored(data: &[u8]) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u32,
        n: u32,
    }
    impl Bits {
        fn put(&mut self, value: u32, bits: u32) {
            for i in 0..bits {
                self.acc |= ((value >> i) & 1) << self.n;
                self.n += 1;
                if self.n == 8 {
                    self.out.push(self.acc as u8);
                    self.acc = 0;
                    self.n = 0;
                }
            }
        }
        fn align(&mut self) {
            if self.n > 0 {
                self.out.push(self.acc as u8);
                self.acc = 0;
                self.n = 0;
            }
        }
    }
    let mut w = Bits {
        out: Vec::new(),
        acc: 0,
        n: 0,
    };
    w.put(0, 1); // WBITS = 16
    for block in data.chunks(16 * 1024) {
        w.put(0, 1); // ISLAST = 0
        w.put(0, 2); // MNIBBLES = 4
        w.put(block.len() as u32 - 1, 16); // MLEN - 1
        w.put(1, 1); // ISUNCOMPRESSED
        w.align();
        w.out.extend_from_slice(block);
    }
    w.put(1, 1); // ISLAST
    w.put(1, 1); // ISLASTEMPTY
    w.align();
    w.out
}

/// Binary content with every byte value, NULs included.
fn payload() -> Vec<u8> {
    (0..200_000u32)
        .map(|i| ((i * 31) ^ (i >> 7)) as u8)
        .collect()
}

fn encoded(coding: &str, ct: &str, body: &[u8]) -> Reply {
    Reply::http(
        &format!("HTTP/1.1 200 OK\r\nContent-Type: {ct}\r\nContent-Encoding: {coding}"),
        body,
    )
}

#[test]
fn brotli_helper_is_sound() {
    // The empty stream is the well-known single byte 0x06.
    assert_eq!(brotli_stored(b""), [0x06]);
    let data = payload();
    let mut out = Vec::new();
    brotli_decompressor::Decompressor::new(&brotli_stored(&data)[..], 4096)
        .read_to_end(&mut out)
        .unwrap();
    assert!(out == data);
}

#[test]
fn encoded_bodies_are_decoded_byte_exact_when_redirected() {
    let data = payload();
    for (coding, body) in [
        ("gzip", gzip(&data)),
        ("x-gzip", gzip(&data)),
        ("deflate", zlib(&data)),
        ("deflate", raw_deflate(&data)),
        ("br", brotli_stored(&data)),
        ("GZIP", gzip(&data)),
    ] {
        let r = run(
            http(),
            encoded(coding, "application/octet-stream", &body),
            &["{url}"],
        );
        r.success();
        assert!(
            r.stdout() == data,
            "{coding}: decoded body differs (len {})",
            r.stdout().len()
        );
    }
}

#[test]
fn encoded_json_is_decoded_and_formatted() {
    for (coding, body) in [
        ("gzip", gzip(CORPUS.as_bytes())),
        ("deflate", zlib(CORPUS.as_bytes())),
        ("br", brotli_stored(CORPUS.as_bytes())),
    ] {
        let r = run(
            tty(),
            encoded(coding, "application/json", &body),
            &["--pretty=format", "-b", "{url}"],
        );
        r.success().stdout_is(format!("{CORPUS_SORTED_4}\n\n"));
        let r = run(
            http(),
            encoded(coding, "application/json", &body),
            &["{url}"],
        );
        r.success().stdout_is(CORPUS);
    }
}

#[test]
fn chunked_and_gzip_together() {
    let data = payload();
    let gz = gzip(&data);
    let mut wire =
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for c in gz.chunks(1000) {
        wire.extend_from_slice(format!("{:x}\r\n", c.len()).as_bytes());
        wire.extend_from_slice(c);
        wire.extend_from_slice(b"\r\n");
    }
    wire.extend_from_slice(b"0\r\n\r\n");
    let r = run(http(), Reply::raw(wire), &["{url}"]);
    r.success();
    assert!(r.stdout() == data, "decoded body differs");
}

#[test]
fn stacked_encodings_are_all_undone() {
    let data = payload();
    // Listed in the order applied: gzip first, then br.
    let r = run(
        http(),
        encoded(
            "gzip, br",
            "application/octet-stream",
            &brotli_stored(&gzip(&data)),
        ),
        &["{url}"],
    );
    r.success();
    assert!(r.stdout() == data, "gzip, br: decoded body differs");
    // Two header lines count as one list.
    let body = gzip(&zlib(&data));
    let r = run(
        http(),
        Reply::http(
            "HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Encoding: gzip",
            &body,
        ),
        &["{url}"],
    );
    r.success();
    assert!(r.stdout() == data, "deflate + gzip: decoded body differs");
    // identity entries are no-ops.
    let r = run(
        http(),
        encoded("identity, gzip", "text/plain", &gzip(b"plain")),
        &["{url}"],
    );
    r.success().stdout_is("plain");
}

#[test]
fn five_stacked_encodings_are_fine_six_are_refused() {
    let mut body = b"deep".to_vec();
    for _ in 0..5 {
        body = gzip(&body);
    }
    let r = run(
        http(),
        encoded("gzip,gzip,gzip,gzip,gzip", "text/plain", &body),
        &["{url}"],
    );
    r.success().stdout_is("deep");
    let six = gzip(&body);
    let r = run(
        http(),
        encoded("gzip, gzip, gzip, gzip, gzip, gzip", "text/plain", &six),
        &["{url}"],
    );
    r.error_line();
    assert!(r.stdout().is_empty(), "{}", r.describe());
}

#[test]
fn corrupt_compressed_data_is_an_error_naming_the_coding() {
    let data = payload();
    let mut flipped = gzip(&data);
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0xff;
    let full = gzip(&data);
    let truncated = full[..full.len() / 2].to_vec();
    for (coding, body) in [
        ("gzip", b"this is not gzip at all".to_vec()),
        ("gzip", flipped),
        ("gzip", truncated),
        ("deflate", b"\xff\xff\xff not deflate".to_vec()),
        ("br", b"\xff\xff\xff\xff not brotli".to_vec()),
    ] {
        let r = run(http(), encoded(coding, "text/plain", &body), &["{url}"]);
        let line = r.error_line();
        assert!(
            line.starts_with("http: error: ") && line.ends_with(&format!("({coding})")),
            "{coding}: {line}"
        );
    }
}

#[test]
fn empty_body_with_a_content_encoding_is_fine() {
    for coding in ["gzip", "deflate", "br", "gzip, br"] {
        let head =
            format!("HTTP/1.1 200 OK\r\nContent-Encoding: {coding}\r\nContent-Length: 0\r\n\r\n");
        let r = run(http(), Reply::raw(&head), &["{url}"]);
        r.success().stdout_is("").stderr_empty();
        let r = run(http(), Reply::raw(&head), &["-p", "hb", "{url}"]);
        r.success().stdout_is(&head);
        let r = run(tty(), Reply::raw(&head), &["{url}"]);
        r.success();
        // The (empty) body section is followed by its blank line pair, as in HTTPie.
        assert!(
            strip_sgr(r.stdout()).ends_with(b"Content-Length: 0\r\n\r\n\n\n"),
            "{}",
            r.describe()
        );
    }
    // 204 and HEAD responses with a Content-Encoding.
    let head = "HTTP/1.1 204 No Content\r\nContent-Encoding: gzip\r\n\r\n";
    let r = run(http(), Reply::raw(head), &["-p", "hb", "{url}"]);
    r.success().stdout_is(head);
}

#[test]
fn unknown_content_encoding_is_passed_through() {
    let r = run(
        http(),
        encoded("compress", "application/octet-stream", b"\x1f\x9d raw"),
        &["{url}"],
    );
    r.success().stdout_is(b"\x1f\x9d raw");
}

const BOMB_SIZE: usize = 50 * 1000 * 1000;

fn gzip_bomb() -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    let mut left = BOMB_SIZE;
    while left > 0 {
        let n = left.min(zeros.len());
        e.write_all(&zeros[..n]).unwrap();
        left -= n;
    }
    e.finish().unwrap()
}

#[test]
fn gzip_bomb_redirected_completes_with_the_right_length() {
    let bomb = gzip_bomb();
    assert!(bomb.len() < 100_000, "bomb is {} bytes", bomb.len());
    let r = run(
        http(),
        encoded("gzip", "application/octet-stream", &bomb),
        &["{url}"],
    );
    r.success();
    assert_eq!(r.stdout().len(), BOMB_SIZE);
    assert!(r.stdout().iter().all(|&b| b == 0));
}
