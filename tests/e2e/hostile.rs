//! Hostile servers and local limits (issue list of the hostile review): bounded memory in line
//! mode, a deadline for a head that trickles in, a cap on interim (1xx) responses, `100
//! Continue` with header fields (RFC 9110 §15.2), `-o FILE` left alone until a response is
//! there, and local write failures (a file-size limit, a full disk) reported in one line.

use std::time::Duration;

use crate::support::server::{Reply, Server, Step};
use crate::support::{bin_path, closed_port, http, Cmd, Fixtures};

/// A line four times longer than the line cap (1 MiB).
const LONG: usize = 4 * 1024 * 1024;

#[test]
fn stream_writes_a_long_line_in_pieces_before_it_ends() {
    // The server sends most of a line, then goes silent: what came must be on stdout already.
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
        LONG + 100
    );
    let srv = Server::start(vec![Reply::steps(vec![
        Step::Send(head.into_bytes()),
        Step::Send(vec![b'a'; LONG]),
        Step::Hang,
    ])]);
    let run = http()
        .env("COURIER_ASSUME_TTY", "stdout")
        .args(["--stream", "--timeout=1", "-b", &srv.url("/")])
        .timeout(Duration::from_secs(20))
        .run();
    run.code_is(2);
    let shown = run.stdout().iter().filter(|&&b| b == b'a').count();
    assert!(
        shown >= LONG - 1024 * 1024,
        "only {shown} of {LONG} bytes were written before the server went silent"
    );
}

#[test]
fn stream_keeps_formatting_lines_that_fit_around_a_long_one() {
    let mut body = b"{\"a\":1}\n".to_vec();
    body.extend(std::iter::repeat_n(b'x', LONG));
    body.extend_from_slice(b"\r\n{\"b\":2}\n");
    let srv = Server::start(vec![Reply::http(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json",
        &body,
    )]);
    let run = http()
        .env("COURIER_ASSUME_TTY", "stdout")
        .args(["--stream", "--pretty=format", "-b", &srv.url("/")])
        .timeout(Duration::from_secs(20))
        .run();
    run.success();
    let out = run.stdout();
    let xs = out.iter().filter(|&&b| b == b'x').count();
    assert_eq!(xs, LONG, "the long line must be shown whole");
    let text = String::from_utf8_lossy(out);
    assert!(
        text.starts_with("{\n    \"a\": 1\n}\n"),
        "{:?}",
        &text[..40]
    );
    let end = text.trim_end_matches('\n');
    assert!(
        end.ends_with("x\n{\n    \"b\": 2\n}"),
        "{:?}",
        &end[end.len() - 40..]
    );
    assert!(
        !text.contains('\r'),
        "the CR of the long line's CRLF is shown"
    );
}

#[test]
fn a_head_dripped_byte_by_byte_ends_at_the_head_deadline() {
    let srv = Server::start(vec![Reply::steps(vec![Step::Drip(
        b"HTTP/1.1 200 OK\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n".to_vec(),
        Duration::from_millis(200),
    )])]);
    let run = http()
        .args(["--connect-timeout=1", "--timeout=5", &srv.url("/")])
        .timeout(Duration::from_secs(15))
        .run();
    run.code_is(2);
    let line = run.single_error_line();
    assert!(
        line.contains("not complete 1s after its first byte (--connect-timeout=1)"),
        "{line}"
    );
    assert!(run.elapsed < Duration::from_secs(4), "{:?}", run.elapsed);
}

#[test]
fn an_endless_run_of_100_continue_is_capped() {
    let srv = Server::start(vec![Reply::steps(vec![
        Step::Send(b"HTTP/1.1 100 Continue\r\n\r\n".repeat(50)),
        Step::Hang,
    ])]);
    let run = http()
        .args(["--timeout=5", &srv.url("/")])
        .timeout(Duration::from_secs(15))
        .run();
    run.code_is(1);
    let line = run.single_error_line();
    assert!(
        line.contains("more than 10 interim (1xx) responses"),
        "{line}"
    );
    assert!(run.elapsed < Duration::from_secs(4), "{:?}", run.elapsed);
}

#[test]
fn ten_interim_responses_are_still_fine() {
    let mut bytes = b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n".repeat(10);
    bytes.extend_from_slice(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
    let srv = Server::start(vec![Reply::raw(bytes)]);
    http().arg(srv.url("/")).run().success().stdout_is("hi");
}

#[test]
fn a_100_continue_with_header_fields_is_accepted() {
    // RFC 9110 §15.2: a 1xx response may carry header fields.
    let srv = Server::start(vec![Reply::raw(
        b"HTTP/1.1 100 Continue\r\nX-Hint: yes\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
    )]);
    let run = http().args(["-h", &srv.url("/")]).run();
    run.success();
    let out = run.stdout_str();
    assert!(out.starts_with("HTTP/1.1 200 OK"), "{out}");
    assert!(!out.contains("X-Hint"), "{out}");
}

#[test]
fn output_file_is_left_alone_when_no_response_comes() {
    let fx = Fixtures::new();
    let file = fx.write("out.txt", "precious");
    let url = format!("http://127.0.0.1:{}/", closed_port());
    let run = http().args(["-o", file.to_str().unwrap(), &url]).run();
    run.code_is(1);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious");
}

#[test]
fn output_file_is_written_and_truncated_once_a_response_comes() {
    let fx = Fixtures::new();
    let file = fx.write("out.txt", "precious and long");
    let srv = Server::start(vec![Reply::ok("new"), Reply::ok("")]);
    http()
        .args(["-o", file.to_str().unwrap(), &srv.url("/")])
        .run()
        .success();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
    // An empty body still leaves the file as the response made it: empty.
    http()
        .args(["-o", file.to_str().unwrap(), &srv.url("/")])
        .run()
        .success();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "");
}

#[cfg(unix)]
#[test]
fn a_file_size_limit_is_a_write_error_not_a_silent_kill() {
    let fx = Fixtures::new();
    let file = fx.path().join("big.bin");
    let srv = Server::start(vec![Reply::ok(vec![b'z'; 256 * 1024])]);
    // `ulimit -f 8`: at most 4 KiB (dash) or 8 KiB (bash); the body is larger.
    let run = Cmd::program("http", "sh")
        .args(["-c", "ulimit -f 8 && exec \"$0\" \"$@\""])
        .arg(bin_path("http"))
        .args(["-o", file.to_str().unwrap(), &srv.url("/")])
        .run();
    assert_eq!(run.code(), Some(1), "{}", run.describe());
    let line = run.single_error_line();
    assert!(line.contains("File too large"), "{line}");
    assert!(!line.contains("Error talking"), "{line}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_stdout_names_the_local_write() {
    let srv = Server::start(vec![Reply::ok(vec![b'z'; 64 * 1024])]);
    let run = Cmd::program("http", "sh")
        .args(["-c", "exec \"$0\" \"$@\" >/dev/full"])
        .arg(bin_path("http"))
        .arg(srv.url("/"))
        .run();
    assert_eq!(run.code(), Some(1), "{}", run.describe());
    let line = run.single_error_line();
    assert!(line.contains("cannot write the output"), "{line}");
    assert!(!line.contains("Error talking"), "{line}");
}

#[test]
fn endless_chunked_trailers_are_capped() {
    // RFC 9112 §7.1.2: trailer fields follow the last chunk; a flood of them must end.
    let mut bytes =
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n".to_vec();
    bytes.extend(b"X-Trailer: yes\r\n".repeat(16 * 1024));
    let srv = Server::start(vec![Reply::steps(vec![Step::Send(bytes), Step::Hang])]);
    let run = http()
        .args(["--timeout=5", &srv.url("/")])
        .timeout(Duration::from_secs(15))
        .run();
    run.code_is(1);
    let line = run.single_error_line();
    assert!(line.contains("trailer section"), "{line}");
    assert!(run.elapsed < Duration::from_secs(4), "{:?}", run.elapsed);
}

#[test]
fn a_few_trailers_are_fine() {
    let srv = Server::start(vec![Reply::raw(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-T: 1\r\n\r\n",
    )]);
    http().arg(srv.url("/")).run().success().stdout_is("hi");
}

#[test]
fn max_time_bounds_a_dripped_head() {
    let srv = Server::start(vec![Reply::steps(vec![Step::Drip(
        b"HTTP/1.1 200 OK\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n".to_vec(),
        Duration::from_millis(200),
    )])]);
    let run = http()
        .args(["--max-time=1", &srv.url("/")])
        .timeout(Duration::from_secs(15))
        .run();
    run.code_is(2);
    let line = run.single_error_line();
    assert!(line.contains("--max-time=1"), "{line}");
}

#[test]
fn a_body_that_looks_like_a_100_continue_is_kept() {
    let body = "HTTP/1.1 100 Continue\r\nX-A: 1\r\n\r\nrest";
    let srv = Server::start(vec![Reply::steps(vec![
        Step::Send(
            format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes(),
        ),
        Step::Sleep(Duration::from_millis(200)),
        Step::Send(body.as_bytes().to_vec()),
    ])]);
    http().arg(srv.url("/")).run().success().stdout_is(body);
}
