//! The class definitions the watcher fetched, in its database, served to the executor and the
//! OS ([`StoredClasses`]): each is parsed (a Cairo 0 class) or compiled (a Sierra class) the
//! first time a block uses it, then kept in memory, so a restart costs nothing per stored class.
//!
//! Layout: tree `watcher/classes`, key the class hash (32 bytes, big-endian), value the class's
//! JSON; a Sierra class's JSON follows the tag `sierra:` (a Cairo 0 class is bare JSON, as
//! before Sierra classes were replayed), and a Sierra class that runs as the sequencer's CASM
//! ([`crate::casm`]) is stored after the tag `sierra+casm:` as `{"sierra": .., "casm": ..}`.

use std::sync::Arc;

use cairo_lang_starknet_classes::casm_contract_class::CasmContractClass;
use chain::Felt;
use chain::classes::ContractClass;
use executor::{ClassCache, ClassProvider, DeprecatedClass, ExecutorError, SierraClass};
use starknet_core::types::FlattenedSierraClass;
use starknet_core::types::contract::legacy::LegacyContractClass;

use crate::WatcherError;
use crate::casm::CompiledSierra;

/// The tree of stored definitions.
pub(crate) const CLASSES_TREE: &str = "watcher/classes";
/// The marker before a Sierra class's JSON in [`CLASSES_TREE`].
const SIERRA_CLASS_TAG: &[u8] = b"sierra:";
/// The marker before a Sierra class stored with the sequencer's CASM.
const SIERRA_WITH_CASM_TAG: &[u8] = b"sierra+casm:";

/// A Sierra class with the sequencer's CASM, as stored.
#[derive(serde::Serialize, serde::Deserialize)]
struct SierraWithCasm {
    sierra: FlattenedSierraClass,
    casm: CasmContractClass,
}

/// How a definition is stored.
enum Stored {
    Legacy(sled::IVec),
    Sierra(sled::IVec),
    SierraWithCasm(sled::IVec),
}

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
    /// A Sierra class runs as `compiled` (fetch's compilation, or the sequencer's CASM, checked
    /// against the committed compiled class hash), or else is compiled here by this build.
    pub(crate) fn store(
        &self,
        class_hash: Felt,
        definition: &ContractClass,
        compiled: Option<&CompiledSierra>,
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
                let class = match compiled {
                    Some(compiled) => Arc::clone(&compiled.class),
                    None => Arc::new(SierraClass::compile(definition.clone())?),
                };
                let value = if compiled.is_some_and(|compiled| compiled.from_sequencer) {
                    let stored = SierraWithCasm {
                        sierra: definition.as_ref().clone(),
                        casm: class.casm().as_ref().clone(),
                    };
                    let json = serde_json::to_vec(&stored).map_err(serialize)?;
                    [SIERRA_WITH_CASM_TAG, &json].concat()
                } else {
                    let json = serde_json::to_vec(definition.as_ref()).map_err(serialize)?;
                    [SIERRA_CLASS_TAG, &json].concat()
                };
                self.tree.insert(class_hash.to_bytes_be(), value)?;
                self.loaded.insert_sierra(class);
            }
        }
        Ok(())
    }

    /// The stored definition of `class_hash`, if any.
    fn stored(&self, class_hash: Felt) -> Result<Option<Stored>, ExecutorError> {
        let value = self.tree.get(class_hash.to_bytes_be()).map_err(|error| {
            ExecutorError::State(state::StateError::Corrupt {
                table: CLASSES_TREE,
                detail: error.to_string(),
            })
        })?;
        Ok(value.map(|value| {
            if let Some(json) = value.strip_prefix(SIERRA_WITH_CASM_TAG) {
                Stored::SierraWithCasm(sled::IVec::from(json))
            } else if let Some(json) = value.strip_prefix(SIERRA_CLASS_TAG) {
                Stored::Sierra(sled::IVec::from(json))
            } else {
                Stored::Legacy(value)
            }
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
            Some(Stored::Legacy(json)) => {
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
            Some(Stored::Sierra(json)) => {
                let definition: FlattenedSierraClass =
                    serde_json::from_slice(&json).map_err(|e| unreadable(class_hash, e))?;
                let class = Arc::new(SierraClass::compile(Arc::new(definition))?);
                self.loaded.insert_sierra(Arc::clone(&class));
                Ok(Some(class))
            }
            Some(Stored::SierraWithCasm(json)) => {
                let stored: SierraWithCasm =
                    serde_json::from_slice(&json).map_err(|e| unreadable(class_hash, e))?;
                let definition = Arc::new(stored.sierra);
                let class = Arc::new(SierraClass::from_casm(definition, class_hash, stored.casm)?);
                self.loaded.insert_sierra(Arc::clone(&class));
                Ok(Some(class))
            }
            _ => Ok(None),
        }
    }
}
