//! Making a dump: the blocks after genesis with their transactions and declared classes, read
//! from the store under the production lock (a consistent chain), and written atomically.

use std::io::Write;
use std::path::{Path, PathBuf};

use chain::Transaction;

use super::{DUMP_FORMAT, DUMP_VERSION, Dump, DumpError, DumpedBlock, DumpedTransaction, path};
use crate::SequencerError;
use crate::node::Node;

impl Node {
    /// The directory dumps may be read from and written to (`--dump-dir`).
    pub fn dump_dir(&self) -> Result<&Path, DumpError> {
        self.config.dump_dir.as_deref().ok_or(DumpError::Disabled)
    }

    /// The chain as a [`Dump`] (refused without `--dump-dir`, as starknet-devnet refuses a dump
    /// without `--dump-on`).
    pub fn dump(&self) -> Result<Dump, SequencerError> {
        self.dump_dir()?;
        let _production = self.lock_production()?;
        let latest = self.latest_block()?.header.block_number;
        let mut blocks = Vec::new();
        for record in self.store.blocks(1, latest) {
            let record = record?;
            let mut transactions = Vec::with_capacity(record.transaction_hashes.len());
            for hash in &record.transaction_hashes {
                let stored = self
                    .store
                    .transaction(hash)?
                    .ok_or(SequencerError::TransactionNotFound(*hash))?;
                let declared = match &stored.transaction {
                    Transaction::DeclareV1(declare) => Some(declare.class_hash),
                    Transaction::DeclareV3(declare) => Some(declare.class_hash),
                    Transaction::DeclareV2(declare) => Some(declare.class_hash),
                    _ => None,
                };
                // A DECLARE whose class is not stored did not declare it; load reports it.
                let class = match declared {
                    Some(class_hash) => self.store.class(&class_hash, false)?.map(Into::into),
                    None => None,
                };
                transactions.push(DumpedTransaction {
                    transaction_hash: *hash,
                    transaction: stored.transaction,
                    class,
                });
            }
            blocks.push(DumpedBlock {
                block_number: record.header.block_number,
                block_hash: record.block_hash,
                transactions,
            });
        }
        Ok(Dump {
            format: DUMP_FORMAT.to_owned(),
            version: DUMP_VERSION,
            chain_id: self.config.chain_id.as_felt(),
            account_count: self.config.account_count,
            seed: self.config.seed,
            blocks,
        })
    }

    /// Writes [`Node::dump`] to `requested` inside the dump directory ([`path::resolve`]),
    /// replacing the file atomically; returns where.
    pub fn dump_to(&self, requested: &str) -> Result<PathBuf, SequencerError> {
        let file = path::resolve(self.dump_dir()?, requested)?;
        let dump = self.dump()?;
        write_atomically(&file, &dump)?;
        tracing::info!(path = %file.display(), blocks = dump.blocks.len(), "chain dumped");
        Ok(file)
    }
}

/// Writes `dump` to a temporary file beside `file`, syncs it and renames it over `file`.
fn write_atomically(file: &Path, dump: &Dump) -> Result<(), DumpError> {
    let io = |action, path: &Path| {
        let path = path.to_path_buf();
        move |source| DumpError::Io { action, path, source }
    };
    let name = file.file_name().map(|name| name.to_string_lossy()).unwrap_or_default();
    let temporary = file.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let written = (|| {
        let mut out = std::fs::File::create(&temporary).map_err(io("create", &temporary))?;
        let bytes = serde_json::to_vec(dump).map_err(|error| DumpError::Io {
            action: "encode",
            path: file.to_path_buf(),
            source: error.into(),
        })?;
        out.write_all(&bytes).map_err(io("write", &temporary))?;
        out.sync_all().map_err(io("sync", &temporary))?;
        std::fs::rename(&temporary, file).map_err(io("rename", file))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}
