//! What the API serves from: the proof store, the job index, the verification policy and the
//! metrics handle, plus the limits of the server.

use std::sync::Arc;

use proof_store::{JobIndex, ProofStore};
use service_common::{Metrics, VerifyPolicy};
use tokio::sync::Semaphore;

/// Limits of the server.
#[derive(Clone, Debug)]
pub struct ApiConfig {
    /// Largest JSON-RPC request body: a supplied proof travels hex-encoded, twice its size.
    pub max_request_body_bytes: u32,
    /// Largest JSON-RPC response body: `prover_getProof` returns the proof hex-encoded.
    pub max_response_body_bytes: u32,
    /// Largest `limit` accepted by `prover_listProofs`.
    pub max_page_size: u32,
    /// Verifications running at once; more wait. Keeps hostile callers from filling the
    /// blocking pool that the pipeline's own I/O also uses.
    pub max_concurrent_verifications: usize,
    /// How long `run` waits for requests in flight after shutdown is asked for.
    pub shutdown_grace: std::time::Duration,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            max_request_body_bytes: 64 << 20,
            max_response_body_bytes: 64 << 20,
            max_page_size: 1000,
            max_concurrent_verifications: 2,
            shutdown_grace: std::time::Duration::from_secs(10),
        }
    }
}

/// Shared state of the API; cloning is cheap (handles only).
#[derive(Clone, Debug)]
pub struct ApiState {
    /// Where the proofs are (fs, S3, memory): the API never writes to it.
    pub store: Arc<dyn ProofStore>,
    /// The pipeline's job index: which hash is canonical for a height, statuses, replay roots.
    pub jobs: JobIndex,
    /// What `prover_verifyProof` accepts.
    pub policy: VerifyPolicy,
    /// Metrics that `/metrics` exposes; the pipeline updates the same handle.
    pub metrics: Metrics,
    /// Limits.
    pub config: Arc<ApiConfig>,
    /// Permits for verifications in flight (see [`ApiConfig::max_concurrent_verifications`]).
    pub(crate) verify_permits: Arc<Semaphore>,
}

impl ApiState {
    /// State with the default [`ApiConfig`].
    pub fn new(
        store: Arc<dyn ProofStore>,
        jobs: JobIndex,
        policy: VerifyPolicy,
        metrics: Metrics,
    ) -> Self {
        Self::with_config(store, jobs, policy, metrics, ApiConfig::default())
    }

    /// State with explicit limits.
    pub fn with_config(
        store: Arc<dyn ProofStore>,
        jobs: JobIndex,
        policy: VerifyPolicy,
        metrics: Metrics,
        config: ApiConfig,
    ) -> Self {
        let verify_permits = Arc::new(Semaphore::new(config.max_concurrent_verifications.max(1)));
        ApiState { store, jobs, policy, metrics, config: Arc::new(config), verify_permits }
    }
}
