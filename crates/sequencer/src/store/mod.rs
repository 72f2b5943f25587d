//! Persistence in sled 0.34: blocks, transactions, receipts, state updates, classes, the flat
//! versioned state and the mempool, in one database (the state commitment's trees live in the
//! same database under `state/`, see [`state::SledBackend::from_db`]).
//!
//! A block is written in three steps ([`Store::commit_block`]): a marker naming it, then its
//! bulk (transactions, receipts, state update, flat state) with plain writes that readers do not
//! see yet, then one small sled transaction that publishes it (block, hash index, classes,
//! rejections, marker removed); it is flushed before the block is announced. A crash leaves
//! either the whole block or none of it visible, and reopening removes the unfinished bulk
//! ([`Store::discard_unfinished_block`]). The bulk stays out of the sled transaction because a
//! sled transaction blocks every other sled operation of the process while it applies: with
//! the whole block in it, admission stalled for the ~15 ms (up to 120 ms on a loaded machine)
//! a 400-transaction block took to apply. A
//! submitted transaction is flushed to the `mempool` tree before the RPC answers.
//!
//! The latest blocks can be removed again (`devnet_abortBlocks`), durably: see the `rollback`
//! module ([`Store::remove_blocks_from`]).
//!
//! The store records the format of its block records ([`STORE_FORMAT_VERSION`] under
//! `meta/format_version`); a database with blocks of another (or no recorded) version is refused
//! with [`SequencerError::UnsupportedStoreFormat`] rather than served with headers whose stored
//! hashes no longer follow this build's block hash.

pub mod codec;
pub mod flat_state;
pub mod records;
mod rollback;
mod write;

use std::collections::HashMap;
use std::path::Path;
use std::sync::RwLock;

use chain::classes::ContractClass;
use chain::{Felt, Receipt};

use crate::SequencerError;
pub use records::{
    BlockRecord, ChainSettings, MempoolRecord, StateUpdateRecord, TransactionRecord,
};
pub use write::BlockCommit;

use codec::{decode, felt_key, key, u64_key};

/// The node's sled database.
pub struct Store {
    db: sled::Db,
    trees: Trees,
    /// Parsed classes by hash: the executor needs them on every call and parsing a class's JSON
    /// takes milliseconds. Classes never change once declared, so the cache never goes stale.
    class_cache: RwLock<HashMap<Felt, ContractClass>>,
}

/// Every tree, by name.
#[derive(Clone)]
pub(crate) struct Trees {
    meta: sled::Tree,
    blocks: sled::Tree,
    block_hashes: sled::Tree,
    transactions: sled::Tree,
    receipts: sled::Tree,
    state_updates: sled::Tree,
    classes: sled::Tree,
    class_blocks: sled::Tree,
    storage: sled::Tree,
    nonces: sled::Tree,
    class_hashes: sled::Tree,
    mempool: sled::Tree,
    mempool_classes: sled::Tree,
    rejected: sled::Tree,
}

/// The format of the stored block records. 2: Starknet's block hash (0.13.4 on) and the
/// receipt commitment and state-diff length in the header; 1 (never recorded): this chain's own
/// block hash.
pub const STORE_FORMAT_VERSION: u32 = 2;
const SETTINGS_KEY: &[u8] = b"settings";
/// `meta` key of the block being written: `(number, transaction hashes)`, present only between
/// the first and the last step of [`Store::commit_block`].
pub(crate) const UNFINISHED_BLOCK_KEY: &[u8] = b"unfinished_block";

/// Marks a new store with [`STORE_FORMAT_VERSION`]; refuses one with blocks of another format.
fn check_format(trees: &Trees) -> Result<(), SequencerError> {
    match state::store_format(&trees.meta, trees.blocks.is_empty(), STORE_FORMAT_VERSION)? {
        state::StoreFormat::Current => Ok(()),
        state::StoreFormat::Other(found) => {
            Err(SequencerError::UnsupportedStoreFormat { found, expected: STORE_FORMAT_VERSION })
        }
    }
}

impl Store {
    /// Opens (or creates) the database in directory `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, SequencerError> {
        Self::from_db(state::open_sled(path)?)
    }

    /// A throwaway in-memory database (tests, `--data-dir` not given).
    pub fn temporary() -> Result<Self, SequencerError> {
        Self::from_db(sled::Config::new().temporary(true).open()?)
    }

    fn from_db(db: sled::Db) -> Result<Self, SequencerError> {
        let open = |name: &str| db.open_tree(name);
        let trees = Trees {
            meta: open("meta")?,
            blocks: open("blocks")?,
            block_hashes: open("block_hashes")?,
            transactions: open("transactions")?,
            receipts: open("receipts")?,
            state_updates: open("state_updates")?,
            classes: open("classes")?,
            class_blocks: open("class_blocks")?,
            storage: open("storage")?,
            nonces: open("nonces")?,
            class_hashes: open("class_hashes")?,
            mempool: open("mempool")?,
            mempool_classes: open("mempool_classes")?,
            rejected: open("rejected")?,
        };
        check_format(&trees)?;
        Ok(Store { db, trees, class_cache: RwLock::default() })
    }

    /// The sled database (shared with the state commitment).
    pub fn db(&self) -> &sled::Db {
        &self.db
    }

    /// The settings this data directory was created with, if any.
    pub fn settings(&self) -> Result<Option<ChainSettings>, SequencerError> {
        self.trees.meta.get(SETTINGS_KEY)?.map(|bytes| decode("meta", &bytes)).transpose()
    }

    /// Records the settings of a new chain.
    pub fn put_settings(&self, settings: &ChainSettings) -> Result<(), SequencerError> {
        self.trees.meta.insert(SETTINGS_KEY, codec::encode(settings))?;
        self.db.flush()?;
        Ok(())
    }

    /// The number of the latest block, `None` before genesis.
    pub fn latest_block_number(&self) -> Result<Option<u64>, SequencerError> {
        match self.trees.blocks.last()? {
            Some((k, _)) => Ok(Some(codec::u64_from_key("blocks", &k)?)),
            None => Ok(None),
        }
    }

    /// Block `number`.
    pub fn block(&self, number: u64) -> Result<Option<BlockRecord>, SequencerError> {
        self.trees.blocks.get(u64_key(number))?.map(|b| decode("blocks", &b)).transpose()
    }

    /// The number of the block with hash `hash`.
    pub fn block_number_by_hash(&self, hash: &Felt) -> Result<Option<u64>, SequencerError> {
        match self.trees.block_hashes.get(felt_key(hash))? {
            Some(bytes) => Ok(Some(codec::u64_from_key("block_hashes", &bytes)?)),
            None => Ok(None),
        }
    }

    /// An included transaction (of a published block: one being written is not served yet).
    pub fn transaction(&self, hash: &Felt) -> Result<Option<TransactionRecord>, SequencerError> {
        let Some(bytes) = self.trees.transactions.get(felt_key(hash))? else { return Ok(None) };
        let record: TransactionRecord = decode("transactions", &bytes)?;
        let published =
            self.latest_block_number()?.is_some_and(|latest| record.block_number <= latest);
        Ok(published.then_some(record))
    }

    /// The receipt of an included transaction (of a published block).
    pub fn receipt(&self, hash: &Felt) -> Result<Option<Receipt>, SequencerError> {
        if self.transaction(hash)?.is_none() {
            return Ok(None);
        }
        self.trees.receipts.get(felt_key(hash))?.map(|b| decode("receipts", &b)).transpose()
    }

    /// Removes what an interrupted [`Store::commit_block`] wrote before its block was
    /// published (run on open, before anything reads). Returns the block number it removed.
    pub fn discard_unfinished_block(&self) -> Result<Option<u64>, SequencerError> {
        let Some(bytes) = self.trees.meta.get(UNFINISHED_BLOCK_KEY)? else { return Ok(None) };
        let (number, hashes): (u64, Vec<Felt>) = decode("meta", &bytes)?;
        if self.trees.blocks.contains_key(u64_key(number))? {
            return Err(SequencerError::corrupt(
                "meta",
                format!("block {number} is both published and unfinished"),
            ));
        }
        for hash in &hashes {
            self.trees.transactions.remove(felt_key(hash))?;
            self.trees.receipts.remove(felt_key(hash))?;
        }
        if let Some(update) = self.state_update(number)? {
            let t = &self.trees;
            flat_state::FlatStateWriter {
                storage: &t.storage,
                nonces: &t.nonces,
                class_hashes: &t.class_hashes,
            }
            .remove(number, &update.state_diff)?;
            t.state_updates.remove(u64_key(number))?;
        }
        self.trees.meta.remove(UNFINISHED_BLOCK_KEY)?;
        self.db.flush()?;
        Ok(Some(number))
    }

    /// Why a transaction was dropped from the mempool, if it was.
    pub fn rejection(&self, hash: &Felt) -> Result<Option<String>, SequencerError> {
        self.trees.rejected.get(felt_key(hash))?.map(|b| decode("rejected", &b)).transpose()
    }

    /// The state update of block `number`.
    pub fn state_update(&self, number: u64) -> Result<Option<StateUpdateRecord>, SequencerError> {
        self.trees
            .state_updates
            .get(u64_key(number))?
            .map(|b| decode("state_updates", &b))
            .transpose()
    }

    /// Storage of `address` at `storage_key` after block `block` (0 if never written).
    pub fn storage_at(
        &self,
        address: &Felt,
        storage_key: &Felt,
        block: u64,
    ) -> Result<Felt, SequencerError> {
        let prefix = flat_state::storage_prefix(address, storage_key);
        Ok(flat_state::read_at(&self.trees.storage, &prefix, block)?.unwrap_or_default())
    }

    /// The last block at or below `block` that wrote storage `storage_key` of `address`, and
    /// the value it wrote; `None` if none did.
    pub fn storage_last_write(
        &self,
        address: &Felt,
        storage_key: &Felt,
        block: u64,
    ) -> Result<Option<(u64, Felt)>, SequencerError> {
        let prefix = flat_state::storage_prefix(address, storage_key);
        Ok(flat_state::last_write_at(&self.trees.storage, &prefix, block)?)
    }

    /// Nonce of `address` after block `block`.
    pub fn nonce_at(&self, address: &Felt, block: u64) -> Result<Felt, SequencerError> {
        Ok(flat_state::read_at(&self.trees.nonces, &felt_key(address), block)?.unwrap_or_default())
    }

    /// Class hash at `address` after block `block` (0: no contract).
    pub fn class_hash_at(&self, address: &Felt, block: u64) -> Result<Felt, SequencerError> {
        let found = flat_state::read_at(&self.trees.class_hashes, &felt_key(address), block)?;
        Ok(found.unwrap_or_default())
    }

    /// The block that declared `class_hash`, if it is declared.
    pub fn class_declared_at(&self, class_hash: &Felt) -> Result<Option<u64>, SequencerError> {
        match self.trees.class_blocks.get(felt_key(class_hash))? {
            Some(bytes) => Ok(Some(codec::u64_from_key("class_blocks", &bytes)?)),
            None => Ok(None),
        }
    }

    /// A declared class (whatever block declared it), or one waiting in the mempool when
    /// `include_pending`.
    pub fn class(
        &self,
        class_hash: &Felt,
        include_pending: bool,
    ) -> Result<Option<ContractClass>, SequencerError> {
        let poisoned = || SequencerError::corrupt("classes", "class cache lock poisoned");
        let cached = self.class_cache.read().map_err(|_| poisoned())?.get(class_hash).cloned();
        if let Some(class) = cached
            && (include_pending || self.trees.class_blocks.contains_key(felt_key(class_hash))?)
        {
            return Ok(Some(class));
        }
        let mut bytes = self.trees.classes.get(felt_key(class_hash))?;
        if bytes.is_none() && include_pending {
            bytes = self.trees.mempool_classes.get(felt_key(class_hash))?;
        }
        let Some(bytes) = bytes else { return Ok(None) };
        let class = codec::decode_class(&bytes)?;
        self.class_cache.write().map_err(|_| poisoned())?.insert(*class_hash, class.clone());
        Ok(Some(class))
    }

    /// Every transaction waiting in the mempool, in arrival order (a record left behind by a
    /// crash after its block was published is skipped).
    pub fn mempool(&self) -> Result<Vec<MempoolRecord>, SequencerError> {
        let mut records = Vec::new();
        for entry in self.trees.mempool.iter() {
            let (_, value) = entry?;
            let record = decode::<MempoolRecord>("mempool", &value)?;
            if self.transaction(&record.transaction_hash)?.is_none() {
                records.push(record);
            }
        }
        records.sort_by_key(|record| record.sequence);
        Ok(records)
    }

    /// Adds a transaction (and, for DECLARE, its class) to the mempool; durable once
    /// [`Store::flush`] returns.
    pub fn put_mempool(
        &self,
        record: &MempoolRecord,
        class: Option<(Felt, &ContractClass)>,
    ) -> Result<(), SequencerError> {
        if let Some((class_hash, class)) = class {
            self.trees.mempool_classes.insert(felt_key(&class_hash), codec::encode_class(class))?;
        }
        self.trees.mempool.insert(felt_key(&record.transaction_hash), codec::encode(record))?;
        Ok(())
    }

    /// Makes every write so far durable (concurrent callers share one disk sync).
    pub fn flush(&self) -> Result<(), SequencerError> {
        self.db.flush()?;
        Ok(())
    }

    /// Whether a transaction with this hash is in the mempool.
    pub fn in_mempool(&self, hash: &Felt) -> Result<bool, SequencerError> {
        Ok(self.trees.mempool.contains_key(felt_key(hash))?)
    }

    /// Iterates blocks `from..=to` in order.
    pub fn blocks(
        &self,
        from: u64,
        to: u64,
    ) -> impl Iterator<Item = Result<BlockRecord, SequencerError>> + '_ {
        self.trees.blocks.range(key(&[&u64_key(from)])..=key(&[&u64_key(to)])).map(|entry| {
            let (_, value) = entry?;
            decode("blocks", &value)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_of_another_format_is_refused() {
        let temporary = || sled::Config::new().temporary(true).open().unwrap();
        // A new database is marked and opens again.
        let db = temporary();
        Store::from_db(db.clone()).unwrap();
        Store::from_db(db).unwrap();
        // Blocks of a build that recorded no format (this chain's old block hash).
        let db = temporary();
        db.open_tree("blocks").unwrap().insert(0u64.to_be_bytes(), b"old").unwrap();
        let error = Store::from_db(db).err().unwrap();
        assert!(
            matches!(error, SequencerError::UnsupportedStoreFormat { found: None, expected: 2 }),
            "{error}"
        );
        // Another recorded format.
        let db = temporary();
        db.open_tree("meta")
            .unwrap()
            .insert(state::backend::FORMAT_VERSION_KEY, &1u32.to_be_bytes())
            .unwrap();
        let error = Store::from_db(db).err().unwrap();
        assert!(
            matches!(error, SequencerError::UnsupportedStoreFormat { found: Some(1), .. }),
            "{error}"
        );
    }
}
