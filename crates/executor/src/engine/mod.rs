//! The protocol's executor: [blockifier](https://crates.io/crates/blockifier), the executor of
//! Starknet's own sequencer, run behind this crate's interface.
//!
//! The pieces, each a translation between this chain's types and blockifier's:
//!
//! * [`reader`]: blockifier's `StateReader` over a [`state::StateReader`] snapshot and a
//!   [`ClassProvider`](crate::ClassProvider), remembering the first failure of the environment
//!   (a state read or a missing class definition) so that it is reported as such, not as the
//!   transaction's fault;
//! * [`classes`]: a [`DeprecatedClass`](crate::DeprecatedClass) as blockifier's runnable class;
//! * [`context`]: the block ([`BlockContext`](crate::BlockContext)) and the limits
//!   ([`ExecutorConfig`](crate::ExecutorConfig)) as blockifier's block context and versioned
//!   constants;
//! * [`transactions`]: an [`ExecutableTransaction`](crate::ExecutableTransaction) as
//!   blockifier's account transaction;
//! * [`outcome`]: what blockifier reports (call infos, receipt, state changes) as a
//!   [`TransactionExecution`](crate::TransactionExecution) with the OS's
//!   [`CallTrace`](crate::CallTrace)s;
//! * [`trace`]: the same call infos as Starknet's JSON-RPC transaction traces;
//! * [`run`]: executing transactions, blocks, calls and fee estimates;
//! * [`l1_handler`]: a message from L1 run as its L1 handler transaction (message fee estimates).

pub(crate) mod classes;
pub(crate) mod context;
pub(crate) mod l1_handler;
pub(crate) mod outcome;
pub(crate) mod reader;
pub(crate) mod run;
pub(crate) mod trace;
pub(crate) mod transactions;
