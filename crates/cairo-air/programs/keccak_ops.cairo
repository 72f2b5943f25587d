// The keccak builtin in proof mode: states written into the builtin's cells directly, and
// keccak256 through cairo-lang's `builtin_keccak` library (which also uses bitwise and
// range_check). Outputs, in order:
// * Keccak-f[1600] of the zero state (8 cells of 200 bits);
// * the state after `n` permutations from the state with every cell 2^200 - 1, the largest
//   input the builtin takes (`n` from the program input);
// * keccak256 of the empty string, of "abc" and of the 200 bytes 0, 1, ..., 199 (two blocks),
//   each as (high, low) 128-bit halves of the big-endian hash.
%builtins output range_check bitwise keccak

from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.builtin_keccak.keccak import keccak_bigend
from starkware.cairo.common.cairo_builtins import BitwiseBuiltin, KeccakBuiltin
from starkware.cairo.common.keccak_state import KeccakBuiltinState
from starkware.cairo.common.serialize import serialize_word
from starkware.cairo.common.uint256 import Uint256

const TOP = 2 ** 200 - 1;

func main{
    output_ptr: felt*, range_check_ptr, bitwise_ptr: BitwiseBuiltin*, keccak_ptr: KeccakBuiltin*
}() {
    alloc_locals;
    local n;
    %{ ids.n = program_input['n'] %}
    let (first) = permute(KeccakBuiltinState(0, 0, 0, 0, 0, 0, 0, 0));
    serialize_state(first);
    let (last) = chain(n, KeccakBuiltinState(TOP, TOP, TOP, TOP, TOP, TOP, TOP, TOP));
    serialize_state(last);

    let (empty) = alloc();
    let (hash) = keccak_bigend(inputs=empty, n_bytes=0);
    serialize_hash(hash);
    let (abc) = alloc();
    // The input's 64-bit words are little-endian: 'a' is the low byte.
    assert abc[0] = 0x636261;
    let (hash) = keccak_bigend(inputs=abc, n_bytes=3);
    serialize_hash(hash);
    let (counting) = alloc();
    fill_counting(counting, 0);
    let (hash) = keccak_bigend(inputs=counting, n_bytes=200);
    serialize_hash(hash);
    return ();
}

// One instance of the builtin: writes the input cells, reads the output cells.
func permute{keccak_ptr: KeccakBuiltin*}(state: KeccakBuiltinState) -> (res: KeccakBuiltinState) {
    assert keccak_ptr.input = state;
    let res = keccak_ptr.output;
    let keccak_ptr = keccak_ptr + KeccakBuiltin.SIZE;
    return (res=res);
}

func chain{keccak_ptr: KeccakBuiltin*}(i: felt, state: KeccakBuiltinState) -> (
    res: KeccakBuiltinState
) {
    if (i == 0) {
        return (res=state);
    }
    let (next) = permute(state);
    return chain(i - 1, next);
}

func serialize_state{output_ptr: felt*}(state: KeccakBuiltinState) {
    serialize_word(state.s0);
    serialize_word(state.s1);
    serialize_word(state.s2);
    serialize_word(state.s3);
    serialize_word(state.s4);
    serialize_word(state.s5);
    serialize_word(state.s6);
    serialize_word(state.s7);
    return ();
}

func serialize_hash{output_ptr: felt*}(hash: Uint256) {
    serialize_word(hash.high);
    serialize_word(hash.low);
    return ();
}

// Words 0 to 24 of the bytes 0, 1, ..., 199: word i holds bytes 8 i to 8 i + 7, little-endian.
func fill_counting(words: felt*, i: felt) {
    if (i == 25) {
        return ();
    }
    assert words[i] = 8 * i * 0x0101010101010101 + 0x0706050403020100;
    return fill_counting(words, i + 1);
}
