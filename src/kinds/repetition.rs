//! `repetition`: a word typed twice ("the the", "to\nto" across a line break).
//!
//! Two consecutive words of one block, separated only by whitespace, equal regardless of case.
//! Not flagged: words without letters ("10 10" in a table), the words listed in `exceptions`
//! ("had had", "that that"), and pairs where case shows a name or a code: a capitalized second
//! word ("Walla Walla", "Boutros Boutros-Ghali"), a capitalized first word inside a sentence
//! ("in May may", "Mr. Coffee coffee makers"), or a word in capitals (a company and its stock
//! code, "KPMG KPMG.UL"; "RIM.TO to"; a shouted "SLOW SLOW SLOW").
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `exceptions` | list of words | words that may legitimately be doubled, any case |
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

use serde::Deserialize;
use toml::Spanned;

use super::{Context, Hit, in_capitals};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rule::Compiler;

/// The placeholders this kind fills in a message.
pub const PLACEHOLDERS: &[&str] = &["match"];

/// The keys of the kind table, for hints when one is misplaced.
pub const KEYS: &[&str] = &["exceptions"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Spec {
    #[serde(default)]
    exceptions: Vec<Spanned<String>>,
}

#[derive(Debug)]
pub struct Repetition {
    /// Lowercased words that may be doubled.
    exceptions: Vec<String>,
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
    Some(Repetition { exceptions })
}

impl Repetition {
    /// Adds a hit for each finding in the document.
    pub fn check(&self, cx: &Context, hits: &mut Vec<Hit>) {
        for block in cx.blocks() {
            let words = cx.seg.words_in(&block.range);
            for pair in words.windows(2) {
                let (first, second) = (&pair[0], &pair[1]);
                let a = &cx.doc.prose[first.clone()];
                let b = &cx.doc.prose[second.clone()];
                let gap = &cx.doc.prose[first.end..second.start];
                if !gap.chars().all(char::is_whitespace) || !same_word(a, b) {
                    continue;
                }
                if !a.chars().any(char::is_alphabetic) || is_name_or_code(cx, first, a, b) {
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
fn is_name_or_code(cx: &Context, first: &std::ops::Range<usize>, a: &str, b: &str) -> bool {
    if in_capitals(a) || in_capitals(b) || b.starts_with(char::is_uppercase) {
        return true;
    }
    a.starts_with(char::is_uppercase) && !cx.sentence_initial(first)
}
