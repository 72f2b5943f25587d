//! The OS's hint processor: serves the OS program's own hints (`os_*`: the block, the
//! transactions, the classes and the state dicts), the deprecated `syscall_handler.*` hints of
//! the contracts the OS runs, and hands every other hint (common library, state update) to
//! cairo-vm's [`BuiltinHintProcessor`].
//!
//! Contract code is loaded at run time into its own segment, so its hints are registered at run
//! time too: the `os_load_block` hint compiles every class's hints and returns them as a
//! [`HintExtension`] keyed by their address in the loaded bytecode (cairo-vm's
//! `extensive_hints`).
//!
//! CASM (Cairo 1) classes are loaded the same way (`os_load_compiled_classes`): their hints are
//! `cairo_lang_casm` [`Hint`]s at their bytecode's addresses; core hints run with
//! cairo-lang-runner's `execute_core_hint_base`, the `SystemCall` hint is served here
//! ([`crate::cairo1`]).
//!
//! Syscall responses come from the executor's run of the same block ([`CallTrace`]s): the OS
//! checks every one of them in Cairo after the entry point returns, so a wrong response fails
//! the run, it never changes what is proven. The OS runs a call's contract code to the end
//! before it replays the call's syscalls (and runs the nested calls among them), so the traces
//! are followed as a stack: a call is entered (`os_enter_call`) when its code starts, and left
//! (`os_end_call`) once its syscalls have been replayed.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use cairo_lang_casm::hints::{Hint, StarknetHint};
use cairo_lang_runner::casm_run::{execute_core_hint_base, extract_relocatable};
use cairo_vm::hint_processor::builtin_hint_processor::builtin_hint_processor_definition::{
    BuiltinHintProcessor, HintProcessorData,
};
use cairo_vm::hint_processor::builtin_hint_processor::dict_manager::DictManager;
use cairo_vm::hint_processor::builtin_hint_processor::hint_utils::{
    get_integer_from_var_name, get_ptr_from_var_name, insert_value_from_var_name,
};
use cairo_vm::hint_processor::hint_processor_definition::{HintExtension, HintProcessorLogic};
use cairo_vm::types::exec_scope::ExecutionScopes;
use cairo_vm::types::program::Program;
use cairo_vm::types::relocatable::{MaybeRelocatable, Relocatable};
use cairo_vm::vm::errors::hint_errors::HintError;
use cairo_vm::vm::runners::cairo_runner::ResourceTracker;
use cairo_vm::vm::vm_core::VirtualMachine;
use chain::Felt;
use executor::CallTrace;

use crate::cairo1::{
    CasmClassInput, SyscallAnswer, syscall_name, unsupported, write_syscall_response,
};
use crate::input::OsInput;

/// A class as the OS loads it.
#[derive(Clone)]
pub struct ClassInput {
    /// The class hash (deprecated, Pedersen), which the OS computes over the preimage.
    pub class_hash: Felt,
    /// `executor::DeprecatedClass::os_preimage`.
    pub preimage: Vec<Felt>,
    /// Where the bytecode starts in the preimage.
    pub bytecode_start: usize,
    /// Selectors of the external entry points, in the preimage's order.
    pub external_selectors: Vec<Felt>,
    /// Selectors of the constructor entry points (at most one), in the preimage's order.
    pub constructor_selectors: Vec<Felt>,
    /// The class's program, for its hints.
    pub program: Program,
}

impl std::fmt::Debug for ClassInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClassInput")
            .field("class_hash", &self.class_hash)
            .field("preimage_len", &self.preimage.len())
            .finish()
    }
}

/// A call whose code is running or whose syscalls the OS is replaying.
struct ActiveCall {
    trace: CallTrace,
    /// The `TxInfo*` the OS built for the transaction (the `get_tx_info` response).
    tx_info: Relocatable,
    /// The context's `call_block_info` ([block number, timestamp, sequencer address], rounded in
    /// validate mode): `get_block_number` and `get_block_timestamp` answer from it.
    call_block_info: Relocatable,
    /// Storage reads answered so far.
    reads_answered: usize,
    /// `get_block_hash` calls answered so far.
    block_hashes_answered: usize,
    /// `get_class_hash_at` calls answered so far.
    class_hashes_answered: usize,
    /// Nested calls answered so far (while the code runs).
    calls_answered: usize,
    /// Nested calls entered so far (while the OS replays the syscalls).
    calls_entered: usize,
    /// A Cairo 1 call's ExecutionInfo, built by the OS (the `get_execution_info` response).
    execution_info: Option<Relocatable>,
}

impl ActiveCall {
    /// The next nested call (`what`: a call, library call or deployment) the executor recorded,
    /// answered now: its consumed gas, its address and its return data, written to a segment.
    fn answer_inner_call(
        &mut self,
        vm: &mut VirtualMachine,
        what: &str,
    ) -> Result<(u64, Felt, (Relocatable, Relocatable)), HintError> {
        let inner = self
            .trace
            .inner_calls
            .get(self.calls_answered)
            .ok_or_else(|| custom(format!("more {what} in the OS than in the executor")))?;
        let start = write_segment(vm, &inner.retdata)?;
        let answer =
            (inner.gas_consumed, inner.contract_address, (start, (start + inner.retdata.len())?));
        self.calls_answered += 1;
        Ok(answer)
    }
}

/// The hint processor of one OS run.
pub(crate) struct OsHintProcessor {
    builtin: BuiltinHintProcessor,
    input: OsInput,
    classes: Vec<ClassInput>,
    /// The CASM classes of the Sierra classes the block runs.
    compiled_classes: Vec<CasmClassInput>,
    /// Index of the next transaction to load.
    next_transaction: usize,
    /// Index of the transaction being executed.
    current_transaction: Option<usize>,
    /// Top-level calls of the current transaction entered so far.
    next_top_level_call: usize,
    /// The calls in progress, outermost first.
    calls: Vec<ActiveCall>,
    /// What a Cairo 1 entry point used that the OS does not serve yet (the run then fails):
    /// the block is not provable yet rather than wrong.
    pub(crate) unsupported: Option<String>,
}

impl OsHintProcessor {
    pub(crate) fn new(
        builtin: BuiltinHintProcessor,
        input: OsInput,
        classes: Vec<ClassInput>,
        compiled_classes: Vec<CasmClassInput>,
    ) -> Self {
        OsHintProcessor {
            builtin,
            input,
            classes,
            compiled_classes,
            next_transaction: 0,
            current_transaction: None,
            next_top_level_call: 0,
            calls: Vec::new(),
            unsupported: None,
        }
    }

    fn os_hint(
        &mut self,
        code: &str,
        vm: &mut VirtualMachine,
        exec_scopes: &mut ExecutionScopes,
        hint: &HintProcessorData,
    ) -> Option<Result<HintExtension, HintError>> {
        let result = match code {
            "os_load_block" => self.load_block(vm, exec_scopes, hint),
            "os_load_transaction" => self.load_transaction(vm, hint).map(|()| HintExtension::new()),
            "os_cairo1_tx_fields" => self.cairo1_tx_fields(vm, hint).map(|()| HintExtension::new()),
            "os_load_compiled_classes" => self.load_compiled_classes(vm, exec_scopes, hint),
            "os_find_class" => self.find_class(vm, hint).map(|()| HintExtension::new()),
            "os_is_compiled_class" => {
                self.is_compiled_class(vm, hint).map(|()| HintExtension::new())
            }
            "os_class_sierra_gas_mode" => {
                self.class_sierra_gas_mode(vm, hint).map(|()| HintExtension::new())
            }
            "os_find_compiled_class" => {
                self.find_compiled_class(vm, hint).map(|()| HintExtension::new())
            }
            "os_find_entry_point" => self.find_entry_point(vm, hint).map(|()| HintExtension::new()),
            "os_enter_call" => self.enter_call(vm, hint).map(|()| HintExtension::new()),
            "os_exit_call" => self.exit_call().map(|()| HintExtension::new()),
            "os_end_call" => self.end_call().map(|()| HintExtension::new()),
            "os_skip_empty_constructor" => {
                self.skip_empty_constructor(vm, hint).map(|()| HintExtension::new())
            }
            _ => return None,
        };
        Some(result)
    }

    /// Writes the block info, the classes (and registers their hints) and the state dicts.
    fn load_block(
        &mut self,
        vm: &mut VirtualMachine,
        exec_scopes: &mut ExecutionScopes,
        hint: &HintProcessorData,
    ) -> Result<HintExtension, HintError> {
        let ids = |name: &str, value: MaybeRelocatable, vm: &mut VirtualMachine| {
            insert_value_from_var_name(name, value, vm, &hint.ids_data, &hint.ap_tracking)
        };
        let block_info = write_segment(vm, &self.input.block_info)?;
        ids("block_info", block_info.into(), vm)?;
        ids("n_transactions", Felt::from(self.input.transactions.len()).into(), vm)?;

        let mut extension = HintExtension::new();
        let mut data_ptrs = Vec::with_capacity(self.classes.len());
        let mut lengths = Vec::with_capacity(self.classes.len());
        for class in &self.classes {
            let data = write_segment(vm, &class.preimage)?;
            let bytecode = (data + class.bytecode_start)?;
            let program = &class.program;
            let collection = &program.shared_program_data.hints_collection;
            let references = &program.shared_program_data.reference_manager;
            for (pc, (start, length)) in &collection.hints_ranges {
                let mut compiled = Vec::with_capacity(length.get());
                for params in &collection.hints[*start..*start + length.get()] {
                    let data = self
                        .compile_hint(
                            &params.code,
                            &params.flow_tracking_data.ap_tracking,
                            &params.flow_tracking_data.reference_ids,
                            references,
                            &params.accessible_scopes,
                            program.constants.clone(),
                        )
                        .map_err(|e| custom(format!("class hint: {e}")))?;
                    compiled.push(data);
                }
                extension.insert((bytecode + pc.offset)?, compiled);
            }
            data_ptrs.push(MaybeRelocatable::from(data));
            lengths.push(MaybeRelocatable::from(Felt::from(class.preimage.len())));
        }
        let datas = vm.add_memory_segment();
        vm.load_data(datas, &data_ptrs)?;
        let lengths_ptr = vm.add_memory_segment();
        vm.load_data(lengths_ptr, &lengths)?;
        ids("n_classes", Felt::from(self.classes.len()).into(), vm)?;
        ids("class_datas", datas.into(), vm)?;
        ids("class_lengths", lengths_ptr.into(), vm)?;

        // The state dicts, holding the pre-block values of everything the block touches (what
        // the OS "guesses" and state_update checks against the previous root).
        let manager = Rc::new(RefCell::new(DictManager::new()));
        let mut contracts = HashMap::new();
        for (address, pre) in &self.input.pre_contracts {
            let storage: HashMap<MaybeRelocatable, MaybeRelocatable> =
                pre.storage.iter().map(|(k, v)| (k.into(), v.into())).collect();
            let storage_ptr = manager.borrow_mut().new_dict(vm, storage)?;
            let entry = vm.add_memory_segment();
            vm.load_data(entry, &[pre.class_hash.into(), storage_ptr, pre.nonce.into()])?;
            contracts.insert(MaybeRelocatable::from(address), MaybeRelocatable::from(entry));
        }
        let contract_changes = manager.borrow_mut().new_dict(vm, contracts)?;
        // The Cairo 0 classes the block declares: none yet (state_update checks that every
        // entry starts at 0).
        let deprecated_declared =
            manager.borrow_mut().new_default_dict(vm, &Felt::ZERO.into(), None)?;
        exec_scopes.insert_value("dict_manager", manager);
        ids("contract_changes_start", contract_changes, vm)?;
        ids("deprecated_declared_start", deprecated_declared, vm)?;
        Ok(extension)
    }

    /// Writes the CASM classes (`CompiledClass`), registers their Cairo 1 hints at their
    /// bytecode's addresses, and creates the `class_changes` dict holding the pre-block
    /// compiled class hash of every class hash the block reads (what state_update checks
    /// against the previous classes root).
    fn load_compiled_classes(
        &mut self,
        vm: &mut VirtualMachine,
        exec_scopes: &mut ExecutionScopes,
        hint: &HintProcessorData,
    ) -> Result<HintExtension, HintError> {
        let ids = |name: &str, value: MaybeRelocatable, vm: &mut VirtualMachine| {
            insert_value_from_var_name(name, value, vm, &hint.ids_data, &hint.ap_tracking)
        };
        let mut extension = HintExtension::new();
        let mut class_ptrs = Vec::with_capacity(self.compiled_classes.len());
        let mut class_hashes = Vec::with_capacity(self.compiled_classes.len());
        for class in &self.compiled_classes {
            let address = class.class.write(vm)?;
            // `CompiledClass.bytecode_ptr` is its ninth field.
            let bytecode = vm.get_relocatable((address + 8)?)?;
            for (offset, hints) in &class.hints {
                let compiled: Vec<Box<dyn Any>> =
                    hints.iter().map(|hint| Box::new(hint.clone()) as Box<dyn Any>).collect();
                extension.insert((bytecode + *offset)?, compiled);
            }
            class_ptrs.push(MaybeRelocatable::from(address));
            class_hashes.push(class.class_hash);
        }
        let ptrs = vm.add_memory_segment();
        vm.load_data(ptrs, &class_ptrs)?;
        let hashes = write_segment(vm, &class_hashes)?;
        let pre_classes: HashMap<MaybeRelocatable, MaybeRelocatable> =
            self.input.pre_classes.iter().map(|(k, v)| (k.into(), v.into())).collect();
        let manager = exec_scopes.get_dict_manager()?;
        let class_changes = manager.borrow_mut().new_dict(vm, pre_classes)?;
        ids("n_compiled_classes", Felt::from(self.compiled_classes.len()).into(), vm)?;
        ids("compiled_class_hashes", hashes.into(), vm)?;
        ids("compiled_class_ptrs", ptrs.into(), vm)?;
        ids("class_changes_start", class_changes, vm)?;
        Ok(extension)
    }

    /// Whether `ids.class_hash` is a Sierra class (its CASM is loaded).
    fn is_compiled_class(
        &mut self,
        vm: &mut VirtualMachine,
        hint: &HintProcessorData,
    ) -> Result<(), HintError> {
        let compiled = &self.compiled_classes;
        write_class_flag(vm, hint, "is_compiled_class", |class_hash| {
            compiled.iter().any(|class| class.class_hash == class_hash)
        })
    }

    /// Whether the Sierra class `ids.class_hash` runs in Sierra-gas mode (1) or, compiled before
    /// Sierra 1.7.0, in Cairo-steps mode (0): [`OsInput::cairo_steps_classes`].
    fn class_sierra_gas_mode(
        &mut self,
        vm: &mut VirtualMachine,
        hint: &HintProcessorData,
    ) -> Result<(), HintError> {
        let cairo_steps = &self.input.cairo_steps_classes;
        write_class_flag(vm, hint, "class_sierra_gas_mode", |class_hash| {
            !cairo_steps.contains(&class_hash)
        })
    }

    /// The index of the CASM class of `ids.class_hash`.
    fn find_compiled_class(
        &mut self,
        vm: &mut VirtualMachine,
        hint: &HintProcessorData,
    ) -> Result<(), HintError> {
        let hashes = self.compiled_classes.iter().map(|class| class.class_hash);
        write_class_index(vm, hint, hashes, |class_hash| {
            format!("no CASM of class {class_hash:#x} is loaded")
        })
    }

    /// A Cairo 1 hint of a CASM class: core hints by cairo-lang-runner, `SystemCall` from the
    /// executor's trace of the running call.
    fn cairo1_hint(
        &mut self,
        vm: &mut VirtualMachine,
        exec_scopes: &mut ExecutionScopes,
        hint: &Hint,
    ) -> Result<(), HintError> {
        match hint {
            // Plain segments, not temporary ones (as blockifier: no relocation rules needed).
            Hint::Core(core) => execute_core_hint_base(vm, exec_scopes, core, true),
            Hint::Starknet(StarknetHint::SystemCall { system }) => {
                let ptr = extract_relocatable(vm, system)?;
                self.cairo1_syscall(vm, ptr)
            }
            other => {
                let what = format!("the Cairo 1 hint {other:?}");
                self.unsupported = Some(what.clone());
                Err(custom(format!("the OS does not serve {what} yet")))
            }
        }
    }

    /// The response of the Cairo 1 syscall at `ptr`.
    fn cairo1_syscall(
        &mut self,
        vm: &mut VirtualMachine,
        ptr: Relocatable,
    ) -> Result<(), HintError> {
        let name = syscall_name(vm, ptr)?;
        let call = self.calls.last_mut().ok_or_else(|| custom("syscall outside a call"))?;
        match name.as_str() {
            "StorageRead" => {
                let values = &call.trace.storage_read_values;
                let value = next_answer(values, &mut call.reads_answered, "storage reads")?;
                write_syscall_response(vm, ptr, &name, 4, SyscallAnswer::Value(value))
            }
            "GetBlockHash" => {
                let values = &call.trace.block_hash_read_values;
                let value =
                    next_answer(values, &mut call.block_hashes_answered, "get_block_hash calls")?;
                write_syscall_response(vm, ptr, &name, 3, SyscallAnswer::Value(value))
            }
            "GetClassHashAt" => {
                let values = &call.trace.class_hash_read_values;
                let answered = &mut call.class_hashes_answered;
                let value = next_answer(values, answered, "get_class_hash_at calls")?;
                write_syscall_response(vm, ptr, &name, 3, SyscallAnswer::Value(value))
            }
            "Keccak" => {
                // [selector, gas, input_start, input_end]
                let start = vm.get_relocatable((ptr + 2)?)?;
                let end = vm.get_relocatable((ptr + 3)?)?;
                let words = vm
                    .get_integer_range(start, (end - start)?)?
                    .iter()
                    .map(|word| u64::try_from(*word.as_ref()).ok())
                    .collect::<Option<Vec<u64>>>()
                    .ok_or_else(|| custom("a keccak input word is not 64 bits"))?;
                let (rounds, hash) = crate::cairo1::keccak_syscall(&words)
                    .ok_or_else(|| custom("a keccak input is not whole 17-word blocks"))?;
                write_syscall_response(vm, ptr, &name, 4, SyscallAnswer::Keccak { rounds, hash })
            }
            "Sha256ProcessBlock" => {
                // [selector, gas, state_ptr, input_start]: the new state in a segment of its own.
                let words = |vm: &VirtualMachine, start: Relocatable, n: usize| {
                    vm.get_integer_range(start, n)?
                        .iter()
                        .map(|word| u32::try_from(*word.as_ref()).ok())
                        .collect::<Option<Vec<u32>>>()
                        .ok_or_else(|| custom("a sha256 word is not 32 bits"))
                };
                let state = words(vm, vm.get_relocatable((ptr + 2)?)?, 8)?;
                let block = words(vm, vm.get_relocatable((ptr + 3)?)?, 16)?;
                let new_state = crate::cairo1::sha256_compress(
                    state.try_into().expect("8 words"),
                    &block.try_into().expect("16 words"),
                );
                let new_state: Vec<Felt> = new_state.iter().map(|&word| Felt::from(word)).collect();
                let segment = write_segment(vm, &new_state)?;
                write_syscall_response(vm, ptr, &name, 4, SyscallAnswer::Pointer(segment))
            }
            "StorageWrite" => write_syscall_response(vm, ptr, &name, 5, SyscallAnswer::Empty),
            "EmitEvent" => write_syscall_response(vm, ptr, &name, 6, SyscallAnswer::Empty),
            "ReplaceClass" => write_syscall_response(vm, ptr, &name, 3, SyscallAnswer::Empty),
            "SendMessageToL1" => {
                // [selector, gas, to_address, payload_start, payload_end]
                let start = vm.get_relocatable((ptr + 3)?)?;
                let end = vm.get_relocatable((ptr + 4)?)?;
                let linear_length = (end - start)? as u64;
                write_syscall_response(
                    vm,
                    ptr,
                    &name,
                    5,
                    SyscallAnswer::EmptyCharged { linear_length },
                )
            }
            "GetExecutionInfo" => {
                let info = call
                    .execution_info
                    .ok_or_else(|| custom("get_execution_info outside a Cairo 1 call"))?;
                write_syscall_response(vm, ptr, &name, 2, SyscallAnswer::Pointer(info))
            }
            "CallContract" | "LibraryCall" => {
                let (consumed, _, retdata) = call.answer_inner_call(vm, "calls")?;
                write_syscall_response(vm, ptr, &name, 6, SyscallAnswer::Call { consumed, retdata })
            }
            "Deploy" => {
                // [selector, gas, class_hash, salt, calldata_start, calldata_end,
                //  deploy_from_zero]: the constructor call the executor recorded (an empty one
                // for a class without a constructor) has the address.
                let start = vm.get_relocatable((ptr + 4)?)?;
                let end = vm.get_relocatable((ptr + 5)?)?;
                let linear_length = (end - start)? as u64;
                let (consumed, address, retdata) = call.answer_inner_call(vm, "deployments")?;
                let answer = SyscallAnswer::Deploy { consumed, linear_length, address, retdata };
                write_syscall_response(vm, ptr, &name, 7, answer)
            }
            _ => {
                self.unsupported = Some(format!("the {name} syscall"));
                Err(unsupported(&name))
            }
        }
    }

    /// The current transaction's resource bounds flattened and its data-availability modes,
    /// for the Cairo 1 TxInfo (checked by the OS against the hashed fields).
    fn cairo1_tx_fields(
        &mut self,
        vm: &mut VirtualMachine,
        hint: &HintProcessorData,
    ) -> Result<(), HintError> {
        let tx = self
            .current_transaction
            .and_then(|index| self.input.transactions.get(index))
            .ok_or_else(|| custom("os_cairo1_tx_fields outside a transaction"))?;
        let (flat, nonce_mode, fee_mode) =
            crate::cairo1::decode_v3_fields(&tx.resource_bounds, tx.data_availability_modes);
        let bounds = write_segment(vm, &flat)?;
        let ids = |name: &str, value: MaybeRelocatable, vm: &mut VirtualMachine| {
            insert_value_from_var_name(name, value, vm, &hint.ids_data, &hint.ap_tracking)
        };
        ids("bounds", bounds.into(), vm)?;
        ids("nonce_mode", nonce_mode.into(), vm)?;
        ids("fee_mode", fee_mode.into(), vm)
    }

    fn load_transaction(
        &mut self,
        vm: &mut VirtualMachine,
        hint: &HintProcessorData,
    ) -> Result<(), HintError> {
        let index = self.next_transaction;
        let invoke = self
            .input
            .transactions
            .get(index)
            .ok_or_else(|| custom("the OS asked for more transactions than the block has"))?;
        self.current_transaction = Some(index);
        self.next_top_level_call = 0;
        self.next_transaction += 1;
        let mut fields: Vec<MaybeRelocatable> = vec![
            Felt::from(invoke.kind).into(),
            invoke.version.into(),
            invoke.sender_address.into(),
            Felt::from(invoke.calldata.len()).into(),
        ];
        fields.push(write_segment(vm, &invoke.calldata)?.into());
        fields.push(invoke.nonce.into());
        fields.push(invoke.max_fee.into());
        fields.push(Felt::from(invoke.signature.len()).into());
        fields.push(write_segment(vm, &invoke.signature)?.into());
        fields.push(invoke.tip.into());
        fields.push(Felt::from(invoke.resource_bounds.len()).into());
        fields.push(write_segment(vm, &invoke.resource_bounds)?.into());
        fields.push(Felt::from(invoke.paymaster_data.len()).into());
        fields.push(write_segment(vm, &invoke.paymaster_data)?.into());
        fields.push(invoke.data_availability_modes.into());
        fields.push(Felt::from(invoke.account_deployment_data.len()).into());
        fields.push(write_segment(vm, &invoke.account_deployment_data)?.into());
        fields.push(invoke.class_hash.into());
        fields.push(invoke.contract_address_salt.into());
        fields.push(Felt::from(invoke.is_reverted).into());
        fields.push(invoke.compiled_class_hash.into());
        let receipt = &invoke.receipt;
        for field in
            [receipt.actual_fee, receipt.revert_reason_hash, receipt.l1_gas, receipt.l1_data_gas]
        {
            fields.push(field.into());
        }
        let ptr = vm.add_memory_segment();
        vm.load_data(ptr, &fields)?;
        insert_value_from_var_name("tx", ptr, vm, &hint.ids_data, &hint.ap_tracking)?;
        Ok(())
    }

    /// The index of the loaded class whose class hash is `ids.class_hash`.
    fn find_class(
        &mut self,
        vm: &mut VirtualMachine,
        hint: &HintProcessorData,
    ) -> Result<(), HintError> {
        let hashes = self.classes.iter().map(|class| class.class_hash);
        write_class_index(vm, hint, hashes, |class_hash| {
            format!("class {class_hash:#x} is not loaded")
        })
    }

    /// The index of `ids.selector` in the table `ids.entry_point_type` of the class `ids.loaded`.
    fn find_entry_point(
        &mut self,
        vm: &mut VirtualMachine,
        hint: &HintProcessorData,
    ) -> Result<(), HintError> {
        let get =
            |name: &str| get_integer_from_var_name(name, vm, &hint.ids_data, &hint.ap_tracking);
        let selector = get("selector")?;
        let entry_point_type = get("entry_point_type")?;
        let loaded = get_ptr_from_var_name("loaded", vm, &hint.ids_data, &hint.ap_tracking)?;
        let class_hash = *vm.get_integer(loaded)?;
        // `ids.loaded` is a LoadedClass or a LoadedCompiledClass: both start with the class hash.
        let selectors = match self.classes.iter().find(|class| class.class_hash == class_hash) {
            Some(class) if entry_point_type == Felt::ZERO => class.external_selectors.clone(),
            Some(class) => class.constructor_selectors.clone(),
            None => self
                .compiled_classes
                .iter()
                .find(|class| class.class_hash == class_hash)
                .ok_or_else(|| custom(format!("class {class_hash:#x} is not loaded")))?
                .selectors(entry_point_type),
        };
        let entry_point_index = selectors
            .iter()
            .position(|s| *s == selector)
            .ok_or_else(|| custom(format!("the class has no entry point {selector:#x}")))?;
        insert_value_from_var_name(
            "entry_point_index",
            Felt::from(entry_point_index),
            vm,
            &hint.ids_data,
            &hint.ap_tracking,
        )?;
        Ok(())
    }

    /// The OS is about to run an entry point: its trace is the transaction's next top-level
    /// call (no call in progress: `__validate*__`, `__execute__`, a DEPLOY_ACCOUNT's
    /// constructor) or the next nested call of the call whose syscalls are being replayed.
    fn enter_call(
        &mut self,
        vm: &mut VirtualMachine,
        hint: &HintProcessorData,
    ) -> Result<(), HintError> {
        let get =
            |name: &str| get_integer_from_var_name(name, vm, &hint.ids_data, &hint.ap_tracking);
        let contract_address = get("contract_address")?;
        let selector = get("selector")?;
        let ctx = get_ptr_from_var_name("ctx", vm, &hint.ids_data, &hint.ap_tracking)?;
        let tx_info = vm.get_relocatable((ctx + 1)?)?;
        let call_block_info = vm.get_relocatable((ctx + 4)?)?;
        let trace = match self.calls.last_mut() {
            Some(parent) => {
                let trace = parent.trace.inner_calls.get(parent.calls_entered).cloned();
                parent.calls_entered += 1;
                trace
            }
            None => {
                let trace = self
                    .current_transaction
                    .and_then(|index| self.input.calls.get(index))
                    .and_then(|calls| calls.get(self.next_top_level_call))
                    .cloned();
                self.next_top_level_call += 1;
                trace
            }
        }
        .ok_or_else(|| custom("the OS runs a call the executor did not make"))?;
        if trace.contract_address != contract_address || trace.selector != selector {
            return Err(custom(format!(
                "the OS runs {selector:#x} on {contract_address:#x}, the executor ran {:#x} on {:#x}",
                trace.selector, trace.contract_address
            )));
        }
        let execution_info =
            get_ptr_from_var_name("execution_info", vm, &hint.ids_data, &hint.ap_tracking).ok();
        self.calls.push(ActiveCall {
            trace,
            tx_info,
            call_block_info,
            reads_answered: 0,
            block_hashes_answered: 0,
            class_hashes_answered: 0,
            calls_answered: 0,
            calls_entered: 0,
            execution_info,
        });
        Ok(())
    }

    /// The entry point returned: every response the executor recorded must have been used.
    fn exit_call(&mut self) -> Result<(), HintError> {
        let call = self.calls.last().ok_or_else(|| custom("os_exit_call outside a call"))?;
        if call.reads_answered != call.trace.storage_read_values.len()
            || call.block_hashes_answered != call.trace.block_hash_read_values.len()
            || call.class_hashes_answered != call.trace.class_hash_read_values.len()
            || call.calls_answered != call.trace.inner_calls.len()
        {
            return Err(custom(format!(
                "contract {:#x} made other syscalls in the OS than in the executor",
                call.trace.contract_address
            )));
        }
        Ok(())
    }

    /// The OS deployed a class without a constructor at `ids.address`: the executor's empty
    /// constructor call there, if it recorded one, is not run.
    fn skip_empty_constructor(
        &mut self,
        vm: &mut VirtualMachine,
        hint: &HintProcessorData,
    ) -> Result<(), HintError> {
        let address = get_integer_from_var_name("address", vm, &hint.ids_data, &hint.ap_tracking)?;
        let parent = self.calls.last_mut().ok_or_else(|| custom("deploy outside a call"))?;
        let next = parent.trace.inner_calls.get(parent.calls_entered);
        if next.is_some_and(|inner| inner.contract_address == address) {
            parent.calls_entered += 1;
        }
        Ok(())
    }

    fn end_call(&mut self) -> Result<(), HintError> {
        self.calls.pop().map(|_| ()).ok_or_else(|| custom("os_end_call outside a call"))
    }

    /// A contract's `syscall_handler.<name>(segments=segments, syscall_ptr=ids.syscall_ptr)`.
    fn syscall(
        &mut self,
        name: &str,
        vm: &mut VirtualMachine,
        hint: &HintProcessorData,
    ) -> Result<(), HintError> {
        let ptr = get_ptr_from_var_name("syscall_ptr", vm, &hint.ids_data, &hint.ap_tracking)?;
        let sequencer_address = self.input.block_info[3];
        let call_block_info =
            self.calls.last().ok_or_else(|| custom("syscall outside a call"))?.call_block_info;
        let block_number = *vm.get_integer(call_block_info)?;
        let timestamp = *vm.get_integer((call_block_info + 1)?)?;
        let classes = &self.classes;
        let compiled_classes = &self.compiled_classes;
        let call = self.calls.last_mut().ok_or_else(|| custom("syscall outside a call"))?;
        let at = |offset: usize| (ptr + offset).map_err(HintError::from);
        match name {
            "storage_read" => {
                let value =
                    call.trace.storage_read_values.get(call.reads_answered).copied().ok_or_else(
                        || custom("more storage reads in the OS than in the executor"),
                    )?;
                call.reads_answered += 1;
                vm.insert_value(at(2)?, value)?;
            }
            "storage_write" | "emit_event" | "send_message_to_l1" => {}
            "get_sequencer_address" => vm.insert_value(at(1)?, sequencer_address)?,
            "get_tx_signature" => {
                // The OS's own TxInfo fields (signature_len, signature) at offsets 3 and 4.
                let length = *vm.get_integer((call.tx_info + 3)?)?;
                let signature = vm.get_relocatable((call.tx_info + 4)?)?;
                vm.insert_value(at(1)?, length)?;
                vm.insert_value(at(2)?, signature)?;
            }
            "call_contract" | "library_call" => {
                let inner = call
                    .trace
                    .inner_calls
                    .get(call.calls_answered)
                    .ok_or_else(|| custom("more calls in the OS than in the executor"))?;
                call.calls_answered += 1;
                let retdata = inner.retdata.clone();
                let retdata_ptr = write_segment(vm, &retdata)?;
                vm.insert_value(at(5)?, Felt::from(retdata.len()))?;
                vm.insert_value(at(6)?, retdata_ptr)?;
            }
            "deploy" => {
                let class_hash = *vm.get_integer(at(1)?)?;
                let salt = *vm.get_integer(at(2)?)?;
                let calldata_len = usize::try_from(*vm.get_integer(at(3)?)?)
                    .map_err(|_| custom("deploy: calldata size out of range"))?;
                let calldata_ptr = vm.get_relocatable(at(4)?)?;
                let calldata: Vec<Felt> = vm
                    .get_integer_range(calldata_ptr, calldata_len)?
                    .into_iter()
                    .map(|value| *value)
                    .collect();
                let deployer = if *vm.get_integer(at(5)?)? == Felt::ONE {
                    Felt::ZERO
                } else {
                    call.trace.contract_address
                };
                let address =
                    chain::calculate_contract_address(salt, class_hash, &calldata, deployer);
                let has_constructor =
                    match classes.iter().find(|class| class.class_hash == class_hash) {
                        Some(class) => !class.constructor_selectors.is_empty(),
                        None => !compiled_classes
                            .iter()
                            .find(|class| class.class_hash == class_hash)
                            .ok_or_else(|| {
                                custom(format!("deploy: class {class_hash:#x} is not loaded"))
                            })?
                            .class
                            .constructor
                            .is_empty(),
                    };
                // A constructor is a nested call of the executor's trace. A class without one has
                // none in the OS, but blockifier may record an empty call for it: skipped (the OS
                // skips it too, `os_skip_empty_constructor`).
                let next = call.trace.inner_calls.get(call.calls_answered);
                let retdata = if !has_constructor {
                    if next.is_some_and(|inner| inner.contract_address == address) {
                        call.calls_answered += 1;
                    }
                    Vec::new()
                } else {
                    let inner =
                        next.ok_or_else(|| custom("more calls in the OS than in the executor"))?;
                    call.calls_answered += 1;
                    inner.retdata.clone()
                };
                let retdata_ptr = write_segment(vm, &retdata)?;
                vm.insert_value(at(6)?, address)?;
                vm.insert_value(at(7)?, Felt::from(retdata.len()))?;
                vm.insert_value(at(8)?, retdata_ptr)?;
            }
            "get_caller_address" => vm.insert_value(at(1)?, call.trace.caller_address)?,
            "get_contract_address" => vm.insert_value(at(1)?, call.trace.contract_address)?,
            "get_tx_info" => vm.insert_value(at(1)?, call.tx_info)?,
            "get_block_number" => vm.insert_value(at(1)?, block_number)?,
            "get_block_timestamp" => vm.insert_value(at(1)?, timestamp)?,
            other => {
                return Err(custom(format!("the OS does not support the {other} syscall yet")));
            }
        }
        Ok(())
    }
}

impl HintProcessorLogic for OsHintProcessor {
    fn execute_hint(
        &mut self,
        vm: &mut VirtualMachine,
        exec_scopes: &mut ExecutionScopes,
        hint_data: &Box<dyn Any>,
    ) -> Result<(), HintError> {
        self.execute_hint_extensive(vm, exec_scopes, hint_data).map(|_| ())
    }

    fn execute_hint_extensive(
        &mut self,
        vm: &mut VirtualMachine,
        exec_scopes: &mut ExecutionScopes,
        hint_data: &Box<dyn Any>,
    ) -> Result<HintExtension, HintError> {
        if let Some(hint) = hint_data.downcast_ref::<Hint>() {
            self.cairo1_hint(vm, exec_scopes, hint)?;
            return Ok(HintExtension::new());
        }
        let hint = hint_data.downcast_ref::<HintProcessorData>().ok_or(HintError::WrongHintData)?;
        let code = hint.code.trim();
        if let Some(result) = self.os_hint(code, vm, exec_scopes, hint) {
            return result;
        }
        if let Some(name) = code
            .strip_prefix("syscall_handler.")
            .and_then(|rest| rest.strip_suffix("(segments=segments, syscall_ptr=ids.syscall_ptr)"))
        {
            self.syscall(name, vm, hint)?;
            return Ok(HintExtension::new());
        }
        self.builtin.execute_hint(vm, exec_scopes, hint_data)?;
        Ok(HintExtension::new())
    }
}

impl ResourceTracker for OsHintProcessor {}

/// Writes `ids.class_index`: the position of `ids.class_hash` among the loaded classes'
/// `class_hashes` (the OS checks the class it finds there has that hash); `missing` words the
/// error when none has it.
fn write_class_index(
    vm: &mut VirtualMachine,
    hint: &HintProcessorData,
    mut class_hashes: impl Iterator<Item = Felt>,
    missing: impl FnOnce(Felt) -> String,
) -> Result<(), HintError> {
    let class_hash =
        get_integer_from_var_name("class_hash", vm, &hint.ids_data, &hint.ap_tracking)?;
    let index = class_hashes
        .position(|hash| hash == class_hash)
        .ok_or_else(|| custom(missing(class_hash)))?;
    insert_value_from_var_name(
        "class_index",
        Felt::from(index),
        vm,
        &hint.ids_data,
        &hint.ap_tracking,
    )
}

/// Writes `flag(ids.class_hash)` (0 or 1) to `ids.<name>`.
fn write_class_flag(
    vm: &mut VirtualMachine,
    hint: &HintProcessorData,
    name: &str,
    flag: impl FnOnce(Felt) -> bool,
) -> Result<(), HintError> {
    let class_hash =
        get_integer_from_var_name("class_hash", vm, &hint.ids_data, &hint.ap_tracking)?;
    let value = Felt::from(u64::from(flag(class_hash)));
    insert_value_from_var_name(name, value, vm, &hint.ids_data, &hint.ap_tracking)
}

fn custom(message: impl Into<String>) -> HintError {
    HintError::CustomHint(message.into().into_boxed_str())
}

/// Writes `values` to a new segment and returns its start.
/// The next of a call's recorded answers to one syscall (`what`), counted in `answered`.
fn next_answer(values: &[Felt], answered: &mut usize, what: &str) -> Result<Felt, HintError> {
    let value = values
        .get(*answered)
        .copied()
        .ok_or_else(|| custom(format!("more {what} in the OS than in the executor")))?;
    *answered += 1;
    Ok(value)
}

fn write_segment(vm: &mut VirtualMachine, values: &[Felt]) -> Result<Relocatable, HintError> {
    let ptr = vm.add_memory_segment();
    let values: Vec<MaybeRelocatable> = values.iter().map(MaybeRelocatable::from).collect();
    vm.load_data(ptr, &values)?;
    Ok(ptr)
}
