//! [`VerifyPolicy`]: what a block proof must be to be stored or reported valid.

use cairo_air::CairoPolicy;
use chain::Felt;
use stark::AcceptancePolicy;

/// A block proof must be about the pinned OS program and reach the minimum conjectured
/// security.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifyPolicy {
    /// Proofs below this many conjectured bits are invalid (100 = `standard`; 0 lets `test`
    /// proofs through and is for tests only).
    pub min_security_bits: u32,
    /// Hash of the OS program whose runs the chain's proofs cover.
    pub os_program_hash: Felt,
}

impl VerifyPolicy {
    /// The verifier's policy for [`cairo_air::verify_proof`].
    pub fn cairo_policy(&self) -> CairoPolicy {
        CairoPolicy {
            acceptance: AcceptancePolicy { min_security_bits: self.min_security_bits },
            program: cairo_air::ProgramPin::Hash(self.os_program_hash),
        }
    }
}
