//! The points table: every point a pedersen row may add, with its multiplicity, the table side
//! of the LogUp argument that binds each window of a hash input to its point.
//!
//! An entry is the tuple `(r, v, x, y, lt, eq)` of [`super::points::entries`]: window `r`
//! (`0..64`), its value `v` (`0..256`, or `0..16` for the top 4 bits of an input), the point
//! `(x, y) = H + v B_r`, and `lt`/`eq`, whether `v` is below or equal to the same window of
//! `p - 1`. The entries are fixed, so all six are periodic columns whose period is the whole
//! table ([`LOG_ROWS`] rows): the verifier computes them itself and nothing of them is
//! committed. Rows past the 15,904 entries repeat entry 0, a valid tuple, with multiplicity 0.
//!
//! A tuple enters the argument compressed with `beta` (the memory argument's `alpha`):
//! `c = r + beta v + beta^2 x + beta^3 y + beta^4 lt + beta^5 eq`. Main column:
//! `multiplicity`. Auxiliary: `s` (running sum before the row) and
//! `t = s + multiplicity / (z - c)` with `z` the lookup challenge. Constraints:
//! `(t - s)(z - c) = multiplicity` (every row), `s` starts at 0 (first row), `s' = t`
//! (transition). The claim is the last `t`, which the statement equates with the pedersen
//! table's lookup sum `sum_rows 1 / (z - c_row)`.

use std::sync::OnceLock;

use stark::{
    Component, ConstraintBuilder, ConstraintKind, ConstraintList, Constraints, Felt, Frame,
    TraceTable, batch_inverse,
};

use super::points::entries;
use crate::layout::{CHALLENGE_LOOKUP_Z, CHALLENGE_MEM_ALPHA, N_CHALLENGES};

/// log2 of the table's rows: the 15,904 entries fit in 2^14.
pub const LOG_ROWS: u32 = 14;
pub const MULTIPLICITY: usize = 0;
pub const MAIN_WIDTH: usize = 1;
pub const AUX_S: usize = 0;
pub const AUX_T: usize = 1;
pub const AUX_WIDTH: usize = 2;

/// Periodic columns (period `2^LOG_ROWS`): the entry's tuple.
pub const ENTRY_WINDOW: usize = 0;
pub const ENTRY_VALUE: usize = 1;
pub const ENTRY_X: usize = 2;
pub const ENTRY_Y: usize = 3;
pub const ENTRY_LT: usize = 4;
pub const ENTRY_EQ: usize = 5;
pub const N_PERIODIC: usize = 6;

/// A looked-up tuple `(r, v, x, y, lt, eq)` compressed with `beta`, Horner's way.
pub fn compress(challenges: &[Felt], tuple: [&Felt; 6]) -> Felt {
    let beta = &challenges[CHALLENGE_MEM_ALPHA];
    tuple.iter().rev().fold(Felt::zero(), |acc, value| acc * beta + *value)
}

/// The lookup challenge `z`.
pub fn lookup_z(challenges: &[Felt]) -> &Felt {
    &challenges[CHALLENGE_LOOKUP_Z]
}

/// The entries' tuples as periodic columns, padded to `2^LOG_ROWS` with entry 0.
fn periodic_columns() -> &'static [Vec<Felt>] {
    static COLUMNS: OnceLock<Vec<Vec<Felt>>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let flag = |b: bool| if b { Felt::one() } else { Felt::zero() };
        let all = entries();
        let mut columns = vec![Vec::with_capacity(1 << LOG_ROWS); N_PERIODIC];
        for row in 0..1usize << LOG_ROWS {
            let e = all.get(row).unwrap_or(&all[0]);
            columns[ENTRY_WINDOW].push(Felt::from(e.window as u64));
            columns[ENTRY_VALUE].push(Felt::from(e.value as u64));
            columns[ENTRY_X].push(e.point.x);
            columns[ENTRY_Y].push(e.point.y);
            columns[ENTRY_LT].push(flag(e.lt));
            columns[ENTRY_EQ].push(flag(e.eq));
        }
        columns
    })
}

/// The points table component.
pub struct PedersenPoints {
    constraints: ConstraintList,
}

impl PedersenPoints {
    pub fn new() -> Self {
        let mut table = Self { constraints: ConstraintList::empty() };
        table.constraints =
            ConstraintList::new(&table, MAIN_WIDTH, AUX_WIDTH, N_PERIODIC, N_CHALLENGES);
        table
    }
}

impl Default for PedersenPoints {
    fn default() -> Self {
        Self::new()
    }
}

fn entry_tuple(p: &[Felt]) -> [&Felt; 6] {
    [&p[ENTRY_WINDOW], &p[ENTRY_VALUE], &p[ENTRY_X], &p[ENTRY_Y], &p[ENTRY_LT], &p[ENTRY_EQ]]
}

impl Constraints for PedersenPoints {
    fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let (a, an) = (f.aux_current, f.aux_next);
        let denominator = lookup_z(challenges) - compress(challenges, entry_tuple(f.periodic));
        b.every_row(
            "pedersen_points: sum term",
            (a[AUX_T] - a[AUX_S]) * denominator - f.main_current[MULTIPLICITY],
        );
        b.first_row("pedersen_points: sum starts at 0", a[AUX_S]);
        b.transition("pedersen_points: sum carries to the next row", an[AUX_S] - a[AUX_T]);
    }
}

/// The main trace from the multiplicity of every entry (as many as [`entries`]; the padding
/// rows get 0).
pub fn build_trace(multiplicities: &[u64]) -> TraceTable {
    let n = 1usize << LOG_ROWS;
    debug_assert_eq!(multiplicities.len(), entries().len());
    let mut counts: Vec<Felt> = multiplicities.iter().map(|m| Felt::from(*m)).collect();
    counts.resize(n, Felt::zero());
    TraceTable::new(vec![counts], n)
}

impl Component for PedersenPoints {
    fn component_name(&self) -> &str {
        "pedersen_points"
    }
    fn log_size(&self) -> u32 {
        LOG_ROWS
    }
    fn main_width(&self) -> usize {
        MAIN_WIDTH
    }
    fn aux_width(&self) -> usize {
        AUX_WIDTH
    }
    fn periodic_columns(&self) -> &[Vec<Felt>] {
        periodic_columns()
    }
    fn constraint_kinds(&self) -> &[ConstraintKind] {
        self.constraints.kinds()
    }
    fn constraint_name(&self, index: usize) -> String {
        self.constraints.name(self, index)
    }
    fn claim_columns(&self) -> &[usize] {
        &[AUX_T]
    }
    fn evaluate(&self, f: &Frame<'_>, challenges: &[Felt], out: &mut [Felt]) {
        stark::write_constraints(self, f, challenges, out);
    }
    fn build_aux_trace(&self, main: &TraceTable, challenges: &[Felt]) -> TraceTable {
        let n = main.length();
        let columns = periodic_columns();
        let z = lookup_z(challenges);
        let mut inverses: Vec<Felt> = (0..n)
            .map(|row| {
                let tuple: [&Felt; 6] = std::array::from_fn(|k| &columns[k][row]);
                z - compress(challenges, tuple)
            })
            .collect();
        batch_inverse(&mut inverses);
        let (mut s, mut t) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut acc = Felt::zero();
        for (inverse, m) in inverses.iter().zip(main.column(MULTIPLICITY)) {
            s.push(acc);
            acc += m * inverse;
            t.push(acc);
        }
        TraceTable::new(vec![s, t], n)
    }
}
