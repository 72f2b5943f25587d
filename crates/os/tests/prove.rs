//! A block proof end to end: the OS's run of a block with a transfer is proven by `cairo-air`
//! and verifies against the OS program hash, with the block's public output.

mod common;

use chain::{BlockPublicOutput, Felt};
use common::Chain;
use stark::{AcceptancePolicy, SecurityPreset};

#[test]
fn block_proof_verifies_against_the_os_program_hash() {
    let mut chain = Chain::new(2);
    let recipient = chain.accounts[1];
    let tx = chain.transfer(0, recipient, 42, false);
    let block = chain.block(vec![tx]);
    let proven = chain.prove_and_commit(&block);
    let execution = proven.os.run.to_cairo_execution().unwrap();
    let proof = cairo_air::prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();

    let os_hash =
        cairo_air::program_hash(&cairo_air::load_program(os::OS_PROGRAM_JSON.as_bytes()).unwrap());
    let policy = cairo_air::CairoPolicy {
        acceptance: AcceptancePolicy { min_security_bits: 0 },
        expected_program_hash: Some(os_hash),
    };
    let verified = cairo_air::verify_proof(&proof, &policy).unwrap();
    let output = verified.output;
    assert_eq!(BlockPublicOutput::from_felts(&output).unwrap(), proven.expected_output());

    // Another program hash is refused.
    let policy = cairo_air::CairoPolicy {
        acceptance: AcceptancePolicy { min_security_bits: 0 },
        expected_program_hash: Some(os_hash + Felt::ONE),
    };
    assert!(cairo_air::verify_proof(&proof, &policy).is_err());
}
