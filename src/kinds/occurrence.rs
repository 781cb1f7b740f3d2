//! `occurrence`: counts per sentence, paragraph or document ("a sentence over 45 words", "more
//! than one exclamation mark in a story").
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `per` | `"sentence"`, `"paragraph"` or `"document"` | the unit counted in |
//! | `max` | integer, optional | flag a unit with more than this |
//! | `min` | integer, optional | flag a unit with fewer than this |
//! | `tokens` | list of regexes, optional | count these, as whole words |
//! | `raw` | list of regexes, optional | count these, matched anywhere |
//! | `ignore-case` | bool, default false | match regardless of case |
//!
//! With neither `tokens` nor `raw`, words are counted. Placeholders: `{count}`, `{max}`, `{min}`.
//! The finding spans the sentence or paragraph; per document, it spans the first match over the
//! limit (or the first block, for too few). No fix.
//!
//! ```toml
//! message = "this sentence has {count} words; consider splitting it (at most {max})"
//! [occurrence]
//! per = "sentence"
//! max = 45
//! ```

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::{Context, Hit};
use crate::pattern::{Mode, Patterns};
use crate::rule::Compiler;

/// The placeholders this kind fills in a message.
pub const PLACEHOLDERS: &[&str] = &["count", "max", "min"];

/// The keys of the kind table, for hints when one is misplaced.
pub const KEYS: &[&str] = &["per", "max", "min", "tokens", "raw", "ignore-case"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Spec {
    per: Spanned<String>,
    max: Option<usize>,
    min: Option<Spanned<usize>>,
    #[serde(default)]
    tokens: Vec<Spanned<String>>,
    #[serde(default)]
    raw: Vec<Spanned<String>>,
    #[serde(default)]
    ignore_case: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Per {
    Sentence,
    Paragraph,
    Document,
}

#[derive(Debug)]
pub struct Occurrence {
    per: Per,
    max: Option<usize>,
    min: Option<usize>,
    tokens: Option<Patterns>,
    raw: Option<Patterns>,
}

/// Validates the kind table, reporting every mistake with its span; `None` when there was one.
pub fn compile(spec: &Spanned<Spec>, cx: &mut Compiler) -> Option<Occurrence> {
    let table = spec.span();
    let spec = spec.get_ref();
    let per = match spec.per.get_ref().as_str() {
        "sentence" => Some(Per::Sentence),
        "paragraph" => Some(Per::Paragraph),
        "document" => Some(Per::Document),
        other => {
            cx.error(
                spec.per.span(),
                format!("unknown unit `{other}`"),
                "expected `sentence`, `paragraph` or `document`",
            );
            None
        }
    };
    if spec.max.is_none() && spec.min.is_none() {
        cx.error(table, "an occurrence rule needs `max` or `min`, or it can never fire", "in this table");
    }
    let min = spec.min.as_ref().map(|m| *m.get_ref());
    if let (None, Some(zero)) = (spec.max, spec.min.as_ref().filter(|m| *m.get_ref() == 0)) {
        cx.error(zero.span(), "nothing counts fewer than zero, so this rule can never fire", "`min = 0`");
        return None;
    }
    let tokens = Patterns::compile_optional(cx, &spec.tokens, Mode::Words, spec.ignore_case);
    let raw = Patterns::compile_optional(cx, &spec.raw, Mode::Raw, spec.ignore_case);
    if spec.max.is_none() && spec.min.is_none() {
        return None;
    }
    Some(Occurrence { per: per?, max: spec.max, min, tokens: tokens?, raw: raw? })
}

impl Occurrence {
    fn counts_words(&self) -> bool {
        self.tokens.is_none() && self.raw.is_none()
    }

    /// The counted things inside `range`, as ranges, in order.
    fn items(&self, cx: &Context, range: &Range<usize>) -> Vec<Range<usize>> {
        let mut items: Vec<Range<usize>> = if self.counts_words() {
            cx.seg.words_in(range).to_vec()
        } else {
            let text = cx.doc.prose(range.clone());
            let mut found: Vec<Range<usize>> = self
                .tokens
                .iter()
                .chain(&self.raw)
                .flat_map(|p| p.find_iter(text))
                .map(|r| range.start + r.start..range.start + r.end)
                .collect();
            found.sort_by_key(|r| r.start);
            found
        };
        items.retain(|r| cx.counts(r));
        items
    }

    fn judge(&self, count: usize, range: Range<usize>, items: &[Range<usize>], hits: &mut Vec<Hit>) {
        let args = |count: usize| {
            vec![
                ("count", count.to_string()),
                ("max", self.max.map_or_else(String::new, |m| m.to_string())),
                ("min", self.min.map_or_else(String::new, |m| m.to_string())),
            ]
        };
        let over = self.max.is_some_and(|max| count > max);
        let under = self.min.is_some_and(|min| count < min);
        if !over && !under {
            return;
        }
        let range = match (self.per, self.max) {
            (Per::Document, Some(max)) if over && !self.counts_words() => items[max].clone(),
            _ => range,
        };
        hits.push(Hit { range, args: args(count), ..Hit::default() });
    }

    /// Adds a hit for each finding in the document.
    pub fn check(&self, cx: &Context, hits: &mut Vec<Hit>) {
        match self.per {
            Per::Sentence => {
                for block in cx.blocks() {
                    for i in cx.seg.sentences_in(&block.range) {
                        let sentence = &cx.seg.sentences[i];
                        // Counting words, a sentence with no more words than the most allowed
                        // has nothing to report, whichever of them count.
                        let short = self.counts_words()
                            && self.min.is_none()
                            && self.max.is_some_and(|max| cx.seg.sentence_words(i).len() <= max);
                        if short {
                            continue;
                        }
                        let items = self.items(cx, sentence);
                        self.judge(items.len(), sentence.clone(), &items, hits);
                    }
                }
            }
            Per::Paragraph => {
                for block in cx.blocks() {
                    let items = self.items(cx, &block.range);
                    self.judge(items.len(), block.range.clone(), &items, hits);
                }
            }
            Per::Document => {
                let mut items = Vec::new();
                let mut first_block = None;
                for block in cx.blocks() {
                    first_block.get_or_insert(block.range.clone());
                    items.extend(self.items(cx, &block.range));
                }
                if let Some(first_block) = first_block {
                    self.judge(items.len(), first_block, &items, hits);
                }
            }
        }
    }
}
