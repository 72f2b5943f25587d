//! starknet-devnet's own methods that tools and test frameworks call on a devnet, with its
//! parameter and result shapes (named or positional params, as every method here):
//!
//! * `devnet_getPredeployedAccounts` → `[{address, public_key, private_key, initial_balance}]`;
//! * `devnet_createBlock` → `{block_hash}`;
//! * `devnet_mint {address, amount, unit?}` → `{new_balance, unit, tx_hash}` ([`crate::mint`]);
//!   `unit` is `"WEI"` or `"FRI"` (the default, as starknet-devnet's), both this chain's one
//!   fee token; a reverted mint is error -1 "Minting reverted" with `{tx_hash, revert_reason}`;
//! * `devnet_abortBlocks {starting_block_id}` → `{aborted: [block hashes, latest first]}`
//!   ([`crate::abort`]); genesis gives -32600 "Genesis block can't be aborted";
//! * `devnet_dump {path?}` → `null` once written, or the dump itself without a path;
//!   `devnet_load {path}` → `null` once loaded ([`crate::dump`]); failures are -1 with the
//!   reason, as starknet-devnet's dump errors.

use chain::Felt;
use chain::address::address_upper_bound;
use chain::rpc::SpecVersion;
use chain::rpc::types::BlockId;
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde_json::{Value, json};

use super::blocks::{Resolved, resolve};
use super::errors::{from_node, invalid_params};
use super::params::{optional, raw_values, required, values};
use super::{amount, blocks::json as to_json};
use crate::abort::AbortStart;
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

/// The fee units `devnet_mint` takes (and echoes).
const UNITS: [&str; 2] = ["WEI", "FRI"];

/// `devnet_mint`: credits `address` with `amount` of the fee token in a new block.
pub fn mint(node: &Node, params: &Params<'_>, _: SpecVersion) -> Result<Value, ErrorObjectOwned> {
    let [address, amount, unit] =
        <[_; 3]>::try_from(raw_values(params, &["address", "amount", "unit"])?)
            .map_err(|_| invalid_params("three params expected"))?;
    let address = address.ok_or_else(|| invalid_params("missing param `address`"))?;
    let address: Felt = serde_json::from_str(address.get())
        .map_err(|_| invalid_params("`address`: not a felt (a 0x-prefixed hex string below P)"))?;
    if address == Felt::ZERO || address >= address_upper_bound() {
        return Err(invalid_params("`address`: not a contract address (0 < address < 2^251)"));
    }
    let amount = amount.ok_or_else(|| invalid_params("missing param `amount`"))?;
    let amount = amount::parse(amount.get())
        .map_err(|error| invalid_params(format!("`amount`: {error}")))?;
    let unit = match unit {
        None => "FRI".to_owned(),
        Some(unit) => serde_json::from_str::<String>(unit.get())
            .ok()
            .filter(|unit| UNITS.contains(&unit.as_str()))
            .ok_or_else(|| invalid_params("`unit`: must be \"WEI\" or \"FRI\""))?,
    };
    let minted = node.mint(address, amount).map_err(from_node)?;
    Ok(json!({
        "new_balance": minted.new_balance.to_string(),
        "unit": unit,
        "tx_hash": format!("{:#x}", minted.transaction_hash),
    }))
}

/// `devnet_abortBlocks`: aborts `starting_block_id` and every later block.
pub fn abort_blocks(
    node: &Node,
    params: &Params<'_>,
    _: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let [id] = <[Value; 1]>::try_from(values(params, &["starting_block_id"])?)
        .map_err(|_| invalid_params("one param expected"))?;
    let id: BlockId = required(id, "starting_block_id")?;
    let start = match resolve(node, &id).map_err(from_node)? {
        Resolved::Committed(number) => AbortStart::Block(number),
        Resolved::PreConfirmed => AbortStart::PreConfirmed,
    };
    let aborted = node.abort_blocks(start).map_err(from_node)?;
    let aborted: Vec<String> = aborted.iter().map(|hash| format!("{hash:#x}")).collect();
    Ok(json!({ "aborted": aborted }))
}

/// `devnet_dump`: writes the dump to `path` in the dump directory (answers `null`), or answers
/// the dump itself when no path is given.
pub fn dump(node: &Node, params: &Params<'_>, _: SpecVersion) -> Result<Value, ErrorObjectOwned> {
    let [path] = <[Value; 1]>::try_from(values(params, &["path"])?)
        .map_err(|_| invalid_params("one param expected"))?;
    match optional::<String>(path, "path")? {
        Some(path) => {
            node.dump_to(&path).map_err(from_node)?;
            Ok(Value::Null)
        }
        None => to_json(node.dump().map_err(from_node)?),
    }
}

/// `devnet_load`: replaces the chain after genesis with the dump at `path` (answers `null`).
pub fn load(node: &Node, params: &Params<'_>, _: SpecVersion) -> Result<Value, ErrorObjectOwned> {
    let [path] = <[Value; 1]>::try_from(values(params, &["path"])?)
        .map_err(|_| invalid_params("one param expected"))?;
    let path: String = required(path, "path")?;
    node.load(&path).map_err(from_node)?;
    Ok(Value::Null)
}
