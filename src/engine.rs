//! The engine: a loaded rule set run over one document, or a batch of them phase by phase.
//!
//! It parses the markup, segments once, runs each rule's kind, and turns hits into diagnostics:
//! rule id, severity, message from the template, labels, and the fix unless the fix would touch a
//! direct quotation or markup. Output is sorted by (start, end, rule). No I/O here.

use crate::diagnostic::Diagnostic;
use crate::kinds::{Context, Hit, Memo};
use crate::markup::Document;
use crate::pack::{Language, RuleFile};
use crate::rule::Rule;
use crate::segment::Segments;
use crate::source::Format;
use aho_corasick::{AhoCorasick, AhoCorasickKind};

use crate::hash::Map;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Rules ready to run, with the files they came from (for reporting problems in them) and the
/// language data of their packs.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub files: Vec<RuleFile>,
    pub rules: Vec<Rule>,
    pub language: Language,
    /// Every rule id and pack loaded, before `select` narrowed the rules that run: a
    /// suppression comment may name any of them.
    pub loaded: Vec<String>,
    /// With `--timings`: time spent per rule (nanoseconds, by index in `rules`), then parsing,
    /// segmenting and prefiltering, summed over every document checked on any thread.
    pub timings: Option<Vec<AtomicU64>>,
    /// Built from the rules on first use (and again after `select`).
    prefilter: OnceLock<Prefilter>,
    /// How many documents the run checks, when known: a few are searched with an automaton
    /// quick to build, many with one quick to search.
    documents: Option<usize>,
    /// How many threads a document's rules may be shared among (0 before `expect_run`: as
    /// many as there are cores).
    threads: usize,
    /// From what length a document is prefiltered region by region, in regions of what length
    /// ([`REGIONED`] and [`REGION`] when `None`; the tests set them lower).
    regioned: Option<(usize, usize)>,
    /// Whether rules search whole blocks, not only around the prefilter's places (for the fuzz
    /// targets, which compare the findings either way).
    whole_blocks: bool,
}

/// The work on a document before its rules, timed with `--timings` beside them.
const PHASES: [&str; 3] = ["(parsing)", "(segmenting)", "(prefilter: folding and searching)"];

/// The literals of every rule's patterns in one automaton, looked for once per document: a rule
/// whose patterns need a literal the document lacks skips them without a regex search.
#[derive(Debug)]
struct Prefilter {
    /// Every literal, lowercase, once (without its [`pattern::WORD_END`]).
    literals: Vec<Vec<u8>>,
    /// For each literal, whether it is found only where no word character follows it.
    word_end: Vec<bool>,
    /// Over a run of few documents, an NFA: quick to build.
    few: Option<AhoCorasick>,
    /// Over many documents, or a long one: a DFA, three times as quick to search, walked by hand
    /// over parts of the text at once ([`crate::dfa`]), with the length of the longest literal.
    /// Built when first needed.
    many: OnceLock<Option<(crate::dfa::Walked, usize)>>,
    /// For each literal, the slots (numbered across the rule set) that list it.
    owners: Vec<Vec<usize>>,
    /// For each rule, its first slot; one more entry closes the last rule's slots.
    bases: Vec<usize>,
}

/// Whether a run over this many documents (`None`: not known) is one of few, over which the
/// prefilter searches with an automaton quick to build ([`Prefilter::few`]).
fn few(documents: Option<usize>) -> bool {
    documents.is_some_and(|n| n < 100)
}

/// A document this long is also searched region by region (runs of whole blocks of at least
/// [`REGION`] bytes), so that a rule searches only the regions holding its literals: in one
/// 5 MB document nearly every literal is somewhere, in a 64 KB region most are not.
const REGIONED: usize = 1 << 20;
const REGION: usize = 1 << 16;

/// Where the prefilter found a literal of a slot in a document, as bounds on the matches that
/// need it: each lies inside `lo - s .. hi + s` of the prose, for `s` the most bytes a match of
/// the pattern spans when each run of whitespace counts as one byte
/// ([`crate::pattern::Patterns::reaches`]; [`crate::kinds::Context::spans`] searches only there).
///
/// Why: the literal was found at `f .. f + n` of the folded text (a document's prose, or a
/// region's of a long one, which starts at `base` of the prose), and folding removed `r` bytes
/// of that text: runs of whitespace shortened to one byte, letters made one byte. Folding never
/// lengthens, so a byte at `p` of the text is at `p - r ..= p` of the folded text. A match `m`
/// holds the literal: it ends at `f + n` or after; it starts at `f + r + 1` or before (the
/// space of a run of whitespace that `m` starts inside is written where the run starts, one
/// byte before `m`'s start folded); and its runs of whitespace are at most `r` bytes longer in
/// all than one byte each, so it spans at most `s + r` bytes. Then `lo = base + f + n - r` and
/// `hi = base + f + 2r + 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub slot: usize,
    pub lo: usize,
    pub hi: usize,
}

impl Place {
    /// The place of a literal of `slot` found at `folded` of a text that starts at `base` of the
    /// prose, from which folding removed `removed` bytes.
    pub(crate) fn of(slot: usize, base: usize, folded: std::ops::Range<usize>, removed: usize) -> Place {
        Place {
            slot,
            lo: (base + folded.end).saturating_sub(removed),
            hi: base + folded.start + 2 * removed + 1,
        }
    }
}

/// From this length, a document of a run over one or two is searched in windows
/// ([`Place`]); a shorter one whole block by whole block.
const WINDOWED: usize = 1 << 15;

/// A run of whole blocks of a long document, and what the prefilter found in it, by slot.
struct Region {
    /// Indices into the document's blocks.
    blocks: std::ops::Range<usize>,
    present: Vec<bool>,
}

/// What the prefilter found in one document ([`RuleSet::find`]).
struct Found {
    /// By slot, whether one of its literals is in the document.
    present: Vec<bool>,
    /// Where, by slot and place, when rules search windows.
    places: Vec<Place>,
    /// Where each rule's places begin in `places`, and one more entry.
    place_starts: Vec<usize>,
    /// A long document's regions.
    regions: Vec<Region>,
    /// Whether rules search windows around the places, not whole blocks.
    windowed: bool,
}

impl Prefilter {
    fn new(rules: &[Rule], documents: Option<usize>) -> Prefilter {
        let mut bases = vec![0];
        let mut index: Map<&[u8], usize> = Map::default();
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut word_end: Vec<bool> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut slot = 0;
        for rule in rules {
            for set in &rule.literals {
                for literal in set {
                    let i = *index.entry(literal).or_insert_with(|| {
                        let bare = literal.strip_suffix(&[crate::pattern::WORD_END]);
                        literals.push(bare.unwrap_or(literal).to_vec());
                        word_end.push(bare.is_some());
                        owners.push(Vec::new());
                        literals.len() - 1
                    });
                    owners[i].push(slot);
                }
                slot += 1;
            }
            bases.push(slot);
        }
        // The literals are lowercase and the documents' folded prose too. A DFA takes
        // milliseconds more to build than an NFA: worth it over many documents or a long one,
        // not for the one a pre-commit hook or an editor checks.
        let few = (!literals.is_empty() && few(documents))
            .then(|| AhoCorasick::builder().kind(Some(AhoCorasickKind::ContiguousNFA)).build(&literals).ok())
            .flatten();
        Prefilter { literals, word_end, few, many: OnceLock::new(), owners, bases }
    }

    /// The DFA searched over many documents or a long one (with the length of the longest
    /// literal), built on first use; `None` when it cannot be built. Laid out for the walk
    /// ([`crate::dfa::Dense`], 3.5 ms more for the built-in pack) over many documents only: the
    /// layout saves some 0.2 ns a byte, which a run of one 1 MB document does not win back.
    fn many(&self) -> &Option<(crate::dfa::Walked, usize)> {
        self.many.get_or_init(|| {
            let longest = self.literals.iter().map(Vec::len).max().unwrap_or(0);
            crate::dfa::Walked::new(&self.literals, self.few.is_none()).map(|walked| (walked, longest))
        })
    }

    /// For each slot, whether one of its literals is in `prose` (a document's, or a region's of
    /// a `long` one, which starts at `base` of the document's prose), as folded for the
    /// prefilter (`pattern::fold_bytes`: ASCII lowercased, whitespace runs one space); and, added to
    /// `places` when given, where.
    fn present(&self, prose: &str, long: bool, base: usize, places: Option<&mut Vec<Place>>) -> Vec<bool> {
        let mut present = vec![false; self.bases.last().copied().unwrap_or(0)];
        // Each literal found, and where it ends in the folded prose.
        let mut ends: Vec<(usize, usize)> = Vec::new();
        let folded_len;
        // Every pattern is searched, everywhere: no literals, or no automaton to find them.
        let everywhere = |mut present: Vec<bool>, places: Option<&mut Vec<Place>>| {
            present.fill(true);
            let hi = base + prose.len();
            places
                .into_iter()
                .for_each(|p| p.extend((0..present.len()).map(|slot| Place { slot, lo: base, hi })));
            present
        };
        if self.literals.is_empty() {
            return everywhere(present, places);
        } else if let (Some(automaton), false) = (&self.few, long) {
            let folded = crate::pattern::fold_bytes(prose);
            folded_len = folded.len();
            for m in automaton.find_overlapping_iter(&folded) {
                let literal = m.pattern().as_usize();
                if !self.word_end[literal] || crate::pattern::may_end_word(&folded, m.end()) {
                    ends.push((literal, m.end()));
                }
            }
        } else if let Some((walked, longest)) = self.many() {
            let folded = crate::pattern::fold_bytes(prose);
            folded_len = folded.len();
            if !walked.walk(&folded, *longest, &self.word_end, &mut ends) {
                return everywhere(present, places);
            }
        } else {
            return everywhere(present, places);
        }
        for &(literal, _) in &ends {
            for &slot in &self.owners[literal] {
                present[slot] = true;
            }
        }
        if let Some(places) = places {
            let removed = prose.len() - folded_len;
            for &(literal, end) in &ends {
                let folded = end - self.literals[literal].len()..end;
                places.extend(
                    self.owners[literal].iter().map(|&slot| Place::of(slot, base, folded.clone(), removed)),
                );
            }
        }
        present
    }

    /// For a document of `from` bytes or more, its regions of `size` bytes or more (but the
    /// last), adding to `places` where their literals are; none for a shorter document. A match
    /// lies inside one block, so inside one region, whose prose holds its literals.
    fn regions(
        &self,
        doc: &Document,
        (from, size): (usize, usize),
        mut places: Option<&mut Vec<Place>>,
    ) -> Vec<Region> {
        if doc.prose.len() < from || self.literals.is_empty() {
            return Vec::new();
        }
        let mut regions = Vec::new();
        let mut first = 0;
        for (i, block) in doc.blocks.iter().enumerate() {
            let start = doc.blocks[first].range.start;
            if block.range.end - start >= size || i + 1 == doc.blocks.len() {
                let present =
                    self.present(&doc.prose[start..block.range.end], true, start, places.as_deref_mut());
                regions.push(Region { blocks: first..i + 1, present });
                first = i + 1;
            }
        }
        regions
    }
}

impl RuleSet {
    /// A rule set of these rules, from these files, with their packs' language data.
    pub fn new(files: Vec<RuleFile>, rules: Vec<Rule>, language: Language) -> RuleSet {
        RuleSet { files, rules, language, ..RuleSet::default() }
    }

    /// Checks one document with every rule.
    pub fn check(&self, text: &str, format: Format) -> Vec<Diagnostic> {
        self.run(text, format, 0..self.rules.len())
    }

    /// Checks one document with the given rules of this set.
    pub fn check_with<'r>(
        &self,
        text: &str,
        format: Format,
        rules: impl Iterator<Item = &'r Rule>,
    ) -> Vec<Diagnostic> {
        let indices: Vec<usize> =
            rules.filter_map(|rule| self.rules.iter().position(|r| std::ptr::eq(r, rule))).collect();
        self.run(text, format, indices.into_iter())
    }

    /// Checks one document with the rules at these indices.
    fn run(&self, text: &str, format: Format, rules: impl Iterator<Item = usize>) -> Vec<Diagnostic> {
        let rules: Vec<usize> = rules.collect();
        self.run_batch(&[(text, format)], &rules).pop().unwrap_or_default()
    }

    /// Checks several documents with every rule: the findings of each, in the order given.
    ///
    /// The same as checking each on its own, but quicker over many: each phase (segmenting, the
    /// prefilter, then each rule) works through the batch before the next starts, so that its
    /// tables (the prefilter's automaton, a rule's regexes and word lists) stay in the cache
    /// from one document to the next instead of being evicted by the other rules between them.
    pub fn check_batch(&self, texts: &[(&str, Format)]) -> Vec<Vec<Diagnostic>> {
        let rules: Vec<usize> = (0..self.rules.len()).collect();
        self.run_batch(texts, &rules)
    }

    /// Checks documents with the rules at these indices, phase by phase (see
    /// [`RuleSet::check_batch`]).
    fn run_batch(&self, texts: &[(&str, Format)], rules: &[usize]) -> Vec<Vec<Diagnostic>> {
        let phase = |k: usize, started: Option<Instant>| {
            if let Some(start) = started {
                self.record(self.rules.len() + k, start);
            }
            self.timings.as_ref().map(|_| Instant::now())
        };
        let started = self.timings.as_ref().map(|_| Instant::now());
        let docs: Vec<Document> = texts.iter().map(|&(text, format)| Document::parse(text, format)).collect();
        let started = phase(0, started);
        let segs: Vec<Segments> = docs.iter().map(|doc| self.language.segmenter.segment(doc)).collect();
        let started = phase(1, started);
        let prefilter = self.prefilter.get_or_init(|| Prefilter::new(&self.rules, self.documents));
        let found: Vec<Found> = docs.iter().map(|doc| self.find(prefilter, doc)).collect();
        phase(2, started);
        let memos: Vec<Memo> = docs.iter().map(|_| Memo::default()).collect();
        let check_rule = |index: usize, d: usize, hits: &mut Vec<Hit>, out: &mut Vec<Diagnostic>| {
            let started = self.timings.as_ref().map(|_| Instant::now());
            let (doc, seg, found) = (&docs[d], &segs[d], &found[d]);
            let rule = &self.rules[index];
            let slots = prefilter.bases[index]..prefilter.bases[index + 1];
            let present = &found.present[slots.clone()];
            // Most rules search for words most documents lack.
            if rule.kind.needs_literals() && !present.contains(&true) {
                if let Some(start) = started {
                    self.record(index, start);
                }
                return;
            }
            let places = found
                .windowed
                .then(|| &found.places[found.place_starts[index]..found.place_starts[index + 1]]);
            let regions: Vec<(std::ops::Range<usize>, &[bool])> =
                found.regions.iter().map(|r| (r.blocks.clone(), &r.present[slots.clone()])).collect();
            let cx = Context {
                doc,
                seg,
                scope: rule.scope,
                skip_quotes: rule.skip_quotes,
                present,
                places,
                first_slot: slots.start,
                regions: &regions,
                memo: &memos[d],
            };
            rule.kind.check(&cx, hits);
            out.extend(hits.drain(..).filter_map(|hit| diagnostic(rule, hit, doc, seg)));
            if let Some(start) = started {
                self.record(index, start);
            }
        };
        // A run over one or two documents (a hook, an editor) shares the rules of each among the
        // cores, which also compiles their regexes in parallel; a run over many shares the
        // documents instead.
        let threads = if self.documents.is_some_and(|n| n <= 2) && docs.len() == 1 {
            let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
            (if self.threads == 0 { cores } else { self.threads.min(cores) }).min(rules.len())
        } else {
            1
        };
        let mut outs: Vec<Vec<Diagnostic>> = docs.iter().map(|_| Vec::new()).collect();
        if threads > 1 {
            // The rules with the longest files (the longest pattern lists, slowest to compile)
            // first, so that the cores finish together.
            let mut rules = rules.to_vec();
            rules.sort_by_key(|&i| {
                std::cmp::Reverse(self.files.get(self.rules[i].file).map_or(0, |f| f.text.len()))
            });
            let next = std::sync::atomic::AtomicUsize::new(0);
            let worker = || {
                let (mut hits, mut found) = (Vec::new(), Vec::new());
                while let Some(&index) = rules.get(next.fetch_add(1, Ordering::Relaxed)) {
                    check_rule(index, 0, &mut hits, &mut found);
                }
                found
            };
            std::thread::scope(|scope| {
                let workers: Vec<_> = (0..threads).map(|_| scope.spawn(worker)).collect();
                for handle in workers {
                    outs[0].extend(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
                }
            });
        } else {
            let mut hits = Vec::new();
            for &index in rules {
                for (d, out) in outs.iter_mut().enumerate() {
                    check_rule(index, d, &mut hits, out);
                }
            }
        }
        outs.into_iter()
            .zip(texts)
            .zip(&docs)
            .map(|((out, &(text, _)), doc)| self.finish(text, doc, out))
            .collect()
    }

    /// What the prefilter finds in a document: which slots' literals it has, and where (when
    /// rules search windows around them).
    fn find(&self, prefilter: &Prefilter, doc: &Document) -> Found {
        let (from, size) = self.regioned.unwrap_or((REGIONED, REGION));
        // Over one or two short documents (a hook, an editor) a rule searches whole blocks:
        // quicker than working out how far its matches reach, which parses its regex again
        // (once per run, up to 0.2 ms a rule). Windows pay over many documents or a long one.
        let few = self.documents.is_some_and(|n| n <= 2) && doc.prose.len() < WINDOWED;
        let windowed = !self.whole_blocks && !few;
        let mut places = Vec::new();
        let regions = prefilter.regions(doc, (from, size), windowed.then_some(&mut places));
        // A long document's places are its regions' (folding removed fewer bytes of each).
        let long = doc.prose.len() >= REGIONED;
        let whole = (windowed && regions.is_empty()).then_some(&mut places);
        let present = prefilter.present(&doc.prose, long, 0, whole);
        // By slot, then place (the walk finds a literal twice in the overlap of two parts).
        places.sort_unstable();
        places.dedup();
        // Where each rule's places begin (its slots' are together, and the rules' in order): one
        // pass over them, instead of two searches for each rule that runs.
        let mut place_starts = Vec::with_capacity(prefilter.bases.len());
        let mut p = 0;
        for &base in &prefilter.bases {
            p += places[p..].iter().take_while(|place| place.slot < base).count();
            place_starts.push(p);
        }
        Found { present, places, place_starts, regions, windowed }
    }

    /// A document's findings, `out`, sorted, without those in accepted text or suppressed.
    fn finish(&self, text: &str, doc: &Document, mut out: Vec<Diagnostic>) -> Vec<Diagnostic> {
        // Sorted by place and rule (a sort that keeps each rule's own order), so the output is
        // the same however the rules were shared out.
        out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        // Text the newsroom accepts (`[style] accept`) is never flagged.
        if let Some(accepted) = &self.language.accepted {
            let places: Vec<std::ops::Range<usize>> = accepted.find_iter(text).map(|m| m.range()).collect();
            out.retain(|d| !places.iter().any(|p| p.start <= d.range.start && d.range.end <= p.end));
        }
        // A name ran when every rule it covers ran: a suppression of rules that `--select` left
        // out is not stale. (Without a selection, `loaded` is empty and every rule ran.)
        let running = |id: &str| self.rules.iter().any(|r| r.id == id);
        let loaded_ids = || self.loaded.iter().filter(|n| n.contains('.'));
        let ran = |name: &str| {
            let covers = |id: &&String| crate::rule::covers(name, id);
            self.loaded.is_empty() || loaded_ids().filter(covers).all(|id| running(id))
        };
        let known = |name: &str| {
            self.loaded.iter().any(|n| n == name) || self.rules.iter().any(|r| r.id == name || r.pack == name)
        };
        // Asked only of a comment that names no rule (most documents have none).
        let all_ran = || loaded_ids().all(|id| running(id));
        crate::suppress::apply(text, doc.html.as_deref(), &mut out, known, ran, all_ran);
        out
    }

    /// Adds the time since `start` to the rule at `index` (past the rules: the [`PHASES`]).
    fn record(&self, index: usize, start: Instant) {
        if let Some(slot) = self.timings.as_ref().and_then(|t| t.get(index)) {
            let nanos = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
            slot.fetch_add(nanos, Ordering::Relaxed);
        }
    }

    /// Prefilters documents of `from` bytes or more region by region, in regions of `size` bytes
    /// or more, instead of from 1 MB in regions of 64 KB: for the fuzz targets, which compare
    /// the findings either way on short documents. Call it before checking anything.
    #[doc(hidden)]
    pub fn prefilter_regions(&mut self, from: usize, size: usize) {
        self.regioned = Some((from, size));
        self.prefilter = OnceLock::new();
    }

    /// Makes rules search the whole of each block where the prefilter found their literals,
    /// not only around the places it found them: for the fuzz targets and tests, which compare
    /// the findings either way.
    #[doc(hidden)]
    pub fn search_whole_blocks(&mut self) {
        self.whole_blocks = true;
    }

    /// Says how many documents the run will check, on how many threads: over few documents the
    /// prefilter is quick to build, and each document's rules are shared among the threads.
    pub fn expect_run(&mut self, documents: usize, threads: usize) {
        // A prefilter made already ([`RuleSet::prepare`]) is kept when it suits the run.
        if few(self.documents) != few(Some(documents)) {
            self.prefilter = OnceLock::new();
        }
        self.documents = Some(documents);
        self.threads = threads.max(1);
    }

    /// For a run of `documents` or more, builds the prefilter and the automaton a run over
    /// many documents searches with, now rather than when the first document needs them: a run
    /// loads its rules while it walks its directories, with a core to spare. [`RuleSet::select`]
    /// and [`RuleSet::expect_run`] keep them when the rules and the run are what they were made
    /// for.
    pub fn prepare(&self, documents: usize) {
        if !few(Some(documents)) {
            self.prefilter.get_or_init(|| Prefilter::new(&self.rules, self.documents)).many();
        }
    }

    /// Compiles the regexes that the rules leave until they first search with them
    /// ([`crate::pattern::Deferred`]), one at a time, for as long as `go_on` says: a run over
    /// many files does so while it walks its directories, on a core that would otherwise wait,
    /// and nearly every rule searches some file. Returns how many it compiled (or found
    /// compiled).
    pub fn compile_while(&self, go_on: impl Fn() -> bool) -> usize {
        let deferred = self.rules.iter().flat_map(|rule| &rule.deferred);
        deferred.take_while(|_| go_on()).map(|d| d.build()).count()
    }

    /// Starts counting the time each rule takes (`--timings`).
    pub fn time_rules(&mut self) {
        self.timings = Some((0..self.rules.len() + PHASES.len()).map(|_| AtomicU64::new(0)).collect());
    }

    /// The time counted per rule and per [`PHASES`] entry, slowest first.
    pub fn rule_times(&self) -> Vec<(String, std::time::Duration)> {
        let Some(timings) = &self.timings else { return Vec::new() };
        let names = self.rules.iter().map(|r| r.id.as_str()).chain(PHASES);
        let mut times: Vec<(String, std::time::Duration)> = names
            .zip(timings)
            .map(|(name, t)| (name.to_owned(), std::time::Duration::from_nanos(t.load(Ordering::Relaxed))))
            .collect();
        times.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        times
    }

    /// Keeps the rules named by `select` (all when empty) and not named by `ignore`; a name is a
    /// rule id or a pack. Returns the names that match no rule.
    pub fn select(&mut self, select: &[String], ignore: &[String]) -> Vec<String> {
        if self.loaded.is_empty() {
            let names = self.rules.iter().flat_map(|r| [r.id.clone(), r.pack.clone()]);
            self.loaded = names.collect();
            self.loaded.sort();
            self.loaded.dedup();
        }
        let known = |name: &String| self.rules.iter().any(|r| r.id == *name || r.pack == *name);
        let unknown: Vec<String> = select.iter().chain(ignore).filter(|n| !known(n)).cloned().collect();
        let named = |rule: &Rule, names: &[String]| names.iter().any(|n| crate::rule::covers(n, &rule.id));
        let before = self.rules.len();
        self.rules.retain(|r| (select.is_empty() || named(r, select)) && !named(r, ignore));
        if self.rules.len() != before {
            self.prefilter = OnceLock::new();
        }
        unknown
    }

    /// The rule with this id, if the set has it.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

fn diagnostic(rule: &Rule, hit: Hit, doc: &Document, seg: &Segments) -> Option<Diagnostic> {
    let mut notes = Vec::new();
    let fix = hit.fix.filter(|fix| !fix.edits.is_empty()).and_then(|fix| {
        let quoted = fix.edits.iter().any(|e| {
            seg.in_quote(e.range.start) || (e.range.end > e.range.start && seg.in_quote(e.range.end - 1))
        });
        if quoted {
            notes.push("not fixed automatically: the text is inside a direct quotation".to_owned());
            return None;
        }
        if !fix.edits.iter().all(|e| doc.is_plain(e.range.clone())) {
            notes.push("not fixed automatically: the text has markup inside it".to_owned());
            return None;
        }
        Some(fix)
    });
    Some(Diagnostic {
        rule: rule.id.clone(),
        severity: rule.level,
        message: rule.message.render(&hit.args),
        range: hit.range,
        labels: hit.labels,
        notes,
        fix,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A long document searched region by region gets exactly the findings it gets searched
    /// whole, in both formats: regions hold whole blocks, and no match crosses a block.
    #[test]
    fn regions_find_what_the_whole_document_finds() {
        let paragraphs = [
            "Azeri forces moved on Sept. 27 in order to take the the town.",
            "The minister said 50 per cent of the 200 people killed were civilians.",
            "Talks in the Minsk Group resumed at 10am (in Geneva.",
            "# A Headline About Minsk group Talks",
            "Nikol Pashinyan spoke. Later Pashinian said the cease-fire held, e.g. in Stepanakert.",
            "> “Some 200 people have been reported killed,” he said.",
            "Nothing here but plain words about the weather and the markets today.",
        ];
        let mut random = crate::hash::Random::new(42);
        let mut text = String::new();
        while text.len() < 100_000 {
            // Long runs of plain paragraphs, so that most regions lack most literals.
            let i = if random.below(4) == 0 { random.below(paragraphs.len()) } else { paragraphs.len() - 1 };
            text.push_str(paragraphs[i]);
            text.push_str(if random.below(3) == 0 { "\n" } else { "\n\n" });
        }
        for format in [Format::Text, Format::Markdown] {
            let (mut whole, problems) = crate::pack::load(crate::pack::builtin(true), false);
            assert!(problems.is_empty());
            let (mut regioned, _) = crate::pack::load(crate::pack::builtin(true), false);
            whole.prefilter_regions(usize::MAX, REGION);
            // Regions of a few blocks, so that many blocks with findings are a region's last.
            regioned.prefilter_regions(0, 300);
            let expected = whole.check(&text, format);
            assert!(expected.len() > 100, "the document has findings: {}", expected.len());
            assert_eq!(regioned.check(&text, format), expected, "{format:?}");
        }
    }

    /// A batch of documents, checked phase by phase, gets each document's own findings, in
    /// order: documents of every format, with suppression comments, accepted text, long
    /// documents searched region by region, empty ones, and the same document twice.
    #[test]
    fn a_batch_finds_what_each_document_finds_alone() {
        let fixtures = [
            (include_str!("../fixtures/nagorno-karabakh-2020-10-03.txt"), Format::Text),
            (include_str!("../fixtures/wikinews-iraq-strategy.txt"), Format::Text),
            (include_str!("../fixtures/markdown-draft.md"), Format::Markdown),
            (include_str!("../fixtures/crlf-bom.txt"), Format::Text),
            ("", Format::Text),
            (
                "<p>The Minsk Group met. Later the Minsk group said 200 people were killed.</p>",
                Format::Markdown,
            ),
            (
                "The Azeri forces moved on October 3rt. <!-- copydesk-disable-next-line -->\nThe Azeri said so.",
                Format::Markdown,
            ),
        ];
        let load = || crate::pack::load(crate::pack::builtin(true), false).0;
        let (mut set, mut regioned) = (load(), load());
        set.language.accepted = regex::Regex::new("October 3rt").ok();
        regioned.prefilter_regions(0, 300);
        for set in [&mut set, &mut regioned] {
            set.expect_run(1_000, 1);
        }
        let mut random = crate::hash::Random::new(0xba7c4);
        let mut findings = 0;
        for round in 0..40 {
            // A batch of a few of the fixtures, in any order, some of them twice.
            let batch: Vec<(&str, Format)> =
                (0..1 + round % 9).map(|_| fixtures[random.below(fixtures.len())]).collect();
            for set in [&set, &regioned] {
                let alone: Vec<Vec<Diagnostic>> =
                    batch.iter().map(|&(text, format)| set.check(text, format)).collect();
                findings += alone.iter().map(Vec::len).sum::<usize>();
                assert!(set.check_batch(&batch) == alone, "round {round}");
            }
        }
        assert!(findings > 500, "the documents have findings: {findings}");
    }

    /// Rules that search only around the places where the prefilter found their literals find
    /// what they find searching whole blocks, in either format and however the prefilter ran:
    /// in text whose runs of whitespace are long and varied (folding shortens each to one
    /// byte, so the places are known only within the bytes it removed), with markup markers,
    /// letters that fold shorter (`K`, `ſ`), and phrases across block breaks.
    #[test]
    fn windows_find_what_whole_blocks_find() {
        let phrases = [
            "in order to",
            "due to the fact that",
            "the tip of the iceberg",
            "comprised of",
            "past history",
            "end result",
            "it's own",
            "irregardless",
            "should of",
            "at 10 a.m. this morning",
            "e.g.",
            "committed suicide",
            "illegal immigrants",
            "the Minsk group",
            "in Kiev",
            "very unique",
            "shook hands",
            "Azeri",
            "at 3 AM",
            "monday",
            "a 50 percent rise",
            "for all intensive purposes",
            "\u{212A}iev",
            "whil\u{17F}t",
            "amongst",
            "killed",
            "U.S. and US",
            "said ;",
            "moved ,",
            "antidisestablishmentarianism ?",
            "(Photo by Jane Doe)",
            "defence",
            "the defense",
            "Defense Department",
            "organisation",
            "organization",
        ];
        let words = ["the", "talks", "moved", "on", "and", "said", "order", "to", "of", "fact", "result"];
        let gaps =
            [" ", " ", " ", "  ", "\t", "\n", " \n ", "\u{a0}", "\u{3000}", "    ", "\n\n", " **", "** "];
        let mut random = crate::hash::Random::new(0x5eed);
        let load = || crate::pack::load(crate::pack::builtin(true), false).0;
        let (mut windowed, mut whole, mut few, mut regioned) = (load(), load(), load(), load());
        whole.search_whole_blocks();
        regioned.prefilter_regions(0, 200);
        for set in [&mut windowed, &mut whole, &mut regioned] {
            set.expect_run(1_000, 1);
        }
        // Few documents: the NFA, whose places are recorded as the DFA's are (and windows, from three).
        few.expect_run(50, 1);
        let mut findings = 0;
        for round in 0..150 {
            let mut text = String::new();
            while text.len() < 200 + round * 20 {
                let piece = if random.below(3) == 0 {
                    phrases[random.below(phrases.len())]
                } else {
                    words[random.below(words.len())]
                };
                // Each space of a phrase a gap of its own.
                for (i, word) in piece.split(' ').enumerate() {
                    if i > 0 {
                        text.push_str(gaps[random.below(gaps.len())]);
                    }
                    text.push_str(word);
                }
                text.push_str(if random.below(9) == 0 { ".\n\n" } else { gaps[random.below(gaps.len())] });
            }
            for format in [Format::Text, Format::Markdown] {
                let expected = whole.check(&text, format);
                findings += expected.len();
                for (set, how) in
                    [(&windowed, "windowed"), (&few, "with an NFA"), (&regioned, "region by region")]
                {
                    assert!(set.check(&text, format) == expected, "{how}, {format:?}: {text:?}");
                }
            }
        }
        assert!(findings > 1_000, "the texts have findings: {findings}");
    }

    /// A credit given twice is found in a run of many documents too, where the duplicate kind
    /// first counts the places where the prefilter found the credits' literals: two credits,
    /// two places (and one credit, one place: nothing to compare).
    #[test]
    fn a_credit_given_twice_is_found_where_its_literals_are_counted() {
        let mut set = crate::kinds::builtin();
        set.expect_run(1_000, 1);
        let credits = |text: &str| {
            set.check(text, Format::Text).iter().filter(|d| d.rule == "News.DuplicateCredit").count()
        };
        let once = "Rescuers at work. (Photo by Jane Doe / AFP)";
        let twice = "Rescuers at work. (Photo by Jane Doe / AFP) (Photo by JANE DOE/AFP via Getty Images)";
        assert_eq!(credits(once), 0);
        assert_eq!(credits(twice), 1);
        assert_eq!(credits(&format!("{twice}\n\nSurvivors wait. (Photo by Jane Doe/AFP)")), 2);
    }

    /// A prefilter made before the run is known ([`RuleSet::prepare`], while the paths are
    /// walked) is kept while the rules and the run are those it was made for, and made again
    /// when they are not.
    #[test]
    fn a_prepared_prefilter_is_kept_only_while_it_suits_the_run() {
        let mut set = crate::kinds::builtin();
        let made = |set: &RuleSet| set.prefilter.get().is_some();
        set.prepare(usize::MAX);
        let dense = |set: &RuleSet| {
            set.prefilter
                .get()
                .and_then(|p| p.many.get().as_ref()?.as_ref().map(|(walked, _)| walked.is_dense()))
        };
        assert_eq!(dense(&set), Some(true), "made with its DFA, laid out for the walk");
        set.select(&[], &[]);
        set.expect_run(500, 2);
        assert!(made(&set), "kept for a run of many documents and the same rules");
        set.expect_run(5, 1);
        assert!(!made(&set), "a run of few documents searches with an automaton quick to build");
        set.prepare(5);
        assert!(!made(&set), "not made for a run of few");
        // A long document of a run of few builds the DFA, but does not lay it out again.
        let long = "Azeri forces moved. ".repeat(60_000);
        assert!(!set.check(&long, Format::Text).is_empty());
        assert_eq!(dense(&set), Some(false), "the crate's layout over few documents");
        set.expect_run(500, 2);
        set.prepare(500);
        set.select(&["News.Azeri".to_owned()], &[]);
        assert!(!made(&set), "made again for other rules");
    }

    /// The regexes a built-in rule compiles when it first searches with them are compiled one
    /// at a time for as long as asked, and then no more; a document is checked the same after.
    #[test]
    fn regexes_left_until_searched_are_compiled_while_asked_and_no_longer() {
        let set = crate::kinds::builtin();
        let deferred: Vec<&std::sync::Arc<dyn crate::pattern::Deferred>> =
            set.rules.iter().flat_map(|rule| &rule.deferred).collect();
        assert!(deferred.len() > 20, "the built-in rules leave their regexes: {}", deferred.len());
        // Some are shared among rule sets (the date rules'), which another test may have compiled.
        assert!(deferred.iter().any(|d| !d.built()), "none compiled as the rules load");
        assert_eq!(set.compile_while(|| false), 0);
        let asked = std::cell::Cell::new(0);
        let three = || {
            asked.set(asked.get() + 1);
            asked.get() <= 3
        };
        assert_eq!(set.compile_while(three), 3);
        assert!(deferred[..3].iter().all(|d| d.built()), "the first three compiled");
        assert!(deferred[3..].iter().any(|d| !d.built()), "and not the rest");
        let text = include_str!("../fixtures/nagorno-karabakh-2020-10-03.txt");
        let before = crate::kinds::builtin().check(text, Format::Text);
        assert_eq!(set.compile_while(|| true), deferred.len());
        assert!(deferred.iter().all(|d| d.built()), "all compiled");
        assert_eq!(set.check(text, Format::Text), before);
        assert!(!before.is_empty());
    }
}
