// The compiled class hash of a CASM (Cairo 1) class, as starknet_api computes it
// (`contract_class::compiled_class_hash`, `HashableCompiledClass::hash`): version 2 (Starknet
// 0.14.1 and later, what the state commits to) hashes with Blake2s (`os.blake2s`), version 1
// (before) with Poseidon; the structure is the same:
//
//   entry_points_hash(eps) = H([selector_0, offset_0, H(builtins_0), selector_1, ...])
//   bytecode_hash(leaf of length n)   = H(the n felts)
//   bytecode_hash(node of children c) = H([len(c_0), bytecode_hash(c_0), len(c_1), ...]) + 1
//   compiled_class_hash = H([COMPILED_CLASS_V1, entry_points_hash(external),
//                            entry_points_hash(l1_handler), entry_points_hash(constructor),
//                            bytecode_hash(bytecode_segment_lengths)])
//
// with `H` Poseidon's `hash_many` or Blake2s over felts (`Blake2Felt252::hash_array`), a
// builtin name the felt of its ASCII bytes (big-endian), and the bytecode's segment tree
// `bytecode_segment_lengths` (one leaf of the whole bytecode when the class has none).
//
// The class is what a hint loads (`os::compiled_class::CompiledClassInput`); nothing in it is
// trusted: its hash is what is compared with a commitment. The segment tree is part of the
// class: a leaf's length must be non-negative and the leaves must cover the bytecode exactly.
from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.builtin_poseidon.poseidon import poseidon_hash_many
from starkware.cairo.common.cairo_builtins import PoseidonBuiltin

from os.blake2s import blake2s_felts

// starknet_api's `COMPILED_CLASS_V1`: the first element of the hashed list (both versions).
const COMPILED_CLASS_V1 = 'COMPILED_CLASS_V1';

// The hash of a compiled class hash version: 1 Poseidon, 2 Blake2s.
const COMPILED_CLASS_HASH_V1 = 1;
const COMPILED_CLASS_HASH_V2 = 2;

// The kinds of the flattened segment tree's nodes: a leaf is `[SEGMENT_LEAF, length]`, a node
// `[SEGMENT_NODE, n_children, child_0..., child_1..., ...]` (preorder).
const SEGMENT_LEAF = 0;
const SEGMENT_NODE = 1;

struct CompiledClassEntryPoint {
    // The entry point's selector.
    selector: felt,
    // Its offset in the bytecode.
    offset: felt,
    // The builtins it uses, by name (the felt of the name's ASCII bytes), in the class's order.
    n_builtins: felt,
    builtin_list: felt*,
}

struct CompiledClass {
    // Always COMPILED_CLASS_V1.
    compiled_class_version: felt,
    n_external_functions: felt,
    external_functions: CompiledClassEntryPoint*,
    n_l1_handlers: felt,
    l1_handlers: CompiledClassEntryPoint*,
    n_constructors: felt,
    constructors: CompiledClassEntryPoint*,
    bytecode_length: felt,
    bytecode_ptr: felt*,
    // `bytecode_segment_lengths`, flattened (SEGMENT_LEAF, SEGMENT_NODE).
    bytecode_segments: felt*,
}

// The compiled class hash of `compiled_class`, version `hash_version` (COMPILED_CLASS_HASH_V1 or
// COMPILED_CLASS_HASH_V2).
func compiled_class_hash{range_check_ptr, poseidon_ptr: PoseidonBuiltin*}(
    hash_version: felt, compiled_class: CompiledClass*
) -> (hash: felt) {
    alloc_locals;
    assert compiled_class.compiled_class_version = COMPILED_CLASS_V1;
    let (local elements: felt*) = alloc();
    assert elements[0] = COMPILED_CLASS_V1;
    let (external_hash) = entry_points_hash(
        hash_version, compiled_class.n_external_functions, compiled_class.external_functions
    );
    assert elements[1] = external_hash;
    let (l1_handlers_hash) = entry_points_hash(
        hash_version, compiled_class.n_l1_handlers, compiled_class.l1_handlers
    );
    assert elements[2] = l1_handlers_hash;
    let (constructors_hash) = entry_points_hash(
        hash_version, compiled_class.n_constructors, compiled_class.constructors
    );
    assert elements[3] = constructors_hash;
    let (segments_end, length, bytecode_hash) = bytecode_segment_hash(
        hash_version, compiled_class.bytecode_segments, compiled_class.bytecode_ptr
    );
    // The leaves cover the bytecode exactly (each length is in [0, 2^128), so is their sum).
    assert length = compiled_class.bytecode_length;
    assert elements[4] = bytecode_hash;
    return hash_felts(hash_version, 5, elements);
}

// H of the `n` felts at `data`: poseidon_hash_many (version 1) or Blake2s over felts (2).
func hash_felts{range_check_ptr, poseidon_ptr: PoseidonBuiltin*}(
    hash_version: felt, n: felt, data: felt*
) -> (hash: felt) {
    if (hash_version == COMPILED_CLASS_HASH_V1) {
        let (hash) = poseidon_hash_many(n, data);
        return (hash=hash);
    }
    assert hash_version = COMPILED_CLASS_HASH_V2;
    let (hash) = blake2s_felts(n, data);
    return (hash=hash);
}

// H([selector, offset, H(builtins)] of each of the `n` entry points).
func entry_points_hash{range_check_ptr, poseidon_ptr: PoseidonBuiltin*}(
    hash_version: felt, n: felt, entry_points: CompiledClassEntryPoint*
) -> (hash: felt) {
    alloc_locals;
    let (local elements: felt*) = alloc();
    entry_point_elements(hash_version, n, entry_points, elements);
    return hash_felts(hash_version, 3 * n, elements);
}

func entry_point_elements{range_check_ptr, poseidon_ptr: PoseidonBuiltin*}(
    hash_version: felt, n: felt, entry_points: CompiledClassEntryPoint*, elements: felt*
) {
    if (n == 0) {
        return ();
    }
    assert elements[0] = entry_points.selector;
    assert elements[1] = entry_points.offset;
    let (builtins_hash) = hash_felts(
        hash_version, entry_points.n_builtins, entry_points.builtin_list
    );
    assert elements[2] = builtins_hash;
    return entry_point_elements(
        hash_version, n - 1, entry_points + CompiledClassEntryPoint.SIZE, elements + 3
    );
}

// The hash of the bytecode segment (sub)tree at `segments`, whose bytecode starts at
// `bytecode`. Returns the end of the subtree in `segments`, the subtree's bytecode length and
// its hash.
func bytecode_segment_hash{range_check_ptr, poseidon_ptr: PoseidonBuiltin*}(
    hash_version: felt, segments: felt*, bytecode: felt*
) -> (segments_end: felt*, length: felt, hash: felt) {
    alloc_locals;
    if (segments[0] == SEGMENT_LEAF) {
        local length = segments[1];
        // A length from the class: non-negative (the leaves then sum to the bytecode length
        // as integers).
        assert [range_check_ptr] = length;
        let range_check_ptr = range_check_ptr + 1;
        let (hash) = hash_felts(hash_version, length, bytecode);
        return (segments_end=segments + 2, length=length, hash=hash);
    }
    assert segments[0] = SEGMENT_NODE;
    local n_children = segments[1];
    // [length_0, hash_0, length_1, hash_1, ...] of the children.
    let (local children: felt*) = alloc();
    let (segments_end, length) = children_hashes(
        hash_version, n_children, segments + 2, bytecode, children
    );
    local segments_end: felt* = segments_end;
    local length = length;
    let (hash) = hash_felts(hash_version, 2 * n_children, children);
    return (segments_end=segments_end, length=length, hash=hash + 1);
}

// Writes [length, hash] of `n` consecutive subtrees at `segments` (bytecode from `bytecode`)
// at `out`. Returns the end of the last subtree and the total length.
func children_hashes{range_check_ptr, poseidon_ptr: PoseidonBuiltin*}(
    hash_version: felt, n: felt, segments: felt*, bytecode: felt*, out: felt*
) -> (segments_end: felt*, length: felt) {
    alloc_locals;
    if (n == 0) {
        return (segments_end=segments, length=0);
    }
    let (segments_end, length, hash) = bytecode_segment_hash(hash_version, segments, bytecode);
    assert out[0] = length;
    assert out[1] = hash;
    local length = length;
    let (rest_end, rest_length) = children_hashes(
        hash_version, n - 1, segments_end, bytecode + length, out + 2
    );
    return (segments_end=rest_end, length=length + rest_length);
}
