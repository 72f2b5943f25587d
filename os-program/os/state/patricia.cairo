// Merkle-Patricia trie update of height 251, checked in Cairo against the previous root.
//
// The tries are Starknet's (crates/state): binary node H(left, right), edge node
// H(child, path) + length (path: the `length` key bits below the node, most significant first),
// empty subtree 0, a leaf is its value. H is the trie's hash, the implicit argument `trie_hash`
// (state::hash::TrieHash): TRIE_HASH_PEDERSEN (the pedersen builtin, `pedersen_hash`) for the
// storage and contracts tries, TRIE_HASH_POSEIDON (the poseidon builtin, `poseidon_hash`,
// capacity 2) for the classes trie; `hash2` is the one place that dispatches on it. A key's bit
// h - 1 chooses the branch at height h (bit 250 under the root).
//
// `patricia_update` recurses over the previous tree, opening only the nodes on the paths of the
// updated keys; untouched subtrees keep their hash. A subtree at height h is described by a
// triple (bottom, path, length): `length` levels of single children following `path`, above
// `bottom` (the hash of a node or leaf at height h - length). length 0 means the subtree's hash
// is `bottom` itself; (0, 0, 0) is the empty subtree. Its hash is `bottom` when length is 0, and
// H(bottom, path) + length otherwise.
//
// Soundness (why a run that ends proves that new_root is the trie of the previous leaves with
// the updates applied, and that every prev_value is the previous leaf):
// * Node preimages come from hints and are checked: H(left, right) = node for a binary node,
//   H(child, path) + length = node for an edge, with 1 <= length <= height and path < 2**length
//   (so an edge never reaches past the leaves and its path is the integer its bits form). The
//   previous tree is an honest canonical trie (prev_root is trusted), so by collision resistance
//   these are its nodes.
// * Each subtree carries the integer `prefix` its position spells (the 251 - height key bits
//   above it), built only from checked bits (binary branches, edge paths, range-checked splits of
//   edge paths). At height 0, exactly one update may arrive, and its key must equal the prefix:
//   every update therefore sits under the leaf it claims, so the hinted partitions of the update
//   list (split points, how far updates follow an edge) cannot misplace one. Two updates of one
//   key cannot both pass (they would meet at the same leaf), and each split point m of n updates
//   is range-checked (0 <= m <= n), so every update is consumed exactly once. A hint that splits
//   too early only costs steps (on the single-key path it fails); one that claims too much fails
//   a leaf check. crates/os/tests/state_update.rs runs the update with lying hints.
// * Heights never go below 0, so the leaf checks cannot be escaped: every descent is by a checked
//   amount (1 below a node at height >= 1, an edge's length <= height, a split depth d < height),
//   and at height 0 nothing is opened (a leaf value crafted as a node hash stays a leaf) and more
//   than one update fails. The constant tables are only read at such checked indices.
// * The leaf's prev_value must equal the previous leaf (the value under `bottom` at height 0, or 0
//   under an empty subtree or beside an edge the key leaves).
// * The new subtree is rebuilt bottom up in canonical form: two empty children give an empty
//   subtree, one empty child extends the other's edge by one bit (opening an untouched sibling,
//   checked as above, to merge its edge), two non-empty children give a binary node. The
//   triples a recursion returns for a changed subtree are canonical (bottom is a leaf or a binary
//   node); only an untouched child of a binary node is opaque (its kind unknown) and is opened
//   when it must be extended. So the new root is the canonical trie's hash, which depends only on
//   the set of non-zero leaves.
//
// Keys must be below 2**251 (the leaf check fails otherwise); values are any felts (0 deletes).

from starkware.cairo.common.cairo_builtins import HashBuiltin, PoseidonBuiltin
from starkware.cairo.common.dict_access import DictAccess
from starkware.cairo.common.poseidon_state import PoseidonBuiltinState
from starkware.cairo.common.registers import get_label_location

// Height of every trie.
const TRIE_HEIGHT = 251;
// The values of `trie_hash`: which builtin hashes a trie's nodes.
const TRIE_HASH_PEDERSEN = 0;
const TRIE_HASH_POSEIDON = 1;
// The range-check builtin's bound: each checked cell is in [0, 2**128).
const RANGE_CHECK_BOUND = 2 ** 128;
// Offsets of the two bound tables after the powers of two in `pow2_table`.
const LOW_MAX_OFFSET = 252;
const HIGH_MAX_OFFSET = 504;

// Applies `updates` (a squashed dict: keys strictly ascending, below 2**251; prev_value the
// current leaf, new_value the leaf after, 0 meaning absent) to the trie with root `prev_root` and
// returns the new root. Fails unless every prev_value is the leaf under prev_root.
func patricia_update{
    pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*, range_check_ptr, trie_hash
}(
    prev_root: felt, updates: DictAccess*, n_updates: felt
) -> (new_root: felt) {
    alloc_locals;
    if (n_updates == 0) {
        return (new_root=prev_root);
    }
    let (pow2) = pow2_table();
    let (bottom, path, length) = update_subtree(
        pow2=pow2,
        height=TRIE_HEIGHT,
        prefix=0,
        bottom=prev_root,
        path=0,
        length=0,
        updates=updates,
        n_updates=n_updates,
    );
    local range_check_ptr = range_check_ptr;
    let (new_root) = subtree_hash(bottom=bottom, path=path, length=length);
    return (new_root=new_root);
}

// The hash of the subtree (bottom, path, length).
func subtree_hash{pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*, trie_hash}(
    bottom: felt, path: felt, length: felt
) -> (hash: felt) {
    if (length == 0) {
        return (hash=bottom);
    }
    let (hash) = hash2(bottom, path);
    return (hash=hash + length);
}

// H(x, y) with the trie's hash (`trie_hash`).
func hash2{pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*, trie_hash}(
    x: felt, y: felt
) -> (hash: felt) {
    if (trie_hash == TRIE_HASH_PEDERSEN) {
        assert pedersen_ptr.x = x;
        assert pedersen_ptr.y = y;
        let hash = pedersen_ptr.result;
        let pedersen_ptr = pedersen_ptr + HashBuiltin.SIZE;
        return (hash=hash);
    }
    assert trie_hash = TRIE_HASH_POSEIDON;
    assert poseidon_ptr.input = PoseidonBuiltinState(s0=x, s1=y, s2=2);
    let hash = poseidon_ptr.output.s0;
    let poseidon_ptr = poseidon_ptr + PoseidonBuiltin.SIZE;
    return (hash=hash);
}

// The subtree at `height` whose position is `prefix`, previously (bottom, path, length), after
// the `n_updates` updates (all of which must lie under it). Returns it as a triple; canonical
// (bottom never an edge node) unless n_updates is 0, which returns the input unchanged.
func update_subtree{
    pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*, range_check_ptr, trie_hash
}(
    pow2: felt*,
    height: felt,
    prefix: felt,
    bottom: felt,
    path: felt,
    length: felt,
    updates: DictAccess*,
    n_updates: felt,
) -> (bottom: felt, path: felt, length: felt) {
    if (n_updates == 0) {
        return (bottom=bottom, path=path, length=length);
    }
    if (n_updates == 1) {
        return update_one(
            pow2=pow2,
            height=height,
            prefix=prefix,
            bottom=bottom,
            path=path,
            length=length,
            update=updates,
        );
    }
    if (height == 0) {
        // Two updates or more at one leaf: not a squashed dict. This check also keeps heights
        // from going below 0 (where a leaf value crafted as a node hash could be opened and the
        // leaf checks escaped): every descent below is from a height checked to be large enough.
        assert n_updates = 1;
    }
    if (length != 0) {
        return update_edge(
            pow2=pow2,
            height=height,
            prefix=prefix,
            bottom=bottom,
            path=path,
            length=length,
            updates=updates,
            n_updates=n_updates,
        );
    }
    if (bottom == 0) {
        return update_empty(
            pow2=pow2, height=height, prefix=prefix, updates=updates, n_updates=n_updates
        );
    }
    return update_node(
        pow2=pow2, height=height, prefix=prefix, node=bottom, updates=updates, n_updates=n_updates
    );
}

// The subtree after a single update: update_subtree's case n_updates = 1, which is most of the
// work (below the top levels of a trie every updated key is alone in its subtree), so it avoids
// the split hints and range checks and recurses into one child only.
func update_one{
    pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*, range_check_ptr, trie_hash
}(
    pow2: felt*,
    height: felt,
    prefix: felt,
    bottom: felt,
    path: felt,
    length: felt,
    update: DictAccess*,
) -> (bottom: felt, path: felt, length: felt) {
    if (length != 0) {
        return update_one_edge(
            pow2=pow2,
            height=height,
            prefix=prefix,
            bottom=bottom,
            path=path,
            length=length,
            update=update,
        );
    }
    return update_one_node(pow2=pow2, height=height, prefix=prefix, node=bottom, update=update);
}

// update_one under the subtree whose hash is `node` (length 0: a leaf at height 0, else empty,
// or a node of the previous tree, opened here).
func update_one_node{
    pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*, range_check_ptr, trie_hash
}(
    pow2: felt*, height: felt, prefix: felt, node: felt, update: DictAccess*
) -> (bottom: felt, path: felt, length: felt) {
    alloc_locals;
    if (height == 0) {
        // A leaf (length <= height everywhere, so length is 0 and `node` is the leaf's value):
        // the key must be this leaf's index and prev_value its value. A new value of 0 gives
        // (0, 0, 0), the empty subtree.
        assert update.key = prefix;
        assert update.prev_value = node;
        return (bottom=update.new_value, path=0, length=0);
    }
    if (node == 0) {
        return new_leaf_edge(pow2=pow2, height=height, prefix=prefix, update=update);
    }
    // A node of the previous tree: open it (open_node, inlined).
    local is_edge;
    local a;
    local b;
    local c;
    %{ ids.is_edge, ids.a, ids.b, ids.c = state_witness.open_node(ids.node) %}
    let (opened) = hash2(a, b);
    if (is_edge != 0) {
        assert opened = node - c;
        assert [range_check_ptr] = c - 1;
        assert [range_check_ptr + 1] = height - c;
        let range_check_ptr = range_check_ptr + 2;
        assert_lt_pow2(pow2=pow2, value=b, bits=c);
        return update_one_edge(
            pow2=pow2, height=height, prefix=prefix, bottom=a, path=b, length=c, update=update
        );
    }
    assert opened = node;
    // Binary: the key goes to child `bit` (the leaf check below holds the hint to the truth).
    local bit;
    %{ ids.bit = patricia_key_bit(memory, ids.update, ids.height) %}
    assert bit * bit = bit;
    local child = a + bit * (b - a);
    local sibling = a + b - child;
    let (new_bottom, new_path, new_length) = update_one_node(
        pow2=pow2, height=height - 1, prefix=prefix * 2 + bit, node=child, update=update
    );
    if (new_bottom == 0) {
        // The untouched sibling is left alone (opaque: open it to merge an edge node).
        let (sibling_bottom, sibling_path, sibling_length) = lone_child(
            pow2=pow2, height=height - 1, bottom=sibling, path=0, length=0, canonical=0
        );
        return (
            bottom=sibling_bottom,
            path=(1 - bit) * pow2[sibling_length] + sibling_path,
            length=sibling_length + 1,
        );
    }
    // The new child's hash, then the binary node.
    let (new_hash) = subtree_hash(bottom=new_bottom, path=new_path, length=new_length);
    tempvar left = new_hash + bit * (sibling - new_hash);
    let (node) = hash2(left, new_hash + sibling - left);
    return (bottom=node, path=0, length=0);
}

// update_one under an edge (bottom, path, length) at `height`, length >= 1.
func update_one_edge{
    pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*, range_check_ptr, trie_hash
}(
    pow2: felt*,
    height: felt,
    prefix: felt,
    bottom: felt,
    path: felt,
    length: felt,
    update: DictAccess*,
) -> (bottom: felt, path: felt, length: felt) {
    alloc_locals;
    local d;
    local top;
    local bit;
    local rest;
    %{
        ids.d, ids.top, ids.bit, ids.rest = patricia_key_divergence(
            memory, ids.update, ids.height, ids.path, ids.length)
    %}
    if (d == length) {
        // The key follows the whole edge (its leaf check holds the hint to the truth).
        let (sub_bottom, sub_path, sub_length) = update_one_node(
            pow2=pow2,
            height=height - length,
            prefix=prefix * pow2[length] + path,
            node=bottom,
            update=update,
        );
        if (sub_bottom == 0) {
            return (bottom=0, path=0, length=0);
        }
        return (
            bottom=sub_bottom, path=path * pow2[sub_length] + sub_path, length=length + sub_length
        );
    }
    // The key leaves the edge after its first d bits (path = top . bit . rest): it lies in the
    // empty side, 1 - bit, of the branch there, so the previous leaf is 0.
    local tail = length - d - 1;
    assert [range_check_ptr] = d;
    assert [range_check_ptr + 1] = tail;
    let range_check_ptr = range_check_ptr + 2;
    assert bit * bit = bit;
    assert path = top * pow2[tail + 1] + bit * pow2[tail] + rest;
    assert_lt_pow2(pow2=pow2, value=top, bits=d);
    assert_lt_pow2(pow2=pow2, value=rest, bits=tail);
    local child_height = height - d - 1;
    local leaf_path = update.key - ((prefix * pow2[d] + top) * 2 + 1 - bit) * pow2[child_height];
    assert_lt_pow2(pow2=pow2, value=leaf_path, bits=child_height);
    assert update.prev_value = 0;
    if (update.new_value == 0) {
        return (bottom=bottom, path=path, length=length);
    }
    let (local old_hash) = subtree_hash(bottom=bottom, path=rest, length=tail);
    let (new_hash) = subtree_hash(bottom=update.new_value, path=leaf_path, length=child_height);
    tempvar left = old_hash + bit * (new_hash - old_hash);
    let (node) = hash2(left, old_hash + new_hash - left);
    // The branch is a binary node; `top` (d bits, 0 if d = 0) leads to it.
    return (bottom=node, path=top, length=d);
}

// A lone new leaf under an empty subtree at `height` >= 1: an edge from here to it, its path the
// key's low `height` bits (which also checks that the key lies under this subtree).
func new_leaf_edge{
    pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*, range_check_ptr, trie_hash
}(
    pow2: felt*, height: felt, prefix: felt, update: DictAccess*
) -> (bottom: felt, path: felt, length: felt) {
    alloc_locals;
    local leaf_path = update.key - prefix * pow2[height];
    assert_lt_pow2(pow2=pow2, value=leaf_path, bits=height);
    assert update.prev_value = 0;
    if (update.new_value == 0) {
        return (bottom=0, path=0, length=0);
    }
    return (bottom=update.new_value, path=leaf_path, length=height);
}

// Opens the node `node` at `height` > 0 of the previous tree: is_edge = 0 and (left, right, 0) for
// a binary node, is_edge = 1 and (child, path, length) for an edge, checked as the module doc
// says.
func open_node{
    pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*, range_check_ptr, trie_hash
}(
    pow2: felt*, height: felt, node: felt
) -> (is_edge: felt, a: felt, b: felt, c: felt) {
    alloc_locals;
    local is_edge;
    local a;
    local b;
    local c;
    %{ ids.is_edge, ids.a, ids.b, ids.c = state_witness.open_node(ids.node) %}
    let (opened) = hash2(a, b);
    if (is_edge == 0) {
        assert opened = node;
        return (is_edge=0, a=a, b=b, c=0);
    }
    assert opened = node - c;
    // 1 <= length <= height.
    assert [range_check_ptr] = c - 1;
    assert [range_check_ptr + 1] = height - c;
    let range_check_ptr = range_check_ptr + 2;
    assert_lt_pow2(pow2=pow2, value=b, bits=c);
    return (is_edge=1, a=a, b=b, c=c);
}

// Updates under a node of the previous tree (hash `node` != 0 at height > 0).
func update_node{
    pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*, range_check_ptr, trie_hash
}(
    pow2: felt*, height: felt, prefix: felt, node: felt, updates: DictAccess*, n_updates: felt
) -> (bottom: felt, path: felt, length: felt) {
    alloc_locals;
    let (is_edge, left, right, length) = open_node(pow2=pow2, height=height, node=node);
    if (is_edge != 0) {
        return update_edge(
            pow2=pow2,
            height=height,
            prefix=prefix,
            bottom=left,
            path=right,
            length=length,
            updates=updates,
            n_updates=n_updates,
        );
    }
    local left_node = left;
    local right_node = right;
    // Binary node: the first n_left updates go left (bit child_height of their keys is 0).
    local child_height = height - 1;
    local n_left;
    %{ ids.n_left = patricia_count_left(memory, ids.updates, ids.n_updates, ids.child_height) %}
    local n_right = n_updates - n_left;
    assert [range_check_ptr] = n_left;
    assert [range_check_ptr + 1] = n_right;
    let range_check_ptr = range_check_ptr + 2;
    local left_prefix = prefix * 2;
    let (local left_bottom, local left_path, local left_length) = update_subtree(
        pow2=pow2,
        height=child_height,
        prefix=left_prefix,
        bottom=left_node,
        path=0,
        length=0,
        updates=updates,
        n_updates=n_left,
    );
    let (right_bottom, right_path, right_length) = update_subtree(
        pow2=pow2,
        height=child_height,
        prefix=left_prefix + 1,
        bottom=right_node,
        path=0,
        length=0,
        updates=updates + n_left * DictAccess.SIZE,
        n_updates=n_right,
    );
    // An untouched child (no updates) is opaque: it may be an edge node.
    return combine(
        pow2=pow2,
        child_height=child_height,
        left_bottom=left_bottom,
        left_path=left_path,
        left_length=left_length,
        left_canonical=n_left,
        right_bottom=right_bottom,
        right_path=right_path,
        right_length=right_length,
        right_canonical=n_right,
    );
}

// Updates under an edge (bottom, path, length) at `height` (length >= 1, checked where it was
// opened or split off).
func update_edge{
    pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*, range_check_ptr, trie_hash
}(
    pow2: felt*,
    height: felt,
    prefix: felt,
    bottom: felt,
    path: felt,
    length: felt,
    updates: DictAccess*,
    n_updates: felt,
) -> (bottom: felt, path: felt, length: felt) {
    alloc_locals;
    // How many of the edge's bits every update's key follows (d = length: all of them), and the
    // split of the path at the first bit some key leaves: path = top . bit . rest.
    local d;
    local top;
    local bit;
    local rest;
    %{
        ids.d, ids.top, ids.bit, ids.rest = patricia_edge_divergence(
            memory, ids.updates, ids.n_updates, ids.height, ids.path, ids.length)
    %}
    if (d == length) {
        // Skip the whole edge in one step: the leaf checks below reject a key that is not under
        // it.
        let (sub_bottom, sub_path, sub_length) = update_subtree(
            pow2=pow2,
            height=height - length,
            prefix=prefix * pow2[length] + path,
            bottom=bottom,
            path=0,
            length=0,
            updates=updates,
            n_updates=n_updates,
        );
        if (sub_bottom == 0) {
            return (bottom=0, path=0, length=0);
        }
        return (
            bottom=sub_bottom, path=path * pow2[sub_length] + sub_path, length=length + sub_length
        );
    }
    // Some key leaves the edge after d bits: below `top` the edge becomes a branch whose `bit`
    // side keeps the rest of the edge and whose other side is empty. 0 <= d < length.
    local tail = length - d - 1;
    assert [range_check_ptr] = d;
    assert [range_check_ptr + 1] = tail;
    let range_check_ptr = range_check_ptr + 2;
    assert bit * bit = bit;
    assert path = top * pow2[tail + 1] + bit * pow2[tail] + rest;
    assert_lt_pow2(pow2=pow2, value=top, bits=d);
    assert_lt_pow2(pow2=pow2, value=rest, bits=tail);
    local not_bit = 1 - bit;
    return split(
        pow2=pow2,
        height=height,
        prefix=prefix,
        d=d,
        top=top,
        left_bottom=bottom * not_bit,
        left_path=rest * not_bit,
        left_length=tail * not_bit,
        right_bottom=bottom * bit,
        right_path=rest * bit,
        right_length=tail * bit,
        updates=updates,
        n_updates=n_updates,
    );
}

// Two updates or more under an empty subtree at `height`.
func update_empty{
    pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*, range_check_ptr, trie_hash
}(
    pow2: felt*, height: felt, prefix: felt, updates: DictAccess*, n_updates: felt
) -> (bottom: felt, path: felt, length: felt) {
    alloc_locals;
    // The keys share their first d bits below here (`top`) and then branch.
    local d;
    local top;
    %{ ids.d, ids.top = patricia_common_prefix(memory, ids.updates, ids.n_updates, ids.height) %}
    assert [range_check_ptr] = d;
    assert [range_check_ptr + 1] = height - d - 1;
    let range_check_ptr = range_check_ptr + 2;
    assert_lt_pow2(pow2=pow2, value=top, bits=d);
    return split(
        pow2=pow2,
        height=height,
        prefix=prefix,
        d=d,
        top=top,
        left_bottom=0,
        left_path=0,
        left_length=0,
        right_bottom=0,
        right_path=0,
        right_length=0,
        updates=updates,
        n_updates=n_updates,
    );
}

// The subtree at `height` that follows `top` (d bits, checked by the caller, d < height) down to a
// branch whose children were the canonical triples `left` and `right`, after the updates.
func split{
    pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*, range_check_ptr, trie_hash
}(
    pow2: felt*,
    height: felt,
    prefix: felt,
    d: felt,
    top: felt,
    left_bottom: felt,
    left_path: felt,
    left_length: felt,
    right_bottom: felt,
    right_path: felt,
    right_length: felt,
    updates: DictAccess*,
    n_updates: felt,
) -> (bottom: felt, path: felt, length: felt) {
    alloc_locals;
    local child_height = height - d - 1;
    local n_left;
    %{ ids.n_left = patricia_count_left(memory, ids.updates, ids.n_updates, ids.child_height) %}
    local n_right = n_updates - n_left;
    assert [range_check_ptr] = n_left;
    assert [range_check_ptr + 1] = n_right;
    let range_check_ptr = range_check_ptr + 2;
    local left_prefix = (prefix * pow2[d] + top) * 2;
    let (local new_left_bottom, local new_left_path, local new_left_length) = update_subtree(
        pow2=pow2,
        height=child_height,
        prefix=left_prefix,
        bottom=left_bottom,
        path=left_path,
        length=left_length,
        updates=updates,
        n_updates=n_left,
    );
    let (new_right_bottom, new_right_path, new_right_length) = update_subtree(
        pow2=pow2,
        height=child_height,
        prefix=left_prefix + 1,
        bottom=right_bottom,
        path=right_path,
        length=right_length,
        updates=updates + n_left * DictAccess.SIZE,
        n_updates=n_right,
    );
    let (bottom, path, length) = combine(
        pow2=pow2,
        child_height=child_height,
        left_bottom=new_left_bottom,
        left_path=new_left_path,
        left_length=new_left_length,
        left_canonical=1,
        right_bottom=new_right_bottom,
        right_path=new_right_path,
        right_length=new_right_length,
        right_canonical=1,
    );
    // Prepend `top` (d bits) to the result.
    if (bottom == 0) {
        return (bottom=0, path=0, length=0);
    }
    return (bottom=bottom, path=top * pow2[length] + path, length=d + length);
}

// The subtree at child_height + 1 with children `left` and `right` (new triples at child_height).
// A child whose `*_canonical` is 0 is an untouched child of a binary node: (hash, 0, 0) of a
// node of unknown kind.
func combine{
    pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*, range_check_ptr, trie_hash
}(
    pow2: felt*,
    child_height: felt,
    left_bottom: felt,
    left_path: felt,
    left_length: felt,
    left_canonical: felt,
    right_bottom: felt,
    right_path: felt,
    right_length: felt,
    right_canonical: felt,
) -> (bottom: felt, path: felt, length: felt) {
    alloc_locals;
    if (left_bottom == 0) {
        if (right_bottom == 0) {
            return (bottom=0, path=0, length=0);
        }
        let (bottom, path, length) = lone_child(
            pow2=pow2,
            height=child_height,
            bottom=right_bottom,
            path=right_path,
            length=right_length,
            canonical=right_canonical,
        );
        return (bottom=bottom, path=pow2[length] + path, length=length + 1);
    }
    if (right_bottom == 0) {
        let (bottom, path, length) = lone_child(
            pow2=pow2,
            height=child_height,
            bottom=left_bottom,
            path=left_path,
            length=left_length,
            canonical=left_canonical,
        );
        return (bottom=bottom, path=path, length=length + 1);
    }
    let (local left_hash) = subtree_hash(bottom=left_bottom, path=left_path, length=left_length);
    let (right_hash) = subtree_hash(bottom=right_bottom, path=right_path, length=right_length);
    let (node) = hash2(left_hash, right_hash);
    return (bottom=node, path=0, length=0);
}

// A non-empty child at `height` that is about to become its parent's only child, in canonical
// form: an opaque node hash is opened so that an edge node is merged into the parent's edge.
func lone_child{
    pedersen_ptr: HashBuiltin*, poseidon_ptr: PoseidonBuiltin*, range_check_ptr, trie_hash
}(
    pow2: felt*, height: felt, bottom: felt, path: felt, length: felt, canonical: felt
) -> (bottom: felt, path: felt, length: felt) {
    if (canonical != 0) {
        return (bottom=bottom, path=path, length=length);
    }
    if (height == 0) {
        // A leaf.
        return (bottom=bottom, path=path, length=length);
    }
    let (is_edge, a, b, c) = open_node(pow2=pow2, height=height, node=bottom);
    if (is_edge == 0) {
        return (bottom=bottom, path=0, length=0);
    }
    return (bottom=a, path=b, length=c);
}

// Asserts 0 <= value < 2**bits, for 0 <= bits <= 251 (checked by the caller): value splits into
// 128-bit halves, each range-checked against the largest half a value below 2**bits can have;
// the high half is then below 2**123, so the split is exact (no wrap modulo the prime).
func assert_lt_pow2{range_check_ptr}(pow2: felt*, value: felt, bits: felt) {
    alloc_locals;
    local high;
    local low;
    %{ ids.high, ids.low = divmod(ids.value, 2 ** 128) %}
    assert value = high * RANGE_CHECK_BOUND + low;
    assert [range_check_ptr] = low;
    assert [range_check_ptr + 1] = high;
    assert [range_check_ptr + 2] = pow2[LOW_MAX_OFFSET + bits] - low;
    assert [range_check_ptr + 3] = pow2[HIGH_MAX_OFFSET + bits] - high;
    let range_check_ptr = range_check_ptr + 4;
    return ();
}

// The constant tables: 2**k at [k], then the two bound tables of `assert_lt_pow2`.
func pow2_table() -> (table: felt*) {
    let (table) = get_label_location(data);
    return (table=table);

    data:
    // 2**k for k = 0..251.
    dw 0x1;
    dw 0x2;
    dw 0x4;
    dw 0x8;
    dw 0x10;
    dw 0x20;
    dw 0x40;
    dw 0x80;
    dw 0x100;
    dw 0x200;
    dw 0x400;
    dw 0x800;
    dw 0x1000;
    dw 0x2000;
    dw 0x4000;
    dw 0x8000;
    dw 0x10000;
    dw 0x20000;
    dw 0x40000;
    dw 0x80000;
    dw 0x100000;
    dw 0x200000;
    dw 0x400000;
    dw 0x800000;
    dw 0x1000000;
    dw 0x2000000;
    dw 0x4000000;
    dw 0x8000000;
    dw 0x10000000;
    dw 0x20000000;
    dw 0x40000000;
    dw 0x80000000;
    dw 0x100000000;
    dw 0x200000000;
    dw 0x400000000;
    dw 0x800000000;
    dw 0x1000000000;
    dw 0x2000000000;
    dw 0x4000000000;
    dw 0x8000000000;
    dw 0x10000000000;
    dw 0x20000000000;
    dw 0x40000000000;
    dw 0x80000000000;
    dw 0x100000000000;
    dw 0x200000000000;
    dw 0x400000000000;
    dw 0x800000000000;
    dw 0x1000000000000;
    dw 0x2000000000000;
    dw 0x4000000000000;
    dw 0x8000000000000;
    dw 0x10000000000000;
    dw 0x20000000000000;
    dw 0x40000000000000;
    dw 0x80000000000000;
    dw 0x100000000000000;
    dw 0x200000000000000;
    dw 0x400000000000000;
    dw 0x800000000000000;
    dw 0x1000000000000000;
    dw 0x2000000000000000;
    dw 0x4000000000000000;
    dw 0x8000000000000000;
    dw 0x10000000000000000;
    dw 0x20000000000000000;
    dw 0x40000000000000000;
    dw 0x80000000000000000;
    dw 0x100000000000000000;
    dw 0x200000000000000000;
    dw 0x400000000000000000;
    dw 0x800000000000000000;
    dw 0x1000000000000000000;
    dw 0x2000000000000000000;
    dw 0x4000000000000000000;
    dw 0x8000000000000000000;
    dw 0x10000000000000000000;
    dw 0x20000000000000000000;
    dw 0x40000000000000000000;
    dw 0x80000000000000000000;
    dw 0x100000000000000000000;
    dw 0x200000000000000000000;
    dw 0x400000000000000000000;
    dw 0x800000000000000000000;
    dw 0x1000000000000000000000;
    dw 0x2000000000000000000000;
    dw 0x4000000000000000000000;
    dw 0x8000000000000000000000;
    dw 0x10000000000000000000000;
    dw 0x20000000000000000000000;
    dw 0x40000000000000000000000;
    dw 0x80000000000000000000000;
    dw 0x100000000000000000000000;
    dw 0x200000000000000000000000;
    dw 0x400000000000000000000000;
    dw 0x800000000000000000000000;
    dw 0x1000000000000000000000000;
    dw 0x2000000000000000000000000;
    dw 0x4000000000000000000000000;
    dw 0x8000000000000000000000000;
    dw 0x10000000000000000000000000;
    dw 0x20000000000000000000000000;
    dw 0x40000000000000000000000000;
    dw 0x80000000000000000000000000;
    dw 0x100000000000000000000000000;
    dw 0x200000000000000000000000000;
    dw 0x400000000000000000000000000;
    dw 0x800000000000000000000000000;
    dw 0x1000000000000000000000000000;
    dw 0x2000000000000000000000000000;
    dw 0x4000000000000000000000000000;
    dw 0x8000000000000000000000000000;
    dw 0x10000000000000000000000000000;
    dw 0x20000000000000000000000000000;
    dw 0x40000000000000000000000000000;
    dw 0x80000000000000000000000000000;
    dw 0x100000000000000000000000000000;
    dw 0x200000000000000000000000000000;
    dw 0x400000000000000000000000000000;
    dw 0x800000000000000000000000000000;
    dw 0x1000000000000000000000000000000;
    dw 0x2000000000000000000000000000000;
    dw 0x4000000000000000000000000000000;
    dw 0x8000000000000000000000000000000;
    dw 0x10000000000000000000000000000000;
    dw 0x20000000000000000000000000000000;
    dw 0x40000000000000000000000000000000;
    dw 0x80000000000000000000000000000000;
    dw 0x100000000000000000000000000000000;
    dw 0x200000000000000000000000000000000;
    dw 0x400000000000000000000000000000000;
    dw 0x800000000000000000000000000000000;
    dw 0x1000000000000000000000000000000000;
    dw 0x2000000000000000000000000000000000;
    dw 0x4000000000000000000000000000000000;
    dw 0x8000000000000000000000000000000000;
    dw 0x10000000000000000000000000000000000;
    dw 0x20000000000000000000000000000000000;
    dw 0x40000000000000000000000000000000000;
    dw 0x80000000000000000000000000000000000;
    dw 0x100000000000000000000000000000000000;
    dw 0x200000000000000000000000000000000000;
    dw 0x400000000000000000000000000000000000;
    dw 0x800000000000000000000000000000000000;
    dw 0x1000000000000000000000000000000000000;
    dw 0x2000000000000000000000000000000000000;
    dw 0x4000000000000000000000000000000000000;
    dw 0x8000000000000000000000000000000000000;
    dw 0x10000000000000000000000000000000000000;
    dw 0x20000000000000000000000000000000000000;
    dw 0x40000000000000000000000000000000000000;
    dw 0x80000000000000000000000000000000000000;
    dw 0x100000000000000000000000000000000000000;
    dw 0x200000000000000000000000000000000000000;
    dw 0x400000000000000000000000000000000000000;
    dw 0x800000000000000000000000000000000000000;
    dw 0x1000000000000000000000000000000000000000;
    dw 0x2000000000000000000000000000000000000000;
    dw 0x4000000000000000000000000000000000000000;
    dw 0x8000000000000000000000000000000000000000;
    dw 0x10000000000000000000000000000000000000000;
    dw 0x20000000000000000000000000000000000000000;
    dw 0x40000000000000000000000000000000000000000;
    dw 0x80000000000000000000000000000000000000000;
    dw 0x100000000000000000000000000000000000000000;
    dw 0x200000000000000000000000000000000000000000;
    dw 0x400000000000000000000000000000000000000000;
    dw 0x800000000000000000000000000000000000000000;
    dw 0x1000000000000000000000000000000000000000000;
    dw 0x2000000000000000000000000000000000000000000;
    dw 0x4000000000000000000000000000000000000000000;
    dw 0x8000000000000000000000000000000000000000000;
    dw 0x10000000000000000000000000000000000000000000;
    dw 0x20000000000000000000000000000000000000000000;
    dw 0x40000000000000000000000000000000000000000000;
    dw 0x80000000000000000000000000000000000000000000;
    dw 0x100000000000000000000000000000000000000000000;
    dw 0x200000000000000000000000000000000000000000000;
    dw 0x400000000000000000000000000000000000000000000;
    dw 0x800000000000000000000000000000000000000000000;
    dw 0x1000000000000000000000000000000000000000000000;
    dw 0x2000000000000000000000000000000000000000000000;
    dw 0x4000000000000000000000000000000000000000000000;
    dw 0x8000000000000000000000000000000000000000000000;
    dw 0x10000000000000000000000000000000000000000000000;
    dw 0x20000000000000000000000000000000000000000000000;
    dw 0x40000000000000000000000000000000000000000000000;
    dw 0x80000000000000000000000000000000000000000000000;
    dw 0x100000000000000000000000000000000000000000000000;
    dw 0x200000000000000000000000000000000000000000000000;
    dw 0x400000000000000000000000000000000000000000000000;
    dw 0x800000000000000000000000000000000000000000000000;
    dw 0x1000000000000000000000000000000000000000000000000;
    dw 0x2000000000000000000000000000000000000000000000000;
    dw 0x4000000000000000000000000000000000000000000000000;
    dw 0x8000000000000000000000000000000000000000000000000;
    dw 0x10000000000000000000000000000000000000000000000000;
    dw 0x20000000000000000000000000000000000000000000000000;
    dw 0x40000000000000000000000000000000000000000000000000;
    dw 0x80000000000000000000000000000000000000000000000000;
    dw 0x100000000000000000000000000000000000000000000000000;
    dw 0x200000000000000000000000000000000000000000000000000;
    dw 0x400000000000000000000000000000000000000000000000000;
    dw 0x800000000000000000000000000000000000000000000000000;
    dw 0x1000000000000000000000000000000000000000000000000000;
    dw 0x2000000000000000000000000000000000000000000000000000;
    dw 0x4000000000000000000000000000000000000000000000000000;
    dw 0x8000000000000000000000000000000000000000000000000000;
    dw 0x10000000000000000000000000000000000000000000000000000;
    dw 0x20000000000000000000000000000000000000000000000000000;
    dw 0x40000000000000000000000000000000000000000000000000000;
    dw 0x80000000000000000000000000000000000000000000000000000;
    dw 0x100000000000000000000000000000000000000000000000000000;
    dw 0x200000000000000000000000000000000000000000000000000000;
    dw 0x400000000000000000000000000000000000000000000000000000;
    dw 0x800000000000000000000000000000000000000000000000000000;
    dw 0x1000000000000000000000000000000000000000000000000000000;
    dw 0x2000000000000000000000000000000000000000000000000000000;
    dw 0x4000000000000000000000000000000000000000000000000000000;
    dw 0x8000000000000000000000000000000000000000000000000000000;
    dw 0x10000000000000000000000000000000000000000000000000000000;
    dw 0x20000000000000000000000000000000000000000000000000000000;
    dw 0x40000000000000000000000000000000000000000000000000000000;
    dw 0x80000000000000000000000000000000000000000000000000000000;
    dw 0x100000000000000000000000000000000000000000000000000000000;
    dw 0x200000000000000000000000000000000000000000000000000000000;
    dw 0x400000000000000000000000000000000000000000000000000000000;
    dw 0x800000000000000000000000000000000000000000000000000000000;
    dw 0x1000000000000000000000000000000000000000000000000000000000;
    dw 0x2000000000000000000000000000000000000000000000000000000000;
    dw 0x4000000000000000000000000000000000000000000000000000000000;
    dw 0x8000000000000000000000000000000000000000000000000000000000;
    dw 0x10000000000000000000000000000000000000000000000000000000000;
    dw 0x20000000000000000000000000000000000000000000000000000000000;
    dw 0x40000000000000000000000000000000000000000000000000000000000;
    dw 0x80000000000000000000000000000000000000000000000000000000000;
    dw 0x100000000000000000000000000000000000000000000000000000000000;
    dw 0x200000000000000000000000000000000000000000000000000000000000;
    dw 0x400000000000000000000000000000000000000000000000000000000000;
    dw 0x800000000000000000000000000000000000000000000000000000000000;
    dw 0x1000000000000000000000000000000000000000000000000000000000000;
    dw 0x2000000000000000000000000000000000000000000000000000000000000;
    dw 0x4000000000000000000000000000000000000000000000000000000000000;
    dw 0x8000000000000000000000000000000000000000000000000000000000000;
    dw 0x10000000000000000000000000000000000000000000000000000000000000;
    dw 0x20000000000000000000000000000000000000000000000000000000000000;
    dw 0x40000000000000000000000000000000000000000000000000000000000000;
    dw 0x80000000000000000000000000000000000000000000000000000000000000;
    dw 0x100000000000000000000000000000000000000000000000000000000000000;
    dw 0x200000000000000000000000000000000000000000000000000000000000000;
    dw 0x400000000000000000000000000000000000000000000000000000000000000;
    dw 0x800000000000000000000000000000000000000000000000000000000000000;
    // 2**min(k, 128) - 1 for k = 0..251: the largest low half (below 2**128) of a value below 2**k.
    dw 0x0;
    dw 0x1;
    dw 0x3;
    dw 0x7;
    dw 0xf;
    dw 0x1f;
    dw 0x3f;
    dw 0x7f;
    dw 0xff;
    dw 0x1ff;
    dw 0x3ff;
    dw 0x7ff;
    dw 0xfff;
    dw 0x1fff;
    dw 0x3fff;
    dw 0x7fff;
    dw 0xffff;
    dw 0x1ffff;
    dw 0x3ffff;
    dw 0x7ffff;
    dw 0xfffff;
    dw 0x1fffff;
    dw 0x3fffff;
    dw 0x7fffff;
    dw 0xffffff;
    dw 0x1ffffff;
    dw 0x3ffffff;
    dw 0x7ffffff;
    dw 0xfffffff;
    dw 0x1fffffff;
    dw 0x3fffffff;
    dw 0x7fffffff;
    dw 0xffffffff;
    dw 0x1ffffffff;
    dw 0x3ffffffff;
    dw 0x7ffffffff;
    dw 0xfffffffff;
    dw 0x1fffffffff;
    dw 0x3fffffffff;
    dw 0x7fffffffff;
    dw 0xffffffffff;
    dw 0x1ffffffffff;
    dw 0x3ffffffffff;
    dw 0x7ffffffffff;
    dw 0xfffffffffff;
    dw 0x1fffffffffff;
    dw 0x3fffffffffff;
    dw 0x7fffffffffff;
    dw 0xffffffffffff;
    dw 0x1ffffffffffff;
    dw 0x3ffffffffffff;
    dw 0x7ffffffffffff;
    dw 0xfffffffffffff;
    dw 0x1fffffffffffff;
    dw 0x3fffffffffffff;
    dw 0x7fffffffffffff;
    dw 0xffffffffffffff;
    dw 0x1ffffffffffffff;
    dw 0x3ffffffffffffff;
    dw 0x7ffffffffffffff;
    dw 0xfffffffffffffff;
    dw 0x1fffffffffffffff;
    dw 0x3fffffffffffffff;
    dw 0x7fffffffffffffff;
    dw 0xffffffffffffffff;
    dw 0x1ffffffffffffffff;
    dw 0x3ffffffffffffffff;
    dw 0x7ffffffffffffffff;
    dw 0xfffffffffffffffff;
    dw 0x1fffffffffffffffff;
    dw 0x3fffffffffffffffff;
    dw 0x7fffffffffffffffff;
    dw 0xffffffffffffffffff;
    dw 0x1ffffffffffffffffff;
    dw 0x3ffffffffffffffffff;
    dw 0x7ffffffffffffffffff;
    dw 0xfffffffffffffffffff;
    dw 0x1fffffffffffffffffff;
    dw 0x3fffffffffffffffffff;
    dw 0x7fffffffffffffffffff;
    dw 0xffffffffffffffffffff;
    dw 0x1ffffffffffffffffffff;
    dw 0x3ffffffffffffffffffff;
    dw 0x7ffffffffffffffffffff;
    dw 0xfffffffffffffffffffff;
    dw 0x1fffffffffffffffffffff;
    dw 0x3fffffffffffffffffffff;
    dw 0x7fffffffffffffffffffff;
    dw 0xffffffffffffffffffffff;
    dw 0x1ffffffffffffffffffffff;
    dw 0x3ffffffffffffffffffffff;
    dw 0x7ffffffffffffffffffffff;
    dw 0xfffffffffffffffffffffff;
    dw 0x1fffffffffffffffffffffff;
    dw 0x3fffffffffffffffffffffff;
    dw 0x7fffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffff;
    dw 0x1ffffffffffffffffffffffff;
    dw 0x3ffffffffffffffffffffffff;
    dw 0x7ffffffffffffffffffffffff;
    dw 0xfffffffffffffffffffffffff;
    dw 0x1fffffffffffffffffffffffff;
    dw 0x3fffffffffffffffffffffffff;
    dw 0x7fffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffff;
    dw 0x1ffffffffffffffffffffffffff;
    dw 0x3ffffffffffffffffffffffffff;
    dw 0x7ffffffffffffffffffffffffff;
    dw 0xfffffffffffffffffffffffffff;
    dw 0x1fffffffffffffffffffffffffff;
    dw 0x3fffffffffffffffffffffffffff;
    dw 0x7fffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffff;
    dw 0x1ffffffffffffffffffffffffffff;
    dw 0x3ffffffffffffffffffffffffffff;
    dw 0x7ffffffffffffffffffffffffffff;
    dw 0xfffffffffffffffffffffffffffff;
    dw 0x1fffffffffffffffffffffffffffff;
    dw 0x3fffffffffffffffffffffffffffff;
    dw 0x7fffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffff;
    dw 0x1ffffffffffffffffffffffffffffff;
    dw 0x3ffffffffffffffffffffffffffffff;
    dw 0x7ffffffffffffffffffffffffffffff;
    dw 0xfffffffffffffffffffffffffffffff;
    dw 0x1fffffffffffffffffffffffffffffff;
    dw 0x3fffffffffffffffffffffffffffffff;
    dw 0x7fffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffffff;
    // 2**max(k - 128, 0) - 1 for k = 0..251: the largest high half (above 2**128) of a value below 2**k.
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x0;
    dw 0x1;
    dw 0x3;
    dw 0x7;
    dw 0xf;
    dw 0x1f;
    dw 0x3f;
    dw 0x7f;
    dw 0xff;
    dw 0x1ff;
    dw 0x3ff;
    dw 0x7ff;
    dw 0xfff;
    dw 0x1fff;
    dw 0x3fff;
    dw 0x7fff;
    dw 0xffff;
    dw 0x1ffff;
    dw 0x3ffff;
    dw 0x7ffff;
    dw 0xfffff;
    dw 0x1fffff;
    dw 0x3fffff;
    dw 0x7fffff;
    dw 0xffffff;
    dw 0x1ffffff;
    dw 0x3ffffff;
    dw 0x7ffffff;
    dw 0xfffffff;
    dw 0x1fffffff;
    dw 0x3fffffff;
    dw 0x7fffffff;
    dw 0xffffffff;
    dw 0x1ffffffff;
    dw 0x3ffffffff;
    dw 0x7ffffffff;
    dw 0xfffffffff;
    dw 0x1fffffffff;
    dw 0x3fffffffff;
    dw 0x7fffffffff;
    dw 0xffffffffff;
    dw 0x1ffffffffff;
    dw 0x3ffffffffff;
    dw 0x7ffffffffff;
    dw 0xfffffffffff;
    dw 0x1fffffffffff;
    dw 0x3fffffffffff;
    dw 0x7fffffffffff;
    dw 0xffffffffffff;
    dw 0x1ffffffffffff;
    dw 0x3ffffffffffff;
    dw 0x7ffffffffffff;
    dw 0xfffffffffffff;
    dw 0x1fffffffffffff;
    dw 0x3fffffffffffff;
    dw 0x7fffffffffffff;
    dw 0xffffffffffffff;
    dw 0x1ffffffffffffff;
    dw 0x3ffffffffffffff;
    dw 0x7ffffffffffffff;
    dw 0xfffffffffffffff;
    dw 0x1fffffffffffffff;
    dw 0x3fffffffffffffff;
    dw 0x7fffffffffffffff;
    dw 0xffffffffffffffff;
    dw 0x1ffffffffffffffff;
    dw 0x3ffffffffffffffff;
    dw 0x7ffffffffffffffff;
    dw 0xfffffffffffffffff;
    dw 0x1fffffffffffffffff;
    dw 0x3fffffffffffffffff;
    dw 0x7fffffffffffffffff;
    dw 0xffffffffffffffffff;
    dw 0x1ffffffffffffffffff;
    dw 0x3ffffffffffffffffff;
    dw 0x7ffffffffffffffffff;
    dw 0xfffffffffffffffffff;
    dw 0x1fffffffffffffffffff;
    dw 0x3fffffffffffffffffff;
    dw 0x7fffffffffffffffffff;
    dw 0xffffffffffffffffffff;
    dw 0x1ffffffffffffffffffff;
    dw 0x3ffffffffffffffffffff;
    dw 0x7ffffffffffffffffffff;
    dw 0xfffffffffffffffffffff;
    dw 0x1fffffffffffffffffffff;
    dw 0x3fffffffffffffffffffff;
    dw 0x7fffffffffffffffffffff;
    dw 0xffffffffffffffffffffff;
    dw 0x1ffffffffffffffffffffff;
    dw 0x3ffffffffffffffffffffff;
    dw 0x7ffffffffffffffffffffff;
    dw 0xfffffffffffffffffffffff;
    dw 0x1fffffffffffffffffffffff;
    dw 0x3fffffffffffffffffffffff;
    dw 0x7fffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffff;
    dw 0x1ffffffffffffffffffffffff;
    dw 0x3ffffffffffffffffffffffff;
    dw 0x7ffffffffffffffffffffffff;
    dw 0xfffffffffffffffffffffffff;
    dw 0x1fffffffffffffffffffffffff;
    dw 0x3fffffffffffffffffffffffff;
    dw 0x7fffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffff;
    dw 0x1ffffffffffffffffffffffffff;
    dw 0x3ffffffffffffffffffffffffff;
    dw 0x7ffffffffffffffffffffffffff;
    dw 0xfffffffffffffffffffffffffff;
    dw 0x1fffffffffffffffffffffffffff;
    dw 0x3fffffffffffffffffffffffffff;
    dw 0x7fffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffff;
    dw 0x1ffffffffffffffffffffffffffff;
    dw 0x3ffffffffffffffffffffffffffff;
    dw 0x7ffffffffffffffffffffffffffff;
    dw 0xfffffffffffffffffffffffffffff;
    dw 0x1fffffffffffffffffffffffffffff;
    dw 0x3fffffffffffffffffffffffffffff;
    dw 0x7fffffffffffffffffffffffffffff;
    dw 0xffffffffffffffffffffffffffffff;
    dw 0x1ffffffffffffffffffffffffffffff;
    dw 0x3ffffffffffffffffffffffffffffff;
    dw 0x7ffffffffffffffffffffffffffffff;
}
