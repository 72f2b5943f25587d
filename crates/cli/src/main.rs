//! `watcher-prover`: the command-line entry point. Argument parsing, logging and wiring only;
//! the work lives in the library crates.

mod allocator;
mod bench;
mod config;
mod coordinator;
mod declare;
mod demo;
mod devnet;
mod devnet_client;
mod exit;
mod light_verify;
mod load;
mod os_hash;
mod prove;
mod prove_block;
mod run;
mod verify;
mod worker;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "watcher-prover",
    version,
    about = "Proving service for Starknet-stack validity chains"
)]
struct Cli {
    /// How log lines on stderr are written: `text` for people (coloured only on a terminal),
    /// `json` for log collectors (one JSON object per line).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, env = "WATCHER_PROVER_LOG_FORMAT")]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Run a Cairo 0 program (compiled with `cairo-compile --proof_mode`) and prove it.
    Prove(prove::ProveArgs),
    /// Verify a proof; prints the public output as JSON.
    Verify(verify::VerifyArgs),
    /// Measure the prover on a fibonacci run filling 2^k trace rows, or a builtin workload.
    Bench(bench::BenchArgs),
    /// Run the bundled devnet (Starknet JSON-RPC 0.9) until Ctrl-C.
    Devnet(devnet::DevnetArgs),
    /// Send signed transactions to a devnet at a target rate and report throughput.
    Load(load::LoadArgs),
    /// Declare a Cairo 0 class (starknet-compile-deprecated JSON) on a devnet.
    Declare(declare::DeclareArgs),
    /// Run the service: watch a sequencer, replay, prove, store and serve the query API.
    Run(run::RunArgs),
    /// Head of a prover cluster: follow the sequencer, replay, write each block's witness to
    /// the store and enqueue it in PostgreSQL; serve the query API from the queue.
    Coordinator(coordinator::CoordinatorArgs),
    /// Stateless prover of a cluster: lease jobs from PostgreSQL, prove from the witness,
    /// store the proof and acknowledge.
    Worker(worker::WorkerArgs),
    /// Devnet, load generator, watcher-prover and query API in one process, with progress.
    Demo(demo::DemoArgs),
    /// Fetch a block's proof and header, verify the proof and check it binds to the header.
    LightVerify(light_verify::LightVerifyArgs),
    /// Print the program hash of the bundled OS program (what light clients pin).
    OsHash(os_hash::OsHashArgs),
    /// Prove one block of a devnet with the OS (replays the chain from genesis).
    ProveBlock(prove_block::ProveBlockArgs),
}

fn main() -> ExitCode {
    allocator::fix_mmap_threshold();
    let cli = Cli::parse();
    init_logging(cli.log_format);
    let result = match cli.command {
        Command::Prove(args) => prove::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Devnet(args) => devnet::run(args),
        Command::Load(args) => load::run(args),
        Command::Declare(args) => declare::run(args),
        Command::LightVerify(args) => light_verify::run(args),
        Command::Run(args) => run::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Coordinator(args) => coordinator::run(args),
        Command::Worker(args) => worker::run(args),
        Command::OsHash(args) => os_hash::run(args),
        Command::ProveBlock(args) => prove_block::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`, cairo-vm's chatter at `warn`).
/// Colour codes only when stderr is a terminal: in a file or a pipe they are noise.
fn init_logging(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,cairo_vm=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => {
            builder.with_target(false).with_ansi(std::io::stderr().is_terminal()).init()
        }
        // One object per line, with the target: a collector can filter on it.
        LogFormat::Json => builder.json().with_ansi(false).init(),
    }
}
