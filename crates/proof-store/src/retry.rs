//! `RetryingStore`: wraps any store and retries transient failures with capped exponential
//! backoff and jitter, so that an S3 outage delays proofs instead of dropping them.
//!
//! Retrying is safe because every operation is idempotent (`put` of the same bytes again is
//! `Ok`, a retry after a lost response finds the object and compares it). Permanent errors
//! (conflict, corruption, invalid metadata, 4xx such as bad credentials) are returned at once.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use crate::error::{Error, Result};
use crate::key::ProofKey;
use crate::metadata::ProofMetadata;
use crate::store::{ProofStore, PutOutcome, StoredProof};

/// When and how long to retry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts including the first; `None` retries transient errors forever (the caller
    /// then bounds the wait, e.g. with shutdown or a timeout around the call).
    pub max_attempts: Option<u32>,
    /// Delay before the first retry.
    pub initial_delay: Duration,
    /// Cap on any single delay.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 10 attempts, 200 ms doubling to at most 30 s: rides out about three minutes of outage.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: Some(10),
            initial_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Retries transient errors until they stop; for the pipeline's `put`, which must not give up
    /// on a proof while the store is down.
    pub fn unbounded() -> Self {
        RetryPolicy { max_attempts: None, ..Self::default() }
    }

    /// The delay after failed attempt number `attempt` (1-based): "equal jitter", a uniformly
    /// random value in `[d/2, d]` where `d = min(max_delay, initial_delay * 2^(attempt-1))`.
    /// The random half keeps many writers that failed together from retrying in lockstep.
    pub fn delay_after(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(31);
        let ceiling = self.initial_delay.saturating_mul(1u32 << exponent).min(self.max_delay);
        let half = ceiling / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// A [`ProofStore`] that retries the wrapped store's transient errors.
#[derive(Clone, Debug)]
pub struct RetryingStore {
    inner: Arc<dyn ProofStore>,
    policy: RetryPolicy,
}

impl RetryingStore {
    pub fn new(inner: Arc<dyn ProofStore>, policy: RetryPolicy) -> Self {
        RetryingStore { inner, policy }
    }

    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    async fn retry<T, F, Fut>(
        &self,
        operation: &'static str,
        key: String,
        mut attempt_once: F,
    ) -> Result<T>
    where
        F: FnMut() -> Fut + Send,
        Fut: Future<Output = Result<T>> + Send,
        T: Send,
    {
        let mut attempt = 1u32;
        loop {
            match attempt_once().await {
                Ok(value) => {
                    if attempt > 1 {
                        tracing::info!(operation, key, attempt, "proof store recovered");
                    }
                    return Ok(value);
                }
                Err(err) if !err.is_transient() => return Err(err),
                Err(err) => {
                    if self.policy.max_attempts.is_some_and(|max| attempt >= max) {
                        return Err(Error::RetriesExhausted {
                            operation,
                            key,
                            attempts: attempt,
                            source: Box::new(err),
                        });
                    }
                    let delay = self.policy.delay_after(attempt);
                    tracing::warn!(
                        operation,
                        key,
                        attempt,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        store = %self.inner.location(),
                        error = %err,
                        "transient proof store error, retrying"
                    );
                    tokio::time::sleep(delay).await;
                    attempt = attempt.saturating_add(1);
                }
            }
        }
    }
}

#[async_trait]
impl ProofStore for RetryingStore {
    async fn put(
        &self,
        key: &ProofKey,
        proof: &[u8],
        metadata: &ProofMetadata,
    ) -> Result<PutOutcome> {
        self.retry("put", key.to_string(), || self.inner.put(key, proof, metadata)).await
    }

    async fn get(&self, key: &ProofKey) -> Result<Option<StoredProof>> {
        self.retry("get", key.to_string(), || self.inner.get(key)).await
    }

    async fn get_metadata(&self, key: &ProofKey) -> Result<Option<ProofMetadata>> {
        self.retry("get metadata", key.to_string(), || self.inner.get_metadata(key)).await
    }

    async fn list(&self, after: Option<u64>, limit: usize) -> Result<Vec<ProofKey>> {
        self.retry("list", format!("after {after:?}"), || self.inner.list(after, limit)).await
    }

    async fn expire(&self, key: &ProofKey) -> Result<()> {
        self.retry("expire", key.to_string(), || self.inner.expire(key)).await
    }

    fn location(&self) -> String {
        self.inner.location()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_are_jittered_and_capped() {
        let policy = RetryPolicy {
            max_attempts: Some(5),
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
        };
        for _ in 0..100 {
            let first = policy.delay_after(1);
            assert!(
                first >= Duration::from_millis(50) && first <= Duration::from_millis(100),
                "{first:?}"
            );
            let third = policy.delay_after(3);
            assert!(
                third >= Duration::from_millis(200) && third <= Duration::from_millis(400),
                "{third:?}"
            );
            let late = policy.delay_after(40);
            assert!(
                late >= Duration::from_millis(500) && late <= Duration::from_millis(1000),
                "{late:?}"
            );
        }
    }
}
