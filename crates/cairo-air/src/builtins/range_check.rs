//! The `range_check` builtin: every cell of its segment holds a value in `[0, 2^128)`
//! (cairo-vm's `RangeCheckBuiltinRunner`, one cell per instance).
//!
//! Main columns: `address`, `value` and its eight 16-bit `limbs` (little-endian).
//! Auxiliary: `memory` (running product of `z - (address + alpha value)`), one inverse
//! `w_k = 1 / (z_lookup - limb_k)` per limb, and the lookup sum `u` (before the row) and
//! `t = u + sum_k w_k`. Constraints:
//! * `value = sum_k limb_k 2^(16 k)` (every row): with every limb below `2^16` (the lookups)
//!   the sum is below `2^128 < p`, so the value is in range;
//! * addresses and memory: [`SegmentRule`] with one cell (auxiliary column `memory`, whose
//!   last value is a claim);
//! * lookups: `w_k (z_lookup - limb_k) = 1`, `t = u + sum w_k` (every row), `u` starts at 0
//!   and `u' = t`; claim: the last `t`.

use stark::{
    Component, ConstraintBuilder, ConstraintKind, ConstraintList, Constraints, Felt, Frame,
    TraceTable, batch_inverse,
};

use crate::builtins::segment::SegmentRule;
use crate::builtins::{BuiltinTable, TableTrace, TraceInput, table_log_size};
use crate::error::CairoError;
use crate::layout::{CHALLENGE_LOOKUP_Z, N_CHALLENGES};

pub const N_LIMBS: usize = 8;
pub const ADDRESS: usize = 0;
pub const VALUE: usize = 1;
pub const LIMBS: usize = 2;
pub const MAIN_WIDTH: usize = LIMBS + N_LIMBS;
pub const AUX_MEMORY: usize = 0;
pub const AUX_INVERSES: usize = 1;
pub const AUX_U: usize = AUX_INVERSES + N_LIMBS;
pub const AUX_T: usize = AUX_U + 1;
pub const AUX_WIDTH: usize = AUX_T + 1;

/// The component for one run's `range_check` segment `[begin, stop)`.
pub struct RangeCheck {
    log_size: u32,
    segment: SegmentRule,
    constraints: ConstraintList,
}

impl RangeCheck {
    /// A segment with at least one instance.
    pub fn new(begin: u64, stop: u64) -> Self {
        let mut table = Self {
            log_size: table_log_size((stop - begin) as usize),
            segment: SegmentRule::new("range_check", begin, stop, ADDRESS, vec![VALUE]),
            constraints: ConstraintList::empty(),
        };
        table.constraints = ConstraintList::new(&table, MAIN_WIDTH, AUX_WIDTH, 0, N_CHALLENGES);
        table
    }
}

impl Constraints for RangeCheck {
    fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let z_lookup = &challenges[CHALLENGE_LOOKUP_Z];
        let (c, a, an) = (f.main_current, f.aux_current, f.aux_next);
        let one = Felt::one();
        let two16 = Felt::from(1u64 << 16);
        let recomposed = (0..N_LIMBS).rev().fold(Felt::zero(), |acc, k| acc * two16 + c[LIMBS + k]);
        b.every_row("range_check: value is the sum of its limbs", c[VALUE] - recomposed);
        self.segment.eval(f, challenges, b);
        let mut inverse_sum = Felt::zero();
        for k in 0..N_LIMBS {
            let w = a[AUX_INVERSES + k];
            b.every_row(
                format_args!("range_check: inverse of limb {k}"),
                w * (z_lookup - c[LIMBS + k]) - one,
            );
            inverse_sum += w;
        }
        b.every_row("range_check: lookup sum of the row", a[AUX_T] - a[AUX_U] - inverse_sum);
        b.first_row("range_check: lookup sum starts at 0", a[AUX_U]);
        b.transition("range_check: lookup sum carries to the next row", an[AUX_U] - a[AUX_T]);
    }
}

/// The `range_check` builtin in the registry.
pub struct RangeCheckTable;

impl BuiltinTable for RangeCheckTable {
    fn name(&self) -> &'static str {
        "range_check"
    }
    fn cells_per_instance(&self) -> usize {
        1
    }
    fn lookups_16_bit(&self) -> bool {
        true
    }
    fn component(&self, begin: u64, stop: u64) -> Option<Box<dyn Component>> {
        Some(Box::new(RangeCheck::new(begin, stop)))
    }
    fn build_trace(
        &self,
        begin: u64,
        stop: u64,
        run: &mut TraceInput<'_>,
    ) -> Result<Option<TableTrace>, CairoError> {
        let cells: Vec<(u64, Felt)> = run
            .instances::<1>(self.name(), begin, stop, 1)?
            .into_iter()
            .map(|(a, [v])| (a, v))
            .collect();
        let trace = build_trace(&cells, &mut run.range16).map_err(|(a, v)| {
            CairoError::BadExecution(format!("range_check cell {a} holds {v}, not below 2^128"))
        })?;
        Ok(Some(TableTrace { trace, accesses: accesses(&cells).collect() }))
    }
}

/// The 16-bit limbs of a value below `2^128`, or `None` if it is not.
pub fn limbs(value: &Felt) -> Option<[u64; N_LIMBS]> {
    let words = value.representative().limbs; // big-endian 64-bit words
    if words[0] != 0 || words[1] != 0 {
        return None;
    }
    let (high, low) = (words[2], words[3]);
    let mut out = [0u64; N_LIMBS];
    for (k, limb) in out.iter_mut().enumerate() {
        let word = if k < 4 { low } else { high };
        *limb = (word >> (16 * (k % 4))) & 0xffff;
    }
    Some(out)
}

/// The main trace of the segment's cells `(address, value)` (one per instance, at least
/// one), padded by repeating the last instance. Also counts each limb into `multiplicities`
/// (the range table's). `Err` names the first cell out of range.
pub fn build_trace(
    cells: &[(u64, Felt)],
    multiplicities: &mut [u64],
) -> Result<TraceTable, (u64, Felt)> {
    let n = 1usize << table_log_size(cells.len());
    let mut columns: Vec<Vec<Felt>> = (0..MAIN_WIDTH).map(|_| Vec::with_capacity(n)).collect();
    for row in 0..n {
        let (address, value) = cells[row.min(cells.len() - 1)];
        let limbs = limbs(&value).ok_or((address, value))?;
        columns[ADDRESS].push(Felt::from(address));
        columns[VALUE].push(value);
        for (k, limb) in limbs.iter().enumerate() {
            columns[LIMBS + k].push(Felt::from(*limb));
            multiplicities[*limb as usize] += 1;
        }
    }
    Ok(TraceTable::new(columns, n))
}

/// The memory accesses a table of this segment makes, padding included, in row order.
pub fn accesses(cells: &[(u64, Felt)]) -> impl Iterator<Item = (u64, Felt)> + '_ {
    let n = 1usize << table_log_size(cells.len());
    (0..n).map(move |row| cells[row.min(cells.len() - 1)])
}

impl Component for RangeCheck {
    fn component_name(&self) -> &str {
        "range_check"
    }
    fn log_size(&self) -> u32 {
        self.log_size
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
        &[AUX_MEMORY, AUX_T]
    }
    fn evaluate(&self, f: &Frame<'_>, challenges: &[Felt], out: &mut [Felt]) {
        stark::write_constraints(self, f, challenges, out);
    }
    fn build_aux_trace(&self, main: &TraceTable, challenges: &[Felt]) -> TraceTable {
        let z_lookup = &challenges[CHALLENGE_LOOKUP_Z];
        let n = main.length();
        let mut columns: Vec<Vec<Felt>> = (0..AUX_WIDTH).map(|_| Vec::with_capacity(n)).collect();
        columns[AUX_MEMORY] = self.segment.build_aux(main, challenges).remove(0);
        for k in 0..N_LIMBS {
            let mut inverses: Vec<Felt> =
                main.column(LIMBS + k).iter().map(|limb| z_lookup - limb).collect();
            batch_inverse(&mut inverses);
            columns[AUX_INVERSES + k] = inverses;
        }
        let mut sum = Felt::zero();
        for row in 0..n {
            columns[AUX_U].push(sum);
            for k in 0..N_LIMBS {
                sum += columns[AUX_INVERSES + k][row];
            }
            columns[AUX_T].push(sum);
        }
        TraceTable::new(columns, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limbs_recompose_and_reject_values_of_128_bits_or_more() {
        let value =
            Felt::from(0x1234_5678_9abc_def0_u64) * Felt::from(1u64 << 40) + Felt::from(0xfedc_u64);
        let l = limbs(&value).unwrap();
        let back = l
            .iter()
            .rev()
            .fold(Felt::zero(), |acc, x| acc * Felt::from(1u64 << 16) + Felt::from(*x));
        assert_eq!(back, value);
        let two128 = Felt::from(2u64).pow(128u64);
        assert!(limbs(&(two128 - Felt::one())).is_some());
        assert!(limbs(&two128).is_none());
        assert!(limbs(&-Felt::one()).is_none());
    }
}
