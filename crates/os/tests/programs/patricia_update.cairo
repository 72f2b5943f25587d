// Test program of os/state/patricia.cairo: applies the updates a test hint writes to the trie
// with the root it gives, and outputs the new root.

%builtins output pedersen range_check poseidon

from starkware.cairo.common.cairo_builtins import HashBuiltin, PoseidonBuiltin
from starkware.cairo.common.dict_access import DictAccess

from os.state.patricia import patricia_update

func main{
    output_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr, poseidon_ptr: PoseidonBuiltin*
}() {
    alloc_locals;
    local prev_root;
    local updates: DictAccess*;
    local n_updates;
    local trie_hash;
    %{
        ids.prev_root, ids.updates, ids.n_updates, ids.trie_hash = load_patricia_test_input(
            segments, memory)
    %}
    with trie_hash {
        let (new_root) = patricia_update(prev_root, updates, n_updates);
    }
    assert output_ptr[0] = new_root;
    let output_ptr = output_ptr + 1;
    return ();
}
