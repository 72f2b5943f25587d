//! Reads shared by the JSON-RPC methods and the HTTP routes: a block's job record, the stored
//! proof of the canonical block at a height, and a stored proof by exact key.

use proof_store::{Felt32, JobRecord, JobStatus, ProofKey, StoredProof};

use crate::error::RequestError;
use crate::state::ApiState;

/// The job record of `block_number`, or [`RequestError::BlockNotFound`].
pub async fn job(state: &ApiState, block_number: u64) -> Result<JobRecord, RequestError> {
    state
        .jobs
        .job(block_number)
        .await
        .map_err(|error| RequestError::internal("job index read", error))?
        .ok_or(RequestError::BlockNotFound { block_number })
}

/// The stored proof of the block the job index names for `block_number`.
///
/// The index decides which hash is canonical (after a reorg the store holds proofs of both
/// blocks) and whether the proof is complete (`Stored`).
pub async fn canonical_proof(
    state: &ApiState,
    block_number: u64,
) -> Result<StoredProof, RequestError> {
    let record = job(state, block_number).await?;
    if record.status != JobStatus::Stored {
        return Err(RequestError::ProofNotAvailable { block_number, status: record.status.kind() });
    }
    let key = ProofKey::new(block_number, record.block_hash)
        .map_err(|error| RequestError::internal("proof key", error))?;
    match state.store.get(&key).await {
        Ok(Some(stored)) => Ok(stored),
        Ok(None) if let Some(max_age) = state.config.proof_max_age => {
            Err(RequestError::ProofExpired { block_number, max_age })
        }
        Ok(None) => Err(RequestError::Internal {
            operation: "proof store read",
            source: format!("the job index says {key} is stored, the store does not have it")
                .into(),
        }),
        Err(error) => Err(RequestError::internal("proof store read", error)),
    }
}

/// The stored proof of block `block_number` with hash `block_hash`, canonical or not;
/// [`RequestError::BlockNotFound`] when the store has none.
pub async fn proof_by_key(
    state: &ApiState,
    block_number: u64,
    block_hash: Felt32,
) -> Result<StoredProof, RequestError> {
    let key = ProofKey::new(block_number, block_hash)
        .map_err(|error| RequestError::InvalidParams(error.to_string()))?;
    state
        .store
        .get(&key)
        .await
        .map_err(|error| RequestError::internal("proof store read", error))?
        .ok_or(RequestError::BlockNotFound { block_number })
}
