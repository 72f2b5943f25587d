//! `ProofMetadata`: the JSON document stored next to each proof. It carries the proof's SHA-256
//! so that any corruption of the stored bytes is detected when they are read back.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::key::{Felt32, ProofKey};

/// Version of the metadata document written by this build. Version 1 (before the proof's own
/// format version was recorded) is still read: its `proof_format_version` is `None`.
pub const METADATA_FORMAT_VERSION: u32 = 2;

/// What the prover knows about a proof besides its bytes; the input of [`ProofMetadata::new`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvingReport {
    /// Conjectured security of the proof, as written in it.
    pub security_bits: u32,
    /// Hash of the OS program whose execution the proof covers.
    pub os_program_hash: Felt32,
    /// Version string of the prover that produced the bytes (proofs are deterministic per version).
    pub prover_version: String,
    /// Wall-clock time spent proving.
    pub proving_time: Duration,
    /// Number of Cairo steps in the proven trace.
    pub trace_steps: u64,
}

/// The metadata JSON stored at [`ProofKey::metadata_object_name`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofMetadata {
    pub format_version: u32,
    pub block_number: u64,
    pub block_hash: Felt32,
    /// Length of the proof object in bytes.
    pub proof_size: u64,
    /// Lowercase hex SHA-256 of the proof bytes (what `sha256sum` prints).
    pub proof_sha256: String,
    pub security_bits: u32,
    pub os_program_hash: Felt32,
    pub prover_version: String,
    /// Milliseconds since the Unix epoch when the metadata was built.
    pub created_at_unix_ms: u64,
    pub proving_time_ms: u64,
    pub trace_steps: u64,
    /// Format version of the proof bytes (the prover's envelope), set by the prover with
    /// [`ProofMetadata::with_proof_format_version`]; `None` in version-1 metadata, whose proof
    /// bytes carry it themselves.
    #[serde(default)]
    pub proof_format_version: Option<u16>,
}

impl ProofMetadata {
    /// Describes `proof` stored under `key`; size and digest are computed here.
    pub fn new(key: &ProofKey, proof: &[u8], report: ProvingReport) -> Self {
        ProofMetadata {
            format_version: METADATA_FORMAT_VERSION,
            block_number: key.block_number(),
            block_hash: key.block_hash(),
            proof_size: proof.len() as u64,
            proof_sha256: sha256_hex(proof),
            security_bits: report.security_bits,
            os_program_hash: report.os_program_hash,
            prover_version: report.prover_version,
            created_at_unix_ms: now_unix_ms(),
            proving_time_ms: u64::try_from(report.proving_time.as_millis()).unwrap_or(u64::MAX),
            trace_steps: report.trace_steps,
            proof_format_version: None,
        }
    }

    /// Records the format version of the proof bytes.
    pub fn with_proof_format_version(mut self, version: u16) -> Self {
        self.proof_format_version = Some(version);
        self
    }

    /// The key this metadata belongs to.
    pub fn key(&self) -> Result<ProofKey> {
        ProofKey::new(self.block_number, self.block_hash)
    }

    /// Checks that the metadata names `key`, without looking at proof bytes.
    pub(crate) fn check_key(&self, key: &ProofKey) -> std::result::Result<(), String> {
        if !(1..=METADATA_FORMAT_VERSION).contains(&self.format_version) {
            return Err(format!("unsupported metadata format version {}", self.format_version));
        }
        if self.block_number != key.block_number() || self.block_hash != key.block_hash() {
            return Err(format!(
                "metadata is for block {} {}, key is block {} {}",
                self.block_number,
                self.block_hash,
                key.block_number(),
                key.block_hash()
            ));
        }
        Ok(())
    }

    /// Checks key, size and digest of `proof` against this metadata.
    pub(crate) fn check_proof(
        &self,
        key: &ProofKey,
        proof: &[u8],
    ) -> std::result::Result<(), String> {
        self.check_key(key)?;
        if self.proof_size != proof.len() as u64 {
            return Err(format!(
                "size is {} bytes, metadata says {}",
                proof.len(),
                self.proof_size
            ));
        }
        let actual = sha256_hex(proof);
        if actual != self.proof_sha256 {
            return Err(format!("sha256 is {actual}, metadata says {}", self.proof_sha256));
        }
        Ok(())
    }

    pub(crate) fn to_json(&self) -> Vec<u8> {
        // A struct of strings and integers always serializes.
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    pub(crate) fn from_json(key: &ProofKey, bytes: &[u8]) -> Result<Self> {
        let metadata: ProofMetadata =
            serde_json::from_slice(bytes).map_err(|err| Error::Corrupt {
                key: key.metadata_object_name(),
                reason: format!("metadata does not parse: {err}"),
            })?;
        metadata
            .check_key(key)
            .map_err(|reason| Error::Corrupt { key: key.metadata_object_name(), reason })?;
        Ok(metadata)
    }
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Milliseconds since the Unix epoch (0 if the clock is before it).
pub(crate) fn now_unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> ProvingReport {
        ProvingReport {
            security_bits: 100,
            os_program_hash: Felt32::from_u64(7),
            prover_version: "test".into(),
            proving_time: Duration::from_millis(1500),
            trace_steps: 1 << 16,
        }
    }

    #[test]
    fn json_round_trip_and_checks() {
        let key = ProofKey::new(3, Felt32::from_u64(0xabc)).unwrap();
        let metadata = ProofMetadata::new(&key, b"proof", report());
        assert_eq!(metadata.proof_sha256, sha256_hex(b"proof"));
        assert_eq!(metadata.proving_time_ms, 1500);
        let parsed = ProofMetadata::from_json(&key, &metadata.to_json()).unwrap();
        assert_eq!(parsed, metadata);
        assert!(parsed.check_proof(&key, b"proof").is_ok());
        assert!(parsed.check_proof(&key, b"proog").unwrap_err().contains("sha256"));
        assert!(parsed.check_proof(&key, b"proo").unwrap_err().contains("size"));
        let other = ProofKey::new(4, Felt32::from_u64(0xabc)).unwrap();
        assert!(matches!(
            ProofMetadata::from_json(&other, &metadata.to_json()),
            Err(Error::Corrupt { .. })
        ));
        assert!(matches!(ProofMetadata::from_json(&key, b"{"), Err(Error::Corrupt { .. })));
    }
}
