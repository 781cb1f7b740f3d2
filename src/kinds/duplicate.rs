//! `duplicate`: a credit line, a paragraph or a sentence given twice, after normalisation; the
//! finding is on the repeat, with a label on the first copy.
//!
//! Normalising ignores case, runs of whitespace, spaces around `/`, surrounding brackets and
//! punctuation, and whatever the rule's `strip` patterns match, so "(Photo by PASCAL ROSSIGNOL /
//! POOL / AFP)" and "(Photo by PASCAL ROSSIGNOL/POOL/AFP via Getty Images)" are one credit when
//! `strip` holds `via Getty Images`. In sentence mode, a sentence that makes up a paragraph
//! repeated whole is left to the paragraph rule.
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `unit` | `"credit"`, `"paragraph"` or `"sentence"` | what is compared |
//! | `credits` | list of regexes (`credit`) | what a credit is (`\(Photo by [^)]*\)`, `REUTERS/\w+`), matched as written |
//! | `strip` | list of regexes, optional | removed before comparing (`via Getty Images`) |
//! | `min-words` | integer, default 5 (`paragraph`, `sentence`) | shorter units are not compared |
//! | `ignore-case` | bool, default true | credit patterns match regardless of case |
//!
//! Placeholders: `{match}` (the repeat, its first words when long) and `{line}` (the line of the
//! first copy). Fix (unsafe: the first copy may be the stray one): remove the repeat and the
//! space or blank line before it.
//!
//! ```toml
//! message = "this photo credit repeats the one on line {line}"
//! [duplicate]
//! unit = "credit"
//! credits = ['\((?:Photo|Image)s? by [^()]*\)']
//! strip = ['via Getty Images']
//! ```

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::{Context, Hit};
use crate::diagnostic::{Applicability, Edit, Fix, Label};
use std::hash::Hasher;

use crate::hash::Map;
use crate::pattern::{Mode, Patterns};
use crate::rule::Compiler;

/// The placeholders this kind fills in a message.
pub const PLACEHOLDERS: &[&str] = &["match", "line"];

/// The keys of the kind table, for hints when one is misplaced.
pub const KEYS: &[&str] = &["unit", "credits", "strip", "min-words", "ignore-case"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Spec {
    unit: Spanned<String>,
    #[serde(default)]
    credits: Vec<Spanned<String>>,
    #[serde(default)]
    strip: Vec<Spanned<String>>,
    min_words: Option<usize>,
    ignore_case: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Credit,
    Paragraph,
    Sentence,
}

#[derive(Debug)]
pub struct Duplicate {
    unit: Unit,
    credits: Option<Patterns>,
    strip: Option<Patterns>,
    min_words: usize,
}

/// Validates the kind table, reporting every mistake with its span; `None` when there was one.
pub fn compile(spanned: &Spanned<Spec>, cx: &mut Compiler) -> Option<Duplicate> {
    let spec = spanned.get_ref();
    let ignore_case = spec.ignore_case.unwrap_or(true);
    let unit = match spec.unit.get_ref().as_str() {
        "credit" => Some(Unit::Credit),
        "paragraph" => Some(Unit::Paragraph),
        "sentence" => Some(Unit::Sentence),
        other => {
            cx.error(
                spec.unit.span(),
                format!("unknown unit `{other}`"),
                "expected `credit`, `paragraph` or `sentence`",
            );
            None
        }
    };
    if unit == Some(Unit::Credit) && spec.credits.is_empty() {
        cx.error(
            spanned.span(),
            "a credit rule needs `credits` patterns, or it can never fire",
            "in this table",
        );
    }
    if matches!(unit, Some(Unit::Paragraph | Unit::Sentence)) {
        if let Some(first) = spec.credits.first() {
            cx.error(first.span(), "only the `credit` unit reads `credits`", "ignored by this unit");
        }
    }
    let credits = Patterns::compile_optional(cx, &spec.credits, Mode::Raw, ignore_case);
    // `strip` patterns match the text as written, any case, before it is normalised.
    let strip = Patterns::compile_optional(cx, &spec.strip, Mode::Raw, true);
    Some(Duplicate { unit: unit?, credits: credits?, strip: strip?, min_words: spec.min_words.unwrap_or(5) })
}

/// A unit to compare: its range, and the indices of the sentences that make it up when it is
/// made of whole sentences (a sentence, or a paragraph: only whitespace lies between a block's
/// sentences), whose signatures then give its own.
type Piece = (Range<usize>, Option<Range<usize>>);

impl Duplicate {
    /// The units to compare, with their document ranges.
    fn units(&self, cx: &Context) -> Vec<Piece> {
        match self.unit {
            Unit::Credit => {
                // A credit given twice is two credits, which hold two of the literals the
                // prefilter looks for: most stories have one at most (`(Reporting by`).
                if self.credits.as_ref().is_some_and(|c| cx.literals_found(c).is_some_and(|n| n < 2)) {
                    return Vec::new();
                }
                let mut found = Vec::new();
                for block in cx.blocks() {
                    let text = cx.doc.prose(block.range.clone());
                    if let Some(credits) = &self.credits {
                        found.extend(
                            credits
                                .find_iter(text)
                                .map(|r| (block.range.start + r.start..block.range.start + r.end, None)),
                        );
                    }
                }
                found
            }
            Unit::Paragraph => self.paragraphs(cx),
            Unit::Sentence => {
                // Most stories repeat no sentence, nor have two sentences of one signature,
                // which a repeat needs (told from the signatures made once for the document,
                // before the sentences are sorted out by length, scope and quotation).
                if self.strip.is_none() && !has_shared(sentence_signatures(cx)) {
                    return Vec::new();
                }
                let sentences: Vec<Piece> = cx
                    .blocks()
                    .flat_map(|b| cx.seg.sentences_in(&b.range))
                    .filter(|&i| cx.seg.sentence_words(i).len() >= self.min_words)
                    .map(|i| (cx.seg.sentences[i].clone(), Some(i..i + 1)))
                    .collect();
                // Most stories repeat no sentence: then there is no need to find the repeated
                // paragraphs, whose sentences are left to the paragraph rule.
                let counted: Vec<Piece> = sentences.iter().filter(|u| cx.counts(&u.0)).cloned().collect();
                if Self::repeats(cx, counted, self.strip.as_ref(), true).is_empty() {
                    return Vec::new();
                }
                // Repeated paragraphs, in order, by their repeat.
                let mut repeated: Vec<Range<usize>> =
                    Self::repeats(cx, self.paragraphs(cx), self.strip.as_ref(), false)
                        .into_iter()
                        .map(|(r, _)| r)
                        .collect();
                repeated.sort_by_key(|r| r.start);
                sentences
                    .into_iter()
                    .filter(|(s, _)| {
                        let i = repeated.partition_point(|r| r.start <= s.start);
                        i.checked_sub(1).is_none_or(|i| s.end > repeated[i].end)
                    })
                    .collect()
            }
        }
    }

    /// The blocks long enough to compare.
    fn paragraphs(&self, cx: &Context) -> Vec<Piece> {
        cx.blocks()
            .filter(|b| cx.seg.words_in(&b.range).len() >= self.min_words)
            .map(|b| (b.range.clone(), Some(cx.seg.sentences_in(&b.range))))
            .collect()
    }

    /// The units that repeat an earlier one, each with the earlier one (with `first_only`, only
    /// the first: whether there is one). Units are compared by the hash of their normalised
    /// text, and by the text only when the hashes agree.
    fn repeats(
        cx: &Context,
        units: Vec<Piece>,
        strip: Option<&Patterns>,
        first_only: bool,
    ) -> Vec<(Range<usize>, Range<usize>)> {
        // Units whose letters and digits no other unit shares cannot repeat or be repeated:
        // most stories are done after this one quick pass, without normalising anything. A
        // unit of whole sentences, with nothing stripped, has the sum of their signatures,
        // made once for every rule of this kind.
        let signatures: Vec<u64> = units
            .iter()
            .map(|(unit, sentences)| match (strip, sentences) {
                (None, Some(sentences)) => sentence_signatures(cx)[sentences.clone()]
                    .iter()
                    .fold(0u64, |sum, s| sum.wrapping_add(*s)),
                _ => signature(&stripped(cx.doc.prose(unit.clone()), strip)),
            })
            .collect();
        // The signatures two units or more have, told by sorting a copy (a story has a few dozen
        // units: quicker than a map, which grows as it fills).
        let mut sorted = signatures.clone();
        sorted.sort_unstable();
        let mut shared: Vec<u64> =
            sorted.windows(2).filter(|two| two[0] == two[1]).map(|two| two[0]).collect();
        if shared.is_empty() {
            return Vec::new();
        }
        shared.dedup();
        let units = units
            .into_iter()
            .zip(&signatures)
            .filter(|(_, s)| shared.binary_search(s).is_ok())
            .map(|((u, _), _)| u);
        let mut first: Map<u64, Vec<Range<usize>>> = Map::default();
        let mut repeats = Vec::new();
        let (mut key, mut other) = (Vec::new(), Vec::new());
        for unit in units {
            let text = stripped(cx.doc.prose(unit.clone()), strip);
            normalise_into(&text, &mut key);
            if key.is_empty() {
                continue;
            }
            let mut hasher = crate::hash::FxHasher::default();
            hasher.write(&key);
            let earlier = first.entry(hasher.finish()).or_default();
            // A unit written the same way as an earlier one (a copy, most often) is the same
            // without normalising the earlier one again.
            let same = |e: &&Range<usize>| {
                let earlier = stripped(cx.doc.prose((*e).clone()), strip);
                *earlier == *text || {
                    normalise_into(&earlier, &mut other);
                    other == key
                }
            };
            match earlier.iter().find(same) {
                Some(e) if first_only => return vec![(unit, e.clone())],
                Some(e) => repeats.push((unit, e.clone())),
                None => earlier.push(unit),
            }
        }
        repeats
    }

    /// Adds a hit for each finding in the document.
    pub fn check(&self, cx: &Context, hits: &mut Vec<Hit>) {
        let units: Vec<Piece> = self.units(cx).into_iter().filter(|u| cx.counts(&u.0)).collect();
        let repeats = Self::repeats(cx, units, self.strip.as_ref(), false);
        // Line numbers by the offsets of line breaks, found once.
        let breaks: Vec<usize> = if repeats.is_empty() {
            Vec::new()
        } else {
            cx.doc.text.match_indices('\n').map(|(i, _)| i).collect()
        };
        let repeats = if self.unit == Unit::Credit {
            repeats.into_iter().map(|(r, e)| (r, e, 1)).collect()
        } else {
            merge_runs(cx.doc.text, repeats)
        };
        for (repeat, earlier, count) in repeats {
            let line = breaks.partition_point(|&b| b < earlier.start) + 1;
            // Remove the repeat with the space, or blank line, before it; a repeat that opens a
            // line with more text after it goes with the spaces after it, so the line keeps its
            // place.
            let text = &cx.doc.text;
            let before = text[..repeat.start].trim_end().len();
            let opens_line = text[..repeat.start].trim_end_matches([' ', '\t']).ends_with('\n');
            let rest = &text[repeat.end..];
            let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            let continues = !rest[spaces..].is_empty() && !rest[spaces..].starts_with(['\n', '\r']);
            let removed = if opens_line && continues {
                repeat.start..repeat.end + spaces
            } else if before >= earlier.end {
                before..repeat.end
            } else {
                repeat.clone()
            };
            let what = match self.unit {
                Unit::Credit => "credit",
                Unit::Paragraph => "paragraph",
                Unit::Sentence => "sentence",
            };
            let label = if count > 1 {
                format!("first copy of these {count} {what}s here")
            } else {
                format!("first {what} here")
            };
            hits.push(Hit {
                args: vec![("match", shorten(&cx.doc.text[repeat.clone()])), ("line", line.to_string())],
                labels: vec![Label { range: earlier, message: label }],
                fix: Some(Fix {
                    title: format!("remove the repeated {what}{}", if count > 1 { "s" } else { "" }),
                    edits: vec![Edit { range: removed, replacement: String::new() }],
                    applicability: Applicability::Unsafe,
                }),
                range: repeat,
            });
        }
    }
}

/// The [`signature`] of each of the document's sentences, made once for every rule of this kind.
fn sentence_signatures<'c>(cx: &'c Context) -> &'c [u64] {
    cx.memo
        .sentence_signatures
        .get_or_init(|| cx.seg.sentences.iter().map(|s| signature(cx.doc.prose(s.clone()))).collect())
}

/// Whether two of `signatures` are equal.
fn has_shared(signatures: &[u64]) -> bool {
    let mut sorted = signatures.to_vec();
    sorted.sort_unstable();
    sorted.windows(2).any(|two| two[0] == two[1])
}

/// Runs of repeats that follow one another, copying units that follow one another, as one
/// repeat of the whole passage, with the number of units in it: a pasted block is one finding.
fn merge_runs(
    text: &str,
    repeats: Vec<(Range<usize>, Range<usize>)>,
) -> Vec<(Range<usize>, Range<usize>, usize)> {
    let adjacent =
        |a: &Range<usize>, b: &Range<usize>| a.end <= b.start && text[a.end..b.start].trim().is_empty();
    let mut merged: Vec<(Range<usize>, Range<usize>, usize)> = Vec::new();
    for (repeat, earlier) in repeats {
        match merged.last_mut() {
            Some((r, e, count)) if adjacent(r, &repeat) && adjacent(e, &earlier) && e.end <= r.start => {
                r.end = repeat.end;
                e.end = earlier.end;
                *count += 1;
            }
            _ => merged.push((repeat, earlier, 1)),
        }
    }
    merged
}

/// The text compared: `strip` patterns removed, lowercase, one space between words, no space
/// around `/`, no brackets or punctuation at the ends.
#[cfg(test)]
fn normalise(text: &str, strip: Option<&Patterns>) -> String {
    let mut out = Vec::new();
    normalise_into(&stripped(text, strip), &mut out);
    String::from_utf8(out).expect("built from characters")
}

/// The text with what `strip` matches replaced by a space.
fn stripped<'t>(text: &'t str, strip: Option<&Patterns>) -> std::borrow::Cow<'t, str> {
    let Some(strip) = strip else { return std::borrow::Cow::Borrowed(text) };
    let cuts: Vec<Range<usize>> = strip.find_iter(text).collect();
    if cuts.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for cut in cuts {
        out.push_str(&text[at..cut.start]);
        out.push(' ');
        at = cut.end;
    }
    out.push_str(&text[at..]);
    std::borrow::Cow::Owned(out)
}

/// Writes the normalised text's UTF-8 into `out` (cleared first), without other allocation: lowercase,
/// runs of whitespace one space (none next to a `/`), and what is not a letter or digit trimmed
/// from both ends.
fn normalise_into(text: &str, out: &mut Vec<u8>) {
    out.clear();
    // Nothing before the first letter or digit.
    let Some(start) = text.find(char::is_alphanumeric) else { return };
    let rest = &text.as_bytes()[start..];
    // Whether whitespace came since the last character kept; where the last letter or digit
    // kept ends (nothing after it is kept).
    let mut space = false;
    let mut kept = 0;
    let mut i = 0;
    while i < rest.len() {
        let b = rest[i];
        if b.is_ascii() {
            i += 1;
            if b.is_ascii_whitespace() || b == 0x0b {
                space = true;
                continue;
            }
            if space && b != b'/' && out.last() != Some(&b'/') {
                out.push(b' ');
            }
            space = false;
            out.push(b.to_ascii_lowercase());
            if b.is_ascii_alphanumeric() {
                kept = out.len();
            }
            continue;
        }
        let c = text[start + i..].chars().next().expect("i is a character boundary");
        i += c.len_utf8();
        if c.is_whitespace() {
            space = true;
            continue;
        }
        // A final sigma is a sigma: "ΟΔΟΣ" lowercased letter by letter ends in `σ`, as does
        // "οδος" here.
        for lower in c.to_lowercase().map(|l| if l == 'ς' { 'σ' } else { l }) {
            if space && out.last() != Some(&b'/') {
                out.push(b' ');
            }
            space = false;
            let mut utf8 = [0; 4];
            out.extend_from_slice(lower.encode_utf8(&mut utf8).as_bytes());
            if lower.is_alphanumeric() {
                kept = out.len();
            }
        }
    }
    out.truncate(kept);
}

/// A value for each byte of a letter or digit as [`normalise_into`] writes it (an ASCII capital
/// has its lowercase letter's), and 0 for any other ASCII byte.
const BYTE_VALUES: [u64; 256] = {
    let mut values = [0u64; 256];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut b = 0;
    while b < 256 {
        // splitmix64: a different, well-spread value for each byte.
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        let byte = b as u8;
        if byte >= 0x80 || byte.is_ascii_lowercase() || byte.is_ascii_digit() {
            values[b] = z ^ (z >> 31);
        }
        b += 1;
    }
    b = 0;
    while b < 26 {
        values[b'A' as usize + b] = values[b'a' as usize + b];
        b += 1;
    }
    values
};

/// A sum over the bytes of the letters and digits of `text` as [`normalise_into`] writes them
/// (lowercase, a final sigma a sigma), and of nothing else: texts that normalise alike have the
/// same signature, so units with a signature of their own need not be normalised. A sum, with
/// no branch per byte, is quick; that anagrams share one only costs their normalising. The
/// signature of two texts together is the sum of theirs (a paragraph's, of its sentences').
fn signature(text: &str) -> u64 {
    // Four sums in turn, which the processor adds to at once (a sum's order is no matter).
    let bytes = text.as_bytes();
    let (mut sums, mut high) = ([0u64; 4], 0u8);
    let mut quads = bytes.chunks_exact(4);
    for quad in &mut quads {
        for (sum, &b) in sums.iter_mut().zip(quad) {
            *sum = sum.wrapping_add(BYTE_VALUES[usize::from(b)]);
            high |= b;
        }
    }
    let mut sum = sums.iter().fold(0u64, |all, s| all.wrapping_add(*s));
    for &b in quads.remainder() {
        sum = sum.wrapping_add(BYTE_VALUES[usize::from(b)]);
        high |= b;
    }
    if high < 0x80 {
        return sum;
    }
    // Outside ASCII, a letter is lowercased as a character (the Kelvin sign is a `k`).
    sum = 0;
    for c in text.chars() {
        if c.is_ascii() {
            sum = sum.wrapping_add(BYTE_VALUES[c as usize]);
            continue;
        }
        for lower in c.to_lowercase().map(|l| if l == 'ς' { 'σ' } else { l }) {
            if lower.is_alphanumeric() {
                let mut utf8 = [0; 4];
                for &b in lower.encode_utf8(&mut utf8).as_bytes() {
                    sum = sum.wrapping_add(BYTE_VALUES[usize::from(b)]);
                }
            }
        }
    }
    sum
}

/// The first words of a long text, for a message.
fn shorten(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= 10 { words.join(" ") } else { format!("{} …", words[..8].join(" ")) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Format;

    #[test]
    fn credits_normalise_to_one() {
        assert_eq!(
            normalise("(Photo by PASCAL ROSSIGNOL / POOL / AFP)", None),
            normalise("(photo by Pascal Rossignol/POOL/ AFP)", None)
        );
        assert_eq!(normalise("  One\n two.  ", None), "one two");
        assert_ne!(normalise("(Photo by A / AFP)", None), normalise("(Photo by B / AFP)", None));
        assert_eq!(normalise("ΟΔΟΣ ΑΘΗΝΑΣ", None), normalise("οδος αθηνας", None));
    }

    #[test]
    fn texts_that_normalise_alike_have_one_signature() {
        let alike = [
            ["(Photo by PASCAL ROSSIGNOL / POOL / AFP)", "(photo by Pascal Rossignol/POOL/ AFP)"],
            ["ΟΔΟΣ ΑΘΗΝΑΣ", "οδος αθηνας"],
            // The Kelvin sign lowercases to an ASCII `k`.
            ["\u{212A}ilo Zürich", "kilo ZÜRICH"],
            ["\u{212A}ilo", "KILO"],
            ["“Yes,” he said.", "“YES,”\n he said"],
            ["  One\n two.  ", "one two"],
        ];
        for [a, b] in alike {
            assert_eq!(normalise(a, None), normalise(b, None), "{a:?} and {b:?}");
            assert_eq!(signature(a), signature(b), "{a:?} and {b:?}");
        }
        assert_ne!(signature("(Photo by A / AFP)"), signature("(Photo by B / AFP)"));
        assert_ne!(signature("Shares rose 12 percent"), signature("Shares rose 13 percent"));
    }

    /// A paragraph's signature is the sum of its sentences': only whitespace, which has no
    /// value, lies between them, and every letter or digit is in one. In plain text and
    /// Markdown, ASCII or not, with sentences of either kind in one paragraph.
    #[test]
    fn a_paragraphs_signature_is_the_sum_of_its_sentences() {
        let set = crate::kinds::builtin();
        let pieces = [
            "Minsk", " ", "Group", ". ", "? ", "!\" ", ".\n", "\n\n", "U.S.", " Mr. ", "3.5", "…", "'", "’",
            "(", ")", "\"", "“", "”", "**", "_", "> ", "# ", "- ", "`x`", "[a](b)", "Zürich", "\u{212A}",
            "ΟΔΟΣ", "\t", ". \n", "A.", "x-", "-y", "\u{a0}", "٣",
        ];
        let mut random = crate::hash::Random::new(0x51f7_a3c9_0e4d_b862);
        let mut compared = 0;
        for round in 0..3_000 {
            let len = if round % 100 == 0 { 300 } else { random.below(40) };
            let text: String = (0..len).map(|_| pieces[random.below(pieces.len())]).collect();
            for format in [Format::Text, Format::Markdown] {
                let parsed = crate::kinds::Parsed::new(&set, &text, format);
                for block in &parsed.doc.blocks {
                    let sum = parsed.seg.sentences[parsed.seg.sentences_in(&block.range)]
                        .iter()
                        .fold(0u64, |sum, s| sum.wrapping_add(signature(parsed.doc.prose(s.clone()))));
                    assert_eq!(
                        sum,
                        signature(parsed.doc.prose(block.range.clone())),
                        "{block:?} of {text:?}"
                    );
                    compared += 1;
                }
            }
        }
        assert!(compared > 5_000, "{compared}");
    }
}
