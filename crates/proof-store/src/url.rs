//! `StoreUrl`: where proofs go, as operators write it: `fs:DIR`, `s3://BUCKET/PREFIX` or
//! `memory:`. The S3 endpoint, region and credentials are separate options ([`S3Options`]),
//! because they are deployment settings rather than part of the location.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::fs::FsProofStore;
use crate::memory::MemoryProofStore;
use crate::s3::{S3Config, S3ProofStore, StaticCredentials};
use crate::store::ProofStore;
use crate::witness::WitnessStore;

/// A parsed store location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreUrl {
    /// `fs:DIR` (relative or absolute; `fs:///abs` is also accepted).
    Filesystem { dir: PathBuf },
    /// `s3://BUCKET` or `s3://BUCKET/PREFIX` (prefix without surrounding `/`).
    S3 { bucket: String, prefix: String },
    /// `memory:`: nothing survives the process; for tests and demos.
    Memory,
}

impl FromStr for StoreUrl {
    type Err = Error;

    fn from_str(url: &str) -> Result<Self> {
        let invalid = |reason: &str| Error::InvalidStoreUrl {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            check_bucket_name(bucket).map_err(invalid)?;
            let prefix = prefix.trim_end_matches('/');
            if prefix.starts_with('/') || prefix.contains("//") {
                return Err(invalid("prefix has an empty path segment"));
            }
            if prefix.split('/').any(|segment| segment == "." || segment == "..") {
                return Err(invalid("prefix has a `.` or `..` segment"));
            }
            if prefix.chars().any(|c| c.is_control()) {
                return Err(invalid("prefix has a control character"));
            }
            return Ok(StoreUrl::S3 { bucket: bucket.to_owned(), prefix: prefix.to_owned() });
        }
        if let Some(rest) = url.strip_prefix("fs:") {
            // `fs:///var/x` (URL style) and `fs:/var/x` both mean /var/x.
            let dir = rest.strip_prefix("//").unwrap_or(rest);
            if dir.is_empty() {
                return Err(invalid("missing directory: write fs:DIR"));
            }
            return Ok(StoreUrl::Filesystem { dir: PathBuf::from(dir) });
        }
        if url == "memory:" {
            return Ok(StoreUrl::Memory);
        }
        Err(invalid("expected fs:DIR, s3://BUCKET/PREFIX or memory:"))
    }
}

impl fmt::Display for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreUrl::Filesystem { dir } => write!(f, "fs:{}", dir.display()),
            StoreUrl::S3 { bucket, prefix } if prefix.is_empty() => write!(f, "s3://{bucket}"),
            StoreUrl::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
            StoreUrl::Memory => f.write_str("memory:"),
        }
    }
}

/// S3 connection settings that are not part of the URL.
#[derive(Clone, Debug, Default)]
pub struct S3Options {
    pub endpoint_url: Option<String>,
    pub region: Option<String>,
    pub credentials: Option<StaticCredentials>,
    /// Virtual-hosted style (`bucket.endpoint`) instead of path style; AWS proper supports both.
    pub virtual_hosted_style: bool,
}

impl StoreUrl {
    /// Opens the backend (no retry wrapper: compose with [`RetryingStore`](crate::RetryingStore)).
    pub async fn open(&self, s3: &S3Options) -> Result<Arc<dyn ProofStore>> {
        Ok(match self {
            StoreUrl::Filesystem { dir } => Arc::new(FsProofStore::open(dir.clone()).await?),
            StoreUrl::Memory => Arc::new(MemoryProofStore::new()),
            StoreUrl::S3 { bucket, prefix } => {
                let mut config = S3Config::new(bucket.clone(), prefix.clone());
                config.endpoint_url = s3.endpoint_url.clone();
                config.region = s3.region.clone();
                config.credentials = s3.credentials.clone();
                config.force_path_style = !s3.virtual_hosted_style;
                Arc::new(S3ProofStore::connect(config).await?)
            }
        })
    }
}

impl StoreUrl {
    /// Opens the same location for block witnesses (`witnesses/v1/` beside `proofs/v1/`).
    /// `memory:` gives a store of its own, not shared with [`StoreUrl::open`]'s.
    pub async fn open_witnesses(&self, s3: &S3Options) -> Result<Arc<dyn WitnessStore>> {
        Ok(match self {
            StoreUrl::Filesystem { dir } => Arc::new(FsProofStore::open(dir.clone()).await?),
            StoreUrl::Memory => Arc::new(MemoryProofStore::new()),
            StoreUrl::S3 { bucket, prefix } => {
                let mut config = S3Config::new(bucket.clone(), prefix.clone());
                config.endpoint_url = s3.endpoint_url.clone();
                config.region = s3.region.clone();
                config.credentials = s3.credentials.clone();
                config.force_path_style = !s3.virtual_hosted_style;
                Arc::new(S3ProofStore::connect(config).await?)
            }
        })
    }
}

/// S3 bucket naming rules (the subset that matters for a URL): 3–63 characters of lowercase
/// letters, digits, `.` and `-`, starting and ending with a letter or digit.
fn check_bucket_name(bucket: &str) -> std::result::Result<(), &'static str> {
    if bucket.is_empty() {
        return Err("missing bucket: write s3://BUCKET/PREFIX");
    }
    if !(3..=63).contains(&bucket.len()) {
        return Err("bucket name must be 3 to 63 characters");
    }
    if !bucket
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return Err("bucket name may only hold lowercase letters, digits, `.` and `-`");
    }
    let edges_ok = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !edges_ok(bucket.bytes().next()) || !edges_ok(bucket.bytes().last()) {
        return Err("bucket name must start and end with a letter or digit");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_supported_forms() {
        assert_eq!(
            "fs:data/proofs".parse::<StoreUrl>().unwrap(),
            StoreUrl::Filesystem { dir: "data/proofs".into() }
        );
        assert_eq!(
            "fs:///var/p".parse::<StoreUrl>().unwrap(),
            StoreUrl::Filesystem { dir: "/var/p".into() }
        );
        assert_eq!(
            "s3://my-bucket/chain/a/".parse::<StoreUrl>().unwrap(),
            StoreUrl::S3 { bucket: "my-bucket".into(), prefix: "chain/a".into() }
        );
        assert_eq!(
            "s3://my-bucket".parse::<StoreUrl>().unwrap(),
            StoreUrl::S3 { bucket: "my-bucket".into(), prefix: String::new() }
        );
        assert_eq!("memory:".parse::<StoreUrl>().unwrap(), StoreUrl::Memory);
        for url in ["fs:d", "s3://bkt/p/q", "s3://bkt", "memory:"] {
            assert_eq!(url.parse::<StoreUrl>().unwrap().to_string(), url);
        }
    }

    #[test]
    fn rejects_bad_urls_with_a_reason() {
        for (url, reason) in [
            ("", "expected"),
            ("/var/proofs", "expected"),
            ("gs://bucket/x", "expected"),
            ("fs:", "missing directory"),
            ("s3://", "missing bucket"),
            ("s3:///prefix", "missing bucket"),
            ("s3://ab", "3 to 63"),
            ("s3://My_Bucket", "lowercase"),
            ("s3://-bucket", "start and end"),
            ("s3://bucket//x", "empty path segment"),
            ("s3://bucket/a/../b", "`..`"),
        ] {
            match url.parse::<StoreUrl>() {
                Err(Error::InvalidStoreUrl { reason: got, .. }) => {
                    assert!(got.contains(reason), "{url}: {got}")
                }
                other => panic!("{url}: expected InvalidStoreUrl, got {other:?}"),
            }
        }
    }
}
