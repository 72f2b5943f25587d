//! In-memory backend, for tests and the embedded demo: same protocol, no durability.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;

use crate::error::Result;
use crate::store::{CreateOutcome, ObjectBackend};

/// Objects in a sorted map behind a mutex. Cloning shares the map.
#[derive(Clone, Debug, Default)]
pub struct MemoryProofStore {
    objects: Arc<Mutex<BTreeMap<String, Vec<u8>>>>,
}

impl MemoryProofStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces an object's bytes behind the protocol's back: tests use it to simulate bit rot.
    pub fn overwrite_object_for_tests(&self, name: &str, bytes: Vec<u8>) {
        self.objects().insert(name.to_owned(), bytes);
    }

    fn objects(&self) -> MutexGuard<'_, BTreeMap<String, Vec<u8>>> {
        // A panic while holding the lock cannot leave the map half-updated (single inserts), so
        // a poisoned lock is still consistent.
        self.objects.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl ObjectBackend for MemoryProofStore {
    async fn create_if_absent(&self, name: &str, bytes: &[u8]) -> Result<CreateOutcome> {
        let mut objects = self.objects();
        if objects.contains_key(name) {
            return Ok(CreateOutcome::AlreadyExists);
        }
        objects.insert(name.to_owned(), bytes.to_vec());
        Ok(CreateOutcome::Created)
    }

    async fn read(&self, name: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.objects().get(name).cloned())
    }

    async fn list_names(
        &self,
        prefix: &str,
        start_after: &str,
        limit: usize,
    ) -> Result<Vec<String>> {
        let objects = self.objects();
        Ok(objects
            .range::<str, _>((Bound::Excluded(start_after), Bound::Unbounded))
            .map(|(name, _)| name)
            .filter(|name| name.starts_with(prefix))
            .take(limit)
            .cloned()
            .collect())
    }

    async fn delete(&self, name: &str) -> Result<()> {
        self.objects().remove(name);
        Ok(())
    }

    fn location(&self) -> String {
        "memory:".to_owned()
    }
}
