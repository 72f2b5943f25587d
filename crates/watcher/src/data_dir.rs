//! The layout version of a service's data directory (`run`, `demo`, `coordinator`): the job
//! index (`jobs/`), the replayed state (`state/`) and, with the default store, the proofs.
//!
//! The directory records its layout in `LAYOUT` (one line: `watcher-prover data directory,
//! layout N`). At start a release opens a directory of its own layout, marks a new or an
//! unmarked one (every release before the marker wrote layout 1, which this release reads in
//! place), and refuses the others: one written by a newer release (its layout is unknown
//! here), and one of an older layout that cannot be read in place, naming the command that
//! migrates it. Proofs themselves record their format version and OS program hash in their
//! metadata (`proof_store::ProofMetadata`), so they stay readable across layouts.

use std::path::{Path, PathBuf};

use crate::error::WatcherError;

/// The layout this release writes.
pub const DATA_DIR_LAYOUT: u32 = 1;

/// Oldest layout this release reads in place. A release that raises it ships the
/// `watcher-prover migrate` command that its refusal names.
const OLDEST_READABLE_LAYOUT: u32 = 1;

const FILE: &str = "LAYOUT";
const PREFIX: &str = "watcher-prover data directory, layout ";

/// What [`open_data_dir`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataDirState {
    /// Empty or absent: created and marked.
    New,
    /// Written before the marker existed (layout 1): read in place and marked now.
    Marked,
    /// Already of this release's layout.
    Current,
}

/// Creates `dir` if needed and checks its layout (see the module docs).
pub fn open_data_dir(dir: &Path) -> Result<DataDirState, WatcherError> {
    check_layout(dir, DATA_DIR_LAYOUT, OLDEST_READABLE_LAYOUT)
}

fn check_layout(dir: &Path, current: u32, oldest: u32) -> Result<DataDirState, WatcherError> {
    let refuse = |reason: String| WatcherError::DataDir { path: dir.to_path_buf(), reason };
    std::fs::create_dir_all(dir).map_err(|error| refuse(format!("cannot create it: {error}")))?;
    let marker = dir.join(FILE);
    let text = match std::fs::read_to_string(&marker) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let empty = std::fs::read_dir(dir)
                .map_err(|error| refuse(format!("cannot list it: {error}")))?
                .next()
                .is_none();
            write_marker(&marker, current).map_err(&refuse)?;
            return Ok(if empty { DataDirState::New } else { DataDirState::Marked });
        }
        Err(error) => return Err(refuse(format!("cannot read {FILE}: {error}"))),
    };
    let layout: u32 = text
        .trim()
        .strip_prefix(PREFIX)
        .and_then(|number| number.parse().ok())
        .ok_or_else(|| refuse(format!("{FILE} does not say a layout: {:?}", text.trim())))?;
    if layout > current {
        return Err(refuse(format!(
            "written by a newer release (layout {layout}; this release reads layouts \
             {oldest} to {current}): run that release, or start from an empty directory"
        )));
    }
    if layout < oldest {
        return Err(refuse(format!(
            "layout {layout} is older than this release reads in place ({oldest} to {current}): \
             run `watcher-prover migrate --data-dir {}` first",
            dir.display()
        )));
    }
    Ok(DataDirState::Current)
}

fn write_marker(marker: &PathBuf, layout: u32) -> Result<(), String> {
    std::fs::write(marker, format!("{PREFIX}{layout}\n"))
        .map_err(|error| format!("cannot write {FILE}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_unmarked_current_newer_and_older_directories() {
        let root = tempfile::tempdir().unwrap();
        let new = root.path().join("new");
        assert_eq!(open_data_dir(&new).unwrap(), DataDirState::New);
        assert_eq!(open_data_dir(&new).unwrap(), DataDirState::Current);

        // A directory of an earlier release: data, no marker. Read in place, marked.
        let old = root.path().join("old");
        std::fs::create_dir_all(old.join("jobs")).unwrap();
        assert_eq!(open_data_dir(&old).unwrap(), DataDirState::Marked);
        let marker = std::fs::read_to_string(old.join(FILE)).unwrap();
        assert_eq!(marker, format!("{PREFIX}{DATA_DIR_LAYOUT}\n"));

        let newer = root.path().join("newer");
        std::fs::create_dir_all(&newer).unwrap();
        std::fs::write(newer.join(FILE), format!("{PREFIX}{}\n", DATA_DIR_LAYOUT + 1)).unwrap();
        let refused = open_data_dir(&newer).unwrap_err().to_string();
        assert!(refused.contains("newer release"), "{refused}");

        // A release whose oldest readable layout is 2 refuses layout 1 with the command.
        let refused = check_layout(&old, 3, 2).unwrap_err().to_string();
        assert!(refused.contains("watcher-prover migrate --data-dir"), "{refused}");

        std::fs::write(newer.join(FILE), "something else").unwrap();
        let refused = open_data_dir(&newer).unwrap_err().to_string();
        assert!(refused.contains("does not say a layout"), "{refused}");
    }
}
