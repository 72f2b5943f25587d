// Pedersen in proof mode: hashes a chain h = hash2(h, i) for i = n..1 from 0, then pairs of edge
// values (0, p - 1, values of 2^251 and more, the 2^248 boundary between a scalar's low and high
// parts), all through the pedersen builtin, and outputs every hash. `n` comes from the program
// input.
%builtins output pedersen

from starkware.cairo.common.cairo_builtins import HashBuiltin
from starkware.cairo.common.hash import hash2
from starkware.cairo.common.serialize import serialize_word

const TWO_251 = 2 ** 251;
const TWO_248 = 2 ** 248;
const TWO_196 = 2 ** 196;

func main{output_ptr: felt*, pedersen_ptr: HashBuiltin*}() {
    alloc_locals;
    local n;
    %{ ids.n = program_input['n'] %}
    let (chain) = hash_chain(n, 0);
    serialize_word(chain);
    hash_and_output(0, 0);
    hash_and_output(-1, -1);
    hash_and_output(1, -1);
    hash_and_output(TWO_251, TWO_251 + 12345);
    hash_and_output(TWO_248 - 1, TWO_248);
    hash_and_output(-TWO_196, TWO_251 + TWO_196 - 1);
    return ();
}

func hash_and_output{output_ptr: felt*, pedersen_ptr: HashBuiltin*}(x: felt, y: felt) {
    let (h) = hash2{hash_ptr=pedersen_ptr}(x, y);
    serialize_word(h);
    return ();
}

func hash_chain{pedersen_ptr: HashBuiltin*}(i: felt, acc: felt) -> (res: felt) {
    if (i == 0) {
        return (res=acc);
    }
    let (h) = hash2{hash_ptr=pedersen_ptr}(acc, i);
    return hash_chain(i - 1, h);
}
