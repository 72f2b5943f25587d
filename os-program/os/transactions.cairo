// Transactions: INVOKE v1 and v3. Each is hashed in Cairo (the hash the transaction commitment
// and the block hash commit to), its nonce is checked and bumped, and the account's
// `__execute__` runs. `__validate__` is not run: the executor checks signatures, the OS does not
// until the prover has the ecdsa builtin (README.md, trust assumptions).

from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.builtin_poseidon.poseidon import poseidon_hash_many
from starkware.cairo.common.cairo_builtins import BitwiseBuiltin, HashBuiltin, PoseidonBuiltin
from starkware.cairo.common.dict import dict_read, dict_write
from starkware.cairo.common.dict_access import DictAccess
from starkware.cairo.common.hash_state import hash_felts
from starkware.cairo.common.math import assert_not_zero

from os.constants import EXECUTE_ENTRY_POINT_SELECTOR, INVOKE_PREFIX, TX_INVOKE_V1, TX_INVOKE_V3
from os.execution import execute_entry_point
from os.structs import BlockInfo, ExecutionContext, LoadedClass, StateEntry, TxInfo

// An INVOKE transaction as the `os_load_transaction` hint writes it. The v3-only fields are 0
// for v1; `resource_bounds` are already encoded (chain::ResourceBounds::encode): the OS charges
// no fee, so they matter only as part of the hashed transaction.
struct Invoke {
    version: felt,
    sender_address: felt,
    calldata_size: felt,
    calldata: felt*,
    nonce: felt,
    max_fee: felt,
    signature_len: felt,
    signature: felt*,
    tip: felt,
    n_resource_bounds: felt,
    resource_bounds: felt*,
    paymaster_data_len: felt,
    paymaster_data: felt*,
    data_availability_modes: felt,
    account_deployment_data_len: felt,
    account_deployment_data: felt*,
}

// Executes the block's `n` transactions; writes their hashes to `tx_hashes`.
func execute_transactions{
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    bitwise_ptr: BitwiseBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
    contract_changes: DictAccess*,
    class_changes: DictAccess*,
    event_hashes: felt*,
}(block_info: BlockInfo*, n_classes: felt, classes: LoadedClass*, n: felt, tx_hashes: felt*) {
    if (n == 0) {
        return ();
    }
    alloc_locals;
    local tx: Invoke*;
    %{ os_load_transaction %}
    let (tx_hash) = execute_invoke(block_info, n_classes, classes, tx);
    assert tx_hashes[0] = tx_hash;
    return execute_transactions(block_info, n_classes, classes, n - 1, tx_hashes + 1);
}

// The hash of an INVOKE v1 or v3 (chain::tx_hash), computed from the fields the OS executes.
func invoke_hash{pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*}(
    tx: Invoke*, chain_id: felt
) -> (tx_hash: felt) {
    alloc_locals;
    let (elements: felt*) = alloc();
    if (tx.version == TX_INVOKE_V1) {
        // compute_hash_on_elements([prefix, version, sender, 0, h(calldata), max_fee, chain_id,
        // nonce]) with h = compute_hash_on_elements.
        let hash_ptr = pedersen_ptr;
        with hash_ptr {
            let (calldata_hash) = hash_felts(data=tx.calldata, length=tx.calldata_size);
            assert elements[0] = INVOKE_PREFIX;
            assert elements[1] = TX_INVOKE_V1;
            assert elements[2] = tx.sender_address;
            assert elements[3] = 0;
            assert elements[4] = calldata_hash;
            assert elements[5] = tx.max_fee;
            assert elements[6] = chain_id;
            assert elements[7] = tx.nonce;
            let (tx_hash) = hash_felts(data=elements, length=8);
        }
        let pedersen_ptr = hash_ptr;
        return (tx_hash=tx_hash);
    }
    with_attr error_message("OS: unsupported transaction version {tx.version}") {
        assert tx.version = TX_INVOKE_V3;
    }
    // A v3 transaction has no max_fee; contracts see 0.
    assert tx.max_fee = 0;
    // poseidon_hash_many([prefix, version, sender, fee_fields_hash, h(paymaster_data), chain_id,
    // nonce, data_availability_modes, h(account_deployment_data), h(calldata)]).
    let (fee_fields: felt*) = alloc();
    assert fee_fields[0] = tx.tip;
    assert_copy(tx.n_resource_bounds, tx.resource_bounds, fee_fields + 1);
    let (fee_fields_hash) = poseidon_hash_many(1 + tx.n_resource_bounds, fee_fields);
    let (paymaster_hash) = poseidon_hash_many(tx.paymaster_data_len, tx.paymaster_data);
    let (deployment_hash) = poseidon_hash_many(
        tx.account_deployment_data_len, tx.account_deployment_data
    );
    let (calldata_hash) = poseidon_hash_many(tx.calldata_size, tx.calldata);
    assert elements[0] = INVOKE_PREFIX;
    assert elements[1] = TX_INVOKE_V3;
    assert elements[2] = tx.sender_address;
    assert elements[3] = fee_fields_hash;
    assert elements[4] = paymaster_hash;
    assert elements[5] = chain_id;
    assert elements[6] = tx.nonce;
    assert elements[7] = tx.data_availability_modes;
    assert elements[8] = deployment_hash;
    assert elements[9] = calldata_hash;
    let (tx_hash) = poseidon_hash_many(10, elements);
    return (tx_hash=tx_hash);
}

// Executes one INVOKE: hash, nonce, `__execute__`.
func execute_invoke{
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    bitwise_ptr: BitwiseBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
    contract_changes: DictAccess*,
    class_changes: DictAccess*,
    event_hashes: felt*,
}(block_info: BlockInfo*, n_classes: felt, classes: LoadedClass*, tx: Invoke*) -> (
    tx_hash: felt
) {
    alloc_locals;
    let (local tx_hash) = invoke_hash(tx, block_info.chain_id);

    // The nonce: exactly the account's, then bumped.
    let (entry_value) = dict_read{dict_ptr=contract_changes}(key=tx.sender_address);
    let entry = cast(entry_value, StateEntry*);
    with_attr error_message("OS: no account is deployed at {tx.sender_address}") {
        assert_not_zero(entry.class_hash);
    }
    with_attr error_message("OS: invalid nonce") {
        assert entry.nonce = tx.nonce;
    }
    tempvar new_entry = new StateEntry(
        class_hash=entry.class_hash, storage_ptr=entry.storage_ptr, nonce=entry.nonce + 1
    );
    dict_write{dict_ptr=contract_changes}(key=tx.sender_address, new_value=cast(new_entry, felt));

    // The Cairo 0 TxInfo the account sees (max_fee is 0 for v3, as Starknet reports it).
    tempvar tx_info = new TxInfo(
        version=tx.version,
        account_contract_address=tx.sender_address,
        max_fee=tx.max_fee,
        signature_len=tx.signature_len,
        signature=tx.signature,
        transaction_hash=tx_hash,
        chain_id=block_info.chain_id,
        nonce=tx.nonce,
    );
    tempvar ctx = new ExecutionContext(
        block_info=block_info, tx_info=tx_info, n_classes=n_classes, classes=classes
    );
    execute_entry_point(
        ctx, tx.sender_address, EXECUTE_ENTRY_POINT_SELECTOR, tx.calldata_size, tx.calldata, 0
    );
    return (tx_hash=tx_hash);
}

// dst[i] = src[i] for i < n.
func assert_copy(n: felt, src: felt*, dst: felt*) {
    if (n == 0) {
        return ();
    }
    assert dst[0] = src[0];
    return assert_copy(n - 1, src + 1, dst + 1);
}
