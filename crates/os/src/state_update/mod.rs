//! Hints of `os-program/os/state/` (Merkle-Patricia trie updates, the state update and its
//! state-diff commitment), in Rust: they read the [`state::StateWitness`] that the runner puts in
//! the execution scope ([`enter_witness`]) and the update lists in the VM's memory.
//!
//! Every value they supply is checked by the Cairo code (see `patricia.cairo`'s soundness notes):
//! a hint can make a run fail, never make a wrong root pass.

mod error;
mod hints;
mod patricia;

pub use error::StateUpdateError;

use std::rc::Rc;

use cairo_vm::hint_processor::builtin_hint_processor::builtin_hint_processor_definition::{
    BuiltinHintProcessor, HintFunc,
};
use cairo_vm::types::exec_scope::ExecutionScopes;
use state::StateWitness;

/// The name under which the runner stores the [`StateWitness`] in the execution scope.
pub const STATE_WITNESS: &str = "state_witness";

/// Puts `witness` in the outermost execution scope, where the state-update hints find it.
pub fn enter_witness(exec_scopes: &mut ExecutionScopes, witness: StateWitness) {
    if let Some(outermost) = exec_scopes.data.first_mut() {
        outermost.insert(STATE_WITNESS.to_string(), Box::new(witness));
    }
}

/// Registers the hints of `os-program/os/state/` with `processor` (each under its exact code).
pub fn register_hints(processor: &mut BuiltinHintProcessor) {
    for (code, hint) in patricia::hints().into_iter().chain(hints::hints()) {
        processor.add_hint(code.to_string(), Rc::new(HintFunc(hint)));
    }
}

/// The hint codes [`register_hints`] registers, for checking that a program's hints are all
/// served.
pub fn hint_codes() -> Vec<&'static str> {
    patricia::hints().into_iter().chain(hints::hints()).map(|(code, _)| code).collect()
}
