//! The read-only query API of watcher-prover: JSON-RPC 2.0 (namespace `prover_`) and a few
//! plain HTTP routes, served together on one port by [`run`].
//!
//! # JSON-RPC methods ([`rpc::ProverApiServer`])
//!
//! | method | params | result |
//! |---|---|---|
//! | `prover_getProof` | `block_number`, `block_hash`? | [`ProofResponse`]: proof bytes (`0x` hex) and [`ProofMetadata`](proof_store::ProofMetadata) |
//! | `prover_getProofStatus` | `block_number` | [`ProofStatusResponse`]: `pending`, `replayed`, `proving`, `proven`, `failed` (+ `reason`), `divergent` (+ `evidence`) |
//! | `prover_getStateRoot` | `block_number` | [`StateRootResponse`]: the root computed by replay, before the proof exists |
//! | `prover_latestProvenBlock` | — | [`ProvenBlock`] or `null` |
//! | `prover_listProofs` | `after`?, `limit`? | [`ProofPage`], paged by block number |
//! | `prover_verifyProof` | `block_number`? or `proof`? (exactly one) | [`VerifyResult`] under the server's [`VerifyPolicy`] |
//! | `prover_getOsProgramHash` | — | the pinned OS program hash |
//!
//! Errors carry stable codes ([`codes`]); internal failures (storage, index) are logged and
//! answered with `-32603 internal error`, without details. `prover_verifyProof` runs at most
//! [`ApiConfig::max_concurrent_verifications`] verifications with
//! [`ApiConfig::max_waiting_verifications`] more in line; beyond that it answers
//! [`codes::BUSY`] at once.
//!
//! # HTTP routes ([`http`])
//!
//! * `GET /proofs/{block_number}`: the raw proof bytes (`application/octet-stream`), 404 when
//!   the block has no stored proof;
//! * `GET /health` and `GET /readyz`: 200 with a JSON summary while the job index is readable
//!   and nothing in the pipeline has been failing for [`ApiConfig::stall_after`]; 503 with the
//!   stuck operations otherwise (see [`health`]); `GET /livez`: 200 while the process answers;
//! * `GET /metrics`: Prometheus text format, from the [`Metrics`] handle that the watcher
//!   pipeline updates;
//! * the web pages ([`web`]): `GET /` (status page), `GET /status.json`, `GET /block/N` (a
//!   block's page, which verifies its proof in the browser with the WebAssembly verifier of
//!   `crates/web-verifier`, built by this crate's `build.rs`), `GET /assets/…` and
//!   `GET /relay/block/N` (the sequencer's headers, for browsers that cannot reach it).
//!
//! Everything else goes to the JSON-RPC server (`POST /`).
//!
//! # Wiring
//!
//! The API only reads: an `Arc<dyn ProofStore>` (fs, S3 or memory) and the job records
//! through [`JobReader`](proof_store::JobReader): the sled [`JobIndex`](proof_store::JobIndex)
//! that the embedded pipeline writes, or a prover cluster's PostgreSQL queue
//! ([`PgJobQueue`](proof_store::PgJobQueue)); see [`ApiState`]. Proof
//! verification runs on tokio's blocking pool, never on a worker thread, with a bounded number
//! of verifications at once.
//!
//! # Example
//!
//! How the service wires it (the pipeline keeps a clone of `metrics` and of `jobs`):
//!
//! ```no_run
//! # async fn wire(os_program_hash: chain::Felt) -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use api::{ApiState, Metrics, VerifyPolicy};
//! use proof_store::{FsProofStore, JobIndex};
//!
//! let store = FsProofStore::open("data/proofs").await?;
//! let jobs = JobIndex::open("data/jobs")?;
//! let metrics = Metrics::new();
//! let policy = VerifyPolicy { min_security_bits: 100, os_program_hash };
//! let state = ApiState::new(Arc::new(store), jobs, policy, metrics.clone());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! api::run(listener, state, async {
//!     let _ = tokio::signal::ctrl_c().await;
//! })
//! .await?;
//! # Ok(())
//! # }
//! ```
//!
//! Cargo features: none.

pub mod codes;
pub mod error;
mod gate;
pub mod health;
pub mod http;
mod lookup;
pub mod rpc;
pub mod server;
pub mod state;
pub mod types;
pub mod verify;
pub mod web;

pub use error::ApiError;
pub use rpc::{ProverApiClient, ProverApiServer};
pub use server::run;
/// The metrics handle and the proof policy live below both the API and the watcher pipeline
/// (`service-common`); re-exported here because [`ApiState`] is built from them.
pub use service_common::{Metrics, VerifyPolicy, metrics};
pub use state::{ApiConfig, ApiState};
pub use types::{
    ProofEntry, ProofPage, ProofResponse, ProofStatus, ProofStatusResponse, ProvenBlock,
    StateRootResponse, VerifyResult,
};
