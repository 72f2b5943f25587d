//! A finished proof-mode run in the shape the prover consumes: what [`crate::run_program`] (or
//! the OS) hands to [`crate::prove_execution`]. Plain data, no cairo-vm.

use stark::Felt;

use crate::public_input::BuiltinSegment;

/// A finished proof-mode run.
#[derive(Clone, Debug)]
pub struct CairoExecution {
    /// The program's bytecode.
    pub program: Vec<Felt>,
    /// `(pc, ap, fp)` before each executed step, relocated.
    pub trace: Vec<(u64, u64, u64)>,
    /// Relocated memory; `None` for cells never written.
    pub memory: Vec<Option<Felt>>,
    /// Builtin segments in `%builtins` order.
    pub builtins: Vec<BuiltinSegment>,
    /// Contents of the output segment.
    pub output: Vec<Felt>,
    /// The signatures the `ecdsa` instances were checked against (cairo-vm's AIR private
    /// input), in address order; empty without the builtin.
    pub signatures: Vec<EcdsaSignature>,
}

/// The prover's signature for the `ecdsa` instance at `address`: `r` and `w = s^-1 mod n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EcdsaSignature {
    pub address: u64,
    pub r: Felt,
    pub w: Felt,
}

impl CairoExecution {
    pub fn steps(&self) -> usize {
        self.trace.len()
    }
}
