//! Executes transactions of the watcher-prover chain on **blockifier**, the executor of
//! Starknet's own sequencer (crates.io `blockifier` 0.20.0-rc.1 with its `starknet_api`, the
//! protocol's newest versioned constants), producing receipts, state diffs and the call traces
//! the OS re-executes from.
//!
//! Used by the devnet sequencer (block building, `starknet_call`, `starknet_estimateFee`,
//! mempool validation), by the watcher's replay and by the OS's input builder: one executor.
//! This crate is the translation between this chain's types and blockifier's (`engine`
//! module, private): a [`state::StateReader`] snapshot and a [`ClassProvider`] become
//! blockifier's state reader, [`ExecutableTransaction`]s its account transactions, and its call
//! infos and receipts become [`TransactionExecution`]s with [`CallTrace`]s.
//!
//! The pieces:
//!
//! * [`DeprecatedClass`]: a parsed Cairo 0 class with its class hash (`starknet-core`'s
//!   `LegacyContractClass::class_hash`, cairo-lang's `compute_deprecated_class_hash`), and
//!   [`BundledClasses`], the four classes of `os-program/contracts/`.
//! * [`ClassProvider`]: where definitions come from (the state only commits to class hashes);
//!   [`ClassCache`] is an in-memory one.
//! * [`Executor`]: the limits ([`ExecutorConfig`], mapped onto blockifier's versioned constants)
//!   and one method per job; [`BlockExecutor`] adds transactions to a block one at a time over
//!   blockifier's cached state on a snapshot, and yields the block's [`chain::StateDiff`] for
//!   `state::State::commit_block`.
//! * [`ExecutorError`]: rejections ([`ExecutorError::is_rejection`]) and environment failures
//!   (a failed state read is reported as the node's failure even though blockifier folds it into
//!   the transaction's error).
//!
//! # Status
//!
//! Checked against cairo-lang: the bundled class hashes, and a whole session run by cairo-lang's
//! own deprecated executor (genesis deployments, DEPLOY_ACCOUNT v1, INVOKE v1 transfer and
//! multicall: events, return data, state diff) is replayed identically (`tests/session.rs`).
//!
//! Sierra (Cairo 1) classes: [`SierraClass`] compiles a declared class to CASM with the
//! compiler crates and hashes it (class hash, Blake2s and Poseidon compiled class hashes);
//! [`ExecutableTransaction::declare_sierra`] declares it (DECLARE v3;
//! [`ExecutableTransaction::declare_sierra_v2`] with DECLARE v2, `max_fee` in wei) and
//! [`ClassProvider::sierra_class`] serves it to blockifier (`tests/sierra.rs`).
//!
//! Not implemented yet, or weak:
//!
//! * fees are charged only with a fee token ([`ExecutorConfig::fee_token`]), one ERC-20 for
//!   both units (fri and wei); without one, `max_fee` and resource bounds are not enforced and
//!   receipts report a zero fee and blockifier's gas; tips are accepted and not paid (blockifier
//!   charges the actual fee);
//! * the block context uses the protocol's newest Starknet version for every block (the
//!   headers declare it: `chain::block::StarknetVersion::CURRENT`);
//! * a class compiled by another compiler version has another CASM, so its compiled class hash
//!   differs from the one computed here.
//!
//! Throughput: `cargo bench -p executor --bench transfers` (ERC-20 transfers through the
//! account, ECDSA check included).
//!
//! # Example
//!
//! Declare the bundled classes and deploy fibonacci at genesis, commit the state, then call it:
//!
//! ```
//! use chain::{ChainId, Felt};
//! use executor::{BlockContext, BundledClasses, ClassCache, Executor};
//! use state::{MemoryBackend, State};
//!
//! let bundled = BundledClasses::load()?;
//! let classes = ClassCache::with_bundled(&bundled);
//! let state = State::new(MemoryBackend::new());
//! let executor = Executor::default();
//!
//! // Block 0 (genesis): declare fibonacci and deploy it with salt 2, no constructor arguments.
//! let genesis = state.latest_snapshot()?;
//! let context = BlockContext::new(ChainId::DEVNET, 0, 1_700_000_000);
//! let mut block = executor.begin_block(context.clone(), &genesis, &classes)?;
//! block.declare_system_class(bundled.fibonacci.clone())?;
//! let fibonacci = block.deploy_system_contract(bundled.fibonacci.class_hash(), Felt::TWO, &[])?;
//! let (diff, declared) = block.finish()?;
//! let roots = state.commit_block(0, &diff)?;
//! assert_ne!(roots.contracts_root, Felt::ZERO);
//!
//! // `fibonacci(10)` on the committed state: the call returns fib(10) = 55.
//! let snapshot = state.latest_snapshot()?;
//! let selector = starknet_core::utils::get_selector_from_name("fibonacci").unwrap();
//! let result = executor.call(&context, &snapshot, &classes, fibonacci.address, selector, &[Felt::from(10)])?;
//! assert_eq!(result, vec![Felt::from(55)]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod block;
pub mod call;
mod class;
mod classes;
mod context;
mod engine;
mod error;
mod executor;
pub mod query;
pub mod resources;
mod sierra;
pub mod system;
pub mod transaction;

pub use block::{BlockExecution, BlockExecutor, execute_block};
pub use call::CallTrace;
pub use class::{
    ACCOUNT_JSON, BundledClasses, DeprecatedClass, ERC20_JSON, EntryPointType, FACTORIAL_JSON,
    FIBONACCI_JSON,
};
pub use classes::{ClassCache, ClassProvider};
pub use context::{BLOCK_HASH_CONTRACT, BlockContext, ExecutorConfig, STORED_BLOCK_HASH_BUFFER};
pub use error::ExecutorError;
pub use executor::Executor;
pub use query::{FeeEstimate, L1Message, Simulation};
pub use resources::Resources;
pub use sierra::{MAX_CASM_BYTECODE_SIZE, SierraClass};
pub use system::SystemDeployment;
pub use transaction::{ExecutableTransaction, TransactionExecution};
