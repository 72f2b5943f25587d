//! Block production: take ready mempool transactions in nonce order, execute them on top of the
//! latest state (up to `max_block_transactions` and `max_block_steps`), commit the state, write
//! the block. CPU work: call it from a blocking thread.

use std::collections::HashSet;

use chain::classes::ContractClass;
use chain::{Felt, Receipt, Transaction};
use tracing::{debug, info, warn};

use crate::SequencerError;
use crate::executor::{ExecutableTransaction, StateView, TransactionOutcome};
use crate::node::{Node, ProductionGuard, now_seconds};
use crate::overlay::OverlayState;
use crate::store::{BlockCommit, BlockRecord, StateUpdateRecord, Store};

impl Node {
    /// The executable form of a mempool transaction (DECLARE needs its class).
    pub(crate) fn executable(
        &self,
        transaction: Transaction,
        transaction_hash: Felt,
    ) -> Result<ExecutableTransaction, SequencerError> {
        let declared_class = match &transaction {
            Transaction::DeclareV1(chain::DeclareV1 { class_hash, .. })
            | Transaction::DeclareV2(chain::DeclareV2 { class_hash, .. })
            | Transaction::DeclareV3(chain::DeclareV3 { class_hash, .. }) => Some(
                self.store
                    .class(class_hash, true)?
                    .ok_or(SequencerError::ClassNotFound(*class_hash))?,
            ),
            _ => None,
        };
        Ok(ExecutableTransaction { transaction, transaction_hash, declared_class })
    }

    /// Produces the next block from the mempool (possibly empty) and returns it once it is
    /// durably written.
    pub fn produce_block(&self) -> Result<BlockRecord, SequencerError> {
        let production = self.lock_production()?;
        self.produce_block_locked(&production)
    }

    /// [`Node::produce_block`] for a caller that already holds the production lock.
    pub(crate) fn produce_block_locked(
        &self,
        _production: &ProductionGuard<'_>,
    ) -> Result<BlockRecord, SequencerError> {
        let parent = self.latest_block()?;
        let number = parent.header.block_number + 1;
        let block = self.block_info(number, now_seconds().max(parent.header.timestamp));
        // Work on a copy so submissions are not blocked while the block executes.
        let mempool = self.mempool()?.clone();

        let mut overlay = OverlayState::new(&self.store, parent.header.block_number);
        // Before its transactions, the block stores the hash of the block ten below it in the
        // block-hash contract (Starknet's protocol; `get_block_hash` reads it).
        if let Some(old_number) = number.checked_sub(executor::STORED_BLOCK_HASH_BUFFER) {
            let old = self.store.block(old_number)?.ok_or_else(|| SequencerError::Corrupt {
                table: "blocks",
                detail: format!("block {old_number} is missing below the head"),
            })?;
            overlay.pending.set_storage(
                executor::BLOCK_HASH_CONTRACT,
                Felt::from(old_number),
                old.block_hash,
            );
        }
        let mut included: Vec<(Transaction, Receipt)> = Vec::new();
        let mut declared: Vec<(Felt, ContractClass)> = Vec::new();
        let mut rejected: Vec<(Felt, String)> = Vec::new();
        let mut taken: HashSet<Felt> = HashSet::new();
        let step_budget = self.config.max_block_steps;
        let mut block_steps: u64 = 0;
        while included.len() < self.config.max_block_transactions {
            let (stale, next) = mempool.next_ready(|account| overlay.nonce_at(*account), &taken)?;
            for hash in stale {
                taken.insert(hash);
                rejected.push((hash, "invalid transaction nonce: already used".into()));
            }
            let Some(hash) = next else { break };
            taken.insert(hash);
            let record = mempool.get(&hash).ok_or(SequencerError::TransactionNotFound(hash))?;
            let executable = match self.executable(record.transaction.clone(), hash) {
                Ok(executable) => executable,
                Err(error) => {
                    rejected.push((hash, error.to_string()));
                    continue;
                }
            };
            match self.executor.execute(&overlay, &block, &executable)? {
                TransactionOutcome::Included { receipt, mut state_diff } => {
                    // The step budget, as Starknet's bouncer keeps it: a transaction that alone
                    // is over it can never be included; one that does not fit what is left
                    // waits for the next block, which this one makes room for by closing.
                    let steps = receipt.execution_resources.steps;
                    if steps > step_budget {
                        rejected.push((hash, over_block_budget(steps, step_budget)));
                        continue;
                    }
                    if block_steps.saturating_add(steps) > step_budget {
                        debug!(block_steps, steps, "block step budget reached");
                        break;
                    }
                    block_steps += steps;
                    if let (Some(class), true) = (&executable.declared_class, receipt.succeeded()) {
                        // A succeeded DECLARE declares its class. A Cairo 0 one is listed here
                        // whether or not the executor lists it in the transaction's diff; a
                        // Sierra one is in the diff with its compiled class hash.
                        let class_hash = match &executable.transaction {
                            Transaction::DeclareV1(declare) => {
                                state_diff.deprecated_declared_classes.insert(declare.class_hash);
                                Some(declare.class_hash)
                            }
                            Transaction::DeclareV3(declare) => Some(declare.class_hash),
                            Transaction::DeclareV2(declare) => Some(declare.class_hash),
                            _ => None,
                        };
                        if let Some(class_hash) = class_hash {
                            overlay.pending_classes.insert(class_hash, class.clone());
                            declared.push((class_hash, class.clone()));
                        }
                    }
                    overlay.pending.merge(&state_diff);
                    included.push((executable.transaction, receipt));
                }
                TransactionOutcome::Rejected { reason } => {
                    debug!(transaction = %format!("{hash:#x}"), %reason, "rejected");
                    rejected.push((hash, reason));
                }
            }
        }

        let diff = effective_diff(overlay.pending, &self.store, parent.header.block_number)?;
        let (old_root, new_root) = match &self.commitment {
            Some(commitment) => {
                let roots = commitment.commit_block(number, &diff)?;
                (parent.header.state_root, roots.global_root())
            }
            None => (Felt::ZERO, Felt::ZERO),
        };
        let hashes: Vec<Felt> = included.iter().map(|(_, r)| r.transaction_hash).collect();
        let receipts: Vec<Receipt> = included.iter().map(|(_, r)| r.clone()).collect();
        let signed: Vec<(Felt, &[Felt])> =
            included.iter().map(|(tx, r)| (r.transaction_hash, tx.signature())).collect();
        let header = self.header(
            number,
            parent.block_hash,
            block.timestamp,
            new_root,
            &signed,
            &receipts,
            &diff,
        );
        let record = BlockRecord { block_hash: header.hash(), header, transaction_hashes: hashes };
        let update = StateUpdateRecord { old_root, new_root, state_diff: diff };
        let written = self.store.commit_block(&BlockCommit {
            record: &record,
            transactions: &included,
            state_update: &update,
            declared_classes: &declared,
            rejected: &rejected,
        });
        if let Err(error) = written {
            // Drop the state commitment of the unwritten block so the next tick can retry.
            if let Err(recovery) = self.recover() {
                warn!(error = %recovery, "cannot drop the state commitment of an unwritten block");
            }
            return Err(error);
        }
        let mut mempool = self.mempool()?;
        for hash in record.transaction_hashes.iter().chain(rejected.iter().map(|(h, _)| h)) {
            mempool.remove(hash);
        }
        let waiting = mempool.len();
        drop(mempool);
        if !rejected.is_empty() {
            warn!(block = number, count = rejected.len(), "dropped invalid transactions");
        }
        info!(
            block = number,
            transactions = record.transaction_hashes.len(),
            steps = block_steps,
            waiting,
            hash = %format!("{:#x}", record.block_hash),
            "block produced"
        );
        Ok(record)
    }
}

/// Why a transaction that alone uses more steps than a block may hold is dropped.
fn over_block_budget(steps: u64, budget: u64) -> String {
    format!(
        "the transaction uses {steps} Cairo steps, more than a block holds ({budget}, \
         --max-block-steps)"
    )
}

/// The block's diff as its effect on the parent state: a storage value written back to what it
/// was (a balance sent and returned within the block) is no change. The OS computes the
/// state-diff commitment (and so the block hash) over effective changes only, and so does the
/// executor's own block diff; the merged per-transaction diffs may hold such no-ops.
fn effective_diff(
    mut diff: chain::StateDiff,
    store: &Store,
    parent: u64,
) -> Result<chain::StateDiff, SequencerError> {
    for (address, entries) in diff.storage_diffs.iter_mut() {
        let mut unchanged = Vec::new();
        for (key, value) in entries.iter() {
            if store.storage_at(address, key, parent)? == *value {
                unchanged.push(*key);
            }
        }
        for key in unchanged {
            entries.remove(&key);
        }
    }
    diff.storage_diffs.retain(|_, entries| !entries.is_empty());
    Ok(diff)
}
