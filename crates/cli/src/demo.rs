//! `watcher-prover demo`: the whole system in one process, data under one directory: the
//! bundled devnet (`DIR/devnet`), a load generator sending signed transactions to it over
//! JSON-RPC, the watcher-prover (`DIR/watcher`, proofs in `DIR/proofs`) and the query API. It
//! prints where everything listens, then a progress line (blocks produced, replayed, proven,
//! lag, steps/s) until Ctrl-C or SIGTERM (or `--duration`), then a JSON summary.
//!
//! Defaults (10 s blocks, 1 tx/s: ten transactions a block, standard security) keep the lag at
//! most 3 blocks on the 2-core machine (measured: at most 1; `benches/RESULTS.md`). Restarting on the same `--data-dir` continues the chain and the
//! pipeline.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chain::Felt;
use clap::Args;
use jsonrpsee::core::client::ClientT;
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use jsonrpsee::rpc_params;
use sequencer::genesis::Genesis;
use sequencer::signing::{invoke_v3, single_call_calldata};
use sequencer::store::Store;
use sequencer::{CairoExecutor, Node, NodeConfig};
use serde_json::{Value, json};
use stark::SecurityPreset;
use tokio::sync::watch;

use crate::config::ServiceConfig;
use crate::devnet::parse_duration;
use crate::devnet_client::selector;
use crate::exit::{Failure, unusable};
use crate::run::{RunningService, prover, shutdown_signal};

#[derive(Args)]
pub struct DemoArgs {
    /// Directory of everything the demo keeps (devnet chain, job index, state copy, proofs).
    #[arg(long, default_value = "./demo-data")]
    data_dir: PathBuf,
    /// Address of the devnet's JSON-RPC.
    #[arg(long, default_value = "127.0.0.1:5050")]
    rpc_addr: SocketAddr,
    /// Address of the query API.
    #[arg(long, default_value = "127.0.0.1:8080")]
    api_addr: SocketAddr,
    /// Time between blocks.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    block_time: Duration,
    /// Transactions per second the load generator sends (fractions allowed; 0: none).
    #[arg(long, default_value_t = 1.0)]
    tps: f64,
    /// Security preset of the proofs (`standard`, `high`, or `test`: insecure and fast).
    #[arg(long, default_value = "standard")]
    security: SecurityPreset,
    /// Blocks proven at once.
    #[arg(long, default_value_t = 1)]
    workers: usize,
    /// Time between progress lines.
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    progress_interval: Duration,
    /// Stop by itself after this long (for benchmarks); runs until Ctrl-C without it.
    #[arg(long, value_parser = parse_duration)]
    duration: Option<Duration>,
}

pub fn run(args: DemoArgs) -> Result<(), Failure> {
    let runtime = tokio::runtime::Runtime::new().map_err(unusable)?;
    runtime.block_on(demo(args)).map_err(|error| unusable(format!("{error:#}")))
}

/// What the load generator did.
#[derive(Default)]
struct LoadStats {
    sent: AtomicU64,
    accepted: AtomicU64,
    failed: AtomicU64,
}

async fn demo(args: DemoArgs) -> Result<()> {
    if !(args.tps.is_finite() && (0.0..=10_000.0).contains(&args.tps)) {
        anyhow::bail!("--tps must be between 0 and 10000");
    }
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("cannot create {}", args.data_dir.display()))?;
    let (stop, stopping) = watch::channel(false);

    // The devnet.
    let config =
        NodeConfig { block_time: args.block_time, account_count: 4, ..NodeConfig::default() };
    let store = Store::open(args.data_dir.join("devnet"))
        .with_context(|| format!("cannot open the devnet data in {}", args.data_dir.display()))?;
    let node = tokio::task::spawn_blocking(move || {
        Node::open(store, config, Arc::new(CairoExecutor::new()))
    })
    .await??;
    let node = Arc::new(node);
    let listener = std::net::TcpListener::bind(args.rpc_addr)
        .with_context(|| format!("cannot listen on {}", args.rpc_addr))?;
    let rpc_addr = listener.local_addr()?;
    let rpc_url = format!("http://{rpc_addr}");
    let devnet =
        tokio::spawn(sequencer::server::run(node.clone(), listener, stopped(stopping.clone())));

    // The watcher-prover and its API.
    let service_config = ServiceConfig {
        rpc_url: rpc_url.clone(),
        data_dir: args.data_dir.join("watcher"),
        store: format!("fs:{}", args.data_dir.join("proofs").display()),
        s3_endpoint: None,
        s3_region: None,
        api_addr: args.api_addr,
        from_block: crate::config::FIRST_PROVABLE_BLOCK,
        confirmations: 0,
        workers: args.workers.max(1),
        poll_interval: Duration::from_millis(250),
        security: args.security,
        os_hash: watcher::OsProver::program_hash()?,
        // The demo's devnet charges no fees: the profile the OS proves.
        fee_token: None,
        eth_fee_token: None,
        sequencer_flavor: watcher::SequencerFlavor::Starknet,
        min_security: crate::config::preset_bits(args.security),
        retry_failed: false,
        budget: watcher::budget::ProveBudget::for_this_machine(args.workers.max(1)),
        divergence_rechecks: 4,
        divergence_recheck_delay: Duration::from_secs(5),
        stall_after: Duration::from_secs(60),
        proof_max_age: None,
    };
    let service =
        RunningService::start(&service_config, prover(&service_config), None, stopping.clone())
            .await?;
    println!("devnet JSON-RPC on {rpc_url} (block time {:?})", args.block_time);
    println!("query API on http://{}", service.api_addr);
    println!("status page: http://{}/", service.api_addr);
    println!("data in {}", args.data_dir.display());
    println!(
        "proving with the bundled OS program {:#x} at {} security",
        service_config.os_hash, args.security
    );

    // The load.
    let stats = Arc::new(LoadStats::default());
    let load = (args.tps > 0.0).then(|| {
        let genesis = node.genesis().clone();
        let chain_id = node.config().chain_id;
        tokio::spawn(generate_load(
            rpc_url.clone(),
            genesis,
            chain_id,
            args.tps,
            stopping.clone(),
            stats.clone(),
        ))
    });
    println!("load: {} tx/s (fibonacci, factorial, ERC-20 transfers)", args.tps);

    let started = Instant::now();
    let first_block = node.latest_block()?.header.block_number;
    let mut max_replay_lag = 0u64;
    let mut max_proof_lag = 0u64;
    let mut ticks = tokio::time::interval(args.progress_interval);
    ticks.tick().await;
    let until = async {
        match args.duration {
            Some(duration) => tokio::time::sleep(duration).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(until);
    let signal = shutdown_signal();
    tokio::pin!(signal);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            () = &mut signal => break,
            () = &mut until => break,
            () = service.watcher_ended() => break,
        }
        let produced = node.latest_block()?.header.block_number;
        let progress = service.progress.borrow().clone();
        // Lags against the devnet's own head (the watcher's view of the head is a poll old).
        let replay_lag = produced.saturating_sub(progress.replayed_through.unwrap_or(0));
        let proof_lag = produced.saturating_sub(progress.settled_through.unwrap_or(0));
        if started.elapsed() > 2 * args.block_time {
            max_replay_lag = max_replay_lag.max(replay_lag);
            max_proof_lag = max_proof_lag.max(proof_lag);
        }
        let proven = format!(
            "{} (settled through {}, failed {})",
            progress.blocks_proven,
            progress.settled_through.map_or("-".into(), |n| n.to_string()),
            progress.blocks_failed
        );
        let steps = if progress.steps_per_second > 0.0 {
            format!("{:.0}", progress.steps_per_second)
        } else {
            "-".into()
        };
        println!(
            "[{:>5.0}s] blocks produced {produced} | replayed {} ({} txs) | proven {proven} | lag {} replay, {} proof | steps/s {steps} | load sent {} accepted {} failed {}",
            started.elapsed().as_secs_f64(),
            progress.replayed_through.map_or("-".into(), |n| n.to_string()),
            progress.transactions_replayed,
            replay_lag,
            proof_lag,
            stats.sent.load(Ordering::Relaxed),
            stats.accepted.load(Ordering::Relaxed),
            stats.failed.load(Ordering::Relaxed),
        );
    }

    println!("stopping...");
    let _ = stop.send(true);
    if let Some(load) = load {
        load.await.context("load generator")?;
    }
    let progress = service.progress.borrow().clone();
    service.wait().await?;
    devnet.await.context("devnet task")??;
    let seconds = started.elapsed().as_secs_f64();
    let minutes = seconds / 60.0;
    let head = node.latest_block()?.header.block_number;
    let produced = head.saturating_sub(first_block);
    let summary = json!({
        "seconds": seconds,
        "blocks_produced": produced,
        "blocks_replayed": progress.blocks_replayed,
        "transactions_replayed": progress.transactions_replayed,
        "blocks_replayed_per_minute": progress.blocks_replayed as f64 / minutes,
        "transactions_replayed_per_minute": progress.transactions_replayed as f64 / minutes,
        "blocks_proven": progress.blocks_proven,
        "max_replay_lag_blocks": max_replay_lag,
        "max_proof_lag_blocks": max_proof_lag,
        "final_replay_lag_blocks": head.saturating_sub(progress.replayed_through.unwrap_or(0)),
        "divergent": progress.blocks_divergent,
        "blocks_failed": progress.blocks_failed,
        "final_proof_lag_blocks": head.saturating_sub(progress.settled_through.unwrap_or(0)),
        "steps_per_second": progress.steps_per_second,
        "security": args.security.to_string(),
        "prover_unavailable": progress.prover_unavailable,
        "load": {
            "target_tps": args.tps,
            "sent": stats.sent.load(Ordering::Relaxed),
            "accepted": stats.accepted.load(Ordering::Relaxed),
            "failed": stats.failed.load(Ordering::Relaxed),
        },
    });
    println!("{}", serde_json::to_string_pretty(&summary)?);
    Ok(())
}

async fn stopped(mut stopping: watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}

/// Sends `tps` signed INVOKE v3 per second from the prefunded accounts, one account after the
/// other, until stopped. A refused transaction re-reads that account's nonce.
async fn generate_load(
    url: String,
    genesis: Genesis,
    chain_id: chain::ChainId,
    tps: f64,
    mut stopping: watch::Receiver<bool>,
    stats: Arc<LoadStats>,
) {
    let Ok(client) = HttpClientBuilder::default().build(&url) else { return };
    let (Ok(fibonacci), Ok(factorial), Ok(transfer)) =
        (selector("fibonacci"), selector("factorial"), selector("transfer"))
    else {
        return;
    };
    let mut nonces: Vec<Option<Felt>> = vec![None; genesis.accounts.len()];
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / tps));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut sent = 0u64;
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
        let index = (sent as usize) % genesis.accounts.len();
        let account = &genesis.accounts[index];
        let nonce = match nonces[index] {
            Some(nonce) => nonce,
            None => match next_nonce(&client, account.address).await {
                Some(nonce) => nonce,
                None => continue,
            },
        };
        let n = Felt::from(10 + sent % 50);
        let calldata = match sent % 3 {
            0 => single_call_calldata(genesis.fibonacci_address, fibonacci, &[n]),
            1 => single_call_calldata(genesis.factorial_address, factorial, &[n]),
            _ => {
                let to = genesis.accounts[(index + 1) % genesis.accounts.len()].address;
                single_call_calldata(genesis.erc20_address, transfer, &[to, Felt::ONE, Felt::ZERO])
            }
        };
        sent += 1;
        let Ok((_, tx)) =
            invoke_v3(chain_id, account.address, &account.private_key, nonce, calldata)
        else {
            continue;
        };
        stats.sent.fetch_add(1, Ordering::Relaxed);
        let answer: Result<Value, _> =
            client.request("starknet_addInvokeTransaction", rpc_params![tx]).await;
        match answer {
            Ok(_) => {
                stats.accepted.fetch_add(1, Ordering::Relaxed);
                nonces[index] = Some(nonce + Felt::ONE);
            }
            Err(error) => {
                stats.failed.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(%error, "load transaction refused");
                nonces[index] = None;
            }
        }
    }
}

async fn next_nonce(client: &HttpClient, account: Felt) -> Option<Felt> {
    client.request("starknet_getNonce", rpc_params!["pre_confirmed", account]).await.ok()
}
