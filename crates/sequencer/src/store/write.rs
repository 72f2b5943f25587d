//! Writing a block: one sled transaction over every tree the block touches, then a flush.

use std::sync::Arc;

use chain::{Felt, Receipt, Transaction};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use starknet_core::types::contract::legacy::LegacyContractClass;

use super::Store;
use super::codec::{encode, felt_key, u64_key};
use super::flat_state::FlatStateWriter;
use super::records::{BlockRecord, StateUpdateRecord, TransactionRecord};
use crate::SequencerError;

/// Everything a produced block writes.
pub struct BlockCommit<'a> {
    /// The block.
    pub record: &'a BlockRecord,
    /// Its transactions, in order, with their receipts.
    pub transactions: &'a [(Transaction, Receipt)],
    /// Its state update.
    pub state_update: &'a StateUpdateRecord,
    /// Classes it declares.
    pub declared_classes: &'a [(Felt, Arc<LegacyContractClass>)],
    /// Mempool transactions dropped while building it, with the reason.
    pub rejected: &'a [(Felt, String)],
}

impl Store {
    /// Writes a block atomically and durably, and removes its transactions (and the rejected
    /// ones) from the mempool.
    pub fn commit_block(&self, commit: &BlockCommit<'_>) -> Result<(), SequencerError> {
        let number = commit.record.header.block_number;
        let number_key = u64_key(number);
        // Encode outside the transaction closure, which sled may run more than once.
        let block = encode(commit.record);
        let state_update = encode(commit.state_update);
        let transactions: Vec<([u8; 32], Vec<u8>, Vec<u8>)> = commit
            .transactions
            .iter()
            .enumerate()
            .map(|(index, (transaction, receipt))| {
                let record = TransactionRecord {
                    transaction: transaction.clone(),
                    block_number: number,
                    index: index as u64,
                };
                (felt_key(&receipt.transaction_hash), encode(&record), encode(receipt))
            })
            .collect();
        let classes: Vec<([u8; 32], Vec<u8>)> = commit
            .declared_classes
            .iter()
            .map(|(class_hash, class)| (felt_key(class_hash), encode(class.as_ref())))
            .collect();
        let rejected: Vec<([u8; 32], Vec<u8>)> =
            commit.rejected.iter().map(|(hash, reason)| (felt_key(hash), encode(reason))).collect();

        let t = &self.trees;
        let trees = [
            &t.blocks,
            &t.block_hashes,
            &t.transactions,
            &t.receipts,
            &t.state_updates,
            &t.classes,
            &t.class_blocks,
            &t.storage,
            &t.nonces,
            &t.class_hashes,
            &t.mempool,
            &t.mempool_classes,
            &t.rejected,
        ];
        let result: Result<(), TransactionError<SequencerError>> =
            trees.as_slice().transaction(|v| {
                let [
                    blocks,
                    block_hashes,
                    txs,
                    receipts,
                    updates,
                    classes_tree,
                    class_blocks,
                    storage,
                    nonces,
                    class_hashes,
                    mempool,
                    mempool_classes,
                    rejected_tree,
                ] = v.as_slice()
                else {
                    return Err(ConflictableTransactionError::Abort(SequencerError::corrupt(
                        "store",
                        "unexpected number of trees",
                    )));
                };
                blocks.insert(&number_key[..], block.as_slice())?;
                block_hashes.insert(&felt_key(&commit.record.block_hash)[..], &number_key[..])?;
                for (hash, record, receipt) in &transactions {
                    txs.insert(&hash[..], record.as_slice())?;
                    receipts.insert(&hash[..], receipt.as_slice())?;
                    mempool.remove(&hash[..])?;
                }
                updates.insert(&number_key[..], state_update.as_slice())?;
                for (class_hash, class) in &classes {
                    classes_tree.insert(&class_hash[..], class.as_slice())?;
                    class_blocks.insert(&class_hash[..], &number_key[..])?;
                    mempool_classes.remove(&class_hash[..])?;
                }
                // Genesis declares classes through its diff without DECLARE transactions.
                for class_hash in &commit.state_update.state_diff.deprecated_declared_classes {
                    class_blocks.insert(&felt_key(class_hash)[..], &number_key[..])?;
                }
                for (hash, reason) in &rejected {
                    rejected_tree.insert(&hash[..], reason.as_slice())?;
                    mempool.remove(&hash[..])?;
                }
                FlatStateWriter { storage, nonces, class_hashes }
                    .write(number, &commit.state_update.state_diff)?;
                Ok(())
            });
        match result {
            Ok(()) => {}
            Err(TransactionError::Abort(error)) => return Err(error),
            Err(TransactionError::Storage(error)) => return Err(error.into()),
        }
        self.db.flush()?;
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
