//! Reads from the prover's query API: `prover_getProof`. The API is not trusted: what it
//! returns is verified and checked against the sequencer's header by the caller.

use jsonrpsee::core::client::ClientT;
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use jsonrpsee::rpc_params;
use serde::Deserialize;

use crate::error::LightClientError;

const ENDPOINT: &str = "prover API";

/// Largest `prover_getProof` response accepted: proofs travel hex-encoded, twice their size.
pub const MAX_RESPONSE_BYTES: u32 = 64 << 20;

/// The fields of the `prover_getProof` result that the light client uses (the metadata is
/// the server's say-so and is ignored).
#[derive(Debug, Deserialize)]
struct ProofResponse {
    block_number: u64,
    proof: String,
}

/// A JSON-RPC client of the prover's query API.
#[derive(Debug)]
pub struct ProverApiClient {
    client: HttpClient,
    url: String,
}

impl ProverApiClient {
    /// A client of the API at `url` (`http://host:port`).
    pub fn new(url: &str) -> Result<Self, LightClientError> {
        let client = HttpClientBuilder::default()
            .max_response_size(MAX_RESPONSE_BYTES)
            .build(url)
            .map_err(|source| rpc_error(url, "connect", source))?;
        Ok(ProverApiClient { client, url: url.to_owned() })
    }

    /// The proof bytes of block `block_number`.
    pub async fn proof(&self, block_number: u64) -> Result<Vec<u8>, LightClientError> {
        let method = "prover_getProof";
        let response: ProofResponse = self
            .client
            .request(method, rpc_params![block_number])
            .await
            .map_err(|source| rpc_error(&self.url, method, source))?;
        if response.block_number != block_number {
            return Err(LightClientError::BadApiResponse(format!(
                "asked for block {block_number}, got block {}",
                response.block_number
            )));
        }
        let digits = response.proof.strip_prefix("0x").ok_or_else(|| {
            LightClientError::BadApiResponse("proof is not 0x-prefixed hex".into())
        })?;
        hex::decode(digits)
            .map_err(|error| LightClientError::BadApiResponse(format!("proof is not hex: {error}")))
    }
}

fn rpc_error(
    url: &str,
    method: &'static str,
    source: jsonrpsee::core::ClientError,
) -> LightClientError {
    LightClientError::Rpc { endpoint: ENDPOINT, url: url.to_owned(), method, source }
}
