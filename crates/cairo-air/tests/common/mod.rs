//! Helpers shared by the Cairo prover tests.
#![allow(dead_code)]

pub mod dishonest;

use cairo_air::{CairoExecution, run_program};
use serde_json::json;

/// One table on its own (no memory, lookup or call claims to match): for the table's own
/// constraints.
pub struct OneTable<C>(pub C);

impl<C: stark::Component> stark::Air for OneTable<C> {
    fn name(&self) -> &str {
        "one table"
    }
    fn public_input_bytes(&self) -> Vec<u8> {
        Vec::new()
    }
    fn components(&self) -> Vec<&dyn stark::Component> {
        vec![&self.0]
    }
    fn num_aux_challenges(&self) -> usize {
        cairo_air::layout::N_CHALLENGES
    }
}

pub fn program(name: &str) -> Vec<u8> {
    let path = format!("{}/programs/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn fibonacci(n: u64) -> CairoExecution {
    run_program(&program("fibonacci"), Some(&json!({ "n": n }))).expect("fibonacci runs")
}

/// The private key of signer `i` of the `ecdsa_signatures` program.
pub fn ecdsa_private_key(i: u64) -> starknet_crypto::Felt {
    use starknet_crypto::{Felt as F, pedersen_hash};
    pedersen_hash(&F::from(i + 1), &F::from(0xec_d5a_u64))
}

/// Runs `ecdsa_signatures` on three signatures made here with starknet-crypto (signer `i`
/// signs `pedersen(1000 + i, i)`), and returns the run and the output it must prove: each key
/// and message.
pub fn ecdsa_signatures() -> (CairoExecution, Vec<starknet_crypto::Felt>) {
    use starknet_crypto::{Felt as F, get_public_key, pedersen_hash, rfc6979_generate_k, sign};
    let mut input = serde_json::Map::new();
    let mut expected = Vec::new();
    for i in 0..3u64 {
        let private = ecdsa_private_key(i);
        let key = get_public_key(&private);
        let payload = F::from(1000 + i);
        let message = pedersen_hash(&payload, &F::from(i));
        let k = rfc6979_generate_k(&message, &private, None);
        let signature = sign(&private, &message, &k).expect("signs");
        for (name, value) in
            [("key", key), ("payload", payload), ("r", signature.r), ("s", signature.s)]
        {
            input.insert(format!("{name}{i}"), json!(value.to_hex_string()));
        }
        expected.extend([key, message]);
    }
    let execution = run_program(&program("ecdsa_signatures"), Some(&input.into()))
        .expect("ecdsa_signatures runs");
    (execution, expected)
}

/// Runs `ec_ops` with a chain of `n` and returns the run and the output it must prove, computed
/// here with starknet-types-core's curve arithmetic (cairo-vm's): each result's x and y.
pub fn ec_ops(n: u64) -> (CairoExecution, Vec<starknet_types_core::felt::Felt>) {
    use starknet_types_core::curve::ProjectivePoint;
    use starknet_types_core::felt::Felt as F;
    let generator = ProjectivePoint::from_affine(
        F::from_hex_unchecked("0x1ef15c18599971b7beced415a40f0c7deacfd9b0d1819e03d723d8bc943cfca"),
        F::from_hex_unchecked("0x5668060aa49730b7be4801df46ec62de53ecd11abe43a32873000c36e8dc1f"),
    )
    .unwrap();
    let ec_op = |p: &ProjectivePoint, m: F, q: &ProjectivePoint| p + &(q * m);
    let k = F::from_hex_unchecked("0x9e3779b97f4a7c15f39cc0605cedc834");
    let mut chain = generator.clone();
    for i in (1..=n).rev() {
        chain = ec_op(&chain, F::from(i) * k, &generator);
    }
    let q = ec_op(&generator, F::TWO, &generator);
    let two = |e: u64| F::TWO.pow(e);
    let results = [
        chain.clone(),
        q.clone(),
        ec_op(&q, F::ZERO, &generator),
        ec_op(&generator, F::ONE, &q),
        ec_op(&generator, -F::ONE, &q),
        ec_op(&q, two(251), &generator),
        ec_op(&chain, two(251) + two(196) + two(192) - F::ONE, &q),
        ec_op(&generator, F::from(5u64), &q),
    ];
    let expected = results
        .iter()
        .flat_map(|r| {
            let r = r.to_affine().expect("not the point at infinity");
            [r.x(), r.y()]
        })
        .collect();
    let execution = run_program(&program("ec_ops"), Some(&json!({ "n": n }))).expect("ec_ops runs");
    (execution, expected)
}

/// The BLS12-381 base field prime, `mod_ops`'s modulus.
pub fn bls12_381_p() -> num_bigint::BigUint {
    num_bigint::BigUint::parse_bytes(
        b"1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab",
        16,
    )
    .unwrap()
}

/// Runs `mod_ops` with `n` rounds and returns the run and the output it must prove, computed
/// here with num-bigint as cairo-vm's runner fills the values: the last x's four words, then
/// `96 + 95` and `(96 + 95) 95` modulo 97.
pub fn mod_ops(n: u64) -> (CairoExecution, Vec<starknet_types_core::felt::Felt>) {
    use num_bigint::BigUint;
    let p = bls12_381_p();
    let one = BigUint::from(1u32);
    let word = (&one << 96u32) - &one;
    let c = &word + (&word << 96u32) + (&word << 192u32) + (((&p >> 288u32) - &one) << 288u32);
    let mut x = &p + 5u32;
    for _ in 0..n {
        let v2 = &x * &x % &p;
        let v3 = (&v2 + &c) % &p;
        let v4 = &v3 * &c % &p;
        let v5 = if c <= v4 { &v4 - &c } else { &v4 + &p - &c };
        let inverse = (&x % &p).modpow(&(&p - 2u32), &p);
        x = v5 * inverse % &p;
    }
    let felt = |v: &BigUint| {
        starknet_types_core::felt::Felt::from_hex_unchecked(&format!("0x{}", v.to_str_radix(16)))
    };
    let mut expected: Vec<_> = (0..4).map(|i| felt(&((&x >> (96 * i)) & &word))).collect();
    expected.extend([felt(&BigUint::from(94u32)), felt(&BigUint::from(94u32 * 95 % 97))]);
    let execution =
        run_program(&program("mod_ops"), Some(&json!({ "n": n }))).expect("mod_ops runs");
    (execution, expected)
}

/// Keccak-f[1600] of a keccak builtin instance's 8 input cells (each below 2^200), packed as
/// cairo-vm packs them, computed here with num-bigint and the `keccak` crate cairo-vm uses.
pub fn keccak_f_cells(cells: &[num_bigint::BigUint; 8]) -> [num_bigint::BigUint; 8] {
    use num_bigint::BigUint;
    let state = cells.iter().rev().fold(BigUint::ZERO, |acc, c| (acc << 200u32) + c);
    let mut lanes = state.to_u64_digits();
    lanes.resize(25, 0);
    let mut lanes: [u64; 25] = lanes.try_into().unwrap();
    keccak::f1600(&mut lanes);
    let out = lanes.iter().rev().fold(BigUint::ZERO, |acc, l| (acc << 64u32) + l);
    let word = (BigUint::from(1u32) << 200u32) - 1u32;
    std::array::from_fn(|k| (&out >> (200 * k)) & &word)
}

/// keccak256 (Ethereum's, padding `0x01 .. 0x80`) of `bytes`, with the `keccak` crate's
/// permutation.
pub fn keccak256(bytes: &[u8]) -> [u8; 32] {
    const RATE: usize = 136;
    let mut padded = bytes.to_vec();
    padded.push(0x01);
    padded.resize(padded.len().div_ceil(RATE) * RATE, 0);
    *padded.last_mut().unwrap() |= 0x80;
    let mut state = [0u64; 25];
    for block in padded.chunks(RATE) {
        for (lane, word) in state.iter_mut().zip(block.chunks(8)) {
            *lane ^= u64::from_le_bytes(word.try_into().unwrap());
        }
        keccak::f1600(&mut state);
    }
    let mut hash = [0u8; 32];
    for (i, lane) in state.iter().take(4).enumerate() {
        hash[8 * i..8 * i + 8].copy_from_slice(&lane.to_le_bytes());
    }
    hash
}

/// Runs `keccak_ops` with a chain of `n` and returns the run and the output it must prove:
/// Keccak-f[1600] of the zero state, the chain's last state, and keccak256 of "", "abc" and
/// the bytes 0..200 as (high, low) halves.
pub fn keccak_ops(n: u64) -> (CairoExecution, Vec<starknet_types_core::felt::Felt>) {
    use num_bigint::BigUint;
    let felt = |v: &BigUint| starknet_types_core::felt::Felt::from_bytes_be_slice(&v.to_bytes_be());
    let zero: [BigUint; 8] = std::array::from_fn(|_| BigUint::ZERO);
    let mut expected: Vec<_> = keccak_f_cells(&zero).iter().map(felt).collect();
    let top = (BigUint::from(1u32) << 200u32) - 1u32;
    let mut state: [BigUint; 8] = std::array::from_fn(|_| top.clone());
    for _ in 0..n {
        state = keccak_f_cells(&state);
    }
    expected.extend(state.iter().map(felt));
    let counting: Vec<u8> = (0..200).collect();
    for input in [&b""[..], b"abc", &counting] {
        let hash = keccak256(input);
        expected.push(starknet_types_core::felt::Felt::from_bytes_be_slice(&hash[..16]));
        expected.push(starknet_types_core::felt::Felt::from_bytes_be_slice(&hash[16..]));
    }
    let execution =
        run_program(&program("keccak_ops"), Some(&json!({ "n": n }))).expect("keccak_ops runs");
    (execution, expected)
}
