//! The write API: `addInvokeTransaction`, `addDeployAccountTransaction`,
//! `addDeclareTransaction`. v3 INVOKE and DEPLOY_ACCOUNT as spec 0.9 defines them, and the v1
//! shapes of spec 0.7 (DECLARE v1 carries a compressed Cairo 0 class). The answer comes once the
//! transaction is durably in the mempool.

use chain::Felt;
use chain::TransactionKind;
use chain::rpc::types::{
    DeclareTransactionResult, DeployAccountTransactionResult, InvokeTransactionResult,
};
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde_json::Value;

use super::blocks::json;
use super::errors::{from_node, invalid_params};
use super::execution::{executable_with, parse_transaction};
use super::params::values;
use crate::node::Node;

fn submit(
    node: &Node,
    params: &Params<'_>,
    name: &str,
    kind: TransactionKind,
) -> Result<(Felt, chain::Transaction), ErrorObjectOwned> {
    let [value] = <[Value; 1]>::try_from(values(params, &[name])?)
        .map_err(|_| invalid_params("one param expected"))?;
    if !value.is_object() {
        return Err(invalid_params(format!("`{name}` must be a transaction object")));
    }
    if value.get("type").and_then(Value::as_str) != Some(kind.as_str()) {
        return Err(invalid_params(format!("`{name}` must have type {}", kind.as_str())));
    }
    // A DECLARE's class is decompressed within the size limits, then hashed only for a
    // deployed sender whose nonce fits, when the mempool has room. Its signature covers the
    // transaction hash, which commits to the class hash, so it is checked last. (Other
    // transactions hash in microseconds: `submit` checks their duplicates first.)
    let parsed = parse_transaction(&value).map_err(from_node)?;
    let (tx, class) = executable_with(node, parsed, |declare| {
        node.check_declare_admission(&declare.sender_address, declare.nonce)
    })
    .map_err(from_node)?;
    let hash = node.submit(tx.transaction.clone(), class).map_err(from_node)?;
    Ok((hash, tx.transaction))
}

/// `starknet_addInvokeTransaction`.
pub fn add_invoke(node: &Node, params: &Params<'_>) -> Result<Value, ErrorObjectOwned> {
    let (transaction_hash, _) =
        submit(node, params, "invoke_transaction", TransactionKind::Invoke)?;
    json(InvokeTransactionResult { transaction_hash })
}

/// `starknet_addDeployAccountTransaction`.
pub fn add_deploy_account(node: &Node, params: &Params<'_>) -> Result<Value, ErrorObjectOwned> {
    let (transaction_hash, transaction) =
        submit(node, params, "deploy_account_transaction", TransactionKind::DeployAccount)?;
    json(DeployAccountTransactionResult {
        transaction_hash,
        contract_address: transaction.sender_address(),
    })
}

/// `starknet_addDeclareTransaction`.
pub fn add_declare(node: &Node, params: &Params<'_>) -> Result<Value, ErrorObjectOwned> {
    let (transaction_hash, transaction) =
        submit(node, params, "declare_transaction", TransactionKind::Declare)?;
    let class_hash = match &transaction {
        chain::Transaction::DeclareV1(declare) => declare.class_hash,
        _ => Felt::ZERO,
    };
    json(DeclareTransactionResult { transaction_hash, class_hash })
}
