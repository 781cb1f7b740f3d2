//! `balance`: quotation marks, parentheses and brackets that do not pair up within a paragraph.
//!
//! Brackets must close in the paragraph that opens them. A quotation may run on: by news
//! convention a quotation that continues into the next paragraph leaves its closing mark off and
//! the next paragraph opens with a quotation mark, so an open quotation is only flagged when the
//! next paragraph does not start with one. Plain-text copy that lost its paragraph breaks shows
//! the same convention inside one block (`…end of one.  "Start of the next`), and a straight
//! mark that opens a sentence while a quotation is open is read as such a new paragraph. A
//! quotation may hold one nested quotation written with the same mark (`"Banks may "evergreen"
//! loans," it said`); an outer quotation that holds one must close in its own paragraph.
//!
//! Straight marks open and close alike, so their direction is read from their neighbours: while
//! a quotation is open a mark closes it unless a space comes before it and none after; otherwise
//! a mark opens unless a word touches it before (`said:"We`, `"...And`, `(in London)",`). A
//! straight mark after a digit is an inch or a second (`a 12" screen`), not a quotation mark.
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `pairs` | list of [open, close] | brackets that must close in the paragraph (`["(", ")"]`) |
//! | `quotes` | list of [open, close] | quotation marks, which may run on (`["“", "”"]`, `["\"", "\""]`) |
//! | `exceptions` | list of regexes | matches that are not brackets: `a)` in a list, `:)` |
//!
//! Placeholders: `{match}` (the mark) and `{problem}` ("is never closed"; "closes nothing" for
//! a bracket, "has no opening mark" for a quotation mark). A closing bracket inside an
//! `exceptions` match (`a)` in a list) closes only a bracket the others leave open, so both
//! `(covering a) wages and b) prices)` and `(Channel 4)` are balanced; other marks inside an
//! exception are left out.
//! No fix: where the missing mark belongs is for the editor to say.
//!
//! ```toml
//! message = "`{match}` {problem} in this paragraph"
//! [balance]
//! pairs = [["(", ")"], ["[", "]"]]
//! ```

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::{Context, Hit};
use crate::pattern::Exceptions;
use crate::rule::Compiler;

/// The placeholders this kind fills in a message.
pub const PLACEHOLDERS: &[&str] = &["match", "problem"];

/// The keys of the kind table, for hints when one is misplaced.
pub const KEYS: &[&str] = &["pairs", "quotes", "exceptions"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Spec {
    #[serde(default)]
    pairs: Vec<Spanned<Vec<String>>>,
    #[serde(default)]
    quotes: Vec<Spanned<Vec<String>>>,
    #[serde(default)]
    exceptions: Vec<Spanned<String>>,
}

#[derive(Debug)]
pub struct Balance {
    pairs: Vec<(char, char)>,
    quotes: Vec<(char, char)>,
    exceptions: Exceptions,
    /// The first bytes of the quotation marks' UTF-8: a block without any has no quotation
    /// marks to pair (brackets are looked for as they are paired).
    quote_leads: Vec<u8>,
}

/// Validates the kind table, reporting every mistake with its span; `None` when there was one.
pub fn compile(spanned: &Spanned<Spec>, cx: &mut Compiler) -> Option<Balance> {
    let spec = spanned.get_ref();
    if spec.pairs.is_empty() && spec.quotes.is_empty() {
        cx.error(
            spanned.span(),
            "a balance rule needs `pairs` or `quotes`, or it can never fire",
            "in this table",
        );
        return None;
    }
    let mut ok = true;
    let mut read = |cx: &mut Compiler, list: &[Spanned<Vec<String>>]| -> Vec<(char, char)> {
        let mut out = Vec::new();
        for pair in list {
            let chars: Vec<Option<char>> = pair.get_ref().iter().map(|s| single_char(s)).collect();
            match chars.as_slice() {
                [Some(open), Some(close)] => out.push((*open, *close)),
                _ => {
                    cx.error(
                        pair.span(),
                        "expected two single characters, the opening and the closing mark",
                        "here",
                    );
                    ok = false;
                }
            }
        }
        out
    };
    let pairs = read(cx, &spec.pairs);
    let quotes = read(cx, &spec.quotes);
    if let Some(same) = pairs.iter().find(|(open, close)| open == close) {
        cx.error(
            spanned.span(),
            format!("`{}` opens and closes: list it under `quotes`", same.0),
            "in this table",
        );
        ok = false;
    }
    let exceptions = Exceptions::compile(cx, &spec.exceptions, false);
    let mut quote_leads: Vec<u8> = quotes
        .iter()
        .flat_map(|&(open, close)| [open, close])
        .map(|c| c.encode_utf8(&mut [0; 4]).as_bytes()[0])
        .collect();
    quote_leads.sort_unstable();
    quote_leads.dedup();
    ok.then_some(Balance { pairs, quotes, exceptions: exceptions?, quote_leads })
}

/// Whether `bytes` holds one of `wanted` (sorted, distinct).
fn has_any_byte(bytes: &[u8], wanted: &[u8]) -> bool {
    match *wanted {
        [] => false,
        [a] => memchr::memchr(a, bytes).is_some(),
        [a, b] => memchr::memchr2(a, b, bytes).is_some(),
        [a, b, c] => memchr::memchr3(a, b, c, bytes).is_some(),
        _ => wanted.chunks(3).any(|three| has_any_byte(bytes, three)),
    }
}

fn single_char(s: &str) -> Option<char> {
    let mut chars = s.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

/// A mark found unpaired, with what is wrong with it.
struct Unpaired {
    at: usize,
    mark: char,
    problem: &'static str,
}

impl Balance {
    /// Adds a hit for each finding in the document.
    pub fn check(&self, cx: &Context, hits: &mut Vec<Hit>) {
        let blocks = &cx.doc.blocks;
        for (b, block) in blocks.iter().enumerate() {
            if !cx.scope.contains(block.scope) {
                continue;
            }
            let text = cx.doc.prose(block.range.clone());
            // Brackets are found as they are paired, a pass over the block for each pair (a block
            // without any costs no more than a look for them first); quotation marks only in a
            // block that has one, for they need the block's lost paragraph breaks too.
            let quoted = !self.quotes.is_empty() && has_any_byte(text.as_bytes(), &self.quote_leads);
            if self.pairs.is_empty() && !quoted {
                continue;
            }
            // Does the next paragraph open with a quotation mark? Then a quotation may run on.
            let next_opens =
                blocks.get(b + 1).and_then(|n| cx.doc.prose(n.range.clone()).trim_start().chars().next());
            let mut unpaired = Vec::new();
            // A mark inside an exception (`a)` in a list, `:)`) may be no mark at all.
            // Searched for only when a mark is found.
            let excused = self.exceptions.within(text);
            let counts = |at: usize| !excused.overlaps(at..at + 1);
            // Marks outside ASCII (`“`, `”`) are in no story that is all ASCII: not looked for.
            let written =
                |&&(open, close): &&(char, char)| !cx.ascii() || open.is_ascii() || close.is_ascii();
            for &(open, close) in self.pairs.iter().filter(written) {
                brackets(text, open, close, &counts, &mut unpaired);
            }
            let breaks = if quoted { lost_paragraph_breaks(text) } else { Vec::new() };
            for &(open, close) in self.quotes.iter().filter(|_| quoted).filter(written) {
                let runs_on = next_opens == Some(open);
                if open == close {
                    straight(text, open, &breaks, runs_on, &counts, &mut unpaired);
                } else {
                    curly(text, open, close, &breaks, runs_on, &counts, &mut unpaired);
                }
            }
            let mut ranges: Vec<(Range<usize>, Unpaired)> =
                unpaired.into_iter().map(|u| (u.at..u.at + u.mark.len_utf8(), u)).collect();
            ranges.sort_by_key(|(r, _)| r.start);
            for (range, u) in ranges {
                hits.push(Hit {
                    range: block.range.start + range.start..block.range.start + range.end,
                    args: vec![("match", u.mark.to_string()), ("problem", u.problem.to_owned())],
                    ..Hit::default()
                });
            }
        }
    }
}

/// Brackets: a closing one with none open, or an opening one left open at the end. A closing
/// bracket inside an exception is optional: it closes a bracket only one left open by the
/// others (`(Channel 4)`), so `(covering a) wages and b) prices)` is balanced; an opening one
/// inside an exception (`:(`) is none.
fn brackets(text: &str, open: char, close: char, counts: &dyn Fn(usize) -> bool, out: &mut Vec<Unpaired>) {
    let mut stack = Vec::new();
    let mut optional = Vec::new();
    let marks = find_marks(text, open, close);
    for (i, c) in marks {
        if !counts(i) {
            if c == close {
                optional.push(i);
            }
        } else if c == open {
            stack.push(i);
        } else if stack.pop().is_none() {
            out.push(Unpaired { at: i, mark: c, problem: "closes nothing" });
        }
    }
    // Each bracket left open takes the first optional closing one after it.
    let mut next = optional.into_iter().peekable();
    for at in stack {
        while next.next_if(|&o| o < at).is_some() {}
        if next.next().is_none() {
            out.push(Unpaired { at, mark: open, problem: "is never closed" });
        }
    }
}

/// The quotations open at a point of a paragraph: the outer one, and at most one nested in it
/// (`"…to "evergreen" loans…"`), by their opening marks.
struct Open {
    mark: char,
    stack: Vec<usize>,
    /// Whether the outer quotation held a nested one: then it must close where it is, for a
    /// quotation left open with a pair of marks in it is likelier missing its closing mark than
    /// running on (`"You've seen … a "significant" drop. … said. "It's`).
    nested: bool,
}

impl Open {
    fn new(mark: char) -> Self {
        Open { mark, stack: Vec::new(), nested: false }
    }

    /// An opening mark at `at`. While a quotation is open, a mark that starts a sentence after a
    /// sentence end begins a new paragraph run together with the last (`…said. "Next`), and the
    /// open quotation ran on; any other opens a quotation inside it, and a third level means the
    /// inner one was never closed.
    fn open(&mut self, text: &str, at: usize, out: &mut Vec<Unpaired>) {
        if !self.stack.is_empty() && opens_new_paragraph(text, at) {
            self.end(true, out);
        } else if self.stack.len() == 2 {
            let inner = self.stack.pop().expect("two open");
            out.push(Unpaired { at: inner, mark: self.mark, problem: "is never closed" });
        }
        self.nested |= self.stack.len() == 1;
        self.stack.push(at);
    }

    /// A lost paragraph break before `at` (`…end of one.  Start of the next`). A quotation
    /// open there runs on when the next paragraph reopens it (the mark at `at` does that), and
    /// goes on when the next mark closes it: two spaces after a full stop inside one quotation.
    /// Otherwise it was never closed.
    fn at_break(&mut self, reopened: bool, next_closes: bool, out: &mut Vec<Unpaired>) {
        if !self.stack.is_empty() && !reopened && !next_closes {
            self.end(false, out);
        }
    }

    /// A closing mark at `at`.
    fn close(&mut self, at: usize, mark: char, out: &mut Vec<Unpaired>) {
        if self.stack.pop().is_none() {
            out.push(Unpaired { at, mark, problem: "has no opening mark" });
        }
        if self.stack.is_empty() {
            self.nested = false;
        }
    }

    /// The end of a paragraph: a quotation nested in another is never closed, and so is the
    /// outer one unless the next paragraph reopens it (`runs_on`) and it held no nested one.
    fn end(&mut self, runs_on: bool, out: &mut Vec<Unpaired>) {
        for (depth, &at) in self.stack.iter().enumerate() {
            if depth > 0 || !runs_on || self.nested {
                out.push(Unpaired { at, mark: self.mark, problem: "is never closed" });
            }
        }
        self.stack.clear();
        self.nested = false;
    }
}

/// Curly quotation marks, whose direction is written.
fn curly(
    text: &str,
    open: char,
    close: char,
    breaks: &[usize],
    runs_on: bool,
    counts: &dyn Fn(usize) -> bool,
    out: &mut Vec<Unpaired>,
) {
    let marks: Vec<(usize, char)> =
        find_marks(text, open, close).into_iter().filter(|&(i, _)| counts(i)).collect();
    let looks_closing: Vec<bool> = marks.iter().map(|&(_, c)| c == close).collect();
    let decide = |k: usize, _: &Open| Some(marks[k].1 == open);
    let at: Vec<usize> = marks.iter().map(|&(i, _)| i).collect();
    pair_quotations(text, (open, close), &at, &looks_closing, breaks, runs_on, decide, out);
}

/// Straight quotation marks, which open and close alike. While a quotation is open, a mark
/// closes it unless a space comes before it and none after (`(in London)",`, `"B-".`,
/// `challenge."Earlier`); otherwise a mark opens unless a word touches it before or a space
/// follows a mark that does not stand alone (`said:"We`, `"...And` and `" We` open).
fn straight(
    text: &str,
    mark: char,
    breaks: &[usize],
    runs_on: bool,
    counts: &dyn Fn(usize) -> bool,
    out: &mut Vec<Unpaired>,
) {
    // Each mark, with the characters either side of it.
    let marks: Vec<(usize, char, char)> = find_marks(text, mark, mark)
        .into_iter()
        .filter(|&(i, _)| counts(i))
        .map(|(i, c)| {
            let previous = text[..i].chars().next_back().unwrap_or(' ');
            (i, previous, text[i + c.len_utf8()..].chars().next().unwrap_or(' '))
        })
        .collect();
    let looks_closing: Vec<bool> = marks.iter().map(|&(_, previous, _)| !previous.is_whitespace()).collect();
    let decide = |k: usize, quotes: &Open| {
        let (_, previous, next) = marks[k];
        if quotes.stack.is_empty() {
            // After a digit, a mark is an inch or a second (a 12" screen), unless it closes an
            // open quotation ("Grand Theft Auto 4").
            if previous.is_ascii_digit() {
                return None;
            }
            Some(!previous.is_alphanumeric() && !next.is_whitespace() || previous.is_whitespace())
        } else {
            Some(previous.is_whitespace() && !next.is_whitespace())
        }
    };
    let at: Vec<usize> = marks.iter().map(|&(i, _, _)| i).collect();
    pair_quotations(text, (mark, mark), &at, &looks_closing, breaks, runs_on, decide, out);
}

/// Pairs quotation marks in order: `decide` says whether the mark `k` opens a quotation
/// (`Some(true)`), closes one (`Some(false)`) or is none (`None`), given those open. At a lost
/// paragraph break, a quotation runs on when the mark after the break opens one, and goes on when
/// the next mark looks like a closing one.
#[allow(clippy::too_many_arguments, reason = "the two kinds of mark differ only in these")]
fn pair_quotations(
    text: &str,
    (open, close): (char, char),
    marks: &[usize],
    looks_closing: &[bool],
    breaks: &[usize],
    runs_on: bool,
    decide: impl Fn(usize, &Open) -> Option<bool>,
    out: &mut Vec<Unpaired>,
) {
    let mut quotes = Open::new(open);
    let mut breaks = breaks.iter().peekable();
    for (k, &i) in marks.iter().enumerate() {
        while let Some(&&at) = breaks.peek().filter(|&&&at| at <= i) {
            breaks.next();
            quotes.at_break(i == at && decide(k, &quotes) == Some(true), looks_closing[k], out);
        }
        match decide(k, &quotes) {
            Some(true) => quotes.open(text, i, out),
            Some(false) => quotes.close(i, close, out),
            None => {}
        }
    }
    for _ in breaks {
        quotes.at_break(false, false, out);
    }
    quotes.end(runs_on, out);
}

/// Whether a quotation mark at `at` opens a new paragraph run together with the last one: it
/// follows the end of a sentence (with any closing single quote, bracket or stray backslash
/// after it) and at least one space (`…said. "Next`, `…metres?' "If`).
fn opens_new_paragraph(text: &str, at: usize) -> bool {
    let spaces = [' ', '\t', '\n', '\r'];
    let before = text[..at].trim_end_matches(spaces);
    let end = before.trim_end_matches(['\'', '’', ')', '\\']).trim_end_matches(spaces);
    before.len() < at && end.ends_with(['.', '!', '?', '"', '”', ':'])
}

/// Where `a` and `b` are in `text`, in order: ASCII marks with `memchr` (both in one pass),
/// others with memchr's `memmem` searcher for their UTF-8; either skips through the text, not a
/// character at a time.
fn find_marks(text: &str, a: char, b: char) -> Vec<(usize, char)> {
    if a.is_ascii() && b.is_ascii() {
        let (x, y, bytes) = (a as u8, b as u8, text.as_bytes());
        let mark = |i: usize| (i, if bytes[i] == x { a } else { b });
        return memchr::memchr2_iter(x, y, bytes).map(mark).collect();
    }
    let at = |c: char| {
        let mut utf8 = [0; 4];
        let needle: &[u8] = c.encode_utf8(&mut utf8).as_bytes();
        memchr::memmem::find_iter(text.as_bytes(), needle).map(move |i| (i, c)).collect::<Vec<_>>()
    };
    let mut marks = at(a);
    if b != a {
        marks.extend(at(b));
        marks.sort_unstable_by_key(|&(i, _)| i);
    }
    marks
}

/// Where the paragraphs of a block start whose paragraph breaks were lost, as in copy scraped
/// from the web: a sentence end followed by two spaces or more starts a new one.
fn lost_paragraph_breaks(text: &str) -> Vec<usize> {
    let mut breaks = Vec::new();
    let mut from = 0;
    // Each place two spaces follow a stop or a closing mark.
    for end in memchr::memmem::find_iter(text.as_bytes(), b"  ") {
        let Some(c) = text[..end].chars().next_back() else { continue };
        if end - c.len_utf8() >= from && matches!(c, '.' | '!' | '?' | '"' | '”' | '’') {
            let start = end + (text[end..].len() - text[end..].trim_start().len());
            if start < text.len() {
                breaks.push(start);
            }
            from = start;
        }
    }
    breaks
}
