//! Running one Cairo 0 entry point in cairo-vm, with cairo-lang's calling convention.
//!
//! The arguments are `[selector, os_context_ptr, calldata_len, calldata_ptr]` where
//! `os_context_ptr` points to `[syscall_ptr, builtin pointers (in the order of the program's
//! builtins)]` (cairo-lang `_execute_version0_class`, which passes that list as a nested
//! argument); the entry point returns the advanced syscall and builtin pointers, flattened,
//! followed by `retdata_size, retdata_ptr`. After the run the same checks as cairo-lang's are made: the
//! builtin stop pointers, the syscall pointer matches the syscalls actually served, automatic
//! deductions, and cairo-vm's secure-run verification.

use cairo_vm::types::layout_name::LayoutName;
use cairo_vm::types::relocatable::{MaybeRelocatable, Relocatable};
use cairo_vm::vm::errors::vm_errors::VirtualMachineError;
use cairo_vm::vm::errors::vm_exception::{VmException, get_error_attr_value};
use cairo_vm::vm::runners::cairo_runner::CairoRunner;
use cairo_vm::vm::security::verify_secure_runner;
use chain::{Event, Felt, MessageToL1};

use crate::class::EntryPointType;
use crate::context::TxInfo;
use crate::overlay::StateOverlay;
use crate::resources::Resources;
use crate::syscalls::SyscallHintProcessor;
use crate::{BlockContext, ExecutorError};

/// One entry-point invocation.
#[derive(Clone, Debug)]
pub(crate) struct CallFrame {
    /// The contract whose storage the call uses (and `get_contract_address`).
    pub contract_address: Felt,
    /// The class whose code runs.
    pub class_hash: Felt,
    /// The entry point selector.
    pub selector: Felt,
    /// Which entry point table to look in.
    pub kind: EntryPointType,
    /// Arguments.
    pub calldata: Vec<Felt>,
    /// `get_caller_address` (0 for calls by the protocol).
    pub caller_address: Felt,
}

/// What one entry-point invocation did, as the OS needs it to replay the call: its syscall
/// responses that depend on execution (storage reads, nested calls' return data) in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CallTrace {
    /// The contract whose storage the call used.
    pub contract_address: Felt,
    /// The class whose code ran.
    pub class_hash: Felt,
    /// The entry point selector.
    pub selector: Felt,
    /// The caller (`get_caller_address`).
    pub caller_address: Felt,
    /// The arguments.
    pub calldata: Vec<Felt>,
    /// The return data (empty for a failed call).
    pub retdata: Vec<Felt>,
    /// The value each `storage_read` returned, in syscall order.
    pub storage_read_values: Vec<Felt>,
    /// Nested `call_contract` / `library_call` / `deploy` constructor calls, in syscall order.
    pub inner_calls: Vec<CallTrace>,
}

/// The mutable context of one transaction (or read-only call), shared by all its nested calls.
pub(crate) struct TxRun<'o, 'a> {
    pub state: &'o mut StateOverlay<'a>,
    pub block: &'o BlockContext,
    pub tx_info: &'o TxInfo,
    pub max_call_depth: usize,
    /// Steps left to the current phase; every call's steps count against it.
    pub remaining_steps: usize,
    /// Events emitted so far, in emission order.
    pub events: Vec<Event>,
    /// L2→L1 messages sent so far.
    pub messages: Vec<MessageToL1>,
    /// Resources of all calls so far.
    pub resources: Resources,
    /// Current nesting depth.
    pub depth: usize,
    /// A failure that is not the contract's (a state read failed): it aborts the whole
    /// transaction instead of becoming a revert reason.
    pub fatal: Option<ExecutorError>,
    /// Traces of the calls in progress, outermost first (a finished call moves into its
    /// parent's `inner_calls`, or into `finished_calls` at depth 0).
    pub call_stack: Vec<CallTrace>,
    /// Traces of the finished top-level calls, in order.
    pub finished_calls: Vec<CallTrace>,
}

/// Why a call failed.
#[derive(Debug)]
pub(crate) enum CallError {
    /// The contract failed (assertion, bad signature, missing entry point, steps exhausted...):
    /// a revert reason, or a rejection in a validation phase.
    Cairo(String),
    /// The environment failed; not the transaction's fault.
    Fatal(ExecutorError),
}

impl From<ExecutorError> for CallError {
    fn from(error: ExecutorError) -> Self {
        if error.is_rejection() {
            CallError::Cairo(error.to_string())
        } else {
            CallError::Fatal(error)
        }
    }
}

/// Runs `call` and returns its return data.
pub(crate) fn execute_call(
    run: &mut TxRun<'_, '_>,
    call: &CallFrame,
) -> Result<Vec<Felt>, CallError> {
    if run.depth >= run.max_call_depth {
        return Err(CallError::Cairo(format!(
            "call depth exceeds {} at contract {:#x}",
            run.max_call_depth, call.contract_address
        )));
    }
    let class = run.state.class(call.class_hash)?;
    let offset = class.entry_point_offset(call.kind, call.selector).ok_or_else(|| {
        CallError::Cairo(format!(
            "entry point {:#x} not found in contract {:#x} (class {:#x})",
            call.selector, call.contract_address, call.class_hash
        ))
    })?;
    let fail = |what: &str, error: &dyn std::fmt::Display| {
        CallError::Cairo(format!("contract {:#x}: {what}: {error}", call.contract_address))
    };
    let mut runner =
        CairoRunner::new(class.program(), LayoutName::all_cairo, None, false, false, false)
            .map_err(|e| fail("runner", &e))?;
    runner.initialize_function_runner().map_err(|e| fail("builtins", &e))?;
    // The "OS context" (syscall pointer and builtin pointers) is passed as a pointer to its own
    // segment; the entry point returns the advanced pointers flattened on the stack.
    let syscall_base = runner.vm.add_memory_segment();
    let mut os_context: Vec<MaybeRelocatable> = vec![syscall_base.into()];
    for builtin in runner.vm.get_builtin_runners() {
        os_context.extend(builtin.initial_stack());
    }
    let n_implicit = os_context.len();
    let os_context_base = runner.vm.add_memory_segment();
    runner.vm.load_data(os_context_base, &os_context).map_err(|e| fail("os context", &e))?;
    let calldata_base = runner.vm.add_memory_segment();
    let calldata: Vec<MaybeRelocatable> =
        call.calldata.iter().map(MaybeRelocatable::from).collect();
    runner.vm.load_data(calldata_base, &calldata).map_err(|e| fail("calldata", &e))?;
    let stack: Vec<MaybeRelocatable> = vec![
        call.selector.into(),
        os_context_base.into(),
        call.calldata.len().into(),
        calldata_base.into(),
    ];
    let n_args = stack.len();
    let end = runner
        .initialize_function_entrypoint(offset, stack, Felt::ZERO.into())
        .map_err(|e| fail("entry point", &e))?;
    runner.initialize_vm().map_err(|e| fail("initialize", &e))?;

    run.depth += 1;
    run.call_stack.push(CallTrace {
        contract_address: call.contract_address,
        class_hash: call.class_hash,
        selector: call.selector,
        caller_address: call.caller_address,
        calldata: call.calldata.clone(),
        ..CallTrace::default()
    });
    let mut processor = SyscallHintProcessor::new(run, call, syscall_base);
    let outcome = runner.run_until_pc(end, &mut processor);
    let outcome = match outcome {
        Ok(()) => runner.end_run(false, false, &mut processor, false),
        Err(error) => Err(error),
    };
    let syscall_end = processor.syscall_ptr();
    drop(processor);
    run.depth -= 1;
    let trace = run.call_stack.pop();
    if let Some(fatal) = run.fatal.take() {
        return Err(CallError::Fatal(fatal));
    }
    if let Err(error) = outcome {
        if run.remaining_steps == 0 {
            return Err(CallError::Cairo(format!(
                "out of steps in contract {:#x}: the transaction's step limit is exhausted",
                call.contract_address
            )));
        }
        return Err(CallError::Cairo(describe_failure(&runner, call, error)));
    }
    let retdata =
        finish(&mut runner, syscall_end, n_args, n_implicit, calldata_base, call.calldata.len())
            .map_err(|e| CallError::Cairo(format!("contract {:#x}: {e}", call.contract_address)))?;
    let resources = runner.get_execution_resources().map_err(|e| fail("resources", &e))?;
    run.resources.add(&Resources::from(&resources));
    if let Some(mut trace) = trace {
        trace.retdata = retdata.clone();
        match run.call_stack.last_mut() {
            Some(parent) => parent.inner_calls.push(trace),
            None => run.finished_calls.push(trace),
        }
    }
    Ok(retdata)
}

/// The revert reason of a failed run: the contract, the entry point, the `with_attr` error
/// messages of the failing pc and of every frame of the Cairo call stack (innermost first, as
/// cairo-lang reports them), and cairo-vm's error.
fn describe_failure(runner: &CairoRunner, call: &CallFrame, error: VirtualMachineError) -> String {
    let exception = VmException::from_vm_error(runner, error);
    let mut reason = format!(
        "Error in contract {:#x}, entry point {:#x} (pc {}):",
        call.contract_address, call.selector, exception.pc
    );
    let mut messages: Vec<String> = Vec::new();
    let frames = runner.vm.get_traceback_entries();
    let attributes = exception.error_attr_value.iter().cloned().chain(
        frames
            .iter()
            .filter(|(_, pc)| pc.segment_index == 0)
            .filter_map(|(_, pc)| get_error_attr_value(pc.offset, runner)),
    );
    for attribute in attributes {
        for line in attribute.lines().map(str::trim).filter(|line| !line.is_empty()) {
            if !messages.iter().any(|seen| seen == line) {
                messages.push(line.to_owned());
            }
        }
    }
    for message in messages {
        reason.push(' ');
        reason.push_str(&message);
    }
    reason.push('\n');
    reason.push_str(&exception.inner_exc.to_string());
    reason
}

/// Post-run checks (see the module docs); returns the return data.
fn finish(
    runner: &mut CairoRunner,
    syscall_end: Relocatable,
    n_args: usize,
    n_implicit: usize,
    calldata_base: Relocatable,
    calldata_len: usize,
) -> Result<Vec<Felt>, String> {
    // The arguments and calldata were read by the entry point's code or not at all; either way
    // they are not holes (cairo-lang marks them accessed too).
    let initial_fp = runner.get_initial_fp().ok_or("no initial fp")?;
    let args_start = (initial_fp - (n_args + 2)).map_err(|e| e.to_string())?;
    runner.vm.mark_address_range_as_accessed(args_start, n_args).map_err(|e| e.to_string())?;
    runner
        .vm
        .mark_address_range_as_accessed(calldata_base, calldata_len)
        .map_err(|e| e.to_string())?;

    let returned = runner.vm.get_return_values(2).map_err(|e| e.to_string())?;
    let implicit_end = (runner.vm.get_ap() - 2).map_err(|e| e.to_string())?;
    let after_syscall_ptr =
        runner.get_builtins_final_stack(implicit_end).map_err(|e| format!("builtins: {e}"))?;
    let implicit_start = (after_syscall_ptr - 1).map_err(|e| e.to_string())?;
    if (implicit_start + n_implicit).map_err(|e| e.to_string())? != implicit_end {
        return Err("implicit arguments do not match the entry point's signature".into());
    }
    let returned_syscall_ptr =
        runner.vm.get_relocatable(implicit_start).map_err(|e| e.to_string())?;
    if returned_syscall_ptr != syscall_end {
        return Err(format!(
            "syscall pointer {returned_syscall_ptr} does not match the syscalls served ({syscall_end})"
        ));
    }
    runner.vm.verify_auto_deductions().map_err(|e| e.to_string())?;
    verify_secure_runner(runner, false, None).map_err(|e| format!("security check: {e}"))?;

    let [size, ptr] = returned.as_slice() else {
        return Err("the entry point returned fewer than two values".into());
    };
    let size = match size {
        MaybeRelocatable::Int(size) => usize::try_from(*size).ok(),
        MaybeRelocatable::RelocatableValue(_) => None,
    }
    .ok_or("return data size is not a small integer")?;
    let MaybeRelocatable::RelocatableValue(ptr) = *ptr else {
        return Err("return data pointer is not a pointer".into());
    };
    let values = runner.vm.get_integer_range(ptr, size).map_err(|e| format!("return data: {e}"))?;
    Ok(values.into_iter().map(|value| *value).collect())
}
