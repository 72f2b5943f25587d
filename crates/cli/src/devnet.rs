//! `watcher-prover devnet`: runs the bundled devnet (sequencer crate) until Ctrl-C or SIGTERM,
//! printing the prefunded accounts and contract addresses at start.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use chain::rpc::SpecVersion;
use clap::{Args, ValueEnum};
use sequencer::store::Store;
use sequencer::{CairoExecutor, Node, NodeConfig};

use crate::exit::{Failure, unusable};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Args)]
pub struct DevnetArgs {
    /// Address of the JSON-RPC server.
    #[arg(long, default_value = "127.0.0.1:5050")]
    rpc_addr: SocketAddr,
    /// Directory of the chain's sled database (kept across restarts). Without it the chain
    /// lives in memory and is lost at exit.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Time between blocks (`500ms`, `2s`, `1m`); empty blocks are produced too.
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    block_time: Duration,
    /// State commitment: `off` reports `new_root = 0` and leaves the root to the prover.
    #[arg(long, default_value = "on")]
    commitment: OnOff,
    /// Fees: `on` charges every transaction its actual fee in the genesis ERC-20 (WTK, paid to
    /// the sequencer address; v3 in fri, v1 in wei of the same token) and checks resource bounds
    /// and balances at admission. `off` (the default) charges nothing: the profile the OS
    /// proves today.
    #[arg(long, default_value = "off")]
    fees: OnOff,
    /// Number of prefunded accounts.
    #[arg(long, default_value_t = 10)]
    accounts: u64,
    /// Seed of the prefunded accounts' keys (public: the keys are for testing only).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Most transactions per block.
    #[arg(long, default_value_t = 1000)]
    max_block_transactions: usize,
    /// Most transactions waiting in the mempool; more are refused until a block takes some.
    #[arg(long, default_value_t = NodeConfig::default().max_mempool_transactions)]
    max_mempool: usize,
    /// How far ahead of an account's nonce a submitted nonce may be.
    #[arg(long, default_value_t = NodeConfig::default().nonce_window)]
    nonce_window: u64,
    /// Most bytes of a declared class as JSON (decompressed program, ABI, entry points);
    /// larger ones are refused with CONTRACT_CLASS_SIZE_IS_TOO_LARGE (57).
    #[arg(long, default_value_t = NodeConfig::default().max_class_bytes)]
    max_class_bytes: usize,
    /// Most felts of a declared class's bytecode (refused beyond, code 57).
    #[arg(long, default_value_t = NodeConfig::default().max_bytecode_felts)]
    max_bytecode_felts: usize,
    /// Cairo steps of a transaction's validation; beyond, it is rejected.
    #[arg(long, default_value_t = NodeConfig::default().max_validate_steps)]
    max_validate_steps: usize,
    /// Cairo steps of a transaction's execution; beyond, it is reverted.
    #[arg(long, default_value_t = NodeConfig::default().max_transaction_steps)]
    max_tx_steps: usize,
    /// Cairo steps of one block (bounds the memory proving it takes); a transaction over it
    /// alone is rejected.
    #[arg(long, default_value_t = NodeConfig::default().max_block_steps)]
    max_block_steps: u64,
    /// Largest request body (a DECLARE's, or an estimateFee's with classes); HTTP 413 beyond.
    #[arg(long, default_value_t = NodeConfig::default().max_declare_request_bytes)]
    max_declare_request_bytes: u32,
    /// Largest params of every other method; JSON-RPC error -32007 beyond.
    #[arg(long, default_value_t = NodeConfig::default().max_request_bytes)]
    max_request_bytes: u32,
    /// Directory that `devnet_dump` writes to and `devnet_load` reads from (created if
    /// missing): a path in a request is resolved inside it and nothing outside it is opened.
    /// Without it both methods are refused.
    #[arg(long)]
    dump_dir: Option<PathBuf>,
}

/// Parses `250ms`, `2s`, `1m` or a number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(index) => text.split_at(index),
        None => (text, "s"),
    };
    let value: f64 = number.parse().map_err(|_| format!("invalid duration {text:?}"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        "d" => value * 86_400.0,
        _ => return Err(format!("invalid duration unit in {text:?} (use ms, s, m, h or d)")),
    };
    if !(seconds.is_finite() && seconds > 0.0) {
        return Err(format!("duration must be positive: {text:?}"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

pub fn run(args: DevnetArgs) -> Result<(), Failure> {
    let runtime = tokio::runtime::Runtime::new().map_err(unusable)?;
    runtime.block_on(serve(args)).map_err(|e| unusable(format!("{e:#}")))
}

/// The node's settings from the flags.
fn node_config(args: &DevnetArgs) -> Result<NodeConfig> {
    let config = NodeConfig {
        block_time: args.block_time,
        commitment: args.commitment == OnOff::On,
        fees: args.fees == OnOff::On,
        account_count: args.accounts,
        seed: args.seed,
        max_block_transactions: args.max_block_transactions,
        max_mempool_transactions: args.max_mempool,
        nonce_window: args.nonce_window,
        max_class_bytes: args.max_class_bytes,
        max_bytecode_felts: args.max_bytecode_felts,
        max_validate_steps: args.max_validate_steps,
        max_transaction_steps: args.max_tx_steps,
        max_block_steps: args.max_block_steps,
        max_declare_request_bytes: args.max_declare_request_bytes,
        max_request_bytes: args.max_request_bytes,
        dump_dir: args.dump_dir.clone(),
        ..NodeConfig::default()
    };
    if config.max_request_bytes > config.max_declare_request_bytes {
        anyhow::bail!("--max-request-bytes cannot exceed --max-declare-request-bytes");
    }
    Ok(config)
}

async fn serve(args: DevnetArgs) -> Result<()> {
    let config = node_config(&args)?;
    if let Some(dir) = &config.dump_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the dump dir {}", dir.display()))?;
    }
    let executor = CairoExecutor::with_config(config.executor_config());
    let store = match &args.data_dir {
        Some(dir) => {
            Store::open(dir).with_context(|| format!("cannot open data dir {}", dir.display()))?
        }
        None => {
            tracing::warn!("no --data-dir: the chain lives in memory and is lost at exit");
            Store::temporary()?
        }
    };
    let node = tokio::task::spawn_blocking(move || Node::open(store, config, Arc::new(executor)))
        .await??;
    let node = Arc::new(node);
    print_genesis(&node);
    let listener = std::net::TcpListener::bind(args.rpc_addr)
        .with_context(|| format!("cannot listen on {}", args.rpc_addr))?;
    let address = listener.local_addr()?;
    println!(
        "JSON-RPC (spec {} at / and {}, spec {} at {}) on http://{address}",
        SpecVersion::V0_10,
        SpecVersion::V0_10.path(),
        SpecVersion::V0_9,
        SpecVersion::V0_9.path(),
    );
    sequencer::server::run(node, listener, crate::run::shutdown_signal()).await?;
    Ok(())
}

fn print_genesis(node: &Node) {
    let genesis = node.genesis();
    let chain = node.config().chain_id;
    println!("chain id: {:#x} ({})", chain.as_felt(), chain.name().unwrap_or_default());
    println!("prefunded accounts (test keys, worth nothing):");
    for (index, account) in genesis.accounts.iter().enumerate() {
        println!(
            "  [{index}] address {:#x}\n      private key {:#x}\n      public key {:#x}",
            account.address, account.private_key, account.public_key
        );
    }
    println!("account class:      {:#x}", genesis.account_class_hash);
    println!("ERC-20 (WTK):       {:#x}", genesis.erc20_address);
    println!("fibonacci:          {:#x}", genesis.fibonacci_address);
    println!("factorial:          {:#x}", genesis.factorial_address);
    println!("universal deployer: {:#x}", genesis.udc_address);
    println!("minter (devnet_mint): {:#x}", genesis.minter.address);
    let config = node.config();
    match &config.dump_dir {
        Some(dir) => println!("devnet_dump/devnet_load: files under {}", dir.display()),
        None => println!("devnet_dump/devnet_load: off (--dump-dir)"),
    }
    if config.fees {
        println!("fees: on, paid in the ERC-20 (WTK) to {:#x}", config.sequencer_address);
    } else {
        println!("fees: off (receipts report a zero fee)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_flags_reach_the_node_config() {
        use clap::Parser;
        #[derive(Parser)]
        struct Command {
            #[command(flatten)]
            devnet: DevnetArgs,
        }
        let defaults = Command::parse_from(["devnet"]).devnet;
        assert_eq!(defaults.max_tx_steps, 10_000_000);
        assert_eq!(defaults.max_validate_steps, 1_000_000);
        assert_eq!(defaults.max_class_bytes, 4_089_446);
        assert_eq!(defaults.max_bytecode_felts, 81_920);
        assert_eq!(defaults.max_block_steps, 2_000_000);
        let set = Command::parse_from([
            "devnet",
            "--max-tx-steps",
            "5",
            "--max-validate-steps",
            "6",
            "--max-block-steps",
            "7",
            "--max-class-bytes",
            "8",
            "--max-bytecode-felts",
            "9",
        ])
        .devnet;
        let config = node_config(&set).unwrap();
        assert_eq!(config.max_transaction_steps, 5);
        assert_eq!(config.max_validate_steps, 6);
        assert_eq!(config.max_block_steps, 7);
        assert_eq!(config.max_class_bytes, 8);
        assert_eq!(config.max_bytecode_felts, 9);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("2s").unwrap(), Duration::from_secs(2));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("1m").unwrap(), Duration::from_secs(60));
        assert_eq!(parse_duration("3").unwrap(), Duration::from_secs(3));
        assert!(parse_duration("0s").is_err());
        assert_eq!(parse_duration("2h").unwrap(), Duration::from_secs(7200));
        assert_eq!(parse_duration("90d").unwrap(), Duration::from_secs(90 * 86_400));
        assert!(parse_duration("2w").is_err());
        assert!(parse_duration("abc").is_err());
    }
}
