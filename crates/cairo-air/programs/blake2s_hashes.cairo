// Blake2s in Cairo code over the bitwise builtin (cairo-lang's cairo_blake2s library): a chain
// of `n` hashes of one 64-byte block each (16 little-endian 32-bit words: the previous digest's
// 8 words, then the index and 7 fixed words), then `finalize_blake2s`, which checks every
// compression the hints filled in, 7 instances at a time packed into felts. Outputs the last
// digest as 8 words. `n` comes from the program input. The cost per hashed word is this
// program's cost divided by 16 n (benches/RESULTS.md, "Blake2s").
%builtins output range_check bitwise

from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.cairo_blake2s.blake2s import blake2s_as_words, finalize_blake2s
from starkware.cairo.common.cairo_builtins import BitwiseBuiltin
from starkware.cairo.common.memcpy import memcpy

func main{output_ptr: felt*, range_check_ptr, bitwise_ptr: BitwiseBuiltin*}() {
    alloc_locals;
    local n;
    %{ ids.n = program_input['n'] %}
    let (blake2s_ptr_start) = alloc();
    let blake2s_ptr = blake2s_ptr_start;
    // The first message's "previous digest": Blake2s-256's initial vector.
    let (digest: felt*) = alloc();
    assert digest[0] = 0x6A09E667;
    assert digest[1] = 0xBB67AE85;
    assert digest[2] = 0x3C6EF372;
    assert digest[3] = 0xA54FF53A;
    assert digest[4] = 0x510E527F;
    assert digest[5] = 0x9B05688C;
    assert digest[6] = 0x1F83D9AB;
    assert digest[7] = 0x5BE0CD19;
    let (last) = chain{blake2s_ptr=blake2s_ptr}(n, digest);
    finalize_blake2s(blake2s_ptr_start=blake2s_ptr_start, blake2s_ptr_end=blake2s_ptr);
    memcpy(output_ptr, last, 8);
    let output_ptr = output_ptr + 8;
    return ();
}

func chain{range_check_ptr, blake2s_ptr: felt*}(i: felt, digest: felt*) -> (digest: felt*) {
    alloc_locals;
    if (i == 0) {
        return (digest=digest);
    }
    let (message: felt*) = alloc();
    memcpy(message, digest, 8);
    assert message[8] = i;
    assert message[9] = 0x01234567;
    assert message[10] = 0x89ABCDEF;
    assert message[11] = 0xFEDCBA98;
    assert message[12] = 0x76543210;
    assert message[13] = 0xFFFFFFFF;
    assert message[14] = 0;
    assert message[15] = 0x80000000;
    let (next) = blake2s_as_words(data=message, n_bytes=64);
    return chain(i - 1, next);
}
