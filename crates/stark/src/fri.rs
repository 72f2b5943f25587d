//! FRI: proves that committed evaluations on `h * <w>` come from a polynomial of low degree.
//!
//! Layer `l` holds evaluations on `h^(2^l) * <w^(2^l)>` (size `N_l = N >> l`). Its leaf `p` is
//! the pair `(f(x_p), f(-x_p))` with `-x_p = x_(p + N_l/2)`, so one opening serves a fold:
//! `f'(x^2) = (f(x) + f(-x))/2 + beta (f(x) - f(-x)) / (2x)`, stored at index `p` of layer
//! `l + 1`. After the last fold the polynomial is sent as coefficients.

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

/// Folds one pair. `x_inv` is the inverse of the pair's first point.
pub fn fold_pair(f_x: &Felt, f_minus_x: &Felt, beta: &Felt, x_inv: &Felt, half: &Felt) -> Felt {
    let sum = f_x + f_minus_x;
    let diff = f_x - f_minus_x;
    (sum + beta * x_inv * diff) * half
}

fn fold_layer(values: &[Felt], beta: &Felt, offset: &Felt, generator: &Felt) -> Vec<Felt> {
    let half_len = values.len() / 2;
    let half = Felt::from(2u64).inv().expect("2 is invertible");
    let offset_inv = offset.inv().expect("non-zero");
    let generator_inv = generator.inv().expect("non-zero");
    let mut out = vec![Felt::zero(); half_len];
    let chunk = parallel::chunk_size(half_len, 1 << 10);
    parallel::for_each_chunk_mut(&mut out, chunk, |c, slice| {
        let start = c * chunk;
        let mut x_inv = &offset_inv * generator_inv.pow(start as u64);
        for (k, v) in slice.iter_mut().enumerate() {
            let p = start + k;
            *v = fold_pair(&values[p], &values[p + half_len], beta, &x_inv, &half);
            x_inv = &x_inv * &generator_inv;
        }
    });
    out
}

fn commit_layer(values: &[Felt]) -> MerkleTree {
    let half = values.len() / 2;
    MerkleTree::from_rows(half, 2, |p, row| {
        row.push(values[p].clone());
        row.push(values[p + half].clone());
    })
}

/// The prover's committed layers.
pub struct FriCommitment {
    layers: Vec<(Vec<Felt>, MerkleTree)>,
    pub final_coefficients: Vec<Felt>,
}

/// Commits to the layers, drawing one folding challenge per layer from the transcript.
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
    let folds = num_folds(log_n, log_final_degree);
    let mut layers = Vec::with_capacity(folds as usize);
    let mut values = evaluations;
    let mut offset = offset.clone();
    let mut generator = generator.clone();
    for _ in 0..folds {
        let tree = commit_layer(&values);
        transcript.absorb(b"fri layer", &tree.root());
        let beta = transcript.challenge_felt();
        let next = fold_layer(&values, &beta, &offset, &generator);
        layers.push((values, tree));
        values = next;
        offset = offset.square();
        generator = generator.square();
    }
    // The remaining polynomial has degree < 2^(log_n - folds); send its coefficients.
    let log_size = log_n - folds + log_blowup;
    let twiddles = Twiddles::new(log_size);
    interpolate_on_coset(&mut values, &offset, &twiddles, false);
    let degree_bound = 1usize << (log_n - folds);
    if values[degree_bound..].iter().any(|c| *c != Felt::zero()) {
        return None;
    }
    values.truncate(degree_bound);
    transcript.absorb_felts(b"fri final", &values);
    Some(FriCommitment { layers, final_coefficients: values })
}

impl FriCommitment {
    pub fn roots(&self) -> Vec<Hash> {
        self.layers.iter().map(|(_, t)| t.root()).collect()
    }

    /// Openings for the queried LDE indices (sorted, unique), one per layer.
    pub fn open(&self, queries: &[usize]) -> Vec<Opening> {
        let mut indices = queries.to_vec();
        let mut out = Vec::with_capacity(self.layers.len());
        for (values, tree) in &self.layers {
            let half = values.len() / 2;
            let mut pairs: Vec<usize> = indices.iter().map(|i| i % half).collect();
            pairs.sort_unstable();
            pairs.dedup();
            let rows =
                pairs.iter().map(|&p| vec![values[p].clone(), values[p + half].clone()]).collect();
            out.push(Opening { rows, merkle_proof: tree.prove_batch(&pairs) });
            indices = pairs;
        }
        out
    }
}

/// Everything the FRI verifier needs besides the openings.
pub struct FriParameters<'a> {
    pub log_n: u32,
    pub log_blowup: u32,
    pub offset: &'a Felt,
    pub generator: &'a Felt,
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
    let mut size = 1usize << (params.log_n + params.log_blowup);
    let mut offset = params.offset.clone();
    let mut generator = params.generator.clone();
    let mut current: Vec<(usize, Felt)> =
        queries.iter().cloned().zip(values.iter().cloned()).collect();
    for (layer, opening) in openings.iter().enumerate() {
        let half = size / 2;
        let mut pairs: Vec<usize> = current.iter().map(|(i, _)| i % half).collect();
        pairs.sort_unstable();
        pairs.dedup();
        if opening.rows.len() != pairs.len() || opening.rows.iter().any(|r| r.len() != 2) {
            return Err(VerifierError::Malformed(format!("FRI layer {layer} opening shape")));
        }
        let leaves: Vec<Hash> = opening.rows.iter().map(|r| hash_leaf(r)).collect();
        verify_batch(&params.roots[layer], half, &pairs, &leaves, &opening.merkle_proof)
            .map_err(|_| VerifierError::MerkleMismatch("FRI layer"))?;
        // Each queried value must sit in its slot of the opened pair.
        for (index, value) in &current {
            let k = pairs.binary_search(&(index % half)).expect("pair was derived from index");
            let slot = usize::from(*index >= half);
            if opening.rows[k][slot] != *value {
                return Err(VerifierError::FriMismatch(layer));
            }
        }
        let beta = &params.betas[layer];
        let mut next = Vec::with_capacity(pairs.len());
        for (p, row) in pairs.iter().zip(opening.rows.iter()) {
            let x = &offset * generator.pow(*p as u64);
            let x_inv = x.inv().map_err(|_| VerifierError::Malformed("zero point".into()))?;
            next.push((*p, fold_pair(&row[0], &row[1], beta, &x_inv, &half_inv)));
        }
        current = next;
        size = half;
        offset = offset.square();
        generator = generator.square();
    }
    for (index, value) in &current {
        let x = &offset * generator.pow(*index as u64);
        if crate::fft::evaluate_at(params.final_coefficients, &x) != *value {
            return Err(VerifierError::FriFinalMismatch);
        }
    }
    Ok(())
}
