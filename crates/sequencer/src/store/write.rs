//! Writing a block: the bulk with plain writes that stay invisible until the block is, then a
//! small sled transaction that publishes it, then a flush (see [`Store::commit_block`]).

use std::sync::Arc;

use chain::classes::ContractClass;
use chain::{Felt, Receipt, Transaction};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use starknet_core::types::contract::legacy::LegacyContractClass;

use super::codec::{encode, encode_class, felt_key, u64_key};
use super::flat_state::FlatStateWriter;
use super::records::{BlockRecord, StateUpdateRecord, TransactionRecord};
use super::{Store, UNFINISHED_BLOCK_KEY};
use crate::SequencerError;

/// Everything a produced block writes.
pub struct BlockCommit<'a> {
    /// The block.
    pub record: &'a BlockRecord,
    /// Its transactions, in order, with their receipts.
    pub transactions: &'a [(Transaction, Receipt)],
    /// Its state update.
    pub state_update: &'a StateUpdateRecord,
    /// Classes it declares (by DECLARE v1 and v3).
    pub declared_classes: &'a [(Felt, ContractClass)],
    /// Mempool transactions dropped while building it, with the reason.
    pub rejected: &'a [(Felt, String)],
}

impl Store {
    /// Writes a block atomically and durably, and removes its transactions (and the rejected
    /// ones) from the mempool.
    pub fn commit_block(&self, commit: &BlockCommit<'_>) -> Result<(), SequencerError> {
        let started = std::time::Instant::now();
        self.write_unpublished(commit)?;
        let number = commit.record.header.block_number;
        let number_key = u64_key(number);
        let t = &self.trees;
        // Encode outside the transaction closure, which sled may run more than once.
        let block = encode(commit.record);
        let classes: Vec<([u8; 32], Vec<u8>)> = commit
            .declared_classes
            .iter()
            .map(|(class_hash, class)| (felt_key(class_hash), encode_class(class)))
            .collect();
        let rejected: Vec<([u8; 32], Vec<u8>)> =
            commit.rejected.iter().map(|(hash, reason)| (felt_key(hash), encode(reason))).collect();

        // Then the commit point, one small sled transaction: the block, its hash, its classes,
        //    the rejected transactions, the marker's removal. A sled transaction holds a
        //    process-wide lock that stops every other sled operation while it applies, so it
        //    holds only what must appear at once.
        let trees = [
            &t.blocks,
            &t.block_hashes,
            &t.classes,
            &t.class_blocks,
            &t.mempool,
            &t.rejected,
            &t.meta,
        ];
        let result: Result<(), TransactionError<SequencerError>> =
            trees.as_slice().transaction(|v| {
                let [
                    blocks,
                    block_hashes,
                    classes_tree,
                    class_blocks,
                    mempool,
                    rejected_tree,
                    meta,
                ] = v.as_slice()
                else {
                    return Err(ConflictableTransactionError::Abort(SequencerError::corrupt(
                        "store",
                        "unexpected number of trees",
                    )));
                };
                blocks.insert(&number_key[..], block.as_slice())?;
                block_hashes.insert(&felt_key(&commit.record.block_hash)[..], &number_key[..])?;
                for (class_hash, class) in &classes {
                    classes_tree.insert(&class_hash[..], class.as_slice())?;
                    class_blocks.insert(&class_hash[..], &number_key[..])?;
                }
                // Genesis declares classes through its diff without DECLARE transactions.
                for class_hash in &commit.state_update.state_diff.deprecated_declared_classes {
                    class_blocks.insert(&felt_key(class_hash)[..], &number_key[..])?;
                }
                for (hash, reason) in &rejected {
                    rejected_tree.insert(&hash[..], reason.as_slice())?;
                    mempool.remove(&hash[..])?;
                }
                meta.remove(UNFINISHED_BLOCK_KEY)?;
                Ok(())
            });
        match result {
            Ok(()) => {}
            Err(TransactionError::Abort(error)) => return Err(error),
            Err(TransactionError::Storage(error)) => return Err(error.into()),
        }
        // Then the included transactions leave the mempool tree (plain removes again); a crash
        //    before they are durable leaves records that [`Store::mempool`] skips as included.
        for (_, receipt) in commit.transactions {
            t.mempool.remove(felt_key(&receipt.transaction_hash))?;
        }
        for (class_hash, _) in &classes {
            t.mempool_classes.remove(class_hash)?;
        }
        let written = started.elapsed();
        self.db.flush()?;
        tracing::debug!(
            block = number,
            transactions = commit.transactions.len(),
            write_us = written.as_micros() as u64,
            flush_us = (started.elapsed() - written).as_micros() as u64,
            "block written"
        );
        Ok(())
    }

    /// Step 1 of [`Store::commit_block`]: the marker, then the bulk, with plain inserts, which
    /// take only sled's shared lock, so admission keeps reading and writing meanwhile. Nothing
    /// written here is visible yet: the flat state is versioned by block number and readers
    /// stop at the latest block, and transaction records of a block above the latest are not
    /// served ([`Store::transaction`]). After a crash, [`Store::discard_unfinished_block`]
    /// removes what the marker names.
    pub(crate) fn write_unpublished(&self, commit: &BlockCommit<'_>) -> Result<(), SequencerError> {
        let number = commit.record.header.block_number;
        let t = &self.trees;
        let hashes: Vec<Felt> =
            commit.transactions.iter().map(|(_, receipt)| receipt.transaction_hash).collect();
        t.meta.insert(UNFINISHED_BLOCK_KEY, encode(&(number, hashes)))?;
        t.state_updates.insert(u64_key(number), encode(commit.state_update))?;
        for (index, (transaction, receipt)) in commit.transactions.iter().enumerate() {
            let record = TransactionRecord {
                transaction: transaction.clone(),
                block_number: number,
                index: index as u64,
            };
            let hash = felt_key(&receipt.transaction_hash);
            t.transactions.insert(hash, encode(&record))?;
            t.receipts.insert(hash, encode(receipt))?;
        }
        FlatStateWriter { storage: &t.storage, nonces: &t.nonces, class_hashes: &t.class_hashes }
            .write(number, &commit.state_update.state_diff)?;
        Ok(())
    }

    /// Stores the definitions of classes declared by genesis (no DECLARE transactions carry
    /// them). Idempotent.
    pub fn put_genesis_classes(
        &self,
        classes: &[(Felt, Arc<LegacyContractClass>)],
    ) -> Result<(), SequencerError> {
        for (class_hash, class) in classes {
            self.trees.classes.insert(felt_key(class_hash), encode(class.as_ref()))?;
        }
        self.db.flush()?;
        Ok(())
    }

    /// Drops rejected transactions from the mempool outside a block (none produced).
    pub fn reject(&self, rejected: &[(Felt, String)]) -> Result<(), SequencerError> {
        for (hash, reason) in rejected {
            self.trees.rejected.insert(felt_key(hash), encode(reason))?;
            self.trees.mempool.remove(felt_key(hash))?;
        }
        self.db.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chain::{Felt, StateDiff};

    use crate::node::Node;
    use crate::store::{BlockCommit, BlockRecord, StateUpdateRecord, Store};
    use crate::{CairoExecutor, NodeConfig};

    #[test]
    fn an_unfinished_block_is_invisible_and_discarded_on_reopen() {
        let config = NodeConfig { account_count: 1, ..NodeConfig::default() };
        let node = Node::open(Store::temporary().unwrap(), config, Arc::new(CairoExecutor::new()))
            .unwrap();
        let store = node.store();
        let genesis = store.block(0).unwrap().unwrap();
        let (address, key) = (Felt::from(0xabcu64), Felt::from(7u64));
        let mut diff = StateDiff::default();
        diff.set_storage(address, key, Felt::from(5u64));
        diff.nonces.insert(address, Felt::ONE);
        let header = node.header(1, genesis.block_hash, 1, Felt::ZERO, &[], &[], &diff);
        let record = BlockRecord { block_hash: header.hash(), header, transaction_hashes: vec![] };
        let update =
            StateUpdateRecord { old_root: Felt::ZERO, new_root: Felt::ZERO, state_diff: diff };
        let commit = BlockCommit {
            record: &record,
            transactions: &[],
            state_update: &update,
            declared_classes: &[],
            rejected: &[],
        };

        // A crash after the bulk: block 1 is not published, the state at 0 is unchanged.
        store.write_unpublished(&commit).unwrap();
        assert_eq!(store.latest_block_number().unwrap(), Some(0));
        assert_eq!(store.storage_at(&address, &key, 0).unwrap(), Felt::ZERO);
        assert_eq!(store.discard_unfinished_block().unwrap(), Some(1));
        assert_eq!(store.storage_at(&address, &key, 1).unwrap(), Felt::ZERO, "bulk removed");
        assert_eq!(store.nonce_at(&address, 1).unwrap(), Felt::ZERO);
        assert!(store.state_update(1).unwrap().is_none());
        assert_eq!(store.discard_unfinished_block().unwrap(), None, "marker removed");

        // The whole commit publishes it and leaves no marker.
        store.commit_block(&commit).unwrap();
        assert_eq!(store.latest_block_number().unwrap(), Some(1));
        assert_eq!(store.storage_at(&address, &key, 1).unwrap(), Felt::from(5u64));
        assert_eq!(store.nonce_at(&address, 1).unwrap(), Felt::ONE);
        assert_eq!(store.discard_unfinished_block().unwrap(), None);
    }
}
