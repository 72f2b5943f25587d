//! Blockifier's call infos as Starknet JSON-RPC transaction traces (`TRANSACTION_TRACE` of the
//! trace API: `starknet_traceTransaction`, `starknet_traceBlockTransactions`,
//! `starknet_simulateTransactions`).
//!
//! Each phase that ran is one `FUNCTION_INVOCATION` tree: the call, its class and caller, its
//! result, its nested calls, and the events and L2→L1 messages it emitted itself, each with its
//! order in the transaction. An invocation's `execution_resources` are the gas of its call tree
//! (nested calls included) as blockifier prices computation: the Sierra gas it consumed plus
//! its Cairo steps and builtins at the versioned constants' prices (a call under a Cairo 0
//! account is metered in steps, even in a Cairo 1 class), in L2 gas for v3 transactions and in
//! L1 gas for older ones. The transaction's own gas (data availability, calldata, the OS's
//! overhead) is in the trace's `execution_resources`.

use blockifier::blockifier_versioned_constants::VersionedConstants;
use blockifier::execution::call_info::CallInfo;
use blockifier::execution::entry_point::CallType;
use blockifier::fee::fee_utils::get_extended_vm_resources_cost;
use blockifier::transaction::objects::TransactionExecutionInfo;
use chain::rpc::convert::state_diff_to_rpc;
use chain::rpc::types as wire;
use chain::{Receipt, StateDiff, Transaction};
use starknet_api::contract_class::EntryPointType;
use starknet_api::execution_resources::GasAmount;
use starknet_api::transaction::fields::GasVectorComputationMode;

/// The trace of an executed transaction; `state_diff` is what it changed.
pub(crate) fn transaction_trace(
    constants: &VersionedConstants,
    transaction: &Transaction,
    info: &TransactionExecutionInfo,
    receipt: &Receipt,
    state_diff: &StateDiff,
) -> wire::TransactionTrace {
    let pricing = Pricing {
        constants,
        mode: if transaction.version() == 3 {
            GasVectorComputationMode::All
        } else {
            GasVectorComputationMode::NoL2Gas
        },
    };
    let invocation = |call: &CallInfo| pricing.invocation(call);
    let validate_invocation = info.validate_call_info.as_ref().map(invocation);
    let fee_transfer_invocation = info.fee_transfer_call_info.as_ref().map(invocation);
    let state_diff = Some(state_diff_to_rpc(state_diff));
    let gas = &receipt.execution_resources;
    let execution_resources = wire::ExecutionResources {
        l1_gas: gas.l1_gas,
        l1_data_gas: gas.l1_data_gas,
        l2_gas: gas.l2_gas,
    };
    match transaction {
        Transaction::InvokeV1(_) | Transaction::InvokeV3(_) => {
            let execute_invocation = match (&info.revert_error, &info.execute_call_info) {
                (Some(error), _) => wire::ExecuteInvocation::Reverted(wire::RevertedInvocation {
                    revert_reason: error.to_string(),
                }),
                (None, Some(call)) => wire::ExecuteInvocation::Success(invocation(call)),
                // blockifier runs `__execute__` for every INVOKE it does not reject.
                (None, None) => wire::ExecuteInvocation::Reverted(wire::RevertedInvocation {
                    revert_reason: "no __execute__ call".to_owned(),
                }),
            };
            wire::TransactionTrace::Invoke(wire::InvokeTransactionTrace {
                validate_invocation,
                execute_invocation,
                fee_transfer_invocation,
                state_diff,
                execution_resources,
            })
        }
        Transaction::DeployAccountV1(_) | Transaction::DeployAccountV3(_) => {
            // blockifier keeps a DEPLOY_ACCOUNT's constructor call as its execute call.
            let class_hash = match transaction {
                Transaction::DeployAccountV1(deploy) => deploy.class_hash,
                Transaction::DeployAccountV3(deploy) => deploy.class_hash,
                _ => unreachable!("matched a DEPLOY_ACCOUNT"),
            };
            let constructor_invocation = info
                .execute_call_info
                .as_ref()
                .map(invocation)
                .unwrap_or_else(|| no_constructor(transaction.sender_address(), class_hash));
            wire::TransactionTrace::DeployAccount(wire::DeployAccountTransactionTrace {
                validate_invocation,
                constructor_invocation,
                fee_transfer_invocation,
                state_diff,
                execution_resources,
            })
        }
        Transaction::DeclareV1(_) | Transaction::DeclareV2(_) | Transaction::DeclareV3(_) => {
            wire::TransactionTrace::Declare(wire::DeclareTransactionTrace {
                validate_invocation,
                fee_transfer_invocation,
                state_diff,
                execution_resources,
            })
        }
    }
}

/// How invocations' gas is priced: the block's versioned constants and the transaction's gas
/// mode.
struct Pricing<'a> {
    constants: &'a VersionedConstants,
    mode: GasVectorComputationMode,
}

impl Pricing<'_> {
    /// One call and its nested calls.
    fn invocation(&self, info: &CallInfo) -> wire::FunctionInvocation {
        let call = &info.call;
        let execution = &info.execution;
        let contract_address = *call.storage_address.0.key();
        wire::FunctionInvocation {
            contract_address,
            entry_point_selector: call.entry_point_selector.0,
            calldata: call.calldata.0.to_vec(),
            caller_address: *call.caller_address.0.key(),
            class_hash: call.class_hash.map_or(chain::Felt::ZERO, |hash| hash.0),
            entry_point_type: entry_point_type(call.entry_point_type),
            call_type: match call.call_type {
                CallType::Call => wire::CallType::Call,
                CallType::Delegate => wire::CallType::LibraryCall,
            },
            result: execution.retdata.0.clone(),
            calls: info.inner_calls.iter().map(|inner| self.invocation(inner)).collect(),
            events: execution
                .events
                .iter()
                .map(|event| wire::OrderedEvent {
                    order: event.order as u64,
                    keys: event.event.keys.iter().map(|key| key.0).collect(),
                    data: event.event.data.0.clone(),
                })
                .collect(),
            messages: execution
                .l2_to_l1_messages
                .iter()
                .map(|message| wire::OrderedMessage {
                    order: message.order as u64,
                    from_address: contract_address,
                    to_address: message.message.to_address.0,
                    payload: message.message.payload.0.clone(),
                })
                .collect(),
            execution_resources: self.gas(info),
            is_reverted: execution.failed,
        }
    }

    /// The gas of a call tree: its Sierra gas and its Cairo resources, priced.
    fn gas(&self, info: &CallInfo) -> wire::InnerCallExecutionResources {
        let cairo = get_extended_vm_resources_cost(self.constants, &info.resources, 0, &self.mode);
        let sierra = GasAmount(info.execution.gas_consumed);
        let (l1_gas, l2_gas) = match self.mode {
            GasVectorComputationMode::All => (cairo.l1_gas.0, cairo.l2_gas.0 + sierra.0),
            GasVectorComputationMode::NoL2Gas => {
                let sierra_in_l1 = self.constants.sierra_gas_to_l1_gas_amount_round_up(sierra);
                (cairo.l1_gas.0 + sierra_in_l1.0, cairo.l2_gas.0)
            }
        };
        wire::InnerCallExecutionResources { l1_gas, l2_gas }
    }
}

fn entry_point_type(kind: EntryPointType) -> wire::EntryPointType {
    match kind {
        EntryPointType::Constructor => wire::EntryPointType::Constructor,
        EntryPointType::External => wire::EntryPointType::External,
        EntryPointType::L1Handler => wire::EntryPointType::L1Handler,
    }
}

/// A DEPLOY_ACCOUNT of a class without a constructor runs none: an empty constructor
/// invocation at the new address stands for it, as the spec requires one.
fn no_constructor(
    contract_address: chain::Felt,
    class_hash: chain::Felt,
) -> wire::FunctionInvocation {
    wire::FunctionInvocation {
        contract_address,
        entry_point_selector: crate::transaction::CONSTRUCTOR_SELECTOR,
        calldata: Vec::new(),
        caller_address: chain::Felt::ZERO,
        class_hash,
        entry_point_type: wire::EntryPointType::Constructor,
        call_type: wire::CallType::Call,
        result: Vec::new(),
        calls: Vec::new(),
        events: Vec::new(),
        messages: Vec::new(),
        execution_resources: wire::InnerCallExecutionResources { l1_gas: 0, l2_gas: 0 },
        is_reverted: false,
    }
}
