//! The hint of `os-program/os/blake2s.cairo`: Starknet's u32 encoding of a felt for its
//! Blake2s hash (`starknet_types_core::hash::Blake2Felt252::encode_felts_to_u32s`, the encoding
//! of the compiled class hash v2).
//!
//! `blake2s_encode_next_felt` (in `encode_felts`' loop): unless `ids.felts` has reached
//! `ids.felts_end`, writes the 2 (below 2^63) or 8 words of `ids.felts[0]` at `ids.words`; puts
//! at `[ap]` 1 for the 2-word form, 0 for the 8-word form or at the end. The Cairo code checks
//! all of it (the recomposition, the form's bounds, the canonical bound of the long form, the
//! end; the words' u32 bound is the Blake opcode's): a wrong answer fails the run.

use std::collections::HashMap;
use std::rc::Rc;

use cairo_vm::hint_processor::builtin_hint_processor::builtin_hint_processor_definition::{
    BuiltinHintProcessor, HintFunc,
};
use cairo_vm::hint_processor::builtin_hint_processor::hint_utils::get_ptr_from_var_name;
use cairo_vm::hint_processor::hint_processor_definition::HintReference;
use cairo_vm::serde::deserialize_program::ApTracking;
use cairo_vm::types::exec_scope::ExecutionScopes;
use cairo_vm::types::relocatable::MaybeRelocatable;
use cairo_vm::vm::errors::hint_errors::HintError;
use cairo_vm::vm::vm_core::VirtualMachine;
use starknet_types_core::felt::Felt;
use starknet_types_core::hash::Blake2Felt252;

/// `encode_felts` (`blake2s.cairo`): the words of `ids.felts[0]` at `ids.words`, its form at
/// `[ap]`.
pub const ENCODE_NEXT_FELT: &str = "blake2s_encode_next_felt";

/// Registers the hints of `os-program/os/blake2s.cairo` with `processor`.
pub fn register_hints(processor: &mut BuiltinHintProcessor) {
    processor.add_hint(ENCODE_NEXT_FELT.to_string(), Rc::new(HintFunc(Box::new(encode_felt_hint))));
}

/// The hint codes [`register_hints`] registers.
pub fn hint_codes() -> Vec<&'static str> {
    vec![ENCODE_NEXT_FELT]
}

/// The words of `value` (2 or 8), as starknet_api hashes them.
pub fn encode_felt(value: Felt) -> Vec<u32> {
    Blake2Felt252::encode_felts_to_u32s(&[value])
}

fn encode_felt_hint(
    vm: &mut VirtualMachine,
    _scopes: &mut ExecutionScopes,
    ids: &HashMap<String, HintReference>,
    ap_tracking: &ApTracking,
    _constants: &HashMap<String, Felt>,
) -> Result<(), HintError> {
    let felts = get_ptr_from_var_name("felts", vm, ids, ap_tracking)?;
    let felts_end = get_ptr_from_var_name("felts_end", vm, ids, ap_tracking)?;
    let mut is_short = 0u64;
    if felts != felts_end {
        let value = vm.get_integer(felts)?.into_owned();
        let words_ptr = get_ptr_from_var_name("words", vm, ids, ap_tracking)?;
        let words: Vec<MaybeRelocatable> =
            encode_felt(value).into_iter().map(|w| Felt::from(w).into()).collect();
        is_short = u64::from(words.len() == 2);
        vm.load_data(words_ptr, &words)?;
    }
    vm.insert_value(vm.get_ap(), Felt::from(is_short)).map_err(Into::into)
}
