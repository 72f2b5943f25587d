//! CASM (Cairo 1) classes as the OS loads them: the memory layout of
//! `os-program/os/compiled_class.cairo`'s `CompiledClass`, whose compiled class hash (v2,
//! Blake2s, or v1, Poseidon) the OS computes in Cairo.
//!
//! [`CompiledClassInput::from_casm`] takes what starknet_api hashes from a
//! [`CasmContractClass`] (entry points by type, bytecode, `bytecode_segment_lengths`) and
//! [`CompiledClassInput::write`] writes it into the VM's memory, each list in its own segment.
//! Nothing written is trusted by the Cairo code: the hash it computes is what a commitment is
//! compared with.

use cairo_lang_starknet_classes::NestedIntList;
use cairo_lang_starknet_classes::casm_contract_class::{CasmContractClass, CasmContractEntryPoint};
use cairo_vm::types::relocatable::{MaybeRelocatable, Relocatable};
use cairo_vm::vm::errors::memory_errors::MemoryError;
use cairo_vm::vm::vm_core::VirtualMachine;
use starknet_types_core::felt::Felt;

/// `COMPILED_CLASS_V1` (`compiled_class.cairo`, starknet_api's constant of the same name).
pub fn compiled_class_v1() -> Felt {
    Felt::from_bytes_be_slice(b"COMPILED_CLASS_V1")
}

/// A leaf of the flattened segment tree: `[SEGMENT_LEAF, length]`.
pub const SEGMENT_LEAF: u64 = 0;
/// A node of the flattened segment tree: `[SEGMENT_NODE, n_children, children...]`.
pub const SEGMENT_NODE: u64 = 1;

/// An entry point as `CompiledClassEntryPoint` holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryPointInput {
    pub selector: Felt,
    pub offset: Felt,
    /// The builtins' names as felts (ASCII, big-endian).
    pub builtins: Vec<Felt>,
}

/// A CASM class as the OS loads it (`CompiledClass`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledClassInput {
    pub external: Vec<EntryPointInput>,
    pub l1_handler: Vec<EntryPointInput>,
    pub constructor: Vec<EntryPointInput>,
    pub bytecode: Vec<Felt>,
    /// `bytecode_segment_lengths` flattened in preorder ([`flatten_segments`]).
    pub segments: Vec<Felt>,
}

impl CompiledClassInput {
    /// What starknet_api's `HashableCompiledClass` hashes of `casm` (a class without segment
    /// lengths is one segment, as there).
    pub fn from_casm(casm: &CasmContractClass) -> Self {
        let entry_points = |list: &[CasmContractEntryPoint]| {
            list.iter()
                .map(|entry_point| EntryPointInput {
                    selector: Felt::from(&entry_point.selector),
                    offset: Felt::from(entry_point.offset),
                    builtins: entry_point
                        .builtins
                        .iter()
                        .map(|name| Felt::from_bytes_be_slice(name.as_bytes()))
                        .collect(),
                })
                .collect()
        };
        let bytecode: Vec<Felt> =
            casm.bytecode.iter().map(|word| Felt::from(&word.value)).collect();
        let segments = match &casm.bytecode_segment_lengths {
            Some(tree) => flatten_segments(tree),
            None => flatten_segments(&NestedIntList::Leaf(bytecode.len())),
        };
        let by_type = &casm.entry_points_by_type;
        CompiledClassInput {
            external: entry_points(&by_type.external),
            l1_handler: entry_points(&by_type.l1_handler),
            constructor: entry_points(&by_type.constructor),
            bytecode,
            segments,
        }
    }

    /// Writes the class into `vm`'s memory; returns the address of its `CompiledClass`.
    pub fn write(&self, vm: &mut VirtualMachine) -> Result<Relocatable, MemoryError> {
        let external = write_entry_points(vm, &self.external)?;
        let l1_handler = write_entry_points(vm, &self.l1_handler)?;
        let constructor = write_entry_points(vm, &self.constructor)?;
        let bytecode = write_felts(vm, &self.bytecode)?;
        let segments = write_felts(vm, &self.segments)?;
        let class = [
            compiled_class_v1().into(),
            Felt::from(self.external.len()).into(),
            external.into(),
            Felt::from(self.l1_handler.len()).into(),
            l1_handler.into(),
            Felt::from(self.constructor.len()).into(),
            constructor.into(),
            Felt::from(self.bytecode.len()).into(),
            bytecode.into(),
            segments.into(),
        ];
        let address = vm.add_memory_segment();
        vm.load_data(address, &class)?;
        Ok(address)
    }

    /// The number of felts the compiled class hash hashes (entry points with their builtin
    /// lists, bytecode, segment-tree nodes and the final list): what the cost per hashed felt
    /// is counted against.
    pub fn hashed_felts(&self) -> usize {
        let entry_points = [&self.external, &self.l1_handler, &self.constructor];
        let entry_point_felts: usize = entry_points
            .iter()
            .map(|list| list.iter().map(|ep| 3 + ep.builtins.len()).sum::<usize>())
            .sum();
        // A node hashes [length, hash] per child: 2 felts for every child of every node, which
        // is 2 per node of the tree but the root.
        let tree_nodes = count_tree_nodes(&self.segments);
        entry_point_felts + self.bytecode.len() + 2 * (tree_nodes - 1) + 5
    }
}

/// `tree` in preorder: a leaf as `[SEGMENT_LEAF, length]`, a node as `[SEGMENT_NODE,
/// n_children]` followed by its children.
pub fn flatten_segments(tree: &NestedIntList) -> Vec<Felt> {
    let mut out = Vec::new();
    flatten_into(tree, &mut out);
    out
}

fn flatten_into(tree: &NestedIntList, out: &mut Vec<Felt>) {
    match tree {
        NestedIntList::Leaf(length) => out.extend([Felt::from(SEGMENT_LEAF), Felt::from(*length)]),
        NestedIntList::Node(children) => {
            out.extend([Felt::from(SEGMENT_NODE), Felt::from(children.len())]);
            for child in children {
                flatten_into(child, out);
            }
        }
    }
}

/// The number of leaves and nodes of a flattened tree (every entry has two felts).
fn count_tree_nodes(segments: &[Felt]) -> usize {
    segments.len() / 2
}

fn write_felts(vm: &mut VirtualMachine, felts: &[Felt]) -> Result<Relocatable, MemoryError> {
    let data: Vec<MaybeRelocatable> = felts.iter().map(|felt| (*felt).into()).collect();
    let address = vm.add_memory_segment();
    vm.load_data(address, &data)?;
    Ok(address)
}

fn write_entry_points(
    vm: &mut VirtualMachine,
    entry_points: &[EntryPointInput],
) -> Result<Relocatable, MemoryError> {
    let mut data: Vec<MaybeRelocatable> = Vec::with_capacity(4 * entry_points.len());
    for entry_point in entry_points {
        let builtins = write_felts(vm, &entry_point.builtins)?;
        data.extend([
            entry_point.selector.into(),
            entry_point.offset.into(),
            Felt::from(entry_point.builtins.len()).into(),
            builtins.into(),
        ]);
    }
    let address = vm.add_memory_segment();
    vm.load_data(address, &data)?;
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_trees_flatten_in_preorder() {
        let tree = NestedIntList::Node(vec![
            NestedIntList::Leaf(3),
            NestedIntList::Node(vec![NestedIntList::Leaf(0), NestedIntList::Leaf(5)]),
        ]);
        let flat: Vec<Felt> = [1, 2, 0, 3, 1, 2, 0, 0, 0, 5].into_iter().map(Felt::from).collect();
        assert_eq!(flatten_segments(&tree), flat);
        assert_eq!(flatten_segments(&NestedIntList::Leaf(7)), vec![Felt::ZERO, Felt::from(7)]);
    }
}
