//! `attribution`: a figure that needs a source and has none ("Some 200 people have been reported
//! killed").
//!
//! A figure (a number in digits or words) is tied to a claim word (killed, injured, arrested …)
//! when the claim word is at most `distance` words from it in the same clause (no comma, dash,
//! `and` or `but` between); each figure goes with its nearest claim word. A claim word
//! capitalized inside a sentence is a title or a name ("Dead or Alive") and is not one.
//!
//! The claim is attributed when its window (the sentence, or the whole paragraph) holds an
//! attribution (said, told, according to, reported by …); with the paragraph window, a claim in
//! the story's first paragraph (its lede) is also covered by an attribution in the second, where
//! news copy often names the source. A passive "reported" names no source, so it is not in the
//! default list. A figure inside a direct quotation is the speaker's. A sentence that matches a
//! `background` pattern (a year: "some 30,000 people were killed before a 1994 ceasefire") tells
//! history, which needs no fresh source, and so do the sentences after it in its paragraph and
//! the first sentence of the next.
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `figures` | list of regexes | what counts as a figure, matched as whole words |
//! | `claims` | list of regexes | claim words that follow their figure ("200 people were killed"), matched as whole words |
//! | `claims-before` | list of regexes, optional | claim words that may also come before it ("killed 11 workers") |
//! | `attributions` | list of regexes | what names a source, matched as whole words |
//! | `background` | list of regexes, optional | a sentence with one of these is background, and so is the rest of its paragraph |
//! | `exceptions` | list of regexes, optional | whole-word matches that are not figures (`Route 9`) |
//! | `window` | `"sentence"` or `"paragraph"`, default paragraph | where an attribution covers a claim |
//! | `distance` | integer, default 6 | the most words between a figure and its claim word |
//! | `ignore-case` | bool, default true | match regardless of case |
//!
//! Placeholders: `{match}` (from the figure to the claim word), `{figure}`, `{claim}`. No fix:
//! only the reporter knows the source.
//!
//! ```toml
//! message = "`{match}`: who says so? No source in this paragraph"
//! [attribution]
//! figures = ['[0-9][0-9,.]*', 'hundreds', 'dozens']
//! claims = ['killed', 'injured']
//! attributions = ['said', 'according to']
//! ```

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::{Context, Hit};
use crate::markup::Scope;
use crate::pattern::{Exceptions, Mode, Patterns};
use crate::rule::Compiler;

/// The placeholders this kind fills in a message.
pub const PLACEHOLDERS: &[&str] = &["match", "figure", "claim"];

/// The keys of the kind table, for hints when one is misplaced.
pub const KEYS: &[&str] = &[
    "figures",
    "claims",
    "claims-before",
    "attributions",
    "background",
    "exceptions",
    "window",
    "distance",
    "ignore-case",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Spec {
    figures: Vec<Spanned<String>>,
    claims: Vec<Spanned<String>>,
    #[serde(default)]
    claims_before: Vec<Spanned<String>>,
    attributions: Vec<Spanned<String>>,
    #[serde(default)]
    background: Vec<Spanned<String>>,
    #[serde(default)]
    exceptions: Vec<Spanned<String>>,
    window: Option<Spanned<String>>,
    distance: Option<usize>,
    ignore_case: Option<bool>,
}

#[derive(Debug)]
pub struct Attribution {
    figures: Patterns,
    claims: Patterns,
    claims_before: Option<Patterns>,
    attributions: Patterns,
    background: Option<Patterns>,
    exceptions: Exceptions,
    whole_paragraph: bool,
    distance: usize,
}

/// Validates the kind table, reporting every mistake with its span; `None` when there was one.
pub fn compile(spanned: &Spanned<Spec>, cx: &mut Compiler) -> Option<Attribution> {
    let spec = spanned.get_ref();
    let table = spanned.span();
    let ignore_case = spec.ignore_case.unwrap_or(true);
    for (list, key) in
        [(&spec.figures, "figures"), (&spec.claims, "claims"), (&spec.attributions, "attributions")]
    {
        if list.is_empty() {
            cx.error(
                table.clone(),
                format!("`{key}` is empty, so this rule can never fire"),
                "in this table",
            );
        }
    }
    let whole_paragraph = match spec.window.as_ref().map(|w| (w.get_ref().as_str(), w.span())) {
        None | Some(("paragraph", _)) => Some(true),
        Some(("sentence", _)) => Some(false),
        Some((other, span)) => {
            cx.error(span, format!("unknown window `{other}`"), "expected `sentence` or `paragraph`");
            None
        }
    };
    let list = |cx: &mut Compiler, list: &[Spanned<String>]| {
        if list.is_empty() { None } else { Patterns::compile(cx, list, Mode::Words, ignore_case) }
    };
    let figures = list(cx, &spec.figures);
    let claims = list(cx, &spec.claims);
    let claims_before = Patterns::compile_optional(cx, &spec.claims_before, Mode::Words, ignore_case);
    let attributions = list(cx, &spec.attributions);
    let background = Patterns::compile_optional(cx, &spec.background, Mode::Words, ignore_case);
    let exceptions = Exceptions::compile(cx, &spec.exceptions, ignore_case);
    Some(Attribution {
        figures: figures?,
        claims: claims?,
        claims_before: claims_before?,
        attributions: attributions?,
        background: background?,
        exceptions: exceptions?,
        whole_paragraph: whole_paragraph?,
        distance: spec.distance.unwrap_or(6),
    })
}

impl Attribution {
    /// Adds a hit for each finding in the document.
    pub fn check(&self, cx: &Context, hits: &mut Vec<Hit>) {
        let claimed =
            cx.may_match(&self.claims) || self.claims_before.as_ref().is_some_and(|c| cx.may_match(c));
        if !claimed || !cx.may_match(&self.figures) {
            return;
        }
        // The lede: the story's first paragraph, whose source news copy often gives in the next.
        let mut paragraphs = cx.doc.blocks.iter().filter(|b| b.scope == Scope::Paragraph);
        let lede = paragraphs.next().map(|b| b.range.clone());
        let second = paragraphs.next().map(|b| b.range.clone());
        // The sentences of the paragraph before: background set up there covers the first
        // sentence of the next.
        let mut before: &[Range<usize>] = &[];
        for block in cx.blocks() {
            let sentences = &cx.seg.sentences[cx.seg.sentences_in(&block.range)];
            let previous = std::mem::replace(&mut before, sentences);
            let text = cx.doc.prose(block.range.clone());
            let base = block.range.start;
            let shift = |r: Range<usize>| base + r.start..base + r.end;
            let attributed = |range: &Range<usize>| {
                self.attributions.find_iter(cx.doc.prose(range.clone())).next().is_some()
            };
            let attributed_paragraph = self.whole_paragraph
                && (attributed(&block.range)
                    || (lede.as_ref() == Some(&block.range) && second.as_ref().is_some_and(attributed)));
            if attributed_paragraph {
                continue;
            }
            let mut figures: Vec<Range<usize>> = self.figures.find_iter(text).collect();
            self.exceptions.retain_unexcused(text, &mut figures, Range::clone);
            let figures: Vec<Range<usize>> =
                figures.into_iter().map(shift).filter(|r| !cx.seg.in_quote(r.start)).collect();
            if figures.is_empty() {
                continue;
            }
            // Background set up in a sentence holds for the rest of its paragraph, and for the
            // first sentence of the next ("…in 2000.⏎⏎Four people died when …").
            let carried = previous.iter().any(|s| self.is_background(cx, s));
            let mut history = false;
            for (k, sentence) in sentences.iter().enumerate() {
                history |= self.is_background(cx, sentence);
                let covered = history || (k == 0 && carried);
                if !covered {
                    self.check_sentence(cx, sentence, &figures, hits);
                }
            }
        }
    }

    /// Whether a sentence places itself in the past ("…on 1 May, 2002").
    fn is_background(&self, cx: &Context, sentence: &Range<usize>) -> bool {
        self.background.as_ref().is_some_and(|b| b.find_iter(cx.doc.prose(sentence.clone())).next().is_some())
    }

    fn check_sentence(
        &self,
        cx: &Context,
        sentence: &Range<usize>,
        figures: &[Range<usize>],
        hits: &mut Vec<Hit>,
    ) {
        // The figures in the sentence, found by position: `figures` is in document order.
        let from = figures.partition_point(|f| f.start < sentence.start);
        let to = figures.partition_point(|f| f.start < sentence.end);
        let figures: Vec<&Range<usize>> =
            figures[from..to].iter().filter(|f| f.end <= sentence.end).collect();
        if figures.is_empty() {
            return;
        }
        let text = cx.doc.prose(sentence.clone());
        if self.attributions.find_iter(text).next().is_some() {
            return;
        }
        let words = cx.seg.words_in(sentence);
        let word_at = |offset: usize| words.partition_point(|w| w.end <= offset);
        // Claim words in the reporter's own words; a capitalized one inside a sentence is a
        // title or a name ("Dead or Alive").
        let in_own_words = |c: &(Range<usize>, bool)| {
            !cx.seg.in_quote(c.0.start)
                && (!cx.doc.text[c.0.clone()].starts_with(char::is_uppercase) || cx.sentence_initial(&c.0))
        };
        let shift = |c: Range<usize>| sentence.start + c.start..sentence.start + c.end;
        // Each claim word, and whether it may come before its figure ("killed 11 workers"), in
        // order.
        let mut claims: Vec<(Range<usize>, bool)> =
            self.claims.find_iter(text).map(|c| (shift(c), false)).collect();
        if let Some(before) = &self.claims_before {
            claims.extend(before.find_iter(text).map(|c| (shift(c), true)));
        }
        claims.retain(in_own_words);
        claims.sort_by_key(|(c, before)| (c.start, *before));
        // A figure and its claim are one clause: nothing like `,` or `and` between them.
        let one_clause = |between: Range<usize>| {
            let text = &cx.doc.prose[between];
            !text.contains([',', ';', '–', '—'])
                && !text.contains(" - ")
                && !text.contains(" and ")
                && !text.contains(" but ")
        };
        // Each figure goes with its nearest claim word, in words, either side; only the claims
        // within `distance` words are looked at.
        for figure in figures {
            let (first_word, last_word) = (word_at(figure.start), word_at(figure.end.saturating_sub(1)));
            let mut nearest: Option<(usize, Range<usize>)> = None;
            let mut consider = |gap: usize, claim: &Range<usize>| {
                let between = figure.end.min(claim.end)..figure.start.max(claim.start);
                if nearest.as_ref().is_none_or(|(best, _)| gap < *best) && one_clause(between) {
                    nearest = Some((gap, claim.clone()));
                }
            };
            let after = claims.partition_point(|(c, _)| c.start < figure.end);
            for (claim, _) in &claims[after..] {
                let gap = word_at(claim.start).saturating_sub(last_word);
                if gap > self.distance {
                    break;
                }
                consider(gap, claim);
            }
            let before = claims.partition_point(|(c, _)| c.start < figure.start);
            for (claim, may_precede) in claims[..before].iter().rev() {
                let gap = first_word.saturating_sub(word_at(claim.end.saturating_sub(1)));
                if gap > self.distance {
                    break;
                }
                if *may_precede && claim.end <= figure.start {
                    consider(gap, claim);
                }
            }
            let Some((_, claim)) = nearest else { continue };
            let range = figure.start.min(claim.start)..figure.end.max(claim.end);
            let written = |r: &Range<usize>| cx.quoted(r);
            hits.push(Hit {
                args: vec![
                    ("match", written(&range)),
                    ("figure", written(figure)),
                    ("claim", written(&claim)),
                ],
                range,
                ..Hit::default()
            });
        }
    }
}
