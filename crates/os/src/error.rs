//! Errors of the OS runner.

use thiserror::Error;

/// Why a block could not be run through the OS.
#[derive(Debug, Error)]
pub enum OsError {
    /// The OS program JSON could not be loaded.
    #[error("OS program: {0}")]
    Program(String),
}
