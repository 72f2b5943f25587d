//! Criterion benches of the Cairo prover at `standard` security: proving and verifying
//! fibonacci runs that fill traces of 2^12 to 2^16 rows (throughput in Cairo steps), and
//! builtin-heavy programs (throughput in builtin instances). Larger traces are measured by
//! `watcher-prover bench` (one process per workload, with peak memory and proof size); see
//! benches/RESULTS.md.

use cairo_air::{CairoPolicy, prove_execution, run_program, verify_proof};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serde_json::json;
use stark::SecurityPreset;

const FIBONACCI: &[u8] = include_bytes!("../programs/fibonacci.json");
const RANGE_CHECKS: &[u8] = include_bytes!("../programs/range_checks.json");
const POSEIDON: &[u8] = include_bytes!("../programs/poseidon_hashes.json");
const BITWISE: &[u8] = include_bytes!("../programs/bitwise_ops.json");

/// The fibonacci input whose run nearly fills 2^log_size rows (about 6 steps per element).
fn input_for(log_size: u32) -> u64 {
    ((1u64 << log_size) - 128) / 6
}

fn prover(c: &mut Criterion) {
    let options = SecurityPreset::Standard.options();
    let mut group = c.benchmark_group("prove_fibonacci_standard");
    group.sample_size(10);
    for log_size in [12u32, 14, 16] {
        let execution = run_program(FIBONACCI, Some(&json!({ "n": input_for(log_size) }))).unwrap();
        group.throughput(Throughput::Elements(execution.steps() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("2^{log_size}")),
            &execution,
            |b, e| b.iter(|| prove_execution(e, &options).unwrap()),
        );
    }
    group.finish();

    let mut group = c.benchmark_group("verify_fibonacci_standard");
    for log_size in [12u32, 16] {
        let execution = run_program(FIBONACCI, Some(&json!({ "n": input_for(log_size) }))).unwrap();
        let proof = prove_execution(&execution, &options).unwrap();
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("2^{log_size}")),
            &proof,
            |b, p| b.iter(|| verify_proof(p, &CairoPolicy::default()).unwrap()),
        );
    }
    group.finish();
}

/// One builtin program per group, throughput in builtin instances.
fn builtins(c: &mut Criterion) {
    let options = SecurityPreset::Standard.options();
    let mut group = c.benchmark_group("prove_builtins_standard");
    group.sample_size(10);
    // (name, program, n, cells per instance)
    for (name, program, n, cells) in [
        ("range_check/1000", RANGE_CHECKS, 1000u64, 1u64),
        ("poseidon/1000", POSEIDON, 1000, 6),
        ("bitwise/300", BITWISE, 300, 5),
    ] {
        let execution = run_program(program, Some(&json!({ "n": n }))).unwrap();
        let instances: u64 = execution
            .builtins
            .iter()
            .filter(|b| b.builtin != cairo_air::Builtin::Output)
            .map(|b| (b.stop - b.begin) / cells)
            .sum();
        group.throughput(Throughput::Elements(instances));
        group.bench_with_input(BenchmarkId::from_parameter(name), &execution, |b, e| {
            b.iter(|| prove_execution(e, &options).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, prover, builtins);
criterion_main!(benches);
