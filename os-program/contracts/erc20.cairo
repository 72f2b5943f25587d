// The bundled ERC-20: Uint256 balances and allowances, Transfer and Approval events.
//
// Written for the bundled devnet in the style of OpenZeppelin's Cairo 0 ERC20, with the
// snake_case entry points of the original Starknet token standard. Amounts are `Uint256`
// (two felts on the wire: low 128 bits, then high 128 bits). The whole initial supply is minted
// to `recipient` by the constructor; there is no other mint or burn.
%lang starknet

from starkware.cairo.common.bool import TRUE
from starkware.cairo.common.cairo_builtins import HashBuiltin
from starkware.cairo.common.math import assert_nn_le, assert_not_zero
from starkware.cairo.common.uint256 import (
    Uint256,
    uint256_add,
    uint256_check,
    uint256_le,
    uint256_sub,
)
from starkware.starknet.common.syscalls import get_caller_address

// keys: [sn_keccak("Transfer")], data: [from_, to, value.low, value.high].
@event
func Transfer(from_: felt, to: felt, value: Uint256) {
}

// keys: [sn_keccak("Approval")], data: [owner, spender, value.low, value.high].
@event
func Approval(owner: felt, spender: felt, value: Uint256) {
}

@storage_var
func ERC20_name() -> (name: felt) {
}

@storage_var
func ERC20_symbol() -> (symbol: felt) {
}

@storage_var
func ERC20_decimals() -> (decimals: felt) {
}

@storage_var
func ERC20_total_supply() -> (total_supply: Uint256) {
}

@storage_var
func ERC20_balances(account: felt) -> (balance: Uint256) {
}

@storage_var
func ERC20_allowances(owner: felt, spender: felt) -> (remaining: Uint256) {
}

// `name` and `symbol` are short strings (at most 31 ASCII characters in one felt).
@constructor
func constructor{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}(
    name: felt, symbol: felt, decimals: felt, initial_supply: Uint256, recipient: felt
) {
    ERC20_name.write(name);
    ERC20_symbol.write(symbol);
    with_attr error_message("ERC20: decimals exceed 255") {
        assert_nn_le(decimals, 255);
    }
    ERC20_decimals.write(decimals);
    mint(recipient, initial_supply);
    return ();
}

//
// Getters
//

@view
func name{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}() -> (name: felt) {
    return ERC20_name.read();
}

@view
func symbol{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}() -> (symbol: felt) {
    return ERC20_symbol.read();
}

@view
func decimals{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}() -> (
    decimals: felt
) {
    return ERC20_decimals.read();
}

@view
func total_supply{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}() -> (
    total_supply: Uint256
) {
    return ERC20_total_supply.read();
}

@view
func balance_of{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}(account: felt) -> (
    balance: Uint256
) {
    return ERC20_balances.read(account);
}

@view
func allowance{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}(
    owner: felt, spender: felt
) -> (remaining: Uint256) {
    return ERC20_allowances.read(owner, spender);
}

//
// Externals
//

@external
func transfer{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}(
    recipient: felt, amount: Uint256
) -> (success: felt) {
    let (sender) = get_caller_address();
    move(sender, recipient, amount);
    return (success=TRUE);
}

@external
func transfer_from{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}(
    sender: felt, recipient: felt, amount: Uint256
) -> (success: felt) {
    let (spender) = get_caller_address();
    spend_allowance(sender, spender, amount);
    move(sender, recipient, amount);
    return (success=TRUE);
}

@external
func approve{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}(
    spender: felt, amount: Uint256
) -> (success: felt) {
    let (owner) = get_caller_address();
    with_attr error_message("ERC20: amount is not a valid Uint256") {
        uint256_check(amount);
    }
    with_attr error_message("ERC20: approve from the zero address") {
        assert_not_zero(owner);
    }
    with_attr error_message("ERC20: approve to the zero address") {
        assert_not_zero(spender);
    }
    ERC20_allowances.write(owner, spender, amount);
    Approval.emit(owner, spender, amount);
    return (success=TRUE);
}

//
// Internals
//

func mint{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}(
    recipient: felt, amount: Uint256
) {
    alloc_locals;
    with_attr error_message("ERC20: amount is not a valid Uint256") {
        uint256_check(amount);
    }
    with_attr error_message("ERC20: mint to the zero address") {
        assert_not_zero(recipient);
    }
    let (supply) = ERC20_total_supply.read();
    with_attr error_message("ERC20: total supply overflow") {
        let (new_supply, carry) = uint256_add(supply, amount);
        assert carry = 0;
    }
    ERC20_total_supply.write(new_supply);
    // Cannot overflow: a balance never exceeds the total supply.
    let (balance) = ERC20_balances.read(recipient);
    let (new_balance, _) = uint256_add(balance, amount);
    ERC20_balances.write(recipient, new_balance);
    Transfer.emit(0, recipient, amount);
    return ();
}

// Moves `amount` from `sender` to `recipient` and emits Transfer.
func move{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}(
    sender: felt, recipient: felt, amount: Uint256
) {
    alloc_locals;
    with_attr error_message("ERC20: amount is not a valid Uint256") {
        uint256_check(amount);
    }
    with_attr error_message("ERC20: cannot transfer from the zero address") {
        assert_not_zero(sender);
    }
    with_attr error_message("ERC20: cannot transfer to the zero address") {
        assert_not_zero(recipient);
    }
    let (sender_balance) = ERC20_balances.read(sender);
    with_attr error_message("ERC20: transfer amount exceeds balance") {
        let (enough) = uint256_le(amount, sender_balance);
        assert enough = TRUE;
    }
    let (new_sender_balance) = uint256_sub(sender_balance, amount);
    ERC20_balances.write(sender, new_sender_balance);
    // Read after the write so that a transfer to oneself leaves the balance unchanged. Cannot
    // overflow: the sum of all balances is the total supply.
    let (recipient_balance) = ERC20_balances.read(recipient);
    let (new_recipient_balance, _) = uint256_add(recipient_balance, amount);
    ERC20_balances.write(recipient, new_recipient_balance);
    Transfer.emit(sender, recipient, amount);
    return ();
}

func spend_allowance{syscall_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}(
    owner: felt, spender: felt, amount: Uint256
) {
    alloc_locals;
    with_attr error_message("ERC20: amount is not a valid Uint256") {
        uint256_check(amount);
    }
    let (current) = ERC20_allowances.read(owner, spender);
    with_attr error_message("ERC20: insufficient allowance") {
        let (enough) = uint256_le(amount, current);
        assert enough = TRUE;
    }
    let (remaining) = uint256_sub(current, amount);
    ERC20_allowances.write(owner, spender, remaining);
    return ();
}
