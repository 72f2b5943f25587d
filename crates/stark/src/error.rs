//! Errors of the prover and the verifier.

use thiserror::Error;

/// Why the prover could not produce a proof.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ProverError {
    #[error("the AIR has {expected} components, {got} traces were given")]
    ComponentCount { expected: usize, got: usize },
    #[error("the components' claims do not satisfy the statement (an inconsistent trace)")]
    ClaimsRejected,
    #[error("trace length {0} is not a power of two of at least 8")]
    BadTraceLength(usize),
    #[error("trace has {got} main columns, the AIR expects {expected}")]
    MainWidth { expected: usize, got: usize },
    #[error("auxiliary trace has {got} columns, the AIR expects {expected}")]
    AuxWidth { expected: usize, got: usize },
    #[error(
        "component {0}: a periodic column's period is not a power of two of at most the trace length"
    )]
    BadPeriodicColumn(String),
    #[error("proof options are outside the supported limits: {0:?}")]
    BadOptions(crate::ProofOptions),
    #[error("the FRI input is not of low degree (a constraint of too high degree, or a bug)")]
    NotLowDegree,
    #[error(
        "the composition polynomial does not match the constraints: a constraint exceeds \
         degree 2, or a first/last-row constraint is not linear"
    )]
    DegreeTooHigh,
    #[error("the trace does not satisfy the AIR: {0}")]
    ConstraintViolation(crate::debug::ConstraintViolation),
}

/// Why a proof was rejected. Every path through the verifier that fails ends here.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum VerifierError {
    #[error("malformed proof: {0}")]
    Malformed(String),
    #[error("proof options are outside the supported limits")]
    BadOptions,
    #[error("proof has {got} bits of conjectured security, the policy requires {required}")]
    InsufficientSecurity { got: u32, required: u32 },
    #[error("the components' claims do not satisfy the statement")]
    ClaimsRejected,
    #[error("proof is for a trace of 2^{got} rows, the public input says 2^{expected}")]
    TraceLengthMismatch { expected: u32, got: u32 },
    #[error("out-of-domain check failed: the constraints do not hold")]
    OodMismatch,
    #[error("proof-of-work nonce is invalid")]
    BadProofOfWork,
    #[error("Merkle opening of the {0} commitment does not match its root")]
    MerkleMismatch(&'static str),
    #[error("FRI layer {0} is inconsistent with the previous layer")]
    FriMismatch(usize),
    #[error("FRI final polynomial does not match the last layer")]
    FriFinalMismatch,
}
