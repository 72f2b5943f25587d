//! starknet-devnet's own methods that tools and test frameworks call on a devnet, with its
//! parameter and result shapes: `devnet_getPredeployedAccounts` today.

use chain::rpc::SpecVersion;
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde_json::{Value, json};

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
