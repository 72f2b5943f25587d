//! What the watcher pipeline and the query API share, so that neither depends on the other:
//! the [`Metrics`] handle (the pipeline updates it, `GET /metrics` renders it) and the
//! [`VerifyPolicy`] block proofs must meet (the pipeline checks every new proof against it
//! before storing it, `prover_verifyProof` checks supplied ones), and the [`Health`] record of
//! what keeps failing (the pipeline writes it, `GET /health` reads it through
//! [`Metrics::health`]).
//!
//! Cargo features: none.

pub mod health;
pub mod metrics;
pub mod policy;

pub use health::{Health, Stall};
pub use metrics::{Metrics, Stage};
pub use policy::VerifyPolicy;
