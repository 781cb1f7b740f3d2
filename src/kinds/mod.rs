//! Rule kinds: what a rule looks for. Each kind is one file with its on-disk `Spec`, a `compile`
//! step that validates the spec and reports every mistake with its span, and a `check` that
//! produces [`Hit`]s. The engine turns hits into diagnostics (id, severity, message, fix rules).
//!
//! Kinds do no I/O and read no environment; they see one document at a time through a
//! [`Context`], and must stay linear in its length.

pub mod attribution;
pub mod balance;
pub mod capitalization;
pub mod consistency;
pub mod date;
pub mod duplicate;
pub mod existence;
pub mod names;
pub mod occurrence;
pub mod repetition;
pub mod substitution;

use std::ops::Range;

use crate::diagnostic::{Fix, Label};
use crate::markup::{Block, Document, Scope, ScopeSet};
use crate::pattern::{Exceptions, Found, Patterns};
use crate::segment::Segments;

/// The kind tables a rule file may hold, in the order the documentation lists them.
pub const KINDS: [&str; 11] = [
    "existence",
    "substitution",
    "consistency",
    "repetition",
    "occurrence",
    "capitalization",
    "date",
    "attribution",
    "duplicate",
    "names",
    "balance",
];

/// The placeholders a kind fills in a message template, by the kind's table name.
pub fn placeholders_of(kind: &str) -> &'static [&'static str] {
    match kind {
        "existence" => existence::PLACEHOLDERS,
        "substitution" => substitution::PLACEHOLDERS,
        "consistency" => consistency::PLACEHOLDERS,
        "repetition" => repetition::PLACEHOLDERS,
        "occurrence" => occurrence::PLACEHOLDERS,
        "capitalization" => capitalization::PLACEHOLDERS,
        "date" => date::PLACEHOLDERS,
        "attribution" => attribution::PLACEHOLDERS,
        "duplicate" => duplicate::PLACEHOLDERS,
        "names" => names::PLACEHOLDERS,
        "balance" => balance::PLACEHOLDERS,
        _ => &[],
    }
}

/// What a kind sees of a document: its blocks, segments and the rule's scope.
pub struct Context<'a> {
    pub doc: &'a Document<'a>,
    pub seg: &'a Segments,
    pub scope: ScopeSet,
    pub skip_quotes: bool,
    /// What the rule set's prefilter found of this rule's literals, by slot.
    pub present: &'a [bool],
    /// Where it found them, sorted (the slots numbered across the rule set, this rule's from
    /// `first_slot`); `None` when a rule is to search whole blocks.
    pub places: Option<&'a [crate::engine::Place]>,
    pub first_slot: usize,
    /// In a long document, the same for each region: (its blocks' indices, found by slot), in
    /// order. Empty for most documents.
    pub regions: &'a [(Range<usize>, &'a [bool])],
    /// What rules of one kind share of a document, worked out by the first that needs it.
    pub memo: &'a Memo,
}

/// Documents of this size or more skip the name kinds' quick checks
/// (`Names::has_close_spellings`, `Capitalization::may_differ`): a long one nearly always has
/// what they look for, a pair of close spellings or a name written two ways.
const QUICK_CHECK_UNDER: usize = 1 << 20;

/// Work on one document that several rules share, done once: the dates the date rules read
/// (keyed by the address of the shared regex that found them), the signatures of its
/// sentences, and the length of its longest word.
#[derive(Default)]
pub struct Memo {
    pub dates: std::sync::OnceLock<(usize, Vec<date::Found>)>,
    /// The signature of each sentence's letters and digits, for the duplicate kind.
    pub sentence_signatures: std::sync::OnceLock<Vec<u64>>,
    longest_word: std::sync::OnceLock<usize>,
}

impl Context<'_> {
    /// The blocks the rule's scope covers, in document order.
    pub fn blocks(&self) -> impl Iterator<Item = &Block> {
        self.doc.blocks.iter().filter(|b| self.scope.contains(b.scope))
    }

    /// The blocks where one of `patterns` may match: from the block of the first match in the
    /// whole document on, none when nothing matches (one search of the document instead of one
    /// per block when a rule has nothing to find, as in most documents); in a long document, only
    /// those of the regions where the prefilter found a literal one of them needs.
    pub fn blocks_matching<'p, P>(&self, patterns: P) -> impl Iterator<Item = &Block>
    where
        P: IntoIterator<Item = &'p Patterns> + Clone,
    {
        // Patterns whose prefilter literals were found nearly always match: their blocks are
        // searched from the first, without a search of the document before (but not those
        // that keep case, whose literals the prefilter finds in any case).
        let earliest = patterns
            .clone()
            .into_iter()
            .filter(|p| p.may_match(self.present))
            .filter_map(|p| if p.nearly_sure() { Some(0) } else { p.earliest(&self.doc.prose) })
            .min();
        let first =
            earliest.map_or(self.doc.blocks.len(), |e| self.doc.blocks.partition_point(|b| b.range.end <= e));
        let regions = self.regions;
        let present = self.present;
        let mut region = 0;
        self.doc.blocks[first..]
            .iter()
            .enumerate()
            .filter(move |&(i, _)| {
                if regions.is_empty() {
                    return true;
                }
                let i = first + i;
                while regions.get(region).is_some_and(|(blocks, _)| blocks.end <= i) {
                    region += 1;
                }
                let Some((_, found)) = regions.get(region) else { return true };
                patterns
                    .clone()
                    .into_iter()
                    .any(|p| p.may_match(present) && (!p.prefiltered() || p.may_match(found)))
            })
            .map(|(_, block)| block)
    }

    /// The blocks in scope where `patterns` may match, in order, each with the spans of its
    /// text to search (from the block's start, in order): the windows around the places where
    /// the prefilter found their literals ([`Context::windows`]), or the whole text.
    pub fn spans(&self, patterns: &Patterns) -> Vec<(&Block, Vec<Range<usize>>)> {
        // Most documents lack the literals of most rules.
        if !patterns.may_match(self.present) {
            return Vec::new();
        }
        let Some(windows) = self.windows(patterns) else {
            let blocks = self.blocks_matching([patterns]).filter(|b| self.scope.contains(b.scope));
            return blocks.map(|b| (b, std::iter::once(0..b.range.len()).collect())).collect();
        };
        let mut spans = Vec::new();
        // The windows before the block, which the next blocks are after too.
        let mut passed = 0;
        for block in self.blocks() {
            let range = &block.range;
            while windows.get(passed).is_some_and(|w| w.end <= range.start) {
                passed += 1;
            }
            if passed == windows.len() {
                break;
            }
            let inside = windows[passed..].iter().take_while(|w| w.start < range.end);
            let inside: Vec<Range<usize>> = inside
                .map(|w| w.start.max(range.start) - range.start..w.end.min(range.end) - range.start)
                .collect();
            if !inside.is_empty() {
                spans.push((block, inside));
            }
        }
        spans
    }

    /// The bytes of the document's longest word: every run of letters and digits lies inside a
    /// word, and every block is segmented.
    fn longest_word(&self) -> usize {
        *self.memo.longest_word.get_or_init(|| self.seg.words.iter().map(|w| w.len()).max().unwrap_or(0))
    }

    /// Whether the document's prose is all ASCII (told by segmenting).
    pub fn ascii(&self) -> bool {
        self.seg.ascii
    }

    /// The parts of the prose where a match of `patterns` may lie, by where the prefilter found
    /// their literals ([`crate::engine::Place`]): in order and apart, none when it found none.
    /// `None` when that is not known (no prefilter ran, or the patterns have no literals or no
    /// longest match): then whole blocks are searched.
    ///
    /// Searching only these finds the matches a search of each whole block finds, in the same
    /// order: each such match lies inside one window, and the windows are apart, so none
    /// straddles a window's start; a search from there finds the match the whole search finds
    /// next (its leftmost start, and the pattern it prefers there, which fits in the window), and
    /// so on. The text around a window is still read for what a match asserts at its edges.
    fn windows(&self, patterns: &Patterns) -> Option<Vec<Range<usize>>> {
        let (reaches, places) = (patterns.reaches()?, self.places?);
        let prose = &self.doc.prose;
        let floor = |i: usize| crate::pattern::floor_boundary(prose, i);
        let ceil = |i: usize| crate::pattern::ceil_boundary(prose, i);
        let mut around: Vec<Range<usize>> = Vec::new();
        for &(slot, spread) in reaches {
            let word = if spread.per_word > 0 { self.longest_word() } else { 0 };
            let spread = spread.fixed + spread.per_word * word;
            let slot = self.first_slot + slot;
            let places = &places[places.partition_point(|p| p.slot < slot)..];
            // Never empty (a match spans its literal, so `spread` is at least its length).
            around.extend(places.iter().take_while(|p| p.slot == slot).map(|place| {
                let start = floor(place.lo.saturating_sub(spread));
                start..ceil(place.hi + spread).max(start)
            }));
        }
        // One slot's places are in order already.
        if reaches.len() > 1 {
            around.sort_unstable_by_key(|w| w.start);
        }
        let mut windows: Vec<Range<usize>> = Vec::new();
        for window in around {
            match windows.last_mut() {
                Some(last) if window.start <= last.end => last.end = last.end.max(window.end),
                _ => windows.push(window),
            }
        }
        Some(windows)
    }

    /// How many places the prefilter found the literals of `patterns` at, when it recorded
    /// them and the list has a slot of its own: every match holds one of them, and two matches
    /// that do not overlap hold two, so there are at most as many matches.
    pub fn literals_found(&self, patterns: &Patterns) -> Option<usize> {
        let (slot, places) = (self.first_slot + patterns.slot()?, self.places?);
        let from = places.partition_point(|p| p.slot < slot);
        Some(places[from..].iter().take_while(|p| p.slot == slot).count())
    }

    /// Whether `patterns` may match in the document (the prefilter found a literal they need).
    pub fn may_match(&self, patterns: &Patterns) -> bool {
        patterns.may_match(self.present)
    }

    /// Whether a word opens its sentence: nothing but punctuation stands between the start of the
    /// sentence and the word (`“The` opens one).
    pub fn sentence_initial(&self, word: &Range<usize>) -> bool {
        let w = self.seg.words.partition_point(|w| w.start < word.start);
        match self.seg.words.get(w) {
            Some(found) if found.start == word.start => self.seg.initial[w],
            // Not a word of the segmentation: it opens its sentence if no word of it comes first.
            _ => {
                let i = self.seg.sentences.partition_point(|s| s.start <= word.start);
                let start = i.checked_sub(1).map_or(0, |i| self.seg.sentences[i].start);
                w.checked_sub(1).is_none_or(|w| self.seg.words[w].start < start)
            }
        }
    }

    /// The text of a range as a message quotes it: the original, without the markup markers
    /// inside it, each run of whitespace one space.
    pub fn quoted(&self, range: &Range<usize>) -> String {
        let text = &self.doc.text[range.clone()];
        let prose = &self.doc.prose[range.clone()];
        let kept: String = text
            .char_indices()
            .filter(|&(i, _)| prose.as_bytes()[i] != crate::markup::MARK)
            .map(|(_, c)| c)
            .collect();
        kept.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Whether a match reads as a name rather than a word: capitalized inside a sentence
    /// ("Millenium Technology", "the Defense Department"), or at its start before another
    /// capitalized word ("Email Systems said"), or in capitals ("LABOUR REFORM"). In a heading
    /// every word is capitalized, so there nothing reads as a name.
    pub fn looks_like_name(&self, block: &Block, range: &Range<usize>) -> bool {
        let text = &self.doc.text[range.clone()];
        let next_capitalized = || {
            let rest = &self.doc.prose[range.end..block.range.end];
            let next = rest.trim_start_matches([' ', '\t']);
            next.len() < rest.len() && next.starts_with(char::is_uppercase)
        };
        let capitalized =
            text.starts_with(char::is_uppercase) && (!self.sentence_initial(range) || next_capitalized());
        block.scope != Scope::Heading && (in_capitals(text) || capitalized)
    }

    /// The matches of `patterns` in the blocks in scope, in document order, with their block:
    /// exceptions removed, and quotations the rule skips, and names where it skips them.
    pub fn matches<'p>(
        &'p self,
        patterns: &'p Patterns,
        exceptions: &Exceptions,
        skip_names: bool,
    ) -> Vec<(&'p Block, Range<usize>, Found<'p>)> {
        let mut out = Vec::new();
        for (block, spans) in self.spans(patterns) {
            let text = self.doc.prose(block.range.clone());
            let mut found: Vec<Found> =
                spans.into_iter().flat_map(|span| patterns.captures_in(text, span)).collect();
            exceptions.retain_unexcused(text, &mut found, |f| f.range.clone());
            for f in found {
                let range = block.range.start + f.range.start..block.range.start + f.range.end;
                if self.counts(&range) && !(skip_names && self.looks_like_name(block, &range)) {
                    out.push((block, range, f));
                }
            }
        }
        out
    }

    /// Whether a match counts for this rule: not inside a quotation the rule skips.
    pub fn counts(&self, range: &Range<usize>) -> bool {
        !(self.skip_quotes && self.seg.in_quote(range.start))
    }

    /// [`Context::counts`] of ranges asked in order of their starts, from a cursor into the
    /// quotations that starts at 0: each quotation is passed over once, not searched for.
    pub fn counts_from(&self, cursor: &mut usize, range: &Range<usize>) -> bool {
        !(self.skip_quotes && self.seg.in_quote_from(cursor, range.start))
    }
}

/// The built-in rules, loaded without a problem, for tests that call a built-in rule's kind.
#[cfg(test)]
pub(crate) fn builtin() -> crate::engine::RuleSet {
    let (set, problems) = crate::pack::load(crate::pack::builtin(true), false);
    assert!(problems.is_empty(), "{problems:?}");
    set
}

/// A document parsed and segmented as the engine does it, for tests that call a kind directly.
#[cfg(test)]
pub(crate) struct Parsed<'a> {
    pub doc: Document<'a>,
    pub seg: Segments,
    memo: Memo,
}

#[cfg(test)]
impl<'a> Parsed<'a> {
    pub(crate) fn new(set: &crate::engine::RuleSet, text: &'a str, format: crate::source::Format) -> Self {
        let doc = Document::parse(text, format);
        let seg = set.language.segmenter.segment(&doc);
        Parsed { doc, seg, memo: Memo::default() }
    }

    /// What a rule of this scope sees of the document, with no prefilter.
    pub(crate) fn context(&self, scope: ScopeSet, skip_quotes: bool) -> Context<'_> {
        Context {
            doc: &self.doc,
            seg: &self.seg,
            scope,
            skip_quotes,
            present: &[],
            places: None,
            first_slot: 0,
            regions: &[],
            memo: &self.memo,
        }
    }
}

/// One finding of a kind, before the engine gives it a rule id, severity and message.
#[derive(Clone, Debug, Default)]
pub struct Hit {
    pub range: Range<usize>,
    /// Values for the message template's placeholders.
    pub args: Vec<(&'static str, String)>,
    pub labels: Vec<Label>,
    pub fix: Option<Fix>,
}

/// A compiled kind.
#[derive(Debug)]
pub enum Kind {
    Existence(existence::Existence),
    Substitution(substitution::Substitution),
    Consistency(consistency::Consistency),
    Repetition(repetition::Repetition),
    Occurrence(occurrence::Occurrence),
    Capitalization(capitalization::Capitalization),
    Date(date::Date),
    Attribution(attribution::Attribution),
    Duplicate(duplicate::Duplicate),
    Names(names::Names),
    Balance(balance::Balance),
}

impl Kind {
    /// The kind's table name in rule files.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Existence(_) => "existence",
            Kind::Substitution(_) => "substitution",
            Kind::Consistency(_) => "consistency",
            Kind::Repetition(_) => "repetition",
            Kind::Occurrence(_) => "occurrence",
            Kind::Capitalization(_) => "capitalization",
            Kind::Date(_) => "date",
            Kind::Attribution(_) => "attribution",
            Kind::Duplicate(_) => "duplicate",
            Kind::Names(_) => "names",
            Kind::Balance(_) => "balance",
        }
    }

    /// The kinds whose table has `key`, for a hint when a key is put in the wrong table.
    pub fn tables_with_key(key: &str) -> Vec<&'static str> {
        let keys: [(&str, &[&str]); 11] = [
            ("existence", existence::KEYS),
            ("substitution", substitution::KEYS),
            ("consistency", consistency::KEYS),
            ("repetition", repetition::KEYS),
            ("occurrence", occurrence::KEYS),
            ("capitalization", capitalization::KEYS),
            ("date", date::KEYS),
            ("attribution", attribution::KEYS),
            ("duplicate", duplicate::KEYS),
            ("names", names::KEYS),
            ("balance", balance::KEYS),
        ];
        keys.into_iter().filter(|(_, keys)| keys.contains(&key)).map(|(kind, _)| kind).collect()
    }

    /// Style kinds leave the text of direct quotations alone; slips (a doubled word, a count)
    /// are slips wherever they are.
    pub fn skips_quotes_by_default(&self) -> bool {
        !matches!(
            self,
            Kind::Repetition(_)
                | Kind::Occurrence(_)
                | Kind::Date(_)
                | Kind::Attribution(_)
                | Kind::Duplicate(_)
                | Kind::Names(_)
                | Kind::Balance(_)
        )
    }

    /// Whether the kind finds only matches of patterns that all have prefilter literals: then a
    /// document where none of the rule's literals was found has nothing to find, and the rule
    /// is not run on it.
    pub fn needs_literals(&self) -> bool {
        match self {
            Kind::Existence(k) => k.needs_literals(),
            Kind::Substitution(k) => k.needs_literals(),
            _ => false,
        }
    }

    /// Runs the kind over one document.
    pub fn check(&self, cx: &Context, hits: &mut Vec<Hit>) {
        match self {
            Kind::Existence(k) => k.check(cx, hits),
            Kind::Substitution(k) => k.check(cx, hits),
            Kind::Consistency(k) => k.check(cx, hits),
            Kind::Repetition(k) => k.check(cx, hits),
            Kind::Occurrence(k) => k.check(cx, hits),
            Kind::Capitalization(k) => k.check(cx, hits),
            Kind::Date(k) => k.check(cx, hits),
            Kind::Attribution(k) => k.check(cx, hits),
            Kind::Duplicate(k) => k.check(cx, hits),
            Kind::Names(k) => k.check(cx, hits),
            Kind::Balance(k) => k.check(cx, hits),
        }
    }
}

/// Gives `replacement` the case pattern of `written`: all capitals stay all capitals, a capital
/// first letter stays capital; otherwise the replacement is used as the rule writes it.
pub fn match_case(written: &str, replacement: &str) -> String {
    if in_capitals(written) {
        return replacement.to_uppercase();
    }
    if written.starts_with(char::is_uppercase) {
        let mut chars = replacement.chars();
        if let Some(first) = chars.next() {
            return first.to_uppercase().chain(chars).collect();
        }
    }
    replacement.to_owned()
}

/// Whether a word or phrase is written in capitals: two letters or more, none lowercase
/// ("OSCE", "LABOUR REFORM").
pub fn in_capitals(text: &str) -> bool {
    // Most words are ASCII, and a capitalized one has a lowercase letter second: read as bytes
    // until a lowercase letter, or one outside ASCII.
    let mut capitals = 0;
    for &b in text.as_bytes() {
        if b.is_ascii_lowercase() {
            return false;
        }
        if !b.is_ascii() {
            return in_capitals_outside_ascii(text);
        }
        capitals += usize::from(b.is_ascii_uppercase());
    }
    capitals >= 2
}

/// [`in_capitals`] read as characters.
fn in_capitals_outside_ascii(text: &str) -> bool {
    let mut letters = text.chars().filter(|c| c.is_alphabetic());
    letters.clone().nth(1).is_some() && letters.all(char::is_uppercase)
}

/// Whether a form from a rule file is literal text (and so can be written back as a fix).
pub fn is_literal(form: &str) -> bool {
    !form.contains(['\\', '.', '+', '*', '?', '(', ')', '|', '[', ']', '{', '}', '^', '$'])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read as bytes, an ASCII text is in capitals exactly when it is read as characters.
    #[test]
    fn ascii_in_capitals_as_by_characters() {
        let by_characters = |text: &str| {
            let mut letters = text.chars().filter(|c| c.is_alphabetic());
            letters.clone().nth(1).is_some() && letters.all(char::is_uppercase)
        };
        let alphabet = ["A", "b", "Z", "z", "1", ".", "-", "'", " ", "É", "é", "ǅ"];
        let mut random = crate::hash::Random::new(0xca91_7a15);
        for _ in 0..20_000 {
            let text: String = (0..random.below(7)).map(|_| alphabet[random.below(alphabet.len())]).collect();
            assert_eq!(in_capitals(&text), by_characters(&text), "{text:?}");
        }
    }

    #[test]
    fn words_in_capitals() {
        for text in ["OSCE", "LABOUR REFORM", "U.S.", "ÉCOLE", "AB", "F-16A"] {
            assert!(in_capitals(text), "{text}");
        }
        for text in ["A", "Minsk", "iPhone", "U.s.", "20", "", "Éc", "A1", "NATO's", "F-16"] {
            assert!(!in_capitals(text), "{text}");
        }
    }

    /// Reads the keys a kind's `Spec` accepts from serde's message about an unknown one.
    fn accepted<T: serde::de::DeserializeOwned>() -> Vec<String> {
        let parsed = crate::toml_file::parse::<T>("no-such-key = 1\n");
        let unknown =
            parsed.problems.iter().find(|p| p.message.starts_with("unknown key")).expect("reported");
        let message = unknown.notes.last().expect("a list of expected keys");
        message.split('`').skip(1).step_by(2).map(str::to_owned).collect()
    }

    #[test]
    fn keys_lists_match_the_specs() {
        assert_eq!(accepted::<existence::Spec>(), existence::KEYS);
        assert_eq!(accepted::<substitution::Spec>(), substitution::KEYS);
        assert_eq!(accepted::<consistency::Spec>(), consistency::KEYS);
        assert_eq!(accepted::<repetition::Spec>(), repetition::KEYS);
        assert_eq!(accepted::<occurrence::Spec>(), occurrence::KEYS);
        assert_eq!(accepted::<capitalization::Spec>(), capitalization::KEYS);
        assert_eq!(accepted::<date::Spec>(), date::KEYS);
        assert_eq!(accepted::<attribution::Spec>(), attribution::KEYS);
        assert_eq!(accepted::<duplicate::Spec>(), duplicate::KEYS);
        assert_eq!(accepted::<names::Spec>(), names::KEYS);
        assert_eq!(accepted::<balance::Spec>(), balance::KEYS);
    }

    #[test]
    fn keeps_the_writers_case() {
        assert_eq!(match_case("Azeri", "Azerbaijani"), "Azerbaijani");
        assert_eq!(match_case("AZERI", "Azerbaijani"), "AZERBAIJANI");
        assert_eq!(match_case("azeri", "Azerbaijani"), "Azerbaijani");
        assert_eq!(match_case("Utilize", "use"), "Use");
        assert_eq!(match_case("utilize", "use"), "use");
        assert_eq!(match_case("A", "an"), "An");
    }
}
