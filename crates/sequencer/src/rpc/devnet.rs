//! starknet-devnet's own methods that tools and test frameworks call on a devnet, with its
//! parameter and result shapes: `devnet_getPredeployedAccounts` and `devnet_createBlock`.
//! Not served: `devnet_mint` (the genesis ERC-20 has no mint entry point, and a balance
//! written outside a transaction would make the chain unreplayable), `devnet_abortBlocks` (the
//! node keeps no reorg path) and `devnet_dump`/`devnet_load` (`--data-dir` persists the chain).

use chain::rpc::SpecVersion;
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde_json::{Value, json};

use super::errors::from_node;
use crate::genesis::ACCOUNT_BALANCE;
use crate::node::Node;

/// `devnet_getPredeployedAccounts`: the prefunded accounts with their keys and initial balance
/// (a decimal string, as starknet-devnet writes it). starknet-devnet's optional
/// `with_balance` is accepted and ignored: no current balance is added.
pub fn predeployed_accounts(
    node: &Node,
    _: &Params<'_>,
    _: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let accounts: Vec<Value> = node
        .genesis()
        .accounts
        .iter()
        .map(|account| {
            json!({
                "address": format!("{:#x}", account.address),
                "public_key": format!("{:#x}", account.public_key),
                "private_key": format!("{:#x}", account.private_key),
                "initial_balance": ACCOUNT_BALANCE.to_string(),
            })
        })
        .collect();
    Ok(Value::Array(accounts))
}

/// `devnet_createBlock`: produces a block now from the mempool (what it holds, possibly
/// nothing), besides the timed ones; answers `{"block_hash"}` once the block is written.
pub fn create_block(
    node: &Node,
    _: &Params<'_>,
    _: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let block = node.produce_block().map_err(from_node)?;
    Ok(json!({ "block_hash": format!("{:#x}", block.block_hash) }))
}
