// The Sierra gas of a transaction's account entry points, computed from the transaction's fields
// as blockifier 0.20 does (`TransactionContext::initial_sierra_gas`, `GasCounter::limit_usage`,
// `AccountTransaction::run_non_revertible` and `run_revertible`):
//
// * the transaction starts with `initial_sierra_gas`: a v1 transaction, or a v3 one with only L1
//   gas bounds (two encoded bounds: blockifier's `ValidResourceBounds::L1Gas`), gets
//   VALIDATE_MAX_SIERRA_GAS + EXECUTE_MAX_SIERRA_GAS; a v3 one with all three bounds gets its L2
//   gas bound's max_amount;
// * each account entry point gets min(gas left to the transaction, its limit): validation
//   entry points (`__validate__`, `__validate_deploy__`, `__validate_declare__`) and a
//   DEPLOY_ACCOUNT's constructor (run in validate mode) VALIDATE_MAX_SIERRA_GAS, `__execute__`
//   EXECUTE_MAX_SIERRA_GAS;
// * what it consumed (call gas less the gas it returned; 0 for Cairo 0 code, which runs in
//   Cairo-steps mode) is taken from the gas left to the transaction.

from starkware.cairo.common.math import assert_nn_le
from starkware.cairo.common.math_cmp import is_le

from os.cairo1 import check_resource_bounds
from os.constants import EXECUTE_MAX_SIERRA_GAS, L2_GAS_RESOURCE, VALIDATE_MAX_SIERRA_GAS
from os.structs import Transaction

// The gas the transaction `tx` starts with.
func initial_sierra_gas{range_check_ptr}(tx: Transaction*) -> (gas: felt) {
    alloc_locals;
    if (tx.version == 1) {
        return (gas=VALIDATE_MAX_SIERRA_GAS + EXECUTE_MAX_SIERRA_GAS);
    }
    if (tx.n_resource_bounds == 2) {
        return (gas=VALIDATE_MAX_SIERRA_GAS + EXECUTE_MAX_SIERRA_GAS);
    }
    with_attr error_message("OS: a v3 transaction with {tx.n_resource_bounds} resource bounds") {
        assert tx.n_resource_bounds = 3;
    }
    // The bounds as (resource, max_amount, max_price_per_unit) triples from the hint, checked
    // against the hashed encoding; the second is the L2 gas bound.
    local bounds: felt*;
    local nonce_mode: felt;
    local fee_mode: felt;
    %{ os_cairo1_tx_fields %}
    check_resource_bounds(3, tx.resource_bounds, bounds);
    with_attr error_message("OS: the second resource bound is not the L2 gas bound") {
        assert bounds[3] = L2_GAS_RESOURCE;
    }
    return (gas=bounds[4]);
}

// The gas an account entry point gets: min(`remaining`, `limit`), both below 2^64.
func limit_usage{range_check_ptr}(remaining: felt, limit: felt) -> (gas: felt) {
    let below = is_le(remaining, limit);
    if (below != 0) {
        return (gas=remaining);
    }
    return (gas=limit);
}

// The gas left to the transaction after an entry point given `call_gas` returned
// `returned_gas` (at most `call_gas`: execute_entry_point_gas checks it).
func spend{range_check_ptr}(remaining: felt, call_gas: felt, returned_gas: felt) -> (
    remaining: felt
) {
    let consumed = call_gas - returned_gas;
    assert_nn_le(consumed, remaining);
    return (remaining=remaining - consumed);
}
