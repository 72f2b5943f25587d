// Test program of os/commitment_trie.cairo: outputs trie_root of the first n of the values
// 1000 + 7 * i, for n = 0..40 and n = 64, 65, 100, 257 (compared with
// chain::starknet_commitments::patricia_root by tests/commitment_trie.rs).

%builtins output range_check poseidon

from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.cairo_builtins import PoseidonBuiltin

from os.commitment_trie import trie_root

func main{output_ptr: felt*, range_check_ptr, poseidon_ptr: PoseidonBuiltin*}() {
    alloc_locals;
    let (local values: felt*) = alloc();
    fill(values, 0, 257);
    roots(values, 0, 41);
    let (root) = trie_root(64, values);
    assert output_ptr[0] = root;
    let (root) = trie_root(65, values);
    assert output_ptr[1] = root;
    let (root) = trie_root(100, values);
    assert output_ptr[2] = root;
    let (root) = trie_root(257, values);
    assert output_ptr[3] = root;
    let output_ptr = output_ptr + 4;
    return ();
}

func fill(values: felt*, i: felt, n: felt) {
    if (i == n) {
        return ();
    }
    assert values[i] = 1000 + 7 * i;
    return fill(values, i + 1, n);
}

// Outputs trie_root(n, values) for n = start..end-1.
func roots{output_ptr: felt*, range_check_ptr, poseidon_ptr: PoseidonBuiltin*}(
    values: felt*, start: felt, end: felt
) {
    if (start == end) {
        return ();
    }
    let (root) = trie_root(start, values);
    assert output_ptr[0] = root;
    let output_ptr = output_ptr + 1;
    return roots(values, start + 1, end);
}
