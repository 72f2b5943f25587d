//! Cairo short strings: up to 31 ASCII characters packed big-endian into one felt.

use crate::{ChainError, Felt};

/// Encodes `value` as a Cairo short string (`'abc'` in Cairo: big-endian ASCII bytes).
pub fn encode(value: &str) -> Result<Felt, ChainError> {
    if !value.is_ascii() {
        return Err(ChainError::ShortStringNotAscii { value: value.to_owned() });
    }
    if value.len() > 31 {
        return Err(ChainError::ShortStringTooLong { value: value.to_owned(), len: value.len() });
    }
    Ok(Felt::from_bytes_be_slice(value.as_bytes()))
}

/// Encodes a short string known at compile time to be valid (constants in this workspace).
///
/// # Panics
/// If `value` is not ASCII or longer than 31 bytes; only call it with literals.
pub fn encode_const(value: &'static str) -> Felt {
    match encode(value) {
        Ok(felt) => felt,
        Err(error) => panic!("invalid short-string constant: {error}"),
    }
}

/// Decodes a felt holding a short string (leading zero bytes are skipped).
pub fn decode(felt: &Felt) -> Result<String, ChainError> {
    let bytes = felt.to_bytes_be();
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let text = &bytes[start..];
    if bytes[0] != 0 || !text.is_ascii() {
        return Err(ChainError::NotAShortString { felt: *felt });
    }
    Ok(text.iter().map(|&b| char::from(b)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // "SN_MAIN" and "SN_SEPOLIA" as published by Starknet (starknet-rs chain_id constants).
        assert_eq!(encode("SN_MAIN").unwrap(), Felt::from_hex_unchecked("0x534e5f4d41494e"));
        assert_eq!(
            encode("SN_SEPOLIA").unwrap(),
            Felt::from_hex_unchecked("0x534e5f5345504f4c4941")
        );
        assert_eq!(encode("").unwrap(), Felt::ZERO);
    }

    #[test]
    fn roundtrip_and_errors() {
        let text = "STARKNET_CONTRACT_ADDRESS";
        assert_eq!(decode(&encode(text).unwrap()).unwrap(), text);
        assert!(matches!(
            encode(&"x".repeat(32)),
            Err(ChainError::ShortStringTooLong { len: 32, .. })
        ));
        assert!(encode("é").is_err());
        assert!(decode(&Felt::from_hex_unchecked("0xff")).is_err());
        assert!(decode(&(Felt::ZERO - Felt::ONE)).is_err());
    }
}
