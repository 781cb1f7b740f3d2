//! Applying fixes to text: pure, no I/O. Edits are byte ranges of the original text.

use crate::diagnostic::Edit;

/// Applies non-overlapping edits; an edit overlapping one already taken is skipped. Returns the
/// new text and how many edits were applied.
pub fn apply<'e>(text: &str, edits: impl IntoIterator<Item = &'e Edit>) -> (String, usize) {
    let mut edits: Vec<&Edit> = edits.into_iter().collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut applied = 0;
    for edit in edits {
        if edit.range.start < at || edit.range.end > text.len() {
            continue;
        }
        out.push_str(&text[at..edit.range.start]);
        out.push_str(&edit.replacement);
        at = edit.range.end;
        applied += 1;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, end: usize, replacement: &str) -> Edit {
        Edit { range: start..end, replacement: replacement.to_owned() }
    }

    #[test]
    fn applies_in_order_and_skips_overlaps() {
        let text = "the the Azeri forces";
        let edits = [edit(8, 13, "Azerbaijani"), edit(3, 7, ""), edit(4, 6, "x")];
        assert_eq!(apply(text, &edits), ("the Azerbaijani forces".to_owned(), 2));
    }
}
