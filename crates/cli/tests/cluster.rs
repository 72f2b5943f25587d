//! A prover cluster through the real binaries: a devnet with load, a PostgreSQL server
//! (`initdb` + `pg_ctl`, see proof-store's `tests/common/postgres.rs`), an S3 server (s3s-fs),
//! `watcher-prover coordinator` and three `watcher-prover worker`s. A second coordinator
//! started by mistake stands by; one worker is killed with SIGKILL in the middle of a proof
//! (its lease expires and another worker proves the block) and a replacement joins. Afterwards
//! every block is stored exactly once (one job row, one proof object), nothing is left
//! leased, queued or dead, and the coordinator's query API serves and verifies the proofs.
//!
//! Slow (several minutes of proving on a small machine): `make test-e2e` runs it
//! (`cargo test -p cli --test cluster -- --ignored`).

mod common;

#[path = "../../proof-store/tests/common/mod.rs"]
mod s3;

#[path = "../../proof-store/tests/common/postgres.rs"]
mod postgres;

use std::collections::BTreeMap;
use std::process::{Child, Command};

use common::*;
use proof_store::{JobQueue, JobReader, JobStatus, JobStatusKind, PgJobQueue, QueuePolicy};
use serde_json::json;

const PREFIX: &str = "cluster";

fn s3_env(command: &mut Command) {
    command
        .env("AWS_ACCESS_KEY_ID", s3::ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", s3::SECRET_KEY)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true");
}

fn coordinator(rpc_url: &str, data_dir: &std::path::Path, database: &str, s3: &str) -> Command {
    let mut command = bin();
    command
        .args(["coordinator", "--rpc-url", rpc_url, "--api-addr", "127.0.0.1:0"])
        .args(["--security", "test", "--poll-interval", "100ms", "--standby-interval", "500ms"])
        .args(["--database-url", database, "--s3-endpoint", s3])
        .arg("--store")
        .arg(format!("s3://{}/{PREFIX}", s3::BUCKET))
        .arg("--data-dir")
        .arg(data_dir);
    s3_env(&mut command);
    command
}

fn worker(id: &str, database: &str, s3: &str) -> Child {
    let mut command = bin();
    command
        .args(["worker", "--worker-id", id, "--database-url", database, "--s3-endpoint", s3])
        .arg("--store")
        .arg(format!("s3://{}/{PREFIX}", s3::BUCKET))
        .args(["--security", "test", "--lease", "4s", "--heartbeat", "1s"])
        .args(["--poll-interval", "200ms", "--addr", "127.0.0.1:0"]);
    s3_env(&mut command);
    spawn_until(command, "probes and metrics on ").0
}

#[test]
#[ignore = "minutes of proving: make test-e2e"]
fn four_workers_drain_a_backlog_exactly_once_through_a_sigkill() {
    let Some(pg) = postgres::TestPostgres::start() else { return };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let s3 = runtime.block_on(s3::S3Fixture::start());
    let endpoint = s3.endpoint();
    let database = pg.url();
    let dir = tempfile::tempdir().unwrap();

    let (devnet, rpc_url) = start_devnet(&dir.path().join("devnet"));
    let target = send_load(&rpc_url, "10", "3s", "fib,erc20");
    assert!(target >= 4, "the load made blocks: head {target}");

    let (leader, api) = spawn_until(
        coordinator(&rpc_url, &dir.path().join("coordinator"), &database, &endpoint),
        "query API on ",
    );
    // A second coordinator started by mistake stands by instead of racing the first.
    let (standby, _) = spawn_until(
        coordinator(&rpc_url, &dir.path().join("coordinator-2"), &database, &endpoint),
        "standing by",
    );

    let queue = runtime
        .block_on(PgJobQueue::connect(&database, QueuePolicy::default(), 2))
        .expect("the coordinator migrated the database");
    let mut workers: BTreeMap<&str, Child> = BTreeMap::new();
    for id in ["worker-0", "worker-1", "worker-2"] {
        workers.insert(id, worker(id, &database, &endpoint));
    }
    // SIGKILL worker-0 in the middle of a proof: wait until all three hold a lease.
    wait_until(180, "workers proving", || {
        runtime
            .block_on(queue.jobs_with_status(JobStatusKind::Proving))
            .is_ok_and(|leased| leased.len() >= 3)
    });
    let mut killed = workers.remove("worker-0").unwrap();
    killed.kill().unwrap();
    killed.wait().unwrap();
    workers.insert("worker-3", worker("worker-3", &database, &endpoint));

    wait_until(600, "every block up to the target stored", || {
        runtime.block_on(queue.jobs_between(1, target)).is_ok_and(|jobs| {
            jobs.len() as u64 == target && jobs.iter().all(|job| job.status == JobStatus::Stored)
        })
    });

    // Nothing lost, nothing stuck, nothing dead.
    let jobs = runtime.block_on(queue.jobs_between(1, target)).unwrap();
    let numbers: Vec<u64> = jobs.iter().map(|job| job.block_number).collect();
    assert_eq!(numbers, (1..=target).collect::<Vec<_>>());
    let depth = runtime.block_on(queue.depth()).unwrap();
    assert_eq!(depth.dead, 0, "{depth:?}");
    // The killed worker's block went to another worker after its lease expired.
    let expired: Vec<_> = jobs
        .iter()
        .filter(|job| job.last_error.as_deref().is_some_and(|e| e.contains("lease of worker-0")))
        .collect();
    assert!(!expired.is_empty(), "worker-0 held a lease when it was killed: {jobs:?}");
    assert!(expired.iter().all(|job| job.attempts >= 2));
    eprintln!(
        "cluster: blocks 1..={target} stored once each; re-proven after worker-0's SIGKILL: {:?}",
        expired.iter().map(|job| job.block_number).collect::<Vec<_>>()
    );

    // Exactly one proof object (and one metadata object) per block in S3.
    let proofs_dir = s3.data.path().join(s3::BUCKET).join(PREFIX).join("proofs/v1");
    let mut per_block: BTreeMap<u64, usize> = BTreeMap::new();
    for entry in std::fs::read_dir(&proofs_dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".proof") {
            *per_block.entry(name[..12].parse().unwrap()).or_default() += 1;
        }
    }
    for number in 1..=target {
        assert_eq!(per_block.get(&number), Some(&1), "block {number}: {per_block:?}");
    }
    // Retention: the witness of a stored block is gone (one left by the killed worker, whose
    // block another worker finished, is deleted by that worker too).
    let witnesses = s3.data.path().join(s3::BUCKET).join(PREFIX).join("witnesses/v1");
    let left: Vec<String> = std::fs::read_dir(witnesses)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".witness"))
        .filter(|name| name[..12].parse::<u64>().is_ok_and(|number| number <= target))
        .collect();
    assert!(left.is_empty(), "witnesses of stored blocks: {left:?}");

    // The coordinator's API reads the queue and the store.
    let latest = rpc(&api, "prover_latestProvenBlock", json!([]))["result"]["block_number"]
        .as_u64()
        .unwrap();
    assert!(latest >= target);
    for number in [1, target] {
        let verdict = rpc(&api, "prover_verifyProof", json!({ "block_number": number }));
        assert_eq!(verdict["result"]["valid"], true, "block {number}: {verdict}");
    }

    for (_, child) in workers {
        terminate(child, "watcher-prover worker");
    }
    terminate(standby, "standby coordinator");
    terminate(leader, "watcher-prover coordinator");
    terminate(devnet, "devnet");
    runtime.block_on(s3.server.stop());
    drop(pg);
}
