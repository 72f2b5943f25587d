//! Blake3 Merkle trees over rows of field elements, with batch (multi-leaf) openings.

use crate::field::{Felt, felt_hash_bytes};
use crate::parallel;

/// A 32-byte Blake3 digest.
pub type Hash = [u8; 32];

/// Domain separation so a leaf can never be confused with an inner node.
const LEAF_TAG: u8 = 0;
const NODE_TAG: u8 = 1;

/// Hash of one leaf: a row of field elements.
pub fn hash_leaf(row: &[Felt]) -> Hash {
    let mut bytes = Vec::with_capacity(1 + row.len() * 32);
    hash_leaf_with(row, &mut bytes)
}

/// [`hash_leaf`] with a caller-owned buffer, so hashing many rows allocates once.
pub fn hash_leaf_with(row: &[Felt], bytes: &mut Vec<u8>) -> Hash {
    bytes.clear();
    bytes.push(LEAF_TAG);
    for x in row {
        felt_hash_bytes(x, bytes);
    }
    *blake3::hash(bytes).as_bytes()
}

pub fn hash_node(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&[NODE_TAG]);
    hasher.update(left);
    hasher.update(right);
    *hasher.finalize().as_bytes()
}

/// A complete binary tree stored as a heap: `nodes[1]` is the root, leaves sit at `n..2n`.
#[derive(Clone, Debug)]
pub struct MerkleTree {
    nodes: Vec<Hash>,
}

impl MerkleTree {
    /// Builds the tree over leaf hashes; the count must be a power of two.
    pub fn from_leaf_hashes(leaves: Vec<Hash>) -> Self {
        let n = leaves.len();
        assert!(n.is_power_of_two(), "leaf count must be a power of two");
        let mut nodes = vec![[0u8; 32]; 2 * n];
        nodes[n..].copy_from_slice(&leaves);
        // Hash level by level so each level can be split across threads.
        let mut level_start = n;
        while level_start > 1 {
            let parent_start = level_start / 2;
            let (parents, children) = nodes.split_at_mut(level_start);
            let parents = &mut parents[parent_start..level_start];
            let children = &children[..level_start];
            let chunk = parallel::chunk_size(parents.len(), 1 << 12);
            parallel::for_each_chunk_mut(parents, chunk, |c, out| {
                for (k, p) in out.iter_mut().enumerate() {
                    let i = c * chunk + k;
                    *p = hash_node(&children[2 * i], &children[2 * i + 1]);
                }
            });
            level_start = parent_start;
        }
        Self { nodes }
    }

    /// Builds the tree over `count` rows, `row(i, buffer)` filling row `i` into `buffer`.
    pub fn from_rows<R>(count: usize, width: usize, row: R) -> Self
    where
        R: Fn(usize, &mut Vec<Felt>) + Sync + Send,
    {
        let mut leaves = vec![[0u8; 32]; count];
        let chunk = parallel::chunk_size(count, 256);
        parallel::for_each_chunk_mut(&mut leaves, chunk, |c, out| {
            let mut buffer = Vec::with_capacity(width);
            let mut bytes = Vec::with_capacity(1 + width * 32);
            for (k, leaf) in out.iter_mut().enumerate() {
                buffer.clear();
                row(c * chunk + k, &mut buffer);
                *leaf = hash_leaf_with(&buffer, &mut bytes);
            }
        });
        Self::from_leaf_hashes(leaves)
    }

    pub fn root(&self) -> Hash {
        self.nodes[1]
    }

    pub fn leaf_count(&self) -> usize {
        self.nodes.len() / 2
    }

    /// Sibling hashes needed to recompute the root from the leaves at `indices` (sorted,
    /// unique), in the order `verify_batch` consumes them.
    pub fn prove_batch(&self, indices: &[usize]) -> Vec<Hash> {
        let n = self.leaf_count();
        let mut level: Vec<usize> = indices.iter().map(|i| i + n).collect();
        let mut proof = Vec::new();
        while level.first().is_some_and(|&i| i > 1) {
            let mut next = Vec::with_capacity(level.len());
            let mut k = 0;
            while k < level.len() {
                let i = level[k];
                if i.is_multiple_of(2) && level.get(k + 1) == Some(&(i + 1)) {
                    k += 2;
                } else {
                    proof.push(self.nodes[i ^ 1]);
                    k += 1;
                }
                next.push(i / 2);
            }
            level = next;
        }
        proof
    }
}

/// Why a batch opening does not check out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MerkleError {
    /// Indices not sorted, not unique, out of range, or no index at all.
    BadIndices,
    /// The proof has too few or too many sibling hashes.
    WrongProofLength,
    /// The recomputed root differs from the commitment.
    RootMismatch,
}

/// Checks that `leaves[k]` is the leaf at `indices[k]` of a tree with `leaf_count` leaves and
/// root `root`. Indices must be sorted and unique.
pub fn verify_batch(
    root: &Hash,
    leaf_count: usize,
    indices: &[usize],
    leaves: &[Hash],
    proof: &[Hash],
) -> Result<(), MerkleError> {
    if indices.is_empty()
        || indices.len() != leaves.len()
        || !leaf_count.is_power_of_two()
        || indices.windows(2).any(|w| w[0] >= w[1])
        || indices.last().is_some_and(|&i| i >= leaf_count)
    {
        return Err(MerkleError::BadIndices);
    }
    let mut level: Vec<(usize, Hash)> =
        indices.iter().zip(leaves.iter()).map(|(i, h)| (i + leaf_count, *h)).collect();
    let mut siblings = proof.iter();
    while level[0].0 > 1 {
        let mut next = Vec::with_capacity(level.len());
        let mut k = 0;
        while k < level.len() {
            let (i, h) = level[k];
            let parent = if i % 2 == 0 && level.get(k + 1).is_some_and(|(j, _)| *j == i + 1) {
                let right = level[k + 1].1;
                k += 2;
                hash_node(&h, &right)
            } else {
                let sibling = siblings.next().ok_or(MerkleError::WrongProofLength)?;
                k += 1;
                if i % 2 == 0 { hash_node(&h, sibling) } else { hash_node(sibling, &h) }
            };
            next.push((i / 2, parent));
        }
        level = next;
    }
    if siblings.next().is_some() {
        return Err(MerkleError::WrongProofLength);
    }
    if level[0].1 != *root {
        return Err(MerkleError::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tree(n: usize) -> (MerkleTree, Vec<Hash>) {
        let leaves: Vec<Hash> = (0..n).map(|i| hash_leaf(&[Felt::from(i as u64)])).collect();
        (MerkleTree::from_leaf_hashes(leaves.clone()), leaves)
    }

    proptest! {
        #[test]
        fn batch_openings_verify(log_size in 0u32..8, picks in proptest::collection::btree_set(0usize..256, 1..20)) {
            let n = 1usize << log_size;
            let (t, leaves) = tree(n);
            let indices: Vec<usize> = picks.into_iter().filter(|i| *i < n).collect();
            prop_assume!(!indices.is_empty());
            let opened: Vec<Hash> = indices.iter().map(|i| leaves[*i]).collect();
            let proof = t.prove_batch(&indices);
            prop_assert_eq!(verify_batch(&t.root(), n, &indices, &opened, &proof), Ok(()));
            // Any wrong leaf breaks it.
            let mut bad = opened.clone();
            bad[0][0] ^= 1;
            prop_assert!(verify_batch(&t.root(), n, &indices, &bad, &proof).is_err());
            // Any flipped sibling breaks it.
            if !proof.is_empty() {
                let mut bad_proof = proof.clone();
                bad_proof[0][5] ^= 0x10;
                prop_assert!(verify_batch(&t.root(), n, &indices, &opened, &bad_proof).is_err());
            }
        }
    }

    #[test]
    fn rejects_extra_and_missing_siblings_and_bad_indices() {
        let (t, leaves) = tree(16);
        let idx = [3usize, 9];
        let opened = [leaves[3], leaves[9]];
        let mut proof = t.prove_batch(&idx);
        assert!(verify_batch(&t.root(), 16, &idx, &opened, &proof).is_ok());
        proof.push([0; 32]);
        assert_eq!(
            verify_batch(&t.root(), 16, &idx, &opened, &proof),
            Err(MerkleError::WrongProofLength)
        );
        proof.pop();
        proof.pop();
        assert_eq!(
            verify_batch(&t.root(), 16, &idx, &opened, &proof),
            Err(MerkleError::WrongProofLength)
        );
        assert_eq!(
            verify_batch(&t.root(), 16, &[9, 3], &opened, &proof),
            Err(MerkleError::BadIndices)
        );
        assert_eq!(
            verify_batch(&t.root(), 16, &[3, 16], &opened, &proof),
            Err(MerkleError::BadIndices)
        );
    }
}
