// The Cairo standard library in proof mode: a default dict (reads, writes, finalize with
// squash), Uint256 arithmetic and comparison, math and math_cmp, `hash2` (Pedersen) and
// `poseidon_hash_many`, a bitwise op. Outputs one result of each, in order; the values are
// checked by crates/cairo-air/tests/prove_programs.rs.
%builtins output pedersen range_check bitwise poseidon

from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.bitwise import bitwise_xor
from starkware.cairo.common.builtin_poseidon.poseidon import poseidon_hash_many
from starkware.cairo.common.cairo_builtins import BitwiseBuiltin, HashBuiltin, PoseidonBuiltin
from starkware.cairo.common.default_dict import default_dict_finalize, default_dict_new
from starkware.cairo.common.dict import dict_read, dict_write
from starkware.cairo.common.dict_access import DictAccess
from starkware.cairo.common.hash import hash2
from starkware.cairo.common.math import unsigned_div_rem
from starkware.cairo.common.math_cmp import is_le, is_nn
from starkware.cairo.common.serialize import serialize_word
from starkware.cairo.common.uint256 import Uint256, uint256_add, uint256_lt, uint256_mul

func main{
    output_ptr: felt*,
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    bitwise_ptr: BitwiseBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
}() {
    alloc_locals;

    // Dict: how many of 0..19 have each residue mod 5.
    let (local dict_start: DictAccess*) = default_dict_new(default_value=0);
    let dict_ptr = dict_start;
    with dict_ptr {
        count_residues(20);
        let (local count_of_3) = dict_read(key=3);
    }
    let (squashed_start, squashed_end) = default_dict_finalize(dict_start, dict_ptr, 0);
    serialize_word(count_of_3);
    serialize_word((squashed_end - squashed_start) / DictAccess.SIZE);

    // Uint256: (2^256 - 1) + 1 wraps with a carry; (3 * 2^128 + 2^127) * 4; 5 < 2^128.
    let (sum, carry) = uint256_add(Uint256(2 ** 128 - 1, 2 ** 128 - 1), Uint256(1, 0));
    serialize_word(sum.low + sum.high);
    serialize_word(carry);
    let (product_low, product_high) = uint256_mul(Uint256(2 ** 127, 3), Uint256(4, 0));
    serialize_word(product_low.low);
    serialize_word(product_low.high);
    serialize_word(product_high.low + product_high.high);
    let (less) = uint256_lt(Uint256(5, 0), Uint256(0, 1));
    serialize_word(less);

    // math / math_cmp.
    let (q, r) = unsigned_div_rem(100, 7);
    serialize_word(q);
    serialize_word(r);
    let le = is_le(7, 3);
    serialize_word(le);
    let nn = is_nn(-1);
    serialize_word(nn);

    // Hashes.
    let (pedersen) = hash2{hash_ptr=pedersen_ptr}(1, 2);
    serialize_word(pedersen);
    let (elements: felt*) = alloc();
    assert elements[0] = 1;
    assert elements[1] = 2;
    assert elements[2] = 3;
    let (poseidon) = poseidon_hash_many(3, elements);
    serialize_word(poseidon);

    // Bitwise.
    let (xor) = bitwise_xor(12, 10);
    serialize_word(xor);
    return ();
}

// Adds one to the dict entry of (i mod 5) for i = n - 1 down to 0.
func count_residues{range_check_ptr, dict_ptr: DictAccess*}(n: felt) {
    if (n == 0) {
        return ();
    }
    let (_, residue) = unsigned_div_rem(n - 1, 5);
    let (count) = dict_read(key=residue);
    dict_write(key=residue, new_value=count + 1);
    return count_residues(n - 1);
}
