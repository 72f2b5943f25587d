//! Job statuses and the state machine of one block's way through the pipeline.
//!
//! ```text
//!            ┌──────────────► Divergent{evidence} ──(retry)──┐
//!            │                      ▲                        │
//! Pending ──►Replayed ──► Proving ──► Proven ──► Stored      │
//!   ▲  │        │            │          │                    │
//!   │  └────────┴────────────┴──────────┴──► Failed{reason}  │
//!   └──────────────────(retry)──────────────────┘◄───────────┘
//! ```
//!
//! Allowed moves (anything else is [`Error::IllegalTransition`](crate::Error)):
//!
//! | from | to |
//! |---|---|
//! | Pending | Replayed, Divergent, Failed |
//! | Replayed | Proving, Divergent, Failed |
//! | Proving | Proven, Failed |
//! | Proven | Stored, Failed |
//! | Failed, Divergent | Pending (an explicit retry) |
//! | Stored | — (terminal) |
//!
//! Repeating the current status with the same content is a no-op success, so a step replayed
//! after a crash does not fail. Two resets sit outside the table: `reset_in_flight` (restart:
//! Proving and Proven go back to Replayed, because the trace and the proof lived in memory) and
//! `invalidate_from` (reorg: everything from a height goes back to Pending).
//!
//! There is no durable "traced" status: the trace is in memory only and is recomputed from the
//! replayed block after a restart.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a block is in the pipeline. `prover_getProofStatus` reports these.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum JobStatus {
    /// Seen by the watcher, not yet replayed.
    Pending,
    /// Replayed; the record's `state_root` is the root computed by replay.
    Replayed,
    /// A prover is working on it (the record's `attempts` counts these).
    Proving,
    /// Proven and self-verified, not yet in the proof store.
    Proven,
    /// The proof is durably in the proof store.
    Stored,
    /// A step failed; `reason` is for operators.
    Failed { reason: String },
    /// Replay disagrees with the sequencer; `evidence` says how (free text or JSON).
    Divergent { evidence: String },
}

/// [`JobStatus`] without its payload: for queries and errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatusKind {
    Pending,
    Replayed,
    Proving,
    Proven,
    Stored,
    Failed,
    Divergent,
}

impl JobStatus {
    pub fn kind(&self) -> JobStatusKind {
        match self {
            JobStatus::Pending => JobStatusKind::Pending,
            JobStatus::Replayed => JobStatusKind::Replayed,
            JobStatus::Proving => JobStatusKind::Proving,
            JobStatus::Proven => JobStatusKind::Proven,
            JobStatus::Stored => JobStatusKind::Stored,
            JobStatus::Failed { .. } => JobStatusKind::Failed,
            JobStatus::Divergent { .. } => JobStatusKind::Divergent,
        }
    }
}

impl JobStatusKind {
    /// Lowercase name, as in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatusKind::Pending => "pending",
            JobStatusKind::Replayed => "replayed",
            JobStatusKind::Proving => "proving",
            JobStatusKind::Proven => "proven",
            JobStatusKind::Stored => "stored",
            JobStatusKind::Failed => "failed",
            JobStatusKind::Divergent => "divergent",
        }
    }

    /// Whether the table in the module docs allows `self -> to` (self-moves are handled apart).
    pub fn can_move_to(self, to: JobStatusKind) -> bool {
        use JobStatusKind::*;
        matches!(
            (self, to),
            (Pending, Replayed | Divergent | Failed)
                | (Replayed, Proving | Divergent | Failed)
                | (Proving, Proven | Failed)
                | (Proven, Stored | Failed)
                | (Failed | Divergent, Pending)
        )
    }

    /// Work a restart must redo: its in-memory inputs (trace, proof) are gone.
    pub fn is_in_flight(self) -> bool {
        matches!(self, JobStatusKind::Proving | JobStatusKind::Proven)
    }
}

impl fmt::Display for JobStatusKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use JobStatusKind::*;

    const ALL: [JobStatusKind; 7] = [Pending, Replayed, Proving, Proven, Stored, Failed, Divergent];

    #[test]
    fn transition_table() {
        let allowed: Vec<_> = ALL
            .iter()
            .flat_map(|&a| ALL.iter().map(move |&b| (a, b)))
            .filter(|&(a, b)| a.can_move_to(b))
            .collect();
        assert_eq!(allowed.len(), 12);
        assert!(
            Pending.can_move_to(Replayed)
                && Proven.can_move_to(Stored)
                && Failed.can_move_to(Pending)
        );
        assert!(
            !Stored.can_move_to(Pending)
                && !Pending.can_move_to(Proving)
                && !Proving.can_move_to(Stored)
        );
        assert!(ALL.iter().all(|&s| !Stored.can_move_to(s)));
    }

    #[test]
    fn serde_shape() {
        let json = serde_json::to_string(&JobStatus::Failed { reason: "oom".into() }).unwrap();
        assert_eq!(json, r#"{"status":"failed","reason":"oom"}"#);
        assert_eq!(serde_json::to_string(&JobStatus::Proving).unwrap(), r#"{"status":"proving"}"#);
    }
}
