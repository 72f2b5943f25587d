//! Executes transactions of the watcher-prover chain with cairo-vm on Cairo 0 contracts in
//! Starknet's deprecated class format, producing receipts and state diffs.
//!
//! Used by the devnet sequencer (block building, `starknet_call`, `starknet_estimateFee`,
//! mempool validation) and by the watcher's replay. It implements Starknet's semantics for
//! INVOKE v1/v3, DEPLOY_ACCOUNT v1/v3 and DECLARE v1 ([`transaction`] module docs: which
//! failures reject and which revert), the deprecated syscalls ([`syscalls`]), cairo-lang's
//! entry-point calling convention ([`call`]), and this chain's gas accounting ([`resources`]).
//!
//! The pieces:
//!
//! * [`DeprecatedClass`]: a parsed class with its class hash (`starknet-core`'s
//!   `LegacyContractClass::class_hash`, cairo-lang's `compute_deprecated_class_hash`), and
//!   [`BundledClasses`], the four classes of `os-program/contracts/`.
//! * [`ClassProvider`]: where definitions come from (the state only commits to class hashes);
//!   [`ClassCache`] is an in-memory one.
//! * [`Executor`]: the limits ([`ExecutorConfig`]) and one method per job; [`BlockExecutor`] adds
//!   transactions to a block one at a time over a write overlay on a [`state::StateReader`]
//!   snapshot, and yields the block's [`chain::StateDiff`] for `state::State::commit_block`.
//! * [`ExecutorError`]: rejections ([`ExecutorError::is_rejection`]) and environment failures.
//!
//! # Status
//!
//! Checked against cairo-lang: the bundled class hashes, and a whole session run by cairo-lang's
//! own deprecated executor (genesis deployments, DEPLOY_ACCOUNT v1, INVOKE v1 transfer and
//! multicall: events, return data, state diff) is replayed identically (`tests/session.rs`).
//!
//! Not implemented yet, or weak:
//!
//! * fees are not charged (zero-fee chain): receipts carry a zero fee in the version's unit, and
//!   `max_fee` / resource bounds are not enforced; gas figures are this chain's approximation
//!   ([`resources`]), with no L1 or L1-data gas;
//! * L1 handlers, and the `delegate_call`, `delegate_l1_handler`, `replace_class` and
//!   `library_call_l1_handler` syscalls: a contract using them fails (unknown hint), it does not
//!   crash the executor (the other syscalls, including `deploy`, `library_call` and
//!   `send_message_to_l1`, are served and tested with `tests/fixtures/syscalls.cairo`);
//! * a reverted transaction reports its validation phase's resources plus the steps its failed
//!   execute phase consumed (not that phase's builtins);
//! * memory is bounded by the step limit only indirectly: a hostile declared class can jump `ap`
//!   far ahead and make cairo-vm reserve a large segment (cairo-vm refuses reservations the
//!   allocator refuses, but there is no executor-level memory cap yet).
//!
//! Throughput: `cargo bench -p executor --bench transfers` (ERC-20 transfers through the
//! account, ECDSA check included); the ECDSA verification inside cairo-vm's signature builtin is
//! about two thirds of the time of a transfer.
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
//! let roots = state.commit_block_with_classes(0, &diff, &executor::compiled_class_hashes(&declared))?;
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
mod overlay;
pub mod query;
pub mod resources;
mod syscall_table;
pub mod syscalls;
pub mod system;
pub mod transaction;

pub use block::{BlockExecution, BlockExecutor, execute_block};
pub use call::CallTrace;
pub use class::{
    ACCOUNT_JSON, BundledClasses, DeprecatedClass, ERC20_JSON, EntryPointType, FACTORIAL_JSON,
    FIBONACCI_JSON, compiled_class_domain, compiled_class_hashes, deprecated_compiled_class_hash,
};
pub use classes::{ClassCache, ClassProvider};
pub use context::{BlockContext, ExecutorConfig};
pub use error::ExecutorError;
pub use executor::Executor;
pub use query::FeeEstimate;
pub use resources::Resources;
pub use system::SystemDeployment;
pub use transaction::{ExecutableTransaction, TransactionExecution};
