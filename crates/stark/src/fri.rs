//! FRI: proves that committed evaluations on `h * <w>` come from a polynomial of low degree.
//!
//! Each fold halves the domain: `f'(x^2) = (f(x) + f(-x))/2 + beta (f(x) - f(-x)) / (2x)`,
//! with a fresh `beta` per fold. Two folds share one commitment: a layer on a domain of size
//! `N_l` has leaves `p < N_l/4` holding `f` at indices `p, p + N_l/4, p + N_l/2, p + 3N_l/4`
//! (the points `x, ix, -x, -ix`), which is exactly what the verifier needs to fold twice. With
//! an odd number of folds the last layer folds once (leaves of 2). After the last fold the
//! polynomial is sent as coefficients.

use crate::error::VerifierError;
use crate::fft::{Twiddles, interpolate_on_coset};
use crate::field::Felt;
use crate::merkle::{Hash, MerkleTree, hash_leaf, verify_batch};
use crate::parallel;
use crate::proof::Opening;
use crate::transcript::Transcript;

/// Number of folds for a trace of `2^log_n` rows.
pub fn num_folds(log_n: u32, log_final_degree: u32) -> u32 {
    log_n.saturating_sub(log_final_degree)
}

/// Folds per committed layer, layer by layer (4-ary layers fold twice).
pub fn layer_folds(log_n: u32, log_final_degree: u32) -> Vec<u32> {
    let folds = num_folds(log_n, log_final_degree);
    let mut layers = vec![2; (folds / 2) as usize];
    if folds % 2 == 1 {
        layers.push(1);
    }
    layers
}

/// Folds one pair. `x_inv` is the inverse of the pair's first point.
pub fn fold_pair(f_x: &Felt, f_minus_x: &Felt, beta: &Felt, x_inv: &Felt, half: &Felt) -> Felt {
    let sum = f_x + f_minus_x;
    let diff = f_x - f_minus_x;
    (sum + beta * x_inv * diff) * half
}

fn fold_once(values: &[Felt], beta: &Felt, offset: &Felt, generator: &Felt) -> Vec<Felt> {
    let half_len = values.len() / 2;
    let half = Felt::from(2u64).inv().expect("2 is invertible");
    let offset_inv = offset.inv().expect("non-zero");
    let generator_inv = generator.inv().expect("non-zero");
    let mut out = vec![Felt::zero(); half_len];
    let chunk = parallel::chunk_size(half_len, 1 << 10);
    parallel::for_each_chunk_mut(&mut out, chunk, |c, slice| {
        let start = c * chunk;
        let mut x_inv = offset_inv * generator_inv.pow(start as u64);
        for (k, v) in slice.iter_mut().enumerate() {
            let p = start + k;
            *v = fold_pair(&values[p], &values[p + half_len], beta, &x_inv, &half);
            x_inv *= generator_inv;
        }
    });
    out
}

/// Leaf `p` of a layer folding `folds` times: indices `p + j N / 2^folds`.
fn leaf_indices(p: usize, len: usize, folds: u32) -> impl Iterator<Item = usize> {
    let arity = 1usize << folds;
    (0..arity).map(move |j| p + j * (len / arity))
}

fn commit_layer(values: &[Felt], folds: u32) -> MerkleTree {
    let leaves = values.len() >> folds;
    MerkleTree::from_rows(leaves, 1 << folds, |p, row| {
        row.extend(leaf_indices(p, values.len(), folds).map(|i| values[i]));
    })
}

/// The prover's committed layers.
pub struct FriCommitment {
    layers: Vec<(Vec<Felt>, u32, MerkleTree)>,
    pub final_coefficients: Vec<Felt>,
}

/// Commits to the layers, drawing one folding challenge per fold from the transcript.
/// `None` if the last layer is not of the claimed degree (the input was not low-degree).
pub fn commit(
    evaluations: Vec<Felt>,
    log_n: u32,
    log_blowup: u32,
    log_final_degree: u32,
    offset: &Felt,
    generator: &Felt,
    transcript: &mut Transcript,
) -> Option<FriCommitment> {
    let plan = layer_folds(log_n, log_final_degree);
    let mut layers = Vec::with_capacity(plan.len());
    let mut values = evaluations;
    let mut offset = *offset;
    let mut generator = *generator;
    for folds in plan {
        let tree = commit_layer(&values, folds);
        transcript.absorb(b"fri layer", &tree.root());
        let mut next = None;
        for _ in 0..folds {
            let beta = transcript.challenge_felt();
            let source = next.as_ref().unwrap_or(&values);
            let folded = fold_once(source, &beta, &offset, &generator);
            next = Some(folded);
            offset = offset.square();
            generator = generator.square();
        }
        layers.push((values, folds, tree));
        values = next.expect("a layer folds at least once");
    }
    // The remaining polynomial has degree < 2^(log_n - folds); send its coefficients.
    let remaining = log_n - num_folds(log_n, log_final_degree);
    let twiddles = Twiddles::new(remaining + log_blowup);
    interpolate_on_coset(&mut values, &offset, &twiddles, false);
    let degree_bound = 1usize << remaining;
    if values[degree_bound..].iter().any(|c| *c != Felt::zero()) {
        return None;
    }
    values.truncate(degree_bound);
    transcript.absorb_felts(b"fri final", &values);
    Some(FriCommitment { layers, final_coefficients: values })
}

impl FriCommitment {
    pub fn roots(&self) -> Vec<Hash> {
        self.layers.iter().map(|(_, _, t)| t.root()).collect()
    }

    /// Openings for the queried LDE indices (sorted, unique), one per layer.
    pub fn open(&self, queries: &[usize]) -> Vec<Opening> {
        let mut indices = queries.to_vec();
        let mut out = Vec::with_capacity(self.layers.len());
        for (values, folds, tree) in &self.layers {
            let leaves = values.len() >> folds;
            let mut positions: Vec<usize> = indices.iter().map(|i| i % leaves).collect();
            positions.sort_unstable();
            positions.dedup();
            let rows = positions
                .iter()
                .map(|&p| leaf_indices(p, values.len(), *folds).map(|i| values[i]).collect())
                .collect();
            out.push(Opening { rows, merkle_proof: tree.prove_batch(&positions) });
            indices = positions;
        }
        out
    }
}

/// Everything the FRI verifier needs besides the openings.
pub struct FriParameters<'a> {
    pub log_n: u32,
    pub log_blowup: u32,
    pub log_final_degree: u32,
    pub offset: &'a Felt,
    pub generator: &'a Felt,
    /// One challenge per fold.
    pub betas: &'a [Felt],
    pub roots: &'a [Hash],
    pub final_coefficients: &'a [Felt],
}

/// Checks the FRI openings for queries at LDE indices `queries` (sorted, unique) whose layer-0
/// values are `values` (computed by the caller from the trace openings).
pub fn verify(
    params: &FriParameters<'_>,
    queries: &[usize],
    values: &[Felt],
    openings: &[Opening],
) -> Result<(), VerifierError> {
    let half_inv = Felt::from(2u64).inv().expect("2 is invertible");
    let plan = layer_folds(params.log_n, params.log_final_degree);
    if openings.len() != plan.len() || params.roots.len() != plan.len() {
        return Err(VerifierError::Malformed("number of FRI layers".into()));
    }
    let mut size = 1usize << (params.log_n + params.log_blowup);
    let mut offset = *params.offset;
    let mut generator = *params.generator;
    let mut betas = params.betas.iter();
    let mut current: Vec<(usize, Felt)> =
        queries.iter().cloned().zip(values.iter().cloned()).collect();
    for (layer, (opening, folds)) in openings.iter().zip(plan).enumerate() {
        let arity = 1usize << folds;
        let leaves = size / arity;
        let mut positions: Vec<usize> = current.iter().map(|(i, _)| i % leaves).collect();
        positions.sort_unstable();
        positions.dedup();
        if opening.rows.len() != positions.len() || opening.rows.iter().any(|r| r.len() != arity) {
            return Err(VerifierError::Malformed(format!("FRI layer {layer} opening shape")));
        }
        let hashes: Vec<Hash> = opening.rows.iter().map(|r| hash_leaf(r)).collect();
        verify_batch(&params.roots[layer], leaves, &positions, &hashes, &opening.merkle_proof)
            .map_err(|_| VerifierError::MerkleMismatch("FRI layer"))?;
        // Each queried value must sit in its slot of the opened leaf.
        for (index, value) in &current {
            let k =
                positions.binary_search(&(index % leaves)).expect("position derived from index");
            if opening.rows[k][index / leaves] != *value {
                return Err(VerifierError::FriMismatch(layer));
            }
        }
        // Fold each leaf `folds` times. Slot j of leaf p is the point x_p * w^(j * leaves).
        let mut next = Vec::with_capacity(positions.len());
        let layer_betas: Vec<&Felt> = (0..folds)
            .map(|_| betas.next())
            .collect::<Option<_>>()
            .ok_or_else(|| VerifierError::Malformed("FRI challenges".into()))?;
        for (p, row) in positions.iter().zip(opening.rows.iter()) {
            let mut slots = row.clone();
            let mut fold_offset = offset;
            let mut fold_generator = generator;
            let mut fold_size = size;
            for beta in &layer_betas {
                let half = slots.len() / 2;
                let mut folded = Vec::with_capacity(half);
                for j in 0..half {
                    // Slot j is at index p + j * leaves of a domain of fold_size points.
                    let x = fold_offset * fold_generator.pow((p + j * leaves) as u64);
                    let x_inv =
                        x.inv().map_err(|_| VerifierError::Malformed("zero point".into()))?;
                    folded.push(fold_pair(&slots[j], &slots[j + half], beta, &x_inv, &half_inv));
                }
                slots = folded;
                fold_offset = fold_offset.square();
                fold_generator = fold_generator.square();
                fold_size /= 2;
            }
            debug_assert_eq!(fold_size, leaves);
            next.push((*p, slots.pop().expect("one value left")));
        }
        for _ in 0..folds {
            offset = offset.square();
            generator = generator.square();
        }
        current = next;
        size = leaves;
    }
    if betas.next().is_some() {
        return Err(VerifierError::Malformed("FRI challenges".into()));
    }
    for (index, value) in &current {
        let x = offset * generator.pow(*index as u64);
        if crate::fft::evaluate_at(params.final_coefficients, &x) != *value {
            return Err(VerifierError::FriFinalMismatch);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fft::{evaluate_at, low_degree_extension};
    use crate::field::{coset_offset, root_of_unity};
    use proptest::prelude::*;

    fn polynomial(degree_bound: usize, seed: u64) -> Vec<Felt> {
        (0..degree_bound as u64)
            .map(|i| Felt::from(seed.wrapping_mul(i + 1) ^ (i << 7)) + Felt::from(i))
            .collect()
    }

    fn evaluations(coefficients: &[Felt], log_blowup: u32) -> Vec<Felt> {
        let log_n = coefficients.len().trailing_zeros();
        low_degree_extension(
            coefficients,
            log_blowup,
            &coset_offset(),
            &Twiddles::new(log_n),
            false,
        )
    }

    proptest! {
        /// Folding evaluations of p = pe(x^2) + x po(x^2) gives evaluations of pe + beta po
        /// on the squared domain: the degree halves.
        #[test]
        fn folding_halves_the_degree(log_n in 1u32..7, seed in any::<u64>(), beta in any::<u64>()) {
            let n = 1usize << log_n;
            let p = polynomial(n, seed);
            let values = evaluations(&p, 1);
            let beta = Felt::from(beta);
            let generator = root_of_unity(log_n + 1);
            let folded = fold_once(&values, &beta, &coset_offset(), &generator);
            let even: Vec<Felt> = p.iter().step_by(2).cloned().collect();
            let odd: Vec<Felt> = p.iter().skip(1).step_by(2).cloned().collect();
            let expected: Vec<Felt> = even.iter().zip(&odd).map(|(e, o)| e + beta * o).collect();
            let offset2 = coset_offset().square();
            let generator2 = generator.square();
            for (i, v) in folded.iter().enumerate() {
                let x = offset2 * generator2.pow(i as u64);
                prop_assert_eq!(*v, evaluate_at(&expected, &x));
            }
        }

        /// Low-degree inputs commit and verify at any query set.
        #[test]
        fn low_degree_inputs_verify(log_n in 2u32..8, log_final in 0u32..4, seed in any::<u64>(), picks in proptest::collection::btree_set(0usize..512, 1..12)) {
            let log_blowup = 1;
            let p = polynomial(1 << log_n, seed);
            let values = evaluations(&p, log_blowup);
            let generator = root_of_unity(log_n + log_blowup);
            let mut transcript = Transcript::new(b"fri test");
            let commitment = commit(values.clone(), log_n, log_blowup, log_final, &coset_offset(), &generator, &mut transcript)
                .expect("low-degree input");
            let queries: Vec<usize> = picks.into_iter().map(|q| q % values.len()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
            let openings = commitment.open(&queries);
            // Replay the verifier's challenges.
            let mut replay = Transcript::new(b"fri test");
            let mut betas = Vec::new();
            for (root, folds) in commitment.roots().iter().zip(layer_folds(log_n, log_final)) {
                replay.absorb(b"fri layer", root);
                betas.extend((0..folds).map(|_| replay.challenge_felt()));
            }
            let roots = commitment.roots();
            let params = FriParameters {
                log_n, log_blowup, log_final_degree: log_final, offset: &coset_offset(), generator: &generator,
                betas: &betas, roots: &roots, final_coefficients: &commitment.final_coefficients,
            };
            let queried: Vec<Felt> = queries.iter().map(|&q| values[q]).collect();
            prop_assert_eq!(verify(&params, &queries, &queried, &openings), Ok(()));
            // A wrong queried value is caught.
            let mut wrong = queried.clone();
            wrong[0] += Felt::one();
            prop_assert!(verify(&params, &queries, &wrong, &openings).is_err());
        }
    }

    /// Evaluations of a polynomial of too high degree cannot end in a low-degree final layer.
    #[test]
    fn high_degree_input_is_refused() {
        let (log_n, log_blowup) = (6u32, 1u32);
        // Degree 2n - 1 on a domain of 2n points: twice the claimed bound.
        let p = polynomial(2 << log_n, 11);
        let values = low_degree_extension(&p, 0, &coset_offset(), &Twiddles::new(log_n + 1), false);
        let generator = root_of_unity(log_n + log_blowup);
        let mut transcript = Transcript::new(b"fri test");
        assert!(
            commit(values, log_n, log_blowup, 2, &coset_offset(), &generator, &mut transcript)
                .is_none()
        );
    }
}
