//! Hints of `patricia.cairo`: node preimages from the witness, and how the update list splits
//! at a node (computed from the keys in memory; the Cairo code checks the consequences).

use cairo_vm::hint_processor::builtin_hint_processor::hint_utils::{
    get_integer_from_var_name, get_ptr_from_var_name, insert_value_from_var_name,
};
use cairo_vm::hint_processor::hint_processor_definition::HintReference;
use cairo_vm::serde::deserialize_program::ApTracking;
use cairo_vm::types::relocatable::Relocatable;
use cairo_vm::vm::errors::hint_errors::HintError;
use cairo_vm::vm::vm_core::VirtualMachine;
use chain::rpc::types::MerkleNode;
use starknet_types_core::felt::Felt;
use state::key::{Bits, TRIE_HEIGHT};
use std::collections::HashMap;

use super::StateUpdateError;
use super::hints::{Hint, hint_error, witness};

/// Size of a `DictAccess` (key, prev_value, new_value).
const DICT_ACCESS_SIZE: usize = 3;

/// `open_node`, `update_one_node`: a node's preimage (binary: 0, left, right, 0; edge: 1, child,
/// path, length).
pub const OPEN_NODE: &str = "ids.is_edge, ids.a, ids.b, ids.c = state_witness.open_node(ids.node)";
/// `update_one_node`: the single key's bit `height - 1` (the child it goes to).
pub const KEY_BIT: &str = "ids.bit = patricia_key_bit(memory, ids.update, ids.height)";
/// `update_one_edge`: how many bits of the edge the single key follows, and the path split there.
pub const KEY_DIVERGENCE: &str = "ids.d, ids.top, ids.bit, ids.rest = patricia_key_divergence(\n    memory, ids.update, ids.height, ids.path, ids.length)";
/// `assert_lt_pow2`: the 128-bit halves of a value.
pub const SPLIT_128: &str = "ids.high, ids.low = divmod(ids.value, 2 ** 128)";
/// `update_node`, `split`: how many updates go to the left child (bit `child_height` is 0).
pub const COUNT_LEFT: &str =
    "ids.n_left = patricia_count_left(memory, ids.updates, ids.n_updates, ids.child_height)";
/// `update_edge`: how many bits of the edge every update follows, and the path split there.
pub const EDGE_DIVERGENCE: &str = "ids.d, ids.top, ids.bit, ids.rest = patricia_edge_divergence(\n    memory, ids.updates, ids.n_updates, ids.height, ids.path, ids.length)";
/// `update_empty`: how many bits all updates share below the subtree, and those bits.
pub const COMMON_PREFIX: &str =
    "ids.d, ids.top = patricia_common_prefix(memory, ids.updates, ids.n_updates, ids.height)";

type Ids = HashMap<String, HintReference>;

pub(crate) fn hints() -> Vec<(&'static str, Hint)> {
    vec![
        (OPEN_NODE, Box::new(|vm, scopes, ids, ap, _| open_node(vm, witness(scopes)?, ids, ap))),
        (SPLIT_128, Box::new(|vm, _, ids, ap, _| split_128(vm, ids, ap))),
        (COUNT_LEFT, Box::new(|vm, _, ids, ap, _| count_left(vm, ids, ap))),
        (KEY_BIT, Box::new(|vm, _, ids, ap, _| key_bit(vm, ids, ap))),
        (
            EDGE_DIVERGENCE,
            Box::new(|vm, _, ids, ap, _| edge_divergence(vm, keys(vm, ids, ap)?, ids, ap)),
        ),
        (
            KEY_DIVERGENCE,
            Box::new(|vm, _, ids, ap, _| {
                edge_divergence(vm, vec![single_key(vm, ids, ap)?], ids, ap)
            }),
        ),
        (COMMON_PREFIX, Box::new(|vm, _, ids, ap, _| common_prefix(vm, ids, ap))),
    ]
}

fn open_node(
    vm: &mut VirtualMachine,
    witness: &state::StateWitness,
    ids: &Ids,
    ap: &ApTracking,
) -> Result<(), HintError> {
    let hash = get_integer_from_var_name("node", vm, ids, ap)?;
    let node = witness
        .nodes
        .get(&hash)
        .ok_or(StateUpdateError::MissingNodePreimage { hash })
        .map_err(hint_error)?;
    let fields = match node {
        MerkleNode::BinaryNode(binary) => [Felt::ZERO, binary.left, binary.right, Felt::ZERO],
        MerkleNode::EdgeNode(edge) => [Felt::ONE, edge.child, edge.path, Felt::from(edge.length)],
    };
    for (name, value) in ["is_edge", "a", "b", "c"].into_iter().zip(fields) {
        insert_value_from_var_name(name, value, vm, ids, ap)?;
    }
    Ok(())
}

fn split_128(vm: &mut VirtualMachine, ids: &Ids, ap: &ApTracking) -> Result<(), HintError> {
    let value = get_integer_from_var_name("value", vm, ids, ap)?;
    let limbs = value.to_le_digits();
    let low = u128::from(limbs[0]) | (u128::from(limbs[1]) << 64);
    let high = u128::from(limbs[2]) | (u128::from(limbs[3]) << 64);
    insert_value_from_var_name("high", Felt::from(high), vm, ids, ap)?;
    insert_value_from_var_name("low", Felt::from(low), vm, ids, ap)
}

/// A small non-negative integer argument (a height, length or count).
fn small(vm: &VirtualMachine, name: &str, ids: &Ids, ap: &ApTracking) -> Result<usize, HintError> {
    let value = get_integer_from_var_name(name, vm, ids, ap)?;
    usize::try_from(value.to_biguint()).map_err(|_| {
        HintError::CustomHint(format!("{name} = {value} is not a small integer").into())
    })
}

/// A trie height or edge length (at most 251).
fn height(vm: &VirtualMachine, name: &str, ids: &Ids, ap: &ApTracking) -> Result<u16, HintError> {
    let value = small(vm, name, ids, ap)?;
    u16::try_from(value).ok().filter(|h| *h <= TRIE_HEIGHT).ok_or_else(|| {
        HintError::CustomHint(format!("{name} = {value} exceeds the trie height").into())
    })
}

/// The keys of the `n_updates` DictAccess entries at `updates`, as trie paths.
fn keys(vm: &VirtualMachine, ids: &Ids, ap: &ApTracking) -> Result<Vec<Bits>, HintError> {
    let updates: Relocatable = get_ptr_from_var_name("updates", vm, ids, ap)?;
    let n_updates = small(vm, "n_updates", ids, ap)?;
    (0..n_updates).map(|index| key_at(vm, (updates + index * DICT_ACCESS_SIZE)?)).collect()
}

/// The key of the DictAccess `update`.
fn single_key(vm: &VirtualMachine, ids: &Ids, ap: &ApTracking) -> Result<Bits, HintError> {
    key_at(vm, get_ptr_from_var_name("update", vm, ids, ap)?)
}

fn key_at(vm: &VirtualMachine, address: Relocatable) -> Result<Bits, HintError> {
    let key = vm.get_integer(address)?.into_owned();
    Bits::from_key(&key).map_err(|_| hint_error(StateUpdateError::TrieKeyOutOfRange { key }))
}

fn key_bit(vm: &mut VirtualMachine, ids: &Ids, ap: &ApTracking) -> Result<(), HintError> {
    let key = single_key(vm, ids, ap)?;
    let height = height(vm, "height", ids, ap)?;
    if height == 0 {
        return Err(HintError::CustomHint("patricia_key_bit at height 0".into()));
    }
    insert_value_from_var_name("bit", Felt::from(u8::from(key.bit(height - 1))), vm, ids, ap)
}

fn count_left(vm: &mut VirtualMachine, ids: &Ids, ap: &ApTracking) -> Result<(), HintError> {
    let keys = keys(vm, ids, ap)?;
    let bit = height(vm, "child_height", ids, ap)?;
    let n_left = keys.iter().take_while(|key| !key.bit(bit)).count();
    insert_value_from_var_name("n_left", Felt::from(n_left), vm, ids, ap)
}

/// How many bits two paths share, comparing `a`'s bits below `a_top` with `b`'s below `b_top`,
/// at most `length`.
fn shared_bits(a: &Bits, a_top: u16, b: &Bits, b_top: u16, length: u16) -> u16 {
    (0..length).take_while(|i| a.bit(a_top - 1 - i) == b.bit(b_top - 1 - i)).count() as u16
}

fn edge_divergence(
    vm: &mut VirtualMachine,
    keys: Vec<Bits>,
    ids: &Ids,
    ap: &ApTracking,
) -> Result<(), HintError> {
    let height = height(vm, "height", ids, ap)?;
    let length = height_arg_at_most(vm, "length", height, ids, ap)?;
    let path_felt = get_integer_from_var_name("path", vm, ids, ap)?;
    let path = Bits::from_key(&path_felt)
        .map_err(|_| hint_error(StateUpdateError::TrieKeyOutOfRange { key: path_felt }))?;
    let d = keys
        .iter()
        .map(|key| shared_bits(key, height, &path, length, length))
        .min()
        .unwrap_or(length);
    let (top, bit, rest) = if d < length {
        let tail = length - d - 1;
        (path.path(length, d), Felt::from(u8::from(path.bit(tail))), path.path(tail, tail))
    } else {
        (Felt::ZERO, Felt::ZERO, Felt::ZERO)
    };
    for (name, value) in [("d", Felt::from(d)), ("top", top), ("bit", bit), ("rest", rest)] {
        insert_value_from_var_name(name, value, vm, ids, ap)?;
    }
    Ok(())
}

fn height_arg_at_most(
    vm: &VirtualMachine,
    name: &str,
    max: u16,
    ids: &Ids,
    ap: &ApTracking,
) -> Result<u16, HintError> {
    let value = height(vm, name, ids, ap)?;
    if value > max {
        return Err(HintError::CustomHint(format!("{name} = {value} exceeds {max}").into()));
    }
    Ok(value)
}

fn common_prefix(vm: &mut VirtualMachine, ids: &Ids, ap: &ApTracking) -> Result<(), HintError> {
    let keys = keys(vm, ids, ap)?;
    let height = height(vm, "height", ids, ap)?;
    let Some(first) = keys.first() else {
        return Err(HintError::CustomHint("patricia_common_prefix of no updates".into()));
    };
    let d =
        keys.iter().map(|key| shared_bits(first, height, key, height, height)).min().unwrap_or(0);
    insert_value_from_var_name("d", Felt::from(d), vm, ids, ap)?;
    insert_value_from_var_name("top", first.path(height, d), vm, ids, ap)
}
