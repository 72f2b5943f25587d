//! The light client's offline check for the browser: the block page of the status page
//! (`/block/N`, served by the `api` crate) loads this crate as WebAssembly and checks a block
//! proof itself, trusting neither the page's server nor the prover.
//!
//! [`check_block`] is [`light_client::verify_block`] over the wire shapes a page has at hand:
//! the proof file's bytes, the sequencer's `starknet_getBlockWithTxHashes` results for the block
//! and its parent (JSON), the sequencer's chain id and, for sequencers that publish no state
//! roots, a previous root the browser verified earlier. It answers a [`Report`]: `verified`
//! with what was proven, or `rejected` with the reason (the error and its causes).
//!
//! What the page trusts is compiled in, not fetched: the OS program hash
//! ([`PINNED_OS_PROGRAM_HASH`], the hash of `os-program/os/main.json`; a test keeps them equal)
//! and the minimum security ([`MIN_SECURITY_BITS`]). The page shows both.
//!
//! [`bindings`] exports this to JavaScript with `wasm-bindgen`; the `api` crate's build script
//! compiles the crate for `wasm32-unknown-unknown` and generates the JavaScript glue. The crate
//! depends on the verifier side only (no cairo-vm, tokio or prover; `scripts/check-layers.sh`).

pub mod bindings;
mod check;
mod pinned;

pub use check::{Report, check_block};
pub use pinned::{MIN_SECURITY_BITS, PINNED_OS_PROGRAM_HASH, pinned_os_program_hash};
