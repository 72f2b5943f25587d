//! The class definitions the watcher fetched, in its database, served to the executor and the
//! OS ([`StoredClasses`]): each is parsed (a Cairo 0 class) or compiled (a Sierra class) the
//! first time a block uses it, then kept in memory, so a restart costs nothing per stored class.
//!
//! Layout: tree `watcher/classes`, key the class hash (32 bytes, big-endian), value the class's
//! JSON; a Sierra class's JSON follows the tag `sierra:` (a Cairo 0 class is bare JSON, as
//! before Sierra classes were replayed).

use std::sync::Arc;

use chain::Felt;
use chain::classes::ContractClass;
use executor::{ClassCache, ClassProvider, DeprecatedClass, ExecutorError, SierraClass};
use starknet_core::types::FlattenedSierraClass;
use starknet_core::types::contract::legacy::LegacyContractClass;

use crate::WatcherError;

/// The tree of stored definitions.
pub(crate) const CLASSES_TREE: &str = "watcher/classes";
/// The marker before a Sierra class's JSON in [`CLASSES_TREE`].
const SIERRA_CLASS_TAG: &[u8] = b"sierra:";

/// Stored class definitions, loaded on first use.
pub struct StoredClasses {
    tree: sled::Tree,
    loaded: ClassCache,
}

impl StoredClasses {
    pub(crate) fn new(tree: sled::Tree) -> Self {
        StoredClasses { tree, loaded: ClassCache::new() }
    }

    /// Whether the definition of `class_hash` is stored.
    pub fn contains(&self, class_hash: Felt) -> bool {
        self.tree.contains_key(class_hash.to_bytes_be()).unwrap_or(false)
    }

    /// Stores `definition` under `class_hash` (trusted: fetch checked it) and keeps it loaded.
    /// A Sierra class is compiled here, by this build's compiler: a DECLARE whose compiled class
    /// hash is another compiler's output is then refused by replay (a divergence).
    pub(crate) fn store(
        &self,
        class_hash: Felt,
        definition: &ContractClass,
    ) -> Result<(), WatcherError> {
        let serialize = |error: serde_json::Error| WatcherError::Class {
            class_hash,
            reason: format!("cannot serialize: {error}"),
        };
        match definition {
            ContractClass::Legacy(definition) => {
                let class = DeprecatedClass::from_legacy_with_hash(definition.clone(), class_hash)?;
                let json = serde_json::to_vec(definition.as_ref()).map_err(serialize)?;
                self.tree.insert(class_hash.to_bytes_be(), json)?;
                self.loaded.insert(Arc::new(class));
            }
            ContractClass::Sierra(definition) => {
                let class = SierraClass::compile(definition.clone())?;
                let json = serde_json::to_vec(definition.as_ref()).map_err(serialize)?;
                self.tree.insert(class_hash.to_bytes_be(), [SIERRA_CLASS_TAG, &json].concat())?;
                self.loaded.insert_sierra(Arc::new(class));
            }
        }
        Ok(())
    }

    /// The stored definition of `class_hash`, if any: `Ok(Some(json))` with `sierra` telling
    /// which kind.
    fn stored(&self, class_hash: Felt) -> Result<Option<(bool, sled::IVec)>, ExecutorError> {
        let value = self.tree.get(class_hash.to_bytes_be()).map_err(|error| {
            ExecutorError::State(state::StateError::Corrupt {
                table: CLASSES_TREE,
                detail: error.to_string(),
            })
        })?;
        Ok(value.map(|value| match value.strip_prefix(SIERRA_CLASS_TAG) {
            Some(json) => (true, sled::IVec::from(json)),
            None => (false, value),
        }))
    }
}

/// A stored definition that does not parse: the database is damaged.
fn unreadable(class_hash: Felt, error: serde_json::Error) -> ExecutorError {
    ExecutorError::State(state::StateError::Corrupt {
        table: CLASSES_TREE,
        detail: format!("class {class_hash:#x}: stored definition unreadable: {error}"),
    })
}

impl ClassProvider for StoredClasses {
    fn class(&self, class_hash: Felt) -> Result<Option<Arc<DeprecatedClass>>, ExecutorError> {
        if let Some(class) = self.loaded.class(class_hash)? {
            return Ok(Some(class));
        }
        match self.stored(class_hash)? {
            Some((false, json)) => {
                let definition: LegacyContractClass =
                    serde_json::from_slice(&json).map_err(|e| unreadable(class_hash, e))?;
                let class = Arc::new(DeprecatedClass::from_legacy_with_hash(
                    Arc::new(definition),
                    class_hash,
                )?);
                self.loaded.insert(Arc::clone(&class));
                Ok(Some(class))
            }
            _ => Ok(None),
        }
    }

    fn sierra_class(&self, class_hash: Felt) -> Result<Option<Arc<SierraClass>>, ExecutorError> {
        if let Some(class) = self.loaded.sierra_class(class_hash)? {
            return Ok(Some(class));
        }
        match self.stored(class_hash)? {
            Some((true, json)) => {
                let definition: FlattenedSierraClass =
                    serde_json::from_slice(&json).map_err(|e| unreadable(class_hash, e))?;
                let class = Arc::new(SierraClass::compile(Arc::new(definition))?);
                self.loaded.insert_sierra(Arc::clone(&class));
                Ok(Some(class))
            }
            _ => Ok(None),
        }
    }
}
