//! The block hash of starknet-devnet (0.10.x, `starknet-devnet-core`'s
//! `StarknetBlock::generate_hash`), which is not Starknet's: a Poseidon hash over the header's
//! first fields in the layout of Starknet's pre-0.13.2 block hash, with everything but the block
//! number, the sequencer address and the transaction count left at zero.
//!
//! starknet-devnet hashes the block before it sets the header's parent hash and its own state
//! root stays 0 (it computes no state commitment), and it zeroes the timestamp on purpose (so
//! that a dump re-executed later gets the same hashes). Such a hash names a block; it commits to
//! none of its contents. A follower checks the contents through the header's commitments
//! (JSON-RPC 0.10), the parent hashes (reorg detection) and replay.

use starknet_crypto::poseidon_hash_many;

use crate::Felt;

/// `Poseidon(block_number, 0, sequencer_address, 0, transaction_count, 0, 0, 0, 0, 0, 0)`.
pub fn starknet_devnet_block_hash(
    block_number: u64,
    sequencer_address: Felt,
    transaction_count: u64,
) -> Felt {
    poseidon_hash_many(&[
        Felt::from(block_number),
        Felt::ZERO, // state root: starknet-devnet computes none
        sequencer_address,
        Felt::ZERO, // timestamp: zeroed for dumps
        Felt::from(transaction_count),
        Felt::ZERO, // transaction commitment
        Felt::ZERO, // event count
        Felt::ZERO, // event commitment
        Felt::ZERO, // protocol version
        Felt::ZERO, // extra data
        Felt::ZERO, // parent hash: set after the hash is taken
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks served by starknet-devnet 0.10.1 (`--seed 0`, sequencer `0x1000`): its genesis,
    /// and block 1, empty (`devnet_createBlock`); the hash does not depend on the parent hash or
    /// the timestamp, which differ from run to run. Blocks with transactions are checked against
    /// it in `crates/watcher/tests/starknet_devnet.rs`.
    #[test]
    fn matches_the_hashes_starknet_devnet_serves() {
        let sequencer = Felt::from(0x1000u64);
        assert_eq!(starknet_devnet_block_hash(0, sequencer, 0), GENESIS);
        assert_eq!(starknet_devnet_block_hash(1, sequencer, 0), EMPTY_BLOCK_1);
        assert_ne!(starknet_devnet_block_hash(1, sequencer, 1), EMPTY_BLOCK_1);
        assert_ne!(starknet_devnet_block_hash(1, Felt::ONE, 0), EMPTY_BLOCK_1);
    }

    const GENESIS: Felt = Felt::from_hex_unchecked(
        "0x4a10c2fd222f725e3db93d83feb166cc5385e1ffca6a231d0efbec699038f30",
    );
    const EMPTY_BLOCK_1: Felt = Felt::from_hex_unchecked(
        "0x41b18ff57b1fe89611b352179e7090402ac1bd03723dc9c64d4a59312780f61",
    );
}
