//! `watcher-prover prove-block --rpc-url URL --block N --out X.proof`: proves one block of a
//! devnet. It replays the chain from genesis into a scratch state (fetching each block, its state
//! update and the classes it needs, re-executing every transaction), runs the OS over block `N`
//! on the state after `N - 1`, proves the run, checks the proof and its public output against
//! the replayed header, and writes the proof. Prints a JSON summary on stdout.
//!
//! Exit codes: 0 proven; 1 the block cannot be proven (the OS refuses it, or the proof or its
//! output does not check out); 2 the sequencer or the output file is unusable.

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cairo_air::{CairoPolicy, verify_proof};
use chain::BlockPublicOutput;
use clap::Args;
use serde_json::json;
use stark::{AcceptancePolicy, SecurityPreset};
use tracing::info;
use watcher::prover::{BlockProver, ProveError};
use watcher::{FetchedBlock, OsProver, Replayer, SequencerClient};

use crate::exit::{Failure, invalid, unusable};
use crate::os_hash::os_program_hash;

#[derive(Args)]
pub struct ProveBlockArgs {
    /// The sequencer's Starknet JSON-RPC endpoint.
    #[arg(long)]
    rpc_url: String,
    /// The block to prove (at least 1: genesis is the chain's definition, not a transition).
    #[arg(long)]
    block: u64,
    /// Security preset: standard (>= 100 bits), high (>= 128 bits) or test (insecure).
    #[arg(long, default_value = "standard")]
    security: SecurityPreset,
    /// Where to write the proof.
    #[arg(long)]
    out: PathBuf,
}

pub fn run(args: ProveBlockArgs) -> Result<(), Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| unusable(format!("cannot start the runtime: {e}")))?;
    let client = SequencerClient::new(&args.rpc_url, Duration::from_secs(30)).map_err(unusable)?;
    let chain_id = runtime.block_on(client.chain_id()).map_err(unusable)?;
    let latest = runtime.block_on(client.block_number()).map_err(unusable)?;
    if args.block > latest {
        return Err(unusable(format!(
            "block {} is not produced yet (latest {latest})",
            args.block
        )));
    }

    // A scratch state, replayed from genesis.
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let scratch = std::env::temp_dir()
        .join(format!("watcher-prover-prove-block-{}-{nanos}", std::process::id()));
    let result = prove(&runtime, &client, chain_id, &args, &scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

fn prove(
    runtime: &tokio::runtime::Runtime,
    client: &SequencerClient,
    chain_id: chain::ChainId,
    args: &ProveBlockArgs,
    scratch: &std::path::Path,
) -> Result<(), Failure> {
    let replayer = Replayer::open(scratch, chain_id).map_err(unusable)?;
    let started = Instant::now();
    let mut target = None;
    for number in 0..=args.block {
        let fetched = runtime
            .block_on(FetchedBlock::fetch(client, number, |hash| replayer.knows_class(hash)))
            .map_err(unusable)?;
        let replayed = replayer.replay(&fetched).map_err(unusable)?;
        if let Some(divergence) = &replayed.divergence {
            return Err(invalid(format!(
                "block {number}: replay disagrees with the sequencer: {}",
                divergence.evidence
            )));
        }
        if number == args.block {
            target = Some(replayed.block);
        }
    }
    let block = target.expect("the loop reaches the target block");
    info!(block = args.block, seconds = started.elapsed().as_secs_f64(), "replayed");

    let started = Instant::now();
    let proven = OsProver::new(args.security).prove(&block, &replayer).map_err(|e| match e {
        ProveError::Unsupported(why) => invalid(format!("the OS does not prove this block: {why}")),
        other => invalid(other),
    })?;
    let prove_seconds = started.elapsed().as_secs_f64();

    // Check what was made before writing it.
    let os_hash = os_program_hash()?;
    let policy = CairoPolicy {
        acceptance: AcceptancePolicy { min_security_bits: 0 },
        program: cairo_air::ProgramPin::Hash(os_hash),
    };
    let statement = verify_proof(&proven.proof, &policy)
        .map_err(|e| invalid(format!("the new proof does not verify: {e}")))?;
    let output = BlockPublicOutput::from_felts(&statement.output).map_err(invalid)?;
    let expected = block.expected_public_output(chain::public_output::OS_OUTPUT_VERSION);
    if output != expected {
        return Err(invalid(format!(
            "the proven output {output:?} differs from the replayed header's {expected:?}"
        )));
    }
    std::fs::write(&args.out, &proven.proof)
        .map_err(|e| unusable(format!("cannot write {}: {e}", args.out.display())))?;

    let report = json!({
        "block_number": output.block_number,
        "block_hash": format!("{:#x}", output.block_hash),
        "transactions": output.transaction_count,
        "os_steps": proven.steps,
        "os_program_hash": format!("{os_hash:#x}"),
        "security": args.security.to_string(),
        "security_bits": statement.security_bits,
        "proof_bytes": proven.proof.len(),
        "prove_seconds": prove_seconds,
        "public_output": output,
        "out": args.out.display().to_string(),
    });
    println!("{}", serde_json::to_string_pretty(&report).expect("JSON"));
    Ok(())
}
