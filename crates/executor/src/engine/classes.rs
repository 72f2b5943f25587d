//! A Cairo 0 class as blockifier runs it, and as a DECLARE carries it.

use std::collections::HashMap;

use blockifier::execution::contract_class::{
    CompiledClassV0, CompiledClassV0Inner, RunnableCompiledClass,
};
use starknet_api::contract_class::{ClassInfo, ContractClass, EntryPointType, SierraVersion};
use starknet_api::core::EntryPointSelector;
use starknet_api::deprecated_contract_class::{
    ContractClass as ApiDeprecatedClass, EntryPointOffset, EntryPointV0,
};

use starknet_core::types::contract::legacy::RawLegacyEntryPoint;

use crate::class::offset_of;
use crate::{DeprecatedClass, ExecutorError};

/// The class as blockifier's runnable Cairo 0 class: the program this crate already loaded
/// (no second parse) and the entry points by type.
pub(crate) fn runnable_class(class: &DeprecatedClass) -> RunnableCompiledClass {
    let definition = class.definition();
    let by_type = &definition.entry_points_by_type;
    // Offsets were checked to lie inside the program when the class was loaded.
    let entry_points = |list: &[RawLegacyEntryPoint]| {
        list.iter()
            .map(|entry_point| EntryPointV0 {
                selector: EntryPointSelector(entry_point.selector),
                offset: EntryPointOffset(offset_of(entry_point).unwrap_or(usize::MAX)),
            })
            .collect::<Vec<_>>()
    };
    let entry_points_by_type = HashMap::from([
        (EntryPointType::External, entry_points(&by_type.external)),
        (EntryPointType::L1Handler, entry_points(&by_type.l1_handler)),
        (EntryPointType::Constructor, entry_points(&by_type.constructor)),
    ]);
    RunnableCompiledClass::V0(CompiledClassV0(std::sync::Arc::new(CompiledClassV0Inner {
        program: class.program().clone(),
        entry_points_by_type,
    })))
}

/// What a DECLARE v1 of `class` hands blockifier: the class in `starknet_api`'s form (via the
/// compiler's JSON, which both read) and its ABI length.
pub(crate) fn class_info(class: &DeprecatedClass) -> Result<ClassInfo, ExecutorError> {
    let json = serde_json::to_value(class.definition().as_ref())
        .map_err(|e| ExecutorError::InvalidClass(format!("cannot serialize class: {e}")))?;
    let abi_length = json["abi"].as_array().map_or(0, Vec::len);
    let api_class: ApiDeprecatedClass = serde_json::from_value(json)
        .map_err(|e| ExecutorError::InvalidClass(format!("class for the executor: {e}")))?;
    ClassInfo::new(&ContractClass::V0(api_class), 0, abi_length, SierraVersion::DEPRECATED)
        .map_err(|e| ExecutorError::InvalidClass(format!("class info: {e}")))
}
