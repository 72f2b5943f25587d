//! Periodic columns: columns of constants that repeat with a power-of-two period, known to
//! both sides (round constants, row selectors, the multiples of a curve point).
//!
//! A column with period `p` over a trace of `n` rows takes the value `c[i mod p]` at row `i`
//! (the point `g^i`). Since `(g^i)^(n/p) = w_p^i` with `w_p = g^(n/p)` a primitive `p`-th root
//! of unity, the column is `Q(x) = q(x^(n/p))` where `q` (degree `< p`) interpolates `c` on
//! `<w_p>`. `Q` has degree at most `(p - 1) n / p < n`, like a trace column, so a constraint
//! that multiplies a periodic column by a trace column has the same degree bound as one that
//! multiplies two trace columns: the engine's degree rules count a periodic column as a trace
//! column.
//!
//! * The prover needs `Q` on the evaluation domain `<w>` (size `n * blowup`): at the point
//!   `w^j`, `x^(n/p) = (w^(n/p))^j` where `w^(n/p)` generates the `p * blowup`-th roots of
//!   unity, so the value is entry `j mod (p * blowup)` of `q`'s extension to that subgroup: a
//!   table of `p * blowup` values per column, whatever `n` is.
//! * The verifier evaluates `q` at `z^(n/p)` (coefficients by one inverse FFT of size `p`).
//! * The debug checker reads `c[row mod p]`.

use crate::fft::{LdePlan, Twiddles, evaluate_at, interpolate_on_coset};
use crate::field::Felt;

/// Whether every column has a power-of-two period of at most `trace_length` rows.
pub(crate) fn shapes_ok(columns: &[Vec<Felt>], trace_length: usize) -> bool {
    columns.iter().all(|c| c.len().is_power_of_two() && c.len() <= trace_length)
}

/// The periodic columns of one component extended to its evaluation domain (prover side).
pub(crate) struct PeriodicLde {
    /// Per column, its values on the `p * blowup`-th roots of unity, in natural order.
    columns: Vec<Vec<Felt>>,
}

impl PeriodicLde {
    /// `columns` must satisfy [`shapes_ok`].
    pub fn new(columns: &[Vec<Felt>], log_blowup: u32) -> Self {
        let columns = columns
            .iter()
            .map(|c| {
                let log_period = c.len().trailing_zeros();
                LdePlan::new(log_period, log_blowup, &Felt::one()).extend(c, false)
            })
            .collect();
        Self { columns }
    }

    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// The values at evaluation-domain index `j` (the point `w^j`), into `out`.
    pub fn read(&self, j: usize, out: &mut Vec<Felt>) {
        out.clear();
        out.extend(self.columns.iter().map(|c| c[j & (c.len() - 1)]));
    }
}

/// The values at an arbitrary point `x` (verifier side): `q(x^(n/p))` per column. `columns`
/// must satisfy [`shapes_ok`].
///
/// By the barycentric formula on the `p`-th roots of unity `w^i`: with `y = x^(n/p)`,
/// `q(y) = (y^p - 1) / p * sum_i c_i w^i / (y - w^i)`. The weights `w^i / (y - w^i)` (one batch
/// inversion) are shared by every column of the same period, so a period-`p` column costs `p`
/// multiplications once its weights are known, instead of an inverse FFT. When `y` is itself
/// a `p`-th root of unity (never at a random point, but at the trace's and the evaluation
/// domain's points) the formula divides by zero and the column is interpolated instead.
pub(crate) fn values_at(columns: &[Vec<Felt>], trace_length: usize, x: &Felt) -> Vec<Felt> {
    let mut weights: Vec<(usize, Option<BarycentricWeights>)> = Vec::new();
    columns
        .iter()
        .map(|c| {
            let period = c.len();
            let y = x.pow((trace_length / period) as u64);
            let known = weights.iter().position(|(p, _)| *p == period);
            let index = known.unwrap_or_else(|| {
                weights.push((period, BarycentricWeights::new(period, &y)));
                weights.len() - 1
            });
            match &weights[index].1 {
                Some(w) => w.evaluate(c),
                None => {
                    let mut coefficients = c.clone();
                    let twiddles = Twiddles::new(period.trailing_zeros());
                    interpolate_on_coset(&mut coefficients, &Felt::one(), &twiddles, false);
                    evaluate_at(&coefficients, &y)
                }
            }
        })
        .collect()
}

/// The barycentric weights of the `p`-th roots of unity at a point `y` outside them.
struct BarycentricWeights {
    /// `w^i / (y - w^i)`.
    weights: Vec<Felt>,
    /// `(y^p - 1) / p`.
    scale: Felt,
}

impl BarycentricWeights {
    /// `None` if `y` is a `p`-th root of unity.
    fn new(period: usize, y: &Felt) -> Option<Self> {
        let vanishing = y.pow(period as u64) - Felt::one();
        if vanishing == Felt::zero() {
            return None;
        }
        let root = crate::field::root_of_unity(period.trailing_zeros());
        let mut powers = Vec::with_capacity(period);
        let mut power = Felt::one();
        for _ in 0..period {
            powers.push(power);
            power *= root;
        }
        let mut weights: Vec<Felt> = powers.iter().map(|w| y - w).collect();
        crate::field::batch_inverse(&mut weights);
        for (weight, w) in weights.iter_mut().zip(&powers) {
            *weight *= w;
        }
        let scale = vanishing * Felt::from(period as u64).inv().expect("p > 0");
        Some(Self { weights, scale })
    }

    fn evaluate(&self, column: &[Felt]) -> Felt {
        let sum = column.iter().zip(&self.weights).fold(Felt::zero(), |acc, (c, w)| acc + c * w);
        sum * self.scale
    }
}

/// The values at trace row `row` (debug checker).
pub(crate) fn values_at_row(columns: &[Vec<Felt>], row: usize, out: &mut Vec<Felt>) {
    out.clear();
    out.extend(columns.iter().map(|c| c[row % c.len()]));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Domain;

    fn column(period: usize) -> Vec<Felt> {
        (0..period as u64).map(|i| Felt::from(i * i + 3)).collect()
    }

    #[test]
    fn extension_agrees_with_the_polynomial_and_the_rows() {
        let log_size = 5;
        let domain = Domain::new(log_size, 1);
        let columns = vec![column(1), column(4), column(32)];
        let lde = PeriodicLde::new(&columns, 1);
        let mut row = Vec::new();
        for j in 0..domain.lde_size() {
            lde.read(j, &mut row);
            let at = values_at(&columns, domain.trace_length(), &domain.lde_point(j));
            assert_eq!(row, at, "LDE index {j}");
            if j % 2 == 0 {
                // Coset 0 is the trace domain: row j / 2.
                let mut expected = Vec::new();
                values_at_row(&columns, j / 2, &mut expected);
                assert_eq!(row, expected);
            }
        }
    }

    #[test]
    fn barycentric_values_match_the_interpolant_off_the_domain() {
        let columns = vec![column(1), column(4), column(32), column(32)];
        for x in [Felt::from(7u64), Felt::from(123_456_789u64), -Felt::from(5u64)] {
            let expected: Vec<Felt> = columns
                .iter()
                .map(|c| {
                    let mut coefficients = c.clone();
                    let twiddles = Twiddles::new(c.len().trailing_zeros());
                    interpolate_on_coset(&mut coefficients, &Felt::one(), &twiddles, false);
                    evaluate_at(&coefficients, &x.pow((64 / c.len()) as u64))
                })
                .collect();
            assert_eq!(values_at(&columns, 64, &x), expected);
        }
    }

    #[test]
    fn shapes() {
        assert!(shapes_ok(&[column(8), column(1)], 8));
        assert!(!shapes_ok(&[column(16)], 8));
        assert!(!shapes_ok(&[column(3)], 8));
        assert!(!shapes_ok(&[Vec::new()], 8));
    }
}
