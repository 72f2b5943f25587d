//! Removing the latest blocks (`devnet_abortBlocks`, `devnet_load`), durably and in an order a
//! crash cannot break.
//!
//! The intent goes first: `meta/aborting_from` names the lowest block to remove and is flushed
//! before anything is removed; [`Store::resume_removal`] (run on open) finishes a removal that a
//! crash interrupted, so an answered abort is never half undone and an unanswered one completes
//! on the next start. Then, latest block first, each block is *unpublished* by one small sled
//! transaction (block, hash index and the classes it declared removed, the unfinished-block
//! marker of [`Store::commit_block`] written), which turns it into exactly what a crash in the
//! middle of writing it leaves behind; [`Store::discard_unfinished_block`] then removes its bulk
//! (transactions, receipts, state update, flat state). The state commitment's roots above the
//! new latest block are dropped by the node ([`crate::Node`]'s recovery), as after a crash.

use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use chain::Felt;

use super::codec::{decode, encode, felt_key, u64_key};
use super::records::BlockRecord;
use super::{Store, UNFINISHED_BLOCK_KEY};
use crate::SequencerError;

/// `meta` key of a removal in progress: the lowest block number to remove.
const ABORTING_FROM_KEY: &[u8] = b"aborting_from";

impl Store {
    /// Removes blocks `from..=latest`, latest first, and returns them in that order. Genesis
    /// (block 0) is never removed. Durable when it returns; see the module docs for a crash.
    pub(crate) fn remove_blocks_from(&self, from: u64) -> Result<Vec<BlockRecord>, SequencerError> {
        if from == 0 {
            return Err(SequencerError::GenesisNotAbortable);
        }
        self.trees.meta.insert(ABORTING_FROM_KEY, encode(&from))?;
        self.db.flush()?;
        self.finish_removal(from)
    }

    /// Finishes a removal that a crash interrupted (run on open, after
    /// [`Store::discard_unfinished_block`]). Returns how many blocks it removed.
    pub(crate) fn resume_removal(&self) -> Result<Option<usize>, SequencerError> {
        let Some(bytes) = self.trees.meta.get(ABORTING_FROM_KEY)? else { return Ok(None) };
        let from: u64 = decode("meta", &bytes)?;
        if from == 0 {
            return Err(SequencerError::corrupt("meta", "a removal of genesis was recorded"));
        }
        Ok(Some(self.finish_removal(from)?.len()))
    }

    fn finish_removal(&self, from: u64) -> Result<Vec<BlockRecord>, SequencerError> {
        let mut removed = Vec::new();
        while let Some(latest) = self.latest_block_number()?
            && latest >= from
        {
            removed.push(self.unpublish(latest)?);
            self.discard_unfinished_block()?;
        }
        self.trees.meta.remove(ABORTING_FROM_KEY)?;
        self.db.flush()?;
        Ok(removed)
    }

    /// Takes block `number` (the latest) out of the published chain in one sled transaction,
    /// leaving its bulk under the unfinished-block marker.
    fn unpublish(&self, number: u64) -> Result<BlockRecord, SequencerError> {
        let record = self.block(number)?.ok_or(SequencerError::BlockNotFound)?;
        let update = self.state_update(number)?.ok_or_else(|| {
            SequencerError::corrupt("state_updates", format!("block {number} has none"))
        })?;
        // The classes this block declared (a class declared earlier keeps its block).
        let number_key = u64_key(number);
        let diff = &update.state_diff;
        let mut declared: Vec<Felt> = Vec::new();
        for class_hash in diff.declared_classes.keys().chain(&diff.deprecated_declared_classes) {
            let at = self.trees.class_blocks.get(felt_key(class_hash))?;
            if at.as_deref() == Some(&number_key[..]) {
                declared.push(*class_hash);
            }
        }
        let marker = encode(&(number, &record.transaction_hashes));
        let t = &self.trees;
        let trees = [&t.blocks, &t.block_hashes, &t.classes, &t.class_blocks, &t.meta];
        let result: Result<(), TransactionError<SequencerError>> =
            trees.as_slice().transaction(|v| {
                let [blocks, block_hashes, classes, class_blocks, meta] = v.as_slice() else {
                    return Err(ConflictableTransactionError::Abort(SequencerError::corrupt(
                        "store",
                        "unexpected number of trees",
                    )));
                };
                meta.insert(UNFINISHED_BLOCK_KEY, marker.as_slice())?;
                blocks.remove(&number_key[..])?;
                block_hashes.remove(&felt_key(&record.block_hash)[..])?;
                for class_hash in &declared {
                    classes.remove(&felt_key(class_hash)[..])?;
                    class_blocks.remove(&felt_key(class_hash)[..])?;
                }
                Ok(())
            });
        match result {
            Ok(()) => {}
            Err(TransactionError::Abort(error)) => return Err(error),
            Err(TransactionError::Storage(error)) => return Err(error.into()),
        }
        self.forget_classes(&declared)?;
        Ok(record)
    }

    /// Drops classes from the parsed-class cache (their declaring block is gone).
    fn forget_classes(&self, class_hashes: &[Felt]) -> Result<(), SequencerError> {
        let mut cache = self
            .class_cache
            .write()
            .map_err(|_| SequencerError::corrupt("classes", "class cache lock poisoned"))?;
        for class_hash in class_hashes {
            cache.remove(class_hash);
        }
        Ok(())
    }

    /// Empties the mempool (`devnet_load` starts from genesis with nothing waiting).
    pub(crate) fn clear_mempool(&self) -> Result<(), SequencerError> {
        self.trees.mempool.clear()?;
        self.trees.mempool_classes.clear()?;
        self.db.flush()?;
        Ok(())
    }
}
