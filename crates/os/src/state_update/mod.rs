//! Hints of `os-program/os/state/` (Merkle-Patricia trie updates and the state-diff
//! commitment): they read the [`state::StateWitness`] the runner puts in the execution scope.
