//! Columns extended to the evaluation domain, stored coset by coset (prover side).
//!
//! LDE index `j` is the point `w^j`, on coset `j mod blowup` at position `j / blowup` (see
//! `domain`). Each column keeps its cosets as separate vectors and coset 0, the trace domain
//! itself, is the trace column moved in rather than copied: at blowup 2 the prover holds each
//! committed cell twice (trace and other coset), not three times (trace, then an interleaved
//! extension that contains it again). The composition reads coset 1 contiguously.

use crate::fft::LdePlan;
use crate::field::Felt;
use crate::parallel;

/// Extended columns: `cosets[c][k][i]` is column `c` at LDE index `k + blowup * i`.
pub(crate) struct LdeColumns {
    log_blowup: u32,
    cosets: Vec<Vec<Vec<Felt>>>,
}

impl LdeColumns {
    /// Extends the trace columns (taken by value: they become coset 0). Columns are spread
    /// over threads; with fewer columns than threads to spare, each uses threads inside its
    /// FFTs instead.
    pub fn extend(columns: Vec<Vec<Felt>>, plan: &LdePlan, log_blowup: u32) -> Self {
        let cosets = if columns.len() >= 2 * parallel::num_threads() {
            parallel::map_vec(columns, |c| plan.extend_cosets(c, false))
        } else {
            columns.into_iter().map(|c| plan.extend_cosets(c, true)).collect()
        };
        Self { log_blowup, cosets }
    }

    pub fn width(&self) -> usize {
        self.cosets.len()
    }

    /// Column `c` at LDE index `j`.
    #[cfg(test)]
    pub fn get(&self, c: usize, j: usize) -> &Felt {
        let mask = (1usize << self.log_blowup) - 1;
        &self.cosets[c][j & mask][j >> self.log_blowup]
    }

    /// Every column at LDE index `j`, into `out`.
    #[inline]
    pub fn read_row(&self, j: usize, out: &mut Vec<Felt>) {
        let (k, i) = (j & ((1usize << self.log_blowup) - 1), j >> self.log_blowup);
        out.extend(self.cosets.iter().map(|c| c[k][i]));
    }

    /// Column `c` on coset `k`, natural order.
    pub fn coset(&self, c: usize, k: usize) -> &[Felt] {
        &self.cosets[c][k]
    }

    /// Moves the trace columns (coset 0) out, to lend them as a trace table; give them back
    /// with [`LdeColumns::restore_trace`] before reading the extension again.
    pub fn take_trace(&mut self) -> Vec<Vec<Felt>> {
        self.cosets.iter_mut().map(|c| std::mem::take(&mut c[0])).collect()
    }

    pub fn restore_trace(&mut self, columns: Vec<Vec<Felt>>) {
        assert_eq!(columns.len(), self.cosets.len(), "one trace column per extended column");
        for (cosets, column) in self.cosets.iter_mut().zip(columns) {
            cosets[0] = column;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosets_match_the_interleaved_extension() {
        let (log_size, log_blowup) = (4, 2);
        let columns: Vec<Vec<Felt>> = (0..5u64)
            .map(|c| (0..16u64).map(|i| Felt::from(i * i + 3 * c + 1)).collect())
            .collect();
        let plan = LdePlan::new(log_size, log_blowup, &Felt::one());
        let expected: Vec<Vec<Felt>> = columns.iter().map(|c| plan.extend(c, false)).collect();
        let mut lde = LdeColumns::extend(columns.clone(), &plan, log_blowup);
        for (c, column) in expected.iter().enumerate() {
            for (j, v) in column.iter().enumerate() {
                assert_eq!(lde.get(c, j), v);
            }
            assert_eq!(lde.coset(c, 0), &columns[c][..]);
        }
        let mut row = Vec::new();
        lde.read_row(5, &mut row);
        assert_eq!(row, expected.iter().map(|c| c[5]).collect::<Vec<_>>());
        let trace = lde.take_trace();
        assert_eq!(trace, columns);
        lde.restore_trace(trace);
        assert_eq!(lde.coset(2, 0), &columns[2][..]);
    }
}
