//! Where a dump may be written or read: only inside the directory the operator named with
//! `--dump-dir`. The JSON-RPC server answers any origin (CORS), so a web page open in the
//! operator's browser could call `devnet_dump`; confined to that directory, the worst it can do
//! is replace a dump there.
//!
//! A requested path is relative to the directory (`"state.json"`, `"ci/run-1.json"`) or
//! absolute inside it; `..` components are refused, the file's directory must exist, and once
//! symbolic links in that directory's path are resolved it must still lie inside the dump
//! directory. The file itself may not be a symbolic link.

use std::path::{Component, Path, PathBuf};

use super::DumpError;

/// The file `requested` names inside `dump_dir`, or why it is refused.
pub fn resolve(dump_dir: &Path, requested: &str) -> Result<PathBuf, DumpError> {
    let refuse = |reason| DumpError::PathRefused { path: requested.to_owned(), reason };
    if requested.is_empty() {
        return Err(refuse("empty path"));
    }
    let joined = dump_dir.join(requested);
    if joined.components().any(|component| component == Component::ParentDir) {
        return Err(refuse("`..` is not allowed"));
    }
    let Some(file_name) = joined.file_name() else {
        return Err(refuse("names no file"));
    };
    let parent = joined.parent().ok_or_else(|| refuse("names no file"))?;
    let canonical = |path: &Path| {
        path.canonicalize().map_err(|source| DumpError::Io {
            action: "resolve",
            path: path.to_path_buf(),
            source,
        })
    };
    let directory = canonical(parent)?;
    if !directory.starts_with(canonical(dump_dir)?) {
        return Err(refuse("outside the dump directory (--dump-dir)"));
    }
    let file = directory.join(file_name);
    if file.symlink_metadata().is_ok_and(|metadata| metadata.file_type().is_symlink()) {
        return Err(refuse("a symbolic link"));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_dump_directory() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("dumps");
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let inside = dir.canonicalize().unwrap();
        assert_eq!(resolve(&dir, "a.json").unwrap(), inside.join("a.json"));
        assert_eq!(resolve(&dir, "sub/b.json").unwrap(), inside.join("sub/b.json"));
        let absolute = inside.join("c.json");
        assert_eq!(resolve(&dir, absolute.to_str().unwrap()).unwrap(), absolute);

        let refused = |requested: &str| match resolve(&dir, requested) {
            Err(DumpError::PathRefused { reason, .. }) => reason,
            other => panic!("{requested}: {other:?}"),
        };
        assert_eq!(refused(""), "empty path");
        assert_eq!(refused("../a.json"), "`..` is not allowed");
        assert_eq!(refused("sub/../../a.json"), "`..` is not allowed");
        let outside = root.path().join("a.json");
        assert_eq!(refused(outside.to_str().unwrap()), "outside the dump directory (--dump-dir)");
        assert_eq!(refused("/"), "names no file");
        assert!(matches!(resolve(&dir, "missing/a.json"), Err(DumpError::Io { .. })));

        // A link out of the directory, as the file's directory or as the file.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.path(), dir.join("out")).unwrap();
            assert_eq!(refused("out/a.json"), "outside the dump directory (--dump-dir)");
            std::os::unix::fs::symlink(root.path().join("x"), dir.join("link.json")).unwrap();
            assert_eq!(refused("link.json"), "a symbolic link");
        }
    }
}
