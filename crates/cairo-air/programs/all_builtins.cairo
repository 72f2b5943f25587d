// Every builtin the prover supports, in one proof-mode run (the all_cairo layout's eleven, in
// its order): one Pedersen hash, one range check, one ECDSA check (the signature of
// `ecdsa_checks`), one and/xor/or, one ec_op (G + 2 G), one Keccak-f[1600] of a state with
// every cell 2^200 - 1, one Poseidon permutation, one range_check96 of 2^96 - 1, and
// 96 + 95 and (96 + 95) 95 modulo 97 through add_mod and mul_mod. Outputs each result (the
// keccak state's first and last cells).
%builtins output pedersen range_check ecdsa bitwise ec_op keccak poseidon range_check96 add_mod mul_mod

from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.cairo_builtins import (
    BitwiseBuiltin,
    EcOpBuiltin,
    HashBuiltin,
    KeccakBuiltin,
    ModBuiltin,
    PoseidonBuiltin,
    SignatureBuiltin,
    UInt384,
)
from starkware.cairo.common.ec import StarkCurve, ec_op
from starkware.cairo.common.ec_point import EcPoint
from starkware.cairo.common.hash import hash2
from starkware.cairo.common.keccak_state import KeccakBuiltinState
from starkware.cairo.common.math import assert_nn
from starkware.cairo.common.modulo import run_mod_p_circuit
from starkware.cairo.common.poseidon_state import PoseidonBuiltinState
from starkware.cairo.common.registers import get_label_location
from starkware.cairo.common.serialize import serialize_word
from starkware.cairo.common.signature import verify_ecdsa_signature

const KEY = 0x77a3b314db07c45076d11f62b6f9e748a39790441823307743cf00d6597ea43;
const MESSAGE = 0x77697463686572;
const SIG_R = 0x4a6f15a2371f1852c761728945f114c3d01e45644ddf8144c6652b5e79c9bad;
const SIG_S = 0x2417f456af92f93ae8d2e03d87028dabfd6a32fb9595a3b7254b1187af7eacd;
const TOP = 2 ** 200 - 1;

func main{
    output_ptr: felt*,
    pedersen_ptr: HashBuiltin*,
    range_check_ptr,
    ecdsa_ptr: SignatureBuiltin*,
    bitwise_ptr: BitwiseBuiltin*,
    ec_op_ptr: EcOpBuiltin*,
    keccak_ptr: KeccakBuiltin*,
    poseidon_ptr: PoseidonBuiltin*,
    range_check96_ptr: felt*,
    add_mod_ptr: ModBuiltin*,
    mul_mod_ptr: ModBuiltin*,
}() {
    alloc_locals;
    let (hash) = hash2{hash_ptr=pedersen_ptr}(1, 2);
    serialize_word(hash);

    assert_nn(12345);

    verify_ecdsa_signature(message=MESSAGE, public_key=KEY, signature_r=SIG_R, signature_s=SIG_S);

    assert bitwise_ptr.x = 12;
    assert bitwise_ptr.y = 10;
    serialize_word(bitwise_ptr.x_and_y);
    serialize_word(bitwise_ptr.x_xor_y);
    serialize_word(bitwise_ptr.x_or_y);
    let bitwise_ptr = bitwise_ptr + BitwiseBuiltin.SIZE;

    let g = EcPoint(x=StarkCurve.GEN_X, y=StarkCurve.GEN_Y);
    let (r) = ec_op(p=g, m=2, q=g);
    serialize_word(r.x);
    serialize_word(r.y);

    assert keccak_ptr.input = KeccakBuiltinState(TOP, TOP, TOP, TOP, TOP, TOP, TOP, TOP);
    serialize_word(keccak_ptr.output.s0);
    serialize_word(keccak_ptr.output.s7);
    let keccak_ptr = keccak_ptr + KeccakBuiltin.SIZE;

    assert poseidon_ptr.input = PoseidonBuiltinState(1, 2, 3);
    serialize_word(poseidon_ptr.output.s0);
    let poseidon_ptr = poseidon_ptr + PoseidonBuiltin.SIZE;

    assert [range_check96_ptr] = 2 ** 96 - 1;
    let range_check96_ptr = range_check96_ptr + 1;

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
    serialize_word(values[2].d0);
    serialize_word(values[3].d0);
    return ();

    offsets_97:
    dw 0;  // v2 = v0 + v1
    dw 4;
    dw 8;
    dw 8;  // v3 = v2 * v1
    dw 4;
    dw 12;
}
