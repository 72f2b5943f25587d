//! The write overlay over a [`StateReader`] snapshot, in nested layers.
//!
//! Layer 0 holds the block's committed transactions; each transaction pushes a layer, and its
//! execute phase another, so a revert drops exactly the execute phase's writes and a rejection
//! drops the whole transaction ([`StateOverlay::checkpoint`], [`StateOverlay::commit`],
//! [`StateOverlay::rollback`]). Cairo 0 cannot catch a failed call, so nested calls need no
//! layers of their own. Reads of the snapshot are cached: it never changes under the overlay.

use std::collections::HashMap;
use std::sync::Arc;

use chain::{Felt, StateDiff};
use state::StateReader;

use crate::{ClassProvider, DeprecatedClass, ExecutorError};

/// Writes of one layer.
#[derive(Default)]
struct Changes {
    storage: HashMap<(Felt, Felt), Felt>,
    nonces: HashMap<Felt, Felt>,
    class_hashes: HashMap<Felt, Felt>,
    declared: HashMap<Felt, Arc<DeprecatedClass>>,
}

impl Changes {
    fn absorb(&mut self, later: Changes) {
        self.storage.extend(later.storage);
        self.nonces.extend(later.nonces);
        self.class_hashes.extend(later.class_hashes);
        self.declared.extend(later.declared);
    }
}

/// Values read from the snapshot, so each is read from the trie once per overlay.
#[derive(Default)]
struct ReadCache {
    storage: HashMap<(Felt, Felt), Felt>,
    nonces: HashMap<Felt, Felt>,
    class_hashes: HashMap<Felt, Felt>,
    declared: HashMap<Felt, bool>,
    classes: HashMap<Felt, Arc<DeprecatedClass>>,
}

/// A snapshot plus layered writes.
pub(crate) struct StateOverlay<'a> {
    reader: &'a dyn StateReader,
    classes: &'a dyn ClassProvider,
    layers: Vec<Changes>,
    cache: ReadCache,
}

impl<'a> StateOverlay<'a> {
    pub(crate) fn new(reader: &'a dyn StateReader, classes: &'a dyn ClassProvider) -> Self {
        StateOverlay {
            reader,
            classes,
            layers: vec![Changes::default()],
            cache: ReadCache::default(),
        }
    }

    /// Pushes a layer; later writes go there until [`Self::commit`] or [`Self::rollback`].
    pub(crate) fn checkpoint(&mut self) {
        self.layers.push(Changes::default());
    }

    /// Folds the top layer into the one below.
    pub(crate) fn commit(&mut self) {
        if self.layers.len() > 1 {
            let top = self.layers.pop().unwrap_or_default();
            if let Some(below) = self.layers.last_mut() {
                below.absorb(top);
            }
        }
    }

    /// Drops the top layer's writes.
    pub(crate) fn rollback(&mut self) {
        if self.layers.len() > 1 {
            self.layers.pop();
        }
    }

    fn top(&mut self) -> &mut Changes {
        if self.layers.is_empty() {
            self.layers.push(Changes::default());
        }
        let last = self.layers.len() - 1;
        &mut self.layers[last]
    }

    /// Storage value, as seen through all layers.
    pub(crate) fn storage_at(&mut self, address: Felt, key: Felt) -> Result<Felt, ExecutorError> {
        self.storage_below(self.layers.len(), address, key)
    }

    fn storage_below(
        &mut self,
        depth: usize,
        address: Felt,
        key: Felt,
    ) -> Result<Felt, ExecutorError> {
        if let Some(value) =
            self.layers[..depth].iter().rev().find_map(|l| l.storage.get(&(address, key)))
        {
            return Ok(*value);
        }
        if let Some(value) = self.cache.storage.get(&(address, key)) {
            return Ok(*value);
        }
        let value = self.reader.storage_at(address, key)?;
        self.cache.storage.insert((address, key), value);
        Ok(value)
    }

    pub(crate) fn set_storage(&mut self, address: Felt, key: Felt, value: Felt) {
        self.top().storage.insert((address, key), value);
    }

    pub(crate) fn nonce_at(&mut self, address: Felt) -> Result<Felt, ExecutorError> {
        self.nonce_below(self.layers.len(), address)
    }

    fn nonce_below(&mut self, depth: usize, address: Felt) -> Result<Felt, ExecutorError> {
        if let Some(value) = self.layers[..depth].iter().rev().find_map(|l| l.nonces.get(&address))
        {
            return Ok(*value);
        }
        if let Some(value) = self.cache.nonces.get(&address) {
            return Ok(*value);
        }
        let value = self.reader.nonce_at(address)?;
        self.cache.nonces.insert(address, value);
        Ok(value)
    }

    pub(crate) fn set_nonce(&mut self, address: Felt, nonce: Felt) {
        self.top().nonces.insert(address, nonce);
    }

    /// Class hash of the contract at `address` (0: none).
    pub(crate) fn class_hash_at(&mut self, address: Felt) -> Result<Felt, ExecutorError> {
        self.class_hash_below(self.layers.len(), address)
    }

    fn class_hash_below(&mut self, depth: usize, address: Felt) -> Result<Felt, ExecutorError> {
        if let Some(value) =
            self.layers[..depth].iter().rev().find_map(|l| l.class_hashes.get(&address))
        {
            return Ok(*value);
        }
        if let Some(value) = self.cache.class_hashes.get(&address) {
            return Ok(*value);
        }
        let value = self.reader.class_hash_at(address)?;
        self.cache.class_hashes.insert(address, value);
        Ok(value)
    }

    pub(crate) fn set_class_hash(&mut self, address: Felt, class_hash: Felt) {
        self.top().class_hashes.insert(address, class_hash);
    }

    /// Whether `class_hash` is declared (in the snapshot or by an earlier transaction).
    pub(crate) fn is_declared(&mut self, class_hash: Felt) -> Result<bool, ExecutorError> {
        if self.layers.iter().any(|l| l.declared.contains_key(&class_hash)) {
            return Ok(true);
        }
        if let Some(declared) = self.cache.declared.get(&class_hash) {
            return Ok(*declared);
        }
        let declared = self.reader.compiled_class_hash(class_hash)?.is_some();
        self.cache.declared.insert(class_hash, declared);
        Ok(declared)
    }

    pub(crate) fn declare(&mut self, class: Arc<DeprecatedClass>) {
        self.top().declared.insert(class.class_hash(), class);
    }

    /// The definition of a declared class.
    pub(crate) fn class(
        &mut self,
        class_hash: Felt,
    ) -> Result<Arc<DeprecatedClass>, ExecutorError> {
        if let Some(class) = self.layers.iter().rev().find_map(|l| l.declared.get(&class_hash)) {
            return Ok(Arc::clone(class));
        }
        if let Some(class) = self.cache.classes.get(&class_hash) {
            return Ok(Arc::clone(class));
        }
        if !self.is_declared(class_hash)? {
            return Err(ExecutorError::UndeclaredClass { class_hash });
        }
        let class = self
            .classes
            .class(class_hash)?
            .ok_or(ExecutorError::MissingClassDefinition { class_hash })?;
        self.cache.classes.insert(class_hash, Arc::clone(&class));
        Ok(class)
    }

    /// Number of layers (1 = only the block layer).
    pub(crate) fn depth(&self) -> usize {
        self.layers.len()
    }

    /// The state diff of layer `index` against everything below it: writes that change nothing
    /// are left out, contracts whose class was 0 below are `deployed`, others `replaced`.
    pub(crate) fn layer_diff(&mut self, index: usize) -> Result<StateDiff, ExecutorError> {
        let mut diff = StateDiff::default();
        let Some(layer) = self.layers.get(index) else { return Ok(diff) };
        let storage: Vec<_> = layer.storage.iter().map(|(k, v)| (*k, *v)).collect();
        let nonces: Vec<_> = layer.nonces.iter().map(|(k, v)| (*k, *v)).collect();
        let class_hashes: Vec<_> = layer.class_hashes.iter().map(|(k, v)| (*k, *v)).collect();
        let declared: Vec<_> = layer.declared.keys().copied().collect();
        for ((address, key), value) in storage {
            if self.storage_below(index, address, key)? != value {
                diff.set_storage(address, key, value);
            }
        }
        for (address, nonce) in nonces {
            if self.nonce_below(index, address)? != nonce {
                diff.nonces.insert(address, nonce);
            }
        }
        for (address, class_hash) in class_hashes {
            let before = self.class_hash_below(index, address)?;
            if before == Felt::ZERO {
                diff.deployed_contracts.insert(address, class_hash);
            } else if before != class_hash {
                diff.replaced_classes.insert(address, class_hash);
            }
        }
        diff.deprecated_declared_classes.extend(declared);
        Ok(diff)
    }

    /// Classes declared in layer `index`.
    pub(crate) fn layer_declared(&self, index: usize) -> Vec<Arc<DeprecatedClass>> {
        self.layers.get(index).map(|l| l.declared.values().cloned().collect()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use state::StateError;

    use super::*;
    use crate::ClassCache;

    /// A snapshot with one contract (class 7, nonce 1, storage 5 → 50).
    struct Fixed;

    impl StateReader for Fixed {
        fn storage_at(&self, address: Felt, key: Felt) -> Result<Felt, StateError> {
            let map: HashMap<_, _> = [((Felt::ONE, Felt::from(5u64)), Felt::from(50u64))].into();
            Ok(map.get(&(address, key)).copied().unwrap_or_default())
        }
        fn nonce_at(&self, address: Felt) -> Result<Felt, StateError> {
            Ok(if address == Felt::ONE { Felt::ONE } else { Felt::ZERO })
        }
        fn class_hash_at(&self, address: Felt) -> Result<Felt, StateError> {
            Ok(if address == Felt::ONE { Felt::from(7u64) } else { Felt::ZERO })
        }
        fn compiled_class_hash(&self, class_hash: Felt) -> Result<Option<Felt>, StateError> {
            Ok((class_hash == Felt::from(7u64)).then_some(class_hash))
        }
    }

    #[test]
    fn layers_commit_and_roll_back() {
        let classes = ClassCache::new();
        let mut overlay = StateOverlay::new(&Fixed, &classes);
        let (one, five) = (Felt::ONE, Felt::from(5u64));
        overlay.checkpoint();
        overlay.set_storage(one, five, Felt::from(51u64));
        overlay.checkpoint();
        overlay.set_storage(one, five, Felt::from(52u64));
        overlay.set_nonce(one, Felt::TWO);
        assert_eq!(overlay.storage_at(one, five).unwrap(), Felt::from(52u64));
        overlay.rollback();
        assert_eq!(overlay.storage_at(one, five).unwrap(), Felt::from(51u64));
        assert_eq!(overlay.nonce_at(one).unwrap(), Felt::ONE);
        overlay.commit();
        assert_eq!(overlay.depth(), 1);
        assert_eq!(overlay.storage_at(one, five).unwrap(), Felt::from(51u64));
        // Rolling back the base layer is a no-op, never a panic.
        overlay.rollback();
        overlay.commit();
        assert_eq!(overlay.storage_at(one, five).unwrap(), Felt::from(51u64));
    }

    #[test]
    fn diff_leaves_out_writes_that_change_nothing() {
        let classes = ClassCache::new();
        let mut overlay = StateOverlay::new(&Fixed, &classes);
        let (one, two) = (Felt::ONE, Felt::TWO);
        overlay.set_storage(one, Felt::from(5u64), Felt::from(50u64)); // unchanged
        overlay.set_storage(one, Felt::from(6u64), Felt::from(60u64));
        overlay.set_nonce(one, Felt::ONE); // unchanged
        overlay.set_nonce(two, Felt::ONE);
        overlay.set_class_hash(two, Felt::from(7u64)); // deployed
        overlay.set_class_hash(one, Felt::from(8u64)); // replaced
        let diff = overlay.layer_diff(0).unwrap();
        assert_eq!(diff.storage_diffs[&one].len(), 1);
        assert_eq!(diff.storage_diffs[&one][&Felt::from(6u64)], Felt::from(60u64));
        assert_eq!(diff.nonces.len(), 1);
        assert_eq!(diff.deployed_contracts[&two], Felt::from(7u64));
        assert_eq!(diff.replaced_classes[&one], Felt::from(8u64));
    }

    #[test]
    fn undeclared_or_unknown_classes_are_errors() {
        let classes = ClassCache::new();
        let mut overlay = StateOverlay::new(&Fixed, &classes);
        assert!(overlay.is_declared(Felt::from(7u64)).unwrap());
        // Declared in the state but unknown to the provider: the node's fault, not the caller's.
        let missing = overlay.class(Felt::from(7u64)).unwrap_err();
        assert!(matches!(missing, ExecutorError::MissingClassDefinition { .. }));
        assert!(!missing.is_rejection());
        assert!(matches!(
            overlay.class(Felt::from(9u64)),
            Err(ExecutorError::UndeclaredClass { .. })
        ));
    }
}
