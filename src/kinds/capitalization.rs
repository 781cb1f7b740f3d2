//! `capitalization`: the same multi-word proper name capitalized two ways in one document
//! ("Minsk Group", later "Minsk group"), found with no word list.
//!
//! How it matches:
//! 1. Names are runs of two or more adjacent capitalized words inside a sentence ("Minsk Group",
//!    "Prime Minister Nikol Pashinyan"), and runs joined by connectors ("Reserve Bank of New
//!    Zealand"). A run is taken whole: "French President Emmanuel Macron" is one name, so "the
//!    French president" elsewhere is not compared with it.
//! 2. Every other place the same words appear in the same order, whatever their case, is an
//!    occurrence of that name ("the Minsk group had failed").
//! 3. A word's case only counts where it is informative: not the first word of a sentence, not
//!    in all capitals, not in a heading (headlines are in title case), not in a quotation the rule
//!    skips. Two occurrences differ when a word informative in both is capitalized in one and not
//!    in the other.
//! 4. The first occurrence establishes the form, unless the other form is used more often; each
//!    occurrence that differs from it is flagged, with a label on the established one.
//!
//! Headings and table cells are never read. "The group" alone is one word of the name, so it is
//! never compared.
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `min-words` | integer, default 2 | the fewest words a name has, connectors included |
//! | `connectors` | list of words | lowercase words allowed inside a name; default `of`, `the`, `and`, `for`, `on`, `de`, `du`, `des`, `la`, `le`, `von`, `van`, `der`, `al`, `bin`, `da`, `di`, `del` |
//! | `exceptions` | list of phrases | names that may be written both ways (any case) |
//!
//! Placeholders: `{match}` (the occurrence flagged) and `{first}` (the established form). Fix
//! (unsafe, since either form could be the mistake): recapitalize as the established form.
//!
//! ```toml
//! message = "`{match}` is capitalized differently from `{first}` earlier in the story"
//! scope = ["paragraph", "list", "quote"]
//! [capitalization]
//! exceptions = ['New Year']
//! ```

use std::borrow::Cow;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::{Context, Hit, QUICK_CHECK_UNDER, in_capitals};
use crate::diagnostic::{Applicability, Edit, Fix, Label};
use crate::hash::Map;
use crate::markup::Scope;
use crate::rule::Compiler;
use crate::segment::shape;

/// The placeholders this kind fills in a message.
pub const PLACEHOLDERS: &[&str] = &["match", "first"];

/// The keys of the kind table, for hints when one is misplaced.
pub const KEYS: &[&str] = &["min-words", "connectors", "exceptions"];

/// Words that begin a capitalized run only because they begin a sentence or a title.
const FUNCTION_WORDS: &[&str] = &[
    "the", "a", "an", "but", "and", "or", "in", "on", "at", "for", "of", "to", "by", "with", "from", "as",
    "after", "before", "while", "when", "since", "if", "so", "yet", "then", "its", "his", "her", "their",
    "this", "that", "these", "those", "our", "my", "it", "he", "she", "they", "we", "i", "you", "not", "no",
    "all", "some", "does", "do", "did", "is", "was", "are", "were", "will", "would", "can", "could",
    "should", "how", "what", "why", "who", "where", "which",
];

/// Whether a (lowercased) word is one of [`FUNCTION_WORDS`]: by its first byte and length
/// first, which rule out most words.
fn is_function_word(key: &Key) -> bool {
    static SHAPES: std::sync::LazyLock<Vec<u64>> = std::sync::LazyLock::new(|| {
        let mut shapes = vec![0u64; 256];
        for word in FUNCTION_WORDS {
            let (byte, bit) = shape(word);
            shapes[byte] |= bit;
        }
        shapes
    });
    static PACKED: std::sync::LazyLock<crate::hash::Set<u64>> =
        std::sync::LazyLock::new(|| FUNCTION_WORDS.iter().filter_map(|f| packed(f)).collect());
    let (byte, bit) = key.shape();
    // Every function word is short enough to be packed.
    SHAPES[byte] & bit != 0 && packed(key.as_str()).is_some_and(|p| PACKED.contains(&p))
}

/// A word of up to seven bytes as one number, its ASCII letters lowercased and its length in the
/// top byte: two words have the same number when they are the same without regard to ASCII case
/// (as [`Key::is`] compares them). `None` for a longer word.
fn packed(word: &str) -> Option<u64> {
    let bytes = word.as_bytes();
    if bytes.len() >= 8 {
        return None;
    }
    let mut eight = crate::hash::head_le(bytes).to_le_bytes();
    eight[7] = bytes.len() as u8;
    Some(u64::from_le_bytes(eight.map(|b| b.to_ascii_lowercase())))
}

const CONNECTORS: &[&str] = &[
    "of", "the", "and", "for", "on", "de", "du", "des", "la", "le", "von", "van", "der", "al", "bin", "da",
    "di", "del",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Spec {
    min_words: Option<Spanned<usize>>,
    connectors: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    exceptions: Vec<Spanned<String>>,
}

#[derive(Debug)]
pub struct Capitalization {
    min_words: usize,
    connectors: Vec<String>,
    /// The first byte and length of each connector, as bits (`shape`): most words are no
    /// connector by these alone.
    connector_shapes: Vec<u64>,
    /// The connectors [`packed`] (all but those too long to be).
    packed_connectors: crate::hash::Set<u64>,
    /// Lowercased words of each exception.
    exceptions: Vec<Vec<String>>,
}

/// Validates the kind table, reporting every mistake with its span; `None` when there was one.
pub fn compile(spanned: &Spanned<Spec>, cx: &mut Compiler) -> Option<Capitalization> {
    let spec = spanned.get_ref();
    let min_words = spec.min_words.as_ref().map_or(2, |m| *m.get_ref());
    if let Some(m) = &spec.min_words {
        if *m.get_ref() < 2 {
            cx.error(m.span(), "a name here has at least two words", "must be 2 or more");
            return None;
        }
    }
    let mut connectors = Vec::new();
    for word in spec.connectors.iter().flatten() {
        if word.get_ref().contains(char::is_whitespace) || word.get_ref().starts_with(char::is_uppercase) {
            cx.error(word.span(), "a connector is one lowercase word", "not a lowercase word");
        }
        connectors.push(word.get_ref().clone());
    }
    if spec.connectors.is_none() {
        connectors = CONNECTORS.iter().map(|c| (*c).to_owned()).collect();
    }
    let exceptions = spec
        .exceptions
        .iter()
        .map(|e| e.get_ref().split_whitespace().map(str::to_lowercase).collect())
        .collect();
    // A word's key is lowercase, so a connector with a capital inside ("vAn") is never one.
    connectors.retain(|c| c.to_lowercase() == *c);
    Some(Capitalization::new(min_words, connectors, exceptions))
}

impl Capitalization {
    fn new(min_words: usize, connectors: Vec<String>, exceptions: Vec<Vec<String>>) -> Capitalization {
        let mut connector_shapes = vec![0u64; 256];
        for connector in connectors.iter().filter(|c| !c.is_empty()) {
            let (byte, bit) = shape(connector);
            connector_shapes[byte] |= bit;
        }
        let packed_connectors = connectors.iter().filter_map(|c| packed(c)).collect();
        Capitalization { min_words, connectors, connector_shapes, packed_connectors, exceptions }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    /// First letter capital, not all capitals: "Group".
    Capital,
    /// First letter lowercase: "group".
    Lower,
    /// All capitals, or no letter first: "OSCE", "20".
    Other,
}

/// A word this kind reads, where it is: its index in the document's words, the start of its
/// block, and whether the word read before it is no neighbour (another block, or a quotation
/// skipped between them).
#[derive(Clone, Copy)]
struct At {
    w: usize,
    block_start: usize,
    fresh: bool,
}

/// Where a stretch of the names search meets a word outside it: the pair of the word `w` and
/// the one before it, in the block that starts at `block_start`; `starts`: `w` starts the
/// stretch (else the word before ends it).
struct Join {
    w: usize,
    block_start: usize,
    starts: bool,
}

/// The words this kind reads, in order: those of the blocks it reads (not headings or tables),
/// outside the quotations it skips. A cursor: a copy reads ahead.
#[derive(Clone)]
struct Stream<'c, 'a> {
    cx: &'c Context<'a>,
    /// Each block read: where it starts, and the indices of its words.
    blocks: &'c [(usize, Range<usize>)],
    block: usize,
    next: usize,
    /// The quotation that ends after the current word, words being in order.
    quote: usize,
    fresh: bool,
}

impl<'c, 'a> Stream<'c, 'a> {
    fn new(cx: &'c Context<'a>, blocks: &'c [(usize, Range<usize>)]) -> Self {
        let next = blocks.first().map_or(0, |(_, words)| words.start);
        Stream { cx, blocks, block: 0, next, quote: 0, fresh: true }
    }
}

impl Stream<'_, '_> {
    /// Goes on from the word at index `w` (the first read in a block after it, if its block is
    /// not read), as from no neighbour of the word read last.
    fn seek(&mut self, w: usize) {
        while self.blocks.get(self.block).is_some_and(|(_, words)| words.end <= w) {
            self.block += 1;
        }
        if let Some((_, words)) = self.blocks.get(self.block) {
            self.next = w.max(words.start);
        }
        self.fresh = true;
    }

    /// Passes over the words for which `keep` is false, up to the first for which it is true
    /// (which is read next, as from no neighbour); quotations are not looked at, so `keep` may
    /// be asked of a word in one.
    fn skip_until(&mut self, keep: impl Fn(usize) -> bool) {
        while let Some((_, words)) = self.blocks.get(self.block) {
            let from = self.next.max(words.start);
            if let Some(w) = (from..words.end).find(|&w| keep(w)) {
                self.next = w;
                self.fresh = true;
                return;
            }
            self.block += 1;
            self.next = self.blocks.get(self.block).map_or(0, |(_, words)| words.start);
            self.fresh = true;
        }
    }
}

impl Iterator for Stream<'_, '_> {
    type Item = At;

    fn next(&mut self) -> Option<At> {
        loop {
            let (block_start, words) = self.blocks.get(self.block)?;
            if self.next >= words.end {
                self.block += 1;
                self.next = self.blocks.get(self.block).map_or(0, |(_, words)| words.start);
                self.fresh = true;
                continue;
            }
            let w = self.next;
            self.next += 1;
            if self.cx.skip_quotes {
                let start = self.cx.seg.words[w].start;
                let quotes = &self.cx.seg.quotes;
                while quotes.get(self.quote).is_some_and(|q| q.end <= start) {
                    self.quote += 1;
                }
                if quotes.get(self.quote).is_some_and(|q| q.start <= start) {
                    self.fresh = true;
                    continue;
                }
            }
            let fresh = std::mem::replace(&mut self.fresh, false);
            return Some(At { w, block_start: *block_start, fresh });
        }
    }
}

/// A word read in full: only the words of a stretch that could hold a name, and those of an
/// occurrence of one, are.
struct Word<'t> {
    /// Lowercased, without a possessive `'s`.
    key: Key<'t>,
    /// The hash of `key`.
    hash: u64,
    /// Whether it follows the previous word with only whitespace between, in the same block.
    joined: bool,
    /// Whether it ends in a possessive `'s`, which ends a name.
    possessive: bool,
    mark: Mark,
}

/// A word's key: lowercased, without a possessive `'s`. An ASCII word's is its own text, which
/// is compared without regard to case, so that no capitalized word is copied to lowercase it.
#[derive(Clone)]
enum Key<'t> {
    Ascii(&'t str),
    Lower(String),
}

impl<'t> Key<'t> {
    fn of(word: &'t str) -> Self {
        if word.is_ascii() {
            Key::Ascii(word.strip_suffix("'s").unwrap_or(word))
        } else {
            Key::Lower(key_of(word).into_owned())
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Key::Ascii(text) => text,
            Key::Lower(key) => key,
        }
    }

    /// Whether the key is `lowercase`, a word with no capital.
    fn is(&self, lowercase: &str) -> bool {
        self.as_str().eq_ignore_ascii_case(lowercase)
    }

    /// Its first byte, and its length (up to 63) as a bit.
    fn shape(&self) -> (usize, u64) {
        let bytes = self.as_str().as_bytes();
        (usize::from(bytes.first().map_or(0, u8::to_ascii_lowercase)), 1 << bytes.len().min(63))
    }
}

impl PartialEq for Key<'_> {
    fn eq(&self, other: &Self) -> bool {
        // An ASCII key is compared as its lowercase, which the other kind of key already is.
        self.as_str().eq_ignore_ascii_case(other.as_str())
    }
}

/// What a comparison of two occurrences of a name reads of each word.
#[derive(Clone, Copy)]
struct Mark {
    case: Case,
    /// Whether its case says something: not sentence-initial, not all capitals.
    informative: bool,
    /// Whether it is a connector ("of", "van"), whose case varies by convention.
    connector: bool,
}

/// The distinct names of a document: their words' keys, found by the hash of the whole name.
#[derive(Default)]
struct Names<'t> {
    /// Each name's range in `keys`.
    names: Vec<Range<usize>>,
    keys: Vec<Key<'t>>,
    /// The hash of each key in `keys`.
    hashes: Vec<u64>,
    /// The last name added whose run has a hash (the runs of two names seldom share one)...
    by_hash: Map<u64, usize>,
    /// ... and for each name, the one added before it with the same hash, if any.
    same_hash: Vec<Option<usize>>,
}

impl<'t> Names<'t> {
    /// The name whose words have these keys (and `hash`, their run's), if it is one.
    fn find<'k>(&self, hash: u64, keys: impl ExactSizeIterator<Item = &'k Key<'k>> + Clone) -> Option<usize> {
        self.find_from(*self.by_hash.get(&hash)?, keys)
    }

    /// [`Names::find`] among the name `last` and those added before it with its run's hash.
    fn find_from<'k>(
        &self,
        last: usize,
        keys: impl ExactSizeIterator<Item = &'k Key<'k>> + Clone,
    ) -> Option<usize> {
        std::iter::successors(Some(last), |&k| self.same_hash[k]).find(|&k| {
            self.names[k].len() == keys.len()
                && self.keys[self.names[k].clone()].iter().zip(keys.clone()).all(|(key, other)| key == other)
        })
    }

    /// Adds a name, unless it is one already.
    fn add(&mut self, words: &[Word<'t>]) {
        let hash = run_hash(words.iter().map(|w| w.hash));
        if self.find(hash, words.iter().map(|w| &w.key)).is_some() {
            return;
        }
        self.same_hash.push(self.by_hash.insert(hash, self.names.len()));
        self.names.push(self.keys.len()..self.keys.len() + words.len());
        self.keys.extend(words.iter().map(|w| w.key.clone()));
        self.hashes.extend(words.iter().map(|w| w.hash));
    }
}

impl Capitalization {
    /// Adds a hit for each finding in the document.
    ///
    /// Two passes over the words, neither of which keeps a record per word (a 200 MB article has
    /// 30 million words): the first finds the names, reading in full only stretches of
    /// capitalized words and connectors long enough to hold one; the second hashes every word,
    /// and reads in full only the words of an occurrence of a name.
    pub fn check(&self, cx: &Context, hits: &mut Vec<Hit>) {
        let blocks: Vec<(usize, Range<usize>)> = cx
            .blocks()
            .filter(|b| !matches!(b.scope, Scope::Heading | Scope::Table))
            .map(|b| (b.range.start, cx.seg.word_indices(&b.range)))
            .collect();
        let Some(names) = self.names(cx, &blocks) else { return };
        let (occurrences, marks) = self.occurrences(cx, Stream::new(cx, &blocks), &names);
        // Each occurrence that differs from the established one: (its first word, the name's
        // length, its marks; the established occurrence's first word and marks).
        let mut flagged: Vec<(usize, usize, usize, usize, usize)> = Vec::new();
        for (k, found) in occurrences.iter().enumerate() {
            let n = names.names[k].len();
            let marks_of = |at: usize| &marks[at..at + n];
            let Some(established) = establish(found.iter().map(|&(_, at)| marks_of(at))) else { continue };
            let (first, theirs) = found[established];
            for &(start, ours) in found {
                if differs(marks_of(ours), marks_of(theirs)) {
                    flagged.push((start, n, ours, first, theirs));
                }
            }
        }
        // Keep the longest of overlapping findings: "Reserve bank of New Zealand" over "Reserve bank".
        flagged.sort_by_key(|&(start, n, ..)| (start, std::cmp::Reverse(n)));
        let mut covered_to = 0;
        for (start, n, ours, first, theirs) in flagged {
            let range = cx.seg.words[start].start..cx.seg.words[start + n - 1].end;
            if range.start < covered_to {
                continue;
            }
            covered_to = range.end;
            hits.push(self.hit(cx, (start, &marks[ours..ours + n]), (first, &marks[theirs..theirs + n])));
        }
    }

    /// The names of the document, if it has any, and if in a document under
    /// [`QUICK_CHECK_UNDER`] an occurrence of one may differ from another (see
    /// [`Capitalization::may_differ`]).
    fn names<'t>(&self, cx: &Context<'t>, blocks: &[(usize, Range<usize>)]) -> Option<Names<'t>> {
        // Room made once for what a story's capitalized words make (a name takes two or more).
        let room = cx.seg.openers.len() / 2;
        let new_names = || Names {
            names: Vec::with_capacity(room / 2),
            keys: Vec::with_capacity(room),
            hashes: Vec::with_capacity(room),
            by_hash: Map::with_capacity_and_hasher(room / 2, Default::default()),
            same_hash: Vec::with_capacity(room / 2),
        };
        let mut scratch = (Vec::with_capacity(16), Vec::new(), Vec::new());
        let stream = Stream::new(cx, blocks);
        let mut names;
        if cx.doc.prose.len() >= QUICK_CHECK_UNDER {
            // A long document nearly always has a name written two ways: its stretches are read
            // as they are found, not kept.
            names = new_names();
            let each = |stretch: &[At]| self.add_names(cx, stretch, &mut scratch, &mut names);
            self.stretches(cx, stream, each, None);
        } else {
            // The stretches (one after another, and where each ends), and where they meet other
            // words. Two adjacent words of a name are two adjacent words of a stretch: with no
            // such pair where a stretch meets another word, no name is read. Room is made once:
            // each stretch starts at an opener, and meets other words twice.
            let openers = cx.seg.openers.len();
            let (mut kept, mut ends, mut joins) = (
                Vec::with_capacity(openers),
                Vec::with_capacity(openers / 2),
                Vec::with_capacity(2 * openers),
            );
            let each = |stretch: &[At]| {
                kept.extend_from_slice(stretch);
                ends.push(kept.len());
            };
            self.stretches(cx, stream, each, Some(&mut joins));
            let spans = || ends.iter().scan(0, |start, &end| Some(std::mem::replace(start, end)..end));
            let stretches = || spans().map(|span| &kept[span]);
            // The hash of the run of two words (by index), as a name's pair of words has it.
            let pair_hash = |before: usize, w: usize| {
                let hash = |w: usize| key_hash(&cx.doc.prose, &cx.seg.words[w]).0;
                add_to_run(hash(before), hash(w))
            };
            // The hashes of the stretches' words, made when a place passes the test of first
            // bytes; a story has a few dozen stretches, read again for each such place.
            let hashes: std::cell::OnceCell<Vec<u64>> = std::cell::OnceCell::new();
            // Before them, the first bytes of the place's two words, which most places' pairs
            // of words do not have where two words of a stretch do: a pair of equal keys has
            // equal first bytes.
            let folded: Vec<u32> =
                kept.iter().map(|at| Prefixes::of_word(&cx.doc.prose, &cx.seg.words[at.w])).collect();
            let pairs = Bits::new(
                kept.len(),
                spans().flat_map(|span| folded[span].windows(2).map(|two| pair_of(two[0], two[1]))),
            );
            let in_stretch = |before: usize, w: usize| {
                let prose = &cx.doc.prose;
                let first_bytes = |w: usize| Prefixes::of_word(prose, &cx.seg.words[w]);
                if !pairs.has(pair_of(first_bytes(before), first_bytes(w))) {
                    return false;
                }
                let pair = pair_hash(before, w);
                let hashes = hashes
                    .get_or_init(|| kept.iter().map(|at| key_hash(prose, &cx.seg.words[at.w]).0).collect());
                spans().any(|span| hashes[span].windows(2).any(|two| add_to_run(two[0], two[1]) == pair))
            };
            let prefixes = Prefixes::of(folded.iter().copied());
            if !self.may_differ(cx, &prefixes, &joins, in_stretch) {
                return None;
            }
            names = new_names();
            for stretch in stretches() {
                self.add_names(cx, stretch, &mut scratch, &mut names);
            }
            // The same of the names, a few of the stretches' runs.
            let in_name = |before: usize, w: usize| {
                let pair = pair_hash(before, w);
                names.names.iter().any(|name| {
                    names.hashes[name.clone()].windows(2).any(|two| add_to_run(two[0], two[1]) == pair)
                })
            };
            let prefixes = Prefixes::new(names.keys.iter().map(Key::as_str));
            if !self.may_differ(cx, &prefixes, &joins, in_name) {
                return None;
            }
        }
        (!names.names.is_empty()).then_some(names)
    }

    /// The hit for the occurrence `ours` (its first word and marks), which differs from the
    /// established occurrence `theirs`.
    fn hit(&self, cx: &Context, ours: (usize, &[Mark]), theirs: (usize, &[Mark])) -> Hit {
        let n = ours.1.len();
        let text = |w: usize| &cx.doc.text[cx.seg.words[w].clone()];
        let phrase = |from: usize| (from..from + n).map(text).collect::<Vec<_>>().join(" ");
        let span = |from: usize| cx.seg.words[from].start..cx.seg.words[from + n - 1].end;
        let first = phrase(theirs.0);
        let mut edits = Vec::new();
        for (j, (x, y)) in ours.1.iter().zip(theirs.1).enumerate() {
            if x.informative && y.informative && x.case != y.case {
                let first_char = text(ours.0 + j).chars().next().expect("words are not empty");
                let replacement: String = match y.case {
                    Case::Capital => first_char.to_uppercase().collect(),
                    _ => first_char.to_lowercase().collect(),
                };
                let at = cx.seg.words[ours.0 + j].start;
                edits.push(Edit { range: at..at + first_char.len_utf8(), replacement });
            }
        }
        Hit {
            range: span(ours.0),
            args: vec![("match", phrase(ours.0)), ("first", first.clone())],
            labels: vec![Label { range: span(theirs.0), message: format!("written `{first}` here") }],
            fix: Some(Fix {
                title: format!("capitalize as `{first}`"),
                edits,
                applicability: Applicability::Unsafe,
            }),
        }
    }

    /// A word read in full, as the search for names reads it: whether a word is a connector
    /// matters there only when it is lowercase (a connector joins two runs of capitalized
    /// words), and is not asked of the others.
    fn word<'t>(&self, cx: &Context<'t>, at: At) -> Word<'t> {
        let (hash, possessive) = key_hash(&cx.doc.prose, &cx.seg.words[at.w]);
        let joined = !at.fresh && joined(cx, at.w);
        let key = Key::of(&cx.doc.prose[cx.seg.words[at.w].clone()]);
        let mark = self.mark_if(cx, at, &key, |case| case == Case::Lower);
        Word { possessive, mark, hash, key, joined }
    }

    /// What a comparison reads of the word at `at`, whose key is `key`.
    fn mark(&self, cx: &Context, at: At, key: &Key) -> Mark {
        self.mark_if(cx, at, key, |_| true)
    }

    /// [`Capitalization::mark`], asking whether the word is a connector only if `connector_asked`
    /// of its case (a connector otherwise).
    fn mark_if(&self, cx: &Context, at: At, key: &Key, connector_asked: impl Fn(Case) -> bool) -> Mark {
        let prose: &str = &cx.doc.prose;
        let range = cx.seg.words[at.w].clone();
        let case = case_of(&prose[range.clone()]);
        // Whether the word's case says nothing, as the first of a sentence or clause.
        let initial = case != Case::Other
            && (cx.seg.initial[at.w] || opens_clause(&prose[at.block_start..range.start]));
        let connector = connector_asked(case) && self.is_connector(key);
        Mark { case, informative: !initial && case != Case::Other, connector }
    }

    fn is_connector(&self, key: &Key) -> bool {
        let (byte, bit) = key.shape();
        self.connector_shapes[byte] & bit != 0
            && match packed(key.as_str()) {
                Some(p) => self.packed_connectors.contains(&p),
                // A word too long to be packed is one only of the connectors that are too.
                None => self.connectors.iter().any(|c| key.is(c)),
            }
    }

    /// The stretches of the document where names may be: names are made of capitalized words
    /// and connectors, so the words are read in stretches of those; any other word ends a
    /// stretch. A word that begins with an ASCII letter or digit is placed by its first byte (and
    /// a lowercase one, which may be a connector after a capitalized word, by its length); one
    /// that begins otherwise ("Émile", "$5") is read in full. Each stretch long enough to hold a
    /// name (most are one capitalized word) is given to `each`.
    ///
    /// Also, given `joins`, the places where a stretch meets a word outside it, for
    /// [`Capitalization::may_differ`].
    fn stretches(
        &self,
        cx: &Context,
        stream: Stream,
        mut each: impl FnMut(&[At]),
        mut joins: Option<&mut Vec<Join>>,
    ) {
        let mut stretch: Vec<At> = Vec::with_capacity(16);
        let mut end_stretch = |stretch: &mut Vec<At>| {
            if stretch.len() >= self.min_words {
                each(stretch);
            }
            stretch.clear();
        };
        let mut meet = |at: At, starts: bool| {
            if let Some(joins) = joins.as_mut() {
                joins.push(Join { w: at.w, block_start: at.block_start, starts });
            }
        };
        let mut stream = stream;
        let mut opener = 0;
        while let Some(at) = stream.next() {
            let text = &cx.doc.prose[cx.seg.words[at.w].clone()];
            let first = text.as_bytes()[0];
            let in_stretch = match first {
                // Not lowercase.
                b'A'..=b'Z' | b'0'..=b'9' => true,
                // Lowercase: a connector matters only after a capitalized word, and most words are
                // no connector by their first byte and length alone.
                b'a'..=b'z' => {
                    let key = text.strip_suffix("'s").unwrap_or(text);
                    !stretch.is_empty()
                        && (self.connector_shapes[usize::from(first)] & 1 << key.len().min(63) != 0
                            || !text.is_ascii())
                        && self.is_connector(&Key::of(text))
                }
                _ => {
                    let mark = self.word(cx, at).mark;
                    mark.case != Case::Lower || mark.connector
                }
            };
            // A word that opens its sentence follows the word before it across the stop that
            // ends that sentence: the two are never joined, so no pair of a name's words is
            // there, and [`Capitalization::may_differ`] is not asked about the place.
            let opens_sentence = cx.seg.initial[at.w];
            debug_assert!(
                !opens_sentence
                    || at.w == 0
                    || cx.seg.words[at.w - 1].start < at.block_start
                    || !joined(cx, at.w),
                "a word that opens its sentence is joined to the word before it"
            );
            if in_stretch {
                if stretch.is_empty() && !opens_sentence {
                    meet(at, true);
                }
                stretch.push(at);
                continue;
            }
            if !stretch.is_empty() {
                // Where a name differs, a word capitalized in both its occurrences and
                // informative in both is in the stretch this one ends, if this is where
                // [`Capitalization::may_differ`] looks: not one word that opens its sentence
                // (most such stretches, `The`, `He`).
                if (stretch.len() > 1 || !cx.seg.initial[stretch[0].w]) && !opens_sentence {
                    meet(at, false);
                }
                end_stretch(&mut stretch);
            }
            // No stretch is open, so only a word that begins with a capital, a digit or a byte
            // outside ASCII (an opener) may open the next: the words before it (most words) are
            // passed over.
            stream.seek(cx.seg.next_opener(&mut opener, at.w + 1).unwrap_or(cx.seg.words.len()));
        }
        end_stretch(&mut stretch);
    }

    /// Adds the names of a stretch (see [`Capitalization::stretches`]); `words`, `runs` and
    /// `found` are scratch space.
    fn add_names<'t>(
        &self,
        cx: &Context<'t>,
        stretch: &[At],
        (words, runs, found): &mut (Vec<Word<'t>>, Vec<Range<usize>>, Vec<Range<usize>>),
        names: &mut Names<'t>,
    ) {
        words.clear();
        words.extend(stretch.iter().map(|&at| self.word(cx, at)));
        self.candidates(words, runs, found);
        for range in found.drain(..) {
            let words = &words[range];
            let excepted = self
                .exceptions
                .iter()
                .any(|e| e.len() == words.len() && e.iter().zip(words).all(|(e, w)| w.key.is(e)));
            if !excepted {
                names.add(words);
            }
        }
    }

    /// Every occurrence of each name, whatever its case: (its first word, where its words' marks
    /// start in the marks returned), in document order.
    fn occurrences(
        &self,
        cx: &Context,
        mut stream: Stream,
        names: &Names,
    ) -> (Vec<Vec<(usize, usize)>>, Vec<Mark>) {
        let mut occurrences: Vec<Vec<(usize, usize)>> = vec![Vec::new(); names.names.len()];
        let mut marks = Vec::new();
        let longest = names.names.iter().map(ExactSizeIterator::len).max().unwrap_or(0);
        let mut is_length = vec![false; longest + 1];
        for name in &names.names {
            is_length[name.len()] = true;
        }
        // Only words that begin some name start a lookup; a bit per first word passes over most
        // words without one (and the set, out of the cache in a story of many names, is seldom
        // read).
        let first_words: crate::hash::Set<u64> = names.names.iter().map(|r| names.hashes[r.start]).collect();
        let maybe_first = Bits::new(first_words.len(), first_words.iter().copied());
        // The hashes of the runs of words that begin a longer name: a run that begins none is
        // read no further (`New` of `New Zealand` is followed by a word, `New York` is not).
        let longer = Bits::new(
            names.keys.len(),
            names.names.iter().flat_map(|name| {
                names.hashes[name.start..name.end - 1].iter().scan(RUN_SEED, |hash, &word| {
                    *hash = add_to_run(*hash, word);
                    Some(*hash)
                })
            }),
        );
        // Before its hash, a word's first four bytes pass over most words that begin no name.
        let prefixes = Prefixes::new(names.names.iter().map(|r| names.keys[r.start].as_str()));
        let prose = cx.doc.prose.as_bytes();
        let words = &cx.seg.words;
        let mut ahead: Vec<(At, u64, bool)> = Vec::with_capacity(longest); // each word's key hash, and whether possessive
        let mut keys: Vec<Key> = Vec::with_capacity(longest);
        // Each occurrence found: its name, and where its first word is. Most names occur once,
        // and one occurrence differs from none: only those of a name that occurs again are read
        // in full, below.
        let mut found: Vec<(usize, At)> = Vec::with_capacity(2 * names.names.len());
        let mut counts = vec![0u32; names.names.len()];
        loop {
            stream.skip_until(|w| prefixes.may_begin(prose, &words[w]));
            let Some(at) = stream.next() else { break };
            let (hash, possessive) = key_hash(&cx.doc.prose, &cx.seg.words[at.w]);
            // A possessive ends a name, so no name's first word has one.
            if possessive || !maybe_first.has(hash) || !first_words.contains(&hash) {
                continue;
            }
            // The runs of joined words from here, up to the longest name, by their hashes; read in
            // full only where a name has the hash.
            ahead.clear();
            keys.clear();
            ahead.push((at, hash, possessive));
            let mut run_hash = add_to_run(RUN_SEED, hash);
            let mut next = stream.clone();
            loop {
                let n = ahead.len();
                if let Some(&last) = is_length[n].then(|| names.by_hash.get(&run_hash)).flatten() {
                    // Keyed once each, for this name and any longer one that begins it.
                    while let Some(&(at, ..)) = ahead.get(keys.len()) {
                        keys.push(Key::of(&cx.doc.prose[cx.seg.words[at.w].clone()]));
                    }
                    if let Some(k) = names.find_from(last, keys.iter()) {
                        found.push((k, at));
                        counts[k] += 1;
                    }
                }
                if n == longest || ahead[n - 1].2 || !longer.has(run_hash) {
                    break;
                }
                let Some(at) = next.next().filter(|at| !at.fresh && joined(cx, at.w)) else { break };
                let (hash, possessive) = key_hash(&cx.doc.prose, &cx.seg.words[at.w]);
                run_hash = add_to_run(run_hash, hash);
                ahead.push((at, hash, possessive));
            }
        }
        // The words of an occurrence are one after another in one block, none in a quotation
        // skipped (or the word after it would not be joined).
        for (k, at) in found {
            if counts[k] < 2 {
                continue;
            }
            occurrences[k].push((at.w, marks.len()));
            for w in at.w..at.w + names.names[k].len() {
                let at = At { w, ..at };
                marks.push(self.mark(cx, at, &Key::of(&cx.doc.prose[cx.seg.words[w].clone()])));
            }
        }
        (occurrences, marks)
    }

    /// Whether some occurrence of a name may differ from another, as far as the places where a
    /// stretch of the names search meets a word outside it (`joins`) tell, given the first bytes
    /// of the names' words (`prefixes`) and whether the words at two indices are two adjacent
    /// words of a name (`named`). Asked first of the stretches (which hold the names: then no name need
    /// be read), then of the names; if none may, [`Capitalization::occurrences`] are not looked
    /// for (in most stories).
    ///
    /// Two occurrences differ when a word is capitalized in both (at `i`) and another, no
    /// connector, is lowercase in one of them (at `j`). Along that one, from `i` to `j`, a word of
    /// a stretch (`i` is one) meets a word outside any (`j` is one: lowercase, no connector).
    /// After `i`, that is the last word of a stretch and the word after it. Before `i`, it is the
    /// first word of a stretch and the word before it; when that word is a lowercase connector
    /// (outside any stretch before one), the pair of the last word before the connectors (no
    /// connector: `j` or a word after it) and the first connector is looked at instead, which
    /// rules out more (`said on` where a name has `on Friday`). Either pair lies in the
    /// occurrence, so it is two words next to each other in the name.
    fn may_differ(
        &self,
        cx: &Context,
        prefixes: &Prefixes,
        joins: &[Join],
        named: impl Fn(usize, usize) -> bool,
    ) -> bool {
        let (prose, words) = (cx.doc.prose.as_bytes(), &cx.seg.words);
        // A possessive ends a name, so only the second word of a pair, the last of an
        // occurrence, may have one.
        let stem_of = |w: usize| stem(prose, &words[w]);
        let joined_before =
            |w: usize, join: &Join| w > 0 && words[w - 1].start >= join.block_start && joined(cx, w);
        joins.iter().any(|join| {
            // The pair's second word, and the first: at the start of a stretch, the lowercase
            // connectors before it (at most as many as a name has words) are passed over. Each
            // word is a name's, which most places' words are not, told by their first bytes.
            let mut w = join.w;
            // At the start of a stretch the word before it, which the loop below reads first,
            // rules out most places (the stretch's own first word is a name's in most).
            if join.starts && (w == 0 || !prefixes.may_begin(prose, &stem_of(w - 1))) {
                return false;
            }
            if !prefixes.may_begin(prose, &stem_of(w)) {
                return false;
            }
            loop {
                if !joined_before(w, join) || !prefixes.may_begin(prose, &stem_of(w - 1)) {
                    return false;
                }
                let text = &cx.doc.prose[words[w - 1].clone()];
                // As the names search tells a connector (by its key's length first).
                let connector = || {
                    let (first, key) = (text.as_bytes()[0], text.strip_suffix("'s").unwrap_or(text));
                    first.is_ascii_lowercase()
                        && self.connector_shapes[usize::from(first)] & 1 << key.len().min(63) != 0
                        && self.is_connector(&Key::of(text))
                };
                if join.starts && join.w - w < MAX_NAME_WORDS && connector() {
                    w -= 1;
                } else {
                    break;
                }
            }
            named(w - 1, w)
        })
    }

    /// Word ranges that are names: maximal capitalized runs without a leading function word
    /// ("The", "But"), ending at a possessive; runs chained by connectors, and the first run of
    /// a chain ("Minsk Group" of "Minsk Group of the OSCE"; later runs of a chain, such as
    /// "Mortgage Brokers" in "National Association of Mortgage Brokers", are not names alone).
    /// `runs` is scratch space, and the names are left in `out`.
    fn candidates(&self, words: &[Word], runs: &mut Vec<Range<usize>>, out: &mut Vec<Range<usize>>) {
        let capitalized = |w: &Word| {
            w.mark.case != Case::Lower
                && (w.key.as_str().as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
                    || w.key.as_str().chars().any(char::is_alphabetic))
        };
        runs.clear();
        out.clear();
        let mut i = 0;
        while i < words.len() {
            if !capitalized(&words[i]) || is_function_word(&words[i].key) {
                i += 1;
                continue;
            }
            let start = i;
            i += 1;
            while i < words.len() && words[i].joined && capitalized(&words[i]) && !words[i - 1].possessive {
                i += 1;
            }
            runs.push(start..i);
        }
        let push = |range: Range<usize>, out: &mut Vec<Range<usize>>| {
            let has_name_evidence =
                words[range.clone()].iter().any(|w| w.mark.informative && w.mark.case == Case::Capital);
            if (self.min_words..=MAX_NAME_WORDS).contains(&range.len()) && has_name_evidence {
                out.push(range);
            }
        };
        let mut r = 0;
        while r < runs.len() {
            let mut end = r;
            while end + 1 < runs.len() && self.connects(words, runs[end].end, runs[end + 1].start) {
                end += 1;
            }
            push(runs[r].clone(), out);
            if end > r {
                push(runs[r].start..runs[end].end, out);
            }
            r = end + 1;
        }
    }

    /// Whether the words between two runs are all connectors, joined all the way.
    fn connects(&self, words: &[Word], from: usize, to: usize) -> bool {
        to > from
            && to - from <= 2
            && (from..=to).all(|j| words[j].joined)
            && !words[from - 1].possessive
            && words[from..to].iter().all(|w| w.mark.case == Case::Lower && w.mark.connector)
    }
}

/// A set of hashes as bits, by their top bits: it may hold a hash it was not given, never lacks
/// one it was. It has 16 bits for each hash, from 1,024, so that it stays sparse: a long story
/// has tens of thousands of names.
struct Bits {
    shift: u32,
    bits: Vec<u64>,
}

impl Bits {
    /// Of `count` hashes (or about as many).
    fn new(count: usize, hashes: impl Iterator<Item = u64>) -> Bits {
        let shift = 64 - (count * 16).next_power_of_two().max(1024).trailing_zeros();
        let mut bits = vec![0u64; 1 << (64 - shift - 6)];
        for hash in hashes {
            let bit = hash >> shift;
            bits[(bit >> 6) as usize] |= 1 << (bit & 63);
        }
        Bits { shift, bits }
    }

    fn has(&self, hash: u64) -> bool {
        let bit = hash >> self.shift;
        self.bits[(bit >> 6) as usize] & (1 << (bit & 63)) != 0
    }
}

/// A set of words' first four bytes (fewer in a shorter word), without regard to case, as bits
/// by a hash: it may hold a prefix it was not given, never lacks one it was. A word with a byte
/// outside ASCII among them may begin any name (`K`, the kelvin sign, lowercases to `k`).
struct Prefixes {
    bits: Bits,
}

impl Prefixes {
    fn new<'k>(keys: impl ExactSizeIterator<Item = &'k str>) -> Prefixes {
        Self::of(keys.map(|key| Self::folded(key.as_bytes())))
    }

    /// Of the prefixes of keys, [`Prefixes::folded`].
    fn of(folded: impl ExactSizeIterator<Item = u32>) -> Prefixes {
        Prefixes { bits: Bits::new(folded.len(), folded.map(Self::spread)) }
    }

    /// The first four bytes of a key (fewer in a shorter one), [`Prefixes::fold`]ed.
    fn folded(bytes: &[u8]) -> u32 {
        let n = bytes.len().min(4);
        Self::fold(crate::hash::head_le(&bytes[..n]) as u32, n)
    }

    /// [`Prefixes::folded`] of the key of the word at `range` of `prose` (as [`Key::of`] gives
    /// it), without making the key where its first bytes are ASCII: lowercasing maps each
    /// character alone, and only an ASCII possessive is taken off here.
    fn of_word(prose: &str, range: &Range<usize>) -> u32 {
        let stem = stem(prose.as_bytes(), range);
        let n = (stem.end - stem.start).min(4);
        let folded = Self::fold(Self::first_four(prose.as_bytes(), stem.start, n), n);
        // ASCII first bytes (no top bit set among them) begin the key too: fewer than four are
        // the whole stem, and then the word is ASCII (its key is its stem).
        if folded & 0x8080_8080 == 0 {
            folded
        } else {
            Self::folded(Key::of(&prose[range.clone()]).as_str().as_bytes())
        }
    }

    /// The `n` bytes (four at most) at `start` of `prose`, and what follows them up to four:
    /// one load where the text goes on that far.
    #[inline(always)]
    fn first_four(prose: &[u8], start: usize, n: usize) -> u32 {
        match prose.get(start..start + 4) {
            Some(four) => u32::from_le_bytes(four.try_into().expect("four bytes")),
            None => {
                let mut four = [0u8; 4];
                four[..n].copy_from_slice(&prose[start..start + n]);
                u32::from_le_bytes(four)
            }
        }
    }

    /// The bytes of a word, or its key, in ASCII: a capital gets 0x20 (the other bytes a word
    /// has in ASCII, digits and `'-.,`, have it already), and the bytes past the word are 0.
    #[inline(always)]
    fn fold(four: u32, len: usize) -> u32 {
        let mask = u32::MAX.checked_shr(32 - 8 * len as u32).unwrap_or(0);
        (four | 0x2020_2020) & mask
    }

    #[inline(always)]
    fn spread(folded: u32) -> u64 {
        u64::from(folded).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }

    /// Whether the word at `range` of `prose` may begin a name.
    #[inline(always)]
    fn may_begin(&self, prose: &[u8], range: &Range<usize>) -> bool {
        let n = (range.end - range.start).min(4);
        let folded = Self::fold(Self::first_four(prose, range.start, n), n);
        folded & 0x8080_8080 != 0 || self.bits.has(Self::spread(folded))
    }
}

/// The number [`Bits`] keeps for a pair of words' first bytes ([`Prefixes::folded`]).
fn pair_of(first: u32, second: u32) -> u64 {
    crate::hash::mix(Prefixes::spread(first), u64::from(second))
}

/// Which occurrence's form is established: the first informative one, unless the forms that
/// differ from it are the majority, in which case the first of those.
fn establish<'m>(occurrences: impl Iterator<Item = &'m [Mark]> + Clone) -> Option<usize> {
    let first = occurrences.clone().position(|marks| marks.iter().any(|m| m.informative))?;
    let established = occurrences.clone().nth(first)?;
    let mut differing = occurrences.clone().enumerate().filter(|(_, marks)| differs(marks, established));
    let first_differing = differing.next().map(|(i, _)| i);
    let count = first_differing.map_or(0, |_| 1 + differing.count());
    let agreeing = occurrences.count() - count;
    Some(match first_differing {
        Some(i) if count > agreeing => i,
        _ => first,
    })
}

/// Whether two occurrences are one name capitalized two ways: some word informative in both is
/// capitalized in both (the name they share: "Minsk"), and another, not a connector, is
/// capitalized in one only ("Group" / "group"). Without a shared capital, the lowercase one is a
/// generic reference ("the bankruptcy court" after "U.S. Bankruptcy Court"), which is good style.
fn differs(a: &[Mark], b: &[Mark]) -> bool {
    let both = || a.iter().zip(b).filter(|(x, y)| x.informative && y.informative);
    both().any(|(x, y)| x.case == Case::Capital && y.case == Case::Capital)
        && both().any(|(x, y)| !x.connector && x.case != y.case)
}

/// Whether the text before a word ends with a mark after which a capital says nothing: a dash
/// (the dateline's "(Reuters) - The"), a colon, an opening bracket or quotation mark.
fn opens_clause(before: &str) -> bool {
    // Most words follow ASCII: a space, and a letter or a mark.
    let bytes = before.as_bytes();
    match bytes.iter().rposition(|&b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)) {
        None => false,
        Some(i) if bytes[i].is_ascii() => matches!(bytes[i], b'-' | b':' | b'(' | b'[' | b'"'),
        Some(_) => before.trim_end().ends_with(['-', '–', '—', ':', '(', '[', '"', '“', '‘']),
    }
}

fn case_of(word: &str) -> Case {
    match word.as_bytes()[0] {
        b if b.is_ascii_lowercase() => return Case::Lower,
        b if b.is_ascii_digit() => return Case::Other,
        _ => {}
    }
    match word.chars().next() {
        Some(c) if c.is_lowercase() => Case::Lower,
        Some(c) if c.is_uppercase() && !in_capitals(word) => Case::Capital,
        _ => Case::Other,
    }
}

fn key_of(word: &str) -> Cow<'_, str> {
    let stem = word.strip_suffix("'s").or_else(|| word.strip_suffix("’s")).unwrap_or(word);
    // Only ASCII without capitals is its own lowercase for sure (titlecase `ǅ` is no capital).
    if !stem.is_ascii() {
        Cow::Owned(stem.to_lowercase())
    } else if stem.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(stem.to_ascii_lowercase())
    } else {
        Cow::Borrowed(stem)
    }
}

const RUN_SEED: u64 = 0x9e37_79b9_7f4a_7c15;

/// A run of more capitalized words than this is title-case text, not a name; and every name
/// being this short keeps the search for its occurrences linear (a 1.6 MB run of capitalized
/// words took 5 s before).
const MAX_NAME_WORDS: usize = 12;

fn word_hash(key: &str) -> u64 {
    crate::hash::short_hash(key.as_bytes())
}

/// Whether a word follows the one before it with only whitespace between.
fn joined(cx: &Context, w: usize) -> bool {
    let gap = &cx.doc.prose[cx.seg.words[w - 1].end..cx.seg.words[w].start];
    gap == " " || (!gap.is_empty() && gap.chars().all(crate::markup::is_gap))
}

/// The hash of a word's key (`word_hash(&key_of(word))`), and whether it is possessive; a
/// short ASCII word's without a copy.
#[inline(always)]
fn key_hash(text: &str, range: &Range<usize>) -> (u64, bool) {
    let key = stem(text.as_bytes(), range);
    let possessive = key.end < range.end;
    if let Some(hash) = crate::hash::short_hash_lowercase(text.as_bytes(), key) {
        return (hash, possessive);
    }
    let word = &text[range.clone()];
    let key = key_of(word);
    (word_hash(&key), key.len() < word.len())
}

/// A word's range without an ASCII possessive `'s`.
fn stem(prose: &[u8], range: &Range<usize>) -> Range<usize> {
    range.start..range.end - if prose[range.clone()].ends_with(b"'s") { 2 } else { 0 }
}

/// The hash of a run of words, extended by one word.
fn add_to_run(hash: u64, word: u64) -> u64 {
    crate::hash::mix(hash, word)
}

fn run_hash(words: impl IntoIterator<Item = u64>) -> u64 {
    words.into_iter().fold(RUN_SEED, add_to_run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(case_of("Group"), Case::Capital);
        assert_eq!(case_of("group"), Case::Lower);
        assert_eq!(case_of("OSCE"), Case::Other);
        assert_eq!(case_of("A"), Case::Capital);
        assert_eq!(case_of("20"), Case::Other);
        assert_eq!(key_of("Group’s"), "group");
        assert_eq!(key_of("GROUP's"), "group");
        assert_eq!(key_of("Zürich"), "zürich");
        assert!(matches!(key_of("group"), Cow::Borrowed("group")));
    }

    #[test]
    fn clauses_open_after_dashes_colons_and_opening_marks() {
        for before in ["(Reuters) - ", "said: ", "(", "the “", "he said —\u{a0}", "\"", "a ‘", "x –\n"]
        {
            assert!(opens_clause(before), "{before:?}");
        }
        for before in ["", "the ", "said, ", "Minsk ", "(Reuters) ", "“Yes,” "] {
            assert!(!opens_clause(before), "{before:?}");
        }
    }

    #[test]
    fn a_run_of_more_capitalized_words_than_a_name_has_is_no_name() {
        let set = crate::kinds::builtin();
        let rule = set.rule("News.InconsistentNameCase").expect("the rule");
        let found = |words: usize| {
            let title: Vec<String> =
                (0..words).map(|i| format!("Word{}", char::from(b'a' + i as u8))).collect();
            let mut lower = title.clone();
            lower[1] = lower[1].to_lowercase();
            let text = format!("{} met.\n\nLater {} met again.\n", title.join(" "), lower.join(" "));
            set.check_with(&text, crate::source::Format::Text, std::iter::once(rule)).len()
        };
        assert_eq!(found(MAX_NAME_WORDS), 1, "a name of {MAX_NAME_WORDS} words is compared");
        assert_eq!(found(MAX_NAME_WORDS + 1), 0, "a longer run is title-case text");
    }

    /// The kind as it was before it read the document in two passes without a record per word:
    /// a record for every word, then names and occurrences among them. Kept to check the passes
    /// against.
    mod by_records {
        #![allow(clippy::all)]
        use super::super::*;

        struct Word<'t> {
            range: Range<usize>,
            /// Lowercased, without a possessive `'s`.
            key: Cow<'t, str>,
            /// The hash of `key`.
            hash: u64,
            case: Case,
            /// Whether its case says something: not sentence-initial, not all capitals.
            informative: bool,
            /// Whether it follows the previous word with only whitespace between, in the same block.
            joined: bool,
            /// Whether it ends in a possessive `'s`, which ends a name.
            possessive: bool,
            /// Whether it is a connector ("of", "van"), whose case varies by convention.
            connector: bool,
        }

        /// Adds a hit for each finding in the document.
        pub fn check(cap: &Capitalization, cx: &Context, hits: &mut Vec<Hit>) {
            let words = words(cap, cx);
            let candidates = candidates(cap, &words);
            // Distinct names, found by the hash of their words: at every word, the hashes of the
            // runs starting there are built one word at a time, up to the longest name.
            let mut names: Vec<Range<usize>> = Vec::new(); // the first candidate of each name
            let mut by_hash: Map<u64, Vec<usize>> = Map::default();
            let same = |a: usize, b: usize, n: usize| (0..n).all(|j| words[a + j].key == words[b + j].key);
            for range in candidates {
                let key = &words[range.clone()];
                let excepted = cap
                    .exceptions
                    .iter()
                    .any(|e| e.iter().map(String::as_str).eq(key.iter().map(|w| &*w.key)));
                if excepted {
                    continue;
                }
                let ids = by_hash.entry(run_hash(key.iter().map(|w| w.hash))).or_default();
                if !ids
                    .iter()
                    .any(|&k| names[k].len() == range.len() && same(names[k].start, range.start, range.len()))
                {
                    ids.push(names.len());
                    names.push(range);
                }
            }
            let Some(longest) = names.iter().map(ExactSizeIterator::len).max() else { return };
            // How many words from each one on are joined, with no possessive before the last.
            let mut reach = vec![1usize; words.len()];
            for i in (0..words.len().saturating_sub(1)).rev() {
                if words[i + 1].joined && !words[i].possessive {
                    reach[i] = reach[i + 1] + 1;
                }
            }
            let mut occurrences: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
            // Only words that begin some name start a lookup, and only the lengths of names are looked
            // up.
            let first_words: crate::hash::Set<u64> = names.iter().map(|r| words[r.start].hash).collect();
            // A bit per first word, by its hash's top bits, to pass over most words without a lookup.
            let mut bits = [0u64; 16];
            for hash in &first_words {
                bits[(hash >> 60) as usize] |= 1 << ((hash >> 54) & 63);
            }
            let maybe_first = |hash: u64| bits[(hash >> 60) as usize] & (1 << ((hash >> 54) & 63)) != 0;
            let mut is_length = vec![false; longest + 1];
            for name in &names {
                is_length[name.len()] = true;
            }
            for i in 0..words.len() {
                if !maybe_first(words[i].hash) || !first_words.contains(&words[i].hash) {
                    continue;
                }
                let mut hash = RUN_SEED;
                for n in 1..=reach[i].min(longest) {
                    hash = add_to_run(hash, words[i + n - 1].hash);
                    if !is_length[n] {
                        continue;
                    }
                    let Some(ids) = by_hash.get(&hash) else { continue };
                    for &k in ids {
                        if names[k].len() == n && same(names[k].start, i, n) {
                            occurrences[k].push(i);
                        }
                    }
                }
            }
            let lengths_of: Vec<usize> = names.iter().map(ExactSizeIterator::len).collect();
            let mut flagged: Vec<(usize, usize, usize)> = Vec::new(); // start word, length, established start
            for (k, starts) in occurrences.iter().enumerate() {
                let n = lengths_of[k];
                let Some(established) = establish(&words, starts, n) else { continue };
                for &start in starts {
                    if differs(&words, start, established, n) {
                        flagged.push((start, n, established));
                    }
                }
            }
            // Keep the longest of overlapping findings: "Reserve bank of New Zealand" over "Reserve bank".
            flagged.sort_by_key(|&(start, n, _)| (start, std::cmp::Reverse(n)));
            let mut covered_to = 0;
            for (start, n, established) in flagged {
                let range = words[start].range.start..words[start + n - 1].range.end;
                if range.start < covered_to {
                    continue;
                }
                covered_to = range.end;
                hits.push(hit(cx, &words, start, established, n));
            }
        }

        fn hit(cx: &Context, words: &[Word], start: usize, established: usize, n: usize) -> Hit {
            let text = |i: usize| &cx.doc.text[words[i].range.clone()];
            let phrase = |from: usize| (from..from + n).map(text).collect::<Vec<_>>().join(" ");
            let range = words[start].range.start..words[start + n - 1].range.end;
            let first_range = words[established].range.start..words[established + n - 1].range.end;
            let first = phrase(established);
            let mut edits = Vec::new();
            for j in 0..n {
                let (ours, theirs) = (&words[start + j], &words[established + j]);
                if ours.informative && theirs.informative && ours.case != theirs.case {
                    let first_char = text(start + j).chars().next().expect("words are not empty");
                    let replacement: String = match theirs.case {
                        Case::Capital => first_char.to_uppercase().collect(),
                        _ => first_char.to_lowercase().collect(),
                    };
                    let at = ours.range.start;
                    edits.push(Edit { range: at..at + first_char.len_utf8(), replacement });
                }
            }
            Hit {
                range,
                args: vec![("match", phrase(start)), ("first", first.clone())],
                labels: vec![Label { range: first_range, message: format!("written `{first}` here") }],
                fix: Some(Fix {
                    title: format!("capitalize as `{first}`"),
                    edits,
                    applicability: Applicability::Unsafe,
                }),
            }
        }

        /// The words of the blocks this kind reads, with their case and whether it is informative.
        fn words<'t>(cap: &Capitalization, cx: &Context<'t>) -> Vec<Word<'t>> {
            let mut words = Vec::with_capacity(cx.seg.words.len());
            let prose: &'t str = &cx.doc.prose;
            // The quotation that ends after the current word, words being in order.
            let mut quote = 0;
            for block in cx.blocks().filter(|b| !matches!(b.scope, Scope::Heading | Scope::Table)) {
                let mut previous_end: Option<usize> = None;
                for w in cx.seg.word_indices(&block.range) {
                    let range = &cx.seg.words[w];
                    if cx.skip_quotes {
                        let quotes = &cx.seg.quotes;
                        while quotes.get(quote).is_some_and(|q| q.end <= range.start) {
                            quote += 1;
                        }
                        if quotes.get(quote).is_some_and(|q| q.start <= range.start) {
                            previous_end = None;
                            continue;
                        }
                    }
                    let text = &prose[range.clone()];
                    let case = case_of(text);
                    // Whether the word's case says nothing, as the first of a sentence or clause.
                    let initial = case != Case::Other
                        && (cx.seg.initial[w] || opens_clause(&prose[block.range.start..range.start]));
                    let joined = previous_end.is_some_and(|end| {
                        let gap = &cx.doc.prose[end..range.start];
                        gap == " " || (!gap.is_empty() && gap.chars().all(crate::markup::is_gap))
                    });
                    let key = key_of(text);
                    words.push(Word {
                        range: range.clone(),
                        possessive: key.len() < text.len(),
                        connector: {
                            let (byte, bit) = shape(&key);
                            cap.connector_shapes[byte] & bit != 0 && cap.connectors.iter().any(|c| *c == key)
                        },
                        hash: word_hash(&key),
                        key,
                        case,
                        informative: !initial && case != Case::Other,
                        joined,
                    });
                    previous_end = Some(range.end);
                }
            }
            words
        }

        /// Word ranges that are names: maximal capitalized runs without a leading function word
        /// ("The", "But"), ending at a possessive; runs chained by connectors, and the first run of
        /// a chain ("Minsk Group" of "Minsk Group of the OSCE"; later runs of a chain, such as
        /// "Mortgage Brokers" in "National Association of Mortgage Brokers", are not names alone).
        fn candidates(cap: &Capitalization, words: &[Word]) -> Vec<Range<usize>> {
            let capitalized = |w: &Word| w.case != Case::Lower && w.key.chars().any(char::is_alphabetic);
            let mut runs: Vec<Range<usize>> = Vec::new();
            let mut i = 0;
            while i < words.len() {
                if !capitalized(&words[i]) || is_function_word(&Key::Lower(words[i].key.to_string())) {
                    i += 1;
                    continue;
                }
                let start = i;
                i += 1;
                while i < words.len() && words[i].joined && capitalized(&words[i]) && !words[i - 1].possessive
                {
                    i += 1;
                }
                runs.push(start..i);
            }
            let mut out = Vec::new();
            let push = |range: Range<usize>, out: &mut Vec<Range<usize>>| {
                let has_name_evidence =
                    words[range.clone()].iter().any(|w| w.informative && w.case == Case::Capital);
                if (cap.min_words..=MAX_NAME_WORDS).contains(&range.len()) && has_name_evidence {
                    out.push(range);
                }
            };
            let mut r = 0;
            while r < runs.len() {
                let mut end = r;
                while end + 1 < runs.len() && connects(cap, words, runs[end].end, runs[end + 1].start) {
                    end += 1;
                }
                push(runs[r].clone(), &mut out);
                if end > r {
                    push(runs[r].start..runs[end].end, &mut out);
                }
                r = end + 1;
            }
            out
        }

        /// Whether the words between two runs are all connectors, joined all the way.
        fn connects(_: &Capitalization, words: &[Word], from: usize, to: usize) -> bool {
            to > from
                && to - from <= 2
                && (from..=to).all(|j| words[j].joined)
                && !words[from - 1].possessive
                && words[from..to].iter().all(|w| w.case == Case::Lower && w.connector)
        }

        /// The occurrence whose form is established: the first informative one, unless the forms that
        /// differ from it are the majority, in which case the first of those.
        fn establish(words: &[Word], starts: &[usize], n: usize) -> Option<usize> {
            let informative = |s: usize| (s..s + n).any(|j| words[j].informative);
            let first = *starts.iter().find(|&&s| informative(s))?;
            let differing: Vec<usize> =
                starts.iter().copied().filter(|&s| differs(words, s, first, n)).collect();
            let agreeing = starts.len() - differing.len();
            Some(if differing.len() > agreeing { differing[0] } else { first })
        }

        /// Whether two occurrences are one name capitalized two ways: some word informative in both is
        /// capitalized in both (the name they share: "Minsk"), and another, not a connector, is
        /// capitalized in one only ("Group" / "group"). Without a shared capital, the lowercase one is a
        /// generic reference ("the bankruptcy court" after "U.S. Bankruptcy Court"), which is good style.
        fn differs(words: &[Word], a: usize, b: usize, n: usize) -> bool {
            let both = |j: usize| (&words[a + j], &words[b + j]);
            let anchored = (0..n).any(|j| {
                let (x, y) = both(j);
                x.informative && y.informative && x.case == Case::Capital && y.case == Case::Capital
            });
            anchored
                && (0..n).any(|j| {
                    let (x, y) = both(j);
                    x.informative && y.informative && !x.connector && x.case != y.case
                })
        }
    }

    #[test]
    fn occurrences_are_looked_for_only_where_a_name_may_be_written_two_ways() {
        use crate::source::Format;
        let set = crate::kinds::builtin();
        let rule = set.rule("News.InconsistentNameCase").expect("the rule");
        let crate::kinds::Kind::Capitalization(kind) = &rule.kind else { panic!("a capitalization rule") };
        let look = |text: &str| {
            let parsed = crate::kinds::Parsed::new(&set, text, Format::Text);
            let cx = parsed.context(rule.scope, false);
            let blocks = [(0, 0..cx.seg.words.len())];
            let mut hits = Vec::new();
            kind.check(&cx, &mut hits);
            (kind.names(&cx, &blocks).is_some(), hits.len())
        };
        // "on Friday" is two words of the name "Toyota on Friday", but "said on Friday" is none.
        assert_eq!(
            look("Shares of Toyota on Friday fell. Analysts said on Friday they would buy."),
            (false, 0)
        );
        assert_eq!(look("The Minsk Group met. The Minsk Group left."), (false, 0));
        // Lowercase after the name's first word, before its last (past connectors), and a
        // possessive last word, short enough that its first four bytes hold the `'s`.
        for text in [
            "The Minsk Group met. Later the Minsk group left.",
            "The Bank of England met. Later the bank of England left.",
            "The Minsk Bar met. Later the Minsk bar's staff left.",
            "The Minsk Bar's staff met. Later the Minsk bar left.",
        ] {
            assert_eq!(look(text), (true, 1), "{text}");
        }
    }

    #[test]
    fn two_passes_find_what_a_record_per_word_finds() {
        use crate::source::Format;
        let set = crate::kinds::builtin();
        let rule = set.rule("News.InconsistentNameCase").expect("the rule");
        let crate::kinds::Kind::Capitalization(builtin) = &rule.kind else { panic!("a capitalization rule") };
        let variant = |min_words: usize, connectors: &[&str], exceptions: &[&str]| {
            let connectors: Vec<String> = connectors.iter().map(|c| (*c).to_owned()).collect();
            let exceptions =
                exceptions.iter().map(|e| e.split_whitespace().map(str::to_lowercase).collect()).collect();
            Capitalization::new(min_words, connectors, exceptions)
        };
        let kinds = [
            variant(builtin.min_words, CONNECTORS, &[]),
            variant(3, &["of", "de", "über"], &["minsk group", "Bank of England"]),
            variant(2, &[], &["new zealand"]),
            // A connector too long to be packed, beside a short one.
            variant(2, &["zwischen", "of"], &[]),
        ];
        // Names, each word of which is written capitalized, lowercase or in capitals at random;
        // and other words between them.
        let names = [
            "Minsk Group",
            "Bank of England",
            "New Zealand",
            "Prime Minister Pashinyan",
            "Reserve Bank of New Zealand",
            "Zürich Über",
            "\u{212A}ing Group",
            "İstanbul Group",
            "van Der Berg",
            "Group of the OSCE",
            "But Minsk",
            "O'Neil's Group",
            "Minsk’s Group",
            "Zürich’s Über",
            "The Group",
            "20 Group",
            "3M Asia Group",
            "Haus zwischen Welt",
            // A short last word, written lowercase and possessive (`Minsk bar's`).
            "Minsk Bar",
        ];
        let others =
            ["said", "the", "of", "and", "a", "x", "'s", "de", "über", "zürich", "OSCE", "He", "zwischen"];
        let gaps = [
            " ", " ", " ", " ", " ", " ", ", ", ". ", " - ", ": ", "\n\n", " \"", "\" ", " “", "” ", "  ",
            "\n", " (", ") ",
        ];
        let mut random = crate::hash::Random::new(0x2545_f491_4f6c_dd1d);
        let mut next = |n: usize| random.below(n);
        let write = |text: &mut String, word: &str, next: &mut dyn FnMut(usize) -> usize| match next(6) {
            0 => text.push_str(&word.to_lowercase()),
            1 => text.push_str(&word.to_uppercase()),
            _ => text.push_str(word),
        };
        let mut compared = 0;
        for round in 0..3_000 {
            let mut text = String::new();
            if round % 5 == 0 {
                text.push_str("# Minsk Group and the Bank\n\n");
            }
            for _ in 0..next(80) {
                if next(2) == 0 {
                    for (j, word) in names[next(names.len())].split(' ').enumerate() {
                        if j > 0 {
                            text.push_str(if next(8) == 0 { gaps[next(gaps.len())] } else { " " });
                        }
                        write(&mut text, word, &mut next);
                    }
                } else {
                    text.push_str(others[next(others.len())]);
                }
                if next(10) == 0 {
                    text.push_str("'s");
                }
                text.push_str(gaps[next(gaps.len())]);
            }
            let format = if round % 2 == 0 { Format::Markdown } else { Format::Text };
            let parsed = crate::kinds::Parsed::new(&set, &text, format);
            for (k, kind) in kinds.iter().enumerate() {
                let cx = parsed.context(rule.scope, (round + k) % 3 != 0);
                let (mut ours, mut theirs) = (Vec::new(), Vec::new());
                kind.check(&cx, &mut ours);
                by_records::check(kind, &cx, &mut theirs);
                assert_eq!(format!("{ours:?}"), format!("{theirs:?}"), "variant {k} on {text:?}");
                compared += ours.len();
            }
        }
        assert!(compared > 1_000, "the documents have names written two ways: {compared} findings");
        // A long story of thousands of names, some of them long: the lookup of runs that begin a
        // longer name, and a filter of first words sized to them.
        let syllables = ["ka", "lo", "mi", "ne", "su", "ta", "ro", "vi", "da", "pe"];
        let mut names: Vec<String> = Vec::new();
        for _ in 0..3_000 {
            let words: Vec<String> = (0..2 + next(4) * next(3))
                .map(|_| {
                    let word: String = (0..1 + next(3)).map(|_| syllables[next(syllables.len())]).collect();
                    let mut chars = word.chars();
                    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
                })
                .collect();
            names.push(words.join(if next(5) == 0 { " of " } else { " " }));
        }
        let mut text = String::new();
        for _ in 0..20_000 {
            match next(3) {
                0 => text.push_str("said the"),
                _ => {
                    for word in names[next(names.len())].split(' ') {
                        write(&mut text, word, &mut next);
                        text.push(' ');
                    }
                    text.push_str("and");
                }
            }
            text.push_str(gaps[next(gaps.len())]);
        }
        let parsed = crate::kinds::Parsed::new(&set, &text, Format::Text);
        let cx = parsed.context(rule.scope, true);
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        kinds[0].check(&cx, &mut ours);
        by_records::check(&kinds[0], &cx, &mut theirs);
        assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
        assert!(ours.len() > 500, "{} findings", ours.len());
    }
}
