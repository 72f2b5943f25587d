// Loading classes and running contract entry points: the class code comes from a hint and its
// class hash is computed here (cairo-lang's compute_deprecated_class_hash; for a CASM class its
// compiled class hash, compared with the classes trie), the entry point runs through `call abs`
// (Cairo 0 or Cairo 1 calling convention), and the syscalls it made are replayed and checked
// afterwards (see syscalls below).

from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.builtin_keccak.keccak import (
    KECCAK_FULL_RATE_IN_WORDS,
    keccak_padded_input,
)
from starkware.cairo.common.builtin_poseidon.poseidon import poseidon_hash_many
from starkware.cairo.common.cairo_builtins import (
    BitwiseBuiltin,
    EcOpBuiltin,
    HashBuiltin,
    KeccakBuiltin,
    PoseidonBuiltin,
    SignatureBuiltin,
)
from starkware.cairo.common.dict import dict_read, dict_write
from starkware.cairo.common.dict_access import DictAccess
from starkware.cairo.common.math import assert_nn, assert_nn_le, assert_not_zero, unsigned_div_rem
from starkware.cairo.common.memcpy import memcpy
from starkware.cairo.common.hash_state import hash_felts
from starkware.cairo.common.registers import get_ap
from starkware.starknet.common.storage import normalize_address

from os.block_hash_contract import read_block_hash
from os.cairo1 import (
    CAIRO1_RETURN_SIZE,
    call_cairo1,
    check_syscall_response,
    execution_info as cairo1_execution_info,
    find_compiled_class,
)
from os.compiled_class import (
    COMPILED_CLASS_HASH_V2,
    CompiledClass,
    CompiledClassEntryPoint,
    compiled_class_hash,
)

from os.constants import (
    ADD_MOD_GAS_COST,
    BITWISE_BUILTIN,
    BITWISE_GAS_COST,
    BLAKE_GAS_COST,
    CALL_CONTRACT_GAS_COST,
    DEFAULT_INITIAL_GAS,
    DEPLOY_GAS_COST,
    DEPLOY_GAS_COST_PER_FELT,
    EC_OP_GAS_COST,
    ENTRY_POINT_INITIAL_BUDGET,
    EMIT_EVENT_GAS_COST,
    MUL_MOD_GAS_COST,
    PEDERSEN_GAS_COST,
    POSEIDON_GAS_COST,
    RET_INSTRUCTION,
    STORAGE_READ_GAS_COST,
    STORAGE_WRITE_GAS_COST,
    CALL_CONTRACT_SELECTOR,
    CONSTRUCTOR_SELECTOR,
    CONTRACT_ADDRESS_PREFIX,
    DEPLOY_SELECTOR,
    EC_OP_BUILTIN,
    ECDSA_BUILTIN,
    EMIT_EVENT_SELECTOR,
    ENTRY_POINT_TYPE_CONSTRUCTOR,
    GET_BLOCK_HASH_GAS_COST,
    GET_BLOCK_HASH_SELECTOR,
    GET_CLASS_HASH_AT_GAS_COST,
    GET_CLASS_HASH_AT_SELECTOR,
    GET_EXECUTION_INFO_GAS_COST,
    GET_EXECUTION_INFO_SELECTOR,
    KECCAK_GAS_COST,
    KECCAK_ROUND_GAS_COST,
    KECCAK_SELECTOR,
    SHA256_PROCESS_BLOCK_GAS_COST,
    SHA256_PROCESS_BLOCK_SELECTOR,
    ENTRY_POINT_TYPE_EXTERNAL,
    GET_BLOCK_NUMBER_SELECTOR,
    GET_BLOCK_TIMESTAMP_SELECTOR,
    GET_CALLER_ADDRESS_SELECTOR,
    GET_CONTRACT_ADDRESS_SELECTOR,
    GET_SEQUENCER_ADDRESS_SELECTOR,
    GET_TX_INFO_SELECTOR,
    GET_TX_SIGNATURE_SELECTOR,
    LIBRARY_CALL_GAS_COST,
    LIBRARY_CALL_SELECTOR,
    PEDERSEN_BUILTIN,
    POSEIDON_BUILTIN,
    RANGE_CHECK_BUILTIN,
    REPLACE_CLASS_GAS_COST,
    REPLACE_CLASS_SELECTOR,
    SEND_MESSAGE_TO_L1_GAS_COST,
    SEND_MESSAGE_TO_L1_GAS_COST_PER_FELT,
    SEND_MESSAGE_TO_L1_SELECTOR,
    STORAGE_READ_SELECTOR,
    STORAGE_WRITE_SELECTOR,
)
from os.sha256 import sha256_process_block
from os.structs import (
    EntryPoint,
    ExecutionContext,
    LoadedClass,
    LoadedCompiledClass,
    StateEntry,
)

// Parses `n` class preimages (`datas[i]` of `lengths[i]` felts) into `out` and computes each
// one's class hash (cairo-lang's compute_deprecated_class_hash, with the pedersen builtin), so a
// loaded class is known by the hash that contracts and DECLAREs name. The hint that supplied them
// also registered the classes' own hints at their code's addresses.
func load_classes{pedersen_ptr: HashBuiltin*, range_check_ptr}(
    n: felt, datas: felt**, lengths: felt*, out: LoadedClass*
) {
    if (n == 0) {
        return ();
    }
    alloc_locals;
    let data = datas[0];
    let data_len = lengths[0];
    // The layout of executor::DeprecatedClass::os_preimage: the hinted class hash, three
    // entry-point tables (external, l1_handler, constructor), the builtins, the bytecode.
    let hinted_class_hash = data[0];
    let n_external = data[1];
    let l1_handler_at = 2 + n_external * EntryPoint.SIZE;
    let n_l1_handler = data[l1_handler_at];
    let constructor_at = l1_handler_at + 1 + n_l1_handler * EntryPoint.SIZE;
    let n_constructor = data[constructor_at];
    let builtins_at = constructor_at + 1 + n_constructor * EntryPoint.SIZE;
    let n_builtins = data[builtins_at];
    let bytecode_at = builtins_at + 1 + n_builtins;
    let bytecode_len = data[bytecode_at];
    // The tables tile the preimage exactly: with every count below 2^128 no offset wraps around
    // the field, so every table lies inside the preimage that the class hash covers (a crafted
    // preimage cannot point a table at memory the hash does not cover).
    assert_nn(n_external);
    assert_nn(n_l1_handler);
    assert_nn(n_constructor);
    assert_nn(n_builtins);
    assert_nn(bytecode_len);
    assert data_len = bytecode_at + 1 + bytecode_len;
    let external = cast(data + 2, EntryPoint*);
    let l1_handler = cast(data + l1_handler_at + 1, EntryPoint*);
    let constructor = cast(data + constructor_at + 1, EntryPoint*);
    let builtins = data + builtins_at + 1;
    let bytecode = data + bytecode_at + 1;
    // compute_hash_on_elements([0, h(external), h(l1_handler), h(constructor), h(builtins),
    // hinted_class_hash, h(bytecode)]), h = compute_hash_on_elements over the flattened
    // (selector, offset) pairs, the builtin names and the bytecode. The hinted class hash (the
    // Starknet-keccak of the class JSON, covering ABI and hints) is taken from the preimage: the
    // class hash binds it, and what the OS proves does not depend on ABI or hints.
    let (local elements: felt*) = alloc();
    assert elements[0] = 0;
    let hash_ptr = pedersen_ptr;
    with hash_ptr {
        let (external_hash) = hash_felts(
            data=cast(external, felt*), length=n_external * EntryPoint.SIZE
        );
        assert elements[1] = external_hash;
        let (l1_handler_hash) = hash_felts(
            data=cast(l1_handler, felt*), length=n_l1_handler * EntryPoint.SIZE
        );
        assert elements[2] = l1_handler_hash;
        let (constructor_hash) = hash_felts(
            data=cast(constructor, felt*), length=n_constructor * EntryPoint.SIZE
        );
        assert elements[3] = constructor_hash;
        let (builtins_hash) = hash_felts(data=builtins, length=n_builtins);
        assert elements[4] = builtins_hash;
        assert elements[5] = hinted_class_hash;
        let (bytecode_hash) = hash_felts(data=bytecode, length=bytecode_len);
        assert elements[6] = bytecode_hash;
        let (class_hash) = hash_felts(data=elements, length=7);
    }
    let pedersen_ptr = hash_ptr;
    assert out[0] = LoadedClass(
        class_hash=class_hash,
        n_external=n_external,
        external=external,
        n_l1_handler=n_l1_handler,
        l1_handler=l1_handler,
        n_constructor=n_constructor,
        constructor=constructor,
        n_builtins=n_builtins,
        builtins=builtins,
        bytecode_len=bytecode_len,
        bytecode=bytecode,
    );
    return load_classes(n - 1, datas + 1, lengths + 1, out + LoadedClass.SIZE);
}

// Binds each of the `n` CASM classes the hint loaded (`classes[i]`, claimed to be the CASM of the
// Sierra class `class_hashes[i]`) to the classes trie: its compiled class hash v2 (Blake2s; the
// classes trie commits to v2 since Starknet 0.14.1, this chain's version) must be the class
// hash's value in `class_changes`, whose pre-block values state_update checks against the
// previous classes root (an undeclared class reads 0, which no compiled class hash is). Then
// appends `ret` and the builtin costs pointer after the bytecode, which the CASM code reads
// (blockifier's `prepare_program_extra_data`); the hash covers the bytecode only.
func load_compiled_classes{
    range_check_ptr, poseidon_ptr: PoseidonBuiltin*, class_changes: DictAccess*
}(n: felt, class_hashes: felt*, classes: CompiledClass**, out: LoadedCompiledClass*) {
    alloc_locals;
    let (local builtin_costs: felt*) = alloc();
    assert builtin_costs[0] = PEDERSEN_GAS_COST;
    assert builtin_costs[1] = BITWISE_GAS_COST;
    assert builtin_costs[2] = EC_OP_GAS_COST;
    assert builtin_costs[3] = POSEIDON_GAS_COST;
    assert builtin_costs[4] = ADD_MOD_GAS_COST;
    assert builtin_costs[5] = MUL_MOD_GAS_COST;
    assert builtin_costs[6] = BLAKE_GAS_COST;
    load_compiled_classes_inner(n, class_hashes, classes, out, builtin_costs);
    return ();
}

func load_compiled_classes_inner{
    range_check_ptr, poseidon_ptr: PoseidonBuiltin*, class_changes: DictAccess*
}(
    n: felt,
    class_hashes: felt*,
    classes: CompiledClass**,
    out: LoadedCompiledClass*,
    builtin_costs: felt*,
) {
    if (n == 0) {
        return ();
    }
    alloc_locals;
    local class_hash = class_hashes[0];
    local class: CompiledClass* = classes[0];
    let (hash) = compiled_class_hash(COMPILED_CLASS_HASH_V2, class);
    let (committed) = dict_read{dict_ptr=class_changes}(key=class_hash);
    with_attr error_message(
            "OS: the CASM loaded for class {class_hash} has compiled class hash {hash}, the state has {committed}") {
        assert committed = hash;
    }
    assert class.bytecode_ptr[class.bytecode_length] = RET_INSTRUCTION;
    assert class.bytecode_ptr[class.bytecode_length + 1] = cast(builtin_costs, felt);
    assert out[0] = LoadedCompiledClass(class_hash=class_hash, compiled_class=class);
    return load_compiled_classes_inner(
        n - 1, class_hashes + 1, classes + 1, out + LoadedCompiledClass.SIZE, builtin_costs
    );
}

// Runs the entry point `selector` (of the table `entry_point_type`: external or constructor) of
// the contract at `contract_address` with `calldata`, as called by `caller_address`, and returns
// its return data. The code is the contract's class, or `library_class_hash` when it is not 0 (a
// `library_call`: another class's code on this contract's storage). The contract's storage
// changes go to its storage dict (through `contract_changes`), its events to `event_hashes`. It
// runs in blockifier's Cairo-steps mode (called by Cairo 0 code: a Cairo 1 entry point starts
// with the Cairo-steps budget, see execute_cairo1_entry_point).
func execute_entry_point{
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    ecdsa_ptr: SignatureBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    bitwise_ptr: BitwiseBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
    contract_changes: DictAccess*,
    event_hashes: felt*,
    messages: felt*,
}(
    ctx: ExecutionContext*,
    library_class_hash: felt,
    entry_point_type: felt,
    contract_address: felt,
    selector: felt,
    calldata_size: felt,
    calldata: felt*,
    caller_address: felt,
) -> (retdata_size: felt, retdata: felt*) {
    let (retdata_size, retdata, _, _) = execute_entry_point_gas(
        ctx,
        library_class_hash,
        entry_point_type,
        contract_address,
        selector,
        calldata_size,
        calldata,
        caller_address,
        DEFAULT_INITIAL_GAS,
        0,
    );
    return (retdata_size=retdata_size, retdata=retdata);
}

// execute_entry_point with the gas a Cairo 1 entry point starts with and blockifier's tracked
// resource of the calls above it (`sierra_gas_mode` 1: every frame above runs Cairo 1 code in
// Sierra-gas mode; 0: a Cairo 0 frame is on the stack, the Cairo-steps mode). Also returns the
// gas left (`gas` itself when no Sierra gas is consumed: Cairo 0 code, or Cairo-steps mode) and
// whether the code ran was a CASM class.
func execute_entry_point_gas{
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    ecdsa_ptr: SignatureBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    bitwise_ptr: BitwiseBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
    contract_changes: DictAccess*,
    event_hashes: felt*,
    messages: felt*,
}(
    ctx: ExecutionContext*,
    library_class_hash: felt,
    entry_point_type: felt,
    contract_address: felt,
    selector: felt,
    calldata_size: felt,
    calldata: felt*,
    caller_address: felt,
    gas: felt,
    sierra_gas_mode: felt,
) -> (retdata_size: felt, retdata: felt*, remaining_gas: felt, is_cairo1: felt) {
    alloc_locals;
    // The contract's class and its code.
    let (entry_value) = dict_read{dict_ptr=contract_changes}(key=contract_address);
    local entry: StateEntry* = cast(entry_value, StateEntry*);
    with_attr error_message("OS: no contract is deployed at {contract_address}") {
        assert_not_zero(entry.class_hash);
    }
    local class_hash;
    if (library_class_hash == 0) {
        assert class_hash = entry.class_hash;
    } else {
        assert class_hash = library_class_hash;
    }
    // A Sierra class runs its CASM (the hint says which kind; the class found must have the
    // class hash either way).
    local is_compiled_class: felt;
    %{ os_is_compiled_class %}
    if (is_compiled_class != 0) {
        let (retdata_size, retdata, remaining_gas) = execute_cairo1_entry_point(
            ctx,
            entry,
            class_hash,
            entry_point_type,
            contract_address,
            selector,
            calldata_size,
            calldata,
            caller_address,
            gas,
            sierra_gas_mode,
        );
        return (
            retdata_size=retdata_size, retdata=retdata, remaining_gas=remaining_gas, is_cairo1=1
        );
    }
    let (local loaded: LoadedClass*) = find_class(ctx, class_hash);
    local entry_point_index: felt;
    %{ os_find_entry_point %}
    local n_entry_points: felt;
    local entry_points: EntryPoint*;
    if (entry_point_type == ENTRY_POINT_TYPE_EXTERNAL) {
        assert n_entry_points = loaded.n_external;
        assert entry_points = loaded.external;
    } else {
        assert entry_point_type = ENTRY_POINT_TYPE_CONSTRUCTOR;
        assert n_entry_points = loaded.n_constructor;
        assert entry_points = loaded.constructor;
    }
    assert_nn_le(entry_point_index, n_entry_points - 1);
    local entry_point: EntryPoint* = entry_points + entry_point_index * EntryPoint.SIZE;
    assert entry_point.selector = selector;
    assert_nn_le(entry_point.offset, loaded.bytecode_len - 1);

    // The OS context: [syscall_ptr, builtin pointers in the order of the class's builtins].
    let (local syscall_start: felt*) = alloc();
    let (local os_context: felt*) = alloc();
    assert os_context[0] = cast(syscall_start, felt);
    pass_builtins(loaded.n_builtins, loaded.builtins, os_context + 1);

    local entry_pc: felt* = loaded.bytecode + entry_point.offset;
    %{ os_enter_call %}
    [ap] = selector, ap++;
    [ap] = cast(os_context, felt), ap++;
    [ap] = calldata_size, ap++;
    [ap] = cast(calldata, felt), ap++;
    call abs entry_pc;
    %{ os_exit_call %}

    // The entry point returns [syscall_ptr, builtin pointers..., retdata_size, retdata].
    let (ap_val) = get_ap();
    local return_values: felt* = ap_val - 2;
    local returned_implicits: felt* = return_values - 1 - loaded.n_builtins;
    local retdata_size = return_values[0];
    local retdata: felt* = cast(return_values[1], felt*);
    local syscall_end: felt* = cast(returned_implicits[0], felt*);
    take_builtins(loaded.n_builtins, loaded.builtins, returned_implicits + 1);

    // Replay the syscalls, in order, on this contract's storage dict.
    let storage_ptr = entry.storage_ptr;
    with storage_ptr {
        execute_syscalls(ctx, contract_address, caller_address, syscall_start, syscall_end);
    }
    let (current_value) = dict_read{dict_ptr=contract_changes}(key=contract_address);
    let current = cast(current_value, StateEntry*);
    tempvar new_entry = new StateEntry(
        class_hash=current.class_hash, storage_ptr=storage_ptr, nonce=current.nonce
    );
    dict_write{dict_ptr=contract_changes}(key=contract_address, new_value=cast(new_entry, felt));
    %{ os_end_call %}
    return (retdata_size=retdata_size, retdata=retdata, remaining_gas=gas, is_cairo1=0);
}

// execute_entry_point_gas for a Sierra class: runs the entry point of the CASM loaded for
// `class_hash` with the Cairo 1 calling convention (os/cairo1.cairo), then replays its Cairo 1
// syscalls; returns the gas left too. `entry` is the contract's StateEntry. The gas it starts
// with is blockifier's (`execute_entry_point_call_wrapper`, `prepare_call_arguments`): in
// Sierra-gas mode `gas` less the entry point's initial budget (pre-charged: its code knows), in
// Cairo-steps mode DEFAULT_INITIAL_GAS less that budget whatever `gas` is; the gas left is what
// the code returned in Sierra-gas mode (never more than `gas`), `gas` itself in Cairo-steps mode
// (blockifier counts no Sierra gas there). The call runs in Sierra-gas mode when
// `stack_sierra_gas_mode` is 1 (no Cairo-steps frame above it) and its class is compiled from
// Sierra 1.7.0 or later (blockifier's `min_sierra_version_for_sierra_gas`): the CASM does not
// carry its Sierra version, so the hint says, as in Starknet's OS (README.md, trust
// assumptions); the calls below a Cairo-steps call run in Cairo-steps mode too.
// A failed call (failure flag 1: a panic) fails the run: reverts of Cairo 1 calls are not proven
// yet.
func execute_cairo1_entry_point{
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    ecdsa_ptr: SignatureBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    bitwise_ptr: BitwiseBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
    contract_changes: DictAccess*,
    event_hashes: felt*,
    messages: felt*,
}(
    ctx: ExecutionContext*,
    entry: StateEntry*,
    class_hash: felt,
    entry_point_type: felt,
    contract_address: felt,
    selector: felt,
    calldata_size: felt,
    calldata: felt*,
    caller_address: felt,
    gas: felt,
    stack_sierra_gas_mode: felt,
) -> (retdata_size: felt, retdata: felt*, remaining_gas: felt) {
    alloc_locals;
    local class_sierra_gas_mode: felt;
    %{ os_class_sierra_gas_mode %}
    assert class_sierra_gas_mode * (class_sierra_gas_mode - 1) = 0;
    local sierra_gas_mode = stack_sierra_gas_mode * class_sierra_gas_mode;
    // The call's gas (blockifier's `call.initial_gas`) and what the code starts with.
    local call_gas: felt;
    if (sierra_gas_mode != 0) {
        assert call_gas = gas;
    } else {
        assert call_gas = DEFAULT_INITIAL_GAS;
    }
    local initial_gas = call_gas - ENTRY_POINT_INITIAL_BUDGET;
    with_attr error_message("OS: {gas} gas does not cover the entry point's initial budget") {
        assert_nn(initial_gas);
    }
    let (local loaded: LoadedCompiledClass*) = find_compiled_class(ctx, class_hash);
    local compiled: CompiledClass* = loaded.compiled_class;
    local entry_point_index: felt;
    %{ os_find_entry_point %}
    local n_entry_points: felt;
    local entry_points: CompiledClassEntryPoint*;
    if (entry_point_type == ENTRY_POINT_TYPE_EXTERNAL) {
        assert n_entry_points = compiled.n_external_functions;
        assert entry_points = compiled.external_functions;
    } else {
        assert entry_point_type = ENTRY_POINT_TYPE_CONSTRUCTOR;
        assert n_entry_points = compiled.n_constructors;
        assert entry_points = compiled.constructors;
    }
    assert_nn_le(entry_point_index, n_entry_points - 1);
    local entry_point: CompiledClassEntryPoint* = entry_points + entry_point_index *
        CompiledClassEntryPoint.SIZE;
    assert entry_point.selector = selector;
    assert_nn_le(entry_point.offset, compiled.bytecode_length - 1);
    local n_builtins = entry_point.n_builtins;
    // pass_builtins fails on a builtin the OS lacks; each builtin at most once, so at most 6.
    assert_nn_le(n_builtins, 6);
    // What `get_execution_info` points at. Built before the builtin pointers are handed over:
    // it uses range checks.
    let (local execution_info: felt*) = cairo1_execution_info(
        ctx, caller_address, contract_address, selector
    );
    let (local builtin_ptrs: felt*) = alloc();
    pass_builtins(n_builtins, entry_point.builtin_list, builtin_ptrs);

    let (local syscall_start: felt*) = alloc();
    local entry_pc: felt* = compiled.bytecode_ptr + entry_point.offset;
    %{ os_enter_call %}
    let (returned_end) = call_cairo1(
        entry_pc,
        n_builtins,
        builtin_ptrs,
        initial_gas,
        syscall_start,
        calldata,
        calldata + calldata_size,
    );
    %{ os_exit_call %}

    // [builtin pointers..., gas, syscall_ptr, failure_flag, retdata_start, retdata_end]
    local return_values: felt* = returned_end - CAIRO1_RETURN_SIZE;
    with_attr error_message(
            "OS: the Cairo 1 call of {selector} on {contract_address} failed (reverts of Cairo 1 calls are not supported yet)") {
        assert return_values[2] = 0;
    }
    local syscall_end: felt* = cast(return_values[1], felt*);
    local retdata: felt* = cast(return_values[3], felt*);
    local retdata_size = return_values[4] - return_values[3];
    // The builtin pointers first: the range-check pointer the OS holds was the contract's.
    take_builtins(n_builtins, entry_point.builtin_list, return_values - n_builtins);
    // The remaining gas is at most the call's gas (blockifier rejects more; the code may give
    // back the part of the initial budget it did not need).
    assert_nn_le(return_values[0], call_gas);
    assert_nn(retdata_size);

    let storage_ptr = entry.storage_ptr;
    with storage_ptr {
        execute_cairo1_syscalls(
            ctx,
            contract_address,
            caller_address,
            execution_info,
            sierra_gas_mode,
            syscall_start,
            syscall_end,

        );
    }
    let (current_value) = dict_read{dict_ptr=contract_changes}(key=contract_address);
    let current = cast(current_value, StateEntry*);
    tempvar new_entry = new StateEntry(
        class_hash=current.class_hash, storage_ptr=storage_ptr, nonce=current.nonce
    );
    dict_write{dict_ptr=contract_changes}(key=contract_address, new_value=cast(new_entry, felt));
    %{ os_end_call %}
    if (sierra_gas_mode != 0) {
        return (retdata_size=retdata_size, retdata=retdata, remaining_gas=return_values[0]);
    }
    return (retdata_size=retdata_size, retdata=retdata, remaining_gas=gas);
}

// Replays the Cairo 1 syscalls in [ptr, end) of the contract at `contract_address` (called by
// `caller_address`), in order, checking each response (os/cairo1.cairo: the gas less the
// syscall's cost, failure flag 0): `get_execution_info` pointing at the OS's `execution_info`,
// storage reads and writes on the contract's storage dict,
// events hashed for the event commitment, L2 -> L1 messages recorded for the receipt
// (send_message_to_l1), `call_contract` and `library_call` by running the callee (recursively,
// with the gas left after the syscall's cost) and comparing its return data, `get_block_hash`
// from the block-hash contract, `get_class_hash_at` from the contracts' state (not in validate
// mode), `keccak` with the keccak builtin, `sha256_process_block` over the bitwise builtin. Any
// other syscall fails the run, naming its selector.
func execute_cairo1_syscalls{
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    ecdsa_ptr: SignatureBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    bitwise_ptr: BitwiseBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
    contract_changes: DictAccess*,
    event_hashes: felt*,
    messages: felt*,
    storage_ptr: DictAccess*,
}(
    ctx: ExecutionContext*,
    contract_address: felt,
    caller_address: felt,
    execution_info: felt*,
    sierra_gas_mode: felt,
    ptr: felt*,
    end: felt*,
) {
    alloc_locals;
    if (ptr == end) {
        return ();
    }
    let selector = ptr[0];
    let gas = ptr[1];
    if (selector == GET_EXECUTION_INFO_SELECTOR) {
        // [selector, gas | gas, failure_flag, execution_info]
        check_syscall_response(gas, GET_EXECUTION_INFO_GAS_COST, ptr + 2);
        assert ptr[4] = cast(execution_info, felt);
        return execute_cairo1_syscalls(
            ctx, contract_address, caller_address, execution_info, sierra_gas_mode, ptr + 5, end
        );
    }
    if (selector == STORAGE_READ_SELECTOR) {
        // [selector, gas, address_domain, key | gas, failure_flag, value]
        check_syscall_response(gas, STORAGE_READ_GAS_COST, ptr + 4);
        with_attr error_message("OS: storage address domain {ptr[2]} is not supported") {
            assert ptr[2] = 0;
        }
        let (value) = dict_read{dict_ptr=storage_ptr}(key=ptr[3]);
        assert ptr[6] = value;
        return execute_cairo1_syscalls(
            ctx, contract_address, caller_address, execution_info, sierra_gas_mode, ptr + 7, end
        );
    }
    if (selector == STORAGE_WRITE_SELECTOR) {
        // [selector, gas, address_domain, key, value | gas, failure_flag]
        check_syscall_response(gas, STORAGE_WRITE_GAS_COST, ptr + 5);
        with_attr error_message("OS: storage address domain {ptr[2]} is not supported") {
            assert ptr[2] = 0;
        }
        dict_write{dict_ptr=storage_ptr}(key=ptr[3], new_value=ptr[4]);
        return execute_cairo1_syscalls(
            ctx, contract_address, caller_address, execution_info, sierra_gas_mode, ptr + 7, end
        );
    }
    if (selector == CALL_CONTRACT_SELECTOR) {
        // [selector, gas, contract_address, function_selector, calldata_start, calldata_end |
        //  gas, failure_flag, retdata_start, retdata_end]
        set_storage_ptr(contract_address, storage_ptr);
        cairo1_call(
            ctx, 0, ptr[2], contract_address, CALL_CONTRACT_GAS_COST, sierra_gas_mode, ptr
        );
        let (entry_value) = dict_read{dict_ptr=contract_changes}(key=contract_address);
        let storage_ptr = cast(entry_value, StateEntry*).storage_ptr;
        return execute_cairo1_syscalls(
            ctx, contract_address, caller_address, execution_info, sierra_gas_mode, ptr + 10, end
        );
    }
    if (selector == REPLACE_CLASS_SELECTOR) {
        // [selector, gas, class_hash | gas, failure_flag]: the contract's class becomes
        // `class_hash` (its running code does not change). The class must be a declared Sierra
        // class: its CASM is loaded, which load_compiled_classes bound to a non-zero leaf of the
        // classes trie (blockifier refuses a Cairo 0 class or an undeclared one).
        check_syscall_response(gas, REPLACE_CLASS_GAS_COST, ptr + 3);
        find_compiled_class(ctx, ptr[2]);
        let (entry_value) = dict_read{dict_ptr=contract_changes}(key=contract_address);
        let entry = cast(entry_value, StateEntry*);
        tempvar new_entry = new StateEntry(
            class_hash=ptr[2], storage_ptr=storage_ptr, nonce=entry.nonce
        );
        dict_write{dict_ptr=contract_changes}(
            key=contract_address, new_value=cast(new_entry, felt)
        );
        return execute_cairo1_syscalls(
            ctx, contract_address, caller_address, execution_info, sierra_gas_mode, ptr + 5, end
        );
    }
    if (selector == SEND_MESSAGE_TO_L1_SELECTOR) {
        // [selector, gas, to_address, payload_start, payload_end | gas, failure_flag]: recorded
        // for the receipt as a Cairo 0 contract's message is.
        tempvar payload_size = ptr[4] - ptr[3];
        check_syscall_response(
            gas,
            SEND_MESSAGE_TO_L1_GAS_COST + payload_size * SEND_MESSAGE_TO_L1_GAS_COST_PER_FELT,
            ptr + 5,
        );
        send_message_to_l1(contract_address, ptr[2], ptr[4] - ptr[3], cast(ptr[3], felt*));
        return execute_cairo1_syscalls(
            ctx, contract_address, caller_address, execution_info, sierra_gas_mode, ptr + 7, end
        );
    }
    if (selector == DEPLOY_SELECTOR) {
        // [selector, gas, class_hash, salt, calldata_start, calldata_end, deploy_from_zero |
        //  gas, failure_flag, contract_address, retdata_start, retdata_end]
        set_storage_ptr(contract_address, storage_ptr);
        cairo1_deploy(ctx, contract_address, sierra_gas_mode, ptr);
        let (entry_value) = dict_read{dict_ptr=contract_changes}(key=contract_address);
        let storage_ptr = cast(entry_value, StateEntry*).storage_ptr;
        return execute_cairo1_syscalls(
            ctx, contract_address, caller_address, execution_info, sierra_gas_mode, ptr + 12, end
        );
    }
    if (selector == LIBRARY_CALL_SELECTOR) {
        // [selector, gas, class_hash, function_selector, calldata_start, calldata_end |
        //  gas, failure_flag, retdata_start, retdata_end]: the class's code on this contract
        // (same address, same caller).
        with_attr error_message("OS: library_call of class 0") {
            assert_not_zero(ptr[2]);
        }
        set_storage_ptr(contract_address, storage_ptr);
        cairo1_call(
            ctx,
            ptr[2],
            contract_address,
            caller_address,
            LIBRARY_CALL_GAS_COST,
            sierra_gas_mode,
            ptr,
        );
        let (entry_value) = dict_read{dict_ptr=contract_changes}(key=contract_address);
        let storage_ptr = cast(entry_value, StateEntry*).storage_ptr;
        return execute_cairo1_syscalls(
            ctx, contract_address, caller_address, execution_info, sierra_gas_mode, ptr + 10, end
        );
    }
    if (selector == GET_BLOCK_HASH_SELECTOR) {
        // [selector, gas, block_number | gas, failure_flag, block_hash]
        check_syscall_response(gas, GET_BLOCK_HASH_GAS_COST, ptr + 3);
        let (block_hash) = read_block_hash(ctx.block_info, contract_address, ptr[2]);
        assert ptr[5] = block_hash;
        return execute_cairo1_syscalls(
            ctx, contract_address, caller_address, execution_info, sierra_gas_mode, ptr + 6, end
        );
    }
    if (selector == GET_CLASS_HASH_AT_SELECTOR) {
        // [selector, gas, contract_address | gas, failure_flag, class_hash]: the class of the
        // address now (0 for no contract); refused in validate mode.
        with_attr error_message("OS: get_class_hash_at in validate mode") {
            assert ctx.validate_mode = 0;
        }
        check_syscall_response(gas, GET_CLASS_HASH_AT_GAS_COST, ptr + 3);
        let (entry_value) = dict_read{dict_ptr=contract_changes}(key=ptr[2]);
        assert ptr[5] = cast(entry_value, StateEntry*).class_hash;
        return execute_cairo1_syscalls(
            ctx, contract_address, caller_address, execution_info, sierra_gas_mode, ptr + 6, end
        );
    }
    if (selector == KECCAK_SELECTOR) {
        // [selector, gas, input_start, input_end | gas, failure_flag, result_low, result_high]:
        // Keccak-f over whole 17-word blocks of 64-bit words (the caller padded the input), the
        // state's first four words as a u256 (keccak_padded_input range-checks the words).
        tempvar input_length = ptr[3] - ptr[2];
        let (n_rounds, remainder) = unsigned_div_rem(input_length, KECCAK_FULL_RATE_IN_WORDS);
        with_attr error_message("OS: a keccak input of {input_length} words, not whole blocks") {
            assert remainder = 0;
        }
        check_syscall_response(gas, KECCAK_GAS_COST + n_rounds * KECCAK_ROUND_GAS_COST, ptr + 4);
        let (result) = keccak_padded_input(cast(ptr[2], felt*), n_rounds);
        assert ptr[6] = result.low;
        assert ptr[7] = result.high;
        return execute_cairo1_syscalls(
            ctx, contract_address, caller_address, execution_info, sierra_gas_mode, ptr + 8, end
        );
    }
    if (selector == SHA256_PROCESS_BLOCK_SELECTOR) {
        // [selector, gas, state_ptr, input_start | gas, failure_flag, new_state_ptr]: the 8-word
        // state after compressing the 16-word block at input_start into the one at state_ptr.
        check_syscall_response(gas, SHA256_PROCESS_BLOCK_GAS_COST, ptr + 4);
        sha256_process_block(cast(ptr[2], felt*), cast(ptr[3], felt*), cast(ptr[6], felt*));
        return execute_cairo1_syscalls(
            ctx, contract_address, caller_address, execution_info, sierra_gas_mode, ptr + 7, end
        );
    }
    with_attr error_message("OS: the Cairo 1 syscall {selector} is not supported yet") {
        assert selector = EMIT_EVENT_SELECTOR;
    }
    // [selector, gas, keys_start, keys_end, data_start, data_end | gas, failure_flag]
    check_syscall_response(gas, EMIT_EVENT_GAS_COST, ptr + 6);
    emit_event(
        ctx,
        contract_address,
        ptr[3] - ptr[2],
        cast(ptr[2], felt*),
        ptr[5] - ptr[4],
        cast(ptr[4], felt*),
    );
    return execute_cairo1_syscalls(
        ctx, contract_address, caller_address, execution_info, sierra_gas_mode, ptr + 8, end
    );
}

// The Cairo 1 `deploy` request at `request`, made by `deployer_address` (deploy): the
// constructor gets the request's gas less DEPLOY_GAS_COST and DEPLOY_GAS_COST_PER_FELT per
// calldata felt (blockifier's `calldata_factor`); the response must be the gas it left (all of
// it for no constructor, a Cairo 0 one or one in Cairo-steps mode), failure flag 0, the address
// and the constructor's return data.
func cairo1_deploy{
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    ecdsa_ptr: SignatureBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    bitwise_ptr: BitwiseBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
    contract_changes: DictAccess*,
    event_hashes: felt*,
    messages: felt*,
}(ctx: ExecutionContext*, deployer_address: felt, sierra_gas_mode: felt, request: felt*) {
    alloc_locals;
    local calldata: felt* = cast(request[4], felt*);
    local calldata_size = request[5] - request[4];
    assert_nn(calldata_size);
    local constructor_gas = request[1] - DEPLOY_GAS_COST - calldata_size *
        DEPLOY_GAS_COST_PER_FELT;
    with_attr error_message("OS: the deploy syscall runs out of gas (not supported yet)") {
        assert_nn(constructor_gas);
    }
    let (address, retdata_size, retdata, remaining_gas) = deploy(
        ctx,
        request[2],
        request[3],
        calldata_size,
        calldata,
        request[6],
        deployer_address,
        constructor_gas,
        sierra_gas_mode,
    );
    assert request[7] = remaining_gas;
    with_attr error_message("OS: a Cairo 1 deploy failed (not supported yet)") {
        assert request[8] = 0;
    }
    assert request[9] = address;
    assert request[11] - request[10] = retdata_size;
    assert_equal_arrays(retdata_size, retdata, cast(request[10], felt*));
    return ();
}

// The `call_contract` (library_class_hash 0) or `library_call` request at `request`: runs the
// entry point on `callee_address` as called by `caller_address`, with the request's gas less
// `cost`, and checks the response: that gas, failure flag 0, the callee's return data.
func cairo1_call{
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    ecdsa_ptr: SignatureBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    bitwise_ptr: BitwiseBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
    contract_changes: DictAccess*,
    event_hashes: felt*,
    messages: felt*,
}(
    ctx: ExecutionContext*,
    library_class_hash: felt,
    callee_address: felt,
    caller_address: felt,
    cost: felt,
    sierra_gas_mode: felt,
    request: felt*,
) {
    alloc_locals;
    local callee_gas = request[1] - cost;
    assert_nn(callee_gas);
    local calldata: felt* = cast(request[4], felt*);
    local calldata_size = request[5] - request[4];
    assert_nn(calldata_size);
    let (retdata_size, retdata, remaining_gas, _) = execute_entry_point_gas(
        ctx,
        library_class_hash,
        ENTRY_POINT_TYPE_EXTERNAL,
        callee_address,
        request[3],
        calldata_size,
        calldata,
        caller_address,
        callee_gas,
        sierra_gas_mode,
    );
    // The caller gets back the gas the callee did not consume (blockifier charges a call's
    // `gas_consumed` to its caller): all that the callee left in Sierra-gas mode, all of
    // `callee_gas` for a Cairo 0 callee or in Cairo-steps mode (`gas_consumed` 0).
    assert request[6] = remaining_gas;
    with_attr error_message("OS: a Cairo 1 call failed (not supported yet)") {
        assert request[7] = 0;
    }
    assert request[9] - request[8] = retdata_size;
    assert_equal_arrays(retdata_size, retdata, cast(request[8], felt*));
    return ();
}

// The loaded class whose code has the class hash `class_hash` (load_classes computed it): the
// hint points at it. As in Starknet's OS for Cairo 0 classes, the code is bound to the class hash
// itself, and the class hash to the state (a contract's class hash is in its StateEntry, checked
// against the previous root or written by a deployment the OS ran).
func find_class{range_check_ptr}(ctx: ExecutionContext*, class_hash: felt) -> (
    loaded: LoadedClass*
) {
    alloc_locals;
    local class_index: felt;
    %{ os_find_class %}
    let classes = ctx.classes;
    assert_nn_le(class_index, classes.n_classes - 1);
    let loaded: LoadedClass* = classes.classes + class_index * LoadedClass.SIZE;
    with_attr error_message("OS: no loaded class has the class hash {class_hash}") {
        assert loaded.class_hash = class_hash;
    }
    return (loaded=loaded);
}

// Writes the OS's builtin pointers for the class's builtin list `names` to `out`.
func pass_builtins{
    pedersen_ptr: HashBuiltin*, range_check_ptr, ecdsa_ptr: SignatureBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    bitwise_ptr: BitwiseBuiltin*, poseidon_ptr: PoseidonBuiltin*,
}(n: felt, names: felt*, out: felt*) {
    if (n == 0) {
        return ();
    }
    let name = names[0];
    if (name == PEDERSEN_BUILTIN) {
        assert out[0] = cast(pedersen_ptr, felt);
        return pass_builtins(n - 1, names + 1, out + 1);
    }
    if (name == RANGE_CHECK_BUILTIN) {
        assert out[0] = range_check_ptr;
        return pass_builtins(n - 1, names + 1, out + 1);
    }
    if (name == ECDSA_BUILTIN) {
        assert out[0] = cast(ecdsa_ptr, felt);
        return pass_builtins(n - 1, names + 1, out + 1);
    }
    if (name == BITWISE_BUILTIN) {
        assert out[0] = cast(bitwise_ptr, felt);
        return pass_builtins(n - 1, names + 1, out + 1);
    }
    if (name == EC_OP_BUILTIN) {
        assert out[0] = cast(ec_op_ptr, felt);
        return pass_builtins(n - 1, names + 1, out + 1);
    }
    with_attr error_message("OS: unsupported builtin {name}") {
        assert name = POSEIDON_BUILTIN;
    }
    assert out[0] = cast(poseidon_ptr, felt);
    return pass_builtins(n - 1, names + 1, out + 1);
}

// Takes back the builtin pointers an entry point returned. Each must have advanced by a
// non-negative whole number of instances from the pointer the OS passed (what the OS passed is
// what it holds now: nothing ran in between), so every builtin cell a contract used lies in the
// OS's builtin segments and is checked by the prover (for ecdsa: every signature a contract
// verified, e.g. an account's `__validate__`, is proven). The pointers are taken first and the
// counts range-checked after, with the range-check pointer past the contract's own checks.
func take_builtins{
    pedersen_ptr: HashBuiltin*, range_check_ptr, ecdsa_ptr: SignatureBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    bitwise_ptr: BitwiseBuiltin*, poseidon_ptr: PoseidonBuiltin*,
}(n: felt, names: felt*, returned: felt*) {
    alloc_locals;
    let (local counts: felt*) = alloc();
    take_builtin_ptrs(n, names, returned, counts);
    assert_all_nn(n, counts);
    return ();
}

// Rebinds the builtin pointers to the returned ones; writes the instance count of each
// builtin to `counts`.
func take_builtin_ptrs{
    pedersen_ptr: HashBuiltin*, range_check_ptr, ecdsa_ptr: SignatureBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    bitwise_ptr: BitwiseBuiltin*, poseidon_ptr: PoseidonBuiltin*,
}(n: felt, names: felt*, returned: felt*, counts: felt*) {
    if (n == 0) {
        return ();
    }
    let name = names[0];
    let new_ptr = returned[0];
    if (name == PEDERSEN_BUILTIN) {
        assert counts[0] = (new_ptr - cast(pedersen_ptr, felt)) / HashBuiltin.SIZE;
        let pedersen_ptr = cast(new_ptr, HashBuiltin*);
        return take_builtin_ptrs(n - 1, names + 1, returned + 1, counts + 1);
    }
    if (name == RANGE_CHECK_BUILTIN) {
        assert counts[0] = new_ptr - range_check_ptr;
        let range_check_ptr = new_ptr;
        return take_builtin_ptrs(n - 1, names + 1, returned + 1, counts + 1);
    }
    if (name == ECDSA_BUILTIN) {
        assert counts[0] = (new_ptr - cast(ecdsa_ptr, felt)) / SignatureBuiltin.SIZE;
        let ecdsa_ptr = cast(new_ptr, SignatureBuiltin*);
        return take_builtin_ptrs(n - 1, names + 1, returned + 1, counts + 1);
    }
    if (name == BITWISE_BUILTIN) {
        assert counts[0] = (new_ptr - cast(bitwise_ptr, felt)) / BitwiseBuiltin.SIZE;
        let bitwise_ptr = cast(new_ptr, BitwiseBuiltin*);
        return take_builtin_ptrs(n - 1, names + 1, returned + 1, counts + 1);
    }
    if (name == EC_OP_BUILTIN) {
        assert counts[0] = (new_ptr - cast(ec_op_ptr, felt)) / EcOpBuiltin.SIZE;
        let ec_op_ptr = cast(new_ptr, EcOpBuiltin*);
        return take_builtin_ptrs(n - 1, names + 1, returned + 1, counts + 1);
    }
    assert counts[0] = (new_ptr - cast(poseidon_ptr, felt)) / PoseidonBuiltin.SIZE;
    let poseidon_ptr = cast(new_ptr, PoseidonBuiltin*);
    return take_builtin_ptrs(n - 1, names + 1, returned + 1, counts + 1);
}

// Asserts 0 <= values[i] < 2^128 for i < n.
func assert_all_nn{range_check_ptr}(n: felt, values: felt*) {
    if (n == 0) {
        return ();
    }
    assert_nn(values[0]);
    return assert_all_nn(n - 1, values + 1);
}

// Replays the syscall requests in [ptr, end) that the contract at `contract_address` wrote, in
// order, and checks the responses the hints wrote: storage reads and writes go through the
// contract's storage dict, `call_contract` runs the callee (recursively) and compares its return
// data, the context getters compare with the OS's own context, events are hashed for the event
// commitment. Any other syscall fails the run.
func execute_syscalls{
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    ecdsa_ptr: SignatureBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    bitwise_ptr: BitwiseBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
    contract_changes: DictAccess*,
    event_hashes: felt*,
    messages: felt*,
    storage_ptr: DictAccess*,
}(ctx: ExecutionContext*, contract_address: felt, caller_address: felt, ptr: felt*, end: felt*) {
    alloc_locals;
    if (ptr == end) {
        return ();
    }
    let selector = ptr[0];
    if (selector == STORAGE_READ_SELECTOR) {
        // [selector, address | value]
        let (value) = dict_read{dict_ptr=storage_ptr}(key=ptr[1]);
        assert ptr[2] = value;
        return execute_syscalls(ctx, contract_address, caller_address, ptr + 3, end);
    }
    if (selector == STORAGE_WRITE_SELECTOR) {
        // [selector, address, value]
        dict_write{dict_ptr=storage_ptr}(key=ptr[1], new_value=ptr[2]);
        return execute_syscalls(ctx, contract_address, caller_address, ptr + 3, end);
    }
    if (selector == CALL_CONTRACT_SELECTOR) {
        // [selector, contract_address, function_selector, calldata_size, calldata |
        //  retdata_size, retdata]
        // The callee may be this contract: hand its storage dict back first, and take it again
        // after.
        set_storage_ptr(contract_address, storage_ptr);
        let (retdata_size, retdata) = execute_entry_point(
            ctx,
            0,
            ENTRY_POINT_TYPE_EXTERNAL,
            ptr[1],
            ptr[2],
            ptr[3],
            cast(ptr[4], felt*),
            contract_address,
        );
        assert ptr[5] = retdata_size;
        assert_equal_arrays(retdata_size, retdata, cast(ptr[6], felt*));
        let (entry_value) = dict_read{dict_ptr=contract_changes}(key=contract_address);
        let entry = cast(entry_value, StateEntry*);
        let storage_ptr = entry.storage_ptr;
        return execute_syscalls(ctx, contract_address, caller_address, ptr + 7, end);
    }
    if (selector == DEPLOY_SELECTOR) {
        // [selector, class_hash, salt, calldata_size, calldata, deploy_from_zero |
        //  contract_address, constructor_retdata_size, constructor_retdata]
        set_storage_ptr(contract_address, storage_ptr);
        deploy_contract(ctx, ptr, contract_address);
        let (entry_value) = dict_read{dict_ptr=contract_changes}(key=contract_address);
        let entry = cast(entry_value, StateEntry*);
        let storage_ptr = entry.storage_ptr;
        return execute_syscalls(ctx, contract_address, caller_address, ptr + 9, end);
    }
    if (selector == LIBRARY_CALL_SELECTOR) {
        // [selector, class_hash, function_selector, calldata_size, calldata | retdata_size,
        //  retdata]: the class's code on this contract (same address, same caller).
        set_storage_ptr(contract_address, storage_ptr);
        let (retdata_size, retdata) = execute_entry_point(
            ctx,
            ptr[1],
            ENTRY_POINT_TYPE_EXTERNAL,
            contract_address,
            ptr[2],
            ptr[3],
            cast(ptr[4], felt*),
            caller_address,
        );
        assert ptr[5] = retdata_size;
        assert_equal_arrays(retdata_size, retdata, cast(ptr[6], felt*));
        let (entry_value) = dict_read{dict_ptr=contract_changes}(key=contract_address);
        let entry = cast(entry_value, StateEntry*);
        let storage_ptr = entry.storage_ptr;
        return execute_syscalls(ctx, contract_address, caller_address, ptr + 7, end);
    }
    if (selector == GET_CALLER_ADDRESS_SELECTOR) {
        assert ptr[1] = caller_address;
        return execute_syscalls(ctx, contract_address, caller_address, ptr + 2, end);
    }
    if (selector == GET_CONTRACT_ADDRESS_SELECTOR) {
        assert ptr[1] = contract_address;
        return execute_syscalls(ctx, contract_address, caller_address, ptr + 2, end);
    }
    if (selector == GET_TX_INFO_SELECTOR) {
        assert ptr[1] = cast(ctx.tx_info, felt);
        return execute_syscalls(ctx, contract_address, caller_address, ptr + 2, end);
    }
    if (selector == GET_TX_SIGNATURE_SELECTOR) {
        // [selector | signature_len, signature]: the transaction's, as in TxInfo.
        assert ptr[1] = ctx.tx_info.signature_len;
        assert ptr[2] = cast(ctx.tx_info.signature, felt);
        return execute_syscalls(ctx, contract_address, caller_address, ptr + 3, end);
    }
    if (selector == GET_SEQUENCER_ADDRESS_SELECTOR) {
        assert ptr[1] = ctx.block_info.sequencer_address;
        return execute_syscalls(ctx, contract_address, caller_address, ptr + 2, end);
    }
    if (selector == SEND_MESSAGE_TO_L1_SELECTOR) {
        // [selector, to_address, payload_size, payload]: no response; recorded for the receipt.
        send_message_to_l1(contract_address, ptr[1], ptr[2], cast(ptr[3], felt*));
        return execute_syscalls(ctx, contract_address, caller_address, ptr + 4, end);
    }
    if (selector == GET_BLOCK_NUMBER_SELECTOR) {
        assert ptr[1] = ctx.call_block_info[0];
        return execute_syscalls(ctx, contract_address, caller_address, ptr + 2, end);
    }
    if (selector == GET_BLOCK_TIMESTAMP_SELECTOR) {
        assert ptr[1] = ctx.call_block_info[1];
        return execute_syscalls(ctx, contract_address, caller_address, ptr + 2, end);
    }
    with_attr error_message("OS: unsupported syscall {selector}") {
        assert selector = EMIT_EVENT_SELECTOR;
    }
    // [selector, keys_len, keys, data_len, data]
    emit_event(ctx, contract_address, ptr[1], cast(ptr[2], felt*), ptr[3], cast(ptr[4], felt*));
    return execute_syscalls(ctx, contract_address, caller_address, ptr + 5, end);
}

// Appends the hash of the event (`keys`, `data`) emitted by `contract_address` to
// `event_hashes`: chain::event_hash = poseidon_hash_many([from_address, transaction_hash,
// len(keys), keys, len(data), data]).
func emit_event{poseidon_ptr: PoseidonBuiltin*, event_hashes: felt*}(
    ctx: ExecutionContext*,
    contract_address: felt,
    keys_len: felt,
    keys: felt*,
    data_len: felt,
    data: felt*,
) {
    alloc_locals;
    let (local preimage: felt*) = alloc();
    assert preimage[0] = contract_address;
    assert preimage[1] = ctx.tx_info.transaction_hash;
    assert preimage[2] = keys_len;
    memcpy(preimage + 3, keys, keys_len);
    assert preimage[3 + keys_len] = data_len;
    memcpy(preimage + 4 + keys_len, data, data_len);
    let (event_hash) = poseidon_hash_many(4 + keys_len + data_len, preimage);
    assert event_hashes[0] = event_hash;
    let event_hashes = event_hashes + 1;
    return ();
}

// Appends the L2 -> L1 message (`to_address`, `payload`) sent by `contract_address` to
// `messages` as the receipt's messages hash takes it (chain::starknet_commitments::messages_hash):
// [from_address, to_address, payload_size, ...payload]. Syscalls are replayed in the order they
// were made and a nested call runs where its syscall is replayed, so messages are appended in
// sending order, the order of the executor's receipts (blockifier's per-transaction message
// counter).
func send_message_to_l1{range_check_ptr, messages: felt*}(
    contract_address: felt, to_address: felt, payload_size: felt, payload: felt*
) {
    alloc_locals;
    assert_nn(payload_size);
    assert messages[0] = contract_address;
    assert messages[1] = to_address;
    assert messages[2] = payload_size;
    memcpy(messages + 3, payload, payload_size);
    let messages = messages + 3 + payload_size;
    return ();
}

// The number of messages that send_message_to_l1 wrote in [ptr, end).
func count_messages(ptr: felt*, end: felt*) -> (n: felt) {
    if (ptr == end) {
        return (n=0);
    }
    let (n) = count_messages(ptr + 3 + ptr[2], end);
    return (n=n + 1);
}

// The Cairo 0 `deploy` syscall at `request`, made by `deployer_address` (deploy, Cairo-steps
// mode); the address and the constructor's return data are compared with the response.
func deploy_contract{
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    ecdsa_ptr: SignatureBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    bitwise_ptr: BitwiseBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
    contract_changes: DictAccess*,
    event_hashes: felt*,
    messages: felt*,
}(ctx: ExecutionContext*, request: felt*, deployer_address: felt) {
    alloc_locals;
    let (address, retdata_size, retdata, _) = deploy(
        ctx,
        request[1],
        request[2],
        request[3],
        cast(request[4], felt*),
        request[5],
        deployer_address,
        DEFAULT_INITIAL_GAS,
        0,
    );
    assert request[6] = address;
    assert request[7] = retdata_size;
    assert_equal_arrays(retdata_size, retdata, cast(request[8], felt*));
    return ();
}

// Deploys `class_hash` with `salt` and the constructor calldata for `deployer_address`: the
// address (chain::calculate_contract_address, deployer 0 if `deploy_from_zero`), which must hold
// no contract, gets the class (Cairo 0 or Sierra), then its constructor runs with the deployer as
// caller and `gas` (execute_entry_point_gas; a class without one takes no calldata and uses no
// gas). Returns the address, the constructor's return data and the gas left.
func deploy{
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    ecdsa_ptr: SignatureBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    bitwise_ptr: BitwiseBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
    contract_changes: DictAccess*,
    event_hashes: felt*,
    messages: felt*,
}(
    ctx: ExecutionContext*,
    class_hash: felt,
    salt: felt,
    calldata_size: felt,
    calldata: felt*,
    deploy_from_zero: felt,
    deployer_address: felt,
    gas: felt,
    sierra_gas_mode: felt,
) -> (address: felt, retdata_size: felt, retdata: felt*, remaining_gas: felt) {
    alloc_locals;
    with_attr error_message("OS: deploy_from_zero must be 0 or 1") {
        assert deploy_from_zero * (deploy_from_zero - 1) = 0;
    }
    let (local elements: felt*) = alloc();
    let hash_ptr = pedersen_ptr;
    with hash_ptr {
        let (calldata_hash) = hash_felts(data=calldata, length=calldata_size);
        assert elements[0] = CONTRACT_ADDRESS_PREFIX;
        assert elements[1] = (1 - deploy_from_zero) * deployer_address;
        assert elements[2] = salt;
        assert elements[3] = class_hash;
        assert elements[4] = calldata_hash;
        let (raw_address) = hash_felts(data=elements, length=5);
    }
    let pedersen_ptr = hash_ptr;
    let (local address) = normalize_address(raw_address);

    let (entry_value) = dict_read{dict_ptr=contract_changes}(key=address);
    let entry = cast(entry_value, StateEntry*);
    with_attr error_message("OS: a contract is already deployed at {address}") {
        assert entry.class_hash = 0;
    }
    tempvar new_entry = new StateEntry(
        class_hash=class_hash, storage_ptr=entry.storage_ptr, nonce=entry.nonce
    );
    dict_write{dict_ptr=contract_changes}(key=address, new_value=cast(new_entry, felt));
    let (n_constructors) = constructor_count(ctx, class_hash);
    if (n_constructors == 0) {
        %{ os_skip_empty_constructor %}
        with_attr error_message("OS: the class has no constructor but calldata was given") {
            assert calldata_size = 0;
        }
        let (no_retdata: felt*) = alloc();
        return (address=address, retdata_size=0, retdata=no_retdata, remaining_gas=gas);
    }
    let (retdata_size, retdata, remaining_gas, _) = execute_entry_point_gas(
        ctx,
        0,
        ENTRY_POINT_TYPE_CONSTRUCTOR,
        address,
        CONSTRUCTOR_SELECTOR,
        calldata_size,
        calldata,
        deployer_address,
        gas,
        sierra_gas_mode,
    );
    return (
        address=address, retdata_size=retdata_size, retdata=retdata, remaining_gas=remaining_gas
    );
}

// The number of constructors (0 or 1) of the class `class_hash`, from its Cairo 0 or CASM code
// (the hint says which; the class found must have the class hash either way).
func constructor_count{range_check_ptr}(ctx: ExecutionContext*, class_hash: felt) -> (n: felt) {
    alloc_locals;
    local is_compiled_class: felt;
    %{ os_is_compiled_class %}
    if (is_compiled_class != 0) {
        let (compiled_loaded) = find_compiled_class(ctx, class_hash);
        return (n=compiled_loaded.compiled_class.n_constructors);
    }
    let (loaded) = find_class(ctx, class_hash);
    return (n=loaded.n_constructor);
}

// Writes the contract's current storage dict pointer into its state entry.
func set_storage_ptr{contract_changes: DictAccess*}(contract_address: felt, storage_ptr: DictAccess*) {
    let (entry_value) = dict_read{dict_ptr=contract_changes}(key=contract_address);
    let entry = cast(entry_value, StateEntry*);
    tempvar new_entry = new StateEntry(
        class_hash=entry.class_hash, storage_ptr=storage_ptr, nonce=entry.nonce
    );
    dict_write{dict_ptr=contract_changes}(key=contract_address, new_value=cast(new_entry, felt));
    return ();
}

// Asserts a[i] == b[i] for i < n.
func assert_equal_arrays(n: felt, a: felt*, b: felt*) {
    if (n == 0) {
        return ();
    }
    assert a[0] = b[0];
    return assert_equal_arrays(n - 1, a + 1, b + 1);
}
