// add_mod and mul_mod in proof mode, through `run_mod_p_circuit` of
// `starkware.cairo.common.modulo`: n rounds of a small circuit modulo the BLS12-381 base field
// prime p (381 bits, four 96-bit words), each round x -> ((x^2 + C) C - C) / x, as
//   v2 = v0 * v0, v3 = v2 + v1, v4 = v3 * v1, v1 + v5 = v4 (v5 deduced), v6 * v0 = v5 (v6
//   deduced)
// with v0 = x and v1 = C (every low word of C is 2^96 - 1, the largest a word holds): two add_mod
// and three mul_mod instances a round, one chain of each (n = 2 and n = 3 in the builtins' first
// instance, the rest filled by the runner). The first x is above p (the builtins take unreduced
// inputs). Then one circuit modulo 97 (a one-word p): 96 + 95 and that sum times 95, one instance
// of each builtin. Outputs the last x (four words) and the two results modulo 97. `n` comes from
// the program input.
%builtins output add_mod mul_mod

from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.cairo_builtins import ModBuiltin, UInt384
from starkware.cairo.common.modulo import run_mod_p_circuit
from starkware.cairo.common.registers import get_label_location
from starkware.cairo.common.serialize import serialize_word

const P0 = 0xb153ffffb9feffffffffaaab;
const P1 = 0x6730d2a0f6b0f6241eabfffe;
const P2 = 0x434bacd764774b84f38512bf;
const P3 = 0x1a0111ea397fe69a4b1ba7b6;
const WORD_MAX = 2 ** 96 - 1;

func main{output_ptr: felt*, add_mod_ptr: ModBuiltin*, mul_mod_ptr: ModBuiltin*}() {
    alloc_locals;
    local n;
    %{ ids.n = program_input['n'] %}
    let p = UInt384(d0=P0, d1=P1, d2=P2, d3=P3);
    // x = p + 5, above p.
    let x = UInt384(d0=P0 + 5, d1=P1, d2=P2, d3=P3);
    let c = UInt384(d0=WORD_MAX, d1=WORD_MAX, d2=WORD_MAX, d3=P3 - 1);
    let (x) = rounds(n, p, x, c);
    serialize_word(x.d0);
    serialize_word(x.d1);
    serialize_word(x.d2);
    serialize_word(x.d3);
    let (sum, product) = modulo_97();
    serialize_word(sum);
    serialize_word(product);
    return ();
}

func rounds{add_mod_ptr: ModBuiltin*, mul_mod_ptr: ModBuiltin*}(
    i: felt, p: UInt384, x: UInt384, c: UInt384
) -> (x: UInt384) {
    alloc_locals;
    if (i == 0) {
        return (x=x);
    }
    let (local values: UInt384*) = alloc();
    assert values[0] = x;
    assert values[1] = c;
    let (add_offsets) = get_label_location(round_add_offsets);
    let (mul_offsets) = get_label_location(round_mul_offsets);
    run_mod_p_circuit(
        p=p,
        values_ptr=values,
        add_mod_offsets_ptr=add_offsets,
        add_mod_n=2,
        mul_mod_offsets_ptr=mul_offsets,
        mul_mod_n=3,
    );
    return rounds(i - 1, p, values[6], c);

    // (a, b, c) offsets into the values table (a UInt384 is four felts): a + b = c.
    round_add_offsets:
    dw 8;  // v3 = v2 + v1
    dw 4;
    dw 12;
    dw 4;  // v1 + v5 = v4
    dw 20;
    dw 16;

    // a * b = c.
    round_mul_offsets:
    dw 0;  // v2 = v0 * v0
    dw 0;
    dw 8;
    dw 12;  // v4 = v3 * v1
    dw 4;
    dw 16;
    dw 24;  // v6 * v0 = v5
    dw 0;
    dw 20;
}

func modulo_97{add_mod_ptr: ModBuiltin*, mul_mod_ptr: ModBuiltin*}() -> (
    sum: felt, product: felt
) {
    alloc_locals;
    let (local values: UInt384*) = alloc();
    assert values[0] = UInt384(d0=96, d1=0, d2=0, d3=0);
    assert values[1] = UInt384(d0=95, d1=0, d2=0, d3=0);
    let (offsets) = get_label_location(offsets_97);
    run_mod_p_circuit(
        p=UInt384(d0=97, d1=0, d2=0, d3=0),
        values_ptr=values,
        add_mod_offsets_ptr=offsets,
        add_mod_n=1,
        mul_mod_offsets_ptr=offsets + 3,
        mul_mod_n=1,
    );
    return (sum=values[2].d0, product=values[3].d0);

    offsets_97:
    dw 0;  // v2 = v0 + v1
    dw 4;
    dw 8;
    dw 8;  // v3 = v2 * v1
    dw 4;
    dw 12;
}
