// The block: Starknet's block hash (chain::block, protocol 0.13.4 on) over the header fields the
// OS takes as input and the commitments and counts it computes, or starknet-devnet's.

from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.builtin_poseidon.poseidon import poseidon_hash_many
from starkware.cairo.common.cairo_builtins import PoseidonBuiltin

from os.constants import BLOCK_HASH_DOMAIN, GAS_PRICES_DOMAIN
from os.structs import BlockInfo

// What the OS computes of a block's body (chain::block::BodyCommitments).
struct BodyCommitments {
    transaction_count: felt,
    transaction_commitment: felt,
    event_count: felt,
    event_commitment: felt,
    receipt_commitment: felt,
    state_diff_commitment: felt,
    state_diff_length: felt,
}

// chain::BlockHeader::hash: poseidon_hash_many over ["STARKNET_BLOCK_HASH1", block_number,
// state_root, sequencer_address, timestamp, concatenated_counts, state_diff_commitment,
// transaction_commitment, event_commitment, receipt_commitment, gas_prices_hash,
// starknet_version, 0, parent_hash].
//
// The counts are below 2**64 (each counts entries of a memory segment the run wrote), so
// concatenated_counts packs them without overlap; l1_da_mode must be 0 or 1.
func block_hash{poseidon_ptr: PoseidonBuiltin*}(
    block_info: BlockInfo*, state_root: felt, body: BodyCommitments*
) -> (block_hash: felt) {
    alloc_locals;
    local da_mode = block_info.l1_da_mode;
    assert da_mode * da_mode = da_mode;
    local concatenated_counts = body.transaction_count * 2 ** 192 + body.event_count * 2 ** 128 +
        body.state_diff_length * 2 ** 64 + da_mode * 2 ** 63;

    let (prices: felt*) = alloc();
    assert prices[0] = GAS_PRICES_DOMAIN;
    assert prices[1] = block_info.l1_gas_price_wei;
    assert prices[2] = block_info.l1_gas_price_fri;
    assert prices[3] = block_info.l1_data_gas_price_wei;
    assert prices[4] = block_info.l1_data_gas_price_fri;
    assert prices[5] = block_info.l2_gas_price_wei;
    assert prices[6] = block_info.l2_gas_price_fri;
    let (local gas_prices_hash) = poseidon_hash_many(7, prices);

    let (preimage: felt*) = alloc();
    assert preimage[0] = BLOCK_HASH_DOMAIN;
    assert preimage[1] = block_info.block_number;
    assert preimage[2] = state_root;
    assert preimage[3] = block_info.sequencer_address;
    assert preimage[4] = block_info.timestamp;
    assert preimage[5] = concatenated_counts;
    assert preimage[6] = body.state_diff_commitment;
    assert preimage[7] = body.transaction_commitment;
    assert preimage[8] = body.event_commitment;
    assert preimage[9] = body.receipt_commitment;
    assert preimage[10] = gas_prices_hash;
    assert preimage[11] = block_info.starknet_version;
    assert preimage[12] = 0;
    assert preimage[13] = block_info.parent_hash;
    let (block_hash) = poseidon_hash_many(14, preimage);
    return (block_hash=block_hash);
}

// The chain's block hash: Starknet's, or starknet-devnet's (BlockInfo.devnet_block_hash).
func chain_block_hash{poseidon_ptr: PoseidonBuiltin*}(
    block_info: BlockInfo*, state_root: felt, body: BodyCommitments*
) -> (block_hash: felt) {
    if (block_info.devnet_block_hash == 0) {
        return block_hash(block_info, state_root, body);
    }
    with_attr error_message("OS: devnet_block_hash is not 0 or 1") {
        assert block_info.devnet_block_hash = 1;
    }
    return devnet_block_hash(block_info, body.transaction_count);
}

// starknet-devnet's block hash (chain::devnet_block_hash): poseidon_hash_many([block_number, 0,
// sequencer_address, 0, transaction_count, 0, 0, 0, 0, 0, 0]). It names the block without
// committing to its contents: a proof's transaction hashes digest, state-diff commitment and
// roots (public output) are what bind it to them.
func devnet_block_hash{poseidon_ptr: PoseidonBuiltin*}(
    block_info: BlockInfo*, transaction_count: felt
) -> (block_hash: felt) {
    alloc_locals;
    let (preimage: felt*) = alloc();
    assert preimage[0] = block_info.block_number;
    assert preimage[1] = 0;
    assert preimage[2] = block_info.sequencer_address;
    assert preimage[3] = 0;
    assert preimage[4] = transaction_count;
    assert preimage[5] = 0;
    assert preimage[6] = 0;
    assert preimage[7] = 0;
    assert preimage[8] = 0;
    assert preimage[9] = 0;
    assert preimage[10] = 0;
    let (block_hash) = poseidon_hash_many(11, preimage);
    return (block_hash=block_hash);
}
