//! Cairo steps and builtin instances (pedersen, poseidon, range_check, ecdsa) of the OS per
//! transaction type and per block size (printed; run with `--nocapture` to see them). The
//! 100-transfer block must stay within 2M steps, state commitment included.

mod common;

use chain::Felt;
use common::{Chain, selector};

/// The builtin instances a run used, as `name instances` pairs.
fn builtin_usage(os: &os::BlockExecution) -> String {
    let segments = &os.run.execution.builtins;
    let used = segments.iter().filter(|segment| segment.stop > segment.begin).map(|segment| {
        let instances = (segment.stop - segment.begin) / segment.builtin.cells_per_instance();
        format!("{:?} {instances}", segment.builtin)
    });
    used.collect::<Vec<_>>().join(", ")
}

fn transfers(n: usize) -> usize {
    let mut chain = Chain::new(2);
    let recipient = chain.accounts[1];
    let txs = (0..n).map(|i| chain.transfer(0, recipient, 1 + i as u64, i % 2 == 1)).collect();
    let block = chain.block(txs);
    let proven = chain.prove_and_commit(&block);
    assert_eq!(proven.os.public_output, proven.expected_output());
    eprintln!("{n} transfers: {} steps, {}", proven.os.steps, builtin_usage(&proven.os));
    proven.os.steps
}

#[test]
fn steps_per_block_of_transfers() {
    let empty = transfers(0);
    let one = transfers(1);
    let ten = transfers(10);
    let hundred = transfers(100);
    eprintln!(
        "OS steps: empty block {empty}, 1 transfer {one}, 10 transfers {ten}, 100 transfers {hundred}"
    );
    assert!(empty < one && one < ten && ten < hundred);
    assert!(hundred <= 2_000_000, "100 transfers cost {hundred} steps");
}

#[test]
fn steps_per_transaction_type() {
    let mut chain = Chain::new(2);
    let empty = {
        let block = chain.block(vec![]);
        chain.prove_and_commit(&block).os.steps
    };
    let mut measure = |name: &str, make: &dyn Fn(&mut Chain) -> executor::ExecutableTransaction| {
        let tx = make(&mut chain);
        let block = chain.block(vec![tx]);
        let proven = chain.prove_and_commit(&block);
        assert_eq!(proven.os.public_output, proven.expected_output());
        eprintln!(
            "{name}: {} steps ({} over an empty block), {}",
            proven.os.steps,
            proven.os.steps - empty,
            builtin_usage(&proven.os)
        );
    };
    let recipient = Felt::from(0x1234u64);
    measure("ERC-20 transfer, INVOKE v1", &|c: &mut Chain| c.transfer(0, recipient, 1, false));
    measure("ERC-20 transfer, INVOKE v3", &|c: &mut Chain| c.transfer(0, recipient, 1, true));
    measure("fibonacci(10)", &|c: &mut Chain| {
        let call = (c.fibonacci, selector("fibonacci"), vec![Felt::from(10u64)]);
        c.invoke_v1(0, &[call])
    });
    measure("factorial(10)", &|c: &mut Chain| {
        let call = (c.factorial, selector("factorial"), vec![Felt::from(10u64)]);
        c.invoke_v1(0, &[call])
    });
}

/// The empty block's proof (test security): steps, proof size and proving time, printed. What
/// each builtin in the OS's `%builtins` costs a block that does not use it (its segment is
/// empty: no table in the proof, two public pointers).
#[test]
fn empty_block_proof_size() {
    let mut chain = Chain::new(1);
    let block = chain.block(vec![]);
    let proven = chain.prove_and_commit(&block);
    let execution = proven.os.run.to_cairo_execution().unwrap();
    let start = std::time::Instant::now();
    let proof =
        cairo_air::prove_execution(&execution, &stark::SecurityPreset::Test.options()).unwrap();
    let proving = start.elapsed();
    let policy = common::os_pin_policy(os::program_hash().unwrap());
    let verified = cairo_air::verify_proof(&proof, &policy).unwrap();
    assert_eq!(verified.output.len(), chain::BlockPublicOutput::LEN);
    eprintln!(
        "empty block: {} steps, {} builtin segments, proof {} bytes, proved in {proving:.2?}",
        proven.os.steps,
        execution.builtins.len(),
        proof.len()
    );
}
