//! Trie nodes and their byte encoding in the store.
//!
//! Leaves are not nodes: a leaf is its value, found as the child hash at height 0.

use chain::Felt;

use crate::codec::{felt_from, felt_to};
use crate::error::StateError;
use crate::hash::{TrieHash, binary_node_hash, edge_node_hash};

/// An inner node of a trie.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    /// Two non-empty children.
    Binary {
        /// Hash of the 0 child.
        left: Felt,
        /// Hash of the 1 child.
        right: Felt,
    },
    /// A run of `length` single-child levels, following `path` (most significant bit first).
    Edge {
        /// Hash of the node (or leaf value) at the end of the edge.
        child: Felt,
        /// The `length` path bits as an integer.
        path: Felt,
        /// Number of levels, 1..=251.
        length: u8,
    },
}

const BINARY_TAG: u8 = 0;
const EDGE_TAG: u8 = 1;

impl Node {
    /// The node's hash in a trie that hashes with `hash`.
    pub fn hash(&self, hash: TrieHash) -> Felt {
        match *self {
            Node::Binary { left, right } => binary_node_hash(hash, left, right),
            Node::Edge { child, path, length } => edge_node_hash(hash, child, path, length),
        }
    }

    /// Store encoding: `0 ‖ left ‖ right` or `1 ‖ child ‖ path ‖ length`, felts as 32 bytes
    /// big-endian.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(66);
        match *self {
            Node::Binary { left, right } => {
                out.push(BINARY_TAG);
                out.extend_from_slice(&felt_to(&left));
                out.extend_from_slice(&felt_to(&right));
            }
            Node::Edge { child, path, length } => {
                out.push(EDGE_TAG);
                out.extend_from_slice(&felt_to(&child));
                out.extend_from_slice(&felt_to(&path));
                out.push(length);
            }
        }
        out
    }

    /// Decodes [`Node::encode`]'s bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, StateError> {
        let corrupt = |detail: String| StateError::Corrupt { table: "nodes", detail };
        match bytes {
            [BINARY_TAG, rest @ ..] if rest.len() == 64 => {
                Ok(Node::Binary { left: felt_from(&rest[..32])?, right: felt_from(&rest[32..])? })
            }
            [EDGE_TAG, rest @ ..] if rest.len() == 65 => Ok(Node::Edge {
                child: felt_from(&rest[..32])?,
                path: felt_from(&rest[32..64])?,
                length: rest[64],
            }),
            _ => Err(corrupt(format!("{} bytes with tag {:?}", bytes.len(), bytes.first()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_roundtrips_and_rejects_garbage() {
        let nodes = [
            Node::Binary { left: Felt::ONE, right: Felt::TWO },
            Node::Edge { child: Felt::THREE, path: Felt::from(5u64), length: 3 },
        ];
        for node in nodes {
            assert_eq!(Node::decode(&node.encode()).unwrap(), node);
        }
        assert!(Node::decode(&[]).is_err());
        assert!(Node::decode(&[2; 65]).is_err());
        assert!(Node::decode(&[0; 10]).is_err());
        assert_eq!(
            nodes[1].hash(TrieHash::Poseidon),
            starknet_crypto::poseidon_hash(Felt::THREE, Felt::from(5u64)) + Felt::THREE
        );
        assert_eq!(
            nodes[1].hash(TrieHash::Pedersen),
            starknet_crypto::pedersen_hash(&Felt::THREE, &Felt::from(5u64)) + Felt::THREE
        );
    }
}
