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

#[derive(Clone, Copy, Default)]
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
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
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
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

    fn finish(&self) -> u64 {
        self.hash
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
}
