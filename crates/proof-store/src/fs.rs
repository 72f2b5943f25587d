//! Filesystem backend (`fs:DIR`): each object is a file under `DIR`, written atomically and
//! durably (temp file in the same directory, fsync, hard link into place, fsync directory).
//!
//! The hard link is what makes create-if-absent atomic: `link(2)` fails with `EEXIST` instead
//! of replacing, so two writers (threads or processes) can never overwrite each other, and a
//! reader sees either no file or the complete file. It needs a filesystem with hard links
//! (ext4, xfs, btrfs, zfs, tmpfs; not FAT or some network mounts).
//!
//! Temp files are named `.tmp-…` and live next to their target. A crash can leave one behind;
//! they are never listed (not a key) and [`FsProofStore::open`] deletes them. That assumes one
//! service process per directory, which is the deployment model; several writers should share
//! S3 instead.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;

use crate::error::{Error, Result};
use crate::key::KEY_PREFIX;
use crate::store::{CreateOutcome, ObjectBackend};
use crate::witness::WITNESS_PREFIX;

const TEMP_PREFIX: &str = ".tmp-";

/// Proofs as files under a root directory.
#[derive(Clone, Debug)]
pub struct FsProofStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    root: PathBuf,
    /// Makes temp names unique within the process (the pid makes them unique across processes).
    next_temp_id: AtomicU64,
}

impl FsProofStore {
    /// Creates the directory tree if needed and removes temp files left by a crash.
    pub async fn open(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        let store =
            FsProofStore { inner: Arc::new(Inner { root, next_temp_id: AtomicU64::new(0) }) };
        let inner = store.inner.clone();
        blocking("open proof directory", move || inner.prepare()).await?;
        Ok(store)
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.inner.root
    }

    /// The file that holds object `name` (tests use it to damage files).
    pub fn path_of(&self, name: &str) -> PathBuf {
        self.inner.root.join(name)
    }
}

impl Inner {
    fn prepare(&self) -> Result<()> {
        for prefix in [KEY_PREFIX, WITNESS_PREFIX] {
            self.prepare_dir(&self.root.join(prefix))?;
        }
        Ok(())
    }

    /// Creates `objects_dir` durably and removes temp files an interrupted write left in it.
    fn prepare_dir(&self, objects_dir: &Path) -> Result<()> {
        fs::create_dir_all(objects_dir)
            .map_err(|err| Error::io("create directory", objects_dir, err))?;
        // Make the directory entries themselves durable, up to the root.
        let mut dir = objects_dir;
        while let Some(parent) = dir.parent() {
            sync_dir(dir)?;
            if dir == self.root {
                break;
            }
            dir = parent;
        }
        let entries = fs::read_dir(objects_dir)
            .map_err(|err| Error::io("read directory", objects_dir, err))?;
        for entry in entries {
            let entry = entry.map_err(|err| Error::io("read directory", objects_dir, err))?;
            if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                let path = entry.path();
                tracing::info!(path = %path.display(), "removing temp file left by an interrupted write");
                fs::remove_file(&path).map_err(|err| Error::io("remove temp file", &path, err))?;
            }
        }
        Ok(())
    }

    fn create_if_absent(&self, name: &str, bytes: &[u8]) -> Result<CreateOutcome> {
        let target = self.root.join(name);
        let dir = target.parent().unwrap_or(&self.root).to_path_buf();
        let file_name =
            target.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        // pid + counter + random: unique across processes and across handles in one process.
        let temp = dir.join(format!(
            "{TEMP_PREFIX}{file_name}-{}-{}-{:016x}",
            std::process::id(),
            self.next_temp_id.fetch_add(1, Ordering::Relaxed),
            fastrand::u64(..)
        ));

        let write_temp = || -> Result<()> {
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp)
                .map_err(|err| Error::io("create temp file", &temp, err))?;
            file.write_all(bytes).map_err(|err| Error::io("write temp file", &temp, err))?;
            file.sync_all().map_err(|err| Error::io("fsync temp file", &temp, err))
        };
        if let Err(err) = write_temp() {
            let _ = fs::remove_file(&temp);
            return Err(err);
        }

        let linked = fs::hard_link(&temp, &target);
        // The temp name is only scaffolding; if removing it fails, `open` cleans it later.
        if let Err(err) = fs::remove_file(&temp) {
            tracing::warn!(path = %temp.display(), error = %err, "could not remove temp file");
        }
        match linked {
            Ok(()) => {
                sync_dir(&dir)?;
                Ok(CreateOutcome::Created)
            }
            Err(err) if err.kind() == ErrorKind::AlreadyExists => Ok(CreateOutcome::AlreadyExists),
            Err(err) => Err(Error::io("link into place", &target, err)),
        }
    }

    fn read(&self, name: &str) -> Result<Option<Vec<u8>>> {
        let path = self.root.join(name);
        match fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(err) if err.kind() == ErrorKind::NotFound => Ok(None),
            Err(err) => Err(Error::io("read", &path, err)),
        }
    }

    fn delete(&self, name: &str) -> Result<()> {
        let path = self.root.join(name);
        match fs::remove_file(&path) {
            Ok(()) => sync_dir(path.parent().unwrap_or(&self.root)),
            Err(err) if err.kind() == ErrorKind::NotFound => Ok(()),
            Err(err) => Err(Error::io("delete", &path, err)),
        }
    }

    fn list_names(&self, prefix: &str, start_after: &str, limit: usize) -> Result<Vec<String>> {
        // All names live in one directory (`proofs/v1/`); the prefix is that directory.
        let (dir_name, name_prefix) = match prefix.rfind('/') {
            Some(slash) => (&prefix[..=slash], &prefix[slash + 1..]),
            None => ("", prefix),
        };
        let dir = self.root.join(dir_name);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(Error::io("read directory", &dir, err)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|err| Error::io("read directory", &dir, err))?;
            let Ok(file_name) = entry.file_name().into_string() else { continue };
            if !file_name.starts_with(name_prefix) || file_name.starts_with(TEMP_PREFIX) {
                continue;
            }
            let name = format!("{dir_name}{file_name}");
            if name.as_str() > start_after {
                names.push(name);
            }
        }
        names.sort_unstable();
        names.truncate(limit);
        Ok(names)
    }
}

#[async_trait]
impl ObjectBackend for FsProofStore {
    async fn create_if_absent(&self, name: &str, bytes: &[u8]) -> Result<CreateOutcome> {
        let inner = self.inner.clone();
        let (name, bytes) = (name.to_owned(), bytes.to_vec());
        blocking("write object", move || inner.create_if_absent(&name, &bytes)).await
    }

    async fn read(&self, name: &str) -> Result<Option<Vec<u8>>> {
        let inner = self.inner.clone();
        let name = name.to_owned();
        blocking("read object", move || inner.read(&name)).await
    }

    async fn delete(&self, name: &str) -> Result<()> {
        let inner = self.inner.clone();
        let name = name.to_owned();
        blocking("delete object", move || inner.delete(&name)).await
    }

    async fn list_names(
        &self,
        prefix: &str,
        start_after: &str,
        limit: usize,
    ) -> Result<Vec<String>> {
        let inner = self.inner.clone();
        let (prefix, start_after) = (prefix.to_owned(), start_after.to_owned());
        blocking("list objects", move || inner.list_names(&prefix, &start_after, limit)).await
    }

    fn location(&self) -> String {
        format!("fs:{}", self.inner.root.display())
    }
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|handle| handle.sync_all())
        .map_err(|err| Error::io("fsync directory", dir, err))
}

/// Runs blocking file work (fsync can take milliseconds) off the async worker threads.
async fn blocking<T: Send + 'static>(
    operation: &'static str,
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|source| Error::BlockingTask { operation, source })?
}
