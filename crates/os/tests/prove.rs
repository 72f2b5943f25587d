//! A block proof end to end: the OS's run of a block with a transfer is proven by `cairo-air`
//! and verifies against the OS program hash, with the block's public output.

mod common;

use chain::{BlockPublicOutput, Felt};
use common::Chain;
use stark::SecurityPreset;

#[test]
fn block_proof_verifies_against_the_os_program_hash() {
    let mut chain = Chain::new(2);
    let recipient = chain.accounts[1];
    let tx = chain.transfer(0, recipient, 42, false);
    let block = chain.block(vec![tx]);
    let proven = chain.prove_and_commit(&block);
    let execution = proven.os.run.to_cairo_execution().unwrap();
    // The account's `__validate__` checked the transaction's signature with the ecdsa builtin:
    // one instance, with its signature, is proven.
    let ecdsa = execution.builtins.iter().find(|s| s.builtin == cairo_air::Builtin::Ecdsa);
    let ecdsa = ecdsa.expect("the OS has an ecdsa segment");
    assert_eq!(ecdsa.stop - ecdsa.begin, 2);
    assert_eq!(execution.signatures.len(), 1);
    assert_eq!(execution.signatures[0].address, ecdsa.begin);
    let proof = cairo_air::prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();

    let os_hash = os::program_hash().unwrap();
    let verified = cairo_air::verify_proof(&proof, &common::os_pin_policy(os_hash)).unwrap();
    let output = verified.output;
    assert_eq!(BlockPublicOutput::from_felts(&output).unwrap(), proven.expected_output());

    // Another program hash is refused.
    let policy = common::os_pin_policy(os_hash + Felt::ONE);
    assert!(cairo_air::verify_proof(&proof, &policy).is_err());

    // Another signature for the instance (its public key and message, the transaction hash,
    // stay in memory): no proof.
    let mut forged = execution.clone();
    forged.signatures[0].w += stark::Felt::one();
    assert!(cairo_air::prove_execution(&forged, &SecurityPreset::Test.options()).is_err());

    // A run whose signature is missing is refused before proving.
    let mut run = proven.os.run.clone();
    run.execution.signatures.clear();
    assert!(matches!(run.to_cairo_execution(), Err(os::OsError::Rejected(_))));
}
