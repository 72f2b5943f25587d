//! A prover cluster through the real binaries: devnets with load, a PostgreSQL server (`initdb`
//! and `pg_ctl`, see proof-store's `tests/common/postgres.rs`), an S3 server (s3s-fs),
//! `watcher-prover coordinator`s, `watcher-prover worker`s and `watcher-prover light-verify`.
//!
//! * Faults while four workers drain a backlog of at least 40 blocks: a worker killed with
//!   SIGKILL while it holds a lease, S3 unreachable for seconds, PostgreSQL restarted (the
//!   leader loses its lock and exits 3, the standby started by mistake takes over, the old
//!   leader restarted by its supervisor stands by).
//! * A reorg: the sequencer replaced by another chain while blocks are leased and stored.
//!
//! Afterwards every block is stored exactly once (one job row of the canonical hash, one proof
//! object), nothing is left leased, queued or dead, witnesses are gone, and the light client
//! verifies the chain of proofs against the sequencer's headers.
//!
//! Minutes of proving on a small machine: `make test-e2e` runs them
//! (`cargo test -p e2e --test cluster -- --ignored --skip scaling`). The scaling measurement
//! (1, 2 and 4 workers on one backlog) is `make bench-cluster`.

#[path = "../../crates/proof-store/tests/common/mod.rs"]
mod s3;

#[path = "../../crates/proof-store/tests/common/postgres.rs"]
mod postgres;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use e2e::*;
use proof_store::{Felt32, JobQueue, JobReader, JobStatus, JobStatusKind, PgJobQueue, QueuePolicy};
use serde_json::{Value, json};

const PREFIX: &str = "cluster";

fn s3_env(command: &mut Command) {
    command
        .env("AWS_ACCESS_KEY_ID", s3::ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", s3::SECRET_KEY)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true");
}

fn coordinator(rpc_url: &str, data_dir: &Path, database: &str, s3: &str) -> Command {
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
    worker_at(id, database, s3, "test")
}

fn worker_at(id: &str, database: &str, s3: &str, security: &str) -> Child {
    let mut command = bin();
    command
        .args(["worker", "--worker-id", id, "--database-url", database, "--s3-endpoint", s3])
        .arg("--store")
        .arg(format!("s3://{}/{PREFIX}", s3::BUCKET))
        .args(["--security", security, "--lease", "4s", "--heartbeat", "1s"])
        .args(["--poll-interval", "200ms", "--addr", "127.0.0.1:0"]);
    s3_env(&mut command);
    spawn_until(command, "probes and metrics on ").0
}

/// The hash the sequencer at `rpc_url` serves for block `number`.
fn sequencer_hash(rpc_url: &str, number: u64) -> Felt32 {
    let block = rpc(rpc_url, "starknet_getBlockWithTxHashes", json!([{ "block_number": number }]));
    let hash = block["result"]["block_hash"].as_str().expect("a block hash");
    hash.parse().expect("a felt")
}

fn head(rpc_url: &str) -> u64 {
    rpc(rpc_url, "starknet_blockNumber", json!([]))["result"].as_u64().expect("a head")
}

/// Object names under `dir` ending in `suffix` (empty if the directory is absent).
fn objects(dir: &Path, suffix: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let names = entries.map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned());
    names.filter(|name| name.ends_with(suffix)).collect()
}

/// `(block number, block hash)` of an object named `{number:012}-{hash}.{ext}`.
fn parse_object(name: &str) -> (u64, Felt32) {
    let (number, rest) = name.split_once('-').expect("NUMBER-HASH");
    let hash = rest.split('.').next().unwrap();
    (number.parse().unwrap(), hash.parse().unwrap())
}

/// Checks the cluster's invariants for blocks `1..=target` of the chain at `rpc_url`: one job
/// row each, with the sequencer's hash, stored; nothing dead or leased; exactly one proof
/// object of the canonical hash per block; no witness left of a block up to `target`.
fn check_exactly_once(
    runtime: &tokio::runtime::Runtime,
    queue: &PgJobQueue,
    s3_root: &Path,
    rpc_url: &str,
    target: u64,
) -> Vec<proof_store::JobRecord> {
    let jobs = runtime.block_on(queue.jobs_between(1, target)).unwrap();
    let numbers: Vec<u64> = jobs.iter().map(|job| job.block_number).collect();
    assert_eq!(numbers, (1..=target).collect::<Vec<_>>(), "one job row per block");
    for job in &jobs {
        assert_eq!(job.status, JobStatus::Stored, "{job:?}");
        assert_eq!(job.block_hash, sequencer_hash(rpc_url, job.block_number), "{job:?}");
    }
    let depth = runtime.block_on(queue.depth()).unwrap();
    assert_eq!(depth.dead, 0, "nothing dead: {depth:?}");

    let root = s3_root.join(s3::BUCKET).join(PREFIX);
    let mut canonical: BTreeMap<u64, usize> = BTreeMap::new();
    for name in objects(&root.join("proofs/v1"), ".proof") {
        let (number, hash) = parse_object(&name);
        if number <= target && hash == jobs[number as usize - 1].block_hash {
            *canonical.entry(number).or_default() += 1;
        }
    }
    for number in 1..=target {
        assert_eq!(canonical.get(&number), Some(&1), "block {number}: {canonical:?}");
    }
    let left: Vec<String> = objects(&root.join("witnesses/v1"), ".witness")
        .into_iter()
        .filter(|name| parse_object(name).0 <= target)
        .collect();
    assert!(left.is_empty(), "witnesses of stored or replaced blocks: {left:?}");
    jobs
}

/// `watcher-prover light-verify` over `1..=target`: every proof verified and bound to the
/// sequencer's headers, each root anchoring the next.
fn light_verify(api: &str, rpc_url: &str, target: u64) {
    let output = bin()
        .args(["light-verify", "--api-url", api, "--rpc-url", rpc_url, "--block", "1"])
        .args(["--to", &target.to_string(), "--min-security", "0"])
        .output()
        .unwrap();
    assert!(output.status.success(), "light-verify: {}", String::from_utf8_lossy(&output.stderr));
    let verified: Value = serde_json::from_slice(&output.stdout).expect("a JSON array");
    assert_eq!(verified.as_array().map(Vec::len), Some(target as usize), "{verified}");
}

#[test]
#[ignore = "minutes of proving: make test-e2e"]
fn four_workers_drain_a_backlog_exactly_once_through_faults() {
    let Some(pg) = postgres::TestPostgres::start() else { return };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let s3 = runtime.block_on(s3::S3Fixture::start());
    // The binaries reach S3 through a relay that the test cuts for an outage.
    let s3_relay = Relay::start(&s3.endpoint());
    let endpoint = s3_relay.url();
    let database = pg.url();
    let dir = tempfile::tempdir().unwrap();

    // A backlog: at least 40 blocks, some with transactions, before the cluster starts.
    let (devnet, rpc_url) = start_devnet_with(&dir.path().join("devnet"), "500ms", &[]);
    send_load(&rpc_url, "10", "3s", "fib,erc20");
    wait_until(120, "a backlog of 40 blocks", || head(&rpc_url) >= 40);
    let target = head(&rpc_url);

    let (mut leader, leader_lines) =
        spawn_lines(coordinator(&rpc_url, &dir.path().join("coordinator-a"), &database, &endpoint));
    line_after(&leader_lines, "query API on ", 300);
    // A second coordinator started by mistake stands by instead of racing the first.
    let (standby, standby_lines) =
        spawn_lines(coordinator(&rpc_url, &dir.path().join("coordinator-b"), &database, &endpoint));
    line_after(&standby_lines, "standing by", 120);

    let queue = runtime
        .block_on(PgJobQueue::connect(&database, QueuePolicy::default(), 2))
        .expect("the coordinator migrated the database");
    let leased = |at_least: usize| {
        runtime
            .block_on(queue.jobs_with_status(JobStatusKind::Proving))
            .is_ok_and(|leased| leased.len() >= at_least)
    };
    let mut workers: BTreeMap<&str, Child> = BTreeMap::new();
    for id in ["worker-0", "worker-1", "worker-2"] {
        workers.insert(id, worker(id, &database, &endpoint));
    }

    // Fault 1: SIGKILL worker-0 while all three hold a lease; a fourth worker joins.
    wait_until(180, "three workers proving", || leased(3));
    let mut killed = workers.remove("worker-0").unwrap();
    killed.kill().unwrap();
    killed.wait().unwrap();
    workers.insert("worker-3", worker("worker-3", &database, &endpoint));

    // Fault 2: S3 unreachable for five seconds while witnesses and proofs are written.
    wait_until(120, "workers proving again", || leased(1));
    s3_relay.cut();
    std::thread::sleep(Duration::from_secs(5));
    s3_relay.set_upstream(&s3.endpoint());

    // Fault 3: PostgreSQL restarted. The leader's lock connection dies with it: the leader
    // exits 3, the standby takes over, and the old leader restarted by its supervisor stands
    // by. Workers and the standby wait for the database and carry on.
    let stored_before = runtime.block_on(queue.depth()).map(|depth| depth.stored).unwrap_or(0);
    assert!(stored_before < target, "the faults hit a backlog still being drained");
    pg.stop();
    std::thread::sleep(Duration::from_secs(3));
    pg.start_again();
    let exit = wait_exit(&mut leader, 120, "the leader after losing its lock");
    assert_eq!(exit.code(), Some(3), "the leader exits 3 when its lock is gone");
    let api = line_after(&standby_lines, "query API on ", 300);
    let (restarted, restarted_lines) =
        spawn_lines(coordinator(&rpc_url, &dir.path().join("coordinator-a"), &database, &endpoint));
    line_after(&restarted_lines, "standing by", 120);

    wait_until_or(
        900,
        "every block up to the target stored",
        || {
            runtime.block_on(queue.jobs_between(1, target)).is_ok_and(|jobs| {
                jobs.len() as u64 == target && jobs.iter().all(|j| j.status == JobStatus::Stored)
            })
        },
        || format!("{:?}", runtime.block_on(queue.depth())),
    );

    let jobs = check_exactly_once(&runtime, &queue, s3.data.path(), &rpc_url, target);
    // The killed worker's block went to another worker after its lease expired.
    let expired: Vec<_> = jobs
        .iter()
        .filter(|job| job.last_error.as_deref().is_some_and(|e| e.contains("lease of worker-0")))
        .collect();
    assert!(!expired.is_empty(), "worker-0 held a lease when it was killed: {jobs:?}");
    assert!(expired.iter().all(|job| job.attempts >= 2));
    eprintln!(
        "cluster: blocks 1..={target} stored once each through a SIGKILL, an S3 outage and a \
         PostgreSQL restart; re-proven after worker-0's SIGKILL: {:?}",
        expired.iter().map(|job| job.block_number).collect::<Vec<_>>()
    );

    // The new leader's API serves the queue and the store; the light client checks them all.
    let latest = rpc(&api, "prover_latestProvenBlock", json!([]))["result"]["block_number"]
        .as_u64()
        .unwrap();
    assert!(latest >= target);
    light_verify(&api, &rpc_url, target);

    for (_, child) in workers {
        terminate(child, "watcher-prover worker");
    }
    terminate(restarted, "standby coordinator");
    terminate(standby, "watcher-prover coordinator");
    terminate(devnet, "devnet");
    drop(pg);
}

#[test]
#[ignore = "minutes of proving: make test-e2e"]
fn a_reorg_replaces_leased_and_stored_blocks_in_a_cluster() {
    let Some(pg) = postgres::TestPostgres::start() else { return };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let s3 = runtime.block_on(s3::S3Fixture::start());
    let endpoint = s3.endpoint();
    let database = pg.url();
    let dir = tempfile::tempdir().unwrap();

    // Two chains from other genesis states (another seed): the second, started first, stays
    // ahead, so switching to it replaces every block the cluster has seen.
    let (second, second_url) =
        start_devnet_with(&dir.path().join("second"), "1s", &["--seed", "1"]);
    let (first, first_url) = start_devnet_with(&dir.path().join("first"), "1s", &[]);
    send_load(&first_url, "5", "2s", "erc20");
    let sequencer = Relay::start(&first_url);

    let (leader, leader_lines) = spawn_lines(coordinator(
        &sequencer.url(),
        &dir.path().join("coordinator"),
        &database,
        &endpoint,
    ));
    let api = line_after(&leader_lines, "query API on ", 300);
    let queue = runtime
        .block_on(PgJobQueue::connect(&database, QueuePolicy::default(), 2))
        .expect("the coordinator migrated the database");
    let workers: Vec<Child> =
        ["worker-0", "worker-1"].iter().map(|id| worker(id, &database, &endpoint)).collect();

    // Switch while the first chain's blocks are both stored and leased.
    wait_until(300, "stored and leased blocks of the first chain", || {
        runtime.block_on(queue.depth()).is_ok_and(|depth| depth.stored >= 2 && depth.leased >= 1)
    });
    let replaced: Vec<(u64, Felt32)> = runtime
        .block_on(queue.jobs_between(1, 1000))
        .unwrap()
        .iter()
        .map(|job| (job.block_number, job.block_hash))
        .collect();
    sequencer.set_upstream(&second_url);
    send_load_seeded(&second_url, "5", "2s", "erc20", 1);
    let target = head(&second_url);

    wait_until_or(
        900,
        "the second chain stored up to the target",
        || {
            runtime.block_on(queue.jobs_between(1, target)).is_ok_and(|jobs| {
                jobs.len() as u64 == target
                    && jobs.iter().all(|job| {
                        job.status == JobStatus::Stored
                            && job.block_hash == sequencer_hash(&second_url, job.block_number)
                    })
            })
        },
        || format!("{:?}", runtime.block_on(queue.jobs_between(1, target))),
    );
    check_exactly_once(&runtime, &queue, s3.data.path(), &second_url, target);
    // The replaced blocks' jobs are gone (their stored proofs stay under their own hashes).
    let jobs = runtime.block_on(queue.jobs_between(1, target)).unwrap();
    for (number, hash) in &replaced {
        if *number <= target {
            assert_ne!(jobs[*number as usize - 1].block_hash, *hash, "block {number} replaced");
        }
    }
    let status = rpc(&api, "prover_getProofStatus", json!([1]))["result"].clone();
    assert_eq!(status["status"], "proven", "{status}");
    light_verify(&api, &second_url, target);
    eprintln!(
        "cluster reorg: {} jobs of the first chain replaced; blocks 1..={target} of the second \
         stored once each",
        replaced.len()
    );

    for child in workers {
        terminate(child, "watcher-prover worker");
    }
    terminate(leader, "watcher-prover coordinator");
    terminate(first, "first devnet");
    terminate(second, "second devnet");
    drop(pg);
}

/// Blocks per minute of 1, 2 and 4 worker processes on the same frozen backlog (at least 40
/// blocks), and the coordinator's time per block (replay, witness, enqueue) with no worker
/// running. `WATCHER_PROVER_SCALING_SECURITY` picks the preset (default `test`). Prints a
/// table for `benches/RESULTS.md`.
#[test]
#[ignore = "a measurement: make bench-cluster"]
fn scaling_of_one_two_and_four_workers() {
    let security =
        std::env::var("WATCHER_PROVER_SCALING_SECURITY").unwrap_or_else(|_| "test".into());
    let dir = tempfile::tempdir().unwrap();
    let chain = dir.path().join("devnet");
    // The backlog: 40 blocks, some of them transfers and Fibonacci calls; then the devnet is
    // restarted on the same data with a block time of an hour, so every run sees one chain.
    let (devnet, rpc_url) = start_devnet_with(&chain, "250ms", &[]);
    send_load(&rpc_url, "10", "4s", "fib,erc20");
    wait_until(120, "a backlog of 40 blocks", || head(&rpc_url) >= 40);
    terminate(devnet, "devnet");
    let (devnet, rpc_url) = start_devnet_with(&chain, "1h", &[]);
    let blocks = head(&rpc_url);
    let transactions: u64 = (1..=blocks)
        .map(|number| {
            let block =
                rpc(&rpc_url, "starknet_getBlockWithTxHashes", json!([{ "block_number": number }]));
            block["result"]["transactions"].as_array().map_or(0, |txs| txs.len() as u64)
        })
        .sum();

    let mut rows = Vec::new();
    for workers in [1usize, 2, 4] {
        let pg = postgres::TestPostgres::start().expect("PostgreSQL for the measurement");
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let s3 = runtime.block_on(s3::S3Fixture::start());
        let (endpoint, database) = (s3.endpoint(), pg.url());
        let started = Instant::now();
        let (coordinator, _) = spawn_until(
            coordinator(
                &rpc_url,
                &dir.path().join(format!("coordinator-{workers}")),
                &database,
                &endpoint,
            ),
            "query API on ",
        );
        let queue = runtime
            .block_on(PgJobQueue::connect(&database, QueuePolicy::default(), 2))
            .expect("the coordinator migrated the database");
        wait_until(900, "the backlog enqueued", || {
            runtime
                .block_on(queue.jobs_between(1, blocks))
                .is_ok_and(|jobs| jobs.len() as u64 == blocks)
        });
        let coordinator_time = started.elapsed();
        let witness_dir = s3.data.path().join(s3::BUCKET).join(PREFIX).join("witnesses/v1");
        let witness_bytes: u64 = objects(&witness_dir, ".witness")
            .iter()
            .map(|name| std::fs::metadata(witness_dir.join(name)).map_or(0, |m| m.len()))
            .sum();

        let started = Instant::now();
        let children: Vec<Child> = (0..workers)
            .map(|i| worker_at(&format!("worker-{i}"), &database, &endpoint, &security))
            .collect();
        wait_until(3600, "the backlog proven", || {
            runtime.block_on(queue.jobs_between(1, blocks)).is_ok_and(|jobs| {
                jobs.iter().filter(|job| job.status == JobStatus::Stored).count() as u64 == blocks
            })
        });
        let proving_time = started.elapsed();
        check_exactly_once(&runtime, &queue, s3.data.path(), &rpc_url, blocks);
        let per_minute = blocks as f64 / proving_time.as_secs_f64() * 60.0;
        let row = format!(
            "| {workers} | {blocks} ({transactions} txs) | {:.1} s | {per_minute:.1} | {:.2} s | {:.0} KiB |",
            proving_time.as_secs_f64(),
            coordinator_time.as_secs_f64() / blocks as f64,
            witness_bytes as f64 / blocks as f64 / 1024.0,
        );
        eprintln!("{row}");
        rows.push(row);
        for child in children {
            terminate(child, "watcher-prover worker");
        }
        terminate(coordinator, "watcher-prover coordinator");
        drop(pg);
    }
    eprintln!(
        "\nsecurity {security}\n| workers | blocks | proving wall time | blocks/min | coordinator s/block | witness/block |\n|---|---|---|---|---|---|"
    );
    for row in rows {
        eprintln!("{row}");
    }
    terminate(devnet, "devnet");
}
