// Constants of the OS: versions, domains, selectors.

// Version of the public-output layout (chain::BlockPublicOutput's os_version).
const OS_VERSION = 3;

// First felt of Starknet's block hash preimage (chain::block::block_hash_domain).
const BLOCK_HASH_DOMAIN = 'STARKNET_BLOCK_HASH1';

// First felt of the gas prices hash (chain::block::gas_prices_domain).
const GAS_PRICES_DOMAIN = 'STARKNET_GAS_PRICES0';

// get_selector_from_name("__execute__").
const EXECUTE_ENTRY_POINT_SELECTOR = 0x15d40a3d6ca2ac30f4031e42be28da9b056fef9bb7357ac5e85627ee876e5ad;

// get_selector_from_name("__validate__").
const VALIDATE_ENTRY_POINT_SELECTOR = 0x162da33a4585851fe8d3af3c2a9c60b557814e221e0d4f30ff0b2189d9c7775;

// get_selector_from_name("__validate_deploy__").
const VALIDATE_DEPLOY_ENTRY_POINT_SELECTOR = 0x36fcbf06cd96843058359e1a75928beacfac10727dab22a3972f0af8aa92895;

// get_selector_from_name("__validate_declare__").
const VALIDATE_DECLARE_ENTRY_POINT_SELECTOR = 0x289da278a8dc833409cabfdad1581e8e7d40e42dcaed693fa4008dcdb4963b3;

// get_selector_from_name("constructor").
const CONSTRUCTOR_SELECTOR = 0x28ffe4ff0f226a9107253e17a904099aa4f63a02a5621de0576e5aa71bc5194;

// get_selector_from_name('transfer'): the fee transfer's entry point (fee.cairo).
const TRANSFER_ENTRY_POINT_SELECTOR = 0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e;

// Transaction hash prefixes.
const INVOKE_PREFIX = 'invoke';
const DEPLOY_ACCOUNT_PREFIX = 'deploy_account';
const DECLARE_PREFIX = 'declare';
// The prefix of the contract address hash chain (chain::calculate_contract_address).
const CONTRACT_ADDRESS_PREFIX = 'STARKNET_CONTRACT_ADDRESS';

// Transaction kinds, as the `os_load_transaction` hint writes them.
const TX_INVOKE = 0;
const TX_DEPLOY_ACCOUNT = 1;
const TX_DECLARE = 2;

// Entry-point tables of a class.
const ENTRY_POINT_TYPE_EXTERNAL = 0;
const ENTRY_POINT_TYPE_CONSTRUCTOR = 1;

// Builtin names (short strings), as in a class's builtin list.
const PEDERSEN_BUILTIN = 'pedersen';
const RANGE_CHECK_BUILTIN = 'range_check';
const ECDSA_BUILTIN = 'ecdsa';
const BITWISE_BUILTIN = 'bitwise';
const EC_OP_BUILTIN = 'ec_op';
const POSEIDON_BUILTIN = 'poseidon';

// Deprecated syscall selectors (starkware/starknet/common/syscalls.cairo).
const STORAGE_READ_SELECTOR = 'StorageRead';
const STORAGE_WRITE_SELECTOR = 'StorageWrite';
const CALL_CONTRACT_SELECTOR = 'CallContract';
const GET_CALLER_ADDRESS_SELECTOR = 'GetCallerAddress';
const GET_CONTRACT_ADDRESS_SELECTOR = 'GetContractAddress';
const GET_TX_INFO_SELECTOR = 'GetTxInfo';
const EMIT_EVENT_SELECTOR = 'EmitEvent';
const GET_BLOCK_NUMBER_SELECTOR = 'GetBlockNumber';
const GET_BLOCK_TIMESTAMP_SELECTOR = 'GetBlockTimestamp';
const DEPLOY_SELECTOR = 'Deploy';
const LIBRARY_CALL_SELECTOR = 'LibraryCall';
const GET_SEQUENCER_ADDRESS_SELECTOR = 'GetSequencerAddress';
const GET_TX_SIGNATURE_SELECTOR = 'GetTxSignature';
const SEND_MESSAGE_TO_L1_SELECTOR = 'SendMessageToL1';

// Cairo 1 (CASM) classes.

// The Cairo 1 syscall selectors the OS replays (same short strings as the deprecated ones).
const GET_EXECUTION_INFO_SELECTOR = 'GetExecutionInfo';
const REPLACE_CLASS_SELECTOR = 'ReplaceClass';
const GET_BLOCK_HASH_SELECTOR = 'GetBlockHash';
const GET_CLASS_HASH_AT_SELECTOR = 'GetClassHashAt';
const KECCAK_SELECTOR = 'Keccak';
const SHA256_PROCESS_BLOCK_SELECTOR = 'Sha256ProcessBlock';

// The Sierra gas a syscall costs beyond the `syscall_base_gas_cost` the compiled code already
// charged (blockifier's versioned constants of Starknet 0.14.4: the syscall's OS resources at
// 100 gas a step and the builtin gas costs, at least the base cost, minus the base cost;
// `os::cairo1::syscall_gas_cost` serves the same values; crates/os/tests/cairo1.rs compares
// these constants with blockifier's).
const STORAGE_READ_GAS_COST = 14070;
const STORAGE_WRITE_GAS_COST = 49970;
const EMIT_EVENT_GAS_COST = 0;
const CALL_CONTRACT_GAS_COST = 81360;
const LIBRARY_CALL_GAS_COST = 78660;
const GET_EXECUTION_INFO_GAS_COST = 1240;
// Plus SEND_MESSAGE_TO_L1_GAS_COST_PER_FELT for each felt of the payload (blockifier's
// `calldata_factor`).
const SEND_MESSAGE_TO_L1_GAS_COST = 2770;
const SEND_MESSAGE_TO_L1_GAS_COST_PER_FELT = 600;
const REPLACE_CLASS_GAS_COST = 0;
// Plus DEPLOY_GAS_COST_PER_FELT for each felt of the constructor calldata.
const DEPLOY_GAS_COST = 137120;
const DEPLOY_GAS_COST_PER_FELT = 4850;
const GET_BLOCK_HASH_GAS_COST = 810;
const GET_CLASS_HASH_AT_GAS_COST = 0;
// Plus KECCAK_ROUND_GAS_COST for each 17-word block of the input: blockifier charges the
// `KeccakRound` resources whole (at least the base cost, without subtracting it).
const KECCAK_GAS_COST = 0;
const KECCAK_ROUND_GAS_COST = 165137;
const SHA256_PROCESS_BLOCK_GAS_COST = 829995;

// The block-hash contract (block_hash_contract.cairo): its address, and how far below the block
// the hash it stores is (blockifier's `STORED_BLOCK_HASH_BUFFER`).
const BLOCK_HASH_CONTRACT_ADDRESS = 1;
const STORED_BLOCK_HASH_BUFFER = 10;

// The gas of a Cairo 1 call in blockifier's Cairo-steps mode (under a Cairo 0 frame):
// `default_initial_gas_cost`, 10^8 steps at 100 gas a step.
const DEFAULT_INITIAL_GAS = 10000000000;

// The gas blockifier pre-charges from every Cairo 1 call before its code runs
// (`entry_point_initial_budget`: 100 steps at 100 gas a step).
const ENTRY_POINT_INITIAL_BUDGET = 10000;

// The Sierra gas limits of a transaction's account entry points (blockifier's
// `validate_max_sierra_gas`, `execute_max_sierra_gas`) and the resource name of the L2 gas bound.
const VALIDATE_MAX_SIERRA_GAS = 100000000;
const EXECUTE_MAX_SIERRA_GAS = 1110000000;
const L2_GAS_RESOURCE = 'L2_GAS';
// The other resources of a v3 transaction's bounds (chain::ResourceBoundsMapping::encoded).
const L1_GAS_RESOURCE = 'L1_GAS';
const L1_DATA_GAS_RESOURCE = 'L1_DATA';

// The rounding of the block number and timestamp calls see in validate mode (blockifier's
// `validate_rounding_consts`).
const VALIDATE_BLOCK_NUMBER_ROUNDING = 100;
const VALIDATE_TIMESTAMP_ROUNDING = 3600;

// What a Cairo 1 account's validation entry point returns (starknet::VALIDATED).
const VALIDATED = 'VALID';

// The builtin gas costs a CASM class reads through the pointer after its bytecode, in
// blockifier's order (`prepare_program_extra_data`): pedersen, bitwise, ec_op, poseidon, add_mod,
// mul_mod, blake.
const PEDERSEN_GAS_COST = 4050;
const BITWISE_GAS_COST = 583;
const EC_OP_GAS_COST = 4085;
const POSEIDON_GAS_COST = 491;
const ADD_MOD_GAS_COST = 230;
const MUL_MOD_GAS_COST = 604;
const BLAKE_GAS_COST = 3334;

// The `ret` instruction appended after a CASM class's bytecode (followed by the builtin costs
// pointer).
const RET_INSTRUCTION = 0x208b7fff7fff7ffe;
