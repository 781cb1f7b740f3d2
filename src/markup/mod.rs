//! Markup: turns an article's text into a [`Document`] of prose blocks, keeping byte offsets.
//!
//! The document's `prose` is a copy of the text, byte for byte the same length and with the same
//! character boundaries, in which everything that is not prose is blanked. Inside a block, markup
//! (`*`, `[`, a link destination), inline code, raw HTML and bare URLs become a filler that is
//! neither a word nor a space (U+001F over markup markers, U+001A over code and URLs, or a
//! symbol of the same UTF-8 length for a wider character), so "the `x` the" is no doubled word
//! and `*important*,` has no space before its comma; a phrase may run across markers beside a
//! space (`**Feburary** 3`). Outside blocks, and in the markers that open a line inside one (`> `), they become
//! spaces. Line breaks are kept. Every rule searches `prose` inside block ranges, so every offset
//! it finds is already an offset into the original file, on a character boundary of it; nothing
//! is ever searched for again.
//!
//! This module does no I/O.

mod markdown;
mod plain;

use std::borrow::Cow;
use std::ops::Range;

use crate::source::Format;

/// The filler written in `prose` over one-byte characters inside a block that stand for
/// something a reader sees (inline code, a URL): neither a word nor a space.
pub const ATOM: u8 = 0x1a;

/// The filler written in `prose` over one-byte markup markers inside a block (`*`, `_`, `[`, a
/// link destination): neither a word nor a space, but a phrase may run across it (`**Feburary**
/// 3`), and a word either side of it is still next to the other (`the **the**`).
pub const MARK: u8 = 0x1f;

/// Whether a character of `prose` separates words as a space does: whitespace, or a markup
/// marker beside it.
pub fn is_gap(c: char) -> bool {
    c.is_whitespace() || c == char::from(MARK)
}

/// What each byte of the original text is, while a document is built.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Markup, or anything else that is not prose.
    Syntax,
    /// Not prose, but something a reader sees in its place: inline code, a URL.
    Atom,
    Prose,
}

/// What kind of block a run of prose belongs to; rules choose blocks by these names (`scope`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    Heading,
    Paragraph,
    List,
    Quote,
    Table,
}

impl Scope {
    pub const ALL: [Scope; 5] = [Scope::Heading, Scope::Paragraph, Scope::List, Scope::Quote, Scope::Table];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Heading => "heading",
            Scope::Paragraph => "paragraph",
            Scope::List => "list",
            Scope::Quote => "quote",
            Scope::Table => "table",
        }
    }

    /// Parses a scope name as rule files write it.
    pub fn parse(word: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == word)
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A set of scopes, as a rule's `scope` key gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScopeSet(u8);

impl ScopeSet {
    pub const ALL: ScopeSet = ScopeSet(0b1_1111);

    /// The set of the given scopes.
    pub fn of(scopes: impl IntoIterator<Item = Scope>) -> ScopeSet {
        ScopeSet(scopes.into_iter().fold(0, |bits, s| bits | s.bit()))
    }

    /// Whether the set has this scope.
    pub fn contains(self, scope: Scope) -> bool {
        self.0 & scope.bit() != 0
    }
}

/// A leaf block of prose: a paragraph, heading, list item, block-quote paragraph or table cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub range: Range<usize>,
    pub scope: Scope,
}

/// An article split into prose blocks, with offsets into the original text.
#[derive(Clone, Debug)]
pub struct Document<'a> {
    pub text: &'a str,
    pub prose: Cow<'a, str>,
    pub blocks: Vec<Block>,
    /// Where raw HTML is (Markdown): suppression comments count only there, not in code. `None`
    /// for plain text, which has no code.
    pub html: Option<Vec<Range<usize>>>,
}

impl<'a> Document<'a> {
    fn new(text: &'a str, prose: Cow<'a, str>, blocks: Vec<Block>, html: Option<Vec<Range<usize>>>) -> Self {
        Document { text, prose, blocks, html }
    }

    /// Finds the prose blocks of an article and blanks everything else in `prose`.
    pub fn parse(text: &'a str, format: Format) -> Document<'a> {
        match format {
            Format::Text => plain::parse(text),
            Format::Markdown => markdown::parse(text),
        }
    }

    /// The prose of a range, with markup blanked.
    pub fn prose(&self, range: Range<usize>) -> &str {
        &self.prose[range]
    }

    /// Whether a range holds exactly what the writer typed, with no markup blanked inside it.
    /// A fix may only replace such a range.
    pub fn is_plain(&self, range: Range<usize>) -> bool {
        self.text.get(range.clone()) == self.prose.get(range)
    }
}

/// Builds `prose` from the text, the byte ranges that are prose, those that are atoms (inline
/// code), and the blocks. Bare URLs inside blocks become atoms too. Returns the text itself when
/// nothing needs blanking.
fn build_prose<'a>(
    text: &'a str,
    prose_ranges: &[Range<usize>],
    atom_ranges: &[Range<usize>],
    blocks: &[Block],
) -> Cow<'a, str> {
    let urls: Vec<Range<usize>> = blocks
        .iter()
        .flat_map(|block| {
            let start = block.range.start;
            urls(&text[block.range.clone()]).into_iter().map(move |url| start + url.start..start + url.end)
        })
        .collect();
    // Most plain text is prose throughout: then no class is written down for each byte.
    if urls.is_empty() && atom_ranges.is_empty() && matches!(prose_ranges, [only] if *only == (0..text.len()))
    {
        return Cow::Borrowed(text);
    }
    let mut class = vec![Class::Syntax; text.len()];
    for range in prose_ranges {
        class[range.clone()].fill(Class::Prose);
    }
    for range in atom_ranges.iter().chain(&urls) {
        class[range.clone()].fill(Class::Atom);
    }
    if class.iter().all(|&c| c == Class::Prose) {
        return Cow::Borrowed(text);
    }
    let mut prose = String::with_capacity(text.len());
    let mut blocks = blocks.iter().peekable();
    // Whether the current line has had prose yet: markers before it (`> `) become spaces.
    let mut line_started = false;
    let mut i = 0;
    while i < text.len() {
        // A run of prose is copied whole.
        if class[i] == Class::Prose {
            let end = class[i..].iter().position(|&c| c != Class::Prose).map_or(text.len(), |n| i + n);
            prose.push_str(&text[i..end]);
            line_started = !matches!(text.as_bytes()[end - 1], b'\n' | b'\r');
            i = end;
            continue;
        }
        let c = text[i..].chars().next().expect("a character at a boundary");
        while blocks.peek().is_some_and(|b| b.range.end <= i) {
            blocks.next();
        }
        let in_block = blocks.peek().is_some_and(|b| b.range.start <= i);
        if c == '\n' || c == '\r' {
            prose.push(c);
            line_started = false;
        } else {
            let spacer = class[i] == Class::Syntax && (!in_block || !line_started);
            prose.push(match c.len_utf8() {
                1 if spacer => ' ',
                1 if class[i] == Class::Syntax => char::from(MARK),
                1 => char::from(ATOM),
                2 => '\u{b7}',
                3 => '\u{2022}',
                _ => '\u{10fffd}',
            });
        }
        i += c.len_utf8();
    }
    debug_assert_eq!(prose.len(), text.len(), "fillers keep every character's length");
    Cow::Owned(prose)
}

/// Bare URLs in a block's text (`https://…`, `www.…`), without trailing punctuation.
fn urls(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut starts = url_starts(text).peekable();
    let mut from = 0;
    while let Some(at) = starts.find(|&at| at >= from) {
        let starts_word = text[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let rest = &text[at..];
        let len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '“' | '”'))
            .unwrap_or(rest.len());
        let end =
            at + rest[..len].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '\'', '’']).len();
        if starts_word && end > at {
            found.push(at..end);
        }
        from = (at + len).max(at + 1);
        while !text.is_char_boundary(from) {
            from += 1;
        }
    }
    found
}

/// Where each `https://`, `http://` and `www.` starts, in order: the `://` after `http` or
/// `https`, and the `www.`. `://` and `www.` are rare in prose, so a search for them (SIMD, by
/// their rarest byte) passes over most text, where one for the URLs' first letters (`h`, `w`)
/// stopped at every other word. Neither overlaps itself, so no search misses one.
fn url_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    use memchr::memmem::Finder;
    static SCHEME: std::sync::LazyLock<Finder<'static>> = std::sync::LazyLock::new(|| Finder::new("://"));
    static WWW: std::sync::LazyLock<Finder<'static>> = std::sync::LazyLock::new(|| Finder::new("www."));
    let bytes = text.as_bytes();
    let schemes = SCHEME.find_iter(bytes).filter_map(|at| {
        let before = &bytes[..at];
        if before.ends_with(b"https") {
            Some(at - 5)
        } else if before.ends_with(b"http") {
            Some(at - 4)
        } else {
            None
        }
    });
    let mut schemes = schemes.peekable();
    let mut www = WWW.find_iter(bytes).peekable();
    std::iter::from_fn(move || match (schemes.peek(), www.peek()) {
        (Some(&a), Some(&b)) if b < a => www.next(),
        (Some(_), _) => schemes.next(),
        (None, _) => www.next(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The URL starts found are every place where `https://`, `http://` or `www.` begins, in
    /// order: `urls` takes the first after each URL, as a search for the first of the three did.
    #[test]
    fn url_starts_are_every_place_one_of_the_three_begins() {
        let pieces =
            ["http", "https", "://", "www.", "ww", "w.", "h", "s", ":", "/", " ", "é", "x", "HTTP", "."];
        let mut random = crate::hash::Random::new(0x5eed_1e55);
        let mut found = 0;
        for _ in 0..30_000 {
            let text: String = (0..random.below(14)).map(|_| pieces[random.below(pieces.len())]).collect();
            let expected: Vec<usize> = (0..text.len())
                .filter(|&i| text.is_char_boundary(i))
                .filter(|&i| ["https://", "http://", "www."].iter().any(|p| text[i..].starts_with(p)))
                .collect();
            assert_eq!(url_starts(&text).collect::<Vec<_>>(), expected, "{text:?}");
            found += expected.len();
        }
        assert!(found > 3_000, "only {found} URL starts");
    }

    /// `build_prose` as it was, a character at a time: the oracle for the one that copies runs.
    fn by_characters(text: &str, prose: &[Range<usize>], atoms: &[Range<usize>], blocks: &[Block]) -> String {
        let mut class = vec![Class::Syntax; text.len()];
        for range in prose {
            class[range.clone()].fill(Class::Prose);
        }
        for range in atoms {
            class[range.clone()].fill(Class::Atom);
        }
        for block in blocks {
            for url in urls(&text[block.range.clone()]) {
                class[block.range.start + url.start..block.range.start + url.end].fill(Class::Atom);
            }
        }
        let mut out = String::new();
        let mut blocks = blocks.iter().peekable();
        let mut line_started = false;
        for (i, c) in text.char_indices() {
            while blocks.peek().is_some_and(|b| b.range.end <= i) {
                blocks.next();
            }
            let in_block = blocks.peek().is_some_and(|b| b.range.start <= i);
            if c == '\n' || c == '\r' {
                out.push(c);
                line_started = false;
            } else if class[i] == Class::Prose {
                out.push(c);
                line_started = true;
            } else {
                let spacer = class[i] == Class::Syntax && (!in_block || !line_started);
                out.push(match c.len_utf8() {
                    1 if spacer => ' ',
                    1 if class[i] == Class::Syntax => char::from(MARK),
                    1 => char::from(ATOM),
                    2 => '\u{b7}',
                    3 => '\u{2022}',
                    _ => '\u{10fffd}',
                });
            }
        }
        out
    }

    #[test]
    fn prose_copied_in_runs_is_prose_copied_a_character_at_a_time() {
        let pieces =
            ["word ", "> ", "\n", "\r\n", "é", "“", "𝄞", "`code`", "www.example.com ", "# ", "  ", "x"];
        let mut random = crate::hash::Random::new(0x0bad_5eed_1234_5678);
        let mut next = |n: usize| random.below(n);
        for _ in 0..3_000 {
            let text: String = (0..next(30)).map(|_| pieces[next(pieces.len())]).collect();
            let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            let ranges = |count: usize, next: &mut dyn FnMut(usize) -> usize| -> Vec<Range<usize>> {
                let mut at: Vec<usize> = (0..2 * count).map(|_| bounds[next(bounds.len())]).collect();
                at.sort_unstable();
                at.chunks_exact(2).map(|pair| pair[0]..pair[1]).collect()
            };
            let (n, m, k) = (next(4), next(2), next(3));
            let (prose, atoms) = (ranges(n, &mut next), ranges(m, &mut next));
            let blocks: Vec<Block> = ranges(k, &mut next)
                .into_iter()
                .map(|range| Block { range, scope: Scope::Paragraph })
                .collect();
            assert_eq!(
                build_prose(&text, &prose, &atoms, &blocks),
                by_characters(&text, &prose, &atoms, &blocks),
                "{text:?} {prose:?} {atoms:?}"
            );
        }
    }
}
