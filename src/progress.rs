//! Transfer progress on stderr: a bar (bytes, percent, speed, ETA) when the size is known, a
//! spinner with bytes and speed when it is not, and a one-line summary at the end. When stderr
//! is not a terminal: one start line and the summary, nothing in between.
//!
//! The transfer loop only bumps an atomic counter; indicatif redraws at most a few times a
//! second on its own schedule, so the bar costs nothing per chunk.

use std::time::{Duration, Instant};

use indicatif::{DecimalBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::pretty::sanitize::inert;

#[derive(Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    quiet: bool,
}

/// `1.07 GB in 1.3s (824 MB/s)`.
pub fn summary(bytes: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64().max(1e-6);
    format!(
        "{} in {:.1}s ({}/s)",
        DecimalBytes(bytes),
        elapsed.as_secs_f64(),
        DecimalBytes((bytes as f64 / secs) as u64)
    )
}

impl Progress {
    /// `doing` says what happens, e.g. "Downloading to file.iso" (shown inert).
    pub fn start(doing: &str, total: Option<u64>, already: u64, stderr_tty: bool) -> Progress {
        let doing = inert(doing).into_owned();
        let bar = if stderr_tty {
            let target = ProgressDrawTarget::stderr_with_hz(8);
            let bar = match total {
                Some(total) => {
                    let bar = ProgressBar::with_draw_target(Some(total), target);
                    bar.set_style(
                        ProgressStyle::with_template(
                            "[{wide_bar}] {percent:>3}% {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec} ETA {eta}",
                        )
                        .unwrap_or_else(|_| ProgressStyle::default_bar())
                        .progress_chars("=> "),
                    );
                    bar
                }
                None => {
                    let bar = ProgressBar::with_draw_target(None, target);
                    bar.set_style(
                        ProgressStyle::with_template(
                            "{msg} {spinner} {decimal_bytes} {decimal_bytes_per_sec}",
                        )
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    );
                    bar
                }
            };
            // The name goes on its own line, so the bar fits any terminal width.
            eprintln!("{doing}");
            bar.set_position(already);
            bar.reset_eta();
            Some(bar)
        } else {
            let size = total
                .map(|t| format!(" ({})", DecimalBytes(t)))
                .unwrap_or_default();
            eprintln!("{doing}{size}");
            None
        };
        Progress {
            bar,
            started: Instant::now(),
            quiet: false,
        }
    }

    /// No output at all (`-q`): no bar, no start line, no summary.
    pub fn silent() -> Progress {
        Progress {
            bar: None,
            started: Instant::now(),
            quiet: true,
        }
    }

    pub fn add(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    /// Clears the bar and prints `Done. <summary>`.
    pub fn done(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if !self.quiet {
            eprintln!("Done. {}", summary(bytes, self.started.elapsed()));
        }
    }

    /// Leaves the line clean after an error (the error follows on its own line).
    pub fn abandon(&self) {
        if let Some(bar) = &self.bar {
            bar.abandon();
            // The bar stays, with the cursor at its end: the error starts a line of its own.
            eprintln!();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_reads_like_the_readme() {
        assert_eq!(
            summary(1_070_000_000, Duration::from_millis(1300)),
            "1.07 GB in 1.3s (823.08 MB/s)"
        );
    }
}
