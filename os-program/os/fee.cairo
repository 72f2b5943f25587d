// The fee transfer at the end of every transaction that pays a fee, as blockifier 0.20 runs it
// (`AccountTransaction::handle_fee`, `execute_fee_transfer`):
//
// * the fee is the receipt's `actual_fee` (taken from the input, as Starknet's OS takes it from
//   the executor; README.md, trust assumptions). A fee of 0 transfers nothing;
// * it must be at most the transaction's maximum: `max_fee` for v1; for v3 the sum over its
//   resource bounds of max_amount * max_price_per_unit, with the tip added to the L2 gas price
//   (only the L1 gas bound counts when the transaction has no L1 data gas bound: blockifier's
//   `ValidResourceBounds::max_possible_fee`);
// * the account calls `transfer(sequencer_address, fee, 0)` on the block's fee token: STRK for
//   v3, ETH for v1 (`BlockInfo`, bound by the public output), in execute mode, with
//   DEFAULT_INITIAL_GAS of Sierra gas. The call is run like any other: its storage writes and
//   its Transfer event are the block's.

from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.cairo_builtins import (
    BitwiseBuiltin,
    EcOpBuiltin,
    HashBuiltin,
    KeccakBuiltin,
    PoseidonBuiltin,
    SignatureBuiltin,
)
from starkware.cairo.common.dict_access import DictAccess
from starkware.cairo.common.math import assert_le_felt, assert_nn, assert_nn_le, assert_not_zero

from os.cairo1 import check_resource_bounds
from os.constants import (
    DEFAULT_INITIAL_GAS,
    ENTRY_POINT_TYPE_EXTERNAL,
    L1_DATA_GAS_RESOURCE,
    L1_GAS_RESOURCE,
    L2_GAS_RESOURCE,
    TRANSFER_ENTRY_POINT_SELECTOR,
)
from os.execution import execute_entry_point_gas
from os.structs import BlockInfo, ExecutionContext, Transaction

// Charges the fee of the transaction `ctx.tx` (execute-mode context) to `account`.
func charge_fee{
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
}(ctx: ExecutionContext*, account: felt) {
    alloc_locals;
    local tx: Transaction* = ctx.tx;
    local block_info: BlockInfo* = ctx.block_info;
    if (tx.actual_fee == 0) {
        return ();
    }
    // The fee is the transfer's low 128 bits; the high ones are 0.
    with_attr error_message("OS: a fee of 2^128 or more") {
        assert_nn(tx.actual_fee);
    }
    let (max_fee) = max_possible_fee(tx);
    with_attr error_message("OS: the fee {tx.actual_fee} exceeds the transaction's maximum {max_fee}") {
        assert_le_felt(tx.actual_fee, max_fee);
    }
    local token: felt;
    if (tx.version == 3) {
        token = block_info.strk_fee_token;
    } else {
        token = block_info.eth_fee_token;
    }
    with_attr error_message("OS: a fee is charged on a chain without a fee token") {
        assert_not_zero(token);
    }
    let (calldata: felt*) = alloc();
    assert calldata[0] = block_info.sequencer_address;
    assert calldata[1] = tx.actual_fee;
    assert calldata[2] = 0;
    execute_entry_point_gas(
        ctx,
        0,
        ENTRY_POINT_TYPE_EXTERNAL,
        token,
        TRANSFER_ENTRY_POINT_SELECTOR,
        3,
        calldata,
        account,
        DEFAULT_INITIAL_GAS,
        1,
    );
    return ();
}

// The most a transaction may be charged (see the top of this file). Below 2^196: a v3 term is
// at most 2^64 * (2^128 + 2^64).
func max_possible_fee{range_check_ptr}(tx: Transaction*) -> (max_fee: felt) {
    alloc_locals;
    if (tx.version != 3) {
        return (max_fee=tx.max_fee);
    }
    with_attr error_message("OS: a v3 transaction with {tx.n_resource_bounds} resource bounds") {
        assert (tx.n_resource_bounds - 2) * (tx.n_resource_bounds - 3) = 0;
    }
    // (resource, max_amount, max_price_per_unit) triples, checked against the hashed encoding:
    // L1 gas, L2 gas, then L1 data gas.
    local bounds: felt*;
    local nonce_mode: felt;
    local fee_mode: felt;
    %{ os_cairo1_tx_fields %}
    check_resource_bounds(tx.n_resource_bounds, tx.resource_bounds, bounds);
    with_attr error_message("OS: the resource bounds are not L1 gas, L2 gas (, L1 data gas)") {
        assert bounds[0] = L1_GAS_RESOURCE;
        assert bounds[3] = L2_GAS_RESOURCE;
    }
    tempvar l1_gas = bounds[1] * bounds[2];
    if (tx.n_resource_bounds == 2) {
        return (max_fee=l1_gas);
    }
    with_attr error_message("OS: the third resource bound is not the L1 data gas bound") {
        assert bounds[6] = L1_DATA_GAS_RESOURCE;
    }
    // The tip is a u64 (starknet_api's `Tip`); the check keeps the sum below p.
    assert_nn_le(tx.tip, 2 ** 64 - 1);
    return (max_fee=l1_gas + bounds[4] * (bounds[5] + tx.tip) + bounds[7] * bounds[8]);
}
