//! [`Metrics`]: the Prometheus metrics of watcher-prover, as one cheap-to-clone handle that the
//! watcher pipeline updates and the query API's `GET /metrics` renders.
//!
//! | metric | type | meaning |
//! |---|---|---|
//! | `watcher_prover_blocks_seen_total` | counter | blocks the watcher fetched from the sequencer |
//! | `watcher_prover_blocks_replayed_total` | counter | blocks replayed (state root computed) |
//! | `watcher_prover_blocks_proven_total` | counter | blocks proven, verified and stored |
//! | `watcher_prover_divergent_blocks_total` | counter | blocks whose replay disagrees with the sequencer (alert on any increase) |
//! | `watcher_prover_failures_total{stage}` | counter | failed attempts, by [`Stage`] |
//! | `watcher_prover_lag_blocks` | gauge | chain head minus the highest settled block (every block up to it stored, failed or divergent) |
//! | `watcher_prover_prove_seconds` | histogram | wall-clock time to prove one block |
//! | `watcher_prover_proven_steps_total` | counter | Cairo steps proven (`rate()` of it is steps/s over any window) |
//! | `watcher_prover_steps_per_second` | gauge | steps/s of the last proven block |
//!
//! Each handle owns its registry (no global state), so tests and several services in one
//! process do not mix their numbers.

use std::sync::Arc;
use std::time::Duration;

use prometheus::{
    Encoder, Gauge, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, IntGaugeVec,
    Opts, Registry, TextEncoder,
};

use crate::health::Health;

/// The pipeline stage a failure happened in (a closed set keeps the label's cardinality fixed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Talking to the sequencer.
    Fetch,
    /// Re-executing the block.
    Replay,
    /// Running the OS and the prover, or verifying the new proof.
    Prove,
    /// Writing to the proof store or the job index.
    Store,
}

impl Stage {
    /// The `stage` label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Fetch => "fetch",
            Stage::Replay => "replay",
            Stage::Prove => "prove",
            Stage::Store => "store",
        }
    }
}

/// Prometheus metrics of the service. Clones share the same counters.
#[derive(Clone, Debug)]
pub struct Metrics {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    registry: Registry,
    blocks_seen: IntCounter,
    blocks_replayed: IntCounter,
    blocks_proven: IntCounter,
    divergent_blocks: IntCounter,
    divergence_rechecks: IntCounter,
    failures: IntCounterVec,
    lag_blocks: IntGauge,
    prove_seconds: Histogram,
    proven_steps: IntCounter,
    steps_per_second: Gauge,
    queue_jobs: IntGaugeVec,
    queue_oldest_lease_seconds: Gauge,
    health: Health,
}

/// Proving a block takes seconds to minutes on the target machines.
const PROVE_SECONDS_BUCKETS: [f64; 12] =
    [0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0];

impl Metrics {
    /// A fresh set of metrics in its own registry.
    pub fn new() -> Self {
        let registry = Registry::new();
        // Registration only fails for duplicate or invalid names, which are constants here.
        let counter = |name: &str, help: &str| {
            let counter = IntCounter::new(name, help).expect("valid metric");
            registry.register(Box::new(counter.clone())).expect("unique metric");
            counter
        };
        let blocks_seen =
            counter("watcher_prover_blocks_seen_total", "Blocks fetched from the sequencer.");
        let blocks_replayed =
            counter("watcher_prover_blocks_replayed_total", "Blocks replayed by the executor.");
        let blocks_proven =
            counter("watcher_prover_blocks_proven_total", "Blocks proven, verified and stored.");
        let divergent_blocks = counter(
            "watcher_prover_divergent_blocks_total",
            "Blocks whose replay disagrees with the sequencer's state update.",
        );
        let divergence_rechecks = counter(
            "watcher_prover_divergence_rechecks_total",
            "Re-fetches of a block whose replay disagreed with the sequencer.",
        );
        let proven_steps = counter(
            "watcher_prover_proven_steps_total",
            "Cairo steps proven, all blocks together.",
        );
        let failures = IntCounterVec::new(
            Opts::new("watcher_prover_failures_total", "Failed attempts, by pipeline stage."),
            &["stage"],
        )
        .expect("valid metric");
        registry.register(Box::new(failures.clone())).expect("unique metric");
        let lag_blocks = IntGauge::new(
            "watcher_prover_lag_blocks",
            "Chain head minus the highest settled block (stored, failed or divergent).",
        )
        .expect("valid metric");
        registry.register(Box::new(lag_blocks.clone())).expect("unique metric");
        let prove_seconds = Histogram::with_opts(
            HistogramOpts::new("watcher_prover_prove_seconds", "Wall-clock time to prove a block.")
                .buckets(PROVE_SECONDS_BUCKETS.to_vec()),
        )
        .expect("valid metric");
        registry.register(Box::new(prove_seconds.clone())).expect("unique metric");
        let steps_per_second = Gauge::new(
            "watcher_prover_steps_per_second",
            "Cairo steps per second of the last proven block.",
        )
        .expect("valid metric");
        registry.register(Box::new(steps_per_second.clone())).expect("unique metric");
        // A prover cluster's queue, as its coordinator last read it (workers scale on it).
        let queue_jobs = IntGaugeVec::new(
            Opts::new(
                "watcher_prover_queue_jobs",
                "Jobs in the cluster's queue by state (queued, leased, stored, dead).",
            ),
            &["state"],
        )
        .expect("valid metric");
        registry.register(Box::new(queue_jobs.clone())).expect("unique metric");
        let queue_oldest_lease_seconds = Gauge::new(
            "watcher_prover_queue_oldest_lease_seconds",
            "Age of the oldest live lease in the cluster's queue (0 when none).",
        )
        .expect("valid metric");
        registry.register(Box::new(queue_oldest_lease_seconds.clone())).expect("unique metric");
        // Every stage shows up at 0 from the start, so alerts on `increase()` work at once.
        for stage in [Stage::Fetch, Stage::Replay, Stage::Prove, Stage::Store] {
            failures.with_label_values(&[stage.as_str()]);
        }
        Metrics {
            inner: Arc::new(Inner {
                registry,
                blocks_seen,
                blocks_replayed,
                blocks_proven,
                divergent_blocks,
                divergence_rechecks,
                failures,
                lag_blocks,
                prove_seconds,
                proven_steps,
                steps_per_second,
                queue_jobs,
                queue_oldest_lease_seconds,
                health: Health::new(),
            }),
        }
    }

    /// The cluster queue's depth by state and the age of its oldest lease.
    pub fn set_queue(&self, counts: [(&str, u64); 4], oldest_lease: Option<Duration>) {
        for (state, count) in counts {
            let count = i64::try_from(count).unwrap_or(i64::MAX);
            self.inner.queue_jobs.with_label_values(&[state]).set(count);
        }
        let age = oldest_lease.map_or(0.0, |age| age.as_secs_f64());
        self.inner.queue_oldest_lease_seconds.set(age);
    }

    /// The watcher fetched a new block.
    pub fn block_seen(&self) {
        self.inner.blocks_seen.inc();
    }

    /// Replay of a block finished.
    pub fn block_replayed(&self) {
        self.inner.blocks_replayed.inc();
    }

    /// A block's proof is stored: `steps` Cairo steps proven in `proving_time`.
    pub fn block_proven(&self, steps: u64, proving_time: Duration) {
        let inner = &self.inner;
        inner.blocks_proven.inc();
        inner.proven_steps.inc_by(steps);
        let seconds = proving_time.as_secs_f64();
        inner.prove_seconds.observe(seconds);
        if seconds > 0.0 {
            inner.steps_per_second.set(steps as f64 / seconds);
        }
    }

    /// Replay disagreed with the sequencer.
    pub fn block_divergent(&self) {
        self.inner.divergent_blocks.inc();
    }

    /// A block whose replay disagreed with the sequencer is fetched again.
    pub fn divergence_recheck(&self) {
        self.inner.divergence_rechecks.inc();
    }

    /// An attempt failed in `stage`.
    pub fn failure(&self, stage: Stage) {
        self.inner.failures.with_label_values(&[stage.as_str()]).inc();
    }

    /// Chain head minus the highest settled block.
    pub fn set_lag(&self, blocks: u64) {
        self.inner.lag_blocks.set(i64::try_from(blocks).unwrap_or(i64::MAX));
    }

    /// What keeps failing right now (read by `/health`).
    pub fn health(&self) -> &Health {
        &self.inner.health
    }

    /// All metrics in the Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        // The text encoder only fails on write errors, and a Vec does not fail.
        if let Err(error) = TextEncoder::new().encode(&self.inner.registry.gather(), &mut buffer) {
            tracing::error!(%error, "encoding metrics failed");
        }
        String::from_utf8(buffer).unwrap_or_default()
    }

    /// Content type of [`Metrics::render`].
    pub fn content_type() -> &'static str {
        prometheus::TEXT_FORMAT
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_show_in_the_rendering() {
        let metrics = Metrics::new();
        metrics.block_seen();
        metrics.block_seen();
        metrics.block_proven(1000, Duration::from_millis(500));
        metrics.failure(Stage::Store);
        metrics.set_lag(3);
        let text = metrics.render();
        assert!(text.contains("watcher_prover_blocks_seen_total 2"), "{text}");
        assert!(text.contains("watcher_prover_proven_steps_total 1000"), "{text}");
        assert!(text.contains("watcher_prover_steps_per_second 2000"), "{text}");
        assert!(text.contains("watcher_prover_failures_total{stage=\"store\"} 1"), "{text}");
        assert!(text.contains("watcher_prover_failures_total{stage=\"fetch\"} 0"), "{text}");
        assert!(text.contains("watcher_prover_lag_blocks 3"), "{text}");
        assert!(text.contains("watcher_prover_prove_seconds_count 1"), "{text}");
    }
}
