//! Deprecated (Cairo 0) contract classes on the wire: the class hash of a definition and the
//! compressed form of the JSON-RPC (`starknet_getClass`, DECLARE v1).
//!
//! A declared class travels compressed (gzipped, base64 program; typed ABI). [`decompress`]
//! rebuilds the compiler-shaped [`LegacyContractClass`] from it and computes the class hash
//! with `starknet-core` (cairo-lang's `compute_deprecated_class_hash`), which is what the
//! client signed: the sequencer does it for a DECLARE it receives, the watcher for a class it
//! fetches. The tests check that compressing a class and rebuilding it gives back the class
//! hash of the committed JSON.

use std::io::Read;
use std::sync::Arc;

use serde_json::{Value, json};
use starknet_core::types::CompressedLegacyContractClass;
use starknet_core::types::contract::legacy::LegacyContractClass;

use crate::Felt;

/// A class that cannot be used: not a Cairo 0 class, bad compression, or not hashable.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid contract class: {0}")]
pub struct InvalidClass(pub String);

/// A class with its hash.
#[derive(Clone, Debug)]
pub struct DeclaredClass {
    /// The class hash (cairo-lang's `compute_deprecated_class_hash`).
    pub class_hash: Felt,
    /// The definition, as the compiler wrote it.
    pub class: Arc<LegacyContractClass>,
}

impl DeclaredClass {
    /// Hashes a definition.
    pub fn new(class: LegacyContractClass) -> Result<Self, InvalidClass> {
        let class_hash = class
            .class_hash()
            .map_err(|error| InvalidClass(format!("cannot hash class: {error}")))?;
        Ok(DeclaredClass { class_hash, class: Arc::new(class) })
    }
}

/// Parses a compiler-output JSON (`starknet-compile-deprecated`) and hashes it.
pub fn parse_class_json(json: &str) -> Result<DeclaredClass, InvalidClass> {
    let class: LegacyContractClass = serde_json::from_str(json)
        .map_err(|error| InvalidClass(format!("not a Cairo 0 class: {error}")))?;
    DeclaredClass::new(class)
}

/// The compressed form served by `starknet_getClass` and sent by DECLARE v1.
pub fn compress(
    class: &LegacyContractClass,
) -> Result<CompressedLegacyContractClass, InvalidClass> {
    class.compress().map_err(|error| InvalidClass(error.to_string()))
}

/// Largest decompressed program accepted (a gzip bomb must not exhaust memory).
const MAX_PROGRAM_BYTES: u64 = 64 << 20;

/// Rebuilds the compiler-shaped class from its compressed form and hashes it.
pub fn decompress(
    compressed: &CompressedLegacyContractClass,
) -> Result<DeclaredClass, InvalidClass> {
    let invalid =
        |what: &str, error: &dyn std::fmt::Display| InvalidClass(format!("{what}: {error}"));
    let mut program_json = Vec::new();
    flate2::read::GzDecoder::new(compressed.program.as_slice())
        .take(MAX_PROGRAM_BYTES + 1)
        .read_to_end(&mut program_json)
        .map_err(|error| invalid("program is not gzip", &error))?;
    if program_json.len() as u64 > MAX_PROGRAM_BYTES {
        return Err(InvalidClass("decompressed program is too large".into()));
    }
    let program: Value = serde_json::from_slice(&program_json)
        .map_err(|error| invalid("program is not JSON", &error))?;
    // The typed wire ABI and entry points serialize to the compiler's JSON shapes.
    let abi = serde_json::to_value(compressed.abi.clone().unwrap_or_default())
        .map_err(|error| invalid("abi", &error))?;
    let entry_points = serde_json::to_value(&compressed.entry_points_by_type)
        .map_err(|error| invalid("entry points", &error))?;
    let class: LegacyContractClass = serde_json::from_value(json!({
        "abi": abi,
        "entry_points_by_type": entry_points,
        "program": program,
    }))
    .map_err(|error| invalid("not a Cairo 0 class", &error))?;
    DeclaredClass::new(class)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A committed class; the sequencer's tests check every bundled one against cairo-lang.
    const FIBONACCI_JSON: &str = include_str!("../../../os-program/contracts/fibonacci.json");
    /// Its hash, from os-program/contracts/README.md (cairo-lang's own function).
    const FIBONACCI: &str = "0x61b6e5f3077b854357855a7a9cc5f171e4f8bab862da6c423f1e6c9eb056f05";

    #[test]
    fn compressed_class_rebuilds_to_the_same_hash() {
        let class = parse_class_json(FIBONACCI_JSON).unwrap();
        assert_eq!(class.class_hash, Felt::from_hex_unchecked(FIBONACCI));
        let compressed = compress(&class.class).unwrap();
        // Through JSON, as a client sends it.
        let wire = serde_json::to_string(&compressed).unwrap();
        let parsed: CompressedLegacyContractClass = serde_json::from_str(&wire).unwrap();
        assert_eq!(decompress(&parsed).unwrap().class_hash, class.class_hash);
    }

    #[test]
    fn garbage_classes_are_refused() {
        assert!(parse_class_json("{}").is_err());
        let class = parse_class_json(FIBONACCI_JSON).unwrap();
        let mut compressed = compress(&class.class).unwrap();
        compressed.program = b"not gzip".to_vec();
        let error = decompress(&compressed).unwrap_err();
        assert!(error.0.starts_with("program is not gzip"), "{error}");
    }
}
