//! Runs a compiled Cairo 0 program in cairo-vm's proof mode and keeps what the prover needs
//! ([`CairoExecution`]): the relocated trace and memory, the program and the builtin segments.
//! Only with the `prover` feature (cairo-vm).

use std::rc::Rc;

use cairo_vm::cairo_run::{CairoRunConfig, cairo_run_program};
use cairo_vm::hint_processor::builtin_hint_processor::builtin_hint_processor_definition::{
    BuiltinHintProcessor, HintFunc,
};
use cairo_vm::hint_processor::builtin_hint_processor::hint_utils::insert_value_from_var_name;
use cairo_vm::types::builtin_name::BuiltinName;
use cairo_vm::types::layout_name::LayoutName;
use cairo_vm::types::program::Program;
use cairo_vm::types::relocatable::MaybeRelocatable;
use serde_json::Value;
use starknet_types_core::felt::Felt as Felt252;

use crate::error::CairoError;
use crate::execution::CairoExecution;
use crate::program::{Builtin, CairoProgram, START_OFFSET};
use crate::relocation::{SegmentSizes, program_data, read_execution};

/// Builtins the prover supports so far.
fn supported(builtin: BuiltinName) -> Option<Builtin> {
    Builtin::from_name(builtin.to_str())
}

/// Names of the program's builtins that the prover does not support, in program order.
pub fn unsupported_builtins(program: &Program) -> Vec<&'static str> {
    program.iter_builtins().filter(|b| supported(**b).is_none()).map(|b| b.to_str()).collect()
}

/// The hint of cairo-lang's segment arena (`new_arena` in
/// `starkware.starknet.builtins.segment_arena`, Sierra's runtime in Cairo 0): a `nondet`
/// new segment written at `ap`. cairo-vm's hint processor knows `segments.add()` only
/// without the conversion that `nondet` wraps it in.
pub const NEW_SEGMENT_NONDET: &str = "memory[ap] = to_felt_or_relocatable(segments.add())";

/// Hints of the form `ids.NAME = program_input['KEY']` (or `program_input["KEY"]`) read a
/// value from the JSON program input; `memory[ap] = program_input['KEY']` writes it at `ap`.
/// Each such hint in the program is registered with its exact code.
/// Returns the standard library's hint processor with those hints and
/// [`NEW_SEGMENT_NONDET`] added: what [`run_program`] runs programs with.
pub fn input_hint_processor(
    program_json: &[u8],
    input: Option<&Value>,
) -> Result<BuiltinHintProcessor, CairoError> {
    let program_json: Value =
        serde_json::from_slice(program_json).map_err(|e| CairoError::BadProgram(e.to_string()))?;
    let mut processor = BuiltinHintProcessor::new_empty();
    let new_segment = HintFunc(Box::new(|vm, _, _, _, _| {
        let segment = vm.add_memory_segment();
        vm.insert_value(vm.get_ap(), segment).map_err(Into::into)
    }));
    processor.add_hint(NEW_SEGMENT_NONDET.to_string(), Rc::new(new_segment));
    let Some(hints) = program_json.get("hints").and_then(Value::as_object) else {
        return Ok(processor);
    };
    for code in hints
        .values()
        .flat_map(|list| list.as_array().into_iter().flatten())
        .filter_map(|h| h.get("code")?.as_str())
    {
        let Some((target, key)) = parse_input_hint(code) else { continue };
        let value =
            input.and_then(|i| i.get(&key)).ok_or_else(|| CairoError::MissingInput(key.clone()))?;
        let value = json_to_felt(value)
            .ok_or_else(|| CairoError::BadInput(format!("{key} is not an integer")))?;
        let func: HintFunc = match target {
            InputTarget::Id(name) => HintFunc(Box::new(move |vm, _, ids, ap_tracking, _| {
                insert_value_from_var_name(&name, value, vm, ids, ap_tracking)
            })),
            InputTarget::Ap => HintFunc(Box::new(move |vm, _, _, _, _| {
                vm.insert_value(vm.get_ap(), MaybeRelocatable::from(value)).map_err(Into::into)
            })),
        };
        processor.add_hint(code.to_string(), Rc::new(func));
    }
    Ok(processor)
}

enum InputTarget {
    Id(String),
    Ap,
}

fn parse_input_hint(code: &str) -> Option<(InputTarget, String)> {
    let (lhs, rhs) = code.trim().split_once('=')?;
    let key = rhs.trim().strip_prefix("program_input[")?.strip_suffix(']')?;
    let key = key.trim_matches(|c| c == '\'' || c == '"').to_string();
    let lhs = lhs.trim();
    let target = if lhs == "memory[ap]" {
        InputTarget::Ap
    } else {
        InputTarget::Id(lhs.strip_prefix("ids.")?.to_string())
    };
    Some((target, key))
}

fn json_to_felt(v: &Value) -> Option<Felt252> {
    match v {
        Value::Number(n) => n.as_u64().map(Felt252::from).or_else(|| n.as_i64().map(Felt252::from)),
        Value::String(s) if s.starts_with("0x") => Felt252::from_hex(s).ok(),
        Value::String(s) => Felt252::from_dec_str(s).ok(),
        _ => None,
    }
}

/// Parses a program compiled with `cairo-compile --proof_mode` into what a verifier pins
/// ([`CairoProgram::hash`]): its bytecode, builtin list and `__end__`, refusing programs whose
/// builtins the prover does not support and programs without proof mode's `__start__` (at
/// offset 0) and `__end__`.
pub fn load_program(program_json: &[u8]) -> Result<CairoProgram, CairoError> {
    let program = Program::from_bytes(program_json, Some("main"))
        .map_err(|e| CairoError::BadProgram(e.to_string()))?;
    let unsupported = unsupported_builtins(&program);
    if !unsupported.is_empty() {
        return Err(CairoError::UnsupportedBuiltins(unsupported.join(", ")));
    }
    let label = |name: &str| program.get_identifier(name).and_then(|identifier| identifier.pc);
    if label("__main__.__start__") != Some(START_OFFSET as usize) {
        return Err(CairoError::BadProgram(
            "no `__start__` at offset 0: not compiled with --proof_mode".into(),
        ));
    }
    let end = label("__main__.__end__").ok_or_else(|| {
        CairoError::BadProgram("no `__end__` label: not compiled with --proof_mode".into())
    })?;
    Ok(CairoProgram {
        bytecode: program_data(&program)?,
        builtins: program.iter_builtins().filter_map(|b| supported(*b)).collect(),
        end: end as u64,
    })
}

/// The cairo-vm configuration of every run this crate proves: entry point `main`, proof mode,
/// layout `all_cairo` (its builtin segments are what the builtin tables read), and no trace
/// padding: the prover pads the trace itself (repeating the final `jmp rel 0`), which is much
/// cheaper than running the VM for the padding steps. cairo-vm relocates neither memory nor
/// trace: [`read_execution`] does, with the layout its caller chooses. Callers that run a
/// program with their own hint processor (the OS) use it too.
pub fn proof_mode_config() -> CairoRunConfig<'static> {
    CairoRunConfig {
        entrypoint: "main",
        trace_enabled: true,
        relocate_mem: false,
        relocate_trace: false,
        layout: LayoutName::all_cairo,
        proof_mode: true,
        disable_trace_padding: true,
        ..CairoRunConfig::default()
    }
}

/// Runs `program_json` (compiled with `cairo-compile --proof_mode`) with the optional JSON
/// program input.
pub fn run_program(
    program_json: &[u8],
    input: Option<&Value>,
) -> Result<CairoExecution, CairoError> {
    let program = Program::from_bytes(program_json, Some("main"))
        .map_err(|e| CairoError::BadProgram(e.to_string()))?;
    let unsupported = unsupported_builtins(&program);
    if !unsupported.is_empty() {
        return Err(CairoError::UnsupportedBuiltins(unsupported.join(", ")));
    }
    let mut processor = input_hint_processor(program_json, input)?;
    let mut runner = cairo_run_program(&program, &proof_mode_config(), &mut processor)
        .map_err(|e| CairoError::Run(e.to_string()))?;
    let bases = SegmentSizes::of(&runner).cairo_vm_layout();
    read_execution(&mut runner, &program, &bases)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_input_hints() {
        assert!(
            matches!(parse_input_hint("ids.n = program_input['n']"), Some((InputTarget::Id(n), k)) if n == "n" && k == "n")
        );
        assert!(
            matches!(parse_input_hint("memory[ap] = program_input[\"x\"]"), Some((InputTarget::Ap, k)) if k == "x")
        );
        assert!(parse_input_hint("ids.n = 5").is_none());
        assert!(parse_input_hint("memory[ap] = to_felt_or_relocatable(ids.x)").is_none());
    }
}
