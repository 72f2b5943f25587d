//! Block witnesses (the OS input of a replayed block, opaque bytes here) in the same object
//! backends as the proofs, under their own prefix: `witnesses/v1/{block_number:012}-{block_hash}.witness`.
//!
//! A coordinator writes a block's witness once it is replayed; a stateless worker reads it, so
//! workers need neither the sequencer nor the state. Writes are create-if-absent like proofs:
//! the same bytes again are `AlreadyStored` (a coordinator restarted mid-block writes the same
//! deterministic witness), different bytes are [`Error::Conflict`]. The job row carries the
//! witness's SHA-256, which the reader checks ([`WitnessStore::get_witness`]).
//!
//! Retention: a worker deletes the witness once the block's proof is stored and acknowledged
//! ([`WitnessStore::delete_witness`]); a witness left by a crash between the two is harmless
//! (an S3 lifecycle rule on `witnesses/` sweeps such leftovers).

use std::fmt;

use async_trait::async_trait;

use crate::error::{Error, Result};
use crate::key::{Felt32, ProofKey};
use crate::metadata::sha256_hex;
use crate::store::{CreateOutcome, ObjectBackend, PutOutcome};

/// Prefix of every witness object (next to `proofs/v1/`).
pub const WITNESS_PREFIX: &str = "witnesses/v1/";
/// Suffix of a witness object.
pub const WITNESS_SUFFIX: &str = ".witness";

/// Where one block's witness lives. Same stem as the block's [`ProofKey`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WitnessKey(ProofKey);

impl WitnessKey {
    /// The key of block `block_number` with hash `block_hash` (12-digit block numbers, as
    /// [`ProofKey::new`]).
    pub fn new(block_number: u64, block_hash: Felt32) -> Result<Self> {
        ProofKey::new(block_number, block_hash).map(WitnessKey)
    }

    pub fn block_number(&self) -> u64 {
        self.0.block_number()
    }

    pub fn block_hash(&self) -> Felt32 {
        self.0.block_hash()
    }

    /// `witnesses/v1/000000000042-0x00…2a.witness`
    pub fn object_name(&self) -> String {
        let proof = self.0.object_name();
        let stem = proof
            .strip_prefix(crate::key::KEY_PREFIX)
            .and_then(|name| name.strip_suffix(crate::key::PROOF_SUFFIX))
            .unwrap_or(&proof);
        format!("{WITNESS_PREFIX}{stem}{WITNESS_SUFFIX}")
    }

    /// Parses [`WitnessKey::object_name`] (as a job row stores it).
    pub fn from_object_name(name: &str) -> Option<Self> {
        let stem = name.strip_prefix(WITNESS_PREFIX)?.strip_suffix(WITNESS_SUFFIX)?;
        let metadata_name = format!("{}{stem}{}", crate::key::KEY_PREFIX, crate::METADATA_SUFFIX);
        ProofKey::from_metadata_object_name(&metadata_name).map(WitnessKey)
    }
}

impl fmt::Display for WitnessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.object_name())
    }
}

/// Witness storage. Every [`ObjectBackend`] (filesystem, S3, memory) is one.
#[async_trait]
pub trait WitnessStore: Send + Sync + fmt::Debug {
    /// Stores `bytes` under `key` unless the same bytes are there; [`Error::Conflict`] if
    /// different ones are.
    async fn put_witness(&self, key: &WitnessKey, bytes: &[u8]) -> Result<PutOutcome>;

    /// The witness under `key`, `Ok(None)` if absent; [`Error::Corrupt`] if its SHA-256 is not
    /// `expected_sha256` (hex, as [`sha256_hex`] writes it).
    async fn get_witness(&self, key: &WitnessKey, expected_sha256: &str)
    -> Result<Option<Vec<u8>>>;

    /// Removes the witness under `key` (absent is `Ok`): retention, once the block's proof is
    /// stored and acknowledged.
    async fn delete_witness(&self, key: &WitnessKey) -> Result<()>;

    /// Where the witnesses go, for logs.
    fn witness_location(&self) -> String;
}

#[async_trait]
impl<B: ObjectBackend> WitnessStore for B {
    async fn put_witness(&self, key: &WitnessKey, bytes: &[u8]) -> Result<PutOutcome> {
        let name = key.object_name();
        match self.create_if_absent(&name, bytes).await? {
            CreateOutcome::Created => Ok(PutOutcome::Stored),
            CreateOutcome::AlreadyExists => {
                let existing = self.read(&name).await?.unwrap_or_default();
                let (existing_sha256, new_sha256) = (sha256_hex(&existing), sha256_hex(bytes));
                if existing_sha256 == new_sha256 {
                    Ok(PutOutcome::AlreadyStored)
                } else {
                    Err(Error::Conflict { key: name, existing_sha256, new_sha256 })
                }
            }
        }
    }

    async fn get_witness(
        &self,
        key: &WitnessKey,
        expected_sha256: &str,
    ) -> Result<Option<Vec<u8>>> {
        let name = key.object_name();
        let Some(bytes) = self.read(&name).await? else { return Ok(None) };
        let found = sha256_hex(&bytes);
        if found != expected_sha256 {
            return Err(Error::Corrupt {
                key: name,
                reason: format!("sha256 {found}, the job says {expected_sha256}"),
            });
        }
        Ok(Some(bytes))
    }

    async fn delete_witness(&self, key: &WitnessKey) -> Result<()> {
        self.delete(&key.object_name()).await
    }

    fn witness_location(&self) -> String {
        ObjectBackend::location(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryProofStore;

    #[tokio::test]
    async fn witness_put_is_idempotent_and_checked() {
        let store = MemoryProofStore::new();
        let key = WitnessKey::new(42, Felt32::from_u64(0x2a)).unwrap();
        assert_eq!(key.object_name(), format!("witnesses/v1/000000000042-0x{:064x}.witness", 0x2a));
        assert_eq!(WitnessKey::from_object_name(&key.object_name()), Some(key));
        let sha = sha256_hex(b"witness");
        assert_eq!(store.put_witness(&key, b"witness").await.unwrap(), PutOutcome::Stored);
        assert_eq!(store.put_witness(&key, b"witness").await.unwrap(), PutOutcome::AlreadyStored);
        assert!(matches!(store.put_witness(&key, b"other").await, Err(Error::Conflict { .. })));
        assert_eq!(store.get_witness(&key, &sha).await.unwrap().unwrap(), b"witness");
        assert!(matches!(
            store.get_witness(&key, &sha256_hex(b"x")).await,
            Err(Error::Corrupt { .. })
        ));
        let absent = WitnessKey::new(43, Felt32::from_u64(1)).unwrap();
        assert_eq!(store.get_witness(&absent, &sha).await.unwrap(), None);
        store.delete_witness(&key).await.unwrap();
        store.delete_witness(&key).await.unwrap(); // absent: still Ok
        assert_eq!(store.get_witness(&key, &sha).await.unwrap(), None);
    }
}
