//! Real programs compiled by cairo-lang, run by cairo-vm in proof mode, proven and verified.

mod common;

use cairo_air::{
    CairoPolicy, ProgramPin, load_program, prove_execution, run_program, verify_proof,
};
use common::{fibonacci, program};
use stark::{AcceptancePolicy, SecurityPreset};
use starknet_types_core::felt::Felt;

fn insecure() -> CairoPolicy {
    CairoPolicy { acceptance: AcceptancePolicy::insecure(), program: ProgramPin::Any }
}

#[test]
fn fibonacci_proof_verifies_and_exposes_the_output() {
    let execution = fibonacci(30);
    let proof = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let statement = verify_proof(&proof, &insecure()).unwrap();
    // fib(1, 1, 30) = 1346269 (the 31st element of 1, 1, 2, ...).
    assert_eq!(statement.output, vec![Felt::from(30u64), Felt::from(1_346_269u64)]);
    assert_eq!(statement.program_hash, load_program(&program("fibonacci")).unwrap().hash());
}

#[test]
fn program_without_builtins_proves() {
    let execution = run_program(&program("factorial"), None).unwrap();
    let proof = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let statement = verify_proof(&proof, &insecure()).unwrap();
    assert!(statement.output.is_empty());
}

#[test]
fn program_with_memory_holes_proves() {
    let execution = run_program(&program("memory_holes"), None).unwrap();
    let proof = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let statement = verify_proof(&proof, &insecure()).unwrap();
    assert_eq!(statement.output, vec![Felt::from(52u64), Felt::from(15u64)]);
}

/// A field element of starknet-crypto's `Felt` type as this crate's.
fn from_crypto(value: starknet_crypto::Felt) -> Felt {
    Felt::from_bytes_be(&value.to_bytes_be())
}

#[test]
fn standard_library_program_proves_with_every_builtin() {
    // dict, uint256, math, math_cmp, hash2, poseidon_hash_many and bitwise from
    // `starkware.cairo.common`, run in proof mode with all five builtins.
    let execution = run_program(&program("stdlib"), None).unwrap();
    let proof = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let statement = verify_proof(&proof, &insecure()).unwrap();
    let one = starknet_crypto::Felt::ONE;
    let two = starknet_crypto::Felt::TWO;
    let three = starknet_crypto::Felt::THREE;
    let small = |values: &[u64]| values.iter().map(|v| Felt::from(*v)).collect::<Vec<_>>();
    let mut expected = small(&[
        4,  // entries of residue 3 among 0..19
        5,  // keys in the squashed dict
        0,  // (2^256 - 1) + 1 wraps to 0 ...
        1,  // ... with a carry
        0,  // (3 * 2^128 + 2^127) * 4 = 14 * 2^128: low 128 bits
        14, // next 128 bits
        0,  // the upper 256 bits of the product
        1,  // 5 < 2^128
        14, // 100 = 14 * 7 + 2
        2, 0, // is_le(7, 3)
        0, // is_nn(-1)
    ]);
    expected.push(from_crypto(starknet_crypto::pedersen_hash(&one, &two)));
    expected.push(from_crypto(starknet_crypto::poseidon_hash_many(&[one, two, three])));
    expected.push(Felt::from(12u64 ^ 10));
    assert_eq!(statement.output, expected);
}

#[test]
fn ecdsa_program_proves_and_verifies() {
    let (execution, expected) = common::ecdsa_signatures();
    assert_eq!(execution.signatures.len(), 3, "one signature per ecdsa instance");
    let proof = prove_execution(&execution, &SecurityPreset::Standard.options()).unwrap();
    let statement = verify_proof(&proof, &CairoPolicy::default()).unwrap();
    let expected: Vec<Felt> = expected.into_iter().map(from_crypto).collect();
    assert_eq!(statement.output, expected);
}

#[test]
fn ecdsa_run_with_a_tampered_signature_is_not_proven() {
    // The VM checked the real signatures; the prover is handed others. Each tampering is a
    // typed error, never a proof.
    use cairo_air::builtins::ecdsa::EcdsaError;
    use cairo_air::{CairoError, EcdsaSignature};
    let (execution, _) = common::ecdsa_signatures();
    let tamper = |change: &dyn Fn(&mut Vec<EcdsaSignature>)| {
        let mut bad = execution.clone();
        change(&mut bad.signatures);
        prove_execution(&bad, &SecurityPreset::Test.options()).unwrap_err()
    };
    let one = stark::Felt::one();
    let address = execution.signatures[1].address;
    assert!(matches!(
        tamper(&|s| s[1].r += one),
        CairoError::Ecdsa(EcdsaError::InvalidSignature { address: a }) if a == address
    ));
    assert!(matches!(
        tamper(&|s| s[1].w += one),
        CairoError::Ecdsa(EcdsaError::InvalidSignature { .. })
    ));
    assert!(matches!(
        tamper(&|s| { s.remove(1); }),
        CairoError::Ecdsa(EcdsaError::MissingSignature { address: a }) if a == address
    ));
}

#[test]
fn repeated_ecdsa_checks_prove_one_instance_each() {
    // The bench workload (`watcher-prover bench --workload ecdsa`): one fixed signature checked
    // five times, so five instances padded to a table of eight.
    let input = serde_json::json!({ "n": 5 });
    let execution = run_program(&program("ecdsa_checks"), Some(&input)).unwrap();
    assert_eq!(execution.signatures.len(), 5);
    let proof = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let statement = verify_proof(&proof, &insecure()).unwrap();
    assert_eq!(statement.output, vec![Felt::from(5u64)]);
}

#[test]
fn ec_op_program_proves_and_verifies() {
    // A chain of four ec_op, six on edge scalars and one direct: eleven instances, a table of
    // sixteen.
    let (execution, expected) = common::ec_ops(4);
    let segment = execution.builtins.iter().find(|b| b.builtin == cairo_air::Builtin::EcOp);
    let segment = segment.expect("the program uses ec_op");
    assert_eq!(segment.stop - segment.begin, 11 * 7, "eleven instances");
    let proof = prove_execution(&execution, &SecurityPreset::Standard.options()).unwrap();
    let statement = verify_proof(&proof, &CairoPolicy::default()).unwrap();
    assert_eq!(statement.output, expected);
    assert_eq!(statement.program_hash, load_program(&program("ec_ops")).unwrap().hash());
}

#[test]
fn mod_program_proves_and_verifies() {
    // Two rounds (two add_mod and three mul_mod a round, in chains of 2 and 3) and the modulo 97
    // circuit (one of each): five add_mod and seven mul_mod instances, tables of eight.
    let (execution, expected) = common::mod_ops(2);
    for (builtin, instances) in [(cairo_air::Builtin::AddMod, 5), (cairo_air::Builtin::MulMod, 7)] {
        let segment = execution.builtins.iter().find(|b| b.builtin == builtin).unwrap();
        assert_eq!(segment.stop - segment.begin, instances * 7);
    }
    let proof = prove_execution(&execution, &SecurityPreset::Standard.options()).unwrap();
    let statement = verify_proof(&proof, &CairoPolicy::default()).unwrap();
    assert_eq!(statement.output, expected);
    assert_eq!(statement.program_hash, load_program(&program("mod_ops")).unwrap().hash());
}

#[test]
fn secp_library_hints_run_and_prove() {
    // cairo-lang's `cairo_secp` and `secp256r1` libraries (the latter's hints are behind
    // cairo-vm's `cairo-0-secp-hints` feature): 2G and 3G of secp256k1's generator (x
    // 0xc6047f94...709ee5 and 0xf9308a01...e036f9) and of P-256's (0x7cf27b18...669978 and
    // 0x5ecbe4d1...e7fd6c), in 86-bit limbs.
    let execution = run_program(&program("secp_ops"), None).unwrap();
    let proof = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let statement = verify_proof(&proof, &insecure()).unwrap();
    let limbs = [
        "0x2f3ca7abac09b95c709ee5",
        "0x1ba5701f36171de392e33",
        "0xc6047f9441ed7d6d30454",
        "0x2f99b08601f113bce036f9",
        "0x3e17e27548a6d4c721160d",
        "0xf9308a019258c31049344",
        "0x321b35a60b48fc47669978",
        "0x200c12d46b0f0225a789df",
        "0x7cf27b188d034f7e8a523",
        "0x2da985fb41661bc6e7fd6c",
        "0x3e54752fc5979b1adc87be",
        "0x5ecbe4d1a6330a44c8f7e",
    ];
    let expected: Vec<Felt> = limbs.iter().map(|limb| Felt::from_hex_unchecked(limb)).collect();
    assert_eq!(statement.output, expected);
}

#[test]
fn blake2s_in_cairo_over_bitwise_proves() {
    // cairo-lang's `cairo_blake2s` library: a chain of three one-block hashes, checked by
    // `finalize_blake2s` over the bitwise builtin. The expected digest is Python's
    // `hashlib.blake2s` of the same chain (the program's header describes it).
    let input = serde_json::json!({ "n": 3 });
    let execution = run_program(&program("blake2s_hashes"), Some(&input)).unwrap();
    let proof = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let statement = verify_proof(&proof, &insecure()).unwrap();
    let digest: [u64; 8] = [
        2004179455, 3417922579, 3601555245, 92957424, 2224348712, 2963560470, 3439004581, 570331932,
    ];
    assert_eq!(statement.output, digest.map(Felt::from).to_vec());
}

#[test]
fn segment_arena_hints_run_and_prove() {
    // cairo-lang's segment arena: four segments (one real, three temporary and relocated by
    // the arena's validation) holding i..2i-1 for i = 0..3: 1 + (2 + 3) + (3 + 4 + 5) = 18.
    let input = serde_json::json!({ "n": 4 });
    let execution = run_program(&program("segment_arena"), Some(&input)).unwrap();
    let proof = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let statement = verify_proof(&proof, &insecure()).unwrap();
    assert_eq!(statement.output, vec![Felt::from(4u64), Felt::from(18u64)]);
}

#[test]
fn keccak_program_proves_and_verifies() {
    // One permutation of the zero state, a chain of two from the largest input, and keccak256
    // of "", "abc" (a block each) and 200 bytes (two blocks): seven instances, a table of eight.
    let (execution, expected) = common::keccak_ops(2);
    let segment = execution.builtins.iter().find(|b| b.builtin == cairo_air::Builtin::Keccak);
    let segment = segment.expect("the program uses keccak");
    assert_eq!(segment.stop - segment.begin, 7 * 16, "seven instances");
    // Known answers, independent of the keccak crate: Keccak-f[1600] of the zero state starts
    // with the lane 0xf1258f7940e1dde7 (the Keccak team's test vector), and keccak256 of the
    // empty string and of "abc".
    assert_eq!(expected[0].to_bytes_le()[..8], 0xf1258f7940e1dde7u64.to_le_bytes());
    let hex = |h: &str| Felt::from_hex_unchecked(h);
    assert_eq!(
        expected[16..20],
        [
            hex("0xc5d2460186f7233c927e7db2dcc703c0"),
            hex("0xe500b653ca82273b7bfad8045d85a470"),
            hex("0x4e03657aea45a94fc7d47ba826c8d667"),
            hex("0xc0d1e6e33a64a036ec44f58fa12d6c45"),
        ]
    );
    let proof = prove_execution(&execution, &SecurityPreset::Standard.options()).unwrap();
    let statement = verify_proof(&proof, &CairoPolicy::default()).unwrap();
    assert_eq!(statement.output, expected);
    assert_eq!(statement.program_hash, load_program(&program("keccak_ops")).unwrap().hash());
}

#[test]
fn program_with_all_eleven_builtins_proves_and_verifies() {
    use starknet_types_core::curve::ProjectivePoint;
    let execution = run_program(&program("all_builtins"), None).unwrap();
    assert_eq!(execution.builtins.len(), 11);
    for segment in &execution.builtins {
        assert!(segment.stop > segment.begin, "{} is used", segment.builtin.name());
    }
    let felt = |v: starknet_crypto::Felt| from_crypto(v);
    let small = |v: u64| Felt::from(v);
    let g = ProjectivePoint::from_affine(
        Felt::from_hex_unchecked(
            "0x1ef15c18599971b7beced415a40f0c7deacfd9b0d1819e03d723d8bc943cfca",
        ),
        Felt::from_hex_unchecked(
            "0x5668060aa49730b7be4801df46ec62de53ecd11abe43a32873000c36e8dc1f",
        ),
    )
    .unwrap();
    let three_g = (&g * Felt::THREE).to_affine().unwrap();
    let top = (num_bigint::BigUint::from(1u32) << 200u32) - 1u32;
    let keccak = common::keccak_f_cells(&std::array::from_fn(|_| top.clone()));
    let keccak = |k: usize| Felt::from_bytes_be_slice(&keccak[k].to_bytes_be());
    let mut poseidon = [1u64, 2, 3].map(starknet_crypto::Felt::from);
    starknet_crypto::poseidon_permute_comp(&mut poseidon);
    let expected = vec![
        felt(starknet_crypto::pedersen_hash(&1u64.into(), &2u64.into())),
        small(12 & 10),
        small(12 ^ 10),
        small(12 | 10),
        three_g.x(),
        three_g.y(),
        keccak(0),
        keccak(7),
        felt(poseidon[0]),
        small((96 + 95) % 97),
        small((96 + 95) % 97 * 95 % 97),
    ];
    let proof = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let statement = verify_proof(&proof, &insecure()).unwrap();
    assert_eq!(statement.output, expected);
    let names: Vec<&str> =
        statement.public_input.builtins.iter().map(|b| b.builtin.name()).collect();
    assert_eq!(
        names,
        [
            "output",
            "pedersen",
            "range_check",
            "ecdsa",
            "bitwise",
            "ec_op",
            "keccak",
            "poseidon",
            "range_check96",
            "add_mod",
            "mul_mod"
        ]
    );
}

#[test]
fn keccak_in_cairo_over_bitwise_proves() {
    // cairo-lang's `cairo_keccak` library (its hints compute, `finalize_keccak` checks):
    // keccak256 of the numbers i * (2^128 + 1) for i = 1..3 and of 2^255 - 19, big-endian, as
    // (low, high) halves; the expected values are pycryptodome's keccak256 of the same bytes.
    let input = serde_json::json!({ "n": 3 });
    let execution = run_program(&program("cairo_keccak"), Some(&input)).unwrap();
    let proof = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let statement = verify_proof(&proof, &insecure()).unwrap();
    let expected = [
        "323285817893764296260184343819806876175",
        "17325328037229589555091655824783870453",
        "316428999963496110293995151148354904274",
        "77343811971001911181869375791563856962",
    ];
    let expected: Vec<Felt> = expected.iter().map(|v| Felt::from_dec_str(v).unwrap()).collect();
    assert_eq!(statement.output, expected);
}

/// An execution whose steps touch a far address (here a frame pointer moved to 2^50, as a
/// hand-made trace file could claim) spans more memory than any trace can hold: it is refused
/// as too large at once, without allocating for the range or listing its holes.
#[test]
fn an_execution_spanning_too_much_memory_is_refused_quickly() {
    let mut execution = fibonacci(10);
    let (pc, ap, _) = execution.trace[3];
    execution.trace[3] = (pc, ap, 1 << 50);
    let started = std::time::Instant::now();
    let error = cairo_air::build_traces(&execution).unwrap_err();
    assert!(matches!(error, cairo_air::CairoError::TooLarge { .. }), "{error}");
    assert!(started.elapsed().as_secs() < 5, "refused in {:?}", started.elapsed());
}
