//! `--download`: the body goes to a file (or to stdout when it is redirected and no `-o` is
//! given) with progress on stderr; resume with `--continue`; nothing clobbered, nothing lost.

pub mod filename;

use std::cell::Cell;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use url::Url;

use crate::exit::ExitStatus;
use crate::progress::Progress;
use crate::spec::RequestSpec;
use crate::wire::ResponseHead;

/// Large enough that the per-chunk cost vanishes, small enough for constant memory.
const CHUNK: usize = 256 * 1024;

#[derive(Debug, Clone)]
pub struct DownloadOptions {
    /// `-o FILE`.
    pub output: Option<PathBuf>,
    /// `--continue`.
    pub resume: bool,
    /// stdout is redirected and there is no `-o`: the body goes there.
    pub to_stdout: bool,
    pub stderr_tty: bool,
    /// `-q`: no progress lines at all.
    pub quiet: bool,
}

pub struct Download {
    opts: DownloadOptions,
    /// Bytes already in the `-o` file when resuming.
    /// Changes when a retry resumes from where the failed attempt stopped.
    resume_from: Cell<u64>,
    /// The URL the user asked for: names come from it, never from a redirect target.
    first_url: Url,
}

/// `bytes START-END/TOTAL`, `bytes */TOTAL` (TOTAL may be `*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentRange {
    pub range: Option<(u64, u64)>,
    pub total: Option<u64>,
}

pub fn parse_content_range(value: &str) -> Option<ContentRange> {
    let rest = value.trim().strip_prefix("bytes")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse().ok()?),
    };
    let range = match range.trim() {
        "*" => None,
        r => {
            let (a, b) = r.split_once('-')?;
            let (a, b): (u64, u64) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            if b < a || total.is_some_and(|t| b >= t) {
                return None;
            }
            Some((a, b))
        }
    };
    Some(ContentRange { range, total })
}

fn header_text(head: &ResponseHead, name: &str) -> Option<String> {
    head.header(name)
        .map(|v| String::from_utf8_lossy(v).trim().to_string())
}

impl Download {
    /// Sets up the request: `Accept-Encoding: identity` (the file is the bytes as stored), and
    /// `Range: bytes=N-` when resuming a non-empty `-o` file.
    pub fn prepare(opts: DownloadOptions, spec: &mut RequestSpec) -> Result<Download> {
        if opts.resume && opts.output.is_none() {
            bail!("--continue requires --output to be specified");
        }
        let resume_from = match (&opts.output, opts.resume) {
            (Some(path), true) => std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
            _ => 0,
        };
        spec.set_header("Accept-Encoding", "identity");
        if resume_from > 0 {
            spec.set_header("Range", &format!("bytes={resume_from}-"));
        }
        Ok(Download {
            opts,
            resume_from: Cell::new(resume_from),
            first_url: spec.url.clone(),
        })
    }

    /// Prepares a retry after the download was cut short: with `--continue`, the request asks
    /// for the rest (`Range` from the file's size now). `false` when the download cannot resume
    /// (no `--continue`, or the body went to stdout).
    pub fn resume_again(&self, spec: &mut RequestSpec) -> bool {
        let (true, Some(path)) = (self.opts.resume, &self.opts.output) else {
            return false;
        };
        let have = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        self.resume_from.set(have);
        spec.headers
            .retain(|h| !h.name.eq_ignore_ascii_case("Range"));
        if have > 0 {
            spec.set_header("Range", &format!("bytes={have}-"));
        }
        true
    }

    /// Saves the final response's body. An error status saves nothing and returns 4 or 5.
    pub fn receive(
        &self,
        head: &ResponseHead,
        mut body: Box<dyn Read + Send>,
        body_error: &dyn Fn(io::Error) -> anyhow::Error,
    ) -> Result<ExitStatus> {
        let status = head.status;
        if status >= 400 && !(status == 416 && self.resume_from.get() > 0) {
            return Ok(ExitStatus::for_http_status(status));
        }
        let length = header_text(head, "Content-Length").and_then(|v| v.parse::<u64>().ok());
        let encoded = head.header("Content-Encoding").is_some_and(|v| {
            !String::from_utf8_lossy(v)
                .trim()
                .eq_ignore_ascii_case("identity")
        });

        let Some((mut sink, offset, shown, until)) = self.destination(head, encoded)? else {
            return Ok(ExitStatus::Success);
        };
        let total = length.map(|l| l + offset);
        let doing = match offset {
            0 => format!("Downloading to {shown}"),
            n => format!("Resuming download to {shown} from byte {n}"),
        };
        let progress = match self.opts.quiet {
            true => Progress::silent(),
            false => Progress::start(&doing, total, offset, self.opts.stderr_tty),
        };

        let mut received = 0u64;
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = match body.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    progress.abandon();
                    // The cause stays in the chain: a timeout still exits 2.
                    let got = offset + received;
                    return Err(body_error(e).context(match total {
                        Some(size) => format!("Incomplete download: size={size}; downloaded={got}"),
                        None => format!("Incomplete download: downloaded={got}"),
                    }));
                }
            };
            // A resumed range ends where its Content-Range says: never write past it.
            let room = until.map_or(n as u64, |u| u.saturating_sub(offset + received));
            let take = (n as u64).min(room) as usize;
            sink.write_all(&buf[..take])
                .with_context(|| format!("cannot write to {shown}"))?;
            received += take as u64;
            if take < n {
                progress.abandon();
                bail!(
                    "Invalid download: the server sent more than the range it announced \
                     (Content-Range up to byte {}); {shown} was written up to there",
                    until.unwrap_or_default().saturating_sub(1)
                );
            }
            progress.add(n as u64);
        }
        sink.flush()
            .with_context(|| format!("cannot write to {shown}"))?;
        if let Some(size) = total.filter(|_| !encoded) {
            if offset + received < size {
                progress.abandon();
                bail!(
                    "Incomplete download: size={size}; downloaded={}",
                    offset + received
                );
            }
        }
        progress.done(received);
        Ok(ExitStatus::Success)
    }

    /// Where the bytes go, from which offset, how the destination is named, and where the file
    /// must end (a resumed range); `None` when a resumed file turns out to be complete already.
    fn destination(&self, head: &ResponseHead, encoded: bool) -> Result<Option<Destination>> {
        Ok(Some(match self.resume_reply(head, encoded)? {
            Resume::AlreadyComplete => {
                if !self.opts.quiet {
                    eprintln!(
                        "Done. The file is already complete ({} bytes).",
                        self.resume_from.get()
                    );
                }
                return Ok(None);
            }
            Resume::Append { until } => {
                let path = self.opts.output.clone().unwrap_or_default();
                let file = OpenOptions::new()
                    .append(true)
                    .open(&path)
                    .with_context(|| format!("cannot open {}", path.display()))?;
                (
                    Sink::File(file),
                    self.resume_from.get(),
                    path.display().to_string(),
                    Some(until),
                )
            }
            Resume::FromStart => {
                let (sink, offset, shown) = self.open_destination(head)?;
                (sink, offset, shown, None)
            }
        }))
    }

    /// What a reply to a resumed request means for the file.
    fn resume_reply(&self, head: &ResponseHead, encoded: bool) -> Result<Resume> {
        if self.resume_from.get() == 0 {
            return Ok(Resume::FromStart);
        }
        let asked = format!("bytes={}-", self.resume_from.get());
        let range = header_text(head, "Content-Range");
        match head.status {
            206 => {
                if encoded {
                    bail!("Refusing to resume: the server sent the rest with a Content-Encoding; the file is left as it was");
                }
                let Some(value) = range else {
                    bail!("Missing Content-Range in the 206 reply to Range: {asked}; the file is left as it was");
                };
                match parse_content_range(&value) {
                    // It must start where the file ends and, when the total is known, run to
                    // the end: a short part would leave a file that looks complete but isn't.
                    Some(ContentRange {
                        range: Some((start, end)),
                        total,
                    }) if start == self.resume_from.get() && total.is_none_or(|t| end + 1 == t) => {
                        Ok(Resume::Append { until: end + 1 })
                    }
                    Some(_) => bail!(
                        "Unexpected Content-Range returned ({value:?}) for the requested Range ({asked}): \
                         the file is left as it was"
                    ),
                    None => bail!("Invalid Content-Range returned ({value:?}); the file is left as it was"),
                }
            }
            416 => match range.as_deref().and_then(parse_content_range) {
                Some(ContentRange {
                    range: None,
                    total: Some(total),
                }) if total == self.resume_from.get() => Ok(Resume::AlreadyComplete),
                _ => bail!(
                    "The server refused Range: {asked} (416) without confirming that the file is \
                     complete; the file is left as it was"
                ),
            },
            // The server ignored the Range: start over.
            _ => Ok(Resume::FromStart),
        }
    }

    fn open_destination(&self, head: &ResponseHead) -> Result<(Sink, u64, String)> {
        if let Some(path) = &self.opts.output {
            let file =
                File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            return Ok((Sink::File(file), 0, path.display().to_string()));
        }
        if self.opts.to_stdout {
            return Ok((Sink::Stdout(io::stdout()), 0, "<stdout>".to_string()));
        }
        let name = filename::choose(
            head.header("Content-Disposition"),
            &self.first_url,
            header_text(head, "Content-Type").as_deref(),
        );
        let (path, file) = filename::create_unique(Path::new("."), &name)
            .with_context(|| format!("cannot create a file for the download ({name})"))?;
        let shown = path
            .strip_prefix(".")
            .unwrap_or(&path)
            .display()
            .to_string();
        Ok((Sink::File(file), 0, shown))
    }
}

enum Resume {
    FromStart,
    /// Append the rest; the file ends at byte `until` (exclusive), as Content-Range says.
    Append {
        until: u64,
    },
    AlreadyComplete,
}

/// Where the bytes go, from which offset, how it is named, and where a resumed range ends.
type Destination = (Sink, u64, String, Option<u64>);

enum Sink {
    File(File),
    Stdout(io::Stdout),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::File(f) => f.write(buf),
            Sink::Stdout(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::File(f) => f.flush(),
            Sink::Stdout(s) => s.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges() {
        assert_eq!(
            parse_content_range("bytes 5-10/11"),
            Some(ContentRange {
                range: Some((5, 10)),
                total: Some(11)
            })
        );
        assert_eq!(
            parse_content_range("bytes */100"),
            Some(ContentRange {
                range: None,
                total: Some(100)
            })
        );
        assert_eq!(parse_content_range("bytes 0-4/*").unwrap().total, None);
        for bad in [
            "bytes 10-5/20",
            "bytes 5-20/20",
            "items 0-1/2",
            "bytes x-y/z",
            "bytes 1-2",
        ] {
            assert_eq!(parse_content_range(bad), None, "{bad}");
        }
    }
}
