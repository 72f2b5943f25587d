//! Stable, listable object names: `proofs/v1/{block_number:012}-{block_hash}.proof` and the
//! metadata next to it, `proofs/v1/{block_number:012}-{block_hash}.proof.json`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Folder (object-name prefix) holding every proof of format version 1.
pub const KEY_PREFIX: &str = "proofs/v1/";
/// Suffix of the proof object.
pub const PROOF_SUFFIX: &str = ".proof";
/// Suffix of the metadata object. It is written *after* the proof and acts as its commit
/// record: a proof without metadata is an unfinished write and is invisible to `get` and `list`.
pub const METADATA_SUFFIX: &str = ".proof.json";

/// Largest block number that fits the 12-digit, zero-padded rendering. With 12 digits the
/// lexicographic order of object names (what S3 `ListObjectsV2` returns) is block order.
pub const MAX_BLOCK_NUMBER: u64 = 999_999_999_999;

/// A Starknet field element (block hash, program hash, state root) as 32 big-endian bytes.
///
/// Rendered as `0x` + 64 lowercase hex digits, the fixed-width form used in keys. Parsing accepts
/// the short form that Starknet tooling prints (`0x1a2b`) and upper case. The value is not
/// reduced modulo the field prime: this crate treats it as opaque bytes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Felt32(pub [u8; 32]);

impl Felt32 {
    /// Wraps big-endian bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Felt32(bytes)
    }

    /// The big-endian bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Small values, handy in tests and examples.
    pub fn from_u64(value: u64) -> Self {
        let mut bytes = [0u8; 32];
        bytes[24..].copy_from_slice(&value.to_be_bytes());
        Felt32(bytes)
    }
}

impl fmt::Display for Felt32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", hex::encode(self.0))
    }
}

impl fmt::Debug for Felt32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Felt32 {
    type Err = Error;

    fn from_str(input: &str) -> Result<Self> {
        let invalid = |reason| Error::InvalidFelt { input: input.to_owned(), reason };
        let digits = input
            .strip_prefix("0x")
            .or_else(|| input.strip_prefix("0X"))
            .ok_or_else(|| invalid("missing 0x prefix"))?;
        if digits.is_empty() {
            return Err(invalid("no hex digits"));
        }
        if digits.len() > 64 {
            return Err(invalid("more than 64 hex digits"));
        }
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(invalid("not a hex digit"));
        }
        let padded = format!("{digits:0>64}");
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(padded, &mut bytes).map_err(|_| invalid("not a hex digit"))?;
        Ok(Felt32(bytes))
    }
}

impl Serialize for Felt32 {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Felt32 {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Identifies one block's proof. Ordered by block number, then hash: the order of object names.
///
/// Two keys may share a block number when a reorg replaced the block: the re-proven block has a
/// different hash and therefore a different key, so nothing is ever overwritten.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ProofKey {
    block_number: u64,
    block_hash: Felt32,
}

impl ProofKey {
    /// Fails with [`Error::BlockNumberOutOfRange`] above [`MAX_BLOCK_NUMBER`].
    pub fn new(block_number: u64, block_hash: Felt32) -> Result<Self> {
        if block_number > MAX_BLOCK_NUMBER {
            return Err(Error::BlockNumberOutOfRange { block_number });
        }
        Ok(ProofKey { block_number, block_hash })
    }

    pub fn block_number(&self) -> u64 {
        self.block_number
    }

    pub fn block_hash(&self) -> Felt32 {
        self.block_hash
    }

    /// `proofs/v1/000000000042-0x00…2a.proof`
    pub fn object_name(&self) -> String {
        format!("{}{}{PROOF_SUFFIX}", KEY_PREFIX, self.stem())
    }

    /// `proofs/v1/000000000042-0x00…2a.proof.json`
    pub fn metadata_object_name(&self) -> String {
        format!("{}{}{METADATA_SUFFIX}", KEY_PREFIX, self.stem())
    }

    /// Parses a metadata object name (as produced by [`ProofKey::metadata_object_name`]); any
    /// other name, including proof objects and temp files, gives `None`.
    pub fn from_metadata_object_name(name: &str) -> Option<ProofKey> {
        let stem = name.strip_prefix(KEY_PREFIX)?.strip_suffix(METADATA_SUFFIX)?;
        let (number, hash) = stem.split_once('-')?;
        if number.len() != 12 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // Only the canonical rendering is a key, so that name -> key -> name round-trips.
        if hash.len() != 66 || hash.bytes().any(|b| b.is_ascii_uppercase()) {
            return None;
        }
        let key = ProofKey::new(number.parse().ok()?, hash.parse().ok()?).ok()?;
        Some(key)
    }

    fn stem(&self) -> String {
        format!("{:012}-{}", self.block_number, self.block_hash)
    }
}

impl fmt::Display for ProofKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{PROOF_SUFFIX}", KEY_PREFIX, self.stem())
    }
}

/// The exclusive `start_after` object name that lists every key with a block number greater
/// than `after` (`-` < `.` in ASCII, so every name of block `after` sorts before it).
pub(crate) fn list_start_after(after: Option<u64>) -> String {
    match after {
        Some(block) => format!("{KEY_PREFIX}{block:012}."),
        None => KEY_PREFIX.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn renders_the_documented_layout() {
        let key = ProofKey::new(42, "0x2A".parse().unwrap()).unwrap();
        let hash = format!("0x{}2a", "0".repeat(62));
        assert_eq!(key.object_name(), format!("proofs/v1/000000000042-{hash}.proof"));
        assert_eq!(key.metadata_object_name(), format!("proofs/v1/000000000042-{hash}.proof.json"));
        assert_eq!(ProofKey::from_metadata_object_name(&key.metadata_object_name()), Some(key));
        assert_eq!(ProofKey::from_metadata_object_name(&key.object_name()), None);
    }

    #[test]
    fn rejects_bad_felts_and_block_numbers() {
        for bad in ["", "0x", "2a", "0xzz", &format!("0x{}", "1".repeat(65))] {
            assert!(matches!(bad.parse::<Felt32>(), Err(Error::InvalidFelt { .. })), "{bad}");
        }
        assert!(ProofKey::new(MAX_BLOCK_NUMBER, Felt32::default()).is_ok());
        assert!(matches!(
            ProofKey::new(MAX_BLOCK_NUMBER + 1, Felt32::default()),
            Err(Error::BlockNumberOutOfRange { .. })
        ));
    }

    #[test]
    fn start_after_separates_blocks() {
        let start = list_start_after(Some(7));
        let seven = ProofKey::new(7, Felt32([0xff; 32])).unwrap().metadata_object_name();
        let eight = ProofKey::new(8, Felt32::default()).unwrap().metadata_object_name();
        assert!(seven < start && start < eight);
        assert!(
            list_start_after(None) < ProofKey::new(0, Felt32::default()).unwrap().object_name()
        );
    }

    proptest! {
        #[test]
        fn name_order_is_key_order(a in 0..=MAX_BLOCK_NUMBER, b in 0..=MAX_BLOCK_NUMBER,
                                   ha in any::<[u8; 32]>(), hb in any::<[u8; 32]>()) {
            let ka = ProofKey::new(a, Felt32(ha)).unwrap();
            let kb = ProofKey::new(b, Felt32(hb)).unwrap();
            prop_assert_eq!(ka.cmp(&kb), ka.metadata_object_name().cmp(&kb.metadata_object_name()));
            prop_assert_eq!(ProofKey::from_metadata_object_name(&ka.metadata_object_name()), Some(ka));
            prop_assert_eq!(Felt32(ha).to_string().parse::<Felt32>().unwrap(), Felt32(ha));
        }
    }
}
