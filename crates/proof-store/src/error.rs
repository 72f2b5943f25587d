//! The crate's error type: one enum, structured variants, and a transient/permanent split that
//! drives [`RetryingStore`](crate::RetryingStore).

use std::path::PathBuf;

use crate::job_status::JobStatusKind;

/// Boxed error kept as a `#[source]` where the concrete type belongs to a dependency we do not
/// want in our public API (the AWS SDK's generic `SdkError<E, R>`).
pub type BoxedSource = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the proof store and the job index.
///
/// Callers decide between retrying and giving up with [`Error::is_transient`]: network trouble
/// on the S3 backend, and a disk that is full, over quota, read-only or failing I/O (the
/// operator frees space or remounts; the caller backs off and reports the stall meanwhile) are
/// transient. Conflicts, corruption, bad input and permissions never are.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A string that should be a 0x-prefixed field element (up to 64 hex digits) is not one.
    #[error("invalid field element {input:?}: {reason}")]
    InvalidFelt { input: String, reason: &'static str },

    /// Block numbers are rendered with 12 digits so that lexicographic key order is block order;
    /// larger numbers would break `list`.
    #[error("block number {block_number} does not fit the 12-digit key format")]
    BlockNumberOutOfRange { block_number: u64 },

    /// A `fs:` / `s3://` / `memory:` store URL could not be parsed.
    #[error("invalid store url {url:?}: {reason}")]
    InvalidStoreUrl { url: String, reason: String },

    /// The metadata handed to `put` does not describe the key and the proof bytes.
    #[error("metadata for {key} does not match the proof: {reason}")]
    InvalidMetadata { key: String, reason: String },

    /// A different proof is already stored (or being stored) under this key. Never overwritten.
    #[error(
        "conflict at {key}: stored proof has sha256 {existing_sha256}, new proof has {new_sha256}"
    )]
    Conflict { key: String, existing_sha256: String, new_sha256: String },

    /// Stored objects fail their integrity checks (digest, size, unparsable or mismatched
    /// metadata, proof object missing behind committed metadata).
    #[error("corrupt proof object {key}: {reason}")]
    Corrupt { key: String, reason: String },

    /// Filesystem backend I/O failure.
    #[error("{operation} {path:?} failed")]
    Io {
        operation: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A blocking task (fsync, sled flush) panicked or was cancelled.
    #[error("blocking task for {operation} did not complete")]
    BlockingTask {
        operation: &'static str,
        #[source]
        source: tokio::task::JoinError,
    },

    /// An S3 request failed. `transient` is decided from the failure class (see `s3.rs`).
    #[error(
        "s3 {operation} {key} failed (status {status:?}, code {code:?}, transient: {transient}): {message}"
    )]
    S3 {
        operation: &'static str,
        key: String,
        status: Option<u16>,
        code: Option<String>,
        transient: bool,
        message: String,
        #[source]
        source: BoxedSource,
    },

    /// The retry wrapper gave up; `source` is the last error seen.
    #[error("{operation} {key} still failing after {attempts} attempts")]
    RetriesExhausted {
        operation: &'static str,
        key: String,
        attempts: u32,
        #[source]
        source: Box<Error>,
    },

    /// sled reported an error (I/O, corruption of its own files, ...).
    #[error("job index {operation} failed")]
    Sled {
        operation: &'static str,
        #[source]
        source: sled::Error,
    },

    /// A record in the job index does not decode (written by a newer version, or damaged).
    #[error("job index record {record} does not decode")]
    JobRecordDecode {
        record: String,
        #[source]
        source: serde_json::Error,
    },

    /// No job record exists for this block.
    #[error("no job for block {block_number}")]
    JobNotFound { block_number: u64 },

    /// The caller names a block hash that is not the one indexed for the height: typically a
    /// worker finishing a block that a reorg has replaced since.
    #[error("job for block {block_number} is for hash {indexed}, caller has {given}")]
    StaleJob { block_number: u64, indexed: String, given: String },

    /// A PostgreSQL job-queue statement failed (the server is down or restarting, a
    /// connection broke, or the statement was refused).
    #[error("job queue {operation} failed: {}", postgres_message(source))]
    Postgres {
        operation: &'static str,
        #[source]
        source: tokio_postgres::Error,
    },

    /// No connection to the job database could be had (the server is unreachable, or every
    /// pooled connection is busy for too long).
    #[error("no connection to the job database: {message}")]
    Pool { message: String },

    /// `--database-url` is not a PostgreSQL connection string.
    #[error("invalid database url: {reason}")]
    InvalidDatabaseUrl { reason: String },

    /// The job database was migrated by a newer release than this one.
    #[error(
        "the job database is at schema version {found} but this build knows only up to \
         {supported}: run the release that migrated it (or a newer one); never point an older \
         release at a migrated database"
    )]
    SchemaTooNew { found: i32, supported: i32 },

    /// The caller's lease on the job is gone (it expired and the job went back to the queue,
    /// maybe to another worker): its acknowledgement or heartbeat is refused.
    #[error("block {block_number}: lease {token} is no longer held (expired or taken over)")]
    LeaseLost { block_number: u64, token: i64 },

    /// A job-queue row does not read back (edited by hand, or written by another release).
    #[error("job queue row of block {block_number}: {reason}")]
    QueueRow { block_number: u64, reason: String },

    /// The state machine in [`job_status`](crate::job_status) does not allow this move.
    #[error("block {block_number}: illegal transition {from} -> {to}")]
    IllegalTransition { block_number: u64, from: JobStatusKind, to: JobStatusKind },
}

impl Error {
    /// Whether retrying the same operation later may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::S3 { transient, .. } => *transient,
            Error::RetriesExhausted { source, .. } => source.is_transient(),
            Error::Io { source, .. } => is_transient_io(source),
            Error::Sled { source: sled::Error::Io(source), .. } => is_transient_io(source),
            Error::Postgres { source, .. } => is_transient_postgres(source),
            Error::Pool { .. } => true,
            // Conflicts, corruption, bad input, permissions: retrying the same call cannot help.
            _ => false,
        }
    }

    pub(crate) fn io(
        operation: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Error::Io { operation, path: path.into(), source }
    }

    pub(crate) fn sled(operation: &'static str, source: sled::Error) -> Self {
        Error::Sled { operation, source }
    }
}

/// Disk faults an operator clears without touching the service: full, over quota, mounted
/// read-only, an I/O error, an interrupted or timed-out call.
fn is_transient_io(error: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        error.kind(),
        ErrorKind::StorageFull
            | ErrorKind::QuotaExceeded
            | ErrorKind::ReadOnlyFilesystem
            | ErrorKind::Interrupted
            | ErrorKind::TimedOut
            | ErrorKind::WouldBlock
            | ErrorKind::ResourceBusy
    ) || error.raw_os_error() == Some(EIO)
}

/// A PostgreSQL error a later call may not meet: no SQL state (I/O, a closed connection, a
/// timeout), a connection exception (class 08), the server shutting down or starting (57P),
/// too many connections or out of resources (53), a serialization failure or a deadlock.
fn is_transient_postgres(error: &tokio_postgres::Error) -> bool {
    match error.code() {
        None => true,
        Some(code) => {
            let code = code.code();
            code.starts_with("08")
                || code.starts_with("57P")
                || code.starts_with("53")
                || code == "40001"
                || code == "40P01"
        }
    }
}

/// The server's message for a database error, the client's otherwise.
fn postgres_message(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("{}: {}", db.code().code(), db.message()),
        None => error.to_string(),
    }
}

/// `EIO` on Linux and the BSDs.
const EIO: i32 = 5;

#[cfg(test)]
mod transient_tests {
    use super::*;
    use std::io::ErrorKind;

    fn io(kind: ErrorKind) -> Error {
        Error::io("write", "proofs/x", std::io::Error::from(kind))
    }

    #[test]
    fn disk_faults_are_transient_and_bad_input_is_not() {
        for kind in
            [ErrorKind::StorageFull, ErrorKind::ReadOnlyFilesystem, ErrorKind::QuotaExceeded]
        {
            assert!(io(kind).is_transient(), "{kind:?}");
        }
        assert!(Error::io("read", "x", std::io::Error::from_raw_os_error(EIO)).is_transient());
        let full = Error::sled("transition", sled::Error::Io(ErrorKind::StorageFull.into()));
        assert!(full.is_transient());
        assert!(!io(ErrorKind::PermissionDenied).is_transient());
        assert!(!io(ErrorKind::InvalidData).is_transient());
        let corrupt = Error::Corrupt { key: "k".into(), reason: "digest".into() };
        assert!(!corrupt.is_transient());
    }
}
