//! Exit codes: 0 success, 1 an invalid proof, 2 unusable input.

use std::fmt::Display;

pub struct Failure {
    pub code: u8,
    pub message: String,
}

/// The proof was read and checked, and it is not valid.
pub fn invalid(message: impl Display) -> Failure {
    Failure { code: 1, message: message.to_string() }
}

/// The input could not be used at all: missing file, not a proof, unsupported program.
pub fn unusable(message: impl Display) -> Failure {
    Failure { code: 2, message: message.to_string() }
}

pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| unusable(format!("cannot read {}: {e}", path.display())))
}
