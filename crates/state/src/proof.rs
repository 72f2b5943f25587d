//! Merkle proofs in the `starknet_getStorageProof` shape, and their verification.
//!
//! A proof for a key is the list of nodes on the key's path from the root, each listed under its
//! hash: binary `{left, right}` and edge `{path, length, child}` nodes, exactly the JSON-RPC
//! `MERKLE_NODE`s, hashed as in [`crate::hash`]. The path of an edge is the integer formed by its
//! `length` key bits, most significant first. A proof of non-membership ends at an empty subtree
//! (root 0) or at an edge whose path diverges from the key. The Cairo OS will consume the same
//! nodes as witnesses.

use std::collections::HashMap;

use chain::Felt;
use chain::rpc::NodeHashToNodeMapping;
use chain::rpc::types::{BinaryNode, EdgeNode, MerkleNode};

use crate::error::{ProofError, StateError};
use crate::hash::TrieHash;
use crate::key::{Bits, TRIE_HEIGHT};
use crate::node::Node;
use crate::trie::NodeReader;

/// A node in the wire shape.
pub fn node_to_rpc(node: &Node) -> MerkleNode {
    match *node {
        Node::Binary { left, right } => MerkleNode::BinaryNode(BinaryNode { left, right }),
        Node::Edge { child, path, length } => {
            MerkleNode::EdgeNode(EdgeNode { path, length: u64::from(length), child })
        }
    }
}

/// Adds the nodes on `key`'s path in the trie `root` to `nodes`.
pub fn collect_path(
    reader: &impl NodeReader,
    root: Felt,
    key: &Felt,
    nodes: &mut NodeHashToNodeMapping,
) -> Result<(), StateError> {
    let bits = Bits::from_key(key)?;
    let mut current = root;
    let mut height = TRIE_HEIGHT;
    while current != Felt::ZERO && height > 0 {
        let node = reader.node(&current)?;
        nodes.insert(current, node_to_rpc(&node));
        match node {
            Node::Binary { left, right } => {
                current = if bits.bit(height - 1) { right } else { left };
                height -= 1;
            }
            Node::Edge { child, path, length } => {
                let length = u16::from(length);
                if length == 0 || length > height || bits.path(height, length) != path {
                    break;
                }
                current = child;
                height -= length;
            }
        }
    }
    Ok(())
}

/// A proof for one key, as a fresh mapping.
pub fn prove(
    reader: &impl NodeReader,
    root: Felt,
    key: &Felt,
) -> Result<NodeHashToNodeMapping, StateError> {
    let mut nodes = NodeHashToNodeMapping::default();
    collect_path(reader, root, key, &mut nodes)?;
    Ok(nodes)
}

/// Checks `nodes` against `root` of a trie hashed with `hash` and returns the leaf value under
/// `key` (0 proves absence). Every node used is re-hashed with `hash`, so a tampered node, a node
/// listed under the wrong hash or a node of a trie with another hash function fails.
pub fn verify(
    hash: TrieHash,
    root: Felt,
    key: &Felt,
    nodes: &NodeHashToNodeMapping,
) -> Result<Felt, ProofError> {
    let bits = Bits::from_key(key).map_err(|_| ProofError::KeyOutOfRange { key: *key })?;
    let mut current = root;
    let mut height = TRIE_HEIGHT;
    while current != Felt::ZERO && height > 0 {
        let node = nodes.get(&current).ok_or(ProofError::MissingNode { hash: current })?;
        let node = node_from_rpc(current, node, height)?;
        let actual = node.hash(hash);
        if actual != current {
            return Err(ProofError::HashMismatch { hash: current, actual });
        }
        match node {
            Node::Binary { left, right } => {
                current = if bits.bit(height - 1) { right } else { left };
                height -= 1;
            }
            Node::Edge { child, path, length } => {
                let length = u16::from(length);
                if bits.path(height, length) != path {
                    return Ok(Felt::ZERO);
                }
                current = child;
                height -= length;
            }
        }
    }
    Ok(current)
}

/// Converts and bounds-checks a wire node found at `height`.
fn node_from_rpc(hash: Felt, node: &MerkleNode, height: u16) -> Result<Node, ProofError> {
    match node {
        MerkleNode::BinaryNode(node) => Ok(Node::Binary { left: node.left, right: node.right }),
        MerkleNode::EdgeNode(node) => {
            let malformed = |detail: String| ProofError::MalformedEdge { hash, detail };
            if node.length == 0 || node.length > u64::from(height) {
                return Err(malformed(format!("length {} at height {height}", node.length)));
            }
            let path_bits = Bits::from_key(&node.path)
                .map_err(|_| malformed("path above 2^251".into()))?
                .bit_length();
            if u64::from(path_bits) > node.length {
                return Err(malformed(format!("path longer than {} bits", node.length)));
            }
            Ok(Node::Edge {
                child: node.child,
                path: node.path,
                // length <= height <= 251 was checked above.
                length: node.length as u8,
            })
        }
    }
}

/// A reader over a proof's nodes of a trie hashed with `hash`, for re-executing trie reads
/// against a witness.
pub fn reader_from_proof(
    hash: TrieHash,
    nodes: &NodeHashToNodeMapping,
) -> Result<HashMap<Felt, Node>, ProofError> {
    let mut out = HashMap::with_capacity(nodes.len());
    for (listed, node) in nodes {
        let node = node_from_rpc(*listed, node, TRIE_HEIGHT)?;
        let actual = node.hash(hash);
        if actual != *listed {
            return Err(ProofError::HashMismatch { hash: *listed, actual });
        }
        out.insert(*listed, node);
    }
    Ok(out)
}
