//! The watcher-prover OS: runs the Cairo 0 OS program of `os-program/os/` over one block in
//! cairo-vm proof mode, with the hints that feed it the block, the classes and the state
//! witnesses, and returns the execution a block proof is made of together with its decoded
//! public output. The design of the OS and the contracts between its parts are in
//! `os-program/os/README.md`.
//!
//! [`run_block`] executes the block with the `executor` first (which gives the syscall
//! responses the contracts need while they run, and the keys the block touches), builds the
//! [`state::witness::StateWitness`] of those keys, then runs the OS, which re-executes every
//! transaction and checks everything the hints gave it.

mod error;
mod hints;
mod input;
mod runner;
pub mod state_update;

pub use error::OsError;
pub use hints::ClassInput;
pub use input::{
    OsInput, PreContract, TX_DECLARE, TX_DEPLOY_ACCOUNT, TX_INVOKE, TransactionInput,
};
pub use runner::{
    BlockExecution, BlockToProve, OS_PROGRAM_JSON, OsRun, PreparedBlock, os_program, prepare_block,
    run_block,
};
