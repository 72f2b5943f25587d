//! S3 backend (`s3://BUCKET/PREFIX`) on aws-sdk-s3: any S3-compatible endpoint, path-style
//! addressing, the standard AWS credential chain or explicit static credentials.
//!
//! Create-if-absent is `PutObject` with `If-None-Match: *` (HTTP 412 means the object exists).
//! A successful `PutObject` means S3 stored the object durably. Creates of the same name are
//! also serialized inside the process (striped locks), so concurrent writers in one service
//! never race even on servers whose conditional put is check-then-write (s3s-fs, older MinIO);
//! across processes the guarantee is the server's (AWS S3 evaluates `If-None-Match` atomically). The SDK's own retries are turned
//! off by default so that [`RetryingStore`](crate::RetryingStore) is the one retry layer, logs
//! every retry and never multiplies attempts.

use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::{Credentials, Region};
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::operation::get_object::GetObjectError;
use aws_sdk_s3::primitives::ByteStream;

use crate::error::{Error, Result};
use crate::store::{CreateOutcome, ObjectBackend};

/// Region used when neither the configuration nor the environment names one.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Static credentials, for tests and for deployments that inject keys explicitly.
#[derive(Clone)]
pub struct StaticCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl std::fmt::Debug for StaticCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print secrets into logs.
        f.debug_struct("StaticCredentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// How to reach the bucket.
#[derive(Clone, Debug)]
pub struct S3Config {
    pub bucket: String,
    /// Object-name prefix inside the bucket, without leading or trailing `/` (may be empty).
    pub prefix: String,
    /// Custom endpoint (MinIO, Ceph, R2, a test server); `None` uses AWS (or `AWS_ENDPOINT_URL`).
    pub endpoint_url: Option<String>,
    /// `None`: the standard region chain (`AWS_REGION`, profile), then [`DEFAULT_REGION`].
    pub region: Option<String>,
    /// Path-style URLs (`endpoint/bucket/key`). Most S3-compatible servers need it.
    pub force_path_style: bool,
    /// `None`: the standard AWS credential chain (environment, profile, SSO, web identity,
    /// ECS/EC2 instance roles).
    pub credentials: Option<StaticCredentials>,
    /// Bound on establishing a TCP/TLS connection.
    pub connect_timeout: Duration,
    /// Bound on one request attempt, including the body transfer.
    pub attempt_timeout: Duration,
    /// Attempts made inside the SDK per request. 1 leaves retries to `RetryingStore`.
    pub sdk_max_attempts: u32,
}

impl S3Config {
    /// Defaults for `bucket`/`prefix`: path style, 5 s connect, 120 s per attempt, 1 SDK attempt.
    pub fn new(bucket: impl Into<String>, prefix: impl Into<String>) -> Self {
        S3Config {
            bucket: bucket.into(),
            prefix: prefix.into().trim_matches('/').to_owned(),
            endpoint_url: None,
            region: None,
            force_path_style: true,
            credentials: None,
            connect_timeout: Duration::from_secs(5),
            attempt_timeout: Duration::from_secs(120),
            sdk_max_attempts: 1,
        }
    }
}

/// Proofs as objects in one bucket, under an optional prefix.
#[derive(Clone, Debug)]
pub struct S3ProofStore {
    client: Client,
    bucket: String,
    prefix: String,
    /// Stripe `hash(name) % len` serializes creates of `name` within the process.
    create_locks: Arc<[tokio::sync::Mutex<()>]>,
}

const CREATE_LOCK_STRIPES: usize = 64;

impl S3ProofStore {
    /// Builds the client. Makes no request: an unreachable endpoint shows up on first use, where
    /// it is a transient error.
    pub async fn connect(config: S3Config) -> Result<Self> {
        // rustls with ring: the SDK's default client would pull in aws-lc (a large C build).
        let http_client = aws_smithy_http_client::Builder::new()
            .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
            ))
            .build_https();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http_client)
            .retry_config(RetryConfig::standard().with_max_attempts(config.sdk_max_attempts.max(1)))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(config.connect_timeout)
                    .operation_attempt_timeout(config.attempt_timeout)
                    .build(),
            );
        // Without an explicit region the loader runs the standard region chain (environment,
        // profile, instance metadata) with the HTTP client above; `us-east-1` if all are silent.
        if let Some(region) = &config.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(endpoint) = &config.endpoint_url {
            loader = loader.endpoint_url(endpoint);
        }
        if let Some(credentials) = &config.credentials {
            loader = loader.credentials_provider(Credentials::new(
                &credentials.access_key_id,
                &credentials.secret_access_key,
                credentials.session_token.clone(),
                None,
                "proof-store-static",
            ));
        }
        let shared = loader.load().await;
        let mut s3_config =
            aws_sdk_s3::config::Builder::from(&shared).force_path_style(config.force_path_style);
        if shared.region().is_none() {
            s3_config = s3_config.region(Region::from_static(DEFAULT_REGION));
        }
        let s3_config = s3_config.build();
        Ok(Self::from_client(Client::from_conf(s3_config), config.bucket, config.prefix))
    }

    /// Wraps an existing client (for callers that build their own SDK configuration).
    pub fn from_client(
        client: Client,
        bucket: impl Into<String>,
        prefix: impl Into<String>,
    ) -> Self {
        S3ProofStore {
            client,
            bucket: bucket.into(),
            prefix: prefix.into().trim_matches('/').to_owned(),
            create_locks: (0..CREATE_LOCK_STRIPES).map(|_| tokio::sync::Mutex::new(())).collect(),
        }
    }

    /// Checks that the bucket exists and the credentials reach it (`HeadBucket`). Call it at
    /// startup to fail fast on configuration mistakes, which are permanent errors.
    pub async fn check_bucket(&self) -> Result<()> {
        self.client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(|err| s3_error("head bucket", &self.bucket, err))?;
        Ok(())
    }

    /// The underlying SDK client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The S3 key of object `name`.
    pub fn object_key(&self, name: &str) -> String {
        if self.prefix.is_empty() { name.to_owned() } else { format!("{}/{name}", self.prefix) }
    }
}

#[async_trait]
impl ObjectBackend for S3ProofStore {
    async fn create_if_absent(&self, name: &str, bytes: &[u8]) -> Result<CreateOutcome> {
        let key = self.object_key(name);
        let stripe = {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            name.hash(&mut hasher);
            (hasher.finish() % CREATE_LOCK_STRIPES as u64) as usize
        };
        let _serialized = self.create_locks[stripe].lock().await;
        let result = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(&key)
            .if_none_match("*")
            .content_length(bytes.len() as i64)
            .body(ByteStream::from(bytes.to_vec()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(CreateOutcome::Created),
            Err(err) if http_status(&err) == Some(412) => Ok(CreateOutcome::AlreadyExists),
            Err(err) => Err(s3_error("put object", &key, err)),
        }
    }

    async fn read(&self, name: &str) -> Result<Option<Vec<u8>>> {
        let key = self.object_key(name);
        let output = match self.client.get_object().bucket(&self.bucket).key(&key).send().await {
            Ok(output) => output,
            Err(SdkError::ServiceError(service))
                if matches!(service.err(), GetObjectError::NoSuchKey(_)) =>
            {
                return Ok(None);
            }
            Err(err) if http_status(&err) == Some(404) && !is_no_such_bucket(&err) => {
                return Ok(None);
            }
            Err(err) => return Err(s3_error("get object", &key, err)),
        };
        let body = output.body.collect().await.map_err(|err| {
            if let Some(mismatch) = checksum_mismatch(&err) {
                // The SDK checks the body against the checksum S3 stored at upload: the object
                // changed at rest. Retrying would read the same bytes.
                return Error::Corrupt {
                    key: key.clone(),
                    reason: format!("S3 object fails its stored checksum: {mismatch}"),
                };
            }
            Error::S3 {
                operation: "read object body",
                key: key.clone(),
                status: None,
                code: None,
                // The connection broke mid-body: the same as a dropped connection.
                transient: true,
                message: err.to_string(),
                source: Box::new(err),
            }
        })?;
        Ok(Some(body.into_bytes().to_vec()))
    }

    async fn delete(&self, name: &str) -> Result<()> {
        let key = self.object_key(name);
        // S3 answers 204 for an absent key too.
        match self.client.delete_object().bucket(&self.bucket).key(&key).send().await {
            Ok(_) => Ok(()),
            Err(err) if http_status(&err) == Some(404) && !is_no_such_bucket(&err) => Ok(()),
            Err(err) => Err(s3_error("delete object", &key, err)),
        }
    }

    async fn list_names(
        &self,
        prefix: &str,
        start_after: &str,
        limit: usize,
    ) -> Result<Vec<String>> {
        let full_prefix = self.object_key(prefix);
        let strip = self.object_key("");
        let mut names = Vec::new();
        let mut continuation: Option<String> = None;
        while names.len() < limit {
            let mut request = self
                .client
                .list_objects_v2()
                .bucket(&self.bucket)
                .prefix(&full_prefix)
                .max_keys(i32::try_from(limit - names.len()).unwrap_or(1000).min(1000));
            request = match &continuation {
                Some(token) => request.continuation_token(token),
                None => request.start_after(self.object_key(start_after)),
            };
            let output =
                request.send().await.map_err(|err| s3_error("list objects", &full_prefix, err))?;
            for object in output.contents() {
                if let Some(name) = object.key().and_then(|key| key.strip_prefix(strip.as_str()))
                    && name > start_after
                {
                    names.push(name.to_owned());
                }
            }
            match output.next_continuation_token() {
                Some(token) if output.is_truncated() == Some(true) => {
                    continuation = Some(token.to_owned())
                }
                _ => break,
            }
        }
        names.truncate(limit);
        Ok(names)
    }

    fn location(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.prefix)
    }
}

/// The SDK's response-checksum failure, if that is what ended a body read.
fn checksum_mismatch(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut current = Some(err);
    while let Some(err) = current {
        if let Some(mismatch) = err.downcast_ref::<aws_smithy_checksums::body::validate::Error>() {
            return Some(mismatch.to_string());
        }
        current = err.source();
    }
    None
}

fn http_status<E, R: HasStatus>(err: &SdkError<E, R>) -> Option<u16> {
    match err {
        SdkError::ServiceError(service) => Some(service.raw().status_code()),
        SdkError::ResponseError(response) => Some(response.raw().status_code()),
        _ => None,
    }
}

fn is_no_such_bucket<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> bool {
    matches!(err, SdkError::ServiceError(service) if service.err().code() == Some("NoSuchBucket"))
}

/// Access to the HTTP status without naming the SDK's response type in signatures.
trait HasStatus {
    fn status_code(&self) -> u16;
}

impl HasStatus for aws_sdk_s3::config::http::HttpResponse {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }
}

/// S3 error codes that mean "try again later" even with a 4xx status.
const TRANSIENT_CODES: &[&str] = &[
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "RequestTimeout",
    "RequestTimeTooSkewed",
    "InternalError",
    "ServiceUnavailable",
    "ConditionalRequestConflict",
];

/// Classifies an SDK failure: no response / timeouts / 5xx / 429 / throttling are transient;
/// everything else (4xx auth, missing bucket, bad request) is permanent.
fn s3_error<E>(
    operation: &'static str,
    key: &str,
    err: SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let status = http_status(&err);
    let code = match &err {
        SdkError::ServiceError(service) => service.err().code().map(str::to_owned),
        _ => None,
    };
    let transient = match &err {
        SdkError::ConstructionFailure(_) => false,
        SdkError::TimeoutError(_) | SdkError::ResponseError(_) => true,
        // Connection refused/reset, DNS, TLS handshake, connect timeout. `is_user` means the
        // request itself was unusable (e.g. a malformed endpoint): retrying cannot help.
        SdkError::DispatchFailure(dispatch) => !dispatch.is_user(),
        SdkError::ServiceError(_) => {
            matches!(status, Some(500..=599 | 429 | 408))
                || code.as_deref().is_some_and(|code| TRANSIENT_CODES.contains(&code))
        }
        _ => false,
    };
    Error::S3 {
        operation,
        key: key.to_owned(),
        status,
        code,
        transient,
        message: DisplayErrorContext(&err).to_string(),
        source: Box::new(err),
    }
}
