//! Shared helpers for the end-to-end tests: running the `http`/`https` binaries hermetically,
//! fixture files, and assertions on exit code / stdout / stderr.
//!
//! Why not a crate such as `assert_cmd`: its `Command` always gives the child a *pipe* as
//! stdin, and a non-terminal stdin is a request body for this CLI (HTTPie's rule). Every test
//! here therefore runs the binary with `/dev/null` as stdin unless it asks for something else
//! ([`Cmd::stdin`]).

pub mod auth_servers;
pub mod config_env;
pub mod output;
pub mod proxy;
pub mod server;
pub mod tls;

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// Hard limit for one run of the binary; the child is killed after it.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(20);

/// The package version: `http --version` must print it and `User-Agent` must carry it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Path of a binary of this package. `COURIER_TEST_BIN_DIR` may point at another directory
/// holding `http`/`https` (only to debug this harness against another client, e.g. HTTPie).
pub fn bin_path(name: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os("COURIER_TEST_BIN_DIR") {
        return Path::new(&dir).join(name);
    }
    match name {
        "http" => PathBuf::from(env!("CARGO_BIN_EXE_http")),
        "https" => PathBuf::from(env!("CARGO_BIN_EXE_https")),
        other => panic!("unknown binary {other}"),
    }
}

/// The `http` binary with a hermetic environment (see [`Cmd`]).
pub fn http() -> Cmd {
    Cmd::new("http")
}

/// The `https` binary with a hermetic environment (see [`Cmd`]).
pub fn https() -> Cmd {
    Cmd::new("https")
}

/// What the child gets as standard input.
pub enum Stdin {
    /// `/dev/null` (the default): not a body.
    Null,
    /// A pipe that delivers these bytes, then EOF.
    Bytes(Vec<u8>),
    /// A pipe that stays open and silent for the duration, then delivers the bytes and EOF.
    Delayed(Duration, Vec<u8>),
    /// File descriptor 0 closed (Unix).
    Closed,
}

/// A command line for one of the binaries, run with:
/// * an empty environment except `PATH`, a fresh temporary `HOME`, `COURIER_CONFIG_DIR` and
///   `XDG_CONFIG_HOME` inside it (so no proxy variables, no `NO_COLOR`, no user config);
/// * `/dev/null` as stdin by default;
/// * a kill timeout of [`RUN_TIMEOUT`].
pub struct Cmd {
    prog: &'static str,
    cmd: Command,
    stdin: Stdin,
    timeout: Duration,
    home: TempDir,
}

impl Cmd {
    fn new(prog: &'static str) -> Cmd {
        Cmd::program(prog, bin_path(prog))
    }

    /// Any program under the same hermetic conditions (`prog` names it in messages).
    pub fn program(prog: &'static str, path: impl AsRef<OsStr>) -> Cmd {
        let home = TempDir::new().expect("temp HOME");
        let config = home.path().join("courier-config");
        std::fs::create_dir_all(&config).unwrap();
        let mut cmd = Command::new(path);
        cmd.env_clear()
            .env("HOME", home.path())
            .env("COURIER_CONFIG_DIR", &config)
            .env("XDG_CONFIG_HOME", home.path().join(".config"))
            .current_dir(home.path());
        for keep in ["PATH", "SYSTEMROOT", "LLVM_PROFILE_FILE"] {
            if let Some(v) = std::env::var_os(keep) {
                cmd.env(keep, v);
            }
        }
        Cmd {
            prog,
            cmd,
            stdin: Stdin::Null,
            timeout: RUN_TIMEOUT,
            home,
        }
    }

    pub fn arg(&mut self, a: impl AsRef<OsStr>) -> &mut Self {
        self.cmd.arg(a);
        self
    }

    pub fn args<I, S>(&mut self, args: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.cmd.args(args);
        self
    }

    pub fn env(&mut self, k: impl AsRef<OsStr>, v: impl AsRef<OsStr>) -> &mut Self {
        self.cmd.env(k, v);
        self
    }

    /// Run in this directory (default: the temporary HOME).
    pub fn current_dir(&mut self, dir: impl AsRef<Path>) -> &mut Self {
        self.cmd.current_dir(dir);
        self
    }

    pub fn stdin(&mut self, s: Stdin) -> &mut Self {
        self.stdin = s;
        self
    }

    /// Shortcut for `stdin(Stdin::Bytes(..))`.
    pub fn stdin_bytes(&mut self, b: impl AsRef<[u8]>) -> &mut Self {
        self.stdin(Stdin::Bytes(b.as_ref().to_vec()))
    }

    pub fn timeout(&mut self, d: Duration) -> &mut Self {
        self.timeout = d;
        self
    }

    /// The temporary HOME of this command.
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// Run to completion (or kill at the timeout) and collect everything.
    pub fn run(&mut self) -> Run {
        let (stdin_cfg, feed): (Stdio, Option<(Duration, Vec<u8>)>) = match &self.stdin {
            Stdin::Null => (Stdio::null(), None),
            Stdin::Bytes(b) => (Stdio::piped(), Some((Duration::ZERO, b.clone()))),
            Stdin::Delayed(d, b) => (Stdio::piped(), Some((*d, b.clone()))),
            Stdin::Closed => {
                close_stdin_in_child(&mut self.cmd);
                (Stdio::null(), None)
            }
        };
        self.cmd
            .stdin(stdin_cfg)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let start = Instant::now();
        let mut child: Child = self
            .cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot spawn {}: {e}", self.prog));
        let feeder = feed.map(|(delay, bytes)| {
            let mut pipe = child.stdin.take().unwrap();
            thread::spawn(move || {
                thread::sleep(delay);
                let _ = pipe.write_all(&bytes);
                // dropping the pipe sends EOF
            })
        });
        let (output, killed) = wait_bounded(child, start + self.timeout);
        let elapsed = start.elapsed();
        if let Some(f) = feeder {
            let _ = f.join();
        }
        Run {
            prog: self.prog,
            args: format!("{:?}", self.cmd.get_args().collect::<Vec<_>>()),
            output,
            elapsed,
            killed,
        }
    }
}

#[cfg(unix)]
fn close_stdin_in_child(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    extern "C" {
        fn close(fd: i32) -> i32;
    }
    // SAFETY: close(2) is async-signal-safe; it only closes fd 0 of the forked child.
    unsafe {
        cmd.pre_exec(|| {
            close(0);
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn close_stdin_in_child(_cmd: &mut Command) {}

/// Waits for `child` (its stdout and stderr piped) until `deadline`, killing it then; returns
/// what it wrote and whether it was killed. No test waits on a child without a bound.
pub fn wait_bounded(mut child: Child, deadline: Instant) -> (Output, bool) {
    let out_reader = spawn_reader(child.stdout.take().expect("stdout piped"));
    let err_reader = spawn_reader(child.stderr.take().expect("stderr piped"));
    let mut killed = false;
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait child") {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            killed = true;
            break child.wait().expect("wait killed child");
        }
        thread::sleep(Duration::from_millis(5));
    };
    let output = Output {
        status,
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    };
    (output, killed)
}

fn spawn_reader<R: Read + Send + 'static>(mut r: R) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut v = Vec::new();
        let _ = r.read_to_end(&mut v);
        v
    })
}

/// The result of one run.
pub struct Run {
    pub prog: &'static str,
    pub args: String,
    pub output: Output,
    pub elapsed: Duration,
    pub killed: bool,
}

impl Run {
    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    pub fn stdout(&self) -> &[u8] {
        &self.output.stdout
    }

    pub fn stdout_str(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr_str(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// A description for assertion messages.
    pub fn describe(&self) -> String {
        format!(
            "{} {}\nexit: {:?}{}\nelapsed: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.prog,
            self.args,
            self.code(),
            if self.killed {
                " (killed at timeout)"
            } else {
                ""
            },
            self.elapsed,
            self.stdout_str(),
            self.stderr_str()
        )
    }

    /// Asserts the exit code and that nothing panicked.
    pub fn code_is(&self, expected: i32) -> &Self {
        assert!(
            !self.killed,
            "the binary did not finish:\n{}",
            self.describe()
        );
        assert_eq!(
            self.code(),
            Some(expected),
            "unexpected exit code:\n{}",
            self.describe()
        );
        self.no_panic()
    }

    /// Asserts success (exit 0) and no panic.
    pub fn success(&self) -> &Self {
        self.code_is(0)
    }

    /// Asserts that stderr shows no panic / backtrace hint.
    pub fn no_panic(&self) -> &Self {
        let err = self.stderr_str();
        assert!(
            !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
            "the binary panicked:\n{}",
            self.describe()
        );
        self
    }

    /// Asserts exit 1 and that stderr is exactly one non-empty line starting with
    /// `"<prog>: error: "`; returns that line.
    pub fn error_line(&self) -> String {
        self.code_is(1);
        self.single_error_line()
    }

    /// Asserts stderr is exactly one non-empty line starting with `"<prog>: error: "` (any exit
    /// code); returns it.
    pub fn single_error_line(&self) -> String {
        let err = self.stderr_str();
        let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(
            lines.len(),
            1,
            "stderr must be exactly one non-empty line:\n{}",
            self.describe()
        );
        let prefix = format!("{}: error: ", self.prog);
        assert!(
            lines[0].starts_with(&prefix),
            "the error line must start with {prefix:?}:\n{}",
            self.describe()
        );
        lines[0].to_string()
    }

    /// Asserts stdout equals `expected` byte for byte.
    pub fn stdout_is(&self, expected: impl AsRef<[u8]>) -> &Self {
        let expected = expected.as_ref();
        assert!(
            self.stdout() == expected,
            "stdout differs.\nexpected: {:?}\nactual:   {:?}\n{}",
            String::from_utf8_lossy(expected),
            self.stdout_str(),
            self.describe()
        );
        self
    }

    /// Asserts stderr is empty.
    pub fn stderr_empty(&self) -> &Self {
        assert!(
            self.output.stderr.is_empty(),
            "stderr must be empty:\n{}",
            self.describe()
        );
        self
    }
}

/// A temporary directory for fixture files, removed at drop.
pub struct Fixtures {
    dir: TempDir,
}

impl Default for Fixtures {
    fn default() -> Self {
        Self::new()
    }
}

impl Fixtures {
    pub fn new() -> Fixtures {
        Fixtures {
            dir: TempDir::new().expect("fixture dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write a file (creating parent dirs) and return its absolute path.
    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, content).unwrap();
        p
    }

    /// The `text.txt` and `data.json` files of HTTPie's test suite (Appendix A).
    pub fn httpie_files(&self) -> (PathBuf, PathBuf) {
        (
            self.write("text.txt", TEXT_TXT),
            self.write("data.json", DATA_JSON),
        )
    }
}

/// HTTPie's `tests/fixtures/text.txt` as used in Appendix A.
pub const TEXT_TXT: &str = "John is a nice guy who likes pies.\n";
/// A JSON file whose content Appendix A13 embeds as `{"HTTPie": "https://httpie.io"}`.
pub const DATA_JSON: &str = "{\"HTTPie\": \"https://httpie.io\"}\n";

/// A TCP port on 127.0.0.1 that was just bound and released, so nothing listens on it.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Standard base64 (for expected `Authorization` values).
pub fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in input.chunks(3) {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Concatenate byte slices.
pub fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// `200 OK` with the body `ok`, for tests that only look at the request.
pub fn ok() -> server::Reply {
    server::Reply::ok("ok")
}

/// A test that needs an outside program (curl, HTTPie) and cannot find it: skipped with a note,
/// unless `COURIER_REQUIRE_TOOLS` is set (`.ci/run` sets it once it has provided them), where a
/// missing tool must fail rather than let the test pass without checking anything.
pub fn tool_missing(what: &str) {
    if std::env::var_os("COURIER_REQUIRE_TOOLS").is_some() {
        panic!("{what} is missing, and COURIER_REQUIRE_TOOLS says the tests need it");
    }
    eprintln!("skipped: {what} is missing");
}

/// A fixture path as a command-line argument (temporary paths are UTF-8 here).
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Output bytes as text, invalid UTF-8 replaced.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Run `http --offline ARGS...` (default print `HB`), assert success, and parse what it printed
/// as a request.
pub fn offline(args: &[&str]) -> (Run, server::RecordedRequest) {
    let run = http().arg("--offline").args(args).run();
    run.success();
    let req = server::RecordedRequest::from_printed(run.stdout());
    (run, req)
}

/// Run the `http` binary once against a fresh server answering `reply`; assert exit 0 and
/// return the run and the single request the server received.
pub fn exchange(reply: server::Reply, args: &[&str]) -> (Run, server::RecordedRequest) {
    exchange_stdin(reply, args, Stdin::Null)
}

/// [`exchange`] with this standard input.
pub fn exchange_stdin(
    reply: server::Reply,
    args: &[&str],
    stdin: Stdin,
) -> (Run, server::RecordedRequest) {
    let srv = server::Server::start(vec![reply]);
    let run = http()
        .args(args.iter().map(|a| a.replace("{url}", &srv.url(""))))
        .stdin(stdin)
        .run();
    run.success();
    let req = srv.only_request();
    (run, req)
}

/// Asserts the request says it sends JSON (`Content-Type`) and prefers JSON back (`Accept`),
/// as `http` does by default for data items.
pub fn assert_json_headers(req: &server::RecordedRequest) {
    assert_eq!(
        req.header("Content-Type").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        req.header("Accept").as_deref(),
        Some("application/json, */*;q=0.5")
    );
}

/// The `Authorization` value of Basic auth for `user:pass`.
pub fn basic(user: &str, pass: &str) -> String {
    format!("Basic {}", base64(format!("{user}:{pass}").as_bytes()))
}

/// A `302 Found` to `location`, with an empty body.
pub fn redirect(location: &str) -> server::Reply {
    server::Reply::http(&format!("HTTP/1.1 302 Found\r\nLocation: {location}"), "")
}

/// The port of a request's `Host` header (`127.0.0.1:PORT`); empty if there is none.
pub fn port_of(req: &server::RecordedRequest) -> String {
    let host = req.header("Host").unwrap_or_default();
    host.rsplit(':').next().unwrap_or("").to_string()
}

/// Runs `http ARGS` (empty environment but PATH, and a config dir that does not exist, so no
/// config file or .netrc of the machine's is read; stdin /dev/null), waits until `ready()` says
/// the run has got far enough (at most 10 s), sends it SIGINT as Ctrl-C would, and returns how
/// it ended.
pub fn interrupt_http(args: &[&OsStr], ready: impl Fn() -> bool) -> Output {
    let child = Command::new(bin_path("http"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", "/nonexistent/courier-home")
        .env("COURIER_CONFIG_DIR", "/nonexistent/courier-config")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn http");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !ready() && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    wait_bounded(child, Instant::now() + Duration::from_secs(20)).0
}
