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
use api::{ApiConfig, ApiState, Metrics, VerifyPolicy};
use clap::Args;
use proof_store::{JobIndex, PgJobQueue, S3Options, StoreUrl, WitnessStore};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use watcher::{
    BlockProver, OsProver, Progress, Publisher, SequencerClient, Watcher, WatcherConfig,
};

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

/// The prover of this build: the bundled OS at the configured preset, within its budget.
pub fn prover(config: &ServiceConfig) -> Arc<dyn BlockProver> {
    Arc::new(OsProver::with_budget(config.security, config.budget))
}

async fn serve(config: ServiceConfig) -> Result<()> {
    let prover = prover(&config);
    let (stop, stopping) = watch::channel(false);
    let service = RunningService::start(&config, prover, None, stopping).await?;
    println!("watching {} (data in {})", config.rpc_url, config.data_dir.display());
    println!("proofs to {}", config.store);
    println!("query API on http://{}", service.api_addr);
    println!("status page: http://{}/", service.api_addr);
    println!(
        "proving with the bundled OS program {:#x} at {} security (stored proofs: >= {} bits)",
        config.os_hash, config.security, config.min_security
    );
    tokio::select! {
        () = shutdown_signal() => {}
        () = service.watcher_ended() => {}
    }
    let _ = stop.send(true);
    service.wait().await
}

/// The watcher and the query API, running.
pub struct RunningService {
    pub api_addr: SocketAddr,
    pub progress: watch::Receiver<Progress>,
    watcher: JoinHandle<Result<(), watcher::WatcherError>>,
    /// Turns true when the watcher's task returns, which before shutdown means a fatal error
    /// (`WatcherError::is_fatal`): the command then stops instead of serving on without it.
    watcher_ended: watch::Receiver<bool>,
    api: JoinHandle<Result<(), api::ApiError>>,
    /// The API's own runtime: its worker and blocking threads are not the pipeline's, so a
    /// busy pipeline (replay, I/O, many blocks in flight) does not queue queries behind it.
    /// (Always `Some` until dropped or waited for.)
    api_runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for RunningService {
    fn drop(&mut self) {
        // Dropping a runtime blocks on its threads, which an async context may not do.
        if let Some(runtime) = self.api_runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// What makes the service a prover cluster's coordinator (`watcher-prover coordinator`): the
/// job queue (which the API then reads) and the witness store.
pub struct Cluster {
    pub queue: PgJobQueue,
    pub witnesses: Arc<dyn WitnessStore>,
}

/// Worker threads of the API's runtime (queries are I/O; verifications run on its blocking
/// pool, bounded by `ApiConfig::max_concurrent_verifications`).
const API_WORKER_THREADS: usize = 2;

impl RunningService {
    /// Opens the job index and the store, binds the API and starts both; they stop when
    /// `stopping` turns true. With a `cluster`, replayed blocks go to its queue instead of
    /// `prover`, and the API reads the queue.
    pub async fn start(
        config: &ServiceConfig,
        prover: Arc<dyn BlockProver>,
        cluster: Option<Cluster>,
        stopping: watch::Receiver<bool>,
    ) -> Result<Self> {
        let layout = watcher::open_data_dir(&config.data_dir)?;
        tracing::info!(data_dir = %config.data_dir.display(), ?layout, "data directory");
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

        let listener = std::net::TcpListener::bind(config.api_addr)
            .with_context(|| format!("cannot listen on {}", config.api_addr))?;
        listener.set_nonblocking(true)?;
        let api_addr = listener.local_addr()?;
        let api_config = ApiConfig {
            stall_after: config.stall_after,
            sequencer_url: Some(config.rpc_url.clone()),
            proof_max_age: config.proof_max_age,
            ..ApiConfig::default()
        };
        let state = match &cluster {
            Some(cluster) => ApiState::with_config(
                store.clone(),
                cluster.queue.clone(),
                policy,
                metrics.clone(),
                api_config,
            ),
            None => ApiState::with_config(
                store.clone(),
                jobs.clone(),
                policy,
                metrics.clone(),
                api_config,
            ),
        };
        let api_runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(API_WORKER_THREADS)
            .thread_name("api")
            .enable_all()
            .build()
            .context("cannot start the API's runtime")?;
        // The listener registers with the reactor of the runtime it is made in: the API's.
        let listener = {
            let _api = api_runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let api = api_runtime.spawn(api::run(listener, state, stopped(stopping.clone())));

        let mut watcher_config = WatcherConfig::new(&config.data_dir, policy);
        watcher_config.from_block = config.from_block;
        watcher_config.confirmations = config.confirmations;
        watcher_config.fee_token = config.fee_token;
        watcher_config.eth_fee_token = config.eth_fee_token;
        watcher_config.flavor = config.sequencer_flavor;
        watcher_config.workers = config.workers;
        watcher_config.poll_interval = config.poll_interval;
        watcher_config.retry_failed = config.retry_failed;
        watcher_config.divergence_rechecks = config.divergence_rechecks;
        watcher_config.divergence_recheck_delay = config.divergence_recheck_delay;
        let client = SequencerClient::new(&config.rpc_url, Duration::from_secs(30))?;
        if let Some(cluster) = &cluster {
            tokio::spawn(report_queue(cluster.queue.clone(), metrics.clone(), stopping.clone()));
        }
        if let Some(max_age) = config.proof_max_age {
            let interval = retention_interval(max_age);
            tracing::info!(?max_age, ?interval, "proofs older than the age limit are deleted");
            let retention = proof_store::retention::run_retention(
                store.clone(),
                max_age,
                interval,
                stopping.clone(),
            );
            tokio::spawn(retention);
        }
        let mut watcher = Watcher::new(watcher_config, client, jobs, store, prover, metrics);
        if let Some(cluster) = cluster {
            watcher = watcher.publishing_to(Publisher {
                queue: Arc::new(cluster.queue),
                witnesses: cluster.witnesses,
                prover: Arc::new(OsProver::with_budget(config.security, config.budget)),
            });
        }
        let progress = watcher.progress();
        let (ended, watcher_ended) = watch::channel(false);
        let watcher = tokio::spawn(async move {
            let result = watcher.run(stopped(stopping)).await;
            let _ = ended.send(true);
            result
        });
        Ok(RunningService {
            api_addr,
            progress,
            watcher,
            watcher_ended,
            api,
            api_runtime: Some(api_runtime),
        })
    }

    /// Completes when the watcher has stopped on its own (a fatal error, which
    /// [`RunningService::wait`] then returns).
    pub async fn watcher_ended(&self) {
        let mut ended = self.watcher_ended.clone();
        let _ = ended.wait_for(|ended| *ended).await;
    }

    /// Waits until both have stopped (after `stopping` turned true).
    pub async fn wait(mut self) -> Result<()> {
        let watched = (&mut self.watcher).await.context("watcher task");
        let served = (&mut self.api).await.context("API task");
        // Both have returned; the API runtime's threads go when `self` drops.
        watched??;
        served??;
        Ok(())
    }
}

/// How often the age limit is applied: a 24th of it, between a second and an hour.
fn retention_interval(max_age: Duration) -> Duration {
    (max_age / 24).clamp(Duration::from_secs(1), Duration::from_secs(3600))
}

/// How often a coordinator reads the queue's depth into its metrics.
const QUEUE_REPORT_INTERVAL: Duration = Duration::from_secs(5);

/// Keeps `watcher_prover_queue_*` current (what the workers' autoscaler reads).
async fn report_queue(queue: PgJobQueue, metrics: Metrics, stopping: watch::Receiver<bool>) {
    use proof_store::JobQueue;
    let mut stopping = stopping;
    loop {
        match queue.depth().await {
            Ok(depth) => metrics.set_queue(
                [
                    ("queued", depth.queued),
                    ("leased", depth.leased),
                    ("stored", depth.stored),
                    ("dead", depth.dead),
                ],
                depth.oldest_lease_age,
            ),
            Err(error) => tracing::warn!(%error, "cannot read the queue's depth"),
        }
        tokio::select! {
            () = tokio::time::sleep(QUEUE_REPORT_INTERVAL) => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
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
