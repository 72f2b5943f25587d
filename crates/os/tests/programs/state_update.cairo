// Test program of os/state/state_update.cairo: runs the state update over the dict access logs a
// test hint writes (as the OS's execution would leave them) and outputs the new global root, the
// state-diff commitment and the state-diff length.

%builtins output pedersen range_check poseidon

from starkware.cairo.common.cairo_builtins import HashBuiltin, PoseidonBuiltin
from starkware.cairo.common.dict_access import DictAccess

from os.state.state_update import state_update

func main{
    output_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr, poseidon_ptr: PoseidonBuiltin*
}() {
    alloc_locals;
    local prev_root;
    local contract_changes_start: DictAccess*;
    local contract_changes_end: DictAccess*;
    local class_changes_start: DictAccess*;
    local class_changes_end: DictAccess*;
    local deprecated_declared_start: DictAccess*;
    local deprecated_declared_end: DictAccess*;
    %{
        (ids.prev_root, ids.contract_changes_start, ids.contract_changes_end,
            ids.class_changes_start, ids.class_changes_end, ids.deprecated_declared_start,
            ids.deprecated_declared_end) = load_state_update_test_input(segments, memory)
    %}
    let (new_root, state_diff_commitment, state_diff_length) = state_update(
        prev_root,
        contract_changes_start,
        contract_changes_end,
        class_changes_start,
        class_changes_end,
        deprecated_declared_start,
        deprecated_declared_end,
    );
    assert output_ptr[0] = new_root;
    assert output_ptr[1] = state_diff_commitment;
    assert output_ptr[2] = state_diff_length;
    let output_ptr = output_ptr + 3;
    return ();
}
