//! What gives a proof-mode program its meaning, and the hash a verifier pins.
//!
//! The bytecode alone does not say what a run means: which of `main`'s implicit arguments is
//! the output pointer and which one a builtin's is declared by the program's `%builtins`
//! list, and where the run ends is the `__end__` label. A [`CairoProgram`] holds all of it,
//! and its [`CairoProgram::hash`] binds all of it:
//!
//! ```text
//! Poseidon(DOMAIN, start, end, n_builtins, builtin names..., n_words, bytecode...)
//! ```
//!
//! `DOMAIN` names this statement's convention (proof mode: the run starts at `__start__`,
//! offset 0; `main`'s implicit arguments are the builtin bases the verifier reads at
//! `initial_ap + i`, and it returns their stops at `final_ap - n_builtins + i`); builtin names
//! are Cairo's (`output`, `range_check`, ...) as short strings. Every variable-length part is
//! prefixed by its length, so the encoding is injective: two programs with the same bytecode
//! and different builtin lists, or different ends, have different hashes.

use starknet_types_core::felt::Felt as Felt252;
use starknet_types_core::hash::{Poseidon, StarkHash};

use stark::Felt;

pub use crate::builtins::Builtin;
use crate::public_input::to_vm_felt;

/// The convention the program hash is computed under (a Cairo short string).
pub const PROGRAM_HASH_DOMAIN: &str = "WP_CAIRO_PROOF_MODE_V1";

/// A proof-mode program as a verifier pins it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CairoProgram {
    /// The bytecode, loaded at [`crate::PROGRAM_BASE`].
    pub bytecode: Vec<Felt>,
    /// The `%builtins` list, in order: `main`'s implicit arguments.
    pub builtins: Vec<Builtin>,
    /// Offset of `__end__`, the `jmp rel 0` a proof-mode run ends on.
    pub end: u64,
}

/// Offset of `__start__`: proof mode runs from the program's first word.
pub const START_OFFSET: u64 = 0;

/// A Cairo short string (at most 31 ASCII bytes) as a field element.
fn short_string(s: &str) -> Felt252 {
    debug_assert!(s.len() <= 31 && s.is_ascii());
    Felt252::from_bytes_be_slice(s.as_bytes())
}

impl CairoProgram {
    /// The hash a verifier pins (see the module docs for what it covers).
    pub fn hash(&self) -> Felt252 {
        let mut words = Vec::with_capacity(5 + self.builtins.len() + self.bytecode.len());
        words.push(short_string(PROGRAM_HASH_DOMAIN));
        words.push(Felt252::from(START_OFFSET));
        words.push(Felt252::from(self.end));
        words.push(Felt252::from(self.builtins.len() as u64));
        words.extend(self.builtins.iter().map(|b| short_string(b.name())));
        words.push(Felt252::from(self.bytecode.len() as u64));
        words.extend(self.bytecode.iter().map(to_vm_felt));
        Poseidon::hash_array(&words)
    }

    /// The builtin names, in order (for messages).
    pub fn builtin_names(&self) -> Vec<&'static str> {
        self.builtins.iter().map(|b| b.name()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program() -> CairoProgram {
        CairoProgram {
            bytecode: vec![Felt::from(7u64), Felt::from(9u64)],
            builtins: vec![Builtin::Output, Builtin::RangeCheck],
            end: 1,
        }
    }

    #[test]
    fn hash_binds_builtins_and_end() {
        let base = program();
        let mut relabelled = base.clone();
        relabelled.builtins.reverse();
        let mut dropped = base.clone();
        dropped.builtins.pop();
        let mut added = base.clone();
        added.builtins.push(Builtin::Poseidon);
        let mut other_end = base.clone();
        other_end.end = 0;
        let hashes = [&base, &relabelled, &dropped, &added, &other_end].map(CairoProgram::hash);
        for (i, a) in hashes.iter().enumerate() {
            for b in &hashes[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn length_prefixes_keep_builtins_apart_from_bytecode() {
        // A builtin name moved into the bytecode must not give the same hash.
        let mut a = program();
        a.builtins = vec![Builtin::Output];
        let mut b = a.clone();
        b.builtins = vec![];
        b.bytecode.insert(0, from_felt(short_string("output")));
        assert_ne!(a.hash(), b.hash());
    }

    fn from_felt(x: Felt252) -> Felt {
        crate::public_input::from_vm_felt(&x)
    }

    #[test]
    fn builtin_names_and_ids_round_trip() {
        for b in Builtin::ALL {
            assert_eq!(Builtin::from_name(b.name()), Some(b));
            assert_eq!(Builtin::from_id(b.id()), Some(b));
        }
        assert_eq!(Builtin::from_name("ec_op"), Some(Builtin::EcOp));
        assert_eq!(Builtin::EcOp.id(), 7);
        assert_eq!(Builtin::from_name("add_mod"), Some(Builtin::AddMod));
        assert_eq!(Builtin::from_name("mul_mod"), Some(Builtin::MulMod));
        assert_eq!((Builtin::AddMod.id(), Builtin::MulMod.id()), (8, 9));
        assert_eq!(Builtin::from_name("keccak"), Some(Builtin::Keccak));
        assert_eq!(Builtin::Keccak.id(), 10);
        // Names and ids the prover does not know.
        assert_eq!(Builtin::from_name("gas_builtin"), None);
        assert_eq!(Builtin::from_id(11), None);
    }
}
