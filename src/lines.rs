//! Line and column numbers derived from byte offsets, the one place that does so.
//!
//! Lines end at `\n`; a `\r\n` pair is one break. Columns are 1-based and count Unicode scalar
//! values from the start of the line. A byte-order mark at the start of the file is not counted:
//! editors do not show it.
//!
//! A column is counted from the line's start, except on long lines: there it is counted from the
//! nearest checkpoint before it (one every [`CHECKPOINT`] bytes, made with the index), so a
//! finding far along a single 5 MB line costs no more than one near its start.

use std::ops::Range;

/// How many bytes apart the column checkpoints of a long line are.
const CHECKPOINT: usize = 4096;

/// Byte offsets of the start of every line of one text.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Length of a leading byte-order mark (0 or 3).
    bom: usize,
    /// On lines longer than [`CHECKPOINT`]: (byte offset, 0-based column there), in order of
    /// offset, each offset a character boundary.
    checkpoints: Vec<(usize, usize)>,
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    /// Indexes the line starts of `text` in one pass.
    pub fn new(text: &str) -> LineIndex {
        let bom = crate::source::bom_len(text);
        let mut starts = vec![bom];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let mut checkpoints = Vec::new();
        for (i, &start) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(text.len());
            if end - start <= CHECKPOINT {
                continue;
            }
            let (mut at, mut column) = (start, 0);
            while end - at > CHECKPOINT {
                let mut next = at + CHECKPOINT;
                while !text.is_char_boundary(next) {
                    next += 1;
                }
                column += text[at..next].chars().count();
                checkpoints.push((next, column));
                at = next;
            }
        }
        LineIndex { starts, bom, checkpoints }
    }

    /// The 0-based index of the line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset).saturating_sub(1)
    }

    /// The byte range of a 0-based line, including its line break.
    pub fn line_range(&self, line: usize, text_len: usize) -> Option<Range<usize>> {
        let start = *self.starts.get(line)?;
        let end = self.starts.get(line + 1).copied().unwrap_or(text_len);
        Some(start..end)
    }

    /// The number of lines (a text ending in a line break has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 1-based line and column of a byte offset (which must be a character boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.max(self.bom).min(text.len());
        let line = self.line_of(offset);
        let mut from = (self.starts[line], 0);
        if let Some(i) = self.checkpoints.partition_point(|&(at, _)| at <= offset).checked_sub(1) {
            if self.checkpoints[i].0 > from.0 {
                from = self.checkpoints[i];
            }
        }
        let column = from.1 + text.get(from.0..offset).map_or(0, |s| s.chars().count()) + 1;
        Position { line: line + 1, column }
    }

    /// The 1-based line and the 1-based column in bytes of a byte offset, as tools that count
    /// UTF-8 bytes want it (reviewdog).
    pub fn byte_position(&self, offset: usize, text_len: usize) -> Position {
        let offset = offset.max(self.bom).min(text_len);
        let line = self.line_of(offset);
        Position { line: line + 1, column: offset - self.starts[line] + 1 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(text: &str, offset: usize) -> (usize, usize) {
        let p = LineIndex::new(text).position(text, offset);
        (p.line, p.column)
    }

    #[test]
    fn counts_lines_and_scalar_columns() {
        let text = "ab\nc“d”e\n";
        assert_eq!(pos(text, 0), (1, 1));
        assert_eq!(pos(text, 3), (2, 1));
        // `e` follows two three-byte quotation marks but is the fifth character.
        assert_eq!(pos(text, text.find('e').unwrap()), (2, 5));
        assert_eq!(pos(text, text.len()), (3, 1));
    }

    #[test]
    fn crlf_is_one_break() {
        let text = "one\r\ntwo\r\nthree";
        assert_eq!(pos(text, text.find("two").unwrap()), (2, 1));
        assert_eq!(pos(text, text.find("three").unwrap() + 2), (3, 3));
        assert_eq!(LineIndex::new(text).line_count(), 3);
    }

    #[test]
    fn columns_on_a_long_line_match_counting_from_its_start() {
        let mut rng = crate::hash::Random::new(7);
        let pieces = ["a", "é", "“", "𝔸", " ", "\r\n", "\n"];
        let mut text = String::from("\u{feff}");
        for _ in 0..100_000 {
            // Mostly one long line, with a few breaks so checkpoints of several lines mix.
            let piece = pieces[rng.below(pieces.len())];
            text.push_str(if piece.contains('\n') && rng.below(3000) != 0 { "b" } else { piece });
        }
        let index = LineIndex::new(&text);
        assert!(index.checkpoints.len() > 10, "the text has long lines");
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)).step_by(101) {
            let p = index.position(&text, offset);
            let start = index.starts[index.line_of(offset.max(3))];
            let counted = text[start..offset.max(3)].chars().count() + 1;
            assert_eq!((p.line, p.column), (index.line_of(offset.max(3)) + 1, counted), "at {offset}");
        }
    }

    #[test]
    fn byte_order_mark_is_not_a_column() {
        let text = "\u{feff}Azeri";
        assert_eq!(pos(text, 3), (1, 1));
        assert_eq!(pos(text, 0), (1, 1));
        assert_eq!(pos(text, 4), (1, 2));
    }
}
