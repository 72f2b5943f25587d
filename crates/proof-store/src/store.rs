//! The `ProofStore` trait, and the one protocol (`ObjectBackend` + blanket impl) that gives the
//! filesystem, S3 and in-memory backends identical semantics.
//!
//! # Write protocol
//!
//! A proof is two objects: the proof bytes, then the metadata JSON, each created with
//! create-if-absent (hard link on disk, `If-None-Match: *` on S3, a map entry in memory). The
//! metadata is the commit record: `get` and `list` only see proofs whose metadata exists, and
//! `get` checks the bytes against the metadata's size and SHA-256.
//!
//! * same key, same bytes again → `Ok(PutOutcome::AlreadyStored)` (retries after a lost response
//!   or a crash are harmless);
//! * same key, different bytes → [`Error::Conflict`], whatever stage the first write reached. A
//!   proof object left without metadata by a crash is kept: proofs are deterministic, so the
//!   retry writes the same bytes and completes the pair; different bytes mean a different
//!   prover build and need an operator, not a silent overwrite.
//!
//! # Proofs are deleted only by age
//!
//! The pipeline never deletes a proof. Reorgs do not need to: the re-proven block has a new
//! hash and so a new key, and the job index says which hash is canonical for a height; proofs
//! of abandoned blocks stay valid statements about blocks that existed. The one way a proof
//! goes is the operator's optional age limit ([`ProofStore::expire`], called by
//! [`crate::retention`] for `--proof-max-age`). Witnesses are deleted once their block's proof
//! is stored ([`crate::WitnessStore`]).

use std::fmt;

use async_trait::async_trait;

use crate::error::{Error, Result};
use crate::key::{KEY_PREFIX, ProofKey, list_start_after};
use crate::metadata::{ProofMetadata, sha256_hex};

/// A proof read back from a store, already checked against its metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredProof {
    pub key: ProofKey,
    pub bytes: Vec<u8>,
    pub metadata: ProofMetadata,
}

/// What `put` did; both are success.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PutOutcome {
    /// This call stored the proof.
    Stored,
    /// The identical proof was already there (an earlier call, a retry, or another writer).
    AlreadyStored,
}

/// Durable proof storage. Object-safe: the service holds an `Arc<dyn ProofStore>`.
///
/// Every backend behaves the same way (one conformance suite checks it): see the module docs
/// for the write protocol. `put` returns `Ok` only once both objects are durably stored.
#[async_trait]
pub trait ProofStore: Send + Sync + fmt::Debug {
    /// Stores `proof` with its `metadata` under `key`, idempotently.
    ///
    /// Errors: [`Error::InvalidMetadata`] if `metadata` does not describe `key` and `proof`,
    /// [`Error::Conflict`] if a different proof holds the key, backend errors otherwise.
    async fn put(
        &self,
        key: &ProofKey,
        proof: &[u8],
        metadata: &ProofMetadata,
    ) -> Result<PutOutcome>;

    /// The proof under `key`, `Ok(None)` if absent; [`Error::Corrupt`] if it fails its checks.
    async fn get(&self, key: &ProofKey) -> Result<Option<StoredProof>>;

    /// The metadata under `key` (cheap: does not read the proof).
    async fn get_metadata(&self, key: &ProofKey) -> Result<Option<ProofMetadata>>;

    /// Up to `limit` keys with block number greater than `after` (all if `None`), ordered by
    /// block number then hash. A block number appears twice if a reorg replaced that block.
    async fn list(&self, after: Option<u64>, limit: usize) -> Result<Vec<ProofKey>>;

    /// Removes the proof under `key` (absent is `Ok`): its metadata first, so the proof is
    /// absent from that moment on, then its bytes. Only the age limit calls it
    /// ([`crate::retention`]).
    async fn expire(&self, key: &ProofKey) -> Result<()>;

    /// Where the proofs go, for logs (`fs:/var/lib/proofs`, `s3://bucket/prefix`).
    fn location(&self) -> String;
}

/// Result of [`ObjectBackend::create_if_absent`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CreateOutcome {
    Created,
    AlreadyExists,
}

/// Raw named-object storage; implementing it gives a [`ProofStore`] with the shared protocol.
///
/// Names are `/`-separated relative paths made by [`ProofKey`] (never user input).
#[async_trait]
pub trait ObjectBackend: Send + Sync + fmt::Debug {
    /// Creates `name` holding `bytes` unless it exists. Readers never see a partial object, and
    /// `Created` is returned only once the object is durable. Must not overwrite.
    async fn create_if_absent(&self, name: &str, bytes: &[u8]) -> Result<CreateOutcome>;

    /// The whole object, `None` if absent.
    async fn read(&self, name: &str) -> Result<Option<Vec<u8>>>;

    /// Up to `limit` names that start with `prefix` and sort strictly after `start_after`, in
    /// ascending byte order.
    async fn list_names(
        &self,
        prefix: &str,
        start_after: &str,
        limit: usize,
    ) -> Result<Vec<String>>;

    /// Removes `name` if it exists (an absent one is `Ok`): witnesses once their block's proof
    /// is stored ([`crate::WitnessStore`]), and proofs past the age limit
    /// ([`ProofStore::expire`]).
    async fn delete(&self, name: &str) -> Result<()>;

    /// See [`ProofStore::location`].
    fn location(&self) -> String;
}

#[async_trait]
impl<B: ObjectBackend> ProofStore for B {
    async fn put(
        &self,
        key: &ProofKey,
        proof: &[u8],
        metadata: &ProofMetadata,
    ) -> Result<PutOutcome> {
        metadata
            .check_proof(key, proof)
            .map_err(|reason| Error::InvalidMetadata { key: key.to_string(), reason })?;

        // Fast path for retries: a committed identical proof needs no upload.
        if let Some(existing) = read_metadata(self, key).await? {
            return same_proof_or_conflict(key, &existing.proof_sha256, metadata);
        }

        let proof_name = key.object_name();
        if self.create_if_absent(&proof_name, proof).await? == CreateOutcome::AlreadyExists {
            let existing = self.read(&proof_name).await?.ok_or_else(|| Error::Corrupt {
                key: proof_name.clone(),
                reason: "object reported as existing but reads as absent".into(),
            })?;
            let existing_sha256 = sha256_hex(&existing);
            if existing_sha256 != metadata.proof_sha256 {
                return Err(Error::Conflict {
                    key: proof_name,
                    existing_sha256,
                    new_sha256: metadata.proof_sha256.clone(),
                });
            }
        }

        match self.create_if_absent(&key.metadata_object_name(), &metadata.to_json()).await? {
            CreateOutcome::Created => Ok(PutOutcome::Stored),
            CreateOutcome::AlreadyExists => {
                let existing = read_metadata(self, key).await?.ok_or_else(|| Error::Corrupt {
                    key: key.metadata_object_name(),
                    reason: "object reported as existing but reads as absent".into(),
                })?;
                same_proof_or_conflict(key, &existing.proof_sha256, metadata)
            }
        }
    }

    async fn get(&self, key: &ProofKey) -> Result<Option<StoredProof>> {
        let Some(metadata) = read_metadata(self, key).await? else {
            return Ok(None);
        };
        let bytes = self.read(&key.object_name()).await?.ok_or_else(|| Error::Corrupt {
            key: key.object_name(),
            reason: "metadata is committed but the proof object is missing".into(),
        })?;
        metadata
            .check_proof(key, &bytes)
            .map_err(|reason| Error::Corrupt { key: key.object_name(), reason })?;
        Ok(Some(StoredProof { key: *key, bytes, metadata }))
    }

    async fn get_metadata(&self, key: &ProofKey) -> Result<Option<ProofMetadata>> {
        read_metadata(self, key).await
    }

    async fn list(&self, after: Option<u64>, limit: usize) -> Result<Vec<ProofKey>> {
        let mut keys = Vec::with_capacity(limit.min(1024));
        let mut start_after = list_start_after(after);
        // Each proof is two names (proof + metadata), plus possible orphans: ask for a bit more
        // than twice what is missing, and page until enough keys or the names run out.
        while keys.len() < limit {
            let want = (limit - keys.len()).saturating_mul(2).saturating_add(2).min(1000);
            let names = self.list_names(KEY_PREFIX, &start_after, want).await?;
            keys.extend(names.iter().filter_map(|name| ProofKey::from_metadata_object_name(name)));
            match names.last() {
                Some(last) if names.len() == want => start_after = last.clone(),
                _ => break,
            }
        }
        keys.truncate(limit);
        Ok(keys)
    }

    async fn expire(&self, key: &ProofKey) -> Result<()> {
        self.delete(&key.metadata_object_name()).await?;
        self.delete(&key.object_name()).await
    }

    fn location(&self) -> String {
        ObjectBackend::location(self)
    }
}

async fn read_metadata<B: ObjectBackend + ?Sized>(
    backend: &B,
    key: &ProofKey,
) -> Result<Option<ProofMetadata>> {
    match backend.read(&key.metadata_object_name()).await? {
        None => Ok(None),
        Some(bytes) => ProofMetadata::from_json(key, &bytes).map(Some),
    }
}

fn same_proof_or_conflict(
    key: &ProofKey,
    existing_sha256: &str,
    new: &ProofMetadata,
) -> Result<PutOutcome> {
    if existing_sha256 == new.proof_sha256 {
        Ok(PutOutcome::AlreadyStored)
    } else {
        Err(Error::Conflict {
            key: key.to_string(),
            existing_sha256: existing_sha256.to_owned(),
            new_sha256: new.proof_sha256.clone(),
        })
    }
}
