//! The write Starknet's protocol makes before a block runs: the hash of the block
//! [`STORED_BLOCK_HASH_BUFFER`] below it, at that block's number, in the storage of the
//! block-hash contract (address 1), which the `get_block_hash` syscall reads.
//!
//! Sequencers built on blockifier make it (`blockifier::blockifier::block::pre_process_block`;
//! starknet-devnet does, from block 10 on), so it is in their state diffs; this chain's devnet
//! does not. Replay accepts it when the sequencer's diff has it with the hash replay committed
//! at that height, and counts it as a difference otherwise (a wrong hash, or a write the
//! sequencer left out while another one is there is compared like any other entry).

use chain::{Felt, StateDiff};

/// The block-hash contract's address.
pub const BLOCK_HASH_CONTRACT: Felt = Felt::ONE;
/// How far below the running block the stored hash is (blockifier's
/// `STORED_BLOCK_HASH_BUFFER`).
pub const STORED_BLOCK_HASH_BUFFER: u64 = 10;

/// Adds to `replayed` the block-hash write that `claimed` makes for block `block_number`, if
/// `claimed` has one and its value is `hash_at(block_number - 10)`, the hash committed there.
pub fn accept_block_hash_write<E>(
    block_number: u64,
    claimed: &StateDiff,
    replayed: &mut StateDiff,
    hash_at: impl FnOnce(u64) -> Result<Option<Felt>, E>,
) -> Result<(), E> {
    let Some(old_number) = block_number.checked_sub(STORED_BLOCK_HASH_BUFFER) else {
        return Ok(());
    };
    let key = Felt::from(old_number);
    let Some(value) = claimed.storage_diffs.get(&BLOCK_HASH_CONTRACT).and_then(|s| s.get(&key))
    else {
        return Ok(());
    };
    if hash_at(old_number)? == Some(*value) {
        replayed.set_storage(BLOCK_HASH_CONTRACT, key, *value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(block_number: u64, claimed: &StateDiff, stored: Felt) -> StateDiff {
        let mut replayed = StateDiff::default();
        accept_block_hash_write::<()>(block_number, claimed, &mut replayed, |n| {
            assert_eq!(n, block_number - STORED_BLOCK_HASH_BUFFER);
            Ok(Some(stored))
        })
        .unwrap();
        replayed
    }

    #[test]
    fn only_the_hash_committed_ten_blocks_below_is_accepted() {
        let hash = Felt::from(0xabcu64);
        let mut claimed = StateDiff::default();
        claimed.set_storage(BLOCK_HASH_CONTRACT, Felt::from(2u64), hash);
        // Block 12 stores the hash of block 2.
        assert_eq!(accept(12, &claimed, hash), claimed);
        // Another hash than the one committed there is left out (then compared as a difference).
        assert_eq!(accept(12, &claimed, Felt::TWO), StateDiff::default());
        // Another key than block_number - 10.
        assert_eq!(accept(13, &claimed, hash), StateDiff::default());
        // Below block 10 nothing is stored.
        let mut replayed = StateDiff::default();
        accept_block_hash_write::<()>(9, &claimed, &mut replayed, |_| panic!("not asked")).unwrap();
        assert_eq!(replayed, StateDiff::default());
    }
}
