// The block-hash contract (address 1, Starknet's protocol): its storage maps a block number to
// that block's hash. Every block from 10 on stores the hash of the block ten below it before its
// transactions (blockifier's `pre_process_block`), and the Cairo 1 `get_block_hash` syscall
// reads it back, for blocks at least ten below the running one. The contract has no class: its
// storage is in the state like any contract's (its contracts-trie leaf has class hash 0).

from starkware.cairo.common.dict import dict_read, dict_write
from starkware.cairo.common.dict_access import DictAccess
from starkware.cairo.common.math import assert_nn_le, assert_not_equal
from starkware.cairo.common.math_cmp import is_le

from os.constants import BLOCK_HASH_CONTRACT_ADDRESS, STORED_BLOCK_HASH_BUFFER
from os.structs import BlockInfo, StateEntry

// From block 10 on, writes the block's `old_block_hash` at key `block_number - 10`.
func store_old_block_hash{range_check_ptr, contract_changes: DictAccess*}(block_info: BlockInfo*) {
    let stores = is_le(STORED_BLOCK_HASH_BUFFER, block_info.block_number);
    if (stores == 0) {
        return ();
    }
    let (entry_value) = dict_read{dict_ptr=contract_changes}(key=BLOCK_HASH_CONTRACT_ADDRESS);
    let entry = cast(entry_value, StateEntry*);
    let storage_ptr = entry.storage_ptr;
    dict_write{dict_ptr=storage_ptr}(
        key=block_info.block_number - STORED_BLOCK_HASH_BUFFER, new_value=block_info.old_block_hash
    );
    tempvar new_entry = new StateEntry(
        class_hash=entry.class_hash, storage_ptr=storage_ptr, nonce=entry.nonce
    );
    dict_write{dict_ptr=contract_changes}(
        key=BLOCK_HASH_CONTRACT_ADDRESS, new_value=cast(new_entry, felt)
    );
    return ();
}

// The `get_block_hash` syscall of the contract at `contract_address`: the stored hash of block
// `block_number`, which must be at least ten below the running block (blockifier reverts the call
// otherwise, so a successful call never asks for one). The contract's own storage is not in
// `contract_changes` while it runs, so it must not be the block-hash contract.
func read_block_hash{range_check_ptr, contract_changes: DictAccess*}(
    block_info: BlockInfo*, contract_address: felt, block_number: felt
) -> (block_hash: felt) {
    alloc_locals;
    local running = block_info.block_number;
    with_attr error_message(
            "OS: get_block_hash of block {block_number} in block {running}, not ten below it") {
        assert_nn_le(block_number, running - STORED_BLOCK_HASH_BUFFER);
    }
    assert_not_equal(contract_address, BLOCK_HASH_CONTRACT_ADDRESS);
    let (entry_value) = dict_read{dict_ptr=contract_changes}(key=BLOCK_HASH_CONTRACT_ADDRESS);
    let entry = cast(entry_value, StateEntry*);
    let storage_ptr = entry.storage_ptr;
    let (block_hash) = dict_read{dict_ptr=storage_ptr}(key=block_number);
    tempvar new_entry = new StateEntry(
        class_hash=entry.class_hash, storage_ptr=storage_ptr, nonce=entry.nonce
    );
    dict_write{dict_ptr=contract_changes}(
        key=BLOCK_HASH_CONTRACT_ADDRESS, new_value=cast(new_entry, felt)
    );
    return (block_hash=block_hash);
}
