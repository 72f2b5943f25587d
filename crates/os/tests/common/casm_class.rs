//! CASM test classes written in Cairo 0 (`tests/casm/*.cairo`, compiled by cairo-compile in
//! `scripts/cairo-lang.sh`): Cairo 1 classes for what no class shipped with the Cairo compiler
//! crates exercises (their corelib is not on the registries, so Cairo 1 sources cannot be
//! compiled here). The bytecode is the program's; each named function is an external entry
//! point (selector `sn_keccak(name)`, no builtins); each hint `syscall` becomes CASM's
//! `SystemCall` with the system pointer at `[fp - 3]`, each hint `alloc` its `AllocSegment` at
//! `[ap]`.

use std::sync::Arc;

use chain::Felt;
use executor::SierraClass;
use serde_json::{Value, json};
use starknet_core::types::contract::SierraClass as CompilerOutput;

/// The class of the Cairo 0 program `program_json` with the entry points `entry_points`, under
/// the made-up class hash `class_hash`. Its Sierra definition (which the OS never reads: only
/// its version, which puts the class in Sierra-gas mode) is `hello_starknet`'s.
pub fn casm_test_class(
    program_json: &str,
    class_hash: Felt,
    entry_points: &[&str],
) -> Arc<SierraClass> {
    let program: Value = serde_json::from_str(program_json).unwrap();
    let mut hints = Vec::new();
    for (pc, pc_hints) in program["hints"].as_object().unwrap() {
        for hint in pc_hints.as_array().unwrap() {
            let casm_hint = match hint["code"].as_str().unwrap() {
                "syscall" => {
                    json!({"SystemCall": {"system": {"Deref": {"register": "FP", "offset": -3}}}})
                }
                "alloc" => json!({"AllocSegment": {"dst": {"register": "AP", "offset": 0}}}),
                other => panic!("a CASM test class has no hint {other:?}"),
            };
            hints.push(json!([pc.parse::<usize>().unwrap(), [casm_hint]]));
        }
    }
    let mut external: Vec<(Felt, Value)> = entry_points
        .iter()
        .map(|name| {
            let pc = &program["identifiers"][format!("__main__.{name}")]["pc"];
            let selector = starknet_core::utils::get_selector_from_name(name).unwrap();
            (selector, json!({"selector": format!("{selector:#x}"), "offset": pc, "builtins": []}))
        })
        .collect();
    external.sort_by_key(|(selector, _)| *selector);
    let casm = json!({
        "prime": program["prime"],
        "compiler_version": "2.19.5",
        "bytecode": program["data"],
        "hints": hints,
        "entry_points_by_type": {
            "EXTERNAL": external.into_iter().map(|(_, entry)| entry).collect::<Vec<_>>(),
            "L1_HANDLER": [],
            "CONSTRUCTOR": [],
        },
    });
    let casm = serde_json::from_value(casm).unwrap();
    let (sierra, _) = e2e::cairo_lang_test_class("hello_starknet__hello_starknet");
    let output: CompilerOutput = serde_json::from_str(&sierra).unwrap();
    Arc::new(SierraClass::from_casm(Arc::new(output.flatten().unwrap()), class_hash, casm).unwrap())
}
