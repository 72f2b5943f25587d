// The watcher-prover OS: proves "this block, applied to the state with root prev_root, gives
// the state with root new_root, and these are its transactions". See README.md.
//
// Public output (chain::BlockPublicOutput), twelve felts in this order:
//   0 OS version, 1 chain id, 2 block number, 3 block hash (Starknet's, over every header
//   field), 4 parent block hash, 5 previous state root, 6 new state root, 7 transaction count,
//   8 transaction hashes digest (poseidon_hash_many of the transaction hashes, for clients that
//   hold no signatures), 9 state-diff commitment (Starknet's), 10 STRK fee token, 11 ETH fee
//   token (the ERC-20s the block's fees were transferred in, 0 on a chain without fees).

%builtins output pedersen range_check ecdsa bitwise ec_op keccak poseidon

from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.builtin_poseidon.poseidon import poseidon_hash_many
from starkware.cairo.common.cairo_builtins import (
    BitwiseBuiltin,
    EcOpBuiltin,
    HashBuiltin,
    KeccakBuiltin,
    PoseidonBuiltin,
    SignatureBuiltin,
)
from starkware.cairo.common.dict_access import DictAccess

from os.block import BodyCommitments, chain_block_hash
from os.block_hash_contract import store_old_block_hash
from os.commitment_trie import trie_root
from os.compiled_class import CompiledClass
from os.constants import OS_VERSION
from os.execution import load_classes, load_compiled_classes
from os.state.state_update import state_update
from os.structs import BlockInfo, Classes, LoadedClass, LoadedCompiledClass
from os.transactions import execute_transactions

func main{
    output_ptr: felt*,
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    ecdsa_ptr: SignatureBuiltin*,
    bitwise_ptr: BitwiseBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
}() {
    alloc_locals;
    // The block, the classes its transactions run (code from the hint, its class hash computed
    // here) and the state dicts: the contracts with their guessed pre-block values, and the Cairo
    // 0 classes the block declares (empty at first).
    local block_info: BlockInfo*;
    local n_transactions: felt;
    local n_classes: felt;
    local class_datas: felt**;
    local class_lengths: felt*;
    local contract_changes_start: DictAccess*;
    local deprecated_declared_start: DictAccess*;
    %{ os_load_block %}
    let (local loaded_classes: LoadedClass*) = alloc();
    load_classes(n_classes, class_datas, class_lengths, loaded_classes);
    // The CASM classes of the Sierra classes the block runs, each bound to the classes trie by
    // its compiled class hash: `class_changes` (class hash -> compiled class hash) starts with
    // guessed pre-block values, which state_update checks against the previous classes root.
    local n_compiled_classes: felt;
    local compiled_class_hashes: felt*;
    local compiled_class_ptrs: CompiledClass**;
    local class_changes_start: DictAccess*;
    %{ os_load_compiled_classes %}
    let (local compiled_classes: LoadedCompiledClass*) = alloc();
    let class_changes = class_changes_start;
    with class_changes {
        load_compiled_classes(
            n_compiled_classes, compiled_class_hashes, compiled_class_ptrs, compiled_classes
        );
    }
    local class_changes_loaded: DictAccess* = class_changes;
    let (local classes: Classes*) = alloc();
    assert classes[0] = Classes(
        n_classes=n_classes,
        classes=loaded_classes,
        n_compiled_classes=n_compiled_classes,
        compiled_classes=compiled_classes,
    );

    let contract_changes = contract_changes_start;
    let deprecated_declared = deprecated_declared_start;
    let class_changes = class_changes_loaded;
    let (local tx_hashes: felt*) = alloc();
    let (local tx_leaves: felt*) = alloc();
    let (local receipt_hashes: felt*) = alloc();
    let (local event_hashes_start: felt*) = alloc();
    let event_hashes = event_hashes_start;
    with contract_changes {
        store_old_block_hash(block_info);
    }
    with contract_changes, deprecated_declared, class_changes, event_hashes {
        execute_transactions(block_info, classes, n_transactions, tx_hashes, tx_leaves, receipt_hashes);
    }
    local contract_changes_end: DictAccess* = contract_changes;
    local deprecated_declared_end: DictAccess* = deprecated_declared;
    local class_changes_end: DictAccess* = class_changes;
    local n_events = event_hashes - event_hashes_start;
    // The classes trie: the Sierra classes the block declared (DECLARE v3), and the leaves of
    // the classes whose CASM it ran, read and checked.

    let (local transaction_hashes_digest) = poseidon_hash_many(n_transactions, tx_hashes);
    let (local transaction_commitment) = trie_root(n_transactions, tx_leaves);
    let (local event_commitment) = trie_root(n_events, event_hashes_start);
    let (local receipt_commitment) = trie_root(n_transactions, receipt_hashes);
    let (new_root, state_diff_commitment, state_diff_length) = state_update(
        block_info.prev_state_root,
        contract_changes_start,
        contract_changes_end,
        class_changes_start,
        class_changes_end,
        deprecated_declared_start,
        deprecated_declared_end,
    );
    local new_root = new_root;
    local state_diff_commitment = state_diff_commitment;
    tempvar body = new BodyCommitments(
        transaction_count=n_transactions,
        transaction_commitment=transaction_commitment,
        event_count=n_events,
        event_commitment=event_commitment,
        receipt_commitment=receipt_commitment,
        state_diff_commitment=state_diff_commitment,
        state_diff_length=state_diff_length,
    );
    // The block hash is the chain's: over the root the header carries, which is the computed one
    // unless the sequencer leaves the commitment to the prover (then 0). The output's new root
    // is the computed one either way. The flag needs no output: a wrong one gives a block hash
    // that is not the chain's, which verifiers compare with the header.
    tempvar commits = block_info.header_commits_state_root;
    assert commits * commits = commits;
    tempvar header_root = new_root * commits;
    let (hash) = chain_block_hash(block_info, header_root, body);

    assert output_ptr[0] = OS_VERSION;
    assert output_ptr[1] = block_info.chain_id;
    assert output_ptr[2] = block_info.block_number;
    assert output_ptr[3] = hash;
    assert output_ptr[4] = block_info.parent_hash;
    assert output_ptr[5] = block_info.prev_state_root;
    assert output_ptr[6] = new_root;
    assert output_ptr[7] = n_transactions;
    assert output_ptr[8] = transaction_hashes_digest;
    assert output_ptr[9] = state_diff_commitment;
    assert output_ptr[10] = block_info.strk_fee_token;
    assert output_ptr[11] = block_info.eth_fee_token;
    let output_ptr = output_ptr + 12;
    return ();
}
