//! `starknet_estimateMessageFee`: the fee of the L1 handler a message from L1 (`MSG_FROM_L1`)
//! would run, priced in wei (`MESSAGE_FEE_ESTIMATE`).
//!
//! This chain has no L1 and so never includes an L1 handler transaction; the estimate is still
//! the protocol's: blockifier runs the handler of a deployed contract (calldata
//! `[from_address, ...payload]`) on the requested block's state and reports its gas, which is
//! priced at the block's wei prices. No contract at `to_address` is CONTRACT_NOT_FOUND (the
//! 0.10 error; 0.9 lists only CONTRACT_ERROR and BLOCK_NOT_FOUND, and 0.9 clients get the same
//! code), a handler that fails or is not there CONTRACT_ERROR with the reason.

use chain::rpc::SpecVersion;
use chain::rpc::types::{BlockId, MessageFeeEstimate, MsgFromL1};
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde_json::Value;

use super::blocks::{json, state_block};
use super::errors::{from_node, invalid_params};
use super::execution::block_info;
use super::params::values;
use crate::SequencerError;
use crate::node::Node;
use crate::overlay::OverlayState;

/// `starknet_estimateMessageFee`.
pub fn estimate_message_fee(
    node: &Node,
    params: &Params<'_>,
    _: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let [message, block_id] = <[Value; 2]>::try_from(values(params, &["message", "block_id"])?)
        .map_err(|_| invalid_params("two params expected"))?;
    let message: MsgFromL1 =
        serde_json::from_value(message).map_err(|e| invalid_params(format!("`message`: {e}")))?;
    let block_id: BlockId =
        serde_json::from_value(block_id).map_err(|e| invalid_params(e.to_string()))?;
    let number = state_block(node, &block_id).map_err(from_node)?;
    let block = block_info(node, &block_id).map_err(from_node)?;
    let message = executor::L1Message {
        from_address: message.from_address.into(),
        to_address: message.to_address,
        entry_point_selector: message.entry_point_selector,
        payload: message.payload,
    };
    let state = OverlayState::new(node.store(), number);
    let estimate = node
        .executor()
        .estimate_message_fee(&state, &block, &message)
        .map_err(from_node)?
        .map_err(|failure| from_node(SequencerError::ContractError(failure.reason)))?;
    let prices = &block.gas_prices;
    json(MessageFeeEstimate {
        l1_gas_consumed: estimate.l1_gas_consumed,
        l1_gas_price: prices.l1_gas_price_wei,
        l2_gas_consumed: estimate.l2_gas_consumed,
        l2_gas_price: prices.l2_gas_price_wei,
        l1_data_gas_consumed: estimate.l1_data_gas_consumed,
        l1_data_gas_price: prices.l1_data_gas_price_wei,
        overall_fee: estimate.overall_fee,
    })
}
