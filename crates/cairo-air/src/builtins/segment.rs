//! What every builtin table shares: the rows cover the segment's instances in order, and each
//! row's cells are memory accesses whose running product is the table's memory claim (see
//! [`crate::builtins`] for why this ties the table to the run).
//!
//! For a segment `[begin, stop)` of instances of `cells` cells, with the row's base address in
//! column `address` and cell `k`'s value in `values[k]`:
//! * first address `begin`; each next address the same (padding) or `+cells`; last address
//!   `stop - cells`;
//! * auxiliary columns `0..cells` hold the running product of `z - (address + k + alpha v_k)`
//!   over rows and cells (first row: its first factor; within a row: one factor per column;
//!   across rows: the previous row's last column times the next row's first factor). The last
//!   column's final value is the claim.

use stark::{ConstraintBuilder, Felt, Frame, TraceTable, parallel, running_products};

use crate::layout::{CHALLENGE_MEM_ALPHA, CHALLENGE_MEM_Z};

/// The shared constraints of one builtin table.
pub struct SegmentRule {
    name: &'static str,
    cells: usize,
    address: usize,
    values: Vec<usize>,
    begin: Felt,
    last: Felt,
}

impl SegmentRule {
    /// `values[k]` is the main column of cell `k`; `stop - begin` is a positive multiple of
    /// `values.len()`.
    pub fn new(
        name: &'static str,
        begin: u64,
        stop: u64,
        address: usize,
        values: Vec<usize>,
    ) -> Self {
        let cells = values.len();
        Self {
            name,
            cells,
            address,
            values,
            begin: Felt::from(begin),
            last: Felt::from(stop - cells as u64),
        }
    }

    /// Number of instances of a segment.
    pub fn instances(begin: u64, stop: u64, cells: usize) -> usize {
        ((stop - begin) / cells as u64) as usize
    }

    /// Cell `k`'s factor `z - (address + k + alpha v_k)`, with `column(c)` the row's value in
    /// main column `c`.
    fn factor<'a>(
        &self,
        column: impl Fn(usize) -> &'a Felt,
        k: usize,
        challenges: &[Felt],
    ) -> Felt {
        let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
        z - (column(self.address) + Felt::from(k as u64) + alpha * column(self.values[k]))
    }

    /// The shared constraints.
    pub fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let (c, nx, a, an) = (f.main_current, f.main_next, f.aux_current, f.aux_next);
        let n = self.name;
        let step = nx[self.address] - c[self.address];
        b.first_row(
            format_args!("{n}: first address is the segment begin"),
            c[self.address] - self.begin,
        );
        b.transition(
            format_args!("{n}: addresses step by 0 or {}", self.cells),
            step * (step - Felt::from(self.cells as u64)),
        );
        b.last_row(
            format_args!("{n}: last address is the segment's last instance"),
            c[self.address] - self.last,
        );
        b.first_row(
            format_args!("{n}: memory product starts"),
            a[0] - self.factor(|i| &c[i], 0, challenges),
        );
        for k in 1..self.cells {
            b.every_row(
                format_args!("{n}: memory product, cell {k}"),
                a[k] - a[k - 1] * self.factor(|i| &c[i], k, challenges),
            );
        }
        b.transition(
            format_args!("{n}: memory product across rows"),
            an[0] - a[self.cells - 1] * self.factor(|i| &nx[i], 0, challenges),
        );
    }

    /// The auxiliary product columns (`cells` of them).
    pub fn build_aux(&self, main: &TraceTable, challenges: &[Felt]) -> Vec<Vec<Felt>> {
        let (n, cells) = (main.length(), self.cells);
        // The factors in row-major order, then their running product.
        let mut products = parallel::map_range(n * cells, |i| {
            let r = i / cells;
            self.factor(|c| main.get(r, c), i % cells, challenges)
        });
        running_products(&mut products);
        parallel::map_range(cells, |k| (0..n).map(|r| products[cells * r + k]).collect())
    }

    /// The claim column (the last product column).
    pub fn claim_column(&self) -> usize {
        self.cells - 1
    }
}
