// The Cairo 1 `sha256_process_block` syscall: SHA-256's compression function over one 64-byte
// block, by cairo-lang's `sha256_utils` (message schedule and compression over the bitwise
// builtin). That library packs seven instances into 35-bit lanes of each felt; the OS runs one
// instance per syscall, in lane 0, so a block costs what a batch of seven would (1,568
// bitwise instances) and the other lanes compress zeros.

from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.cairo_builtins import BitwiseBuiltin
from starkware.cairo.common.cairo_sha256.sha256_utils import (
    compute_message_schedule,
    get_round_constants,
    sha2_compress,
)
from starkware.cairo.common.math import assert_nn_le
from starkware.cairo.common.memcpy import memcpy

const SHA256_BLOCK_WORDS = 16;
const SHA256_STATE_WORDS = 8;
const U32_MAX = 2 ** 32 - 1;

// Checks that `state` (8 words) and `block` (16 words) are 32-bit words, and that `new_state`
// (8 words) is the state after compressing `block` into `state`.
func sha256_process_block{range_check_ptr, bitwise_ptr: BitwiseBuiltin*}(
    state: felt*, block: felt*, new_state: felt*
) {
    alloc_locals;
    assert_u32s(SHA256_STATE_WORDS, state);
    assert_u32s(SHA256_BLOCK_WORDS, block);
    let (message: felt*) = alloc();
    memcpy(message, block, SHA256_BLOCK_WORDS);
    compute_message_schedule(message);
    let round_constants = get_round_constants();
    let (packed) = sha2_compress(state, message, round_constants);
    lane_zero(SHA256_STATE_WORDS, packed, new_state);
    return ();
}

func assert_u32s{range_check_ptr}(n: felt, words: felt*) {
    if (n == 0) {
        return ();
    }
    assert_nn_le(words[0], U32_MAX);
    return assert_u32s(n - 1, words + 1);
}

// out[i] = packed[i] & (2^32 - 1): the words of the instance in lane 0.
func lane_zero{bitwise_ptr: BitwiseBuiltin*}(n: felt, packed: felt*, out: felt*) {
    if (n == 0) {
        return ();
    }
    assert bitwise_ptr.x = packed[0];
    assert bitwise_ptr.y = U32_MAX;
    assert out[0] = bitwise_ptr.x_and_y;
    let bitwise_ptr = bitwise_ptr + BitwiseBuiltin.SIZE;
    return lane_zero(n - 1, packed + 1, out + 1);
}
