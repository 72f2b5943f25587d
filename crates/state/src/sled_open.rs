//! Opening a sled database directory that this process closed a moment ago.
//!
//! sled 0.34 releases its directory lock only when the last of its background I/O threads lets
//! go of the database file, which can be a few milliseconds after the last handle is dropped.
//! A restart inside one process (a service that reopens its data directory, a test) would then
//! fail with "could not acquire lock". [`open_sled`] waits a bounded time for that lock; a
//! directory held by another process still fails, after [`LOCK_WAIT`].

use std::path::Path;
use std::time::{Duration, Instant};

/// How long [`open_sled`] waits for a directory lock held by a closing handle.
pub const LOCK_WAIT: Duration = Duration::from_secs(2);

/// Opens (or creates) the sled database in directory `path`, waiting up to [`LOCK_WAIT`] while
/// its lock is held.
pub fn open_sled(path: impl AsRef<Path>) -> sled::Result<sled::Db> {
    let config = sled::Config::new().path(path.as_ref());
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        match config.open() {
            Err(error) if is_lock_held(&error) && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            result => return result,
        }
    }
}

/// sled reports a held lock as an `Other` I/O error with this message (sled 0.34 `config.rs`).
fn is_lock_held(error: &sled::Error) -> bool {
    matches!(error, sled::Error::Io(io) if io.to_string().contains("could not acquire lock"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reopens_right_after_drop_and_refuses_a_held_directory() {
        let dir = tempfile::tempdir().unwrap();
        for round in 0..20u8 {
            let db = open_sled(dir.path()).unwrap();
            db.insert([round], &[round]).unwrap();
            db.flush().unwrap();
        }
        let held = open_sled(dir.path()).unwrap();
        assert_eq!(held.len(), 20);
        let started = Instant::now();
        let error = open_sled(dir.path()).unwrap_err();
        assert!(is_lock_held(&error), "{error}");
        assert!(started.elapsed() >= LOCK_WAIT);
    }
}
