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

use stark::{Component, ConstraintKind, Felt, Frame, TraceTable, batch_inverse};

use crate::layout::CHALLENGE_LOOKUP_Z;

pub const LOG_ROWS: u32 = 16;
pub const VALUE: usize = 0;
pub const MULTIPLICITY: usize = 1;
pub const MAIN_WIDTH: usize = 2;
pub const AUX_S: usize = 0;
pub const AUX_T: usize = 1;
pub const AUX_WIDTH: usize = 2;

use ConstraintKind::{EveryRow, FirstRow, Transition};

const KINDS: [ConstraintKind; 5] = [FirstRow, Transition, EveryRow, FirstRow, Transition];
const NAMES: [&str; 5] = [
    "range16: first value is 0",
    "range16: values step by 1",
    "range16: sum term",
    "range16: sum starts at 0",
    "range16: sum carries to the next row",
];

/// The 16-bit range table component.
pub struct Range16;

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
        &KINDS
    }
    fn constraint_name(&self, index: usize) -> String {
        NAMES.get(index).map_or_else(|| format!("constraint {index}"), |n| n.to_string())
    }
    fn claim_columns(&self) -> &[usize] {
        &[AUX_T]
    }
    fn evaluate(&self, f: &Frame<'_>, challenges: &[Felt], out: &mut [Felt]) {
        let z = &challenges[CHALLENGE_LOOKUP_Z];
        let (c, nx, a, an) = (f.main_current, f.main_next, f.aux_current, f.aux_next);
        out[0] = c[VALUE];
        out[1] = nx[VALUE] - c[VALUE] - Felt::one();
        out[2] = (a[AUX_T] - a[AUX_S]) * (z - c[VALUE]) - c[MULTIPLICITY];
        out[3] = a[AUX_S];
        out[4] = an[AUX_S] - a[AUX_T];
    }
    fn build_aux_trace(&self, main: &TraceTable, challenges: &[Felt]) -> TraceTable {
        let z = &challenges[CHALLENGE_LOOKUP_Z];
        let n = main.length();
        let mut inverses: Vec<Felt> = main.column(VALUE).iter().map(|v| z - v).collect();
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
