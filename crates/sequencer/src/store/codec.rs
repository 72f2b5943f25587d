//! Key and value encodings of the sled trees: big-endian numbers and felts in keys (so sled's
//! byte order is numeric order), JSON values (self-describing, and `Felt` serializes as hex).

use chain::Felt;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::SequencerError;

/// 8 bytes, big-endian.
pub fn u64_key(value: u64) -> [u8; 8] {
    value.to_be_bytes()
}

/// Reads a key written by [`u64_key`].
pub fn u64_from_key(table: &'static str, bytes: &[u8]) -> Result<u64, SequencerError> {
    let array: [u8; 8] = bytes
        .try_into()
        .map_err(|_| SequencerError::corrupt(table, "number key is not 8 bytes"))?;
    Ok(u64::from_be_bytes(array))
}

/// 32 bytes, big-endian.
pub fn felt_key(value: &Felt) -> [u8; 32] {
    value.to_bytes_be()
}

/// Concatenated key parts.
pub fn key(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// A JSON value.
pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    // Serializing our own plain data types to JSON cannot fail (no maps with non-string keys
    // are written through here, see `store::records`).
    serde_json::to_vec(value).expect("plain data serializes to JSON")
}

/// Decodes a JSON value.
pub fn decode<T: DeserializeOwned>(table: &'static str, bytes: &[u8]) -> Result<T, SequencerError> {
    serde_json::from_slice(bytes).map_err(|error| SequencerError::corrupt(table, error))
}

/// The marker before a Sierra class's JSON in the `classes` and `mempool_classes` trees. A
/// deprecated class is stored as its bare JSON (a `{`), as before Sierra classes existed, so
/// data directories of earlier releases read unchanged.
const SIERRA_CLASS_TAG: &[u8] = b"sierra:";

/// A class definition as the class trees store it.
pub fn encode_class(class: &chain::classes::ContractClass) -> Vec<u8> {
    match class {
        chain::classes::ContractClass::Legacy(class) => encode(class.as_ref()),
        chain::classes::ContractClass::Sierra(class) => {
            [SIERRA_CLASS_TAG, &encode(class.as_ref())].concat()
        }
    }
}

/// Reads a value written by [`encode_class`].
pub fn decode_class(bytes: &[u8]) -> Result<chain::classes::ContractClass, SequencerError> {
    use std::sync::Arc;
    Ok(match bytes.strip_prefix(SIERRA_CLASS_TAG) {
        Some(json) => chain::classes::ContractClass::Sierra(Arc::new(decode("classes", json)?)),
        None => chain::classes::ContractClass::Legacy(Arc::new(decode("classes", bytes)?)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_order_is_byte_order() {
        assert!(u64_key(255) < u64_key(256));
        assert!(felt_key(&Felt::from(255u64)) < felt_key(&Felt::from(256u64)));
        assert_eq!(u64_from_key("t", &u64_key(42)).unwrap(), 42);
        assert!(u64_from_key("t", &[1, 2]).is_err());
        let felt = Felt::from_hex_unchecked("0xabc");
        let back: Felt = decode("t", &encode(&felt)).unwrap();
        assert_eq!(back, felt);
        assert!(decode::<Felt>("t", b"not json").is_err());
    }
}
