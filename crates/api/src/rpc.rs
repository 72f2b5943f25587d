//! The JSON-RPC methods (`prover_` namespace): the `ProverApi` trait, from which jsonrpsee
//! generates the server trait [`ProverApiServer`] and a typed client [`ProverApiClient`], and
//! its implementation [`ProverApiImpl`] over an [`ApiState`].

use jsonrpsee::core::{RpcResult, async_trait};
use jsonrpsee::proc_macros::rpc;
use proof_store::{Felt32, JobStatus, ProofKey, ProofMetadata};

use chain::Felt;

use crate::error::RequestError;
use crate::lookup::{canonical_proof, job, proof_by_key};
use crate::state::ApiState;
use crate::types::{
    ProofEntry, ProofPage, ProofResponse, ProofStatusResponse, ProvenBlock, StateRootResponse,
    VerifyResult,
};
use crate::verify::verify;

/// Page size of `prover_listProofs` when the caller gives none.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// The `prover_` JSON-RPC API. Parameter names are the snake_case names below (by position or
/// by name).
#[rpc(server, client, namespace = "prover")]
pub trait ProverApi {
    /// The stored proof of the canonical block at `block_number`, hex-encoded, with its
    /// metadata; with `block_hash`, the proof of that block even if a reorg replaced it (as
    /// listed by `prover_listProofs` with `canonical: false`).
    #[method(name = "getProof")]
    async fn get_proof(
        &self,
        block_number: u64,
        block_hash: Option<Felt32>,
    ) -> RpcResult<ProofResponse>;

    /// Where the block is in the pipeline.
    #[method(name = "getProofStatus")]
    async fn get_proof_status(&self, block_number: u64) -> RpcResult<ProofStatusResponse>;

    /// The state root computed by replay (available before the proof).
    #[method(name = "getStateRoot")]
    async fn get_state_root(&self, block_number: u64) -> RpcResult<StateRootResponse>;

    /// The highest block with a stored proof, `null` if none yet.
    #[method(name = "latestProvenBlock")]
    async fn latest_proven_block(&self) -> RpcResult<Option<ProvenBlock>>;

    /// Stored proofs with block number greater than `after` (from the start if absent), at most
    /// `limit` (default 100).
    #[method(name = "listProofs")]
    async fn list_proofs(&self, after: Option<u64>, limit: Option<u32>) -> RpcResult<ProofPage>;

    /// Verifies the stored proof of `block_number`, or the supplied `proof` (`0x` hex): exactly
    /// one of the two.
    #[method(name = "verifyProof")]
    async fn verify_proof(
        &self,
        block_number: Option<u64>,
        proof: Option<String>,
    ) -> RpcResult<VerifyResult>;

    /// The OS program hash this server's policy pins.
    #[method(name = "getOsProgramHash")]
    async fn get_os_program_hash(&self) -> RpcResult<Felt>;
}

/// [`ProverApiServer`] over an [`ApiState`].
#[derive(Clone, Debug)]
pub struct ProverApiImpl {
    state: ApiState,
}

impl ProverApiImpl {
    pub fn new(state: ApiState) -> Self {
        ProverApiImpl { state }
    }
}

#[async_trait]
impl ProverApiServer for ProverApiImpl {
    async fn get_proof(
        &self,
        block_number: u64,
        block_hash: Option<Felt32>,
    ) -> RpcResult<ProofResponse> {
        let stored = match block_hash {
            None => canonical_proof(&self.state, block_number).await?,
            Some(block_hash) => proof_by_key(&self.state, block_number, block_hash).await?,
        };
        Ok(ProofResponse {
            block_number,
            block_hash: stored.key.block_hash(),
            proof: format!("0x{}", hex::encode(&stored.bytes)),
            // Metadata written before the proof's format version was recorded: the bytes say it.
            metadata: ProofMetadata {
                proof_format_version: stored
                    .metadata
                    .proof_format_version
                    .or_else(|| cairo_air::proof_format_version(&stored.bytes)),
                ..stored.metadata
            },
        })
    }

    async fn get_proof_status(&self, block_number: u64) -> RpcResult<ProofStatusResponse> {
        Ok(ProofStatusResponse::from(&job(&self.state, block_number).await?))
    }

    async fn get_state_root(&self, block_number: u64) -> RpcResult<StateRootResponse> {
        let record = job(&self.state, block_number).await?;
        let state_root = record.state_root.ok_or(RequestError::StateRootNotAvailable {
            block_number,
            status: record.status.kind(),
        })?;
        Ok(StateRootResponse {
            block_number,
            block_hash: record.block_hash,
            state_root,
            proven: record.status == JobStatus::Stored,
        })
    }

    async fn latest_proven_block(&self) -> RpcResult<Option<ProvenBlock>> {
        let record = self
            .state
            .jobs
            .latest_proven()
            .await
            .map_err(|error| RequestError::internal("job index scan", error))?;
        Ok(record.map(|record| ProvenBlock {
            block_number: record.block_number,
            block_hash: record.block_hash,
            state_root: record.state_root,
        }))
    }

    async fn list_proofs(&self, after: Option<u64>, limit: Option<u32>) -> RpcResult<ProofPage> {
        let max = self.state.config.max_page_size;
        let limit = limit.unwrap_or(DEFAULT_PAGE_SIZE.min(max));
        if limit == 0 || limit > max {
            return Err(RequestError::InvalidParams(format!("limit must be 1..={max}")).into());
        }
        let mut keys = self
            .state
            .store
            .list(after, limit as usize)
            .await
            .map_err(|error| RequestError::internal("proof store list", error))?;
        let next_after = page_cursor(&mut keys, limit as usize);
        let mut proofs = Vec::with_capacity(keys.len());
        for key in keys {
            let canonical_hash =
                job(&self.state, key.block_number()).await.ok().map(|r| r.block_hash);
            proofs.push(ProofEntry {
                block_number: key.block_number(),
                block_hash: key.block_hash(),
                canonical: canonical_hash == Some(key.block_hash()),
            });
        }
        Ok(ProofPage { proofs, next_after })
    }

    async fn verify_proof(
        &self,
        block_number: Option<u64>,
        proof: Option<String>,
    ) -> RpcResult<VerifyResult> {
        let bytes = match (block_number, proof) {
            (Some(block_number), None) => canonical_proof(&self.state, block_number).await?.bytes,
            (None, Some(hex_proof)) => decode_hex(&hex_proof)?,
            _ => {
                return Err(RequestError::InvalidParams(
                    "give exactly one of block_number and proof".into(),
                )
                .into());
            }
        };
        Ok(verify(&self.state, bytes).await?)
    }

    async fn get_os_program_hash(&self) -> RpcResult<Felt> {
        Ok(self.state.policy.os_program_hash)
    }
}

/// Trims a full page so that it never ends in the middle of a height (two proofs of one block
/// number after a reorg), and returns the `after` cursor of the next page (`None` when the page
/// is not full, so nothing follows).
fn page_cursor(keys: &mut Vec<ProofKey>, limit: usize) -> Option<u64> {
    if keys.len() < limit {
        return None;
    }
    let last = keys.last()?.block_number();
    let first_of_last = keys.iter().position(|key| key.block_number() == last).unwrap_or(0);
    if first_of_last > 0 {
        keys.truncate(first_of_last);
        keys.last().map(ProofKey::block_number)
    } else {
        // The whole page is one height: more proofs of it than `limit` cannot be listed apart.
        Some(last)
    }
}

fn decode_hex(text: &str) -> Result<Vec<u8>, RequestError> {
    let digits = text
        .strip_prefix("0x")
        .ok_or_else(|| RequestError::InvalidParams("proof must be 0x-prefixed hex".into()))?;
    hex::decode(digits)
        .map_err(|error| RequestError::InvalidParams(format!("proof is not hex: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(number: u64, hash: u64) -> ProofKey {
        ProofKey::new(number, Felt32::from_u64(hash)).unwrap()
    }

    #[test]
    fn pages_do_not_split_a_height() {
        let mut keys = vec![key(1, 1), key(2, 1), key(3, 1), key(3, 2)];
        assert_eq!(page_cursor(&mut keys, 4), Some(2));
        assert_eq!(keys, vec![key(1, 1), key(2, 1)]);

        let mut keys = vec![key(1, 1), key(2, 1), key(3, 1)];
        assert_eq!(page_cursor(&mut keys, 3), Some(2));
        assert_eq!(keys.len(), 2);

        let mut short = vec![key(1, 1)];
        assert_eq!(page_cursor(&mut short, 3), None);
        assert_eq!(short.len(), 1);

        let mut one_height = vec![key(5, 1), key(5, 2)];
        assert_eq!(page_cursor(&mut one_height, 2), Some(5));
        assert_eq!(one_height.len(), 2);
    }

    #[test]
    fn hex_must_be_prefixed_and_valid() {
        assert_eq!(decode_hex("0x00ff").unwrap(), vec![0, 255]);
        assert!(matches!(decode_hex("00ff"), Err(RequestError::InvalidParams(_))));
        assert!(matches!(decode_hex("0xzz"), Err(RequestError::InvalidParams(_))));
        assert!(matches!(decode_hex("0x0"), Err(RequestError::InvalidParams(_))));
    }
}
