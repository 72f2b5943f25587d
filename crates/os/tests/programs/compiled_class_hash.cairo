// Test program of `crates/os/tests/compiled_class_hash.rs`: runs one function of
// `os.blake2s` or `os.compiled_class` on what the test's hint `load_compiled_class_test_input`
// writes, and outputs its result.
//
// kind 0: Blake2s-256 of `n` u32 words at `data`; outputs the 8 digest words.
// kind 1: Starknet's Blake2s hash of `n` felts at `data`; outputs the hash.
// kind 2: the compiled class hash of `compiled_class`, version `hash_version`; outputs it.
%builtins output range_check poseidon

from starkware.cairo.common.cairo_builtins import PoseidonBuiltin
from starkware.cairo.common.memcpy import memcpy

from os.blake2s import blake2s_felts, blake2s_u32s
from os.compiled_class import CompiledClass, compiled_class_hash

func main{output_ptr: felt*, range_check_ptr, poseidon_ptr: PoseidonBuiltin*}() {
    alloc_locals;
    local kind;
    local n;
    local data: felt*;
    local hash_version;
    local compiled_class: CompiledClass*;
    %{ load_compiled_class_test_input %}
    if (kind == 0) {
        let (digest) = blake2s_u32s(n, data);
        memcpy(output_ptr, digest, 8);
        let output_ptr = output_ptr + 8;
        return ();
    }
    if (kind == 1) {
        let (hash) = blake2s_felts(n, data);
        assert output_ptr[0] = hash;
        let output_ptr = output_ptr + 1;
        return ();
    }
    assert kind = 2;
    let (hash) = compiled_class_hash(hash_version, compiled_class);
    assert output_ptr[0] = hash;
    let output_ptr = output_ptr + 1;
    return ();
}
