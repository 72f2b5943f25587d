// A Cairo 0 contract that Cairo 1 code calls (crates/os/tests/cairo1.rs): the `IOtherContract`
// of cairo-lang's `new_syntax_test_contract` counter, which asks it before decreasing.
%lang starknet

@view
func decrease_allowed() -> (allowed: felt) {
    return (allowed=1);
}
