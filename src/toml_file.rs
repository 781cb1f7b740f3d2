//! Reading rule and pack files: TOML into serde structs with exact spans, and every mistake as a
//! [`Problem`] with the byte range of the offending token in the file.
//!
//! serde stops at the first unknown key; to report every misspelt key of a file at once, each
//! unknown key is removed from the parsed tree and the file is read again. Strings with escapes
//! get an offset map, so that a caret inside a string (a bad regex, an unknown placeholder) lands
//! on the very character, not on the whole value.

use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};

/// A mistake in a file the user wrote, with the byte range it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub span: Range<usize>,
    pub message: String,
    pub label: String,
    pub notes: Vec<String>,
}

impl Problem {
    /// A problem at `span`, with the message and the label under the caret.
    pub fn new(span: Range<usize>, message: impl Into<String>, label: impl Into<String>) -> Problem {
        Problem { span, message: message.into(), label: label.into(), notes: Vec::new() }
    }

    /// Adds a note shown under the problem.
    pub fn with_note(mut self, note: impl Into<String>) -> Problem {
        self.notes.push(note.into());
        self
    }
}

/// The most times a file is read again after dropping a bad entry; a file with more is hopeless.
const MAX_RETRIES: usize = 20;

/// What reading a TOML file gave: the value, when one could be built, and every problem found.
/// A value comes with problems when bad entries could be dropped (an unknown key, a value of the
/// wrong type), so that the caller can go on and report the mistakes in the rest of the file.
pub struct Parsed<T> {
    pub value: Option<T>,
    pub problems: Vec<Problem>,
}

/// Parses a TOML file into `T`, reporting syntax errors, every unknown key and every value of
/// the wrong type (each is dropped and the file read again), and a missing required key.
pub fn parse<T: DeserializeOwned>(text: &str) -> Parsed<T> {
    let (table, syntax) = DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        let problems = syntax
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or(0..0);
                Problem::new(span, format!("invalid TOML: {}", e.message().trim_end()), "here")
            })
            .collect();
        return Parsed { value: None, problems };
    }
    let mut table = table;
    let mut problems = Vec::new();
    let mut value = None;
    // Keys dropped for an earlier problem; their absence is not reported again.
    let mut dropped: Vec<String> = Vec::new();
    for _ in 0..MAX_RETRIES {
        let err = match T::deserialize(toml::de::Deserializer::from(table.clone())) {
            Ok(parsed) => {
                value = Some(parsed);
                break;
            }
            Err(err) => err,
        };
        let span = err.span().unwrap_or(0..0);
        let message = err.message().to_owned();
        let missing = message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`'));
        if missing.is_some_and(|key| dropped.iter().any(|d| d == key)) {
            break;
        }
        let problem = match unknown_key(&message) {
            Some(key) => unknown_key_problem(span.clone(), key, &message),
            None => other_problem(span.clone(), &message),
        };
        problems.push(problem);
        let removed = if unknown_key(&message).is_some() {
            remove_key(table.get_mut(), &span)
        } else if missing.is_none() {
            remove_entry_holding(table.get_mut(), &span)
        } else {
            None
        };
        match removed {
            Some(key) => dropped.push(key),
            None => break,
        }
    }
    problems.sort_by_key(|p| (p.span.start, p.span.end));
    Parsed { value, problems }
}

fn unknown_key_problem(span: Range<usize>, key: &str, message: &str) -> Problem {
    let mut problem = Problem::new(span, format!("unknown key `{key}`"), "unknown key");
    let expected = expected_names(message);
    if let Some(best) = closest(key, &expected) {
        problem = problem.with_note(format!("help: did you mean `{best}`?"));
    }
    if !expected.is_empty() {
        let list = expected.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>();
        problem = problem.with_note(format!("expected one of {}", list.join(", ")));
    }
    problem
}

fn other_problem(span: Range<usize>, message: &str) -> Problem {
    if let Some(name) = message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`')) {
        return Problem::new(span, format!("missing key `{name}`"), format!("`{name}` is required"));
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return Problem::new(
                span,
                format!("expected {expected}, found {found}"),
                format!("expected {expected}"),
            );
        }
    }
    Problem::new(span, message.to_owned(), "here")
}

fn unknown_key(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    Some(&rest[..rest.find('`')?])
}

/// The names listed after "expected" in serde's unknown-field message.
fn expected_names(message: &str) -> Vec<&str> {
    let Some((_, list)) = message.split_once("expected") else { return Vec::new() };
    list.split('`').skip(1).step_by(2).collect()
}

/// The candidate nearest to `word` by edit distance, when it is near enough to be a typo, or
/// when one is an abbreviation of the other (`warn` for `warning`).
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let near = candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|&(d, c)| d <= (c.chars().count() / 3).max(1))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c);
    near.or_else(|| {
        candidates.iter().copied().find(|c| word.len() >= 3 && (c.starts_with(word) || word.starts_with(c)))
    })
}

/// Edit distance over characters, counting a swap of two neighbours as one edit (optimal string
/// alignment), so `levle` is one edit from `level`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j - 1] + cost).min(previous[j] + 1).min(current[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// Removes the key whose span is `span` from anywhere in the tree.
fn remove_key(table: &mut DeTable<'_>, span: &Range<usize>) -> Option<String> {
    let found = table.iter().map(|(key, _)| key).find(|key| key.span() == *span).cloned();
    if let Some(key) = found {
        table.remove(&key);
        return Some(key.get_ref().to_string());
    }
    table.iter_mut().find_map(|(_, value)| remove_in_value(value.get_mut(), span))
}

fn remove_in_value(value: &mut DeValue<'_>, span: &Range<usize>) -> Option<String> {
    match value {
        DeValue::Table(table) => remove_key(table, span),
        DeValue::Array(array) => array.iter_mut().find_map(|item| remove_in_value(item.get_mut(), span)),
        _ => None,
    }
}

/// Removes the innermost key whose value holds `span` (a value of the wrong type); an array
/// holding a bad item goes as a whole. A standard table's span is only its header, so every
/// table is searched, not only those whose span holds `span`.
fn remove_entry_holding(table: &mut DeTable<'_>, span: &Range<usize>) -> Option<String> {
    let holds = |outer: Range<usize>| outer.start <= span.start && span.end <= outer.end;
    let keys: Vec<_> = table.iter().map(|(key, _)| key.clone()).collect();
    for key in keys {
        let Some(value) = table.get_mut(&key) else { continue };
        let here = holds(value.span());
        let deeper = match value.get_mut() {
            DeValue::Table(inner) => remove_entry_holding(inner, span),
            DeValue::Array(items) => items.iter_mut().find_map(|item| match item.get_mut() {
                DeValue::Table(inner) => remove_entry_holding(inner, span),
                _ => None,
            }),
            _ => None,
        };
        if deeper.is_some() {
            return deeper;
        }
        if here {
            table.remove(&key);
            return Some(key.get_ref().to_string());
        }
    }
    None
}

/// The file range of bytes `inner` of a string value whose token spans `value` in `file`.
/// Falls back to the whole token when the string cannot be mapped.
pub fn inner_span(file: &str, value: &Range<usize>, decoded: &str, inner: Range<usize>) -> Range<usize> {
    let Some(raw) = file.get(value.clone()) else { return value.clone() };
    match string_offsets(raw) {
        Some(map) if map.len() == decoded.len() + 1 && inner.end < map.len() => {
            value.start + map[inner.start]..value.start + map[inner.end].max(map[inner.start])
        }
        _ => value.clone(),
    }
}

/// For a TOML string token, the offset in the token of each byte of the decoded string, plus one
/// for its end. `None` when the token is not a string.
fn string_offsets(raw: &str) -> Option<Vec<usize>> {
    let (delim, basic) = if raw.starts_with("\"\"\"") {
        (3, true)
    } else if raw.starts_with("'''") {
        (3, false)
    } else if raw.starts_with('"') {
        (1, true)
    } else if raw.starts_with('\'') {
        (1, false)
    } else {
        return None;
    };
    let body = raw.get(delim..raw.len().checked_sub(delim)?)?;
    let mut i = 0;
    if delim == 3 {
        i = if body.starts_with("\r\n") { 2 } else { usize::from(body.starts_with('\n')) };
    }
    let mut map = Vec::with_capacity(body.len() + 1);
    while i < body.len() {
        let c = body[i..].chars().next()?;
        if basic && c == '\\' {
            let escape = body[i + 1..].chars().next()?;
            let (decoded_len, raw_len) = match escape {
                'b' | 't' | 'n' | 'f' | 'r' | 'e' | '"' | '\\' => (1, 2),
                'x' => (char_len(body.get(i + 2..i + 4)?)?, 4),
                'u' => (char_len(body.get(i + 2..i + 6)?)?, 6),
                'U' => (char_len(body.get(i + 2..i + 10)?)?, 10),
                _ => {
                    // A line-ending backslash swallows the break and the whitespace after it.
                    let rest = &body[i + 1..];
                    let skipped = rest.len() - rest.trim_start().len();
                    (0, 1 + skipped)
                }
            };
            map.extend(std::iter::repeat_n(delim + i, decoded_len));
            i += raw_len;
        } else {
            map.extend((0..c.len_utf8()).map(|k| delim + i + k));
            i += c.len_utf8();
        }
    }
    map.push(delim + i.min(body.len()));
    Some(map)
}

fn char_len(hex: &str) -> Option<usize> {
    Some(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    #[allow(dead_code)]
    struct Spec {
        description: String,
        skip_quotes: Option<bool>,
        existence: Option<Inner>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        tokens: Vec<String>,
    }

    fn spans(text: &str) -> Vec<(String, &str)> {
        parse::<Spec>(text).problems.into_iter().map(|p| (p.message, &text[p.span])).collect()
    }

    #[test]
    fn reports_every_unknown_key() {
        let text = "description = 'x'\ndescripton = 'y'\n[existance]\ntokens = []\n";
        assert_eq!(
            spans(text),
            vec![
                ("unknown key `descripton`".to_string(), "descripton"),
                ("unknown key `existance`".to_string(), "existance"),
            ]
        );
        let parsed = parse::<Spec>(text);
        assert_eq!(parsed.problems[1].notes[0], "help: did you mean `existence`?");
        assert!(parsed.value.is_some(), "the rest of the file is still read");
    }

    #[test]
    fn wrong_type_and_syntax_point_at_the_token() {
        assert_eq!(
            spans("description = 'x'\nskip-quotes = 'yes'\n"),
            vec![("expected a boolean, found string \"yes\"".to_string(), "'yes'")]
        );
        let parsed = parse::<Spec>("description = 'x\n");
        assert!(parsed.value.is_none());
        assert!(parsed.problems[0].message.starts_with("invalid TOML"), "{:?}", parsed.problems);
    }

    #[test]
    fn every_wrong_type_is_reported_and_dropped() {
        let text = "description = 'x'\nskip-quotes = 'yes'\n[existence]\ntokens = [1]\n";
        let parsed = parse::<Spec>(text);
        let found: Vec<&str> = parsed.problems.iter().map(|p| &text[p.span.clone()]).collect();
        assert_eq!(found, vec!["'yes'", "1"]);
        let text = "skip-quotes = true\n";
        let parsed = parse::<Spec>(text);
        assert!(parsed.value.is_none());
        assert_eq!(parsed.problems[0].message, "missing key `description`");
    }

    #[test]
    fn maps_offsets_inside_escaped_strings() {
        let file = r#"pattern = "a\\b\u00e9(c""#;
        let value = 10..file.len();
        let decoded = "a\\bé(c";
        // The `(` is byte 5 of the decoded string and sits after `a\\b\u00e9` in the file.
        let span = inner_span(file, &value, decoded, 5..6);
        assert_eq!(&file[span], "(");
        let file = "pattern = '''\nab(c'''";
        let span = inner_span(file, &(10..file.len()), "ab(c", 2..3);
        assert_eq!(&file[span], "(");
    }

    #[test]
    fn edit_distance_and_closest() {
        assert_eq!(edit_distance("existance", "existence"), 1);
        assert_eq!(edit_distance("levle", "level"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(closest("warn", &["error", "warning"]), Some("warning"));
        assert_eq!(closest("tokenz", &["tokens", "raw"]), Some("tokens"));
        assert_eq!(closest("zzz", &["tokens", "raw"]), None);
    }
}
