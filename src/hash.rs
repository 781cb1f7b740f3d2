//! A fast hash for the short keys of one document (words, names, normalised sentences). The
//! standard SipHash resists hash flooding by keys an attacker chooses, which costs more than the
//! lookups it serves here: the keys are an article's own words, hashed millions of times on a
//! corpus. This is the multiply-rotate hash of Firefox and rustc (FxHash).

use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with the fast hash; make one with `Map::default()`.
pub type Map<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A `HashSet` with the fast hash; make one with `Set::default()`.
pub type Set<T> = std::collections::HashSet<T, BuildHasherDefault<FxHasher>>;

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// A hash extended by one word, as [`FxHasher`] does.
#[inline(always)]
pub fn mix(hash: u64, word: u64) -> u64 {
    (hash.rotate_left(5) ^ word).wrapping_mul(SEED)
}

/// A quick hash of a short text, such as a word: its length and its first and last eight bytes.
/// Texts that share it are told apart by comparing them.
pub fn short_hash(bytes: &[u8]) -> u64 {
    let head = head_le(&bytes[..bytes.len().min(8)]);
    let tail = head_le(&bytes[bytes.len().saturating_sub(8)..]);
    mix(mix(bytes.len() as u64, head), tail)
}

/// The first eight bytes of `bytes` as a little-endian number, zero above the last byte when
/// there are fewer: what copying them into eight zero bytes gives, by two overlapping loads at
/// most instead of a call to copy a length known only at run time (the bytes the loads share
/// are the same bytes, so or-ing them changes nothing).
#[inline(always)]
pub fn head_le(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let at = |i: usize, width: usize| -> u64 {
        bytes[i..i + width].iter().rev().fold(0, |x, &b| x << 8 | u64::from(b))
    };
    match n {
        8.. => u64::from_le_bytes(bytes[..8].try_into().expect("eight bytes")),
        4..=7 => {
            let low = u64::from(u32::from_le_bytes(bytes[..4].try_into().expect("four bytes")));
            let high = u64::from(u32::from_le_bytes(bytes[n - 4..n].try_into().expect("four bytes")));
            low | high << (8 * (n - 4))
        }
        2..=3 => at(0, 2) | at(n - 2, 2) << (8 * (n - 2)),
        1 => u64::from(bytes[0]),
        _ => 0,
    }
}

/// [`short_hash`] of the ASCII lowercase of `text[range]` when that is ASCII, at most 16
/// bytes long and followed by enough text to load eight bytes at its start: read as two
/// eight-byte loads from the text around it, lowercased in them, without a copy. `None`
/// otherwise.
#[inline(always)]
pub fn short_hash_lowercase(text: &[u8], range: std::ops::Range<usize>) -> Option<u64> {
    let (start, end) = (range.start, range.end);
    if end.checked_sub(start)? > 16 || start + 8 > text.len() {
        return None;
    }
    let load = |at: usize| u64::from_le_bytes(text[at..at + 8].try_into().expect("eight bytes"));
    let len = end - start;
    // The first eight bytes and the last eight (the same, in a text shorter than eight), bytes
    // past the end masked to zero.
    let mask = u64::MAX.checked_shr(64 - 8 * len.min(8) as u32).unwrap_or(0);
    let head = load(start) & mask;
    let tail = load(end.saturating_sub(8).max(start)) & mask;
    // A byte from `A` to `Z` gets 0x20.
    let lowercase = |x: u64| {
        let at_least_a = x + 0x3f3f_3f3f_3f3f_3f3f;
        let past_z = x + 0x2525_2525_2525_2525;
        x | ((at_least_a & !past_z & 0x8080_8080_8080_8080) >> 2)
    };
    ((head | tail) & 0x8080_8080_8080_8080 == 0)
        .then(|| mix(mix(len as u64, lowercase(head)), lowercase(tail)))
}

#[derive(Clone, Copy, Default)]
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = mix(self.hash, word);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            self.add(head_le(rest));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    /// The state turned so that its top bits, which a multiply mixes from every bit of the
    /// input, are the low bits a table picks its bucket by: the low bits of a product depend on
    /// the low bits of what was multiplied alone, and keys that are themselves hashes of words
    /// (`short_hash`), or words alike in their first bytes, would share a few buckets (as rustc's
    /// own FxHash does since version 2).
    #[inline]
    fn finish(&self) -> u64 {
        self.hash.rotate_left(26)
    }
}

/// A small, seeded, deterministic generator (xorshift64) for the tests that check a fast
/// routine against a plain one on random input.
#[cfg(test)]
pub(crate) struct Random(u64);

#[cfg(test)]
impl Random {
    pub(crate) fn new(seed: u64) -> Random {
        Random(seed | 1)
    }

    /// The next number.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n`.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table picks a bucket by a hash's low bits: keys alike in their low bits (here the
    /// `short_hash` of names that differ only after their first bytes, as the name rules key
    /// their tables) must still spread over them, or every look-up probes one long cluster.
    #[test]
    fn keys_alike_in_their_low_bits_spread_over_the_buckets() {
        let build = BuildHasherDefault::<FxHasher>::default();
        let mut low_bits: Set<u64> = Set::default();
        let mut random = Random::new(0x5eed);
        let count = 10_000;
        for _ in 0..count {
            let suffix: String = (0..5).map(|_| char::from(b'a' + random.below(26) as u8)).collect();
            let key = short_hash(format!("anna smith{suffix}").as_bytes());
            low_bits.insert(std::hash::BuildHasher::hash_one(&build, key) & 0xffff);
        }
        // 10,000 keys thrown at random into 65,536 buckets fill about 9,300 of them.
        assert!(low_bits.len() > count * 9 / 10, "{} of {count} keys in distinct buckets", low_bits.len());
    }

    #[test]
    fn equal_keys_hash_alike_and_different_ones_apart() {
        let mut set: Set<String> = Set::default();
        for word in ["minsk", "group", "minsk group", "azerbaijan", "azerbijan", ""] {
            assert!(set.insert(word.to_owned()));
        }
        assert!(set.contains("minsk group"));
        assert!(!set.contains("minsk grou"));
        assert_eq!(set.len(), 6);
        // The hash itself spreads keys: a constant one would keep the set right but slow.
        let hash =
            |word: &str| std::hash::BuildHasher::hash_one(&BuildHasherDefault::<FxHasher>::default(), word);
        let hashes: Set<u64> =
            ["minsk", "group", "azerbaijan", "azerbijan", "a", "b"].iter().map(|w| hash(w)).collect();
        assert_eq!(hashes.len(), 6);
        assert_eq!(hash("minsk"), hash("minsk"));
    }

    /// Two overlapping loads give what a copy into eight zero bytes gives, at every length and
    /// with every byte in every place.
    #[test]
    fn head_le_is_the_bytes_copied_into_eight_zeros() {
        let mut random = Random::new(7);
        for len in 0..=12 {
            for _ in 0..200 {
                let bytes: Vec<u8> = (0..len).map(|_| random.below(256) as u8).collect();
                let mut eight = [0u8; 8];
                let n = len.min(8);
                eight[..n].copy_from_slice(&bytes[..n]);
                assert_eq!(head_le(&bytes), u64::from_le_bytes(eight), "{bytes:?}");
            }
        }
    }

    #[test]
    fn a_short_word_hashes_in_place_as_its_lowercase_copy_does() {
        let text = "Minsk GROUP o'Neil's Azerbaijani-Armenian x Zürich ABCDEFGHIJKLMNOPQ @[`{ end of text";
        let mut checked = 0;
        for start in 0..text.len() {
            for end in start..=text.len() {
                let (Some(word), true) = (text.get(start..end), text.is_char_boundary(start)) else {
                    continue;
                };
                match short_hash_lowercase(text.as_bytes(), start..end) {
                    Some(hash) => {
                        assert_eq!(hash, short_hash(word.to_ascii_lowercase().as_bytes()), "{word:?}");
                        checked += 1;
                    }
                    None => {
                        assert!(!word.is_ascii() || word.len() > 16 || start + 8 > text.len(), "{word:?}")
                    }
                }
            }
        }
        assert!(checked > 1_000);
        assert_ne!(short_hash(b"minsk"), short_hash(b"minks"));
        assert_ne!(short_hash(b"a"), short_hash(b"a\0"));
    }
}
