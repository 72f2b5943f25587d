//! Deprecated (Cairo 0) contract classes on the wire: the class hash of a definition and the
//! compressed form of the JSON-RPC (`starknet_getClass`, DECLARE v1).
//!
//! A declared class travels compressed (gzipped, base64 program; typed ABI). [`decompress`]
//! rebuilds the compiler-shaped [`LegacyContractClass`] from it and computes the class hash
//! with `starknet-core` (cairo-lang's `compute_deprecated_class_hash`), which is what the
//! client signed: the sequencer does it for a DECLARE it receives, the watcher for a class it
//! fetches. [`decompress_within`] holds a class to [`ClassLimits`] (Starknet's size limits)
//! while decompressing it and before anything hashes it: hashing costs time linear in the
//! bytecode, and gzip lets a small request carry a large program. The tests check that
//! compressing a class and rebuilding it gives back the class hash of the committed JSON.

use std::io::Read;
use std::sync::Arc;

use serde_json::{Value, json};
use starknet_core::types::contract::legacy::LegacyContractClass;
use starknet_core::types::{CompressedLegacyContractClass, FlattenedSierraClass};

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

/// A class definition of either kind, as a node stores and serves it.
#[derive(Clone, Debug)]
pub enum ContractClass {
    /// A deprecated (Cairo 0) class, as the compiler wrote it.
    Legacy(Arc<LegacyContractClass>),
    /// A Sierra (Cairo 1) class, as `starknet_getClass` and DECLARE v3 carry it.
    Sierra(Arc<FlattenedSierraClass>),
}

/// Holds a Sierra class to `limits` before anything compiles it: the Sierra program against
/// `max_bytecode_felts` and the whole class as JSON (program, ABI, entry points) against
/// `max_class_bytes`.
pub fn check_sierra_within(
    class: &FlattenedSierraClass,
    limits: &ClassLimits,
) -> Result<(), ClassTooLarge> {
    let felts = class.sierra_program.len();
    if felts > limits.max_bytecode_felts {
        return Err(ClassTooLarge::Bytecode { felts, limit: limits.max_bytecode_felts });
    }
    // The request that carried the class already bounds its size; this is the gateway's limit.
    let bytes = serde_json::to_vec(class).map_or(usize::MAX, |json| json.len());
    if bytes > limits.max_class_bytes {
        return Err(ClassTooLarge::Bytes { limit: limits.max_class_bytes });
    }
    Ok(())
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

/// Size limits of a declared class, checked while it is decompressed and before it is hashed
/// (hashing and loading cost time linear in these sizes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassLimits {
    /// Most bytes of the class as JSON: the decompressed program plus the serialized ABI and
    /// entry points. Starknet's gateway: 4,089,446 (`max_contract_class_object_size`).
    pub max_class_bytes: usize,
    /// Most felts of bytecode (`program.data`). Starknet's gateway: 81,920
    /// (`max_contract_bytecode_size`).
    pub max_bytecode_felts: usize,
}

impl ClassLimits {
    /// Starknet's gateway defaults.
    pub const STARKNET: ClassLimits =
        ClassLimits { max_class_bytes: 4_089_446, max_bytecode_felts: 81_920 };

    /// What [`decompress`] accepts: classes already on a chain, whatever limits their sequencer
    /// used, with only the memory bound a gzip bomb needs.
    pub const GENEROUS: ClassLimits =
        ClassLimits { max_class_bytes: 64 << 20, max_bytecode_felts: usize::MAX };
}

impl Default for ClassLimits {
    fn default() -> Self {
        ClassLimits::STARKNET
    }
}

/// A class over one of its [`ClassLimits`].
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum ClassTooLarge {
    /// The class JSON (program decompressed) is over `max_class_bytes`.
    #[error(
        "the contract class is larger than {limit} bytes (decompressed program, ABI and entry \
         points)"
    )]
    Bytes { limit: usize },
    /// The bytecode is over `max_bytecode_felts`.
    #[error("the contract class has {felts} felts of bytecode, more than {limit}")]
    Bytecode { felts: usize, limit: usize },
}

/// Why a compressed class is refused.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum ClassError {
    /// Not a usable class.
    #[error(transparent)]
    Invalid(#[from] InvalidClass),
    /// Over a size limit.
    #[error(transparent)]
    TooLarge(#[from] ClassTooLarge),
}

/// Rebuilds the compiler-shaped class from its compressed form and hashes it, with
/// [`ClassLimits::GENEROUS`].
pub fn decompress(
    compressed: &CompressedLegacyContractClass,
) -> Result<DeclaredClass, InvalidClass> {
    let class =
        decompress_within(compressed, &ClassLimits::GENEROUS).map_err(|error| match error {
            ClassError::Invalid(invalid) => invalid,
            ClassError::TooLarge(too_large) => InvalidClass(too_large.to_string()),
        })?;
    DeclaredClass::new(class)
}

/// Rebuilds the compiler-shaped class from its compressed form without hashing it, refusing it
/// as soon as it is over `limits`: decompression itself stops one byte past the limit, so a gzip
/// bomb costs at most `max_class_bytes` of memory.
pub fn decompress_within(
    compressed: &CompressedLegacyContractClass,
    limits: &ClassLimits,
) -> Result<LegacyContractClass, ClassError> {
    let invalid =
        |what: &str, error: &dyn std::fmt::Display| InvalidClass(format!("{what}: {error}"));
    let too_large = || ClassTooLarge::Bytes { limit: limits.max_class_bytes };
    // The typed wire ABI and entry points serialize to the compiler's JSON shapes.
    let abi = serde_json::to_value(compressed.abi.clone().unwrap_or_default())
        .map_err(|error| invalid("abi", &error))?;
    let entry_points = serde_json::to_value(&compressed.entry_points_by_type)
        .map_err(|error| invalid("entry points", &error))?;
    let outside_program = abi.to_string().len() + entry_points.to_string().len();
    let program_budget =
        limits.max_class_bytes.checked_sub(outside_program).ok_or_else(too_large)?;
    let mut program_json = Vec::new();
    flate2::read::GzDecoder::new(compressed.program.as_slice())
        .take(program_budget as u64 + 1)
        .read_to_end(&mut program_json)
        .map_err(|error| invalid("program is not gzip", &error))?;
    if program_json.len() > program_budget {
        return Err(too_large().into());
    }
    let mut program: Value = serde_json::from_slice(&program_json)
        .map_err(|error| invalid("program is not JSON", &error))?;
    drop(program_json);
    // starknet-devnet serves `"debug_info": []` for its predeclared classes; the class hash
    // leaves debug information out (cairo-lang hashes the program with `debug_info: null`).
    if let Some(debug_info) = program.get_mut("debug_info")
        && !debug_info.is_object()
    {
        *debug_info = Value::Null;
    }
    let felts = program.get("data").and_then(Value::as_array).map_or(0, Vec::len);
    if felts > limits.max_bytecode_felts {
        return Err(ClassTooLarge::Bytecode { felts, limit: limits.max_bytecode_felts }.into());
    }
    let class: LegacyContractClass = serde_json::from_value(json!({
        "abi": abi,
        "entry_points_by_type": entry_points,
        "program": program,
    }))
    .map_err(|error| invalid("not a Cairo 0 class", &error))?;
    Ok(class)
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

    /// starknet-devnet 0.10.1 serves its predeclared Cairo 0 classes with `"debug_info": []`.
    #[test]
    fn a_debug_info_list_is_read_as_none() {
        let class = parse_class_json(FIBONACCI_JSON).unwrap();
        let mut program = serde_json::to_value(&class.class.program).unwrap();
        program["debug_info"] = json!([]);
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut encoder, program.to_string().as_bytes()).unwrap();
        let mut compressed = compress(&class.class).unwrap();
        compressed.program = encoder.finish().unwrap();
        assert_eq!(decompress(&compressed).unwrap().class_hash, class.class_hash);
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

    #[test]
    fn size_limits_are_checked_before_hashing() {
        let class = parse_class_json(FIBONACCI_JSON).unwrap();
        let compressed = compress(&class.class).unwrap();
        let felts = class.class.program.data.len();
        let exact = ClassLimits { max_class_bytes: 1 << 20, max_bytecode_felts: felts };
        let rebuilt = DeclaredClass::new(decompress_within(&compressed, &exact).unwrap()).unwrap();
        assert_eq!(rebuilt.class_hash, class.class_hash);

        let short = ClassLimits { max_bytecode_felts: felts - 1, ..exact };
        let error = decompress_within(&compressed, &short).unwrap_err();
        let expected = ClassTooLarge::Bytecode { felts, limit: felts - 1 };
        assert_eq!(error, ClassError::TooLarge(expected));

        let small = ClassLimits { max_class_bytes: 1_000, ..exact };
        let error = decompress_within(&compressed, &small).unwrap_err();
        assert_eq!(error, ClassError::TooLarge(ClassTooLarge::Bytes { limit: 1_000 }));
        assert!(error.to_string().contains("larger than 1000 bytes"), "{error}");
    }

    #[test]
    fn a_gzip_bomb_is_refused_after_the_limit() {
        use std::io::Write;
        let class = parse_class_json(FIBONACCI_JSON).unwrap();
        let mut compressed = compress(&class.class).unwrap();
        // 8 MiB of spaces compress to a few KiB.
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&vec![b' '; 8 << 20]).unwrap();
        compressed.program = encoder.finish().unwrap();
        assert!(compressed.program.len() < 64 << 10);
        let limits = ClassLimits { max_class_bytes: 100_000, max_bytecode_felts: 10 };
        let error = decompress_within(&compressed, &limits).unwrap_err();
        assert_eq!(error, ClassError::TooLarge(ClassTooLarge::Bytes { limit: 100_000 }));
    }
}
