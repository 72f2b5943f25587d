//! What a block does before its transactions: from block 10 on, it stores the hash of the
//! block ten below in the block-hash contract (blockifier's `pre_process_block`), which
//! `BlockExecutor` requires and makes.

mod common;

use chain::Felt;
use common::Devnet;
use executor::{BLOCK_HASH_CONTRACT, STORED_BLOCK_HASH_BUFFER};

#[test]
fn blocks_from_ten_on_store_the_hash_ten_below() {
    let devnet = Devnet::new(false);
    let snapshot = devnet.state.latest_snapshot().unwrap();
    let run = |number: u64, old_block_hash: Option<Felt>| {
        let mut context = devnet.context();
        context.block_number = number;
        context.old_block_hash = old_block_hash;
        devnet.executor.execute_block(context, &snapshot, &devnet.classes, &[])
    };
    // Below block 10 nothing is stored, and a hash to store is refused.
    assert!(run(9, None).unwrap().state_diff.storage_diffs.is_empty());
    let error = run(9, Some(Felt::ONE)).unwrap_err().to_string();
    assert!(error.contains("no block 10 below it"), "{error}");
    // From block 10 on the hash is required, and stored at the old block's number.
    let error = run(12, None).unwrap_err().to_string();
    assert!(error.contains("needs the hash of block 2"), "{error}");
    let hash = Felt::from(0xb10c_u64);
    let diff = run(12, Some(hash)).unwrap().state_diff;
    let stored = &diff.storage_diffs[&BLOCK_HASH_CONTRACT];
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[&Felt::from(12 - STORED_BLOCK_HASH_BUFFER)], hash);
}
