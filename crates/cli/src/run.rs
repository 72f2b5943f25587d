//! `watcher-prover run`: the service. Watches a sequencer, replays, proves, verifies and stores
//! every block (the `watcher` crate) and serves the query API (`api` crate) until SIGINT or
//! SIGTERM; settings from flags, environment variables and a TOML file ([`crate::config`]).
//!
//! Layout of `--data-dir`: `jobs/` (sled job index: statuses, checkpoint), `state/` (sled: the
//! watcher's state copy, block hashes, classes) and, with the default `--store`, `proofs/`.
//!
//! Blocks are proven by the bundled Cairo OS program (`watcher::OsProver`) at `--security`:
//! INVOKE, DEPLOY_ACCOUNT and DECLARE v1, reverted transactions included (their reverted flag is
//! trusted: README.md, trust assumptions). Genesis is not proven (it is the chain's definition,
//! made by system deployments; `--from-block` defaults to 1): asked for, its job ends `failed`
//! with the reason. Replay, state roots, divergence detection and the API work for every block.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use api::{ApiState, Metrics, VerifyPolicy};
use clap::Args;
use proof_store::{JobIndex, S3Options, StoreUrl};
use stark::SecurityPreset;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use watcher::{BlockProver, OsProver, Progress, SequencerClient, Watcher, WatcherConfig};

use crate::config::{ServiceArgs, ServiceConfig};
use crate::exit::{Failure, unusable};

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    service: ServiceArgs,
}

pub fn run(args: RunArgs) -> Result<(), Failure> {
    let config = args.service.resolve().map_err(|error| unusable(format!("{error:#}")))?;
    let runtime = tokio::runtime::Runtime::new().map_err(unusable)?;
    runtime.block_on(serve(config)).map_err(|error| unusable(format!("{error:#}")))
}

/// The prover of this build: the bundled OS at `preset`.
pub fn prover(preset: SecurityPreset) -> Arc<dyn BlockProver> {
    Arc::new(OsProver::new(preset))
}

async fn serve(config: ServiceConfig) -> Result<()> {
    let prover = prover(config.security);
    let (stop, stopping) = watch::channel(false);
    let service = RunningService::start(&config, prover, stopping).await?;
    println!("watching {} (data in {})", config.rpc_url, config.data_dir.display());
    println!("proofs to {}", config.store);
    println!("query API on http://{}", service.api_addr);
    println!(
        "proving with the bundled OS program {:#x} at {} security (stored proofs: >= {} bits)",
        config.os_hash, config.security, config.min_security
    );
    shutdown_signal().await;
    let _ = stop.send(true);
    service.wait().await
}

/// The watcher and the query API, running.
pub struct RunningService {
    pub api_addr: SocketAddr,
    pub progress: watch::Receiver<Progress>,
    watcher: JoinHandle<Result<(), watcher::WatcherError>>,
    api: JoinHandle<Result<(), api::ApiError>>,
}

impl RunningService {
    /// Opens the job index and the store, binds the API and starts both; they stop when
    /// `stopping` turns true.
    pub async fn start(
        config: &ServiceConfig,
        prover: Arc<dyn BlockProver>,
        stopping: watch::Receiver<bool>,
    ) -> Result<Self> {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("cannot create {}", config.data_dir.display()))?;
        let jobs = JobIndex::open(config.data_dir.join("jobs")).with_context(|| {
            format!(
                "cannot open the job index in {} (is another service running on it?)",
                config.data_dir.display()
            )
        })?;
        let location: StoreUrl = config.store.parse()?;
        let s3 = S3Options {
            endpoint_url: config.s3_endpoint.clone(),
            region: config.s3_region.clone(),
            ..S3Options::default()
        };
        let store = location.open(&s3).await.with_context(|| format!("cannot open {location}"))?;
        let metrics = Metrics::new();
        let policy = VerifyPolicy {
            min_security_bits: config.min_security,
            os_program_hash: config.os_hash,
        };

        let listener = tokio::net::TcpListener::bind(config.api_addr)
            .await
            .with_context(|| format!("cannot listen on {}", config.api_addr))?;
        let api_addr = listener.local_addr()?;
        let state = ApiState::new(store.clone(), jobs.clone(), policy, metrics.clone());
        let api = tokio::spawn(api::run(listener, state, stopped(stopping.clone())));

        let mut watcher_config = WatcherConfig::new(&config.data_dir, policy);
        watcher_config.from_block = config.from_block;
        watcher_config.confirmations = config.confirmations;
        watcher_config.workers = config.workers;
        watcher_config.poll_interval = config.poll_interval;
        watcher_config.retry_failed = config.retry_failed;
        let client = SequencerClient::new(&config.rpc_url, Duration::from_secs(30))?;
        let watcher = Watcher::new(watcher_config, client, jobs, store, prover, metrics);
        let progress = watcher.progress();
        let watcher = tokio::spawn(watcher.run(stopped(stopping)));
        Ok(RunningService { api_addr, progress, watcher, api })
    }

    /// Waits until both have stopped (after `stopping` turned true).
    pub async fn wait(self) -> Result<()> {
        self.watcher.await.context("watcher task")??;
        self.api.await.context("API task")??;
        Ok(())
    }
}

async fn stopped(mut stopping: watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
