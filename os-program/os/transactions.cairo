// Transactions: INVOKE v1/v3, DEPLOY_ACCOUNT v1/v3, DECLARE v1 and v3. Each is hashed in Cairo (the hash the
// transaction commitment and the block hash commit to), its nonce is checked and bumped, then
// INVOKE runs the account's `__execute__` (unless the executor reverted it: then nothing else
// changes) and DEPLOY_ACCOUNT deploys the account at the address computed here and runs its
// constructor, DECLARE checks the declared class's deprecated class
// hash against its loaded code and declares it. The account's validation entry point runs as
// in the executor (Starknet's order): INVOKE `__validate__` before `__execute__` (also for a
// reverted INVOKE: only `__execute__` reverted), DEPLOY_ACCOUNT `__validate_deploy__` after the
// constructor, DECLARE `__validate_declare__` before the class is declared. Signatures an
// account checks go through the ecdsa builtin, so they are proven. Last, a transaction that
// pays a fee (a reverted one too) transfers it to the sequencer (fee.cairo).
//
// Each transaction also gives its leaf of Starknet's transaction commitment,
// poseidon_hash_many([tx_hash, ...signature]) over the signature the OS gave the account's
// validation entry point (through `get_tx_info`), and its receipt hash (chain::starknet_commitments),
// over the transaction hash and the messages hash computed here (over the L2 -> L1 messages the
// transaction's contracts sent, execution.cairo's send_message_to_l1) and the other receipt
// fields of the input, which the OS does not prove (README.md, trust assumptions) beyond one
// check: the revert reason hash is 0 exactly when the transaction did not revert.

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
from starkware.cairo.common.dict import dict_read, dict_write
from starkware.cairo.common.dict_access import DictAccess
from starkware.cairo.common.hash_state import hash_felts
from starkware.cairo.common.math import assert_nn_le, assert_not_zero, unsigned_div_rem
from starkware.cairo.common.memcpy import memcpy
from starkware.starknet.common.storage import normalize_address

from os.constants import (
    CONSTRUCTOR_SELECTOR,
    CONTRACT_ADDRESS_PREFIX,
    DECLARE_PREFIX,
    DEPLOY_ACCOUNT_PREFIX,
    ENTRY_POINT_TYPE_CONSTRUCTOR,
    EXECUTE_ENTRY_POINT_SELECTOR,
    EXECUTE_MAX_SIERRA_GAS,
    ENTRY_POINT_TYPE_EXTERNAL,
    INVOKE_PREFIX,
    TX_DECLARE,
    TX_DEPLOY_ACCOUNT,
    TX_INVOKE,
    VALIDATE_DECLARE_ENTRY_POINT_SELECTOR,
    VALIDATE_DEPLOY_ENTRY_POINT_SELECTOR,
    VALIDATE_BLOCK_NUMBER_ROUNDING,
    VALIDATE_ENTRY_POINT_SELECTOR,
    VALIDATE_MAX_SIERRA_GAS,
    VALIDATE_TIMESTAMP_ROUNDING,
    VALIDATED,
)
from os.account_gas import initial_sierra_gas, limit_usage, spend
from os.fee import charge_fee
from os.execution import (
    constructor_count,
    count_messages,
    execute_entry_point_gas,
    find_class,
)
from os.structs import (
    BlockInfo,
    Classes,
    Transaction,
    EntryPoint,
    ExecutionContext,
    LoadedClass,
    StateEntry,
    TxInfo,
)

// Executes the block's `n` transactions; writes their hashes to `tx_hashes`, their leaves of the
// transaction commitment to `tx_leaves` and their receipt hashes to `receipt_hashes`.
func execute_transactions{
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    ecdsa_ptr: SignatureBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    bitwise_ptr: BitwiseBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
    contract_changes: DictAccess*,
    deprecated_declared: DictAccess*,
    class_changes: DictAccess*,
    event_hashes: felt*,
}(
    block_info: BlockInfo*, classes: Classes*, n: felt, tx_hashes: felt*, tx_leaves: felt*, receipt_hashes: felt*
) {
    if (n == 0) {
        return ();
    }
    alloc_locals;
    local tx: Transaction*;
    %{ os_load_transaction %}
    // The messages hash's preimage: [n_messages, the messages the transaction sent].
    let (local messages_preimage: felt*) = alloc();
    let messages = messages_preimage + 1;
    with messages {
        let (local tx_hash) = execute_transaction(block_info, classes, tx);
    }
    local messages_end: felt* = messages;
    let (n_messages) = count_messages(messages_preimage + 1, messages_end);
    assert messages_preimage[0] = n_messages;
    let (messages_hash) = poseidon_hash_many(messages_end - messages_preimage, messages_preimage);
    assert tx_hashes[0] = tx_hash;
    let (leaf) = transaction_leaf(tx, tx_hash);
    assert tx_leaves[0] = leaf;
    let (receipt) = receipt_hash(tx, tx_hash, messages_hash);
    assert receipt_hashes[0] = receipt;
    return execute_transactions(
        block_info,
        classes,
        n - 1,
        tx_hashes + 1,
        tx_leaves + 1,
        receipt_hashes + 1,
    );
}

// Executes one transaction; returns its hash.
func execute_transaction{
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    ecdsa_ptr: SignatureBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    bitwise_ptr: BitwiseBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
    contract_changes: DictAccess*,
    deprecated_declared: DictAccess*,
    class_changes: DictAccess*,
    event_hashes: felt*,
    messages: felt*,
}(block_info: BlockInfo*, classes: Classes*, tx: Transaction*) -> (
    tx_hash: felt
) {
    if (tx.kind == TX_INVOKE) {
        return execute_invoke(block_info, classes, tx);
    }
    with_attr error_message("OS: only an INVOKE can revert") {
        assert tx.is_reverted = 0;
    }
    if (tx.kind == TX_DEPLOY_ACCOUNT) {
        return execute_deploy_account(block_info, classes, tx);
    }
    with_attr error_message("OS: unsupported transaction kind {tx.kind}") {
        assert tx.kind = TX_DECLARE;
    }
    return execute_declare(block_info, classes, tx);
}

// The transaction's leaf of the transaction commitment (chain::block::transaction_leaf):
// poseidon_hash_many([tx_hash, ...signature]), the signature the account validated.
func transaction_leaf{poseidon_ptr: PoseidonBuiltin*}(tx: Transaction*, tx_hash: felt) -> (
    leaf: felt
) {
    alloc_locals;
    let (preimage: felt*) = alloc();
    assert preimage[0] = tx_hash;
    memcpy(preimage + 1, tx.signature, tx.signature_len);
    let (leaf) = poseidon_hash_many(1 + tx.signature_len, preimage);
    return (leaf=leaf);
}

// The transaction's receipt hash (chain::starknet_commitments::receipt_hash):
// poseidon_hash_many([tx_hash, actual_fee, messages_hash, revert_reason_hash, 0, l1_gas,
// l1_data_gas]), `messages_hash` over the messages the transaction sent.
func receipt_hash{poseidon_ptr: PoseidonBuiltin*}(
    tx: Transaction*, tx_hash: felt, messages_hash: felt
) -> (hash: felt) {
    alloc_locals;
    if (tx.is_reverted == 0) {
        with_attr error_message("OS: a revert reason for a transaction that did not revert") {
            assert tx.revert_reason_hash = 0;
        }
    } else {
        with_attr error_message("OS: no revert reason for a reverted transaction") {
            assert_not_zero(tx.revert_reason_hash);
        }
    }
    let (preimage: felt*) = alloc();
    assert preimage[0] = tx_hash;
    assert preimage[1] = tx.actual_fee;
    assert preimage[2] = messages_hash;
    assert preimage[3] = tx.revert_reason_hash;
    assert preimage[4] = 0;
    assert preimage[5] = tx.l1_gas;
    assert preimage[6] = tx.l1_data_gas;
    let (hash) = poseidon_hash_many(7, preimage);
    return (hash=hash);
}

// The hash of a v1 or v3 transaction (chain::tx_hash) whose address is `address` and whose
// hashed calldata is `calldata` (v1: [class_hash, salt, constructor calldata] for
// DEPLOY_ACCOUNT) with the `specific` tail of v3 (`n_specific` felts).
func transaction_hash{pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*}(
    tx: Transaction*,
    prefix: felt,
    address: felt,
    chain_id: felt,
    v1_calldata_size: felt,
    v1_calldata: felt*,
    n_specific: felt,
    specific: felt*,
) -> (tx_hash: felt) {
    alloc_locals;
    let (elements: felt*) = alloc();
    if (tx.version == 1) {
        // compute_hash_on_elements([prefix, version, address, 0, h(calldata), max_fee,
        // chain_id, nonce]) with h = compute_hash_on_elements.
        let hash_ptr = pedersen_ptr;
        with hash_ptr {
            let (calldata_hash) = hash_felts(data=v1_calldata, length=v1_calldata_size);
            assert elements[0] = prefix;
            assert elements[1] = 1;
            assert elements[2] = address;
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
        assert tx.version = 3;
    }
    // A v3 transaction has no max_fee; contracts see 0.
    assert tx.max_fee = 0;
    // poseidon_hash_many([prefix, version, address, fee_fields_hash, h(paymaster_data),
    // chain_id, nonce, data_availability_modes, ...specific]).
    let (fee_fields: felt*) = alloc();
    assert fee_fields[0] = tx.tip;
    memcpy(fee_fields + 1, tx.resource_bounds, tx.n_resource_bounds);
    let (fee_fields_hash) = poseidon_hash_many(1 + tx.n_resource_bounds, fee_fields);
    let (paymaster_hash) = poseidon_hash_many(tx.paymaster_data_len, tx.paymaster_data);
    assert elements[0] = prefix;
    assert elements[1] = 3;
    assert elements[2] = address;
    assert elements[3] = fee_fields_hash;
    assert elements[4] = paymaster_hash;
    assert elements[5] = chain_id;
    assert elements[6] = tx.nonce;
    assert elements[7] = tx.data_availability_modes;
    memcpy(elements + 8, specific, n_specific);
    let (tx_hash) = poseidon_hash_many(8 + n_specific, elements);
    return (tx_hash=tx_hash);
}

// Checks the nonce of `address` (exactly its current one) and bumps it; `class_hash` becomes
// the contract's class (the one it has, or the deployed one).
func bump_nonce{contract_changes: DictAccess*}(address: felt, nonce: felt, class_hash: felt) {
    let (entry_value) = dict_read{dict_ptr=contract_changes}(key=address);
    let entry = cast(entry_value, StateEntry*);
    with_attr error_message("OS: invalid nonce") {
        assert entry.nonce = nonce;
    }
    tempvar new_entry = new StateEntry(
        class_hash=class_hash, storage_ptr=entry.storage_ptr, nonce=nonce + 1
    );
    dict_write{dict_ptr=contract_changes}(key=address, new_value=cast(new_entry, felt));
    return ();
}

// The Cairo 0 TxInfo the account sees, and the execution contexts of the transaction: in
// validate mode (its `call_block_info` rounded, structs.cairo) and in execute mode.
func tx_context{range_check_ptr}(
    block_info: BlockInfo*, classes: Classes*, tx: Transaction*, account: felt, tx_hash: felt
) -> (validate_ctx: ExecutionContext*, ctx: ExecutionContext*) {
    alloc_locals;
    let (block_number_rounds, _) = unsigned_div_rem(
        block_info.block_number, VALIDATE_BLOCK_NUMBER_ROUNDING
    );
    let (timestamp_rounds, _) = unsigned_div_rem(block_info.timestamp, VALIDATE_TIMESTAMP_ROUNDING);
    let (local validate_block_info: felt*) = alloc();
    assert validate_block_info[0] = block_number_rounds * VALIDATE_BLOCK_NUMBER_ROUNDING;
    assert validate_block_info[1] = timestamp_rounds * VALIDATE_TIMESTAMP_ROUNDING;
    assert validate_block_info[2] = 0;
    let (local call_block_info: felt*) = alloc();
    assert call_block_info[0] = block_info.block_number;
    assert call_block_info[1] = block_info.timestamp;
    assert call_block_info[2] = block_info.sequencer_address;
    tempvar tx_info = new TxInfo(
        version=tx.version,
        account_contract_address=account,
        max_fee=tx.max_fee,
        signature_len=tx.signature_len,
        signature=tx.signature,
        transaction_hash=tx_hash,
        chain_id=block_info.chain_id,
        nonce=tx.nonce,
    );
    tempvar validate_ctx = new ExecutionContext(
        block_info=block_info,
        tx_info=tx_info,
        classes=classes,
        tx=tx,
        call_block_info=validate_block_info,
        validate_mode=1,
    );
    tempvar ctx = new ExecutionContext(
        block_info=block_info,
        tx_info=tx_info,
        classes=classes,
        tx=tx,
        call_block_info=call_block_info,
        validate_mode=0,
    );
    return (validate_ctx=validate_ctx, ctx=ctx);
}

// Executes one INVOKE: hash, nonce, `__validate__`, `__execute__` (not run for a reverted
// INVOKE, which changes only the nonce and emits no events of `__execute__`, as in the
// executor). Both get the transaction's calldata, with caller 0, and their Sierra gas from the
// transaction (account_gas.cairo).
func execute_invoke{
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    ecdsa_ptr: SignatureBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    bitwise_ptr: BitwiseBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
    contract_changes: DictAccess*,
    deprecated_declared: DictAccess*,
    class_changes: DictAccess*,
    event_hashes: felt*,
    messages: felt*,
}(block_info: BlockInfo*, classes: Classes*, tx: Transaction*) -> (
    tx_hash: felt
) {
    alloc_locals;
    // v3 specific: [h(account_deployment_data), h(calldata)].
    let (local specific: felt*) = alloc();
    if (tx.version == 3) {
        let (deployment_hash) = poseidon_hash_many(
            tx.account_deployment_data_len, tx.account_deployment_data
        );
        let (calldata_hash) = poseidon_hash_many(tx.calldata_size, tx.calldata);
        assert specific[0] = deployment_hash;
        assert specific[1] = calldata_hash;
        tempvar poseidon_ptr = poseidon_ptr;
    } else {
        tempvar poseidon_ptr = poseidon_ptr;
    }
    let (local tx_hash) = transaction_hash(
        tx,
        INVOKE_PREFIX,
        tx.sender_address,
        block_info.chain_id,
        tx.calldata_size,
        tx.calldata,
        2,
        specific,
    );

    let (entry_value) = dict_read{dict_ptr=contract_changes}(key=tx.sender_address);
    local class_hash = cast(entry_value, StateEntry*).class_hash;
    with_attr error_message("OS: no account is deployed at {tx.sender_address}") {
        assert_not_zero(class_hash);
    }
    bump_nonce(tx.sender_address, tx.nonce, class_hash);
    let (local validate_ctx, local ctx) = tx_context(
        block_info, classes, tx, tx.sender_address, tx_hash
    );
    let (initial_gas) = initial_sierra_gas(tx);
    let (local remaining_gas) = run_account_entry_point(
        validate_ctx,
        ENTRY_POINT_TYPE_EXTERNAL,
        tx.sender_address,
        VALIDATE_ENTRY_POINT_SELECTOR,
        tx.calldata_size,
        tx.calldata,
        initial_gas,
        VALIDATE_MAX_SIERRA_GAS,
        1,
    );
    if (tx.is_reverted != 0) {
        charge_fee(ctx, tx.sender_address);
        return (tx_hash=tx_hash);
    }
    run_account_entry_point(
        ctx,
        ENTRY_POINT_TYPE_EXTERNAL,
        tx.sender_address,
        EXECUTE_ENTRY_POINT_SELECTOR,
        tx.calldata_size,
        tx.calldata,
        remaining_gas,
        EXECUTE_MAX_SIERRA_GAS,
        0,
    );
    charge_fee(ctx, tx.sender_address);
    return (tx_hash=tx_hash);
}

// Executes one DEPLOY_ACCOUNT: the address (chain::calculate_contract_address with deployer 0),
// hash, nonce, the class set at the address (which must hold no contract), the constructor, then
// `__validate_deploy__` with [class_hash, salt, constructor calldata] (caller 0).
func execute_deploy_account{
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    ecdsa_ptr: SignatureBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    bitwise_ptr: BitwiseBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
    contract_changes: DictAccess*,
    deprecated_declared: DictAccess*,
    class_changes: DictAccess*,
    event_hashes: felt*,
    messages: felt*,
}(block_info: BlockInfo*, classes: Classes*, tx: Transaction*) -> (
    tx_hash: felt
) {
    alloc_locals;
    // address = compute_hash_on_elements(["STARKNET_CONTRACT_ADDRESS", 0, salt, class_hash,
    // compute_hash_on_elements(constructor_calldata)]) mod (2^251 - 256).
    let (local elements: felt*) = alloc();
    let hash_ptr = pedersen_ptr;
    with hash_ptr {
        let (calldata_hash) = hash_felts(data=tx.calldata, length=tx.calldata_size);
        assert elements[0] = CONTRACT_ADDRESS_PREFIX;
        assert elements[1] = 0;
        assert elements[2] = tx.contract_address_salt;
        assert elements[3] = tx.class_hash;
        assert elements[4] = calldata_hash;
        let (raw_address) = hash_felts(data=elements, length=5);
    }
    let pedersen_ptr = hash_ptr;
    let (local address) = normalize_address(raw_address);

    // v1 hashes [class_hash, salt, constructor calldata]; v3's specific part is
    // [h(constructor calldata), class_hash, salt].
    let (local v1_calldata: felt*) = alloc();
    assert v1_calldata[0] = tx.class_hash;
    assert v1_calldata[1] = tx.contract_address_salt;
    memcpy(v1_calldata + 2, tx.calldata, tx.calldata_size);
    let (local specific: felt*) = alloc();
    let (constructor_calldata_hash) = poseidon_hash_many(tx.calldata_size, tx.calldata);
    assert specific[0] = constructor_calldata_hash;
    assert specific[1] = tx.class_hash;
    assert specific[2] = tx.contract_address_salt;
    let (local tx_hash) = transaction_hash(
        tx,
        DEPLOY_ACCOUNT_PREFIX,
        address,
        block_info.chain_id,
        2 + tx.calldata_size,
        v1_calldata,
        3,
        specific,
    );

    let (entry_value) = dict_read{dict_ptr=contract_changes}(key=address);
    with_attr error_message("OS: a contract is already deployed at {address}") {
        assert cast(entry_value, StateEntry*).class_hash = 0;
    }
    bump_nonce(address, tx.nonce, tx.class_hash);
    // The constructor and `__validate_deploy__` both run in validate mode, the fee transfer in
    // execute mode.
    let (local ctx, local execute_ctx) = tx_context(block_info, classes, tx, address, tx_hash);
    // The receipt lists `__validate_deploy__`'s messages before the constructor's (the
    // executor's call order: validate, execute), though the constructor runs first: its
    // messages go to a buffer of their own, appended after.
    local tx_messages: felt* = messages;
    let (local constructor_messages: felt*) = alloc();
    let messages = constructor_messages;
    let (initial_gas) = initial_sierra_gas(tx);
    let (local remaining_gas) = run_account_constructor(ctx, address, tx, initial_gas);
    local constructor_messages_end: felt* = messages;
    let messages = tx_messages;
    run_account_entry_point(
        ctx,
        ENTRY_POINT_TYPE_EXTERNAL,
        address,
        VALIDATE_DEPLOY_ENTRY_POINT_SELECTOR,
        2 + tx.calldata_size,
        v1_calldata,
        remaining_gas,
        VALIDATE_MAX_SIERRA_GAS,
        1,
    );
    local validate_messages_end: felt* = messages;
    local n_constructor_felts = constructor_messages_end - constructor_messages;
    memcpy(validate_messages_end, constructor_messages, n_constructor_felts);
    let messages = validate_messages_end + n_constructor_felts;
    charge_fee(execute_ctx, address);
    return (tx_hash=tx_hash);
}

// The constructor of the account a DEPLOY_ACCOUNT deploys at `address` (a class without one
// takes no calldata), a Cairo 0 or a Cairo 1 class, with `remaining_gas` left to the
// transaction (blockifier runs it in validate mode: at most VALIDATE_MAX_SIERRA_GAS); returns the
// gas left after it.
func run_account_constructor{
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    ecdsa_ptr: SignatureBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    bitwise_ptr: BitwiseBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
    contract_changes: DictAccess*,
    deprecated_declared: DictAccess*,
    event_hashes: felt*,
    messages: felt*,
}(ctx: ExecutionContext*, address: felt, tx: Transaction*, remaining_gas: felt) -> (
    remaining_gas: felt
) {
    let (n_constructors) = constructor_count(ctx, tx.class_hash);
    if (n_constructors == 0) {
        with_attr error_message("OS: the class has no constructor but calldata was given") {
            assert tx.calldata_size = 0;
        }
        return (remaining_gas=remaining_gas);
    }
    let (remaining_gas) = run_account_entry_point(
        ctx,
        ENTRY_POINT_TYPE_CONSTRUCTOR,
        address,
        CONSTRUCTOR_SELECTOR,
        tx.calldata_size,
        tx.calldata,
        remaining_gas,
        VALIDATE_MAX_SIERRA_GAS,
        0,
    );
    return (remaining_gas=remaining_gas);
}

// Runs the entry point `selector` (of the table `entry_point_type`) of the account at `address`
// at the top level of the transaction (caller 0, blockifier's Sierra-gas mode for a Cairo 1
// account) with min(`remaining_gas`, `limit`) gas; returns the gas left to the transaction
// (account_gas.cairo). A Cairo 1 validation entry point (`is_validation` 1) must return [VALID]
// (blockifier's `validate_tx`); a failing one (failure flag 1) fails the run
// (execute_cairo1_entry_point), so a block with a transaction whose signature the account
// rejects has no proof.
func run_account_entry_point{
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
    entry_point_type: felt,
    address: felt,
    selector: felt,
    calldata_size: felt,
    calldata: felt*,
    remaining_gas: felt,
    limit: felt,
    is_validation: felt,
) -> (remaining_gas: felt) {
    alloc_locals;
    let (local gas) = limit_usage(remaining_gas, limit);
    let (retdata_size, retdata, returned_gas, is_cairo1) = execute_entry_point_gas(
        ctx, 0, entry_point_type, address, selector, calldata_size, calldata, 0, gas, 1
    );
    local returned_gas = returned_gas;
    tempvar checks_validated = is_validation * is_cairo1;
    if (checks_validated != 0) {
        with_attr error_message("OS: the account's validation did not return VALID") {
            assert retdata_size = 1;
            assert retdata[0] = VALIDATED;
        }
    }
    let (remaining_gas) = spend(remaining_gas, gas, returned_gas);
    return (remaining_gas=remaining_gas);
}

// Executes one DECLARE. v1 (a Cairo 0 class): hash, the sender's nonce, the declared class,
// whose code the OS loaded and whose class hash it computed (load_classes) must be the declared
// class hash. A Cairo 0 class is in no trie (as on Starknet): the declaration is recorded in
// `deprecated_declared` (class hash -> 1), which the state update lists in the state-diff
// commitment; declaring a class twice in one block fails. Whether the class was declared in an
// earlier block is not checked (Starknet's OS does not either: no commitment holds Cairo 0
// declarations). v3 (a Sierra class): hash (over the class hash and the compiled class hash the
// declarer signed), nonce, then `class_changes` maps the class hash, which must hold 0 before
// (undeclared: state_update checks the guess against the previous classes root), to the
// compiled class hash, a classes-trie leaf; as in Starknet's OS the Sierra code is not compiled
// here: a CASM that runs later is bound to this compiled class hash when it is loaded. The
// account's `__validate_declare__` runs with [class_hash] (caller 0) before the class is
// declared.
func execute_declare{
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    ecdsa_ptr: SignatureBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    bitwise_ptr: BitwiseBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
    contract_changes: DictAccess*,
    deprecated_declared: DictAccess*,
    class_changes: DictAccess*,
    event_hashes: felt*,
    messages: felt*,
}(block_info: BlockInfo*, classes: Classes*, tx: Transaction*) -> (tx_hash: felt) {
    alloc_locals;
    let (local validate_calldata: felt*) = alloc();
    assert validate_calldata[0] = tx.class_hash;
    let (local tx_hash) = declare_hash(block_info, tx, validate_calldata);

    let (entry_value) = dict_read{dict_ptr=contract_changes}(key=tx.sender_address);
    local account_class_hash = cast(entry_value, StateEntry*).class_hash;
    with_attr error_message("OS: no account is deployed at {tx.sender_address}") {
        assert_not_zero(account_class_hash);
    }
    bump_nonce(tx.sender_address, tx.nonce, account_class_hash);

    check_not_declared(tx);
    // `__validate_declare__` runs in validate mode, the fee transfer in execute mode.
    let (local ctx, local execute_ctx) = tx_context(
        block_info, classes, tx, tx.sender_address, tx_hash
    );
    let (initial_gas) = initial_sierra_gas(tx);
    run_account_entry_point(
        ctx,
        ENTRY_POINT_TYPE_EXTERNAL,
        tx.sender_address,
        VALIDATE_DECLARE_ENTRY_POINT_SELECTOR,
        1,
        validate_calldata,
        initial_gas,
        VALIDATE_MAX_SIERRA_GAS,
        1,
    );
    if (tx.version == 3) {
        with_attr error_message("OS: a compiled class hash of 0") {
            assert_not_zero(tx.compiled_class_hash);
        }
        dict_write{dict_ptr=class_changes}(key=tx.class_hash, new_value=tx.compiled_class_hash);
        charge_fee(execute_ctx, tx.sender_address);
        return (tx_hash=tx_hash);
    }
    // The declared class's code, with the declared class hash.
    find_class(ctx, tx.class_hash);
    dict_write{dict_ptr=deprecated_declared}(key=tx.class_hash, new_value=1);
    charge_fee(execute_ctx, tx.sender_address);
    return (tx_hash=tx_hash);
}

// A DECLARE's class must not be declared yet: a Sierra class (v3) holds 0 in `class_changes`,
// a Cairo 0 class (v1) was not declared earlier in the block.
func check_not_declared{deprecated_declared: DictAccess*, class_changes: DictAccess*}(
    tx: Transaction*
) {
    if (tx.version == 3) {
        let (declared) = dict_read{dict_ptr=class_changes}(key=tx.class_hash);
        with_attr error_message("OS: Sierra class {tx.class_hash} is already declared") {
            assert declared = 0;
        }
        return ();
    }
    let (declared) = dict_read{dict_ptr=deprecated_declared}(key=tx.class_hash);
    with_attr error_message("OS: class {tx.class_hash} is declared twice in the block") {
        assert declared = 0;
    }
    return ();
}

// The hash of a DECLARE v1 (calldata [class_hash]) or v3 (its tail: the account deployment data's
// hash, the class hash, the compiled class hash).
func declare_hash{pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*}(
    block_info: BlockInfo*, tx: Transaction*, v1_calldata: felt*
) -> (tx_hash: felt) {
    alloc_locals;
    if (tx.version == 1) {
        assert tx.compiled_class_hash = 0;
        return transaction_hash(
            tx, DECLARE_PREFIX, tx.sender_address, block_info.chain_id, 1, v1_calldata, 0, v1_calldata
        );
    }
    with_attr error_message("OS: DECLARE v{tx.version} is not supported") {
        assert tx.version = 3;
    }
    let (account_deployment_data_hash) = poseidon_hash_many(
        tx.account_deployment_data_len, tx.account_deployment_data
    );
    let (local specific: felt*) = alloc();
    assert specific[0] = account_deployment_data_hash;
    assert specific[1] = tx.class_hash;
    assert specific[2] = tx.compiled_class_hash;
    return transaction_hash(
        tx, DECLARE_PREFIX, tx.sender_address, block_info.chain_id, 0, specific, 3, specific
    );
}
