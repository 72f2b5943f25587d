//! The Fiat-Shamir transcript (Blake3 hash chain) and proof-of-work grinding.

use crate::field::{Felt, felt_from_bytes, felt_to_bytes};
use crate::merkle::Hash;
use crate::parallel;

/// Public-coin transcript: every message is absorbed into a running Blake3 state, and
/// challenges are derived from that state and a counter.
#[derive(Clone, Debug)]
pub struct Transcript {
    state: Hash,
    counter: u64,
}

impl Transcript {
    /// Starts a transcript bound to a protocol label.
    pub fn new(protocol: &[u8]) -> Self {
        let mut t = Self { state: [0; 32], counter: 0 };
        t.absorb(b"protocol", protocol);
        t
    }

    /// Absorbs a labelled message (length-prefixed, so message boundaries are unambiguous).
    pub fn absorb(&mut self, label: &[u8], message: &[u8]) {
        let mut hasher = blake3::Hasher::new();
        hasher.update(&self.state);
        hasher.update(&(label.len() as u64).to_le_bytes());
        hasher.update(label);
        hasher.update(&(message.len() as u64).to_le_bytes());
        hasher.update(message);
        self.state = *hasher.finalize().as_bytes();
        self.counter = 0;
    }

    pub fn absorb_felts(&mut self, label: &[u8], values: &[Felt]) {
        let mut bytes = Vec::with_capacity(values.len() * 32);
        for v in values {
            bytes.extend_from_slice(&felt_to_bytes(v));
        }
        self.absorb(label, &bytes);
    }

    fn next_bytes(&mut self) -> Hash {
        let mut hasher = blake3::Hasher::new();
        hasher.update(&self.state);
        hasher.update(b"challenge");
        hasher.update(&self.counter.to_le_bytes());
        self.counter += 1;
        *hasher.finalize().as_bytes()
    }

    /// A uniformly random field element (rejection sampling on 252-bit strings).
    pub fn challenge_felt(&mut self) -> Felt {
        loop {
            let mut bytes = self.next_bytes();
            bytes[0] &= 0x0f;
            if let Some(x) = felt_from_bytes(&bytes) {
                return x;
            }
        }
    }

    /// A random index in `[0, bound)`; the bias is below `bound / 2^64`.
    pub fn challenge_index(&mut self, bound: usize) -> usize {
        let bytes = self.next_bytes();
        let x = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"));
        (x % bound as u64) as usize
    }

    /// Searches the nonce whose proof-of-work hash has `bits` leading zero bits.
    pub fn grind(&self, bits: u32) -> u64 {
        if bits == 0 {
            return 0;
        }
        let batch = 1u64 << 14;
        let mut start = 0u64;
        loop {
            let found = parallel::map_range(parallel::num_threads(), |t| {
                let lo = start + t as u64 * batch;
                (lo..lo + batch).find(|n| self.pow_ok(*n, bits))
            });
            if let Some(n) = found.into_iter().flatten().min() {
                return n;
            }
            start += batch * parallel::num_threads() as u64;
        }
    }

    /// Whether `nonce` meets a proof-of-work of `bits` bits at this state.
    pub fn pow_ok(&self, nonce: u64, bits: u32) -> bool {
        let mut hasher = blake3::Hasher::new();
        hasher.update(&self.state);
        hasher.update(b"grinding");
        hasher.update(&nonce.to_le_bytes());
        let h = hasher.finalize();
        let word = u128::from_be_bytes(h.as_bytes()[..16].try_into().expect("16 bytes"));
        bits == 0 || word.leading_zeros() >= bits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_messages_same_challenges_and_order_matters() {
        let mut a = Transcript::new(b"t");
        let mut b = Transcript::new(b"t");
        a.absorb(b"x", b"1");
        b.absorb(b"x", b"1");
        assert_eq!(a.challenge_felt(), b.challenge_felt());
        assert_ne!(a.challenge_felt(), b.clone().challenge_felt() + Felt::one());
        let mut c = Transcript::new(b"t");
        c.absorb(b"x", b"2");
        let mut d = Transcript::new(b"t");
        d.absorb(b"x", b"1");
        assert_ne!(c.challenge_felt(), d.challenge_felt());
        // Boundaries are unambiguous: ("ab","c") differs from ("a","bc").
        let mut e = Transcript::new(b"t");
        e.absorb(b"ab", b"c");
        let mut f = Transcript::new(b"t");
        f.absorb(b"a", b"bc");
        assert_ne!(e.challenge_index(1 << 30), f.challenge_index(1 << 30));
    }

    #[test]
    fn grinding_finds_a_valid_nonce() {
        let t = Transcript::new(b"grind");
        let nonce = t.grind(8);
        assert!(t.pow_ok(nonce, 8));
        assert!((0..nonce).all(|n| !t.pow_ok(n, 8)), "the smallest nonce is returned");
    }
}
