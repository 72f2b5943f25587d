// ec_op in proof mode: a chain r = ec_op(r, m_i, G) for i = n..1 from r = G with m_i = i * K
// (a 128-bit K, so the scalars have many bits), then ec_op on edge scalars (2, 0, 1, p - 1,
// 2^251 and p - 2, whose bits are those of p - 1 but the lowest), each through the ec_op builtin
// by `starkware.cairo.common.ec` (which adds a random point to P and subtracts it from R), then
// G + 5 Q on the builtin directly, and outputs every result's x and y. `n` comes from the program
// input.
%builtins output ec_op

from starkware.cairo.common.cairo_builtins import EcOpBuiltin
from starkware.cairo.common.ec import StarkCurve, ec_op
from starkware.cairo.common.ec_point import EcPoint
from starkware.cairo.common.serialize import serialize_word

const K = 0x9e3779b97f4a7c15f39cc0605cedc834;
const TWO_251 = 2 ** 251;
const TWO_196 = 2 ** 196;
const TWO_192 = 2 ** 192;

func main{output_ptr: felt*, ec_op_ptr: EcOpBuiltin*}() {
    alloc_locals;
    local n;
    %{ ids.n = program_input['n'] %}
    let g = EcPoint(x=StarkCurve.GEN_X, y=StarkCurve.GEN_Y);
    let (chain) = ec_op_chain(n, g, g);
    output_point(chain);
    // Q = 3 G, from the builtin as well.
    let (q) = ec_op(p=g, m=2, q=g);
    output_point(q);
    let (r) = ec_op(p=q, m=0, q=g);
    output_point(r);
    let (r) = ec_op(p=g, m=1, q=q);
    output_point(r);
    let (r) = ec_op(p=g, m=-1, q=q);
    output_point(r);
    let (r) = ec_op(p=q, m=TWO_251, q=g);
    output_point(r);
    let (r) = ec_op(p=chain, m=TWO_251 + TWO_196 + TWO_192 - 1, q=q);
    output_point(r);
    // G + 5 Q written straight to the builtin, its result output as the builtin deduces it.
    assert ec_op_ptr.p = g;
    assert ec_op_ptr.m = 5;
    assert ec_op_ptr.q = q;
    let r = ec_op_ptr.r;
    let ec_op_ptr = ec_op_ptr + EcOpBuiltin.SIZE;
    output_point(r);
    return ();
}

func ec_op_chain{ec_op_ptr: EcOpBuiltin*}(i: felt, r: EcPoint, q: EcPoint) -> (r: EcPoint) {
    if (i == 0) {
        return (r=r);
    }
    let (next) = ec_op(p=r, m=i * K, q=q);
    return ec_op_chain(i - 1, next, q);
}

func output_point{output_ptr: felt*}(p: EcPoint) {
    serialize_word(p.x);
    serialize_word(p.y);
    return ();
}
