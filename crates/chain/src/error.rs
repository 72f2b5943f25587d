//! The error type of the `chain` crate.

use crate::Felt;

/// Everything that can go wrong when building or decoding chain data from outside input.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ChainError {
    /// A short string (Cairo `felt` string literal) longer than 31 ASCII characters.
    #[error("short string {value:?} is {len} bytes; at most 31 fit in a felt")]
    ShortStringTooLong { value: String, len: usize },
    /// A short string with a non-ASCII character.
    #[error("short string {value:?} is not ASCII")]
    ShortStringNotAscii { value: String },
    /// A felt that does not decode as a short string (non-ASCII byte).
    #[error("felt {felt:#x} is not an ASCII short string")]
    NotAShortString { felt: Felt },
    /// A transaction version this chain does not accept for the given transaction type.
    #[error("unsupported {kind} transaction version {version:#x}")]
    UnsupportedVersion { kind: &'static str, version: Felt },
    /// A felt that should hold an integer of `bits` bits but does not.
    #[error("{field} = {value:#x} does not fit in {bits} bits")]
    OutOfRange { field: &'static str, value: Felt, bits: u32 },
    /// A data-availability mode other than 0 (L1) or 1 (L2).
    #[error("invalid data availability mode {0}")]
    InvalidDataAvailabilityMode(u64),
    /// The signing key is not a valid Stark-curve private key, or signing failed.
    #[error("signing failed: {0}")]
    Signing(String),
    /// Data that contradicts itself (e.g. a DEPLOY_ACCOUNT receipt without the deployed address).
    #[error("inconsistent data: {0}")]
    Inconsistent(String),
    /// A JSON document that does not have the expected shape.
    #[error("invalid JSON: {0}")]
    Json(String),
}
