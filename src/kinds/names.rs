//! `names`: one name spelled two ways in a story ("Nikol Pashinyan", later "Pashinian";
//! "Lesar", later "Lefar"; "Chrysler", once "Chrsyler").
//!
//! Edit distance alone would join "Austria" and "Australia", "Iran" and "Iraq", or two people,
//! "Jon Smith" and "Joan Smith". What makes two spellings one name here is this evidence:
//! 1. One spelling is a surname introduced with a given name ("Nikol Pashinyan"): news copy
//!    names a person in full once, then by surname. Place and company names are never
//!    introduced that way; with `majority`, a spelling used that many times and never with a
//!    given name is established too ("Chrysler" five times, "Chrsyler" once), and then the
//!    other spelling must be one edit off, six letters or more, never introduced with a given
//!    name, and used at most `max-uses` times and under half as often.
//! 2. The other spelling is close: the same first letter, one edit apart (two for names of seven
//!    letters or more of the same length), and neither a prefix of the other ("Kenya", "Kenyan").
//!    Only the last word of a run of capitalized words counts, so a given name ("Jon" in "Jon
//!    Smith") is never compared.
//! 3. The other spelling is not introduced with a different given name (then it is another
//!    person), is not a common word (it never appears in lowercase in the story), is used no
//!    more often than the established one ("Toyota" beside "Akio Toyoda" is the company), comes
//!    after the full name (news names a person in full first), and is not in the rule's
//!    `exceptions`.
//!
//! A given name is a capitalized word before a surname that is never a word alone and never
//! appears in lowercase: "Dexia" in "Dexia Belgium" stands alone elsewhere, "Real" in "Real
//! Sociedad" is a common word, so neither introduces a surname.
//!
//! The established spelling is the one introduced first, or, when both are introduced with the
//! same given name, the one used more. Each use of the other spelling is flagged, with a label on
//! the established full name (or, established by majority, its first use).
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `exceptions` | list of words | spellings never compared (names that really are different) |
//! | `pairs` | list of pairs of words | two spellings that are different names (`["Johnson", "Johnston"]`) |
//! | `person-before`, `person-after` | lists of words | when given, a spelling not introduced with a given name is a person only after one of the first (`Mr`) or before one of the second (`said`) somewhere |
//! | `not-given` | list of words | capitalized words that are never given names, such as sentence openers (`Later`, `Then`) |
//! | `max-uses` | integer, default 2 | a spelling used more often is a name of its own, not a slip |
//! | `majority` | integer of 2 or more, optional | a spelling used this often is established without a given name (places, companies) |
//!
//! Names in direct quotations count (the reporter spelled them): this kind does not skip quotes
//! unless the rule says `skip-quotes = true`.
//!
//! Placeholders: `{match}` (the spelling flagged), `{spelling}` (the established one) and
//! `{first}` (the established name in full: given name and surname, or the spelling for a name
//! established by majority). Fix (unsafe), only when the established spelling is used more than
//! the other: write it.
//!
//! ```toml
//! message = "`{match}` here, but `{first}` earlier: one name spelled two ways?"
//! [names]
//! pairs = [["Johnson", "Johnston"]]
//! ```

use std::borrow::Cow;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::{Context, Hit, in_capitals};
use crate::diagnostic::{Applicability, Edit, Fix, Label};
use crate::hash::{Map as HashMap, Set as HashSet};
use crate::markup::Scope;
use crate::rule::Compiler;
use crate::toml_file::edit_distance;

/// The placeholders this kind fills in a message.
pub const PLACEHOLDERS: &[&str] = &["match", "spelling", "first"];

/// Longer words are no names: [`Names::close`] refuses them (two 20,000-letter words took
/// seconds to compare).
const MAX_NAME_BYTES: usize = 64;

/// The keys of the kind table, for hints when one is misplaced.
pub const KEYS: &[&str] =
    &["exceptions", "pairs", "person-before", "person-after", "not-given", "max-uses", "majority"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Spec {
    #[serde(default)]
    exceptions: Vec<Spanned<String>>,
    #[serde(default)]
    pairs: Vec<Spanned<Vec<String>>>,
    #[serde(default)]
    person_before: Vec<String>,
    #[serde(default)]
    person_after: Vec<String>,
    #[serde(default)]
    not_given: Vec<String>,
    max_uses: Option<usize>,
    majority: Option<Spanned<usize>>,
}

#[derive(Debug)]
pub struct Names {
    exceptions: HashSet<String>,
    pairs: HashSet<(String, String)>,
    person_before: HashSet<String>,
    person_after: HashSet<String>,
    not_given: HashSet<String>,
    max_uses: usize,
    majority: Option<usize>,
}

/// Validates the kind table, reporting every mistake with its span; `None` when there was one.
pub fn compile(spanned: &Spanned<Spec>, cx: &mut Compiler) -> Option<Names> {
    let spec = spanned.get_ref();
    let mut ok = true;
    let mut pairs = HashSet::default();
    for pair in &spec.pairs {
        match pair.get_ref().as_slice() {
            [a, b] => {
                pairs.insert((a.to_lowercase(), b.to_lowercase()));
                pairs.insert((b.to_lowercase(), a.to_lowercase()));
            }
            _ => {
                cx.error(pair.span(), "a pair has two spellings", "not two words");
                ok = false;
            }
        }
    }
    if let Some(majority) = spec.majority.as_ref().filter(|m| *m.get_ref() < 2) {
        cx.error(majority.span(), "a majority is at least 2 uses", "too few");
        ok = false;
    }
    let exceptions = spec.exceptions.iter().map(|e| e.get_ref().to_lowercase()).collect();
    let lower = |list: &[String]| list.iter().map(|w| w.to_lowercase()).collect();
    ok.then_some(Names {
        exceptions,
        pairs,
        person_before: lower(&spec.person_before),
        person_after: lower(&spec.person_after),
        not_given: lower(&spec.not_given),
        max_uses: spec.max_uses.unwrap_or(2),
        majority: spec.majority.as_ref().map(|m| *m.get_ref()),
    })
}

/// A capitalized word of the story.
struct Word {
    range: Range<usize>,
    /// Lowercased, without a possessive `'s`.
    key: String,
    /// The given name before it, when it ends a run of capitalized words.
    given: Option<String>,
    /// The whole run it ends ("Nikol Pashinyan"), when it has a given name.
    run: Option<Range<usize>>,
    /// Whether it is the last word of its run of capitalized words: a surname or a word alone,
    /// not a given name or a title ("Jon" in "Jon Smith").
    ends_run: bool,
    /// The words around it, for telling a person ("Mr Lefar", "Lefar said").
    before: Option<Range<usize>>,
    after: Option<Range<usize>>,
}

impl Names {
    /// Adds a hit for each finding in the document.
    pub fn check(&self, cx: &Context, hits: &mut Vec<Hit>) {
        // Most stories have no two capitalized words close enough to be one name misspelt: then
        // there is nothing to weigh.
        if !self.has_close_spellings(cx) {
            return;
        }
        let (mut words, common) = Self::words(cx);
        // A given name is never a word alone ("Dexia" in "Dexia Belgium" is a company), a common
        // word ("Real" in "Real Sociedad") or a title ("Mr"); a surname after anything else is no
        // surname.
        let alone: HashSet<String> =
            words.iter().filter(|w| w.ends_run && w.given.is_none()).map(|w| w.key.clone()).collect();
        for word in &mut words {
            let title = |g: &String| self.person_before.contains(g.trim_end_matches('.'));
            let not_given = |g: &String| title(g) || self.not_given.contains(g);
            if word.given.as_ref().is_some_and(|g| alone.contains(g) || common.contains(g) || not_given(g)) {
                word.given = None;
                word.run = None;
            }
        }
        // Each spelling's uses, in order, and the given names it is introduced with.
        let mut uses: HashMap<&str, Vec<usize>> = HashMap::default();
        for (i, word) in words.iter().enumerate().filter(|(_, w)| w.ends_run) {
            uses.entry(word.key.as_str()).or_default().push(i);
        }
        let introduced = |key: &str| -> Option<usize> {
            uses.get(key)?.iter().copied().find(|&i| words[i].given.is_some())
        };
        let givens = |key: &str| -> HashSet<&str> {
            uses.get(key)
                .map(|u| u.iter().filter_map(|&i| words[i].given.as_deref()).collect())
                .unwrap_or_default()
        };
        let mut surnames: Vec<&str> = uses.keys().copied().filter(|k| introduced(k).is_some()).collect();
        surnames.sort_by_cached_key(|k| introduced(k));
        // With `majority`, a spelling used that often and never with a given name is established
        // too: a place or an organisation.
        let mut frequent: Vec<&str> = match self.majority {
            Some(majority) => uses
                .iter()
                .filter(|(k, u)| u.len() >= majority && introduced(k).is_none() && !common.contains(**k))
                .map(|(k, _)| *k)
                .collect(),
            None => Vec::new(),
        };
        frequent.sort_by_cached_key(|k| uses[k][0]);
        let established = surnames.iter().map(|&k| (k, false)).chain(frequent.iter().map(|&k| (k, true)));
        // The spellings, in order of first use. Only spellings that could be close are compared:
        // those of the same initial, or, in a long document with many names, those that share a
        // deletion variant (two spellings one or two edits apart do), which keeps the work
        // linear where comparing every pair would not be.
        let mut spellings: Vec<(usize, &str)> = uses.iter().map(|(k, u)| (u[0], *k)).collect();
        spellings.sort_unstable();
        let spellings: Vec<&str> = spellings.into_iter().map(|(_, k)| k).collect();
        let established: Vec<(&str, bool)> = established.collect();
        let indexed = established.len().saturating_mul(spellings.len()) > 50_000;
        let mut variants: HashMap<u64, Vec<usize>> = HashMap::default();
        let mut by_initial: HashMap<char, Vec<usize>> = HashMap::default();
        for (i, spelling) in spellings.iter().enumerate() {
            if spelling.len() > MAX_NAME_BYTES {
                continue; // close to nothing, and its deletions would be many
            }
            if indexed {
                for variant in deletions(spelling) {
                    variants.entry(variant).or_default().push(i);
                }
            } else if let Some(c) = spelling.chars().next() {
                by_initial.entry(c).or_default().push(i);
            }
        }
        let mut flagged: HashSet<&str> = HashSet::default();
        for (name, by_majority) in established {
            if flagged.contains(name) {
                continue;
            }
            let alike: Vec<usize> = if name.len() > MAX_NAME_BYTES {
                Vec::new()
            } else if indexed {
                let mut alike: Vec<usize> =
                    deletions(name).iter().filter_map(|v| variants.get(v)).flatten().copied().collect();
                alike.sort_unstable();
                alike.dedup();
                alike
            } else {
                name.chars().next().and_then(|c| by_initial.get(&c)).cloned().unwrap_or_default()
            };
            for other in alike.into_iter().map(|i| spellings[i]) {
                if other == name
                    || flagged.contains(other)
                    || flagged.contains(name)
                    || !self.close(name, other, by_majority)
                    || common.contains(other)
                    || self.exceptions.contains(other)
                {
                    continue;
                }
                let found = if by_majority {
                    self.slip_of_majority(name, other, &uses, &givens(other))
                } else {
                    self.slip_of_surname(cx, name, other, &words, &uses, &givens, &introduced)
                };
                let Some((established, variant, first)) = found else { continue };
                flagged.insert(variant);
                let shown = if by_majority {
                    words[first].range.clone()
                } else {
                    words[first].run.clone().expect("introduced with a given name")
                };
                let full = key_of_written(&cx.quoted(&shown)).to_owned();
                let spelling = key_of_written(&cx.doc.text[words[first].range.clone()]).to_owned();
                let label = if by_majority {
                    format!("`{full}` here, and {} times in all", uses[established].len())
                } else {
                    format!("`{full}` here")
                };
                // Which spelling is right is only clear when one is used more.
                let fixable = uses[established].len() > uses[variant].len();
                for &i in &uses[variant] {
                    let word = &words[i];
                    let stem = key_of_written(&cx.doc.text[word.range.clone()]);
                    let stem_range = word.range.start..word.range.start + stem.len();
                    hits.push(Hit {
                        range: stem_range.clone(),
                        args: vec![
                            ("match", stem.to_owned()),
                            ("spelling", spelling.clone()),
                            ("first", full.clone()),
                        ],
                        labels: vec![Label { range: shown.clone(), message: label.clone() }],
                        fix: fixable.then(|| Fix {
                            title: format!("write `{spelling}`"),
                            edits: vec![Edit { range: stem_range, replacement: spelling.clone() }],
                            applicability: Applicability::Unsafe,
                        }),
                    });
                }
            }
        }
    }

    /// Whether `other` is a slip of the surname `surname`: (established, variant, the word that
    /// introduced the established one).
    #[allow(clippy::too_many_arguments, reason = "the evidence a surname check reads")]
    fn slip_of_surname<'a>(
        &self,
        cx: &Context,
        surname: &'a str,
        other: &'a str,
        words: &[Word],
        uses: &HashMap<&str, Vec<usize>>,
        givens: &dyn Fn(&str) -> HashSet<&'a str>,
        introduced: &dyn Fn(&str) -> Option<usize>,
    ) -> Option<(&'a str, &'a str, usize)> {
        if self.exceptions.contains(surname) {
            return None;
        }
        let (theirs, ours) = (givens(other), givens(surname));
        if !theirs.is_empty() && theirs.is_disjoint(&ours) {
            return None; // another person: "Jon Smith" and "Joan Smith"
        }
        // Both introduced with one given name: the spelling used more is the name.
        let (established, variant) = if !theirs.is_empty() && uses[other].len() > uses[surname].len() {
            (other, surname)
        } else {
            (surname, other)
        };
        // A slip is rare, and rarer than the name; a spelling used more is another name
        // ("Toyota" beside "Akio Toyoda").
        if uses[variant].len() > uses[established].len() || uses[variant].len() > self.max_uses {
            return None;
        }
        // The slip stands for a person somewhere: after a title or before "said".
        let lower = |r: &Option<Range<usize>>| {
            r.as_ref().map(|r| cx.doc.text[r.clone()].to_lowercase()).unwrap_or_default()
        };
        let person = |i: &usize| {
            self.person_before.contains(&lower(&words[*i].before))
                || self.person_after.contains(&lower(&words[*i].after))
        };
        let needs_person = !self.person_before.is_empty() || !self.person_after.is_empty();
        if needs_person && theirs.is_empty() && !uses[variant].iter().any(person) {
            return None;
        }
        let first = introduced(established)?;
        // News names a person in full before it shortens the name: a spelling used before the
        // full name is not a slip of it.
        (uses[variant][0] > first).then_some((established, variant, first))
    }

    /// Whether `other` is a slip of `name`, a spelling used at least `majority` times: it is never
    /// introduced as a person, and used at most `max-uses` times and under half as often.
    fn slip_of_majority<'a>(
        &self,
        name: &'a str,
        other: &'a str,
        uses: &HashMap<&str, Vec<usize>>,
        givens: &HashSet<&str>,
    ) -> Option<(&'a str, &'a str, usize)> {
        let (n, m) = (uses[name].len(), uses[other].len());
        (givens.is_empty() && m <= self.max_uses && 2 * m < n).then(|| (name, other, uses[name][0]))
    }

    /// Whether two spellings are close enough to be one name misspelt.
    /// `strict` (for names established by majority alone): one edit, and six letters or more.
    fn close(&self, a: &str, b: &str, strict: bool) -> bool {
        // No name is that long, and the edit distance of two such words would take quadratic time.
        if a.len() > MAX_NAME_BYTES || b.len() > MAX_NAME_BYTES {
            return false;
        }
        let (la, lb) = (a.chars().count(), b.chars().count());
        let shorter = la.min(lb);
        if shorter < if strict { 6 } else { 5 } || la.abs_diff(lb) > 2 || a.chars().next() != b.chars().next()
        {
            return false;
        }
        // Names have no digits (`A320s`).
        if a.starts_with(b) || b.starts_with(a) || a.contains(|c: char| c.is_ascii_digit()) {
            return false;
        }
        // Two edits only between long names of one length ("Pashinyan", "Pashinian"): otherwise
        // "Austria" would be "Australia". What the two share at either end is no edit.
        let limit = if shorter >= 7 && la == lb && !strict { 2 } else { 1 };
        // One edit leaves at most two characters between them (a transposition).
        let (a_rest, b_rest) = without_common_ends(a, b);
        let one_edit_apart = a_rest.chars().count().max(b_rest.chars().count()) <= 2;
        if (limit == 1 && !one_edit_apart) || edit_distance(a_rest, b_rest) > limit {
            return false;
        }
        if self.pairs.contains(&(a.to_owned(), b.to_owned())) {
            return false;
        }
        // A hyphen is a company's style, not a slip ("Wal-Mart" the company, "Walmart" its stores).
        if a.replace('-', "") == b.replace('-', "") {
            return false;
        }
        // Two words that differ only in the last letter are forms of one word (`Germans`,
        // `Germany`), unless one is a surname (`Pashinyan`, `Pashinyam`).
        let stem = |w: &str| w.chars().take(w.chars().count() - 1).collect::<String>();
        !(strict && stem(a) == stem(b))
    }

    /// Whether two of the story's capitalized words (as [`Names::words`] reads them) are
    /// [`Names::close`], the loosest way: without such a pair no spelling is a slip of another.
    fn has_close_spellings(&self, cx: &Context) -> bool {
        // The keys of the capitalized words long enough to be close to another (five letters),
        // lowercased into one buffer, with their length in characters and the set of ASCII
        // letters they hold.
        let mut buffer = String::new();
        let mut keys: Vec<(Range<usize>, usize, u32)> = Vec::new();
        for block in cx.blocks().filter(|b| b.scope != Scope::Heading) {
            for range in cx.seg.words_in(&block.range) {
                let text = &cx.doc.text[range.clone()];
                let first = text.as_bytes()[0];
                if first.is_ascii_lowercase()
                    || !(first.is_ascii_uppercase() || text.starts_with(char::is_uppercase))
                {
                    continue;
                }
                let written = key_of_written(text);
                if (written.is_ascii() && written.len() < 5) || in_capitals(written) || !cx.counts(range) {
                    continue;
                }
                let start = buffer.len();
                if written.is_ascii() {
                    buffer.extend(written.bytes().map(|b| char::from(b.to_ascii_lowercase())));
                } else {
                    buffer.push_str(&written.to_lowercase());
                }
                let length = if written.is_ascii() { written.len() } else { buffer[start..].chars().count() };
                // Too short or too long (as `Names::close` measures it) to be close to another.
                if length < 5 || buffer.len() - start > MAX_NAME_BYTES {
                    buffer.truncate(start);
                    continue;
                }
                // Which ASCII letters the key has: two spellings an edit or two apart differ in
                // two letters at most.
                let letters = buffer[start..]
                    .bytes()
                    .filter(u8::is_ascii_lowercase)
                    .fold(0u32, |set, b| set | 1 << (b - b'a'));
                keys.push((start..buffer.len(), length, letters));
            }
        }
        let key = |k: &(Range<usize>, usize, u32)| &buffer[k.0.clone()];
        keys.sort_unstable_by(|a, b| key(a).cmp(key(b)));
        keys.dedup_by(|a, b| key(a) == key(b));
        // Close spellings share their first letter, so they are neighbours in sorted order's
        // groups by that letter, and differ in length by two at most.
        let mut start = 0;
        while start < keys.len() {
            let first = key(&keys[start]).chars().next();
            let end = start + keys[start..].iter().take_while(|k| key(k).chars().next() == first).count();
            let group = &keys[start..end];
            for (i, (a, la, a_letters)) in group.iter().enumerate() {
                let a = &buffer[a.clone()];
                let close = |(b, lb, b_letters): &(Range<usize>, usize, u32)| {
                    let b = &buffer[b.clone()];
                    let letters_apart =
                        (a_letters & !b_letters).count_ones().max((b_letters & !a_letters).count_ones());
                    // Both ways: `close` is not symmetric (a name has no digits, its slip may).
                    la.abs_diff(*lb) <= 2
                        && letters_apart <= 2
                        && (self.close(a, b, false) || self.close(b, a, false))
                };
                if group[i + 1..].iter().any(close) {
                    return true;
                }
            }
            start = end;
        }
        false
    }

    /// The capitalized words of the blocks read (not headings), and the lowercase vocabulary.
    fn words<'a>(cx: &Context<'a>) -> (Vec<Word>, HashSet<String>) {
        let mut words: Vec<Word> = Vec::new();
        let mut lowercase: Vec<&'a str> = Vec::new();
        for block in cx.blocks().filter(|b| b.scope != Scope::Heading) {
            let mut previous: Option<(Range<usize>, bool)> = None; // last word, and whether capitalized
            let block_words = cx.seg.words_in(&block.range);
            for (j, range) in block_words.iter().enumerate() {
                let text = &cx.doc.text[range.clone()];
                // Most words start with a lowercase ASCII letter: vocabulary, quickly.
                if text.as_bytes()[0].is_ascii_lowercase() {
                    lowercase.push(text);
                    previous = Some((range.clone(), false));
                    continue;
                }
                let capitalized = text.starts_with(char::is_uppercase)
                    && !in_capitals(key_of_written(text))
                    && cx.counts(range);
                let joined = previous.as_ref().is_some_and(|(p, _)| {
                    let gap = &cx.doc.prose[p.end..range.start];
                    !gap.is_empty() && gap.chars().all(crate::markup::is_gap)
                });
                if !capitalized {
                    if text.starts_with(char::is_lowercase) {
                        lowercase.push(text);
                    }
                    previous = Some((range.clone(), false));
                    continue;
                }
                let after_capital = joined && previous.as_ref().is_some_and(|(_, cap)| *cap);
                let key = key_of(text);
                let given = after_capital.then(|| {
                    let p = &previous.as_ref().expect("joined to a previous word").0;
                    key_of(&cx.doc.text[p.clone()])
                });
                // The full name is the given name and the surname, without titles before them.
                let run = given.as_ref().and(previous.as_ref()).map(|(p, _)| p.start..range.end);
                let neighbour = |i: Option<usize>| i.and_then(|i| block_words.get(i)).cloned();
                let (before, after) = (neighbour(j.checked_sub(1)), neighbour(Some(j + 1)));
                words.push(Word { range: range.clone(), key, given, run, ends_run: true, before, after });
                previous = Some((range.clone(), true));
            }
        }
        for i in 1..words.len() {
            if words[i].given.is_some() {
                words[i - 1].ends_run = false;
            }
        }
        // A word is common when it also appears in lowercase; a spelling is compared only as a name.
        let keys: HashSet<&str> = words.iter().map(|w| w.key.as_str()).collect();
        // Most lowercase words share no first letter, last letter and length with a name: those
        // are not looked up. (Lowercasing an ASCII word that starts lowercase keeps its first
        // byte and its length, and lowercases its last.)
        let len_bit = |key: &str| 1u64 << key.len().min(63);
        let (mut by_first, mut by_last) = (vec![0u64; 256], vec![0u64; 256]);
        for key in keys.iter().filter(|k| !k.is_empty()) {
            let bytes = key.as_bytes();
            by_first[usize::from(bytes[0])] |= len_bit(key);
            by_last[usize::from(bytes[bytes.len() - 1])] |= len_bit(key);
        }
        let mut common: HashSet<String> = HashSet::default();
        for text in lowercase {
            let bytes = text.as_bytes();
            let last = usize::from(bytes[bytes.len() - 1].to_ascii_lowercase());
            let may_be_a_key =
                by_first[usize::from(bytes[0])] & len_bit(text) != 0 && by_last[last] & len_bit(text) != 0;
            if text.is_ascii() && !may_be_a_key {
                continue;
            }
            let lower = if text.chars().any(char::is_uppercase) {
                Cow::Owned(text.to_lowercase())
            } else {
                Cow::Borrowed(text)
            };
            if keys.contains(&*lower) {
                common.insert(lower.into_owned());
            }
        }
        (words, common)
    }
}

/// Two words without the characters they share at the start and at the end (which no edit
/// between them touches): "pashinyan", "pashinian" give "y", "i".
fn without_common_ends<'a, 'b>(a: &'a str, b: &'b str) -> (&'a str, &'b str) {
    let prefix: usize = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).map(|(x, _)| x.len_utf8()).sum();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix: usize =
        a.chars().rev().zip(b.chars().rev()).take_while(|(x, y)| x == y).map(|(x, _)| x.len_utf8()).sum();
    (&a[..a.len() - suffix], &b[..b.len() - suffix])
}

/// The word, and the word without any one character (and, seven characters or longer, without
/// any two), each as a hash of its characters: two spellings an edit or two apart share one.
/// Hashes, not strings, because a long document indexes tens of thousands of spellings this way;
/// two variants that only collide make a pair that [`Names::close`] then refuses.
fn deletions(word: &str) -> Vec<u64> {
    use std::hash::Hasher;
    let chars: Vec<char> = word.chars().collect();
    let without = |a: usize, b: usize| {
        let mut hasher = crate::hash::FxHasher::default();
        for (k, &c) in chars.iter().enumerate() {
            if k != a && k != b {
                hasher.write_u32(u32::from(c));
            }
        }
        hasher.finish()
    };
    let mut out = vec![without(usize::MAX, usize::MAX)];
    for i in 0..chars.len() {
        out.push(without(i, usize::MAX));
        if chars.len() >= 7 {
            for j in i + 1..chars.len() {
                out.push(without(i, j));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn key_of(word: &str) -> String {
    key_of_written(word).to_lowercase()
}

/// A word without a possessive `'s`.
fn key_of_written(mut word: &str) -> &str {
    while let Some(stem) = word.strip_suffix("'s") {
        word = stem;
    }
    while let Some(stem) = word.strip_suffix("’s") {
        word = stem;
    }
    word
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_spellings() {
        let names = Names {
            exceptions: HashSet::default(),
            pairs: HashSet::from_iter([("johnson".into(), "johnston".into())]),
            person_before: HashSet::default(),
            person_after: HashSet::default(),
            not_given: HashSet::default(),
            max_uses: 2,
            majority: None,
        };
        assert!(names.close("pashinyan", "pashinian", false));
        assert!(names.close("heinen", "heinan", false));
        assert!(names.close("lesar", "lefar", false));
        assert!(!names.close("austria", "australia", false), "two insertions");
        assert!(!names.close("iran", "iraq", false), "short");
        assert!(!names.close("kenya", "kenyan", false), "a prefix");
        assert!(!names.close("johnson", "johnston", false), "a listed pair");
        assert!(!names.close("lesar", "besar", false), "another first letter");
        assert!(!names.close("germans", "germany", true), "only the last letter differs");
        assert!(names.close("pashinyam", "pashinyan", false), "a surname's last letter");
        assert!(!names.close("a320s", "a330s", false), "digits");
        assert!(!names.close("wal-mart", "walmart", false), "a hyphen");
        assert!(names.close("kowalczyk", "kovalczyc", false), "two edits far apart");
        assert!(!names.close("kowalczyk", "kovalczycz", false), "two edits, another length");
        let long = "q".repeat(MAX_NAME_BYTES - 2);
        let (a, b) = (format!("p{long}a"), format!("p{long}b"));
        assert!(names.close(&a, &b, false), "as long as a name may be");
        let (a, b) = (format!("z{}a", "y".repeat(20_000)), format!("zq{}b", "y".repeat(19_999)));
        assert!(!names.close(&a, &b, false), "no name is 20,000 letters long");
        assert_eq!(without_common_ends("pashinyan", "pashinian"), ("y", "i"));
        assert_eq!(without_common_ends("lesar", "lesar"), ("", ""));
    }
}
