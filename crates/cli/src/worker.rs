//! `watcher-prover worker`: a stateless prover of a cluster. It leases jobs from the
//! PostgreSQL queue (`--database-url`), reads each block's witness from the store (`--store`,
//! S3 for a cluster), proves and verifies it, stores the proof and acknowledges
//! (`watcher::ProofWorker`). It needs neither the sequencer nor a state database: scale it out
//! as far as the queue is deep.
//!
//! It serves `/livez`, `/readyz` and `/metrics` (and the read-only query API over the same
//! queue and store) on `--addr`, for probes and Prometheus.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use api::{ApiConfig, ApiState, Metrics, VerifyPolicy};
use clap::Args;
use proof_store::{QueuePolicy, S3Options, StoreUrl};
use stark::SecurityPreset;
use tokio::sync::watch;
use watcher::budget::ProveBudget;
use watcher::{OsProver, ProofWorker, WorkerConfig};

use crate::config::{parse_bytes, preset_bits};
use crate::coordinator::connect;
use crate::devnet::parse_duration;
use crate::exit::{Failure, unusable};
use crate::run::shutdown_signal;

#[derive(Args)]
pub struct WorkerArgs {
    /// The cluster's PostgreSQL job database: `postgres://USER:PASSWORD@HOST:PORT/DB`.
    #[arg(long, env = "WATCHER_PROVER_DATABASE_URL")]
    database_url: String,
    /// Where witnesses are read and proofs written: `s3://BUCKET/PREFIX` (or `fs:DIR` for a
    /// cluster on one machine).
    #[arg(long, env = "WATCHER_PROVER_STORE")]
    store: String,
    /// S3-compatible endpoint (MinIO, ...); AWS itself when absent.
    #[arg(long, env = "WATCHER_PROVER_S3_ENDPOINT")]
    s3_endpoint: Option<String>,
    /// S3 region [default: the AWS chain's, else us-east-1].
    #[arg(long, env = "WATCHER_PROVER_S3_REGION")]
    s3_region: Option<String>,
    /// This worker's name in leases and logs [default: HOSTNAME-PID].
    #[arg(long, env = "WATCHER_PROVER_WORKER_ID")]
    worker_id: Option<String>,
    /// How long a lease lasts without a heartbeat: how soon the block of a dead worker is
    /// proven by another.
    #[arg(long, env = "WATCHER_PROVER_LEASE", default_value = "60s", value_parser = parse_duration)]
    lease: Duration,
    /// Time between heartbeats [default: a sixth of `--lease`].
    #[arg(long, env = "WATCHER_PROVER_HEARTBEAT", value_parser = parse_duration)]
    heartbeat: Option<Duration>,
    /// Time between polls of an empty queue.
    #[arg(long, env = "WATCHER_PROVER_POLL_INTERVAL", default_value = "1s", value_parser = parse_duration)]
    poll_interval: Duration,
    /// Attempts of one block before it is dead-lettered (`failed` with the reason).
    #[arg(long, env = "WATCHER_PROVER_MAX_ATTEMPTS", default_value_t = 5)]
    max_attempts: u32,
    /// Security preset of the proofs made: `standard`, `high` or `test` (insecure).
    #[arg(long, env = "WATCHER_PROVER_SECURITY", default_value = "standard")]
    security: SecurityPreset,
    /// OS program hash that proofs must be about [default: the bundled OS program's].
    #[arg(long, env = "WATCHER_PROVER_OS_HASH")]
    os_hash: Option<String>,
    /// Minimum conjectured security of a proof before it is stored [default: the preset's].
    #[arg(long, env = "WATCHER_PROVER_MIN_SECURITY")]
    min_security: Option<u32>,
    /// Most Cairo steps of one block's proof [default: 8388608 = 2^23].
    #[arg(long, env = "WATCHER_PROVER_MAX_BLOCK_STEPS")]
    max_block_steps: Option<u64>,
    /// Most estimated memory to prove one block (`12GiB`) [default: 70% of the machine's or
    /// the cgroup's memory].
    #[arg(long, env = "WATCHER_PROVER_MAX_PROVE_MEMORY", value_parser = parse_bytes)]
    max_prove_memory: Option<u64>,
    /// Address of `/livez`, `/readyz`, `/metrics` (and the read-only query API).
    #[arg(long, env = "WATCHER_PROVER_WORKER_ADDR", default_value = "127.0.0.1:9090")]
    addr: SocketAddr,
    /// Stop after this many jobs (benchmarks, tests) [default: run until SIGINT/SIGTERM].
    #[arg(long)]
    max_blocks: Option<u64>,
}

pub fn run(args: WorkerArgs) -> Result<(), Failure> {
    let runtime = tokio::runtime::Runtime::new().map_err(unusable)?;
    runtime.block_on(work(args)).map_err(|error| unusable(format!("{error:#}")))
}

async fn work(args: WorkerArgs) -> Result<()> {
    let os_program_hash = match &args.os_hash {
        Some(text) => chain::Felt::from_hex(text)
            .map_err(|error| anyhow::anyhow!("--os-hash {text:?}: {error}"))?,
        None => OsProver::program_hash()?,
    };
    let policy = VerifyPolicy {
        min_security_bits: args.min_security.unwrap_or(preset_bits(args.security)),
        os_program_hash,
    };
    let machine = ProveBudget::for_this_machine(1);
    let budget = ProveBudget {
        max_steps: args.max_block_steps.unwrap_or(machine.max_steps),
        max_memory_bytes: args.max_prove_memory.unwrap_or(machine.max_memory_bytes),
    };
    let queue_policy =
        QueuePolicy { max_attempts: args.max_attempts.max(1), ..QueuePolicy::default() };
    let queue = connect(&args.database_url, queue_policy).await?;
    let location: StoreUrl = args.store.parse()?;
    let s3 = S3Options {
        endpoint_url: args.s3_endpoint.clone(),
        region: args.s3_region.clone(),
        ..S3Options::default()
    };
    let store = location.open(&s3).await.with_context(|| format!("cannot open {location}"))?;
    let witnesses =
        location.open_witnesses(&s3).await.with_context(|| format!("cannot open {location}"))?;
    let metrics = Metrics::new();

    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr()?;
    let state = ApiState::with_config(
        store.clone(),
        queue.clone(),
        policy,
        metrics.clone(),
        ApiConfig::default(),
    );
    let (stop, stopping) = watch::channel(false);
    let mut api_stopping = stopping.clone();
    let api = tokio::spawn(api::run(listener, state, async move {
        let _ = api_stopping.wait_for(|stop| *stop).await;
    }));

    let id = args.worker_id.clone().unwrap_or_else(default_worker_id);
    let mut config = WorkerConfig::new(id.clone(), policy);
    config.lease_duration = args.lease;
    config.heartbeat_interval = args.heartbeat.unwrap_or(args.lease / 6);
    config.poll_interval = args.poll_interval;
    config.max_blocks = args.max_blocks;
    let prover = Arc::new(OsProver::with_budget(args.security, budget));
    let worker =
        ProofWorker::new(config, Arc::new(queue.clone()), witnesses, store, prover, metrics);
    println!("worker {id}: jobs from {}, store {location}", queue.location());
    println!("probes and metrics on http://{addr}");
    worker.run(shutdown_signal()).await?;
    let _ = stop.send(true);
    api.await.context("API task")??;
    Ok(())
}

/// `HOSTNAME-PID` (a pod's name in Kubernetes).
fn default_worker_id() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "worker".into());
    format!("{host}-{}", std::process::id())
}
