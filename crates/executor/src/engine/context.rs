//! The block and the limits as blockifier's block context.
//!
//! Blockifier runs with the protocol's versioned constants of the newest Starknet version it
//! knows (`VersionedConstants::get_versioned_constants`), except for the three limits this chain sets
//! itself ([`ExecutorConfig`]): the validate and execute step limits and the call depth, which
//! default to the protocol's own values (1,000,000, 10,000,000 and 50).

use blockifier::blockifier_versioned_constants::VersionedConstants;
use blockifier::bouncer::BouncerConfig;
use blockifier::context::{BlockContext as BlockifierContext, ChainInfo, FeeTokenAddresses};
use chain::Felt;
use starknet_api::block::{
    BlockInfo, BlockNumber, BlockTimestamp, GasPrice, GasPriceVector, GasPrices, NonzeroGasPrice,
    StarknetVersion,
};
use starknet_api::core::{ChainId as ApiChainId, ContractAddress};

use crate::{BlockContext, ExecutorConfig, ExecutorError};

/// The STRK fee token's address on Starknet (and starknet-devnet).
pub const STRK_FEE_TOKEN_ADDRESS: Felt =
    Felt::from_hex_unchecked("0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d");
/// The ETH fee token's address on Starknet (and starknet-devnet).
pub const ETH_FEE_TOKEN_ADDRESS: Felt =
    Felt::from_hex_unchecked("0x049d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7");

/// Blockifier's context for `block` under `config`.
pub(crate) fn block_context(
    block: &BlockContext,
    config: &ExecutorConfig,
) -> Result<BlockifierContext, ExecutorError> {
    let prices = &block.gas_prices;
    let price =
        |value: u128| NonzeroGasPrice::new(GasPrice(value.max(1))).unwrap_or(NonzeroGasPrice::MIN);
    let gas_prices = GasPrices {
        eth_gas_prices: GasPriceVector {
            l1_gas_price: price(prices.l1_gas_price_wei),
            l1_data_gas_price: price(prices.l1_data_gas_price_wei),
            l2_gas_price: price(prices.l2_gas_price_wei),
        },
        strk_gas_prices: GasPriceVector {
            l1_gas_price: price(prices.l1_gas_price_fri),
            l1_data_gas_price: price(prices.l1_data_gas_price_fri),
            l2_gas_price: price(prices.l2_gas_price_fri),
        },
    };
    let block_info = BlockInfo {
        block_number: BlockNumber(block.block_number),
        block_timestamp: BlockTimestamp(block.timestamp),
        starknet_version: StarknetVersion::LATEST,
        sequencer_address: address(block.sequencer_address)?,
        gas_prices,
        use_kzg_da: true,
    };
    let chain_id = block
        .chain_id
        .name()
        .map_err(|e| ExecutorError::InvalidContext(format!("chain id: {e}")))?;
    // Without fees the tokens are never called; Starknet's addresses stand in.
    let (strk, eth) = match config.fee_token {
        Some(_) => {
            let tokens = config.fee_tokens();
            (tokens.strk, tokens.eth)
        }
        None => (STRK_FEE_TOKEN_ADDRESS, ETH_FEE_TOKEN_ADDRESS),
    };
    let chain_info = ChainInfo {
        chain_id: ApiChainId::from(chain_id),
        fee_token_addresses: FeeTokenAddresses {
            strk_fee_token_address: address(strk)?,
            eth_fee_token_address: address(eth)?,
        },
        is_l3: false,
    };
    Ok(BlockifierContext::new(
        block_info,
        chain_info,
        versioned_constants(config),
        BouncerConfig::max(),
    ))
}

/// The protocol's newest constants with this chain's limits.
fn versioned_constants(config: &ExecutorConfig) -> VersionedConstants {
    let mut constants = VersionedConstants::get_versioned_constants(None);
    constants.validate_max_n_steps = saturating_u32(config.validate_max_steps);
    constants.invoke_tx_max_n_steps = saturating_u32(config.execute_max_steps);
    constants.max_recursion_depth = config.max_call_depth;
    constants
}

fn saturating_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// A felt as a contract address (below 2^251).
pub(crate) fn address(felt: Felt) -> Result<ContractAddress, ExecutorError> {
    ContractAddress::try_from(felt)
        .map_err(|e| ExecutorError::InvalidContext(format!("address {felt:#x}: {e}")))
}

#[cfg(test)]
mod tests {
    /// The version the chain's headers declare is the one whose versioned constants the
    /// executor runs.
    #[test]
    fn headers_declare_the_version_the_executor_runs() {
        let runs = super::StarknetVersion::LATEST.to_string();
        assert_eq!(chain::block::StarknetVersion::CURRENT, runs);
    }
}
