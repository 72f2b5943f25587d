// Cairo 1 (CASM) entry points: the calling convention and the syscall response headers. The
// calls themselves and the syscall replay are in execution.cairo (they recurse into
// execute_entry_point).
//
// Calling convention (cairo-lang's Starknet OS, blockifier's `entry_point_execution.rs`): the
// arguments are the builtin pointers in the order of the entry point's `builtins` list, the gas
// counter, the syscall pointer, and the calldata as (start, end); the entry point returns the
// builtin pointers, the gas counter, the syscall pointer, a failure flag and the return data as
// (start, end).
//
// Syscall ABI (Starknet's Cairo 1 syscalls): a request is [selector, gas, fields...], the
// response that follows it [gas, failure_flag, fields...]; the response's gas is the request's
// less the syscall's cost.

from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.math import assert_nn, assert_nn_le
from starkware.cairo.common.registers import get_ap

from os.structs import ExecutionContext, LoadedCompiledClass, Transaction

// The number of felts a Cairo 1 entry point returns after its builtin pointers: gas, syscall
// pointer, failure flag, retdata start, retdata end.
const CAIRO1_RETURN_SIZE = 5;

// The CASM class loaded for the Sierra class `class_hash` (load_compiled_classes bound it to the
// classes trie): the hint points at it.
func find_compiled_class{range_check_ptr}(ctx: ExecutionContext*, class_hash: felt) -> (
    loaded: LoadedCompiledClass*
) {
    alloc_locals;
    local class_index: felt;
    %{ os_find_compiled_class %}
    let classes = ctx.classes;
    assert_nn_le(class_index, classes.n_compiled_classes - 1);
    let loaded: LoadedCompiledClass* = classes.compiled_classes + class_index *
        LoadedCompiledClass.SIZE;
    with_attr error_message("OS: no loaded CASM class has the class hash {class_hash}") {
        assert loaded.class_hash = class_hash;
    }
    return (loaded=loaded);
}

// Calls the CASM code at `entry_pc` with the Cairo 1 calling convention: the `n_builtins`
// (at most 6, the OS's builtins) pointers at `builtin_ptrs`, then `gas`, `syscall_ptr`,
// `calldata_start` and `calldata_end`. Returns where its return values end (ap after the call):
// the builtin pointers, then CAIRO1_RETURN_SIZE felts. The arguments must lie right below the
// callee's frame, so each builtin count has its own call site.
func call_cairo1(
    entry_pc: felt*,
    n_builtins: felt,
    builtin_ptrs: felt*,
    gas: felt,
    syscall_ptr: felt*,
    calldata_start: felt*,
    calldata_end: felt*,
) -> (returned_end: felt*) {
    if (n_builtins == 0) {
        [ap] = gas, ap++;
        [ap] = syscall_ptr, ap++;
        [ap] = calldata_start, ap++;
        [ap] = calldata_end, ap++;
        call abs entry_pc;
        let (ap_val) = get_ap();
        return (returned_end=ap_val);
    }
    if (n_builtins == 1) {
        [ap] = builtin_ptrs[0], ap++;
        [ap] = gas, ap++;
        [ap] = syscall_ptr, ap++;
        [ap] = calldata_start, ap++;
        [ap] = calldata_end, ap++;
        call abs entry_pc;
        let (ap_val) = get_ap();
        return (returned_end=ap_val);
    }
    if (n_builtins == 2) {
        [ap] = builtin_ptrs[0], ap++;
        [ap] = builtin_ptrs[1], ap++;
        [ap] = gas, ap++;
        [ap] = syscall_ptr, ap++;
        [ap] = calldata_start, ap++;
        [ap] = calldata_end, ap++;
        call abs entry_pc;
        let (ap_val) = get_ap();
        return (returned_end=ap_val);
    }
    if (n_builtins == 3) {
        [ap] = builtin_ptrs[0], ap++;
        [ap] = builtin_ptrs[1], ap++;
        [ap] = builtin_ptrs[2], ap++;
        [ap] = gas, ap++;
        [ap] = syscall_ptr, ap++;
        [ap] = calldata_start, ap++;
        [ap] = calldata_end, ap++;
        call abs entry_pc;
        let (ap_val) = get_ap();
        return (returned_end=ap_val);
    }
    if (n_builtins == 4) {
        [ap] = builtin_ptrs[0], ap++;
        [ap] = builtin_ptrs[1], ap++;
        [ap] = builtin_ptrs[2], ap++;
        [ap] = builtin_ptrs[3], ap++;
        [ap] = gas, ap++;
        [ap] = syscall_ptr, ap++;
        [ap] = calldata_start, ap++;
        [ap] = calldata_end, ap++;
        call abs entry_pc;
        let (ap_val) = get_ap();
        return (returned_end=ap_val);
    }
    if (n_builtins == 5) {
        [ap] = builtin_ptrs[0], ap++;
        [ap] = builtin_ptrs[1], ap++;
        [ap] = builtin_ptrs[2], ap++;
        [ap] = builtin_ptrs[3], ap++;
        [ap] = builtin_ptrs[4], ap++;
        [ap] = gas, ap++;
        [ap] = syscall_ptr, ap++;
        [ap] = calldata_start, ap++;
        [ap] = calldata_end, ap++;
        call abs entry_pc;
        let (ap_val) = get_ap();
        return (returned_end=ap_val);
    }
    assert n_builtins = 6;
    [ap] = builtin_ptrs[0], ap++;
    [ap] = builtin_ptrs[1], ap++;
    [ap] = builtin_ptrs[2], ap++;
    [ap] = builtin_ptrs[3], ap++;
    [ap] = builtin_ptrs[4], ap++;
    [ap] = builtin_ptrs[5], ap++;
    [ap] = gas, ap++;
    [ap] = syscall_ptr, ap++;
    [ap] = calldata_start, ap++;
    [ap] = calldata_end, ap++;
    call abs entry_pc;
    let (ap_val) = get_ap();
    return (returned_end=ap_val);
}

// Checks the response header at `response` of a syscall that succeeded: its gas is the request's
// `gas` less `cost`, which `gas` covers, and its failure flag is 0. A failed syscall (out of
// gas, or an error the executor reported) fails the run: the OS does not prove Cairo 1 failures
// yet.
func check_syscall_response{range_check_ptr}(gas: felt, cost: felt, response: felt*) {
    tempvar remaining = gas - cost;
    assert response[0] = remaining;
    assert_nn(remaining);
    with_attr error_message("OS: a Cairo 1 syscall failed (not supported yet)") {
        assert response[1] = 0;
    }
    return ();
}

// The ExecutionInfo a Cairo 1 call's `get_execution_info` points at (corelib's
// `starknet::info::v2::ExecutionInfo`, laid out as blockifier writes it): block info [block
// number, timestamp, sequencer address] (the context's `call_block_info`: rounded in validate
// mode), the transaction's Cairo 1 TxInfo, caller, contract
// address, entry point selector. Built for every Cairo 1 call, so that Cairo 0 blocks pay
// nothing for it.
func execution_info{range_check_ptr}(
    ctx: ExecutionContext*, caller_address: felt, contract_address: felt, selector: felt
) -> (info: felt*) {
    alloc_locals;
    let (tx_info) = cairo1_tx_info(ctx);
    let (local info: felt*) = alloc();
    assert info[0] = cast(ctx.call_block_info, felt);
    assert info[1] = cast(tx_info, felt);
    assert info[2] = caller_address;
    assert info[3] = contract_address;
    assert info[4] = selector;
    return (info=info);
}

// The Cairo 1 TxInfo of the transaction (corelib's `starknet::info::v2::TxInfo`, laid out as
// blockifier writes it): version, account, max fee (v1; 0 for v3), signature (start, end),
// transaction hash, chain id, nonce, then for v3 the resource bounds flattened as (resource,
// max_amount, max_price_per_unit) triples, tip, paymaster data (start, end), the nonce and fee
// data-availability modes, account deployment data (start, end) and proof facts (none); for v1
// those eleven felts are 0.
func cairo1_tx_info{range_check_ptr}(ctx: ExecutionContext*) -> (tx_info: felt*) {
    alloc_locals;
    local tx: Transaction* = ctx.tx;
    let (local info: felt*) = alloc();
    assert info[0] = tx.version;
    assert info[1] = ctx.tx_info.account_contract_address;
    assert info[3] = cast(tx.signature, felt);
    assert info[4] = cast(tx.signature + tx.signature_len, felt);
    assert info[5] = ctx.tx_info.transaction_hash;
    assert info[6] = ctx.block_info.chain_id;
    assert info[7] = tx.nonce;
    if (tx.version == 1) {
        assert info[2] = tx.max_fee;
        assert info[8] = 0;
        assert info[9] = 0;
        assert info[10] = 0;
        assert info[11] = 0;
        assert info[12] = 0;
        assert info[13] = 0;
        assert info[14] = 0;
        assert info[15] = 0;
        assert info[16] = 0;
        assert info[17] = 0;
        assert info[18] = 0;
        return (tx_info=info);
    }
    assert tx.version = 3;
    assert info[2] = 0;
    // The flattened bounds and the two modes from a hint, checked against the hashed encoding.
    local bounds: felt*;
    local nonce_mode: felt;
    local fee_mode: felt;
    %{ os_cairo1_tx_fields %}
    check_resource_bounds(tx.n_resource_bounds, tx.resource_bounds, bounds);
    assert nonce_mode * (nonce_mode - 1) = 0;
    assert fee_mode * (fee_mode - 1) = 0;
    assert tx.data_availability_modes = nonce_mode * 2 ** 32 + fee_mode;
    let (local proof_facts: felt*) = alloc();
    assert info[8] = cast(bounds, felt);
    assert info[9] = cast(bounds + 3 * tx.n_resource_bounds, felt);
    assert info[10] = tx.tip;
    assert info[11] = cast(tx.paymaster_data, felt);
    assert info[12] = cast(tx.paymaster_data + tx.paymaster_data_len, felt);
    assert info[13] = nonce_mode;
    assert info[14] = fee_mode;
    assert info[15] = cast(tx.account_deployment_data, felt);
    assert info[16] = cast(tx.account_deployment_data + tx.account_deployment_data_len, felt);
    assert info[17] = cast(proof_facts, felt);
    assert info[18] = cast(proof_facts, felt);
    return (tx_info=info);
}

// Checks that the (resource, max_amount, max_price_per_unit) triples at `flat` are the `n`
// encoded bounds (chain::ResourceBounds::encode: resource * 2^192 + max_amount * 2^128 +
// max_price_per_unit). With resource < 2^56, max_amount < 2^64 and max_price_per_unit < 2^128
// the sum is below 2^248 < p, so each encoding has exactly one accepted triple.
func check_resource_bounds{range_check_ptr}(n: felt, encoded: felt*, flat: felt*) {
    if (n == 0) {
        return ();
    }
    assert_nn_le(flat[0], 2 ** 56 - 1);
    assert_nn_le(flat[1], 2 ** 64 - 1);
    assert_nn(flat[2]);
    assert encoded[0] = flat[0] * 2 ** 192 + flat[1] * 2 ** 128 + flat[2];
    return check_resource_bounds(n - 1, encoded + 1, flat + 3);
}
