//! JobIndex: the state machine, atomic checkpoint, restart and reorg handling, persistence.

use proof_store::*;

fn hash(n: u64) -> Felt32 {
    Felt32::from_u64(n.wrapping_add(0x1000))
}

/// Drives block `n` from Pending to Stored.
async fn prove_fully(index: &JobIndex, n: u64) -> JobRecord {
    index.enqueue(n, hash(n), hash(n.wrapping_sub(1))).await.unwrap();
    index.mark_replayed(n, hash(n), Felt32::from_u64(n * 100)).await.unwrap();
    for status in [JobStatus::Proving, JobStatus::Proven, JobStatus::Stored] {
        index.transition(n, hash(n), status).await.unwrap();
    }
    index.get(n).unwrap().unwrap()
}

#[tokio::test]
async fn happy_path_records_everything() {
    let index = JobIndex::temporary().unwrap();
    let record = index.enqueue(7, hash(7), hash(6)).await.unwrap();
    assert_eq!(record.status, JobStatus::Pending);
    assert_eq!((record.attempts, record.state_root), (0, None));
    // Enqueue is idempotent for the same hash.
    assert_eq!(index.enqueue(7, hash(7), hash(6)).await.unwrap(), record);

    let replayed = index.mark_replayed(7, hash(7), Felt32::from_u64(0xabc)).await.unwrap();
    assert_eq!(replayed.status, JobStatus::Replayed);
    assert_eq!(replayed.state_root, Some(Felt32::from_u64(0xabc)));
    let proving = index.transition(7, hash(7), JobStatus::Proving).await.unwrap();
    assert_eq!(proving.attempts, 1);
    index.transition(7, hash(7), JobStatus::Proven).await.unwrap();
    let stored = index.transition(7, hash(7), JobStatus::Stored).await.unwrap();
    assert_eq!(stored.status, JobStatus::Stored);
    assert_eq!(stored.parent_hash, hash(6));
    assert_eq!(stored.state_root, Some(Felt32::from_u64(0xabc)));
    // Repeating the current step (after a crash) is a no-op success.
    assert_eq!(index.transition(7, hash(7), JobStatus::Stored).await.unwrap(), stored);
    assert_eq!(index.latest_proven().unwrap().map(|r| r.block_number), Some(7));
    assert_eq!(index.checkpoint().unwrap().stored_through, Some(7));
}

#[tokio::test]
async fn illegal_transitions_are_rejected_and_leave_the_record_alone() {
    let index = JobIndex::temporary().unwrap();
    index.enqueue(1, hash(1), hash(0)).await.unwrap();
    for to in [JobStatus::Proving, JobStatus::Proven, JobStatus::Stored] {
        match index.transition(1, hash(1), to.clone()).await {
            Err(Error::IllegalTransition {
                block_number: 1,
                from: JobStatusKind::Pending,
                to: kind,
            }) => {
                assert_eq!(kind, to.kind())
            }
            other => panic!("expected IllegalTransition, got {other:?}"),
        }
    }
    assert_eq!(index.get(1).unwrap().unwrap().status, JobStatus::Pending);

    // Stored is terminal.
    let stored = prove_fully(&index, 2).await;
    for to in [JobStatus::Pending, JobStatus::Proving, JobStatus::Failed { reason: "x".into() }] {
        assert!(matches!(
            index.transition(2, hash(2), to).await,
            Err(Error::IllegalTransition { .. })
        ));
    }
    assert_eq!(index.get(2).unwrap().unwrap(), stored);

    // A different state root for an already replayed block is not a silent rewrite.
    index.enqueue(3, hash(3), hash(2)).await.unwrap();
    index.mark_replayed(3, hash(3), Felt32::from_u64(1)).await.unwrap();
    assert!(matches!(
        index.mark_replayed(3, hash(3), Felt32::from_u64(2)).await,
        Err(Error::IllegalTransition { .. })
    ));
    assert_eq!(index.get(3).unwrap().unwrap().state_root, Some(Felt32::from_u64(1)));

    // Unknown block, and a worker holding a stale hash.
    assert!(matches!(
        index.transition(99, hash(99), JobStatus::Replayed).await,
        Err(Error::JobNotFound { .. })
    ));
    assert!(matches!(
        index.transition(3, hash(33), JobStatus::Proving).await,
        Err(Error::StaleJob { .. })
    ));
}

#[tokio::test]
async fn failure_and_divergence_then_retry() {
    let index = JobIndex::temporary().unwrap();
    index.enqueue(5, hash(5), hash(4)).await.unwrap();
    index.mark_replayed(5, hash(5), Felt32::from_u64(1)).await.unwrap();
    index.transition(5, hash(5), JobStatus::Proving).await.unwrap();
    let failed = index
        .transition(5, hash(5), JobStatus::Failed { reason: "out of memory".into() })
        .await
        .unwrap();
    assert_eq!(failed.last_error.as_deref(), Some("out of memory"));
    assert_eq!(index.by_status(JobStatusKind::Failed).unwrap(), vec![failed]);
    let retried = index.transition(5, hash(5), JobStatus::Pending).await.unwrap();
    assert_eq!(retried.last_error.as_deref(), Some("out of memory"), "history kept across retry");
    assert_eq!(retried.attempts, 1);

    index.enqueue(6, hash(6), hash(5)).await.unwrap();
    let evidence = r#"{"expected_root":"0x1","computed_root":"0x2"}"#.to_owned();
    let divergent = index
        .transition(6, hash(6), JobStatus::Divergent { evidence: evidence.clone() })
        .await
        .unwrap();
    assert_eq!(divergent.status, JobStatus::Divergent { evidence });
    assert!(matches!(
        index.transition(6, hash(6), JobStatus::Proving).await,
        Err(Error::IllegalTransition { .. })
    ));
    assert_eq!(index.by_status(JobStatusKind::Divergent).unwrap().len(), 1);
}

#[tokio::test]
async fn retry_failed_requeues_failed_jobs_from_a_block_on() {
    let index = JobIndex::temporary().unwrap();
    for n in 1..=4 {
        index.enqueue(n, hash(n), hash(n - 1)).await.unwrap();
        index.mark_replayed(n, hash(n), Felt32::from_u64(n)).await.unwrap();
        index.transition(n, hash(n), JobStatus::Proving).await.unwrap();
    }
    for n in [1, 3] {
        let reason = format!("prover crashed on {n}");
        index.transition(n, hash(n), JobStatus::Failed { reason }).await.unwrap();
    }
    index.transition(2, hash(2), JobStatus::Failed { reason: "early".into() }).await.unwrap();
    index.transition(4, hash(4), JobStatus::Divergent { evidence: "{}".into() }).await.unwrap_err(); // Proving -> Divergent is not a move the pipeline makes

    // From block 2 on: 2 and 3 go back to pending, 1 (below) and the proving 4 stay.
    assert_eq!(index.retry_failed(2).await.unwrap(), vec![2, 3]);
    let three = index.get(3).unwrap().unwrap();
    assert_eq!(three.status, JobStatus::Pending);
    assert_eq!(three.attempts, 0, "a retried job gets its attempts back");
    assert_eq!(three.last_error.as_deref(), Some("prover crashed on 3"), "history kept");
    assert!(matches!(index.get(1).unwrap().unwrap().status, JobStatus::Failed { .. }));
    assert_eq!(index.get(4).unwrap().unwrap().status, JobStatus::Proving);
    // The retried job walks the normal path again.
    index.mark_replayed(3, hash(3), Felt32::from_u64(3)).await.unwrap();
    assert_eq!(index.transition(3, hash(3), JobStatus::Proving).await.unwrap().attempts, 1);
    // Nothing left to retry from 2 on; block 1 still is.
    assert!(index.retry_failed(2).await.unwrap().is_empty());
    assert_eq!(index.retry_failed(0).await.unwrap(), vec![1]);
}

#[tokio::test]
async fn retry_divergent_requeues_divergent_jobs_only() {
    let index = JobIndex::temporary().unwrap();
    for n in 1..=3 {
        index.enqueue(n, hash(n), hash(n - 1)).await.unwrap();
        index.mark_replayed(n, hash(n), Felt32::from_u64(n)).await.unwrap();
    }
    let evidence = r#"{"block_hash":"differs"}"#.to_string();
    for n in [1, 2] {
        index
            .transition(n, hash(n), JobStatus::Divergent { evidence: evidence.clone() })
            .await
            .unwrap();
    }
    index.transition(3, hash(3), JobStatus::Proving).await.unwrap();
    index.transition(3, hash(3), JobStatus::Failed { reason: "x".into() }).await.unwrap();

    assert_eq!(index.retry_divergent(2).await.unwrap(), vec![2]);
    let two = index.get(2).unwrap().unwrap();
    assert_eq!(two.status, JobStatus::Pending);
    assert_eq!(two.last_error, Some(format!("divergent: {evidence}")), "the evidence is kept");
    assert_eq!(index.get(1).unwrap().unwrap().status.kind(), JobStatusKind::Divergent);
    assert_eq!(index.get(3).unwrap().unwrap().status.kind(), JobStatusKind::Failed);
    assert_eq!(index.retry_divergent(0).await.unwrap(), vec![1]);
}

#[tokio::test]
async fn checkpoint_advances_only_over_contiguous_stored_blocks() {
    let index = JobIndex::temporary().unwrap();
    for n in 10..15 {
        index.enqueue(n, hash(n), hash(n - 1)).await.unwrap();
    }
    assert_eq!(index.checkpoint().unwrap().start_block, Some(10));
    // Out of order: 12 and 11 first, nothing contiguous from 10 yet.
    for n in [12, 11] {
        prove_fully(&index, n).await;
        assert_eq!(index.checkpoint().unwrap().stored_through, None);
    }
    prove_fully(&index, 10).await;
    assert_eq!(index.checkpoint().unwrap().stored_through, Some(12), "10 closes the gap up to 12");
    prove_fully(&index, 14).await;
    assert_eq!(index.checkpoint().unwrap().stored_through, Some(12));
    prove_fully(&index, 13).await;
    assert_eq!(index.checkpoint().unwrap().stored_through, Some(14));
    assert_eq!(index.latest_proven().unwrap().map(|r| r.block_number), Some(14));

    let head = index.set_last_seen_head(20).await.unwrap();
    assert_eq!(head.last_seen_head, Some(20));
    assert_eq!(
        index.set_last_seen_head(18).await.unwrap().last_seen_head,
        Some(20),
        "never backwards"
    );
}

#[tokio::test]
async fn reset_in_flight_returns_proving_and_proven_to_replayed() {
    let index = JobIndex::temporary().unwrap();
    prove_fully(&index, 0).await;
    for n in 1..=4 {
        index.enqueue(n, hash(n), hash(n - 1)).await.unwrap();
    }
    index.mark_replayed(1, hash(1), Felt32::from_u64(1)).await.unwrap();
    index.mark_replayed(2, hash(2), Felt32::from_u64(2)).await.unwrap();
    index.transition(2, hash(2), JobStatus::Proving).await.unwrap();
    index.mark_replayed(3, hash(3), Felt32::from_u64(3)).await.unwrap();
    index.transition(3, hash(3), JobStatus::Proving).await.unwrap();
    index.transition(3, hash(3), JobStatus::Proven).await.unwrap();

    assert_eq!(index.reset_in_flight().await.unwrap(), vec![2, 3]);
    let statuses: Vec<_> = index.list(..).unwrap().into_iter().map(|r| r.status.kind()).collect();
    use JobStatusKind::*;
    assert_eq!(statuses, vec![Stored, Replayed, Replayed, Replayed, Pending]);
    assert_eq!(
        index.get(3).unwrap().unwrap().state_root,
        Some(Felt32::from_u64(3)),
        "replay result kept"
    );
    assert_eq!(index.reset_in_flight().await.unwrap(), Vec::<u64>::new());
    // Proving again counts a second attempt.
    assert_eq!(index.transition(2, hash(2), JobStatus::Proving).await.unwrap().attempts, 2);
}

#[tokio::test]
async fn invalidate_from_handles_a_reorg() {
    let index = JobIndex::temporary().unwrap();
    for n in 0..6 {
        prove_fully(&index, n).await;
    }
    assert_eq!(index.checkpoint().unwrap().stored_through, Some(5));
    assert_eq!(index.invalidate_from(3).await.unwrap(), vec![3, 4, 5]);
    assert_eq!(index.checkpoint().unwrap().stored_through, Some(2));
    let record = index.get(4).unwrap().unwrap();
    assert_eq!((record.status, record.state_root, record.attempts), (JobStatus::Pending, None, 0));

    // A Stored block cannot take a new hash; a Pending one can (the watcher re-enqueues the fork).
    assert!(matches!(
        index.enqueue(2, Felt32::from_u64(0xf2), hash(1)).await,
        Err(Error::StaleJob { .. })
    ));
    let forked = index.enqueue(4, Felt32::from_u64(0xf4), Felt32::from_u64(0xf3)).await.unwrap();
    assert_eq!(forked.block_hash, Felt32::from_u64(0xf4));
    // Workers still holding the old hash are refused.
    assert!(matches!(
        index.mark_replayed(4, hash(4), Felt32::default()).await,
        Err(Error::StaleJob { .. })
    ));
    index.mark_replayed(4, Felt32::from_u64(0xf4), Felt32::from_u64(9)).await.unwrap();

    assert_eq!(index.invalidate_from(0).await.unwrap(), vec![0, 1, 2, 3, 4, 5]);
    assert_eq!(index.checkpoint().unwrap().stored_through, None);
    assert_eq!(index.latest_proven().unwrap(), None);
}

#[tokio::test]
async fn list_and_queries() {
    let index = JobIndex::temporary().unwrap();
    for n in [3, 1, 2, 8] {
        index.enqueue(n, hash(n), hash(n - 1)).await.unwrap();
    }
    let numbers =
        |records: Vec<JobRecord>| records.into_iter().map(|r| r.block_number).collect::<Vec<_>>();
    assert_eq!(numbers(index.list(..).unwrap()), vec![1, 2, 3, 8]);
    assert_eq!(numbers(index.list(2..=3).unwrap()), vec![2, 3]);
    assert_eq!(numbers(index.list(3..).unwrap()), vec![3, 8]);
    assert_eq!(numbers(index.list(..3).unwrap()), vec![1, 2]);
    #[allow(clippy::reversed_empty_ranges)]
    let inverted = index.list(9..2).unwrap();
    assert!(inverted.is_empty());
    assert_eq!(numbers(index.by_status(JobStatusKind::Pending).unwrap()), vec![1, 2, 3, 8]);
    assert_eq!(index.get(4).unwrap(), None);
    assert_eq!(index.latest_proven().unwrap(), None);
}

#[tokio::test]
async fn state_survives_reopening_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jobs.sled");
    let (before, checkpoint) = {
        let index = JobIndex::open(&path).unwrap();
        for n in 0..3 {
            prove_fully(&index, n).await;
        }
        index.enqueue(3, hash(3), hash(2)).await.unwrap();
        index.mark_replayed(3, hash(3), Felt32::from_u64(33)).await.unwrap();
        index.transition(3, hash(3), JobStatus::Proving).await.unwrap();
        index.enqueue(4, hash(4), hash(3)).await.unwrap();
        index.transition(4, hash(4), JobStatus::Failed { reason: "rpc".into() }).await.unwrap();
        index.set_last_seen_head(9).await.unwrap();
        (index.list(..).unwrap(), index.checkpoint().unwrap())
    };

    let index = JobIndex::open(&path).unwrap();
    assert_eq!(index.list(..).unwrap(), before);
    assert_eq!(index.checkpoint().unwrap(), checkpoint);
    assert_eq!(checkpoint.stored_through, Some(2));
    assert_eq!(checkpoint.last_seen_head, Some(9));
    // The restart routine: in-flight work goes back to Replayed and continues.
    assert_eq!(index.reset_in_flight().await.unwrap(), vec![3]);
    index.transition(3, hash(3), JobStatus::Proving).await.unwrap();
    index.transition(3, hash(3), JobStatus::Proven).await.unwrap();
    index.transition(3, hash(3), JobStatus::Stored).await.unwrap();
    assert_eq!(index.checkpoint().unwrap().stored_through, Some(3));
}
