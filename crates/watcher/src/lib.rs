//! The watcher-prover pipeline: polls a Starknet-stack sequencer over JSON-RPC and takes every
//! block through **fetch → replay → prove → verify → store**, with sled checkpoints, so that a
//! crash at any point (SIGKILL included) resumes without losing or duplicating a proof.
//!
//! * [`client::SequencerClient`]: the JSON-RPC calls, typed errors for unreachable or malformed
//!   sequencers ([`WatcherError`]); it asks `starknet_specVersion` first and speaks 0.10 or 0.9,
//!   each request's params shaped for the version by [`requests::Request`].
//! * [`fetch::FetchedBlock`]: a block, its claimed state update and the classes it declares
//!   (each checked against its class hash; a Sierra class runs as the CASM whose compiled class
//!   hash the chain commits to: this build's, or the sequencer's, [`casm`]).
//! * [`flavor::SequencerFlavor`]: where the sequencer followed departs from the protocol
//!   (starknet-devnet's own block hash and execution timestamp).
//! * [`replay::Replayer`]: re-executes the block with the `executor` crate on the watcher's own
//!   sled state copy, commits it, and compares transaction hashes, state diff, state root and
//!   block hash with the sequencer's claims; a mismatch is a [`replay::Divergence`] with JSON
//!   evidence. [`divergence`]: the block is fetched and replayed again a few times before it
//!   is marked `divergent` (one alert per incident, counted; the service goes on).
//! * [`prover::BlockProver`]: the prove stage's boundary, run on rayon's pool with `--workers`
//!   blocks in flight; [`OsProver`] runs the bundled Cairo OS over the block (`os` crate) and
//!   proves the run with `cairo-air`; [`prover::UnavailableProver`] refuses every block with a
//!   reason (jobs end `failed` with "prover unavailable: ..."). Every proof is verified
//!   ([`verify::verify_block_proof`]) against the pinned OS hash and the replayed block before
//!   it is stored.
//! * [`pipeline::Watcher`]: the loop: confirmations, reorg detection by parent hash, backoff on
//!   failures, catch-up, graceful shutdown; job statuses and the checkpoint live in
//!   `proof_store::JobIndex`, which the query API (`api` crate) reads, so `prover_getStateRoot`
//!   answers as soon as replay has computed a root. Metrics go to the `service_common::Metrics`
//!   handle that the API's `/metrics` renders.
//! * [`progress::Progress`]: snapshots for progress lines.
//! * Prover cluster: with a [`Publisher`] the pipeline is the **coordinator**: instead of
//!   proving, it writes each replayed block's witness ([`OsProver::witness`], an
//!   `os::BlockWitness`) to the object store and enqueues a job in a `proof_store::JobQueue`;
//!   [`ProofWorker`]s lease the jobs, prove from the witness alone, store and acknowledge.
//!
//! Cargo features: none.
//!
//! # Example
//!
//! ```no_run
//! # async fn wire() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use std::time::Duration;
//! use stark::SecurityPreset;
//! use watcher::{OsProver, SequencerClient, Watcher, WatcherConfig};
//!
//! let os_program_hash = OsProver::program_hash()?;
//! let policy = service_common::VerifyPolicy { min_security_bits: 100, os_program_hash };
//! let config = WatcherConfig::new("data", policy);
//! let client = SequencerClient::new("http://127.0.0.1:5050", Duration::from_secs(10))?;
//! let jobs = proof_store::JobIndex::open("data/jobs")?;
//! let store = Arc::new(proof_store::FsProofStore::open("data/proofs").await?);
//! let prover = Arc::new(OsProver::new(SecurityPreset::Standard));
//! let watcher = Watcher::new(config, client, jobs, store, prover, service_common::Metrics::new());
//! watcher.run(async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(())
//! # }
//! ```

pub mod budget;
pub mod casm;
pub mod client;
pub mod config;
pub mod data_dir;
pub mod devnet_genesis;
pub mod divergence;
pub mod error;
pub mod fetch;
pub mod flavor;
pub mod os_prover;
pub mod pipeline;
pub mod progress;
mod prove_task;
pub mod prover;
pub mod publish;
pub mod replay;
pub mod requests;
pub mod stored_classes;
pub mod verify;
pub mod worker;

pub use client::SequencerClient;
pub use config::WatcherConfig;
pub use data_dir::{DATA_DIR_LAYOUT, DataDirState, open_data_dir};
pub use error::{CompiledClassMismatch, WatcherError};
pub use fetch::FetchedBlock;
pub use flavor::SequencerFlavor;
pub use os_prover::OsProver;
pub use pipeline::Watcher;
pub use progress::Progress;
pub use prover::{BlockProver, ProveError, ProvenBlock, UnavailableProver};
pub use publish::Publisher;
pub use replay::{Divergence, Replayed, ReplayedBlock, Replayer};
pub use verify::{VerifiedProof, verify_block_proof, verify_witness_proof};
pub use worker::{ProofWorker, WorkerConfig};
