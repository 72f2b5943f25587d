// Bitwise operations in proof mode: mixes an accumulator with and/xor/or for i = n..1, and
// ands two values near 2^250, all through the bitwise builtin; outputs both results.
// `n` comes from the program input.
%builtins output bitwise

from starkware.cairo.common.bitwise import bitwise_and, bitwise_or, bitwise_xor
from starkware.cairo.common.cairo_builtins import BitwiseBuiltin
from starkware.cairo.common.serialize import serialize_word

func main{output_ptr: felt*, bitwise_ptr: BitwiseBuiltin*}() {
    alloc_locals;
    local n;
    %{ ids.n = program_input['n'] %}
    let (acc) = mix(n, 0x1234567890abcdef);
    let (high) = bitwise_and(2 ** 250 + 5, 2 ** 250 + 3);
    serialize_word(acc);
    serialize_word(high);
    return ();
}

func mix{bitwise_ptr: BitwiseBuiltin*}(i: felt, acc: felt) -> (res: felt) {
    if (i == 0) {
        return (res=acc);
    }
    let (a) = bitwise_and(acc, i * 40503);
    let (x) = bitwise_xor(acc, i * 7919);
    let (o) = bitwise_or(a, x);
    return mix(i - 1, o + i);
}
