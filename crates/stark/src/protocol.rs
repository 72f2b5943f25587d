//! What the prover and the verifier share besides the composition: the transcript steps, so
//! both derive the same challenges from the same messages in the same order, the supported
//! trace sizes, the FRI degree bound and the DEEP quotient's formula.

use crate::air::Air;
use crate::domain::Domain;
use crate::field::Felt;
use crate::options::ProofOptions;
use crate::transcript::Transcript;

/// Protocol label; bump on any change to the transcript or proof layout.
pub const PROTOCOL: &[u8] = b"watcher-prover/stark/v3";

/// Smallest supported trace: FRI and the composition need a few rows.
pub const MIN_LOG_TRACE_LENGTH: u32 = 3;
/// Largest supported trace (the evaluation domain must stay addressable and in memory).
pub const MAX_LOG_TRACE_LENGTH: u32 = 26;

/// The smallest FRI degree bound: the options' one, lowered to fit the smallest component.
pub fn effective_log_final_degree(options: &ProofOptions, log_sizes: &[u32]) -> u32 {
    let smallest = log_sizes.iter().cloned().min().unwrap_or(0);
    u32::from(options.log_final_degree).min(smallest)
}

/// Seeds the transcript with the whole statement: AIR name, options, the shape of every
/// component and the public input. Nothing is drawn before this.
pub fn seed_transcript<A: Air + ?Sized>(air: &A, options: &ProofOptions) -> Transcript {
    let mut t = Transcript::new(PROTOCOL);
    t.absorb(b"air", air.name().as_bytes());
    t.absorb(b"options", &options.to_bytes());
    let components = air.components();
    let mut shape = Vec::new();
    shape.extend_from_slice(&(components.len() as u32).to_le_bytes());
    for c in &components {
        shape.extend_from_slice(&c.log_size().to_le_bytes());
        shape.extend_from_slice(&(c.main_width() as u32).to_le_bytes());
        shape.extend_from_slice(&(c.aux_width() as u32).to_le_bytes());
        shape.extend_from_slice(&(c.constraint_kinds().len() as u32).to_le_bytes());
        shape.extend_from_slice(&(c.claim_columns().len() as u32).to_le_bytes());
        shape.extend_from_slice(&(c.periodic_columns().len() as u32).to_le_bytes());
    }
    t.absorb(b"shape", &shape);
    // The periodic columns are part of the statement, like the constraints: bind their values.
    for c in &components {
        let mut values = Vec::new();
        for column in c.periodic_columns() {
            values.extend_from_slice(&(column.len() as u32).to_le_bytes());
            for v in column {
                values.extend_from_slice(&crate::field::felt_to_bytes(v));
            }
        }
        t.absorb(b"periodic", &values);
    }
    t.absorb(b"public input", &air.public_input_bytes());
    t
}

/// Draws the out-of-domain point, resampling in the negligible event that it (or `g z`) falls
/// in the trace domain or the evaluation coset.
pub fn draw_ood_point(t: &mut Transcript, domain: &Domain) -> Felt {
    loop {
        let z = t.challenge_felt();
        let in_trace = z.pow(domain.trace_length() as u64) == Felt::one();
        let shifted = z * domain.offset.inv().expect("non-zero");
        let in_lde = shifted.pow(domain.lde_size() as u64) == Felt::one();
        if !in_trace && !in_lde && z != Felt::zero() {
            return z;
        }
    }
}

/// Out-of-domain values, in the order they are absorbed.
pub struct OodValues<'a> {
    pub main_current: &'a [Felt],
    pub main_next: &'a [Felt],
    pub aux_current: &'a [Felt],
    pub aux_next: &'a [Felt],
    pub composition: &'a Felt,
}

pub fn absorb_ood(t: &mut Transcript, ood: &OodValues<'_>) {
    t.absorb_felts(b"ood main", ood.main_current);
    t.absorb_felts(b"ood main next", ood.main_next);
    t.absorb_felts(b"ood aux", ood.aux_current);
    t.absorb_felts(b"ood aux next", ood.aux_next);
    t.absorb_felts(b"ood composition", std::slice::from_ref(ood.composition));
}

/// Query positions in the evaluation domain, sorted and without repeats.
pub fn draw_queries(t: &mut Transcript, count: usize, lde_size: usize) -> Vec<usize> {
    let mut q: Vec<usize> = (0..count).map(|_| t.challenge_index(lde_size)).collect();
    q.sort_unstable();
    q.dedup();
    q
}

/// DEEP coefficients: for each column (main then aux) one for `z` and one for `g z`, then one
/// for the composition polynomial.
pub struct DeepCoefficients {
    pub at_z: Vec<Felt>,
    pub at_gz: Vec<Felt>,
    pub composition: Felt,
}

/// DEEP coefficients of every component (`widths` holds each one's main + aux width), all
/// powers of one challenge.
pub fn draw_deep_coefficients(t: &mut Transcript, widths: &[usize]) -> Vec<DeepCoefficients> {
    let gamma = t.challenge_felt();
    let total: usize = widths.iter().map(|w| 2 * w + 1).sum();
    let p = crate::field::powers(&gamma, total);
    let mut start = 0;
    widths
        .iter()
        .map(|&columns| {
            let p = &p[start..start + 2 * columns + 1];
            start += 2 * columns + 1;
            DeepCoefficients {
                at_z: p[..columns].to_vec(),
                at_gz: p[columns..2 * columns].to_vec(),
                composition: p[2 * columns],
            }
        })
        .collect()
}

/// The DEEP quotient at one point from the row values there (main then aux), the composition
/// value, and `1/(x - z)`, `1/(x - g z)`.
pub struct DeepPoint<'a> {
    pub row: &'a [Felt],
    pub composition: &'a Felt,
    pub inv_x_minus_z: &'a Felt,
    pub inv_x_minus_gz: &'a Felt,
}

/// `sum_c a_c (t_c(x) - t_c(z)) / (x - z) + b_c (t_c(x) - t_c(gz)) / (x - gz)` plus the
/// composition term; `claims = (A, B)` are the precomputed sums `sum a_c t_c(z) + c H(z)` and
/// `sum b_c t_c(gz)`.
pub fn deep_value(
    coefficients: &DeepCoefficients,
    claims: &(Felt, Felt),
    p: &DeepPoint<'_>,
) -> Felt {
    let mut first = Felt::zero();
    let mut second = Felt::zero();
    for ((t, a), b) in p.row.iter().zip(&coefficients.at_z).zip(&coefficients.at_gz) {
        first += a * t;
        second += b * t;
    }
    let sums = ColumnSums { first, second };
    deep_from_sums(coefficients, claims, &sums, p.composition, p.inv_x_minus_z, p.inv_x_minus_gz)
}

/// A point's sums over columns in [`deep_value`]: `sum a_c t_c(x)` and `sum b_c t_c(x)`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ColumnSums {
    pub first: Felt,
    pub second: Felt,
}

/// [`deep_value`] from the point's [`ColumnSums`], its composition value and the inverses
/// `1 / (x - z)`, `1 / (x - gz)`: the prover computes the sums of many points at once.
pub fn deep_from_sums(
    coefficients: &DeepCoefficients,
    claims: &(Felt, Felt),
    sums: &ColumnSums,
    composition: &Felt,
    inv_x_minus_z: &Felt,
    inv_x_minus_gz: &Felt,
) -> Felt {
    let first = coefficients.composition * composition + sums.first;
    (first - claims.0) * inv_x_minus_z + (sums.second - claims.1) * inv_x_minus_gz
}

/// The constants `(A, B)` of [`deep_value`].
pub fn deep_claims(
    coefficients: &DeepCoefficients,
    at_z: &[Felt],
    at_gz: &[Felt],
    composition_z: &Felt,
) -> (Felt, Felt) {
    let a = at_z
        .iter()
        .zip(&coefficients.at_z)
        .fold(coefficients.composition * composition_z, |acc, (t, c)| acc + t * c);
    let b = at_gz.iter().zip(&coefficients.at_gz).fold(Felt::zero(), |acc, (t, c)| acc + t * c);
    (a, b)
}

/// Query indices of the largest domain mapped to a domain of `lde_size` points: sorted,
/// without repeats.
pub fn component_positions(queries: &[usize], lde_size: usize) -> Vec<usize> {
    let mut positions: Vec<usize> = queries.iter().map(|q| q % lde_size).collect();
    positions.sort_unstable();
    positions.dedup();
    positions
}
