//! The watcher-prover OS: runs the Cairo 0 OS program of `os-program/os/` over one block in
//! cairo-vm proof mode, with the hints that feed it the block, the classes and the state
//! witnesses, and returns the execution a block proof is made of together with its decoded
//! public output. The design of the OS and the contracts between its parts are in
//! `os-program/os/README.md`.
//!
//! [`run_block`] executes the block with the `executor` first (which gives the syscall
//! responses the contracts need while they run, and the keys the block touches), builds the
//! [`state::witness::StateWitness`] of those keys, then runs the OS, which re-executes every
//! transaction and checks everything the hints gave it. It is [`prepare_block`] (executor run,
//! OS input, witness: a [`PreparedBlock`] whose parts can be inspected, or changed to test that
//! the OS refuses them) followed by [`PreparedBlock::run`]. The result, a [`BlockExecution`],
//! holds the decoded [`chain::BlockPublicOutput`], the step count and the relocated run;
//! [`OsRun::to_cairo_execution`] hands it to `cairo-air`'s prover.
//!
//! [`BlockWitness`] is a prepared block in serializable form: what a stateless worker of a
//! prover cluster reads from the object store to run the OS with no state database.
//!
//! Supported (Cairo 0 classes): INVOKE v1/v3 (reverted ones included: the OS then only hashes the transaction,
//! bumps its nonce and runs `__validate__`; the reverted flag is taken from the executor, not
//! proven, see `os-program/os/README.md`), DEPLOY_ACCOUNT v1/v3, DECLARE v1 (and v3 of Sierra classes), and the deprecated
//! syscalls the executor serves except the L1-handler ones. The accounts' `__validate__`,
//! `__validate_deploy__` and `__validate_declare__` run in the OS, so the signatures they check
//! (ecdsa builtin) are proven.
//!
//! Sierra (Cairo 1) classes, first slice: under a Cairo 0 account, a Sierra class called or
//! deployed by Cairo 0 code runs its CASM in the OS, bound to the class hash through the classes
//! trie by its compiled class hash v2, with the `storage_read`, `storage_write`, `emit_event`,
//! `get_execution_info`, `call_contract` and `library_call` syscalls replayed and checked. Other uses of Sierra classes are refused as
//! [`OsError::SierraClass`] (before the run) or [`OsError::Cairo1Unsupported`] (an unserved
//! syscall or hint during the run); `os-program/os/README.md`, "Cairo 1 classes", lists them.
//!
//! [`cairo1`] is the Rust side of Cairo 1 classes (the loaded class, its hints, the syscall gas
//! costs and responses); [`compiled_class`] and [`blake2s`] serve
//! `os-program/os/compiled_class.cairo`, the compiled class hash (v2 by the Blake2s opcodes, v1 by
//! Poseidon) of a CASM class in Cairo: the class's memory layout and the hint of the felt
//! encoding.

pub mod blake2s;
pub mod cairo1;
pub mod compiled_class;
mod error;
mod gas_mode;
mod hints;
mod input;
mod os_run;
mod recording;
mod runner;
pub mod state_update;
mod witness;

pub use error::OsError;
pub use hints::ClassInput;
pub use input::{
    OsInput, PreContract, ReceiptInput, TX_DECLARE, TX_DEPLOY_ACCOUNT, TX_INVOKE, TransactionInput,
};
pub use os_run::OsRun;
pub use recording::{RecordedExecution, execute_recorded};
pub use runner::{
    BlockExecution, BlockToProve, OS_PROGRAM_JSON, PreparedBlock, os_program, prepare_block,
    prepare_recorded, program_hash, run_block,
};
pub use witness::{BlockWitness, WITNESS_FORMAT_VERSION, WitnessRun};
