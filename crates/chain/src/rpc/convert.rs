//! Conversions between this crate's model and the JSON-RPC wire types.

use starknet_core::types as wire;

use crate::block::L1DataAvailabilityMode;
use crate::receipt::FeeUnit;
use crate::{
    BlockHeader, ChainError, DataAvailabilityMode, DeclareV1, DeclareV2, DeclareV3,
    DeployAccountV1, DeployAccountV3, ExecutionStatus, Felt, InvokeV1, InvokeV3, Receipt,
    ResourceBounds, ResourceBoundsMapping, StateDiff, Transaction, TransactionKind,
};

/// Resource bounds to the wire. A pre-0.13.4 transaction without an L1 data gas bound shows a
/// zero bound, as nodes serve such transactions.
pub fn resource_bounds_to_rpc(bounds: &ResourceBoundsMapping) -> wire::ResourceBoundsMapping {
    let one = |bound: &ResourceBounds| wire::ResourceBounds {
        max_amount: bound.max_amount,
        max_price_per_unit: bound.max_price_per_unit,
    };
    wire::ResourceBoundsMapping {
        l1_gas: one(&bounds.l1_gas),
        l1_data_gas: one(&bounds.l1_data_gas.unwrap_or_default()),
        l2_gas: one(&bounds.l2_gas),
    }
}

/// Resource bounds from the wire (spec 0.8+ always has all three).
pub fn resource_bounds_from_rpc(bounds: &wire::ResourceBoundsMapping) -> ResourceBoundsMapping {
    let one = |bound: &wire::ResourceBounds| ResourceBounds {
        max_amount: bound.max_amount,
        max_price_per_unit: bound.max_price_per_unit,
    };
    ResourceBoundsMapping {
        l1_gas: one(&bounds.l1_gas),
        l2_gas: one(&bounds.l2_gas),
        l1_data_gas: Some(one(&bounds.l1_data_gas)),
    }
}

fn da_to_rpc(mode: DataAvailabilityMode) -> wire::DataAvailabilityMode {
    match mode {
        DataAvailabilityMode::L1 => wire::DataAvailabilityMode::L1,
        DataAvailabilityMode::L2 => wire::DataAvailabilityMode::L2,
    }
}

fn da_from_rpc(mode: wire::DataAvailabilityMode) -> DataAvailabilityMode {
    match mode {
        wire::DataAvailabilityMode::L1 => DataAvailabilityMode::L1,
        wire::DataAvailabilityMode::L2 => DataAvailabilityMode::L2,
    }
}

/// A transaction with its hash, as `starknet_getTransactionByHash` returns it.
pub fn transaction_to_rpc(tx: &Transaction, transaction_hash: Felt) -> wire::Transaction {
    match tx {
        Transaction::InvokeV1(tx) => {
            wire::Transaction::Invoke(wire::InvokeTransaction::V1(wire::InvokeTransactionV1 {
                transaction_hash,
                sender_address: tx.sender_address,
                calldata: tx.calldata.clone(),
                max_fee: tx.max_fee,
                signature: tx.signature.clone(),
                nonce: tx.nonce,
            }))
        }
        Transaction::InvokeV3(tx) => {
            wire::Transaction::Invoke(wire::InvokeTransaction::V3(wire::InvokeTransactionV3 {
                transaction_hash,
                sender_address: tx.sender_address,
                calldata: tx.calldata.clone(),
                signature: tx.signature.clone(),
                nonce: tx.nonce,
                resource_bounds: resource_bounds_to_rpc(&tx.resource_bounds),
                tip: tx.tip,
                paymaster_data: tx.paymaster_data.clone(),
                account_deployment_data: tx.account_deployment_data.clone(),
                nonce_data_availability_mode: da_to_rpc(tx.nonce_data_availability_mode),
                fee_data_availability_mode: da_to_rpc(tx.fee_data_availability_mode),
            }))
        }
        Transaction::DeployAccountV1(tx) => wire::Transaction::DeployAccount(
            wire::DeployAccountTransaction::V1(wire::DeployAccountTransactionV1 {
                transaction_hash,
                max_fee: tx.max_fee,
                signature: tx.signature.clone(),
                nonce: tx.nonce,
                contract_address_salt: tx.contract_address_salt,
                constructor_calldata: tx.constructor_calldata.clone(),
                class_hash: tx.class_hash,
            }),
        ),
        Transaction::DeployAccountV3(tx) => wire::Transaction::DeployAccount(
            wire::DeployAccountTransaction::V3(wire::DeployAccountTransactionV3 {
                transaction_hash,
                signature: tx.signature.clone(),
                nonce: tx.nonce,
                contract_address_salt: tx.contract_address_salt,
                constructor_calldata: tx.constructor_calldata.clone(),
                class_hash: tx.class_hash,
                resource_bounds: resource_bounds_to_rpc(&tx.resource_bounds),
                tip: tx.tip,
                paymaster_data: tx.paymaster_data.clone(),
                nonce_data_availability_mode: da_to_rpc(tx.nonce_data_availability_mode),
                fee_data_availability_mode: da_to_rpc(tx.fee_data_availability_mode),
            }),
        ),
        Transaction::DeclareV1(tx) => {
            wire::Transaction::Declare(wire::DeclareTransaction::V1(wire::DeclareTransactionV1 {
                transaction_hash,
                sender_address: tx.sender_address,
                max_fee: tx.max_fee,
                signature: tx.signature.clone(),
                nonce: tx.nonce,
                class_hash: tx.class_hash,
            }))
        }
        Transaction::DeclareV2(tx) => {
            wire::Transaction::Declare(wire::DeclareTransaction::V2(wire::DeclareTransactionV2 {
                transaction_hash,
                sender_address: tx.sender_address,
                compiled_class_hash: tx.compiled_class_hash,
                max_fee: tx.max_fee,
                signature: tx.signature.clone(),
                nonce: tx.nonce,
                class_hash: tx.class_hash,
            }))
        }
        Transaction::DeclareV3(tx) => {
            wire::Transaction::Declare(wire::DeclareTransaction::V3(wire::DeclareTransactionV3 {
                transaction_hash,
                sender_address: tx.sender_address,
                compiled_class_hash: tx.compiled_class_hash,
                signature: tx.signature.clone(),
                nonce: tx.nonce,
                class_hash: tx.class_hash,
                resource_bounds: resource_bounds_to_rpc(&tx.resource_bounds),
                tip: tx.tip,
                paymaster_data: tx.paymaster_data.clone(),
                account_deployment_data: tx.account_deployment_data.clone(),
                nonce_data_availability_mode: da_to_rpc(tx.nonce_data_availability_mode),
                fee_data_availability_mode: da_to_rpc(tx.fee_data_availability_mode),
            }))
        }
    }
}

/// A transaction read from a node (e.g. by the watcher), with the hash the node reported.
/// Types and versions this chain does not execute give [`ChainError::UnsupportedVersion`].
pub fn transaction_from_rpc(tx: &wire::Transaction) -> Result<(Transaction, Felt), ChainError> {
    let unsupported = |kind: &'static str, version: u64| ChainError::UnsupportedVersion {
        kind,
        version: Felt::from(version),
    };
    Ok(match tx {
        wire::Transaction::Invoke(wire::InvokeTransaction::V1(tx)) => (
            Transaction::InvokeV1(InvokeV1 {
                sender_address: tx.sender_address,
                calldata: tx.calldata.clone(),
                max_fee: tx.max_fee,
                signature: tx.signature.clone(),
                nonce: tx.nonce,
                is_query: false,
            }),
            tx.transaction_hash,
        ),
        wire::Transaction::Invoke(wire::InvokeTransaction::V3(tx)) => (
            Transaction::InvokeV3(InvokeV3 {
                sender_address: tx.sender_address,
                calldata: tx.calldata.clone(),
                signature: tx.signature.clone(),
                nonce: tx.nonce,
                resource_bounds: resource_bounds_from_rpc(&tx.resource_bounds),
                tip: tx.tip,
                paymaster_data: tx.paymaster_data.clone(),
                account_deployment_data: tx.account_deployment_data.clone(),
                nonce_data_availability_mode: da_from_rpc(tx.nonce_data_availability_mode),
                fee_data_availability_mode: da_from_rpc(tx.fee_data_availability_mode),
                is_query: false,
            }),
            tx.transaction_hash,
        ),
        wire::Transaction::Invoke(wire::InvokeTransaction::V0(_)) => {
            return Err(unsupported("INVOKE", 0));
        }
        wire::Transaction::DeployAccount(wire::DeployAccountTransaction::V1(tx)) => (
            Transaction::DeployAccountV1(DeployAccountV1 {
                class_hash: tx.class_hash,
                contract_address_salt: tx.contract_address_salt,
                constructor_calldata: tx.constructor_calldata.clone(),
                max_fee: tx.max_fee,
                signature: tx.signature.clone(),
                nonce: tx.nonce,
                is_query: false,
            }),
            tx.transaction_hash,
        ),
        wire::Transaction::DeployAccount(wire::DeployAccountTransaction::V3(tx)) => (
            Transaction::DeployAccountV3(DeployAccountV3 {
                class_hash: tx.class_hash,
                contract_address_salt: tx.contract_address_salt,
                constructor_calldata: tx.constructor_calldata.clone(),
                signature: tx.signature.clone(),
                nonce: tx.nonce,
                resource_bounds: resource_bounds_from_rpc(&tx.resource_bounds),
                tip: tx.tip,
                paymaster_data: tx.paymaster_data.clone(),
                nonce_data_availability_mode: da_from_rpc(tx.nonce_data_availability_mode),
                fee_data_availability_mode: da_from_rpc(tx.fee_data_availability_mode),
                is_query: false,
            }),
            tx.transaction_hash,
        ),
        wire::Transaction::Declare(wire::DeclareTransaction::V1(tx)) => (
            Transaction::DeclareV1(DeclareV1 {
                sender_address: tx.sender_address,
                class_hash: tx.class_hash,
                max_fee: tx.max_fee,
                signature: tx.signature.clone(),
                nonce: tx.nonce,
                is_query: false,
            }),
            tx.transaction_hash,
        ),
        wire::Transaction::Declare(wire::DeclareTransaction::V0(_)) => {
            return Err(unsupported("DECLARE", 0));
        }
        wire::Transaction::Declare(wire::DeclareTransaction::V2(tx)) => (
            Transaction::DeclareV2(DeclareV2 {
                sender_address: tx.sender_address,
                class_hash: tx.class_hash,
                compiled_class_hash: tx.compiled_class_hash,
                max_fee: tx.max_fee,
                signature: tx.signature.clone(),
                nonce: tx.nonce,
                is_query: false,
            }),
            tx.transaction_hash,
        ),
        wire::Transaction::Declare(wire::DeclareTransaction::V3(tx)) => (
            Transaction::DeclareV3(DeclareV3 {
                sender_address: tx.sender_address,
                class_hash: tx.class_hash,
                compiled_class_hash: tx.compiled_class_hash,
                signature: tx.signature.clone(),
                nonce: tx.nonce,
                resource_bounds: resource_bounds_from_rpc(&tx.resource_bounds),
                tip: tx.tip,
                paymaster_data: tx.paymaster_data.clone(),
                account_deployment_data: tx.account_deployment_data.clone(),
                nonce_data_availability_mode: da_from_rpc(tx.nonce_data_availability_mode),
                fee_data_availability_mode: da_from_rpc(tx.fee_data_availability_mode),
                is_query: false,
            }),
            tx.transaction_hash,
        ),
        wire::Transaction::L1Handler(_) => return Err(unsupported("L1_HANDLER", 0)),
        wire::Transaction::Deploy(_) => return Err(unsupported("DEPLOY", 0)),
    })
}

fn price(value: u128) -> Felt {
    Felt::from(value)
}

/// The header of a block as the JSON-RPC shows it (`BLOCK_HEADER`).
pub fn header_to_rpc(header: &BlockHeader, block_hash: Felt) -> wire::BlockHeader {
    let prices = &header.gas_prices;
    wire::BlockHeader {
        block_hash,
        parent_hash: header.parent_hash,
        block_number: header.block_number,
        new_root: header.state_root,
        timestamp: header.timestamp,
        sequencer_address: header.sequencer_address,
        l1_gas_price: wire::ResourcePrice {
            price_in_fri: price(prices.l1_gas_price_fri),
            price_in_wei: price(prices.l1_gas_price_wei),
        },
        l2_gas_price: wire::ResourcePrice {
            price_in_fri: price(prices.l2_gas_price_fri),
            price_in_wei: price(prices.l2_gas_price_wei),
        },
        l1_data_gas_price: wire::ResourcePrice {
            price_in_fri: price(prices.l1_data_gas_price_fri),
            price_in_wei: price(prices.l1_data_gas_price_wei),
        },
        l1_da_mode: match header.l1_da_mode {
            L1DataAvailabilityMode::Calldata => wire::L1DataAvailabilityMode::Calldata,
            L1DataAvailabilityMode::Blob => wire::L1DataAvailabilityMode::Blob,
        },
        starknet_version: header.starknet_version.as_str().to_owned(),
    }
}

/// `starknet_getBlockWithTxHashes` for a block whose hash is `header.hash()`.
pub fn block_with_tx_hashes(
    header: &BlockHeader,
    status: wire::BlockStatus,
    transaction_hashes: Vec<Felt>,
) -> wire::BlockWithTxHashes {
    let h = header_to_rpc(header, header.hash());
    wire::BlockWithTxHashes {
        status,
        block_hash: h.block_hash,
        parent_hash: h.parent_hash,
        block_number: h.block_number,
        new_root: h.new_root,
        timestamp: h.timestamp,
        sequencer_address: h.sequencer_address,
        l1_gas_price: h.l1_gas_price,
        l2_gas_price: h.l2_gas_price,
        l1_data_gas_price: h.l1_data_gas_price,
        l1_da_mode: h.l1_da_mode,
        starknet_version: h.starknet_version,
        transactions: transaction_hashes,
    }
}

/// `starknet_getBlockWithTxs`: transactions with their hashes, in block order.
pub fn block_with_txs(
    header: &BlockHeader,
    status: wire::BlockStatus,
    transactions: &[(Transaction, Felt)],
) -> wire::BlockWithTxs {
    let h = header_to_rpc(header, header.hash());
    wire::BlockWithTxs {
        status,
        block_hash: h.block_hash,
        parent_hash: h.parent_hash,
        block_number: h.block_number,
        new_root: h.new_root,
        timestamp: h.timestamp,
        sequencer_address: h.sequencer_address,
        l1_gas_price: h.l1_gas_price,
        l2_gas_price: h.l2_gas_price,
        l1_data_gas_price: h.l1_data_gas_price,
        l1_da_mode: h.l1_da_mode,
        starknet_version: h.starknet_version,
        transactions: transactions.iter().map(|(tx, hash)| transaction_to_rpc(tx, *hash)).collect(),
    }
}

/// `starknet_getBlockWithReceipts`: each transaction with its receipt.
pub fn block_with_receipts(
    header: &BlockHeader,
    status: wire::BlockStatus,
    transactions: &[(Transaction, Receipt)],
) -> Result<wire::BlockWithReceipts, ChainError> {
    let finality = match status {
        wire::BlockStatus::AcceptedOnL1 => wire::TransactionFinalityStatus::AcceptedOnL1,
        wire::BlockStatus::AcceptedOnL2 => wire::TransactionFinalityStatus::AcceptedOnL2,
        wire::BlockStatus::PreConfirmed => wire::TransactionFinalityStatus::PreConfirmed,
    };
    let mut items = Vec::with_capacity(transactions.len());
    for (tx, receipt) in transactions {
        items.push(wire::TransactionWithReceipt {
            transaction: transaction_content(tx),
            receipt: receipt_to_rpc(receipt, finality)?,
        });
    }
    let h = header_to_rpc(header, header.hash());
    Ok(wire::BlockWithReceipts {
        status,
        block_hash: h.block_hash,
        parent_hash: h.parent_hash,
        block_number: h.block_number,
        new_root: h.new_root,
        timestamp: h.timestamp,
        sequencer_address: h.sequencer_address,
        l1_gas_price: h.l1_gas_price,
        l2_gas_price: h.l2_gas_price,
        l1_data_gas_price: h.l1_data_gas_price,
        l1_da_mode: h.l1_da_mode,
        starknet_version: h.starknet_version,
        transactions: items,
    })
}

/// A transaction without its hash (`TXN` inside `TXN_WITH_RECEIPT`).
pub fn transaction_content(tx: &Transaction) -> wire::TransactionContent {
    use wire::TransactionContent as Content;
    match tx {
        Transaction::InvokeV1(t) => {
            Content::Invoke(wire::InvokeTransactionContent::V1(wire::InvokeTransactionV1Content {
                sender_address: t.sender_address,
                calldata: t.calldata.clone(),
                max_fee: t.max_fee,
                signature: t.signature.clone(),
                nonce: t.nonce,
            }))
        }
        Transaction::InvokeV3(t) => {
            Content::Invoke(wire::InvokeTransactionContent::V3(wire::InvokeTransactionV3Content {
                sender_address: t.sender_address,
                calldata: t.calldata.clone(),
                signature: t.signature.clone(),
                nonce: t.nonce,
                resource_bounds: resource_bounds_to_rpc(&t.resource_bounds),
                tip: t.tip,
                paymaster_data: t.paymaster_data.clone(),
                account_deployment_data: t.account_deployment_data.clone(),
                nonce_data_availability_mode: da_to_rpc(t.nonce_data_availability_mode),
                fee_data_availability_mode: da_to_rpc(t.fee_data_availability_mode),
            }))
        }
        Transaction::DeployAccountV1(t) => Content::DeployAccount(
            wire::DeployAccountTransactionContent::V1(wire::DeployAccountTransactionV1Content {
                max_fee: t.max_fee,
                signature: t.signature.clone(),
                nonce: t.nonce,
                contract_address_salt: t.contract_address_salt,
                constructor_calldata: t.constructor_calldata.clone(),
                class_hash: t.class_hash,
            }),
        ),
        Transaction::DeployAccountV3(t) => Content::DeployAccount(
            wire::DeployAccountTransactionContent::V3(wire::DeployAccountTransactionV3Content {
                signature: t.signature.clone(),
                nonce: t.nonce,
                contract_address_salt: t.contract_address_salt,
                constructor_calldata: t.constructor_calldata.clone(),
                class_hash: t.class_hash,
                resource_bounds: resource_bounds_to_rpc(&t.resource_bounds),
                tip: t.tip,
                paymaster_data: t.paymaster_data.clone(),
                nonce_data_availability_mode: da_to_rpc(t.nonce_data_availability_mode),
                fee_data_availability_mode: da_to_rpc(t.fee_data_availability_mode),
            }),
        ),
        Transaction::DeclareV1(t) => Content::Declare(wire::DeclareTransactionContent::V1(
            wire::DeclareTransactionV1Content {
                sender_address: t.sender_address,
                max_fee: t.max_fee,
                signature: t.signature.clone(),
                nonce: t.nonce,
                class_hash: t.class_hash,
            },
        )),
        Transaction::DeclareV2(t) => Content::Declare(wire::DeclareTransactionContent::V2(
            wire::DeclareTransactionV2Content {
                sender_address: t.sender_address,
                compiled_class_hash: t.compiled_class_hash,
                max_fee: t.max_fee,
                signature: t.signature.clone(),
                nonce: t.nonce,
                class_hash: t.class_hash,
            },
        )),
        Transaction::DeclareV3(t) => Content::Declare(wire::DeclareTransactionContent::V3(
            wire::DeclareTransactionV3Content {
                sender_address: t.sender_address,
                compiled_class_hash: t.compiled_class_hash,
                signature: t.signature.clone(),
                nonce: t.nonce,
                class_hash: t.class_hash,
                resource_bounds: resource_bounds_to_rpc(&t.resource_bounds),
                tip: t.tip,
                paymaster_data: t.paymaster_data.clone(),
                account_deployment_data: t.account_deployment_data.clone(),
                nonce_data_availability_mode: da_to_rpc(t.nonce_data_availability_mode),
                fee_data_availability_mode: da_to_rpc(t.fee_data_availability_mode),
            },
        )),
    }
}

fn event_to_rpc(event: &crate::Event) -> wire::Event {
    wire::Event {
        from_address: event.from_address,
        keys: event.keys.clone(),
        data: event.data.clone(),
    }
}

/// A receipt as `starknet_getTransactionReceipt` shows it (without the block info, which the
/// server adds).
pub fn receipt_to_rpc(
    receipt: &Receipt,
    finality_status: wire::TransactionFinalityStatus,
) -> Result<wire::TransactionReceipt, ChainError> {
    let actual_fee = wire::FeePayment {
        amount: receipt.actual_fee.amount,
        unit: match receipt.actual_fee.unit {
            FeeUnit::Wei => wire::PriceUnit::Wei,
            FeeUnit::Fri => wire::PriceUnit::Fri,
        },
    };
    let messages_sent = receipt
        .messages_sent
        .iter()
        .map(|message| wire::MsgToL1 {
            from_address: message.from_address,
            to_address: message.to_address,
            payload: message.payload.clone(),
        })
        .collect();
    let events = receipt.events.iter().map(event_to_rpc).collect();
    let resources = &receipt.execution_resources;
    let execution_resources = wire::ExecutionResources {
        l1_gas: resources.l1_gas,
        l1_data_gas: resources.l1_data_gas,
        l2_gas: resources.l2_gas,
    };
    let execution_result = match &receipt.execution_status {
        ExecutionStatus::Succeeded => wire::ExecutionResult::Succeeded,
        ExecutionStatus::Reverted { reason } => {
            wire::ExecutionResult::Reverted { reason: reason.clone() }
        }
    };
    let transaction_hash = receipt.transaction_hash;
    Ok(match receipt.kind {
        TransactionKind::Invoke => {
            wire::TransactionReceipt::Invoke(wire::InvokeTransactionReceipt {
                transaction_hash,
                actual_fee,
                finality_status,
                messages_sent,
                events,
                execution_resources,
                execution_result,
            })
        }
        TransactionKind::Declare => {
            wire::TransactionReceipt::Declare(wire::DeclareTransactionReceipt {
                transaction_hash,
                actual_fee,
                finality_status,
                messages_sent,
                events,
                execution_resources,
                execution_result,
            })
        }
        TransactionKind::DeployAccount => {
            let contract_address = receipt.contract_address.ok_or_else(|| {
                ChainError::Inconsistent(format!(
                    "DEPLOY_ACCOUNT receipt {transaction_hash:#x} has no contract address"
                ))
            })?;
            wire::TransactionReceipt::DeployAccount(wire::DeployAccountTransactionReceipt {
                transaction_hash,
                actual_fee,
                finality_status,
                messages_sent,
                events,
                execution_resources,
                execution_result,
                contract_address,
            })
        }
    })
}

/// The events of a receipt as `starknet_getEvents` lists them.
pub fn emitted_events(
    receipt: &Receipt,
    block_hash: Option<Felt>,
    block_number: Option<u64>,
) -> Vec<wire::EmittedEvent> {
    receipt
        .events
        .iter()
        .map(|event| wire::EmittedEvent {
            from_address: event.from_address,
            keys: event.keys.clone(),
            data: event.data.clone(),
            block_hash,
            block_number,
            transaction_hash: receipt.transaction_hash,
        })
        .collect()
}

/// A state diff in the JSON-RPC shape (lists in the canonical ascending order).
pub fn state_diff_to_rpc(diff: &StateDiff) -> wire::StateDiff {
    wire::StateDiff {
        storage_diffs: diff
            .storage_diffs
            .iter()
            .filter(|(_, entries)| !entries.is_empty())
            .map(|(address, entries)| wire::ContractStorageDiffItem {
                address: *address,
                storage_entries: entries
                    .iter()
                    .map(|(key, value)| wire::StorageEntry { key: *key, value: *value })
                    .collect(),
            })
            .collect(),
        deprecated_declared_classes: diff.deprecated_declared_classes.iter().copied().collect(),
        declared_classes: diff
            .declared_classes
            .iter()
            .map(|(class_hash, compiled_class_hash)| wire::DeclaredClassItem {
                class_hash: *class_hash,
                compiled_class_hash: *compiled_class_hash,
            })
            .collect(),
        deployed_contracts: diff
            .deployed_contracts
            .iter()
            .map(|(address, class_hash)| wire::DeployedContractItem {
                address: *address,
                class_hash: *class_hash,
            })
            .collect(),
        replaced_classes: diff
            .replaced_classes
            .iter()
            .map(|(address, class_hash)| wire::ReplacedClassItem {
                contract_address: *address,
                class_hash: *class_hash,
            })
            .collect(),
        nonces: diff
            .nonces
            .iter()
            .map(|(address, nonce)| wire::NonceUpdate { contract_address: *address, nonce: *nonce })
            .collect(),
    }
}

/// A state diff read from a node. Later duplicates win, so the result is canonical whatever the
/// order of the lists.
pub fn state_diff_from_rpc(diff: &wire::StateDiff) -> StateDiff {
    let mut out = StateDiff::default();
    for item in &diff.storage_diffs {
        for entry in &item.storage_entries {
            out.set_storage(item.address, entry.key, entry.value);
        }
    }
    out.deprecated_declared_classes.extend(diff.deprecated_declared_classes.iter().copied());
    for item in &diff.declared_classes {
        out.declared_classes.insert(item.class_hash, item.compiled_class_hash);
    }
    for item in &diff.deployed_contracts {
        out.deployed_contracts.insert(item.address, item.class_hash);
    }
    for item in &diff.replaced_classes {
        out.replaced_classes.insert(item.contract_address, item.class_hash);
    }
    for item in &diff.nonces {
        out.nonces.insert(item.contract_address, item.nonce);
    }
    out
}

/// `starknet_getStateUpdate` for an accepted block.
pub fn state_update(
    block_hash: Felt,
    old_root: Felt,
    new_root: Felt,
    diff: &StateDiff,
) -> wire::StateUpdate {
    wire::StateUpdate { block_hash, old_root, new_root, state_diff: state_diff_to_rpc(diff) }
}
