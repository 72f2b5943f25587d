//! Shared test tooling: an in-process devnet (the real `sequencer` node over loopback), a load
//! sender, the service (watcher + query API over real sled and a real store), a JSON-RPC proxy
//! that can lie, and the test-only stand-in prover.
#![allow(dead_code)] // each test binary uses a different subset

pub mod proxy;
pub mod stand_in;

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use api::{ApiState, Metrics, VerifyPolicy};
use chain::Felt;
use jsonrpsee::core::client::ClientT;
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use jsonrpsee::rpc_params;
use proof_store::{JobIndex, ProofStore, RetryPolicy};
use sequencer::store::Store;
use sequencer::{CairoExecutor, Node, NodeConfig};
use serde_json::Value;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;
use watcher::{BlockProver, Progress, SequencerClient, Watcher, WatcherConfig, WatcherError};

/// Logs to the test output with `RUST_LOG=...`.
pub fn init_logs() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,cairo_vm=off".into()),
        )
        .with_test_writer()
        .try_init();
}

/// A free loopback address (bound, then released).
pub fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap()
}

/// A devnet node served on loopback, producing a block every `block_time`.
pub struct Devnet {
    pub node: Arc<Node>,
    pub url: String,
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Devnet {
    /// Opens (or reopens) the chain in `dir` and serves it on `addr`.
    pub async fn start(dir: &Path, addr: SocketAddr, seed: u64, block_time: Duration) -> Devnet {
        let config = NodeConfig { block_time, account_count: 3, seed, ..NodeConfig::default() };
        Devnet::start_with(dir, addr, config).await
    }

    /// [`Devnet::start`] with a whole node configuration.
    pub async fn start_with(dir: &Path, addr: SocketAddr, config: NodeConfig) -> Devnet {
        let store = Store::open(dir).unwrap();
        let node = tokio::task::spawn_blocking(move || {
            let executor = CairoExecutor::with_config(config.executor_config());
            Node::open(store, config, Arc::new(executor)).unwrap()
        })
        .await
        .unwrap();
        let node = Arc::new(node);
        let listener = bind_retrying(addr).await;
        let addr = listener.local_addr().unwrap();
        let url = format!("http://{addr}");
        let (stop, stopped) = oneshot::channel::<()>();
        let served = node.clone();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            sequencer::server::run(served, listener, shutdown).await.unwrap();
        });
        Devnet { node, url, addr, stop: Some(stop), task: Some(task) }
    }

    /// Stops serving and producing, and releases the data directory.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
    }

    pub fn latest(&self) -> u64 {
        self.node.latest_block().unwrap().header.block_number
    }

    /// `(hash, state root)` of block `number`.
    pub fn block(&self, number: u64) -> (Felt, Felt) {
        let record = self.node.store().block(number).unwrap().expect("block exists");
        (record.block_hash, record.header.state_root)
    }

    pub fn transaction_count(&self, number: u64) -> usize {
        self.node.store().block(number).unwrap().expect("block exists").transaction_hashes.len()
    }

    /// Sends `count` signed INVOKE v3 (fibonacci calls and ERC-20 transfers) over JSON-RPC.
    pub async fn send_load(&self, count: usize) -> Vec<Felt> {
        send_load(&self.url, self.node.genesis(), self.node.config().chain_id, count).await
    }

    /// Waits until the mempool is empty and returns the latest block number then.
    pub async fn wait_included(&self) -> u64 {
        let node = self.node.clone();
        wait_for(30, "transactions included", || {
            let node = node.clone();
            async move { node.mempool_len().unwrap() == 0 }
        })
        .await;
        self.latest()
    }
}

/// A std listener on `addr`, retrying while a previous server still holds the port.
async fn bind_retrying(addr: SocketAddr) -> std::net::TcpListener {
    for _ in 0..100 {
        match std::net::TcpListener::bind(addr) {
            Ok(listener) => return listener,
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("cannot bind {addr}");
}

/// Signs and sends `count` transactions from the genesis accounts.
pub async fn send_load(
    url: &str,
    genesis: &sequencer::genesis::Genesis,
    chain_id: chain::ChainId,
    count: usize,
) -> Vec<Felt> {
    let client = client(url);
    let fibonacci = starknet_core::utils::get_selector_from_name("fibonacci").unwrap();
    let transfer = starknet_core::utils::get_selector_from_name("transfer").unwrap();
    let mut hashes = Vec::new();
    for index in 0..count {
        let account = &genesis.accounts[index % genesis.accounts.len()];
        let nonce: Felt = client
            .request("starknet_getNonce", rpc_params!["pre_confirmed", account.address])
            .await
            .unwrap();
        let calldata = if index % 2 == 0 {
            sequencer::signing::single_call_calldata(
                genesis.fibonacci_address,
                fibonacci,
                &[Felt::from(10 + index as u64)],
            )
        } else {
            let to = genesis.accounts[(index + 1) % genesis.accounts.len()].address;
            sequencer::signing::single_call_calldata(
                genesis.erc20_address,
                transfer,
                &[to, Felt::ONE, Felt::ZERO],
            )
        };
        let (hash, tx) = sequencer::signing::invoke_v3(
            chain_id,
            account.address,
            &account.private_key,
            nonce,
            calldata,
        )
        .unwrap();
        let _: Value =
            client.request("starknet_addInvokeTransaction", rpc_params![tx]).await.unwrap();
        hashes.push(hash);
    }
    hashes
}

pub fn client(url: &str) -> HttpClient {
    HttpClientBuilder::default().build(url).unwrap()
}

/// Polls `condition` every 50 ms until it holds; panics after `seconds`.
pub async fn wait_for<F, Fut>(seconds: u64, what: &str, condition: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !condition().await {
        assert!(Instant::now() < deadline, "timed out after {seconds} s waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until a progress snapshot satisfies `condition`.
pub async fn wait_progress(
    progress: &watch::Receiver<Progress>,
    seconds: u64,
    what: &str,
    condition: impl Fn(&Progress) -> bool,
) -> Progress {
    let mut watched = progress.clone();
    let waited = tokio::time::timeout(Duration::from_secs(seconds), async move {
        watched.wait_for(|snapshot| condition(snapshot)).await.map(|snapshot| snapshot.clone())
    })
    .await;
    match waited {
        Ok(Ok(snapshot)) => snapshot,
        _ => panic!("timed out after {seconds} s waiting for {what}: {:?}", *progress.borrow()),
    }
}

/// How a test runs the service.
pub struct ServiceOptions {
    pub rpc_url: String,
    pub data_dir: PathBuf,
    pub prover: Arc<dyn BlockProver>,
    pub store: Arc<dyn ProofStore>,
    pub policy: VerifyPolicy,
    pub workers: usize,
    pub confirmations: u64,
    pub from_block: u64,
    pub retry_failed: bool,
    /// `WatcherConfig::divergence_rechecks` (tests: 1 by default, so a lie is marked soon).
    pub divergence_rechecks: u32,
    /// `WatcherConfig::divergence_recheck_delay` (tests: 100 ms by default).
    pub divergence_recheck_delay: Duration,
    /// `WatcherConfig::fee_token` (none by default).
    pub fee_token: Option<chain::Felt>,
    /// `WatcherConfig::flavor` (Starknet's by default).
    pub flavor: watcher::SequencerFlavor,
}

impl ServiceOptions {
    pub fn new(
        rpc_url: &str,
        data_dir: &Path,
        prover: Arc<dyn BlockProver>,
        store: Arc<dyn ProofStore>,
        policy: VerifyPolicy,
    ) -> Self {
        ServiceOptions {
            rpc_url: rpc_url.to_owned(),
            data_dir: data_dir.to_owned(),
            prover,
            store,
            policy,
            workers: 2,
            confirmations: 0,
            from_block: 0,
            retry_failed: false,
            divergence_rechecks: 1,
            divergence_recheck_delay: Duration::from_millis(100),
            fee_token: None,
            flavor: watcher::SequencerFlavor::Starknet,
        }
    }

    /// One worker proving with the bundled OS at test security, proofs in `dir/proofs`, the
    /// watcher's data in `dir/watcher`, checked against the OS's program hash.
    pub async fn with_os_prover(rpc_url: &str, dir: &Path) -> Self {
        let os_program_hash = watcher::OsProver::program_hash().unwrap();
        let policy = VerifyPolicy { min_security_bits: 0, os_program_hash };
        let store: Arc<dyn ProofStore> =
            Arc::new(proof_store::FsProofStore::open(dir.join("proofs")).await.unwrap());
        let prover = Arc::new(watcher::OsProver::new(stark::SecurityPreset::Test));
        let mut options = ServiceOptions::new(rpc_url, &dir.join("watcher"), prover, store, policy);
        options.workers = 1;
        options
    }
}

/// The watcher and the query API, as `watcher-prover run` wires them.
pub struct Service {
    pub jobs: JobIndex,
    pub store: Arc<dyn ProofStore>,
    pub metrics: Metrics,
    pub progress: watch::Receiver<Progress>,
    pub api_url: String,
    stop: watch::Sender<bool>,
    watcher: JoinHandle<Result<(), WatcherError>>,
    api: JoinHandle<()>,
}

impl Service {
    pub async fn start(options: ServiceOptions) -> Service {
        let jobs = JobIndex::open(options.data_dir.join("jobs")).unwrap();
        let metrics = Metrics::new();
        let mut config = WatcherConfig::new(&options.data_dir, options.policy);
        config.workers = options.workers;
        config.confirmations = options.confirmations;
        config.from_block = options.from_block;
        config.retry_failed = options.retry_failed;
        config.divergence_rechecks = options.divergence_rechecks;
        config.divergence_recheck_delay = options.divergence_recheck_delay;
        config.fee_token = options.fee_token;
        config.flavor = options.flavor;
        config.poll_interval = Duration::from_millis(100);
        config.backoff = RetryPolicy {
            max_attempts: None,
            initial_delay: Duration::from_millis(50),
            max_delay: Duration::from_millis(400),
        };
        config.shutdown_grace = Duration::from_secs(20);
        let client = SequencerClient::new(&options.rpc_url, Duration::from_secs(5)).unwrap();
        let watcher = Watcher::new(
            config,
            client,
            jobs.clone(),
            options.store.clone(),
            options.prover,
            metrics.clone(),
        );
        let progress = watcher.progress();
        let (stop, stopped) = watch::channel(false);
        let until_stopped = |mut stopped: watch::Receiver<bool>| async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        };
        let state =
            ApiState::new(options.store.clone(), jobs.clone(), options.policy, metrics.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let api_url = format!("http://{}", listener.local_addr().unwrap());
        let api_stopped = until_stopped(stopped.clone());
        let api = tokio::spawn(async move {
            api::run(listener, state, api_stopped).await.unwrap();
        });
        let watcher = tokio::spawn(watcher.run(until_stopped(stopped)));
        Service { jobs, store: options.store, metrics, progress, api_url, stop, watcher, api }
    }

    /// Graceful shutdown; returns once the watcher and the API have stopped.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        self.watcher.await.unwrap().unwrap();
        self.api.await.unwrap();
    }

    /// Calls a `prover_` method of the API.
    pub async fn api(&self, method: &str, params: jsonrpsee::core::params::ArrayParams) -> Value {
        client(&self.api_url).request(method, params).await.unwrap()
    }
}

/// Metric value from `/metrics` text, e.g. `watcher_prover_failures_total{stage="fetch"}`.
pub fn metric(metrics: &Metrics, name: &str) -> f64 {
    metrics
        .render()
        .lines()
        .find_map(|line| line.strip_prefix(name).and_then(|rest| rest.trim().parse().ok()))
        .unwrap_or_else(|| panic!("metric {name} missing"))
}
