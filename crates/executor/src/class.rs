//! Deprecated (Cairo 0) contract classes: parsing, class hash, entry points, the cairo-vm
//! program, and the four classes bundled in `os-program/contracts/`.
//!
//! A class is parsed once ([`DeprecatedClass::from_json`] or [`DeprecatedClass::from_legacy`])
//! and shared behind an `Arc`: the cairo-vm [`Program`] inside keeps its data behind an `Arc`
//! too, so running an entry point never re-parses or copies the bytecode.

use std::sync::Arc;

use cairo_vm::types::program::Program;
use chain::Felt;
use starknet_core::types::contract::legacy::{LegacyContractClass, RawLegacyEntryPoint};

use crate::ExecutorError;

/// The compiled JSON of the bundled account (`os-program/contracts/account.json`).
pub const ACCOUNT_JSON: &str = include_str!("../../../os-program/contracts/account.json");
/// The compiled JSON of the bundled ERC-20.
pub const ERC20_JSON: &str = include_str!("../../../os-program/contracts/erc20.json");
/// The compiled JSON of the bundled fibonacci contract.
pub const FIBONACCI_JSON: &str = include_str!("../../../os-program/contracts/fibonacci.json");
/// The compiled JSON of the bundled factorial contract.
pub const FACTORIAL_JSON: &str = include_str!("../../../os-program/contracts/factorial.json");

/// The kind of an entry point, as in the class's `entry_points_by_type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryPointType {
    /// `@external` and `@view` functions, `__validate*__`, `__execute__`.
    External,
    /// The `@constructor`.
    Constructor,
    /// `@l1_handler` functions (not executed by this chain yet).
    L1Handler,
}

/// The selector of the `__default__` entry point, called when no other selector matches.
const DEFAULT_ENTRY_POINT_SELECTOR: Felt = Felt::ZERO;

/// A loaded Cairo 0 class: its hash, definition and executable program.
pub struct DeprecatedClass {
    class_hash: Felt,
    /// The Starknet-keccak of the class JSON, a preimage field of the class hash.
    hinted_class_hash: Felt,
    definition: Arc<LegacyContractClass>,
    program: Program,
}

impl std::fmt::Debug for DeprecatedClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeprecatedClass").field("class_hash", &self.class_hash).finish()
    }
}

impl DeprecatedClass {
    /// Parses the JSON that `starknet-compile-deprecated` writes and computes the class hash.
    pub fn from_json(json: &str) -> Result<Self, ExecutorError> {
        let definition: LegacyContractClass = serde_json::from_str(json)
            .map_err(|e| ExecutorError::InvalidClass(format!("not a Cairo 0 class: {e}")))?;
        Self::from_legacy(Arc::new(definition))
    }

    /// Loads a class already parsed by `starknet-core` (e.g. rebuilt from the compressed form of
    /// a DECLARE) and computes its class hash.
    pub fn from_legacy(definition: Arc<LegacyContractClass>) -> Result<Self, ExecutorError> {
        let class_hash = definition
            .class_hash()
            .map_err(|e| ExecutorError::InvalidClass(format!("cannot hash class: {e}")))?;
        Self::from_legacy_with_hash(definition, class_hash)
    }

    /// As [`DeprecatedClass::from_legacy`], trusting a class hash computed earlier (hashing a
    /// class takes milliseconds; a node that stores classes by hash need not redo it).
    pub fn from_legacy_with_hash(
        definition: Arc<LegacyContractClass>,
        class_hash: Felt,
    ) -> Result<Self, ExecutorError> {
        let program_json = serde_json::to_vec(&definition.program)
            .map_err(|e| ExecutorError::InvalidClass(format!("program: {e}")))?;
        let program = Program::from_bytes(&program_json, None)
            .map_err(|e| ExecutorError::InvalidClass(format!("cairo-vm rejects program: {e}")))?;
        let entry_points = &definition.entry_points_by_type;
        let data_len = program.data_len();
        let all = entry_points
            .external
            .iter()
            .chain(&entry_points.constructor)
            .chain(&entry_points.l1_handler);
        for entry_point in all {
            if offset_of(entry_point).is_none_or(|offset| offset >= data_len) {
                return Err(ExecutorError::InvalidClass(format!(
                    "entry point {:#x} lies outside the program",
                    entry_point.selector
                )));
            }
        }
        for builtin in &definition.program.builtins {
            chain::short_string::encode(builtin).map_err(|e| {
                ExecutorError::InvalidClass(format!("builtin name {builtin:?}: {e}"))
            })?;
        }
        let hinted_class_hash = definition
            .hinted_class_hash()
            .map_err(|e| ExecutorError::InvalidClass(format!("cannot hash class: {e}")))?;
        Ok(DeprecatedClass { class_hash, hinted_class_hash, definition, program })
    }

    /// The class hash (cairo-lang's `compute_deprecated_class_hash`).
    pub fn class_hash(&self) -> Felt {
        self.class_hash
    }

    /// The class as the OS loads it: the preimage of the class hash that the OS hashes in Cairo
    /// (cairo-lang's `compute_deprecated_class_hash`) before it runs the bytecode at its end:
    ///
    /// ```text
    /// hinted_class_hash                       Starknet-keccak of the class JSON
    /// n_external,    (selector, offset)*      entry points, in the class's order
    /// n_l1_handler,  (selector, offset)*
    /// n_constructor, (selector, offset)*
    /// n_builtins,    builtin*                 builtin names as short strings, in program order
    /// bytecode_len,  bytecode*                the program's data
    /// ```
    ///
    /// Hints, ABI and debug data are only behind the hinted class hash: they cannot change what
    /// a run proves, and the class hash binds them.
    pub fn os_preimage(&self) -> Vec<Felt> {
        let definition = &self.definition;
        let by_type = &definition.entry_points_by_type;
        let program = &definition.program;
        let mut out = vec![self.hinted_class_hash];
        for list in [&by_type.external, &by_type.l1_handler, &by_type.constructor] {
            out.push(Felt::from(list.len()));
            for entry_point in list {
                out.push(entry_point.selector);
                out.push(Felt::from(u64::from(entry_point.offset)));
            }
        }
        out.push(Felt::from(program.builtins.len()));
        for builtin in &program.builtins {
            // Checked when the class was loaded.
            out.push(chain::short_string::encode(builtin).unwrap_or_default());
        }
        out.push(Felt::from(program.data.len()));
        out.extend_from_slice(&program.data);
        out
    }

    /// The definition as the compiler wrote it (for `starknet_getClass`).
    pub fn definition(&self) -> &Arc<LegacyContractClass> {
        &self.definition
    }

    /// The cairo-vm program.
    pub(crate) fn program(&self) -> &Program {
        &self.program
    }

    /// Whether the class has a constructor.
    pub fn has_constructor(&self) -> bool {
        !self.definition.entry_points_by_type.constructor.is_empty()
    }

    /// The program offset of the entry point `selector` of type `kind`, falling back to the
    /// `__default__` entry point (selector 0) as Starknet does.
    pub fn entry_point_offset(&self, kind: EntryPointType, selector: Felt) -> Option<usize> {
        let by_type = &self.definition.entry_points_by_type;
        let list = match kind {
            EntryPointType::External => &by_type.external,
            EntryPointType::Constructor => &by_type.constructor,
            EntryPointType::L1Handler => &by_type.l1_handler,
        };
        let find = |selector: Felt| list.iter().find(|e| e.selector == selector);
        find(selector).or_else(|| find(DEFAULT_ENTRY_POINT_SELECTOR)).and_then(offset_of)
    }
}

pub(crate) fn offset_of(entry_point: &RawLegacyEntryPoint) -> Option<usize> {
    let offset: u64 = entry_point.offset.into();
    usize::try_from(offset).ok()
}

/// The four classes bundled with the devnet, parsed and hashed.
#[derive(Clone, Debug)]
pub struct BundledClasses {
    /// Account: one Stark key, ECDSA `__validate__*`, legacy multicall `__execute__`.
    pub account: Arc<DeprecatedClass>,
    /// ERC-20 with `Uint256` amounts.
    pub erc20: Arc<DeprecatedClass>,
    /// `fibonacci(n)`.
    pub fibonacci: Arc<DeprecatedClass>,
    /// `factorial(n)`.
    pub factorial: Arc<DeprecatedClass>,
}

impl BundledClasses {
    /// Parses and hashes the bundled classes (tens of milliseconds; do it once).
    pub fn load() -> Result<Self, ExecutorError> {
        let load = |json| DeprecatedClass::from_json(json).map(Arc::new);
        Ok(BundledClasses {
            account: load(ACCOUNT_JSON)?,
            erc20: load(ERC20_JSON)?,
            fibonacci: load(FIBONACCI_JSON)?,
            factorial: load(FACTORIAL_JSON)?,
        })
    }

    /// All four, in a fixed order (account, erc20, fibonacci, factorial).
    pub fn all(&self) -> [&Arc<DeprecatedClass>; 4] {
        [&self.account, &self.erc20, &self.fibonacci, &self.factorial]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_json_is_an_error_not_a_panic() {
        for json in ["", "{}", "[1,2]", r#"{"abi": [], "entry_points_by_type": 5}"#] {
            assert!(matches!(
                DeprecatedClass::from_json(json),
                Err(ExecutorError::InvalidClass(_))
            ));
        }
    }

    /// cairo-lang's `compute_hash_on_elements`.
    fn hash_on_elements(elements: &[Felt]) -> Felt {
        let chain = elements.iter().fold(Felt::ZERO, |h, e| starknet_crypto::pedersen_hash(&h, e));
        starknet_crypto::pedersen_hash(&chain, &Felt::from(elements.len()))
    }

    /// What the OS computes over [`DeprecatedClass::os_preimage`]: the class hash.
    fn class_hash_of_preimage(preimage: &[Felt]) -> Felt {
        let mut at = 1;
        let mut table = |width: usize| {
            let n = usize::try_from(preimage[at].to_biguint()).unwrap() * width;
            let hash = hash_on_elements(&preimage[at + 1..at + 1 + n]);
            at += 1 + n;
            hash
        };
        let (external, l1_handler, constructor) = (table(2), table(2), table(2));
        let (builtins, bytecode) = (table(1), table(1));
        assert_eq!(at, preimage.len());
        hash_on_elements(&[
            Felt::ZERO,
            external,
            l1_handler,
            constructor,
            builtins,
            preimage[0],
            bytecode,
        ])
    }

    #[test]
    fn os_preimage_hashes_to_the_class_hash() {
        let classes = BundledClasses::load().unwrap();
        for class in classes.all() {
            let preimage = class.os_preimage();
            assert_eq!(class_hash_of_preimage(&preimage), class.class_hash());
            assert_eq!(preimage[0], class.definition().hinted_class_hash().unwrap());
            // The bytecode is the tail of the preimage, after its length.
            let data = &class.definition().program.data;
            assert_eq!(&preimage[preimage.len() - data.len()..], data.as_slice());
            assert_eq!(preimage[preimage.len() - data.len() - 1], Felt::from(data.len()));
        }
    }

    #[test]
    fn entry_point_outside_program_is_refused() {
        let mut value: serde_json::Value = serde_json::from_str(FIBONACCI_JSON).unwrap();
        value["entry_points_by_type"]["EXTERNAL"][0]["offset"] = serde_json::json!(1_000_000);
        let error = DeprecatedClass::from_json(&value.to_string()).unwrap_err();
        assert!(error.to_string().contains("outside the program"), "{error}");
    }
}
