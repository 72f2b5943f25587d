//! Durable proof storage for watcher-prover: the [`ProofStore`] trait with filesystem, S3 and
//! in-memory backends, a retry wrapper, the sled [`JobIndex`] that checkpoints the pipeline,
//! block witnesses, and the PostgreSQL job queue of a prover cluster.
//!
//! Proofs are opaque bytes here; this crate knows nothing of the prover.
//!
//! # Features of the crate
//!
//! * **Stable keys**: `proofs/v1/{block_number:012}-{block_hash}.proof` with the block hash as
//!   `0x` + 64 lowercase hex digits, and the metadata JSON at the same name + `.json`
//!   (`….proof.json`). See [`ProofKey`].
//! * **Idempotent, conflict-checked writes**: the same bytes again are `Ok`; different bytes
//!   for a stored key are [`Error::Conflict`], never an overwrite. Reads check SHA-256 and size
//!   from [`ProofMetadata`] and report [`Error::Corrupt`]. Protocol in [`store`].
//! * **Backends**: [`FsProofStore`] (`fs:DIR`: temp file, fsync, hard link, fsync dir),
//!   [`S3ProofStore`] (`s3://BUCKET/PREFIX`: aws-sdk-s3, any S3-compatible endpoint,
//!   path-style, standard credential chain or static keys), [`MemoryProofStore`] (`memory:`).
//!   [`StoreUrl`] parses the location and opens the backend.
//! * **Retries**: [`RetryingStore`] retries transient failures (connection refused, timeouts,
//!   5xx, throttling) with capped, jittered exponential backoff, and never permanent ones.
//! * **Job index**: [`JobIndex`] keeps per-block [`JobRecord`]s and a [`Checkpoint`] in sled
//!   with atomic, flushed transitions of the state machine in [`job_status`].
//!
//! * **Witnesses**: [`WitnessStore`] keeps each replayed block's OS input (opaque bytes here)
//!   in the same backends under `witnesses/v1/`, for the workers of a prover cluster.
//! * **Job queue** of a prover cluster: [`JobQueue`] (leases with tokens and expiry,
//!   heartbeats, attempts with backoff, dead letters) in PostgreSQL ([`PgJobQueue`], SQL
//!   migrations in `migrations/`), and [`JobReader`], the reads the query API makes, for it
//!   and for the sled [`JobIndex`].
//!
//! Cargo features: none; every backend is always built.
//!
//! ```
//! # async fn demo() -> proof_store::Result<()> {
//! use std::sync::Arc;
//! use std::time::Duration;
//! use proof_store::*;
//!
//! let store: Arc<dyn ProofStore> = "memory:".parse::<StoreUrl>()?.open(&S3Options::default()).await?;
//! let store = RetryingStore::new(store, RetryPolicy::default());
//! let key = ProofKey::new(7, "0x1234".parse()?)?;
//! let proof = b"proof bytes".to_vec();
//! let report = ProvingReport {
//!     security_bits: 128,
//!     os_program_hash: Felt32::from_u64(1),
//!     prover_version: "0.1.0".into(),
//!     proving_time: Duration::from_secs(3),
//!     trace_steps: 1 << 20,
//! };
//! let metadata = ProofMetadata::new(&key, &proof, report);
//! assert_eq!(store.put(&key, &proof, &metadata).await?, PutOutcome::Stored);
//! assert_eq!(store.put(&key, &proof, &metadata).await?, PutOutcome::AlreadyStored);
//! assert_eq!(store.get(&key).await?.map(|stored| stored.bytes), Some(proof));
//! assert_eq!(store.list(None, 10).await?, vec![key]);
//! # Ok(())
//! # }
//! # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
//! ```

pub mod error;
pub mod fs;
pub mod job_status;
pub mod jobs;
pub mod key;
pub mod memory;
pub mod metadata;
pub mod queue;
pub mod retention;
pub mod retry;
pub mod s3;
pub mod store;
pub mod url;
pub mod witness;

pub use error::{Error, Result};
pub use fs::FsProofStore;
pub use job_status::{JobStatus, JobStatusKind};
pub use jobs::{Checkpoint, JobIndex, JobRecord};
pub use key::{Felt32, METADATA_SUFFIX, PROOF_SUFFIX, ProofKey};
pub use memory::MemoryProofStore;
pub use metadata::{ProofMetadata, ProvingReport, sha256_hex};
pub use queue::{
    FailOutcome, JobQueue, JobReader, LeaderGuard, Lease, NewJob, PgJobQueue, QueueDepth,
    QueuePolicy,
};
pub use retry::{RetryPolicy, RetryingStore};
pub use s3::{S3Config, S3ProofStore, StaticCredentials};
pub use store::{CreateOutcome, ObjectBackend, ProofStore, PutOutcome, StoredProof};
pub use url::{S3Options, StoreUrl};
pub use witness::{WITNESS_PREFIX, WitnessKey, WitnessStore};
