// The bundled Universal Deployer: deploys instances of declared classes through the `deploy`
// syscall, with the interface of Starknet's Universal Deployer Contract (OpenZeppelin's Cairo 0
// `UniversalDeployer`), the one starknet-rs `ContractFactory`, starknet.py and starknet.js call.
//
// `deployContract(classHash, salt, unique, calldata)` deploys `classHash` with `calldata` as
// constructor arguments and returns the new address. With `unique = 1` the address depends on
// the caller: the salt becomes `pedersen(caller, salt)` and the deployer address in the address
// formula is this contract's own; with `unique = 0` the salt is used as given and the deployer
// address is 0 (the address anyone deploying the same class, salt and calldata gets).
%lang starknet

from starkware.cairo.common.bool import FALSE, TRUE
from starkware.cairo.common.cairo_builtins import HashBuiltin
from starkware.cairo.common.hash import hash2
from starkware.starknet.common.syscalls import deploy, get_caller_address

// keys: [sn_keccak("ContractDeployed")],
// data: [address, deployer, unique, classHash, calldata_len, calldata..., salt], where `deployer`
// is the caller and `salt` the salt as given (before the pedersen of a unique deployment).
@event
func ContractDeployed(
    address: felt,
    deployer: felt,
    unique: felt,
    classHash: felt,
    calldata_len: felt,
    calldata: felt*,
    salt: felt,
) {
}

// Deploys `classHash` with constructor `calldata` and emits ContractDeployed; fails when
// `unique` is neither 0 nor 1, when the class is not declared, when the address is taken, or
// when the constructor fails.
@external
func deployContract{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}(
    classHash: felt, salt: felt, unique: felt, calldata_len: felt, calldata: felt*
) -> (address: felt) {
    alloc_locals;
    with_attr error_message("UniversalDeployer: unique must be 0 or 1") {
        assert unique * (unique - 1) = 0;
    }
    let (deployer) = get_caller_address();

    local deployment_salt;
    local deploy_from_zero;
    if (unique == TRUE) {
        let (unique_salt) = hash2{hash_ptr=pedersen_ptr}(deployer, salt);
        deployment_salt = unique_salt;
        deploy_from_zero = FALSE;
        tempvar pedersen_ptr = pedersen_ptr;
    } else {
        deployment_salt = salt;
        deploy_from_zero = TRUE;
        tempvar pedersen_ptr = pedersen_ptr;
    }
    // A local, so the syscalls below do not revoke it.
    local pedersen_ptr: HashBuiltin* = pedersen_ptr;

    let (address) = deploy(
        class_hash=classHash,
        contract_address_salt=deployment_salt,
        constructor_calldata_size=calldata_len,
        constructor_calldata=calldata,
        deploy_from_zero=deploy_from_zero,
    );

    ContractDeployed.emit(
        address=address,
        deployer=deployer,
        unique=unique,
        classHash=classHash,
        calldata_len=calldata_len,
        calldata=calldata,
        salt=salt,
    );
    return (address=address);
}
