//! Helpers shared by the Cairo prover tests.
#![allow(dead_code)]

pub mod dishonest;

use cairo_air::{CairoExecution, run_program};
use serde_json::json;

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
