//! Loading a dump: back to genesis (the later blocks aborted, the mempool emptied), then each
//! dumped block's transactions into the mempool and a block produced from them, all under the
//! production lock so no timed block lands in between.
//!
//! The dumped transactions enter the mempool without the admission checks of
//! `starknet_add*Transaction`: producing the block executes and validates each of them as it
//! does any transaction, and admission would judge a transaction on the state before its block
//! rather than on the state its block gives it. A transaction the block drops stops the load
//! with [`DumpError::Replay`]; the blocks replayed before it stay. A dumped block that this
//! node's limits (transactions or steps per block) do not hold is produced as several blocks,
//! and the later block numbers shift. Each replayed block is durable as any produced block is; a crash during a load leaves
//! a chain that ends at the last block replayed.

use std::collections::BTreeSet;
use std::path::Path;

use chain::classes::ContractClass;
use chain::{Felt, Transaction};

use super::{DUMP_FORMAT, DUMP_VERSION, Dump, DumpError, DumpedBlock, MAX_DUMP_BYTES, path};
use crate::SequencerError;
use crate::mempool::Mempool;
use crate::node::{Node, ProductionGuard};

impl Node {
    /// Replaces the chain after genesis with the dump at `requested` inside the dump directory
    /// ([`path::resolve`]). Returns the number of blocks replayed.
    pub fn load(&self, requested: &str) -> Result<usize, SequencerError> {
        let file = path::resolve(self.dump_dir()?, requested)?;
        let dump = read(&file)?;
        dump.check_chain(&self.config)?;
        let production = self.lock_production()?;
        if self.latest_block()?.header.block_number > 0 {
            self.abort_from_locked(1, &production)?;
        }
        {
            let mut mempool = self.mempool()?;
            self.store.clear_mempool()?;
            *mempool = Mempool::default();
        }
        for block in &dump.blocks {
            self.replay(block, &production)?;
        }
        tracing::info!(path = %file.display(), blocks = dump.blocks.len(), "dump loaded");
        Ok(dump.blocks.len())
    }

    /// Produces `block` again from its transactions.
    fn replay(
        &self,
        block: &DumpedBlock,
        production: &ProductionGuard<'_>,
    ) -> Result<(), SequencerError> {
        let failed = |transaction_hash, reason: String| DumpError::Replay {
            block_number: block.block_number,
            transaction_hash,
            reason,
        };
        let mut waiting = BTreeSet::new();
        for dumped in &block.transactions {
            let class = dumped.class.clone().map(ContractClass::from);
            let hash = self.enqueue(dumped.transaction.clone(), class)?;
            if hash != dumped.transaction_hash {
                return Err(
                    failed(dumped.transaction_hash, format!("it hashes to {hash:#x}")).into()
                );
            }
            waiting.insert(hash);
        }
        loop {
            let produced = self.produce_block_locked(production)?;
            for hash in &produced.transaction_hashes {
                waiting.remove(hash);
            }
            let Some(first) = waiting.first().copied() else { return Ok(()) };
            for hash in &waiting {
                if !self.mempool()?.contains(hash) {
                    let reason = self.store.rejection(hash)?.unwrap_or_else(|| "dropped".into());
                    return Err(failed(*hash, reason).into());
                }
            }
            // A block that took none of them will not take them later.
            if produced.transaction_hashes.is_empty() {
                return Err(failed(first, "it stays waiting in the mempool".into()).into());
            }
        }
    }

    /// Puts a dumped transaction into the mempool (durably) without admission checks.
    fn enqueue(
        &self,
        transaction: Transaction,
        class: Option<ContractClass>,
    ) -> Result<Felt, SequencerError> {
        let hash = transaction.hash(self.config.chain_id);
        let declared = match &transaction {
            Transaction::DeclareV1(declare) => Some(declare.class_hash),
            Transaction::DeclareV3(declare) => Some(declare.class_hash),
            Transaction::DeclareV2(declare) => Some(declare.class_hash),
            _ => None,
        };
        let mut mempool = self.mempool()?;
        if mempool.contains(&hash) || self.store.transaction(&hash)?.is_some() {
            return Err(SequencerError::DuplicateTransaction(hash));
        }
        let record = mempool.new_record(hash, transaction);
        self.store.put_mempool(&record, declared.zip(class.as_ref()))?;
        mempool.insert(record);
        drop(mempool);
        self.store.flush()?;
        Ok(hash)
    }
}

/// Reads and decodes the dump at `file` (at most [`MAX_DUMP_BYTES`]).
fn read(file: &Path) -> Result<Dump, DumpError> {
    let io = |action| move |source| DumpError::Io { action, path: file.to_path_buf(), source };
    let size = std::fs::metadata(file).map_err(io("read"))?.len();
    if size > MAX_DUMP_BYTES {
        return Err(DumpError::TooLarge { path: file.to_path_buf(), size });
    }
    let bytes = std::fs::read(file).map_err(io("read"))?;
    let not_a_dump = |reason: String| DumpError::NotADump { path: file.to_path_buf(), reason };
    // The format is checked first, so a file that is no dump is refused without quoting it.
    #[derive(serde::Deserialize)]
    struct Header {
        format: Option<String>,
        version: Option<u32>,
    }
    let header: Header = serde_json::from_slice(&bytes)
        .map_err(|_| not_a_dump("not a JSON object with `format` and `version`".into()))?;
    if header.format.as_deref() != Some(DUMP_FORMAT) {
        return Err(not_a_dump(format!("its `format` is not {DUMP_FORMAT:?}")));
    }
    if header.version != Some(DUMP_VERSION) {
        return Err(not_a_dump(format!(
            "layout version {:?}, this release reads {DUMP_VERSION}",
            header.version
        )));
    }
    serde_json::from_slice(&bytes).map_err(|error| not_a_dump(error.to_string()))
}
