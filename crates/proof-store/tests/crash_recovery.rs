//! SIGKILL at arbitrary moments: a child process (this test binary, re-executed) runs the
//! pipeline's bookkeeping — enqueue, replay, prove, `put` to a filesystem store, mark stored —
//! and is killed with SIGKILL after a random number of acknowledged steps. The parent reopens
//! the sled index and the store and checks that nothing acknowledged was lost, nothing is
//! corrupt, and the restart routine finishes every block without a conflict or duplicate.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use common::{metadata, proof_bytes};
use proof_store::*;

const CHILD_ENV: &str = "PROOF_STORE_CRASH_CHILD_DIR";
const BLOCKS: u64 = 120;

fn hash(n: u64) -> Felt32 {
    Felt32::from_u64(n.wrapping_add(0xb10c_0000))
}

fn proof_key(n: u64) -> ProofKey {
    ProofKey::new(n, hash(n)).unwrap()
}

/// Progress that must survive a restart. Proving and Proven count as Replayed: the restart
/// routine legitimately sends them back there (their trace and proof were in memory).
fn rank(kind: JobStatusKind) -> u8 {
    match kind {
        JobStatusKind::Pending | JobStatusKind::Failed | JobStatusKind::Divergent => 0,
        JobStatusKind::Replayed | JobStatusKind::Proving | JobStatusKind::Proven => 1,
        JobStatusKind::Stored => 2,
    }
}

/// The worker: restart routine, then drive every block to Stored, acknowledging each durable
/// step on stdout. Run only as the child.
async fn worker(dir: &Path) {
    let index = JobIndex::open(dir.join("jobs")).unwrap();
    let store: Arc<dyn ProofStore> =
        Arc::new(FsProofStore::open(dir.join("proofs")).await.unwrap());
    index.reset_in_flight().await.unwrap();
    let mut out = std::io::stdout().lock();
    let mut ack = |n: u64, kind: JobStatusKind| {
        writeln!(out, "ACK {n} {}", kind.as_str()).unwrap();
        out.flush().unwrap();
    };
    for n in 0..BLOCKS {
        let record = index.enqueue(n, hash(n), hash(n.wrapping_sub(1))).await.unwrap();
        ack(n, JobStatusKind::Pending);
        let mut kind = record.status.kind();
        if kind == JobStatusKind::Pending {
            index.mark_replayed(n, hash(n), Felt32::from_u64(n)).await.unwrap();
            kind = JobStatusKind::Replayed;
            ack(n, kind);
        }
        if kind == JobStatusKind::Replayed {
            index.transition(n, hash(n), JobStatus::Proving).await.unwrap();
            ack(n, JobStatusKind::Proving);
            let key = proof_key(n);
            let proof = proof_bytes(&key, 0, 2_000 + (n as usize % 7) * 1_000);
            index.transition(n, hash(n), JobStatus::Proven).await.unwrap();
            ack(n, JobStatusKind::Proven);
            store.put(&key, &proof, &metadata(&key, &proof)).await.unwrap();
            index.transition(n, hash(n), JobStatus::Stored).await.unwrap();
            ack(n, JobStatusKind::Stored);
        }
    }
}

#[tokio::test]
#[ignore = "child process of sigkill_at_random_points_loses_nothing"]
async fn crash_child() {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        worker(Path::new(&dir)).await;
    }
}

/// Checks the on-disk state against what the killed child acknowledged.
async fn check_consistent(dir: &Path, acknowledged: &[(u64, JobStatusKind)]) {
    let index = JobIndex::open(dir.join("jobs")).unwrap();
    let store: Arc<dyn ProofStore> =
        Arc::new(FsProofStore::open(dir.join("proofs")).await.unwrap());
    let records = index.list(..).unwrap(); // every record decodes
    for &(n, kind) in acknowledged {
        let record = index.get(n).unwrap().unwrap_or_else(|| panic!("acknowledged block {n} lost"));
        assert!(
            rank(record.status.kind()) >= rank(kind),
            "block {n}: acknowledged {kind}, found {:?}",
            record.status
        );
    }
    let checkpoint = index.checkpoint().unwrap();
    if let Some(through) = checkpoint.stored_through {
        for n in 0..=through {
            assert_eq!(
                index.get(n).unwrap().unwrap().status,
                JobStatus::Stored,
                "checkpoint {through} but {n}"
            );
        }
    }
    let next = checkpoint.stored_through.map_or(0, |through| through + 1);
    assert_ne!(
        index.get(next).unwrap().map(|r| r.status),
        Some(JobStatus::Stored),
        "checkpoint lags"
    );
    // Every Stored block has an intact proof; no proof exists for a block that was never replayed.
    for record in &records {
        let stored = store.get(&proof_key(record.block_number)).await.unwrap();
        if record.status == JobStatus::Stored {
            assert!(stored.is_some(), "block {} Stored without proof", record.block_number);
        }
        if stored.is_some() {
            assert!(
                rank(record.status.kind()) >= rank(JobStatusKind::Replayed),
                "block {}",
                record.block_number
            );
        }
    }
    let proofs_dir = dir.join("proofs/proofs/v1");
    let leftovers = std::fs::read_dir(&proofs_dir)
        .unwrap()
        .filter(|entry| entry.as_ref().unwrap().file_name().to_string_lossy().starts_with(".tmp-"))
        .count();
    assert_eq!(leftovers, 0, "temp files survive a reopen");
}

#[tokio::test]
async fn sigkill_at_random_points_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut acknowledged = Vec::new();
    let mut finished = false;
    for round in 0..6 {
        let kill_after = fastrand::usize(5..250);
        let mut child = Command::new(&exe)
            .args(["crash_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut seen = 0;
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            let Some(rest) = line.strip_prefix("ACK ") else { continue };
            let (n, status) = rest.split_once(' ').unwrap();
            let kind = match status {
                "pending" => JobStatusKind::Pending,
                "replayed" => JobStatusKind::Replayed,
                "proving" => JobStatusKind::Proving,
                "proven" => JobStatusKind::Proven,
                _ => JobStatusKind::Stored,
            };
            acknowledged.push((n.parse::<u64>().unwrap(), kind));
            seen += 1;
            if seen == kill_after {
                child.kill().unwrap(); // SIGKILL on Unix
                break;
            }
        }
        let status = child.wait().unwrap();
        if status.success() {
            finished = true;
        }
        eprintln!("round {round}: killed after {seen} acks (exit {status:?})");
        check_consistent(dir.path(), &acknowledged).await;
        if finished {
            break;
        }
    }

    // Final restart without a kill: the run completes every block, with no conflict on re-put.
    if !finished {
        let status = Command::new(&exe)
            .args(["crash_child", "--exact", "--ignored", "--test-threads=1"])
            .env(CHILD_ENV, dir.path())
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "restart after the last kill failed");
    }
    let index = JobIndex::open(dir.path().join("jobs")).unwrap();
    assert_eq!(index.checkpoint().unwrap().stored_through, Some(BLOCKS - 1));
    let store = FsProofStore::open(dir.path().join("proofs")).await.unwrap();
    let keys = ProofStore::list(&store, None, BLOCKS as usize + 10).await.unwrap();
    assert_eq!(keys, (0..BLOCKS).map(proof_key).collect::<Vec<_>>(), "exactly one proof per block");
    for key in keys {
        ProofStore::get(&store, &key).await.unwrap().unwrap();
    }
}
