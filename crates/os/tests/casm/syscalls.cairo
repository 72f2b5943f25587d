// A Cairo 1 test class written in Cairo 0 (cairo-compile, no corelib needed): the OS tests turn
// its bytecode into a CASM class (tests/common/casm_class.rs), each function below `syscall`
// an external entry point named after it, and the hint of `syscall` into CASM's `SystemCall`.
//
// Each entry point has the Cairo 1 calling convention of an entry point without builtins: it
// gets [gas, system, calldata_start, calldata_end] and returns [gas, system, panic flag,
// retdata_start, retdata_end]. It makes one syscall and returns the whole response (the gas left
// after the syscall, the failure flag 0 and the values), so that a syscall the OS prices unlike
// blockifier gives other return data than the executor's; a failed syscall panics with its
// error data.

// The request at `system` is made: the executor (or the OS's hint) writes the response after it.
func syscall(system: felt*) {
    %{ syscall %}
    return ();
}

// The syscall whose request of `request_len` felts is at `system` and whose response has
// `values` felts after the gas and the failure flag: its result as the entry point's.
func finish(system: felt*, request_len: felt, values: felt) -> (felt, felt*, felt, felt*, felt*) {
    syscall(system);
    let response = system + request_len;
    if (response[1] != 0) {
        return (response[0], response + 4, 1, cast(response[2], felt*), cast(response[3], felt*));
    }
    return (response[0], response + 2 + values, 0, response, response + 2 + values);
}

// keccak(words...): the `keccak` syscall over the calldata (64-bit words, whole 17-word
// blocks); returns [gas, 0, low, high].
func keccak(gas: felt, system: felt*, calldata_start: felt*, calldata_end: felt*) -> (
    felt, felt*, felt, felt*, felt*
) {
    assert system[0] = 'Keccak';
    assert system[1] = gas;
    assert system[2] = cast(calldata_start, felt);
    assert system[3] = cast(calldata_end, felt);
    return finish(system, 4, 2);
}

// block_hash(block_number): the `get_block_hash` syscall; returns [gas, 0, hash].
func block_hash(gas: felt, system: felt*, calldata_start: felt*, calldata_end: felt*) -> (
    felt, felt*, felt, felt*, felt*
) {
    assert system[0] = 'GetBlockHash';
    assert system[1] = gas;
    assert system[2] = calldata_start[0];
    return finish(system, 3, 1);
}

// class_hash_at(contract_address): the `get_class_hash_at` syscall; returns [gas, 0, class hash].
func class_hash_at(gas: felt, system: felt*, calldata_start: felt*, calldata_end: felt*) -> (
    felt, felt*, felt, felt*, felt*
) {
    assert system[0] = 'GetClassHashAt';
    assert system[1] = gas;
    assert system[2] = calldata_start[0];
    return finish(system, 3, 1);
}

// A new memory segment (CASM's `AllocSegment` hint).
func new_segment() -> felt* {
    %{ alloc %}
    ap += 1;
    return cast([ap - 1], felt*);
}

// sha256_process_block(state[8], block[16]): the `sha256_process_block` syscall; returns
// [gas, 0, new state[8]] (the response holds a pointer to the new state).
func sha256_process_block(gas: felt, system: felt*, calldata_start: felt*, calldata_end: felt*) -> (
    felt, felt*, felt, felt*, felt*
) {
    alloc_locals;
    assert system[0] = 'Sha256ProcessBlock';
    assert system[1] = gas;
    assert system[2] = cast(calldata_start, felt);
    assert system[3] = cast(calldata_start + 8, felt);
    let (gas_left, system_end, panic, retdata_start, retdata_end) = finish(system, 4, 1);
    if (panic != 0) {
        return (gas_left, system_end, panic, retdata_start, retdata_end);
    }
    let new_state = cast(retdata_start[2], felt*);
    local out: felt* = new_segment();
    assert out[0] = retdata_start[0];
    assert out[1] = retdata_start[1];
    assert out[2] = new_state[0];
    assert out[3] = new_state[1];
    assert out[4] = new_state[2];
    assert out[5] = new_state[3];
    assert out[6] = new_state[4];
    assert out[7] = new_state[5];
    assert out[8] = new_state[6];
    assert out[9] = new_state[7];
    return (gas_left, system_end, 0, out, out + 10);
}
