// The bundled fibonacci contract: computes fib(n) on demand and remembers the last computation.
//
// fib(0) = 0, fib(1) = 1, fib(n) = fib(n - 1) + fib(n - 2), in felt arithmetic: reduced modulo
// the Stark prime from fib(364) on. One of the two programs the original stack executed, kept as
// a contract so a fresh devnet has a cheap, checkable call that writes storage.
%lang starknet

from starkware.cairo.common.cairo_builtins import HashBuiltin
from starkware.cairo.common.math import assert_nn_le
from starkware.starknet.common.syscalls import get_block_number, get_caller_address

// The largest n accepted: bounds one call to about 60,000 Cairo steps (6 per iteration)
// on a devnet whose fees may be zero.
const MAX_N = 10000;

// keys: [sn_keccak("FibonacciComputed")], data: [caller, n, result, block_number].
@event
func FibonacciComputed(caller: felt, n: felt, result: felt, block_number: felt) {
}

// The n of the last computation.
@storage_var
func last_n() -> (n: felt) {
}

// fib(last_n).
@storage_var
func last_result() -> (result: felt) {
}

// The block in which the last computation ran.
@storage_var
func last_block_number() -> (block_number: felt) {
}

// Computes fib(n), stores it with n and the block number, emits FibonacciComputed, returns it.
@external
func fibonacci{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}(n: felt) -> (
    result: felt
) {
    alloc_locals;
    with_attr error_message("Fibonacci: n exceeds 10000") {
        assert_nn_le(n, MAX_N);
    }
    let result = fib(first=0, second=1, n=n);
    let (caller) = get_caller_address();
    let (block_number) = get_block_number();
    last_n.write(n);
    last_result.write(result);
    last_block_number.write(block_number);
    FibonacciComputed.emit(caller=caller, n=n, result=result, block_number=block_number);
    return (result=result);
}

// The last computation: (n, fib(n), block number); all zero before the first one.
@view
func get_last{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}() -> (
    n: felt, result: felt, block_number: felt
) {
    let (n) = last_n.read();
    let (result) = last_result.read();
    let (block_number) = last_block_number.read();
    return (n=n, result=result, block_number=block_number);
}

// Returns the n-th element of the sequence that starts with `first`, `second`.
func fib(first: felt, second: felt, n: felt) -> felt {
    if (n == 0) {
        return first;
    }
    return fib(first=second, second=first + second, n=n - 1);
}
