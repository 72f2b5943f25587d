//! One conformance suite for every `ProofStore`: memory, filesystem, S3 (a real s3s-fs server on
//! 127.0.0.1), and the retry wrapper around each.

mod common;

use std::sync::Arc;

use common::*;
use proof_store::*;

/// Everything a `ProofStore` promises, checked through `Arc<dyn ProofStore>` only.
async fn conformance(store: Arc<dyn ProofStore>) {
    let k5 = key(5, 0x55);
    let k1 = key(1, 0x11);
    let k3a = key(3, 0x3a);
    let k3b = key(3, 0x3b); // same height, other hash: a reorged block

    // Absent keys.
    assert_eq!(store.get(&k5).await.unwrap(), None);
    assert_eq!(store.get_metadata(&k5).await.unwrap(), None);
    assert_eq!(store.list(None, 10).await.unwrap(), vec![]);

    // Put, then read back bytes and metadata.
    let proof5 = proof_bytes(&k5, 0, 40_000);
    let meta5 = metadata(&k5, &proof5);
    assert_eq!(store.put(&k5, &proof5, &meta5).await.unwrap(), PutOutcome::Stored);
    let stored = store.get(&k5).await.unwrap().expect("stored proof");
    assert_eq!(stored.bytes, proof5);
    assert_eq!(stored.metadata, meta5);
    assert_eq!(stored.key, k5);
    assert_eq!(store.get_metadata(&k5).await.unwrap(), Some(meta5.clone()));

    // Idempotent: same bytes again (even with a fresh created_at) is Ok and changes nothing.
    let mut meta5_again = meta5.clone();
    meta5_again.created_at_unix_ms += 1000;
    assert_eq!(store.put(&k5, &proof5, &meta5_again).await.unwrap(), PutOutcome::AlreadyStored);
    assert_eq!(store.get_metadata(&k5).await.unwrap(), Some(meta5.clone()));

    // Different bytes for a stored key: typed conflict, original intact.
    let other = proof_bytes(&k5, 1, 40_000);
    match store.put(&k5, &other, &metadata(&k5, &other)).await {
        Err(Error::Conflict { existing_sha256, new_sha256, .. }) => {
            assert_eq!(existing_sha256, meta5.proof_sha256);
            assert_eq!(new_sha256, sha256_hex(&other));
        }
        result => panic!("expected a conflict, got {result:?}"),
    }
    assert_eq!(store.get(&k5).await.unwrap().unwrap().bytes, proof5);

    // Metadata that does not describe the bytes or the key is refused before any write.
    let k9 = key(9, 0x99);
    let proof9 = proof_bytes(&k9, 0, 100);
    assert!(matches!(
        store.put(&k9, &proof9, &metadata(&k9, b"something else")).await,
        Err(Error::InvalidMetadata { .. })
    ));
    assert!(matches!(
        store.put(&k9, &proof9, &metadata(&k5, &proof9)).await,
        Err(Error::InvalidMetadata { .. })
    ));
    assert_eq!(store.get(&k9).await.unwrap(), None);

    // Empty proofs are legal bytes.
    let k0 = key(0, 0);
    assert_eq!(store.put(&k0, &[], &metadata(&k0, &[])).await.unwrap(), PutOutcome::Stored);
    assert_eq!(store.get(&k0).await.unwrap().unwrap().bytes, Vec::<u8>::new());

    // Listing: ordered by block number then hash, `after` exclusive, `limit` respected.
    for k in [k3b, k1, k3a] {
        put_sample(&store, &k, 1000).await;
    }
    assert_eq!(store.list(None, 100).await.unwrap(), vec![k0, k1, k3a, k3b, k5]);
    assert_eq!(store.list(Some(0), 100).await.unwrap(), vec![k1, k3a, k3b, k5]);
    assert_eq!(store.list(Some(1), 2).await.unwrap(), vec![k3a, k3b]);
    assert_eq!(store.list(Some(3), 100).await.unwrap(), vec![k5]);
    assert_eq!(store.list(Some(5), 100).await.unwrap(), vec![]);
    assert_eq!(store.list(None, 0).await.unwrap(), vec![]);

    // Paging through many keys with small limits sees each exactly once, in order.
    let many: Vec<ProofKey> = (100..160).map(|n| key(n, n * 7)).collect();
    for k in &many {
        put_sample(&store, k, 64).await;
    }
    let mut paged = Vec::new();
    let mut after = Some(99);
    loop {
        let page = store.list(after, 7).await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 7);
        after = page.last().map(ProofKey::block_number);
        paged.extend(page);
    }
    assert_eq!(paged, many);

    // Concurrent puts of the same key and bytes: all succeed, exactly one stored it.
    let k7 = key(7, 0x77);
    let proof7 = proof_bytes(&k7, 0, 20_000);
    let meta7 = metadata(&k7, &proof7);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (store, proof7, meta7) = (store.clone(), proof7.clone(), meta7.clone());
        tasks.spawn(async move { store.put(&k7, &proof7, &meta7).await });
    }
    let outcomes: Vec<PutOutcome> =
        tasks.join_all().await.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        outcomes.iter().filter(|outcome| **outcome == PutOutcome::Stored).count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(store.get(&k7).await.unwrap().unwrap().bytes, proof7);

    // Concurrent puts of the same key with different bytes: one wins, the rest conflict, and
    // what is stored is exactly the winner's proof.
    let k8 = key(8, 0x88);
    let mut tasks = tokio::task::JoinSet::new();
    for variant in 0..6u8 {
        let store = store.clone();
        tasks.spawn(async move {
            let proof = proof_bytes(&k8, variant, 5_000);
            let result = store.put(&k8, &proof, &metadata(&k8, &proof)).await;
            (proof, result)
        });
    }
    let results = tasks.join_all().await;
    let winners: Vec<_> = results.iter().filter(|(_, result)| result.is_ok()).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    assert!(
        results
            .iter()
            .filter(|(_, result)| result.is_err())
            .all(|(_, r)| matches!(r, Err(Error::Conflict { .. })))
    );
    assert_eq!(store.get(&k8).await.unwrap().unwrap().bytes, winners[0].0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_store_conforms() {
    bounded(60, conformance(Arc::new(MemoryProofStore::new()))).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filesystem_store_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let store = FsProofStore::open(dir.path().join("proofs")).await.unwrap();
    bounded(60, conformance(Arc::new(store))).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_store_conforms() {
    let s3 = S3Fixture::start().await;
    bounded(120, conformance(Arc::new(s3.store("chain/a").await))).await;
    // The objects really are at the documented keys, under the prefix.
    let k5 = key(5, 0x55);
    assert!(s3.object_path("chain/a", &k5.object_name()).is_file());
    assert!(s3.object_path("chain/a", &k5.metadata_object_name()).is_file());
    s3.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_store_without_prefix_conforms() {
    let s3 = S3Fixture::start().await;
    bounded(120, conformance(Arc::new(s3.store("").await))).await;
    s3.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retrying_wrappers_conform() {
    let dir = tempfile::tempdir().unwrap();
    let fs: Arc<dyn ProofStore> = Arc::new(FsProofStore::open(dir.path()).await.unwrap());
    bounded(60, conformance(Arc::new(RetryingStore::new(fs, RetryPolicy::default())))).await;
    let memory: Arc<dyn ProofStore> = Arc::new(MemoryProofStore::new());
    bounded(60, conformance(Arc::new(RetryingStore::new(memory, RetryPolicy::default())))).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_urls_open_working_stores() {
    let dir = tempfile::tempdir().unwrap();
    let url: StoreUrl = format!("fs:{}", dir.path().display()).parse().unwrap();
    bounded(60, conformance(url.open(&S3Options::default()).await.unwrap())).await;

    let s3 = S3Fixture::start().await;
    let options = S3Options {
        endpoint_url: Some(s3.endpoint()),
        region: Some("us-east-1".into()),
        credentials: Some(StaticCredentials {
            access_key_id: ACCESS_KEY.into(),
            secret_access_key: SECRET_KEY.into(),
            session_token: None,
        }),
        virtual_hosted_style: false,
    };
    let url: StoreUrl = format!("s3://{BUCKET}/via-url/").parse().unwrap();
    let store = url.open(&options).await.unwrap();
    assert_eq!(store.location(), format!("s3://{BUCKET}/via-url"));
    put_sample(&store, &key(1, 1), 10).await;
    assert!(s3.object_path("via-url", &key(1, 1).metadata_object_name()).is_file());
    s3.server.stop().await;
}
