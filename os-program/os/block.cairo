// The block: commitments and block hash (chain::block).

from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.builtin_poseidon.poseidon import poseidon_hash_many
from starkware.cairo.common.cairo_builtins import PoseidonBuiltin

from os.constants import BLOCK_HASH_DOMAIN
from os.structs import BlockInfo

// chain::BlockHeader::hash: poseidon_hash_many over ["WP_BLOCK_V0", block_number, parent_hash,
// timestamp, sequencer_address, state_root, transaction_count, transaction_commitment,
// event_count, event_commitment, state_diff_commitment, the six gas prices, l1_da_mode,
// starknet_version].
func block_hash{poseidon_ptr: PoseidonBuiltin*}(
    block_info: BlockInfo*,
    state_root: felt,
    transaction_count: felt,
    transaction_commitment: felt,
    event_count: felt,
    event_commitment: felt,
    state_diff_commitment: felt,
) -> (block_hash: felt) {
    let (preimage: felt*) = alloc();
    assert preimage[0] = BLOCK_HASH_DOMAIN;
    assert preimage[1] = block_info.block_number;
    assert preimage[2] = block_info.parent_hash;
    assert preimage[3] = block_info.timestamp;
    assert preimage[4] = block_info.sequencer_address;
    assert preimage[5] = state_root;
    assert preimage[6] = transaction_count;
    assert preimage[7] = transaction_commitment;
    assert preimage[8] = event_count;
    assert preimage[9] = event_commitment;
    assert preimage[10] = state_diff_commitment;
    assert preimage[11] = block_info.l1_gas_price_wei;
    assert preimage[12] = block_info.l1_gas_price_fri;
    assert preimage[13] = block_info.l1_data_gas_price_wei;
    assert preimage[14] = block_info.l1_data_gas_price_fri;
    assert preimage[15] = block_info.l2_gas_price_wei;
    assert preimage[16] = block_info.l2_gas_price_fri;
    assert preimage[17] = block_info.l1_da_mode;
    assert preimage[18] = block_info.starknet_version;
    let (block_hash) = poseidon_hash_many(19, preimage);
    return (block_hash=block_hash);
}
