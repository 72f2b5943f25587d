//! The node: store, optional state commitment, mempool and executor, opened from a data
//! directory (genesis on first open, recovery of an interrupted block on reopen).

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use chain::block::{L1DataAvailabilityMode, StarknetVersion};
use chain::{BlockHeader, BodyCommitments, Felt};
use state::{SledBackend, State};
use tracing::{info, warn};

use crate::SequencerError;
use crate::classes::BundledClasses;
use crate::config::NodeConfig;
use crate::executor::{BlockExecutor, BlockInfo};
use crate::genesis::{self, Genesis};
use crate::mempool::Mempool;
use crate::store::codec::u64_key;
use crate::store::{BlockCommit, BlockRecord, ChainSettings, StateUpdateRecord, Store};

/// A devnet node. Shared as `Arc<Node>` by the RPC server and the block producer.
pub struct Node {
    pub(crate) config: NodeConfig,
    pub(crate) store: Store,
    /// The state commitment; `None` with `--commitment off`.
    pub(crate) commitment: Option<State<SledBackend>>,
    pub(crate) executor: Arc<dyn BlockExecutor>,
    pub(crate) mempool: Mutex<Mempool>,
    pub(crate) genesis: Genesis,
    /// Held while a block is produced, so two producers never race for the same number; also
    /// held across the devnet's own operations that produce or remove blocks (mint, abort,
    /// load), so no timed block lands in the middle of one.
    pub(crate) production: Mutex<()>,
}

/// Proof that the caller holds the node's block production lock.
pub(crate) type ProductionGuard<'a> = MutexGuard<'a, ()>;

/// Seconds since the Unix epoch.
pub(crate) fn now_seconds() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

impl Node {
    /// Opens a node over `store`: writes genesis into an empty store, or checks that the store
    /// was created with the same settings, and reloads the mempool.
    pub fn open(
        store: Store,
        config: NodeConfig,
        executor: Arc<dyn BlockExecutor>,
    ) -> Result<Self, SequencerError> {
        let settings = ChainSettings {
            chain_id: config.chain_id.as_felt(),
            commitment: config.commitment,
            account_count: config.account_count,
            seed: config.seed,
        };
        match store.settings()? {
            Some(existing) if existing != settings => {
                return Err(SequencerError::Corrupt {
                    table: "meta",
                    detail: format!(
                        "data directory was created with {existing:?}, not {settings:?}; use \
                         another --data-dir"
                    ),
                });
            }
            Some(_) => {}
            None => store.put_settings(&settings)?,
        }
        let commitment = if config.commitment {
            Some(State::new(SledBackend::from_db(store.db().clone())?))
        } else {
            None
        };
        let classes = BundledClasses::load()?;
        let genesis = genesis::build(&classes, config.account_count, config.seed)?;
        let mempool = Mempool::from_records(store.mempool()?);
        let node = Node {
            config,
            store,
            commitment,
            executor,
            mempool: Mutex::new(mempool),
            genesis,
            production: Mutex::new(()),
        };
        node.recover()?;
        if node.store.latest_block_number()?.is_none() {
            node.write_genesis(&classes)?;
        }
        Ok(node)
    }

    /// A state commitment written for a block that the store never received (a crash between
    /// the two writes) is dropped, so that block number can be produced again.
    /// The bulk of a block whose store write was interrupted is removed too.
    /// A removal of blocks (`devnet_abortBlocks`) that a crash interrupted is finished.
    pub(crate) fn recover(&self) -> Result<(), SequencerError> {
        if let Some(block) = self.store.discard_unfinished_block()? {
            warn!(block, "removed the partly written data of an unfinished block");
        }
        if let Some(count) = self.store.resume_removal()? {
            warn!(count, "finished removing aborted blocks");
        }
        let Some(commitment) = &self.commitment else { return Ok(()) };
        let latest_block = self.store.latest_block_number()?;
        while let Some((committed, _)) = commitment.latest()? {
            if latest_block.is_some_and(|latest| committed <= latest) {
                break;
            }
            warn!(block = committed, "dropping the state commitment of an unfinished block");
            // The roots tree of `state::SledBackend` (documented prefix `state/`): removing
            // the root leaves only unreferenced, content-addressed nodes behind.
            self.store.db().open_tree("state/roots")?.remove(u64_key(committed))?;
        }
        Ok(())
    }

    fn write_genesis(&self, classes: &BundledClasses) -> Result<(), SequencerError> {
        let declared: Vec<_> =
            classes.all().iter().map(|class| (class.class_hash, class.class.clone())).collect();
        self.store.put_genesis_classes(&declared)?;
        let diff = &self.genesis.state_diff;
        let new_root = match &self.commitment {
            Some(commitment) => commitment.commit_block(0, diff)?.global_root(),
            None => Felt::ZERO,
        };
        let header = self.header(0, Felt::ZERO, now_seconds(), new_root, &[], &[], diff);
        let record = BlockRecord { block_hash: header.hash(), header, transaction_hashes: vec![] };
        let update = StateUpdateRecord { old_root: Felt::ZERO, new_root, state_diff: diff.clone() };
        self.store.commit_block(&BlockCommit {
            record: &record,
            transactions: &[],
            state_update: &update,
            declared_classes: &[],
            rejected: &[],
        })?;
        info!(block_hash = %format!("{:#x}", record.block_hash), "genesis written");
        Ok(())
    }

    /// A block header with this node's constant fields, over a block whose transactions are
    /// `transactions` (hash and signature, in order).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn header(
        &self,
        block_number: u64,
        parent_hash: Felt,
        timestamp: u64,
        state_root: Felt,
        transactions: &[(Felt, &[Felt])],
        receipts: &[chain::Receipt],
        diff: &chain::StateDiff,
    ) -> BlockHeader {
        BlockHeader::new(
            block_number,
            parent_hash,
            timestamp,
            self.config.sequencer_address,
            state_root,
            BodyCommitments::of_block(transactions, receipts, diff),
            self.config.gas_prices,
            L1DataAvailabilityMode::Calldata,
            StarknetVersion::current(),
        )
    }

    /// The settings.
    pub fn config(&self) -> &NodeConfig {
        &self.config
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// What genesis created (accounts and their keys, contract addresses).
    pub fn genesis(&self) -> &Genesis {
        &self.genesis
    }

    /// The state commitment, when on.
    pub fn commitment(&self) -> Option<&State<SledBackend>> {
        self.commitment.as_ref()
    }

    /// The executor.
    pub fn executor(&self) -> &dyn BlockExecutor {
        self.executor.as_ref()
    }

    /// The latest block (genesis exists from [`Node::open`] on).
    pub fn latest_block(&self) -> Result<BlockRecord, SequencerError> {
        let number = self.store.latest_block_number()?.ok_or(SequencerError::BlockNotFound)?;
        self.store.block(number)?.ok_or(SequencerError::BlockNotFound)
    }

    /// Takes the block production lock (see [`Node::produce_block`]).
    pub(crate) fn lock_production(&self) -> Result<ProductionGuard<'_>, SequencerError> {
        self.production
            .lock()
            .map_err(|_| SequencerError::Stopped("block producer lock poisoned".into()))
    }

    /// The mempool index.
    pub(crate) fn mempool(&self) -> Result<MutexGuard<'_, Mempool>, SequencerError> {
        self.mempool.lock().map_err(|_| SequencerError::Stopped("mempool lock poisoned".into()))
    }

    /// Number of transactions waiting.
    pub fn mempool_len(&self) -> Result<usize, SequencerError> {
        Ok(self.mempool()?.len())
    }

    /// The block the next transaction would execute in (the pre-confirmed block).
    pub fn pending_block_info(&self) -> Result<BlockInfo, SequencerError> {
        let latest = self.latest_block()?;
        Ok(self
            .block_info(latest.header.block_number + 1, now_seconds().max(latest.header.timestamp)))
    }

    pub(crate) fn block_info(&self, block_number: u64, timestamp: u64) -> BlockInfo {
        BlockInfo {
            block_number,
            timestamp,
            sequencer_address: self.config.sequencer_address,
            chain_id: self.config.chain_id,
            gas_prices: self.config.gas_prices,
        }
    }
}
