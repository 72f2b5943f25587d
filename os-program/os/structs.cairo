// The data structures the OS modules share.

from starkware.cairo.common.dict_access import DictAccess

from os.compiled_class import CompiledClass

// The block being proven: the header fields the OS takes as input (everything of
// chain::BlockHeader except what the OS computes: state root, counts and commitments), the chain
// id and the state root before the block. Filled by the `os_load_block` hint; every field is
// either written to the public output or committed to by the block hash the OS computes, except
// `old_block_hash`, which the state diff commits to.
struct BlockInfo {
    block_number: felt,
    parent_hash: felt,
    timestamp: felt,
    sequencer_address: felt,
    chain_id: felt,
    prev_state_root: felt,
    l1_gas_price_wei: felt,
    l1_gas_price_fri: felt,
    l1_data_gas_price_wei: felt,
    l1_data_gas_price_fri: felt,
    l2_gas_price_wei: felt,
    l2_gas_price_fri: felt,
    l1_da_mode: felt,
    starknet_version: felt,
    // 1 if the sequencer's header carries the state root (its block hash commits to it), 0 if
    // the sequencer leaves the commitment to the prover (`--commitment off`: the header's root
    // is 0, and so is the root in its hash).
    header_commits_state_root: felt,
    // 1 if the chain's block hash is starknet-devnet's (block.cairo, devnet_block_hash), which
    // commits only to the block number, the sequencer address and the transaction count; 0 for
    // Starknet's. Not in the output: a proof's block hash is compared with the header's, and
    // the other formula would need a Poseidon collision to match it.
    devnet_block_hash: felt,
    // The ERC-20s fees are paid in (fee.cairo): STRK by v3 transactions, ETH by older ones; 0 on
    // a chain without fees (a transaction that pays a fee then fails the run). Not in the block
    // hash: written to the public output.
    strk_fee_token: felt,
    eth_fee_token: felt,
    // The hash of block `block_number - 10`, which the block stores in the block-hash contract
    // before its transactions (block_hash_contract.cairo); unused below block 10. Taken from
    // the input, as in Starknet's OS: the write is in the state diff, so the state-diff
    // commitment (output, and in Starknet's block hash) and the new root commit to it.
    old_block_hash: felt,
}

// The Cairo 0 `TxInfo` struct that `get_tx_info` returns a pointer to
// (starkware/starknet/common/syscalls.cairo).
struct TxInfo {
    version: felt,
    account_contract_address: felt,
    max_fee: felt,
    signature_len: felt,
    signature: felt*,
    transaction_hash: felt,
    chain_id: felt,
    nonce: felt,
}

// The value of the contract-changes dict (see README.md, "State during execution").
struct StateEntry {
    class_hash: felt,
    storage_ptr: DictAccess*,
    nonce: felt,
}

// One entry of a class's entry-point table.
struct EntryPoint {
    selector: felt,
    offset: felt,
}

// A class loaded by the OS: its class hash (computed when it was loaded) and the parsed fields of
// its preimage (executor::DeprecatedClass::os_preimage).
struct LoadedClass {
    class_hash: felt,
    n_external: felt,
    external: EntryPoint*,
    n_l1_handler: felt,
    l1_handler: EntryPoint*,
    n_constructor: felt,
    constructor: EntryPoint*,
    n_builtins: felt,
    builtins: felt*,
    bytecode_len: felt,
    bytecode: felt*,
}

// A CASM (Cairo 1) class loaded by the OS: the Sierra class hash it runs for, bound to it
// through the classes trie (load_compiled_classes), and the class.
struct LoadedCompiledClass {
    class_hash: felt,
    compiled_class: CompiledClass*,
}

// The classes of the block: Cairo 0 ones (load_classes) and CASM ones (load_compiled_classes).
struct Classes {
    n_classes: felt,
    classes: LoadedClass*,
    n_compiled_classes: felt,
    compiled_classes: LoadedCompiledClass*,
}

// What a transaction executes in.
struct ExecutionContext {
    block_info: BlockInfo*,
    tx_info: TxInfo*,
    classes: Classes*,
    // The transaction (Cairo 1 calls build their TxInfo from it, cairo1.cairo).
    tx: Transaction*,
    // The block info calls see, [block number, timestamp, sequencer address] (a Cairo 1 call's
    // `get_execution_info`; a Cairo 0 call's `get_block_number` and `get_block_timestamp`): the
    // block's when executing, and in validate mode (validation entry points and a
    // DEPLOY_ACCOUNT's constructor) blockifier's `block_info_for_validate`: the number and the
    // timestamp rounded down to multiples of VALIDATE_BLOCK_NUMBER_ROUNDING and
    // VALIDATE_TIMESTAMP_ROUNDING, sequencer address 0.
    call_block_info: felt*,
    // 1 in validate mode (validation entry points and a DEPLOY_ACCOUNT's constructor), 0 when
    // executing: blockifier refuses some syscalls in validate mode (`get_class_hash_at`).
    validate_mode: felt,
}

// A transaction as the `os_load_transaction` hint writes it. Fields a kind or version does not
// have are 0 (checked where they would matter). `resource_bounds` are already encoded
// (chain::ResourceBounds::encode): they are hashed, and they bound the fee (fee.cairo). For DEPLOY_ACCOUNT, `calldata` is the constructor calldata and the sender
// address is computed by the OS, not read from here. For DECLARE, `class_hash` is the declared
// class (the OS loaded its code and computed its class hash). `is_reverted` (not
// 0: the executor reverted this INVOKE's `__execute__`) is taken from the input, not proven
// (README.md, trust assumptions): the OS then only hashes the transaction, bumps the nonce and
// runs `__validate__`. The last four fields are the receipt's (chain::Receipt), taken from the
// input for the receipt hash (its messages hash the OS computes from the messages the
// transaction sent): `revert_reason_hash` is the Starknet Keccak of the revert reason (0: not
// reverted).
struct Transaction {
    kind: felt,
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
    class_hash: felt,
    contract_address_salt: felt,
    is_reverted: felt,
    // DECLARE v3: the compiled class hash the declarer signed (0 otherwise).
    compiled_class_hash: felt,
    actual_fee: felt,
    revert_reason_hash: felt,
    l1_gas: felt,
    l1_data_gas: felt,
}
