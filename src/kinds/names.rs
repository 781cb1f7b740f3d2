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

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::{Context, Hit, QUICK_CHECK_UNDER, in_capitals};
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

/// The most pairs of spellings the quick check compares: past them it answers that a pair may be
/// close, and [`Names::weigh`] (which finds close spellings through an index in a story of many
/// names) decides. A story's names make a few hundred pairs; a megabyte of names alike in their
/// first letter and length, made to be slow, would make billions.
const QUICK_PAIRS: usize = 50_000;

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
    /// Its index in the document's words.
    at: usize,
    /// Where its key (lowercased, without a possessive `'s`) is in [`Words::keys`].
    key: Range<usize>,
    /// Whether the word before it, the capitalized word before it in [`Words::list`], is its
    /// given name (then it ends a run of capitalized words).
    given: bool,
    /// Whether it is the last word of its run of capitalized words: a surname or a word alone,
    /// not a given name or a title ("Jon" in "Jon Smith").
    ends_run: bool,
    /// Whether it is the first or the last word of its block: no word around it tells a person
    /// ("Mr Lefar", "Lefar said").
    first_in_block: bool,
    last_in_block: bool,
}

/// The capitalized words of the story, and their keys, one after the other in one string (a
/// long story has hundreds of thousands).
struct Words {
    list: Vec<Word>,
    keys: String,
}

impl Words {
    fn key(&self, i: usize) -> &str {
        &self.keys[self.list[i].key.clone()]
    }

    /// The given name of the `i`th word, if it has one.
    fn given(&self, i: usize) -> Option<&str> {
        self.list[i].given.then(|| self.key(i - 1))
    }

    fn range(&self, cx: &Context, i: usize) -> Range<usize> {
        cx.seg.words[self.list[i].at].clone()
    }

    /// The whole run the `i`th word ends ("Nikol Pashinyan"), if it has a given name.
    fn run(&self, cx: &Context, i: usize) -> Option<Range<usize>> {
        let at = self.list[i].at;
        self.list[i].given.then(|| cx.seg.words[at - 1].start..cx.seg.words[at].end)
    }

    /// The words before and after the `i`th word in its block.
    fn around(&self, cx: &Context, i: usize) -> (Option<Range<usize>>, Option<Range<usize>>) {
        let word = &self.list[i];
        (
            (!word.first_in_block).then(|| cx.seg.words[word.at - 1].clone()),
            (!word.last_in_block).then(|| cx.seg.words[word.at + 1].clone()),
        )
    }
}

impl Names {
    /// Adds a hit for each finding in the document.
    pub fn check(&self, cx: &Context, hits: &mut Vec<Hit>) {
        // Most stories have no two capitalized words close enough to be one name misspelt, one
        // of which could be established and the other a slip: then there is nothing to weigh. A
        // long document nearly always has a pair: it is weighed without the quick check.
        if cx.doc.text.len() >= QUICK_CHECK_UNDER || self.has_close_spellings(cx) {
            self.weigh(cx, hits);
        }
    }

    /// Adds a hit for each finding, weighing the evidence for every pair of close spellings.
    fn weigh(&self, cx: &Context, hits: &mut Vec<Hit>) {
        let (mut words, common) = Self::words(cx);
        // A given name is never a word alone ("Dexia" in "Dexia Belgium" is a company), a common
        // word ("Real" in "Real Sociedad") or a title ("Mr"); a surname after anything else is no
        // surname.
        let alone: HashSet<&str> = (0..words.list.len())
            .filter(|&i| words.list[i].ends_run && !words.list[i].given)
            .map(|i| words.key(i))
            .collect();
        let title = |g: &str| self.person_before.contains(g.trim_end_matches('.'));
        let not_given = |g: &str| title(g) || self.not_given.contains(g);
        let dropped: Vec<usize> = (0..words.list.len())
            .filter(|&i| {
                words.given(i).is_some_and(|g| alone.contains(g) || common.contains(g) || not_given(g))
            })
            .collect();
        drop(alone);
        for i in dropped {
            words.list[i].given = false;
        }
        let words = &words;
        // Each spelling's uses, in order, and the given names it is introduced with.
        let mut uses: HashMap<&str, Vec<usize>> = HashMap::default();
        for i in (0..words.list.len()).filter(|&i| words.list[i].ends_run) {
            uses.entry(words.key(i)).or_default().push(i);
        }
        let introduced =
            |key: &str| -> Option<usize> { uses.get(key)?.iter().copied().find(|&i| words.list[i].given) };
        let givens = |key: &str| -> HashSet<&str> {
            uses.get(key).map(|u| u.iter().filter_map(|&i| words.given(i)).collect()).unwrap_or_default()
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
        // A slip is used at most `max-uses` times (see `slip_of_surname`, `slip_of_majority`), so
        // two spellings both used more are never a name and its slip: such pairs are not
        // compared, and a name used more looks only among the rare spellings.
        let rare = |key: &str| uses[key].len() <= self.max_uses;
        let is_rare: Vec<bool> = spellings.iter().map(|k| rare(k)).collect();
        // Each deletion variant's spellings, as a chain through `chain` from the last one added:
        // (spelling, the entry before it with the same variant, plus one); the rare spellings'
        // chains (`[1]`) apart from the others' (`[0]`).
        let mut heads: [HashMap<u64, u32>; 2] = Default::default();
        let mut chain: Vec<(u32, u32)> = Vec::new();
        let mut by_initial: HashMap<char, Vec<usize>> = HashMap::default();
        for (i, spelling) in spellings.iter().enumerate() {
            // Too long (its deletions would be many) or too short to be close to anything, or
            // never compared.
            if spelling.len() > MAX_NAME_BYTES
                || spelling.chars().count() < 5
                || common.contains(*spelling)
                || self.exceptions.contains(*spelling)
            {
                continue;
            }
            if indexed {
                let heads = &mut heads[usize::from(is_rare[i])];
                for variant in deletions(spelling) {
                    let (Ok(entry), Ok(i)) = (u32::try_from(chain.len() + 1), u32::try_from(i)) else {
                        break;
                    };
                    let before = heads.insert(variant, entry).unwrap_or(0);
                    chain.push((i, before));
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
            let name_rare = rare(name);
            let alike: Vec<usize> = if name.len() > MAX_NAME_BYTES {
                Vec::new()
            } else if indexed {
                let mut alike: Vec<usize> = Vec::new();
                let searched = if name_rare { &heads[..] } else { &heads[1..] };
                for variant in deletions(name) {
                    for heads in searched {
                        let mut entry = heads.get(&variant).copied().unwrap_or(0);
                        while let Some(&(i, before)) =
                            entry.checked_sub(1).and_then(|e| chain.get(e as usize))
                        {
                            alike.push(i as usize);
                            entry = before;
                        }
                    }
                }
                alike.sort_unstable();
                alike.dedup();
                alike
            } else {
                name.chars().next().and_then(|c| by_initial.get(&c)).cloned().unwrap_or_default()
            };
            for other in alike.into_iter().filter(|&i| name_rare || is_rare[i]).map(|i| spellings[i]) {
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
                    self.slip_of_surname(cx, name, other, words, &uses, &givens, &introduced)
                };
                let Some((established, variant, first)) = found else { continue };
                flagged.insert(variant);
                let shown = if by_majority {
                    words.range(cx, first)
                } else {
                    words.run(cx, first).expect("introduced with a given name")
                };
                let full = key_of_written(&cx.quoted(&shown)).to_owned();
                let spelling = key_of_written(&cx.doc.text[words.range(cx, first)]).to_owned();
                let label = if by_majority {
                    format!("`{full}` here, and {} times in all", uses[established].len())
                } else {
                    format!("`{full}` here")
                };
                // Which spelling is right is only clear when one is used more.
                let fixable = uses[established].len() > uses[variant].len();
                for &i in &uses[variant] {
                    let range = words.range(cx, i);
                    let stem = key_of_written(&cx.doc.text[range.clone()]);
                    let stem_range = range.start..range.start + stem.len();
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
        words: &Words,
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
            let (before, after) = words.around(cx, *i);
            self.person_before.contains(&lower(&before)) || self.person_after.contains(&lower(&after))
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

    /// Whether two spellings of the story (as [`Names::words`] reads them, before their given
    /// names are weighed) are [`Names::close`] the loosest way, one of which could be established
    /// (introduced after a capitalized word, or used `majority` times) and the other a slip (used
    /// at most `max-uses` times): without such a pair, [`Names::weigh`] finds nothing.
    fn has_close_spellings(&self, cx: &Context) -> bool {
        /// A use of a spelling long enough to be close to another (five letters).
        struct Use {
            /// Where its key is, lowercased, in `buffer`.
            key: Range<usize>,
            first: char,
            /// Its length in characters.
            length: usize,
            /// Which ASCII letters it has: two spellings an edit or two apart differ in two
            /// letters at most.
            letters: u32,
            /// Whether it follows a capitalized word (which may be its given name).
            after_capital: bool,
            /// Its first letter, length and the hash of its key, as one number to sort by.
            order: u64,
        }
        // Room for a use of each word that may be capitalized, made once.
        let mut buffer = String::with_capacity(8 * cx.seg.openers.len());
        let mut found: Vec<Use> = Vec::with_capacity(cx.seg.openers.len());
        // Adds a use of a capitalized word, if it is long enough (as `Names::close` measures it)
        // to be close to another, and returns its index. The use of the word before it, if that
        // may be its given name, is not the last of its run of capitalized words
        // ([`Word::ends_run`]): a given name or a title, never compared, so it is taken back (it
        // is the last use added).
        let mut add = |written: &str, after_capital: bool, before: Option<usize>| -> Option<usize> {
            if let (true, Some(i)) = (after_capital, before) {
                debug_assert_eq!(i + 1, found.len(), "the word before is the last use");
                buffer.truncate(found[i].key.start);
                found.truncate(i);
            }
            // Lowercasing gives a word no more characters than it has bytes: one of fewer than
            // five bytes is too short, whatever it is.
            if written.len() < 5 {
                return None;
            }
            // Without a branch per byte: a byte that is no letter once lowercased sets no bit
            // (`b | 0x20` lowercases an ASCII letter, and leaves every other byte no letter).
            let letter_bits = |bytes: &[u8]| {
                bytes.iter().fold(0u32, |set, &b| {
                    let lower = b | 0x20;
                    set | u32::from(lower.is_ascii_lowercase()) << (lower.wrapping_sub(b'a') & 31)
                })
            };
            let ascii = written.is_ascii();
            let start = buffer.len();
            // Read in the same pass as the bytes are copied: the letters of an ASCII word are
            // those of its lowercase.
            let letters = if ascii {
                buffer.push_str(written);
                buffer[start..].make_ascii_lowercase();
                letter_bits(written.as_bytes())
            } else {
                buffer.push_str(&written.to_lowercase());
                letter_bits(&buffer.as_bytes()[start..])
            };
            let length = if ascii { written.len() } else { buffer[start..].chars().count() };
            if length < 5 || buffer.len() - start > MAX_NAME_BYTES {
                buffer.truncate(start);
                return None;
            }
            let key = &buffer[start..];
            let first = if ascii { char::from(key.as_bytes()[0]) } else { key.chars().next()? };
            let hash = crate::hash::short_hash(key.as_bytes()) >> 36;
            let order = u64::from(u32::from(first)) << 43 | (length.min(127) as u64) << 36 | hash;
            found.push(Use { key: start..buffer.len(), first, length, letters, after_capital, order });
            Some(found.len() - 1)
        };
        // Only the words that begin with a capital, a digit or a letter outside ASCII (the
        // openers) may be capitalized: the others (most words) are not read.
        let (mut opener, mut quote) = (0, 0);
        for block in cx.blocks().filter(|b| b.scope != Scope::Heading) {
            let indices = cx.seg.word_indices(&block.range);
            // The last word read (its index, end and whether capitalized) and its use if it has
            // one: a word not read is not capitalized.
            let mut previous: Option<(usize, usize, bool, Option<usize>)> = None;
            let mut from = indices.start;
            while let Some(at) = cx.seg.next_opener(&mut opener, from).filter(|&w| w < indices.end) {
                from = at + 1;
                let range = &cx.seg.words[at];
                let text = &cx.doc.text[range.clone()];
                let bytes = text.as_bytes();
                // Both possessives end in `s`, which most words do not.
                let written = if bytes[bytes.len() - 1] == b's' { key_of_written(text) } else { text };
                let first = bytes[0];
                // An opener is a digit, a capital or a letter outside ASCII; a capital followed
                // by a lowercase ASCII letter (most) is in no word in capitals.
                let capital = if first.is_ascii_uppercase() {
                    bytes.get(1).is_some_and(u8::is_ascii_lowercase) || !in_capitals(written)
                } else {
                    !first.is_ascii() && text.starts_with(char::is_uppercase) && !in_capitals(written)
                };
                let capitalized = capital && cx.counts_from(&mut quote, range);
                let before = previous.replace((at, range.end, capitalized, None)).filter(|b| b.0 + 1 == at);
                if !capitalized {
                    continue;
                }
                let after_capital = before.is_some_and(|(_, end, capitalized, _)| {
                    let gap = &cx.doc.prose[end..range.start];
                    capitalized && !gap.is_empty() && gap.chars().all(crate::markup::is_gap)
                });
                previous = Some((at, range.end, true, add(written, after_capital, before.and_then(|b| b.3))));
            }
        }
        // Two spellings are needed for a pair.
        if found.len() < 2 {
            return false;
        }
        // The spellings: uses of one key together, by first letter and then length.
        let key = |u: &Use| &buffer[u.key.clone()];
        struct Spelling {
            at: usize,
            uses: usize,
            introduced: bool,
        }
        let mut spellings: Vec<Spelling> = Vec::with_capacity(found.len());
        // Sorted as numbers, each use's order with its index in place of the order's lowest
        // bits (a story under `QUICK_CHECK_UNDER` has fewer uses than those bits count).
        const INDEX_BITS: u32 = 20;
        if found.len() >= 1 << INDEX_BITS {
            return true;
        }
        let index = |x: u64| (x & ((1 << INDEX_BITS) - 1)) as usize;
        let mut sorted: Vec<u64> =
            found.iter().zip(0..).map(|(u, i)| u.order >> INDEX_BITS << INDEX_BITS | i).collect();
        for range in groups(&mut sorted, |&x| x >> INDEX_BITS, |&x| key(&found[index(x)])) {
            let uses = &sorted[range.clone()];
            let introduced = uses.iter().any(|&x| found[index(x)].after_capital);
            spellings.push(Spelling { at: index(uses[0]), uses: uses.len(), introduced });
        }
        let established = |s: &Spelling| s.introduced || self.majority.is_some_and(|m| s.uses >= m);
        // A key also written as a lowercase word is a common word, never flagged.
        let lowercase = Lowercase::new(cx, 4);
        let common = |key: &str| lowercase.has(key);
        // Whether [`Names::weigh`] may flag `x` or `y` as a slip of the other, when it compares
        // `y` with the established `x`: `y` is close to it, no exception and no common word, and
        // the slip (`y`, or `x` when both are introduced and `y` used more) is used rarely.
        let weighed = |x: &Spelling, kx: &str, y: &Spelling, ky: &str| {
            established(x)
                && (y.uses <= self.max_uses || (established(y) && x.uses <= self.max_uses))
                && self.close(kx, ky, false)
                && !self.exceptions.contains(ky)
                && !common(ky)
        };
        let mut compared = 0;
        for (i, a) in spellings.iter().enumerate() {
            let ua = &found[a.at];
            for b in &spellings[i + 1..] {
                let ub = &found[b.at];
                if ub.first != ua.first || ub.length > ua.length + 2 {
                    break;
                }
                compared += 1;
                if compared > QUICK_PAIRS {
                    return true;
                }
                let letters_apart =
                    (ua.letters & !ub.letters).count_ones().max((ub.letters & !ua.letters).count_ones());
                let (ka, kb) = (key(ua), key(ub));
                // Both ways: `close` is not symmetric (a name has no digits, its slip may).
                if letters_apart <= 2 && (weighed(a, ka, b, kb) || weighed(b, kb, a, ka)) {
                    return true;
                }
            }
        }
        false
    }

    /// The capitalized words of the blocks read (not headings), and the lowercase vocabulary.
    fn words(cx: &Context) -> (Words, HashSet<String>) {
        let mut words = Words { list: Vec::new(), keys: String::new() };
        for block in cx.blocks().filter(|b| b.scope != Scope::Heading) {
            let indices = cx.seg.word_indices(&block.range);
            let mut previous: Option<(usize, bool)> = None; // the last word's end, and whether capitalized
            for at in indices.clone() {
                let range = &cx.seg.words[at];
                let text = &cx.doc.text[range.clone()];
                // Most words start with a lowercase ASCII letter: vocabulary, read below.
                if text.as_bytes()[0].is_ascii_lowercase() {
                    previous = Some((range.end, false));
                    continue;
                }
                let capitalized = text.starts_with(char::is_uppercase)
                    && !in_capitals(key_of_written(text))
                    && cx.counts(range);
                let joined = previous.is_some_and(|(end, _)| {
                    let gap = &cx.doc.prose[end..range.start];
                    !gap.is_empty() && gap.chars().all(crate::markup::is_gap)
                });
                if !capitalized {
                    previous = Some((range.end, false));
                    continue;
                }
                let given = joined && previous.is_some_and(|(_, capitalized)| capitalized);
                let start = words.keys.len();
                let written = key_of_written(text);
                if written.is_ascii() {
                    words.keys.push_str(written);
                    words.keys[start..].make_ascii_lowercase();
                } else {
                    words.keys.push_str(&written.to_lowercase());
                }
                if given {
                    // The given name is the capitalized word before, which ends no run.
                    if let Some(last) = words.list.last_mut() {
                        last.ends_run = false;
                    }
                }
                words.list.push(Word {
                    at,
                    key: start..words.keys.len(),
                    given,
                    ends_run: true,
                    first_in_block: at == indices.start,
                    last_in_block: at + 1 == indices.end,
                });
                previous = Some((range.end, true));
            }
        }
        // A word is common when it also appears in lowercase; a spelling is compared only as a name.
        // The distinct keys by their hash (two keys seldom share one), and whether each appears in
        // lowercase.
        let mut distinct: Vec<(&str, bool)> = Vec::new();
        let mut by_hash: HashMap<u64, Vec<u32>> = HashMap::default();
        for i in 0..words.list.len() {
            let key = words.key(i);
            let same = by_hash.entry(crate::hash::short_hash(key.as_bytes())).or_default();
            if !same.iter().any(|&k| distinct[k as usize].0 == key) {
                let Ok(k) = u32::try_from(distinct.len()) else { break };
                same.push(k);
                distinct.push((key, false));
            }
        }
        // Most lowercase words are no key: a filter of two bits per key, by its hash, passes over
        // them without a lookup (a long story has tens of thousands of keys, and millions of
        // lowercase words). It has 16 bits for each key, so that it stays sparse.
        let size = (distinct.len() * 16).next_power_of_two().max(4_096).trailing_zeros();
        let mut filter = vec![0u64; 1 << (size - 6)];
        let bits = |hash: u64| [(hash >> (64 - size)) as usize, (hash & ((1 << size) - 1)) as usize];
        for &hash in by_hash.keys() {
            for bit in bits(hash) {
                filter[bit / 64] |= 1 << (bit % 64);
            }
        }
        // Hashes whose keys are all known to appear in lowercase: the commonest words ("the",
        // also "The" at the start of a sentence) are not looked up again.
        let mut done: Vec<Option<u64>> = vec![None; 1_024];
        // The lowercase words, read again rather than kept: a long story has millions.
        let lowercase = cx
            .blocks()
            .filter(|b| b.scope != Scope::Heading)
            .flat_map(|b| cx.seg.word_indices(&b.range))
            .filter(|&at| {
                let text = &cx.doc.text[cx.seg.words[at].clone()];
                text.as_bytes()[0].is_ascii_lowercase() || text.starts_with(char::is_lowercase)
            });
        for at in lowercase {
            let range = cx.seg.words[at].clone();
            let text = &cx.doc.text[range.clone()];
            // An ASCII word is its key's lowercase when they are alike but for case (a key is
            // lowercase already); another is lowercased.
            let (hash, lower) = match crate::hash::short_hash_lowercase(cx.doc.text.as_bytes(), range) {
                Some(hash) => (hash, None),
                None if text.is_ascii() => {
                    (crate::hash::short_hash(text.to_ascii_lowercase().as_bytes()), None)
                }
                None => {
                    let lower = if text.chars().any(char::is_uppercase) {
                        text.to_lowercase()
                    } else {
                        text.to_owned()
                    };
                    (crate::hash::short_hash(lower.as_bytes()), Some(lower))
                }
            };
            if bits(hash).iter().any(|&bit| filter[bit / 64] & 1 << (bit % 64) == 0)
                || done[hash as usize % done.len()] == Some(hash)
            {
                continue;
            }
            let Some(same) = by_hash.get(&hash) else { continue };
            for &k in same {
                let (key, common) = &mut distinct[k as usize];
                if lower.as_deref().map_or_else(|| key.eq_ignore_ascii_case(text), |lower| lower == *key) {
                    *common = true;
                }
            }
            if same.iter().all(|&k| distinct[k as usize].1) {
                let slot = hash as usize % done.len();
                done[slot] = Some(hash);
            }
        }
        let common =
            distinct.into_iter().filter(|(_, common)| *common).map(|(key, _)| key.to_owned()).collect();
        (words, common)
    }
}

/// Whether keys are also written as lowercase ASCII words in the blocks a names rule reads (not
/// headings): common words, which [`Names::weigh`] never flags ([`Names::words`] finds these and
/// more). The first `scans` keys asked of are looked for word by word (a story has a close pair
/// or two); past that, the words are put in a set once, so that a story of many close pairs
/// costs linear time.
struct Lowercase<'c, 'a> {
    cx: &'c Context<'a>,
    scans: usize,
    asked: std::cell::Cell<usize>,
    set: std::cell::OnceCell<Vocabulary<'c>>,
}

/// The lowercase words without a capital, and the others lowercased.
type Vocabulary<'c> = (HashSet<&'c [u8]>, HashSet<Vec<u8>>);

impl<'c, 'a> Lowercase<'c, 'a> {
    fn new(cx: &'c Context<'a>, scans: usize) -> Self {
        Lowercase { cx, scans, asked: std::cell::Cell::new(0), set: std::cell::OnceCell::new() }
    }

    /// The words that begin with a lowercase ASCII letter.
    fn words(&self) -> impl Iterator<Item = &'c [u8]> + use<'c, 'a> {
        let cx = self.cx;
        cx.blocks()
            .filter(|b| b.scope != Scope::Heading)
            .flat_map(move |b| cx.seg.words_in(&b.range))
            .map(move |w| &cx.doc.text.as_bytes()[w.clone()])
            .filter(|text| text[0].is_ascii_lowercase())
    }

    /// Whether `key`, a lowercase key, is also written as a lowercase ASCII word.
    fn has(&self, key: &str) -> bool {
        if !key.is_ascii() {
            return false;
        }
        self.asked.set(self.asked.get() + 1);
        if self.asked.get() <= self.scans {
            return self.words().any(|text| text.eq_ignore_ascii_case(key.as_bytes()));
        }
        let (plain, capitals) = self.set.get_or_init(|| {
            let (mut plain, mut capitals) = (HashSet::default(), HashSet::default());
            for text in self.words() {
                if text.iter().any(u8::is_ascii_uppercase) {
                    capitals.insert(text.to_ascii_lowercase());
                } else {
                    plain.insert(text);
                }
            }
            (plain, capitals)
        });
        plain.contains(key.as_bytes()) || capitals.contains(key.as_bytes())
    }
}

/// Sorts `items` into groups of one key, in the order of their numbers (equal keys have equal
/// numbers) and then their keys, and returns the groups' ranges: sorted by number alone, and
/// by key too only in a run of one number with two keys, which a number made from a hash seldom
/// has.
fn groups<'k, T>(
    items: &mut [T],
    number: impl Fn(&T) -> u64,
    key: impl Fn(&T) -> &'k str,
) -> Vec<Range<usize>> {
    items.sort_unstable_by_key(&number);
    // Room for a group of each item, made once.
    let mut out = Vec::with_capacity(items.len());
    let mut i = 0;
    while i < items.len() {
        let mut end = i + items[i..].iter().take_while(|u| number(u) == number(&items[i])).count();
        if items[i + 1..end].iter().any(|u| key(u) != key(&items[i])) {
            items[i..end].sort_unstable_by(|a, b| key(a).cmp(key(b)));
            end = i + items[i..end].iter().take_while(|u| key(u) == key(&items[i])).count();
        }
        out.push(i..end);
        i = end;
    }
    out
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

    /// Groups made by number, and by key only where two keys share one, are those of a sort by
    /// number and key: here many keys share a number.
    #[test]
    fn groups_are_those_of_a_sort_by_number_and_key() {
        let mut random = crate::hash::Random::new(0x5851_f42d_4c95_7f2d);
        let keys = ["a", "b", "c", "ab", "ba", "abc", "cb"];
        // A key has one number, as a key's hash gives it; two keys may have the same.
        let number = |key: &str| (key.len() as u64 + u64::from(key.as_bytes()[0])) % 3;
        for _ in 0..2_000 {
            let mut items: Vec<(u64, &str)> = (0..random.below(30))
                .map(|_| keys[random.below(keys.len())])
                .map(|key| (number(key), key))
                .collect();
            let mut sorted = items.clone();
            sorted.sort();
            let mut expected: Vec<((u64, &str), usize)> = Vec::new();
            for item in sorted {
                match expected.last_mut() {
                    Some((first, n)) if *first == item => *n += 1,
                    _ => expected.push((item, 1)),
                }
            }
            let ranges = groups(&mut items, |i| i.0, |i| i.1);
            for range in &ranges {
                assert!(items[range.clone()].iter().all(|i| *i == items[range.start]), "one key a group");
            }
            let found: Vec<((u64, &str), usize)> = ranges.iter().map(|r| (items[r.start], r.len())).collect();
            assert_eq!(found, expected);
        }
    }

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

    /// The quick check before the evidence is weighed never hides a finding: on random stories
    /// of names, misspellings, titles and common words, weighing every story finds what checking
    /// does.
    #[test]
    fn the_quick_check_hides_no_finding() {
        use crate::source::Format;
        let set = crate::kinds::builtin();
        let rule = set.rule("News.NameSpelling").expect("the rule");
        let crate::kinds::Kind::Names(builtin) = &rule.kind else { panic!("a names rule") };
        let loose = Names {
            exceptions: HashSet::default(),
            pairs: HashSet::default(),
            person_before: HashSet::default(),
            person_after: HashSet::default(),
            not_given: HashSet::default(),
            max_uses: 1,
            majority: None,
        };
        // Names in full, used often; slips of them, used seldom; other words.
        let names = [
            "Nikol Pashinyan",
            "Jon Lesar",
            "Akio Toyoda",
            "Mr Heinen",
            "Joan Kowalczyk",
            "Chrysler",
            "Austria",
            "Zürich",
            "Later Lesar",
            "Pashinyan",
        ];
        let slips = [
            "Pashinian",
            "Pashinyam",
            "Lefar",
            "Toyota",
            "Heinan",
            "Kovalczyc",
            "Chrsyler",
            "Australia",
            "Zurich",
            "Joan Lesar",
            "A320s",
        ];
        // Among them slips written in lowercase too, which makes them common words (`lEfar`
        // as well).
        let others = [
            "said",
            "the",
            "and",
            "chrysler",
            "met",
            "in",
            "lesar",
            "Mr",
            "Later",
            "Jon",
            "Austria",
            "lefar",
            "pashinian",
            "lEfar",
            "heinan's",
        ];
        let gaps = [" ", " ", " ", " ", ", ", ". ", "\n\n", " \"", "\" ", "'s "];
        let mut random = crate::hash::Random::new(0x9e37_79b9_7f4a_7c15);
        let mut next = |n: usize| random.below(n);
        let (mut found, mut passed) = (0, 0);
        for round in 0..4_000 {
            let mut text = String::new();
            for _ in 0..next(50) {
                text.push_str(match next(10) {
                    0 => slips[next(slips.len())],
                    1..=4 => names[next(names.len())],
                    _ => others[next(others.len())],
                });
                text.push_str(gaps[next(gaps.len())]);
            }
            let parsed = crate::kinds::Parsed::new(
                &set,
                &text,
                if round % 2 == 0 { Format::Markdown } else { Format::Text },
            );
            for (k, names) in [builtin, &loose].into_iter().enumerate() {
                let cx = parsed.context(rule.scope, round % 3 == 0);
                let (mut checked, mut weighed) = (Vec::new(), Vec::new());
                names.check(&cx, &mut checked);
                names.weigh(&cx, &mut weighed);
                assert_eq!(format!("{checked:?}"), format!("{weighed:?}"), "rule {k} on {text:?}");
                found += checked.len();
                passed += usize::from(names.has_close_spellings(&cx));
            }
        }
        assert!(found > 300, "the stories have slips: {found} findings");
        assert!(passed < 4_000, "the quick check passes over most stories: {passed} of 8,000 weighed");
    }

    /// Past [`QUICK_PAIRS`] pairs the quick check says a pair may be close, and the slip that
    /// sorts after them is still found: here hundreds of names of one initial and length (every
    /// pair of them compared) come before a slip of a name of a later initial.
    #[test]
    fn a_story_of_too_many_pairs_is_weighed() {
        use crate::source::Format;
        let set = crate::kinds::builtin();
        let rule = set.rule("News.NameSpelling").expect("the rule");
        let crate::kinds::Kind::Names(names) = &rule.kind else { panic!("a names rule") };
        let mut text = String::from("Prime Minister Nikol Tashinyan spoke. ");
        for i in 0..400u32 {
            let letters: String = (0..5).map(|k| char::from(b'a' + (i / 26u32.pow(k) % 26) as u8)).collect();
            text.push_str(&format!("It said S{letters} rose. "));
        }
        text.push_str("Tashinian said no.");
        let parsed = crate::kinds::Parsed::new(&set, &text, Format::Text);
        let cx = parsed.context(rule.scope, false);
        assert!(names.has_close_spellings(&cx));
        let mut hits = Vec::new();
        names.check(&cx, &mut hits);
        let flagged: Vec<&str> = hits.iter().map(|h| &text[h.range.clone()]).collect();
        assert_eq!(flagged, vec!["Tashinian"]);
    }

    /// In a story of many names (looked up through the deletion index), a name used more often
    /// than a slip can be is compared only with the rare spellings, and a rare name with all: a
    /// slip is found among hundreds of names each used three times.
    #[test]
    fn a_slip_is_found_among_many_names_used_often() {
        use crate::source::Format;
        let set = crate::kinds::builtin();
        let rule = set.rule("News.NameSpelling").expect("the rule");
        let mut text = String::from("Prime Minister Nikol Tashinyan spoke. Tashinyan said. Tashinyan left. ");
        for i in 0..300u32 {
            let letters: String = (0..4).map(|k| char::from(b'a' + (i / 26u32.pow(k) % 26) as u8)).collect();
            text.push_str(&format!(
                "Governor John S{letters}son spoke. S{letters}son said. S{letters}son left. "
            ));
        }
        text.push_str("Tashinian said no.");
        let found = set.check(&text, Format::Text);
        let flagged: Vec<&str> =
            found.iter().filter(|d| d.rule == rule.id).map(|d| &text[d.range.clone()]).collect();
        assert_eq!(flagged, vec!["Tashinian"]);
    }

    /// The lowercase words asked of word by word are those asked of in a set.
    #[test]
    fn lowercase_words_are_found_word_by_word_as_in_a_set() {
        use crate::source::Format;
        let set = crate::kinds::builtin();
        let rule = set.rule("News.NameSpelling").expect("the rule");
        let words = ["lefar", "Lefar", "lEfar", "LEFAR", "said", "Said", "zürich", "heinan's", "x", "the"];
        let keys = ["lefar", "said", "the", "zürich", "heinan", "heinan's", "x", "lesar", ""];
        let mut random = crate::hash::Random::new(0x1234_5678);
        let mut agreed = (0, 0);
        for round in 0..500 {
            let mut text = if round % 4 == 0 { "# lefar said\n\n".to_owned() } else { String::new() };
            for _ in 0..random.below(20) {
                text.push_str(words[random.below(words.len())]);
                text.push_str([" ", ", ", ".\n\n"][random.below(3)]);
            }
            let parsed = crate::kinds::Parsed::new(&set, &text, Format::Markdown);
            let cx = parsed.context(rule.scope, false);
            let (scanned, looked_up) = (Lowercase::new(&cx, usize::MAX), Lowercase::new(&cx, 0));
            for key in keys.iter().filter(|k| !k.is_empty()) {
                let has = scanned.has(key);
                assert_eq!(has, looked_up.has(key), "{key} in {text:?}");
                if has { agreed.0 += 1 } else { agreed.1 += 1 }
            }
        }
        assert!(agreed.0 > 300 && agreed.1 > 300, "both answers are given: {agreed:?}");
    }

    /// The common words (keys that also appear in lowercase) found through hashes and a filter
    /// are those a plain lookup of every lowercase word finds.
    #[test]
    fn common_words_are_found_as_by_looking_up_every_word() {
        use crate::source::Format;
        let set = crate::kinds::builtin();
        let rule = set.rule("News.NameSpelling").expect("the rule");
        let words = [
            "The",
            "the",
            "Real",
            "real",
            "REAL",
            "rEal",
            "Zürich",
            "zürich",
            "Über",
            "über",
            "\u{212A}ing",
            "king",
            "King",
            "\u{1C5}ungla",
            "\u{1C6}ungla",
            "Dž",
            "İstanbul",
            "i̇stanbul",
            "Group's",
            "group's",
            "group",
            "averyveryverylongword",
            "Averyveryverylongword",
            "AVERYVERYVERYLONGWORD",
            // Two keys with one quick hash (one length, the same first and last eight letters).
            "Abcdefghxxxxijklmnop",
            "Abcdefghyyyyijklmnop",
            "abcdefghyyyyijklmnop",
            "a",
            "A",
            "x",
        ];
        let mut random = crate::hash::Random::new(0x1234_5678_9abc_def1);
        let mut next = |n: usize| random.below(n);
        let mut compared = 0;
        for _ in 0..2_000 {
            let text: Vec<&str> = (0..next(40)).map(|_| words[next(words.len())]).collect();
            let text = text.join(if next(2) == 0 { " " } else { ". " });
            let parsed = crate::kinds::Parsed::new(&set, &text, Format::Text);
            let cx = parsed.context(rule.scope, false);
            let (found, common) = Names::words(&cx);
            let keys: HashSet<&str> = (0..found.list.len()).map(|i| found.key(i)).collect();
            let mut expected: HashSet<String> = HashSet::default();
            for range in cx.seg.words.iter() {
                let text = &cx.doc.text[range.clone()];
                if !text.starts_with(char::is_lowercase) {
                    continue;
                }
                let lower =
                    if text.chars().any(char::is_uppercase) { text.to_lowercase() } else { text.to_owned() };
                if keys.contains(lower.as_str()) {
                    expected.insert(lower);
                }
            }
            assert_eq!(common, expected, "{text:?}");
            compared += common.len();
        }
        assert!(compared > 1_000, "{compared}");
    }
}
