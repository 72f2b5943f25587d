//! Real programs compiled by cairo-lang, run by cairo-vm in proof mode, proven and verified.

mod common;

use cairo_air::{CairoPolicy, program_hash, prove_execution, run_program, verify_proof};
use common::{fibonacci, program};
use stark::{AcceptancePolicy, SecurityPreset};
use starknet_types_core::felt::Felt;

fn insecure() -> CairoPolicy {
    CairoPolicy { acceptance: AcceptancePolicy::insecure(), expected_program_hash: None }
}

#[test]
fn fibonacci_proof_verifies_and_exposes_the_output() {
    let execution = fibonacci(30);
    let proof = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let statement = verify_proof(&proof, &insecure()).unwrap();
    // fib(1, 1, 30) = 1346269 (the 31st element of 1, 1, 2, ...).
    assert_eq!(statement.output, vec![Felt::from(30u64), Felt::from(1_346_269u64)]);
    assert_eq!(statement.program_hash, program_hash(&execution.program));
}

#[test]
fn program_without_builtins_proves() {
    let execution = run_program(&program("factorial"), None).unwrap();
    let proof = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let statement = verify_proof(&proof, &insecure()).unwrap();
    assert!(statement.output.is_empty());
}

#[test]
fn program_with_memory_holes_proves() {
    let execution = run_program(&program("memory_holes"), None).unwrap();
    let proof = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let statement = verify_proof(&proof, &insecure()).unwrap();
    assert_eq!(statement.output, vec![Felt::from(52u64), Felt::from(15u64)]);
}
