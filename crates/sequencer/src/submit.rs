//! Admission of submitted transactions: hash, duplicate and nonce checks, validation by the
//! executor, then a durable write to the mempool before the caller gets the hash back.

use chain::classes::ContractClass;
use chain::{Felt, Transaction};
use tracing::debug;

use crate::SequencerError;
use crate::executor::ExecutableTransaction;
use crate::node::Node;
use crate::overlay::OverlayState;

impl Node {
    /// Admits a transaction (with its class, for DECLARE) into the mempool and returns its hash
    /// once it is durably recorded. CPU and disk work: call it from a blocking thread.
    pub fn submit(
        &self,
        transaction: Transaction,
        class: Option<ContractClass>,
    ) -> Result<Felt, SequencerError> {
        if transaction.is_query() {
            return Err(SequencerError::UnsupportedTransaction(
                "a query-only version cannot be executed".into(),
            ));
        }
        let started = std::time::Instant::now();
        let hash = transaction.hash(self.config.chain_id);
        if self.mempool()?.contains(&hash) || self.store.transaction(&hash)?.is_some() {
            return Err(SequencerError::DuplicateTransaction(hash));
        }
        let account = transaction.sender_address();
        let nonce = transaction.nonce();
        self.check_admission(&account, nonce)?;
        let latest = self.latest_block()?.header.block_number;
        let limit = self.config.max_mempool_transactions;
        let declared_hash = match &transaction {
            Transaction::DeclareV1(declare) => Some(declare.class_hash),
            Transaction::DeclareV3(declare) => Some(declare.class_hash),
            Transaction::DeclareV2(declare) => Some(declare.class_hash),
            _ => None,
        };
        if let Some(class_hash) = declared_hash
            && self.store.class_declared_at(&class_hash)?.is_some()
        {
            return Err(SequencerError::ClassAlreadyDeclared(class_hash));
        }
        let executable = ExecutableTransaction {
            transaction: transaction.clone(),
            transaction_hash: hash,
            declared_class: class,
        };
        let state = OverlayState::new(&self.store, latest);
        let block = self.pending_block_info()?;
        let checked = started.elapsed();
        if let Err(failure) = self.executor.validate(&state, &block, &executable)? {
            return Err(SequencerError::ValidationFailure(failure.reason));
        }
        let validated = started.elapsed();

        let mut mempool = self.mempool()?;
        // Checked again under the lock: concurrent submissions may have filled it meanwhile.
        if mempool.len() >= limit {
            return Err(SequencerError::MempoolFull { limit });
        }
        if let Some(waiting) = mempool.by_nonce(&account, &nonce) {
            return Err(if waiting == hash {
                SequencerError::DuplicateTransaction(hash)
            } else {
                SequencerError::InvalidNonce(format!(
                    "a transaction with nonce {nonce:#x} from {account:#x} is already waiting"
                ))
            });
        }
        let record = mempool.new_record(hash, transaction);
        let class_to_store = declared_hash.zip(executable.declared_class.as_ref());
        self.store.put_mempool(&record, class_to_store)?;
        mempool.insert(record);
        drop(mempool);
        let written = started.elapsed();
        // Flushed outside the mempool lock so concurrent submissions share disk syncs; the
        // caller gets the hash only after this returns.
        self.store.flush()?;
        debug!(
            transaction = %format!("{hash:#x}"),
            checks_us = checked.as_micros() as u64,
            validate_us = (validated - checked).as_micros() as u64,
            write_us = (written - validated).as_micros() as u64,
            flush_us = (started.elapsed() - written).as_micros() as u64,
            "accepted into the mempool"
        );
        Ok(hash)
    }

    /// The checks that need only the sender and the nonce: the nonce is in the account's window
    /// and the mempool has room. Cheap (two reads), so the JSON-RPC layer runs them before it
    /// decompresses and hashes a DECLARE's class; [`Node::submit`] runs them again.
    pub fn check_admission(&self, account: &Felt, nonce: Felt) -> Result<(), SequencerError> {
        let latest = self.latest_block()?.header.block_number;
        let current = self.store.nonce_at(account, latest)?;
        if nonce < current {
            return Err(SequencerError::InvalidNonce(format!(
                "nonce {nonce:#x} is already used: the account's nonce is {current:#x}"
            )));
        }
        // `nonce >= current`, so the difference does not wrap.
        let window = self.config.nonce_window;
        if nonce - current >= Felt::from(window) {
            return Err(SequencerError::InvalidNonce(format!(
                "nonce {nonce:#x} is too far ahead: the account's nonce is {current:#x} and \
                 nonces up to {window} ahead are accepted"
            )));
        }
        let limit = self.config.max_mempool_transactions;
        if self.mempool()?.len() >= limit {
            return Err(SequencerError::MempoolFull { limit });
        }
        Ok(())
    }

    /// [`Node::check_admission`] for a DECLARE, which also needs a deployed sender (an
    /// undeployed one would fail validation, after the class is hashed).
    pub fn check_declare_admission(
        &self,
        sender: &Felt,
        nonce: Felt,
    ) -> Result<(), SequencerError> {
        let latest = self.latest_block()?.header.block_number;
        if self.store.class_hash_at(sender, latest)? == Felt::ZERO {
            return Err(SequencerError::ValidationFailure(format!(
                "no account is deployed at the sender address {sender:#x}"
            )));
        }
        self.check_admission(sender, nonce)
    }

    /// The nonce a new transaction of `account` should use: the latest block's nonce, or one
    /// past the highest nonce waiting in the mempool (what `getNonce` at `pre_confirmed`
    /// answers, so a client can send several transactions per block).
    pub fn next_nonce(&self, account: &Felt) -> Result<Felt, SequencerError> {
        let latest = self.latest_block()?.header.block_number;
        let committed = self.store.nonce_at(account, latest)?;
        let waiting = self.mempool()?.highest_nonce(account);
        Ok(match waiting {
            Some(highest) if highest >= committed => highest + Felt::ONE,
            _ => committed,
        })
    }
}
