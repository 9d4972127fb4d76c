//! The data-driven hostile-server suite, in the spirit of curl's `tests/data`: every file in
//! `tests/cases/*.case` is one case (the exact bytes a server sends and when, a command line,
//! and what must happen). The format is documented in `tests/cases/README.md`; adding a case is
//! adding a file. Cases run in parallel threads; failures are collected and reported together,
//! by file name. `COURIER_CASES=substring` runs only the cases whose name contains it;
//! `COURIER_CASES_KNOWN=1` also runs the `known-failure` cases and fails on any that pass.

use crate::support::bin_path;
use crate::support::server::{Reply, Server, Step};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// A run is killed after this long when the case gives no `time-max`.
const DEFAULT_KILL: Duration = Duration::from_secs(20);
/// Worker threads (the runs mostly wait on sockets and timers).
const WORKERS: usize = 6;

#[derive(Default)]
struct Case {
    category: String,
    known_failure: Option<String>,
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
    env: Vec<(String, String)>,
    files: Vec<(String, Vec<u8>)>,
    config_files: Vec<(String, Vec<u8>)>,
    replies: [Vec<Vec<RawStep>>; 2],
    expect: Vec<Expect>,
    time_max: Option<Duration>,
    rss_max: Option<u64>,
}

#[derive(Clone)]
enum RawStep {
    Send(Vec<u8>),
    Drip(Vec<u8>, Duration),
    Sleep(Duration),
    Gen(Vec<u8>),
    Close,
    Reset,
    Hang,
}

enum Expect {
    Exit(i32),
    StderrMatch(regex_lite::Regex),
    StderrHas(String),
    StderrLacks(String),
    StdoutHas(Vec<u8>),
    StdoutLacks(Vec<u8>),
    StdoutIs(Vec<u8>),
    StdoutMaxBytes(usize),
    FileIs(String, Vec<u8>),
    FileHas(String, Vec<u8>),
    FileAbsent(String),
    FileMaxBytes(String, u64),
    NoFiles,
    RequestHas(usize, Vec<u8>),
    RequestLacks(usize, Vec<u8>),
    LastRequestLacks(usize, Vec<u8>),
    Requests(usize, usize),
}

/// `\r \n \t \0 \\ \e \xHH` escapes.
fn unescape(s: &str) -> Result<Vec<u8>, String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let c = *b.get(i + 1).ok_or("trailing backslash")?;
        i += 2;
        match c {
            b'r' => out.push(b'\r'),
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'0' => out.push(0),
            b'e' => out.push(0x1b),
            b'\\' => out.push(b'\\'),
            b'"' => out.push(b'"'),
            b'x' => {
                let h = s.get(i..i + 2).ok_or("short \\x escape")?;
                out.push(u8::from_str_radix(h, 16).map_err(|e| format!("\\x{h}: {e}"))?);
                i += 2;
            }
            other => return Err(format!("unknown escape \\{}", other as char)),
        }
    }
    Ok(out)
}

/// `250ms`, `2s`, `1.5s`.
fn duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if let Some(ms) = s.strip_suffix("ms") {
        return ms
            .parse()
            .map(Duration::from_millis)
            .map_err(|e| format!("{s}: {e}"));
    }
    let secs = s.strip_suffix('s').ok_or(format!("{s}: want ms or s"))?;
    secs.parse::<f64>()
        .map(Duration::from_secs_f64)
        .map_err(|e| format!("{s}: {e}"))
}

/// `512`, `64K`, `10M`, `1G` (binary units).
fn size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, mul) = match s.chars().last() {
        Some('K') => (&s[..s.len() - 1], 1u64 << 10),
        Some('M') => (&s[..s.len() - 1], 1 << 20),
        Some('G') => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    num.parse::<u64>()
        .map(|n| n * mul)
        .map_err(|e| format!("{s}: {e}"))
}

/// Shell-like splitting: whitespace separates, '...' and "..." quote; inside "..." the
/// escapes of [`unescape`] apply (to put a CR or a NUL in an argument).
fn split_args(s: &str) -> Result<Vec<String>, String> {
    let mut args = Vec::new();
    let mut cur = String::new();
    let mut have = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                have = true;
                let mut quoted = String::new();
                loop {
                    match chars.next() {
                        Some(q) if q == c => break,
                        Some(x) => quoted.push(x),
                        None => return Err("unterminated quote".into()),
                    }
                }
                if c == '"' {
                    let bytes = unescape(&quoted)?;
                    quoted = String::from_utf8(bytes).map_err(|e| e.to_string())?;
                }
                cur.push_str(&quoted);
            }
            c if c.is_whitespace() => {
                if have {
                    args.push(std::mem::take(&mut cur));
                    have = false;
                }
            }
            _ => {
                have = true;
                cur.push(c);
            }
        }
    }
    if have {
        args.push(cur);
    }
    Ok(args)
}

/// `gen: ENCODINGS CONTENT SIZE`: SIZE bytes of `zeros` or `a` (the letter), then each
/// encoding of the comma-separated list applied in order (`identity`, `gzip`, `deflate` for
/// zlib, `rawdeflate`, `br`).
fn generate(spec: &str) -> Result<Vec<u8>, String> {
    use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};
    use flate2::Compression;
    let parts: Vec<&str> = spec.split_whitespace().collect();
    let [encs, content, n] = parts[..] else {
        return Err(format!("gen: want ENCODINGS CONTENT SIZE, got {spec:?}"));
    };
    let n = size(n)? as usize;
    let mut data = match content {
        "zeros" => vec![0u8; n],
        "a" => vec![b'a'; n],
        "newlines" => vec![b'\n'; n],
        other => return Err(format!("gen: unknown content {other}")),
    };
    for enc in encs.split(',') {
        data = match enc {
            "identity" => data,
            "gzip" => {
                let mut e = GzEncoder::new(Vec::new(), Compression::best());
                e.write_all(&data).unwrap();
                e.finish().unwrap()
            }
            "deflate" => {
                let mut e = ZlibEncoder::new(Vec::new(), Compression::best());
                e.write_all(&data).unwrap();
                e.finish().unwrap()
            }
            "rawdeflate" => {
                let mut e = DeflateEncoder::new(Vec::new(), Compression::best());
                e.write_all(&data).unwrap();
                e.finish().unwrap()
            }
            "br" => {
                let mut out = Vec::new();
                {
                    let mut w = brotli::CompressorWriter::new(&mut out, 4096, 9, 22);
                    w.write_all(&data).unwrap();
                }
                out
            }
            other => return Err(format!("gen: unknown encoding {other}")),
        };
    }
    Ok(data)
}

/// `PATH = CONTENT` (CONTENT may be empty); PATH takes the escapes too.
fn path_and(val: &str) -> Result<(String, &str), String> {
    let (p, rest) = val.split_once(" =").ok_or("want PATH = CONTENT")?;
    let p = String::from_utf8(unescape(p.trim())?).map_err(|e| e.to_string())?;
    Ok((p, rest.strip_prefix(' ').unwrap_or(rest)))
}

fn parse_case(text: &str) -> Result<Case, String> {
    let mut c = Case::default();
    let mut lines = text.lines().enumerate();
    let mut srv: Option<usize> = None;
    while let Some((no, line)) = lines.next() {
        let err = |m: String| format!("line {}: {m}", no + 1);
        let line = line.trim_end();
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let (key, val) = match line.split_once(':') {
            Some((k, v)) if !k.contains(' ') || k.starts_with("drip ") || k == "send <<" => {
                (k.trim(), v.strip_prefix(' ').unwrap_or(v))
            }
            _ => (line.trim(), ""),
        };
        // `send <<` ... `>>`: the lines between, joined with CRLF, escapes applied.
        if line.trim() == "send <<" {
            let mut joined = Vec::new();
            let mut first = true;
            loop {
                let (_, l) = lines
                    .next()
                    .ok_or_else(|| err("unterminated send <<".into()))?;
                if l.trim_end() == ">>" {
                    break;
                }
                if !first {
                    joined.extend_from_slice(b"\r\n");
                }
                first = false;
                joined.extend(unescape(l).map_err(err)?);
            }
            let s = srv.ok_or_else(|| err("send before reply".into()))?;
            c.replies[s].last_mut().unwrap().push(RawStep::Send(joined));
            continue;
        }
        let step = |c: &mut Case, st: RawStep| -> Result<(), String> {
            let s = srv.ok_or_else(|| err("step before reply".into()))?;
            c.replies[s].last_mut().unwrap().push(st);
            Ok(())
        };
        match key {
            "category" => c.category = val.trim().to_string(),
            "desc" => {}
            "known-failure" => c.known_failure = Some(val.trim().to_string()),
            "run" => c.args = split_args(val).map_err(err)?,
            "env" => {
                let (k, v) = val
                    .split_once('=')
                    .ok_or_else(|| err("want NAME=VALUE".into()))?;
                c.env.push((k.to_string(), v.to_string()))
            }
            "stdin" => c.stdin = Some(unescape(val).map_err(err)?),
            "file" | "config-file" => {
                let (p, content) = path_and(val).map_err(err)?;
                let entry = (p, unescape(content).map_err(err)?);
                if key == "file" {
                    c.files.push(entry)
                } else {
                    c.config_files.push(entry)
                }
            }
            "reply" | "reply2" => {
                let s = usize::from(key == "reply2");
                c.replies[s].push(Vec::new());
                srv = Some(s);
            }
            "send" => step(&mut c, RawStep::Send(unescape(val).map_err(err)?))?,
            "gen" => step(&mut c, RawStep::Gen(generate(val).map_err(err)?))?,
            "sleep" => step(&mut c, RawStep::Sleep(duration(val).map_err(err)?))?,
            "close" => step(&mut c, RawStep::Close)?,
            "reset" => step(&mut c, RawStep::Reset)?,
            "hang" => step(&mut c, RawStep::Hang)?,
            k if k.starts_with("drip ") => {
                let d = duration(&k[5..]).map_err(err)?;
                step(&mut c, RawStep::Drip(unescape(val).map_err(err)?, d))?
            }
            "exit" if val.trim() == "any" => c.expect.push(Expect::Exit(-1)),
            "exit" => c.expect.push(Expect::Exit(
                val.trim().parse().map_err(|e| err(format!("{e}")))?,
            )),
            "stderr-match" => c.expect.push(Expect::StderrMatch(
                regex_lite::Regex::new(val).map_err(|e| err(e.to_string()))?,
            )),
            "stderr-has" => c.expect.push(Expect::StderrHas(val.to_string())),
            "stderr-lacks" => c.expect.push(Expect::StderrLacks(val.to_string())),
            "stdout-has" => c
                .expect
                .push(Expect::StdoutHas(unescape(val).map_err(err)?)),
            "stdout-lacks" => c
                .expect
                .push(Expect::StdoutLacks(unescape(val).map_err(err)?)),
            "stdout-is" => c.expect.push(Expect::StdoutIs(unescape(val).map_err(err)?)),
            "stdout-max-bytes" => c
                .expect
                .push(Expect::StdoutMaxBytes(size(val).map_err(err)? as usize)),
            "file-is" | "file-has" => {
                let (p, content) = path_and(val).map_err(err)?;
                let content = unescape(content).map_err(err)?;
                c.expect.push(if key == "file-is" {
                    Expect::FileIs(p, content)
                } else {
                    Expect::FileHas(p, content)
                });
            }
            "file-absent" => {
                let p = String::from_utf8(unescape(val.trim()).map_err(err)?)
                    .map_err(|e| err(e.to_string()))?;
                c.expect.push(Expect::FileAbsent(p))
            }
            "file-max-bytes" => {
                let (p, n) = path_and(val).map_err(err)?;
                c.expect
                    .push(Expect::FileMaxBytes(p, size(n).map_err(err)?));
            }
            "no-files" => c.expect.push(Expect::NoFiles),
            "request-has" | "request2-has" => c.expect.push(Expect::RequestHas(
                usize::from(key == "request2-has"),
                unescape(val).map_err(err)?,
            )),
            "request-lacks" | "request2-lacks" => c.expect.push(Expect::RequestLacks(
                usize::from(key == "request2-lacks"),
                unescape(val).map_err(err)?,
            )),
            "last-request-lacks" | "last-request2-lacks" => {
                c.expect.push(Expect::LastRequestLacks(
                    usize::from(key == "last-request2-lacks"),
                    unescape(val).map_err(err)?,
                ))
            }
            "requests" | "requests2" => c.expect.push(Expect::Requests(
                usize::from(key == "requests2"),
                val.trim().parse().map_err(|e| err(format!("{e}")))?,
            )),
            "time-max" => c.time_max = Some(duration(val).map_err(err)?),
            "rss-max" => c.rss_max = Some(size(val).map_err(err)?),
            other => return Err(err(format!("unknown directive {other:?}"))),
        }
    }
    if c.args.is_empty() {
        return Err("no `run:` line".into());
    }
    if !c.expect.iter().any(|e| matches!(e, Expect::Exit(_))) {
        return Err("no `exit:` line".into());
    }
    Ok(c)
}

#[derive(Clone)]
struct Vars {
    pairs: Vec<(&'static str, String)>,
}

impl Vars {
    fn apply(&self, s: &str) -> String {
        let mut s = s.to_string();
        for (k, v) in &self.pairs {
            s = s.replace(k, v);
        }
        s
    }
    fn apply_bytes(&self, b: &[u8]) -> Vec<u8> {
        if !b.contains(&b'{') {
            return b.to_vec();
        }
        let mut out = b.to_vec();
        for (k, v) in &self.pairs {
            let mut next = Vec::with_capacity(out.len());
            let mut i = 0;
            while i < out.len() {
                if out[i..].starts_with(k.as_bytes()) {
                    next.extend_from_slice(v.as_bytes());
                    i += k.len();
                } else {
                    next.push(out[i]);
                    i += 1;
                }
            }
            out = next;
        }
        out
    }
}

fn to_reply(steps: &[RawStep], vars: &Vars) -> Reply {
    let genlen: usize = steps
        .iter()
        .map(|s| if let RawStep::Gen(g) = s { g.len() } else { 0 })
        .sum();
    let mut vars = Vars {
        pairs: vars.pairs.clone(),
    };
    vars.pairs.push(("{genlen}", genlen.to_string()));
    Reply::steps(
        steps
            .iter()
            .map(|s| match s {
                RawStep::Send(b) => Step::Send(vars.apply_bytes(b)),
                RawStep::Gen(b) => Step::Send(b.clone()),
                RawStep::Drip(b, d) => Step::Drip(vars.apply_bytes(b), *d),
                RawStep::Sleep(d) => Step::Sleep(*d),
                RawStep::Close => Step::Close,
                RawStep::Reset => Step::Reset,
                RawStep::Hang => Step::Hang,
            })
            .collect(),
    )
}

fn read_all<R: Read + Send + 'static>(mut r: R) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut v = Vec::new();
        let _ = r.read_to_end(&mut v);
        v
    })
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

fn files_under(root: &Path, dir: &Path, out: &mut Vec<String>) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                files_under(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
}

/// Runs one case; `Err` lists what went wrong.
fn run_case(c: &Case) -> Result<(), String> {
    let home = tempfile::TempDir::new().unwrap();
    let run_dir = home.path().join("run");
    let config = home.path().join("courier-config");
    std::fs::create_dir_all(&run_dir).unwrap();
    std::fs::create_dir_all(&config).unwrap();
    let closed = crate::support::closed_port();
    // The servers pick each reply when its request arrives, so that a script may name the
    // ports of both servers (known only once both listen).
    let cell: Arc<OnceLock<Vars>> = Arc::new(OnceLock::new());
    let mut ports = [closed, closed];
    let mut servers = Vec::new();
    for (i, port) in ports.iter_mut().enumerate() {
        if c.replies[i].is_empty() {
            servers.push(None);
            continue;
        }
        let steps = c.replies[i].clone();
        let cell = Arc::clone(&cell);
        let srv = Server::start_fn(move |n, _| {
            let vars = cell.get().expect("variables set before the run");
            to_reply(&steps[n.min(steps.len() - 1)], vars)
        });
        *port = srv.port();
        servers.push(Some(srv));
    }
    let [p1, p2] = ports;
    let vars = Vars {
        pairs: vec![
            ("{url}", format!("http://127.0.0.1:{p1}")),
            ("{url2}", format!("http://127.0.0.1:{p2}")),
            ("{hostdir}", format!("127.0.0.1_{p1}")),
            ("{host}", format!("127.0.0.1:{p1}")),
            ("{host2}", format!("127.0.0.1:{p2}")),
            ("{port}", p1.to_string()),
            ("{port2}", p2.to_string()),
            ("{closed}", closed.to_string()),
            ("{dir}", run_dir.display().to_string()),
            ("{config}", config.display().to_string()),
        ],
    };
    let _ = cell.set(vars.clone());
    for (p, content) in &c.files {
        let p = run_dir.join(vars.apply(p));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, vars.apply_bytes(content)).unwrap();
    }
    for (p, content) in &c.config_files {
        let p = config.join(vars.apply(p));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, vars.apply_bytes(content)).unwrap();
    }

    let mut args = c.args.iter().map(|a| vars.apply(a));
    let prog = args.next().unwrap();
    let mut cmd = Command::new(bin_path(&prog));
    cmd.args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("COURIER_CONFIG_DIR", &config)
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .current_dir(&run_dir)
        .stdin(if c.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in &c.env {
        cmd.env(k, vars.apply(v));
    }
    if let Some(p) = std::env::var_os("PATH") {
        cmd.env("PATH", p);
    }
    let kill_after = c
        .time_max
        .map(|t| t + Duration::from_secs(5))
        .unwrap_or(DEFAULT_KILL);
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot spawn {prog}: {e}"))?;
    let feeder = c.stdin.clone().map(|bytes| {
        let mut pipe = child.stdin.take().unwrap();
        thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        })
    });
    let out = read_all(child.stdout.take().unwrap());
    let errs = read_all(child.stderr.take().unwrap());
    let pid = child.id() as libc::pid_t;
    let mut killed = false;
    // ru_maxrss of a forked child counts the parent's pages before exec; VmHWM is per image.
    let mut hwm_kib = 0u64;
    let (status, _) = loop {
        if let Ok(st) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            if let Some(l) = st.lines().find(|l| l.starts_with("VmHWM:")) {
                let kib = l[6..]
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse()
                    .unwrap_or(0);
                hwm_kib = hwm_kib.max(kib);
            }
        }
        let mut st: libc::c_int = 0;
        // SAFETY: an all-zero rusage is valid; wait4 writes it for our own child only.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: waits for our own child, with valid pointers.
        let r = unsafe { libc::wait4(pid, &mut st, libc::WNOHANG, &mut ru) };
        if r == pid {
            break (st, ru.ru_maxrss as u64);
        }
        if r < 0 {
            return Err("wait4 failed".into());
        }
        // A run far past its memory bound is stopped before it can hurt the machine.
        let runaway = c
            .rss_max
            .is_some_and(|m| hwm_kib * 1024 > m.saturating_mul(4));
        if !killed && (start.elapsed() > kill_after || runaway) {
            let _ = child.kill();
            killed = true;
        }
        thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    let rss_kib = hwm_kib;
    if let Some(f) = feeder {
        let _ = f.join();
    }
    let stdout = out.join().unwrap();
    let stderr_b = errs.join().unwrap();
    let stderr = String::from_utf8_lossy(&stderr_b).into_owned();
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));

    let mut fails = Vec::new();
    if killed {
        fails.push(format!(
            "killed at {elapsed:?} (time limit {kill_after:?}, or 4 times rss-max)"
        ));
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        fails.push("panicked".into());
    }
    if let Some(t) = c.time_max {
        if elapsed > t {
            fails.push(format!("took {elapsed:?}, more than {t:?}"));
        }
    }
    if let Some(m) = c.rss_max {
        if rss_kib * 1024 > m {
            fails.push(format!(
                "peak RSS {} KiB, more than {} KiB",
                rss_kib,
                m / 1024
            ));
        }
    }
    let requests = |i: usize| -> Vec<u8> {
        servers[i]
            .as_ref()
            .map(|s| s.requests().into_iter().flat_map(|r| r.raw).collect())
            .unwrap_or_default()
    };
    let show = |b: &[u8]| {
        let s = String::from_utf8_lossy(b);
        let cut: String = s.chars().take(300).collect();
        format!("{cut:?}")
    };
    for e in &c.expect {
        match e {
            Expect::Exit(want) if *want >= 0 && code != Some(*want) => {
                fails.push(format!("exit {code:?}, want {want}"))
            }
            Expect::StderrMatch(re) if !re.is_match(&stderr) => {
                fails.push(format!("stderr does not match /{}/", re.as_str()))
            }
            Expect::StderrHas(s) if !stderr.contains(&vars.apply(s)) => {
                fails.push(format!("stderr lacks {s:?}"))
            }
            Expect::StderrLacks(s) if stderr.contains(&vars.apply(s)) => {
                fails.push(format!("stderr has {s:?}"))
            }
            Expect::StdoutHas(b) if !contains(&stdout, &vars.apply_bytes(b)) => {
                fails.push(format!("stdout lacks {}", show(b)))
            }
            Expect::StdoutLacks(b) if contains(&stdout, &vars.apply_bytes(b)) => {
                fails.push(format!("stdout has {}", show(b)))
            }
            Expect::StdoutIs(b) if stdout != vars.apply_bytes(b) => {
                fails.push(format!("stdout is {}, want {}", show(&stdout), show(b)))
            }
            Expect::StdoutMaxBytes(n) if stdout.len() > *n => {
                fails.push(format!("stdout has {} bytes, more than {n}", stdout.len()))
            }
            Expect::FileIs(p, want) | Expect::FileHas(p, want) => {
                let path: PathBuf = run_dir.join(vars.apply(p));
                match std::fs::read(&path) {
                    Err(e) => fails.push(format!("file {p}: {e}")),
                    Ok(got) => {
                        let want = vars.apply_bytes(want);
                        let ok = if matches!(e, Expect::FileIs(..)) {
                            got == want
                        } else {
                            contains(&got, &want)
                        };
                        if !ok {
                            fails.push(format!("file {p} is {}, want {}", show(&got), show(&want)));
                        }
                    }
                }
            }
            Expect::FileAbsent(p)
                if std::fs::symlink_metadata(run_dir.join(vars.apply(p))).is_ok() =>
            {
                fails.push(format!("file {p} exists"))
            }
            Expect::FileMaxBytes(p, n) => match std::fs::metadata(run_dir.join(vars.apply(p))) {
                Ok(m) if m.len() > *n => fails.push(format!("file {p} has {} bytes", m.len())),
                Ok(_) => {}
                // A missing file is no evidence of a bounded one.
                Err(e) => fails.push(format!("file {p}: {e}")),
            },
            Expect::NoFiles => {
                let mut found = Vec::new();
                files_under(home.path(), home.path(), &mut found);
                let pre: Vec<String> = c
                    .files
                    .iter()
                    .map(|(p, _)| format!("run/{}", vars.apply(p)))
                    .chain(
                        c.config_files
                            .iter()
                            .map(|(p, _)| format!("courier-config/{}", vars.apply(p))),
                    )
                    .collect();
                found.retain(|f| !pre.contains(f));
                if !found.is_empty() {
                    fails.push(format!("files written: {found:?}"));
                }
            }
            Expect::RequestHas(i, b) if !contains(&requests(*i), &vars.apply_bytes(b)) => {
                fails.push(format!("server {} got no {}", i + 1, show(b)))
            }
            Expect::RequestLacks(i, b) => {
                let got = requests(*i);
                // A server that got nothing lacks everything: that would prove nothing.
                if got.is_empty() {
                    fails.push(format!("server {} got no request", i + 1));
                } else if contains(&got, &vars.apply_bytes(b)) {
                    fails.push(format!("server {} got {}", i + 1, show(b)));
                }
            }
            Expect::LastRequestLacks(i, b) => {
                let last = servers[*i].as_ref().and_then(|s| s.requests().pop());
                match last {
                    None => fails.push(format!("server {} got no request", i + 1)),
                    Some(r) if contains(&r.raw, &vars.apply_bytes(b)) => {
                        fails.push(format!("last request to server {} has {}", i + 1, show(b)))
                    }
                    Some(_) => {}
                }
            }
            Expect::Requests(i, n) => {
                let got = servers[*i]
                    .as_ref()
                    .map(|s| s.requests().len())
                    .unwrap_or(0);
                if got != *n {
                    fails.push(format!("server {} got {got} requests, want {n}", i + 1));
                }
            }
            _ => {}
        }
    }
    if fails.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n    exit {code:?} in {elapsed:?}, rss {rss_kib} KiB\n    stdout: {}\n    stderr: {}",
            fails.join("; "),
            show(&stdout),
            show(stderr.as_bytes())
        ))
    }
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases")
}

#[test]
fn every_case_file() {
    let filter = std::env::var("COURIER_CASES").unwrap_or_default();
    // `COURIER_CASES_KNOWN=1` runs the known failures too, and fails on those that pass now.
    let run_known = std::env::var_os("COURIER_CASES_KNOWN").is_some();
    let mut names: Vec<String> = std::fs::read_dir(cases_dir())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".case") && n.contains(&filter))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no case files under tests/cases");
    let queue = Arc::new(Mutex::new(names.clone()));
    let results = Arc::new(Mutex::new(
        Vec::<(String, Result<Option<String>, String>)>::new(),
    ));
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let queue = Arc::clone(&queue);
            let results = Arc::clone(&results);
            thread::spawn(move || loop {
                let run_known = run_known;
                let Some(name) = queue.lock().unwrap().pop() else {
                    return;
                };
                let text = std::fs::read_to_string(cases_dir().join(&name)).unwrap();
                let outcome = match parse_case(&text) {
                    Err(e) => Err(format!("bad case file: {e}")),
                    Ok(c) if c.known_failure.is_some() && !run_known => Ok(c.known_failure.clone()),
                    Ok(c) if c.known_failure.is_some() => match run_case(&c) {
                        Ok(()) => Err("passes now: remove its `known-failure:` line".into()),
                        Err(e) => Ok(Some(format!(
                            "{} (still fails: {e})",
                            c.known_failure.clone().unwrap()
                        ))),
                    },
                    Ok(c) => run_case(&c).map(|()| None),
                };
                results.lock().unwrap().push((name, outcome));
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let mut results = std::mem::take(&mut *results.lock().unwrap());
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let mut failed = Vec::new();
    for (name, r) in &results {
        match r {
            Ok(Some(why)) => eprintln!("case {name}: skipped, known failure: {why}"),
            Ok(None) => {}
            Err(e) => failed.push(format!("{name}: {e}")),
        }
    }
    eprintln!(
        "{} cases: {} passed, {} known failures, {} failed",
        results.len(),
        results.len()
            - failed.len()
            - results
                .iter()
                .filter(|r| matches!(r.1, Ok(Some(_))))
                .count(),
        results
            .iter()
            .filter(|r| matches!(r.1, Ok(Some(_))))
            .count(),
        failed.len()
    );
    assert!(
        failed.is_empty(),
        "{} failing cases:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
