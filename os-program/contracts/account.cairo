// The bundled account: one Stark-curve public key, ECDSA-checked transactions, multicall.
//
// Written for the bundled devnet in the style of OpenZeppelin's Cairo 0 Account, so that standard
// clients (starknet-rs `ExecutionEncoding::Legacy`, starknet.py, starknet.js with the Cairo 0
// calldata) can sign for it. Compile with `starknet-compile-deprecated --account_contract`.
//
// `__execute__` and `__validate__` take the legacy (Cairo 0) multicall calldata:
//
//     call_array_len, (to, selector, data_offset, data_len) * call_array_len,
//     calldata_len, calldata * calldata_len
//
// Call `i` runs `selector` on `to` with `calldata[data_offset .. data_offset + data_len]`.
// `__execute__` returns the concatenated return data of all calls as `(response_len, response*)`.
//
// The nonce is the protocol's: the OS checks and bumps it before `__validate__` runs, so the
// account keeps no nonce of its own.
%lang starknet

from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.bool import FALSE, TRUE
from starkware.cairo.common.cairo_builtins import HashBuiltin, SignatureBuiltin
from starkware.cairo.common.math import assert_nn_le, assert_not_zero
from starkware.cairo.common.memcpy import memcpy
from starkware.cairo.common.signature import verify_ecdsa_signature
from starkware.starknet.common.syscalls import (
    call_contract,
    get_caller_address,
    get_contract_address,
    get_tx_info,
)

// ERC-165 interface id (`supportsInterface` itself).
const IERC165_ID = 0x01ffc9a7;
// The interface id OpenZeppelin's Cairo 0 accounts report (`IACCOUNT_ID`), so wallets and tools
// that probe for an account recognise this one.
const IACCOUNT_ID = 0xa66bd575;

// One call of a multicall, as laid out in `__execute__`'s calldata.
struct AccountCallArray {
    to: felt,
    selector: felt,
    data_offset: felt,
    data_len: felt,
}

@event
func PublicKeyChanged(new_public_key: felt) {
}

@storage_var
func Account_public_key() -> (public_key: felt) {
}

@constructor
func constructor{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}(
    public_key: felt
) {
    Account_public_key.write(public_key);
    return ();
}

//
// Getters
//

@view
func get_public_key{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}() -> (
    public_key: felt
) {
    return Account_public_key.read();
}

@view
func supportsInterface{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}(
    interfaceId: felt
) -> (success: felt) {
    if (interfaceId == IERC165_ID) {
        return (success=TRUE);
    }
    if (interfaceId == IACCOUNT_ID) {
        return (success=TRUE);
    }
    return (success=FALSE);
}

// Fails unless `signature` is a valid (r, s) signature of `hash` by the account's key; returns
// TRUE otherwise (the Cairo 0 ECDSA builtin cannot report "invalid" without failing).
@view
func is_valid_signature{
    syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr, ecdsa_ptr: SignatureBuiltin*
}(hash: felt, signature_len: felt, signature: felt*) -> (is_valid: felt) {
    let (public_key) = Account_public_key.read();
    with_attr error_message("Account: invalid signature") {
        assert signature_len = 2;
        verify_ecdsa_signature(
            message=hash, public_key=public_key, signature_r=signature[0], signature_s=signature[1]
        );
    }
    return (is_valid=TRUE);
}

//
// Setters
//

// Rotates the key. Only the account itself may call it, i.e. through its own `__execute__`.
@external
func set_public_key{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}(
    new_public_key: felt
) {
    assert_only_self();
    Account_public_key.write(new_public_key);
    PublicKeyChanged.emit(new_public_key);
    return ();
}

//
// Protocol entry points
//

@external
func __validate__{
    syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr, ecdsa_ptr: SignatureBuiltin*
}(call_array_len: felt, call_array: AccountCallArray*, calldata_len: felt, calldata: felt*) {
    validate_transaction_signature();
    return ();
}

@external
func __validate_declare__{
    syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr, ecdsa_ptr: SignatureBuiltin*
}(class_hash: felt) {
    validate_transaction_signature();
    return ();
}

// Arguments: the class hash and salt of the DEPLOY_ACCOUNT transaction, then the constructor's.
@external
func __validate_deploy__{
    syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr, ecdsa_ptr: SignatureBuiltin*
}(class_hash: felt, contract_address_salt: felt, public_key: felt) {
    validate_transaction_signature();
    return ();
}

@external
func __execute__{
    syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr, ecdsa_ptr: SignatureBuiltin*
}(call_array_len: felt, call_array: AccountCallArray*, calldata_len: felt, calldata: felt*) -> (
    response_len: felt, response: felt*
) {
    alloc_locals;
    // The OS calls `__execute__` with caller 0; any other caller is a contract re-entering the
    // account, which would run calls without a signature check.
    let (caller) = get_caller_address();
    with_attr error_message("Account: reentrant call") {
        assert caller = 0;
    }
    // Version 0 transactions did not run `__validate__`, so they must not reach `__execute__`.
    let (tx_info) = get_tx_info();
    with_attr error_message("Account: deprecated tx version") {
        assert_not_zero(tx_info.version);
    }

    let (response: felt*) = alloc();
    let (response_len) = execute_calls(
        call_array_len=call_array_len,
        call_array=call_array,
        calldata_len=calldata_len,
        calldata=calldata,
        response=response,
    );
    return (response_len=response_len, response=response);
}

//
// Internals
//

// Checks the signature of the running transaction (the hash that the OS computed) against the
// account's key.
func validate_transaction_signature{
    syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr, ecdsa_ptr: SignatureBuiltin*
}() {
    let (tx_info) = get_tx_info();
    is_valid_signature(
        hash=tx_info.transaction_hash,
        signature_len=tx_info.signature_len,
        signature=tx_info.signature,
    );
    return ();
}

func assert_only_self{syscall_ptr: felt*}() {
    let (self) = get_contract_address();
    let (caller) = get_caller_address();
    with_attr error_message("Account: caller is not this account") {
        assert self = caller;
    }
    return ();
}

// Runs the calls in order, appending each call's return data to `response`; returns the number
// of felts appended.
func execute_calls{syscall_ptr: felt*, range_check_ptr}(
    call_array_len: felt,
    call_array: AccountCallArray*,
    calldata_len: felt,
    calldata: felt*,
    response: felt*,
) -> (response_len: felt) {
    alloc_locals;
    if (call_array_len == 0) {
        return (response_len=0);
    }

    // A call's slice must lie inside the calldata; `assert_nn_le` also rejects "negative"
    // offsets and lengths (felts at or above the range-check bound).
    let this_call = call_array[0];
    with_attr error_message("Account: call data out of range") {
        assert_nn_le(this_call.data_offset, calldata_len);
        assert_nn_le(this_call.data_len, calldata_len - this_call.data_offset);
    }

    let (retdata_len, retdata) = call_contract(
        contract_address=this_call.to,
        function_selector=this_call.selector,
        calldata_size=this_call.data_len,
        calldata=calldata + this_call.data_offset,
    );
    memcpy(dst=response, src=retdata, len=retdata_len);

    let (rest_len) = execute_calls(
        call_array_len=call_array_len - 1,
        call_array=call_array + AccountCallArray.SIZE,
        calldata_len=calldata_len,
        calldata=calldata,
        response=response + retdata_len,
    );
    return (response_len=retdata_len + rest_len);
}
