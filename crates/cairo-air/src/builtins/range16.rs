//! The 16-bit range table: one row per value `0..2^16` with its multiplicity, the table side
//! of the LogUp argument that range-checks the `range_check` builtin's limbs.
//!
//! Main columns: `value`, `multiplicity`. Auxiliary: `s` (running sum before the row) and
//! `t = s + multiplicity / (z - value)`. Constraints:
//! * `value` starts at 0 and steps by 1, so the table is exactly `0..2^16` (first row,
//!   transition);
//! * `(t - s) (z - value) = multiplicity` (every row), `s` starts at 0 (first row) and
//!   `s' = t` (transition). The claim is the last `t`: `sum_v m_v / (z - v)`, which the
//!   statement equates with the lookups' sum `sum_l 1 / (z - l)`.

use stark::{
    Component, ConstraintBuilder, ConstraintKind, ConstraintList, Constraints, Felt, Frame,
    TraceTable,
};

use crate::builtins::lookup::table_sum_columns;
use crate::layout::{CHALLENGE_LOOKUP_Z, N_CHALLENGES};

pub const LOG_ROWS: u32 = 16;
pub const VALUE: usize = 0;
pub const MULTIPLICITY: usize = 1;
pub const MAIN_WIDTH: usize = 2;
pub const AUX_S: usize = 0;
pub const AUX_T: usize = 1;
pub const AUX_WIDTH: usize = 2;

/// The 16-bit range table component.
pub struct Range16 {
    constraints: ConstraintList,
}

impl Range16 {
    pub fn new() -> Self {
        let mut table = Self { constraints: ConstraintList::empty() };
        table.constraints = ConstraintList::new(&table, MAIN_WIDTH, AUX_WIDTH, 0, N_CHALLENGES);
        table
    }
}

impl Default for Range16 {
    fn default() -> Self {
        Self::new()
    }
}

impl Constraints for Range16 {
    fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let z = &challenges[CHALLENGE_LOOKUP_Z];
        let (c, nx, a, an) = (f.main_current, f.main_next, f.aux_current, f.aux_next);
        b.first_row("range16: first value is 0", c[VALUE]);
        b.transition("range16: values step by 1", nx[VALUE] - c[VALUE] - Felt::one());
        b.every_row("range16: sum term", (a[AUX_T] - a[AUX_S]) * (z - c[VALUE]) - c[MULTIPLICITY]);
        b.first_row("range16: sum starts at 0", a[AUX_S]);
        b.transition("range16: sum carries to the next row", an[AUX_S] - a[AUX_T]);
    }
}

/// The main trace from the multiplicity of every 16-bit value.
pub fn build_trace(multiplicities: &[u64]) -> TraceTable {
    let n = 1usize << LOG_ROWS;
    debug_assert_eq!(multiplicities.len(), n);
    let values = (0..n as u64).map(Felt::from).collect();
    let counts = multiplicities.iter().map(|m| Felt::from(*m)).collect();
    TraceTable::new(vec![values, counts], n)
}

impl Component for Range16 {
    fn component_name(&self) -> &str {
        "range16"
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
        let z = &challenges[CHALLENGE_LOOKUP_Z];
        let n = main.length();
        let denominators: Vec<Felt> = main.column(VALUE).iter().map(|v| z - v).collect();
        TraceTable::new(table_sum_columns(denominators, main.column(MULTIPLICITY)).into(), n)
    }
}
