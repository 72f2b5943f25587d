// ECDSA in proof mode: checks three Stark-curve signatures through the ecdsa builtin. Each
// message is the Pedersen hash of a payload and the signature's index; keys, payloads and
// signatures `(r, s)` come from the program input (`key0`, `payload0`, `r0`, `s0`, ...). The
// program outputs each key and message it checked.
%builtins output pedersen ecdsa

from starkware.cairo.common.cairo_builtins import HashBuiltin, SignatureBuiltin
from starkware.cairo.common.hash import hash2
from starkware.cairo.common.serialize import serialize_word
from starkware.cairo.common.signature import verify_ecdsa_signature

func main{output_ptr: felt*, pedersen_ptr: HashBuiltin*, ecdsa_ptr: SignatureBuiltin*}() {
    alloc_locals;
    local key0;
    local payload0;
    local r0;
    local s0;
    local key1;
    local payload1;
    local r1;
    local s1;
    local key2;
    local payload2;
    local r2;
    local s2;
    %{ ids.key0 = program_input['key0'] %}
    %{ ids.payload0 = program_input['payload0'] %}
    %{ ids.r0 = program_input['r0'] %}
    %{ ids.s0 = program_input['s0'] %}
    %{ ids.key1 = program_input['key1'] %}
    %{ ids.payload1 = program_input['payload1'] %}
    %{ ids.r1 = program_input['r1'] %}
    %{ ids.s1 = program_input['s1'] %}
    %{ ids.key2 = program_input['key2'] %}
    %{ ids.payload2 = program_input['payload2'] %}
    %{ ids.r2 = program_input['r2'] %}
    %{ ids.s2 = program_input['s2'] %}
    check_signature(0, key0, payload0, r0, s0);
    check_signature(1, key1, payload1, r1, s1);
    check_signature(2, key2, payload2, r2, s2);
    return ();
}

// Checks that (r, s) signs hash2(payload, index) under `key` and outputs the key and message.
func check_signature{output_ptr: felt*, pedersen_ptr: HashBuiltin*, ecdsa_ptr: SignatureBuiltin*}(
    index: felt, key: felt, payload: felt, r: felt, s: felt
) {
    let (message) = hash2{hash_ptr=pedersen_ptr}(payload, index);
    verify_ecdsa_signature(message=message, public_key=key, signature_r=r, signature_s=s);
    serialize_word(key);
    serialize_word(message);
    return ();
}
