//! Storage backends: six key-value tables behind one small trait.
//!
//! `Nodes`, `ContractStates` and `ClassLeaves` are content-addressed (the key is a hash of the
//! value), so writes are idempotent and never overwrite. [`Backend::write`] stores those entries first and the
//! `Roots` entry of the block last, so a crash in between leaves only unreferenced entries, never
//! a root whose nodes are missing.

use std::collections::BTreeMap;
#[cfg(feature = "sled")]
use std::path::Path;
use std::sync::RwLock;

use crate::error::StateError;

/// The tables of the state store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// Trie node hash → encoded [`Node`](crate::Node).
    Nodes,
    /// Contract leaf hash → class hash, storage root, nonce.
    ContractStates,
    /// Class leaf hash → compiled class hash.
    ClassLeaves,
    /// Class hash of a Cairo 0 class → the block (8 bytes big-endian) that declared it. Not part
    /// of the commitment (Cairo 0 classes are in no trie); it answers whether a class is declared.
    DeprecatedClasses,
    /// Facts about the store itself: [`FORMAT_VERSION_KEY`] → [`STATE_FORMAT_VERSION`].
    Meta,
    /// Block number (8 bytes big-endian) → contracts root, classes root.
    Roots,
}

/// The format of a state store: what its roots mean. Version 1 (stores with no version) was this
/// chain's Poseidon variant of the commitment; version 2 is Starknet's (Pedersen storage and
/// contracts tries, Poseidon classes trie of Sierra classes only, `crate::hash`). A store of
/// another version is refused ([`StateError::UnsupportedFormat`]), never read: its roots would
/// silently differ from the ones this release computes.
pub const STATE_FORMAT_VERSION: u32 = 2;

/// The `Meta` key of the store's format version (4 bytes big-endian).
pub const FORMAT_VERSION_KEY: &[u8] = b"format_version";

const TABLE_COUNT: usize = 6;

impl Table {
    #[cfg(feature = "sled")]
    const ALL: [Table; TABLE_COUNT] = [
        Table::Nodes,
        Table::ContractStates,
        Table::ClassLeaves,
        Table::DeprecatedClasses,
        Table::Meta,
        Table::Roots,
    ];

    #[cfg(feature = "sled")]
    fn name(self) -> &'static str {
        match self {
            Table::Nodes => "nodes",
            Table::ContractStates => "contract_states",
            Table::ClassLeaves => "class_leaves",
            Table::DeprecatedClasses => "deprecated_classes",
            Table::Meta => "meta",
            Table::Roots => "roots",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Entries to store together.
#[derive(Clone, Debug, Default)]
pub struct WriteBatch {
    /// `(table, key, value)`, written in order, `Roots` entries last.
    pub entries: Vec<(Table, Vec<u8>, Vec<u8>)>,
}

impl WriteBatch {
    /// Adds an entry.
    pub fn put(&mut self, table: Table, key: Vec<u8>, value: Vec<u8>) {
        self.entries.push((table, key, value));
    }
}

/// A key and its value.
pub type Entry = (Vec<u8>, Vec<u8>);

/// A store of the six tables. Implementations must make [`Backend::write`] durable before it
/// returns and write `Roots` entries after all others.
pub trait Backend: Send + Sync {
    /// The value under `key`, if any.
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StateError>;
    /// The greatest key of a table and its value (the latest block for `Roots`).
    fn last(&self, table: Table) -> Result<Option<Entry>, StateError>;
    /// Stores a batch (see the trait docs for the order).
    fn write(&self, batch: WriteBatch) -> Result<(), StateError>;
}

fn roots_last(batch: WriteBatch) -> impl Iterator<Item = (Table, Vec<u8>, Vec<u8>)> {
    let (roots, others): (Vec<_>, Vec<_>) =
        batch.entries.into_iter().partition(|(table, _, _)| *table == Table::Roots);
    others.into_iter().chain(roots)
}

/// An in-memory backend, for tests and short-lived tools.
#[derive(Debug, Default)]
pub struct MemoryBackend {
    tables: RwLock<[BTreeMap<Vec<u8>, Vec<u8>>; TABLE_COUNT]>,
}

impl MemoryBackend {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn poisoned() -> StateError {
        StateError::Corrupt { table: "memory", detail: "lock poisoned by a panicked writer".into() }
    }
}

impl Backend for MemoryBackend {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        let tables = self.tables.read().map_err(|_| Self::poisoned())?;
        Ok(tables[table.index()].get(key).cloned())
    }

    fn last(&self, table: Table) -> Result<Option<Entry>, StateError> {
        let tables = self.tables.read().map_err(|_| Self::poisoned())?;
        Ok(tables[table.index()].iter().next_back().map(|(k, v)| (k.clone(), v.clone())))
    }

    fn write(&self, batch: WriteBatch) -> Result<(), StateError> {
        let mut tables = self.tables.write().map_err(|_| Self::poisoned())?;
        for (table, key, value) in roots_last(batch) {
            tables[table.index()].insert(key, value);
        }
        Ok(())
    }
}

/// A sled 0.34 backend: one sled tree per table.
#[cfg(feature = "sled")]
#[derive(Debug, Clone)]
pub struct SledBackend {
    db: sled::Db,
    trees: [sled::Tree; TABLE_COUNT],
}

#[cfg(feature = "sled")]
impl SledBackend {
    /// Opens (or creates) the store in directory `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StateError> {
        Self::from_db(crate::open_sled(path)?)
    }

    /// Uses an already open sled database (e.g. one shared with other components; the trees are
    /// prefixed `state/`). A new store is marked with [`STATE_FORMAT_VERSION`]; a store of
    /// another format (or one written before stores had a version) is refused with
    /// [`StateError::UnsupportedFormat`].
    pub fn from_db(db: sled::Db) -> Result<Self, StateError> {
        let mut trees = Vec::with_capacity(TABLE_COUNT);
        for table in Table::ALL {
            trees.push(db.open_tree(format!("state/{}", table.name()))?);
        }
        let trees: [sled::Tree; TABLE_COUNT] =
            trees.try_into().unwrap_or_else(|_| unreachable!("one tree per table"));
        let backend = SledBackend { db, trees };
        backend.check_format()?;
        Ok(backend)
    }

    /// Refuses a store of another format; marks an empty one with this release's.
    fn check_format(&self) -> Result<(), StateError> {
        let meta = &self.trees[Table::Meta.index()];
        let is_empty = self.trees.iter().all(|tree| tree.is_empty());
        match crate::store_format(meta, is_empty, STATE_FORMAT_VERSION)? {
            crate::StoreFormat::Current => {
                self.db.flush()?;
                Ok(())
            }
            crate::StoreFormat::Other(found) => {
                Err(StateError::UnsupportedFormat { found, expected: STATE_FORMAT_VERSION })
            }
        }
    }
}

#[cfg(feature = "sled")]
impl Backend for SledBackend {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.trees[table.index()].get(key)?.map(|value| value.to_vec()))
    }

    fn last(&self, table: Table) -> Result<Option<Entry>, StateError> {
        Ok(self.trees[table.index()].last()?.map(|(k, v)| (k.to_vec(), v.to_vec())))
    }

    fn write(&self, batch: WriteBatch) -> Result<(), StateError> {
        let mut batches: [sled::Batch; TABLE_COUNT] = Default::default();
        let mut roots = sled::Batch::default();
        for (table, key, value) in batch.entries {
            if table == Table::Roots {
                roots.insert(key, value);
            } else {
                batches[table.index()].insert(key, value);
            }
        }
        for (tree, batch) in self.trees.iter().zip(batches) {
            tree.apply_batch(batch)?;
        }
        // Content first, durably; then the root that makes it reachable.
        self.db.flush()?;
        self.trees[Table::Roots.index()].apply_batch(roots)?;
        self.db.flush()?;
        Ok(())
    }
}
