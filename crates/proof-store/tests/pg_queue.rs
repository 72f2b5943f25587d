//! The PostgreSQL job queue against a real PostgreSQL server (`common/postgres.rs`: initdb +
//! pg_ctl on a temp dir): leases never doubled under concurrency, expiry, stale
//! acknowledgements refused, backoff and dead letters, reorgs of queued, leased and stored
//! blocks, a server restart mid-run, a schema-1 database migrated in place, schema
//! versions, the coordinator lock.

#[path = "common/postgres.rs"]
mod postgres;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use postgres::TestPostgres;
use proof_store::{
    Error, FailOutcome, Felt32, JobQueue, JobReader, JobStatus, JobStatusKind, Lease, NewJob,
    PgJobQueue, ProofKey, ProofMetadata, ProvingReport, QueuePolicy, WitnessKey,
};

const LEASE: Duration = Duration::from_secs(30);

fn job(number: u64, hash: u64) -> NewJob {
    let block_hash = Felt32::from_u64(hash);
    NewJob {
        block_number: number,
        block_hash,
        parent_hash: Felt32::from_u64(hash.wrapping_sub(1)),
        state_root: Felt32::from_u64(1000 + number),
        witness: WitnessKey::new(number, block_hash).unwrap(),
        witness_sha256: format!("{number:064x}"),
    }
}

/// Metadata of a proof of the leased block (what a worker acknowledges with).
fn proof(lease: &Lease) -> ProofMetadata {
    let key = ProofKey::new(lease.block_number, lease.block_hash).unwrap();
    let report = ProvingReport {
        security_bits: 100,
        os_program_hash: Felt32::from_u64(77),
        prover_version: "test".into(),
        proving_time: Duration::from_millis(5),
        trace_steps: 1,
    };
    ProofMetadata::new(&key, b"proof", report).with_proof_format_version(4)
}

async fn queue(server: &TestPostgres, policy: QueuePolicy) -> PgJobQueue {
    PgJobQueue::connect(&server.url(), policy, 16).await.unwrap_or_else(|e| {
        panic!("connect: {e}\n{}", server.log());
    })
}

fn fast_policy(max_attempts: u32) -> QueuePolicy {
    QueuePolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(300),
        max_backoff: Duration::from_secs(1),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_workers_never_lease_a_job_twice() {
    let Some(server) = TestPostgres::start() else { return };
    let queue = queue(&server, QueuePolicy::default()).await;
    for number in 1..=40 {
        queue.enqueue(&job(number, number + 100)).await.unwrap();
    }
    let leased: Arc<Mutex<BTreeMap<u64, Vec<String>>>> = Arc::default();
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..8 {
        let (queue, leased) = (queue.clone(), leased.clone());
        workers.spawn(async move {
            let owner = format!("worker-{worker}");
            while let Some(lease) = queue.lease(&owner, LEASE).await.unwrap() {
                leased.lock().unwrap().entry(lease.block_number).or_default().push(owner.clone());
                tokio::task::yield_now().await;
                queue.complete(&lease, &proof(&lease)).await.unwrap();
            }
        });
    }
    while let Some(done) = workers.join_next().await {
        done.unwrap();
    }
    let leased = leased.lock().unwrap().clone();
    assert_eq!(leased.len(), 40);
    for (block, owners) in leased.iter() {
        assert_eq!(owners.len(), 1, "block {block} leased by {owners:?}");
    }
    let depth = queue.depth().await.unwrap();
    assert_eq!((depth.queued, depth.leased, depth.stored, depth.dead), (0, 0, 40, 0));
    let checkpoint = queue.checkpoint().await.unwrap();
    assert_eq!((checkpoint.start_block, checkpoint.stored_through), (Some(1), Some(40)));
    assert_eq!(queue.latest_proven().await.unwrap().unwrap().block_number, 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_lease_goes_to_another_worker_and_the_late_ack_is_refused() {
    let Some(server) = TestPostgres::start() else { return };
    let queue = queue(&server, QueuePolicy::default()).await;
    queue.enqueue(&job(7, 77)).await.unwrap();
    let first = queue.lease("a", Duration::from_millis(500)).await.unwrap().unwrap();
    assert_eq!((first.block_number, first.attempt), (7, 1));
    assert!(queue.lease("b", LEASE).await.unwrap().is_none(), "leased twice");
    queue.heartbeat(&first, Duration::from_millis(500)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let second = queue.lease("b", LEASE).await.unwrap().expect("the expired lease is requeued");
    assert_eq!((second.block_number, second.attempt), (7, 2));
    assert_ne!(first.token, second.token);
    assert!(matches!(
        queue.heartbeat(&first, LEASE).await,
        Err(Error::LeaseLost { block_number: 7, .. })
    ));
    assert!(matches!(queue.complete(&first, &proof(&first)).await, Err(Error::LeaseLost { .. })));
    assert!(matches!(queue.fail(&first, "late", true).await, Err(Error::LeaseLost { .. })));
    queue.complete(&second, &proof(&second)).await.unwrap();
    let record = queue.job(7).await.unwrap().unwrap();
    assert_eq!(record.status, JobStatus::Stored);
    assert_eq!(record.attempts, 2);
    assert!(record.last_error.unwrap().contains("lease of a expired"));
    // A finished job is not leased again, and a second ack is refused.
    assert!(queue.lease("c", LEASE).await.unwrap().is_none());
    assert!(matches!(queue.complete(&second, &proof(&second)).await, Err(Error::LeaseLost { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_back_off_then_dead_letter_without_blocking_other_blocks() {
    let Some(server) = TestPostgres::start() else { return };
    let queue = queue(&server, fast_policy(2)).await;
    queue.enqueue(&job(1, 11)).await.unwrap();
    queue.enqueue(&job(2, 22)).await.unwrap();
    queue.enqueue(&job(3, 33)).await.unwrap();

    let one = queue.lease("w", LEASE).await.unwrap().unwrap();
    assert_eq!(one.block_number, 1);
    let outcome = queue.fail(&one, "prover ran out of memory", true).await.unwrap();
    assert_eq!(outcome, FailOutcome::Retrying { after: Duration::from_millis(300) });
    // Block 1 waits out its backoff; the others go on.
    let two = queue.lease("w", LEASE).await.unwrap().unwrap();
    assert_eq!(two.block_number, 2);
    queue.complete(&two, &proof(&two)).await.unwrap();
    // A permanent failure is dead at once.
    let three = queue.lease("w", LEASE).await.unwrap().unwrap();
    assert_eq!(three.block_number, 3);
    let outcome = queue.fail(&three, "not provable yet: genesis", false).await.unwrap();
    assert_eq!(outcome, FailOutcome::DeadLettered);
    assert!(queue.lease("w", LEASE).await.unwrap().is_none(), "block 1 is in backoff");

    tokio::time::sleep(Duration::from_millis(400)).await;
    let again = queue.lease("w", LEASE).await.unwrap().unwrap();
    assert_eq!((again.block_number, again.attempt), (1, 2));
    let outcome = queue.fail(&again, "prover ran out of memory again", true).await.unwrap();
    assert_eq!(outcome, FailOutcome::DeadLettered, "max_attempts = 2");

    let dead = queue.jobs_with_status(JobStatusKind::Failed).await.unwrap();
    let reasons: Vec<(u64, JobStatus)> =
        dead.into_iter().map(|r| (r.block_number, r.status)).collect();
    assert_eq!(
        reasons,
        vec![
            (1, JobStatus::Failed { reason: "prover ran out of memory again".into() }),
            (3, JobStatus::Failed { reason: "not provable yet: genesis".into() }),
        ]
    );
    assert!(queue.lease("w", LEASE).await.unwrap().is_none());
    let depth = queue.depth().await.unwrap();
    assert_eq!((depth.queued, depth.stored, depth.dead), (0, 1, 2));
    // Contiguity stops at the first dead block.
    assert_eq!(queue.checkpoint().await.unwrap().stored_through, None);

    assert_eq!(queue.retry_dead(2).await.unwrap(), vec![3]);
    let retried = queue.lease("w", LEASE).await.unwrap().unwrap();
    assert_eq!((retried.block_number, retried.attempt), (3, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enqueue_is_idempotent_and_a_reorg_replaces_only_unproven_jobs() {
    let Some(server) = TestPostgres::start() else { return };
    let queue = queue(&server, QueuePolicy::default()).await;
    let first = queue.enqueue(&job(5, 55)).await.unwrap();
    assert_eq!(first.status, JobStatus::Replayed);
    assert_eq!(first.state_root, Some(Felt32::from_u64(1005)));
    assert_eq!(queue.enqueue(&job(5, 55)).await.unwrap(), first);
    // A reorg before proving: the new block replaces the queued one.
    let replaced = queue.enqueue(&job(5, 56)).await.unwrap();
    assert_eq!(replaced.block_hash, Felt32::from_u64(56));
    let lease = queue.lease("w", LEASE).await.unwrap().unwrap();
    assert_eq!(lease.block_hash, Felt32::from_u64(56));
    // Leased (or stored): refused.
    assert!(matches!(queue.enqueue(&job(5, 57)).await, Err(Error::StaleJob { .. })));
    queue.complete(&lease, &proof(&lease)).await.unwrap();
    assert!(matches!(queue.enqueue(&job(5, 57)).await, Err(Error::StaleJob { .. })));
    queue.set_last_seen_head(9).await.unwrap();
    queue.set_last_seen_head(8).await.unwrap();
    let checkpoint = queue.checkpoint().await.unwrap();
    assert_eq!(checkpoint.last_seen_head, Some(9));
    assert_eq!(checkpoint.stored_through, Some(5));
    assert_eq!(queue.jobs_between(1, 10).await.unwrap().len(), 1);
    assert!(queue.jobs_between(6, 5).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reorg_of_leased_and_stored_blocks_removes_their_jobs_and_refuses_late_acks() {
    let Some(server) = TestPostgres::start() else { return };
    let queue = queue(&server, QueuePolicy::default()).await;
    for number in 1..=4 {
        queue.enqueue(&job(number, number * 10)).await.unwrap();
    }
    // Block 1 stored, 2 and 3 leased, 4 queued when the sequencer replaces blocks 2 on.
    let first = queue.lease("w1", LEASE).await.unwrap().unwrap();
    queue.complete(&first, &proof(&first)).await.unwrap();
    let second = queue.lease("w2", LEASE).await.unwrap().unwrap();
    let third = queue.lease("w3", LEASE).await.unwrap().unwrap();
    assert_eq!((second.block_number, third.block_number), (2, 3));

    let removed = queue.invalidate_from(2).await.unwrap();
    let numbers: Vec<u64> = removed.iter().map(WitnessKey::block_number).collect();
    assert_eq!(numbers, [2, 3, 4]);
    assert_eq!(removed[0], job(2, 20).witness);
    // The holders of the replaced blocks lose them: heartbeat, ack and fail are refused.
    assert!(matches!(queue.heartbeat(&second, LEASE).await, Err(Error::LeaseLost { .. })));
    assert!(matches!(queue.complete(&second, &proof(&second)).await, Err(Error::LeaseLost { .. })));
    assert!(matches!(queue.fail(&third, "x", true).await, Err(Error::LeaseLost { .. })));
    // The replacing blocks are enqueued and proven; the block below the fork is untouched.
    for number in 2..=3 {
        queue.enqueue(&job(number, number * 10 + 1)).await.unwrap();
    }
    let again = queue.lease("w2", LEASE).await.unwrap().unwrap();
    assert_eq!((again.block_number, again.block_hash), (2, Felt32::from_u64(21)));
    queue.complete(&again, &proof(&again)).await.unwrap();
    let jobs = queue.jobs_between(1, 10).await.unwrap();
    let seen: Vec<(u64, Felt32, JobStatusKind)> =
        jobs.iter().map(|job| (job.block_number, job.block_hash, job.status.kind())).collect();
    assert_eq!(
        seen,
        [
            (1, Felt32::from_u64(10), JobStatusKind::Stored),
            (2, Felt32::from_u64(21), JobStatusKind::Stored),
            (3, Felt32::from_u64(31), JobStatusKind::Replayed),
        ]
    );
    assert_eq!(queue.checkpoint().await.unwrap().stored_through, Some(2));
    assert!(queue.invalidate_from(9).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_restart_mid_run_loses_nothing() {
    let Some(server) = TestPostgres::start() else { return };
    let queue = queue(&server, QueuePolicy::default()).await;
    for number in 1..=12 {
        queue.enqueue(&job(number, number)).await.unwrap();
    }
    for _ in 0..4 {
        let lease = queue.lease("w", LEASE).await.unwrap().unwrap();
        queue.complete(&lease, &proof(&lease)).await.unwrap();
    }
    let held = queue.lease("w", LEASE).await.unwrap().unwrap();
    server.stop();
    let error = queue.lease("w", LEASE).await.expect_err("the server is down");
    assert!(error.is_transient(), "{error}");
    server.start_again();
    // The pool replaces its broken connections; callers retry transient errors.
    let mut stored = 4;
    let mut attempts = 0;
    let mut completed_held = false;
    while stored < 12 {
        attempts += 1;
        assert!(attempts < 200, "queue did not recover: {}", server.log());
        if !completed_held {
            match queue.complete(&held, &proof(&held)).await {
                Ok(()) => {
                    completed_held = true;
                    stored += 1;
                }
                Err(error) if error.is_transient() => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(error) => panic!("the held lease survives a restart: {error}"),
            }
            continue;
        }
        match queue.lease("w", LEASE).await {
            Ok(Some(lease)) => {
                queue.complete(&lease, &proof(&lease)).await.unwrap();
                stored += 1;
            }
            Ok(None) => panic!("jobs lost: {:?}", queue.depth().await),
            Err(error) if error.is_transient() => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(error) => panic!("{error}"),
        }
    }
    let depth = queue.depth().await.unwrap();
    assert_eq!((depth.queued, depth.leased, depth.stored), (0, 0, 12));
    assert_eq!(queue.checkpoint().await.unwrap().stored_through, Some(12));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_schema_is_refused_with_the_versions() {
    let Some(server) = TestPostgres::start() else { return };
    let queue = queue(&server, QueuePolicy::default()).await;
    // The second connect finds the schema in place and applies nothing.
    let _again = PgJobQueue::connect(&server.url(), QueuePolicy::default(), 2).await.unwrap();
    let (client, connection) =
        tokio_postgres::connect(&server.url(), tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let versions: Vec<i32> = client
        .query("SELECT version FROM schema_version ORDER BY version", &[])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(versions, (1..=proof_store::queue::SCHEMA_VERSION).collect::<Vec<_>>());
    client.execute("INSERT INTO schema_version (version) VALUES (99)", &[]).await.unwrap();
    let error = PgJobQueue::connect(&server.url(), QueuePolicy::default(), 2).await.unwrap_err();
    assert!(matches!(error, Error::SchemaTooNew { found: 99, supported: 2 }), "{error}");
    assert!(error.to_string().contains("never point an older release"), "{error}");
    drop(queue);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schema_1_database_is_migrated_in_place_and_its_jobs_stay_readable() {
    let Some(server) = TestPostgres::start() else { return };
    // What a release of schema 1 left behind: its migration, a stored job and a queued one.
    let (client, connection) =
        tokio_postgres::connect(&server.url(), tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(
            "CREATE TABLE schema_version (
                 version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )
        .await
        .unwrap();
    let (version, sql) = proof_store::queue::MIGRATIONS[0];
    assert_eq!(version, 1);
    client.batch_execute(sql).await.unwrap();
    client.execute("INSERT INTO schema_version (version) VALUES (1)", &[]).await.unwrap();
    for (number, status, proof_key) in
        [(1i64, "stored", Some("proofs/v1/old")), (2, "queued", None)]
    {
        let job = job(number as u64, number as u64 * 10);
        client
            .execute(
                "INSERT INTO jobs (block_number, block_hash, parent_hash, state_root, witness_key,
                                   witness_sha256, status, proof_key)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    &number,
                    &job.block_hash.to_string(),
                    &job.parent_hash.to_string(),
                    &job.state_root.to_string(),
                    &job.witness.object_name(),
                    &job.witness_sha256,
                    &status,
                    &proof_key,
                ],
            )
            .await
            .unwrap();
    }

    // This release migrates it to schema 2 at connect and reads the old rows.
    let queue = queue(&server, QueuePolicy::default()).await;
    let current: i32 =
        client.query_one("SELECT max(version) FROM schema_version", &[]).await.unwrap().get(0);
    assert_eq!(current, proof_store::queue::SCHEMA_VERSION);
    assert_eq!(queue.job(1).await.unwrap().unwrap().status, JobStatus::Stored);
    assert_eq!(queue.latest_proven().await.unwrap().unwrap().block_number, 1);
    let lease = queue.lease("w", LEASE).await.unwrap().unwrap();
    assert_eq!((lease.block_number, lease.block_hash), (2, Felt32::from_u64(20)));
    // A proof of another block is no acknowledgement of this one.
    let mut other = proof(&lease);
    other.block_number = 3;
    assert!(matches!(queue.complete(&lease, &other).await, Err(Error::StaleJob { .. })));
    queue.complete(&lease, &proof(&lease)).await.unwrap();
    // Schema 2's columns: recorded for the new proof, unknown (NULL) for the old one.
    let rows = client
        .query(
            "SELECT block_number, proof_format_version, os_program_hash FROM jobs
             ORDER BY block_number",
            &[],
        )
        .await
        .unwrap();
    let recorded: Vec<(i64, Option<i32>, Option<String>)> =
        rows.iter().map(|row| (row.get(0), row.get(1), row.get(2))).collect();
    assert_eq!(recorded, [(1, None, None), (2, Some(4), Some(Felt32::from_u64(77).to_string()))]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_one_coordinator_leads_and_a_standby_takes_over() {
    let Some(server) = TestPostgres::start() else { return };
    let queue = queue(&server, QueuePolicy::default()).await;
    let leader = queue.try_lead().await.unwrap().expect("the first coordinator leads");
    assert!(queue.try_lead().await.unwrap().is_none(), "a second coordinator must not lead");
    drop(leader);
    let mut standby = None;
    for _ in 0..50 {
        standby = queue.try_lead().await.unwrap();
        if standby.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(standby.is_some(), "the lock is free once the leader is gone");
}
