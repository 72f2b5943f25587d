// Poseidon in proof mode: hashes a chain h_n = poseidon(h_(n-1), i) for i = n..1 from 0, and
// poseidon_hash_many([1, 2, 3]), both through the poseidon builtin, and outputs both.
// `n` comes from the program input.
%builtins output poseidon

from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.builtin_poseidon.poseidon import poseidon_hash, poseidon_hash_many
from starkware.cairo.common.cairo_builtins import PoseidonBuiltin
from starkware.cairo.common.serialize import serialize_word

func main{output_ptr: felt*, poseidon_ptr: PoseidonBuiltin*}() {
    alloc_locals;
    local n;
    %{ ids.n = program_input['n'] %}
    let (chain) = hash_chain(n, 0);
    let (values: felt*) = alloc();
    assert values[0] = 1;
    assert values[1] = 2;
    assert values[2] = 3;
    let (many) = poseidon_hash_many(3, values);
    serialize_word(chain);
    serialize_word(many);
    return ();
}

func hash_chain{poseidon_ptr: PoseidonBuiltin*}(i: felt, acc: felt) -> (res: felt) {
    if (i == 0) {
        return (res=acc);
    }
    let (h) = poseidon_hash(acc, i);
    return hash_chain(i - 1, h);
}
