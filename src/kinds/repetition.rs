//! `repetition`: a word typed twice ("the the", "to\nto" across a line break).
//!
//! Two consecutive words of one block, separated only by whitespace (and Markdown emphasis
//! markers: "the **the**"), equal regardless of case. Not flagged: a word said three times or
//! more ("jobs, jobs, jobs" without the commas is rhetoric, not a slip), words without letters
//! ("10 10" in a table), a word glued to a symbol ("A$200 A", "M&A A"), the words listed in
//! `exceptions` ("had had", "that that"), and pairs where case shows a name or a code: a
//! capitalized second word ("Walla Walla", "Boutros Boutros-Ghali") unless the word is one of
//! the `function-words` ("the The"), a capitalized first word inside a sentence ("in May may",
//! "Mr. Coffee coffee makers"), or a word in capitals (a company and its stock code, "KPMG
//! KPMG.UL"; "RIM.TO to"; a shouted "SLOW SLOW SLOW").
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `exceptions` | list of words | words that may legitimately be doubled, any case |
//! | `function-words` | list of words | words whose doubling is a slip even when the second is capitalized (`the The`) |
//!
//! Placeholders: `{match}`, the repeated word. Fix (safe): remove the second word and the space
//! before it; when a line break separates the two, remove the first word and the space before it
//! instead, so a hard-wrapped line keeps its wrap.
//!
//! ```toml
//! message = "`{match}` is repeated"
//! [repetition]
//! exceptions = ['had', 'that']
//! ```

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::{Context, Hit, in_capitals};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rule::Compiler;

/// The placeholders this kind fills in a message.
pub const PLACEHOLDERS: &[&str] = &["match"];

/// The keys of the kind table, for hints when one is misplaced.
pub const KEYS: &[&str] = &["exceptions", "function-words"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Spec {
    #[serde(default)]
    exceptions: Vec<Spanned<String>>,
    #[serde(default)]
    function_words: Vec<String>,
}

#[derive(Debug)]
pub struct Repetition {
    /// Lowercased words that may be doubled.
    exceptions: Vec<String>,
    /// Words whose doubling is a slip whatever the case of the second.
    function_words: Vec<String>,
}

/// Validates the kind table, reporting every mistake with its span; `None` when there was one.
pub fn compile(spanned: &Spanned<Spec>, cx: &mut Compiler) -> Option<Repetition> {
    let spec = spanned.get_ref();
    let mut exceptions = Vec::new();
    for word in &spec.exceptions {
        if word.get_ref().trim().is_empty() || word.get_ref().contains(char::is_whitespace) {
            cx.error(word.span(), "an exception is one word", "not a single word");
        }
        exceptions.push(word.get_ref().to_lowercase());
    }
    Some(Repetition { exceptions, function_words: spec.function_words.clone() })
}

impl Repetition {
    /// Adds a hit for each finding in the document.
    pub fn check(&self, cx: &Context, hits: &mut Vec<Hit>) {
        // In ASCII prose two words are the same only if they are as long.
        let ascii = cx.ascii();
        let bytes = cx.doc.prose.as_bytes();
        // Most neighbours differ in their length or their first letter: told apart by a
        // subtraction (from the words alone, in ASCII prose) and then one byte each, in a loop of
        // their own with nothing else in it.
        let may_double = |first: &Range<usize>, second: &Range<usize>| {
            if ascii && first.len() != second.len() {
                return false;
            }
            let (x, y) = (bytes[first.start], bytes[second.start]);
            !(x.is_ascii() && y.is_ascii() && !x.eq_ignore_ascii_case(&y))
        };
        for block in cx.blocks() {
            let words = cx.seg.words_in(&block.range);
            let doubled = |i: usize| {
                let (first, second) = (&words[i], &words[i + 1]);
                may_double(first, second)
                    && cx.doc.prose[first.end..second.start].chars().all(crate::markup::is_gap)
                    && same_word(&cx.doc.prose[first.clone()], &cx.doc.prose[second.clone()])
            };
            let pairs = words.windows(2).enumerate();
            for (i, _) in pairs.filter(|(_, pair)| may_double(&pair[0], &pair[1])) {
                if !doubled(i) {
                    continue;
                }
                let (first, second) = (&words[i], &words[i + 1]);
                let a = &cx.doc.prose[first.clone()];
                let b = &cx.doc.prose[second.clone()];
                let gap = &cx.doc.prose[first.end..second.start];
                // Three in a row is said on purpose.
                if (i > 0 && doubled(i - 1)) || (i + 2 < words.len() && doubled(i + 1)) {
                    continue;
                }
                // Part of a larger token: `M&A A`, a currency such as `A$200`.
                let glued = cx.doc.prose[..first.start].ends_with(['&', '-', '.', '/', '@'])
                    || cx.doc.prose[second.end..].starts_with('$');
                let function_word = self.function_words.iter().any(|w| same_word(w, a));
                if !a.chars().any(char::is_alphabetic)
                    || glued
                    || is_name_or_code(cx, first, a, b, function_word)
                {
                    continue;
                }
                if self.exceptions.iter().any(|e| same_word(e, a)) {
                    continue;
                }
                let range = first.start..second.end;
                if !cx.counts(&range) {
                    continue;
                }
                // Across a line break, remove the first word and the space before it, so the
                // hard wrap stays where it was; otherwise remove the space and the second word.
                let before = cx.doc.prose[..first.start].trim_end_matches([' ', '\t']).len();
                let (removed, title) =
                    if gap.contains('\n') && before < first.start && before > block.range.start {
                        (before..first.end, format!("remove the first `{a}`"))
                    } else {
                        (first.end..second.end, format!("remove the second `{b}`"))
                    };
                hits.push(Hit {
                    range,
                    args: vec![("match", cx.doc.text[second.clone()].to_owned())],
                    labels: Vec::new(),
                    fix: Some(Fix {
                        title,
                        edits: vec![Edit { range: removed, replacement: String::new() }],
                        applicability: Applicability::Safe,
                    }),
                });
            }
        }
    }
}

fn same_word(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

/// Whether the pair's case shows a name or a code rather than a slip.
/// A capitalized second word after a function word is still a slip (`the The`).
fn is_name_or_code(
    cx: &Context,
    first: &std::ops::Range<usize>,
    a: &str,
    b: &str,
    function_word: bool,
) -> bool {
    if in_capitals(a) || in_capitals(b) {
        return true;
    }
    if b.starts_with(char::is_uppercase) {
        return !function_word;
    }
    a.starts_with(char::is_uppercase) && !cx.sentence_initial(first)
}
