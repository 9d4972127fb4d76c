//! The writing side of the JSON formatter: indentation, and the buffers that hold an object's
//! members until they can be written in key order. The bytes around tokens (colours) come
//! from the [`Palette`], shared with colours-only mode.
//!
//! Sorting: each open object being sorted has a [`SortFrame`] holding its rendered members;
//! when it closes they are written in key order into the enclosing frame, or the output. Only
//! open objects hold memory, so a long array of objects costs no more than one of them.

use super::palette::{Ends, Palette};

/// Above this many buffered bytes (all open sorted objects together), the outermost objects
/// stop being sorted.
pub(super) const SORT_CAP: usize = 16 << 20;

/// At most this many nested objects are sorted at once; beyond, the outermost stops sorting.
/// A closed object's text is copied into its parent's buffer, so this bounds how often each
/// byte is copied (Python itself cannot parse 1000 levels).
pub(super) const MAX_SORT_DEPTH: usize = 512;

/// Buffers of the outer few sort frames keep up to this capacity for reuse; others are freed.
const KEEP_CAPACITY: usize = 64 << 10;
const KEEP_FRAMES: usize = 8;

/// `"\n"` followed by indentation, grown on demand.
pub(super) struct Indent {
    buf: Vec<u8>,
    width: usize,
}

impl Indent {
    pub(super) fn new(width: usize) -> Self {
        Indent {
            buf: vec![b'\n'],
            width,
        }
    }

    /// A line break and the indentation of nesting level `depth`.
    pub(super) fn get(&mut self, depth: usize) -> &[u8] {
        let len = depth.saturating_mul(self.width).saturating_add(1);
        if self.buf.len() < len {
            self.buf.resize(len.max(self.buf.len() * 2), b' ');
        }
        &self.buf[..len]
    }
}

/// Writes a closing bracket, on its own line after `nl` when the container has items.
/// colored_json paints that line break and indentation with the bracket's style.
pub(super) fn write_close(dst: &mut Vec<u8>, style: &Ends, nl: &[u8], items: bool, bracket: u8) {
    dst.extend_from_slice(&style.on);
    if items {
        dst.extend_from_slice(nl);
    }
    dst.push(bracket);
    dst.extend_from_slice(&style.off);
}

/// Whether `bytes`, written after text whose last line was blank or not (`blank`), ends with
/// a line holding only indentation.
pub(super) fn ends_blank_line(blank: bool, bytes: &[u8]) -> bool {
    let (last_line, blank) = match bytes.iter().rposition(|&b| b == b'\n') {
        Some(i) => (bytes.get(i + 1..).unwrap_or_default(), true),
        None => (bytes, blank),
    };
    blank && last_line.iter().all(|&b| b == b' ')
}

/// A member of an object being sorted: its decoded key and where its rendering starts.
struct Member {
    key_start: usize,
    key_end: usize,
    text_start: usize,
}

/// The buffered members of one object being sorted.
#[derive(Default)]
struct SortFrame {
    /// Rendered members (`"key": value`) back to back, without separators or indentation.
    data: Vec<u8>,
    /// Decoded keys back to back, compared as bytes: UTF-8 (WTF-8 for lone surrogates) keeps
    /// code point order, which is Python's string order.
    keys: Vec<u8>,
    members: Vec<Member>,
    /// Nesting level of the members; the object is the container at `depth - 1` on the stack.
    depth: usize,
    /// Bytes buffered in the enclosing frames, which cannot change while this one is open.
    outer: usize,
}

impl SortFrame {
    fn key(&self, i: usize) -> &[u8] {
        self.members
            .get(i)
            .and_then(|m| self.keys.get(m.key_start..m.key_end))
            .unwrap_or_default()
    }

    fn text(&self, i: usize) -> &[u8] {
        let start = self.members.get(i).map_or(0, |m| m.text_start);
        let end = self.members.get(i + 1);
        let end = end.map_or(self.data.len(), |m| m.text_start);
        self.data.get(start..end).unwrap_or_default()
    }

    fn buffered(&self) -> usize {
        self.outer + self.data.len() + self.keys.len()
    }

    /// Empties the frame for reuse at pool position `index`.
    fn reset(&mut self, index: usize) {
        let keep = if index < KEEP_FRAMES {
            KEEP_CAPACITY
        } else {
            0
        };
        self.data.clear();
        self.data.shrink_to(keep);
        self.keys.clear();
        self.keys.shrink_to(keep);
        self.members.clear();
        self.members.shrink_to(keep / 64);
    }

    /// Writes the members in `order` (indices), each on its own indented line.
    fn write_members(
        &self,
        dst: &mut Vec<u8>,
        ind: &mut Indent,
        order: impl Iterator<Item = usize>,
    ) {
        let nl = ind.get(self.depth);
        for (j, i) in order.enumerate() {
            if j > 0 {
                dst.push(b',');
            }
            dst.extend_from_slice(nl);
            dst.extend_from_slice(self.text(i));
        }
    }
}

/// Where rendered bytes go: the innermost object being sorted, or the output.
#[derive(Default)]
pub(super) struct Sink {
    pub(super) out: Vec<u8>,
    /// Frame pool; the first `active` are in use, outermost first.
    frames: Vec<SortFrame>,
    active: usize,
    /// Scratch for the member order of the object being closed.
    order: Vec<usize>,
}

impl Sink {
    /// Where the next rendered bytes go.
    pub(super) fn dest(&mut self) -> &mut Vec<u8> {
        let innermost = self.active.checked_sub(1);
        match innermost.and_then(|i| self.frames.get_mut(i)) {
            Some(frame) => &mut frame.data,
            None => &mut self.out,
        }
    }

    fn frame(&mut self) -> Option<&mut SortFrame> {
        self.frames.get_mut(self.active.checked_sub(1)?)
    }

    /// Objects being sorted now.
    pub(super) fn sorting(&self) -> usize {
        self.active
    }

    /// Bytes held by the objects being sorted.
    pub(super) fn buffered(&self) -> usize {
        let innermost = self.active.checked_sub(1).and_then(|i| self.frames.get(i));
        innermost.map_or(0, SortFrame::buffered)
    }

    /// An object at nesting level `depth - 1` opens and will be sorted.
    pub(super) fn open_sorted(&mut self, depth: usize) {
        let outer = self.buffered();
        if self.active == self.frames.len() {
            self.frames.push(SortFrame::default());
        }
        self.active += 1;
        if let Some(frame) = self.frame() {
            frame.depth = depth;
            frame.outer = outer;
        }
    }

    /// A member of the innermost sorted object starts (its key comes next).
    pub(super) fn start_member(&mut self) {
        if let Some(frame) = self.frame() {
            let key_start = frame.keys.len();
            frame.members.push(Member {
                key_start,
                key_end: key_start,
                text_start: frame.data.len(),
            });
        }
    }

    /// Where the decoded key of the current member goes.
    pub(super) fn key(&mut self) -> Option<&mut Vec<u8>> {
        self.frame().map(|frame| &mut frame.keys)
    }

    /// The key of the current member is complete.
    pub(super) fn end_key(&mut self) {
        if let Some(frame) = self.frame() {
            let end = frame.keys.len();
            if let Some(member) = frame.members.last_mut() {
                member.key_end = end;
            }
        }
    }

    /// The innermost sorted object closes: writes its members in key order, and its closing
    /// brace, into the enclosing frame or the output.
    pub(super) fn close_sorted(&mut self, ind: &mut Indent, pal: &Palette) {
        let Some(k) = self.active.checked_sub(1) else {
            return;
        };
        let (outer, rest) = self.frames.split_at_mut(k);
        let Some(frame) = rest.first_mut() else {
            return;
        };
        let dst = match outer.last_mut() {
            Some(parent) => &mut parent.data,
            None => &mut self.out,
        };
        let n = frame.members.len();
        self.order.clear();
        self.order.extend(0..n);
        if !(1..n).all(|i| frame.key(i - 1) <= frame.key(i)) {
            // Stable: duplicate keys keep their input order.
            self.order.sort_by(|&a, &b| frame.key(a).cmp(frame.key(b)));
        }
        frame.write_members(dst, ind, self.order.iter().copied());
        let nl = ind.get(frame.depth.saturating_sub(1));
        write_close(dst, &pal.object, nl, n > 0, b'}');
        frame.reset(k);
        self.active = k;
    }

    /// Writes the outermost sorted object's members so far to the output in input order; it
    /// goes on unsorted. Its last member ends with the opening of the next sorted object, which
    /// becomes the outermost and now writes straight to the output. Returns the stack position
    /// of the object and how many members it has.
    pub(super) fn stop_sorting_outermost(&mut self, ind: &mut Indent) -> Option<(usize, usize)> {
        if self.active == 0 {
            return None;
        }
        let mut frame = self.frames.remove(0);
        self.active -= 1;
        frame.write_members(&mut self.out, ind, 0..frame.members.len());
        // The remaining frames no longer have this one around them.
        let base = self.frames.first().map_or(0, |f| f.outer);
        for f in self.frames.iter_mut().take(self.active) {
            f.outer = f.outer.saturating_sub(base);
        }
        let stopped = (frame.depth.saturating_sub(1), frame.members.len());
        frame.reset(self.frames.len());
        self.frames.push(frame);
        Some(stopped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_line_tracking() {
        assert!(ends_blank_line(true, b""));
        assert!(ends_blank_line(true, b"    "));
        assert!(!ends_blank_line(false, b"    "));
        assert!(ends_blank_line(false, b"x,\n    "));
        assert!(!ends_blank_line(true, b"\n  x"));
    }

    #[test]
    fn members_are_written_in_key_order_and_buffers_are_released() {
        let (mut sink, mut ind, pal) = (Sink::default(), Indent::new(1), Palette::new(None));
        sink.open_sorted(1);
        for key in ["b", "a", "c"] {
            sink.start_member();
            sink.dest()
                .extend_from_slice(format!("\"{key}\": 1").as_bytes());
            if let Some(keys) = sink.key() {
                keys.extend_from_slice(key.as_bytes());
            }
            sink.end_key();
        }
        sink.close_sorted(&mut ind, &pal);
        assert_eq!(sink.out, b"\n \"a\": 1,\n \"b\": 1,\n \"c\": 1\n}");
        assert_eq!((sink.sorting(), sink.buffered()), (0, 0));
    }
}
