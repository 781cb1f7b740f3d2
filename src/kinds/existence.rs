//! `existence`: flags every occurrence of words or patterns that should not appear.
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `tokens` | list of regexes | matched as whole words (a space matches any whitespace) |
//! | `raw` | list of regexes | matched anywhere, as written |
//! | `ignore-case` | bool, default false | match regardless of case |
//! | `exceptions` | list of regexes | whole-word matches that excuse a hit they overlap |
//!
//! Placeholders: `{match}`, the text found. No fix: an existence rule says what is wrong, not
//! what to write instead (use `substitution` for that).
//!
//! ```toml
//! message = "avoid the cliche `{match}`"
//! [existence]
//! ignore-case = true
//! tokens = ['tip of the iceberg', 'perfect storm']
//! ```

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::{Context, Hit};
use crate::markup::Block;
use crate::pattern::{Exceptions, Mode, Patterns};
use crate::rule::Compiler;

/// The placeholders this kind fills in a message.
pub const PLACEHOLDERS: &[&str] = &["match"];

/// The keys of the kind table, for hints when one is misplaced.
pub const KEYS: &[&str] = &["tokens", "raw", "ignore-case", "exceptions"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Spec {
    #[serde(default)]
    tokens: Vec<Spanned<String>>,
    #[serde(default)]
    raw: Vec<Spanned<String>>,
    #[serde(default)]
    ignore_case: bool,
    #[serde(default)]
    exceptions: Vec<Spanned<String>>,
}

#[derive(Debug)]
pub struct Existence {
    tokens: Option<Patterns>,
    raw: Option<Patterns>,
    exceptions: Exceptions,
}

/// Validates the kind table, reporting every mistake with its span; `None` when there was one.
pub fn compile(spanned: &Spanned<Spec>, cx: &mut Compiler) -> Option<Existence> {
    let (table, spec) = (spanned.span(), spanned.get_ref());
    if spec.tokens.is_empty() && spec.raw.is_empty() {
        cx.error(
            table.clone(),
            "this existence rule has no `tokens` and no `raw` patterns, so it can never fire",
            "here",
        );
        return None;
    }
    let tokens = Patterns::compile_optional(cx, &spec.tokens, Mode::Words, spec.ignore_case);
    let raw = Patterns::compile_optional(cx, &spec.raw, Mode::Raw, spec.ignore_case);
    let exceptions = Exceptions::compile(cx, &spec.exceptions, spec.ignore_case);
    Some(Existence { tokens: tokens?, raw: raw?, exceptions: exceptions? })
}

impl Existence {
    /// Whether every pattern has prefilter literals: then a document without any of them
    /// (none of the rule's slots found) has no match.
    pub fn needs_literals(&self) -> bool {
        self.tokens.iter().chain(&self.raw).all(Patterns::prefiltered)
    }

    /// Adds a hit for each finding in the document.
    pub fn check(&self, cx: &Context, hits: &mut Vec<Hit>) {
        // Each block's matches of both lists, by where the block starts.
        let mut blocks: std::collections::BTreeMap<usize, (&Block, Vec<Range<usize>>)> = Default::default();
        for patterns in self.tokens.iter().chain(&self.raw) {
            for (block, spans) in cx.spans(patterns) {
                let text = cx.doc.prose(block.range.clone());
                let found = spans.into_iter().flat_map(|span| patterns.find_in(text, span));
                blocks.entry(block.range.start).or_insert((block, Vec::new())).1.extend(found);
            }
        }
        for (block, mut found) in blocks.into_values() {
            let text = cx.doc.prose(block.range.clone());
            let base = block.range.start;
            found.sort_by_key(|r| (r.start, r.end));
            self.exceptions.retain_unexcused(text, &mut found, Range::clone);
            for range in found {
                let range = base + range.start..base + range.end;
                if cx.counts(&range) {
                    hits.push(Hit {
                        args: vec![("match", cx.doc.text[range.clone()].to_owned())],
                        range,
                        ..Hit::default()
                    });
                }
            }
        }
    }
}
