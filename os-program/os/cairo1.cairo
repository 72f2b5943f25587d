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

from starkware.cairo.common.math import assert_nn, assert_nn_le
from starkware.cairo.common.registers import get_ap

from os.structs import ExecutionContext, LoadedCompiledClass

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
// (at most 5, the OS's builtins) pointers at `builtin_ptrs`, then `gas`, `syscall_ptr`,
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
    assert n_builtins = 5;
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
