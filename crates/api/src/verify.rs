//! Proof verification for `prover_verifyProof`: [`cairo_air::verify_proof`] under the server's
//! policy, on tokio's blocking pool (it is CPU work: milliseconds for a block proof, more for
//! hostile input), with at most [`ApiConfig::max_concurrent_verifications`](crate::ApiConfig)
//! at once and a bounded line behind them (`crate::gate`).

use chain::BlockPublicOutput;

use crate::error::RequestError;
use crate::state::ApiState;
use crate::types::VerifyResult;

/// Verifies `proof` under `state.policy`. A proof that fails verification is `Ok` with
/// `valid: false`; only a failure to run the verifier at all is an error.
pub async fn verify(state: &ApiState, proof: Vec<u8>) -> Result<VerifyResult, RequestError> {
    let Some(_turn) = state.verify_gate.enter().await else {
        return Err(RequestError::Busy { limit: state.verify_gate.capacity() });
    };
    let policy = state.policy.cairo_policy();
    let outcome = tokio::task::spawn_blocking(move || cairo_air::verify_proof(&proof, &policy))
        .await
        .map_err(|error| RequestError::internal("verification task", error))?;
    Ok(match outcome {
        Ok(statement) => VerifyResult {
            valid: true,
            reason: None,
            program_hash: Some(statement.program_hash),
            security_bits: Some(statement.security_bits),
            block: BlockPublicOutput::from_felts(&statement.output).ok(),
            output: Some(statement.output),
        },
        Err(error) => {
            tracing::debug!(%error, "proof rejected");
            VerifyResult::invalid(error.to_string())
        }
    })
}
