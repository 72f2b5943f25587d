//! Starknet's deprecated (Cairo 0) syscalls, served as hints.
//!
//! Cairo 0 contracts call a syscall by writing a request struct at `syscall_ptr` and running a
//! hint `syscall_handler.<name>(segments=segments, syscall_ptr=ids.syscall_ptr)`, which must write
//! the response right after the request. `SyscallHintProcessor` matches those exact hint
//! strings and hands every other hint to cairo-vm's [`BuiltinHintProcessor`] (the common library:
//! `alloc`, `memcpy`, math, `verify_ecdsa_signature`, ...). It is a wrapper rather than a set of
//! `add_hint` closures because a syscall needs the transaction's state overlay, which those
//! `'static` closures cannot borrow.
//!
//! Layouts (`starkware/starknet/common/syscalls.cairo`; selectors are short strings):
//! `StorageRead [selector, address | value]`, `StorageWrite [selector, address, value]`,
//! `CallContract` / `LibraryCall [selector, address_or_class, function_selector, calldata_size,
//! calldata | retdata_size, retdata]`, `EmitEvent [selector, keys_len, keys, data_len, data]`,
//! `SendMessageToL1 [selector, to_address, payload_size, payload]`, `Deploy [selector,
//! class_hash, salt, calldata_size, calldata, deploy_from_zero | address, retdata_size,
//! retdata]`, `GetTxInfo [selector |
//! tx_info*]`, `GetTxSignature [selector | signature_len, signature]`, and `[selector | value]` for
//! the caller, contract and sequencer addresses, the block number and the block timestamp.
//!
//! The processor also counts steps against the transaction's budget ([`ResourceTracker`]).

use std::any::Any;

use cairo_vm::hint_processor::builtin_hint_processor::builtin_hint_processor_definition::{
    BuiltinHintProcessor, HintProcessorData,
};
use cairo_vm::hint_processor::builtin_hint_processor::hint_utils::get_ptr_from_var_name;
use cairo_vm::hint_processor::hint_processor_definition::HintProcessorLogic;
use cairo_vm::types::exec_scope::ExecutionScopes;
use cairo_vm::types::relocatable::{MaybeRelocatable, Relocatable};
use cairo_vm::vm::errors::hint_errors::HintError;
use cairo_vm::vm::runners::cairo_runner::ResourceTracker;
use cairo_vm::vm::vm_core::VirtualMachine;
use chain::{Event, Felt, MessageToL1, short_string};

use crate::call::{CallError, CallFrame, TxRun, execute_call};
use crate::class::EntryPointType;
use crate::syscall_table::Syscall;

/// Most keys one event may have (Starknet's limit).
const MAX_EVENT_KEYS: usize = 50;
/// Most data felts one event may have (Starknet's limit).
const MAX_EVENT_DATA: usize = 300;
/// Most events one transaction may emit (Starknet's limit).
const MAX_EVENTS: usize = 1_000;
/// Most felts of calldata, return data or payload a syscall may pass (hostile sizes must not
/// make the executor allocate without bound).
const MAX_ARRAY_LEN: usize = 1 << 20;

/// The hint processor of one entry-point run.
pub(crate) struct SyscallHintProcessor<'r, 'o, 'a> {
    builtin: BuiltinHintProcessor,
    run: &'r mut TxRun<'o, 'a>,
    call: &'r CallFrame,
    /// Where the next syscall request must start.
    syscall_ptr: Relocatable,
    /// The `TxInfo` struct, written on the first `get_tx_info` of this run.
    tx_info_ptr: Option<Relocatable>,
}

impl<'r, 'o, 'a> SyscallHintProcessor<'r, 'o, 'a> {
    pub(crate) fn new(
        run: &'r mut TxRun<'o, 'a>,
        call: &'r CallFrame,
        syscall_ptr: Relocatable,
    ) -> Self {
        SyscallHintProcessor {
            builtin: BuiltinHintProcessor::new_empty(),
            run,
            call,
            syscall_ptr,
            tx_info_ptr: None,
        }
    }

    /// The syscall pointer after the last syscall served.
    pub(crate) fn syscall_ptr(&self) -> Relocatable {
        self.syscall_ptr
    }

    fn serve(
        &mut self,
        syscall: Syscall,
        vm: &mut VirtualMachine,
        hint: &HintProcessorData,
    ) -> Result<(), HintError> {
        let ptr = get_ptr_from_var_name("syscall_ptr", vm, &hint.ids_data, &hint.ap_tracking)?;
        if ptr != self.syscall_ptr {
            return Err(custom(format!("bad syscall_ptr {ptr}, expected {}", self.syscall_ptr)));
        }
        let (selector, size) = syscall.selector_and_size();
        let found = felt_at(vm, ptr)?;
        if found != short_string::encode_const(selector) {
            return Err(custom(format!("bad syscall selector {found:#x}, expected '{selector}'")));
        }
        let at = |offset: usize| (ptr + offset).map_err(HintError::from);
        match syscall {
            Syscall::StorageRead => {
                let key = storage_key(felt_at(vm, at(1)?)?)?;
                let value = self.state(|state, address| state.storage_at(address, key))?;
                vm.insert_value(at(2)?, value)?;
                if let Some(trace) = self.run.call_stack.last_mut() {
                    trace.storage_read_values.push(value);
                }
            }
            Syscall::StorageWrite => {
                let key = storage_key(felt_at(vm, at(1)?)?)?;
                let value = felt_at(vm, at(2)?)?;
                let address = self.call.contract_address;
                self.run.state.set_storage(address, key, value);
            }
            Syscall::CallContract | Syscall::LibraryCall => {
                let target = felt_at(vm, at(1)?)?;
                let selector = felt_at(vm, at(2)?)?;
                let calldata = array_at(vm, at(3)?, at(4)?)?;
                let frame = if syscall == Syscall::CallContract {
                    let class_hash = self.state(|state, _| state.class_hash_at(target))?;
                    if class_hash == Felt::ZERO {
                        return Err(custom(format!("no contract is deployed at {target:#x}")));
                    }
                    CallFrame {
                        contract_address: target,
                        class_hash,
                        selector,
                        kind: EntryPointType::External,
                        calldata,
                        caller_address: self.call.contract_address,
                    }
                } else {
                    CallFrame { class_hash: target, selector, calldata, ..self.call.clone() }
                };
                let retdata = self.nested_call(&frame)?;
                let retdata_ptr = write_segment(vm, &retdata)?;
                vm.insert_value(at(5)?, Felt::from(retdata.len()))?;
                vm.insert_value(at(6)?, retdata_ptr)?;
            }
            Syscall::GetCallerAddress => vm.insert_value(at(1)?, self.call.caller_address)?,
            Syscall::GetContractAddress => vm.insert_value(at(1)?, self.call.contract_address)?,
            Syscall::GetSequencerAddress => {
                vm.insert_value(at(1)?, self.run.block.sequencer_address)?
            }
            Syscall::GetBlockNumber => {
                vm.insert_value(at(1)?, Felt::from(self.run.block.block_number))?
            }
            Syscall::GetBlockTimestamp => {
                vm.insert_value(at(1)?, Felt::from(self.run.block.timestamp))?
            }
            Syscall::GetTxInfo => {
                let tx_info_ptr = self.tx_info(vm)?;
                vm.insert_value(at(1)?, tx_info_ptr)?;
            }
            Syscall::GetTxSignature => {
                let signature = &self.run.tx_info.signature;
                let signature_ptr = write_segment(vm, signature)?;
                vm.insert_value(at(1)?, Felt::from(signature.len()))?;
                vm.insert_value(at(2)?, signature_ptr)?;
            }
            Syscall::EmitEvent => {
                let keys = array_at(vm, at(1)?, at(2)?)?;
                let data = array_at(vm, at(3)?, at(4)?)?;
                if keys.len() > MAX_EVENT_KEYS || data.len() > MAX_EVENT_DATA {
                    return Err(custom(format!(
                        "event too large: {} keys (max {MAX_EVENT_KEYS}), {} data (max {MAX_EVENT_DATA})",
                        keys.len(),
                        data.len()
                    )));
                }
                if self.run.events.len() >= MAX_EVENTS {
                    return Err(custom(format!("more than {MAX_EVENTS} events")));
                }
                self.run.events.push(Event {
                    from_address: self.call.contract_address,
                    keys,
                    data,
                });
            }
            Syscall::Deploy => {
                let class_hash = felt_at(vm, at(1)?)?;
                let salt = felt_at(vm, at(2)?)?;
                let calldata = array_at(vm, at(3)?, at(4)?)?;
                let deployer = match felt_at(vm, at(5)?)? {
                    zero if zero == Felt::ZERO => self.call.contract_address,
                    one if one == Felt::ONE => Felt::ZERO,
                    other => {
                        return Err(custom(format!(
                            "deploy_from_zero must be 0 or 1, not {other:#x}"
                        )));
                    }
                };
                let address =
                    chain::calculate_contract_address(salt, class_hash, &calldata, deployer);
                let retdata = self.deploy(class_hash, address, calldata)?;
                let retdata_ptr = write_segment(vm, &retdata)?;
                vm.insert_value(at(6)?, address)?;
                vm.insert_value(at(7)?, Felt::from(retdata.len()))?;
                vm.insert_value(at(8)?, retdata_ptr)?;
            }
            Syscall::SendMessageToL1 => {
                let to_address = felt_at(vm, at(1)?)?;
                let payload = array_at(vm, at(2)?, at(3)?)?;
                let from_address = self.call.contract_address;
                self.run.messages.push(MessageToL1 { from_address, to_address, payload });
            }
        }
        self.syscall_ptr = at(size)?;
        Ok(())
    }

    /// Runs a state access: an error that is the contract's fault (say, an undeclared class)
    /// fails the call; any other (a state read failed) aborts the transaction.
    fn state<T>(
        &mut self,
        access: impl FnOnce(
            &mut crate::overlay::StateOverlay<'a>,
            Felt,
        ) -> Result<T, crate::ExecutorError>,
    ) -> Result<T, HintError> {
        match access(self.run.state, self.call.contract_address) {
            Ok(value) => Ok(value),
            Err(error) if error.is_rejection() => Err(custom(error.to_string())),
            Err(error) => {
                self.run.fatal = Some(error);
                Err(custom("executor failure".into()))
            }
        }
    }

    /// Runs a nested call and returns its return data.
    fn nested_call(&mut self, frame: &CallFrame) -> Result<Vec<Felt>, HintError> {
        match execute_call(self.run, frame) {
            Ok(retdata) => Ok(retdata),
            Err(CallError::Cairo(reason)) => Err(custom(reason)),
            Err(CallError::Fatal(error)) => {
                self.run.fatal = Some(error);
                Err(custom("executor failure".into()))
            }
        }
    }

    /// The `deploy` syscall: sets the class of `address` and runs its constructor with this
    /// contract as caller. Returns the constructor's return data.
    fn deploy(
        &mut self,
        class_hash: Felt,
        address: Felt,
        calldata: Vec<Felt>,
    ) -> Result<Vec<Felt>, HintError> {
        if self.state(|state, _| state.class_hash_at(address))? != Felt::ZERO {
            return Err(custom(format!("a contract is already deployed at {address:#x}")));
        }
        let class = self.state(|state, _| state.class(class_hash))?;
        self.run.state.set_class_hash(address, class_hash);
        if !class.has_constructor() {
            if !calldata.is_empty() {
                return Err(custom(format!(
                    "class {class_hash:#x} has no constructor but calldata was given"
                )));
            }
            return Ok(Vec::new());
        }
        let frame = CallFrame {
            contract_address: address,
            class_hash,
            selector: crate::transaction::CONSTRUCTOR_SELECTOR,
            kind: EntryPointType::Constructor,
            calldata,
            caller_address: self.call.contract_address,
        };
        self.nested_call(&frame)
    }

    fn tx_info(&mut self, vm: &mut VirtualMachine) -> Result<Relocatable, HintError> {
        if let Some(ptr) = self.tx_info_ptr {
            return Ok(ptr);
        }
        let info = self.run.tx_info;
        let signature_ptr = write_segment(vm, &info.signature)?;
        let fields: Vec<MaybeRelocatable> = vec![
            info.version.into(),
            info.account_contract_address.into(),
            info.max_fee.into(),
            Felt::from(info.signature.len()).into(),
            signature_ptr.into(),
            info.transaction_hash.into(),
            info.chain_id.into(),
            info.nonce.into(),
        ];
        let ptr = vm.add_memory_segment();
        vm.load_data(ptr, &fields)?;
        self.tx_info_ptr = Some(ptr);
        Ok(ptr)
    }
}

impl HintProcessorLogic for SyscallHintProcessor<'_, '_, '_> {
    fn execute_hint(
        &mut self,
        vm: &mut VirtualMachine,
        exec_scopes: &mut ExecutionScopes,
        hint_data: &Box<dyn Any>,
    ) -> Result<(), HintError> {
        let hint = hint_data.downcast_ref::<HintProcessorData>().ok_or(HintError::WrongHintData)?;
        match Syscall::from_hint(&hint.code) {
            Some(syscall) => self.serve(syscall, vm, hint),
            None => self.builtin.execute_hint(vm, exec_scopes, hint_data),
        }
    }
}

impl ResourceTracker for SyscallHintProcessor<'_, '_, '_> {
    fn consumed(&self) -> bool {
        self.run.remaining_steps == 0
    }

    fn consume_step(&mut self) {
        self.run.remaining_steps = self.run.remaining_steps.saturating_sub(1);
    }

    fn get_n_steps(&self) -> Option<usize> {
        Some(self.run.remaining_steps)
    }
}

fn custom(message: String) -> HintError {
    HintError::CustomHint(message.into_boxed_str())
}

fn felt_at(vm: &VirtualMachine, address: Relocatable) -> Result<Felt, HintError> {
    Ok(*vm.get_integer(address)?)
}

/// Storage keys are below `2^251` (the trie's height); cairo-lang's `storage_read` refuses others.
fn storage_key(key: Felt) -> Result<Felt, HintError> {
    if key.bits() > 251 {
        return Err(custom(format!("storage key {key:#x} is out of range (at least 2^251)")));
    }
    Ok(key)
}

/// Reads a `(len, ptr)` array whose length is at `len_at` and pointer at `ptr_at`.
fn array_at(
    vm: &VirtualMachine,
    len_at: Relocatable,
    ptr_at: Relocatable,
) -> Result<Vec<Felt>, HintError> {
    let len = felt_at(vm, len_at)?;
    let len = usize::try_from(len)
        .ok()
        .filter(|len| *len <= MAX_ARRAY_LEN)
        .ok_or_else(|| custom(format!("array length {len:#x} is out of range")))?;
    let ptr = vm.get_relocatable(ptr_at)?;
    Ok(vm.get_integer_range(ptr, len)?.into_iter().map(|value| *value).collect())
}

/// Writes `values` to a new segment and returns its start.
fn write_segment(vm: &mut VirtualMachine, values: &[Felt]) -> Result<Relocatable, HintError> {
    let ptr = vm.add_memory_segment();
    let values: Vec<MaybeRelocatable> = values.iter().map(MaybeRelocatable::from).collect();
    vm.load_data(ptr, &values)?;
    Ok(ptr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_keys_must_fit_the_trie() {
        assert!(storage_key(Felt::TWO.pow(251u32) - Felt::ONE).is_ok());
        assert!(storage_key(Felt::TWO.pow(251u32)).is_err());
        assert!(storage_key(Felt::ZERO - Felt::ONE).is_err());
    }
}
