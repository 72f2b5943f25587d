// The root of Starknet's height-64 Poseidon Patricia trie whose leaf i is values[i], for the
// consecutive keys 0..n-1 of the block commitments (transactions, events, receipts): the Cairo
// twin of chain::starknet_commitments::patricia_root, computed directly (no hints).
//
// A node's hash is a leaf's value, poseidon(left, right) for a binary node, and
// poseidon(child, path) + length for an edge of `length` bits down to `child`. With keys from 0,
// every subtree below is aligned: its leaves start at its first key, a split's left child is
// full, and every edge runs over zero bits (path 0).

from starkware.cairo.common.builtin_poseidon.poseidon import poseidon_hash
from starkware.cairo.common.cairo_builtins import PoseidonBuiltin
from starkware.cairo.common.math_cmp import is_le

// 2**64: the number of keys of a height-64 trie.
const TRIE_SIZE = 2 ** 64;

// The trie root of values[0..n] (0 for n = 0).
func trie_root{poseidon_ptr: PoseidonBuiltin*, range_check_ptr}(n: felt, values: felt*) -> (
    root: felt
) {
    if (n == 0) {
        return (root=0);
    }
    with_attr error_message("OS: a commitment trie has at most 2**64 leaves") {
        assert_le_size(n);
    }
    let (root) = subtree(values, n, 64, TRIE_SIZE);
    return (root=root);
}

func assert_le_size{range_check_ptr}(n: felt) {
    let le = is_le(n, TRIE_SIZE);
    assert le = 1;
    return ();
}

// The hash of an aligned subtree of height `height` (`size` = 2**height keys) whose first n
// keys (1 <= n <= size) hold values[0..n].
func subtree{poseidon_ptr: PoseidonBuiltin*, range_check_ptr}(
    values: felt*, n: felt, height: felt, size: felt
) -> (hash: felt) {
    alloc_locals;
    if (height == 0) {
        return (hash=values[0]);
    }
    local half = size / 2;
    let fits_left = is_le(n, half);
    if (fits_left == 0) {
        // Both halves hold leaves: a binary node; the left half is full.
        let (local left) = full_subtree(values, height - 1, half);
        let (right) = subtree(values + half, n - half, height - 1, half);
        let (hash) = poseidon_hash(left, right);
        return (hash=hash);
    }
    // All leaves in the left half: an edge of zeros down to the highest level whose node has
    // leaves on both sides (or to the leaf): the height L = ceil(log2(n)), below `height` since
    // n <= half. Found from the bottom (log2(n) comparisons, not one per level of the edge).
    let (bottom_height, bottom_size) = ceil_log2(n, 0, 1);
    local child_height = bottom_height;
    let (child) = subtree(values, n, child_height, bottom_size);
    let (edge) = poseidon_hash(child, 0);
    return (hash=edge + height - child_height);
}

// The hash of an aligned subtree of height `height` (`size` = 2**height keys) whose every key holds
// a value: binary nodes only, no comparisons.
func full_subtree{poseidon_ptr: PoseidonBuiltin*}(values: felt*, height: felt, size: felt) -> (
    hash: felt
) {
    alloc_locals;
    if (height == 0) {
        return (hash=values[0]);
    }
    local half = size / 2;
    let (local left) = full_subtree(values, height - 1, half);
    let (right) = full_subtree(values + half, height - 1, half);
    let (hash) = poseidon_hash(left, right);
    return (hash=hash);
}

// The smallest L >= log with 2**L >= n, and 2**L, for pow = 2**log.
func ceil_log2{range_check_ptr}(n: felt, log: felt, pow: felt) -> (log: felt, pow: felt) {
    let reached = is_le(n, pow);
    if (reached != 0) {
        return (log=log, pow=pow);
    }
    return ceil_log2(n, log + 1, pow * 2);
}
