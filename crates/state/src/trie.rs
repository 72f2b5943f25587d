//! Binary Merkle-Patricia tries of height 251 (Starknet's rules), each hashed with its
//! [`TrieHash`].
//!
//! A trie is identified by its root hash (and its hash function); its nodes live in a content-addressed node table, so
//! an update writes new nodes beside the old ones and both roots stay readable. [`update`]
//! applies a batch of leaf writes in one pass that visits only the paths of the written keys;
//! writing 0 deletes a leaf, and edges merge back so the result is the same trie a from-scratch
//! build gives (the root depends only on the set of non-zero leaves).

use std::collections::HashMap;

use chain::Felt;

use crate::error::StateError;
use crate::hash::TrieHash;
use crate::key::{Bits, TRIE_HEIGHT};
use crate::node::Node;

/// Reads nodes by hash.
pub trait NodeReader {
    /// The node stored under `hash`, or [`StateError::MissingNode`].
    fn node(&self, hash: &Felt) -> Result<Node, StateError>;
}

/// A reader over a plain map (tests, proofs).
impl NodeReader for HashMap<Felt, Node> {
    fn node(&self, hash: &Felt) -> Result<Node, StateError> {
        self.get(hash).copied().ok_or(StateError::MissingNode { hash: *hash })
    }
}

/// The leaf value under `key` in the trie with root `root` (0 when absent).
pub fn get(reader: &impl NodeReader, root: Felt, key: &Felt) -> Result<Felt, StateError> {
    let bits = Bits::from_key(key)?;
    let mut current = root;
    let mut height = TRIE_HEIGHT;
    loop {
        if current == Felt::ZERO || height == 0 {
            return Ok(current);
        }
        match reader.node(&current)? {
            Node::Binary { left, right } => {
                current = if bits.bit(height - 1) { right } else { left };
                height -= 1;
            }
            Node::Edge { child, path, length } => {
                let length = u16::from(length);
                if length == 0 || length > height {
                    return Err(StateError::Corrupt {
                        table: "nodes",
                        detail: format!("edge {current:#x} of length {length} at height {height}"),
                    });
                }
                if bits.path(height, length) != path {
                    return Ok(Felt::ZERO);
                }
                current = child;
                height -= length;
            }
        }
    }
}

/// Applies `updates` (key → new leaf value, 0 deletes; later duplicates win) to the trie with
/// root `root`, hashed with `hash`. Returns the new root and the nodes created with their hashes,
/// to be stored.
pub fn update(
    reader: &impl NodeReader,
    hash: TrieHash,
    root: Felt,
    updates: &[(Felt, Felt)],
) -> Result<(Felt, Vec<(Felt, Node)>), StateError> {
    let mut sorted = Vec::with_capacity(updates.len());
    for (key, value) in updates {
        sorted.push((Bits::from_key(key)?, *value));
    }
    // Stable sort keeps the order of duplicates; keep the last write of each key.
    sorted.sort_by_key(|(bits, _)| *bits);
    let mut deduped: Vec<(Bits, Felt)> = Vec::with_capacity(sorted.len());
    for (bits, value) in sorted {
        match deduped.last_mut() {
            Some(last) if last.0 == bits => last.1 = value,
            _ => deduped.push((bits, value)),
        }
    }
    let mut updater = Updater { reader, hash, created: HashMap::new() };
    let result = updater.update(Subtree::stored(root), TRIE_HEIGHT, &deduped)?;
    let new_root = updater.materialize(result, TRIE_HEIGHT);
    Ok((new_root, updater.created.into_iter().collect()))
}

/// A subtree during an update, possibly not yet hashed.
#[derive(Clone, Copy, Debug)]
enum Subtree {
    Empty,
    /// A stored node, or at height 0 a leaf value (never 0).
    Stored(Felt),
    /// An edge not yet stored: its path is bits `height - 1 ..= height - length` of `key`.
    Edge {
        key: Bits,
        length: u16,
        child: Felt,
    },
}

impl Subtree {
    fn stored(hash: Felt) -> Self {
        if hash == Felt::ZERO { Subtree::Empty } else { Subtree::Stored(hash) }
    }
}

struct Updater<'a, R> {
    reader: &'a R,
    /// The trie's hash function.
    hash: TrieHash,
    /// Nodes made by this update, by hash; later steps of the same update may read them.
    created: HashMap<Felt, Node>,
}

impl<R: NodeReader> Updater<'_, R> {
    fn node(&self, hash: &Felt) -> Result<Node, StateError> {
        match self.created.get(hash) {
            Some(node) => Ok(*node),
            None => self.reader.node(hash),
        }
    }

    fn create(&mut self, node: Node) -> Felt {
        let hash = node.hash(self.hash);
        self.created.insert(hash, node);
        hash
    }

    /// The subtree at `height` after `updates` (sorted, distinct, all under this subtree).
    fn update(
        &mut self,
        subtree: Subtree,
        height: u16,
        updates: &[(Bits, Felt)],
    ) -> Result<Subtree, StateError> {
        if updates.is_empty() {
            return Ok(subtree);
        }
        if height == 0 {
            return Ok(Subtree::stored(updates[updates.len() - 1].1));
        }
        let (left, right) = self.split(subtree, height)?;
        let branch = height - 1;
        let split = updates.partition_point(|(bits, _)| !bits.bit(branch));
        let left = self.update(left, branch, &updates[..split])?;
        let right = self.update(right, branch, &updates[split..])?;
        self.combine(height, left, right)
    }

    /// The two children (at `height - 1`) of a subtree at `height`.
    fn split(&self, subtree: Subtree, height: u16) -> Result<(Subtree, Subtree), StateError> {
        let edge = |key: Bits, length: u16, child: Felt| {
            let rest = if length == 1 {
                Subtree::stored(child)
            } else {
                Subtree::Edge { key, length: length - 1, child }
            };
            if key.bit(height - 1) { (Subtree::Empty, rest) } else { (rest, Subtree::Empty) }
        };
        Ok(match subtree {
            Subtree::Empty => (Subtree::Empty, Subtree::Empty),
            Subtree::Edge { key, length, child } => edge(key, length, child),
            Subtree::Stored(hash) => match self.node(&hash)? {
                Node::Binary { left, right } => (Subtree::stored(left), Subtree::stored(right)),
                Node::Edge { child, path, length } => {
                    let length = u16::from(length);
                    if length == 0 || length > height {
                        return Err(StateError::Corrupt {
                            table: "nodes",
                            detail: format!("edge {hash:#x} of length {length} at height {height}"),
                        });
                    }
                    edge(Bits::from_path(&path, height, length), length, child)
                }
            },
        })
    }

    /// The subtree at `height` with children `left` and `right`.
    fn combine(
        &mut self,
        height: u16,
        left: Subtree,
        right: Subtree,
    ) -> Result<Subtree, StateError> {
        let branch = height - 1;
        match (left, right) {
            (Subtree::Empty, Subtree::Empty) => Ok(Subtree::Empty),
            (only, Subtree::Empty) => self.extend(only, branch, false),
            (Subtree::Empty, only) => self.extend(only, branch, true),
            (left, right) => {
                let left = self.materialize(left, branch);
                let right = self.materialize(right, branch);
                Ok(Subtree::Stored(self.create(Node::Binary { left, right })))
            }
        }
    }

    /// Prepends the branch bit `bit` (at position `branch`) to a lone child at height `branch`.
    fn extend(&self, child: Subtree, branch: u16, bit: bool) -> Result<Subtree, StateError> {
        Ok(match child {
            Subtree::Empty => Subtree::Empty,
            Subtree::Edge { key, length, child } => {
                Subtree::Edge { key: key.with_bit(branch, bit), length: length + 1, child }
            }
            Subtree::Stored(hash) => {
                let lone = Subtree::Edge {
                    key: Bits::default().with_bit(branch, bit),
                    length: 1,
                    child: hash,
                };
                if branch == 0 {
                    lone
                } else {
                    match self.node(&hash)? {
                        Node::Binary { .. } => lone,
                        Node::Edge { child, path, length } => Subtree::Edge {
                            key: Bits::from_path(&path, branch, u16::from(length))
                                .with_bit(branch, bit),
                            length: u16::from(length) + 1,
                            child,
                        },
                    }
                }
            }
        })
    }

    /// The hash of a subtree at `height`, storing a pending edge node.
    fn materialize(&mut self, subtree: Subtree, height: u16) -> Felt {
        match subtree {
            Subtree::Empty => Felt::ZERO,
            Subtree::Stored(hash) => hash,
            Subtree::Edge { key, length, child } => {
                // Lengths never exceed the trie height (251), so they fit a byte.
                let node = Node::Edge {
                    child,
                    path: key.path(height, length),
                    length: u8::try_from(length).unwrap_or(u8::MAX),
                };
                self.create(node)
            }
        }
    }
}
