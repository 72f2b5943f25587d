// Keccak in Cairo over the bitwise builtin (cairo-lang's `cairo_keccak` library and its hint
// family: the hints compute each permutation, `finalize_keccak` checks them all, packed):
// keccak256 of the `n` 256-bit numbers i * (2^128 + 1) for i = 1..n, big-endian, and of the
// single number 2^255 - 19. Outputs each hash as (low, high) 128-bit halves. `n` comes from
// the program input.
%builtins output range_check bitwise

from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.cairo_builtins import BitwiseBuiltin
from starkware.cairo.common.cairo_keccak.keccak import cairo_keccak_uint256s_bigend, finalize_keccak
from starkware.cairo.common.uint256 import Uint256

func main{output_ptr: felt*, range_check_ptr, bitwise_ptr: BitwiseBuiltin*}() {
    alloc_locals;
    local n;
    %{ ids.n = program_input['n'] %}
    let (keccak_ptr_start) = alloc();
    let keccak_ptr = keccak_ptr_start;
    let (numbers: Uint256*) = alloc();
    fill(numbers, 1, n);
    let (many) = cairo_keccak_uint256s_bigend{keccak_ptr=keccak_ptr}(n_elements=n, elements=numbers);
    let (one: Uint256*) = alloc();
    assert one[0] = Uint256(low=2 ** 128 - 19, high=2 ** 127 - 1);
    let (single) = cairo_keccak_uint256s_bigend{keccak_ptr=keccak_ptr}(n_elements=1, elements=one);
    finalize_keccak(keccak_ptr_start=keccak_ptr_start, keccak_ptr_end=keccak_ptr);
    assert output_ptr[0] = many.low;
    assert output_ptr[1] = many.high;
    assert output_ptr[2] = single.low;
    assert output_ptr[3] = single.high;
    let output_ptr = output_ptr + 4;
    return ();
}

// Writes i * (2^128 + 1) (low = high = i) for i = first..n.
func fill(numbers: Uint256*, i: felt, n: felt) {
    if (i == n + 1) {
        return ();
    }
    assert numbers[0] = Uint256(low=i, high=i);
    return fill(numbers + Uint256.SIZE, i + 1, n);
}
