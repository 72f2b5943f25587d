//! The Starknet JSON-RPC spec versions this chain speaks, and the HTTP path of each.

use std::fmt;

/// A Starknet JSON-RPC spec version. Shapes differ between them (0.10 headers carry the block's
/// commitments, 0.10 events their indices, ...); the rest of this module's types are 0.9's,
/// which a 0.10 answer also satisfies once its additions are read apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpecVersion {
    /// Spec 0.9 (`starknet-rs` 0.16's shapes).
    V0_9,
    /// Spec 0.10 (starknet.py 0.30 and other current clients).
    V0_10,
}

impl SpecVersion {
    /// Every version served, oldest first.
    pub const ALL: [SpecVersion; 2] = [SpecVersion::V0_9, SpecVersion::V0_10];

    /// The version served at `/` and preferred by clients.
    pub const LATEST: SpecVersion = SpecVersion::V0_10;

    /// The exact spec release whose shapes are served, as `starknet_specVersion` answers it
    /// (the `info.version` of starkware-libs/starknet-specs at tag `v0.9.0` / `v0.10.3`).
    pub const fn as_str(self) -> &'static str {
        match self {
            SpecVersion::V0_9 => "0.9.0",
            SpecVersion::V0_10 => "0.10.3",
        }
    }

    /// The HTTP path serving this version (the latest is also served at `/`).
    pub const fn path(self) -> &'static str {
        match self {
            SpecVersion::V0_9 => "/rpc/v0_9",
            SpecVersion::V0_10 => "/rpc/v0_10",
        }
    }

    /// The version a node reports in `starknet_specVersion`, matched on major and minor
    /// (`"0.10.4"` is 0.10); `None` for a version this chain does not speak.
    pub fn from_reported(reported: &str) -> Option<SpecVersion> {
        let mut parts = reported.trim().split('.');
        let (major, minor) = (parts.next()?, parts.next()?);
        match (major, minor) {
            ("0", "9") => Some(SpecVersion::V0_9),
            ("0", "10") => Some(SpecVersion::V0_10),
            _ => None,
        }
    }

    /// Whether block headers carry the commitments and counts of
    /// [`HeaderCommitments`](super::header::HeaderCommitments).
    pub const fn has_header_commitments(self) -> bool {
        matches!(self, SpecVersion::V0_10)
    }
}

impl fmt::Display for SpecVersion {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reported_versions_match_on_major_and_minor() {
        assert_eq!(SpecVersion::from_reported("0.10.3"), Some(SpecVersion::V0_10));
        assert_eq!(SpecVersion::from_reported("0.10.4-rc.1"), Some(SpecVersion::V0_10));
        assert_eq!(SpecVersion::from_reported("0.9.0"), Some(SpecVersion::V0_9));
        assert_eq!(SpecVersion::from_reported("0.8.1"), None);
        assert_eq!(SpecVersion::from_reported("0.1"), None);
        assert_eq!(SpecVersion::from_reported("garbage"), None);
        for version in SpecVersion::ALL {
            assert_eq!(SpecVersion::from_reported(version.as_str()), Some(version));
        }
    }
}
