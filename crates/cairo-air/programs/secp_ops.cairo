// secp256k1 and secp256r1 (P-256) arithmetic with cairo-lang's libraries: `cairo_secp`, whose
// hints cairo-vm always runs, and `secp256r1`, whose hints (`compute_q_mod_prime`, the r1
// `reduce` and slope hints) cairo-vm runs behind its `cairo-0-secp-hints` feature. For each
// curve, 2G by `ec_double` and 3G by `ec_add` of its generator G; outputs each point's x as three
// 86-bit limbs (d0, d1, d2): k1's 2G, 3G, then r1's 2G, 3G.
%builtins output range_check

from starkware.cairo.common.cairo_secp.bigint3 import BigInt3
from starkware.cairo.common.cairo_secp.ec import ec_add as k1_add, ec_double as k1_double
from starkware.cairo.common.cairo_secp.ec_point import EcPoint
from starkware.cairo.common.secp256r1.ec import ec_add as r1_add, ec_double as r1_double
from starkware.cairo.common.serialize import serialize_word

func output_x{output_ptr: felt*}(point: EcPoint) {
    serialize_word(point.x.d0);
    serialize_word(point.x.d1);
    serialize_word(point.x.d2);
    return ();
}

func main{output_ptr: felt*, range_check_ptr}() {
    alloc_locals;
    let k1 = EcPoint(
        x=BigInt3(d0=0xe28d959f2815b16f81798, d1=0xa573a1c2c1c0a6ff36cb7, d2=0x79be667ef9dcbbac55a06),
        y=BigInt3(d0=0x554199c47d08ffb10d4b8, d1=0x2ff0384422a3f45ed1229a, d2=0x483ada7726a3c4655da4f),
    );
    let (local k1_2g) = k1_double(k1);
    let (local k1_3g) = k1_add(k1_2g, k1);
    let r1 = EcPoint(
        x=BigInt3(d0=0x2b33a0f4a13945d898c296, d1=0x1b958e9103c9dc0df604b7, d2=0x6b17d1f2e12c4247f8bce),
        y=BigInt3(d0=0x315ececbb6406837bf51f5, d1=0x2d29f03e7858af38cd5dac, d2=0x4fe342e2fe1a7f9b8ee7e),
    );
    let (local r1_2g) = r1_double(r1);
    let (local r1_3g) = r1_add(r1_2g, r1);
    output_x(k1_2g);
    output_x(k1_3g);
    output_x(r1_2g);
    output_x(r1_3g);
    return ();
}
