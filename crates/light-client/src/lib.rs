//! The watcher-prover light client: trusts a block's state transition given only the hash of
//! the OS program and the sequencer's block header.
//!
//! [`light_verify`] (the library behind `watcher-prover light-verify`):
//!
//! 1. fetches the block's proof from the prover's query API (`prover_getProof`);
//! 2. fetches the block header from the sequencer (`starknet_getBlockWithTxHashes`), the parent
//!    header for blocks above genesis, and the chain id (`starknet_chainId`);
//! 3. verifies the proof with [`cairo_air::verify_proof`] against the pinned OS program hash and
//!    the minimum security (100 bits by default; see [`LightClientOptions`]), on the blocking
//!    pool;
//! 4. decodes the proof's output as a [`chain::BlockPublicOutput`] and checks it against the
//!    headers ([`check_binding`]): block number, block hash, parent hash, new state root, the
//!    previous state root against the parent's `new_root`, the chain id, and the transaction
//!    count and commitment against the header's transaction hashes.
//!
//! Every failed check is its own [`LightClientError`] variant; `Ok` means all of them held.
//!
//! What is trusted: the pinned OS program hash (the OS proves that the output is the honest
//! result of executing the block) and the header the sequencer serves; the prover's API is not
//! trusted at all (a wrong or tampered proof fails verification or the binding checks).
//!
//! **Sequencers that leave the state commitment to the prover** (`devnet --commitment off`)
//! publish headers whose state root is 0: the new root is then known only from the proof, and
//! the previous root must come from the caller ([`LightClientOptions::trusted_previous_root`],
//! typically the new root it verified for the block before); see [`check_binding`].
//!
//! The tests prove the real OS program in `crates/watcher/tests/os_prover.rs`; this crate's own
//! tests use a stand-in fixture program (`tests/programs/block_output.cairo`) that copies a
//! block public output from its input, to exercise every check cheaply.
//!
//! Offline, [`verify_block`] does steps 3 and 4 on a proof and headers the caller already has.
//! Under a verified block's state root, [`verify_storage_proof`] checks a
//! `starknet_getStorageProof` answer (Starknet's tries: Pedersen contracts and storage tries,
//! Poseidon classes trie), so the client can read storage, nonces and class hashes it trusts.
//!
//! Cargo features: `fetch` (default) adds [`light_verify`] and its JSON-RPC clients (jsonrpsee,
//! tokio). Without it the crate is the offline check alone, on the verifier side of
//! `cairo-air` and `stark` (no cairo-vm, no tokio, no prover), and builds for
//! `wasm32-unknown-unknown`: `cargo build -p light-client --no-default-features`.

pub mod binding;
pub mod error;
#[cfg(feature = "fetch")]
mod fetch;
#[cfg(feature = "fetch")]
pub mod prover_api;
#[cfg(feature = "fetch")]
pub mod sequencer;
pub mod storage;
pub mod verify;

pub use binding::check_binding;
pub use error::LightClientError;
#[cfg(feature = "fetch")]
pub use fetch::{light_verify, light_verify_range, light_verify_with};
pub use storage::{VerifiedStorageProof, verify_storage_proof};
pub use verify::{LightClientOptions, VerifiedBlock, verify_block, verify_block_proof};
