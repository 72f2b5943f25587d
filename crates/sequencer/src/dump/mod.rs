//! `devnet_dump` and `devnet_load`: a chain's transactions written to a self-describing JSON
//! file, and replayed into a fresh chain.
//!
//! starknet-devnet dumps the list of state-changing requests it received and replays them on
//! load. This devnet keeps its chain on disk already (`--data-dir`), so a dump is for moving a
//! chain elsewhere or resetting one to a known point: it holds the transactions of every block
//! after genesis, block by block, with the class of each DECLARE, and the settings that
//! determine genesis (chain id, account count, seed; a dump only loads on a chain with the same
//! ones, since its transactions are signed for that chain id by accounts derived from that
//! seed). Loading removes every block after genesis and whatever waits in the mempool, then
//! replays the dump's blocks in order: each block's transactions go to the mempool and a block
//! is produced from them, so block numbers and transaction positions come back as dumped, with
//! new timestamps (and so new block hashes, as with starknet-devnet). Mints come back too: they
//! are ordinary transactions of the minter ([`crate::mint`]).
//!
//! Files are read and written only under the directory the operator names with
//! `watcher-prover devnet --dump-dir DIR` ([`path`]); without it both methods are refused (as
//! starknet-devnet refuses a dump without `--dump-on`). `devnet_dump` without a path answers
//! the dump itself instead of writing it.

mod build;
mod load;
pub mod path;

use std::path::PathBuf;

use chain::classes::ContractClass;
use chain::{Felt, Transaction};
use serde::{Deserialize, Serialize};
use starknet_core::types::FlattenedSierraClass;
use starknet_core::types::contract::legacy::LegacyContractClass;

use crate::config::NodeConfig;

/// The `format` field of every dump.
pub const DUMP_FORMAT: &str = "watcher-prover devnet dump";
/// The layout version this release writes and reads.
pub const DUMP_VERSION: u32 = 1;
/// The largest dump file `devnet_load` reads.
pub const MAX_DUMP_BYTES: u64 = 256 << 20;

/// A dumped chain.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Dump {
    /// [`DUMP_FORMAT`]: what this file is.
    pub format: String,
    /// [`DUMP_VERSION`].
    pub version: u32,
    /// The chain id the transactions are signed for.
    pub chain_id: Felt,
    /// Prefunded accounts of the genesis (`--accounts`).
    pub account_count: u64,
    /// Seed of their keys (`--seed`).
    pub seed: u64,
    /// Every block after genesis, in order.
    pub blocks: Vec<DumpedBlock>,
}

/// A block of the dump.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DumpedBlock {
    /// Its number (a load produces it at the same one).
    pub block_number: u64,
    /// Its hash when dumped (informative: a load gives it a new timestamp, so a new hash).
    pub block_hash: Felt,
    /// Its transactions, in order.
    pub transactions: Vec<DumpedTransaction>,
}

/// A transaction of the dump.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DumpedTransaction {
    /// Its hash (checked on load: the same transaction on the same chain id).
    pub transaction_hash: Felt,
    /// The transaction, signature included.
    pub transaction: Transaction,
    /// The class a DECLARE declares.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<DumpedClass>,
}

/// A declared class, in the JSON a node stores and serves it in.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", content = "definition", rename_all = "snake_case")]
pub enum DumpedClass {
    /// A deprecated (Cairo 0) class.
    Legacy(Box<LegacyContractClass>),
    /// A Sierra (Cairo 1) class.
    Sierra(Box<FlattenedSierraClass>),
}

impl From<ContractClass> for DumpedClass {
    fn from(class: ContractClass) -> Self {
        match class {
            ContractClass::Legacy(class) => DumpedClass::Legacy(Box::new((*class).clone())),
            ContractClass::Sierra(class) => DumpedClass::Sierra(Box::new((*class).clone())),
        }
    }
}

impl From<DumpedClass> for ContractClass {
    fn from(class: DumpedClass) -> Self {
        match class {
            DumpedClass::Legacy(class) => ContractClass::Legacy((*class).into()),
            DumpedClass::Sierra(class) => ContractClass::Sierra((*class).into()),
        }
    }
}

impl Dump {
    /// Refuses a dump of another chain (what genesis and transaction hashes depend on).
    pub fn check_chain(&self, config: &NodeConfig) -> Result<(), DumpError> {
        let ours = (config.chain_id.as_felt(), config.account_count, config.seed);
        let theirs = (self.chain_id, self.account_count, self.seed);
        if ours != theirs {
            return Err(DumpError::OtherChain {
                detail: format!(
                    "the dump is of chain id {:#x} with {} accounts from seed {}, this devnet \
                     runs chain id {:#x} with {} accounts from seed {}",
                    theirs.0, theirs.1, theirs.2, ours.0, ours.1, ours.2
                ),
            });
        }
        Ok(())
    }
}

/// Why a dump or a load failed.
#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    /// The devnet was started without `--dump-dir`.
    #[error("dump and load are off: start the devnet with --dump-dir DIR")]
    Disabled,
    /// A path outside the dump directory, or not a plain file name in it.
    #[error("path {path:?} refused: {reason}")]
    PathRefused { path: String, reason: &'static str },
    /// Reading or writing the file failed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_DUMP_BYTES`].
    #[error("{path} holds {size} bytes, over the {MAX_DUMP_BYTES}-byte limit of a dump")]
    TooLarge { path: PathBuf, size: u64 },
    /// The file is not a dump this release reads.
    #[error("{path} is not a devnet dump this release reads: {reason}")]
    NotADump { path: PathBuf, reason: String },
    /// The dump is of a chain with other genesis settings.
    #[error("{detail}")]
    OtherChain { detail: String },
    /// A dumped transaction did not make it into its block on load (the chain keeps the blocks
    /// replayed before it).
    #[error(
        "loading block {block_number} of the dump: transaction {transaction_hash:#x} was not \
         included: {reason}"
    )]
    Replay { block_number: u64, transaction_hash: Felt, reason: String },
}
