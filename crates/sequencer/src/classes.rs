//! Deprecated (Cairo 0) contract classes of the devnet: the five bundled ones and the compiled
//! class hashes of declared ones. The wire codec (class hash, compression of `getClass` and
//! DECLARE v1) is `chain::classes`, re-exported here; the watcher uses it too.

use chain::Felt;
pub use chain::classes::{
    ClassError, ClassLimits, ClassTooLarge, DeclaredClass, InvalidClass, compress, decompress,
    decompress_within, parse_class_json,
};

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

/// The bundled account class's hash (os-program/contracts/README.md, cairo-lang's own function;
/// a test checks it against the loaded class).
pub const ACCOUNT_CLASS_HASH: Felt =
    Felt::from_hex_unchecked("0x7a261ce1e1bc793eb30521d20924982232b92a4b6c2e336fce8c7654f7e4f92");
/// The bundled ERC-20 class's hash (as [`ACCOUNT_CLASS_HASH`]).
pub const ERC20_CLASS_HASH: Felt =
    Felt::from_hex_unchecked("0x70c07c6cb3386c7937ff1ae11d8548277e90756c3ca62b71afe4ce4f721373f");

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
        assert_eq!(classes.account.class_hash, ACCOUNT_CLASS_HASH);
        assert_eq!(classes.erc20.class_hash, ERC20_CLASS_HASH);
    }

    #[test]
    fn compressed_bundled_classes_rebuild_to_the_same_hash() {
        let classes = BundledClasses::load().unwrap();
        for class in classes.all() {
            let compressed = compress(&class.class).unwrap();
            // Through JSON, as a client sends it.
            let wire = serde_json::to_string(&compressed).unwrap();
            let parsed: starknet_core::types::CompressedLegacyContractClass =
                serde_json::from_str(&wire).unwrap();
            let rebuilt = decompress(&parsed).unwrap();
            assert_eq!(rebuilt.class_hash, class.class_hash);
        }
    }
}
