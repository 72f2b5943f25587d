// A builtin-heavy mix in proof mode: a chain of `n_poseidon` Poseidon hashes, a chain of
// `n_pedersen` Pedersen hashes and `n_range_checks` range checks (assert_nn), in one run. The
// three counts come from the program input; the output is both chains' hashes and the sum of
// the range-checked values.
%builtins output pedersen range_check poseidon

from starkware.cairo.common.builtin_poseidon.poseidon import poseidon_hash
from starkware.cairo.common.cairo_builtins import HashBuiltin, PoseidonBuiltin
from starkware.cairo.common.hash import hash2
from starkware.cairo.common.math import assert_nn
from starkware.cairo.common.serialize import serialize_word

func main{
    output_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr, poseidon_ptr: PoseidonBuiltin*
}() {
    alloc_locals;
    local n_poseidon;
    local n_pedersen;
    local n_range_checks;
    %{ ids.n_poseidon = program_input['n_poseidon'] %}
    %{ ids.n_pedersen = program_input['n_pedersen'] %}
    %{ ids.n_range_checks = program_input['n_range_checks'] %}
    let (poseidon_result) = poseidon_chain(n_poseidon, 0);
    let (pedersen_result) = pedersen_chain(n_pedersen, 0);
    let sum = range_checks(n_range_checks, 0);
    serialize_word(poseidon_result);
    serialize_word(pedersen_result);
    serialize_word(sum);
    return ();
}

func poseidon_chain{poseidon_ptr: PoseidonBuiltin*}(i: felt, acc: felt) -> (res: felt) {
    if (i == 0) {
        return (res=acc);
    }
    let (h) = poseidon_hash(acc, i);
    return poseidon_chain(i - 1, h);
}

func pedersen_chain{pedersen_ptr: HashBuiltin*}(i: felt, acc: felt) -> (res: felt) {
    if (i == 0) {
        return (res=acc);
    }
    let (h) = hash2{hash_ptr=pedersen_ptr}(acc, i);
    return pedersen_chain(i - 1, h);
}

func range_checks{range_check_ptr}(i: felt, acc: felt) -> felt {
    if (i == 0) {
        return acc;
    }
    assert_nn(i);
    return range_checks(i - 1, acc + i);
}
