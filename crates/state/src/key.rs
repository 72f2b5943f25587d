//! Trie keys as 251-bit paths. Bit 250 (the most significant) chooses the first branch under the
//! root; a node at height `h` branches on bit `h - 1`.

use chain::Felt;

use crate::error::StateError;

/// Height of every trie.
pub const TRIE_HEIGHT: u16 = 251;

/// A 256-bit unsigned integer as four little-endian 64-bit limbs, used for key paths. Ordered
/// numerically (most significant limb first), which is the order of leaves in the trie.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Bits([u64; 4]);

impl Ord for Bits {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.iter().rev().cmp(other.0.iter().rev())
    }
}

impl PartialOrd for Bits {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Bits {
    /// A trie key from a felt; keys must be below `2^251`.
    pub fn from_key(key: &Felt) -> Result<Self, StateError> {
        let bits = Bits(key.to_le_digits());
        if bits.0[3] >> 59 != 0 {
            return Err(StateError::KeyOutOfRange { key: *key });
        }
        Ok(bits)
    }

    /// Bit `index` (0 = least significant).
    pub fn bit(&self, index: u16) -> bool {
        let index = usize::from(index);
        (self.0[index / 64] >> (index % 64)) & 1 == 1
    }

    /// A copy with bit `index` set to `value`.
    pub fn with_bit(mut self, index: u16, value: bool) -> Self {
        let index = usize::from(index);
        let mask = 1u64 << (index % 64);
        if value {
            self.0[index / 64] |= mask;
        } else {
            self.0[index / 64] &= !mask;
        }
        self
    }

    /// The `length` bits below position `height` (bits `height - 1 ..= height - length`) as an
    /// integer: the path of an edge of that length starting at that height.
    pub fn path(&self, height: u16, length: u16) -> Felt {
        let mut out = Bits::default();
        for offset in 0..length {
            if self.bit(height - length + offset) {
                out = out.with_bit(offset, true);
            }
        }
        out.to_felt()
    }

    /// Places an edge path of `length` bits so that it ends at position `height`.
    pub fn from_path(path: &Felt, height: u16, length: u16) -> Self {
        let path = Bits(path.to_le_digits());
        let mut out = Bits::default();
        for offset in 0..length {
            if path.bit(offset) {
                out = out.with_bit(height - length + offset, true);
            }
        }
        out
    }

    /// The integer as a felt (it is below 2^251 wherever it is used).
    pub fn to_felt(self) -> Felt {
        let mut bytes = [0u8; 32];
        for (index, limb) in self.0.iter().enumerate() {
            bytes[32 - 8 * (index + 1)..32 - 8 * index].copy_from_slice(&limb.to_be_bytes());
        }
        Felt::from_bytes_be(&bytes)
    }

    /// Number of significant bits (0 for zero).
    pub fn bit_length(&self) -> u16 {
        for limb in (0..4).rev() {
            if self.0[limb] != 0 {
                return (limb as u16) * 64 + (64 - self.0[limb].leading_zeros() as u16);
            }
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_roundtrip() {
        let key = Bits::from_key(&Felt::from_hex_unchecked("0x5a5a5a5a0123456789abcdef")).unwrap();
        let path = key.path(40, 12);
        let placed = Bits::from_path(&path, 40, 12);
        for index in 0..251 {
            let expected = (28..40).contains(&index) && key.bit(index);
            assert_eq!(placed.bit(index), expected, "bit {index}");
        }
        assert_eq!(key.to_felt(), Felt::from_hex_unchecked("0x5a5a5a5a0123456789abcdef"));
        assert_eq!(Bits::from_key(&Felt::from(5u64)).unwrap().path(3, 3), Felt::from(5u64));
    }

    #[test]
    fn range_is_enforced() {
        let max = Felt::TWO.pow(251u32) - Felt::ONE;
        assert!(Bits::from_key(&max).unwrap().bit(250));
        assert!(Bits::from_key(&Felt::TWO.pow(251u32)).is_err());
        assert!(Bits::from_key(&(Felt::ZERO - Felt::ONE)).is_err());
        assert_eq!(Bits::from_key(&Felt::from(6u64)).unwrap().bit_length(), 3);
    }

    #[test]
    fn order_is_numeric() {
        let high = Bits::from_key(&(Felt::TWO.pow(250u32) + Felt::ONE)).unwrap();
        let low = Bits::from_key(&Felt::from(0x10u64)).unwrap();
        assert!(low < high);
    }
}
