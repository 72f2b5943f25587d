//! The write API: `addInvokeTransaction`, `addDeployAccountTransaction`,
//! `addDeclareTransaction`. v3 INVOKE and DEPLOY_ACCOUNT as specs 0.9 and 0.10 define them, and
//! the v1 shapes of spec 0.7 (DECLARE v1 carries a compressed Cairo 0 class). The answer comes
//! once the transaction is durably in the mempool.
//!
//! Spec 0.10 lets an INVOKE v3 carry a client-side `proof` (and `proof_facts`); this devnet
//! verifies no such proof, so a transaction with a non-empty one is refused with INVALID_PROOF
//! (69) rather than admitted as if it had been checked.

use chain::Felt;
use chain::TransactionKind;
use chain::rpc::SpecVersion;
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
    refuse_client_proof(&value)?;
    // A DECLARE's class is decompressed within the size limits, then hashed only for a
    // deployed sender whose nonce fits, when the mempool has room. Its signature covers the
    // transaction hash, which commits to the class hash, so it is checked last. (Other
    // transactions hash in microseconds: `submit` checks their duplicates first.)
    let parsed = parse_transaction(&value).map_err(from_node)?;
    let tx =
        executable_with(node, parsed, |sender, nonce| node.check_declare_admission(&sender, nonce))
            .map_err(from_node)?;
    let hash = node.submit(tx.transaction.clone(), tx.declared_class).map_err(from_node)?;
    Ok((hash, tx.transaction))
}

/// INVALID_PROOF, spec 0.10's error for an INVOKE v3 whose `proof` does not verify.
pub const INVALID_PROOF: i32 = 69;

/// Refuses a transaction carrying a non-empty `proof` or `proof_facts` (see the module docs).
fn refuse_client_proof(value: &Value) -> Result<(), ErrorObjectOwned> {
    let carries = |field: &str| match value.get(field) {
        None | Some(Value::Null) => false,
        Some(Value::String(text)) => !text.is_empty(),
        Some(Value::Array(items)) => !items.is_empty(),
        Some(_) => true,
    };
    if carries("proof") || carries("proof_facts") {
        return Err(ErrorObjectOwned::owned(
            INVALID_PROOF,
            "The proof field in the invoke v3 transaction is invalid",
            Some("this devnet verifies no client-side proofs; send the transaction without one"),
        ));
    }
    Ok(())
}

/// `starknet_addInvokeTransaction`.
pub fn add_invoke(
    node: &Node,
    params: &Params<'_>,
    _: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let (transaction_hash, _) =
        submit(node, params, "invoke_transaction", TransactionKind::Invoke)?;
    json(InvokeTransactionResult { transaction_hash })
}

/// `starknet_addDeployAccountTransaction`.
pub fn add_deploy_account(
    node: &Node,
    params: &Params<'_>,
    _: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let (transaction_hash, transaction) =
        submit(node, params, "deploy_account_transaction", TransactionKind::DeployAccount)?;
    json(DeployAccountTransactionResult {
        transaction_hash,
        contract_address: transaction.sender_address(),
    })
}

/// `starknet_addDeclareTransaction`.
pub fn add_declare(
    node: &Node,
    params: &Params<'_>,
    _: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let (transaction_hash, transaction) =
        submit(node, params, "declare_transaction", TransactionKind::Declare)?;
    let class_hash = match &transaction {
        chain::Transaction::DeclareV1(declare) => declare.class_hash,
        chain::Transaction::DeclareV3(declare) => declare.class_hash,
        chain::Transaction::DeclareV2(declare) => declare.class_hash,
        _ => Felt::ZERO,
    };
    json(DeclareTransactionResult { transaction_hash, class_hash })
}
