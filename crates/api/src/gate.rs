//! [`VerifyGate`]: how many `prover_verifyProof` calls run and wait at once. A few run (CPU on
//! the blocking pool), a few more wait their turn, and beyond that a call is refused at once as
//! busy (code [`crate::codes::BUSY`]) instead of queueing without bound: a flood of large proofs
//! costs the flooder, not the server's memory or the other endpoints' latency.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Admission of verifications.
#[derive(Debug)]
pub(crate) struct VerifyGate {
    running: Arc<Semaphore>,
    admitted: Arc<AtomicUsize>,
    /// Running plus waiting.
    capacity: usize,
}

/// A verification's turn: while held, it counts as admitted and holds a running slot.
#[derive(Debug)]
pub(crate) struct VerifyTurn {
    _running: OwnedSemaphorePermit,
    _admitted: Admitted,
}

#[derive(Debug)]
struct Admitted(Arc<AtomicUsize>);

impl Drop for Admitted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl VerifyGate {
    /// At most `running` at once (at least 1) and `waiting` more in line.
    pub(crate) fn new(running: usize, waiting: usize) -> Self {
        let running = running.max(1);
        VerifyGate {
            running: Arc::new(Semaphore::new(running)),
            admitted: Arc::new(AtomicUsize::new(0)),
            capacity: running + waiting,
        }
    }

    /// Waits for a running slot, or returns `None` at once when the line is full.
    pub(crate) async fn enter(&self) -> Option<VerifyTurn> {
        let admitted = self.admitted.fetch_add(1, Ordering::AcqRel);
        let guard = Admitted(self.admitted.clone());
        if admitted >= self.capacity {
            return None;
        }
        let permit = self.running.clone().acquire_owned().await.ok()?;
        Some(VerifyTurn { _running: permit, _admitted: guard })
    }

    /// Running plus waiting: the refusal's limit.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn admits_running_plus_waiting_then_refuses_and_recovers() {
        let gate = Arc::new(VerifyGate::new(1, 1));
        let first = gate.enter().await.expect("a running slot");
        // The second waits for the running slot; the third finds the line full.
        let waiting = tokio::spawn({
            let gate = gate.clone();
            async move { gate.enter().await.map(|_| ()) }
        });
        tokio::task::yield_now().await;
        while gate.admitted.load(Ordering::Acquire) < 2 {
            tokio::task::yield_now().await;
        }
        assert!(gate.enter().await.is_none(), "a full line refuses at once");
        drop(first);
        assert_eq!(waiting.await.unwrap(), Some(()), "the waiting one runs");
        // Everything released: room again.
        assert!(gate.enter().await.is_some());
        assert_eq!(gate.admitted.load(Ordering::Acquire), 0);
    }
}
