//! Deprecated (Cairo 0) contract classes: the five bundled ones, the class hash, and the
//! compressed form of the JSON-RPC (`getClass`, DECLARE v1).
//!
//! A declared class arrives compressed (gzipped, base64 program; typed ABI). The node rebuilds
//! the compiler-shaped [`LegacyContractClass`] from it and computes the class hash with
//! `starknet-core` (cairo-lang's `compute_deprecated_class_hash`), which is what the client
//! signed: the tests check that compressing a bundled class and rebuilding it gives back the
//! class hash of the committed JSON.

use std::io::Read;
use std::sync::Arc;

use chain::Felt;
use serde_json::{Value, json};
use starknet_core::types::CompressedLegacyContractClass;
use starknet_core::types::contract::legacy::LegacyContractClass;

use crate::SequencerError;

/// The compiled JSON of the bundled account contract.
pub const ACCOUNT_JSON: &str = include_str!("../../../os-program/contracts/account.json");
/// The compiled JSON of the bundled ERC-20 contract.
pub const ERC20_JSON: &str = include_str!("../../../os-program/contracts/erc20.json");
/// The compiled JSON of the bundled fibonacci contract.
pub const FIBONACCI_JSON: &str = include_str!("../../../os-program/contracts/fibonacci.json");
/// The compiled JSON of the bundled factorial contract.
pub const FACTORIAL_JSON: &str = include_str!("../../../os-program/contracts/factorial.json");
/// The compiled JSON of the bundled Universal Deployer (`deployContract`, the `deploy` syscall).
pub const UDC_JSON: &str = include_str!("../../../os-program/contracts/udc.json");

/// A class with its hash.
#[derive(Clone, Debug)]
pub struct DeclaredClass {
    /// The class hash (cairo-lang's `compute_deprecated_class_hash`).
    pub class_hash: Felt,
    /// The definition, as the compiler wrote it.
    pub class: Arc<LegacyContractClass>,
}

/// Parses a compiler-output JSON (`starknet-compile-deprecated`) and hashes it.
pub fn parse_class_json(json: &str) -> Result<DeclaredClass, SequencerError> {
    let class: LegacyContractClass = serde_json::from_str(json)
        .map_err(|error| SequencerError::InvalidClass(format!("not a Cairo 0 class: {error}")))?;
    hash_class(class)
}

fn hash_class(class: LegacyContractClass) -> Result<DeclaredClass, SequencerError> {
    let class_hash = class
        .class_hash()
        .map_err(|error| SequencerError::InvalidClass(format!("cannot hash class: {error}")))?;
    Ok(DeclaredClass { class_hash, class: Arc::new(class) })
}

/// `class hash -> compiled class hash` (`executor::deprecated_compiled_class_hash`) of
/// `classes`, for the classes-trie leaves of the classes a block declares.
pub fn compiled_class_hashes<'c>(
    classes: impl IntoIterator<Item = (Felt, &'c LegacyContractClass)>,
) -> Result<std::collections::BTreeMap<Felt, Felt>, SequencerError> {
    classes
        .into_iter()
        .map(|(class_hash, class)| {
            let compiled = executor::deprecated_compiled_class_hash(class)
                .map_err(|error| SequencerError::InvalidClass(error.to_string()))?;
            Ok((class_hash, compiled))
        })
        .collect()
}

/// The compressed form served by `starknet_getClass` and sent by DECLARE v1.
pub fn compress(
    class: &LegacyContractClass,
) -> Result<CompressedLegacyContractClass, SequencerError> {
    class.compress().map_err(|error| SequencerError::InvalidClass(error.to_string()))
}

/// Largest decompressed program accepted (a gzip bomb must not exhaust memory).
const MAX_PROGRAM_BYTES: u64 = 64 << 20;

/// Rebuilds the compiler-shaped class from its compressed form and hashes it.
pub fn decompress(
    compressed: &CompressedLegacyContractClass,
) -> Result<DeclaredClass, SequencerError> {
    let invalid = |what: &str, error: &dyn std::fmt::Display| {
        SequencerError::InvalidClass(format!("{what}: {error}"))
    };
    let mut program_json = Vec::new();
    flate2::read::GzDecoder::new(compressed.program.as_slice())
        .take(MAX_PROGRAM_BYTES + 1)
        .read_to_end(&mut program_json)
        .map_err(|error| invalid("program is not gzip", &error))?;
    if program_json.len() as u64 > MAX_PROGRAM_BYTES {
        return Err(SequencerError::InvalidClass("decompressed program is too large".into()));
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
    hash_class(class)
}

/// The five bundled classes.
pub struct BundledClasses {
    /// Account (ECDSA `__validate__`, legacy multicall `__execute__`).
    pub account: DeclaredClass,
    /// ERC-20.
    pub erc20: DeclaredClass,
    /// fibonacci.
    pub fibonacci: DeclaredClass,
    /// factorial.
    pub factorial: DeclaredClass,
    /// Universal Deployer: instances of declared classes, deployed by any account.
    pub udc: DeclaredClass,
}

impl BundledClasses {
    /// Parses and hashes the bundled classes (a few tens of milliseconds).
    pub fn load() -> Result<Self, SequencerError> {
        Ok(BundledClasses {
            account: parse_class_json(ACCOUNT_JSON)?,
            erc20: parse_class_json(ERC20_JSON)?,
            fibonacci: parse_class_json(FIBONACCI_JSON)?,
            factorial: parse_class_json(FACTORIAL_JSON)?,
            udc: parse_class_json(UDC_JSON)?,
        })
    }

    /// All five, in a fixed order.
    pub fn all(&self) -> [&DeclaredClass; 5] {
        [&self.account, &self.erc20, &self.fibonacci, &self.factorial, &self.udc]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Class hashes from os-program/contracts/README.md (cairo-lang's own function).
    const ACCOUNT: &str = "0x7a261ce1e1bc793eb30521d20924982232b92a4b6c2e336fce8c7654f7e4f92";
    const ERC20: &str = "0x70c07c6cb3386c7937ff1ae11d8548277e90756c3ca62b71afe4ce4f721373f";
    const FIBONACCI: &str = "0x61b6e5f3077b854357855a7a9cc5f171e4f8bab862da6c423f1e6c9eb056f05";
    const FACTORIAL: &str = "0x5d7548d6f4c8e625a3fedb92f9eea0d4d07a1aa0e5308def97ba84a9434f5c1";
    const UDC: &str = "0x66a8156d2b997b24b7d6a9c2211f8cdacc51e894ef8683628f57393052a3b3f";

    #[test]
    fn bundled_class_hashes_match_cairo_lang() {
        let classes = BundledClasses::load().unwrap();
        let expected = [ACCOUNT, ERC20, FIBONACCI, FACTORIAL, UDC];
        for (class, hash) in classes.all().into_iter().zip(expected) {
            assert_eq!(class.class_hash, Felt::from_hex_unchecked(hash));
        }
    }

    #[test]
    fn compressed_class_rebuilds_to_the_same_hash() {
        let classes = BundledClasses::load().unwrap();
        for class in classes.all() {
            let compressed = compress(&class.class).unwrap();
            // Through JSON, as a client sends it.
            let wire = serde_json::to_string(&compressed).unwrap();
            let parsed: CompressedLegacyContractClass = serde_json::from_str(&wire).unwrap();
            let rebuilt = decompress(&parsed).unwrap();
            assert_eq!(rebuilt.class_hash, class.class_hash);
        }
    }

    #[test]
    fn garbage_classes_are_refused() {
        assert!(matches!(parse_class_json("{}"), Err(SequencerError::InvalidClass(_))));
        let classes = BundledClasses::load().unwrap();
        let mut compressed = compress(&classes.fibonacci.class).unwrap();
        compressed.program = b"not gzip".to_vec();
        assert!(matches!(decompress(&compressed), Err(SequencerError::InvalidClass(_))));
    }
}
