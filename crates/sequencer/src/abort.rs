//! `devnet_abortBlocks`: drops a block and every later one, as a reorg on a real network does.
//!
//! The state rolls back to the parent of the first aborted block and the next block is produced
//! on it, reusing the aborted heights (as starknet-devnet numbers them). The removal is durable
//! and crash-safe ([`crate::store::Store::remove_blocks_from`]); the state commitment's roots of
//! the aborted blocks are dropped like those of a block a crash left unwritten. The aborted
//! blocks' transactions are gone (their hashes are unknown again, and they can be sent again);
//! transactions waiting in the mempool stay. A watcher following the devnet sees a reorg: the
//! next block at an aborted height has another hash (or, for an identical empty block in the
//! same second, the same one, which is then the same block).

use chain::Felt;

use crate::SequencerError;
use crate::node::Node;

/// Where an abort starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbortStart {
    /// This block and all later ones.
    Block(u64),
    /// The block under construction: as starknet-devnet does, a block is produced from what
    /// waits in the mempool, then aborted (so the waiting transactions are dropped).
    PreConfirmed,
}

impl Node {
    /// Aborts the blocks from `start` on and returns their hashes, latest first (starknet-devnet's
    /// order). Genesis cannot be aborted ([`SequencerError::GenesisNotAbortable`]).
    pub fn abort_blocks(&self, start: AbortStart) -> Result<Vec<Felt>, SequencerError> {
        let production = self.lock_production()?;
        let from = match start {
            AbortStart::Block(0) => return Err(SequencerError::GenesisNotAbortable),
            AbortStart::Block(number) => number,
            AbortStart::PreConfirmed => self.produce_block_locked(&production)?.header.block_number,
        };
        if from > self.latest_block()?.header.block_number {
            return Err(SequencerError::BlockNotFound);
        }
        let removed = self.abort_from_locked(from, &production)?;
        Ok(removed)
    }

    /// Removes blocks `from..=latest` (the caller holds the production lock) and the state
    /// commitment above what remains.
    pub(crate) fn abort_from_locked(
        &self,
        from: u64,
        _production: &crate::node::ProductionGuard<'_>,
    ) -> Result<Vec<Felt>, SequencerError> {
        let removed = self.store.remove_blocks_from(from)?;
        // Drops the commitment's roots above the new latest block.
        self.recover()?;
        let hashes: Vec<Felt> = removed.iter().map(|block| block.block_hash).collect();
        if let Some(first) = removed.last() {
            tracing::warn!(
                from = first.header.block_number,
                count = hashes.len(),
                "aborted blocks (devnet_abortBlocks)"
            );
        }
        Ok(hashes)
    }
}
