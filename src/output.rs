//! What is printed, and how messages are separated, as HTTPie does it.
//!
//! Messages are written to stdout as they go over the wire: the request head when it has been
//! sent, its body as it is read for sending, the response head when it arrives and its body as
//! it streams in. Nothing is buffered whole. Bytes are written unmodified (pretty-printing is a
//! later layer); a reader that goes away (`| head`) ends output quietly.

use std::io::{self, Write};
use std::sync::{Arc, Mutex, MutexGuard};

use anyhow::{bail, Result};

/// Which parts of the exchange to print (`--print` letters).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PrintSet {
    pub request_head: bool,
    pub request_body: bool,
    pub response_head: bool,
    pub response_body: bool,
    /// `m`: the elapsed time and where it went, after the response.
    pub meta: bool,
}

impl PrintSet {
    pub fn parse(letters: &str) -> Result<PrintSet> {
        let mut set = PrintSet::default();
        for c in letters.chars() {
            match c {
                'H' => set.request_head = true,
                'B' => set.request_body = true,
                'h' => set.response_head = true,
                'b' => set.response_body = true,
                'm' => set.meta = true,
                _ => bail!("Unknown output options: --print={letters}"),
            }
        }
        Ok(set)
    }

    pub fn any_request(&self) -> bool {
        self.request_head || self.request_body
    }

    pub fn any_response(&self) -> bool {
        self.response_head || self.response_body
    }

    /// Whether the response has to be received at all to print what was asked.
    pub fn needs_response_body(&self) -> bool {
        self.response_body || self.meta
    }
}

/// The choices that decide what to print, from the command line and the terminal.
pub struct PrintChoice<'a> {
    pub explicit: Option<&'a str>,
    pub verbose: u8,
    pub quiet: bool,
    pub offline: bool,
    pub stdout_tty: bool,
}

impl PrintChoice<'_> {
    pub fn resolve(&self) -> Result<PrintSet> {
        if let Some(letters) = self.explicit {
            let set = PrintSet::parse(letters)?;
            return Ok(if self.quiet { PrintSet::default() } else { set });
        }
        if self.quiet {
            return Ok(PrintSet::default());
        }
        PrintSet::parse(if self.verbose > 1 {
            "HBhbm"
        } else if self.verbose > 0 {
            "HBhb"
        } else if self.offline {
            "HB"
        } else if self.stdout_tty {
            "hb"
        } else {
            "b"
        })
    }
}

struct State {
    out: Box<dyn Write + Send>,
    tty: bool,
    /// The previous message had its body section selected: the next one is set apart.
    prev_with_body: bool,
    /// The reader went away; further output is dropped.
    closed: bool,
    /// While an exchange may turn out to be an intermediate one (a redirect, an auth
    /// challenge), its output is held here.
    held: Option<Held>,
    /// Holding failed once (no temporary file could be made): output is shown as it goes.
    hold_failed: bool,
}

/// Held output stays in memory up to this size; past it, it goes to an unnamed temporary file,
/// so printing only the final exchange costs bounded memory however large the bodies are.
const HOLD_IN_MEMORY: usize = 1024 * 1024;

/// Held output past this size (memory and file together) is not held at all: the exchange is
/// shown as it goes, as with `--all`, rather than filling the disk with a body that may never
/// be shown.
const HOLD_MAX: u64 = 256 * 1024 * 1024;

/// Output held back, with the separator state it started from.
struct Held {
    memory: Vec<u8>,
    /// Where held output goes once `memory` is full (unnamed: the OS removes it on exit).
    spill: Option<std::fs::File>,
    /// Bytes written to `spill`.
    spilled: u64,
    prev_with_body: bool,
}

impl Held {
    fn new(prev_with_body: bool) -> Held {
        Held {
            memory: Vec::new(),
            spill: None,
            spilled: 0,
            prev_with_body,
        }
    }

    /// Holds `bytes`; `Ok(false)` when they do not fit in memory and no temporary file can be
    /// made for them, or [`HOLD_MAX`] would be passed (then nothing was held).
    fn push(&mut self, bytes: &[u8]) -> io::Result<bool> {
        if self.spill.is_none() && self.memory.len() + bytes.len() <= HOLD_IN_MEMORY {
            self.memory.extend_from_slice(bytes);
            return Ok(true);
        }
        let total = self.memory.len() as u64 + self.spilled + bytes.len() as u64;
        if total > HOLD_MAX {
            return Ok(false);
        }
        self.spilled += bytes.len() as u64;
        let file = match &mut self.spill {
            Some(file) => file,
            None => match tempfile::tempfile() {
                Ok(file) => self.spill.insert(file),
                Err(_) => return Ok(false),
            },
        };
        file.write_all(bytes)?;
        Ok(true)
    }

    /// Bytes held in memory (the rest is in the temporary file).
    #[cfg(test)]
    fn in_memory(&self) -> usize {
        self.memory.len()
    }
}

/// Shared by the transport's head hook, the request-body tee and the response printer.
#[derive(Clone)]
pub struct Printer {
    state: Arc<Mutex<State>>,
}

impl Printer {
    pub fn new(out: Box<dyn Write + Send>, tty: bool) -> Printer {
        Printer {
            state: Arc::new(Mutex::new(State {
                out,
                tty,
                prev_with_body: false,
                closed: false,
                held: None,
                hold_failed: false,
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts a message that prints something: the separator, if one is due.
    pub fn begin(&self) -> io::Result<()> {
        let mut s = self.lock();
        if s.prev_with_body && !s.tty {
            s.write(b"\n\n")?;
        }
        Ok(())
    }

    /// Ends a message; `with_body` when its body section was selected.
    pub fn end(&self, with_body: bool) -> io::Result<()> {
        let mut s = self.lock();
        if with_body && s.tty {
            s.write(b"\n\n")?;
        }
        s.prev_with_body = with_body;
        s.flush()
    }

    pub fn write(&self, bytes: &[u8]) -> io::Result<()> {
        self.lock().write(bytes)
    }

    pub fn flush(&self) -> io::Result<()> {
        self.lock().flush()
    }

    /// Holds output from now on until [`Printer::release`] or [`Printer::drop_held`]:
    /// used when only the final exchange is to be printed (HTTPie bug #1082 printed the
    /// intermediate requests anyway).
    pub fn hold(&self) {
        let mut s = self.lock();
        if s.held.is_none() && !s.hold_failed {
            let prev = s.prev_with_body;
            s.held = Some(Held::new(prev));
        }
    }

    /// Writes out what was held: the exchange was the final one.
    pub fn release(&self) -> io::Result<()> {
        let mut s = self.lock();
        match s.held.take() {
            Some(held) => s.write_held(held),
            None => Ok(()),
        }
    }

    /// Forgets what was held: the exchange was an intermediate one.
    pub fn drop_held(&self) {
        let mut s = self.lock();
        if let Some(held) = s.held.take() {
            s.prev_with_body = held.prev_with_body;
        }
    }

    /// True once the reader has gone away (no point reading more of a body for it).
    pub fn closed(&self) -> bool {
        self.lock().closed
    }

    /// A writer into the printer, for streaming a body through.
    pub fn writer(&self) -> PrinterWriter {
        PrinterWriter(self.clone())
    }
}

impl State {
    /// Writes out held output, memory first, then what spilled to the temporary file.
    fn write_held(&mut self, held: Held) -> io::Result<()> {
        self.write(&held.memory)?;
        if let Some(mut file) = held.spill {
            use std::io::{Read, Seek};
            file.rewind()?;
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = file.read(&mut buf)?;
                if n == 0 || self.closed {
                    break;
                }
                self.write(&buf[..n])?;
            }
        }
        Ok(())
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        if let Some(held) = &mut self.held {
            if held.push(bytes)? {
                return Ok(());
            }
            // Nowhere to hold more: rather than fail or grow without bound, this exchange is
            // shown as it goes, as `--all` would show it.
            self.hold_failed = true;
            if let Some(held) = self.held.take() {
                self.write_held(held)?;
            }
        }
        if self.closed {
            return Ok(());
        }
        match self.out.write_all(bytes) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed || self.held.is_some() {
            return Ok(());
        }
        match self.out.flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

pub struct PrinterWriter(Printer);

impl Write for PrinterWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn choice(explicit: Option<&str>, verbose: u8, offline: bool, tty: bool) -> PrintSet {
        PrintChoice {
            explicit,
            verbose,
            quiet: false,
            offline,
            stdout_tty: tty,
        }
        .resolve()
        .unwrap()
    }

    #[test]
    fn defaults_follow_httpie() {
        assert_eq!(choice(None, 0, false, true), PrintSet::parse("hb").unwrap());
        assert_eq!(choice(None, 0, false, false), PrintSet::parse("b").unwrap());
        assert_eq!(choice(None, 0, true, false), PrintSet::parse("HB").unwrap());
        assert_eq!(
            choice(None, 1, false, false),
            PrintSet::parse("HBhb").unwrap()
        );
        assert_eq!(
            choice(Some("h"), 2, false, false),
            PrintSet::parse("h").unwrap()
        );
        assert!(PrintSet::parse("Hz")
            .unwrap_err()
            .to_string()
            .contains("--print=Hz"));
    }

    #[test]
    fn separator_after_a_body_section_when_redirected() {
        let buf = Buf::default();
        let p = Printer::new(Box::new(buf.clone()), false);
        p.begin().unwrap();
        p.write(b"HEAD\r\n\r\n").unwrap();
        p.end(true).unwrap();
        p.begin().unwrap();
        p.write(b"RESP\r\n\r\nbody").unwrap();
        p.end(true).unwrap();
        assert_eq!(
            &buf.0.lock().unwrap()[..],
            b"HEAD\r\n\r\n\n\nRESP\r\n\r\nbody"
        );
    }

    #[test]
    fn held_output_is_released_or_dropped_with_its_separator_state() {
        let buf = Buf::default();
        let p = Printer::new(Box::new(buf.clone()), false);
        p.hold();
        p.begin().unwrap();
        p.write(b"INTERMEDIATE").unwrap();
        p.end(true).unwrap();
        p.drop_held();
        p.hold();
        p.begin().unwrap();
        p.write(b"FINAL").unwrap();
        p.end(true).unwrap();
        p.release().unwrap();
        assert_eq!(&buf.0.lock().unwrap()[..], b"FINAL");
    }

    #[test]
    fn large_held_output_spills_to_a_file_and_comes_back_whole() {
        let buf = Buf::default();
        let p = Printer::new(Box::new(buf.clone()), false);
        p.hold();
        p.begin().unwrap();
        let chunk: Vec<u8> = (0..=255u8).cycle().take(64 * 1024).collect();
        for _ in 0..48 {
            p.write(&chunk).unwrap();
        }
        let in_memory = p.lock().held.as_ref().map(Held::in_memory).unwrap();
        assert!(
            in_memory <= HOLD_IN_MEMORY,
            "{in_memory} bytes held in memory"
        );
        assert!(p.lock().held.as_ref().unwrap().spill.is_some());
        p.end(true).unwrap();
        assert!(buf.0.lock().unwrap().is_empty(), "held output leaked early");
        p.release().unwrap();
        let out = buf.0.lock().unwrap();
        assert_eq!(out.len(), 48 * chunk.len());
        assert!(out.chunks(chunk.len()).all(|c| c == &chunk[..]));
    }

    #[test]
    fn nothing_past_the_hold_cap_is_held() {
        let mut held = Held::new(false);
        held.push(&vec![b'x'; HOLD_IN_MEMORY + 1]).unwrap();
        assert!(held.spill.is_some());
        held.spilled = HOLD_MAX - 10;
        assert!(!held.push(&[b'y'; 11]).unwrap(), "past the cap");
        assert!(held.push(&[b'y'; 5]).unwrap(), "within the cap");
    }

    #[test]
    fn spilled_output_of_an_intermediate_exchange_is_dropped() {
        let buf = Buf::default();
        let p = Printer::new(Box::new(buf.clone()), false);
        p.hold();
        p.write(&vec![b'x'; HOLD_IN_MEMORY + 10]).unwrap();
        p.drop_held();
        p.hold();
        p.write(b"FINAL").unwrap();
        p.release().unwrap();
        assert_eq!(&buf.0.lock().unwrap()[..], b"FINAL");
    }

    #[test]
    fn no_separator_after_heads_only() {
        let buf = Buf::default();
        let p = Printer::new(Box::new(buf.clone()), false);
        p.begin().unwrap();
        p.write(b"REQ\r\n\r\n").unwrap();
        p.end(false).unwrap();
        p.begin().unwrap();
        p.write(b"RESP\r\n\r\n").unwrap();
        p.end(false).unwrap();
        assert_eq!(&buf.0.lock().unwrap()[..], b"REQ\r\n\r\nRESP\r\n\r\n");
    }
}
