//! A deterministic pseudo-random generator (splitmix64) for the OS tests, so that a failure
//! replays from its seed.
#![allow(dead_code)]

use chain::Felt;

/// splitmix64 over its 64-bit state.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// 256 random bits reduced mod p: any felt.
    pub fn felt(&mut self) -> Felt {
        Felt::from_bytes_be(&self.bytes())
    }

    /// A non-zero felt.
    pub fn value(&mut self) -> Felt {
        Felt::from(self.next() | 1)
    }

    /// A trie key: a random 251-bit number, or a small one (dense subtrees, long shared edges).
    pub fn key(&mut self) -> Felt {
        if self.chance(30) {
            return Felt::from(self.below(64));
        }
        self.big_key()
    }

    /// A uniformly random 251-bit key.
    pub fn big_key(&mut self) -> Felt {
        let mut bytes = self.bytes();
        bytes[0] &= 0x07;
        Felt::from_bytes_be(&bytes)
    }

    /// One of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    fn bytes(&mut self) -> [u8; 32] {
        let mut bytes = [0u8; 32];
        for chunk in bytes.chunks_mut(8) {
            chunk.copy_from_slice(&self.next().to_be_bytes());
        }
        bytes
    }
}
