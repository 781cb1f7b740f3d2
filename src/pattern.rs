//! Lists of regular expressions from rule files, compiled into one regex and matched either as
//! whole words (`tokens`, as in Vale) or as written (`raw`).
//!
//! Whole-word matching puts a word boundary only on the sides of a token that begin or end with a
//! word character, so `U.S.` and `$1 billion` match as written (Vale puts `\b` on both sides and
//! misses them). The boundary in the regex is ASCII, which keeps the fast DFA on text with curly
//! quotes; a match next to a non-ASCII letter ("rich" in "Zürich") is then dropped by a check on
//! the characters around it. A space in a pattern matches any run of whitespace, line breaks
//! included, so phrases match in hard-wrapped copy.
//!
//! Each pattern is validated on its own with regex-syntax, so an error carries the byte range of
//! the mistake inside that pattern, which the caller maps onto the rule file.

use std::ops::Range;
use std::sync::OnceLock;

use regex::{Captures, Regex, RegexBuilder};
use regex_syntax::ast::{self, Ast};
use toml::Spanned;

use crate::rule::Compiler;

/// Upper bound on the compiled size of one rule's regex (the regex crate's default is 10 MiB).
const SIZE_LIMIT: usize = 8 << 20;

#[derive(Debug)]
struct Item {
    /// The pattern as compiled (spaces widened), without boundaries.
    source: String,
    /// Index of the user's pattern this came from (a top-level alternation may be split).
    origin: usize,
    anchored: OnceLock<Option<Regex>>,
}

/// A compiled list of patterns.
#[derive(Debug)]
pub struct Patterns {
    regex: Regex,
    items: Vec<Item>,
    words: bool,
    ignore_case: bool,
}

/// Whether patterns match whole words or anywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Words,
    Raw,
}

impl Patterns {
    /// Validates and compiles `list`, reporting each bad pattern with a caret inside it.
    pub fn compile(
        cx: &mut Compiler,
        list: &[Spanned<String>],
        mode: Mode,
        ignore_case: bool,
    ) -> Option<Patterns> {
        let mut items = Vec::new();
        let mut ok = true;
        for (origin, pattern) in list.iter().enumerate() {
            let Some(parts) = validate(cx, pattern, ignore_case) else {
                ok = false;
                continue;
            };
            for (source, starts_word, ends_word) in parts {
                items.push((origin, source, starts_word, ends_word));
            }
        }
        if !ok {
            return None;
        }
        let words = mode == Mode::Words;
        let alternatives: Vec<String> = items
            .iter()
            .map(|(_, source, starts, ends)| {
                let before = if words && *starts { r"(?-u:\b)" } else { "" };
                let after = if words && *ends { r"(?-u:\b)" } else { "" };
                format!("{before}(?:{source}){after}")
            })
            .collect();
        let combined = alternatives.join("|");
        let regex = match build(&combined, ignore_case) {
            Ok(regex) => regex,
            Err(message) => {
                let span = list.first().map(Spanned::span).unwrap_or(0..0);
                cx.error(span, format!("these patterns do not compile: {message}"), "in this list");
                return None;
            }
        };
        for (origin, source, _, _) in &items {
            let alone = Regex::new(&format!("^(?:{source})$")).ok();
            if alone.is_some_and(|r| r.is_match("")) {
                cx.error(list[*origin].span(), "this pattern matches empty text", "matches nothing at all");
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        let items = items
            .into_iter()
            .map(|(origin, source, _, _)| Item { source, origin, anchored: OnceLock::new() })
            .collect();
        Some(Patterns { regex, items, words, ignore_case })
    }

    /// The ranges of every match in `text`, left to right, never overlapping.
    pub fn find_iter<'t>(&'t self, text: &'t str) -> impl Iterator<Item = Range<usize>> + 't {
        self.regex
            .find_iter(text)
            .map(|m| m.range())
            .filter(move |r| !r.is_empty() && (!self.words || whole_word(text, r)))
    }

    /// Which of the user's patterns produced `matched`, with its capture groups.
    pub fn which<'t>(&self, matched: &'t str) -> Option<(usize, Captures<'t>)> {
        self.items.iter().find_map(|item| {
            let regex =
                item.anchored.get_or_init(|| build(&format!("^(?:{})$", item.source), self.ignore_case).ok());
            regex.as_ref()?.captures(matched).map(|caps| (item.origin, caps))
        })
    }
}

/// Whole-word patterns that excuse a match they overlap ("Chicken Kiev" excuses "Kiev").
#[derive(Debug, Default)]
pub struct Exceptions(Option<Patterns>);

impl Exceptions {
    pub fn compile(cx: &mut Compiler, list: &[Spanned<String>], ignore_case: bool) -> Option<Exceptions> {
        if list.is_empty() {
            return Some(Exceptions(None));
        }
        Patterns::compile(cx, list, Mode::Words, ignore_case).map(|p| Exceptions(Some(p)))
    }

    /// Drops the ranges of `found` (matches in `text`) that an exception overlaps. The
    /// exceptions are only searched for when something was found.
    pub fn retain_unexcused(&self, text: &str, found: &mut Vec<Range<usize>>) {
        let Some(patterns) = &self.0 else { return };
        if found.is_empty() {
            return;
        }
        let excused: Vec<Range<usize>> = patterns.find_iter(text).collect();
        found.retain(|r| !excused.iter().any(|e| e.start < r.end && r.start < e.end));
    }
}

fn build(pattern: &str, ignore_case: bool) -> Result<Regex, String> {
    RegexBuilder::new(pattern).case_insensitive(ignore_case).size_limit(SIZE_LIMIT).build().map_err(|e| {
        match e {
            regex::Error::CompiledTooBig(limit) => format!("the compiled regex exceeds {limit} bytes"),
            other => other.to_string(),
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

/// Checks one pattern; returns its pieces (a top-level alternation whose branches differ in
/// whether they start or end with a word character is split) with their word edges.
fn validate(
    cx: &mut Compiler,
    pattern: &Spanned<String>,
    ignore_case: bool,
) -> Option<Vec<(String, bool, bool)>> {
    let source = pattern.get_ref();
    if source.is_empty() {
        cx.error(pattern.span(), "empty pattern", "matches nothing at all");
        return None;
    }
    let ast = match ast::parse::Parser::new().parse(source) {
        Ok(ast) => ast,
        Err(err) => {
            let span = err.span();
            cx.error_in(
                pattern,
                span.start.offset..span.end.offset,
                format!("invalid regex: {}", err.kind()),
            );
            return None;
        }
    };
    let translated = regex_syntax::hir::translate::TranslatorBuilder::new()
        .case_insensitive(ignore_case)
        .build()
        .translate(source, &ast);
    if let Err(err) = translated {
        let span = err.span();
        cx.error_in(pattern, span.start.offset..span.end.offset, format!("invalid regex: {}", err.kind()));
        return None;
    }
    let branches: Vec<&Ast> = match &ast {
        Ast::Alternation(alt) => alt.asts.iter().collect(),
        other => vec![other],
    };
    let edges: Vec<(bool, bool)> =
        branches.iter().map(|b| (edge_is_word(source, b, true), edge_is_word(source, b, false))).collect();
    if edges.windows(2).all(|w| w[0] == w[1]) {
        let (starts, ends) = edges[0];
        return Some(vec![(widen_spaces(source), starts, ends)]);
    }
    Some(
        branches
            .iter()
            .zip(edges)
            .map(|(b, (starts, ends))| {
                let span = b.span();
                (widen_spaces(&source[span.start.offset..span.end.offset]), starts, ends)
            })
            .collect(),
    )
}

/// Whether the first (or last) thing a pattern matches can be a word character.
fn edge_is_word(source: &str, ast: &Ast, first: bool) -> bool {
    match ast {
        Ast::Literal(lit) => lit.c.is_alphanumeric() || lit.c == '_',
        // An unescaped `.` at an edge is nearly always meant as a full stop ("U.S."); the check on
        // the characters around a match still keeps it off the middle of a word.
        Ast::Dot(_) => false,
        Ast::ClassUnicode(_) => true,
        Ast::ClassBracketed(class) => class_has_word(&source[class.span.start.offset..class.span.end.offset]),
        Ast::ClassPerl(class) => !class.negated && class.kind != ast::ClassPerlKind::Space,
        Ast::Group(group) => edge_is_word(source, &group.ast, first),
        Ast::Repetition(rep) => edge_is_word(source, &rep.ast, first),
        Ast::Alternation(alt) => alt.asts.iter().any(|a| edge_is_word(source, a, first)),
        Ast::Concat(concat) => {
            let mut parts = concat.asts.iter().filter(|a| !matches!(a, Ast::Flags(_) | Ast::Empty(_)));
            let edge = if first { parts.next() } else { parts.next_back() };
            edge.is_some_and(|a| edge_is_word(source, a, first))
        }
        Ast::Empty(_) | Ast::Flags(_) | Ast::Assertion(_) => false,
    }
}

/// Whether a bracketed class (`[“”]`, `[a-z]`) can match a letter, digit or underscore.
fn class_has_word(class: &str) -> bool {
    let Ok(hir) = regex_syntax::Parser::new().parse(class) else { return true };
    let regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(class)) = hir.kind() else {
        return true;
    };
    class.ranges().iter().any(|r| {
        let (start, end) = (u32::from(r.start()), u32::from(r.end()));
        end - start > 4096
            || (start..=end).filter_map(char::from_u32).any(|c| c.is_alphanumeric() || c == '_')
    })
}

/// Replaces each run of literal spaces outside a character class with `\s+`.
fn widen_spaces(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    let mut in_class = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '[' => {
                in_class += 1;
                out.push(c);
            }
            ']' if in_class > 0 => {
                in_class -= 1;
                out.push(c);
            }
            ' ' if in_class == 0 => {
                let mut run = 1;
                while chars.peek() == Some(&' ') {
                    chars.next();
                    run += 1;
                }
                // A space the writer quantifies (` +`, ` ?`, ` {2}`) is left as written.
                if chars.peek().is_some_and(|c| matches!(c, '+' | '*' | '?' | '{')) {
                    out.extend(std::iter::repeat_n(' ', run));
                } else {
                    out.push_str(r"\s+");
                }
            }
            _ => out.push(c),
        }
    }
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
        let mut cx = Compiler::new(&file);
        let patterns = Patterns::compile(&mut cx, &spanned, mode, true);
        match patterns {
            Some(p) if cx.problems.is_empty() => Ok(p),
            _ => Err(cx.problems.into_iter().map(|p| (p.message, file[p.span].to_string())).collect()),
        }
    }

    fn matches(list: &[&str], mode: Mode, text: &str) -> Vec<String> {
        let p = compile(list, mode).unwrap();
        p.find_iter(text).map(|r| text[r].to_string()).collect()
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
    fn spaces_match_line_breaks() {
        assert_eq!(matches(&["per cent"], Mode::Words, "5 per\ncent"), vec!["per\ncent"]);
        assert_eq!(matches(&[r"\w +,"], Mode::Raw, "a  , b"), vec!["a  ,"]);
        assert_eq!(widen_spaces("a b [ ] c  ?"), r"a\s+b\s+[ ]\s+c  ?");
    }

    #[test]
    fn raw_matches_inside_words() {
        assert_eq!(matches(&["ize"], Mode::Raw, "utilize"), vec!["ize"]);
    }

    #[test]
    fn which_names_the_pattern_and_its_groups() {
        let p = compile(&["cease-fire", r"Azeri(s?)"], Mode::Words).unwrap();
        let (i, caps) = p.which("Azeris").unwrap();
        assert_eq!((i, &caps[1]), (1, "s"));
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
