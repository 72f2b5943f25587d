//! [`Health`]: which part of the pipeline keeps failing, since when and why, so that `/health`
//! can say the service is stuck (a full disk, an unreachable store or sequencer) instead of
//! "ok" while nothing moves. The pipeline reports each failing operation with
//! [`Health::failing`] and its recovery with [`Health::recovered`]; the API reads
//! [`Health::stalls`].

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::metrics::Stage;

/// Shared record of the operations failing right now; cloning is cheap.
#[derive(Clone, Debug, Default)]
pub struct Health {
    failing: Arc<Mutex<BTreeMap<&'static str, Failing>>>,
}

#[derive(Clone, Debug)]
struct Failing {
    stage: Stage,
    since: Instant,
    failures: u64,
    last_error: String,
}

/// An operation that has failed since `stuck_for` ago without succeeding once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stall {
    /// The operation (`"poll"`, `"proof store"`, `"job index"`).
    pub operation: &'static str,
    /// Its pipeline stage.
    pub stage: Stage,
    /// Time since its first failure in a row.
    pub stuck_for: Duration,
    /// Failed attempts in a row.
    pub failures: u64,
    /// The last error.
    pub last_error: String,
}

impl Health {
    /// A fresh record: nothing failing.
    pub fn new() -> Self {
        Self::default()
    }

    /// `operation` (of `stage`) failed with `error`; the first failure in a row starts its
    /// stall clock.
    pub fn failing(&self, operation: &'static str, stage: Stage, error: &dyn std::fmt::Display) {
        let mut failing = self.lock();
        let entry = failing.entry(operation).or_insert_with(|| Failing {
            stage,
            since: Instant::now(),
            failures: 0,
            last_error: String::new(),
        });
        entry.stage = stage;
        entry.failures += 1;
        entry.last_error = error.to_string();
    }

    /// `operation` succeeded: it is not stuck any more.
    pub fn recovered(&self, operation: &'static str) {
        self.lock().remove(operation);
    }

    /// The operations failing now, longest stuck first.
    pub fn stalls(&self) -> Vec<Stall> {
        let mut stalls: Vec<Stall> = self
            .lock()
            .iter()
            .map(|(operation, f)| Stall {
                operation,
                stage: f.stage,
                stuck_for: f.since.elapsed(),
                failures: f.failures,
                last_error: f.last_error.clone(),
            })
            .collect();
        stalls.sort_by_key(|stall| std::cmp::Reverse(stall.stuck_for));
        stalls
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, Failing>> {
        // A panic while holding the lock leaves a map that is still consistent.
        self.failing.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_stalls_until_the_operation_recovers() {
        let health = Health::new();
        assert!(health.stalls().is_empty());
        health.failing("proof store", Stage::Store, &"No space left on device");
        std::thread::sleep(Duration::from_millis(20));
        health.failing("proof store", Stage::Store, &"Read-only file system");
        health.failing("poll", Stage::Fetch, &"connection refused");
        let stalls = health.stalls();
        assert_eq!(stalls.len(), 2);
        assert_eq!(stalls[0].operation, "proof store");
        assert_eq!(stalls[0].failures, 2);
        assert_eq!(stalls[0].last_error, "Read-only file system");
        assert!(stalls[0].stuck_for >= Duration::from_millis(20));
        health.recovered("proof store");
        assert_eq!(health.stalls().len(), 1);
        assert_eq!(health.stalls()[0].stage, Stage::Fetch);
    }
}
