//! One Merkle commitment to the columns of several tables of different heights: every
//! component's main columns in one tree, their auxiliary columns in another, their composition
//! columns in a third. A proof then carries three batched paths instead of three per component.
//!
//! A table of `2^k` rows is injected at depth `k` of a tree of height `H` (the tallest table).
//! Node `j` at depth `k` has the children `j` and `j + 2^k` at depth `k + 1`, so the ancestor at
//! depth `k` of leaf `q` is node `q mod 2^k`: exactly the row at which a component of `2^k`
//! evaluation points is opened for the query `q` (FRI folds the point of index `q` onto index
//! `q mod 2^k`, see `protocol::component_positions`). Hashes, Blake3 with a tag byte:
//! * a leaf (depth `H`): the tag `0` and the row of every table of height `H`;
//! * a node at a depth without tables: the tag `1` and its two children;
//! * a node at a depth with tables: the tag `2`, its two children, then the row of every table
//!   of that height.
//!
//! Tables of the same height form one row, in the order given. Rows are field elements in
//! their canonical 32 bytes, as in [`crate::merkle`].

use crate::field::{Felt, felt_hash_bytes};
use crate::merkle::{Hash, MerkleError, hash_leaf_with, hash_node};

const MIXED_TAG: u8 = 2;

/// A node at a depth with tables: its children, then the tables' row.
fn hash_mixed(left: &Hash, right: &Hash, row: &[Felt], bytes: &mut Vec<u8>) -> Hash {
    bytes.clear();
    bytes.push(MIXED_TAG);
    bytes.extend_from_slice(left);
    bytes.extend_from_slice(right);
    for x in row {
        felt_hash_bytes(x, bytes);
    }
    *blake3::hash(bytes).as_bytes()
}

/// The tables at each depth: `layers[k]` lists the tables of `2^k` rows, in the order given.
fn layers(heights: &[u32]) -> Vec<Vec<usize>> {
    let height = heights.iter().copied().max().unwrap_or(0) as usize;
    let mut layers = vec![Vec::new(); height + 1];
    for (table, h) in heights.iter().enumerate() {
        layers[*h as usize].push(table);
    }
    layers
}

/// The positions of `queries` at depth `k`: `q mod 2^k`, sorted, without repeats.
fn positions_at(queries: &[usize], depth: usize) -> Vec<usize> {
    let mut positions: Vec<usize> = queries.iter().map(|q| q & ((1 << depth) - 1)).collect();
    positions.sort_unstable();
    positions.dedup();
    positions
}

/// The row of every table in `tables` at `index`, into `row`.
fn read_layer<R>(tables: &[usize], index: usize, read: &R, row: &mut Vec<Felt>)
where
    R: Fn(usize, usize, &mut Vec<Felt>),
{
    row.clear();
    for table in tables {
        read(*table, index, row);
    }
}

/// Levels of a tree below its stored ones: the lowest three levels hold seven eighths of the
/// nodes, and an opening needs only a few of them, so [`MixedTree`] recomputes them from the
/// rows when it opens instead of keeping them.
#[cfg(feature = "prover")]
const UNSTORED_LEVELS: usize = 3;

/// The tree, every node down to depth `height - 3` kept: `levels[k]` holds the `2^k` nodes at
/// depth `k`. Deeper nodes are recomputed from the tables' rows, so the rows must stay
/// available (the same `read`) until the tree is opened.
#[cfg(feature = "prover")]
pub struct MixedTree {
    layers: Vec<Vec<usize>>,
    levels: Vec<Vec<Hash>>,
}

/// Hashes node `j` at `depth` from the rows beneath it.
#[cfg(feature = "prover")]
fn subtree<R>(
    layers: &[Vec<usize>],
    depth: usize,
    j: usize,
    read: &R,
    row: &mut Vec<Felt>,
    bytes: &mut Vec<u8>,
) -> Hash
where
    R: Fn(usize, usize, &mut Vec<Felt>),
{
    let tables = &layers[depth];
    if depth + 1 == layers.len() {
        read_layer(tables, j, read, row);
        return hash_leaf_with(row, bytes);
    }
    let left = subtree(layers, depth + 1, j, read, row, bytes);
    let right = subtree(layers, depth + 1, j + (1 << depth), read, row, bytes);
    if tables.is_empty() {
        hash_node(&left, &right)
    } else {
        read_layer(tables, j, read, row);
        hash_mixed(&left, &right, row, bytes)
    }
}

#[cfg(feature = "prover")]
impl MixedTree {
    /// The tree over tables of `2^heights[t]` rows each (at least one table). `read(t, j, row)`
    /// appends row `j` of table `t` to `row`.
    pub fn new<R>(heights: &[u32], read: R) -> Self
    where
        R: Fn(usize, usize, &mut Vec<Felt>) + Sync,
    {
        use crate::parallel;
        assert!(!heights.is_empty(), "a tree needs a table");
        let layers = layers(heights);
        let lowest = (layers.len() - 1).saturating_sub(UNSTORED_LEVELS);
        let mut levels: Vec<Vec<Hash>> = Vec::with_capacity(lowest + 1);
        for depth in (0..=lowest).rev() {
            let tables = &layers[depth];
            let children = levels.last();
            let mut nodes = vec![[0u8; 32]; 1 << depth];
            let chunk = parallel::chunk_size(nodes.len(), 64);
            parallel::for_each_chunk_mut(&mut nodes, chunk, |c, out| {
                let mut row = Vec::new();
                let mut bytes = Vec::new();
                for (k, node) in out.iter_mut().enumerate() {
                    let j = c * chunk + k;
                    *node = match children {
                        None => subtree(&layers, depth, j, &read, &mut row, &mut bytes),
                        Some(children) => {
                            let (left, right) = (&children[j], &children[j + (1 << depth)]);
                            if tables.is_empty() {
                                hash_node(left, right)
                            } else {
                                read_layer(tables, j, &read, &mut row);
                                hash_mixed(left, right, &row, &mut bytes)
                            }
                        }
                    };
                }
            });
            levels.push(nodes);
        }
        levels.reverse();
        Self { layers, levels }
    }

    pub fn root(&self) -> Hash {
        self.levels[0][0]
    }

    /// The sibling hashes that [`verify_mixed`] needs for `queries` (indices in any domain at
    /// least as large as the tallest table), in the order it consumes them. `read` must give
    /// the rows the tree was built over.
    pub fn prove<R>(&self, queries: &[usize], read: R) -> Vec<Hash>
    where
        R: Fn(usize, usize, &mut Vec<Felt>),
    {
        let height = self.layers.len() - 1;
        let (mut row, mut bytes) = (Vec::new(), Vec::new());
        let mut node = |depth: usize, j: usize| match self.levels.get(depth) {
            Some(level) => level[j],
            None => subtree(&self.layers, depth, j, &read, &mut row, &mut bytes),
        };
        let mut proof = Vec::new();
        let mut known = positions_at(queries, height);
        for depth in (0..height).rev() {
            let parents = positions_at(&known, depth);
            for j in &parents {
                for child in [*j, j + (1 << depth)] {
                    if known.binary_search(&child).is_err() {
                        proof.push(node(depth + 1, child));
                    }
                }
            }
            known = parents;
        }
        proof
    }
}

/// Checks the rows of tables of `2^heights[t]` rows at `queries` against `root`.
/// `read(t, i, row)` appends the `i`-th opened row of table `t`: its row at the `i`-th smallest
/// position `q mod 2^heights[t]` of the queries (no repeats). The caller checks beforehand that
/// every table has a row for each of its positions.
pub fn verify_mixed<R>(
    root: &Hash,
    heights: &[u32],
    queries: &[usize],
    read: R,
    proof: &[Hash],
) -> Result<(), MerkleError>
where
    R: Fn(usize, usize, &mut Vec<Felt>),
{
    if heights.is_empty() || queries.is_empty() {
        return Err(MerkleError::BadIndices);
    }
    let layers = layers(heights);
    let height = layers.len() - 1;
    let (mut row, mut bytes) = (Vec::new(), Vec::new());
    let mut level: Vec<(usize, Hash)> = positions_at(queries, height)
        .into_iter()
        .enumerate()
        .map(|(i, j)| {
            read_layer(&layers[height], i, &read, &mut row);
            (j, hash_leaf_with(&row, &mut bytes))
        })
        .collect();
    let mut siblings = proof.iter();
    for depth in (0..height).rev() {
        let known: Vec<usize> = level.iter().map(|(j, _)| *j).collect();
        let parents = positions_at(&known, depth);
        let tables = &layers[depth];
        let mut next = Vec::with_capacity(parents.len());
        for (i, j) in parents.into_iter().enumerate() {
            let mut child = |index: usize| match known.binary_search(&index) {
                Ok(k) => Ok(level[k].1),
                Err(_) => siblings.next().copied().ok_or(MerkleError::WrongProofLength),
            };
            let left = child(j)?;
            let right = child(j + (1 << depth))?;
            let node = if tables.is_empty() {
                hash_node(&left, &right)
            } else {
                read_layer(tables, i, &read, &mut row);
                hash_mixed(&left, &right, &row, &mut bytes)
            };
            next.push((j, node));
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

#[cfg(all(test, feature = "prover"))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Tables of the given heights and widths with distinct values.
    fn tables(shapes: &[(u32, usize)]) -> Vec<Vec<Vec<Felt>>> {
        shapes
            .iter()
            .enumerate()
            .map(|(t, (h, w))| {
                (0..1usize << h)
                    .map(|j| {
                        (0..*w).map(|c| Felt::from((t * 1_000_000 + j * 100 + c) as u64)).collect()
                    })
                    .collect()
            })
            .collect()
    }

    /// The opened rows of each table at its positions.
    fn opened(
        tables: &[Vec<Vec<Felt>>],
        heights: &[u32],
        queries: &[usize],
    ) -> Vec<Vec<Vec<Felt>>> {
        tables
            .iter()
            .zip(heights)
            .map(|(rows, h)| {
                positions_at(queries, *h as usize).iter().map(|j| rows[*j].clone()).collect()
            })
            .collect()
    }

    fn check(
        root: &Hash,
        heights: &[u32],
        queries: &[usize],
        rows: &[Vec<Vec<Felt>>],
        proof: &[Hash],
    ) -> Result<(), MerkleError> {
        verify_mixed(root, heights, queries, |t, i, row| row.extend_from_slice(&rows[t][i]), proof)
    }

    proptest! {
        #[test]
        fn mixed_openings_verify_and_bind_every_value(
            shapes in proptest::collection::vec((0u32..7, 1usize..4), 1..5),
            picks in proptest::collection::vec(0usize..1024, 1..12),
            flip in 0usize..64,
        ) {
            let heights: Vec<u32> = shapes.iter().map(|s| s.0).collect();
            let data = tables(&shapes);
            let tree = MixedTree::new(&heights, |t, j, row| row.extend_from_slice(&data[t][j]));
            let rows = opened(&data, &heights, &picks);
            let proof = tree.prove(&picks, |t, j, row| row.extend_from_slice(&data[t][j]));
            prop_assert_eq!(check(&tree.root(), &heights, &picks, &rows, &proof), Ok(()));
            // Any changed value breaks it.
            let mut bad = rows.clone();
            let t = flip % bad.len();
            let i = flip % bad[t].len();
            let c = flip % bad[t][i].len();
            bad[t][i][c] += Felt::one();
            prop_assert!(check(&tree.root(), &heights, &picks, &bad, &proof).is_err());
            // Any changed sibling breaks it, and so does a missing or an extra one.
            if !proof.is_empty() {
                let mut bad_proof = proof.clone();
                bad_proof[flip % proof.len()][3] ^= 0x40;
                prop_assert!(check(&tree.root(), &heights, &picks, &rows, &bad_proof).is_err());
                prop_assert_eq!(
                    check(&tree.root(), &heights, &picks, &rows, &proof[1..]),
                    Err(MerkleError::WrongProofLength)
                );
            }
            let mut long = proof.clone();
            long.push([0; 32]);
            prop_assert_eq!(
                check(&tree.root(), &heights, &picks, &rows, &long),
                Err(MerkleError::WrongProofLength)
            );
        }
    }

    /// With one table the tree is a plain Merkle tree whose children are `j` and `j + 2^k`:
    /// the root is that of the heap-ordered tree over the bit-reversed leaves.
    #[test]
    fn one_table_is_a_merkle_tree_over_bit_reversed_leaves() {
        let data = tables(&[(4, 2)]);
        let tree = MixedTree::new(&[4], |_, j, row| row.extend_from_slice(&data[0][j]));
        let leaves: Vec<Hash> = (0..16usize)
            .map(|t| crate::merkle::hash_leaf(&data[0][t.reverse_bits() >> 60]))
            .collect();
        assert_eq!(tree.root(), crate::merkle::MerkleTree::from_leaf_hashes(leaves).root());
    }

    /// Rows claimed for another height, or two tables of the same height in the other order,
    /// do not verify.
    #[test]
    fn rows_are_bound_to_their_table() {
        let heights = [5, 5, 3];
        let data = tables(&[(5, 1), (5, 1), (3, 1)]);
        let tree = MixedTree::new(&heights, |t, j, row| row.extend_from_slice(&data[t][j]));
        let queries = [9usize, 30];
        let proof = tree.prove(&queries, |t, j, row| row.extend_from_slice(&data[t][j]));
        let rows = opened(&data, &heights, &queries);
        assert_eq!(check(&tree.root(), &heights, &queries, &rows, &proof), Ok(()));
        assert!(check(&tree.root(), &[5, 5, 5], &queries, &rows, &proof).is_err());
        let swapped = vec![rows[1].clone(), rows[0].clone(), rows[2].clone()];
        assert!(check(&tree.root(), &heights, &queries, &swapped, &proof).is_err());
    }
}
