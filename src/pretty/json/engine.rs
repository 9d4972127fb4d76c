//! The streaming tokenizer behind [`super::JsonFormatter`]: it reads JSON and says what to write.
//!
//! The engine is a resumable state machine: it takes input in arbitrary pieces, renders each
//! token as soon as it is complete (strings even before), and keeps open containers on an
//! explicit stack, so a token may be split anywhere and nesting depth costs heap, never stack.
//!
//! Output matches Python's `json.dumps(obj, indent=N, sort_keys=True, ensure_ascii=False)`,
//! with the differences listed in `super::json` (numbers, for one, are copied as written).
//! Strings are decoded and re-escaped with Python's rules: only `"`, `\` and control characters
//! are escaped, so `\/` becomes `/` and `\u00e9` becomes `é`. The grammar is Python's: JSON
//! plus `NaN`, `Infinity` and `-Infinity`.
//!
//! Rendering and sorting are `render`'s job: the engine says what to write, and where
//! (the [`Sink`] knows whether the current object is being sorted).

use super::palette::{is_float, Lit, Palette};
use super::render::{ends_blank_line, write_close, Indent, Sink, MAX_SORT_DEPTH, SORT_CAP};

/// Output waiting beyond this makes [`Engine::feed`] return early.
pub(super) const OUT_FULL: usize = 64 << 10;

/// Python (3.11+) refuses integers with more digits than this, so HTTPie shows such bodies raw.
const MAX_INT_DIGITS: usize = 4300;

/// Nesting deeper than this is not formatted: indentation makes the output grow with the square
/// of the depth (20,000 levels of `[` would print gigabytes). HTTPie gives up near 1,000 too.
pub const MAX_DEPTH: usize = 1000;

/// Longer numbers are treated as invalid, to bound the memory of one split across pieces
/// (Python would accept a longer float, and print it as `Infinity` or rounded anyway).
const MAX_NUMBER_LEN: usize = 1 << 20;

/// Python's `json` whitespace: space, tab, LF, CR.
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Bytes that end a run of plain string content: quote, backslash and control characters.
static STRING_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Bytes that can continue a number; the exact grammar is checked once the run ends.
fn is_number_byte(b: u8) -> bool {
    matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
}

/// What the grammar allows next (ignoring whitespace).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// A value: at the top, after `:` or after `,` in an array.
    Value,
    /// Right after `[`.
    ValueOrClose,
    /// Right after `{`.
    KeyOrClose,
    /// After `,` in an object.
    Key,
    Colon,
    CommaOrClose,
    /// The top-level value is complete: only whitespace may follow.
    End,
}

/// A token whose end has not been seen yet (it continues in the next piece of input).
#[derive(Clone, Copy, Debug)]
enum Tok {
    None,
    Str { key: bool, esc: Esc },
    Num,
    Lit { lit: Lit, matched: usize },
}

/// Progress through a backslash escape inside a string.
#[derive(Clone, Copy, Debug)]
enum Esc {
    None,
    /// After `\`.
    Backslash,
    /// After `\u` and `n` hex digits.
    Hex {
        n: u8,
        val: u32,
    },
    /// A complete high surrogate escape; a low one may follow to form a pair.
    High {
        hi: u32,
    },
    HighBackslash {
        hi: u32,
    },
    LowHex {
        hi: u32,
        n: u8,
        val: u32,
    },
}

/// One open array or object.
#[derive(Clone, Copy, Debug)]
struct Container {
    object: bool,
    /// Elements or members started so far.
    count: usize,
    /// Whether this object's members are buffered to be sorted.
    sorting: bool,
}

/// The streaming formatter proper. Input goes in through [`Engine::feed`]; rendered output
/// accumulates in [`Engine::out`] until the caller takes it.
pub(super) struct Engine {
    sink: Sink,
    pal: Palette,
    ind: Indent,
    stack: Vec<Container>,
    expect: Expect,
    tok: Tok,
    /// Input bytes of an unfinished token that have not been rendered yet (numbers, literals,
    /// escapes); written raw if the input turns out to be invalid.
    pending: Vec<u8>,
    /// A `,` was read but not written yet (separators go out with the next item).
    comma_pending: bool,
    sort_keys: bool,
    sort_cap: usize,
}

impl Engine {
    pub(super) fn new(indent: usize, sort_keys: bool, pal: Palette) -> Self {
        Engine {
            sink: Sink::default(),
            pal,
            ind: Indent::new(indent),
            stack: Vec::new(),
            expect: Expect::Value,
            tok: Tok::None,
            pending: Vec::new(),
            comma_pending: false,
            sort_keys,
            sort_cap: SORT_CAP,
        }
    }

    /// Changes the sort buffer cap (tests use a tiny one).
    #[cfg(test)]
    pub(super) fn set_sort_cap(&mut self, cap: usize) {
        self.sort_cap = cap;
    }

    /// Rendered output not yet taken by the caller.
    pub(super) fn out(&mut self) -> &mut Vec<u8> {
        &mut self.sink.out
    }

    /// Consumes input from `buf`, stopping early once [`OUT_FULL`] bytes of output are waiting
    /// (deep nesting can turn a few input bytes into much indentation): returns how many bytes
    /// were used; the caller takes the output and feeds the rest. On invalid input returns the
    /// index in `buf` from which the input should be copied raw (after the unrendered part of
    /// the failing token); the engine is then good only for [`Engine::abort`].
    pub(super) fn feed(&mut self, buf: &[u8]) -> Result<usize, usize> {
        let mut i = match self.tok {
            Tok::None => 0,
            Tok::Str { key, esc } => self.string(buf, 0, key, esc)?,
            Tok::Num => self.number(buf, 0)?,
            Tok::Lit { lit, matched } => self.literal(buf, 0, lit, matched)?,
        };
        while let Some(&b) = buf.get(i) {
            if is_ws(b) {
                i += 1;
                continue;
            }
            if self.sink.out.len() >= OUT_FULL {
                return Ok(i);
            }
            i = match (self.expect, b) {
                (Expect::ValueOrClose, b']') | (Expect::KeyOrClose, b'}') => self.close(b, i)?,
                (Expect::Value | Expect::ValueOrClose, _) => self.value(buf, i)?,
                (Expect::Key | Expect::KeyOrClose, b'"') => self.key(buf, i)?,
                (Expect::Colon, b':') => {
                    self.sink.dest().extend_from_slice(&self.pal.colon);
                    self.expect = Expect::Value;
                    i + 1
                }
                (Expect::CommaOrClose, b',') => {
                    self.comma_pending = true;
                    let object = self.stack.last().is_some_and(|c| c.object);
                    self.expect = if object { Expect::Key } else { Expect::Value };
                    i + 1
                }
                (Expect::CommaOrClose, b']' | b'}') => self.close(b, i)?,
                _ => return Err(i),
            };
        }
        Ok(buf.len())
    }

    /// End of input: true when exactly one complete value was seen.
    pub(super) fn finish(&mut self) -> bool {
        let done = match self.tok {
            Tok::None => true,
            Tok::Num => self.end_number(&[], 0, 0).is_ok(),
            Tok::Str { .. } | Tok::Lit { .. } => false,
        };
        done && self.expect == Expect::End
    }

    /// Gives up on invalid input: closes any open colour, writes buffered members in their
    /// original order, then the unrendered part of the token that failed. When raw input will
    /// follow (`more`, or that part is not empty) the current line is ended first, unless it
    /// is blank (`blank`: whether the output taken so far ends with a blank line). The caller
    /// then copies the rest of the input raw.
    pub(super) fn abort(&mut self, blank: bool, more: bool) {
        if let Tok::Str { key, .. } = self.tok {
            let off = if key {
                &self.pal.key.off
            } else {
                &self.pal.string.off
            };
            self.sink.dest().extend_from_slice(off);
        }
        self.tok = Tok::None;
        self.give_up_sorting();
        let out = &mut self.sink.out;
        if std::mem::take(&mut self.comma_pending) {
            out.push(b',');
        }
        let raw_follows = more || !self.pending.is_empty();
        if raw_follows && !ends_blank_line(blank, out) {
            out.push(b'\n');
        }
        out.append(&mut self.pending);
    }

    /// After a complete value.
    fn value_done(&mut self) {
        self.expect = if self.stack.is_empty() {
            Expect::End
        } else {
            Expect::CommaOrClose
        };
    }

    /// A value starts at `buf[i]` (not whitespace).
    fn value(&mut self, buf: &[u8], i: usize) -> Result<usize, usize> {
        let first = buf.get(i).copied().unwrap_or_default();
        if !matches!(
            first,
            b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n' | b'N' | b'I'
        ) {
            return Err(i);
        }
        if let Some(top) = self.stack.last_mut() {
            if !top.object {
                self.comma_pending = false;
                top.count += 1;
                let first = top.count == 1;
                let nl = self.ind.get(self.stack.len());
                let dst = self.sink.dest();
                if !first {
                    dst.push(b',');
                }
                dst.extend_from_slice(nl);
                self.check_cap();
            }
        }
        match first {
            b'{' | b'[' if self.stack.len() >= MAX_DEPTH => Err(i),
            b'{' => {
                self.open(true);
                Ok(i + 1)
            }
            b'[' => {
                self.open(false);
                Ok(i + 1)
            }
            b'"' => {
                self.sink.dest().extend_from_slice(&self.pal.str_open);
                self.string(buf, i + 1, false, Esc::None)
            }
            b'-' | b'0'..=b'9' => self.number(buf, i),
            b't' => self.literal(buf, i, Lit::True, 0),
            b'f' => self.literal(buf, i, Lit::False, 0),
            b'n' => self.literal(buf, i, Lit::Null, 0),
            b'N' => self.literal(buf, i, Lit::NaN, 0),
            b'I' => self.literal(buf, i, Lit::Infinity, 0),
            _ => Err(i),
        }
    }

    fn open(&mut self, object: bool) {
        let bracket = if object {
            &self.pal.obj_open
        } else {
            &self.pal.arr_open
        };
        self.sink.dest().extend_from_slice(bracket);
        let sorting = object && self.sort_keys;
        if sorting {
            self.sink.open_sorted(self.stack.len() + 1);
        }
        self.stack.push(Container {
            object,
            count: 0,
            sorting,
        });
        if self.sink.sorting() > MAX_SORT_DEPTH {
            self.stop_sorting_outermost();
        }
        self.expect = if object {
            Expect::KeyOrClose
        } else {
            Expect::ValueOrClose
        };
    }

    /// Closes the innermost container with `bracket` (at `i`), which must be its kind.
    fn close(&mut self, bracket: u8, i: usize) -> Result<usize, usize> {
        if self.stack.last().map(|c| c.object) != Some(bracket == b'}') {
            return Err(i);
        }
        let Some(top) = self.stack.pop() else {
            return Err(i);
        };
        let depth = self.stack.len();
        if top.sorting {
            self.sink.close_sorted(&mut self.ind, &self.pal);
            self.check_cap();
        } else {
            let (bracket, style) = match top.object {
                true => (b'}', &self.pal.object),
                false => (b']', &self.pal.array),
            };
            write_close(
                self.sink.dest(),
                style,
                self.ind.get(depth),
                top.count > 0,
                bracket,
            );
        }
        self.value_done();
        Ok(i + 1)
    }

    /// A key starts at `buf[i]` (a quote).
    fn key(&mut self, buf: &[u8], i: usize) -> Result<usize, usize> {
        let depth = self.stack.len();
        let Some(top) = self.stack.last_mut() else {
            return Err(i);
        };
        top.count += 1;
        self.comma_pending = false;
        if top.sorting {
            self.sink.start_member();
            self.check_cap();
        } else {
            let first = top.count == 1;
            let nl = self.ind.get(depth);
            let dst = self.sink.dest();
            if !first {
                dst.push(b',');
            }
            dst.extend_from_slice(nl);
        }
        self.sink.dest().extend_from_slice(&self.pal.key_open);
        self.string(buf, i + 1, true, Esc::None)
    }

    /// Whether the key being read must also be recorded decoded (its object is sorting).
    fn records_key(&self, key: bool) -> bool {
        key && self.stack.last().is_some_and(|c| c.sorting)
    }

    /// Continues a string at `buf[i]`, in escape state `esc`.
    fn string(
        &mut self,
        buf: &[u8],
        mut i: usize,
        key: bool,
        mut esc: Esc,
    ) -> Result<usize, usize> {
        let record = self.records_key(key);
        loop {
            if let Esc::None = esc {
                let start = i;
                while buf.get(i).is_some_and(|&b| !STRING_STOP[b as usize]) {
                    i += 1;
                }
                let run = buf.get(start..i).unwrap_or_default();
                self.sink.dest().extend_from_slice(run);
                if let (true, Some(keys)) = (record, self.sink.key()) {
                    keys.extend_from_slice(run);
                }
                match buf.get(i) {
                    None => break,
                    Some(b'"') => {
                        self.tok = Tok::None;
                        let close = if key {
                            &self.pal.key_close
                        } else {
                            &self.pal.str_close
                        };
                        self.sink.dest().extend_from_slice(close);
                        if key {
                            if record {
                                self.sink.end_key();
                            }
                            self.expect = Expect::Colon;
                        } else {
                            self.value_done();
                        }
                        self.check_cap();
                        return Ok(i + 1);
                    }
                    Some(b'\\') => {
                        self.pending.push(b'\\');
                        esc = Esc::Backslash;
                        i += 1;
                    }
                    Some(_) => {
                        self.tok = Tok::Str { key, esc };
                        return Err(i);
                    }
                }
            } else {
                let Some(&b) = buf.get(i) else {
                    break;
                };
                let Some((next, consumed)) = self.escape(esc, b, record) else {
                    self.tok = Tok::Str { key, esc };
                    return Err(i);
                };
                if consumed {
                    self.pending.push(b);
                    i += 1;
                }
                esc = next;
                if let Esc::None = esc {
                    self.pending.clear();
                }
            }
        }
        // The input ends inside the string: it continues in the next piece.
        self.tok = Tok::Str { key, esc };
        self.check_cap();
        Ok(i)
    }

    /// Advances escape `esc` by byte `b`: the next state and whether `b` was used, or `None`
    /// for an invalid escape. Decoded characters are rendered as they complete.
    fn escape(&mut self, esc: Esc, b: u8, record: bool) -> Option<(Esc, bool)> {
        let hex = |b: u8| (b as char).to_digit(16);
        let is_high = |cp: u32| (0xD800..0xDC00).contains(&cp);
        Some(match esc {
            // Not reached: plain string bytes are handled by the caller.
            Esc::None => (Esc::None, false),
            Esc::Backslash => {
                let cp = match b {
                    b'"' | b'\\' | b'/' => u32::from(b),
                    b'b' => 0x08,
                    b'f' => 0x0C,
                    b'n' => 0x0A,
                    b'r' => 0x0D,
                    b't' => 0x09,
                    b'u' => return Some((Esc::Hex { n: 0, val: 0 }, true)),
                    _ => return None,
                };
                self.char(cp, record);
                (Esc::None, true)
            }
            Esc::Hex { n, val } => {
                let val = val << 4 | hex(b)?;
                if n < 3 {
                    (Esc::Hex { n: n + 1, val }, true)
                } else if is_high(val) {
                    (Esc::High { hi: val }, true)
                } else {
                    self.char(val, record);
                    (Esc::None, true)
                }
            }
            // Python pairs a high surrogate only with an immediately following `\uDC00-DFFF`;
            // otherwise it stays a lone surrogate and the next bytes are read afresh.
            Esc::High { hi } if b == b'\\' => (Esc::HighBackslash { hi }, true),
            Esc::High { hi } => {
                self.char(hi, record);
                self.pending.clear();
                (Esc::None, false)
            }
            Esc::HighBackslash { hi } if b == b'u' => (Esc::LowHex { hi, n: 0, val: 0 }, true),
            Esc::HighBackslash { hi } => {
                self.char(hi, record);
                self.pending.clear();
                self.pending.push(b'\\');
                (Esc::Backslash, false)
            }
            Esc::LowHex { hi, n, val } => {
                let val = val << 4 | hex(b)?;
                if n < 3 {
                    (Esc::LowHex { hi, n: n + 1, val }, true)
                } else if (0xDC00..0xE000).contains(&val) {
                    self.char(0x10000 + ((hi - 0xD800) << 10) + (val - 0xDC00), record);
                    (Esc::None, true)
                } else {
                    self.char(hi, record);
                    // Keep the second escape (`\uXXXX` minus this last digit) as the pending one.
                    let keep = self.pending.len().saturating_sub(5);
                    self.pending.drain(..keep);
                    if is_high(val) {
                        (Esc::High { hi: val }, true)
                    } else {
                        self.char(val, record);
                        (Esc::None, true)
                    }
                }
            }
        })
    }

    /// Renders one decoded string character the way Python's `ensure_ascii=False` does, and
    /// records it for sorting when the string is a key of a sorting object.
    fn char(&mut self, cp: u32, record: bool) {
        let dst = self.sink.dest();
        match cp {
            0x22 => dst.extend_from_slice(b"\\\""),
            0x5C => dst.extend_from_slice(b"\\\\"),
            0x0A => dst.extend_from_slice(b"\\n"),
            0x0D => dst.extend_from_slice(b"\\r"),
            0x09 => dst.extend_from_slice(b"\\t"),
            0x08 => dst.extend_from_slice(b"\\b"),
            0x0C => dst.extend_from_slice(b"\\f"),
            // Control characters, and lone surrogates (which UTF-8 cannot carry), stay escaped.
            0..=0x1F | 0xD800..=0xDFFF => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                dst.extend_from_slice(b"\\u");
                for shift in [12, 8, 4, 0] {
                    dst.push(HEX[(cp >> shift & 0xF) as usize]);
                }
            }
            _ => push_utf8(dst, cp),
        }
        if let (true, Some(keys)) = (record, self.sink.key()) {
            push_utf8(keys, cp);
        }
    }

    /// Continues a number at `buf[i]` (its first bytes may be in [`Engine::pending`]).
    fn number(&mut self, buf: &[u8], i: usize) -> Result<usize, usize> {
        let mut j = i;
        while buf.get(j).is_some_and(|&b| is_number_byte(b)) {
            j += 1;
        }
        if j == buf.len() {
            // It may go on in the next piece.
            if self.pending.len() + (j - i) > MAX_NUMBER_LEN {
                return Err(i);
            }
            self.pending
                .extend_from_slice(buf.get(i..).unwrap_or_default());
            self.tok = Tok::Num;
            return Ok(j);
        }
        self.end_number(buf, i, j)
    }

    /// The number `pending + buf[i..j]` is complete.
    fn end_number(&mut self, buf: &[u8], i: usize, j: usize) -> Result<usize, usize> {
        self.tok = Tok::None;
        let tail = buf.get(i..j).unwrap_or_default();
        let kept = self.pending.len();
        self.pending.extend_from_slice(tail);
        if self.pending == b"-" && buf.get(j) == Some(&b'I') {
            return self.literal(buf, j, Lit::NegInfinity, 1);
        }
        if number_kind(&self.pending).is_none() {
            self.pending.truncate(kept);
            return Err(i);
        }
        let style = self.pal.number(&self.pending);
        style.write(self.sink.dest(), &self.pending);
        self.pending.clear();
        self.value_done();
        Ok(j)
    }

    /// Continues literal `lit` at `buf[i]`, its first `matched` bytes already read.
    fn literal(&mut self, buf: &[u8], i: usize, lit: Lit, matched: usize) -> Result<usize, usize> {
        let want = lit.text().get(matched..).unwrap_or_default();
        let have = buf.get(i..).unwrap_or_default();
        let n = want.len().min(have.len());
        if want.get(..n) != have.get(..n) {
            return Err(i);
        }
        if n < want.len() {
            self.pending.extend_from_slice(have);
            self.tok = Tok::Lit {
                lit,
                matched: matched + n,
            };
            return Ok(buf.len());
        }
        self.tok = Tok::None;
        self.pending.clear();
        self.sink.dest().extend_from_slice(self.pal.literal(lit));
        self.value_done();
        Ok(i + n)
    }

    /// Stops sorting, outermost object first, while the buffered members outgrow the cap.
    fn check_cap(&mut self) {
        while self.sink.sorting() > 0 && self.sink.buffered() > self.sort_cap {
            self.stop_sorting_outermost();
        }
    }

    /// Stops sorting every open object (to write out what they hold).
    fn give_up_sorting(&mut self) {
        while self.sink.sorting() > 0 {
            self.stop_sorting_outermost();
        }
    }

    fn stop_sorting_outermost(&mut self) {
        let stopped = self.sink.stop_sorting_outermost(&mut self.ind);
        if let Some((at, members)) = stopped {
            if let Some(container) = self.stack.get_mut(at) {
                container.sorting = false;
                container.count = members;
            }
        }
    }
}

/// Checks Python's number grammar `-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?` exactly; returns
/// whether the number is an integer, of any size as in Python (the [`Palette`] picks the colour
/// by the same rule, [`is_float`]), or `None` when it is not a number.
fn number_kind(s: &[u8]) -> Option<bool> {
    if s.len() > MAX_NUMBER_LEN {
        return None;
    }
    let digits =
        |s: &[u8], i: usize| i + s.iter().skip(i).take_while(|b| b.is_ascii_digit()).count();
    let mut i = usize::from(s.first() == Some(&b'-'));
    let int_start = i;
    i = match s.get(i) {
        Some(b'0') => i + 1,
        Some(b'1'..=b'9') => digits(s, i),
        _ => return None,
    };
    let int_end = i;
    if s.get(i) == Some(&b'.') {
        let end = digits(s, i + 1);
        if end == i + 1 {
            return None;
        }
        i = end;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let end = digits(s, i);
        if end == i {
            return None;
        }
        i = end;
    }
    if i != s.len() {
        return None;
    }
    // The grammar leaves only a fraction or an exponent after the integer part.
    let integer = !is_float(s);
    debug_assert_eq!(integer, int_end == s.len());
    if integer && int_end - int_start > MAX_INT_DIGITS {
        return None;
    }
    Some(integer)
}

/// UTF-8 encoding of a code point, surrogates included (WTF-8), which keeps code point order.
fn push_utf8(dst: &mut Vec<u8>, cp: u32) {
    // The `as u8` casts keep the low bits on purpose.
    match cp {
        0..=0x7F => dst.push(cp as u8),
        0x80..=0x7FF => dst.extend_from_slice(&[0xC0 | (cp >> 6) as u8, 0x80 | (cp & 0x3F) as u8]),
        0x800..=0xFFFF => dst.extend_from_slice(&[
            0xE0 | (cp >> 12) as u8,
            0x80 | (cp >> 6 & 0x3F) as u8,
            0x80 | (cp & 0x3F) as u8,
        ]),
        _ => dst.extend_from_slice(&[
            0xF0 | (cp >> 18 & 0x07) as u8,
            0x80 | (cp >> 12 & 0x3F) as u8,
            0x80 | (cp >> 6 & 0x3F) as u8,
            0x80 | (cp & 0x3F) as u8,
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_grammar_is_pythons() {
        for ok in [
            "0", "-0", "12", "1.5", "-0.25", "1e5", "1E+5", "2.5e-3", "-12.0E0",
        ] {
            assert!(number_kind(ok.as_bytes()).is_some(), "{ok}");
        }
        for bad in [
            "", "-", "01", "-01", "1.", ".5", "1e", "1e+", "+1", "1-", "1.2.3", "0x1",
        ] {
            assert_eq!(number_kind(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn integers_and_floats_are_told_apart_by_syntax() {
        assert_eq!(number_kind(b"-9223372036854775809"), Some(true));
        assert_eq!(number_kind(b"18446744073709551616"), Some(true));
        assert_eq!(number_kind(b"1.0"), Some(false));
        assert_eq!(number_kind(b"1e2"), Some(false));
    }

    #[test]
    fn wtf8_keeps_code_point_order() {
        let encode = |cp| {
            let mut v = Vec::new();
            push_utf8(&mut v, cp);
            v
        };
        let points = [
            0x41, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xD800, 0xDFFF, 0xE000, 0xFFFF, 0x10000,
            0x10FFFF,
        ];
        for pair in points.windows(2) {
            assert!(encode(pair[0]) < encode(pair[1]), "{pair:x?}");
        }
        assert_eq!(encode(0xE9), "é".as_bytes());
        assert_eq!(encode(0x1F600), "😀".as_bytes());
    }

    #[test]
    fn feed_returns_early_when_output_piles_up() {
        let mut engine = Engine::new(1000, false, Palette::new(None));
        let input = [b'['; 200];
        let used = engine.feed(&input).unwrap_or_default();
        assert!(used < input.len(), "should stop to let the caller drain");
        assert!(engine.out().len() < OUT_FULL + 200 * 1000);
    }
}
