//! `watcher-prover prove`: run a program in cairo-vm's proof mode, prove, check the proof,
//! write it.

use std::path::PathBuf;
use std::time::Instant;

use cairo_air::{CairoError, CairoPolicy, prove_execution, run_program, verify_proof};
use clap::Args;
use serde_json::json;
use stark::{AcceptancePolicy, SecurityPreset};

use crate::exit::{Failure, read_file, unusable};

#[derive(Args)]
pub struct ProveArgs {
    /// Compiled program (JSON from `cairo-compile --proof_mode`).
    #[arg(long)]
    program: PathBuf,
    /// Program input (JSON object), read by `program_input[...]` hints.
    #[arg(long)]
    input: Option<PathBuf>,
    /// Security preset: standard (>= 100 bits), high (>= 128 bits) or test (insecure).
    #[arg(long, default_value = "standard")]
    security: SecurityPreset,
    /// Where to write the proof.
    #[arg(long)]
    out: PathBuf,
}

fn failure(e: CairoError) -> Failure {
    match e {
        CairoError::Prover(p) => Failure { code: 1, message: format!("proving failed: {p}") },
        other => unusable(other),
    }
}

pub fn run(args: ProveArgs) -> Result<(), Failure> {
    let program = read_file(&args.program)?;
    let input = match &args.input {
        Some(path) => Some(
            serde_json::from_slice::<serde_json::Value>(&read_file(path)?)
                .map_err(|e| unusable(format!("{} is not JSON: {e}", path.display())))?,
        ),
        None => None,
    };
    let started = Instant::now();
    let execution = run_program(&program, input.as_ref()).map_err(failure)?;
    tracing::info!(
        steps = execution.steps(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "cairo-vm run done"
    );
    let options = args.security.options();
    let proof = prove_execution(&execution, &options).map_err(failure)?;
    let prove_time = started.elapsed();
    // Never hand out a proof that was not checked.
    let statement = verify_proof(
        &proof,
        &CairoPolicy {
            acceptance: AcceptancePolicy::insecure(),
            program: cairo_air::ProgramPin::Any,
        },
    )
    .map_err(|e| Failure {
        code: 1,
        message: format!("internal error: the new proof does not verify: {e}"),
    })?;
    std::fs::write(&args.out, &proof)
        .map_err(|e| unusable(format!("cannot write {}: {e}", args.out.display())))?;
    let summary = json!({
        "proof": args.out.display().to_string(),
        "program_hash": statement.program_hash.to_hex_string(),
        "steps": execution.steps(),
        "trace_length": 1u64 << statement.public_input.log_size,
        "security": args.security.to_string(),
        "security_bits": statement.security_bits,
        "proof_bytes": proof.len(),
        "prove_seconds": prove_time.as_secs_f64(),
        "output": statement.output.iter().map(|f| f.to_hex_string()).collect::<Vec<_>>(),
    });
    println!("{}", serde_json::to_string_pretty(&summary).expect("JSON"));
    Ok(())
}
