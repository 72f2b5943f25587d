//! The read-only query API of watcher-prover: JSON-RPC 2.0 (namespace `prover_`) and a few
//! plain HTTP routes, served together on one port by [`run`].
//!
//! # JSON-RPC methods ([`rpc::ProverApiServer`])
//!
//! | method | params | result |
//! |---|---|---|
//! | `prover_getProof` | `block_number` | [`ProofResponse`]: proof bytes (`0x` hex) and [`ProofMetadata`](proof_store::ProofMetadata) |
//! | `prover_getProofStatus` | `block_number` | [`ProofStatusResponse`]: `pending`, `replayed`, `proving`, `proven`, `failed` (+ `reason`), `divergent` (+ `evidence`) |
//! | `prover_getStateRoot` | `block_number` | [`StateRootResponse`]: the root computed by replay, before the proof exists |
//! | `prover_latestProvenBlock` | — | [`ProvenBlock`] or `null` |
//! | `prover_listProofs` | `after`?, `limit`? | [`ProofPage`], paged by block number |
//! | `prover_verifyProof` | `block_number`? or `proof`? (exactly one) | [`VerifyResult`] under the server's [`VerifyPolicy`] |
//! | `prover_getOsProgramHash` | — | the pinned OS program hash |
//!
//! Errors carry stable codes ([`codes`]); internal failures (storage, index) are logged and
//! answered with `-32603 internal error`, without details.
//!
//! # HTTP routes ([`http`])
//!
//! * `GET /proofs/{block_number}`: the raw proof bytes (`application/octet-stream`), 404 when
//!   the block has no stored proof;
//! * `GET /health`: 200 with a small JSON summary while the job index is readable, 503 if not;
//! * `GET /metrics`: Prometheus text format, from the [`Metrics`] handle that the watcher
//!   pipeline updates.
//!
//! Everything else goes to the JSON-RPC server (`POST /`).
//!
//! # Wiring
//!
//! The API only reads: an `Arc<dyn ProofStore>` (fs, S3 or memory) and the sled
//! [`JobIndex`](proof_store::JobIndex) that the pipeline writes; see [`ApiState`]. Proof
//! verification runs on tokio's blocking pool, never on a worker thread, with a bounded number
//! of verifications at once.
//!
//! Cargo features: none.

pub mod codes;
pub mod error;
pub mod http;
mod lookup;
pub mod metrics;
pub mod rpc;
pub mod server;
pub mod state;
pub mod types;
pub mod verify;

pub use error::ApiError;
pub use metrics::Metrics;
pub use rpc::{ProverApiClient, ProverApiServer};
pub use server::run;
pub use state::{ApiConfig, ApiState, VerifyPolicy};
pub use types::{
    ProofEntry, ProofPage, ProofResponse, ProofStatus, ProofStatusResponse, ProvenBlock,
    StateRootResponse, VerifyResult,
};
