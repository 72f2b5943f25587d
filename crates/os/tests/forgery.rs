//! A forged OS block proof, end to end: a dishonest prover lays the OS's run of a real block out
//! where cairo-vm never would, claims two builtins (`output`, `pedersen`) instead of the OS's
//! seven, and proves a block public output whose new state root is `0xbadc0ffee`, with the block
//! hash of the header that carries that root. The proof is a valid STARK proof of its statement
//! with the OS's bytecode (what a bytecode-only check accepted); the program hash, which binds
//! the builtin list, refuses it: under the OS hash pin (`verify --os`, light clients), under
//! the program pin (naming both lists), and in the light client's `verify_block`.
//!
//! Why this layout: the verifier reads builtin `i`'s begin at `[initial_ap + i]` and its stop at
//! `[final_ap - k + i]`, `k` the number of builtins claimed. With `k = 2` the claimed output is
//! `[output base, ec_op stop)` and the claimed pedersen `[pedersen base, poseidon stop)`. The
//! block's run leaves the ec_op segment empty, so laying it right after the output's ten cells
//! makes the claimed output exactly those ten; laying pedersen at poseidon's stop makes the
//! claimed pedersen empty. The statement then passes every structural check (segments in order,
//! disjoint, after the execution segment, whole instances, ten output cells): only the builtin
//! list is wrong. No claimed table constrains the Poseidon, Pedersen, range-check or ECDSA
//! cells, so the forger rewrites the new root (a Pedersen result: with no Sierra class the
//! global root is the contracts root) and the block hash (a Poseidon result).

mod common;

use cairo_air::{
    AIR_NAME, Builtin, BuiltinSegment, CairoAir, CairoExecution, CairoPolicy, CairoPublicInput,
    CairoVerifyError, ProgramPin, SegmentSizes, build_traces,
};
use chain::rpc::convert::block_with_tx_hashes;
use chain::rpc::types::BlockStatus;
use chain::{BlockHeader, BlockPublicOutput, Felt};
use common::{CHAIN_ID, Chain};
use light_client::{LightClientError, LightClientOptions};
use stark::{AcceptancePolicy, Air, ProofEnvelope, SecurityPreset};

/// The root the forged proof claims.
const LYING_ROOT: Felt = Felt::from_hex_unchecked("0xbadc0ffee");

/// Program, execution, output, ec_op and keccak (empty), poseidon, pedersen from poseidon's
/// stop, then range_check, ecdsa and the segments the run allocated.
fn forged_layout(segments: &SegmentSizes) -> Vec<usize> {
    let index = |name| segments.index(name).expect("a builtin of the layout");
    let (ec_op, poseidon, pedersen) = (index("ec_op"), index("poseidon"), index("pedersen"));
    let stop = |name| segments.stop(name).expect("a builtin of the layout");
    assert_eq!(stop("ec_op"), 0, "the block's run uses no ec_op instance");
    assert_eq!(stop("keccak"), 0, "the block's run uses no keccak instance");
    let (range_check, ecdsa, keccak) = (index("range_check"), index("ecdsa"), index("keccak"));
    let first = [0, 1, index("output"), ec_op, keccak, poseidon, pedersen, range_check, ecdsa];
    let mut bases = segments.laid_out(&first);
    // Pedersen moves down onto poseidon's padding (cells the run never wrote).
    bases[pedersen] = bases[poseidon] + stop("poseidon");
    bases
}

/// Proves `execution`'s statement as it stands, without the prover's public-input checks.
fn prove_unchecked(execution: &CairoExecution) -> Vec<u8> {
    let (traces, public) = build_traces(execution).expect("the forged run builds a trace");
    let air = CairoAir::new(public);
    // Fixed challenges: the checker names the first constraint a forgery breaks.
    let challenges: Vec<stark::Felt> = (1..=air.num_aux_challenges() as u64)
        .map(|i| stark::Felt::from(i * 0x1_0000_0001 + 7))
        .collect();
    if let Err(violation) = stark::validate_traces(&air, &traces, &challenges) {
        let step = execution.trace.get(violation.row);
        panic!("the forgery breaks {violation} (step {step:?})");
    }
    let proof = stark::prove(&air, traces, &SecurityPreset::Test.options())
        .expect("the forged statement is internally consistent");
    ProofEnvelope { air_name: AIR_NAME.into(), public_input: air.public_input_bytes(), proof }
        .to_bytes()
}

/// The STARK verifier alone accepts `proof` (no statement checks): returns its statement.
fn stark_accepts(proof: &[u8]) -> CairoPublicInput {
    let envelope = ProofEnvelope::from_bytes(proof).expect("a proof file");
    let public = CairoPublicInput::from_bytes(&envelope.public_input).expect("a public input");
    let air = CairoAir::new(public.clone());
    stark::verify_envelope(&air, &envelope, &AcceptancePolicy::insecure())
        .expect("the forged proof is a valid STARK proof of its statement");
    public
}

fn stark_felt(x: Felt) -> stark::Felt {
    stark::felt_from_bytes(&x.to_bytes_be()).expect("a canonical felt")
}

fn segment(execution: &CairoExecution, builtin: Builtin) -> BuiltinSegment {
    execution.builtins.iter().find(|s| s.builtin == builtin).expect("the builtin").clone()
}

#[test]
fn a_forged_new_state_root_is_refused_by_the_builtin_list_binding() {
    let mut chain = Chain::new(2);
    let recipient = chain.accounts[1];
    let tx = chain.transfer(0, recipient, 42, false);
    let block = chain.block(vec![tx]);
    let genesis = (chain.head, chain.head_hash);
    let prepared =
        os::prepare_block(&block, &chain.state, Some(chain.head), &chain.classes, &chain.config)
            .unwrap();
    let honest = chain.prove_and_commit(&block);

    // The OS's run of the block, laid out the forger's way: the run itself is the honest one.
    let placed = prepared.run_placed(forged_layout).unwrap();
    assert_eq!(placed.public_output, honest.expected_output());
    let run = placed.run.execution;
    let (output, ec_op) = (segment(&run, Builtin::Output), segment(&run, Builtin::EcOp));
    let (pedersen, poseidon) = (segment(&run, Builtin::Pedersen), segment(&run, Builtin::Poseidon));
    assert_eq!(
        (output.stop - output.begin, ec_op.begin, ec_op.stop),
        (chain::BlockPublicOutput::LEN as u64, output.stop, output.stop)
    );
    assert_eq!(pedersen.begin, poseidon.stop);

    // The lie: the honest header with another state root, and its block hash.
    let lying_header = BlockHeader { state_root: LYING_ROOT, ..honest.header.clone() };
    let (true_root, true_hash) = (honest.header.state_root, honest.header.hash());
    let lying_hash = lying_header.hash();
    let mut forged = run.clone();
    let program_end = 1 + run.program.len();
    // The root is a hash result (the contracts trie's Pedersen root, which is the global root
    // without Sierra classes) copied to the output and into the block hash's preimage; the block
    // hash is a Poseidon result copied to the output.
    let mut rewritten = [0, 0];
    for cell in forged.memory.iter_mut().skip(program_end).flatten() {
        if *cell == stark_felt(true_root) {
            *cell = stark_felt(LYING_ROOT);
            rewritten[0] += 1;
        } else if *cell == stark_felt(true_hash) {
            *cell = stark_felt(lying_hash);
            rewritten[1] += 1;
        }
    }
    assert!(rewritten[0] >= 2 && rewritten[1] >= 2, "{rewritten:?}");
    // The block hash's sponge absorbs the root as its third element (s0 of its second
    // absorption): that Poseidon instance's input is `state.s0 + root`, computed in a cell of the
    // execution segment and copied to the Poseidon cell, which no claimed table constrains. The
    // forger adds the difference to that sum everywhere, so the addition and the copy still hold.
    // Both lanes (s0, s1) are searched, so the test does not depend on the root's position.
    let instance = |i: u64| poseidon.begin + 6 * i;
    let absorbs_root = (1..(poseidon.stop - poseidon.begin) / 6)
        .flat_map(|i| [(i, 0), (i, 1)])
        .filter(|&(i, lane)| {
            let cell = |a: u64| run.memory[a as usize];
            let (input, state) = (cell(instance(i) + lane), cell(instance(i - 1) + 3 + lane));
            input.zip(state).is_some_and(|(input, state)| input - state == stark_felt(true_root))
        })
        .collect::<Vec<_>>();
    assert_eq!(absorbs_root.len(), 1, "one sponge step absorbs the root");
    let (step, lane) = absorbs_root[0];
    let true_sum = run.memory[(instance(step) + lane) as usize].expect("written");
    let lying_sum = true_sum + stark_felt(LYING_ROOT) - stark_felt(true_root);
    let mut copies = 0;
    for cell in forged.memory.iter_mut().skip(program_end).flatten() {
        if *cell == true_sum {
            *cell = lying_sum;
            copies += 1;
        }
    }
    assert_eq!(copies, 2, "the sum and its copy in the Poseidon input");

    // The statement claims two builtins: output, and an empty pedersen segment.
    forged.builtins = vec![
        BuiltinSegment { builtin: Builtin::Output, begin: output.begin, stop: ec_op.stop },
        BuiltinSegment { builtin: Builtin::Pedersen, begin: pedersen.begin, stop: poseidon.stop },
    ];
    forged.output = (output.begin..output.stop)
        .map(|a| forged.memory[a as usize].expect("an output cell"))
        .collect();
    forged.signatures.clear();
    let proof = prove_unchecked(&forged);

    // A valid STARK proof of a statement with the OS's bytecode, ten output felts decoding as
    // a block public output with the lying root and hash: what a bytecode-only check accepted.
    let statement = stark_accepts(&proof);
    let os_program = cairo_air::load_program(os::OS_PROGRAM_JSON.as_bytes()).unwrap();
    assert_eq!(statement.program, os_program.bytecode);
    statement.validate().expect("the forged statement is well formed");
    let to_chain = |x: &stark::Felt| Felt::from_bytes_be(&stark::felt_to_bytes(x));
    let output_felts: Vec<Felt> = statement.output.iter().map(to_chain).collect();
    let claimed = BlockPublicOutput::from_felts(&output_felts).unwrap();
    assert_eq!(claimed.new_state_root, LYING_ROOT);
    assert_eq!(claimed.block_hash, lying_hash);
    let expected_lie = BlockPublicOutput {
        new_state_root: LYING_ROOT,
        block_hash: lying_hash,
        ..honest.expected_output()
    };
    assert_eq!(claimed, expected_lie);

    // The OS hash pin (`watcher-prover verify --os`, the service, light clients).
    let verify = |pin| {
        cairo_air::verify_proof(
            &proof,
            &CairoPolicy { acceptance: AcceptancePolicy::insecure(), program: pin },
        )
    };
    let os_hash = os::program_hash().unwrap();
    let refused = verify(ProgramPin::Hash(os_hash));
    assert!(matches!(refused, Err(CairoVerifyError::ProgramMismatch { .. })), "{refused:?}");
    // The program pin (`verify --program`) names both builtin lists.
    match verify(ProgramPin::Program(Box::new(os_program.clone()))) {
        Err(CairoVerifyError::BuiltinsMismatch { expected, found }) => {
            assert_eq!(
                expected,
                [
                    "output",
                    "pedersen",
                    "range_check",
                    "ecdsa",
                    "bitwise",
                    "ec_op",
                    "keccak",
                    "poseidon"
                ]
            );
            assert_eq!(found, ["output", "pedersen"]);
        }
        other => panic!("expected a builtin-list mismatch, got {other:?}"),
    }

    // The light client, shown the lying header: the headers would bind (block hash, root,
    // parent, transactions), only the program hash refuses.
    let transactions: Vec<Felt> = block.transactions.iter().map(|tx| tx.transaction_hash).collect();
    let header = block_with_tx_hashes(&lying_header, BlockStatus::AcceptedOnL2, transactions);
    let mut parent = block_with_tx_hashes(&honest.header, BlockStatus::AcceptedOnL2, vec![]);
    (parent.block_number, parent.block_hash) = genesis;
    parent.new_root = honest.previous_state_root;
    light_client::check_binding(&claimed, &header, Some(&parent), CHAIN_ID.as_felt(), None)
        .expect("the lie binds to the lying header");
    let options = LightClientOptions { min_security_bits: 0, ..LightClientOptions::default() };
    let refused = light_client::verify_block(
        &proof,
        &header,
        Some(&parent),
        CHAIN_ID.as_felt(),
        os_hash,
        &options,
    );
    assert!(
        matches!(refused, Err(LightClientError::OsProgramMismatch { pinned, .. }) if pinned == os_hash),
        "{refused:?}"
    );

    verify_os_with_the_binary(&proof);
}

/// `watcher-prover verify --os` on the forgery: exit 1, "the proof is for program X, expected
/// the OS's". The binary is
/// the `cli` package's; `cargo test --workspace` (`make test`, CI) builds it beside this test,
/// `cargo test -p os` alone does not, and then this part says so and is skipped.
fn verify_os_with_the_binary(proof: &[u8]) {
    let test = std::env::current_exe().unwrap();
    let binary = test.parent().and_then(|deps| deps.parent()).map(|dir| dir.join("watcher-prover"));
    let Some(binary) = binary.filter(|path| path.exists()) else {
        eprintln!(
            "watcher-prover not built: `verify --os` on the forgery skipped (make test runs it)"
        );
        return;
    };
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), proof).unwrap();
    let out = std::process::Command::new(binary)
        .arg("verify")
        .arg(file.path())
        .args(["--os", "--min-security", "0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "verify --os: {stderr}");
    assert!(stderr.contains("the proof is for program"), "{stderr}");
}
