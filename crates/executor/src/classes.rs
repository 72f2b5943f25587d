//! Where the executor finds class definitions: the [`ClassProvider`] trait and an in-memory
//! [`ClassCache`].
//!
//! The state commitment stores only class hashes; the definitions live wherever the node keeps
//! them (the sequencer's store, the watcher's RPC fetches). The executor asks a provider for
//! the definition of every class it runs, and separately asks the state whether the class is
//! declared.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chain::Felt;
use starknet_core::types::contract::legacy::LegacyContractClass;

use crate::{BundledClasses, DeprecatedClass, ExecutorError, SierraClass};

/// Definitions of classes by class hash.
pub trait ClassProvider {
    /// The Cairo 0 class with hash `class_hash`, or `None` if the provider does not know it.
    fn class(&self, class_hash: Felt) -> Result<Option<Arc<DeprecatedClass>>, ExecutorError>;

    /// The Sierra class with hash `class_hash`, compiled, or `None` if the provider does not
    /// know it (a provider of Cairo 0 classes only keeps the default).
    fn sierra_class(&self, _class_hash: Felt) -> Result<Option<Arc<SierraClass>>, ExecutorError> {
        Ok(None)
    }
}

/// Any closure from class hash to class is a provider (e.g. a node's own class store with a
/// cache in front of [`DeprecatedClass::from_legacy_with_hash`]).
impl<F> ClassProvider for F
where
    F: Fn(Felt) -> Result<Option<Arc<DeprecatedClass>>, ExecutorError>,
{
    fn class(&self, class_hash: Felt) -> Result<Option<Arc<DeprecatedClass>>, ExecutorError> {
        self(class_hash)
    }
}

/// A thread-safe in-memory map of classes, e.g. the bundled ones plus every class declared since.
#[derive(Debug, Default)]
pub struct ClassCache {
    classes: RwLock<HashMap<Felt, Arc<DeprecatedClass>>>,
    sierra_classes: RwLock<HashMap<Felt, Arc<SierraClass>>>,
}

impl ClassCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// A cache holding the four bundled classes.
    pub fn with_bundled(bundled: &BundledClasses) -> Self {
        let cache = Self::new();
        for class in bundled.all() {
            cache.insert(Arc::clone(class));
        }
        cache
    }

    /// Adds a class (keyed by its hash).
    pub fn insert(&self, class: Arc<DeprecatedClass>) {
        // A poisoned lock only means another thread panicked mid-insert of a whole `Arc`; the map
        // itself is still consistent.
        let mut classes = self.classes.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        classes.insert(class.class_hash(), class);
    }

    /// Adds a compiled Sierra class (keyed by its class hash).
    pub fn insert_sierra(&self, class: Arc<SierraClass>) {
        let mut classes =
            self.sierra_classes.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        classes.insert(class.class_hash(), class);
    }

    /// The class with `class_hash`: from the cache, or else the definition `load` returns (e.g.
    /// from a node's class store), converted once and cached. The hash is trusted (it is the key
    /// the definition was stored under).
    pub fn get_or_load(
        &self,
        class_hash: Felt,
        load: impl FnOnce() -> Result<Option<Arc<LegacyContractClass>>, ExecutorError>,
    ) -> Result<Option<Arc<DeprecatedClass>>, ExecutorError> {
        if let Some(class) = self.class(class_hash)? {
            return Ok(Some(class));
        }
        let Some(definition) = load()? else { return Ok(None) };
        let class = Arc::new(DeprecatedClass::from_legacy_with_hash(definition, class_hash)?);
        self.insert(Arc::clone(&class));
        Ok(Some(class))
    }

    /// Number of classes held (Cairo 0 and Sierra).
    pub fn len(&self) -> usize {
        self.classes.read().unwrap_or_else(|poisoned| poisoned.into_inner()).len()
            + self.sierra_classes.read().unwrap_or_else(|poisoned| poisoned.into_inner()).len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl ClassProvider for ClassCache {
    fn class(&self, class_hash: Felt) -> Result<Option<Arc<DeprecatedClass>>, ExecutorError> {
        let classes = self.classes.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(classes.get(&class_hash).cloned())
    }

    fn sierra_class(&self, class_hash: Felt) -> Result<Option<Arc<SierraClass>>, ExecutorError> {
        let classes = self.sierra_classes.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(classes.get(&class_hash).cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nodes share classes and the executor across threads (RPC handlers, block production).
    #[test]
    fn shared_types_are_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<DeprecatedClass>();
        assert_send_sync::<ClassCache>();
        assert_send_sync::<BundledClasses>();
        assert_send_sync::<crate::Executor>();
        assert_send_sync::<crate::ExecutableTransaction>();
        assert_send_sync::<crate::ExecutorError>();
    }

    #[test]
    fn cache_serves_what_it_holds() {
        let bundled = BundledClasses::load().unwrap();
        let cache = ClassCache::with_bundled(&bundled);
        assert_eq!(cache.len(), 4);
        let hash = bundled.erc20.class_hash();
        assert!(Arc::ptr_eq(&cache.class(hash).unwrap().unwrap(), &bundled.erc20));
        assert!(cache.class(Felt::ONE).unwrap().is_none());
        let closure = |class_hash: Felt| cache.class(class_hash);
        assert!(closure.class(hash).unwrap().is_some());

        // Loading on a miss converts once, then serves from the cache.
        let empty = ClassCache::new();
        let definition = Arc::clone(bundled.fibonacci.definition());
        let hash = bundled.fibonacci.class_hash();
        let loaded = empty.get_or_load(hash, || Ok(Some(definition))).unwrap().unwrap();
        assert_eq!(loaded.class_hash(), hash);
        let again = empty.get_or_load(hash, || panic!("served from the cache")).unwrap().unwrap();
        assert!(Arc::ptr_eq(&loaded, &again));
        assert!(empty.get_or_load(Felt::ONE, || Ok(None)).unwrap().is_none());
    }
}
