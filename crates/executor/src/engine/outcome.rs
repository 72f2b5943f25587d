//! What blockifier reports, in this chain's types: receipts, state diffs, resources, and the
//! call traces the OS re-executes from.

use std::collections::BTreeMap;

use blockifier::blockifier_versioned_constants::VersionedConstants;
use blockifier::execution::call_info::CallInfo;
use blockifier::state::cached_state::StateMaps;
use blockifier::transaction::objects::TransactionExecutionInfo;
use cairo_vm::vm::runners::cairo_runner::ExecutionResources as VmResources;
use chain::receipt::{Fee, FeeUnit};
use chain::rpc::InitialReads;
use chain::{Event, ExecutionStatus, Felt, MessageToL1, Receipt, StateDiff, Transaction};

use crate::call::CallTrace;
use crate::resources::Resources;
use crate::{ExecutableTransaction, ExecutorError, TransactionExecution};

/// The OS's view of one call and its nested calls.
pub(crate) fn call_trace(info: &CallInfo) -> CallTrace {
    let call = &info.call;
    CallTrace {
        contract_address: *call.storage_address.0.key(),
        class_hash: call.class_hash.map_or(Felt::ZERO, |hash| hash.0),
        selector: call.entry_point_selector.0,
        caller_address: *call.caller_address.0.key(),
        calldata: call.calldata.0.to_vec(),
        retdata: if info.execution.failed { Vec::new() } else { info.execution.retdata.0.clone() },
        storage_read_values: info.storage_access_tracker.storage_read_values.clone(),
        block_hash_read_values: (info.storage_access_tracker.read_block_hash_values.iter())
            .map(|hash| hash.0)
            .collect(),
        class_hash_read_values: (info.storage_access_tracker.read_class_hash_values.iter())
            .map(|hash| hash.0)
            .collect(),
        inner_calls: info.inner_calls.iter().map(call_trace).collect(),
        gas_consumed: info.execution.gas_consumed,
    }
}

/// Events of a call tree in emission order, each from the contract that emitted it.
fn events(info: &CallInfo) -> Vec<Event> {
    let mut ordered: Vec<(usize, Event)> = info
        .iter()
        .flat_map(|call| {
            let from_address = *call.call.storage_address.0.key();
            call.execution.events.iter().map(move |event| {
                (
                    event.order,
                    Event {
                        from_address,
                        keys: event.event.keys.iter().map(|key| key.0).collect(),
                        data: event.event.data.0.clone(),
                    },
                )
            })
        })
        .collect();
    ordered.sort_by_key(|(order, _)| *order);
    ordered.into_iter().map(|(_, event)| event).collect()
}

/// L2-to-L1 messages of a call tree in sending order.
fn messages(info: &CallInfo) -> Vec<MessageToL1> {
    let mut ordered: Vec<(usize, MessageToL1)> = info
        .iter()
        .flat_map(|call| {
            let from_address = *call.call.storage_address.0.key();
            call.execution.l2_to_l1_messages.iter().map(move |message| {
                (
                    message.order,
                    MessageToL1 {
                        from_address,
                        to_address: message.message.to_address.0,
                        payload: message.message.payload.0.clone(),
                    },
                )
            })
        })
        .collect();
    ordered.sort_by_key(|(order, _)| *order);
    ordered.into_iter().map(|(_, message)| message).collect()
}

/// Events and resources of a call tree outside any transaction (a genesis constructor).
pub(crate) fn call_summary(info: &CallInfo) -> (Vec<Event>, Resources) {
    // A call's resources include its inner calls'.
    (events(info), resources_of(&info.resources.vm_resources))
}

fn resources_of(vm: &VmResources) -> Resources {
    Resources::from(vm)
}

/// The executed transaction in this chain's terms. `state_diff` is what it changed.
pub(crate) fn execution(
    constants: &VersionedConstants,
    tx: &ExecutableTransaction,
    info: &TransactionExecutionInfo,
    state_diff: StateDiff,
) -> TransactionExecution {
    let transaction = &tx.transaction;
    let calls: Vec<&CallInfo> = info.non_optional_call_infos().collect();
    let mut resources = Resources::default();
    let mut all_events = Vec::new();
    let mut all_messages = Vec::new();
    for call in &calls {
        resources.add(&resources_of(&call.resources.vm_resources));
        all_events.extend(events(call));
        all_messages.extend(messages(call));
    }
    let reverted = info.revert_error.as_ref().map(ToString::to_string);
    // A reverted `__execute__` leaves its call info out of the traces the OS replays: the OS
    // skips it as blockifier dropped its effects.
    let traces = calls
        .iter()
        .filter(|call| !(call.execution.failed && reverted.is_some()))
        .map(|call| call_trace(call))
        .collect();
    let execute_retdata = match (&info.execute_call_info, transaction) {
        (Some(call), Transaction::InvokeV1(_) | Transaction::InvokeV3(_)) if reverted.is_none() => {
            call.execution.retdata.0.clone()
        }
        _ => Vec::new(),
    };
    // v3 transactions pay in fri (STRK), v1 in wei.
    let unit = if transaction.version() == 3 { FeeUnit::Fri } else { FeeUnit::Wei };
    // The receipt's resources are blockifier's: the calls' plus the OS's own per transaction.
    let total = resources_of(
        &info.receipt.resources.computation.total_extended_vm_resources().vm_resources,
    );
    let gas = info.receipt.gas;
    let receipt = Receipt {
        transaction_hash: tx.transaction_hash,
        kind: transaction.kind(),
        // The fee charged: blockifier computes one even when fees are off, but only a fee
        // transfer charges it.
        actual_fee: Fee {
            amount: match &info.fee_transfer_call_info {
                Some(_) => Felt::from(info.receipt.fee.0),
                None => Felt::ZERO,
            },
            unit,
        },
        execution_status: match reverted {
            Some(reason) => ExecutionStatus::Reverted { reason },
            None => ExecutionStatus::Succeeded,
        },
        events: all_events,
        messages_sent: all_messages,
        execution_resources: chain::ExecutionResources {
            l1_gas: gas.l1_gas.0,
            l1_data_gas: gas.l1_data_gas.0,
            l2_gas: gas.l2_gas.0,
            steps: total.steps,
            memory_holes: total.memory_holes,
            builtin_instance_counter: total.builtins,
        },
        contract_address: match transaction {
            Transaction::DeployAccountV1(_) | Transaction::DeployAccountV3(_) => {
                Some(transaction.sender_address())
            }
            _ => None,
        },
    };
    let trace =
        super::trace::transaction_trace(constants, transaction, info, &receipt, &state_diff);
    TransactionExecution { receipt, state_diff, execute_retdata, resources, calls: traces, trace }
}

/// Blockifier's state changes as this chain's diff. `class_hash_before` tells a deployment
/// (no class before) from a class replacement.
pub(crate) fn state_diff(
    maps: &StateMaps,
    class_hash_before: impl Fn(Felt) -> Result<Felt, ExecutorError>,
) -> Result<StateDiff, ExecutorError> {
    let mut diff = StateDiff::default();
    for ((address, key), value) in &maps.storage {
        diff.storage_diffs
            .entry(*address.0.key())
            .or_insert_with(BTreeMap::new)
            .insert(*key.0.key(), *value);
    }
    for (address, nonce) in &maps.nonces {
        diff.nonces.insert(*address.0.key(), nonce.0);
    }
    for (address, class_hash) in &maps.class_hashes {
        let address = *address.0.key();
        if class_hash_before(address)? == Felt::ZERO {
            diff.deployed_contracts.insert(address, class_hash.0);
        } else {
            diff.replaced_classes.insert(address, class_hash.0);
        }
    }
    for (class_hash, compiled_class_hash) in &maps.compiled_class_hashes {
        diff.declared_classes.insert(class_hash.0, compiled_class_hash.0);
    }
    for (class_hash, declared) in &maps.declared_contracts {
        if *declared && !maps.compiled_class_hashes.contains_key(class_hash) {
            diff.deprecated_declared_classes.insert(class_hash.0);
        }
    }
    Ok(diff)
}

/// Blockifier's initial reads as the spec's `INITIAL_READS` (its compiled class hashes, which
/// the spec does not list, are left out).
pub(crate) fn initial_reads(maps: &StateMaps) -> InitialReads {
    InitialReads {
        storage: maps
            .storage
            .iter()
            .map(|((address, key), value)| ((*address.0.key(), *key.0.key()), *value))
            .collect(),
        nonces: maps.nonces.iter().map(|(address, nonce)| (*address.0.key(), nonce.0)).collect(),
        class_hashes: maps
            .class_hashes
            .iter()
            .map(|(address, class_hash)| (*address.0.key(), class_hash.0))
            .collect(),
        declared_contracts: maps
            .declared_contracts
            .iter()
            .map(|(class_hash, declared)| (class_hash.0, *declared))
            .collect(),
    }
}
