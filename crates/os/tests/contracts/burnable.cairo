// A Cairo 0 stand-in for the L2 token of cairo-lang's `token_bridge` (crates/os/tests/cairo1.rs):
// the bridge's `initiate_withdraw` burns the withdrawn amount here (`permissioned_burn(account,
// amount: u256)`), which this contract allows and records nothing of.
%lang starknet

@external
func permissioned_burn(account: felt, amount_low: felt, amount_high: felt) {
    return ();
}
