//! The OS program's proof-mode run in cairo-vm ([`OsRun`]): what `cairo-air` proves, its
//! memory segments laid out by cairo-vm's relocation or, for adversarial tests, by the caller's
//! ([`crate::PreparedBlock::run_placed`]).

use cairo_air::{CairoExecution, SegmentSizes};
use cairo_vm::cairo_run::cairo_run_program_with_initial_scope;
use cairo_vm::hint_processor::builtin_hint_processor::builtin_hint_processor_definition::BuiltinHintProcessor;
use cairo_vm::types::exec_scope::ExecutionScopes;
use chain::Felt;
use state::witness::StateWitness;

use crate::OsError;
use crate::cairo1::CasmClassInput;
use crate::hints::{ClassInput, OsHintProcessor};
use crate::input::OsInput;
use crate::runner::os_program;

/// The relocated proof-mode run of the OS over one block.
#[derive(Clone, Debug)]
pub struct OsRun {
    /// The run as `cairo-air` proves it: the OS's bytecode, the relocated trace and memory, the
    /// builtin segments in `%builtins` order (output, pedersen, range_check, ecdsa, bitwise,
    /// ec_op, poseidon), the output segment's contents, and the signature of each `ecdsa` instance the
    /// run used (contracts' `verify_ecdsa_signature`, e.g. an account's `__validate__`), from
    /// cairo-vm's AIR private input.
    pub execution: CairoExecution,
}

impl OsRun {
    /// Cairo steps of the run.
    pub fn steps(&self) -> usize {
        self.execution.trace.len()
    }

    /// The output segment's contents.
    pub fn output(&self) -> Vec<Felt> {
        self.execution
            .output
            .iter()
            .map(|x| Felt::from_bytes_be(&stark::felt_to_bytes(x)))
            .collect()
    }

    /// The run as `cairo-air` proves it. Fails if an `ecdsa` instance has no signature, or a
    /// signature lies outside the `ecdsa` segment.
    pub fn to_cairo_execution(&self) -> Result<CairoExecution, OsError> {
        let execution = &self.execution;
        // Every instance of the ecdsa segment (two cells: public key, message) has its signature.
        if let Some(ecdsa) =
            execution.builtins.iter().find(|s| s.builtin == cairo_air::Builtin::Ecdsa)
        {
            let mut signatures = execution.signatures.iter().map(|s| s.address);
            for address in (ecdsa.begin..ecdsa.stop).step_by(2) {
                if signatures.next() != Some(address) {
                    return Err(OsError::Rejected(format!(
                        "the ecdsa instance at {address} has no signature"
                    )));
                }
            }
            if let Some(address) = signatures.next() {
                return Err(OsError::Rejected(format!(
                    "a signature at {address} is outside the ecdsa segment"
                )));
            }
        }
        Ok(execution.clone())
    }
}

/// Runs the OS program in proof mode over `input`, then lays its segments out at the bases
/// `place` returns (cairo-vm's own: [`SegmentSizes::cairo_vm_layout`]).
pub(crate) fn run_os(
    input: OsInput,
    classes: Vec<ClassInput>,
    compiled_classes: Vec<CasmClassInput>,
    witness: StateWitness,
    place: impl FnOnce(&SegmentSizes) -> Vec<usize>,
) -> Result<OsRun, OsError> {
    let program = os_program()?;
    let mut builtin = BuiltinHintProcessor::new_empty();
    crate::state_update::register_hints(&mut builtin);
    crate::blake2s::register_hints(&mut builtin);
    let mut processor = OsHintProcessor::new(builtin, input, classes, compiled_classes);
    let mut scopes = ExecutionScopes::new();
    crate::state_update::enter_witness(&mut scopes, witness);
    let config = cairo_air::proof_mode_config();
    let mut runner =
        cairo_run_program_with_initial_scope(&program, &config, &mut processor, scopes).map_err(
            |e| match processor.unsupported.take() {
                Some(what) => OsError::Cairo1Unsupported { what },
                None => OsError::Rejected(e.to_string()),
            },
        )?;
    let bases = place(&SegmentSizes::of(&runner));
    let execution = cairo_air::read_execution(&mut runner, &program, &bases)
        .map_err(|e| OsError::Rejected(e.to_string()))?;
    Ok(OsRun { execution })
}
