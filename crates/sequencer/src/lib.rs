//! The bundled devnet of watcher-prover: a single-node Starknet-stack sequencer that runs real
//! Cairo 0 contracts and speaks Starknet JSON-RPC 0.10 (at `/` and `/rpc/v0_10`) and 0.9 (at
//! `/rpc/v0_9`), to browsers of any origin too ([`http`]).
//!
//! * [`node::Node`]: the sled [`store`], the optional state commitment (`state` crate, Poseidon
//!   tries; off with `commitment: false`, then blocks report `new_root = 0`), the [`mempool`]
//!   and an executor behind the [`executor::BlockExecutor`] trait ([`cairo_executor`] plugs in
//!   the `executor` crate).
//! * [`genesis`]: the bundled classes ([`classes`]) declared, prefunded accounts with
//!   deterministic keys, a funded ERC-20, fibonacci and factorial deployed, and the Universal
//!   Deployer at Starknet's UDC address (clients deploy declared classes through it), as block 0.
//! * Transactions are admitted by [`node::Node::submit`] (nonce checks, `__validate__` by the
//!   executor, durable mempool write) and executed when the next block is produced
//!   ([`node::Node::produce_block`], on a timer, empty blocks too).
//! * [`rpc`]: the JSON-RPC methods, one handler per method answering in the shape of the
//!   request's spec version; [`http`]: which path speaks which version, and CORS;
//!   [`server::run`] serves them on a listener and produces blocks until a shutdown future
//!   completes.
//!
//! 0.10 block headers carry the block's commitments and counts
//! ([`chain::rpc::HeaderCommitments`]): the transaction, event and state-diff commitments and
//! the counts are the ones this chain's block hash commits to (this chain's formulas, not
//! Starknet's Patricia roots); the receipt commitment and the state-diff length are computed
//! with Starknet's formulas when served and are not bound by the block hash.
//!
//! Semantics worth knowing: transactions execute only when a block is produced, so the
//! `pre_confirmed` block is always empty and a waiting transaction is `RECEIVED` (no receipt
//! yet); `getNonce` at `pre_confirmed` counts the account's waiting transactions, so a client
//! can send several per block. A transaction that fails validation is refused by the RPC
//! (VALIDATION_FAILURE, INVALID_TRANSACTION_NONCE, ...); one that becomes invalid while waiting
//! is dropped at block time and is then unknown (specs 0.9 and 0.10 have no REJECTED status).
//!
//! Limits ([`config::NodeConfig`], Starknet's defaults where Starknet has one): class size and
//! bytecode length of a DECLARE (CONTRACT_CLASS_SIZE_IS_TOO_LARGE, checked while decompressing,
//! before the class is hashed), Cairo steps of validation (over: rejected) and of execution
//! (over: reverted), steps and transactions per block, mempool size, nonce window, and request
//! size per method (`rpc::size`).
//!
//! `estimateFee` estimates its transactions as a sequence, each on the state the previous ones
//! leave ([`rpc`]'s `execution` module).
//!
//! `simulateTransactions` and `traceBlockTransactions` answer spec 0.10.3's
//! `RETURN_INITIAL_READS` ([`rpc`]'s `initial_reads` module); `estimateMessageFee` runs the L1
//! handler a message would invoke (`message_fee`), though this chain has no L1 to send one.
//!
//! Not done yet: client-side proofs of spec 0.10 (an INVOKE with a `proof` is refused with
//! INVALID_PROOF; `proof_facts` are always empty), subscriptions (WebSocket), and an L1
//! (nothing is ever `ACCEPTED_ON_L1`; the `l1_accepted` tag names no block; no L1 handler
//! transaction is ever included).

pub mod abort;
pub mod cairo_executor;
pub mod classes;
pub mod config;
pub mod dump;
mod error;
pub mod executor;
pub mod genesis;
pub mod http;
pub mod mempool;
pub mod mint;
pub mod node;
pub mod overlay;
mod producer;
pub mod producer_thread;
pub mod rpc;
pub mod server;
pub mod signing;
pub mod store;
mod submit;

pub use cairo_executor::CairoExecutor;
pub use config::NodeConfig;
pub use error::SequencerError;
pub use node::Node;
