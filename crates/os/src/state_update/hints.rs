//! Hints of `state_update.cairo`: the previous roots and storage roots from the witness.

use std::collections::HashMap;

use cairo_vm::hint_processor::builtin_hint_processor::hint_utils::{
    get_integer_from_var_name, insert_value_from_var_name,
};
use cairo_vm::hint_processor::hint_processor_definition::HintReference;
use cairo_vm::serde::deserialize_program::ApTracking;
use cairo_vm::types::exec_scope::ExecutionScopes;
use cairo_vm::vm::errors::hint_errors::HintError;
use cairo_vm::vm::vm_core::VirtualMachine;
use starknet_types_core::felt::Felt;
use state::StateWitness;

use super::STATE_WITNESS;
use super::StateUpdateError;

/// A hint function as `HintFunc` boxes it.
pub(crate) type Hint = Box<
    dyn Fn(
            &mut VirtualMachine,
            &mut ExecutionScopes,
            &HashMap<String, HintReference>,
            &ApTracking,
            &HashMap<String, Felt>,
        ) -> Result<(), HintError>
        + Sync,
>;

/// `state_update`: the roots before the block.
pub const PREV_ROOTS: &str = "ids.prev_contracts_root, ids.prev_classes_root = (\n    state_witness.contracts_root, state_witness.classes_root)";
/// `state_update`: a touched contract's storage root before the block.
pub const PREV_STORAGE_ROOT: &str =
    "ids.prev_storage_root = state_witness.contracts[ids.address].storage_root";

pub(crate) fn hints() -> Vec<(&'static str, Hint)> {
    vec![
        (
            PREV_ROOTS,
            Box::new(|_vm, scopes, ids, ap, _| {
                let witness = witness(scopes)?;
                let (contracts_root, classes_root) = (witness.contracts_root, witness.classes_root);
                insert_value_from_var_name("prev_contracts_root", contracts_root, _vm, ids, ap)?;
                insert_value_from_var_name("prev_classes_root", classes_root, _vm, ids, ap)
            }),
        ),
        (
            PREV_STORAGE_ROOT,
            Box::new(|vm, scopes, ids, ap, _| {
                let address = get_integer_from_var_name("address", vm, ids, ap)?;
                let contract = witness(scopes)?
                    .contracts
                    .get(&address)
                    .ok_or(StateUpdateError::MissingContractState { address })
                    .map_err(hint_error)?;
                insert_value_from_var_name("prev_storage_root", contract.storage_root, vm, ids, ap)
            }),
        ),
    ]
}

/// The witness [`super::enter_witness`] stored (the innermost scope that has one).
pub(crate) fn witness(scopes: &ExecutionScopes) -> Result<&StateWitness, HintError> {
    scopes
        .data
        .iter()
        .rev()
        .find_map(|scope| scope.get(STATE_WITNESS)?.downcast_ref::<StateWitness>())
        .ok_or_else(|| hint_error(StateUpdateError::NoStateWitness))
}

/// A [`StateUpdateError`] as the hint error cairo-vm reports (its message is kept).
pub(crate) fn hint_error(error: StateUpdateError) -> HintError {
    HintError::CustomHint(error.to_string().into_boxed_str())
}
