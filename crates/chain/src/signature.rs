//! ECDSA signatures on the Stark curve over transaction hashes, as standard accounts check them
//! (`[r, s]`, deterministic nonce per RFC 6979).

use starknet_crypto::{get_public_key, rfc6979_generate_k, sign, verify};

use crate::{ChainError, Felt};

/// The public key (x coordinate) of a private key.
pub fn public_key(private_key: &Felt) -> Felt {
    get_public_key(private_key)
}

/// Signs `message_hash` (a transaction hash) and returns `[r, s]`.
pub fn sign_hash(private_key: &Felt, message_hash: &Felt) -> Result<[Felt; 2], ChainError> {
    let k = rfc6979_generate_k(message_hash, private_key, None);
    let signature = sign(private_key, message_hash, &k)
        .map_err(|error| ChainError::Signing(error.to_string()))?;
    Ok([signature.r, signature.s])
}

/// Whether `signature = [r, s]` is a valid signature of `message_hash` by `public_key`. Any other
/// signature length, or values out of range, give `false`.
pub fn verify_hash(public_key: &Felt, message_hash: &Felt, signature: &[Felt]) -> bool {
    match signature {
        [r, s] => verify(public_key, message_hash, r, s).unwrap_or(false),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_then_verify() {
        let private_key = Felt::from_hex_unchecked("0x1234567890abcdef");
        let key = public_key(&private_key);
        let hash = Felt::from_hex_unchecked("0xdeadbeef");
        let signature = sign_hash(&private_key, &hash).unwrap();
        assert!(verify_hash(&key, &hash, &signature));
        assert!(!verify_hash(&key, &(hash + Felt::ONE), &signature));
        assert!(!verify_hash(&key, &hash, &[signature[0]]));
        assert!(!verify_hash(&(key + Felt::ONE), &hash, &signature));
        assert!(!verify_hash(&key, &hash, &[signature[0], signature[1] + Felt::ONE]));
    }

    #[test]
    fn known_public_key() {
        // starknet-crypto's published test vector (ecdsa.rs, test_get_public_key).
        let private_key = Felt::from_hex_unchecked(
            "0x03c1e9550e66958296d11b60f8e8e7a7ad990d07fa65d5f7652c4a6c87d4e3cc",
        );
        assert_eq!(
            public_key(&private_key),
            Felt::from_hex_unchecked(
                "0x077a3b314db07c45076d11f62b6f9e748a39790441823307743cf00d6597ea43"
            )
        );
    }
}
