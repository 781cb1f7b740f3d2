//! Applying fixes to text: pure, no I/O. Edits are byte ranges of the original text.
//!
//! A fix is applied whole or not at all: one whose edits overlap an edit already taken is left
//! for the next pass, when the text has been linted again. `until_stable` runs those passes.

use crate::diagnostic::{Diagnostic, Fix};
use crate::engine::RuleSet;
use crate::source::Format;

/// At most this many lint-and-fix passes: a fix that keeps making work for another cannot loop.
pub const MAX_PASSES: usize = 10;

/// Applies the fixes whose edits overlap no edit of a fix already taken, in order of position.
/// Returns the new text and how many fixes were applied.
pub fn apply<'f>(text: &str, fixes: impl IntoIterator<Item = &'f Fix>) -> (String, usize) {
    let mut fixes: Vec<&Fix> = fixes.into_iter().filter(|f| !f.edits.is_empty()).collect();
    fixes.sort_by_key(|f| f.edits.iter().map(|e| (e.range.start, e.range.end)).min());
    let mut taken: Vec<&crate::diagnostic::Edit> = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        let fits = fix.edits.iter().all(|e| {
            e.range.start <= e.range.end
                && e.range.end <= text.len()
                && text.is_char_boundary(e.range.start)
                && text.is_char_boundary(e.range.end)
                && taken.iter().all(|t| e.range.end <= t.range.start || t.range.end <= e.range.start)
                && fix
                    .edits
                    .iter()
                    .filter(|o| !std::ptr::eq(*o, e))
                    .all(|o| e.range.end <= o.range.start || o.range.end <= e.range.start)
        });
        if fits {
            taken.extend(&fix.edits);
            applied += 1;
        }
    }
    taken.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in taken {
        out.push_str(&text[at..edit.range.start]);
        out.push_str(&edit.replacement);
        at = edit.range.end;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

/// A document after fixing.
#[derive(Debug, PartialEq, Eq)]
pub struct Fixed {
    pub text: String,
    /// How many fixes were applied, over all passes.
    pub applied: usize,
}

/// Lints `text`, applies the fixes of the findings `accept` takes (it sees the text of the pass
/// the finding was made on), and lints the result again, until no fix applies, the text comes
/// back to one seen before (fixes that undo each other), or after `passes` passes.
pub fn until_stable(
    set: &RuleSet,
    text: &str,
    format: Format,
    passes: usize,
    accept: impl Fn(&str, &Diagnostic) -> bool,
) -> Fixed {
    let mut seen = vec![text.to_owned()];
    let mut text = text.to_owned();
    let mut applied = 0;
    for _ in 0..passes {
        let found = set.check(&text, format);
        let fixes = found.iter().filter(|d| accept(&text, d)).filter_map(|d| d.fix.as_ref());
        let (next, count) = apply(&text, fixes);
        if count == 0 || seen.contains(&next) {
            break;
        }
        applied += count;
        seen.push(next.clone());
        text = next;
    }
    Fixed { text, applied }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Applicability, Edit};

    fn fix(edits: &[(usize, usize, &str)]) -> Fix {
        Fix {
            title: "t".into(),
            edits: edits.iter().map(|&(s, e, r)| Edit { range: s..e, replacement: r.to_owned() }).collect(),
            applicability: Applicability::Safe,
        }
    }

    #[test]
    fn applies_whole_fixes_in_order_and_skips_overlaps() {
        let text = "the the Azeri forces";
        let fixes = [fix(&[(8, 13, "Azerbaijani")]), fix(&[(3, 7, "")]), fix(&[(4, 6, "x")])];
        assert_eq!(apply(text, &fixes), ("the Azerbaijani forces".to_owned(), 2));
        // A fix with two edits, one of which overlaps a fix already taken, is skipped whole.
        let fixes = [fix(&[(0, 3, "A")]), fix(&[(2, 5, "x"), (14, 20, "y")])];
        assert_eq!(apply(text, &fixes), ("A the Azeri forces".to_owned(), 1));
    }

    #[test]
    fn edits_off_the_text_or_between_bytes_of_a_character_are_refused() {
        assert_eq!(apply("abc", &[fix(&[(2, 9, "x")])]), ("abc".to_owned(), 0));
        assert_eq!(apply("é", &[fix(&[(1, 2, "x")])]), ("é".to_owned(), 0));
    }
}
