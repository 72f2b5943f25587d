//! Errors of the Cairo prover.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum CairoError {
    #[error("invalid program: {0}")]
    BadProgram(String),
    #[error("the program uses builtins the prover does not support yet: {0}")]
    UnsupportedBuiltins(String),
    #[error("program input has no value for {0:?}")]
    MissingInput(String),
    #[error("invalid program input: {0}")]
    BadInput(String),
    #[error("cairo-vm run failed: {0}")]
    Run(String),
    #[error("the run cannot be proven: {0}")]
    BadExecution(String),
    #[error("the run has {steps} steps, above the prover's limit")]
    TooLarge { steps: usize },
    #[error("invalid public input: {0}")]
    BadPublicInput(String),
    /// An `ecdsa` instance without a valid signature (missing, or one the table refuses).
    #[error(transparent)]
    Ecdsa(#[from] crate::builtins::ecdsa::EcdsaError),
    #[error(transparent)]
    Prover(#[from] stark::ProverError),
}

/// Why a Cairo proof was rejected, or why it could not be checked at all.
#[derive(Debug, Error)]
pub enum CairoVerifyError {
    /// The bytes are not a Cairo proof of this format.
    #[error("unusable proof file: {0}")]
    Decode(String),
    #[error("the proof is for program {found}, expected {expected}")]
    ProgramMismatch { expected: String, found: String },
    #[error("invalid public input: {0}")]
    PublicInput(String),
    #[error(transparent)]
    Rejected(#[from] stark::VerifierError),
}
