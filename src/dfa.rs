//! The prefilter's automaton over many documents, and its walk: every literal of the rules in
//! one Aho-Corasick DFA, walked over a document's folded prose in parts at once ([`walk`]).
//!
//! The crate's DFA ([`aho_corasick::dfa::DFA`]) is built first; when it is small enough, its
//! states are laid out again as [`Dense`]: 16-bit states, rows of 64 classes, the classes
//! numbered by how common their bytes are in English, and the states by their distance from the
//! start. A walk reads a row per byte, and a story's walk keeps returning to a few hundred
//! states near the start: with states in half the bytes the crate takes, and each row's
//! commonest bytes in one cache line, more of those rows stay in the cache (step 108 in
//! docs/performance.md: the prefilter 6-9% quicker).

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind};

/// How many parts of a document the DFA walks at once: each step of one walk waits on a table
/// load, and several walks keep the processor busy while they wait (four were 2.4x as fast as
/// one; eight take 4% less time than four, sixteen 10% more).
pub(crate) const WALKS: usize = 8;

/// The crate's DFA, with standard matches (every literal that ends at a byte) and no prefilter
/// of its own, so that only match states are special (and the dead state, never reached); with
/// one, start states are too, and a walk would stop to look at every return to the start.
pub(crate) fn crate_dfa(literals: &[Vec<u8>]) -> Result<DFA, aho_corasick::BuildError> {
    DFA::builder().match_kind(MatchKind::Standard).prefilter(false).build(literals)
}

/// The prefilter's automaton: [`Dense`] where the literals make few enough states, else the
/// crate's DFA.
#[derive(Debug)]
pub(crate) enum Walked {
    Dense(Box<Dense>),
    Crate(Box<DFA>),
}

impl Walked {
    /// The automaton of these literals (lowercase, as the folded prose is), laid out as
    /// [`Dense`] if `dense` and they fit; `None` when the crate cannot build it.
    pub(crate) fn new(literals: &[Vec<u8>], dense: bool) -> Option<Walked> {
        let dfa = crate_dfa(literals).ok()?;
        Some(match dense.then(|| Dense::new(&dfa, literals)).flatten() {
            Some(dense) => Walked::Dense(Box::new(dense)),
            None => Walked::Crate(Box::new(dfa)),
        })
    }

    /// Whether the states are laid out as [`Dense`].
    #[cfg(test)]
    pub(crate) fn is_dense(&self) -> bool {
        matches!(self, Walked::Dense(_))
    }

    /// Adds to `ends` every literal found in `text`, with where it ends; a literal of
    /// `word_end` only where no word character follows it. `false` when nothing is known (the
    /// crate's DFA has no start state).
    pub(crate) fn walk(
        &self,
        text: &[u8],
        longest: usize,
        word_end: &[bool],
        ends: &mut Vec<(usize, usize)>,
    ) -> bool {
        match self {
            Walked::Dense(dense) => walk(&**dense, text, longest, word_end, ends),
            Walked::Crate(dfa) => walk(&Crate(dfa), text, longest, word_end, ends),
        }
    }
}

/// What [`walk`] needs of an automaton: a state a step, and which states are matches.
trait Steps {
    type State: Copy;
    fn start(&self) -> Option<Self::State>;
    fn next(&self, state: Self::State, byte: u8) -> Self::State;
    /// Whether the state is a match: seldom, so that a walk tests it of several at once.
    fn is_match(&self, state: Self::State) -> bool;
    /// The literals that end at a match state.
    fn literals(&self, state: Self::State, each: impl FnMut(usize));
}

/// The crate's DFA, walked as it is.
struct Crate<'d>(&'d DFA);

impl Steps for Crate<'_> {
    type State = StateID;

    fn start(&self) -> Option<StateID> {
        self.0.start_state(Anchored::No).ok()
    }

    fn next(&self, state: StateID, byte: u8) -> StateID {
        self.0.next_state(Anchored::No, state, byte)
    }

    fn is_match(&self, state: StateID) -> bool {
        self.0.is_special(state) && self.0.is_match(state)
    }

    fn literals(&self, state: StateID, mut each: impl FnMut(usize)) {
        for i in 0..self.0.match_len(state) {
            each(self.0.match_pattern(state, i).as_usize());
        }
    }
}

/// How many classes a row of [`Dense`] has room for: the bytes of the literals, and one class
/// for every other byte (which leads any state back to the start).
const CLASSES: usize = 64;

/// The most states [`Dense`] lays out: its table then takes 2 MB.
const MOST_STATES: usize = 1 << 14;

/// The bytes of folded English prose, commonest first: the classes of the literals' bytes are
/// numbered in this order, so that the 31 commonest after the class of all other bytes share a
/// row's first cache line.
const COMMONEST: &[u8] = b" etaoinsrhldcumfpgwyb,.vk0-1'x2j95q3z4786/:;$%()\"";

/// A row of [`Dense`]'s table: the next state for each class, 128 bytes aligned so that the
/// first 32 classes are one cache line.
#[derive(Clone, Copy, Debug)]
#[repr(align(128))]
struct Row([u16; CLASSES]);

/// The crate's DFA laid out for the walk: the next state is `rows[state].0[class of byte]`.
#[derive(Debug)]
pub(crate) struct Dense {
    rows: Box<[Row]>,
    /// Each byte's class.
    classes: [u8; 256],
    start: u16,
    /// The match states are numbered last, from this one.
    first_match: u16,
    /// The literals of each match state (from `first_match`): where they are in `literals`.
    match_spans: Vec<(u32, u32)>,
    literals: Vec<u32>,
}

impl Dense {
    /// `dfa`, an unanchored DFA of `literals`, laid out again; `None` when it has more states or
    /// its literals more distinct bytes than a [`Dense`] has room for.
    fn new(dfa: &DFA, literals: &[Vec<u8>]) -> Option<Dense> {
        let start = dfa.start_state(Anchored::No).ok()?;
        let mut used = [false; 256];
        for &b in literals.iter().flatten() {
            used[usize::from(b)] = true;
        }
        // Class 0 is every byte in no literal: from any state, such a byte leads to the start.
        let mut order: Vec<u8> = COMMONEST.iter().copied().filter(|&b| used[usize::from(b)]).collect();
        order.extend((0..=255u8).filter(|&b| used[usize::from(b)] && !COMMONEST.contains(&b)));
        if order.len() + 1 > CLASSES {
            return None;
        }
        let mut classes = [0u8; 256];
        for (class, &b) in (1u8..).zip(&order) {
            classes[usize::from(b)] = class;
        }
        // A byte of each class: one in no literal for class 0, if any is in none.
        let other = (0..=255u8).find(|&b| !used[usize::from(b)]);
        let representatives: Vec<Option<u8>> =
            std::iter::once(other).chain(order.iter().copied().map(Some)).collect();
        // The states, by their distance from the start.
        let mut found: Vec<StateID> = vec![start];
        let mut seen: crate::hash::Map<StateID, ()> = crate::hash::Map::default();
        seen.insert(start, ());
        let mut i = 0;
        while let Some(&state) = found.get(i) {
            i += 1;
            for &byte in representatives.iter().flatten() {
                let next = dfa.next_state(Anchored::No, state, byte);
                if dfa.is_dead(next) {
                    return None;
                }
                if seen.insert(next, ()).is_none() {
                    found.push(next);
                    if found.len() > MOST_STATES {
                        return None;
                    }
                }
            }
        }
        // The states that are no match first, then the matches.
        let (plain, matching): (Vec<StateID>, Vec<StateID>) = found.iter().partition(|&&s| !dfa.is_match(s));
        let numbered: Vec<StateID> = plain.iter().chain(&matching).copied().collect();
        let mut number: crate::hash::Map<StateID, u16> = crate::hash::Map::default();
        for (n, &state) in (0u16..).zip(&numbered) {
            number.insert(state, n);
        }
        let mut rows = vec![Row([0; CLASSES]); numbered.len()].into_boxed_slice();
        for (row, &state) in rows.iter_mut().zip(&numbered) {
            for (class, byte) in representatives.iter().enumerate() {
                // With no byte of class 0, its entries are never read: the start, as any.
                let next = byte.map_or(start, |b| dfa.next_state(Anchored::No, state, b));
                row.0[class] = number[&next];
            }
        }
        let (mut match_spans, mut found_literals) = (Vec::with_capacity(matching.len()), Vec::new());
        for &state in &matching {
            let from = u32::try_from(found_literals.len()).ok()?;
            for i in 0..dfa.match_len(state) {
                found_literals.push(u32::try_from(dfa.match_pattern(state, i).as_usize()).ok()?);
            }
            match_spans.push((from, u32::try_from(found_literals.len()).ok()?));
        }
        Some(Dense {
            rows,
            classes,
            start: number[&start],
            first_match: u16::try_from(plain.len()).ok()?,
            match_spans,
            literals: found_literals,
        })
    }
}

impl Steps for Dense {
    type State = u16;

    fn start(&self) -> Option<u16> {
        Some(self.start)
    }

    fn next(&self, state: u16, byte: u8) -> u16 {
        self.rows[usize::from(state)].0[usize::from(self.classes[usize::from(byte)]) % CLASSES]
    }

    fn is_match(&self, state: u16) -> bool {
        state >= self.first_match
    }

    fn literals(&self, state: u16, mut each: impl FnMut(usize)) {
        let (from, to) = self.match_spans[usize::from(state - self.first_match)];
        for &literal in &self.literals[from as usize..to as usize] {
            each(literal as usize);
        }
    }
}

/// Adds to `ends` every literal of `automaton` found in `text`, with where it ends, walking
/// [`WALKS`] parts of it in step; a literal of `word_end` only where no word character follows
/// it. Each part runs on past its end by the longest literal less one byte, so that a literal
/// that starts in a part is found whole in it (and one that starts in that overlap twice).
/// `false` when the automaton has no start state to walk from.
fn walk<A: Steps>(
    automaton: &A,
    text: &[u8],
    longest: usize,
    word_end: &[bool],
    ends: &mut Vec<(usize, usize)>,
) -> bool {
    let Some(start) = automaton.start() else {
        return false;
    };
    // Adds the literals that end at the byte at `at`, where the walk has reached `state`.
    #[inline(never)]
    fn matched<A: Steps>(
        automaton: &A,
        state: A::State,
        text: &[u8],
        at: usize,
        word_end: &[bool],
        ends: &mut Vec<(usize, usize)>,
    ) {
        automaton.literals(state, |literal| {
            if !word_end[literal] || crate::pattern::may_end_word(text, at + 1) {
                ends.push((literal, at + 1));
            }
        });
    }
    // The state after the byte at `at`.
    let step = |state: A::State, at: usize, ends: &mut Vec<(usize, usize)>| {
        let next = automaton.next(state, text[at]);
        if automaton.is_match(next) {
            matched(automaton, next, text, at, word_end, ends);
        }
        next
    };
    // Each part but the last runs on by `tail` bytes into the next, and the parts are long
    // enough that it ends inside that next part.
    let tail = longest.saturating_sub(1);
    let part = text.len() / WALKS;
    if part <= tail.max(16) {
        (0..text.len()).fold(start, |state, at| step(state, at, ends));
        return true;
    }
    let begins: [usize; WALKS] = std::array::from_fn(|k| k * part);
    // Each part with its tail (the last without), so that the walks read them unchecked.
    let parts: [&[u8]; WALKS] =
        std::array::from_fn(|k| &text[begins[k]..begins[k] + part + if k + 1 < WALKS { tail } else { 0 }]);
    // The walks of the first `N` parts, in step over `places`, with one test a step for whether
    // any of their states is a match (seldom). `i` is a place in every part at once.
    fn in_step<A: Steps, const N: usize>(
        automaton: &A,
        parts: &[&[u8]; N],
        states: &mut [A::State; N],
        places: std::ops::Range<usize>,
        (text, begins, word_end): (&[u8], &[usize; WALKS], &[bool]),
        ends: &mut Vec<(usize, usize)>,
    ) {
        for i in places {
            for k in 0..N {
                states[k] = automaton.next(states[k], parts[k][i]);
            }
            if states.iter().any(|&s| automaton.is_match(s)) {
                for (k, &state) in states.iter().enumerate() {
                    if automaton.is_match(state) {
                        matched(automaton, state, text, begins[k] + i, word_end, ends);
                    }
                }
            }
        }
    }
    let mut states = [start; WALKS];
    in_step(automaton, &parts, &mut states, 0..part, (text, &begins, word_end), ends);
    // The tails of all but the last part, in step too: a story of a few kilobytes has nearly as
    // many bytes in them as in a part, and one walk alone waits on every load.
    let tails: [&[u8]; WALKS - 1] = std::array::from_fn(|k| parts[k]);
    let mut tail_states: [A::State; WALKS - 1] = std::array::from_fn(|k| states[k]);
    in_step(automaton, &tails, &mut tail_states, part..part + tail, (text, &begins, word_end), ends);
    // The last part's few bytes past `WALKS` parts.
    (begins[WALKS - 1] + part..text.len()).fold(states[WALKS - 1], |state, at| step(state, at, ends));
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::AhoCorasick;

    /// The DFA walked over [`WALKS`] parts of a text finds the same literals as the crate's own
    /// overlapping search, where they end, literals across the parts' edges included; those that
    /// must end a word only where no letter follows. Both layouts: the crate's and [`Dense`].
    #[test]
    fn walking_in_parts_finds_every_literal() {
        let mut random = crate::hash::Random::new(0x0123_4567_89ab_cdef);
        let alphabets: [&[u8]; 2] = [b"abc ", b"ab e\xc3\xa9"];
        for round in 0..300 {
            let alphabet = alphabets[round % 2];
            let letter = |random: &mut crate::hash::Random| alphabet[random.below(alphabet.len())];
            let literals: Vec<Vec<u8>> = (0..1 + random.below(12))
                .map(|_| (0..1 + random.below(9)).map(|_| letter(&mut random)).collect())
                .collect();
            let word_end: Vec<bool> = literals.iter().map(|_| random.below(2) == 0).collect();
            let len = if round % 3 == 0 { random.below(100) } else { 300 + random.below(3000) };
            // Bytes in no literal too (`x`, and any the literals lack).
            let mut text: Vec<u8> =
                (0..len).map(|_| if random.below(8) == 0 { b'x' } else { letter(&mut random) }).collect();
            // Across where one part of the walk ends and the next begins, the longest literal,
            // starting from one byte to all of its bytes before the boundary.
            let longest = literals.iter().max_by_key(|l| l.len()).unwrap().clone();
            let part = len / WALKS;
            for k in 1..WALKS {
                let before = 1 + random.below(longest.len());
                if let Some(at) = (k * part).checked_sub(before).filter(|at| at + longest.len() <= len) {
                    text[at..at + longest.len()].copy_from_slice(&longest);
                }
            }
            let automaton = AhoCorasick::new(&literals).unwrap();
            let mut expected: Vec<(usize, usize)> = automaton
                .find_overlapping_iter(&text)
                .map(|m| (m.pattern().as_usize(), m.end()))
                .filter(|&(literal, end)| !word_end[literal] || crate::pattern::may_end_word(&text, end))
                .collect();
            expected.sort_unstable();
            expected.dedup();
            let dfa = crate_dfa(&literals).unwrap();
            let dense = Dense::new(&dfa, &literals).expect("few states");
            let longest = literals.iter().map(Vec::len).max().unwrap();
            for walked in [Walked::Crate(Box::new(dfa)), Walked::Dense(Box::new(dense))] {
                let mut ends = Vec::new();
                assert!(walked.walk(&text, longest, &word_end, &mut ends));
                ends.sort_unstable();
                ends.dedup();
                assert_eq!(ends, expected, "{literals:?} in {:?}", String::from_utf8_lossy(&text));
            }
        }
    }

    /// Literals of more distinct bytes than a row has classes for, or of more states than the
    /// table has rows for, are walked with the crate's DFA.
    #[test]
    fn too_many_bytes_or_states_are_walked_as_the_crate_lays_them_out() {
        let bytes: Vec<Vec<u8>> = (0x80..=0xffu8).map(|b| vec![b'a', b]).collect();
        assert!(matches!(Walked::new(&bytes, true), Some(Walked::Crate(_))));
        let mut random = crate::hash::Random::new(7);
        let long: Vec<Vec<u8>> =
            (0..1_000).map(|_| (0..20).map(|_| b"abcdefgh"[random.below(8)]).collect()).collect();
        assert!(matches!(Walked::new(&long, true), Some(Walked::Crate(_))));
        assert!(matches!(Walked::new(&[b"minsk group".to_vec()], true), Some(Walked::Dense(_))));
        assert!(matches!(Walked::new(&[b"minsk group".to_vec()], false), Some(Walked::Crate(_))));
    }
}
