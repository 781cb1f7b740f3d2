//! Segmentation: sentences, words and direct quotations of a document, computed once and shared
//! by every rule. All are byte ranges into the original text, in document order.
//!
//! Sentences never cross a block. A full stop does not end a sentence after an abbreviation of
//! the pack's list ("Sept.", "Mr.", "No. 2"), after an initial ("J. Smith"), or inside a number
//! ("3.5", "$1.2 billion"); after an abbreviation that can close a sentence ("U.S.", "Inc.") it
//! does only when the next word is a usual sentence opener. Quotations are straight or curly
//! double quotes; one left open at the end of a paragraph runs to the paragraph's end, the news
//! convention for a quotation that continues into the next paragraph.

use crate::hash::Set as HashSet;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::markup::Document;

/// The words that steer sentence splitting; built from the packs' `pack.toml` files.
#[derive(Clone, Debug, Default)]
pub struct Segmenter {
    /// Never end a sentence ("Mr.", "Sept.").
    abbreviations: HashSet<String>,
    /// End a sentence only before a sentence opener ("U.S.", "Inc.").
    final_abbreviations: HashSet<String>,
    /// Words that usually open a sentence ("The", "He").
    openers: HashSet<String>,
    /// The first byte and length (up to 63) of each abbreviation of either list, as bits
    /// ([`shape`]): most words before a full stop are none by these alone.
    abbreviation_shapes: Vec<u64>,
}

/// A word's first byte, and its length (up to 63) as a bit.
pub(crate) fn shape(word: &str) -> (usize, u64) {
    (usize::from(word.as_bytes().first().copied().unwrap_or(0)), 1 << word.len().min(63))
}

/// The sentences, words and quotations of one document.
#[derive(Clone, Debug, Default)]
pub struct Segments {
    pub sentences: Vec<Range<usize>>,
    pub words: Vec<Range<usize>>,
    /// For each word, whether it opens its sentence: no word of the sentence comes before it.
    pub initial: Vec<bool>,
    pub quotes: Vec<Range<usize>>,
    /// The indices of the words that begin with an [`opening_byte`], in order: the words that
    /// may be capitalized or open a name, which rules about names read and most words are not.
    pub openers: Vec<usize>,
    /// Each block's range, and the indices of its words: what rules ask for most.
    blocks: Vec<(Range<usize>, Range<usize>)>,
    /// Whether the prose is all ASCII: then it has no `…`, and kinds may read its bytes as
    /// characters.
    pub ascii: bool,
    /// For each sentence, the index of its first word (of the first word after its start, when
    /// it has none): see [`Segments::sentence_words`].
    sentence_starts: Vec<usize>,
    /// Where the words of the last range asked for began (see [`Segments::word_indices`]).
    hint: Hint,
}

/// A place in a list to search forward from; shared by the threads that check one document,
/// so a hint may be another thread's, which costs a search and changes no answer.
#[derive(Debug, Default)]
struct Hint(AtomicUsize);

impl Clone for Hint {
    fn clone(&self) -> Self {
        Hint(AtomicUsize::new(self.0.load(Ordering::Relaxed)))
    }
}

impl Segments {
    /// The words inside a range, as a slice of `words`.
    pub fn words_in(&self, range: &Range<usize>) -> &[Range<usize>] {
        &self.words[self.word_indices(range)]
    }

    /// The indices in `words` of the words inside a range. Rules ask for the words of block
    /// after block, in order: each search starts where the last one's answer was and goes
    /// forward in doubling steps, so it costs about the words between the two, where a search
    /// of the whole list would read far apart in a long document's millions of words (a 20 MB
    /// article's rules ask some 440,000 times).
    pub fn word_indices(&self, range: &Range<usize>) -> Range<usize> {
        // A block's words are known.
        let block = self.blocks.partition_point(|(block, _)| block.start < range.start);
        if let Some((_, words)) = self.blocks.get(block).filter(|(block, _)| block == range) {
            return words.clone();
        }
        let words = &self.words;
        let hint = self.hint.0.load(Ordering::Relaxed).min(words.len());
        let before = |w: &Range<usize>| w.start < range.start;
        let first = if hint == 0 || before(&words[hint - 1]) {
            partition_from(words, hint, before)
        } else {
            words[..hint].partition_point(before)
        };
        self.hint.0.store(first, Ordering::Relaxed);
        let inside = |w: &Range<usize>| w.end <= range.end;
        let last = if first == 0 || inside(&words[first - 1]) {
            partition_from(words, first, inside)
        } else {
            words[..first].partition_point(inside)
        };
        first..last.max(first)
    }

    /// The indices in `sentences` of the sentences inside a range (a block's: sentences never
    /// cross one).
    pub fn sentences_in(&self, range: &Range<usize>) -> Range<usize> {
        let first = self.sentences.partition_point(|s| s.start < range.start);
        let last = self.sentences.partition_point(|s| s.end <= range.end);
        first..last.max(first)
    }

    /// The indices in `words` of the words of the sentence at index `i` of `sentences`, as
    /// [`Segments::word_indices`] finds them, without a search: they run up to the next
    /// sentence's first word, as only whitespace lies between two sentences (of one block, or
    /// the last of one and the first of the next: a block's words are inside its sentences).
    pub fn sentence_words(&self, i: usize) -> Range<usize> {
        self.sentence_starts[i]..self.sentence_starts.get(i + 1).copied().unwrap_or(self.words.len())
    }

    /// The first of the [`Segments::openers`] at word index `from` or after. `cursor`, a place
    /// in the list that only moves forward, is where the search starts and where it is left:
    /// a kind reading the openers in order reads the list once.
    #[inline]
    pub fn next_opener(&self, cursor: &mut usize, from: usize) -> Option<usize> {
        while self.openers.get(*cursor).is_some_and(|&w| w < from) {
            *cursor += 1;
        }
        self.openers.get(*cursor).copied()
    }

    /// Whether `offset` lies inside a direct quotation, its marks included.
    pub fn in_quote(&self, offset: usize) -> bool {
        let i = self.quotes.partition_point(|q| q.end <= offset);
        self.quotes.get(i).is_some_and(|q| q.start <= offset)
    }

    /// [`Segments::in_quote`] of offsets asked in order, from a cursor that starts at 0 and is
    /// moved past the quotations that end by `offset`.
    pub fn in_quote_from(&self, cursor: &mut usize, offset: usize) -> bool {
        while self.quotes.get(*cursor).is_some_and(|q| q.end <= offset) {
            *cursor += 1;
        }
        self.quotes.get(*cursor).is_some_and(|q| q.start <= offset)
    }
}

/// Whether a word that begins with this byte may be capitalized or open a name (`3M Asia`): an
/// ASCII capital or digit, or a byte outside ASCII.
pub fn opening_byte(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit() || !b.is_ascii()
}

/// `list.partition_point(pred)` where `pred` is known to hold for every item before `from`:
/// searched from `from` in doubling steps, then by halves between the last two.
pub(crate) fn partition_from<T>(list: &[T], from: usize, pred: impl Fn(&T) -> bool) -> usize {
    let (mut start, mut step) = (from, 1);
    while start + step <= list.len() && pred(&list[start + step - 1]) {
        start += step;
        step *= 2;
    }
    start + list[start..(start + step).min(list.len())].partition_point(pred)
}

impl Segmenter {
    /// A segmenter from the packs' word lists.
    pub fn new<'a>(
        abbreviations: impl IntoIterator<Item = &'a str>,
        final_abbreviations: impl IntoIterator<Item = &'a str>,
        openers: impl IntoIterator<Item = &'a str>,
    ) -> Segmenter {
        let abbreviations: HashSet<String> = abbreviations.into_iter().map(str::to_owned).collect();
        let final_abbreviations: HashSet<String> =
            final_abbreviations.into_iter().map(str::to_owned).collect();
        let mut abbreviation_shapes = vec![0u64; 256];
        for word in abbreviations.iter().chain(&final_abbreviations) {
            let (byte, bit) = shape(word);
            abbreviation_shapes[byte] |= bit;
        }
        Segmenter {
            abbreviations,
            final_abbreviations,
            openers: openers.into_iter().map(str::to_owned).collect(),
            abbreviation_shapes,
        }
    }

    /// Finds the sentences, words and quotations of every block, in one pass over each.
    pub fn segment(&self, doc: &Document) -> Segments {
        let mut segments = Segments::default();
        // Room for the words of English copy (a word and a space take six bytes on average), so
        // that a long document's list is not copied as it grows; room not written to costs no
        // memory.
        segments.words.reserve(doc.prose.len() / 5);
        // And for the sentences (some 150 bytes each), and the words that may be capitalized
        // (a fifth of news copy's).
        segments.sentences.reserve(doc.prose.len() / 128);
        segments.openers.reserve(doc.prose.len() / 24);
        segments.ascii = doc.prose.is_ascii();
        for block in &doc.blocks {
            let text = doc.prose(block.range.clone());
            let base = block.range.start;
            self.sentences(text, base, segments.ascii, &mut segments.sentences);
            let first = segments.words.len();
            words(text, base, &mut segments.words);
            openers(doc.prose.as_bytes(), &segments.words, first, &mut segments.openers);
            segments.blocks.push((block.range.clone(), first..segments.words.len()));
            quotes(text, base, &mut segments.quotes);
        }
        (segments.initial, segments.sentence_starts) = initials(&segments.sentences, &segments.words);
        segments
    }

    /// The sentences of a block's `text` (at `base` of the prose; `ascii` if the prose is).
    fn sentences(&self, text: &str, base: usize, ascii: bool, out: &mut Vec<Range<usize>>) {
        let bytes = text.as_bytes();
        let mut start = skip_space(text, 0);
        let mut i = start;
        // Where the next `…` and the next `.`, `!` or `?` are, from `i` on (`usize::MAX`: none),
        // each looked for again only once passed: a search each time round would read on past
        // every `…` to the next full stop, over and over. ASCII text has no `…`.
        let find_ellipsis = |from: usize| {
            let found = (!ascii).then(|| memchr::memmem::find(&bytes[from..], "…".as_bytes())).flatten();
            found.map_or(usize::MAX, |at| from + at)
        };
        let find_stop = |from: usize| {
            memchr::memchr3(b'.', b'!', b'?', &bytes[from..]).map_or(usize::MAX, |at| from + at)
        };
        let (mut next_ellipsis, mut next_stop) = (find_ellipsis(i), find_stop(i));
        while i < bytes.len() {
            // Only `.`, `!`, `?` and `…` stop a sentence.
            if next_ellipsis < i {
                next_ellipsis = find_ellipsis(i);
            }
            if next_stop < i {
                next_stop = find_stop(i);
            }
            let at = next_stop.min(next_ellipsis);
            if at == usize::MAX {
                break;
            }
            i = at;
            let c = char_at(text, i);
            i += c.len_utf8();
            if !matches!(c, '.' | '!' | '?' | '…') {
                continue;
            }
            let stop = i - c.len_utf8();
            // Run on through further stops and closing quotes or brackets: `said.” Then`. Of
            // those outside ASCII (`…`, `”`, `’`), each starts with the byte 0xE2.
            let mut end = i;
            loop {
                match bytes.get(end) {
                    Some(b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b']') => end += 1,
                    Some(0xE2) if matches!(char_at(text, end), '…' | '”' | '’') => end += 3,
                    _ => break,
                }
            }
            let next_start = skip_space(text, end);
            if next_start == end && end < text.len() {
                i = end;
                continue; // no space after the stop: "3.5", "U.S.-based"
            }
            if next_start < text.len() {
                let next = char_at(text, next_start);
                // The next sentence's first letter decides: a quotation mark or bracket may come
                // first (`“We`), but a lowercase letter means the sentence goes on (`? " said`).
                let first_letter = first_alphanumeric(text, next_start, 8);
                let opens = (next.is_uppercase()
                    || next.is_ascii_digit()
                    || matches!(next, '"' | '“' | '‘' | '\'' | '(' | '['))
                    && !first_letter.is_some_and(char::is_lowercase);
                if !opens || (c == '.' && !self.ends_sentence(text, stop, next_start)) {
                    i = end;
                    continue;
                }
            }
            out.push(base + start..base + end);
            start = next_start;
            i = next_start;
        }
        let end = text.trim_end().len();
        if start < end {
            out.push(base + start..base + end);
        }
    }

    /// Whether the full stop at `stop` ends a sentence, given where the next word starts.
    fn ends_sentence(&self, text: &str, stop: usize, next_start: usize) -> bool {
        // Abbreviations are short: look back a bounded distance, so a long run of text without
        // spaces stays linear.
        let mut window = stop.saturating_sub(32);
        while !text.is_char_boundary(window) {
            window -= 1;
        }
        // The last ASCII whitespace before the stop starts the word, unless a byte outside ASCII
        // comes after it (which may be whitespace too: then the characters are looked at).
        let word_start = match text.as_bytes()[window..stop]
            .iter()
            .rposition(|&b| matches!(b, b' ' | b'\t'..=b'\r') || !b.is_ascii())
        {
            Some(at) if text.as_bytes()[window + at].is_ascii() => window + at + 1,
            None => window,
            Some(_) => text[window..stop]
                .char_indices()
                .rfind(|&(_, c)| c.is_whitespace())
                .map_or(window, |(i, c)| window + i + c.len_utf8()),
        };
        let word = text[word_start..=stop].trim_start_matches(['(', '[', '"', '“', '‘', '\'']);
        let letters = &word[..word.len() - 1];
        // One letter, as a character: read without counting them all.
        let one_letter = |part: &str| {
            let mut chars = part.chars();
            chars.next().is_some_and(char::is_alphabetic) && chars.next().is_none()
        };
        let is_dotted = letters.len() > 1 && letters.split('.').all(one_letter);
        let (byte, bit) = shape(word);
        let listed = |list: &HashSet<String>| {
            self.abbreviation_shapes.get(byte).is_some_and(|shapes| shapes & bit != 0) && list.contains(word)
        };
        if is_dotted || listed(&self.final_abbreviations) {
            let next_word: &str = text[next_start..]
                .trim_start_matches(['"', '“', '‘', '\'', '(', '['])
                .split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("");
            return self.openers.contains(next_word);
        }
        let is_initial = one_letter(letters) && letters.starts_with(char::is_uppercase);
        !is_initial && !listed(&self.abbreviations)
    }
}

/// Adds to `out` the indices of the words from `first` on that begin with an [`opening_byte`],
/// without a branch on each word (which the processor could not guess).
fn openers(prose: &[u8], words: &[Range<usize>], first: usize, out: &mut Vec<usize>) {
    let mut end = out.len();
    out.resize(end + (words.len() - first), 0);
    for (i, word) in words.iter().enumerate().skip(first) {
        out[end] = i;
        end += usize::from(opening_byte(prose[word.start]));
    }
    out.truncate(end);
}

/// Whether each word opens its sentence: the word before it starts before the sentence does.
/// A word before the first sentence counts from the start of the text. That is the first word,
/// and each first word at or after the start of a sentence (the word before it starts before
/// that sentence, and so before the last sentence to start by the word): found by a search for
/// each sentence, not a look at each word. Also, for each sentence, that first word's index.
fn initials(sentences: &[Range<usize>], words: &[Range<usize>]) -> (Vec<bool>, Vec<usize>) {
    let mut out = vec![false; words.len()];
    if let Some(first) = out.first_mut() {
        *first = true;
    }
    let mut starts = Vec::with_capacity(sentences.len());
    let mut w = 0;
    for sentence in sentences {
        w = partition_from(words, w, |word| word.start < sentence.start);
        if let Some(initial) = out.get_mut(w) {
            *initial = true;
        }
        starts.push(w);
    }
    (out, starts)
}

/// Where the first character from `from` on that is not whitespace is (the end of the text if
/// none is); ASCII without decoding.
fn skip_space(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        // The ASCII whitespace of `char::is_whitespace`: a space, and tab to carriage return.
        let (space, len) = match b {
            b' ' | b'\t'..=b'\r' => (true, 1),
            _ if b.is_ascii() => (false, 1),
            _ => {
                let c = char_at(text, i);
                (c.is_whitespace(), c.len_utf8())
            }
        };
        if !space {
            return i;
        }
        i += len;
    }
    text.len()
}

/// The first letter or digit among the `most` characters from `from` on, if there is one;
/// ASCII without decoding.
fn first_alphanumeric(text: &str, from: usize, most: usize) -> Option<char> {
    let mut i = from;
    for _ in 0..most {
        let c = char_at(text, i);
        if c.is_alphanumeric() {
            return Some(c);
        }
        i += c.len_utf8();
        if i >= text.len() {
            return None;
        }
    }
    None
}

/// Words: runs of letters and digits, joined across an apostrophe or hyphen between letters and
/// across `.` or `,` between digits ("don't", "Nagorno-Karabakh", "30,000", "3.5").
///
/// [`SPAN`] bytes are told at once where they and their neighbours are ASCII (most English
/// copy): eight at a time in a register, without a branch ([`ascii_in_word`]). Elsewhere each
/// byte is told by a table whether it is in a word, and only the marks that may join and bytes
/// outside ASCII are looked at more closely. Where words start and end is written down without
/// a branch per word (a word's end is the one branch a processor cannot guess).
fn words(text: &str, base: usize, out: &mut Vec<Range<usize>>) {
    const FLUSH: usize = 256;
    let bytes = text.as_bytes();
    // The places the text goes into or out of a word, in turn; flushed in pairs as words.
    let mut edges = [0usize; FLUSH + SPAN + 2];
    let mut count = 0;
    let mut inside = false;
    let mut i = 0;
    while i < bytes.len() {
        let before = if i == 0 { 0 } else { bytes[i - 1] };
        let after = bytes.get(i + SPAN).copied().unwrap_or(0);
        let span = bytes.get(i..i + SPAN).filter(|span| (before | after).is_ascii() && span.is_ascii());
        if let Some(span) = span {
            let now = ascii_span_in_word(span, before, after);
            // Bit k: whether the text goes into or out of a word at byte k. Twelve are written
            // whether there are that many or not (most spans have fewer), then any more.
            let mut turns = (now ^ (now << 1 | u64::from(inside))) & ((1 << SPAN) - 1);
            let turned = turns.count_ones() as usize;
            for k in 0..12 {
                edges[count + k] = i + turns.trailing_zeros() as usize;
                turns &= turns.wrapping_sub(1);
            }
            let mut k = 12;
            while turns != 0 {
                edges[count + k] = i + turns.trailing_zeros() as usize;
                turns &= turns - 1;
                k += 1;
            }
            count += turned;
            inside = now >> (SPAN - 1) != 0;
            i += SPAN;
        } else {
            let class = WORD_BYTES[usize::from(bytes[i])];
            let (now, len) = if class < 2 { (class == 1, 1) } else { word_char(text, i, inside) };
            edges[count] = i;
            count += usize::from(now != inside);
            inside = now;
            i += len;
        }
        if count >= FLUSH {
            let complete = count & !1;
            out.extend(edges[..complete].chunks_exact(2).map(|w| base + w[0]..base + w[1]));
            edges[0] = edges[complete];
            count -= complete;
        }
    }
    edges[count] = bytes.len();
    count += usize::from(inside);
    out.extend(edges[..count].chunks_exact(2).map(|w| base + w[0]..base + w[1]));
}

/// How many bytes [`words`] tells at once (four registers of eight).
const SPAN: usize = 32;

/// Which of [`SPAN`] ASCII bytes are in a word, as bits (the first byte's lowest), given the
/// ASCII bytes before and after them (0 where there is none).
#[inline(always)]
fn ascii_span_in_word(span: &[u8], before: u8, after: u8) -> u64 {
    let mut bits = 0;
    for k in 0..SPAN / 8 {
        let eight = u64::from_le_bytes(span[8 * k..8 * k + 8].try_into().expect("eight bytes"));
        let before = if k == 0 { before } else { span[8 * k - 1] };
        let after = span.get(8 * k + 8).copied().unwrap_or(after);
        bits |= u64::from(ascii_in_word(eight, before, after)) << (8 * k);
    }
    bits
}

/// Which of eight ASCII bytes (`chunk`, the first in its lowest byte) are in a word, as the low
/// eight bits, given the ASCII bytes before and after them (0 where there is none): what
/// [`word_char`] says of each, without a branch. A letter or digit is in a word; `'` or `-`
/// between letters or digits, and `.` or `,` between digits, join two parts of one.
#[inline(always)]
fn ascii_in_word(chunk: u64, before: u8, after: u8) -> u32 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Each byte's top bit: whether it is at least `bound` (every byte is below 0x80, so no sum
    // carries into the next byte).
    let at_least = |x: u64, bound: u8| (x + ONES * u64::from(0x80 - bound)) & HIGH;
    let within = |x: u64, low: u8, high: u8| at_least(x, low) & !at_least(x, high + 1);
    let equal = |b: u8| {
        let y = chunk ^ (ONES * u64::from(b));
        !((y + ONES * 0x7f) | y) & HIGH
    };
    let digits = within(chunk, b'0', b'9');
    let alphanumeric = digits | within(chunk | (ONES * 0x20), b'a', b'z');
    // Each byte's top bit gathered into the top byte, the first byte's lowest.
    let gather = |bits: u64| ((bits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32;
    // Only the bytes from `'` to `.` may join two parts of a word, and most runs of eight
    // bytes have none: their letters and digits are the bytes in a word.
    if within(chunk, b'\'', b'.') == 0 {
        return gather(alphanumeric);
    }
    // The same of each byte's neighbours: the byte before it (`before` for the first) and after
    // it (`after` for the last).
    let top = |b: bool| u64::from(b) << 7;
    let is_alphanumeric = |b: u8| b.is_ascii_alphanumeric();
    let is_digit = |b: u8| b.is_ascii_digit();
    let previous = |bits: u64, b: u8, is: fn(u8) -> bool| bits << 8 | top(is(b));
    let next = |bits: u64, b: u8, is: fn(u8) -> bool| bits >> 8 | top(is(b)) << 56;
    let between_alphanumerics =
        previous(alphanumeric, before, is_alphanumeric) & next(alphanumeric, after, is_alphanumeric);
    let between_digits = previous(digits, before, is_digit) & next(digits, after, is_digit);
    let inside = alphanumeric
        | (equal(b'\'') | equal(b'-')) & between_alphanumerics
        | (equal(b'.') | equal(b',')) & between_digits;
    gather(inside)
}

/// For each byte: 1 for an ASCII letter or digit, 0 for other ASCII bytes that never join two
/// parts of a word, 2 for a mark that may (`'`, `-`, `.`, `,`) and for bytes outside ASCII.
const WORD_BYTES: [u8; 256] = {
    let mut table = [2u8; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        table[b] = if byte.is_ascii_alphanumeric() {
            1
        } else if matches!(byte, b'\'' | b'-' | b'.' | b',') {
            2
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Whether the character at `i` is in a word, given whether the one before it was, and its
/// length: a letter or digit is; a mark joins two parts of a word when a letter or digit of
/// the right sort is on both sides of it.
fn word_char(text: &str, i: usize, inside: bool) -> (bool, usize) {
    let c = char_at(text, i);
    let after = i + c.len_utf8();
    if c.is_alphanumeric() {
        return (true, c.len_utf8());
    }
    let joins = inside && after < text.len() && {
        let last = text[..i].chars().next_back().expect("a word is open before i");
        let next = char_at(text, after);
        match c {
            '\'' | '’' | '-' | '‑' => last.is_alphanumeric() && next.is_alphanumeric(),
            '.' | ',' => last.is_ascii_digit() && next.is_ascii_digit(),
            _ => false,
        }
    };
    (joins, c.len_utf8())
}

/// The character at byte `i`, a character boundary inside `text`; ASCII without decoding.
#[inline]
fn char_at(text: &str, i: usize) -> char {
    match text.as_bytes()[i] {
        b if b.is_ascii() => char::from(b),
        _ => text[i..].chars().next().expect("i is a character boundary inside the text"),
    }
}

/// Direct quotations in one block, opening mark to closing mark. A straight mark after a digit
/// is a unit (`a 12" screen`), not a quotation mark.
fn quotes(text: &str, base: usize, out: &mut Vec<Range<usize>>) {
    let mut open: Option<usize> = None;
    // Where the last quotation ended: a closing mark with no opening one starts from there.
    let mut after_last = 0;
    let mut prev = ' ';
    let close = |start: usize, end: usize, out: &mut Vec<Range<usize>>, after_last: &mut usize| {
        out.push(base + start..base + end);
        *after_last = end;
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    // Only `"` and the curly marks (which start with 0xE2) matter; `prev` is the character
    // before each of them.
    while let Some(at) = memchr::memchr2(b'"', 0xE2, &bytes[i..]) {
        let at = i + at;
        if at > i {
            prev = text[..at].chars().next_back().expect("not at the start");
        }
        let c = char_at(text, at);
        let end = at + c.len_utf8();
        match c {
            '“' if open.is_none() => open = Some(at),
            '”' => {
                // A closing mark with no opening one ends a quotation begun in the last paragraph.
                let start = open.take().unwrap_or(after_last);
                close(start, end, out, &mut after_last);
            }
            '"' if prev.is_ascii_digit() => {}
            '"' => match open.take() {
                Some(start) => close(start, end, out, &mut after_last),
                None => {
                    let next = text[end..].chars().next();
                    let closes = !prev.is_whitespace()
                        && !matches!(prev, '(' | '[' | '—' | '–')
                        && next.is_none_or(|n| n.is_whitespace() || n.is_ascii_punctuation());
                    if closes {
                        close(after_last, end, out, &mut after_last);
                    } else {
                        open = Some(at);
                    }
                }
            },
            _ => {}
        }
        prev = c;
        i = end;
    }
    if let Some(start) = open {
        out.push(base + start..base + text.trim_end().len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asked in order, a cursor tells whether an offset is inside a quotation as a search does:
    /// at each quotation's marks, between quotations, and past the last.
    #[test]
    fn in_quote_from_a_cursor_is_in_quote() {
        let segments = Segments { quotes: vec![2..5, 5..9, 12..13, 20..30], ..Segments::default() };
        let mut cursor = 0;
        for offset in 0..35 {
            assert_eq!(segments.in_quote_from(&mut cursor, offset), segments.in_quote(offset), "{offset}");
        }
        // Offsets asked again, or skipped over, are told the same.
        let mut cursor = 0;
        for offset in [0, 0, 4, 4, 5, 11, 12, 12, 29, 30, 31] {
            assert_eq!(segments.in_quote_from(&mut cursor, offset), segments.in_quote(offset), "{offset}");
        }
    }

    /// The first way words were found, a character at a time, against which [`words`] is
    /// checked. Words: runs of letters and digits, joined across an apostrophe or hyphen between letters and
    /// across `.` or `,` between digits ("don't", "Nagorno-Karabakh", "30,000", "3.5").
    fn words_by_characters(text: &str, base: usize, out: &mut Vec<Range<usize>>) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii() && !bytes[i].is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let c = char_at(text, i);
            i += c.len_utf8();
            if !c.is_alphanumeric() {
                continue;
            }
            let start = i - c.len_utf8();
            // Runs of ASCII letters and digits without decoding, then one character at a time.
            while i < bytes.len() {
                let b = bytes[i];
                if b.is_ascii_alphanumeric() {
                    i += 1;
                    continue;
                }
                // Most words end at a space or a mark that joins nothing.
                if b.is_ascii() && !matches!(b, b'\'' | b'-' | b'.' | b',') {
                    break;
                }
                let c = char_at(text, i);
                if c.is_alphanumeric() {
                    i += c.len_utf8();
                    continue;
                }
                let after = i + c.len_utf8();
                let joins = after < bytes.len() && {
                    let last = text[..i].chars().next_back().expect("the word has a character");
                    let next = char_at(text, after);
                    match c {
                        '\'' | '’' | '-' | '‑' => last.is_alphanumeric() && next.is_alphanumeric(),
                        '.' | ',' => last.is_ascii_digit() && next.is_ascii_digit(),
                        _ => false,
                    }
                };
                if !joins {
                    break;
                }
                i = after;
            }
            out.push(base + start..base + i);
        }
    }

    #[test]
    fn words_are_the_same_as_found_a_character_at_a_time() {
        let alphabet = [
            "a", "Z", "7", "é", "ü", "’", "'", "-", "‑", ".", ",", " ", "\n", "“", "”", "(", ")", "—", "ß",
            "٣", "😀", "_", "&", "x1", "3,0", "don't",
        ];
        let mut random = crate::hash::Random::new(0x9e37_79b9_7f4a_7c15);
        for round in 0..20_000 {
            let mut text = String::new();
            // Long texts too, past the buffer of word edges.
            let len = if round % 100 == 0 { 2_000 } else { random.below(16) };
            for _ in 0..len {
                text.push_str(alphabet[random.below(alphabet.len())]);
            }
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            words(&text, 5, &mut ours);
            words_by_characters(&text, 5, &mut theirs);
            assert_eq!(ours, theirs, "{text:?}");
        }
        // Mostly ASCII words and spaces, with the odd mark or letter outside ASCII between.
        let pieces = [
            "Minsk ",
            "group",
            " ",
            "  ",
            "a",
            "Z9",
            "(Reuters) ",
            "_",
            "@[`{",
            "don't",
            "3.5",
            "-",
            "é",
            "’",
        ];
        for round in 0..20_000 {
            let mut text = String::new();
            let len = if round % 100 == 0 { 2_000 } else { random.below(24) };
            for _ in 0..len {
                let i = random.below(pieces.len());
                text.push_str(pieces[if i >= 9 && random.below(3) > 0 { random.below(9) } else { i }]);
            }
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            words(&text, 5, &mut ours);
            words_by_characters(&text, 5, &mut theirs);
            assert_eq!(ours, theirs, "{text:?}");
        }
    }
    /// Initial words found by a search for each sentence are those found by looking at each word.
    #[test]
    fn initials_are_those_found_word_by_word() {
        let by_words = |sentences: &[Range<usize>], words: &[Range<usize>]| {
            let mut s = 0;
            let mut previous: Option<usize> = None;
            let mut out = Vec::new();
            for word in words {
                while s < sentences.len() && sentences[s].start <= word.start {
                    s += 1;
                }
                let start = s.checked_sub(1).map_or(0, |i| sentences[i].start);
                out.push(previous.is_none_or(|p| p < start));
                previous = Some(word.start);
            }
            out
        };
        let mut random = crate::hash::Random::new(11);
        for _ in 0..5_000 {
            // Words and sentences of a text of a few dozen bytes, each list in order.
            let (mut words, mut sentences) = (Vec::new(), Vec::new());
            let mut at = random.below(3);
            while at < 60 {
                let len = 1 + random.below(4);
                words.push(at..at + len);
                at += len + 1 + random.below(2);
            }
            let mut at = random.below(5);
            while at < 60 {
                let len = 1 + random.below(15);
                sentences.push(at..at + len);
                at += len + random.below(3);
            }
            assert_eq!(
                initials(&sentences, &words).0,
                by_words(&sentences, &words),
                "{sentences:?} {words:?}"
            );
        }
    }

    /// Every ASCII byte, in runs that are often eight bytes or more long, so that bytes are told
    /// eight at a time beside every neighbour, a letter outside ASCII now and then.
    #[test]
    fn ascii_words_told_eight_bytes_at_a_time_are_those_found_a_character_at_a_time() {
        let mut random = crate::hash::Random::new(0x2545_f491_4f6c_dd1d);
        let common = b"aZ09'-., /:@[`{_";
        for round in 0..20_000 {
            let len = if round % 100 == 0 { 3_000 } else { random.below(40) };
            let mut text = String::new();
            for _ in 0..len {
                match random.below(20) {
                    0 => text.push(char::from(random.below(128) as u8)),
                    1 => text.push('é'),
                    _ => text.push(char::from(common[random.below(common.len())])),
                }
            }
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            words(&text, 3, &mut ours);
            words_by_characters(&text, 3, &mut theirs);
            assert_eq!(ours, theirs, "{text:?}");
        }
    }

    use crate::source::Format;

    fn segmenter() -> Segmenter {
        Segmenter::new(
            ["Sept.", "Oct.", "Mr.", "Gov.", "Sen.", "No.", "St."],
            ["Inc.", "Corp.", "a.m.", "p.m."],
            ["The", "He", "It"],
        )
    }

    fn sentences(text: &str) -> Vec<&str> {
        let doc = Document::parse(text, Format::Text);
        segmenter().segment(&doc).sentences.iter().map(|r| &text[r.clone()]).collect()
    }

    #[test]
    fn does_not_split_after_news_abbreviations() {
        assert_eq!(
            sentences("Armenia says Azerbaijan launched an offensive on Sept. 27. Mr. Aliyev denied it."),
            vec!["Armenia says Azerbaijan launched an offensive on Sept. 27.", "Mr. Aliyev denied it."]
        );
        assert_eq!(
            sentences("Gov. Jerry Brown and Sen. J. Smith met U.N. officials at 9 a.m. Tuesday."),
            vec!["Gov. Jerry Brown and Sen. J. Smith met U.N. officials at 9 a.m. Tuesday."]
        );
        assert_eq!(
            sentences("It ranked No. 2 in the U.S. market. Profit was $1.2 billion, up 3.5 percent."),
            vec!["It ranked No. 2 in the U.S. market.", "Profit was $1.2 billion, up 3.5 percent."]
        );
    }

    #[test]
    fn dotted_abbreviation_ends_a_sentence_before_an_opener() {
        assert_eq!(
            sentences("Shares rose in the U.S. The dollar fell. Sales at Acme Inc. It said so."),
            vec!["Shares rose in the U.S.", "The dollar fell.", "Sales at Acme Inc.", "It said so."]
        );
    }

    #[test]
    fn splits_after_closing_quotes_and_question_marks() {
        assert_eq!(
            sentences("“Fierce battles continue,” the ministry said. “Why now?” he asked. Then he left."),
            vec!["“Fierce battles continue,” the ministry said.", "“Why now?” he asked.", "Then he left."]
        );
        assert_eq!(
            sentences("He said: \"We will win.\" The crowd cheered."),
            vec!["He said: \"We will win.\"", "The crowd cheered."]
        );
    }

    #[test]
    fn hard_wrapped_wire_copy() {
        let text = " ANCHORAGE, Alaska  (Reuters) - Exxon Mobil offered \nto pay a $20 million fine on Friday. \nThe company's offer was accompanied by a plan.";
        assert_eq!(
            sentences(text),
            vec![
                "ANCHORAGE, Alaska  (Reuters) - Exxon Mobil offered \nto pay a $20 million fine on Friday.",
                "The company's offer was accompanied by a plan."
            ]
        );
    }

    #[test]
    fn non_ascii_spaces_and_long_runs_of_stops() {
        assert_eq!(
            sentences("He met\u{a0}Mr. Smith. In\u{a0}the U.S. The dollar fell."),
            vec!["He met\u{a0}Mr. Smith.", "In\u{a0}the U.S.", "The dollar fell."]
        );
        let dots = format!("a{}b", ".".repeat(50_000));
        assert_eq!(sentences(&dots), vec![dots.as_str()]);
    }

    /// An ellipsis ends a sentence as a full stop does, and one that does not (a lowercase word
    /// after it) leaves the next stop to end it, however many come before that stop.
    #[test]
    fn ellipses_before_a_full_stop() {
        assert_eq!(
            sentences("He paused… Then he spoke. “Yes…” she said… and left! Fine… it ends."),
            vec!["He paused…", "Then he spoke.", "“Yes…” she said… and left!", "Fine… it ends."]
        );
        let trailing = format!("{} end. Next one.", "so… on, ".repeat(1_000));
        let expected = format!("{} end.", "so… on, ".repeat(1_000));
        assert_eq!(sentences(&trailing), vec![expected.as_str(), "Next one."]);
    }

    #[test]
    fn inch_marks_and_unopened_closing_marks() {
        let text = "Engineers built a 12\" screen. Azeri forces are coming,” he added. “More,” she said.";
        let doc = Document::parse(text, Format::Text);
        let seg = segmenter().segment(&doc);
        let quotes: Vec<&str> = seg.quotes.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(quotes, vec!["Engineers built a 12\" screen. Azeri forces are coming,”", "“More,”"]);
        assert!(seg.in_quote(0), "a continued quotation starts with the paragraph");
        let text = "x “a” b” c";
        let doc = Document::parse(text, Format::Text);
        let quotes = segmenter().segment(&doc).quotes;
        assert!(quotes.windows(2).all(|w| w[0].end <= w[1].start), "{quotes:?}");
    }

    /// Real wire sentences: Wikinews (CC BY 2.5, by Wikinews contributors), documents 80174,
    /// 106849 and 45206; and the seed Reuters story.
    #[test]
    fn real_wire_sentences() {
        assert_eq!(
            sentences(
                "\"This is America? \" said Democratic Senator for Vermont, Patrick J. Leahy. In 2006, the U.S. \
                 Military Commissions Act limited the rights of detainees at Guantanamo Bay, the U.S. run \
                 dentention facility in Cuba. The act also included smaller U.S. prisons around the globe."
            ),
            vec![
                "\"This is America? \" said Democratic Senator for Vermont, Patrick J. Leahy.",
                "In 2006, the U.S. Military Commissions Act limited the rights of detainees at Guantanamo Bay, \
                 the U.S. run dentention facility in Cuba.",
                "The act also included smaller U.S. prisons around the globe.",
            ]
        );
        assert_eq!(
            sentences(
                "The defendant, Ohio-based company Owens Illinois, Inc., had sought a trial in a Spanish court. \
                 In a May 2 earnings call, Owens-Illinois Chief Financial Officer Edward C. White addressed \
                 asbestos-related expenses. Payments were $40.2 million, down slightly from $41.0 million."
            )
            .len(),
            3
        );
        assert_eq!(
            sentences(
                "The increase of US$1 will raise the rate to US$ 6.15. Easley said that the new law will help."
            ),
            vec![
                "The increase of US$1 will raise the rate to US$ 6.15.",
                "Easley said that the new law will help."
            ]
        );
        assert_eq!(
            sentences(
                "“The president of Azerbaijan placed the entire responsibility on the leadership of Armenia,” \
                 Aliyev’s press service said. Armenia says it was Azerbaijan that reopened the conflict by \
                 launching a major offensive on Sept. 27."
            )
            .len(),
            2
        );
    }

    #[test]
    fn words_keep_apostrophes_hyphens_and_numbers() {
        let text = "Nagorno-Karabakh's 30,000 people don't pay 3.5 - or more.";
        let doc = Document::parse(text, Format::Text);
        let seg = segmenter().segment(&doc);
        let words: Vec<&str> = seg.words.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(
            words,
            vec!["Nagorno-Karabakh's", "30,000", "people", "don't", "pay", "3.5", "or", "more"]
        );
    }

    #[test]
    fn quotations_straight_curly_and_continued() {
        let text = "“Fierce battles,” it said. He said \"no\" twice.\n\n\"It runs on\n\n\"and ends here,\" she said.";
        let doc = Document::parse(text, Format::Text);
        let seg = segmenter().segment(&doc);
        let quotes: Vec<&str> = seg.quotes.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(quotes, vec!["“Fierce battles,”", "\"no\"", "\"It runs on", "\"and ends here,\""]);
        let inside = text.find("battles").unwrap();
        assert!(seg.in_quote(inside));
        assert!(!seg.in_quote(text.find("it said").unwrap()));
    }

    #[test]
    fn openers_are_the_words_that_begin_with_a_capital_a_digit_or_a_letter_outside_ascii() {
        let text = "The Minsk group met in Moscow, 3 days after zürich and Émile's iPhone.\n\n\
                    # a Heading\n\nx 9x";
        let doc = Document::parse(text, Format::Markdown);
        let seg = segmenter().segment(&doc);
        let openers: Vec<&str> = seg.openers.iter().map(|&w| &text[seg.words[w].clone()]).collect();
        assert_eq!(openers, ["The", "Minsk", "Moscow", "3", "Émile's", "Heading", "9x"]);
        let every = seg.words.iter().enumerate().filter(|(_, w)| opening_byte(text.as_bytes()[w.start]));
        assert_eq!(seg.openers, every.map(|(i, _)| i).collect::<Vec<_>>());
        // Asked in order, from every word on, with one cursor: the first opener there or after.
        let mut cursor = 0;
        for from in 0..=seg.words.len() + 1 {
            let expected = seg.openers.iter().copied().find(|&w| w >= from);
            assert_eq!(seg.next_opener(&mut cursor, from), expected, "from {from}");
        }
        assert_eq!(seg.next_opener(&mut cursor, 0), None, "the cursor does not go back");
    }

    /// A sentence's words, told by where the next sentence's begin, are those inside it, in
    /// plain text and Markdown of sentences, blocks, quotations, markup and words joined or not.
    #[test]
    fn a_sentences_words_are_those_inside_it() {
        let pieces = [
            "Minsk",
            " ",
            "group",
            ". ",
            "? ",
            "!\" ",
            ".\n",
            "\n\n",
            "U.S.",
            " Mr. ",
            "3.5",
            "…",
            "'",
            "’",
            "(",
            ")",
            "\"",
            "“",
            "”",
            "**",
            "_",
            "> ",
            "# ",
            "- ",
            "`x`",
            "[a](b)",
            "é",
            "\t",
            ". \n",
            "A.",
            "<!-- copydesk-disable -->",
            "x-",
            "-y",
            "\u{a0}",
            "\x1f",
        ];
        let mut random = crate::hash::Random::new(0x2f1e_3d4c_5b6a_7988);
        let mut sentences = 0;
        for round in 0..6_000 {
            let len = if round % 100 == 0 { 400 } else { random.below(40) };
            let text: String = (0..len).map(|_| pieces[random.below(pieces.len())]).collect();
            for format in [Format::Text, Format::Markdown] {
                let doc = Document::parse(&text, format);
                let seg = segmenter().segment(&doc);
                for (i, sentence) in seg.sentences.iter().enumerate() {
                    assert_eq!(seg.sentence_words(i), seg.word_indices(sentence), "{sentence:?} of {text:?}");
                }
                sentences += seg.sentences.len();
            }
        }
        assert!(sentences > 20_000, "{sentences}");
    }

    #[test]
    fn words_of_ranges_asked_for_in_any_order_are_found_as_by_a_whole_search() {
        let text =
            "Mr. A. Smith said, \"It is 3.5% -- up\" he said.\n\nThe U.S. Inc. rose. Then x y z. ".repeat(40);
        let doc = Document::parse(&text, Format::Text);
        let seg = segmenter().segment(&doc);
        let whole = |range: &Range<usize>| {
            let first = seg.words.partition_point(|w| w.start < range.start);
            let last = seg.words.partition_point(|w| w.end <= range.end);
            first..last.max(first)
        };
        let mut random = crate::hash::Random::new(0x853c_49e6_748f_ea9b);
        let mut next = |n: usize| random.below(n);
        let mut ranges: Vec<Range<usize>> = (0..3_000)
            .map(|_| {
                let start = next(text.len() + 1);
                start..(start + next(200)).min(text.len())
            })
            .collect();
        ranges.extend(seg.sentences.iter().cloned());
        ranges.extend(seg.words.iter().cloned());
        // A block's words are kept as segmenting found them.
        assert!(doc.blocks.len() > 40);
        ranges.extend(doc.blocks.iter().map(|b| b.range.clone()));
        ranges.extend(doc.blocks.iter().map(|b| b.range.start..b.range.end - 1));
        for round in 0..3 {
            if round == 1 {
                ranges.sort_by_key(|r| r.start);
            }
            for range in &ranges {
                assert_eq!(seg.word_indices(range), whole(range), "{range:?}");
            }
        }
        assert_eq!(partition_from(&[1, 2, 3, 4, 5, 6, 7, 8, 9], 2, |&x| x < 8), 7);
        assert_eq!(partition_from(&[1, 2, 3], 3, |&x| x < 8), 3);
        assert_eq!(partition_from::<u8>(&[], 0, |_| true), 0);
    }
}
