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

#[cfg(test)]
mod tests {
    use chain::rpc::HeaderCommitments;
    use chain::rpc::types::BlockStatus;

    use super::*;

    /// The header shapes of both spec versions the devnet serves decode into the same block
    /// (the 0.9 type ignores the fields 0.10 adds).
    #[test]
    fn headers_of_spec_0_9_and_0_10_decode() {
        let header = chain::BlockHeader {
            block_number: 4,
            parent_hash: Felt::from(0x11u64),
            timestamp: 1_700_000_000,
            sequencer_address: Felt::from(0x5eu64),
            state_root: Felt::from(0x22u64),
            transaction_count: 0,
            transaction_commitment: chain::transaction_commitment(&[]),
            event_count: 0,
            event_commitment: chain::block::event_commitment(&[]).0,
            receipt_commitment: Felt::ZERO,
            state_diff_commitment: chain::StateDiff::default().commitment(),
            state_diff_length: 0,
            gas_prices: chain::GasPrices::default(),
            l1_da_mode: chain::block::L1DataAvailabilityMode::Calldata,
            starknet_version: chain::block::StarknetVersion::current(),
        };
        let block =
            chain::rpc::convert::block_with_tx_hashes(&header, BlockStatus::AcceptedOnL2, vec![]);
        let answer_0_9 = serde_json::to_value(&block).unwrap();
        let mut answer_0_10 = answer_0_9.clone();
        HeaderCommitments::of_header(&header).insert_into(&mut answer_0_10);
        assert!(answer_0_10.get("event_commitment").is_some());
        for answer in [answer_0_9, answer_0_10] {
            let decoded: MaybePreConfirmedBlockWithTxHashes =
                serde_json::from_value(answer).unwrap();
            let MaybePreConfirmedBlockWithTxHashes::Block(decoded) = decoded else {
                panic!("a confirmed block")
            };
            assert_eq!(decoded, block);
        }
    }
}
