//! Classes declared at run time are untrusted: broken programs must fail the call with a typed
//! error, never panic or hang.

mod common;

use std::sync::Arc;

use chain::Felt;
use common::{selector, session_block};
use executor::{
    ClassCache, DeprecatedClass, Executor, ExecutorConfig, ExecutorError, FIBONACCI_JSON,
};
use serde_json::{Value, json};
use state::{MemoryBackend, State};

/// The fibonacci class with its `fibonacci` entry point's code or hints changed by `edit`.
fn tampered(edit: impl FnOnce(&mut Value, usize)) -> Arc<DeprecatedClass> {
    let mut class: Value = serde_json::from_str(FIBONACCI_JSON).unwrap();
    let entry = class["entry_points_by_type"]["EXTERNAL"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| Felt::from_hex(e["selector"].as_str().unwrap()).unwrap() == selector("fibonacci"))
        .unwrap()["offset"]
        .clone();
    let offset = match entry {
        Value::Number(n) => n.as_u64().unwrap() as usize,
        Value::String(s) => usize::from_str_radix(s.trim_start_matches("0x"), 16).unwrap(),
        other => panic!("offset {other}"),
    };
    edit(&mut class, offset);
    Arc::new(DeprecatedClass::from_json(&class.to_string()).unwrap())
}

/// Deploys `class` at genesis and calls `fibonacci(3)` on it.
fn call(class: Arc<DeprecatedClass>, config: ExecutorConfig) -> Result<Vec<Felt>, ExecutorError> {
    let classes = ClassCache::new();
    classes.insert(Arc::clone(&class));
    let state = State::new(MemoryBackend::new());
    let executor = Executor::new(config);
    let snapshot = state.latest_snapshot().unwrap();
    let mut block = executor.begin_block(session_block(), &snapshot, &classes).unwrap();
    block.declare_system_class(Arc::clone(&class)).unwrap();
    let address = block.deploy_system_contract(class.class_hash(), Felt::ONE, &[]).unwrap().address;
    let (diff, _) = block.finish().unwrap();
    state.commit_block(0, &diff).unwrap();
    let snapshot = state.latest_snapshot().unwrap();
    executor.call(
        &session_block(),
        &snapshot,
        &classes,
        address,
        selector("fibonacci"),
        &[Felt::THREE],
    )
}

#[test]
fn untampered_class_works() {
    assert_eq!(call(tampered(|_, _| {}), ExecutorConfig::default()).unwrap(), vec![Felt::TWO]);
}

#[test]
fn infinite_loop_hits_the_step_limit() {
    // `jmp rel 0` at the entry point.
    let class = tampered(|class, offset| {
        class["program"]["data"][offset] = json!("0x10780017fff7fff");
        class["program"]["data"][offset + 1] = json!("0x0");
    });
    let config = ExecutorConfig { execute_max_steps: 20_000, ..Default::default() };
    let error = call(class, config).unwrap_err();
    assert!(
        matches!(&error, ExecutorError::ExecutionFailed { reason } if reason.contains("no remaining steps")),
        "{error}"
    );
}

#[test]
fn invalid_instruction_fails() {
    let class = tampered(|class, offset| {
        class["program"]["data"][offset] =
            json!("0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    });
    let error = call(class, ExecutorConfig::default()).unwrap_err();
    assert!(matches!(error, ExecutorError::ExecutionFailed { .. }), "{error}");
}

#[test]
fn unknown_hint_fails() {
    let class = tampered(|class, offset| {
        class["program"]["hints"][offset.to_string()] = json!([{
            "accessible_scopes": ["__main__"],
            "code": "import os; os.system('echo pwned')",
            "flow_tracking_data": {"ap_tracking": {"group": 0, "offset": 0}, "reference_ids": {}}
        }]);
    });
    let error = call(class, ExecutorConfig::default()).unwrap_err();
    assert!(
        matches!(&error, ExecutorError::ExecutionFailed { reason } if reason.contains("pwned")),
        "{error}"
    );
}

#[test]
fn disordered_builtins_fail() {
    let class = tampered(|class, _| {
        class["program"]["builtins"] = json!(["range_check", "pedersen"]);
    });
    let error = call(class, ExecutorConfig::default()).unwrap_err();
    assert!(matches!(error, ExecutorError::ExecutionFailed { .. }), "{error}");
}
