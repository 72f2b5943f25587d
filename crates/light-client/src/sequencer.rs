//! Reads from the sequencer's Starknet JSON-RPC: block headers
//! (`starknet_getBlockWithTxHashes`) and the chain id (`starknet_chainId`).

use chain::Felt;
use chain::rpc::types::{BlockId, BlockWithTxHashes, MaybePreConfirmedBlockWithTxHashes};
use jsonrpsee::core::client::ClientT;
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use jsonrpsee::rpc_params;

use crate::error::LightClientError;

const ENDPOINT: &str = "sequencer";

/// A JSON-RPC client of the sequencer.
#[derive(Debug)]
pub struct SequencerClient {
    client: HttpClient,
    url: String,
}

impl SequencerClient {
    /// A client of the sequencer at `url` (`http://host:port`).
    pub fn new(url: &str) -> Result<Self, LightClientError> {
        let client = HttpClientBuilder::default()
            .build(url)
            .map_err(|source| rpc_error(url, "connect", source))?;
        Ok(SequencerClient { client, url: url.to_owned() })
    }

    /// The header (and transaction hashes) of block `block_number`; a pre-confirmed block is
    /// [`LightClientError::BlockNotFinal`].
    pub async fn block_with_tx_hashes(
        &self,
        block_number: u64,
    ) -> Result<BlockWithTxHashes, LightClientError> {
        let method = "starknet_getBlockWithTxHashes";
        let block: MaybePreConfirmedBlockWithTxHashes = self
            .client
            .request(method, rpc_params![BlockId::Number(block_number)])
            .await
            .map_err(|source| rpc_error(&self.url, method, source))?;
        match block {
            MaybePreConfirmedBlockWithTxHashes::Block(block) => Ok(block),
            MaybePreConfirmedBlockWithTxHashes::PreConfirmedBlock(_) => {
                Err(LightClientError::BlockNotFinal { block_number })
            }
        }
    }

    /// The chain id.
    pub async fn chain_id(&self) -> Result<Felt, LightClientError> {
        let method = "starknet_chainId";
        self.client
            .request(method, rpc_params![])
            .await
            .map_err(|source| rpc_error(&self.url, method, source))
    }
}

fn rpc_error(
    url: &str,
    method: &'static str,
    source: jsonrpsee::core::ClientError,
) -> LightClientError {
    LightClientError::Rpc { endpoint: ENDPOINT, url: url.to_owned(), method, source }
}
