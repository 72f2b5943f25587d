//! Errors of the Cairo prover.

use thiserror::Error;

use crate::program::Builtin;

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
    /// An instruction of the opcodes cairo-vm runs for the Stwo layout (stwo-cairo) only.
    #[error(
        "the instruction at pc {pc} uses the {name} opcode, which only the Stwo layout \
         (stwo-cairo) proves; this prover proves Cairo's original instruction set"
    )]
    StwoOpcode { pc: u64, name: &'static str },
    #[error("the run has {steps} steps, above the prover's limit")]
    TooLarge { steps: usize },
    #[error("invalid public input: {0}")]
    BadPublicInput(#[from] PublicInputError),
    /// An `ecdsa` instance without a valid signature (missing, or one the table refuses).
    #[error(transparent)]
    Ecdsa(#[from] crate::builtins::ecdsa::EcdsaError),
    /// An `ec_op` instance the table refuses (a point off the curve, an exceptional addition).
    #[error(transparent)]
    EcOp(#[from] crate::builtins::ec_op::EcOpError),
    /// An `add_mod` or `mul_mod` instance the table refuses (a word of 96 bits or more, a
    /// quotient outside the builtin's bound).
    #[error(transparent)]
    Mod(#[from] crate::builtins::modulo::ModError),
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
    /// The proof file is of an older format than this verifier reads.
    #[error(
        "proof format version {found} is an old format (this verifier reads version {current}; \
         formats up to 3 did not bind the program's builtin list, 4 committed each table in \
         its own Merkle trees): prove the run again"
    )]
    OldFormat { found: u16, current: u16 },
    #[error("invalid public input: {0}")]
    PublicInput(#[from] PublicInputError),
    /// The proof's statement is about the pinned bytecode with another builtin list.
    #[error("the proof is for builtins [{}], the program declares [{}]", found.join(", "), expected.join(", "))]
    BuiltinsMismatch { expected: Vec<&'static str>, found: Vec<&'static str> },
    /// The proof's run ends elsewhere than the program's `__end__`.
    #[error("the proof's run ends at offset {found}, the program's __end__ is at {expected}")]
    EndMismatch { expected: u64, found: u64 },
    #[error(transparent)]
    Rejected(#[from] stark::VerifierError),
}

/// Why a public input is not a statement the verifier accepts (checked before the proof).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum PublicInputError {
    #[error("unsupported trace length 2^{log_size}")]
    UnsupportedTraceLength { log_size: u32 },
    #[error("the run must start at the program's first word, not at pc {initial_pc}")]
    StartNotAtProgram { initial_pc: u64 },
    #[error("the final pc {final_pc} is not a `jmp rel 0` of the program")]
    EndNotJmpRel0 { final_pc: u64 },
    #[error("the stack (initial ap {initial_ap}) must lie above the program")]
    StackBelowProgram { initial_ap: u64 },
    #[error("the final ap {final_ap} leaves no room for {n_builtins} builtin stops")]
    StackTooShort { final_ap: u64, n_builtins: u64 },
    #[error("range-check bounds must satisfy rc_min <= rc_max < 2^16 (got {rc_min}, {rc_max})")]
    RangeCheckBounds { rc_min: u64, rc_max: u64 },
    #[error("the builtin {} appears twice", builtin.name())]
    DuplicateBuiltin { builtin: Builtin },
    #[error("the {} segment ends ({stop}) before it begins ({begin})", builtin.name())]
    SegmentReversed { builtin: Builtin, begin: u64, stop: u64 },
    #[error("the {} segment begins at {begin}, inside the execution segment", builtin.name())]
    SegmentInExecution { builtin: Builtin, begin: u64 },
    #[error("the {} segment begins before the {} segment it follows", second.name(), first.name())]
    SegmentsOutOfOrder { first: Builtin, second: Builtin },
    #[error("the {} segment runs into the {} segment", first.name(), second.name())]
    SegmentsOverlap { first: Builtin, second: Builtin },
    #[error("the {} segment has {size} cells, not a whole number of {cells}-cell instances", builtin.name())]
    PartialInstance { builtin: Builtin, size: u64, cells: u64 },
    #[error("the {} segment ({size} cells) is larger than the prover's largest table", builtin.name())]
    SegmentTooLarge { builtin: Builtin, size: u64 },
    #[error("{instances} Blake instances are more than the prover's largest table holds")]
    TooManyBlakeInstances { instances: u64 },
    #[error("the output segment has {segment} cells but the public input {values} values")]
    OutputLength { segment: u64, values: u64 },
}
