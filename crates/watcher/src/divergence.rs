//! Divergence that heals: a sequencer may serve a wrong block for a while (a transaction
//! missing from its body, a stale state update) and the right one later. When replay disagrees
//! with the sequencer, the pipeline does not raise an alert at once:
//!
//! 1. it forgets the replayed block (`Replayer::truncate_from`), since replay keeps a
//!    committed block whose hash it has seen, and a re-fetch with the same hash must be
//!    re-executed, not reused;
//! 2. waits (`divergence_recheck_delay`, doubled on each further recheck) and fetches and
//!    replays the block again, up to `divergence_rechecks` times;
//! 3. only a disagreement that persists across the re-fetches marks the block `divergent`
//!    and logs one `ALERT` for the incident; the blocks after it that keep diverging (their
//!    parent's state is replay's, which the sequencer disputes) are marked without rechecks or
//!    a new alert, until a block replays cleanly and ends the incident.
//!
//! `--retry-failed` ([`retry_divergent`]) puts `divergent` jobs back to `pending` and forgets
//! the state from the lowest of them, so they and every block after are fetched afresh and
//! replayed on a parent the sequencer agrees with.

use std::sync::Arc;
use std::time::Duration;

use proof_store::JobIndex;
use tokio::sync::watch;
use tracing::{info, warn};

use crate::error::WatcherError;
use crate::prove_task::sleep_or_stop;
use crate::replay::{Divergence, Replayer};

/// The wait before recheck number `recheck` (1-based): `first`, then doubled each time
/// (capped at 2^16 times `first`).
pub fn recheck_delay(first: Duration, recheck: u32) -> Duration {
    first.saturating_mul(1 << recheck.saturating_sub(1).min(16))
}

/// Forgets the divergent replay of block `number` and waits before it is fetched again.
/// Returns `true` if the service is stopping.
pub(crate) async fn forget_and_wait(
    replayer: &Arc<Replayer>,
    stopping: &watch::Receiver<bool>,
    number: u64,
    recheck: u32,
    of: u32,
    first_delay: Duration,
    divergence: &Divergence,
) -> Result<bool, WatcherError> {
    let forget = replayer.clone();
    tokio::task::spawn_blocking(move || forget.truncate_from(number)).await.map_err(
        |error| WatcherError::Task { what: "forget replay", reason: error.to_string() },
    )??;
    let delay = recheck_delay(first_delay, recheck);
    warn!(
        block = number,
        recheck,
        of,
        ?delay,
        evidence = %divergence.evidence,
        "replay disagrees with the sequencer; fetching the block again before raising an alert"
    );
    Ok(sleep_or_stop(stopping, delay).await)
}

/// `--retry-failed` for divergent blocks: their jobs go back to `pending` and the state copy
/// forgets everything from the lowest of them. Returns the block numbers put back.
pub(crate) async fn retry_divergent(
    jobs: &JobIndex,
    replayer: &Arc<Replayer>,
    from_block: u64,
) -> Result<Vec<u64>, WatcherError> {
    let retried = jobs.retry_divergent(from_block).await?;
    if let Some(&lowest) = retried.iter().min() {
        let forget = replayer.clone();
        let forgotten =
            tokio::task::spawn_blocking(move || forget.truncate_from(lowest)).await.map_err(
                |error| WatcherError::Task { what: "forget replay", reason: error.to_string() },
            )??;
        info!(
            blocks = ?retried,
            replayed_again_from = lowest,
            forgotten = forgotten.len(),
            "divergent blocks put back to pending (--retry-failed): fetched and replayed afresh"
        );
    }
    Ok(retried)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_and_saturates() {
        let first = Duration::from_secs(5);
        let delays: Vec<u64> = (1..=4).map(|n| recheck_delay(first, n).as_secs()).collect();
        assert_eq!(delays, [5, 10, 20, 40]);
        assert_eq!(recheck_delay(first, 0), first);
        assert_eq!(recheck_delay(Duration::MAX, 30), Duration::MAX);
    }
}
