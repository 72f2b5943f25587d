//! The OS's commitment trie (`os-program/os/commitment_trie.cairo`) against
//! `chain::starknet_commitments::patricia_root`: the roots of the first n of a list of values,
//! for every n up to 40 and a few larger ones (full and one-past-full subtrees included).

use cairo_vm::cairo_run::{CairoRunConfig, cairo_run_program};
use cairo_vm::hint_processor::builtin_hint_processor::builtin_hint_processor_definition::BuiltinHintProcessor;
use cairo_vm::types::layout_name::LayoutName;
use cairo_vm::types::program::Program;
use chain::Felt;
use chain::starknet_commitments::patricia_root;

const PROGRAM: &[u8] = include_bytes!("programs/commitment_trie.json");

#[test]
fn trie_root_matches_patricia_root() {
    let program = Program::from_bytes(PROGRAM, Some("main")).unwrap();
    let config = CairoRunConfig {
        entrypoint: "main",
        relocate_mem: true,
        layout: LayoutName::all_cairo,
        proof_mode: true,
        ..CairoRunConfig::default()
    };
    let mut hints = BuiltinHintProcessor::new_empty();
    let runner = cairo_run_program(&program, &config, &mut hints).unwrap();
    let segments = runner.get_memory_segment_addresses().unwrap();
    let (begin, stop) = segments["output"];
    let output: Vec<Felt> =
        (begin..stop).map(|address| runner.relocated_memory[address].unwrap()).collect();

    let values: Vec<Felt> = (0..257u64).map(|i| Felt::from(1000 + 7 * i)).collect();
    let sizes: Vec<usize> = (0..=40).chain([64, 65, 100, 257]).collect();
    assert_eq!(output.len(), sizes.len());
    for (root, n) in output.iter().zip(sizes) {
        assert_eq!(*root, patricia_root(&values[..n]), "{n} leaves");
    }
    assert_eq!(output[0], Felt::ZERO);
}
