//! Lists of regular expressions from rule files, compiled into one regex and matched either as
//! whole words (`tokens`, as in Vale) or as written (`raw`).
//!
//! Whole-word matching puts a word boundary only on the sides of a token that begin or end with an
//! ASCII word character, so `U.S.` and `$1 billion` match as written (Vale puts `\b` on both
//! sides and misses them). The boundary in the regex is ASCII, which keeps the fast DFA on text
//! with curly quotes; every match is then checked against the characters around it, so "rich" in
//! "Zürich" is dropped and `café` matches as a word. A space in a pattern matches any run of
//! whitespace, line breaks included, so phrases match in hard-wrapped copy.
//!
//! Each pattern is wrapped in a capture group of the one regex, so a match says which pattern
//! made it, with that pattern's own groups; nothing is matched twice. Each pattern is validated on
//! its own with regex-syntax first, so an error carries the byte range of the mistake inside that
//! pattern, which the caller maps onto the rule file.

use std::ops::Range;

use regex_automata::meta::Regex;
use regex_automata::util::captures::Captures;
use regex_automata::{Input, MatchKind};
use regex_syntax::ast::{self, Ast};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Class, HirKind, Look, LookSet};
use toml::Spanned;

use crate::rule::Compiler;
use crate::toml_file::Problem;

/// Upper bound on the compiled size of one rule's regex (the regex crate's default is 10 MiB).
const SIZE_LIMIT: usize = 8 << 20;

#[derive(Debug)]
struct Item {
    /// Index of the user's pattern this came from (a top-level alternation may be split).
    origin: usize,
    /// Index of the capture group that wraps this pattern in the combined regex.
    group: usize,
}

/// A compiled list of patterns.
#[derive(Debug)]
pub struct Patterns {
    regex: Box<LazyRegex>,
    items: Vec<Item>,
    words: bool,
    /// Whether a pattern asserts more than a word boundary (`^`, `$`, `\B`), so that a match in
    /// a part of a text may not be a match in the whole.
    anchored: bool,
    /// The rule's prefilter slot for the literals one of which is in every match; `None` when
    /// the patterns have no such short list (`\w+-\w+`), and are always searched.
    slot: Option<usize>,
    /// Whether the prefilter may find its literals where nothing matches for their case (the
    /// patterns keep case, and the literals have letters, which the prefilter finds in any case:
    /// LowercaseDayName's `monday` is in every `Monday`).
    case_blind: bool,
}

/// How many bytes a match of a pattern spans at most, each run of whitespace it matches counted
/// as one character: `fixed + per_word × w`, for `w` the bytes of the longest word of the text
/// searched (a run of letters and digits, `[a-z]+`, lies inside one word).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spread {
    pub fixed: usize,
    pub per_word: usize,
}

/// A rule's regex, compiled when first searched with for a built-in rule (whose regexes the
/// tests compile), at once for a newsroom's own (whose mistakes are reported as it loads); and
/// what is read off its source when first needed (boxed with it, to keep kinds small).
#[derive(Debug)]
struct LazyRegex {
    uncompiled: std::sync::Arc<Uncompiled>,
    /// For a list without a slot of its own whose patterns have one each (a consistency rule's
    /// forms): each pattern's slot and text ([`Patterns::with_parts`]).
    parts: Vec<(usize, String)>,
    /// [`Patterns::reaches`], worked out when first asked.
    reaches: std::sync::OnceLock<Option<Vec<(usize, Spread)>>>,
}

impl LazyRegex {
    fn get(&self) -> &Regex {
        self.uncompiled.get()
    }
}

/// A regex's source, compiled when first searched with, or before then by
/// [`Deferred::build`].
#[derive(Debug)]
struct Uncompiled {
    source: String,
    ignore_case: bool,
    compiled: std::sync::OnceLock<Regex>,
}

impl Uncompiled {
    fn get(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            // Built-in patterns compile (tests/builtin_rules.rs compiles each one); were one not
            // to, it would match nothing rather than stop the run.
            build(&self.source, self.ignore_case)
                .unwrap_or_else(|_| Regex::new(r"[^\s\S]").expect("a regex that matches nothing"))
        })
    }
}

/// Work a rule leaves until it is first needed, which may be done sooner: compiling a built-in
/// rule's regex. A run over many files does it while it walks its directories, on a core that
/// would otherwise wait ([`crate::engine::RuleSet::compile_while`]).
pub trait Deferred: Send + Sync + std::fmt::Debug + std::panic::RefUnwindSafe {
    /// Does the work, unless it is done.
    fn build(&self);
    /// Whether the work is done.
    fn built(&self) -> bool;
}

impl Deferred for Uncompiled {
    fn build(&self) {
        self.get();
    }

    fn built(&self) -> bool {
        self.compiled.get().is_some()
    }
}

/// Whether patterns match whole words or anywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Words,
    Raw,
}

/// One match: where, which of the user's patterns made it, and its groups.
pub struct Found<'t> {
    pub range: Range<usize>,
    pub origin: usize,
    group: usize,
    captures: Captures,
    /// The text searched, which the captures' spans are in.
    text: &'t str,
}

impl Found<'_> {
    /// Expands a replacement template: `$1` or `${1}` is the pattern's own first group, `${name}`
    /// a named group, `$$` a dollar sign.
    pub fn expand(&self, template: &str) -> String {
        let mut out = String::new();
        let mut rest = template;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            rest = &rest[at + 1..];
            if let Some(after) = rest.strip_prefix('$') {
                out.push('$');
                rest = after;
                continue;
            }
            let (name, after) = match rest.strip_prefix('{') {
                Some(braced) => match braced.find('}') {
                    Some(close) => (&braced[..close], &braced[close + 1..]),
                    None => ("", rest),
                },
                None => {
                    let len = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
                    (&rest[..len], &rest[len..])
                }
            };
            if name.is_empty() {
                out.push('$');
                continue;
            }
            let group = match name.parse::<usize>() {
                Ok(n) => self.captures.get_group(self.group + n),
                Err(_) => self.captures.get_group_by_name(name),
            };
            out.push_str(group.map_or("", |span| &self.text[span.range()]));
            rest = after;
        }
        out.push_str(rest);
        out
    }
}

impl Patterns {
    /// Validates and compiles `list`, reporting each bad pattern with a caret inside it.
    pub fn compile(
        cx: &mut Compiler,
        list: &[Spanned<String>],
        mode: Mode,
        ignore_case: bool,
    ) -> Option<Patterns> {
        Patterns::compile_with(cx, list, mode, ignore_case, true)
    }

    /// Compiles a list that may be empty, with no prefilter slot: for patterns searched only
    /// where something was found, which a prefilter would look for in vain, or only where
    /// slots of their own (`slot_of`) say they may match.
    pub fn compile_unfiltered(
        cx: &mut Compiler,
        list: &[Spanned<String>],
        mode: Mode,
        ignore_case: bool,
    ) -> Option<Option<Patterns>> {
        Patterns::optional(cx, list, mode, ignore_case, false)
    }

    /// [`Patterns::compile`], with a prefilter slot when `prefilter` (not for exceptions, which
    /// are searched only where something was found).
    fn compile_with(
        cx: &mut Compiler,
        list: &[Spanned<String>],
        mode: Mode,
        ignore_case: bool,
        prefilter: bool,
    ) -> Option<Patterns> {
        let words = mode == Mode::Words;
        let mut items = Vec::new();
        let mut alternatives = Vec::new();
        let mut next_group = 1;
        let mut ok = true;
        let mut anchored = false;
        for (origin, pattern) in list.iter().enumerate() {
            // What validation reads of a pattern (its groups, assertions, least length) does not
            // depend on case; folding case is the slow part, left to the built-ins' lazy compile.
            let Some(pieces) = validate(cx, pattern, ignore_case && !cx.lazy) else {
                ok = false;
                continue;
            };
            for piece in pieces {
                anchored |= piece.anchored;
                let before = if words && piece.starts_word { r"(?-u:\b)" } else { "" };
                let after = if words && piece.ends_word { r"(?-u:\b)" } else { "" };
                alternatives.push(format!("{before}({}){after}", piece.source));
                items.push(Item { origin, group: next_group });
                next_group += 1 + piece.groups;
            }
        }
        if !ok {
            return None;
        }
        let source = alternatives.join("|");
        let compiled = std::sync::OnceLock::new();
        if !cx.lazy {
            match build(&source, ignore_case) {
                Ok(regex) => {
                    let _ = compiled.set(regex);
                }
                Err(message) => {
                    // Name the patterns that fail on their own (too big, most often); only when
                    // none does is the list as a whole to blame.
                    let mut named = false;
                    for (origin, pattern) in list.iter().enumerate() {
                        let own: Vec<&str> = items
                            .iter()
                            .zip(&alternatives)
                            .filter(|(item, _)| item.origin == origin)
                            .map(|(_, alternative)| alternative.as_str())
                            .collect();
                        if let Err(message) = build(&own.join("|"), ignore_case) {
                            let problem = Problem::new(
                                pattern.span(),
                                format!("this pattern does not compile: {message}"),
                                "here",
                            );
                            // A repetition of a Unicode class (`\w{100}`) is what grows a regex.
                            cx.push(
                                problem
                                    .with_note("repeat less, or use an ASCII class (`[a-z]`, `(?-u:\\w)`)"),
                            );
                            named = true;
                        }
                    }
                    if !named {
                        let span = list.first().map(Spanned::span).unwrap_or(0..0);
                        let problem = Problem::new(
                            span,
                            format!("these patterns do not compile together: {message}"),
                            "in this list",
                        );
                        cx.push(
                            problem
                                .with_note("split the list between two rules, or make its patterns smaller"),
                        );
                    }
                    return None;
                }
            }
        }
        let literals = if prefilter { required_literals(&source, ignore_case) } else { None };
        let case_blind = !ignore_case
            && literals.as_ref().is_some_and(|l| l.iter().any(|l| l.iter().any(u8::is_ascii_alphabetic)));
        let slot = literals.map(|literals| cx.prefilter(literals));
        let (parts, reaches) = (Vec::new(), std::sync::OnceLock::new());
        let uncompiled = std::sync::Arc::new(Uncompiled { source, ignore_case, compiled });
        if uncompiled.compiled.get().is_none() {
            cx.deferred.push(uncompiled.clone());
        }
        let regex = Box::new(LazyRegex { uncompiled, parts, reaches });
        Some(Patterns { regex, items, words, anchored, slot, case_blind })
    }

    /// Compiles a list that may be empty (`None` then); `None` outside when it has mistakes.
    pub fn compile_optional(
        cx: &mut Compiler,
        list: &[Spanned<String>],
        mode: Mode,
        ignore_case: bool,
    ) -> Option<Option<Patterns>> {
        Patterns::optional(cx, list, mode, ignore_case, true)
    }

    fn optional(
        cx: &mut Compiler,
        list: &[Spanned<String>],
        mode: Mode,
        ignore_case: bool,
        prefilter: bool,
    ) -> Option<Option<Patterns>> {
        if list.is_empty() {
            return Some(None);
        }
        Patterns::compile_with(cx, list, mode, ignore_case, prefilter).map(Some)
    }

    /// Whether the patterns may match in a document, by what the prefilter found in it (the
    /// rule's slots): `false` when a literal every match needs is missing.
    pub fn may_match(&self, present: &[bool]) -> bool {
        self.slot.is_none_or(|slot| present.get(slot).copied().unwrap_or(true))
    }

    /// A prefilter slot of its own for one pattern of a list (validated by compiling the list):
    /// for a kind that needs to know which of its patterns may match, not only whether one
    /// does. `None` when the pattern has no literals worth searching for.
    pub fn slot_of(cx: &mut Compiler, pattern: &str, ignore_case: bool) -> Option<usize> {
        let literals = required_literals(&widened(pattern)?, ignore_case)?;
        Some(cx.prefilter(literals))
    }

    /// The list, each of its patterns with its own prefilter slot (from [`Patterns::slot_of`]),
    /// in order: a match of the list is a match of one of them, bounded by that one's slot and
    /// spread.
    pub fn with_parts(mut self, parts: Vec<(usize, String)>) -> Patterns {
        self.regex.parts = parts;
        self
    }

    /// The prefilter slots (among the rule's) one of whose literals every match holds near it,
    /// each with how many bytes a match spans at most ([`Spread`]; each run of whitespace, which
    /// a space of a pattern, a [`GAP`], matches, counted as one character): the list's own slot,
    /// or its patterns' each ([`Patterns::with_parts`]). With the prefilter's places, a bound on
    /// where a match may lie ([`crate::engine::Place`]). `None` when a match may be longer
    /// otherwise (`[^()]*`), or asserts more than a word boundary (`^`, which a part of a text
    /// may not have where the whole has), or needs no literal. Worked out when first asked.
    pub fn reaches(&self) -> Option<&[(usize, Spread)]> {
        let ignore_case = self.regex.uncompiled.ignore_case;
        let reaches = self.regex.reaches.get_or_init(|| match self.slot {
            _ if self.anchored => None,
            Some(slot) => Some(vec![(slot, spread(&self.regex.uncompiled.source, ignore_case)?)]),
            None if self.regex.parts.is_empty() => None,
            None => self
                .regex
                .parts
                .iter()
                .map(|(slot, pattern)| Some((*slot, spread(&widened(pattern)?, ignore_case)?)))
                .collect(),
        });
        reaches.as_deref()
    }

    /// Whether the rule set's prefilter looks for literals of these patterns.
    pub fn prefiltered(&self) -> bool {
        self.slot.is_some()
    }

    /// The prefilter slot (among the rule's) of the list's own literals, if it has one.
    pub fn slot(&self) -> Option<usize> {
        self.slot
    }

    /// Whether the patterns nearly always match where the prefilter finds their literals: they
    /// are prefiltered, and not blind to case there.
    pub fn nearly_sure(&self) -> bool {
        self.prefiltered() && !self.case_blind
    }

    /// Where the first match in `text` may start, or `None` when nothing in `text` matches: a
    /// lower bound for the matches in any part of it (a block of a document), so that a rule
    /// searches each document once when it has nothing to find, not each block.
    pub fn earliest(&self, text: &str) -> Option<usize> {
        if self.anchored {
            return Some(0);
        }
        self.regex.get().find(text).map(|m| m.start())
    }

    /// The ranges of every match in `text`, left to right, never overlapping.
    pub fn find_iter<'t>(&'t self, text: &'t str) -> impl Iterator<Item = Range<usize>> + 't {
        self.regex.get().find_iter(text).map(|m| m.range()).filter(move |r| self.keeps(text, r))
    }

    /// The match that starts where `text` does, if [`Patterns::find_iter`] gives one: found by a
    /// search anchored there, which reads no further than such a match reaches (a search for any
    /// match would read the rest of the text when none starts there).
    pub fn at_start(&self, text: &str) -> Option<Range<usize>> {
        let input = Input::new(text).anchored(regex_automata::Anchored::Yes);
        self.regex.get().find(input).map(|m| m.range()).filter(|r| self.keeps(text, r))
    }

    /// [`Patterns::find_iter`], of the matches inside `span` of `text` only; the text around it
    /// is still read for what a match asserts about its edges (`\b`).
    pub fn find_in<'t>(
        &'t self,
        text: &'t str,
        span: Range<usize>,
    ) -> impl Iterator<Item = Range<usize>> + 't {
        let input = Input::new(text).span(span);
        self.regex.get().find_iter(input).map(|m| m.range()).filter(move |r| self.keeps(text, r))
    }

    /// Every match in `text` with the pattern that made it and its groups.
    pub fn captures_iter<'t>(&'t self, text: &'t str) -> impl Iterator<Item = Found<'t>> + 't {
        self.captures_in(text, 0..text.len())
    }

    /// [`Patterns::captures_iter`], of the matches inside `span` of `text` only; the text around
    /// it is still read for what a match asserts about its edges (`\b`).
    pub fn captures_in<'t>(
        &'t self,
        text: &'t str,
        span: Range<usize>,
    ) -> impl Iterator<Item = Found<'t>> + 't {
        let regex = self.regex.get();
        // Most spans searched hold no match (a window around a literal the pattern does not
        // match there): asked first, without groups, which takes no room for them.
        let input = Input::new(text).span(span);
        let searched = regex.is_match(input.clone()).then(|| regex.captures_iter(input));
        searched.into_iter().flatten().filter_map(move |captures| {
            let range = captures.get_match()?.range();
            if !self.keeps(text, &range) {
                return None;
            }
            let item = self.items.iter().find(|item| captures.get_group(item.group).is_some())?;
            Some(Found { range, origin: item.origin, group: item.group, captures, text })
        })
    }

    fn keeps(&self, text: &str, range: &Range<usize>) -> bool {
        !range.is_empty() && (!self.words || whole_word(text, range))
    }
}

/// One pattern of a list as its list's regex has it, in a group of its own, its spaces widened
/// to [`GAP`]s; `None` when it does not parse.
fn widened(pattern: &str) -> Option<String> {
    let ast = ast::parse::Parser::new().parse(pattern).ok()?;
    Some(format!("(?:{})", widen_spaces(pattern, &ast)))
}

/// How many bytes a match of the regex `source` spans at most ([`Spread`]); `None` when
/// unbounded.
fn spread(source: &str, ignore_case: bool) -> Option<Spread> {
    // A gap is a run of whitespace and markers with whitespace in it, which folding makes one
    // space (a run of markers alone it keeps, so `\x1F*` is not one of the runs below).
    let one_space_gaps = source.replace(GAP, " ");
    let parsed =
        regex_syntax::ParserBuilder::new().case_insensitive(ignore_case).build().parse(&one_space_gaps);
    let (fixed, per_word) = reach(&parsed.ok()?)?;
    Some(Spread { fixed, per_word })
}

/// [`Spread`] of `hir`, as `(fixed, per_word)`: a repetition without bound counts once if it
/// repeats a class of whitespace (a run of whitespace, which folding makes one space), and as a
/// word if it repeats a class of letters and digits; any other makes it `None`.
fn reach(hir: &regex_syntax::hir::Hir) -> Option<(usize, usize)> {
    use regex_syntax::hir::HirKind;
    let times = |(fixed, per_word): (usize, usize), n: u32| {
        Some((fixed.checked_mul(n as usize)?, per_word.checked_mul(n as usize)?))
    };
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some((0, 0)),
        HirKind::Literal(_) | HirKind::Class(_) => Some((hir.properties().maximum_len()?, 0)),
        HirKind::Capture(capture) => reach(&capture.sub),
        HirKind::Concat(parts) => parts.iter().try_fold((0usize, 0usize), |(a, b), part| {
            let (x, y) = reach(part)?;
            Some((a.checked_add(x)?, b.checked_add(y)?))
        }),
        HirKind::Alternation(parts) => parts.iter().try_fold((0, 0), |(a, b), part| {
            let (x, y) = reach(part)?;
            Some((a.max(x), b.max(y)))
        }),
        HirKind::Repetition(repetition) => match (repetition.max, repetition.sub.kind()) {
            (Some(max), _) => times(reach(&repetition.sub)?, max),
            (None, HirKind::Class(class)) if every_char(class, char::is_whitespace) => {
                Some((repetition.sub.properties().maximum_len()?, 0))
            }
            (None, HirKind::Class(class)) if every_char(class, char::is_alphanumeric) => Some((0, 1)),
            (None, _) => None,
        },
    }
}

/// Whether every character of `class` is `such` (a class of more than a few thousand
/// characters is taken not to be).
fn every_char(class: &Class, such: fn(char) -> bool) -> bool {
    let mut count = 0usize;
    let mut each = |c: char| {
        count += 1;
        count <= 4_096 && such(c)
    };
    match class {
        Class::Unicode(class) => class.ranges().iter().all(|r| (r.start()..=r.end()).all(&mut each)),
        Class::Bytes(class) => {
            class.ranges().iter().all(|r| (r.start()..=r.end()).all(|b| b.is_ascii() && each(char::from(b))))
        }
    }
}

/// Literals one of which is in every match of `pattern`, ASCII-lowercased, for a prefilter that
/// searches a document's [`fold_bytes`]ed prose: finding none of them proves the pattern matches
/// nothing there. `None` when the pattern has no such list worth searching for (`\w+-\w+`, or
/// only short or common words).
///
/// A space of the pattern (a [`GAP`]) is a space of the literal, as it is one in the folded
/// prose: "tip of the iceberg" is one literal. The literals are read off the case-sensitive
/// pattern, so that `ignore-case` does not multiply them; with `ignore-case`, letters outside
/// ASCII (whose other case the prefilter would not find) split a literal, and so does any other
/// whitespace. A literal the pattern follows with a word boundary ends with [`WORD_END`].
fn required_literals(pattern: &str, ignore_case: bool) -> Option<Vec<Vec<u8>>> {
    let pattern = pattern.replace(GAP, r"\x00");
    let hir = regex_syntax::ParserBuilder::new().build().parse(&pattern).ok()?;
    let mut literals = required(&hir, ignore_case)?;
    if literals.iter().map(|l| score(l)).min()? < MIN_SCORE {
        return None;
    }
    // A literal with another inside it adds nothing: where it is, the other is too.
    literals.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    literals.dedup();
    let mut kept: Vec<Vec<u8>> = Vec::new();
    for literal in literals {
        if !kept.iter().any(|k| literal.windows(k.len()).any(|w| w == k.as_slice())) {
            kept.push(literal);
        }
    }
    kept.sort();
    Some(kept)
}

/// [`fold_bytes`] as a string, for tests.
#[cfg(test)]
pub fn fold(prose: &str) -> String {
    String::from_utf8(fold_bytes(prose)).expect("only ASCII bytes were changed, into ASCII bytes")
}

/// A document's prose as the prefilter searches it: ASCII letters lowercased, and each run of
/// whitespace and markup markers that has whitespace in it one space (what a [`GAP`] matches).
/// As bytes, which the prefilter searches: they are UTF-8, and a check of that would read them
/// all again.
pub fn fold_bytes(prose: &str) -> Vec<u8> {
    let bytes = prose.as_bytes();
    // Folding never lengthens: a gap becomes one space, `K` and `ſ` one byte each.
    let mut out = vec![0u8; bytes.len()];
    let (mut i, mut j) = (0, 0);
    // Whether the last byte written is the space of a run of ASCII spaces, and where in the
    // prose and the output that run began.
    let (mut spacing, mut run_i, mut run_j) = (false, 0, 0);
    while i < bytes.len() {
        // Eight bytes at once where they are printable ASCII with no space after a space: most
        // of any English text. Lowercased in a register and written whole.
        if let Some(chunk) = bytes.get(i..i + 8) {
            const HIGH: u64 = 0x8080_8080_8080_8080;
            let chunk = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            // Each byte's top bit: at least `bound`, for bytes below 0x80.
            let at_least = |bound: u8| (chunk & !HIGH) + u64::from_ne_bytes([0x80 - bound; 8]);
            if chunk & HIGH == 0 && at_least(b' ') & HIGH == HIGH {
                // Spaces, and a space after one (or after the space written last): exact but for
                // a byte after a space, which can only send a clean chunk the slow way.
                let x = chunk ^ 0x2020_2020_2020_2020;
                let spaces = x.wrapping_sub(0x0101_0101_0101_0101) & !x & HIGH;
                if spaces & (spaces << 8 | u64::from(spacing) << 7) == 0 {
                    let capitals = at_least(b'A') & !at_least(b'Z' + 1) & HIGH;
                    out[j..j + 8].copy_from_slice(&(chunk | capitals >> 2).to_le_bytes());
                    spacing = chunk >> 56 == u64::from(b' ');
                    if spacing {
                        (run_i, run_j) = (i + 7, j + 7);
                    }
                    i += 8;
                    j += 8;
                    continue;
                }
            }
        }
        let b = bytes[i];
        let folded = FOLDED[usize::from(b)];
        if folded != 0 {
            // Without a branch on whether it is a space: a space after a space is written
            // over the first.
            let space = folded == b' ';
            if space && !spacing {
                (run_i, run_j) = (i, j);
            }
            j -= usize::from(space && spacing);
            out[j] = folded;
            j += 1;
            i += 1;
            spacing = space;
            continue;
        }
        // A marker, another control, or a byte that may begin whitespace outside ASCII or a
        // letter that folds to ASCII: the gap it is in is read again from its start.
        if spacing {
            (i, j) = (run_i, run_j);
            spacing = false;
        }
        let gap_start = i;
        let mut spaced = false;
        while i < bytes.len() {
            let c = bytes[i];
            if ascii_space(c) {
                spaced = true;
                i += 1;
            } else if c == crate::markup::MARK {
                i += 1;
            } else if !c.is_ascii() && starts_space(prose, i) {
                spaced = true;
                i += prose[i..].chars().next().map_or(1, char::len_utf8);
            } else {
                break;
            }
        }
        let copied: &[u8] = if spaced {
            b" "
        } else if i == gap_start {
            // Not a gap after all: another control, or a character after a lead byte, which
            // may fold to an ASCII letter.
            let c = prose[i..].chars().next().expect("i is a character boundary");
            i += c.len_utf8();
            let mut utf8 = [0; 4];
            let folded = fold_char(c).encode_utf8(&mut utf8).len();
            out[j..j + folded].copy_from_slice(&utf8[..folded]);
            j += folded;
            continue;
        } else {
            &bytes[gap_start..i]
        };
        out[j..j + copied.len()].copy_from_slice(copied);
        j += copied.len();
    }
    out.truncate(j);
    out
}

/// How [`fold_bytes`] writes each byte on its quick path: ASCII letters lowercased, ASCII whitespace
/// as a space, other bytes as they are; 0 for the bytes it reads more carefully: ASCII controls
/// other than whitespace (the marker among them), and the lead bytes of U+0085, U+00A0, U+1680,
/// U+2000-U+205F (and U+212A), U+3000, and U+017F.
const FOLDED: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
            b' '
        } else if byte < b' ' || matches!(byte, 0xC2 | 0xC5 | 0xE1..=0xE3) {
            0
        } else {
            byte.to_ascii_lowercase()
        };
        b += 1;
    }
    table
};

/// Whether an ASCII byte is whitespace as `\s` has it (vertical tab included).
fn ascii_space(b: u8) -> bool {
    b.is_ascii_whitespace() || b == 0x0b
}

/// Whether a non-ASCII whitespace character starts at byte `i`.
fn starts_space(text: &str, i: usize) -> bool {
    text.is_char_boundary(i) && text[i..].chars().next().is_some_and(char::is_whitespace)
}

/// The least a prefilter literal scores (its length, less for a common word) to be worth it.
const MIN_SCORE: usize = 3;

/// A score good enough that no other literals are looked for.
const GOOD_SCORE: usize = 8;

/// Words so common in news copy that a prefilter looking for them finds them everywhere.
const COMMON: &[&[u8]] = &[
    b"the", b"and", b"for", b"that", b"with", b"was", b"said", b"from", b"have", b"has", b"had", b"will",
    b"would", b"are", b"not", b"but", b"its", b"his", b"her", b"they", b"this", b"were", b"been", b"which",
    b"their", b"more", b"also", b"after", b"year", b"percent", b"than", b"about", b"could", b"other",
    b"there", b"time", b"company", b"market", b"then", b"into", b"over", b"some", b"what", b"when", b"who",
    b"one", b"two", b"all", b"can", b"new", b"out", b"off", b"did", b"does", b"our", b"you", b"she",
];

/// How good a literal is to look for: its length, as a stand-in for how rare it is, with
/// exceptions both ways: a very common word scores 1, and so does punctuation, but a symbol that
/// is rare in prose (`%`, `#`), or a space before a mark that has none in edited copy (` ,`),
/// scores as a short word.
fn score(literal: &[u8]) -> usize {
    let literal = literal.strip_suffix(&[WORD_END]).unwrap_or(literal);
    let word = literal.trim_ascii();
    let rare_symbol =
        matches!(word, [b'%' | b'#' | b'@' | b'*' | b'+' | b'=' | b'<' | b'>' | b'|' | b'~' | b'^']);
    let space_before_mark =
        literal.first() == Some(&b' ') && matches!(word, [b',' | b';' | b':' | b'?' | b'!']);
    if rare_symbol || space_before_mark {
        MIN_SCORE
    } else if COMMON.contains(&word) {
        1
    } else {
        word.len()
    }
}

/// A set of literals one of which every match of `hir` contains; the best-scoring such set of
/// the ones found (in a concatenation, each run of literals is one such set).
fn required(hir: &regex_syntax::hir::Hir, ignore_case: bool) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::HirKind;
    let set_score = |set: &Vec<Vec<u8>>| set.iter().map(|l| score(l)).min().unwrap_or(0);
    match hir.kind() {
        HirKind::Literal(literal) => best_piece(&literal.0, ignore_case).map(|(l, _)| vec![l]),
        HirKind::Capture(capture) => required(&capture.sub, ignore_case),
        HirKind::Repetition(repetition) if repetition.min > 0 => required(&repetition.sub, ignore_case),
        HirKind::Alternation(branches) => {
            let mut union = Vec::new();
            for branch in branches {
                union.extend(required(branch, ignore_case)?);
            }
            Some(union)
        }
        HirKind::Concat(items) => {
            let mut candidates: Vec<Vec<Vec<u8>>> = Vec::new();
            // The runs of literal text so far, one per way a small class beside them can go
            // (`[ \t]+([,;])` is ` ,` or ` ;` in folded prose); each with whether a word
            // boundary follows it, which text added after it undoes.
            let mut runs: Vec<Run> = vec![Run::default()];
            let flush = |runs: &mut Vec<Run>, candidates: &mut Vec<Vec<Vec<u8>>>| {
                let pieces: Option<Vec<Vec<u8>>> = runs
                    .iter()
                    .map(|run| {
                        best_piece(&run.bytes, ignore_case).map(|(mut piece, last)| {
                            if last && run.word_end {
                                piece.push(WORD_END);
                            }
                            piece
                        })
                    })
                    .collect();
                if let Some(mut pieces) = pieces {
                    pieces.sort();
                    pieces.dedup();
                    candidates.push(pieces);
                }
                *runs = vec![Run::default()];
            };
            for item in flattened(items) {
                if let Some(bytes) = literal_bytes(item) {
                    runs.iter_mut().for_each(|run| run.extend(bytes));
                } else if let HirKind::Look(look) = item.kind() {
                    // A zero-width assertion keeps the literals on both sides together; after a
                    // word character, a word boundary says no word character follows.
                    if ends_word(*look) {
                        for run in &mut runs {
                            run.word_end |=
                                run.bytes.last().is_some_and(|&b| ends_word_before(b, *look, ignore_case));
                        }
                    }
                } else if is_gap(item) {
                    // Whitespace, one character or more, is one space in folded prose.
                    runs.iter_mut().for_each(|run| run.extend(&[0]));
                } else if let Some(chars) = small_class(item).filter(|c| c.len() * runs.len() <= MAX_RUNS) {
                    runs = runs
                        .iter()
                        .flat_map(|run| {
                            chars.iter().map(move |&c| {
                                let mut run = run.clone();
                                match c {
                                    c if c.is_whitespace() => run.extend(&[0]),
                                    c => run.extend(c.encode_utf8(&mut [0; 4]).as_bytes()),
                                }
                                run
                            })
                        })
                        .collect();
                } else if let Some(chars) = repeated_class(item).filter(|c| c.len() <= MAX_RUNS) {
                    // A small class repeated (`[0-9]{1,4}`): what comes before its last character
                    // is unknown, but that character is one of the class.
                    flush(&mut runs, &mut candidates);
                    runs = chars
                        .iter()
                        .map(|&c| Run {
                            bytes: match c {
                                c if c.is_whitespace() => vec![0],
                                c => c.encode_utf8(&mut [0; 4]).as_bytes().to_vec(),
                            },
                            word_end: false,
                        })
                        .collect();
                } else if let Some(strings) = few_strings(item).filter(|s| s.len() * runs.len() <= MAX_RUNS) {
                    // A small group of literals (` ?(?:am|a\.m\.)`) multiplies out like a class.
                    runs = runs
                        .iter()
                        .flat_map(|run| {
                            strings.iter().map(move |string| {
                                let mut run = run.clone();
                                run.extend(string);
                                run
                            })
                        })
                        .collect();
                } else {
                    flush(&mut runs, &mut candidates);
                    candidates.extend(required(item, ignore_case));
                }
            }
            flush(&mut runs, &mut candidates);
            // Small alternations beside literals multiply out ("(should|could) of"), when the
            // runs alone give nothing good (extracting is the slow part of loading rules).
            if candidates.iter().map(set_score).max().is_none_or(|best| best < GOOD_SCORE) {
                candidates.extend(extracted(hir, ExtractKind::Prefix, ignore_case));
                candidates.extend(extracted(hir, ExtractKind::Suffix, ignore_case));
            }
            // Of sets that score the same, one whose literals end words is found less often.
            let ends_words = |set: &Vec<Vec<u8>>| set.iter().all(|l| l.last() == Some(&WORD_END));
            candidates.into_iter().max_by_key(|set| (set_score(set), ends_words(set)))
        }
        _ => None,
    }
}

/// The most runs of literal text a concatenation's small classes and groups multiply out to.
const MAX_RUNS: usize = 128;

/// A run of literal text of a concatenation, and whether a word boundary follows it.
#[derive(Clone, Default)]
struct Run {
    bytes: Vec<u8>,
    word_end: bool,
}

impl Run {
    fn extend(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
        self.word_end &= bytes.is_empty();
    }
}

/// Ends a prefilter literal after which the pattern has a word boundary (and which ends with an
/// ASCII letter, digit or underscore): where the prefilter finds it, the byte after it in folded
/// prose is none of those, but may be `k` or `s` (which the Kelvin sign and the long s, no word
/// characters to an ASCII boundary, fold to). No text holds it: it is no byte of UTF-8.
pub const WORD_END: u8 = 0xFF;

/// Whether an assertion, after a word character, says no word character follows.
fn ends_word(look: Look) -> bool {
    matches!(
        look,
        Look::WordAscii
            | Look::WordUnicode
            | Look::WordEndAscii
            | Look::WordEndUnicode
            | Look::WordEndHalfAscii
            | Look::WordEndHalfUnicode
    )
}

/// Whether a run of literal text that ends with the byte `last`, before the assertion `look`
/// (one of [`ends_word`]), is followed by no word character wherever it matches: `last` is an
/// ASCII letter, digit or underscore, and no other character. Under ignore-case a `k` or `s`
/// also matches the Kelvin sign or the long s, which are no word characters to an ASCII `\b`:
/// after one of them, that boundary asks for a word character.
fn ends_word_before(last: u8, look: Look, ignore_case: bool) -> bool {
    let kelvin_or_long_s = ignore_case && matches!(last.to_ascii_lowercase(), b'k' | b's');
    (last.is_ascii_alphanumeric() || last == b'_') && !(kelvin_or_long_s && look == Look::WordAscii)
}

/// Whether a literal that ends at `end` of folded prose (whose next byte is there) may be one
/// that ends a word: see [`WORD_END`].
pub fn may_end_word(folded: &[u8], end: usize) -> bool {
    folded.get(end).is_none_or(|&b| !(b.is_ascii_alphanumeric() || b == b'_') || matches!(b, b'k' | b's'))
}

/// The items of a concatenation, with those of groups that are concatenations themselves in
/// their place: `\b(\d?[0-9])am` is `\b`, `\d?`, `[0-9]`, `am`, so that the digit joins the
/// literal after the group.
fn flattened(items: &[regex_syntax::hir::Hir]) -> Vec<&regex_syntax::hir::Hir> {
    let mut out = Vec::new();
    for item in items {
        match item.kind() {
            HirKind::Capture(capture) if matches!(capture.sub.kind(), HirKind::Concat(_)) => {
                let HirKind::Concat(inner) = capture.sub.kind() else { unreachable!("matched above") };
                out.extend(flattened(inner));
            }
            _ => out.push(item),
        }
    }
    out
}

/// Every text a group matches, when it matches one of a few (`(?: ?AM|a\.m\.)`): ASCII
/// lowercased, whitespace as NUL (a pattern space, as a class's is), distinct; `None` for a
/// single literal or class (read elsewhere), or when there are more than [`MAX_STRINGS`].
/// Assertions inside the group match no text and are left out, which only adds texts.
fn few_strings(hir: &regex_syntax::hir::Hir) -> Option<Vec<Vec<u8>>> {
    if !matches!(hir.kind(), HirKind::Alternation(_) | HirKind::Repetition(_) | HirKind::Capture(_)) {
        return None;
    }
    let mut extractor = Extractor::new();
    extractor.kind(ExtractKind::Prefix).limit_class(MAX_STRINGS).limit_total(4 * MAX_STRINGS);
    let seq = extractor.extract(hir);
    if !seq.is_exact() {
        return None;
    }
    let mut strings = Vec::new();
    for literal in seq.literals()? {
        let text = std::str::from_utf8(literal.as_bytes()).ok()?;
        let string: String =
            text.chars().map(|c| if c.is_whitespace() { '\0' } else { c.to_ascii_lowercase() }).collect();
        strings.push(string.into_bytes());
    }
    strings.sort();
    strings.dedup();
    (strings.len() <= MAX_STRINGS).then_some(strings)
}

/// The most texts a group multiplies out to (see [`few_strings`]).
const MAX_STRINGS: usize = 16;

/// Whether `hir` matches one whitespace character or more, and nothing else (`[ \t]+`, `\s`).
fn is_gap(hir: &regex_syntax::hir::Hir) -> bool {
    match hir.kind() {
        HirKind::Capture(capture) => is_gap(&capture.sub),
        HirKind::Repetition(repetition) => repetition.min > 0 && is_gap(&repetition.sub),
        HirKind::Class(Class::Unicode(class)) => {
            class.ranges().iter().map(|r| r.len()).sum::<usize>() <= 64
                && class.ranges().iter().all(|r| (r.start()..=r.end()).all(char::is_whitespace))
        }
        HirKind::Class(Class::Bytes(class)) => {
            class.ranges().iter().all(|r| (r.start()..=r.end()).all(ascii_space))
        }
        _ => false,
    }
}

/// The characters of a small class repeated at least once (`[0-9]{1,4}`, `[ab]+`), one of which
/// ends every match; looking through capture groups.
fn repeated_class(hir: &regex_syntax::hir::Hir) -> Option<Vec<char>> {
    match hir.kind() {
        HirKind::Capture(capture) => repeated_class(&capture.sub),
        HirKind::Repetition(repetition) if repetition.min > 0 => small_class(&repetition.sub),
        _ => None,
    }
}

/// The characters of a class of a few (`[,;:?!]`), looking through a capture group; not a
/// class with NUL, which stands for a pattern space in a run of literal text.
fn small_class(hir: &regex_syntax::hir::Hir) -> Option<Vec<char>> {
    let chars: Vec<char> = match hir.kind() {
        HirKind::Capture(capture) => small_class(&capture.sub)?,
        HirKind::Class(Class::Unicode(class)) => {
            let count: usize = class.ranges().iter().map(|r| r.len()).sum();
            if count > 10 {
                return None;
            }
            class.iter().flat_map(|r| r.start()..=r.end()).collect()
        }
        HirKind::Class(Class::Bytes(class)) => {
            let count: usize = class.ranges().iter().map(|r| r.len()).sum();
            if count > 10 || !class.ranges().iter().all(|r| r.end().is_ascii()) {
                return None;
            }
            class.iter().flat_map(|r| r.start()..=r.end()).map(char::from).collect()
        }
        _ => return None,
    };
    (!chars.contains(&'\0')).then_some(chars)
}

/// The prefixes (or suffixes) of `hir` that regex-syntax finds, cut where a prefilter literal
/// must end; `None` when they are not a short list.
fn extracted(hir: &regex_syntax::hir::Hir, kind: ExtractKind, ignore_case: bool) -> Option<Vec<Vec<u8>>> {
    let prefix = matches!(kind, ExtractKind::Prefix);
    let mut extractor = Extractor::new();
    extractor.kind(kind).limit_total(64);
    let seq = extractor.extract(hir);
    let mut out = Vec::new();
    for literal in seq.literals()? {
        let text = String::from_utf8_lossy(literal.as_bytes());
        let splits = |c: char| splits_literal(c, ignore_case);
        let piece = if prefix { text.split(splits).next() } else { text.rsplit(splits).next() };
        let piece = piece.filter(|p| !p.is_empty())?;
        out.push(as_folded(piece));
    }
    (!out.is_empty()).then_some(out)
}

/// A piece of a pattern's literal as it would be in folded prose: each run of pattern spaces
/// (`\0` here) one space, ASCII lowercased, and the two letters outside ASCII that fold to ASCII
/// letters (`K`, `ſ`) as those letters.
fn as_folded(piece: &str) -> Vec<u8> {
    let mut out = String::with_capacity(piece.len());
    for c in piece.chars() {
        match c {
            '\0' if out.ends_with(' ') => {}
            '\0' => out.push(' '),
            c => out.push(fold_char(c)),
        }
    }
    out.into_bytes()
}

/// A character as folded prose has it: ASCII lowercased, and the Kelvin sign and long s (which
/// a case-insensitive regex matches for `k` and `s`) as `k` and `s`.
fn fold_char(c: char) -> char {
    match c {
        '\u{212A}' => 'k',
        '\u{17F}' => 's',
        c => c.to_ascii_lowercase(),
    }
}

/// Whether a character of a pattern's literal cannot be part of a prefilter literal.
/// A replacement character stands for bytes the extractor cut in the middle of a character,
/// which no text holds.
fn splits_literal(c: char, ignore_case: bool) -> bool {
    (ignore_case && !c.is_ascii() && has_other_case(c))
        || c.is_whitespace()
        || c == char::from(crate::markup::MARK)
        || c == char::REPLACEMENT_CHARACTER
}

/// Whether a case-insensitive regex matches `c` as some other character too (`é` as `É`), which
/// the prefilter, folding only ASCII, would not find; curly quotation marks and dashes have none.
fn has_other_case(c: char) -> bool {
    use regex_syntax::hir::{ClassUnicode, ClassUnicodeRange};
    let mut class = ClassUnicode::new([ClassUnicodeRange::new(c, c)]);
    class.case_fold_simple();
    class.ranges().iter().any(|r| r.start() != c || r.end() != c)
}

/// The bytes of a literal, looking through capture groups.
fn literal_bytes(hir: &regex_syntax::hir::Hir) -> Option<&[u8]> {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Literal(literal) => Some(&literal.0),
        HirKind::Capture(capture) => literal_bytes(&capture.sub),
        _ => None,
    }
}

/// The best part of a run of literal bytes to search for, ASCII-lowercased: with `ignore_case`,
/// non-ASCII bytes split it. And whether it is the run's last part (its end is the run's).
fn best_piece(run: &[u8], ignore_case: bool) -> Option<(Vec<u8>, bool)> {
    let text = String::from_utf8_lossy(run);
    let parts: Vec<&str> = text.split(|c| splits_literal(c, ignore_case)).collect();
    let last = parts.len() - 1;
    parts
        .into_iter()
        .enumerate()
        .filter(|(_, p)| !p.is_empty())
        .map(|(i, p)| (as_folded(p), i == last))
        .max_by_key(|(p, _)| score(p))
}

/// Whole-word patterns that excuse a match they overlap ("Chicken Kiev" excuses "Kiev").
#[derive(Debug, Default)]
pub struct Exceptions {
    patterns: Option<Patterns>,
    /// The most bytes an exception can match, when that is at most [`NEAR`] and none matches
    /// nothing: then only the text near what they might excuse is searched for them (worked
    /// out when first needed).
    longest: std::sync::OnceLock<Option<usize>>,
}

/// Exceptions that match at most this many bytes are searched for only near what they may
/// excuse (`a)` in a list, `:-(`); longer ones, in the whole text once.
const NEAR: usize = 256;

impl Exceptions {
    /// Compiles exceptions (whole-word patterns); `None` when one has a mistake.
    pub fn compile(cx: &mut Compiler, list: &[Spanned<String>], ignore_case: bool) -> Option<Exceptions> {
        let patterns = Patterns::compile_unfiltered(cx, list, Mode::Words, ignore_case)?;
        Some(Exceptions { patterns, longest: std::sync::OnceLock::new() })
    }

    /// The exceptions in one text, searched for as they are asked about.
    pub fn within<'a>(&'a self, text: &'a str) -> Excused<'a> {
        let longest = self.patterns.as_ref().and_then(|patterns| {
            *self.longest.get_or_init(|| {
                let regex = &patterns.regex.uncompiled;
                let parsed = regex_syntax::ParserBuilder::new()
                    .case_insensitive(regex.ignore_case)
                    .build()
                    .parse(&regex.source);
                // Only exceptions that cannot match nothing: after an empty match a search goes
                // on from the next character, which the jumps do not follow.
                let properties = parsed.ok()?.properties().clone();
                properties.maximum_len().filter(|&len| len <= NEAR && properties.minimum_len() != Some(0))
            })
        });
        Excused {
            exceptions: self,
            text,
            longest,
            all: std::cell::OnceCell::new(),
            search: Default::default(),
        }
    }

    /// Drops the ranges of `found` (matches in `text`) that an exception overlaps. The
    /// exceptions are only searched for when something was found.
    pub fn retain_unexcused<T>(&self, text: &str, found: &mut Vec<T>, range: impl Fn(&T) -> Range<usize>) {
        if self.patterns.is_none() || found.is_empty() {
            return;
        }
        let excused = self.within(text);
        found.retain(|item| !excused.overlaps(range(item)));
    }
}

/// A text's exceptions, for [`Exceptions::within`].
pub struct Excused<'a> {
    exceptions: &'a Exceptions,
    text: &'a str,
    longest: Option<usize>,
    /// Every exception's place in the text, in order, when they are not searched for near.
    all: std::cell::OnceCell<Vec<Range<usize>>>,
    /// Where the search for short exceptions stands (see [`Excused::overlaps`]).
    search: std::cell::Cell<Search>,
}

/// How far a search of a text for its exceptions, from its start and left to right as a regex
/// finds them (each match after the last one's end), has gone: the last match found (whether or
/// not the whole-word check keeps it), where it goes on from, and the start of the range last
/// asked about.
#[derive(Clone, Copy, Default)]
struct Search {
    last: Option<(usize, usize)>,
    from: usize,
    asked: usize,
}

impl Excused<'_> {
    /// Whether an exception that a search of the text from its start finds overlaps `range`.
    /// Exceptions of a few bytes are searched for only near the ranges asked about, in order of
    /// their starts: the search jumps to a place shortly before each that no match can
    /// straddle, and goes on from there, so it finds what a search from the start finds,
    /// usually without reading the text between (exceptions that overlap one another along a
    /// run, `--` in `-----`, send the jump back over the run).
    pub fn overlaps(&self, range: Range<usize>) -> bool {
        let Some(patterns) = &self.exceptions.patterns else { return false };
        let text = self.text;
        let Some(longest) = self.longest else {
            let all = self.all.get_or_init(|| patterns.find_iter(text).collect());
            let i = all.partition_point(|e| e.end <= range.start);
            return all.get(i).is_some_and(|e| e.start < range.end);
        };
        let floor = |i: usize| floor_boundary(text, i);
        let ceil = |i: usize| ceil_boundary(text, i);
        // The text up to a character past where a match that starts before `at` can end: the
        // regex finds in it the same matches starting before `at` as in the whole text.
        let upto = |at: usize| &text[..ceil(at + longest + 4)];
        let next_char = |at: usize| at + text[at..].chars().next().map_or(1, char::len_utf8);
        let regex = patterns.regex.get();
        let mut search = self.search.get();
        if range.start < search.asked {
            // Asked out of order (a kind's second pass over its marks): start again.
            search = Search::default();
        }
        search.asked = range.start;
        let kept = |(start, end): (usize, usize)| patterns.keeps(text, &(start..end));
        let overlapping = |(start, end): (usize, usize)| start < range.end && end > range.start;
        if search.last.is_some_and(|m| overlapping(m) && kept(m)) {
            self.search.set(search);
            return true;
        }
        // A match over the range starts less than `longest` bytes before it. Jump there, moved
        // back to the start of any match that straddles the place: the search's next match
        // after it is then the first there (a straddling match may be none of the search's,
        // which only moves the jump back further than need be).
        let mut to = floor(range.start.saturating_sub(longest));
        'jump: while to > search.from {
            let mut at = floor(to.saturating_sub(longest)).max(search.from);
            while let Some(found) = find_at(regex, upto(to), at).filter(|m| m.start() < to) {
                if found.end() > to {
                    to = found.start();
                    continue 'jump;
                }
                at = next_char(found.start());
            }
            search = Search { last: None, from: to, asked: search.asked };
            break;
        }
        // From there, the search's matches that start before the range ends (none when it has
        // gone past the end already, as for a range inside the one asked about before).
        while search.from < range.end {
            let found = find_at(regex, upto(range.end), search.from).filter(|m| m.start() < range.end);
            let Some(found) = found else { break };
            let m = (found.start(), found.end());
            search.last = Some(m);
            search.from = found.end();
            if overlapping(m) && kept(m) {
                self.search.set(search);
                return true;
            }
        }
        // None starts before the range ends: the search goes on from its end.
        search.from = search.from.max(range.end);
        self.search.set(search);
        false
    }
}

/// The character boundary of `text` at `i` or the last before it.
pub(crate) fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The character boundary of `text` at `i` or the first after it (its end, past it).
pub(crate) fn ceil_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The first match in `text` from `at` on (as the regex crate's `Regex::find_at`).
fn find_at(regex: &Regex, text: &str, at: usize) -> Option<regex_automata::Match> {
    regex.find(Input::new(text).span(at..text.len()))
}

/// The regex of a pattern, built as the regex crate builds one (`regex::RegexBuilder`, whose
/// engine this is), so that it matches the same; the engine's own type, to search a span of a
/// text ([`Patterns::captures_in`]).
fn build(pattern: &str, ignore_case: bool) -> Result<Regex, String> {
    let config = regex_automata::meta::Config::new()
        .nfa_size_limit(Some(SIZE_LIMIT))
        .hybrid_cache_capacity(2 << 20)
        .match_kind(MatchKind::LeftmostFirst)
        .utf8_empty(true);
    let syntax = regex_automata::util::syntax::Config::new().case_insensitive(ignore_case).utf8(true);
    regex_automata::meta::Builder::new().configure(config).syntax(syntax).build(pattern).map_err(|e| {
        match (e.size_limit(), e.syntax_error()) {
            (Some(limit), _) => format!("the compiled regex exceeds {limit} bytes"),
            (None, Some(syntax)) => syntax.to_string(),
            (None, None) => e.to_string(),
        }
    })
}

/// True when the match is not glued to a letter or digit on a side where it has one.
fn whole_word(text: &str, range: &Range<usize>) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let first = text[range.clone()].chars().next();
    let last = text[range.clone()].chars().next_back();
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    let glued_before = first.is_some_and(word) && before.is_some_and(word);
    let glued_after = last.is_some_and(word) && after.is_some_and(word);
    !glued_before && !glued_after
}

/// One pattern ready to join the combined regex.
struct Piece {
    source: String,
    starts_word: bool,
    ends_word: bool,
    /// The number of capture groups of its own.
    groups: usize,
    /// Whether it asserts more than a word boundary.
    anchored: bool,
}

/// Checks one pattern; returns its pieces (a top-level alternation whose branches differ in
/// whether they start or end with a word character is split) with their word edges.
fn validate(cx: &mut Compiler, pattern: &Spanned<String>, ignore_case: bool) -> Option<Vec<Piece>> {
    let source = pattern.get_ref();
    if source.is_empty() {
        cx.error(pattern.span(), "empty pattern", "matches nothing at all");
        return None;
    }
    let invalid = |cx: &mut Compiler, span: &ast::Span, kind: &dyn std::fmt::Display| {
        cx.error_in(pattern, span.start.offset..span.end.offset, format!("invalid regex: {kind}"));
        None
    };
    let ast = match ast::parse::Parser::new().parse(source) {
        Ok(ast) => ast,
        Err(err) => return invalid(cx, err.span(), err.kind()),
    };
    let translated = regex_syntax::hir::translate::TranslatorBuilder::new()
        .case_insensitive(ignore_case)
        .build()
        .translate(source, &ast);
    let hir = match translated {
        Ok(hir) => hir,
        Err(err) => return invalid(cx, err.span(), err.kind()),
    };
    if hir.properties().minimum_len() == Some(0) {
        cx.error(pattern.span(), "this pattern matches empty text", "matches nothing at all");
        return None;
    }
    let branches: Vec<&Ast> = match &ast {
        Ast::Alternation(alt) => alt.asts.iter().collect(),
        other => vec![other],
    };
    let edges: Vec<(bool, bool)> =
        branches.iter().map(|b| (edge_is_word(source, b, true), edge_is_word(source, b, false))).collect();
    let groups = hir.properties().explicit_captures_len();
    let boundaries = LookSet::empty().insert(Look::WordAscii).insert(Look::WordUnicode);
    let anchored = !hir.properties().look_set().subtract(boundaries).is_empty();
    if edges.windows(2).all(|w| w[0] == w[1]) {
        let (starts_word, ends_word) = edges[0];
        return Some(vec![Piece {
            source: widen_spaces(source, &ast),
            starts_word,
            ends_word,
            groups,
            anchored,
        }]);
    }
    let mut pieces = Vec::new();
    for (branch, (starts_word, ends_word)) in branches.into_iter().zip(edges) {
        let span = branch.span();
        let text = &source[span.start.offset..span.end.offset];
        // A branch is re-parsed on its own so that its spaces and groups are counted alone.
        let own = ast::parse::Parser::new().parse(text).ok()?;
        let groups = regex_syntax::Parser::new().parse(text).ok()?.properties().explicit_captures_len();
        pieces.push(Piece { source: widen_spaces(text, &own), starts_word, ends_word, groups, anchored });
    }
    Some(pieces)
}

/// Whether the first (or last) thing a pattern matches is an ASCII word character, where an
/// ASCII word boundary can stand. Other edges are left to the check around each match.
fn edge_is_word(source: &str, ast: &Ast, first: bool) -> bool {
    match ast {
        Ast::Literal(lit) => lit.c.is_ascii_alphanumeric() || lit.c == '_',
        // An unescaped `.` at an edge is nearly always meant as a full stop ("U.S.").
        Ast::Dot(_) | Ast::ClassUnicode(_) => false,
        Ast::ClassBracketed(class) => {
            ascii_word_class(&source[class.span.start.offset..class.span.end.offset])
        }
        Ast::ClassPerl(class) => !class.negated && class.kind != ast::ClassPerlKind::Space,
        Ast::Group(group) => edge_is_word(source, &group.ast, first),
        Ast::Repetition(rep) => edge_is_word(source, &rep.ast, first),
        Ast::Alternation(alt) => alt.asts.iter().all(|a| edge_is_word(source, a, first)),
        Ast::Concat(concat) => {
            let mut parts = concat.asts.iter().filter(|a| !matches!(a, Ast::Flags(_) | Ast::Empty(_)));
            let edge = if first { parts.next() } else { parts.next_back() };
            edge.is_some_and(|a| edge_is_word(source, a, first))
        }
        Ast::Empty(_) | Ast::Flags(_) | Ast::Assertion(_) => false,
    }
}

/// Whether a bracketed class (`[a-z]`, `[“”]`, `[a-zé]`) matches ASCII word characters and no
/// other word characters, so that an ASCII boundary is right beside it.
fn ascii_word_class(class: &str) -> bool {
    let Ok(hir) = regex_syntax::Parser::new().parse(class) else { return false };
    let HirKind::Class(Class::Unicode(class)) = hir.kind() else { return false };
    let mut ascii_word = false;
    for range in class.ranges() {
        let (start, end) = (u32::from(range.start()), u32::from(range.end()));
        if end > 0x7f
            && (end - start > 4096
                || (start.max(0x80)..=end).filter_map(char::from_u32).any(char::is_alphanumeric))
        {
            return false;
        }
        ascii_word |=
            (start..=end.min(0x7f)).filter_map(char::from_u32).any(|c| c.is_ascii_alphanumeric() || c == '_');
    }
    ascii_word
}

/// What a space in a pattern matches: a run of whitespace, with any markup markers beside it
/// (`**Feburary** 3`).
pub(crate) const GAP: &str = r"\x1F*\s[\s\x1F]*";

/// Replaces each run of literal spaces with [`GAP`], leaving a quantified space (` +`, ` {2}`) and
/// spaces in classes as written; in `(?x)` mode spaces are not literals and nothing changes.
fn widen_spaces(source: &str, ast: &Ast) -> String {
    fn collect(ast: &Ast, quantified: bool, spans: &mut Vec<Range<usize>>) {
        match ast {
            Ast::Literal(lit) if lit.c == ' ' && !quantified => {
                spans.push(lit.span.start.offset..lit.span.end.offset)
            }
            Ast::Group(group) => collect(&group.ast, false, spans),
            Ast::Repetition(rep) => collect(&rep.ast, true, spans),
            Ast::Alternation(alt) => alt.asts.iter().for_each(|a| collect(a, false, spans)),
            Ast::Concat(concat) => concat.asts.iter().for_each(|a| collect(a, false, spans)),
            _ => {}
        }
    }
    let mut spans = Vec::new();
    collect(ast, false, &mut spans);
    spans.sort_by_key(|s| s.start);
    let mut out = String::with_capacity(source.len() + 8);
    let mut at = 0;
    for span in spans {
        if span.start < at {
            continue;
        }
        out.push_str(&source[at..span.start]);
        // Adjacent spaces become one gap.
        if !out.ends_with(GAP) || at != span.start {
            out.push_str(GAP);
        }
        at = span.end;
    }
    out.push_str(&source[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(list: &[&str], mode: Mode) -> Result<Patterns, Vec<(String, String)>> {
        let file = list.iter().map(|p| format!("'{p}'")).collect::<Vec<_>>().join(", ");
        let mut spanned = Vec::new();
        let mut at = 0;
        for p in list {
            let start = file[at..].find('\'').unwrap() + at;
            let end = start + p.len() + 2;
            spanned.push(Spanned::new(start..end, p.to_string()));
            at = end;
        }
        let language = crate::pack::Language::default();
        let mut cx = Compiler::new(&file, &language);
        let patterns = Patterns::compile(&mut cx, &spanned, mode, true);
        match patterns {
            Some(p) if cx.problems.is_empty() => Ok(p),
            _ => Err(cx.problems.into_iter().map(|p| (p.message, file[p.span].to_string())).collect()),
        }
    }

    /// Patterns that keep case are not sure to match where the prefilter, blind to case, finds
    /// literals with letters: a rule searches the whole document for them first.
    #[test]
    fn patterns_that_keep_case_are_not_sure_where_their_letters_are_found() {
        let sure = |pattern: &str, ignore_case: bool| {
            let language = crate::pack::Language::default();
            let mut cx = Compiler::new("", &language);
            let list = [Spanned::new(0..0, pattern.to_owned())];
            let patterns = Patterns::compile(&mut cx, &list, Mode::Words, ignore_case).unwrap();
            (patterns.prefiltered(), patterns.nearly_sure())
        };
        assert_eq!(sure("monday|tuesday", false), (true, false));
        assert_eq!(sure("monday|tuesday", true), (true, true));
        assert_eq!(sure(r"[a-z]+ ;", false), (true, true), "no letter in ` ;`");
        assert_eq!(sure(r"\w+-\w+", false), (false, false));
    }

    fn matches(list: &[&str], mode: Mode, text: &str) -> Vec<String> {
        let p = compile(list, mode).unwrap();
        p.find_iter(text).map(|r| text[r].to_string()).collect()
    }

    /// An anchored search finds what a search of the whole text finds first, when that starts at
    /// the start: with whole words, anchors, and alternatives that
    /// prefer a shorter match.
    #[test]
    fn a_match_at_the_start_is_the_first_a_whole_search_finds_there() {
        let lists: [&[&str]; 4] = [
            &["Street", r"St\.", "Avenue", "Place"],
            &[r"^[A-Z][A-Z .,/-]+,", "^Source:"],
            &["ab?", "a b", "b"],
            &["a|ab", r"\d+"],
        ];
        let alphabet = ["a", "b", "St", ".", " ", "Street", "A", "Z", ",", "Source:", "1", "é", "-"];
        let mut random = crate::hash::Random::new(0x0a7_57a7);
        for (k, list) in lists.iter().enumerate() {
            for mode in [Mode::Words, Mode::Raw] {
                let p = compile(list, mode).unwrap();
                let mut agreed = [0, 0];
                for _ in 0..3_000 {
                    let len = random.below(8);
                    let text: String = (0..len).map(|_| alphabet[random.below(alphabet.len())]).collect();
                    let first = p.find_iter(&text).next().filter(|r| r.start == 0);
                    assert_eq!(p.at_start(&text), first, "list {k}, {text:?}");
                    agreed[usize::from(first.is_some())] += 1;
                }
                assert!(agreed[0] > 0 && agreed[1] > 0, "list {k}: both answers are asked ({agreed:?})");
            }
        }
    }

    #[test]
    fn whole_words_with_punctuation_edges() {
        assert_eq!(
            matches(&["U.S.", "Azeri"], Mode::Words, "U.S. and Azeris and Azeri."),
            vec!["U.S.", "Azeri"]
        );
        assert_eq!(matches(&[r"\$\d+ billion"], Mode::Words, "a $12 billion deal"), vec!["$12 billion"]);
        assert_eq!(matches(&["rich"], Mode::Words, "Zürich is rich"), vec!["rich"]);
        assert_eq!(matches(&["[“”]"], Mode::Words, "“Yes,” he said"), vec!["“", "”"]);
        assert_eq!(matches(&["[a-c]at"], Mode::Words, "bat acat"), vec!["bat"]);
    }

    #[test]
    fn words_with_non_ascii_edges() {
        assert_eq!(
            matches(&["café", "Élysée"], Mode::Words, "the Élysée café, cafés"),
            vec!["Élysée", "café"]
        );
        assert_eq!(matches(&["[a-zé]+é"], Mode::Words, "un été"), vec!["été"]);
    }

    #[test]
    fn spaces_match_line_breaks() {
        assert_eq!(matches(&["per cent"], Mode::Words, "5 per\ncent"), vec!["per\ncent"]);
        assert_eq!(matches(&[r"\w +,"], Mode::Raw, "a  , b"), vec!["a  ,"]);
        let widened = |p: &str| widen_spaces(p, &ast::parse::Parser::new().parse(p).unwrap());
        assert_eq!(widened("a  b [ ] c ?"), format!("a{GAP}b{GAP}[ ]{GAP}c ?"));
        assert_eq!(widened("[]a ] b"), format!("[]a ]{GAP}b"));
        assert_eq!(widened("(?x) a b"), "(?x) a b");
    }

    /// Whether a prefilter literal (perhaps ending with [`WORD_END`]) is in folded prose, as the
    /// prefilter looks for it.
    fn is_in_folded(folded: &[u8], literal: &[u8]) -> bool {
        let (text, word_end) = match literal.strip_suffix(&[WORD_END]) {
            Some(text) => (text, true),
            None => (literal, false),
        };
        let ends = |at: usize| !word_end || may_end_word(folded, at + text.len());
        folded.windows(text.len()).enumerate().any(|(at, w)| w == text && ends(at))
    }

    fn literals(pattern: &str, ignore_case: bool) -> Option<Vec<String>> {
        let source = {
            let ast = ast::parse::Parser::new().parse(pattern).unwrap();
            format!(r"(?-u:\b)({})(?-u:\b)", widen_spaces(pattern, &ast))
        };
        // A literal that ends a word is shown with `\b` after it.
        let shown = |mut literal: Vec<u8>| {
            if literal.last() == Some(&WORD_END) {
                literal.pop();
                literal.extend_from_slice(b"\\b");
            }
            String::from_utf8(literal).unwrap()
        };
        required_literals(&source, ignore_case).map(|l| l.into_iter().map(shown).collect())
    }

    #[test]
    fn prefilter_literals() {
        assert_eq!(literals("tip of the iceberg", true).unwrap(), vec!["tip of the iceberg\\b"]);
        // Under ignore-case an `s` before a boundary may be a long s, after which an ASCII
        // boundary asks for a letter: no mark.
        assert_eq!(
            literals("game[- ]changers?|paradigm shift", true).unwrap(),
            vec!["game changers", "game changer\\b", "game-changers", "game-changer\\b", "paradigm shift\\b"]
        );
        assert_eq!(literals("(should|could) of", true).unwrap(), vec!["could of\\b", "should of\\b"]);
        // Ignoring case, a letter outside ASCII splits the literal; case kept, it stays.
        assert_eq!(literals("Élysée Palace", true).unwrap(), vec!["e palace\\b"]);
        assert_eq!(literals("Élysée Palace", false).unwrap(), vec!["Élysée palace\\b"]);
        // Nothing worth searching for: classes, short or common words.
        assert_eq!(literals(r"\w+-\w+", true), None);
        assert_eq!(literals(r"\d+ (?:a|to)", true), None);
        assert_eq!(literals("to|unique", true), None);
        // A rare symbol, or a space before a mark, is worth looking for alone.
        assert_eq!(literals(r"\d+%", true).unwrap(), vec!["%"]);
        assert_eq!(literals(r"\d+%|percent", true), None, "percent is everywhere in news copy");
        assert_eq!(literals(r"\w+ ,", true).unwrap(), vec![" ,"]);
    }

    #[test]
    fn whitespace_and_small_classes_join_literals() {
        assert_eq!(
            literals(r"\b([a-z]+)[ \t]+([,;:?!])", false).unwrap(),
            vec![" !", " ,", " :", " ;", " ?"]
        );
        assert_eq!(literals(r"heavy\s+rain", true).unwrap(), vec!["heavy rain\\b"]);
        assert_eq!(literals(r"colou?r", true).unwrap(), vec!["color\\b", "colour\\b"]);
        assert_eq!(literals(r"gr[ae]y area", true).unwrap(), vec!["gray area\\b", "grey area\\b"]);
        // A class of many characters, or whitespace that may be absent, ends a literal.
        assert_eq!(literals(r"\d+ ?percent", true), None);
        assert_eq!(literals(r"tip\s*of the iceberg", true).unwrap(), vec!["of the iceberg\\b"]);
        // NUL stands for a pattern space in a literal, so a class with it is not multiplied out.
        assert_eq!(literals(r"\w+[\x00_]abcdefgh", false).unwrap(), vec!["abcdefgh\\b"]);
    }

    #[test]
    fn groups_of_a_few_texts_join_literals() {
        // A group's last digit joins the literals after it, which a small group multiplies out.
        let times = literals(r"(\d?[0-9])(?: ?(?:AM|am)\b\.?| ?A\.M\.?|a\.m\.)", false).unwrap();
        // A word ends after `am` without its stop, and after `a.m`.
        assert_eq!(times.len(), 80, "{times:?}");
        for expected in ["0am\\b", "0am.", "7 am\\b", "7a.m.", "9 a.m\\b"] {
            assert!(times.iter().any(|l| l == expected), "{expected} in {times:?}");
        }
        assert_eq!(
            literals(r"(?:big|large) ?deal", true).unwrap(),
            vec!["big deal\\b", "bigdeal\\b", "large deal\\b", "largedeal\\b"]
        );
        // A group of many texts, or of endless ones, ends a literal.
        assert_eq!(literals(r"\d+(?:a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q)xyz", true).unwrap(), vec!["xyz\\b"]);
        assert_eq!(literals(r"(?:ab|cd)*efghij", true).unwrap(), vec!["efghij\\b"]);
        // A small class repeated ends with one of its characters, which joins what follows.
        let ordinals = literals(r"([0-9]{1,4})([snrt][tdh])", false).unwrap();
        assert_eq!(ordinals.len(), 120, "{ordinals:?}");
        assert!(ordinals.iter().any(|l| l == "3rt\\b") && ordinals.iter().all(|l| l.len() == 5));
    }

    /// A pattern of one to three of `parts` at random, whether it ignores case, and its source
    /// as a list compiles it (spaces widened).
    fn random_pattern(random: &mut crate::hash::Random, parts: &[&str]) -> (String, bool, String) {
        let pattern: String = (0..1 + random.below(3)).map(|_| parts[random.below(parts.len())]).collect();
        let ignore_case = random.below(2) == 0;
        let source = widened(&pattern).expect("the parts parse");
        (pattern, ignore_case, source)
    }

    /// Pieces of patterns the oracles below join at random: literals, classes of whitespace and
    /// of letters, groups, repetitions and boundaries.
    const PARTS: &[&str] = &[
        "ab",
        "b c",
        "c",
        "[ \t]+",
        r"\s",
        r"\s*",
        "[,;]",
        "[ab]",
        "[a ]",
        r"\d",
        "a?",
        "(?:ab|c)",
        "(?:b|, )",
        "[ \n]",
        "x",
        "(b)",
        r"\w",
        "[ac]b",
        ", ",
        "[0-9]",
        "(?: ?ab|c\\b)",
        "(a(b)?c)",
        "(?:a|b c)?",
        r"(\d?[0-9])",
        "[ab]+",
        "([0-9]{1,3})",
        "[ \t]+",
        r"ab\b",
        r"(?-u:\b)",
        r"\b",
        r"c\b{end}",
        r"x(?-u:\b)y?",
        "ks",
        r"k(?-u:\b)",
        r"s(?-u:\b)a",
    ];

    /// Every match of a pattern has one of the prefilter's literals in the folded text (one that
    /// ends a word, where no word character follows): checked on random patterns built from
    /// literals, classes, whitespace, groups and word boundaries, and random text.
    #[test]
    fn prefilter_literals_are_in_every_match() {
        let parts = PARTS;
        let alphabet = [
            "a", "b", "c", " ", "\t", "\n", ",", ";", "A", "B", "x", "1", "\u{1f}", "  ", "ab", "b c", "k",
            "s", "_", "\u{212A}", "ſ", "é", "y",
        ];
        let mut random = crate::hash::Random::new(0x1234_5678_9abc_def1);
        let mut checked = 0;
        for _ in 0..3_000 {
            let (pattern, ignore_case, source) = random_pattern(&mut random, parts);
            let Some(literals) = required_literals(&source, ignore_case) else { continue };
            let regex = build(&source, ignore_case).unwrap();
            for _ in 0..300 {
                let text: String =
                    (0..random.below(24)).map(|_| alphabet[random.below(alphabet.len())]).collect();
                if regex.is_match(&text) {
                    let folded = fold(&text);
                    assert!(
                        literals.iter().any(|l| is_in_folded(folded.as_bytes(), l)),
                        "{pattern:?} matches {text:?} but none of {literals:?} is in {folded:?}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 5_000, "only {checked} matches checked");
    }

    #[test]
    fn caseless_marks_outside_ascii_are_literals_under_ignore_case() {
        assert_eq!(literals("“[^”]*”", true).unwrap(), vec!["”"]);
        assert_eq!(literals("’", true).unwrap(), vec!["’"]);
        assert_eq!(literals("x—y", true).unwrap(), vec!["x—y\\b"]);
        // A letter with another case splits the literal: the prefilter folds only ASCII.
        assert_eq!(literals("Zürich", true).unwrap(), vec!["rich\\b"]);
        assert_eq!(literals("Zürich", false).unwrap(), vec!["zürich\\b"]);
        assert!(has_other_case('é') && has_other_case('ß') && has_other_case('Σ'));
        assert!(!has_other_case('“') && !has_other_case('—') && !has_other_case('’'));
    }

    /// How many bytes a match spans at most: a run of whitespace counts as one character, a run
    /// of letters and digits as the longest word; any other run leaves no bound, and so does an
    /// anchor.
    #[test]
    fn spreads() {
        let spread = |pattern: &str| Some(compile(&[pattern], Mode::Raw).unwrap().reaches()?[0].1);
        let fixed = |fixed: usize| Some(Spread { fixed, per_word: 0 });
        assert_eq!(spread("in order to"), fixed(11));
        assert_eq!(spread("colou?r"), fixed(6));
        // `\s` may be a character of three bytes (U+3000).
        assert_eq!(spread(r"hello\s+world"), fixed(13));
        assert_eq!(spread(r"\b([a-z]+)[ \t]+([,;:?!])"), Some(Spread { fixed: 2, per_word: 1 }));
        assert_eq!(spread(r"(?:[0-9]+ ){2}percent"), Some(Spread { fixed: 9, per_word: 2 }));
        assert_eq!(spread(r"\w+-us"), None, "`_` is no letter");
        assert_eq!(spread(r"\(photo[^()]*\)"), None);
        assert_eq!(spread(r"^in order to"), None);
    }

    /// Every match of a pattern lies inside the window of a place where the prefilter finds one
    /// of its literals (`engine::Place`: widened by the pattern's spread), in text with runs of
    /// whitespace and markers (which folding shortens) and letters that fold shorter.
    #[test]
    fn matches_lie_inside_the_windows_of_their_literals() {
        // And runs without bound: of letters, of whitespace, of punctuation (no bound).
        let runs =
            ["a  b", " ;", "s a", "[a-z]+", r"\s+", "[0-9]+", "[a-c]{2,}", "b+", "[, ]+", "x[,;]+", "[ \n]+"];
        let parts: Vec<&str> = PARTS.iter().chain(&runs).copied().collect();
        let alphabet = [
            "a", "b", "c", " ", "\t", "\n", ",", ";", "A", "x", "1", "\u{1f}", "  ", "   ", " \u{1f} ", "ab",
            "b c", "k", "s", "\u{212A}", "ſ", "é", "\u{a0}", "\u{3000}", ",,,,,,",
        ];
        let mut random = crate::hash::Random::new(0x0bad_cafe_f00d_5eed);
        let (mut checked, mut unbounded) = (0, 0);
        for _ in 0..5_000 {
            let (pattern, ignore_case, source) = random_pattern(&mut random, &parts);
            let (Some(literals), Some(spread)) =
                (required_literals(&source, ignore_case), spread(&source, ignore_case))
            else {
                continue;
            };
            unbounded += usize::from(spread.per_word > 0);
            let regex = build(&source, ignore_case).unwrap();
            for _ in 0..100 {
                let text: String =
                    (0..random.below(30)).map(|_| alphabet[random.below(alphabet.len())]).collect();
                let folded = fold(&text);
                let removed = text.len() - folded.len();
                // The longest run of letters and digits, which lies inside the longest word.
                let longest_word =
                    text.split(|c: char| !c.is_alphanumeric()).map(str::len).max().unwrap_or(0);
                let spread = spread.fixed + spread.per_word * longest_word;
                let base = random.below(3);
                let mut places = Vec::new();
                for literal in &literals {
                    let (bare, word_end) = match literal.strip_suffix(&[WORD_END]) {
                        Some(bare) => (bare, true),
                        None => (literal.as_slice(), false),
                    };
                    for at in 0..=folded.len().saturating_sub(bare.len()) {
                        let end = at + bare.len();
                        if folded.as_bytes().get(at..end) == Some(bare)
                            && (!word_end || may_end_word(folded.as_bytes(), end))
                        {
                            places.push(crate::engine::Place::of(0, base, at..end, removed));
                        }
                    }
                }
                for m in regex.find_iter(&text) {
                    let (start, end) = (base + m.start(), base + m.end());
                    let inside = |p: &crate::engine::Place| {
                        p.lo.saturating_sub(spread) <= start && end <= p.hi + spread
                    };
                    assert!(
                        places.iter().any(inside),
                        "{pattern:?} matches {:?} of {text:?} (folded {folded:?}), outside {places:?} widened by {spread}",
                        &text[m.range()]
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 5_000, "only {checked} matches checked");
        assert!(unbounded > 100, "only {unbounded} patterns with a run of letters");
    }

    #[test]
    fn prefilter_literals_as_folded_prose_has_them() {
        // Spaces on both sides of a group are one space, as in folded prose.
        assert_eq!(literals("(?:heavy )( rain)", true).unwrap(), vec!["heavy rain\\b"]);
        assert!(fold("heavy \nrain").contains("heavy rain"));
        // The Kelvin sign and long s fold to the letters a case-insensitive regex takes them for.
        assert_eq!(fold("ſuicide \u{212A}iev"), "suicide kiev");
        assert_eq!(literals("ſuicide", false).unwrap(), vec!["suicide\\b"]);
        // A literal the extractor cut inside a character ends where the character began.
        let cut = format!("abc(?:{})?cd\\d", "é".repeat(60));
        let found = literals(&cut, false).unwrap();
        assert!(found.iter().all(|l| !l.contains('\u{FFFD}')), "{found:?}");
    }

    #[test]
    fn folded_prose_matches_literals_with_spaces() {
        assert_eq!(fold("Tip  of\n\x1fthe\u{a0}ICEBERG, \x1fCafé\x1f"), "tip of the iceberg, café\x1f");
        assert_eq!(fold("a\x1f\x1fb \t"), "a\x1f\x1fb ");
    }

    /// What [`fold`] does, a character at a time: each maximal run of whitespace and markers is
    /// one space if it has whitespace in it, else kept; every other character folded.
    fn fold_by_characters(prose: &str) -> String {
        let mut out = String::new();
        let mut chars = prose.chars().peekable();
        while let Some(c) = chars.next() {
            let gap = |c: char| c.is_whitespace() || c == char::from(crate::markup::MARK);
            if !gap(c) {
                out.push(fold_char(c));
                continue;
            }
            let mut run = String::from(c);
            while let Some(&next) = chars.peek().filter(|&&n| gap(n)) {
                run.push(next);
                chars.next();
            }
            if run.chars().any(char::is_whitespace) {
                out.push(' ');
            } else {
                out.push_str(&run);
            }
        }
        out
    }

    #[test]
    fn fold_is_the_same_as_folding_by_characters() {
        let alphabet = [
            "a", "Z", "K", "é", "É", "£", "\u{85}", "\u{a0}", "\u{1680}", "\u{2003}", "\u{2028}", "\u{205f}",
            "\u{2060}", "\u{212A}", "\u{17F}", "\u{3000}", "\u{3001}", "ſ", "\u{1E9E}", " ", "\n", "\t",
            "\x0b", "\x01", "\x1f", "’", "Ω", "😀",
        ];
        let mut random = crate::hash::Random::new(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..random.below(12) {
                text.push_str(alphabet[random.below(alphabet.len())]);
            }
            assert_eq!(fold(&text), fold_by_characters(&text), "{text:?}");
        }
        // Mostly printable ASCII, eight bytes at a time, with the odd gap or character that is not.
        let pieces = [
            "Minsk ",
            "Group",
            " ",
            "  ",
            "a",
            "Z.",
            "(Reuters) - ",
            "\n",
            "\t",
            "\x1f",
            "é",
            "\u{a0}",
            "@[`{",
        ];
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..random.below(24) {
                let i = random.below(pieces.len());
                text.push_str(pieces[if i >= 7 && random.below(3) > 0 { random.below(7) } else { i }]);
            }
            assert_eq!(fold(&text), fold_by_characters(&text), "{text:?}");
        }
    }

    #[test]
    fn raw_matches_inside_words() {
        assert_eq!(matches(&["ize"], Mode::Raw, "utilize"), vec!["ize"]);
    }

    #[test]
    fn a_match_names_its_pattern_and_groups() {
        let p = compile(&["(cease)-fire", r"Azeri(s?)", r"(\w+) (\w+)ly"], Mode::Words).unwrap();
        let text = "Azeris and cease-fire; talks went badly";
        let found: Vec<(usize, String)> =
            p.captures_iter(text).map(|f| (f.origin, f.expand("[$1|${2}|$$]"))).collect();
        assert_eq!(
            found,
            vec![(1, "[s||$]".to_owned()), (0, "[cease||$]".to_owned()), (2, "[went|bad|$]".to_owned())]
        );
    }

    #[test]
    fn exceptions_excuse_overlapping_matches() {
        let file = "'Chicken Kiev'";
        let language = crate::pack::Language::default();
        let mut cx = Compiler::new(file, &language);
        let exceptions =
            Exceptions::compile(&mut cx, &[Spanned::new(0..file.len(), "Chicken Kiev".into())], false)
                .unwrap();
        let text = "Kiev, Chicken Kiev and Kiev";
        let mut found = vec![0..4, 14..18, 23..27];
        exceptions.retain_unexcused(text, &mut found, Range::clone);
        assert_eq!(found, vec![0..4, 23..27]);
    }

    /// Exceptions, short ones looked for only near the ranges asked about, excuse a range
    /// exactly when a search of the whole text, left to right, finds one over it: asked in
    /// order, out of order, about one character or several, with exceptions that overlap
    /// each other (`a-b` hides `b-c` in `a-b-c`) or that the whole-word check drops (`rich-` in
    /// `Zürich-x` still hides `-x`).
    #[test]
    fn exceptions_near_a_range_are_those_of_a_search_of_the_whole_text() {
        let lists: [&[&str]; 8] = [
            &[r"(?:^|\s)(?:[A-Za-z]|[0-9]{1,3})\)", r"[:;]-?[()]"],
            &["ab|abc", r"é\)"],
            &[r"b\)$", "a b"],
            &[r"\w+\)"],
            &["(?i)k\\)"],
            &["a-b", "b-c"],
            &["rich-", "-x"],
            &["[a-c]{1,9}\\)", "c-?a"],
        ];
        let alphabet =
            ["a", "b", "c", " ", "\n", ")", "(", ":", "-", "é", "1", "K", "\u{212A}", "ab", "ü", "x"];
        let mut random = crate::hash::Random::new(0x5eed_cafe_f00d_0001);
        let language = crate::pack::Language::default();
        let mut near = 0;
        for list in lists {
            let file = list.iter().map(|p| format!("'{p}'")).collect::<Vec<_>>().join(", ");
            let mut cx = Compiler::new(&file, &language);
            let spanned: Vec<Spanned<String>> =
                list.iter().map(|p| Spanned::new(0..1, p.to_string())).collect();
            let exceptions = Exceptions::compile(&mut cx, &spanned, false).unwrap();
            let patterns = exceptions.patterns.as_ref().unwrap();
            for round in 0..600 {
                let len = if round % 50 == 0 { 400 } else { random.below(30) };
                let text: String = (0..len).map(|_| alphabet[random.below(alphabet.len())]).collect();
                let chain: Vec<Range<usize>> = patterns.find_iter(&text).collect();
                let excused = exceptions.within(&text);
                let starts: Vec<usize> = (0..text.len()).filter(|&s| text.is_char_boundary(s)).collect();
                // Ranges of one to three characters, or now and then of up to twenty (so that the
                // next may lie inside one), in order, with a jump back now and then.
                let mut i = 0;
                while i < starts.len() {
                    let n = if random.below(8) == 0 { 1 + random.below(20) } else { 1 + random.below(3) };
                    let end = starts.get(i + n).copied().unwrap_or(text.len());
                    let range = starts[i]..end;
                    let expected = chain.iter().any(|m| m.start < range.end && range.start < m.end);
                    assert_eq!(
                        excused.overlaps(range.clone()),
                        expected,
                        "{list:?} over {range:?} of {text:?}"
                    );
                    i = if random.below(20) == 0 { random.below(i + 1) } else { i + 1 + random.below(4) };
                }
            }
            near += usize::from(exceptions.within("").longest.is_some());
        }
        // A space in a pattern matches any run of whitespace, so `a b` has no longest match.
        assert_eq!(near, 6, "`\\w+` and `a b` are searched for in the whole text");
        // A jump that lands inside a match goes back to its start: the search finds `a--b`, so
        // `-b-c`, which a search from its second `-` would find, is no exception, and `c` is not
        // excused (the jump for `c` lands on that `-`, four bytes back).
        let file = "'a--b', '-b-c'";
        let mut cx = Compiler::new(file, &language);
        let spanned = ["a--b", "-b-c"].map(|p| Spanned::new(0..1, p.to_string()));
        let exceptions = Exceptions::compile(&mut cx, &spanned, false).unwrap();
        let text = "zzzzzzzzzz a--b-c";
        assert!(!exceptions.within(text).overlaps(16..17));
        assert!(exceptions.within(text).overlaps(14..15));
        // A range inside the one asked about before (an existence rule's `raw` match with a
        // `tokens` match in it): the search has gone past its end.
        let excused = exceptions.within(text);
        assert!(!excused.overlaps(0..10));
        assert!(!excused.overlaps(2..4));
        assert!(excused.overlaps(11..17));
        assert!(excused.overlaps(12..13));
        assert!(!excused.overlaps(16..17));
    }

    #[test]
    fn bad_regex_caret_on_the_mistake() {
        let errors = compile(&["ok", "a(b"], Mode::Words).unwrap_err();
        assert_eq!(errors[0].0, "invalid regex: unclosed group");
        assert_eq!(errors[0].1, "(");
        let errors = compile(&[r"\p{Nope}"], Mode::Words).unwrap_err();
        assert!(errors[0].0.starts_with("invalid regex"), "{errors:?}");
        assert_eq!(compile(&["a*"], Mode::Words).unwrap_err()[0].0, "this pattern matches empty text");
    }
}
