//! The replay stage: re-executes a fetched block on the watcher's own copy of the state, commits
//! the resulting diff, and compares everything the sequencer claimed with what replay computed.
//!
//! # The watcher's database (`DATA_DIR/state`, sled 0.34)
//!
//! * `state/*` trees: the `state` crate's tries ([`state::SledBackend`]); every committed block
//!   stays readable, so block `n` can be re-executed on the state after `n - 1` at any time
//!   (after a restart, to rebuild what the prover needs).
//! * `watcher/block_hashes`: block number → the hash of the block committed at that height,
//!   for reorg detection (a fetched block's parent hash must be the hash stored below it).
//! * `watcher/classes`: class hash → the class definition (JSON; [`crate::stored_classes`]),
//!   loaded when a block first uses it.
//! * `watcher/timestamps`: block number → the header's timestamp (8 bytes, big-endian), which a
//!   starknet-devnet block's transactions ran with ([`SequencerFlavor::execution_timestamp`]).
//!
//! * `watcher/meta`: `format_version` → [`WATCHER_FORMAT_VERSION`]; a database with block hashes
//!   and another (or no) version is refused ([`WatcherError::UnsupportedFormat`]).
//!
//! A block is committed by writing its hash, then its state (`commit_block`, durable). A crash
//! between the two leaves a hash without a root, which the next replay overwrites.
//!
//! # Divergence
//!
//! Replay recomputes transaction hashes, receipts, the state diff, the new state root and the
//! block hash (the header rebuilt from the sequencer's header fields and replay's commitments),
//! and, when the sequencer speaks JSON-RPC 0.10, the header's commitments and counts
//! (`chain::rpc::HeaderCommitments`, all covered by the block hash; compared one by one so the
//! evidence names the one that differs). Any disagreement with the sequencer's claims is a [`Divergence`] with the evidence; the block
//! is still committed with *replay's* diff, so that the watcher keeps following the honest
//! execution of the transactions.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chain::rpc::HeaderCommitments;
use chain::{
    BlockHeader, BlockPublicOutput, BodyCommitments, ChainId, FeeTokens, Felt, Receipt, StateDiff,
    Transaction,
};
use executor::{BlockContext, ExecutableTransaction, ExecutorConfig};
use serde_json::{Value, json};
use state::{SledBackend, State, StateReader};

use crate::error::WatcherError;
use crate::fetch::FetchedBlock;
use crate::flavor::SequencerFlavor;
use crate::stored_classes::{CLASSES_TREE, StoredClasses};

const HASHES_TREE: &str = "watcher/block_hashes";
const TIMESTAMPS_TREE: &str = "watcher/timestamps";
const META_TREE: &str = "watcher/meta";
/// The format of the watcher's stored blocks. 2: Starknet's block hash (0.13.4 on); 1 (never
/// recorded): this chain's own block hash.
pub const WATCHER_FORMAT_VERSION: u32 = 2;
const ROOTS_TREE: &str = "state/roots";
/// Most differing entries listed in the evidence (the counts are always complete).
const MAX_LISTED_DIFFERENCES: usize = 20;

/// A block after replay: what the prover needs, and what a proof of it must say.
#[derive(Clone, Debug)]
pub struct ReplayedBlock {
    pub chain_id: ChainId,
    /// The header rebuilt from the sequencer's fields and replay's commitments; its hash is the
    /// block hash unless the block is divergent.
    pub header: BlockHeader,
    /// The block hash the sequencer reports (the job's key).
    pub block_hash: Felt,
    /// The sequencer followed: its block hash (Starknet's or starknet-devnet's, which the OS
    /// computes accordingly) and its execution timestamp.
    pub flavor: SequencerFlavor,
    /// The timestamp the transactions ran with ([`SequencerFlavor::execution_timestamp`]).
    pub execution_timestamp: u64,
    /// The tokens replay charged fees in (the OS charges them there too, and outputs them).
    pub fee_tokens: FeeTokens,
    /// The hash of the block ten below, which the block stored in the block-hash contract
    /// before its transactions (`executor::BlockContext::old_block_hash`); `None` below block 10.
    pub old_block_hash: Option<Felt>,
    /// Transactions with their recomputed hashes.
    pub transactions: Vec<(Transaction, Felt)>,
    /// Receipts of replay.
    pub receipts: Vec<Receipt>,
    /// The state diff replay computed.
    pub state_diff: StateDiff,
    /// The global state root before the block (0 for genesis, as the sequencer reports it).
    pub previous_state_root: Felt,
    /// The global state root replay computed.
    pub new_state_root: Felt,
    /// Cairo steps the executor ran for the block (validation and execution).
    pub execution_steps: u64,
    /// Replay's executor run with what it read, from which the OS's input is built (so the
    /// block executes once); `None` for genesis, which has no transactions to run.
    pub recorded: Option<Arc<os::RecordedExecution>>,
}

impl ReplayedBlock {
    pub fn block_number(&self) -> u64 {
        self.header.block_number
    }

    /// The public output that a proof of this block must have (the OS writes it); `os_version`
    /// is the OS program's output-layout version.
    pub fn expected_public_output(&self, os_version: Felt) -> BlockPublicOutput {
        let hashes: Vec<Felt> = self.transactions.iter().map(|(_, hash)| *hash).collect();
        let mut output = BlockPublicOutput::for_header(
            &self.header,
            &hashes,
            os_version,
            self.chain_id,
            self.fee_tokens,
            self.previous_state_root,
        );
        output.block_hash = self.block_hash;
        output.new_state_root = self.new_state_root;
        output
    }
}

/// Replay's verdict on the sequencer's claims about a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// JSON evidence: each claim that differs, with both values.
    pub evidence: Value,
}

/// What [`Replayer::replay`] returns.
#[derive(Clone, Debug)]
pub struct Replayed {
    pub block: ReplayedBlock,
    /// `Some` when the sequencer's claims disagree with replay.
    pub divergence: Option<Divergence>,
}

/// The watcher's own state copy, class definitions and executor.
pub struct Replayer {
    db: sled::Db,
    state: State<SledBackend>,
    hashes: sled::Tree,
    timestamps: sled::Tree,
    classes: StoredClasses,
    config: ExecutorConfig,
    chain_id: ChainId,
    flavor: SequencerFlavor,
}

impl std::fmt::Debug for Replayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replayer").field("chain_id", &self.chain_id).finish_non_exhaustive()
    }
}

/// Marks a new database with [`WATCHER_FORMAT_VERSION`]; refuses one whose block hashes were
/// written with another format.
fn check_format(meta: &sled::Tree, hashes: &sled::Tree) -> Result<(), WatcherError> {
    match state::store_format(meta, hashes.is_empty(), WATCHER_FORMAT_VERSION)? {
        state::StoreFormat::Current => Ok(()),
        state::StoreFormat::Other(found) => {
            Err(WatcherError::UnsupportedFormat { found, expected: WATCHER_FORMAT_VERSION })
        }
    }
}

impl Replayer {
    /// Opens (or creates) the database at `path` (stored classes load on first use).
    pub fn open(path: &Path, chain_id: ChainId) -> Result<Self, WatcherError> {
        let db = state::open_sled(path)?;
        Self::from_db(db, chain_id)
    }

    fn from_db(db: sled::Db, chain_id: ChainId) -> Result<Self, WatcherError> {
        let state = State::new(SledBackend::from_db(db.clone())?);
        let hashes = db.open_tree(HASHES_TREE)?;
        check_format(&db.open_tree(META_TREE)?, &hashes)?;
        let classes = StoredClasses::new(db.open_tree(CLASSES_TREE)?);
        let timestamps = db.open_tree(TIMESTAMPS_TREE)?;
        Ok(Replayer {
            db,
            state,
            hashes,
            timestamps,
            classes,
            config: ExecutorConfig::default(),
            chain_id,
            flavor: SequencerFlavor::default(),
        })
    }

    /// Replays the blocks of `flavor`'s sequencer (its block hash, its execution timestamp).
    pub fn with_flavor(mut self, flavor: SequencerFlavor) -> Self {
        self.flavor = flavor;
        self
    }

    /// The timestamp in the header of committed block `block_number`, if recorded.
    fn timestamp_at(&self, block_number: u64) -> Result<Option<u64>, WatcherError> {
        Ok(self
            .timestamps
            .get(block_number.to_be_bytes())?
            .and_then(|bytes| <[u8; 8]>::try_from(bytes.as_ref()).ok())
            .map(u64::from_be_bytes))
    }

    /// The state copy: every replayed block's state stays readable.
    pub fn state(&self) -> &State<SledBackend> {
        &self.state
    }

    /// The class definitions of every class declared so far (loaded on first use).
    pub fn classes(&self) -> &StoredClasses {
        &self.classes
    }

    /// Replays charging fees in `fee_token` (the sequencer's fee token), or none; v1
    /// transactions in `eth_fee_token` where given.
    pub fn with_fee_tokens(mut self, fee_token: Option<Felt>, eth_fee_token: Option<Felt>) -> Self {
        self.config.fee_token = fee_token;
        self.config.eth_fee_token = eth_fee_token;
        self
    }

    /// The executor's limits used on replay.
    pub fn executor_config(&self) -> &ExecutorConfig {
        &self.config
    }

    /// The chain replayed.
    pub fn chain_id(&self) -> ChainId {
        self.chain_id
    }

    /// Whether the definition of `class_hash` is held.
    pub fn knows_class(&self, class_hash: Felt) -> bool {
        self.classes.contains(class_hash)
    }

    /// The highest block whose state is committed.
    pub fn latest(&self) -> Result<Option<u64>, WatcherError> {
        Ok(self.state.latest()?.map(|(number, _)| number))
    }

    /// The hash of the block committed at `block_number`, if its state is committed.
    pub fn hash_at(&self, block_number: u64) -> Result<Option<Felt>, WatcherError> {
        if self.latest()?.is_none_or(|latest| block_number > latest) {
            return Ok(None);
        }
        Ok(self
            .hashes
            .get(block_number.to_be_bytes())?
            .map(|bytes| Felt::from_bytes_be_slice(&bytes)))
    }

    /// The global root after `block_number`, if committed.
    pub fn root_at(&self, block_number: u64) -> Result<Option<Felt>, WatcherError> {
        match self.state.roots_at(block_number) {
            Ok(roots) => Ok(Some(roots.global_root())),
            Err(state::StateError::UnknownBlock { .. }) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    /// Forgets the state of every block from `block_number` on (a reorg replaced them). Trie
    /// nodes are content-addressed and stay; only the roots that made them current go.
    pub fn truncate_from(&self, block_number: u64) -> Result<Vec<u64>, WatcherError> {
        let roots = self.db.open_tree(ROOTS_TREE)?;
        let mut dropped = Vec::new();
        for entry in roots.range(block_number.to_be_bytes()..) {
            let (key, _) = entry?;
            dropped.push(key);
        }
        // Highest first, so a crash in the middle leaves a contiguous prefix.
        let mut numbers = Vec::new();
        for key in dropped.into_iter().rev() {
            roots.remove(&key)?;
            self.hashes.remove(&key)?;
            self.timestamps.remove(&key)?;
            if let Ok(bytes) = <[u8; 8]>::try_from(key.as_ref()) {
                numbers.push(u64::from_be_bytes(bytes));
            }
        }
        self.db.flush()?;
        numbers.reverse();
        Ok(numbers)
    }

    fn add_class(
        &self,
        class_hash: Felt,
        definition: &chain::classes::ContractClass,
        compiled: Option<&crate::casm::CompiledSierra>,
    ) -> Result<(), WatcherError> {
        if self.knows_class(class_hash) {
            return Ok(());
        }
        self.classes.store(class_hash, definition, compiled)
    }

    /// Replays `fetched` on the state after its parent and commits it (unless the same block is
    /// already committed, e.g. when a restart re-replays a block to prove it). CPU work: call
    /// it from a blocking thread.
    pub fn replay(&self, fetched: &FetchedBlock) -> Result<Replayed, WatcherError> {
        for (class_hash, definition) in &fetched.new_classes {
            self.add_class(*class_hash, definition, fetched.compiled.get(class_hash))?;
        }
        let number = fetched.block_number;
        let previous_state_root = match number {
            0 => Felt::ZERO,
            n => self
                .root_at(n - 1)?
                .ok_or(state::StateError::UnknownBlock { block_number: n - 1 })?,
        };
        let execution_timestamp = self.execution_timestamp(fetched)?;
        // The hash the block stores for `get_block_hash` (replay commits every block from
        // genesis on, so it knows it).
        let old_block_hash = match number.checked_sub(executor::STORED_BLOCK_HASH_BUFFER) {
            Some(old) => Some(
                self.hash_at(old)?.ok_or(state::StateError::UnknownBlock { block_number: old })?,
            ),
            None => None,
        };
        let mut evidence = serde_json::Map::new();
        let (state_diff, transactions, receipts, steps, recorded) = if number == 0 {
            // Genesis has no transactions to re-execute: its diff (system declarations and
            // deployments) defines the chain, and is checked through the root and the hash.
            (fetched.claimed_diff.clone(), Vec::new(), Vec::new(), 0, None)
        } else {
            let (replayed_diff, transactions, receipts, steps, recorded) =
                self.execute(fetched, execution_timestamp, old_block_hash, &mut evidence)?;
            // A sequencer may list writes that leave a value as it was (a balance sent and
            // received back): no-ops on the parent state are not a disagreement. When the
            // effects agree, the claimed diff is kept as is, since the header's state-diff
            // commitment (and so the block hash) is over it.
            let parent = self.state.at_block(number - 1)?;
            let claimed = without_no_ops(&fetched.claimed_diff, &parent)?;
            let replayed = without_no_ops(&replayed_diff, &parent)?;
            if claimed == replayed {
                (fetched.claimed_diff.clone(), transactions, receipts, steps, recorded)
            } else {
                evidence.insert("state_diff".into(), diff_evidence(&claimed, &replayed));
                (replayed_diff, transactions, receipts, steps, recorded)
            }
        };

        let already_committed = self.hash_at(number)? == Some(fetched.block_hash);
        let new_state_root = if already_committed {
            self.root_at(number)?.ok_or(state::StateError::UnknownBlock { block_number: number })?
        } else {
            self.truncate_from(number)?;
            self.hashes.insert(number.to_be_bytes(), &fetched.block_hash.to_bytes_be())?;
            self.timestamps.insert(number.to_be_bytes(), &fetched.timestamp.to_be_bytes())?;
            // Genesis state in no state update (starknet-devnet's predeployed contracts) is
            // committed under the block's own diff; the header commits to the diff alone.
            let mut committed = fetched.predeployed.clone();
            committed.merge(&state_diff);
            self.state.commit_block(number, &committed)?.global_root()
        };

        let signed: Vec<(Felt, &[Felt])> =
            transactions.iter().map(|(tx, hash)| (*hash, tx.signature())).collect();
        let header = BlockHeader::new(
            number,
            fetched.parent_hash,
            fetched.timestamp,
            fetched.sequencer_address,
            // The block hash commits to what the sequencer put in its header: 0 when it
            // leaves commitment to the prover.
            fetched.new_root,
            BodyCommitments::of_block(&signed, &receipts, &state_diff),
            fetched.gas_prices,
            fetched.l1_da_mode,
            fetched.starknet_version.clone(),
        );

        if fetched.new_root != Felt::ZERO && fetched.new_root != new_state_root {
            evidence.insert("header_new_root".into(), claim(fetched.new_root, new_state_root));
        }
        if fetched.claimed_new_root != fetched.new_root {
            evidence.insert(
                "state_update_new_root".into(),
                claim(fetched.claimed_new_root, new_state_root),
            );
        }
        if fetched.claimed_old_root != previous_state_root
            && !(fetched.claimed_old_root == Felt::ZERO && fetched.new_root == Felt::ZERO)
        {
            evidence.insert(
                "state_update_old_root".into(),
                claim(fetched.claimed_old_root, previous_state_root),
            );
        }
        let block_hash = self.flavor.block_hash(&header);
        if block_hash != fetched.block_hash {
            evidence.insert("block_hash".into(), claim(fetched.block_hash, block_hash));
        }
        if let Some(claimed) = &fetched.claimed_commitments {
            // Each of them is in the block hash too; this comparison names the one that differs.
            let replayed = HeaderCommitments::of_header(&header);
            if let Some(differences) = commitment_evidence(claimed, &replayed) {
                evidence.insert("header_commitments".into(), differences);
            }
        }

        let divergence = (!evidence.is_empty()).then(|| {
            evidence.insert("block_number".into(), json!(number));
            Divergence { evidence: Value::Object(evidence) }
        });
        Ok(Replayed {
            block: ReplayedBlock {
                chain_id: self.chain_id,
                header,
                block_hash: fetched.block_hash,
                flavor: self.flavor,
                execution_timestamp,
                fee_tokens: self.config.fee_tokens(),
                old_block_hash,
                transactions,
                receipts,
                state_diff,
                previous_state_root,
                new_state_root,
                execution_steps: steps,
                recorded,
            },
            divergence,
        })
    }

    /// `class` as the followed sequencer prices its DECLARE.
    fn priced(&self, class: Arc<executor::SierraClass>) -> Arc<executor::SierraClass> {
        match self.flavor.priced_abi_length(&class.definition().abi) {
            Some(length) => Arc::new(class.with_priced_abi_length(length)),
            None => class,
        }
    }

    /// The timestamp `fetched`'s transactions run with ([`SequencerFlavor::execution_timestamp`]);
    /// genesis runs none (its own).
    fn execution_timestamp(&self, fetched: &FetchedBlock) -> Result<u64, WatcherError> {
        let number = fetched.block_number;
        let parent_timestamp = match (self.flavor, number) {
            (SequencerFlavor::Starknet, _) | (_, 0) => fetched.timestamp,
            (SequencerFlavor::StarknetDevnet, _) => self
                .timestamp_at(number - 1)?
                .ok_or(state::StateError::UnknownBlock { block_number: number - 1 })?,
        };
        Ok(self.flavor.execution_timestamp(fetched.timestamp, parent_timestamp))
    }

    /// Executes the block's transactions on the state after its parent, at `timestamp`.
    #[allow(clippy::type_complexity)]
    fn execute(
        &self,
        fetched: &FetchedBlock,
        timestamp: u64,
        old_block_hash: Option<Felt>,
        evidence: &mut serde_json::Map<String, Value>,
    ) -> Result<Executed, WatcherError> {
        let number = fetched.block_number;
        let snapshot = self.state.at_block(number - 1)?;
        let mut executable = Vec::with_capacity(fetched.transactions.len());
        let mut hash_mismatches = Vec::new();
        for (transaction, claimed_hash) in &fetched.transactions {
            let tx = match transaction {
                Transaction::DeclareV1(declare) => {
                    let class = executor::ClassProvider::class(&self.classes, declare.class_hash)?
                        .ok_or(executor::ExecutorError::MissingClassDefinition {
                            class_hash: declare.class_hash,
                        })?;
                    ExecutableTransaction::declare(declare.clone(), class, self.chain_id)
                }
                Transaction::DeclareV3(declare) => {
                    let class =
                        executor::ClassProvider::sierra_class(&self.classes, declare.class_hash)?
                            .ok_or(executor::ExecutorError::MissingClassDefinition {
                            class_hash: declare.class_hash,
                        })?;
                    let class = self.priced(class);
                    ExecutableTransaction::declare_sierra(declare.clone(), class, self.chain_id)
                }
                Transaction::DeclareV2(declare) => {
                    let class =
                        executor::ClassProvider::sierra_class(&self.classes, declare.class_hash)?
                            .ok_or(executor::ExecutorError::MissingClassDefinition {
                            class_hash: declare.class_hash,
                        })?;
                    let class = self.priced(class);
                    ExecutableTransaction::declare_sierra_v2(declare.clone(), class, self.chain_id)
                }
                other => ExecutableTransaction::new(other.clone(), self.chain_id),
            };
            if tx.transaction_hash != *claimed_hash {
                hash_mismatches.push(claim(*claimed_hash, tx.transaction_hash));
            }
            executable.push(tx);
        }
        let context = BlockContext {
            block_number: number,
            timestamp,
            sequencer_address: fetched.sequencer_address,
            chain_id: self.chain_id,
            gas_prices: fetched.gas_prices,
            old_block_hash,
        };
        // Recording what it reads: the OS's input is built from this run.
        let recorded =
            os::execute_recorded(&self.config, context, &snapshot, &self.classes, &executable)?;
        let mut rejected = Vec::new();
        let mut transactions = Vec::new();
        let mut receipts = Vec::new();
        let mut steps = 0u64;
        for (tx, outcome) in executable.into_iter().zip(&recorded.execution.outcomes) {
            match outcome {
                Ok(done) => {
                    steps += done.resources.steps;
                    transactions.push((tx.transaction, tx.transaction_hash));
                    receipts.push(done.receipt.clone());
                }
                Err(error) => rejected.push(json!({
                    "transaction_hash": format!("{:#x}", tx.transaction_hash),
                    "reason": error.to_string(),
                })),
            }
        }
        if !hash_mismatches.is_empty() {
            evidence.insert("transaction_hashes".into(), Value::Array(hash_mismatches));
        }
        if !rejected.is_empty() {
            // The sequencer included transactions that are invalid on its parent state.
            evidence.insert("rejected_on_replay".into(), Value::Array(rejected));
        }
        let state_diff = recorded.execution.state_diff.clone();
        Ok((state_diff, transactions, receipts, steps, Some(Arc::new(recorded))))
    }
}

/// What [`Replayer::execute`] gives: the state diff, the included transactions with their
/// receipts, the Cairo steps, and the recorded run.
type Executed =
    (StateDiff, Vec<(Transaction, Felt)>, Vec<Receipt>, u64, Option<Arc<os::RecordedExecution>>);

/// `diff` without the entries that change nothing on `parent` (a storage value, nonce or class
/// written as it already was).
fn without_no_ops(diff: &StateDiff, parent: &dyn StateReader) -> Result<StateDiff, WatcherError> {
    let mut effective = diff.clone();
    for (address, entries) in &diff.storage_diffs {
        for (key, value) in entries {
            if parent.storage_at(*address, *key)? == *value
                && let Some(kept) = effective.storage_diffs.get_mut(address)
            {
                kept.remove(key);
            }
        }
    }
    effective.storage_diffs.retain(|_, entries| !entries.is_empty());
    for (address, nonce) in &diff.nonces {
        if parent.nonce_at(*address)? == *nonce {
            effective.nonces.remove(address);
        }
    }
    for (address, class_hash) in &diff.replaced_classes {
        if parent.class_hash_at(*address)? == *class_hash {
            effective.replaced_classes.remove(address);
        }
    }
    Ok(effective)
}

fn claim(claimed: Felt, replayed: Felt) -> Value {
    json!({ "claimed": format!("{claimed:#x}"), "replayed": format!("{replayed:#x}") })
}

/// The fields on which a 0.10 header's commitments differ from replay's, `None` if none do.
fn commitment_evidence(claimed: &HeaderCommitments, replayed: &HeaderCommitments) -> Option<Value> {
    let (Ok(Value::Object(claimed)), Ok(Value::Object(replayed))) =
        (serde_json::to_value(claimed), serde_json::to_value(replayed))
    else {
        return None;
    };
    let differences: serde_json::Map<String, Value> = claimed
        .into_iter()
        .filter(|(name, value)| replayed.get(name) != Some(value))
        .map(|(name, value)| {
            let replayed = replayed.get(&name).cloned().unwrap_or_default();
            (name, json!({ "claimed": value, "replayed": replayed }))
        })
        .collect();
    (!differences.is_empty()).then_some(Value::Object(differences))
}

/// The entries on which two diffs differ, by section (counts complete, entries capped).
fn diff_evidence(claimed: &StateDiff, replayed: &StateDiff) -> Value {
    fn flatten(diff: &StateDiff) -> BTreeMap<String, String> {
        let mut entries = BTreeMap::new();
        for (address, storage) in &diff.storage_diffs {
            for (key, value) in storage {
                entries.insert(format!("storage {address:#x} {key:#x}"), format!("{value:#x}"));
            }
        }
        for (address, nonce) in &diff.nonces {
            entries.insert(format!("nonce {address:#x}"), format!("{nonce:#x}"));
        }
        for (address, class) in &diff.deployed_contracts {
            entries.insert(format!("deployed {address:#x}"), format!("{class:#x}"));
        }
        for (address, class) in &diff.replaced_classes {
            entries.insert(format!("replaced {address:#x}"), format!("{class:#x}"));
        }
        for (class, compiled) in &diff.declared_classes {
            entries.insert(format!("declared {class:#x}"), format!("{compiled:#x}"));
        }
        for class in &diff.deprecated_declared_classes {
            entries.insert(format!("declared {class:#x}"), "deprecated".into());
        }
        entries
    }
    let (claimed, replayed) = (flatten(claimed), flatten(replayed));
    let mut differences = Vec::new();
    let keys: std::collections::BTreeSet<&String> = claimed.keys().chain(replayed.keys()).collect();
    for key in keys {
        let (a, b) = (claimed.get(key), replayed.get(key));
        if a != b {
            differences.push(json!({ "entry": key, "claimed": a, "replayed": b }));
        }
    }
    let count = differences.len();
    differences.truncate(MAX_LISTED_DIFFERENCES);
    json!({ "differing_entries": count, "entries": differences })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_of_another_format_is_refused() {
        let temporary = || sled::Config::new().temporary(true).open().unwrap();
        // A new database is marked and opens again.
        let db = temporary();
        Replayer::from_db(db.clone(), ChainId::DEVNET).unwrap();
        Replayer::from_db(db, ChainId::DEVNET).unwrap();
        // Block hashes of a build that recorded no format (this chain's old block hash).
        let db = temporary();
        db.open_tree(HASHES_TREE).unwrap().insert(0u64.to_be_bytes(), &[1u8; 32]).unwrap();
        let error = Replayer::from_db(db, ChainId::DEVNET).unwrap_err();
        assert!(
            matches!(error, WatcherError::UnsupportedFormat { found: None, expected: 2 }),
            "{error}"
        );
        assert!(error.is_fatal());
        // Another recorded format.
        let db = temporary();
        db.open_tree(META_TREE)
            .unwrap()
            .insert(state::backend::FORMAT_VERSION_KEY, &1u32.to_be_bytes())
            .unwrap();
        let error = Replayer::from_db(db, ChainId::DEVNET).unwrap_err();
        assert!(matches!(error, WatcherError::UnsupportedFormat { found: Some(1), .. }), "{error}");
    }

    #[test]
    fn diff_evidence_names_each_difference() {
        let mut claimed = StateDiff::default();
        claimed.set_storage(Felt::ONE, Felt::TWO, Felt::THREE);
        claimed.nonces.insert(Felt::ONE, Felt::ONE);
        let mut replayed = claimed.clone();
        replayed.set_storage(Felt::ONE, Felt::TWO, Felt::from(4u64));
        replayed.nonces.insert(Felt::TWO, Felt::ONE);
        let evidence = diff_evidence(&claimed, &replayed);
        assert_eq!(evidence["differing_entries"], 2, "{evidence}");
        assert_eq!(evidence["entries"][0]["entry"], "nonce 0x2");
        assert_eq!(evidence["entries"][0]["claimed"], Value::Null);
        assert_eq!(evidence["entries"][1]["claimed"], "0x3");
        assert_eq!(evidence["entries"][1]["replayed"], "0x4");
        assert_eq!(diff_evidence(&claimed, &claimed)["differing_entries"], 0);
    }
}
