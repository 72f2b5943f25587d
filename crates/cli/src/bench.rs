//! `watcher-prover bench`: proves one run and reports what it measured as JSON: steps, builtin
//! instances, prove time, steps/s, peak memory, verify time, proof size. The default workload
//! is a fibonacci run that fills a trace of 2^k rows; `--workload` picks a builtin program
//! (`range_checks`, `poseidon`, `bitwise`, `pedersen`, `ecdsa`, `ec-op`, `mod`, `keccak`,
//! `blake2s`, `blake-opcode`, each with `--n` iterations, or `mix`: `n` Poseidon hashes, `n / 10` Pedersen
//! hashes and `10 n` range checks in one run). The report lists every table (rows, committed
//! columns, cells) so the cost of each builtin is visible. Run one workload per process so the
//! peak memory belongs to it (`benches/prover-sizes.sh` does).

use std::time::Instant;

use cairo_air::{
    CairoAir, CairoPolicy, CairoPublicInput, prove_execution, run_program, verify_proof,
};
use clap::Args;
use serde_json::json;
use stark::{Air, SecurityPreset};

use crate::exit::{Failure, invalid, unusable};

const FIBONACCI: &[u8] = include_bytes!("../../cairo-air/programs/fibonacci.json");
const RANGE_CHECKS: &[u8] = include_bytes!("../../cairo-air/programs/range_checks.json");
const POSEIDON: &[u8] = include_bytes!("../../cairo-air/programs/poseidon_hashes.json");
const BITWISE: &[u8] = include_bytes!("../../cairo-air/programs/bitwise_ops.json");
const PEDERSEN: &[u8] = include_bytes!("../../cairo-air/programs/pedersen_hashes.json");
const ECDSA: &[u8] = include_bytes!("../../cairo-air/programs/ecdsa_checks.json");
const EC_OP: &[u8] = include_bytes!("../../cairo-air/programs/ec_ops.json");
const MOD: &[u8] = include_bytes!("../../cairo-air/programs/mod_ops.json");
const MIX: &[u8] = include_bytes!("../../cairo-air/programs/builtin_mix.json");
const KECCAK: &[u8] = include_bytes!("../../cairo-air/programs/keccak_ops.json");
const BLAKE2S: &[u8] = include_bytes!("../../cairo-air/programs/blake2s_hashes.json");
const BLAKE_OPCODE: &[u8] = include_bytes!("../../cairo-air/programs/blake2s_opcode.json");

/// What to prove.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum Workload {
    /// fibonacci filling 2^log-rows trace rows (no builtin but output).
    Fibonacci,
    /// `n` iterations of assert_nn, unsigned_div_rem and is_le (about 5 range checks each).
    RangeChecks,
    /// A chain of `n` Poseidon hashes (one poseidon instance each).
    Poseidon,
    /// `n` iterations of and, xor, or (three bitwise instances each).
    Bitwise,
    /// A chain of `n` Pedersen hashes (and six hashes of edge values).
    Pedersen,
    /// `n` checks of one ECDSA signature (one ecdsa instance each).
    Ecdsa,
    /// A chain of `n` ec_op (and six on edge scalars; one ec_op instance each).
    EcOp,
    /// `n` rounds of a u384 circuit modulo a 381-bit prime (two add_mod and three mul_mod
    /// instances each) and one modulo 97.
    Mod,
    /// `n` Poseidon hashes, `n / 10` Pedersen hashes and `10 n` range checks in one run.
    Mix,
    /// A chain of `n` Keccak-f[1600] permutations (and five more: the zero state's and
    /// keccak256 of three inputs; one keccak instance each).
    Keccak,
    /// A chain of `n` Blake2s hashes of one 64-byte block (16 words) each, in Cairo over the
    /// bitwise builtin (cairo-lang's `cairo_blake2s`, checked by `finalize_blake2s`).
    Blake2s,
    /// Blake2s of one message of `n` 64-byte blocks by cairo-vm's Blake opcodes (one Blake
    /// table instance per block).
    BlakeOpcode,
}

#[derive(Args)]
pub struct BenchArgs {
    /// log2 of the trace length to fill (`--log-rows` is its old name).
    #[arg(long, alias = "log-rows", default_value_t = 16)]
    log_size: u32,
    #[arg(long, default_value = "standard")]
    security: SecurityPreset,
    /// Verifications to time (the median is reported).
    #[arg(long, default_value_t = 10)]
    verify_runs: usize,
    #[arg(long, value_enum, default_value = "fibonacci")]
    workload: Workload,
    /// Iterations of a builtin workload.
    #[arg(long, default_value_t = 1000)]
    n: u64,
}

/// Peak resident set size of this process, from /proc (Linux).
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

pub fn run(args: BenchArgs) -> Result<(), Failure> {
    if !(10..=22).contains(&args.log_size) {
        return Err(unusable("--log-rows must be between 10 and 22"));
    }
    let (program, n) = match args.workload {
        Workload::Fibonacci => (FIBONACCI, ((1u64 << args.log_size) - 128) / 6),
        Workload::RangeChecks => (RANGE_CHECKS, args.n),
        Workload::Poseidon => (POSEIDON, args.n),
        Workload::Bitwise => (BITWISE, args.n),
        Workload::Pedersen => (PEDERSEN, args.n),
        Workload::Ecdsa => (ECDSA, args.n),
        Workload::EcOp => (EC_OP, args.n),
        Workload::Mod => (MOD, args.n),
        Workload::Mix => (MIX, args.n),
        Workload::Keccak => (KECCAK, args.n),
        Workload::Blake2s => (BLAKE2S, args.n),
        Workload::BlakeOpcode => (BLAKE_OPCODE, args.n),
    };
    let input = match args.workload {
        Workload::Mix => json!({
            "n_poseidon": n,
            "n_pedersen": n / 10,
            "n_range_checks": n * 10,
        }),
        _ => json!({ "n": n }),
    };
    let started = Instant::now();
    let execution = run_program(program, Some(&input)).map_err(unusable)?;
    let builtins: serde_json::Map<String, serde_json::Value> = execution
        .builtins
        .iter()
        .map(|b| (b.builtin.name().to_string(), json!(b.stop - b.begin)))
        .collect();
    let run_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let proof = prove_execution(&execution, &args.security.options()).map_err(invalid)?;
    let prove_seconds = started.elapsed().as_secs_f64();
    let steps = execution.steps();
    drop(execution);
    let peak = peak_rss_bytes();
    let policy = CairoPolicy {
        acceptance: stark::AcceptancePolicy::insecure(),
        program: cairo_air::ProgramPin::Any,
    };
    let mut verify_ms: Vec<f64> = (0..args.verify_runs.max(1))
        .map(|_| {
            let t = Instant::now();
            verify_proof(&proof, &policy).map(|_| t.elapsed().as_secs_f64() * 1e3)
        })
        .collect::<Result<_, _>>()
        .map_err(invalid)?;
    verify_ms.sort_by(f64::total_cmp);
    let tables = tables(&proof).map_err(invalid)?;
    let report = json!({
        "workload": format!("{:?}", args.workload).to_lowercase(),
        "n": n,
        "steps": steps,
        "builtin_cells": builtins,
        "security": args.security.to_string(),
        "threads": stark::parallel::num_threads(),
        "vm_run_seconds": run_seconds,
        "prove_seconds": prove_seconds,
        "steps_per_second": steps as f64 / prove_seconds,
        "peak_rss_bytes": peak,
        "peak_rss_kib_per_step": peak.map(|p| p as f64 / 1024.0 / steps as f64),
        "verify_ms_median": verify_ms[verify_ms.len() / 2],
        "proof_bytes": proof.len(),
        "tables": tables,
    });
    println!("{}", serde_json::to_string(&report).expect("JSON"));
    Ok(())
}

/// Each table of the proven statement: its name, rows, committed columns (main and auxiliary)
/// and cells (rows times columns), the measure of what a builtin costs the prover.
fn tables(proof: &[u8]) -> Result<Vec<serde_json::Value>, String> {
    let envelope = stark::ProofEnvelope::from_bytes(proof).map_err(|e| e.0)?;
    let public = CairoPublicInput::from_bytes(&envelope.public_input).map_err(|e| e.0)?;
    let air = CairoAir::new(public);
    Ok(air
        .components()
        .iter()
        .map(|c| {
            let rows = 1u64 << c.log_size();
            let columns = (c.main_width() + c.aux_width()) as u64;
            json!({
                "table": c.component_name(),
                "rows": rows,
                "columns": columns,
                "cells": rows * columns,
            })
        })
        .collect())
}
