// The state update of a block: squashes the OS's state dicts, checks every pre-block value they
// hold against the previous global root, and computes the new global root and the state-diff
// commitment (README.md, "State update interface").
//
// Formulas (crates/state, crates/chain; Starknet's commitment): storage tries and the contracts
// trie hash their nodes with Pedersen, the classes trie with Poseidon (patricia.cairo's
// `trie_hash`); contract leaf pedersen(pedersen(pedersen(class_hash, storage_root), nonce), 0), or
// 0 for an all-zero contract state; class leaf poseidon('CONTRACT_CLASS_LEAF_V0',
// compiled_class_hash), or 0 for an undeclared class; global root contracts_root when the classes
// root is 0, else poseidon_hash_many('STARKNET_STATE_V0', contracts_root, classes_root);
// state-diff commitment Starknet's (poseidon_hash_many over chain::StateDiff::commitment_preimage:
// 'STARKNET_STATE_DIFF0', deployed and replaced contracts together, declared Sierra classes,
// declared Cairo 0 classes, the placeholders 1, 0, storage, nonces), with only the entries whose
// value changed, and Starknet's state-diff length (the number of those entries).
//
// Soundness: the previous contracts and classes roots come from a hint and must give prev_root.
// A hint cannot switch between the rule's two cases: claiming classes root 0 makes prev_root
// itself the contracts root, whose nodes must then open with Pedersen preimages, and claiming a
// non-zero one needs a Poseidon preimage of prev_root. Every contract's pre-block class
// hash and nonce (the first StateEntry of its squashed dict entry, guessed by the OS when it
// first touched the address) and its pre-block storage root (hint) form the contract leaf that
// the contracts-trie update checks against the previous trie; the storage-trie update then checks
// every pre-block storage value against that storage root, and the classes-trie update every
// pre-block compiled class hash. So a wrong guess anywhere fails the run. Cairo 0 classes are in
// no trie: the declared ones only enter the state-diff commitment (each at most once per block:
// the dict of Cairo 0 declarations starts empty and every entry must be written 1).
//
// What the caller (the OS) must uphold: each contract's storage dict is one access log; the first
// StateEntry of an address has `storage_ptr` at the start of that log (not guessed) and every
// storage access (read or write) is followed by a new StateEntry whose `storage_ptr` is the log's
// end, so the squash below covers every access.

from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.builtin_poseidon.poseidon import poseidon_hash_many
from starkware.cairo.common.cairo_builtins import HashBuiltin, PoseidonBuiltin
from starkware.cairo.common.dict_access import DictAccess
from starkware.cairo.common.hash import hash2 as pedersen2
from starkware.cairo.common.memcpy import memcpy
from starkware.cairo.common.poseidon_state import PoseidonBuiltinState
from starkware.cairo.common.squash_dict import squash_dict

from os.state.patricia import TRIE_HASH_PEDERSEN, TRIE_HASH_POSEIDON, patricia_update
from os.structs import StateEntry

// Domain of the global root (state::hash::global_root_domain).
const GLOBAL_STATE_VERSION = 'STARKNET_STATE_V0';
// Domain of a classes-trie leaf (state::hash::class_leaf_domain).
const CLASS_LEAF_VERSION = 'CONTRACT_CLASS_LEAF_V0';
// Domain of the state-diff commitment (chain::state_diff::state_diff_domain).
const STATE_DIFF_VERSION = 'STARKNET_STATE_DIFF0';

// The sections of the state-diff commitment, as they are written: each pointer is the current
// end of its section's buffer.
struct DiffWriter {
    // (address, class_hash) of contracts deployed in the block (class hash 0 before) or whose
    // non-zero class hash changed, together as Starknet's state diff lists them.
    class_updates: felt*,
    // (address, nonce) of contracts whose nonce changed.
    nonces: felt*,
    // (address, n_entries, (key, value) * n_entries) of contracts whose storage changed.
    storage: felt*,
    // Number of contracts in `storage`.
    n_storage_contracts: felt,
}

// Applies the block's state changes to the state with global root prev_root.
//
// contract_changes: the access log of the dict address -> StateEntry*; class_changes: the access
// log of the dict class_hash -> compiled class hash of a Sierra class (0: not declared);
// deprecated_declared: the access log of the dict class_hash -> 1 of the Cairo 0 classes the
// block declares (starting empty). Returns the new global root, the state-diff commitment and the
// state-diff length.
func state_update{pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*, range_check_ptr}(
    prev_root: felt,
    contract_changes_start: DictAccess*,
    contract_changes_end: DictAccess*,
    class_changes_start: DictAccess*,
    class_changes_end: DictAccess*,
    deprecated_declared_start: DictAccess*,
    deprecated_declared_end: DictAccess*,
) -> (new_root: felt, state_diff_commitment: felt, state_diff_length: felt) {
    alloc_locals;
    local prev_contracts_root;
    local prev_classes_root;
    %{
        ids.prev_contracts_root, ids.prev_classes_root = (
            state_witness.contracts_root, state_witness.classes_root)
    %}
    let (prev_global_root) = global_root(prev_contracts_root, prev_classes_root);
    assert prev_global_root = prev_root;

    // Sierra classes: leaves of the classes trie, and the newly declared ones (ascending class
    // hash). The OS itself declares none yet (it runs Cairo 0 only): this is the interface a
    // Cairo 1 OS writes to.
    let (local squashed_classes: DictAccess*) = alloc();
    let (squashed_classes_end) = squash_dict(
        class_changes_start, class_changes_end, squashed_classes
    );
    local n_classes = (squashed_classes_end - squashed_classes) / DictAccess.SIZE;
    let (local class_leaves: DictAccess*) = alloc();
    let (local sierra_declared_start: felt*) = alloc();
    let (sierra_declared_end) = class_leaf_updates(
        squashed_classes, n_classes, class_leaves, sierra_declared_start
    );
    local sierra_declared_end: felt* = sierra_declared_end;
    let trie_hash = TRIE_HASH_POSEIDON;
    with trie_hash {
        let (local new_classes_root) = patricia_update(prev_classes_root, class_leaves, n_classes);
    }

    // Cairo 0 classes declared in the block (ascending class hash).
    let (local squashed_deprecated: DictAccess*) = alloc();
    let (squashed_deprecated_end) = squash_dict(
        deprecated_declared_start, deprecated_declared_end, squashed_deprecated
    );
    local n_declared = (squashed_deprecated_end - squashed_deprecated) / DictAccess.SIZE;
    let (local declared_start: felt*) = alloc();
    deprecated_declarations(squashed_deprecated, n_declared, declared_start);

    // Contracts: storage tries, leaves of the contracts trie, diff sections (ascending address).
    let (local squashed_contracts: DictAccess*) = alloc();
    let (squashed_contracts_end) = squash_dict(
        contract_changes_start, contract_changes_end, squashed_contracts
    );
    local n_contracts = (squashed_contracts_end - squashed_contracts) / DictAccess.SIZE;
    let (local contract_leaves: DictAccess*) = alloc();
    let (local class_updates_start: felt*) = alloc();
    let (local nonces_start: felt*) = alloc();
    let (local storage_start: felt*) = alloc();
    let (local writer: DiffWriter) = update_contracts(
        squashed_contracts,
        n_contracts,
        contract_leaves,
        DiffWriter(
            class_updates=class_updates_start,
            nonces=nonces_start,
            storage=storage_start,
            n_storage_contracts=0,
        ),
    );
    let trie_hash = TRIE_HASH_PEDERSEN;
    with trie_hash {
        let (new_contracts_root) = patricia_update(
            prev_contracts_root, contract_leaves, n_contracts
        );
    }
    let (local new_root) = global_root(new_contracts_root, new_classes_root);

    // chain::StateDiff::commitment_preimage.
    let (local preimage: felt*) = alloc();
    assert preimage[0] = STATE_DIFF_VERSION;
    let (end) = append_pairs(preimage + 1, class_updates_start, writer.class_updates);
    let (end) = append_pairs(end, sierra_declared_start, sierra_declared_end);
    assert end[0] = n_declared;
    memcpy(end + 1, declared_start, n_declared);
    let end = end + 1 + n_declared;
    assert end[0] = 1;
    assert end[1] = 0;
    assert end[2] = writer.n_storage_contracts;
    local storage_length = writer.storage - storage_start;
    memcpy(end + 3, storage_start, storage_length);
    let (end) = append_pairs(end + 3 + storage_length, nonces_start, writer.nonces);
    let (commitment) = poseidon_hash_many(end - preimage, preimage);
    // Starknet's state-diff length: one per class update, declaration, nonce and storage entry.
    let n_storage_entries = (storage_length - 2 * writer.n_storage_contracts) / 2;
    let length = (writer.class_updates - class_updates_start) / 2 + (
        sierra_declared_end - sierra_declared_start
    ) / 2 + n_declared + (writer.nonces - nonces_start) / 2 + n_storage_entries;
    return (new_root=new_root, state_diff_commitment=commitment, state_diff_length=length);
}

// contracts_root if classes_root is 0 (Starknet's rule for a state without Sierra classes),
// else poseidon_hash_many(GLOBAL_STATE_VERSION, contracts_root, classes_root).
func global_root{poseidon_ptr: PoseidonBuiltin*}(contracts_root: felt, classes_root: felt) -> (
    root: felt
) {
    if (classes_root == 0) {
        return (root=contracts_root);
    }
    // The sponge of poseidon_hash_many over three elements: absorb two, then the third and the
    // padding 1.
    assert poseidon_ptr.input = PoseidonBuiltinState(
        s0=GLOBAL_STATE_VERSION, s1=contracts_root, s2=0
    );
    let state = poseidon_ptr.output;
    assert poseidon_ptr[1].input = PoseidonBuiltinState(
        s0=state.s0 + classes_root, s1=state.s1 + 1, s2=state.s2
    );
    let root = poseidon_ptr[1].output.s0;
    let poseidon_ptr = poseidon_ptr + 2 * PoseidonBuiltin.SIZE;
    return (root=root);
}

// Writes (n_pairs, pairs...) at `dst` from the pair buffer [start, end); returns the end.
func append_pairs(dst: felt*, start: felt*, end: felt*) -> (end: felt*) {
    let length = end - start;
    assert dst[0] = length / 2;
    memcpy(dst + 1, start, length);
    return (end=dst + 1 + length);
}

// poseidon_hash(x, y).
func poseidon2{poseidon_ptr: PoseidonBuiltin*}(x: felt, y: felt) -> (hash: felt) {
    assert poseidon_ptr.input = PoseidonBuiltinState(s0=x, s1=y, s2=2);
    let hash = poseidon_ptr.output.s0;
    let poseidon_ptr = poseidon_ptr + PoseidonBuiltin.SIZE;
    return (hash=hash);
}

// The classes-trie leaf of a compiled class hash (0: not declared).
func class_leaf{poseidon_ptr: PoseidonBuiltin*}(compiled_class_hash: felt) -> (leaf: felt) {
    if (compiled_class_hash == 0) {
        return (leaf=0);
    }
    let (leaf) = poseidon2(CLASS_LEAF_VERSION, compiled_class_hash);
    return (leaf=leaf);
}

// The contracts-trie leaf of a contract state (0 for the all-zero state), with Pedersen.
func contract_leaf{pedersen_ptr: HashBuiltin*}(class_hash: felt, storage_root: felt, nonce: felt) -> (
    leaf: felt
) {
    if (class_hash == 0) {
        if (storage_root == 0) {
            if (nonce == 0) {
                return (leaf=0);
            }
        }
    }
    let hash_ptr = pedersen_ptr;
    with hash_ptr {
        let (inner) = pedersen2(class_hash, storage_root);
        let (with_nonce) = pedersen2(inner, nonce);
        let (leaf) = pedersen2(with_nonce, 0);
    }
    let pedersen_ptr = hash_ptr;
    return (leaf=leaf);
}

// Turns the squashed class changes into classes-trie updates and lists the newly declared
// Sierra classes as (class_hash, compiled_class_hash) pairs. A declared class never changes its
// compiled class hash.
func class_leaf_updates{poseidon_ptr: PoseidonBuiltin*}(
    changes: DictAccess*, n_changes: felt, leaves: DictAccess*, declared: felt*
) -> (declared: felt*) {
    alloc_locals;
    if (n_changes == 0) {
        return (declared=declared);
    }
    local class_hash = changes.key;
    local prev_compiled = changes.prev_value;
    local new_compiled = changes.new_value;
    assert leaves.key = class_hash;
    let (prev_leaf) = class_leaf(prev_compiled);
    assert leaves.prev_value = prev_leaf;
    let (new_leaf) = class_leaf(new_compiled);
    assert leaves.new_value = new_leaf;
    if (prev_compiled == 0) {
        if (new_compiled == 0) {
            return class_leaf_updates(
                changes + DictAccess.SIZE, n_changes - 1, leaves + DictAccess.SIZE, declared
            );
        }
        assert declared[0] = class_hash;
        assert declared[1] = new_compiled;
        return class_leaf_updates(
            changes + DictAccess.SIZE, n_changes - 1, leaves + DictAccess.SIZE, declared + 2
        );
    }
    assert new_compiled = prev_compiled;
    return class_leaf_updates(
        changes + DictAccess.SIZE, n_changes - 1, leaves + DictAccess.SIZE, declared
    );
}

// Updates every squashed contract change: its storage trie, its contracts-trie leaf update and
// its state-diff entries.
func update_contracts{pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*, range_check_ptr}(
    changes: DictAccess*, n_changes: felt, leaves: DictAccess*, writer: DiffWriter
) -> (writer: DiffWriter) {
    if (n_changes == 0) {
        return (writer=writer);
    }
    let (writer) = update_contract(changes, leaves, writer);
    return update_contracts(
        changes + DictAccess.SIZE, n_changes - 1, leaves + DictAccess.SIZE, writer
    );
}

func update_contract{pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*, range_check_ptr}(
    change: DictAccess*, leaf: DictAccess*, writer: DiffWriter
) -> (writer: DiffWriter) {
    alloc_locals;
    local address = change.key;
    local prev: StateEntry* = cast(change.prev_value, StateEntry*);
    local next: StateEntry* = cast(change.new_value, StateEntry*);

    let (local squashed_storage: DictAccess*) = alloc();
    let (squashed_storage_end) = squash_dict(
        prev.storage_ptr, next.storage_ptr, squashed_storage
    );
    local n_storage = (squashed_storage_end - squashed_storage) / DictAccess.SIZE;
    local prev_storage_root;
    %{ ids.prev_storage_root = state_witness.contracts[ids.address].storage_root %}
    let trie_hash = TRIE_HASH_PEDERSEN;
    with trie_hash {
        let (new_storage_root) = patricia_update(prev_storage_root, squashed_storage, n_storage);
    }
    local new_storage_root = new_storage_root;

    assert leaf.key = address;
    let (prev_leaf) = contract_leaf(prev.class_hash, prev_storage_root, prev.nonce);
    assert leaf.prev_value = prev_leaf;
    let (new_leaf) = contract_leaf(next.class_hash, new_storage_root, next.nonce);
    assert leaf.new_value = new_leaf;

    // State diff: storage entries go after the (address, n_entries) slots, which are written
    // only if some entry changed.
    let (storage_end) = storage_diff(squashed_storage, n_storage, writer.storage + 2);
    local n_entries = (storage_end - writer.storage - 2) / 2;
    local storage: felt*;
    local n_storage_contracts;
    if (n_entries == 0) {
        storage = writer.storage;
        n_storage_contracts = writer.n_storage_contracts;
    } else {
        assert writer.storage[0] = address;
        assert writer.storage[1] = n_entries;
        storage = storage_end;
        n_storage_contracts = writer.n_storage_contracts + 1;
    }
    let (class_updates) = class_change(
        address, prev.class_hash, next.class_hash, writer.class_updates
    );
    let (nonces) = nonce_change(address, prev.nonce, next.nonce, writer.nonces);
    return (
        writer=DiffWriter(
            class_updates=class_updates,
            nonces=nonces,
            storage=storage,
            n_storage_contracts=n_storage_contracts,
        ),
    );
}

// Writes (key, new_value) of every squashed storage entry whose value changed.
func storage_diff(entries: DictAccess*, n_entries: felt, out: felt*) -> (out: felt*) {
    if (n_entries == 0) {
        return (out=out);
    }
    if (entries.prev_value == entries.new_value) {
        return storage_diff(entries + DictAccess.SIZE, n_entries - 1, out);
    }
    assert out[0] = entries.key;
    assert out[1] = entries.new_value;
    return storage_diff(entries + DictAccess.SIZE, n_entries - 1, out + 2);
}

// A deployment (class hash 0 before) or a class replacement (another non-zero class hash): both
// are Starknet's "deployed contracts" of the state diff.
func class_change(address: felt, prev_class_hash: felt, new_class_hash: felt, updates: felt*) -> (
    updates: felt*
) {
    if (new_class_hash == prev_class_hash) {
        return (updates=updates);
    }
    assert updates[0] = address;
    assert updates[1] = new_class_hash;
    return (updates=updates + 2);
}

// A nonce change.
func nonce_change(address: felt, prev_nonce: felt, new_nonce: felt, nonces: felt*) -> (
    nonces: felt*
) {
    if (prev_nonce == new_nonce) {
        return (nonces=nonces);
    }
    assert nonces[0] = address;
    assert nonces[1] = new_nonce;
    return (nonces=nonces + 2);
}

// Lists the class hashes of the squashed Cairo 0 declarations: each was absent before the block
// (the dict starts empty: a guessed initial value is not trusted) and written 1 by its DECLARE.
func deprecated_declarations(changes: DictAccess*, n_changes: felt, out: felt*) {
    if (n_changes == 0) {
        return ();
    }
    assert changes.prev_value = 0;
    assert changes.new_value = 1;
    assert out[0] = changes.key;
    return deprecated_declarations(changes + DictAccess.SIZE, n_changes - 1, out + 1);
}
