//! What the API serves from: the proof store, the job index, the verification policy and the
//! metrics handle, plus the limits of the server.

use std::sync::Arc;

use proof_store::{JobReader, ProofStore};

use crate::gate::VerifyGate;
use crate::web::relay::SequencerRelay;
use service_common::{Metrics, VerifyPolicy};

/// Limits of the server.
#[derive(Clone, Debug)]
pub struct ApiConfig {
    /// Largest JSON-RPC request body: a supplied proof travels hex-encoded, twice its size.
    /// The default, 16 MiB, admits proofs up to 8 MiB (an OS block proof is 1.5 to 2 MB at
    /// `standard`); a larger body is refused before it is read, so a flood of huge
    /// `prover_verifyProof` calls costs little (benches/RESULTS.md, "query API under a flood").
    pub max_request_body_bytes: u32,
    /// Largest JSON-RPC response body: `prover_getProof` returns the proof hex-encoded.
    pub max_response_body_bytes: u32,
    /// Largest `limit` accepted by `prover_listProofs`.
    pub max_page_size: u32,
    /// Verifications running at once; more wait. Keeps hostile callers from filling the
    /// blocking pool that the pipeline's own I/O also uses.
    pub max_concurrent_verifications: usize,
    /// Verifications waiting for a running slot; beyond them a call is refused at once as
    /// busy (code 4004), so a flood neither queues without bound nor holds its bodies.
    pub max_waiting_verifications: usize,
    /// How long `run` waits for requests in flight after shutdown is asked for.
    pub shutdown_grace: std::time::Duration,
    /// How long a pipeline operation may keep failing (a full disk, an unreachable store or
    /// sequencer) before `/health` and `/readyz` answer 503 "stalled".
    pub stall_after: std::time::Duration,
    /// The sequencer's JSON-RPC URL, as a browser should reach it: the block pages read the
    /// headers they check from it, and `/relay/block/N` fetches them for browsers that cannot.
    /// `None`: the pages cannot check bindings (they say so).
    pub sequencer_url: Option<String>,
    /// The age limit of stored proofs (`--proof-max-age`), if any: a stored proof the store
    /// no longer has expired, rather than went missing.
    pub proof_max_age: Option<std::time::Duration>,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            max_request_body_bytes: 16 << 20,
            max_response_body_bytes: 64 << 20,
            max_page_size: 1000,
            max_concurrent_verifications: 2,
            max_waiting_verifications: 8,
            shutdown_grace: std::time::Duration::from_secs(10),
            stall_after: std::time::Duration::from_secs(60),
            sequencer_url: None,
            proof_max_age: None,
        }
    }
}

/// Shared state of the API; cloning is cheap (handles only).
#[derive(Clone, Debug)]
pub struct ApiState {
    /// Where the proofs are (fs, S3, memory): the API never writes to it.
    pub store: Arc<dyn ProofStore>,
    /// The job records (the pipeline's sled `JobIndex`, or a cluster's PostgreSQL queue):
    /// which hash is canonical for a height, statuses, replay roots.
    pub jobs: Arc<dyn JobReader>,
    /// What `prover_verifyProof` accepts.
    pub policy: VerifyPolicy,
    /// Metrics that `/metrics` exposes; the pipeline updates the same handle.
    pub metrics: Metrics,
    /// Limits.
    pub config: Arc<ApiConfig>,
    /// Admission of verifications (see [`ApiConfig::max_concurrent_verifications`] and
    /// [`ApiConfig::max_waiting_verifications`]).
    pub(crate) verify_gate: Arc<VerifyGate>,
    /// The sequencer relay of the block pages, when [`ApiConfig::sequencer_url`] is set.
    pub(crate) relay: Option<Arc<SequencerRelay>>,
}

impl ApiState {
    /// State with the default [`ApiConfig`].
    pub fn new(
        store: Arc<dyn ProofStore>,
        jobs: impl JobReader + 'static,
        policy: VerifyPolicy,
        metrics: Metrics,
    ) -> Self {
        Self::with_config(store, jobs, policy, metrics, ApiConfig::default())
    }

    /// State with explicit limits.
    pub fn with_config(
        store: Arc<dyn ProofStore>,
        jobs: impl JobReader + 'static,
        policy: VerifyPolicy,
        metrics: Metrics,
        config: ApiConfig,
    ) -> Self {
        let verify_gate = Arc::new(VerifyGate::new(
            config.max_concurrent_verifications,
            config.max_waiting_verifications,
        ));
        let relay =
            config.sequencer_url.as_deref().and_then(|url| match SequencerRelay::new(url) {
                Ok(relay) => Some(Arc::new(relay)),
                Err(error) => {
                    tracing::warn!(url, %error, "the block pages' sequencer relay is off");
                    None
                }
            });
        ApiState {
            store,
            jobs: Arc::new(jobs),
            policy,
            metrics,
            config: Arc::new(config),
            verify_gate,
            relay,
        }
    }
}
