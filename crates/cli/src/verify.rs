//! `watcher-prover verify`: exit 0 and the public output as JSON when valid, exit 1 and a
//! one-line reason when invalid, exit 2 when the input is unusable.

use std::path::PathBuf;

use cairo_air::{CairoPolicy, CairoVerifyError, ProgramPin, load_program, verify_proof};
use clap::Args;
use serde_json::json;
use stark::{AcceptancePolicy, MAGIC};

use crate::exit::{Failure, invalid, read_file, unusable};

#[derive(Args)]
pub struct VerifyArgs {
    /// The proof file.
    proof: PathBuf,
    /// Require the proof to be about this compiled program.
    #[arg(long)]
    program: Option<PathBuf>,
    /// Require a block proof of the bundled OS program (`os-hash`); the output is decoded as
    /// the block public output.
    #[arg(long, conflicts_with = "program")]
    os: bool,
    /// Minimum conjectured security in bits (100 refuses `test` proofs).
    #[arg(long, default_value_t = 100)]
    min_security: u32,
}

pub fn run(args: VerifyArgs) -> Result<(), Failure> {
    let bytes = read_file(&args.proof)?;
    if !bytes.starts_with(&MAGIC) {
        return Err(unusable(format!("{} is not a watcher-prover proof", args.proof.display())));
    }
    let program = match &args.program {
        Some(path) => {
            ProgramPin::Program(Box::new(load_program(&read_file(path)?).map_err(unusable)?))
        }
        None if args.os => ProgramPin::Hash(crate::os_hash::os_program_hash()?),
        None => ProgramPin::Any,
    };
    let policy = CairoPolicy {
        acceptance: AcceptancePolicy { min_security_bits: args.min_security },
        program,
    };
    let statement = verify_proof(&bytes, &policy).map_err(|e| match e {
        CairoVerifyError::Decode(why) => invalid(format!("malformed proof: {why}")),
        other => invalid(other),
    })?;
    let p = &statement.public_input;
    let block = if args.os {
        let output = chain::BlockPublicOutput::from_felts(&statement.output)
            .map_err(|e| invalid(format!("not a block proof: {e}")))?;
        Some(output)
    } else {
        None
    };
    let mut report = json!({
        "valid": true,
        "program_hash": statement.program_hash.to_hex_string(),
        "output": statement.output.iter().map(|f| f.to_hex_string()).collect::<Vec<_>>(),
        "security_bits": statement.security_bits,
        "trace_length": 1u64 << p.log_size,
        "initial_pc": p.initial_pc,
        "final_pc": p.final_pc,
        "initial_ap": p.initial_ap,
        "final_ap": p.final_ap,
    });
    if let Some(block) = block {
        report["block"] = json!(block);
    }
    println!("{}", serde_json::to_string_pretty(&report).expect("JSON"));
    Ok(())
}
