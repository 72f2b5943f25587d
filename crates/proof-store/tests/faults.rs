//! Fault tests: S3 down at start, S3 going away and coming back mid-put, corruption on disk and
//! in the bucket, crash leftovers, and the retry policy's transient/permanent split.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use common::*;
use proof_store::*;

fn fast_retries(max_attempts: Option<u32>) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(400),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_waits_for_an_s3_server_that_is_not_started_yet() {
    let data = tempfile::tempdir().unwrap();
    std::fs::create_dir(data.path().join(BUCKET)).unwrap();
    let addr = free_loopback_addr();
    let store: Arc<dyn ProofStore> = Arc::new(s3_store(&format!("http://{addr}"), "late").await);
    let retrying = RetryingStore::new(store, fast_retries(None));

    let k = key(42, 0x42);
    let proof = proof_bytes(&k, 0, 100_000);
    let meta = metadata(&k, &proof);
    let put = tokio::spawn({
        let (proof, meta) = (proof.clone(), meta.clone());
        async move { retrying.put(&k, &proof, &meta).await }
    });
    // Connection refused for a while: the put keeps retrying instead of failing.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(!put.is_finished(), "put must not give up while the server is down");

    let server = S3TestServer::start(data.path(), addr).await.unwrap();
    let outcome = bounded(30, put).await.unwrap().unwrap();
    assert_eq!(outcome, PutOutcome::Stored);
    let direct = s3_store(&format!("http://{addr}"), "late").await;
    assert_eq!(ProofStore::get(&direct, &k).await.unwrap().unwrap().bytes, proof);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn puts_survive_an_s3_restart_on_the_same_port() {
    let s3 = S3Fixture::start().await;
    let addr = s3.server.addr;
    let endpoint = s3.endpoint();
    let inner: Arc<dyn ProofStore> = Arc::new(s3_store(&endpoint, "restart").await);
    let store: Arc<dyn ProofStore> = Arc::new(RetryingStore::new(inner, fast_retries(None)));

    // Traffic before the outage, so the client holds pooled connections that will die.
    let before: Vec<_> = (0..3).map(|n| key(n, n + 1)).collect();
    for k in &before {
        put_sample(&store, k, 10_000).await;
    }

    s3.server.stop().await;
    let during: Vec<_> = (3..8).map(|n| key(n, n + 1)).collect();
    let mut puts = tokio::task::JoinSet::new();
    for k in during.clone() {
        let store = store.clone();
        puts.spawn(async move {
            let proof = proof_bytes(&k, 0, 50_000);
            store.put(&k, &proof, &metadata(&k, &proof)).await.map(|outcome| (k, proof, outcome))
        });
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(puts.try_join_next().is_none(), "no put may complete or fail while S3 is down");

    let server = S3TestServer::start(s3.data.path(), addr).await.unwrap();
    let results = bounded(60, puts.join_all()).await;
    for result in results {
        let (k, proof, outcome) = result.unwrap();
        assert_eq!(outcome, PutOutcome::Stored);
        assert_eq!(store.get(&k).await.unwrap().unwrap().bytes, proof);
    }
    // Nothing lost: every proof from before and during the outage is listed.
    let all: Vec<_> = before.iter().chain(&during).copied().collect();
    assert_eq!(store.list(None, 100).await.unwrap(), all);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bounded_retries_give_up_with_the_last_error() {
    let addr = free_loopback_addr(); // nothing listens there
    let inner: Arc<dyn ProofStore> = Arc::new(s3_store(&format!("http://{addr}"), "").await);
    let store = RetryingStore::new(inner, fast_retries(Some(3)));
    let k = key(1, 1);
    let error = bounded(30, store.get(&k)).await.unwrap_err();
    match &error {
        Error::RetriesExhausted { attempts: 3, source, .. } => {
            assert!(matches!(**source, Error::S3 { transient: true, .. }), "{source:?}")
        }
        other => panic!("expected RetriesExhausted, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_credentials_are_permanent_and_not_retried() {
    let s3 = S3Fixture::start().await;
    let mut config = S3Config::new(BUCKET, "");
    config.endpoint_url = Some(s3.endpoint());
    config.region = Some("us-east-1".into());
    config.credentials = Some(StaticCredentials {
        access_key_id: ACCESS_KEY.into(),
        secret_access_key: "wrong-secret".into(),
        session_token: None,
    });
    let inner: Arc<dyn ProofStore> = Arc::new(S3ProofStore::connect(config).await.unwrap());
    // A retry would take >= 10 s with this policy: a quick answer proves there was none.
    let slow = RetryPolicy {
        max_attempts: None,
        initial_delay: Duration::from_secs(20),
        max_delay: Duration::from_secs(20),
    };
    let store = RetryingStore::new(inner, slow);
    let k = key(1, 1);
    let proof = proof_bytes(&k, 0, 10);
    let error = bounded(5, store.put(&k, &proof, &metadata(&k, &proof))).await.unwrap_err();
    match error {
        Error::S3 { status: Some(403), transient: false, .. } => {}
        other => panic!("expected a permanent 403, got {other:?}"),
    }
    s3.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_bucket_fails_the_startup_check() {
    let s3 = S3Fixture::start().await;
    assert!(s3.store("").await.check_bucket().await.is_ok());
    let mut config = S3Config::new("no-such-bucket", "");
    config.endpoint_url = Some(s3.endpoint());
    config.region = Some("us-east-1".into());
    config.credentials = Some(StaticCredentials {
        access_key_id: ACCESS_KEY.into(),
        secret_access_key: SECRET_KEY.into(),
        session_token: None,
    });
    let store = S3ProofStore::connect(config).await.unwrap();
    let error = store.check_bucket().await.unwrap_err();
    assert!(matches!(error, Error::S3 { status: Some(404), transient: false, .. }), "{error:?}");
    // (Object calls are not checked here: s3s-fs answers NoSuchKey for a missing bucket and
    // creates the bucket on PutObject, unlike AWS. The startup check is what catches it.)
    s3.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrupt_file_on_disk_is_detected_on_get() {
    let dir = tempfile::tempdir().unwrap();
    let fs = FsProofStore::open(dir.path()).await.unwrap();
    let store: Arc<dyn ProofStore> = Arc::new(fs.clone());
    let k = key(10, 0xa);
    let proof = put_sample(&store, &k, 4096).await;

    // One flipped bit.
    let mut damaged = proof.clone();
    damaged[1234] ^= 0x10;
    std::fs::write(fs.path_of(&k.object_name()), &damaged).unwrap();
    match store.get(&k).await {
        Err(Error::Corrupt { reason, .. }) => assert!(reason.contains("sha256"), "{reason}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    // Metadata alone still reads (it is intact). A put of the original bytes trusts the
    // committed metadata and reports the proof as present: repair is an operator's job.
    assert!(store.get_metadata(&k).await.unwrap().is_some());
    assert_eq!(
        store.put(&k, &proof, &metadata(&k, &proof)).await.unwrap(),
        PutOutcome::AlreadyStored
    );

    // Truncation.
    std::fs::write(fs.path_of(&k.object_name()), &proof[..100]).unwrap();
    assert!(matches!(store.get(&k).await, Err(Error::Corrupt { .. })));

    // Proof file gone behind committed metadata.
    std::fs::remove_file(fs.path_of(&k.object_name())).unwrap();
    assert!(matches!(store.get(&k).await, Err(Error::Corrupt { .. })));

    // Garbage metadata.
    std::fs::write(fs.path_of(&k.metadata_object_name()), b"{not json").unwrap();
    assert!(matches!(store.get(&k).await, Err(Error::Corrupt { .. })));
    assert!(matches!(store.get_metadata(&k).await, Err(Error::Corrupt { .. })));
    // Corruption is permanent: a retry wrapper returns it at once.
    assert!(!store.get(&k).await.unwrap_err().is_transient());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrupt_object_in_the_bucket_is_detected_on_get() {
    let s3 = S3Fixture::start().await;
    let store: Arc<dyn ProofStore> = Arc::new(s3.store("rot").await);
    let k = key(11, 0xb);
    let mut proof = put_sample(&store, &k, 8192).await;
    proof[0] ^= 1;
    std::fs::write(s3.object_path("rot", &k.object_name()), &proof).unwrap();
    let result = bounded(10, store.get(&k)).await;
    assert!(
        matches!(result, Err(Error::Corrupt { .. })),
        "{:?}",
        result.map(|p| p.map(|p| p.bytes.len()))
    );
    s3.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_store_detects_bit_rot_too() {
    let memory = MemoryProofStore::new();
    let store: Arc<dyn ProofStore> = Arc::new(memory.clone());
    let k = key(12, 0xc);
    let mut proof = put_sample(&store, &k, 100).await;
    proof[99] ^= 0x80;
    memory.overwrite_object_for_tests(&k.object_name(), proof);
    assert!(matches!(store.get(&k).await, Err(Error::Corrupt { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_leftovers_are_ignored_cleaned_and_completed() {
    let dir = tempfile::tempdir().unwrap();
    let k_done = key(1, 1);
    let k_half = key(2, 2);
    let k_orphan_other = key(3, 3);
    {
        let store: Arc<dyn ProofStore> = Arc::new(FsProofStore::open(dir.path()).await.unwrap());
        put_sample(&store, &k_done, 1000).await;
    }
    let proofs_dir = dir.path().join("proofs/v1");
    // A crash mid-write leaves: a temp file, and proof objects whose metadata was never written.
    let temp =
        proofs_dir.join(format!(".tmp-{}-999-0", k_half.object_name().rsplit('/').next().unwrap()));
    std::fs::write(&temp, b"partial").unwrap();
    let half_proof = proof_bytes(&k_half, 0, 2000);
    std::fs::write(dir.path().join(k_half.object_name()), &half_proof).unwrap();
    let orphan = proof_bytes(&k_orphan_other, 9, 2000);
    std::fs::write(dir.path().join(k_orphan_other.object_name()), &orphan).unwrap();

    let store: Arc<dyn ProofStore> = Arc::new(FsProofStore::open(dir.path()).await.unwrap());
    assert!(!temp.exists(), "open removes temp files");
    // Unfinished writes are invisible.
    assert_eq!(store.list(None, 10).await.unwrap(), vec![k_done]);
    assert_eq!(store.get(&k_half).await.unwrap(), None);
    // Retrying the interrupted put (same deterministic bytes) completes it.
    assert_eq!(
        store.put(&k_half, &half_proof, &metadata(&k_half, &half_proof)).await.unwrap(),
        PutOutcome::Stored
    );
    assert_eq!(store.get(&k_half).await.unwrap().unwrap().bytes, half_proof);
    // An orphan with different bytes is a conflict, not an overwrite.
    let new = proof_bytes(&k_orphan_other, 0, 2000);
    assert!(matches!(
        store.put(&k_orphan_other, &new, &metadata(&k_orphan_other, &new)).await,
        Err(Error::Conflict { .. })
    ));
    assert_eq!(std::fs::read(dir.path().join(k_orphan_other.object_name())).unwrap(), orphan);
    assert_eq!(store.list(None, 10).await.unwrap(), vec![k_done, k_half]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_puts_from_two_store_instances_on_one_directory() {
    // Two handles (as two processes would have) racing on the same keys: the hard-link create
    // lets exactly one win per object.
    let dir = tempfile::tempdir().unwrap();
    let a: Arc<dyn ProofStore> = Arc::new(FsProofStore::open(dir.path()).await.unwrap());
    let b: Arc<dyn ProofStore> = Arc::new(FsProofStore::open(dir.path()).await.unwrap());
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..20u64 {
        for (variant, store) in [(0u8, a.clone()), (1u8, b.clone())] {
            tasks.spawn(async move {
                let k = key(n, n);
                let proof = proof_bytes(&k, variant, 3000);
                (k, proof.clone(), store.put(&k, &proof, &metadata(&k, &proof)).await)
            });
        }
    }
    let results = bounded(60, tasks.join_all()).await;
    for n in 0..20u64 {
        let k = key(n, n);
        let for_key: Vec<_> = results.iter().filter(|(rk, _, _)| *rk == k).collect();
        let winners: Vec<_> = for_key.iter().filter(|(_, _, result)| result.is_ok()).collect();
        let outcomes: Vec<_> = for_key.iter().map(|(_, _, result)| result).collect();
        assert_eq!(winners.len(), 1, "block {n}: {outcomes:?}");
        assert!(
            outcomes
                .iter()
                .all(|r| matches!(r, Ok(PutOutcome::Stored) | Err(Error::Conflict { .. }))),
            "{outcomes:?}"
        );
        assert_eq!(a.get(&k).await.unwrap().unwrap().bytes, winners[0].1);
    }
}

/// A store that fails with a scripted error a number of times, then delegates.
#[derive(Debug)]
struct Flaky {
    inner: MemoryProofStore,
    failures_left: AtomicU32,
    transient: bool,
    calls: AtomicU32,
}

#[async_trait]
impl ProofStore for Flaky {
    async fn put(
        &self,
        key: &ProofKey,
        proof: &[u8],
        metadata: &ProofMetadata,
    ) -> Result<PutOutcome> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self
            .failures_left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return Err(Error::S3 {
                operation: "put object",
                key: key.to_string(),
                status: Some(if self.transient { 503 } else { 403 }),
                code: None,
                transient: self.transient,
                message: "scripted".into(),
                source: "scripted".into(),
            });
        }
        self.inner.put(key, proof, metadata).await
    }
    async fn get(&self, key: &ProofKey) -> Result<Option<StoredProof>> {
        self.inner.get(key).await
    }
    async fn get_metadata(&self, key: &ProofKey) -> Result<Option<ProofMetadata>> {
        self.inner.get_metadata(key).await
    }
    async fn list(&self, after: Option<u64>, limit: usize) -> Result<Vec<ProofKey>> {
        self.inner.list(after, limit).await
    }
    async fn expire(&self, key: &ProofKey) -> Result<()> {
        self.inner.expire(key).await
    }
    fn location(&self) -> String {
        "flaky:".into()
    }
}

#[tokio::test]
async fn retry_policy_retries_transient_and_stops_on_permanent() {
    let policy = RetryPolicy {
        max_attempts: Some(6),
        initial_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(160),
    };
    let k = key(1, 1);
    let proof = proof_bytes(&k, 0, 10);
    let meta = metadata(&k, &proof);

    // 5 transient failures, then success on attempt 6.
    let flaky = Arc::new(Flaky {
        inner: MemoryProofStore::new(),
        failures_left: AtomicU32::new(5),
        transient: true,
        calls: AtomicU32::new(0),
    });
    let store = RetryingStore::new(flaky.clone(), policy.clone());
    let started = tokio::time::Instant::now();
    assert_eq!(store.put(&k, &proof, &meta).await.unwrap(), PutOutcome::Stored);
    assert_eq!(flaky.calls.load(Ordering::SeqCst), 6);
    // Delays were at least half of 20+40+80+160+160 ms (and not absurdly more than all of it).
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(230) && waited <= Duration::from_secs(5), "{waited:?}");

    // 6 transient failures exhaust 6 attempts.
    let flaky = Arc::new(Flaky {
        inner: MemoryProofStore::new(),
        failures_left: AtomicU32::new(6),
        transient: true,
        calls: AtomicU32::new(0),
    });
    let error =
        RetryingStore::new(flaky.clone(), policy.clone()).put(&k, &proof, &meta).await.unwrap_err();
    assert!(matches!(error, Error::RetriesExhausted { attempts: 6, .. }), "{error:?}");
    assert!(error.is_transient());
    assert_eq!(flaky.calls.load(Ordering::SeqCst), 6);

    // A permanent failure is returned after one call.
    let flaky = Arc::new(Flaky {
        inner: MemoryProofStore::new(),
        failures_left: AtomicU32::new(1),
        transient: false,
        calls: AtomicU32::new(0),
    });
    let error = RetryingStore::new(flaky.clone(), policy).put(&k, &proof, &meta).await.unwrap_err();
    assert!(matches!(error, Error::S3 { transient: false, .. }));
    assert_eq!(flaky.calls.load(Ordering::SeqCst), 1);
}
