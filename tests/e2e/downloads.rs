//! Downloads and uploads (README "Downloads"): `--download`, `--output`,
//! `--continue`, where the body and the headers go, progress without a terminal, safe and
//! unique file names, integrity checks, resume rules, and streamed uploads.
//!
//! The child's stdout is a pipe, so plain `-d` writes the body to stdout by design. Tests about
//! file naming set `COURIER_ASSUME_TTY=stdout` (see [`named`]) so that the body goes to a file
//! named by the program, in a fresh current directory that the test then lists.

use crate::support::server::{RecordedRequest, Reply, Server, Step};
use crate::support::{http, interrupt_http, Fixtures, Run};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tempfile::TempDir;

// ---- helpers -------------------------------------------------------------------------------

/// A current directory nested two levels inside a private root (`root/outer/cwd`), so a test can
/// prove that nothing was written outside `cwd` (not in `outer`, not in `root`).
struct Sandbox {
    root: TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let root = TempDir::new().unwrap();
        fs::create_dir_all(root.path().join("outer/cwd")).unwrap();
        Sandbox { root }
    }

    fn cwd(&self) -> PathBuf {
        self.root.path().join("outer/cwd")
    }

    fn outer(&self) -> PathBuf {
        self.root.path().join("outer")
    }

    /// Names in `cwd`, sorted (symlinks included, not followed).
    fn files(&self) -> Vec<String> {
        names_in(&self.cwd())
    }

    /// The only file in `cwd` (asserting there is exactly one) and its content.
    fn only_file(&self) -> (String, Vec<u8>) {
        let files = self.files();
        assert_eq!(files.len(), 1, "expected one file in cwd, got {files:?}");
        let content = fs::read(self.cwd().join(&files[0])).unwrap();
        (files[0].clone(), content)
    }

    fn read(&self, name: &str) -> Vec<u8> {
        fs::read(self.cwd().join(name)).unwrap_or_else(|e| panic!("read {name}: {e}"))
    }

    /// Asserts that the tree outside `cwd` is exactly what the test created (`extra`: paths
    /// relative to the root, besides `outer` and `outer/cwd`).
    fn nothing_outside(&self, extra: &[&str]) {
        let mut want: Vec<String> = ["outer", "outer/cwd"]
            .iter()
            .chain(extra)
            .map(|s| s.to_string())
            .collect();
        want.sort();
        let mut got = Vec::new();
        walk(self.root.path(), self.root.path(), &self.cwd(), &mut got);
        got.sort();
        assert_eq!(got, want, "files appeared outside the current directory");
    }
}

fn walk(root: &Path, dir: &Path, skip: &Path, out: &mut Vec<String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        out.push(rel);
        let meta = fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() && path != skip {
            walk(root, &path, skip, out);
        }
    }
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// `http ARGS` in `dir` with stdout counted as a terminal: `-d` without `-o` names a file.
fn named(dir: &Path, args: &[&str]) -> Run {
    http()
        .current_dir(dir)
        .env("COURIER_ASSUME_TTY", "stdout")
        .args(args)
        .run()
}

/// `http ARGS` in `dir` (stdout is a pipe).
fn piped(dir: &Path, args: &[&str]) -> Run {
    http().current_dir(dir).args(args).run()
}

/// A 200 with these extra header lines (`""` for none) and body.
fn ok_with(headers: &str, body: impl AsRef<[u8]>) -> Reply {
    let head = if headers.is_empty() {
        "HTTP/1.1 200 OK".to_string()
    } else {
        format!("HTTP/1.1 200 OK\r\n{headers}")
    };
    Reply::http(&head, body)
}

/// A 200 whose body is `body` under this Content-Disposition value.
fn disposition(value: &str, body: &str) -> Reply {
    ok_with(
        &format!("Content-Type: application/octet-stream\r\nContent-Disposition: {value}"),
        body,
    )
}

/// Deterministic non-text bytes (NULs, high bytes, CR/LF included).
fn binary(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x1234_5678;
    (0..len)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            if i % 97 == 0 {
                0
            } else {
                (x >> 8) as u8
            }
        })
        .collect()
}

/// The non-empty lines of stderr.
fn stderr_lines(run: &Run) -> Vec<String> {
    run.stderr_str()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// The line of stderr that starts with `http: error: ` (asserting there is exactly one).
fn error_line(run: &Run) -> String {
    let errs: Vec<String> = stderr_lines(run)
        .into_iter()
        .filter(|l| l.starts_with("http: error: "))
        .collect();
    assert_eq!(
        errs.len(),
        1,
        "expected one `http: error:` line:\n{}",
        run.describe()
    );
    errs[0].clone()
}

fn assert_stderr_has_line(run: &Run, line: &str) {
    assert!(
        stderr_lines(run).iter().any(|l| l == line),
        "stderr must contain the line {line:?}:\n{}",
        run.describe()
    );
}

fn assert_stdout_empty(run: &Run) {
    assert!(
        run.stdout().is_empty(),
        "stdout must be empty:\n{}",
        run.describe()
    );
}

// ---- 1. --download, --output, where things go ----------------------------------------------

#[test]
fn download_to_output_file_sends_identity_and_keeps_stdout_empty() {
    let body = binary(10_000);
    let srv = Server::start(vec![ok_with(
        "Content-Type: application/octet-stream",
        &body,
    )]);
    let sb = Sandbox::new();
    let url = srv.url("/blob.bin");
    let run = piped(&sb.cwd(), &["-d", "-o", "out.bin", &url]);
    run.success();
    assert_stdout_empty(&run);
    assert_eq!(sb.files(), ["out.bin"]);
    assert!(sb.read("out.bin") == body, "file differs from the body");
    let req = srv.only_request();
    assert_eq!(req.request_line(), "GET /blob.bin HTTP/1.1");
    assert_eq!(req.header("Accept-Encoding").as_deref(), Some("identity"));
    sb.nothing_outside(&[]);
}

#[test]
fn download_overrides_a_typed_accept_encoding() {
    let srv = Server::start(vec![Reply::ok("x")]);
    let sb = Sandbox::new();
    let url = srv.url("/x");
    piped(
        &sb.cwd(),
        &["-d", "-o", "x", &url, "Accept-Encoding:gzip, br"],
    )
    .success();
    let req = srv.only_request();
    assert_eq!(req.header("Accept-Encoding").as_deref(), Some("identity"));
}

#[test]
fn download_without_output_and_redirected_stdout_writes_the_body_to_stdout() {
    let body = binary(50_000);
    let srv = Server::start(vec![ok_with("Content-Type: application/x-tar", &body)]);
    let sb = Sandbox::new();
    let url = srv.url("/archive.tar");
    let run = piped(&sb.cwd(), &["-d", &url]);
    run.success();
    assert!(
        run.stdout() == body.as_slice(),
        "stdout must be the body, byte for byte ({} bytes vs {})",
        run.stdout().len(),
        body.len()
    );
    assert!(
        run.stderr_str().contains("Downloading to <stdout>"),
        "{}",
        run.describe()
    );
    assert!(sb.files().is_empty(), "no file expected: {:?}", sb.files());
}

#[test]
fn download_implies_follow_and_saves_the_final_body() {
    let srv = Server::start_fn(|_, req| match req.target() {
        "/start" => Reply::http("HTTP/1.1 302 Found\r\nLocation: /middle", "redirect body"),
        "/middle" => Reply::http(
            "HTTP/1.1 301 Moved Permanently\r\nLocation: /final",
            "moved",
        ),
        _ => ok_with("Content-Type: text/plain", "the final body\n"),
    });
    let sb = Sandbox::new();
    let url = srv.url("/start");
    let run = piped(&sb.cwd(), &["-d", "-o", "out.txt", &url]);
    run.success();
    assert_eq!(sb.read("out.txt"), b"the final body\n");
    let targets: Vec<String> = srv
        .requests()
        .iter()
        .map(|r| r.target().to_string())
        .collect();
    assert_eq!(targets, ["/start", "/middle", "/final"]);
    for r in srv.requests() {
        assert_eq!(r.header("Accept-Encoding").as_deref(), Some("identity"));
    }
    assert_eq!(sb.files(), ["out.txt"]);
}

#[test]
fn download_follows_redirects_and_names_the_file_once_with_all_or_verbose() {
    // --all / -v print every exchange; the redirect's own body must not become a file (or a
    // second file), and the final file holds only the final body.
    for flag in ["--all", "-v"] {
        let srv = Server::start_fn(|_, req| match req.target() {
            "/file.txt" => Reply::http("HTTP/1.1 302 Found\r\nLocation: /real", "REDIRECT BODY"),
            _ => ok_with("Content-Type: text/plain", "final\n"),
        });
        let sb = Sandbox::new();
        let url = srv.url("/file.txt");
        let run = named(&sb.cwd(), &["-d", flag, &url]);
        run.success();
        assert_eq!(
            sb.files(),
            ["file.txt"],
            "{flag}: exactly one file expected:\n{}",
            run.describe()
        );
        assert_eq!(sb.read("file.txt"), b"final\n", "{flag}");
        assert!(
            run.stderr_str().contains("302 Found"),
            "{flag}: {}",
            run.describe()
        );
    }
}

#[test]
fn download_with_verbose_redirect_and_output_keeps_only_the_final_body() {
    let srv = Server::start_fn(|_, req| match req.target() {
        "/a" => Reply::http("HTTP/1.1 302 Found\r\nLocation: /b", "REDIRECT BODY"),
        _ => ok_with("Content-Type: text/plain", "final\n"),
    });
    let sb = Sandbox::new();
    let url = srv.url("/a");
    let run = piped(&sb.cwd(), &["-d", "-v", "-o", "out.txt", &url]);
    run.success();
    assert_stdout_empty(&run);
    assert_eq!(sb.files(), ["out.txt"]);
    assert_eq!(sb.read("out.txt"), b"final\n");
    let starts = stderr_lines(&run)
        .iter()
        .filter(|l| l.starts_with("Downloading to"))
        .count();
    assert_eq!(starts, 1, "one download expected:\n{}", run.describe());
}

#[test]
fn resume_through_a_redirect_with_all_or_verbose_keeps_the_held_bytes() {
    // The redirect hop's reply must not count as the reply to the resumed request (a 302
    // "restarting from zero" would truncate the file before the real 206 arrives).
    for flag in ["--follow", "--all", "-v"] {
        let srv = Server::start_fn(|_, req| match req.target() {
            "/file.bin" => Reply::http("HTTP/1.1 302 Found\r\nLocation: /real", "REDIRECT"),
            _ => partial_206("bytes 5-10/11", " world"),
        });
        let sb = Sandbox::new();
        fs::write(sb.cwd().join("out.bin"), "hello").unwrap();
        let url = srv.url("/file.bin");
        let run = piped(&sb.cwd(), &["-d", "-c", "-o", "out.bin", flag, &url]);
        run.success();
        for r in srv.requests() {
            assert_eq!(r.header("Range").as_deref(), Some("bytes=5-"), "{flag}");
        }
        assert_eq!(
            String::from_utf8_lossy(&sb.read("out.bin")),
            "hello world",
            "{flag}:\n{}",
            run.describe()
        );
    }
}

#[test]
fn error_status_exits_4_or_5_with_the_warning_and_leaves_no_file() {
    for (status, reason, code) in [
        (404u16, "Not Found", 4),
        (403, "Forbidden", 4),
        (500, "Internal Server Error", 5),
        (503, "Service Unavailable", 5),
    ] {
        // Named by the program (stdout "is" a terminal).
        let srv = Server::start(vec![Reply::http(
            &format!("HTTP/1.1 {status} {reason}\r\nContent-Type: text/html"),
            "<h1>error page</h1>",
        )]);
        let sb = Sandbox::new();
        let url = srv.url("/file.txt");
        let run = named(&sb.cwd(), &["-d", &url]);
        run.code_is(code);
        assert_stderr_has_line(&run, &format!("http: warning: HTTP {status} {reason}"));
        assert!(sb.files().is_empty(), "{status}: no file: {:?}", sb.files());
        assert!(
            !run.stdout_str().contains("error page"),
            "{}",
            run.describe()
        );

        // With -o: the file is not created.
        let srv = Server::start(vec![Reply::http(
            &format!("HTTP/1.1 {status} {reason}"),
            "<h1>error page</h1>",
        )]);
        let url = srv.url("/file.txt");
        let run = piped(&sb.cwd(), &["-d", "-o", "out.bin", &url]);
        run.code_is(code);
        assert_stderr_has_line(&run, &format!("http: warning: HTTP {status} {reason}"));
        assert!(
            sb.files().is_empty(),
            "{status} -o: no file: {:?}",
            sb.files()
        );
        assert_stdout_empty(&run);

        // To stdout: nothing written there.
        let srv = Server::start(vec![Reply::http(
            &format!("HTTP/1.1 {status} {reason}"),
            "<h1>error page</h1>",
        )]);
        let url = srv.url("/file.txt");
        let run = piped(&sb.cwd(), &["-d", &url]);
        run.code_is(code);
        assert_stderr_has_line(&run, &format!("http: warning: HTTP {status} {reason}"));
        assert_stdout_empty(&run);
        sb.nothing_outside(&[]);
    }
}

#[test]
fn error_status_after_a_redirect_leaves_no_file() {
    let srv = Server::start_fn(|_, req| match req.target() {
        "/file.txt" => Reply::http("HTTP/1.1 302 Found\r\nLocation: /gone", ""),
        _ => Reply::http("HTTP/1.1 404 Not Found", "nope"),
    });
    let sb = Sandbox::new();
    let url = srv.url("/file.txt");
    let run = named(&sb.cwd(), &["-d", &url]);
    run.code_is(4);
    assert_stderr_has_line(&run, "http: warning: HTTP 404 Not Found");
    assert!(sb.files().is_empty(), "{:?}", sb.files());
}

#[test]
fn a_416_without_continue_is_an_error_and_leaves_no_file() {
    let srv = Server::start(vec![Reply::http(
        "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */10",
        "",
    )]);
    let sb = Sandbox::new();
    let url = srv.url("/file.txt");
    let run = named(&sb.cwd(), &["-d", &url]);
    run.code_is(4);
    assert_stderr_has_line(&run, "http: warning: HTTP 416 Range Not Satisfiable");
    assert!(sb.files().is_empty(), "{:?}", sb.files());
    assert!(srv.only_request().header("Range").is_none());
}

#[test]
fn a_final_3xx_without_location_is_saved_not_an_error() {
    let srv = Server::start(vec![Reply::http(
        "HTTP/1.1 300 Multiple Choices\r\nContent-Type: text/plain",
        "choices\n",
    )]);
    let sb = Sandbox::new();
    let url = srv.url("/c.txt");
    let run = piped(&sb.cwd(), &["-d", "-o", "c.txt", &url]);
    run.success();
    assert_eq!(sb.read("c.txt"), b"choices\n");
}

#[test]
fn output_without_download_writes_what_would_be_printed_and_nothing_to_stdout() {
    let srv = Server::start(vec![ok_with(
        "Content-Type: application/json\r\nX-Marker: m1",
        "{\"a\": 1}",
    )]);
    let sb = Sandbox::new();
    let url = srv.url("/j");
    let run = piped(&sb.cwd(), &["-o", "out.txt", &url]);
    run.success();
    assert_stdout_empty(&run);
    assert_eq!(sb.read("out.txt"), b"{\"a\": 1}", "default print is b, raw");

    let srv = Server::start(vec![ok_with("X-Marker: m1", "body!")]);
    let url = srv.url("/j");
    let run = piped(&sb.cwd(), &["-o", "hb.txt", "--print=hb", &url]);
    run.success();
    assert_stdout_empty(&run);
    let text = String::from_utf8(sb.read("hb.txt")).unwrap();
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text:?}");
    assert!(text.contains("X-Marker: m1"), "{text:?}");
    assert!(text.contains("body!"), "{text:?}");
    assert!(!text.contains('\x1b'), "no colors in a file: {text:?}");
}

#[test]
fn output_without_download_counts_as_redirected_even_when_stdout_is_a_terminal() {
    // HTTPie: `--output` without `--download` replaces stdout and is treated as not a
    // terminal, so the default print is `b` (HTTPie's default) and nothing is colored.
    let srv = Server::start(vec![ok_with("X-Marker: m1", "just the body")]);
    let sb = Sandbox::new();
    let url = srv.url("/j");
    let run = named(&sb.cwd(), &["-o", "out.txt", &url]);
    run.success();
    assert_stdout_empty(&run);
    assert_eq!(
        String::from_utf8_lossy(&sb.read("out.txt")),
        "just the body",
        "{}",
        run.describe()
    );
}

#[test]
fn offline_download_prints_the_request_and_writes_no_file() {
    let sb = Sandbox::new();
    let run = named(
        &sb.cwd(),
        &["--offline", "--pretty=none", "-d", "example.org/file.txt"],
    );
    run.success();
    assert!(
        run.stdout_str().starts_with("GET /file.txt HTTP/1.1"),
        "{}",
        run.describe()
    );
    assert!(sb.files().is_empty(), "{:?}", sb.files());

    let run = piped(&sb.cwd(), &["--offline", "-d", "example.org/file.txt"]);
    run.success();
    assert!(run.stdout_str().starts_with("GET /file.txt HTTP/1.1"));
    assert!(
        !run.stderr_str().contains("Downloading"),
        "{}",
        run.describe()
    );
    assert!(sb.files().is_empty(), "{:?}", sb.files());
}

#[test]
fn empty_body_creates_an_empty_file() {
    let srv = Server::start(vec![Reply::http(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain",
        "",
    )]);
    let sb = Sandbox::new();
    let url = srv.url("/empty.txt");
    let run = named(&sb.cwd(), &["-d", &url]);
    run.success();
    assert_eq!(sb.only_file(), ("empty.txt".to_string(), Vec::new()));

    let srv = Server::start(vec![Reply::ok("")]);
    let url = srv.url("/empty.txt");
    let run = piped(&sb.cwd(), &["-d", "-o", "o.bin", &url]);
    run.success();
    assert_eq!(sb.read("o.bin"), b"");
}

#[test]
fn body_without_content_length_is_saved_until_close() {
    let body = binary(30_000);
    let mut raw =
        b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
            .to_vec();
    raw.extend_from_slice(&body);
    let srv = Server::start(vec![Reply::raw(raw).then_close()]);
    let sb = Sandbox::new();
    let url = srv.url("/stream.bin");
    let run = named(&sb.cwd(), &["-d", &url]);
    run.success();
    assert_eq!(sb.files(), ["stream.bin"]);
    assert!(sb.read("stream.bin") == body);
}

#[test]
fn chunked_body_is_saved_dechunked() {
    let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    let srv = Server::start(vec![Reply::raw(raw)]);
    let sb = Sandbox::new();
    let url = srv.url("/c.txt");
    piped(&sb.cwd(), &["-d", "-o", "c.txt", &url]).success();
    assert_eq!(sb.read("c.txt"), b"hello world");
}

#[test]
fn output_into_a_missing_directory_is_a_one_line_error() {
    let srv = Server::start(vec![Reply::ok("x")]);
    let sb = Sandbox::new();
    let url = srv.url("/x");
    let run = piped(&sb.cwd(), &["-d", "-o", "no/such/dir/x.bin", &url]);
    run.code_is(1);
    error_line(&run);
    assert!(sb.files().is_empty(), "{:?}", sb.files());
}

#[test]
fn terminal_stderr_progress_does_not_change_what_is_saved_or_sent() {
    // With stderr counted as a terminal the bar code runs (drawn only on a real terminal);
    // the bytes saved and sent must be the same.
    let body = binary(2_000_000);
    let srv = Server::start(vec![ok_with(
        "Content-Type: application/octet-stream",
        &body,
    )]);
    let sb = Sandbox::new();
    let url = srv.url("/big.bin");
    let run = http()
        .current_dir(sb.cwd())
        .env("COURIER_ASSUME_TTY", "stdout,stderr")
        .args(["-d", &url])
        .run();
    run.success();
    assert_stdout_empty(&run);
    assert_eq!(sb.files(), ["big.bin"]);
    assert!(sb.read("big.bin") == body);

    let fx = Fixtures::new();
    let path = fx.write("up.bin", &body);
    let srv = Server::start(vec![Reply::ok("done")]);
    let url = srv.url("/up");
    let run = http()
        .env("COURIER_ASSUME_TTY", "stderr")
        .args(["PUT", &url, &format!("@{}", path.display())])
        .run();
    run.success();
    run.stdout_is("done");
    assert!(srv.only_request().body == body);
}

#[test]
fn quiet_download_prints_no_progress() {
    // Reference: `-q` sends stderr to /dev/null except errors.
    let srv = Server::start(vec![Reply::ok("quiet body")]);
    let sb = Sandbox::new();
    let url = srv.url("/q");
    let run = piped(&sb.cwd(), &["-q", "-d", "-o", "q.txt", &url]);
    run.success().stderr_empty();
    assert_eq!(sb.read("q.txt"), b"quiet body");
}

// ---- 2. progress without a terminal --------------------------------------------------------

#[test]
fn progress_without_a_terminal_is_a_start_line_and_a_summary() {
    let srv = Server::start(vec![ok_with(
        "Content-Type: application/octet-stream",
        binary(1000),
    )]);
    let sb = Sandbox::new();
    let url = srv.url("/p.bin");
    let run = piped(&sb.cwd(), &["-d", "-o", "p.bin", &url]);
    run.success();
    let lines = stderr_lines(&run);
    assert_eq!(lines.len(), 2, "start line + summary:\n{}", run.describe());
    assert_eq!(lines[0], "Downloading to p.bin (1.00 kB)");
    let done = lines[1]
        .strip_prefix("Done. 1.00 kB in ")
        .unwrap_or_else(|| panic!("summary: {:?}", lines[1]));
    let (secs, speed) = done.split_once("s (").expect("`<t>s (<speed>/s)`");
    assert!(secs.parse::<f64>().is_ok(), "seconds: {secs:?}");
    assert!(speed.ends_with("/s)"), "speed: {speed:?}");
    let err = run.stderr_str();
    assert!(
        !err.contains('\r') && !err.contains('\x1b'),
        "no bar: {err:?}"
    );
}

#[test]
fn progress_names_the_chosen_file_and_omits_an_unknown_size() {
    let srv = Server::start(vec![Reply::raw(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nabc",
    )
    .then_close()]);
    let sb = Sandbox::new();
    let url = srv.url("/notes");
    let run = named(&sb.cwd(), &["-d", "-b", &url]);
    run.success();
    let lines = stderr_lines(&run);
    assert_eq!(lines.len(), 2, "{}", run.describe());
    assert_eq!(lines[0], "Downloading to notes.txt");
    assert!(lines[1].starts_with("Done. 3 B in "), "{}", lines[1]);
    assert_eq!(sb.read("notes.txt"), b"abc");
}

// ---- 3. file names -------------------------------------------------------------------------

#[test]
fn name_from_the_url_path() {
    let srv = Server::start(vec![ok_with("Content-Type: text/plain", "data")]);
    let sb = Sandbox::new();
    let url = srv.url("/some/dir/file.txt?x=1");
    let run = named(&sb.cwd(), &["-d", &url]);
    run.success();
    assert_eq!(sb.only_file(), ("file.txt".to_string(), b"data".to_vec()));
    assert!(run.stderr_str().contains("Downloading to file.txt"));
    assert_stdout_empty(&run);
    sb.nothing_outside(&[]);
}

#[test]
fn name_gets_an_extension_from_the_mime_type_only_when_it_has_none() {
    for (path, mime, want) in [
        ("/dir/", "application/json", "dir.json"),
        ("/", "text/html; charset=utf-8", "index.html"),
        ("/file", "text/plain", "file.txt"),
        ("/file.png", "text/html", "file.png"),
        ("/file", "application/octet-stream", "file"),
    ] {
        let srv = Server::start(vec![ok_with(&format!("Content-Type: {mime}"), "body")]);
        let sb = Sandbox::new();
        let url = srv.url(path);
        let run = named(&sb.cwd(), &["-d", &url]);
        run.success();
        assert_eq!(sb.files(), [want], "{path} + {mime}:\n{}", run.describe());
    }
}

#[test]
fn content_disposition_wins_over_the_url_and_output_wins_over_both() {
    let srv = Server::start(vec![disposition(
        "attachment; filename=\"report.csv\"",
        "a,b\n",
    )]);
    let sb = Sandbox::new();
    let url = srv.url("/download.php");
    named(&sb.cwd(), &["-d", &url]).success();
    assert_eq!(
        sb.only_file(),
        ("report.csv".to_string(), b"a,b\n".to_vec())
    );

    let srv = Server::start(vec![disposition(
        "attachment; filename=\"report.csv\"",
        "a,b\n",
    )]);
    let sb = Sandbox::new();
    let url = srv.url("/download.php");
    named(&sb.cwd(), &["-d", "-o", "mine.csv", &url]).success();
    assert_eq!(sb.only_file(), ("mine.csv".to_string(), b"a,b\n".to_vec()));
}

#[test]
fn content_disposition_filename_star_is_preferred_and_decoded() {
    let srv = Server::start(vec![disposition(
        "attachment; filename=\"plain.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt",
        "eur",
    )]);
    let sb = Sandbox::new();
    let url = srv.url("/x");
    named(&sb.cwd(), &["-d", &url]).success();
    assert_eq!(sb.only_file(), ("€ rates.txt".to_string(), b"eur".to_vec()));

    // filename* first in the header too.
    let srv = Server::start(vec![disposition(
        "attachment; filename*=UTF-8''na%C3%AFve.txt; filename=\"naive.txt\"",
        "n",
    )]);
    let sb = Sandbox::new();
    let url = srv.url("/x");
    named(&sb.cwd(), &["-d", &url]).success();
    assert_eq!(sb.files(), ["naïve.txt"]);
}

#[test]
fn the_first_url_names_the_file_never_a_redirect_target() {
    // CVE-2019-10751.
    let srv = Server::start_fn(|_, req| match req.target() {
        "/file.txt" => Reply::http("HTTP/1.1 302 Found\r\nLocation: /.bash_profile", ""),
        _ => ok_with("Content-Type: text/plain", "echo pwned\n"),
    });
    let sb = Sandbox::new();
    let url = srv.url("/file.txt");
    let run = named(&sb.cwd(), &["-d", &url]);
    run.success();
    assert_eq!(
        sb.only_file(),
        ("file.txt".to_string(), b"echo pwned\n".to_vec())
    );
    assert_eq!(srv.requests().len(), 2);
    sb.nothing_outside(&[]);
}

#[test]
fn content_disposition_traversal_stays_in_the_current_directory() {
    // The exact sanitised name may vary; it must
    // be a plain name in cwd with the body inside, and nothing may appear elsewhere.
    for (value, want) in [
        ("attachment; filename=\"../../x\"", Some("x")),
        ("attachment; filename=\"../x\"", Some("x")),
        ("attachment; filename=\"/etc/passwd\"", Some("passwd")),
        ("attachment; filename=\"..\\\\..\\\\x\"", None),
        ("attachment; filename=\"a/b/c\"", None),
        ("attachment; filename=\"C:evil\"", None),
        ("attachment; filename*=UTF-8''..%2F..%2Fx", Some("x")),
        (
            "attachment; filename*=UTF-8''%2E%2E%2Fouter%2Fpwn",
            Some("pwn"),
        ),
        (
            "attachment; filename=\"~/.ssh/authorized_keys\"",
            Some("authorized_keys"),
        ),
    ] {
        let srv = Server::start(vec![disposition(value, "payload")]);
        let sb = Sandbox::new();
        let url = srv.url("/fallback.bin");
        let run = named(&sb.cwd(), &["-d", &url]);
        run.success();
        let (name, content) = sb.only_file();
        assert_eq!(content, b"payload", "{value}");
        assert!(
            !name.contains('/') && !name.contains('\\') && !name.starts_with('.'),
            "{value}: unsafe name {name:?}"
        );
        assert_ne!(name, "..", "{value}");
        if let Some(want) = want {
            assert_eq!(name, want, "{value}");
        }
        sb.nothing_outside(&[]);
    }
}

#[test]
fn url_names_with_encoded_separators_do_not_traverse() {
    // Checklist 22: decode, then sanitise.
    for path in [
        "/%2e%2e%2fx",
        "/%2E%2E%2F%2E%2E%2Fx",
        "/a%2Fb",
        "/..%5C..%5Cx",
        "/%2e%2e",
    ] {
        let srv = Server::start(vec![ok_with("Content-Type: application/octet-stream", "p")]);
        let sb = Sandbox::new();
        let url = srv.url(path);
        let run = named(&sb.cwd(), &["-d", "--path-as-is", &url]);
        run.success();
        let (name, content) = sb.only_file();
        assert_eq!(content, b"p", "{path}");
        assert!(
            !name.contains('/') && !name.contains('\\') && !name.starts_with('.'),
            "{path}: unsafe name {name:?}"
        );
        sb.nothing_outside(&[]);
    }
    let srv = Server::start(vec![ok_with("Content-Type: application/octet-stream", "p")]);
    let sb = Sandbox::new();
    let url = srv.url("/%2e%2e%2fx");
    named(&sb.cwd(), &["-d", &url]).success();
    assert_eq!(sb.files(), ["x"]);
}

#[test]
fn url_name_with_an_encoded_nul_or_control_character_is_cleaned() {
    for path in ["/%00", "/a%1Bb.txt", "/a%0Ab.txt"] {
        let srv = Server::start(vec![ok_with("Content-Type: application/octet-stream", "p")]);
        let sb = Sandbox::new();
        let url = srv.url(path);
        let run = named(&sb.cwd(), &["-d", &url]);
        run.success();
        let (name, _) = sb.only_file();
        assert!(
            !name.chars().any(char::is_control) && !name.is_empty(),
            "{path}: {name:?}"
        );
        sb.nothing_outside(&[]);
    }
}

#[test]
fn dangerous_names_lose_leading_dots_and_control_characters() {
    // Checklist 20.
    for (value, want) in [
        ("attachment; filename=\".bashrc\"", Some("bashrc")),
        ("attachment; filename=\"...profile\"", Some("profile")),
        ("attachment; filename=\".\"", Some("fallback.bin")),
        ("attachment; filename=\"..\"", Some("fallback.bin")),
        ("attachment; filename=\"....\"", Some("fallback.bin")),
        ("attachment; filename=\"\"", Some("fallback.bin")),
        ("attachment; filename*=UTF-8''a%1B%5B31mred%07.txt", None),
        ("attachment; filename*=UTF-8''a%0Ab%0Dc%00d.txt", None),
        ("attachment; filename*=UTF-8''%1B%5D0%3Bpwn%07.txt", None),
    ] {
        let srv = Server::start(vec![disposition(value, "body")]);
        let sb = Sandbox::new();
        let url = srv.url("/fallback.bin");
        let run = named(&sb.cwd(), &["-d", &url]);
        run.success();
        let (name, content) = sb.only_file();
        assert_eq!(content, b"body", "{value:?}");
        assert!(
            !name.starts_with('.') && !name.chars().any(char::is_control),
            "{value:?}: {name:?}"
        );
        if let Some(want) = want {
            assert_eq!(name, want, "{value:?}");
        } else {
            assert!(name.ends_with(".txt"), "{value:?}: {name:?}");
        }
        // What stderr names is inert too.
        assert!(!run.stderr_str().contains('\x1b'), "{}", run.describe());
        assert!(!run.stderr_str().contains('\x07'), "{}", run.describe());
    }
}

#[test]
fn long_names_are_bounded_and_keep_their_extension() {
    let long = format!("{}.txt", "a".repeat(1000));
    let value = format!("attachment; filename=\"{long}\"");
    let sb = Sandbox::new();
    for round in 0..2 {
        let srv = Server::start(vec![disposition(&value, "L")]);
        let url = srv.url("/x");
        let run = named(&sb.cwd(), &["-d", &url]);
        run.success();
        assert_eq!(sb.files().len(), round + 1, "{}", run.describe());
    }
    let files = sb.files();
    for f in &files {
        assert!(f.len() <= 255, "{} bytes: {f}", f.len());
        assert!(f.starts_with("aaaa"), "{f}");
    }
    // The first keeps the extension; the second gets `-1` after it.
    assert!(files.iter().any(|f| f.ends_with(".txt")), "{files:?}");
    assert!(files.iter().any(|f| f.ends_with(".txt-1")), "{files:?}");

    // Multi-byte characters: cut on a character boundary, extension kept.
    let wide = format!("{}.txt", "é".repeat(300));
    let srv = Server::start(vec![disposition(
        &format!("attachment; filename*=UTF-8''{}", pct(&wide)),
        "W",
    )]);
    let sb = Sandbox::new();
    let url = srv.url("/x");
    named(&sb.cwd(), &["-d", &url]).success();
    let (name, _) = sb.only_file();
    assert!(name.len() <= 255 && name.ends_with(".txt"), "{name}");
    assert!(name.starts_with("éé"), "{name}");

    // A long URL segment too.
    let srv = Server::start(vec![ok_with("Content-Type: text/plain", "U")]);
    let sb = Sandbox::new();
    let url = srv.url(&format!("/{}", "b".repeat(600)));
    named(&sb.cwd(), &["-d", &url]).success();
    let (name, _) = sb.only_file();
    assert!(name.len() <= 255, "{} bytes", name.len());
}

fn pct(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[test]
fn existing_names_get_a_numbered_suffix_after_the_extension() {
    let sb = Sandbox::new();
    fs::write(sb.cwd().join("file.txt"), "mine").unwrap();
    for want in ["file.txt-1", "file.txt-2"] {
        let srv = Server::start(vec![ok_with("Content-Type: text/plain", want)]);
        let url = srv.url("/file.txt");
        let run = named(&sb.cwd(), &["-d", &url]);
        run.success();
        assert_eq!(sb.read(want), want.as_bytes(), "{}", run.describe());
        assert!(
            run.stderr_str().contains(&format!("Downloading to {want}")),
            "{}",
            run.describe()
        );
    }
    assert_eq!(sb.read("file.txt"), b"mine");
    assert_eq!(sb.files(), ["file.txt", "file.txt-1", "file.txt-2"]);

    // Same for Content-Disposition names.
    let srv = Server::start(vec![disposition("attachment; filename=file.txt", "cd")]);
    let url = srv.url("/other");
    named(&sb.cwd(), &["-d", &url]).success();
    assert_eq!(sb.read("file.txt-3"), b"cd");
    assert_eq!(sb.read("file.txt"), b"mine");
}

#[test]
fn a_planted_symlink_is_never_followed() {
    // Checklist 23.
    let sb = Sandbox::new();
    let victim = sb.outer().join("authorized_keys");
    fs::write(&victim, "ssh-ed25519 AAAA precious\n").unwrap();
    fs::write(sb.cwd().join("file.txt"), "mine").unwrap();
    std::os::unix::fs::symlink(&victim, sb.cwd().join("file.txt-1")).unwrap();
    let srv = Server::start(vec![ok_with("Content-Type: text/plain", "attacker key\n")]);
    let url = srv.url("/file.txt");
    let run = named(&sb.cwd(), &["-d", &url]);
    run.success();
    assert_eq!(fs::read(&victim).unwrap(), b"ssh-ed25519 AAAA precious\n");
    assert!(fs::symlink_metadata(sb.cwd().join("file.txt-1"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(sb.read("file.txt-2"), b"attacker key\n");
    assert_eq!(sb.read("file.txt"), b"mine");
    sb.nothing_outside(&["outer/authorized_keys"]);
}

#[test]
fn a_dangling_symlink_with_the_chosen_name_is_not_followed() {
    // The link points at a file that does not exist yet: creating "through" it would write
    // outside the current directory.
    let sb = Sandbox::new();
    let target = sb.outer().join("created-through-link");
    std::os::unix::fs::symlink(&target, sb.cwd().join("report.csv")).unwrap();
    let srv = Server::start(vec![disposition("attachment; filename=report.csv", "x")]);
    let url = srv.url("/r");
    let run = named(&sb.cwd(), &["-d", &url]);
    run.success();
    assert!(!target.exists(), "wrote through a dangling symlink");
    assert_eq!(sb.read("report.csv-1"), b"x");
    sb.nothing_outside(&[]);
}

#[test]
fn downloaded_files_are_not_executable_and_output_keeps_an_existing_mode() {
    // Checklist 28.
    use std::os::unix::fs::PermissionsExt;
    let srv = Server::start(vec![ok_with(
        "Content-Type: application/x-sh",
        "#!/bin/sh\n",
    )]);
    let sb = Sandbox::new();
    let url = srv.url("/run.sh");
    named(&sb.cwd(), &["-d", &url]).success();
    let mode = fs::metadata(sb.cwd().join("run.sh"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o111, 0, "mode {mode:o}");

    let out = sb.cwd().join("keep.bin");
    fs::write(&out, "old").unwrap();
    fs::set_permissions(&out, fs::Permissions::from_mode(0o600)).unwrap();
    let srv = Server::start(vec![Reply::ok("new")]);
    let url = srv.url("/k");
    piped(&sb.cwd(), &["-d", "-o", "keep.bin", &url]).success();
    assert_eq!(fs::read(&out).unwrap(), b"new");
    let mode = fs::metadata(&out).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
}

#[test]
fn output_overwrites_an_existing_file_without_continue() {
    let sb = Sandbox::new();
    fs::write(sb.cwd().join("o.txt"), "a much longer previous content").unwrap();
    let srv = Server::start(vec![Reply::ok("short")]);
    let url = srv.url("/o");
    piped(&sb.cwd(), &["-d", "-o", "o.txt", &url]).success();
    assert_eq!(sb.read("o.txt"), b"short");
    assert!(srv.only_request().header("Range").is_none());
}

// ---- 4. integrity --------------------------------------------------------------------------

/// A 200 announcing `announced` bytes, sending `sent` of them, then `end` (close or reset).
fn truncated(announced: usize, sent: &[u8], reset: bool) -> Reply {
    let mut raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {announced}\r\n\r\n"
    )
    .into_bytes();
    raw.extend_from_slice(sent);
    let r = Reply::steps(vec![
        Step::Send(raw),
        Step::Sleep(Duration::from_millis(200)),
    ]);
    if reset {
        r.then_reset()
    } else {
        r.then_close()
    }
}

#[test]
fn fewer_bytes_than_content_length_is_an_incomplete_download_and_the_part_is_kept() {
    // Checklist 26.
    let part = binary(400);
    let srv = Server::start(vec![truncated(1000, &part, false)]);
    let sb = Sandbox::new();
    let url = srv.url("/big.bin");
    let run = piped(&sb.cwd(), &["-d", "-o", "big.bin", &url]);
    run.code_is(1);
    let line = error_line(&run);
    assert!(
        line.starts_with("http: error: Incomplete download: size=1000; downloaded=400"),
        "{}",
        run.describe()
    );
    assert!(sb.read("big.bin") == part, "the partial file is kept");
    assert!(!run.stderr_str().contains("Done."), "{}", run.describe());
}

#[test]
fn incomplete_download_with_a_chosen_name_keeps_the_part() {
    let part = binary(400);
    let srv = Server::start(vec![truncated(1000, &part, false)]);
    let sb = Sandbox::new();
    let url = srv.url("/big.bin");
    let run = named(&sb.cwd(), &["-d", &url]);
    run.code_is(1);
    assert!(
        error_line(&run).starts_with("http: error: Incomplete download: size=1000; downloaded=400")
    );
    assert_eq!(sb.only_file(), ("big.bin".to_string(), part));
}

#[test]
fn incomplete_download_to_stdout_is_an_error_too() {
    let part = binary(400);
    let srv = Server::start(vec![truncated(1000, &part, false)]);
    let sb = Sandbox::new();
    let url = srv.url("/big.bin");
    let run = piped(&sb.cwd(), &["-d", &url]);
    run.code_is(1);
    assert!(
        error_line(&run).starts_with("http: error: Incomplete download: size=1000; downloaded=400")
    );
    assert!(run.stdout() == part.as_slice());
}

#[test]
fn a_reset_mid_body_is_an_incomplete_download_and_the_part_is_kept() {
    let part = binary(400);
    let srv = Server::start(vec![truncated(1000, &part, true)]);
    let sb = Sandbox::new();
    let url = srv.url("/big.bin");
    let run = piped(&sb.cwd(), &["-d", "-o", "big.bin", &url]);
    run.code_is(1);
    let line = error_line(&run);
    let rest = line
        .strip_prefix("http: error: Incomplete download: size=1000; downloaded=")
        .unwrap_or_else(|| panic!("{}", run.describe()));
    let got: usize = rest
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let file = sb.read("big.bin");
    assert_eq!(file.len(), got, "the count matches the kept file");
    assert!(got <= 400 && file == part[..got], "{}", run.describe());
}

#[test]
fn a_truncated_chunked_body_is_an_incomplete_download() {
    let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\nonly-part";
    let srv = Server::start(vec![Reply::steps(vec![
        Step::Send(raw.to_vec()),
        Step::Sleep(Duration::from_millis(100)),
    ])
    .then_close()]);
    let sb = Sandbox::new();
    let url = srv.url("/c.bin");
    let run = piped(&sb.cwd(), &["-d", "-o", "c.bin", &url]);
    run.code_is(1);
    assert!(
        error_line(&run).starts_with("http: error: Incomplete download"),
        "{}",
        run.describe()
    );
    assert!(sb.read("c.bin").starts_with(b"hello"));
}

#[test]
fn a_timeout_mid_body_exits_2_and_keeps_the_part() {
    // README: any timeout exits with status 2, also in the middle of the body.
    for announced in [None, Some(1000)] {
        let part = binary(400);
        let mut raw = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n".to_vec();
        if let Some(n) = announced {
            raw.extend_from_slice(format!("Content-Length: {n}\r\n").as_bytes());
        }
        raw.extend_from_slice(b"\r\n");
        raw.extend_from_slice(&part);
        let srv = Server::start(vec![Reply::steps(vec![
            Step::Send(raw),
            Step::Sleep(Duration::from_secs(3)),
        ])
        .then_close()]);
        let sb = Sandbox::new();
        let url = srv.url("/slow.bin");
        let run = piped(&sb.cwd(), &["-d", "--timeout=0.5", "-o", "slow.bin", &url]);
        run.code_is(2);
        error_line(&run);
        assert!(
            sb.read("slow.bin") == part,
            "{announced:?}: the part is kept"
        );
    }
}

#[test]
fn more_bytes_than_content_length_are_not_written() {
    let srv = Server::start(vec![Reply::raw(
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhelloEXTRA-GARBAGE",
    )
    .then_close()]);
    let sb = Sandbox::new();
    let url = srv.url("/h");
    piped(&sb.cwd(), &["-d", "-o", "h.txt", &url]).success();
    assert_eq!(sb.read("h.txt"), b"hello");
}

// ---- 5. resume -----------------------------------------------------------------------------

fn partial_206(range: &str, body: &str) -> Reply {
    Reply::http(
        &format!("HTTP/1.1 206 Partial Content\r\nContent-Range: {range}"),
        body,
    )
}

/// Runs `-d -c -o out.bin` with `held` already in the file; returns the run, the request and
/// the file's content afterwards.
fn resume(held: &[u8], reply: Reply) -> (Run, RecordedRequest, Vec<u8>) {
    let srv = Server::start(vec![reply]);
    let sb = Sandbox::new();
    fs::write(sb.cwd().join("out.bin"), held).unwrap();
    let url = srv.url("/file.bin");
    let run = piped(&sb.cwd(), &["-d", "-c", "-o", "out.bin", &url]);
    let req = srv.only_request();
    let content = sb.read("out.bin");
    assert_eq!(sb.files(), ["out.bin"], "{}", run.describe());
    assert_stdout_empty(&run);
    (run, req, content)
}

#[test]
fn resume_sends_range_and_appends_a_matching_206() {
    let (run, req, content) = resume(b"hello", partial_206("bytes 5-10/11", " world"));
    run.success();
    assert_eq!(req.header("Range").as_deref(), Some("bytes=5-"));
    assert_eq!(req.header("Accept-Encoding").as_deref(), Some("identity"));
    assert_eq!(content, b"hello world");
}

#[test]
fn resume_with_unknown_total_appends() {
    let (run, _, content) = resume(b"hello", partial_206("bytes 5-10/*", " world"));
    run.success();
    assert_eq!(content, b"hello world");
}

#[test]
fn resume_refuses_a_206_that_does_not_start_at_the_file_size() {
    for (range, body) in [
        ("bytes 6-10/11", "world"),
        ("bytes 0-10/11", "hello world"),
        ("bytes 4-10/11", "o world"),
    ] {
        let (run, req, content) = resume(b"hello", partial_206(range, body));
        run.code_is(1);
        error_line(&run);
        assert_eq!(req.header("Range").as_deref(), Some("bytes=5-"));
        assert_eq!(content, b"hello", "{range}: the file is untouched");
    }
}

#[test]
fn resume_refuses_a_206_that_stops_before_the_end() {
    // HTTPie (`httpie/downloads.py`): the Content-Range end must be total − 1, else the "completed"
    // file would silently lack its tail.
    let (run, _, content) = resume(b"hello", partial_206("bytes 5-7/11", " wo"));
    run.code_is(1);
    error_line(&run);
    assert_eq!(content, b"hello");
}

#[test]
fn resume_refuses_a_206_without_or_with_a_malformed_content_range() {
    for reply in [
        Reply::http("HTTP/1.1 206 Partial Content", " world"),
        partial_206("bytes 5-4/11", " world"),
        partial_206("bytes 5-20/11", " world"),
        partial_206("items 5-10/11", " world"),
        partial_206("garbage", " world"),
    ] {
        let (run, _, content) = resume(b"hello", reply);
        run.code_is(1);
        error_line(&run);
        assert_eq!(content, b"hello");
    }
}

#[test]
fn resume_restarts_from_zero_on_a_200() {
    let (run, req, content) = resume(b"stale partial data", Reply::ok("fresh"));
    run.success();
    assert_eq!(req.header("Range").as_deref(), Some("bytes=18-"));
    assert_eq!(content, b"fresh", "truncated, full body");
}

#[test]
fn resume_416_is_already_complete_only_when_the_total_matches() {
    let (run, _, content) = resume(
        b"hello",
        Reply::http(
            "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */5",
            "",
        ),
    );
    run.success();
    assert_eq!(content, b"hello");
    assert!(
        !run.stderr_str().contains("warning"),
        "no warning for an already complete file:\n{}",
        run.describe()
    );

    for reply in [
        Reply::http(
            "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */99",
            "",
        ),
        Reply::http(
            "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */3",
            "",
        ),
        Reply::http("HTTP/1.1 416 Range Not Satisfiable", "error page"),
        Reply::http(
            "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes 0-4/5",
            "",
        ),
    ] {
        let (run, _, content) = resume(b"hello", reply);
        run.code_is(1);
        error_line(&run);
        assert_eq!(content, b"hello", "the file is untouched");
    }
}

#[test]
fn resume_refuses_a_gzip_encoded_206() {
    let (run, req, content) = resume(
        b"hello",
        Reply::http(
            "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 5-10/11\r\nContent-Encoding: gzip",
            " world",
        ),
    );
    run.code_is(1);
    error_line(&run);
    assert_eq!(req.header("Accept-Encoding").as_deref(), Some("identity"));
    assert_eq!(content, b"hello");
}

#[test]
fn resume_error_statuses_leave_the_file_untouched() {
    let (run, _, content) = resume(b"hello", Reply::http("HTTP/1.1 404 Not Found", "nope"));
    run.code_is(4);
    assert_stderr_has_line(&run, "http: warning: HTTP 404 Not Found");
    assert_eq!(content, b"hello");
    let (run, _, content) = resume(b"hello", Reply::http("HTTP/1.1 500 Oops", "nope"));
    run.code_is(5);
    assert_eq!(content, b"hello");
}

#[test]
fn resume_of_a_missing_or_empty_file_downloads_everything_without_range() {
    let srv = Server::start(vec![Reply::ok("everything")]);
    let sb = Sandbox::new();
    let url = srv.url("/f");
    piped(&sb.cwd(), &["-d", "-c", "-o", "new.bin", &url]).success();
    assert_eq!(sb.read("new.bin"), b"everything");
    assert!(srv.only_request().header("Range").is_none());

    let (run, req, content) = resume(b"", Reply::ok("everything"));
    run.success();
    assert!(req.header("Range").is_none());
    assert_eq!(content, b"everything");
}

#[test]
fn resume_that_is_cut_short_reports_the_totals_and_keeps_what_arrived() {
    let raw = b"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 5-10/11\r\nContent-Length: 6\r\n\r\n wo"
        .to_vec();
    let reply = Reply::steps(vec![
        Step::Send(raw),
        Step::Sleep(Duration::from_millis(100)),
    ])
    .then_close();
    let (run, _, content) = resume(b"hello", reply);
    run.code_is(1);
    assert!(
        error_line(&run).starts_with("http: error: Incomplete download: size=11; downloaded=8"),
        "{}",
        run.describe()
    );
    assert_eq!(content, b"hello wo");
}

#[test]
fn continue_without_download_is_an_error() {
    let srv = Server::start(vec![Reply::ok("x")]);
    let sb = Sandbox::new();
    let url = srv.url("/x");
    let run = piped(&sb.cwd(), &["-c", "-o", "o.bin", &url]);
    run.error_line();
    assert!(srv.requests().is_empty(), "nothing must be sent");
    assert!(sb.files().is_empty(), "{:?}", sb.files());
    let run = piped(&sb.cwd(), &["--continue", &url]);
    run.error_line();
}

#[test]
fn continue_download_without_output_is_an_error() {
    let srv = Server::start(vec![Reply::ok("x")]);
    let sb = Sandbox::new();
    let url = srv.url("/x");
    for run in [
        piped(&sb.cwd(), &["-d", "-c", &url]),
        named(&sb.cwd(), &["-d", "-c", &url]),
    ] {
        let line = run.error_line();
        assert!(line.contains("--output"), "{line}");
        assert_stdout_empty(&run);
    }
    assert!(srv.requests().is_empty(), "nothing must be sent");
    assert!(sb.files().is_empty(), "{:?}", sb.files());
}

// ---- 6. uploads ----------------------------------------------------------------------------

#[test]
fn a_file_body_is_sent_byte_exact() {
    let data = binary(5 * 1024 * 1024);
    let fx = Fixtures::new();
    let path = fx.write("big.bin", &data);
    let srv = Server::start(vec![Reply::ok("thanks")]);
    let url = srv.url("/up");
    let run = http()
        .args(["PUT", &url, &format!("@{}", path.display())])
        .run();
    run.success();
    run.stdout_is("thanks");
    let req = srv.only_request();
    assert!(req.complete);
    assert_eq!(req.method(), "PUT");
    assert_eq!(req.body.len(), data.len());
    assert!(req.body == data, "the server must receive the exact bytes");
}

#[test]
fn a_multipart_file_field_is_sent_byte_exact() {
    let data = binary(5 * 1024 * 1024);
    let fx = Fixtures::new();
    let path = fx.write("big.bin", &data);
    let srv = Server::start(vec![Reply::ok("ok")]);
    let url = srv.url("/up");
    let run = http()
        .args([
            "-f",
            "--boundary=XyZbOuNdArY",
            &url,
            "name=value",
            &format!("file@{}", path.display()),
        ])
        .run();
    run.success();
    let req = srv.only_request();
    assert!(req.complete);
    let ct = req.header("Content-Type").unwrap_or_default();
    assert!(ct.starts_with("multipart/form-data"), "{ct}");
    let body = &req.body;
    let marker = b"filename=\"big.bin\"";
    let at = body
        .windows(marker.len())
        .position(|w| w == marker)
        .expect("file part");
    let start = at
        + body[at..]
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("part head end")
        + 4;
    assert!(
        body.len() >= start + data.len() && body[start..start + data.len()] == data[..],
        "the file part must hold the exact bytes"
    );
    assert!(
        body[start + data.len()..].starts_with(b"\r\n--XyZbOuNdArY--"),
        "the part ends right after the file"
    );
}

#[test]
fn no_upload_progress_when_stderr_is_not_a_terminal() {
    let data = binary(2 * 1024 * 1024);
    let fx = Fixtures::new();
    let path = fx.write("two.bin", &data);
    let srv = Server::start(vec![Reply::ok("done")]);
    let url = srv.url("/up");
    let run = http()
        .args(["POST", &url, &format!("@{}", path.display())])
        .run();
    run.success().stderr_empty();
    run.stdout_is("done");
    assert!(srv.only_request().body == data);

    // Multipart too.
    let srv = Server::start(vec![Reply::ok("done")]);
    let url = srv.url("/up");
    let run = http()
        .args(["-f", &url, &format!("f@{}", path.display())])
        .run();
    run.success().stderr_empty();
}

#[test]
fn an_upload_while_downloading_sends_the_file_and_saves_the_answer() {
    let data = binary(300_000);
    let fx = Fixtures::new();
    let path = fx.write("in.bin", &data);
    let srv = Server::start(vec![ok_with("Content-Type: text/plain", "receipt")]);
    let sb = Sandbox::new();
    let url = srv.url("/up");
    let run = piped(
        &sb.cwd(),
        &[
            "-d",
            "-o",
            "r.txt",
            "POST",
            &url,
            &format!("@{}", path.display()),
        ],
    );
    run.success();
    assert_eq!(sb.read("r.txt"), b"receipt");
    assert!(srv.only_request().body == data);
}

// ---- 7. headers never end up in the file ---------------------------------------------------

#[test]
fn headers_never_end_up_in_the_output_file() {
    // Checklist 24.
    let body = binary(5000);
    for (flags, shows_head) in [
        (&["-h"][..], true),
        (&["--headers"], true),
        (&["--print=h"], true),
        (&["--print=hb"], true),
        (&["--print=Hh"], true),
        (&["--print=HBhbm"], true),
        (&["-b"], false),
        (&["-v"], true),
        (&["-vv"], true),
        (&["--all"], false),
        (&["-h", "--all"], true),
    ] {
        let srv = Server::start(vec![ok_with(
            "Content-Type: application/octet-stream\r\nX-Marker: m1",
            &body,
        )]);
        let sb = Sandbox::new();
        let url = srv.url("/b.bin");
        let mut args = vec!["-d", "-o", "b.bin"];
        args.extend_from_slice(flags);
        args.push(&url);
        let run = piped(&sb.cwd(), &args);
        run.success();
        assert_stdout_empty(&run);
        assert_eq!(sb.files(), ["b.bin"], "{flags:?}");
        assert!(
            sb.read("b.bin") == body,
            "{flags:?}: the file must hold the body only:\n{}",
            run.describe()
        );
        if shows_head {
            let err = run.stderr_str();
            assert!(
                err.contains("HTTP/1.1 200 OK") && err.contains("X-Marker: m1"),
                "{flags:?}: headers go to stderr:\n{}",
                run.describe()
            );
        }
    }
}

#[test]
fn headers_never_end_up_in_a_named_file_with_a_terminal_stdout() {
    let body = binary(5000);
    for flags in [&[][..], &["-h"], &["--print=hb"], &["-v"]] {
        let srv = Server::start(vec![ok_with(
            "Content-Type: application/octet-stream\r\nX-Marker: m1",
            &body,
        )]);
        let sb = Sandbox::new();
        let url = srv.url("/b.bin");
        let mut args = vec!["-d"];
        args.extend_from_slice(flags);
        args.push(&url);
        let run = named(&sb.cwd(), &args);
        run.success();
        assert_stdout_empty(&run);
        let (name, content) = sb.only_file();
        assert_eq!(name, "b.bin");
        assert!(content == body, "{flags:?}: body only");
        assert!(
            run.stderr_str().contains("X-Marker: m1"),
            "{flags:?}: headers on stderr:\n{}",
            run.describe()
        );
    }
}

#[test]
fn headers_never_end_up_in_stdout_when_the_body_goes_there() {
    let body = binary(5000);
    for flags in [&["-h"][..], &["--print=hb"], &["-v"]] {
        let srv = Server::start(vec![ok_with("X-Marker: m1", &body)]);
        let sb = Sandbox::new();
        let url = srv.url("/b.bin");
        let mut args = vec!["-d"];
        args.extend_from_slice(flags);
        args.push(&url);
        let run = piped(&sb.cwd(), &args);
        run.success();
        assert!(
            run.stdout() == body.as_slice(),
            "{flags:?}: stdout is the body only"
        );
        assert!(
            run.stderr_str().contains("X-Marker: m1"),
            "{}",
            run.describe()
        );
        assert!(sb.files().is_empty());
    }
}

#[test]
fn verbose_download_prints_the_request_to_stderr_not_the_file() {
    let srv = Server::start(vec![Reply::ok("payload")]);
    let sb = Sandbox::new();
    let url = srv.url("/v");
    let run = piped(&sb.cwd(), &["-d", "-v", "-o", "v.txt", &url, "X-Req:yes"]);
    run.success();
    let err = run.stderr_str();
    assert!(
        err.contains("GET /v HTTP/1.1") && err.contains("X-Req: yes"),
        "{err}"
    );
    assert!(err.contains("Accept-Encoding: identity"), "{err}");
    assert_eq!(sb.read("v.txt"), b"payload");
    assert_stdout_empty(&run);
}

#[test]
fn ctrl_c_mid_download_exits_130_and_keeps_the_partial_file() {
    let srv = Server::start(vec![Reply::steps(vec![
        Step::Send(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".to_vec()),
        Step::Send(vec![b'x'; 400]),
        Step::Hang,
    ])]);
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("part.bin");
    let url = srv.url("/big");
    // Interrupt once the 400 bytes are on disk.
    let result = interrupt_http(
        &["-d".as_ref(), "-o".as_ref(), out.as_os_str(), url.as_ref()],
        || fs::metadata(&out).map(|m| m.len()).unwrap_or(0) >= 400,
    );
    assert_eq!(result.status.code(), Some(130), "{result:?}");
    assert_eq!(
        fs::read(&out).unwrap(),
        vec![b'x'; 400],
        "the partial file is kept for --continue"
    );
    assert!(
        String::from_utf8_lossy(&result.stderr).ends_with('\n'),
        "the terminal is left on a fresh line"
    );
}

/// On a real terminal (a pseudo-terminal made by `script`), an error after the progress bar
/// starts a line of its own instead of running on from the bar.
#[test]
fn an_error_after_the_progress_bar_starts_a_new_line() {
    if !Path::new("/usr/bin/script").exists() {
        eprintln!("skipped: no /usr/bin/script to make a terminal");
        return;
    }
    let fx = Fixtures::new();
    let out = fx.path().join("cut.bin");
    let mut body = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".to_vec();
    body.extend(std::iter::repeat_n(b'x', 30_000));
    let srv = Server::start(vec![Reply::steps(vec![Step::Send(body), Step::Hang])]);
    let command = format!(
        "{} --timeout 0.5 -d -o {} {}",
        env!("CARGO_BIN_EXE_http"),
        out.display(),
        srv.url("/cut.bin")
    );
    let output = std::process::Command::new("/usr/bin/script")
        .args(["-qec", &command, "/dev/null"])
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    let at = text.find("http: error:").expect("an error line");
    let before = &text[..at];
    assert!(
        before.contains("ETA"),
        "no progress bar was drawn: {text:?}"
    );
    assert!(
        before.ends_with('\n'),
        "the error ran on from the bar: {text:?}"
    );
}

/// A resumed download stops at the end of the range the server announced: more bytes than its
/// Content-Range are an invalid download (exit 1), never written past the range.
#[test]
fn a_resumed_range_that_overruns_is_refused_at_its_end() {
    for (head, body) in [
        (
            "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 5-9/10\r\nContent-Length: 8\r\n\r\n",
            "56789XYZ",
        ),
        (
            "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 5-9/*\r\nConnection: close\r\n\r\n",
            "56789 and more and more",
        ),
    ] {
        let fx = Fixtures::new();
        let out = fx.path().join("data.bin");
        fs::write(&out, b"01234").unwrap();
        let reply = Reply::steps(vec![Step::Send(format!("{head}{body}").into_bytes()), Step::Close]);
        let srv = Server::start(vec![reply]);
        let r = http()
            .args(["-d", "-c", "-o"])
            .arg(&out)
            .arg(srv.url("/data.bin"))
            .run();
        r.code_is(1);
        let err = r.stderr_str();
        assert!(err.contains("Invalid download: the server sent more than the range"), "{err}");
        assert_eq!(fs::read(&out).unwrap(), b"0123456789", "{head}");
    }
}

/// A bidi override in a Content-Disposition name would make `invoice\u{202e}fdp.exe` read as
/// `invoiceexe.pdf`: it is replaced in the file name, and shown escaped on a terminal.
#[test]
fn bidi_controls_never_reach_a_file_name_or_the_terminal() {
    for value in [
        "attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe",
        "attachment; filename=\"invoice\u{202e}fdp.exe\"",
    ] {
        let srv = Server::start(vec![disposition(value, "payload")]);
        let sb = Sandbox::new();
        let run = http()
            .current_dir(sb.cwd())
            .env("COURIER_ASSUME_TTY", "stdout,stderr")
            .args(["-d", "-h", &srv.url("/x")])
            .run();
        run.success();
        let (name, content) = sb.only_file();
        assert_eq!(name, "invoice_fdp.exe", "{value}");
        assert_eq!(content, b"payload");
        let err = run.stderr_str();
        assert!(!err.contains('\u{202e}'), "{err:?}");
        assert!(err.contains("Downloading to invoice_fdp.exe"), "{err}");
    }
}
