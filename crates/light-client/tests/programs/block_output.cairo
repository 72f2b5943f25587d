// TEST FIXTURE ONLY: stands in for the OS program in the light-client tests until the real OS
// exists. It proves nothing about a block: it copies twelve felts from its program input to the
// output builtin, in the order of `chain::BlockPublicOutput` (OS version, chain id, block
// number, block hash, parent block hash, previous state root, new state root, transaction
// count, transaction hashes digest, state-diff commitment, STRK fee token, ETH fee token), so
// that a proof of it has the shape of a block proof. Compiled with `cairo-compile --proof_mode` by scripts/cairo-lang.sh.
%builtins output

from starkware.cairo.common.serialize import serialize_word

func main{output_ptr: felt*}() {
    alloc_locals;
    local os_version;
    local chain_id;
    local block_number;
    local block_hash;
    local parent_block_hash;
    local previous_state_root;
    local new_state_root;
    local transaction_count;
    local transaction_hashes_digest;
    local state_diff_commitment;
    local strk_fee_token;
    local eth_fee_token;
    %{ ids.os_version = program_input['os_version'] %}
    %{ ids.chain_id = program_input['chain_id'] %}
    %{ ids.block_number = program_input['block_number'] %}
    %{ ids.block_hash = program_input['block_hash'] %}
    %{ ids.parent_block_hash = program_input['parent_block_hash'] %}
    %{ ids.previous_state_root = program_input['previous_state_root'] %}
    %{ ids.new_state_root = program_input['new_state_root'] %}
    %{ ids.transaction_count = program_input['transaction_count'] %}
    %{ ids.transaction_hashes_digest = program_input['transaction_hashes_digest'] %}
    %{ ids.state_diff_commitment = program_input['state_diff_commitment'] %}
    %{ ids.strk_fee_token = program_input['strk_fee_token'] %}
    %{ ids.eth_fee_token = program_input['eth_fee_token'] %}
    serialize_word(os_version);
    serialize_word(chain_id);
    serialize_word(block_number);
    serialize_word(block_hash);
    serialize_word(parent_block_hash);
    serialize_word(previous_state_root);
    serialize_word(new_state_root);
    serialize_word(transaction_count);
    serialize_word(transaction_hashes_digest);
    serialize_word(state_diff_commitment);
    serialize_word(strk_fee_token);
    serialize_word(eth_fee_token);
    return ();
}
