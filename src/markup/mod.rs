//! Markup: turns an article's text into a [`Document`] of prose blocks, keeping byte offsets.
//!
//! The document's `prose` is a copy of the text with the same length in which everything that is
//! not prose is blanked: markup syntax, link destinations and raw HTML become spaces, and inline
//! code becomes U+001A (neither a word nor a space, so "the `x` the" is not a doubled word). Line
//! breaks are kept. Every rule searches `prose` inside block ranges, so every offset it finds is
//! already an offset into the original file; nothing is ever searched for again.
//!
//! This module does no I/O.

mod markdown;
mod plain;

use std::borrow::Cow;
use std::ops::Range;

use crate::source::Format;

/// The byte written over inline code, math and autolinks in `prose`.
pub const ATOM: u8 = 0x1a;

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

    pub fn of(scopes: impl IntoIterator<Item = Scope>) -> ScopeSet {
        ScopeSet(scopes.into_iter().fold(0, |bits, s| bits | s.bit()))
    }

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
}

impl<'a> Document<'a> {
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
