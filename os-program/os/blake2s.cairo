// Blake2s-256 by cairo-vm's Blake opcodes, and the hash of felts that Starknet's compiled class
// hash v2 uses (starknet_api's `Blake2Felt252::encode_felt252_data_and_calc_blake_hash`,
// cairo-lang's function of the same name).
//
// * `blake2s_u32s(n_words, words)`: Blake2s-256 (no key, 32-byte digest) of the message whose
//   bytes are the words, each little-endian (so word `i` of block `j` is message word `i` of the
//   compression of block `j`); the digest as 8 words.
// * `encode_felts(n_felts, felts, words)`: Starknet's u32 encoding of felts: `x < 2^63` as 2
//   words `[x >> 32, x & (2^32 - 1)]`, `x >= 2^63` as 8 words, big-endian, of `x + 2^255` (the
//   top bit marks the long form; `x < p < 2^252` never has it).
// * `blake2s_felts(n_felts, felts)`: the felt of the encoded felts' digest, the digest's 8 words
//   read as one little-endian 256-bit number, reduced mod p.
//
// What is checked (soundness). The words of a felt, and which form it takes, come from the hint
// `blake2s_encode_next_felt` (served by `os::blake2s`, Rust); none is trusted:
// * every word is a `u32`: every encoded word is a message word of a Blake opcode (a full block
//   in place, the last block copied with `memcpy`), and a Blake step's message words are split
//   into 16-bit halves looked up in the prover's 16-bit table (SOUNDNESS.md, "The Blake
//   opcodes"; cairo-vm refuses to run the opcode on a word of 2^32 or more). So no range-check
//   instance is spent on the words;
// * a short form `[a, b]` recomposes (`x = a 2^32 + b`, exact: below 2^64 < p) and `a < 2^31`,
//   that is `x < 2^63` (one range check): the short form is used exactly for `x < 2^63`;
// * a long form recomposes (`x = w_0' 2^224 + w_1 2^192 + ... + w_7` in the field, `w_0' = w_0 -
//   2^31`), has the marker (`w_0' >= 0`: one range check), is the canonical representative
//   (the integer `W = sum w_i' 2^(32 (7 - i))` is at most `p - 1 = 2^251 + 17 2^192`: its top 64
//   bits at most `2^59 + 17`, and the rest 0 when equal; one range check), and `W >= 2^63` (its
//   top 192 bits not all 0, or `w_6 >= 2^31`: a range check only in that rare case). `W < p` and
//   `W = x mod p` make `W` the integer `x`, so the 8 words are the unique encoding of `x`.
// cairo-lang's version checks neither the canonical bound nor `W >= 2^63` (it notes that `x`
// may be encoded as `x + p`); here each felt has exactly one accepted encoding, so the hash of
// felts is a function of the felts.
//
// Cost (cairo-vm steps; `cargo test -p os --test compiled_class_hash -- --nocapture`): see
// os-program/os/README.md.
from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.math import unsigned_div_rem
from starkware.cairo.common.memcpy import memcpy
from starkware.cairo.common.memset import memset

// The long form's marker bit (of word 0); the short form is for felts below 2^63.
const LONG_FORM_MARKER = 2 ** 31;
// The top 64 bits (bits 192 to 255) of p - 1 = 2^251 + 17 * 2^192; its low 192 bits are 0.
const PRIME_MINUS_ONE_HIGH = 2 ** 59 + 17;

// Blake2s-256 of the `n_words` u32 words at `words` (the message bytes: each word
// little-endian). Returns the digest (8 words). Any `n_words >= 0`; the empty message is one
// all-zero block with counter 0, as Blake2s hashes it.
func blake2s_u32s{range_check_ptr}(n_words: felt, words: felt*) -> (digest: felt*) {
    alloc_locals;
    // The chain of states: each compression writes its output right after its input state.
    let (local states: felt*) = alloc();
    // Blake2s-256's initial state: the IV, word 0 xored with 0x01010020 (no key, 32 bytes).
    assert states[0] = 0x6B08E647;
    assert states[1] = 0xBB67AE85;
    assert states[2] = 0x3C6EF372;
    assert states[3] = 0xA54FF53A;
    assert states[4] = 0x510E527F;
    assert states[5] = 0x9B05688C;
    assert states[6] = 0x1F83D9AB;
    assert states[7] = 0x5BE0CD19;
    let (local last_block: felt*) = alloc();
    if (n_words == 0) {
        memset(last_block, 0, 16);
        blake2s_compress_last(0, states, last_block, states + 8);
        return (digest=states + 8);
    }
    // n_words = 16 n_blocks + last_length with 1 <= last_length <= 16: the `n_blocks` full
    // blocks before the last are compressed, then the last one, zero-padded, is finalized.
    let (n_blocks, last_length_minus_one) = unsigned_div_rem(n_words - 1, 16);
    local range_check_ptr = range_check_ptr;
    local last_length = last_length_minus_one + 1;
    let (local state: felt*) = compress_blocks(n_blocks, 0, states, words);
    local last_words: felt* = words + 16 * n_blocks;
    if (last_length == 16) {
        blake2s_compress_last(4 * n_words, state, last_words, state + 8);
        return (digest=state + 8);
    }
    memcpy(last_block, last_words, last_length);
    memset(last_block + last_length, 0, 16 - last_length);
    blake2s_compress_last(4 * n_words, state, last_block, state + 8);
    return (digest=state + 8);
}

// Compresses the `n_blocks` blocks of 16 words at `message` from `state` (not final; the
// counter is the bytes hashed so far, `counter` before the first block), writing each new
// state right after the previous one. Returns the last state.
func compress_blocks(n_blocks: felt, counter: felt, state: felt*, message: felt*) -> (
    state: felt*
) {
    if (n_blocks == 0) {
        return (state=state);
    }
    blake2s_compress(counter + 64, state, message, state + 8);
    return compress_blocks(n_blocks - 1, counter + 64, state + 8, message + 16);
}

// Writes Starknet's u32 encoding of the `n_felts` felts at `felts` at `words` (2 or 8 words a
// felt, see the header) and returns the end of the written words. Every word must then be
// hashed by a Blake opcode (`blake2s_u32s`), which is what makes it a u32.
//
// A loop (no call a short felt): at each felt the hint `blake2s_encode_next_felt` writes the
// felt's words at `words` and puts 1 at [ap] for the short form, 0 for the long form or at the
// end (`felts = felts_end`). Only the long-form branch can leave the loop, and only at the end:
// a hint that answers "short" at the end makes the loop read past the felts and never end, so
// no run finishes that way.
func encode_felts{range_check_ptr}(n_felts: felt, felts: felt*, words: felt*) -> (
    words_end: felt*
) {
    alloc_locals;
    local felts_end: felt* = felts + n_felts;
    tempvar words = words;
    tempvar felts = felts;
    tempvar range_check_ptr = range_check_ptr;

    loop:
    %{ blake2s_encode_next_felt %}
    jmp short_form if [ap] != 0, ap++;

    if (felts_end - felts == 0) {
        return (words_end=words);
    }
    // The long form (see the header): the marker (`top`, bits 224 to 254, is at least 0) and
    // the recomposition from the number's bits 192 to 254 (`high`), 64 to 191 (`middle`) and
    // 0 to 63 (`low`), each an exact integer; then its bounds.
    tempvar top = words[0] - LONG_FORM_MARKER;
    assert [range_check_ptr] = top;
    tempvar high = top * 2 ** 32 + words[1];
    tempvar middle = words[2] * 2 ** 96 + words[3] * 2 ** 64 + words[4] * 2 ** 32 + words[5];
    tempvar low = words[6] * 2 ** 32 + words[7];
    assert felts[0] = high * 2 ** 192 + middle * 2 ** 64 + low;
    let range_check_ptr = range_check_ptr + 1;
    let (felts, words) = long_form_bounds(felts, words, high, middle, low);
    tempvar words = words;
    tempvar felts = felts;
    tempvar range_check_ptr = range_check_ptr;
    jmp loop;

    short_form:
    // felts[0] = words[0] 2^32 + words[1] (exact: below 2^64), below 2^63: words[0] < 2^31
    // (words[0] + 2^128 - 2^31 in the range checks' [0, 2^128)).
    tempvar high_word = words[0];
    assert felts[0] = high_word * 2 ** 32 + words[1];
    assert [range_check_ptr] = high_word + (2 ** 128 - LONG_FORM_MARKER);
    tempvar words = words + 2;
    tempvar felts = felts + 1;
    tempvar range_check_ptr = range_check_ptr + 1;
    jmp loop;
}

// The bounds of a long form whose number is `high 2^192 + middle 2^64 + low` (`high < 2^63`,
// `middle < 2^128`, `low < 2^64`, integers): at most p - 1 = 2^251 + 17 2^192 (`high` at most
// PRIME_MINUS_ONE_HIGH, the rest 0 when equal) and at least 2^63 (some bit from 63 up: `high +
// middle`, below 2^129, is 0 exactly when both are, and then `words[6]` must have its top bit).
// Returns the next felt and words.
func long_form_bounds{range_check_ptr}(
    felts: felt*, words: felt*, high: felt, middle: felt, low: felt
) -> (felts: felt*, words: felt*) {
    if (high == PRIME_MINUS_ONE_HIGH) {
        // Then `high + middle` is not 0.
        assert middle = 0;
        assert low = 0;
        return (felts=felts + 1, words=words + 8);
    }
    // high < PRIME_MINUS_ONE_HIGH: a larger `high` (below 2^63) would wrap to near p.
    assert [range_check_ptr] = PRIME_MINUS_ONE_HIGH - 1 - high;
    if (high + middle == 0) {
        assert [range_check_ptr + 1] = words[6] - LONG_FORM_MARKER;
        let range_check_ptr = range_check_ptr + 2;
        return (felts=felts + 1, words=words + 8);
    }
    let range_check_ptr = range_check_ptr + 1;
    return (felts=felts + 1, words=words + 8);
}

// Starknet's Blake2s hash of the `n_felts` felts at `felts` (`Blake2Felt252::hash_array`):
// Blake2s-256 of their u32 encoding, its digest read as a little-endian number mod p.
func blake2s_felts{range_check_ptr}(n_felts: felt, felts: felt*) -> (hash: felt) {
    alloc_locals;
    let (local words: felt*) = alloc();
    let (words_end) = encode_felts(n_felts, felts, words);
    let (digest) = blake2s_u32s(words_end - words, words);
    let hash = digest_to_felt(digest);
    return (hash=hash);
}

// The 8 digest words read as one little-endian 256-bit number (word 0 lowest), mod p.
func digest_to_felt(digest: felt*) -> felt {
    return digest[0] + digest[1] * 2 ** 32 + digest[2] * 2 ** 64 + digest[3] * 2 ** 96 +
        digest[4] * 2 ** 128 + digest[5] * 2 ** 160 + digest[6] * 2 ** 192 + digest[7] * 2 **
        224;
}

// The Blake opcodes. cairo-lang 0.14.0.1 has no syntax for them, so their instruction words
// are written with `dw` (as in crates/cairo-air/programs/blake2s_opcode.cairo): off_dst = -6,
// off_op0 = -5, off_op1 = -4 (the counter, state and message arguments), flags dst_reg =
// op0_reg = fp, op1 source fp, res = op1, pc and ap regular (flags word 11), opcode extension 1
// (`Blake`) or 2 (`BlakeFinalize`) at bit 63. The output pointer is at [ap] when the opcode
// runs; the opcode writes 8 words there.

// out = blake2s_compress(state, message, counter, 0, 0, 0): the `Blake` opcode.
func blake2s_compress(counter: felt, state: felt*, message: felt*, out: felt*) {
    [ap] = [fp - 3];
    dw 9226608984054267898;
    ap += 1;
    ret;
}

// out = blake2s_compress(state, message, counter, 0, 0xffffffff, 0): `BlakeFinalize`.
func blake2s_compress_last(counter: felt, state: felt*, message: felt*, out: felt*) {
    [ap] = [fp - 3];
    dw 18449981020909043706;
    ap += 1;
    ret;
}
