// The bundled factorial contract: computes n! on demand and remembers the last computation.
//
// 0! = 1, n! = n * (n - 1)!, in felt arithmetic: reduced modulo the Stark prime from 57! on.
// One of the two programs the original stack executed, kept as a contract so a fresh devnet has
// a cheap, checkable call that writes storage.
%lang starknet

from starkware.cairo.common.cairo_builtins import HashBuiltin
from starkware.cairo.common.math import assert_nn_le
from starkware.starknet.common.syscalls import get_block_timestamp, get_caller_address

// The largest n accepted: bounds one call to about 50,000 Cairo steps (5 per iteration)
// on a devnet whose fees may be zero.
const MAX_N = 10000;

// keys: [sn_keccak("FactorialComputed")], data: [caller, n, result, block_timestamp].
@event
func FactorialComputed(caller: felt, n: felt, result: felt, block_timestamp: felt) {
}

// The n of the last computation.
@storage_var
func last_n() -> (n: felt) {
}

// last_n!.
@storage_var
func last_result() -> (result: felt) {
}

// The timestamp of the block in which the last computation ran.
@storage_var
func last_block_timestamp() -> (block_timestamp: felt) {
}

// Computes n!, stores it with n and the block timestamp, emits FactorialComputed, returns it.
@external
func factorial{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}(n: felt) -> (
    result: felt
) {
    alloc_locals;
    with_attr error_message("Factorial: n exceeds 10000") {
        assert_nn_le(n, MAX_N);
    }
    let result = fact(accumulator=1, n=n);
    let (caller) = get_caller_address();
    let (block_timestamp) = get_block_timestamp();
    last_n.write(n);
    last_result.write(result);
    last_block_timestamp.write(block_timestamp);
    FactorialComputed.emit(caller=caller, n=n, result=result, block_timestamp=block_timestamp);
    return (result=result);
}

// The last computation: (n, n!, block timestamp); all zero before the first one.
@view
func get_last{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}() -> (
    n: felt, result: felt, block_timestamp: felt
) {
    let (n) = last_n.read();
    let (result) = last_result.read();
    let (block_timestamp) = last_block_timestamp.read();
    return (n=n, result=result, block_timestamp=block_timestamp);
}

// Returns accumulator * n!.
func fact(accumulator: felt, n: felt) -> felt {
    if (n == 0) {
        return accumulator;
    }
    return fact(accumulator=accumulator * n, n=n - 1);
}
