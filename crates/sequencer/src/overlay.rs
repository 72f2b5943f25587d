//! [`StateView`]s over the store: the state after a committed block, optionally with the
//! changes of the block under construction on top.

use std::collections::HashMap;

use chain::classes::ContractClass;
use chain::{Felt, StateDiff};

use crate::SequencerError;
use crate::executor::StateView;
use crate::store::Store;

/// The state after block `block` plus `pending` changes.
pub struct OverlayState<'a> {
    store: &'a Store,
    block: u64,
    /// Changes of the transactions already executed in the block under construction.
    pub pending: StateDiff,
    /// Classes declared by those transactions.
    pub pending_classes: HashMap<Felt, ContractClass>,
}

impl<'a> OverlayState<'a> {
    /// The state right after block `block`.
    pub fn new(store: &'a Store, block: u64) -> Self {
        OverlayState {
            store,
            block,
            pending: StateDiff::default(),
            pending_classes: HashMap::new(),
        }
    }
}

impl StateView for OverlayState<'_> {
    fn storage_at(&self, address: Felt, key: Felt) -> Result<Felt, SequencerError> {
        if let Some(value) = self.pending.storage_diffs.get(&address).and_then(|m| m.get(&key)) {
            return Ok(*value);
        }
        self.store.storage_at(&address, &key, self.block)
    }

    fn nonce_at(&self, address: Felt) -> Result<Felt, SequencerError> {
        if let Some(nonce) = self.pending.nonces.get(&address) {
            return Ok(*nonce);
        }
        self.store.nonce_at(&address, self.block)
    }

    fn class_hash_at(&self, address: Felt) -> Result<Felt, SequencerError> {
        let pending = self.pending.replaced_classes.get(&address);
        if let Some(class_hash) = pending.or_else(|| self.pending.deployed_contracts.get(&address))
        {
            return Ok(*class_hash);
        }
        self.store.class_hash_at(&address, self.block)
    }

    fn class(&self, class_hash: Felt) -> Result<Option<ContractClass>, SequencerError> {
        if let Some(class) = self.pending_classes.get(&class_hash) {
            return Ok(Some(class.clone()));
        }
        match self.store.class_declared_at(&class_hash)? {
            Some(declared_at) if declared_at <= self.block => self.store.class(&class_hash, false),
            _ => Ok(None),
        }
    }
}
