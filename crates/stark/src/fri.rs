//! FRI: proves that committed evaluations on `h * <w>` come from a polynomial of low degree.
//!
//! Each fold halves the domain: `f'(x^2) = (f(x) + f(-x))/2 + beta (f(x) - f(-x)) / (2x)`,
//! with a fresh `beta` per fold. Two folds share one commitment: a layer on a domain of size
//! `N_l` has leaves `p < N_l/4` holding `f` at indices `p, p + N_l/4, p + N_l/2, p + 3N_l/4`
//! (the points `x, ix, -x, -ix`), which is exactly what the verifier needs to fold twice. With
//! an odd number of folds the last layer folds once (leaves of 2). After the last fold the
//! polynomial is sent as coefficients.
//!
//! Several inputs of different sizes are proven together (batched FRI): the largest ones form
//! the first layer, and each smaller input is added to the folded values at the layer whose
//! domain has its size, so one set of layers and queries covers tables of every length. The
//! inputs are already random linear combinations (the DEEP coefficients), so their sum is low
//! degree only if each is, except with negligible probability.

use std::collections::BTreeMap;

use crate::error::VerifierError;
use crate::fft::{Twiddles, interpolate_on_coset};
use crate::field::Felt;
use crate::merkle::{Hash, MerkleTree, hash_leaf, verify_batch};
use crate::parallel;
use crate::proof::Opening;
use crate::transcript::Transcript;

/// Folds per committed layer, layer by layer. Layers fold twice (4-ary leaves) except where a
/// smaller input must join: a layer then starts exactly at that input's degree bound
/// (`injections` lists their log degree bounds), and the last layer may fold once.
pub fn layer_folds(log_size: u32, log_final_degree: u32, injections: &[u32]) -> Vec<u32> {
    let mut layers = Vec::new();
    let mut log_degree = log_size;
    while log_degree > log_final_degree {
        let next = log_degree - 1;
        let folds = if next > log_final_degree && !injections.contains(&next) { 2 } else { 1 };
        layers.push(folds);
        log_degree -= folds;
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

/// Adds `input` into `values` pointwise.
fn add_into(values: &mut [Felt], input: &[Felt]) {
    let chunk = parallel::chunk_size(values.len(), 1 << 12);
    parallel::for_each_chunk_mut(values, chunk, |c, out| {
        let start = c * chunk;
        for (k, v) in out.iter_mut().enumerate() {
            *v += input[start + k];
        }
    });
}

/// One FRI input: evaluations of a function claimed to have degree below `2^log_degree`, on
/// the domain of size `2^(log_degree + log_blowup)` that the largest input's domain folds to.
pub struct FriInput {
    pub log_degree: u32,
    pub evaluations: Vec<Felt>,
}

/// Commits to the layers, drawing one folding challenge per fold from the transcript. The
/// inputs (largest first, all of degree bound at least `2^log_final_degree`) join the folding
/// where the domain has shrunk to their size: the sum of the largest inputs is the first
/// layer, and a smaller input is added to the folded values at the start of the layer of its
/// size (see [`layer_folds`]). `None` if the last layer is not of the claimed degree (an
/// input was not low-degree).
pub fn commit(
    inputs: Vec<FriInput>,
    log_blowup: u32,
    log_final_degree: u32,
    offset: &Felt,
    generator: &Felt,
    transcript: &mut Transcript,
) -> Option<FriCommitment> {
    let log_size = inputs.first()?.log_degree;
    let injections: Vec<u32> = inputs.iter().map(|i| i.log_degree).collect();
    let plan = layer_folds(log_size, log_final_degree, &injections);
    let mut pending = inputs.into_iter().peekable();
    let mut values = pending.next().expect("checked non-empty").evaluations;
    let mut inject = |values: &mut Vec<Felt>, log_degree: u32| {
        while let Some(input) = pending.next_if(|i| i.log_degree == log_degree) {
            add_into(values, &input.evaluations);
        }
    };
    inject(&mut values, log_size);
    let mut layers = Vec::with_capacity(plan.len());
    let mut offset = *offset;
    let mut generator = *generator;
    let mut log_degree = log_size;
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
        log_degree -= folds;
        inject(&mut values, log_degree);
    }
    if pending.peek().is_some() {
        // An input smaller than the final degree bound or out of order: a caller bug.
        return None;
    }
    // The remaining polynomial has degree < 2^log_degree; send its coefficients.
    let twiddles = Twiddles::new(log_degree + log_blowup);
    interpolate_on_coset(&mut values, &offset, &twiddles, false);
    let degree_bound = 1usize << log_degree;
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
    /// log2 of the largest input's degree bound.
    pub log_size: u32,
    pub log_blowup: u32,
    pub log_final_degree: u32,
    pub offset: &'a Felt,
    pub generator: &'a Felt,
    /// One challenge per fold.
    pub betas: &'a [Felt],
    pub roots: &'a [Hash],
    pub final_coefficients: &'a [Felt],
}

/// The inputs' values at the queried points, computed by the caller from the trace openings:
/// for each input degree bound (log2), the sum of the inputs of that size at each queried
/// index of their domain (the query index modulo the domain size).
pub type QueriedInputs = BTreeMap<u32, BTreeMap<usize, Felt>>;

/// The log degree bounds of the inputs, for [`layer_folds`].
pub fn input_degrees(inputs: &QueriedInputs) -> Vec<u32> {
    inputs.keys().rev().cloned().collect()
}

/// Checks the FRI openings for queries at LDE indices `queries` (sorted, unique) of the
/// largest domain, given the inputs' values there.
pub fn verify(
    params: &FriParameters<'_>,
    queries: &[usize],
    inputs: &QueriedInputs,
    openings: &[Opening],
) -> Result<(), VerifierError> {
    let half_inv = Felt::from(2u64).inv().expect("2 is invertible");
    let plan = layer_folds(params.log_size, params.log_final_degree, &input_degrees(inputs));
    if openings.len() != plan.len() || params.roots.len() != plan.len() {
        return Err(VerifierError::Malformed("number of FRI layers".into()));
    }
    if inputs.keys().next_back() != Some(&params.log_size)
        || inputs.keys().next().is_some_and(|d| *d < params.log_final_degree)
    {
        return Err(VerifierError::Malformed("FRI input sizes".into()));
    }
    let inject = |current: &mut [(usize, Felt)], log_degree: u32| -> Result<(), VerifierError> {
        if let Some(values) = inputs.get(&log_degree) {
            for (index, value) in current.iter_mut() {
                *value += *values
                    .get(index)
                    .ok_or_else(|| VerifierError::Malformed("FRI input at a query".into()))?;
            }
        }
        Ok(())
    };
    let mut size = 1usize << (params.log_size + params.log_blowup);
    let mut log_degree = params.log_size;
    let mut offset = *params.offset;
    let mut generator = *params.generator;
    let mut betas = params.betas.iter();
    let mut current: Vec<(usize, Felt)> = queries.iter().map(|q| (*q, Felt::zero())).collect();
    inject(&mut current, log_degree)?;
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
        log_degree -= folds;
        inject(&mut current, log_degree)?;
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
        let log_size = coefficients.len().trailing_zeros();
        low_degree_extension(
            coefficients,
            log_blowup,
            &coset_offset(),
            &Twiddles::new(log_size),
            false,
        )
    }

    proptest! {
        /// Folding evaluations of p = pe(x^2) + x po(x^2) gives evaluations of pe + beta po
        /// on the squared domain: the degree halves.
        #[test]
        fn folding_halves_the_degree(log_size in 1u32..7, seed in any::<u64>(), beta in any::<u64>()) {
            let n = 1usize << log_size;
            let p = polynomial(n, seed);
            let values = evaluations(&p, 1);
            let beta = Felt::from(beta);
            let generator = root_of_unity(log_size + 1);
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
        fn low_degree_inputs_verify(log_size in 2u32..8, log_final in 0u32..4, seed in any::<u64>(), picks in proptest::collection::btree_set(0usize..512, 1..12)) {
            let log_blowup = 1;
            let p = polynomial(1 << log_size, seed);
            let values = evaluations(&p, log_blowup);
            let generator = root_of_unity(log_size + log_blowup);
            let queries: Vec<usize> = picks.into_iter().map(|q| q % values.len()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
            let inputs = vec![FriInput { log_degree: log_size, evaluations: values }];
            prop_assert_eq!(commit_and_verify(inputs, log_final.min(log_size), &coset_offset(), &generator, &queries, None), Ok(()));
        }

        /// Inputs of several sizes, all low-degree, verify together; making the smallest one
        /// of too high a degree is caught.
        #[test]
        fn mixed_size_inputs_verify(log_size in 3u32..8, drop1 in 1u32..3, drop2 in 0u32..3, seed in any::<u64>(), picks in proptest::collection::btree_set(0usize..512, 1..12)) {
            let log_blowup = 1;
            let log_small = log_size - drop1;
            let log_smaller = log_small.saturating_sub(drop2).max(1);
            let log_final = 0;
            let generator = root_of_unity(log_size + log_blowup);
            let lde = |log: u32, degree_bound: usize, seed: u64| {
                let mut c = polynomial(degree_bound, seed);
                c.resize(1 << (log + log_blowup), Felt::zero());
                low_degree_extension(&c, 0, &Felt::one(), &Twiddles::new(log + log_blowup), false)
            };
            let queries: Vec<usize> = picks.into_iter().map(|q| q % (1 << (log_size + log_blowup))).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
            let inputs = |bad: bool| {
                let mut v = vec![
                    FriInput { log_degree: log_size, evaluations: lde(log_size, 1 << log_size, seed) },
                    FriInput { log_degree: log_small, evaluations: lde(log_small, 1 << log_small, seed ^ 1) },
                ];
                let smallest = if bad { 2 << log_smaller } else { 1 << log_smaller };
                v.push(FriInput { log_degree: log_smaller, evaluations: lde(log_smaller, smallest, seed ^ 2) });
                v
            };
            prop_assert_eq!(commit_and_verify(inputs(false), log_final, &Felt::one(), &generator, &queries, None), Ok(()));
            // A dishonest prover folds the bad input anyway: the final layer is not low-degree.
            prop_assert!(commit_and_verify(inputs(true), log_final, &Felt::one(), &generator, &queries, None).is_err());
        }
    }

    /// Commits `inputs`, opens at `queries` and runs the verifier on their values (plus
    /// `tamper` at the first query of the largest input, if given).
    fn commit_and_verify(
        inputs: Vec<FriInput>,
        log_final: u32,
        offset: &Felt,
        generator: &Felt,
        queries: &[usize],
        tamper: Option<Felt>,
    ) -> Result<(), String> {
        let log_blowup = 1;
        let log_size = inputs[0].log_degree;
        let mut queried = QueriedInputs::new();
        for input in &inputs {
            let size = input.evaluations.len();
            let entry = queried.entry(input.log_degree).or_default();
            let positions: std::collections::BTreeSet<usize> =
                queries.iter().map(|q| q % size).collect();
            for p in positions {
                *entry.entry(p).or_insert(Felt::zero()) += input.evaluations[p];
            }
        }
        if let Some(delta) = tamper {
            *queried.get_mut(&log_size).unwrap().get_mut(&queries[0]).unwrap() += delta;
        }
        let degrees = input_degrees(&queried);
        let mut transcript = Transcript::new(b"fri test");
        let commitment = commit(inputs, log_blowup, log_final, offset, generator, &mut transcript)
            .ok_or("not low degree")?;
        let openings = commitment.open(queries);
        let mut replay = Transcript::new(b"fri test");
        let mut betas = Vec::new();
        for (root, folds) in
            commitment.roots().iter().zip(layer_folds(log_size, log_final, &degrees))
        {
            replay.absorb(b"fri layer", root);
            betas.extend((0..folds).map(|_| replay.challenge_felt()));
        }
        let roots = commitment.roots();
        let params = FriParameters {
            log_size,
            log_blowup,
            log_final_degree: log_final,
            offset,
            generator,
            betas: &betas,
            roots: &roots,
            final_coefficients: &commitment.final_coefficients,
        };
        verify(&params, queries, &queried, &openings).map_err(|e| e.to_string())
    }

    /// A wrong queried value is caught.
    #[test]
    fn wrong_queried_value_is_rejected() {
        let (log_size, log_blowup) = (6u32, 1u32);
        let values = evaluations(&polynomial(1 << log_size, 5), log_blowup);
        let generator = root_of_unity(log_size + log_blowup);
        let inputs = || vec![FriInput { log_degree: log_size, evaluations: values.clone() }];
        let queries = [3usize, 40, 77];
        assert_eq!(
            commit_and_verify(inputs(), 2, &coset_offset(), &generator, &queries, None),
            Ok(())
        );
        assert!(
            commit_and_verify(
                inputs(),
                2,
                &coset_offset(),
                &generator,
                &queries,
                Some(Felt::one())
            )
            .is_err()
        );
    }

    #[test]
    fn layers_start_at_every_input_size() {
        assert_eq!(layer_folds(10, 2, &[10]), vec![2, 2, 2, 2]);
        assert_eq!(layer_folds(10, 2, &[10, 7]), vec![2, 1, 2, 2, 1]);
        assert_eq!(layer_folds(9, 0, &[9, 8, 3]), vec![1, 2, 2, 1, 2, 1]);
        assert_eq!(layer_folds(5, 5, &[5]), Vec::<u32>::new());
    }

    /// Evaluations of a polynomial of too high degree cannot end in a low-degree final layer.
    #[test]
    fn high_degree_input_is_refused() {
        let (log_size, log_blowup) = (6u32, 1u32);
        // Degree 2n - 1 on a domain of 2n points: twice the claimed bound.
        let p = polynomial(2 << log_size, 11);
        let values =
            low_degree_extension(&p, 0, &coset_offset(), &Twiddles::new(log_size + 1), false);
        let generator = root_of_unity(log_size + log_blowup);
        let mut transcript = Transcript::new(b"fri test");
        let inputs = vec![FriInput { log_degree: log_size, evaluations: values }];
        assert!(
            commit(inputs, log_blowup, 2, &coset_offset(), &generator, &mut transcript).is_none()
        );
    }
}
