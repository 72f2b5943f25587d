//! [`StatusSummary`]: what the status page (and `GET /status.json`) shows, read from the job
//! index in bounded windows so that a page view costs the same on a chain of any length.

use std::time::{SystemTime, UNIX_EPOCH};

use proof_store::{Checkpoint, JobRecord, JobStatus, JobStatusKind};
use serde::Serialize;

use crate::error::RequestError;
use crate::state::ApiState;

/// At most this many records above the contiguously stored prefix are scanned for the queue
/// and the failures (a backlog beyond it is reported as "at least").
pub const WORK_WINDOW: u64 = 10_000;
/// Blocks listed in the "recent blocks" table.
pub const RECENT_BLOCKS: u64 = 20;
/// Minutes of the throughput chart, one bar a minute.
pub const CHART_MINUTES: usize = 60;
/// Records scanned back from the head for the chart.
const CHART_WINDOW: u64 = 2_000;
/// Failed or divergent blocks listed (the lowest first).
const MAX_PROBLEMS: usize = 50;

/// The pipeline at a glance.
#[derive(Clone, Debug, Serialize)]
pub struct StatusSummary {
    /// Highest block the sequencer reported to the watcher.
    pub chain_head: Option<u64>,
    /// Highest block replayed (or further along).
    pub replayed_height: Option<u64>,
    /// Highest block whose proof is stored and served.
    pub proven_height: Option<u64>,
    /// Every block from the first watched one up to this one is proven.
    pub proven_through: Option<u64>,
    /// `chain_head - proven_height`, in blocks.
    pub proof_lag: Option<u64>,
    /// Blocks waiting or in work, by status (`pending`, `replayed`, `proving`).
    pub queue: Queue,
    /// Whether the work window was full (the queue counts are lower bounds).
    pub queue_truncated: bool,
    /// Blocks proven in each of the last [`CHART_MINUTES`] minutes, oldest first.
    pub proven_per_minute: Vec<u32>,
    /// Failed or divergent blocks, lowest first, with their reasons.
    pub problems: Vec<Problem>,
    /// The most recent blocks, highest first.
    pub recent: Vec<BlockRow>,
    /// When this summary was read (ms since the Unix epoch).
    pub now_unix_ms: u64,
}

/// Blocks not yet proven, by where they are.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Queue {
    pub pending: u64,
    pub replayed: u64,
    pub proving: u64,
}

/// A block that needs an operator.
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    pub block_number: u64,
    /// `failed` or `divergent`.
    pub status: &'static str,
    pub reason: String,
}

/// A row of the recent-blocks table.
#[derive(Clone, Debug, Serialize)]
pub struct BlockRow {
    pub block_number: u64,
    pub block_hash: String,
    /// As the query API names statuses: `pending`, `replayed`, `proving`, `proven`, `failed`,
    /// `divergent`.
    pub status: &'static str,
    pub state_root: Option<String>,
    pub updated_at_unix_ms: u64,
}

/// Reads the summary from the job index.
pub async fn read(state: &ApiState) -> Result<StatusSummary, RequestError> {
    let index = |error| RequestError::internal("job index read", error);
    let checkpoint: Checkpoint = state.jobs.checkpoint().await.map_err(index)?;
    let now_unix_ms = now_unix_ms();
    let Some(head) = checkpoint.last_seen_head else {
        return Ok(StatusSummary::empty(now_unix_ms));
    };

    // Everything not yet stored lies above the contiguously stored prefix.
    let work_from =
        checkpoint.stored_through.map_or(checkpoint.start_block.unwrap_or(0), |n| n + 1);
    let work_to = head.min(work_from.saturating_add(WORK_WINDOW - 1));
    let work = state.jobs.jobs_between(work_from, work_to).await.map_err(index)?;
    let mut queue = Queue::default();
    let mut problems = Vec::new();
    for record in &work {
        match &record.status {
            JobStatus::Pending => queue.pending += 1,
            JobStatus::Replayed => queue.replayed += 1,
            JobStatus::Proving | JobStatus::Proven => queue.proving += 1,
            JobStatus::Failed { reason } if problems.len() < MAX_PROBLEMS => {
                problems.push(Problem {
                    block_number: record.block_number,
                    status: "failed",
                    reason: reason.clone(),
                })
            }
            JobStatus::Divergent { evidence } if problems.len() < MAX_PROBLEMS => {
                problems.push(Problem {
                    block_number: record.block_number,
                    status: "divergent",
                    reason: evidence.clone(),
                })
            }
            _ => {}
        }
    }

    let tail = state
        .jobs
        .jobs_between(head.saturating_sub(CHART_WINDOW - 1), head)
        .await
        .map_err(index)?;
    let proven_height = tail
        .iter()
        .rev()
        .find(|record| record.status == JobStatus::Stored)
        .map(|record| record.block_number)
        .or(checkpoint.stored_through);
    let replayed_height = tail
        .iter()
        .rev()
        .find(|record| record.status.kind() != JobStatusKind::Pending && !is_problem(record))
        .map(|record| record.block_number)
        .or(proven_height);
    let recent = tail.iter().rev().take(RECENT_BLOCKS as usize).map(BlockRow::from).collect();

    Ok(StatusSummary {
        chain_head: Some(head),
        replayed_height,
        proven_height,
        proven_through: checkpoint.stored_through,
        proof_lag: proven_height.map(|proven| head.saturating_sub(proven)),
        queue,
        queue_truncated: work_to < head,
        proven_per_minute: per_minute(&tail, now_unix_ms),
        problems,
        recent,
        now_unix_ms,
    })
}

impl StatusSummary {
    fn empty(now_unix_ms: u64) -> Self {
        StatusSummary {
            chain_head: None,
            replayed_height: None,
            proven_height: None,
            proven_through: None,
            proof_lag: None,
            queue: Queue::default(),
            queue_truncated: false,
            proven_per_minute: vec![0; CHART_MINUTES],
            problems: Vec::new(),
            recent: Vec::new(),
            now_unix_ms,
        }
    }
}

impl From<&JobRecord> for BlockRow {
    fn from(record: &JobRecord) -> Self {
        BlockRow {
            block_number: record.block_number,
            block_hash: record.block_hash.to_string(),
            status: status_name(&record.status),
            state_root: record.state_root.map(|root| root.to_string()),
            updated_at_unix_ms: record.updated_at_unix_ms,
        }
    }
}

/// The query API's name of a pipeline status (`prover_getProofStatus`).
pub fn status_name(status: &JobStatus) -> &'static str {
    match status.kind() {
        JobStatusKind::Pending => "pending",
        JobStatusKind::Replayed => "replayed",
        JobStatusKind::Proving | JobStatusKind::Proven => "proving",
        JobStatusKind::Stored => "proven",
        JobStatusKind::Failed => "failed",
        JobStatusKind::Divergent => "divergent",
    }
}

fn is_problem(record: &JobRecord) -> bool {
    matches!(record.status.kind(), JobStatusKind::Failed | JobStatusKind::Divergent)
}

/// Stored blocks by the minute their record last changed (when the proof was stored), over the
/// last [`CHART_MINUTES`] minutes; oldest first.
fn per_minute(records: &[JobRecord], now_unix_ms: u64) -> Vec<u32> {
    let mut buckets = vec![0u32; CHART_MINUTES];
    for record in records.iter().filter(|record| record.status == JobStatus::Stored) {
        let age_minutes = now_unix_ms.saturating_sub(record.updated_at_unix_ms) / 60_000;
        if let Some(slot) = (CHART_MINUTES as u64).checked_sub(age_minutes + 1) {
            buckets[slot as usize] += 1;
        }
    }
    buckets
}

pub fn now_unix_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proof_store::Felt32;

    fn record(block_number: u64, status: JobStatus, updated_at_unix_ms: u64) -> JobRecord {
        JobRecord {
            block_number,
            block_hash: Felt32([1; 32]),
            parent_hash: Felt32([0; 32]),
            status,
            attempts: 0,
            last_error: None,
            state_root: None,
            updated_at_unix_ms,
        }
    }

    #[test]
    fn per_minute_buckets_by_age_and_drops_older_blocks() {
        let now = 10 * 3_600_000;
        let records = [
            record(1, JobStatus::Stored, now - 10),     // this minute
            record(2, JobStatus::Stored, now - 30_000), // this minute
            record(3, JobStatus::Stored, now - 61_000), // a minute ago
            record(4, JobStatus::Stored, now - 3_600_000 - 1), // too old
            record(5, JobStatus::Replayed, now - 10),   // not proven
        ];
        let buckets = per_minute(&records, now);
        assert_eq!(buckets.len(), CHART_MINUTES);
        assert_eq!(buckets[CHART_MINUTES - 1], 2);
        assert_eq!(buckets[CHART_MINUTES - 2], 1);
        assert_eq!(buckets.iter().sum::<u32>(), 3);
    }
}
