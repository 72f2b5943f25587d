//! Helpers shared by the Cairo prover tests.
#![allow(dead_code)]

use cairo_air::{CairoExecution, run_program};
use serde_json::json;

pub fn program(name: &str) -> Vec<u8> {
    let path = format!("{}/programs/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn fibonacci(n: u64) -> CairoExecution {
    run_program(&program("fibonacci"), Some(&json!({ "n": n }))).expect("fibonacci runs")
}
