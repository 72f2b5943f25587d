//! The watcher-prover OS: runs the Cairo 0 OS program of `os-program/os/` over one block in
//! cairo-vm proof mode, with the hints that feed it the block, the classes and the state
//! witnesses, and returns the execution a block proof is made of together with its decoded
//! public output. The design of the OS and the contracts between its parts are in
//! `os-program/os/README.md`.

mod error;
pub mod state_update;

pub use error::OsError;
