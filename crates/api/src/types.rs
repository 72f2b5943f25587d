//! Request results of the `prover_` methods, as they appear on the wire (snake_case fields,
//! felts as `0x` hex).

use chain::{BlockPublicOutput, Felt};
use proof_store::{Felt32, JobRecord, JobStatus, JobStatusKind, ProofMetadata};
use serde::{Deserialize, Serialize};

/// `prover_getProof`: the stored proof of the canonical block at a height.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofResponse {
    pub block_number: u64,
    pub block_hash: Felt32,
    /// The proof file, `0x` + lowercase hex.
    pub proof: String,
    pub metadata: ProofMetadata,
}

/// A block's status as clients see it.
///
/// Mapped from the pipeline's [`JobStatus`]: `Proving` and `Proven` (proven but not yet
/// stored) are both `proving`, and `Stored` is `proven`, so that `proven` always means
/// "`prover_getProof` returns it".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ProofStatus {
    /// Seen, not replayed yet.
    Pending,
    /// Replayed; the state root is available.
    Replayed,
    /// Being proven.
    Proving,
    /// The proof is stored and served.
    Proven,
    /// The last attempt failed; the pipeline may retry.
    Failed { reason: String },
    /// Replay disagrees with the sequencer's state update.
    Divergent { evidence: String },
}

impl From<&JobStatus> for ProofStatus {
    fn from(status: &JobStatus) -> Self {
        match status {
            JobStatus::Pending => ProofStatus::Pending,
            JobStatus::Replayed => ProofStatus::Replayed,
            JobStatus::Proving | JobStatus::Proven => ProofStatus::Proving,
            JobStatus::Stored => ProofStatus::Proven,
            JobStatus::Failed { reason } => ProofStatus::Failed { reason: reason.clone() },
            JobStatus::Divergent { evidence } => {
                ProofStatus::Divergent { evidence: evidence.clone() }
            }
        }
    }
}

/// `prover_getProofStatus`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofStatusResponse {
    pub block_number: u64,
    pub block_hash: Felt32,
    pub parent_hash: Felt32,
    /// `status` (and `reason` or `evidence`) at the top level of the object.
    #[serde(flatten)]
    pub status: ProofStatus,
    /// The pipeline's own stage name, finer than `status` (for operators).
    pub stage: JobStatusKind,
    /// Proving attempts so far.
    pub attempts: u32,
    /// Root computed by replay, once replayed.
    pub state_root: Option<Felt32>,
    pub updated_at_unix_ms: u64,
}

impl From<&JobRecord> for ProofStatusResponse {
    fn from(record: &JobRecord) -> Self {
        ProofStatusResponse {
            block_number: record.block_number,
            block_hash: record.block_hash,
            parent_hash: record.parent_hash,
            status: ProofStatus::from(&record.status),
            stage: record.status.kind(),
            attempts: record.attempts,
            state_root: record.state_root,
            updated_at_unix_ms: record.updated_at_unix_ms,
        }
    }
}

/// `prover_getStateRoot`: served as soon as replay computed it; `proven` says whether a stored
/// proof confirms it yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateRootResponse {
    pub block_number: u64,
    pub block_hash: Felt32,
    pub state_root: Felt32,
    pub proven: bool,
}

/// `prover_latestProvenBlock`: the highest block with a stored proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvenBlock {
    pub block_number: u64,
    pub block_hash: Felt32,
    pub state_root: Option<Felt32>,
}

/// One stored proof in `prover_listProofs`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofEntry {
    pub block_number: u64,
    pub block_hash: Felt32,
    /// Whether the job index names this hash for the height; a proof of a block replaced by a
    /// reorg stays stored (and valid for that block) but is not canonical.
    pub canonical: bool,
}

/// A page of `prover_listProofs`, in block order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofPage {
    pub proofs: Vec<ProofEntry>,
    /// Pass as `after` to get the next page; `null` when this page is the last. Pages never
    /// split the proofs of one height.
    pub next_after: Option<u64>,
}

/// `prover_verifyProof`: whether the proof holds under the server's policy. An invalid proof is
/// a successful call with `valid: false` and the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyResult {
    pub valid: bool,
    /// Why the proof is invalid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program_hash: Option<Felt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_bits: Option<u32>,
    /// The proof's public output, raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Vec<Felt>>,
    /// The output decoded as a block public output, when it has that shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<BlockPublicOutput>,
}

impl VerifyResult {
    /// An invalid proof.
    pub fn invalid(reason: String) -> Self {
        VerifyResult {
            valid: false,
            reason: Some(reason),
            program_hash: None,
            security_bits: None,
            output: None,
            block: None,
        }
    }
}
