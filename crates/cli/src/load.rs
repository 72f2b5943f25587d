//! `watcher-prover load`: signs real INVOKE v3 transactions from a devnet's prefunded accounts
//! (fibonacci, factorial, ERC-20 transfers) at a target rate, and reports sent, accepted and
//! failed transactions, the achieved rate and the acceptance latency.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chain::Felt;
use clap::{Args, ValueEnum};
use jsonrpsee::core::client::ClientT;
use jsonrpsee::rpc_params;
use sequencer::signing::{invoke_v3, single_call_calldata};
use serde_json::{Value, json};
use tokio::sync::Semaphore;

use crate::devnet::parse_duration;
use crate::devnet_client::{DevnetClient, devnet_genesis, error_text, selector};
use crate::exit::{Failure, unusable};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// `fibonacci(n)`.
    Fib,
    /// `factorial(n)`.
    Fact,
    /// An ERC-20 transfer of 1 unit to another prefunded account.
    Erc20,
}

#[derive(Args)]
pub struct LoadArgs {
    /// The devnet's JSON-RPC URL.
    #[arg(long)]
    rpc_url: String,
    /// Target transactions per second.
    #[arg(long, default_value_t = 50)]
    tps: u32,
    /// How long to send.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    duration: Duration,
    /// Transaction kinds, used in turn.
    #[arg(long, default_value = "fib,fact,erc20", value_delimiter = ',')]
    mix: Vec<Kind>,
    /// How many of the devnet's prefunded accounts to send from (at most its `--accounts`).
    #[arg(long, default_value_t = 10)]
    accounts: u64,
    /// The devnet's `--seed`.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Most requests in flight.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
}

pub fn run(args: LoadArgs) -> Result<(), Failure> {
    if args.tps == 0 || args.mix.is_empty() || args.accounts == 0 {
        return Err(unusable("--tps, --mix and --accounts must be non-empty"));
    }
    let runtime = tokio::runtime::Runtime::new().map_err(unusable)?;
    runtime.block_on(load(args)).map_err(|e| unusable(format!("{e:#}")))
}

#[derive(Default)]
struct Stats {
    accepted: u64,
    failed: u64,
    latencies_ms: Vec<f64>,
    errors: BTreeMap<String, u64>,
    /// Accounts whose nonce must be re-read after a failure.
    resync: Vec<usize>,
    last_accepted: BTreeMap<usize, Felt>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

async fn load(args: LoadArgs) -> Result<()> {
    let devnet = Arc::new(DevnetClient::connect(&args.rpc_url).await?);
    let genesis = devnet_genesis(args.accounts, args.seed)?;
    let first = genesis.accounts[0].address;
    let class: Result<Value, _> =
        devnet.client.request("starknet_getClassHashAt", rpc_params!["latest", first]).await;
    if class.is_err() {
        bail!("account {first:#x} is not deployed: does the devnet run with --seed {}?", args.seed);
    }
    let mut nonces = Vec::with_capacity(genesis.accounts.len());
    for account in &genesis.accounts {
        nonces.push(devnet.next_nonce(account.address).await?);
    }
    let (fib, fact, transfer) =
        (selector("fibonacci")?, selector("factorial")?, selector("transfer")?);
    let start_block: u64 = devnet.client.request("starknet_blockNumber", rpc_params![]).await?;

    let stats = Arc::new(Mutex::new(Stats::default()));
    let permits = Arc::new(Semaphore::new(args.concurrency.max(1)));
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(args.tps)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let started = Instant::now();
    let mut sent = 0u64;
    let mut tasks = Vec::new();
    eprintln!("sending {} tx/s for {:?} from {} accounts", args.tps, args.duration, nonces.len());
    while started.elapsed() < args.duration {
        ticks.tick().await;
        let index = (sent as usize) % nonces.len();
        let resync = std::mem::take(&mut stats.lock().expect("stats lock").resync);
        for account in resync {
            nonces[account] = devnet.next_nonce(genesis.accounts[account].address).await?;
        }
        let account = &genesis.accounts[index];
        let n = Felt::from(10 + sent % 50);
        let calldata = match args.mix[(sent as usize / nonces.len()) % args.mix.len()] {
            Kind::Fib => single_call_calldata(genesis.fibonacci_address, fib, &[n]),
            Kind::Fact => single_call_calldata(genesis.factorial_address, fact, &[n]),
            Kind::Erc20 => {
                let to = genesis.accounts[(index + 1) % genesis.accounts.len()].address;
                single_call_calldata(genesis.erc20_address, transfer, &[to, Felt::ONE, Felt::ZERO])
            }
        };
        let nonce = nonces[index];
        nonces[index] += Felt::ONE;
        let (hash, tx) =
            invoke_v3(devnet.chain_id, account.address, &account.private_key, nonce, calldata)?;
        sent += 1;
        let permit = permits.clone().acquire_owned().await.context("semaphore closed")?;
        let (devnet, stats) = (devnet.clone(), stats.clone());
        tasks.push(tokio::spawn(async move {
            let sent_at = Instant::now();
            let answer: Result<Value, _> =
                devnet.client.request("starknet_addInvokeTransaction", rpc_params![tx]).await;
            let latency = sent_at.elapsed().as_secs_f64() * 1000.0;
            drop(permit);
            let mut stats = stats.lock().expect("stats lock");
            match answer {
                Ok(_) => {
                    stats.accepted += 1;
                    stats.latencies_ms.push(latency);
                    stats.last_accepted.insert(index, hash);
                }
                Err(error) => {
                    stats.failed += 1;
                    *stats.errors.entry(error_text(error)).or_default() += 1;
                    stats.resync.push(index);
                }
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let sending = started.elapsed();
    let last: Vec<Felt> =
        stats.lock().expect("stats lock").last_accepted.values().copied().collect();
    let included = wait_included(&devnet, &last).await;
    let end_block: u64 = devnet.client.request("starknet_blockNumber", rpc_params![]).await?;

    let mut stats = Arc::try_unwrap(stats)
        .map_err(|_| anyhow::anyhow!("sender tasks still running"))?
        .into_inner()
        .expect("stats lock");
    stats.latencies_ms.sort_by(f64::total_cmp);
    let summary = json!({
        "sent": sent,
        "accepted": stats.accepted,
        "failed": stats.failed,
        "seconds": sending.as_secs_f64(),
        "target_tps": args.tps,
        "achieved_tps": stats.accepted as f64 / sending.as_secs_f64(),
        "latency_ms": {
            "p50": percentile(&stats.latencies_ms, 0.5),
            "p99": percentile(&stats.latencies_ms, 0.99),
            "max": stats.latencies_ms.last().copied().unwrap_or(0.0),
        },
        "last_transactions_included": included,
        "blocks": end_block.saturating_sub(start_block),
        "errors": stats.errors,
    });
    println!("{}", serde_json::to_string_pretty(&summary)?);
    Ok(())
}

/// Waits (up to a minute) until the last accepted transaction of every account is in a block;
/// returns whether they all made it.
async fn wait_included(devnet: &DevnetClient, hashes: &[Felt]) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    for hash in hashes {
        loop {
            let status: Result<Value, _> =
                devnet.client.request("starknet_getTransactionStatus", rpc_params![hash]).await;
            match status {
                Ok(status) if status["finality_status"] == "ACCEPTED_ON_L2" => break,
                Ok(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                _ => return false,
            }
        }
    }
    true
}
