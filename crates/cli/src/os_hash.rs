//! `watcher-prover os-hash`: prints the program hash of the bundled OS program
//! (`os-program/os/main.json`), computed as the verifier pins program hashes (Poseidon over the
//! bytecode, builtin list and end: `cairo_air::CairoProgram::hash`). This is the value light clients pin.

use clap::Args;

use crate::exit::{Failure, unusable};

#[derive(Args)]
pub struct OsHashArgs {}

/// The OS program's hash, as `verify --program` and light clients compute it.
pub fn os_program_hash() -> Result<starknet_types_core::felt::Felt, Failure> {
    os::program_hash().map_err(|e| unusable(format!("the bundled OS program: {e}")))
}

pub fn run(_args: OsHashArgs) -> Result<(), Failure> {
    println!("{:#x}", os_program_hash()?);
    Ok(())
}
