//! The `range_check` builtin: every cell of its segment holds a value in `[0, 2^128)`
//! (cairo-vm's `RangeCheckBuiltinRunner<8>`, one cell per instance). The table is generic in
//! its number of 16-bit limbs, [`RangeCheckN`], so that `range_check96` (six limbs) is the same
//! table under another name.
//!
//! Main columns: `address`, `value` and its `N` 16-bit `limbs` (little-endian).
//! Auxiliary: `memory` (running product of `z - (address + alpha value)`), one inverse
//! `w_k = 1 / (z_lookup - limb_k)` per limb, and the lookup sum `u` (before the row) and
//! `t = u + sum_k w_k`. Constraints:
//! * `value = sum_k limb_k 2^(16 k)` (every row): with every limb below `2^16` (the lookups)
//!   the sum is below `2^(16 N) < p`, so the value is in range;
//! * addresses and memory: [`SegmentRule`] with one cell (auxiliary column `memory`, whose
//!   last value is a claim);
//! * lookups: `w_k (z_lookup - limb_k) = 1`, `t = u + sum w_k` (every row), `u` starts at 0
//!   and `u' = t`; claim: the last `t`.

use stark::{
    Component, ConstraintBuilder, ConstraintKind, ConstraintList, Constraints, Felt, Frame,
    TraceTable, batch_inverse,
};

use crate::builtins::lookup::LookupTable;
use crate::builtins::segment::SegmentRule;
use crate::builtins::{BuiltinTable, TableTrace, TraceInput, table_log_size};
use crate::error::CairoError;
use crate::layout::{CHALLENGE_LOOKUP_Z, N_CHALLENGES};

/// Limbs of the `range_check` builtin's values.
pub const N_LIMBS: usize = 8;
pub const ADDRESS: usize = 0;
pub const VALUE: usize = 1;
pub const LIMBS: usize = 2;
pub const AUX_MEMORY: usize = 0;
pub const AUX_INVERSES: usize = 1;

/// The component for one run's segment `[begin, stop)` of a range-check builtin whose values
/// have `N` 16-bit limbs.
pub struct RangeCheckN<const N: usize> {
    name: &'static str,
    log_size: u32,
    segment: SegmentRule,
    constraints: ConstraintList,
    claims: [usize; 2],
}

/// The `range_check` builtin's component.
pub type RangeCheck = RangeCheckN<N_LIMBS>;

impl RangeCheck {
    /// A segment with at least one instance.
    pub fn new(begin: u64, stop: u64) -> Self {
        Self::named("range_check", begin, stop)
    }
}

impl<const N: usize> RangeCheckN<N> {
    pub const MAIN_WIDTH: usize = LIMBS + N;
    pub const AUX_U: usize = AUX_INVERSES + N;
    pub const AUX_T: usize = Self::AUX_U + 1;
    pub const AUX_WIDTH: usize = Self::AUX_T + 1;

    /// The table of builtin `name` for a segment with at least one instance.
    pub fn named(name: &'static str, begin: u64, stop: u64) -> Self {
        let mut table = Self {
            name,
            log_size: table_log_size((stop - begin) as usize),
            segment: SegmentRule::new(name, begin, stop, ADDRESS, vec![VALUE]),
            constraints: ConstraintList::empty(),
            claims: [AUX_MEMORY, Self::AUX_T],
        };
        table.constraints =
            ConstraintList::new(&table, Self::MAIN_WIDTH, Self::AUX_WIDTH, 0, N_CHALLENGES);
        table
    }
}

impl<const N: usize> Constraints for RangeCheckN<N> {
    fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let z_lookup = &challenges[CHALLENGE_LOOKUP_Z];
        let (c, a, an) = (f.main_current, f.aux_current, f.aux_next);
        let (aux_u, aux_t) = (Self::AUX_U, Self::AUX_T);
        let name = self.name;
        let one = Felt::one();
        let two16 = Felt::from(1u64 << 16);
        let recomposed = (0..N).rev().fold(Felt::zero(), |acc, k| acc * two16 + c[LIMBS + k]);
        b.every_row(format_args!("{name}: value is the sum of its limbs"), c[VALUE] - recomposed);
        self.segment.eval(f, challenges, b);
        let mut inverse_sum = Felt::zero();
        for k in 0..N {
            let w = a[AUX_INVERSES + k];
            b.every_row(
                format_args!("{name}: inverse of limb {k}"),
                w * (z_lookup - c[LIMBS + k]) - one,
            );
            inverse_sum += w;
        }
        b.every_row(
            format_args!("{name}: lookup sum of the row"),
            a[aux_t] - a[aux_u] - inverse_sum,
        );
        b.first_row(format_args!("{name}: lookup sum starts at 0"), a[aux_u]);
        b.transition(
            format_args!("{name}: lookup sum carries to the next row"),
            an[aux_u] - a[aux_t],
        );
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
    fn lookups(&self) -> &'static [LookupTable] {
        &[LookupTable::Range16]
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
        build_table::<N_LIMBS>(self.name(), begin, stop, run).map(Some)
    }
}

/// The trace of builtin `name`'s segment `[begin, stop)` for a table of `N` limbs, its memory
/// accesses, and its limbs counted in `run.range16`.
pub fn build_table<const N: usize>(
    name: &str,
    begin: u64,
    stop: u64,
    run: &mut TraceInput<'_>,
) -> Result<TableTrace, CairoError> {
    let cells: Vec<(u64, Felt)> =
        run.instances::<1>(name, begin, stop, 1)?.into_iter().map(|(a, [v])| (a, v)).collect();
    let trace = build_trace::<N>(&cells, run.lookups(LookupTable::Range16)).map_err(|(a, v)| {
        CairoError::BadExecution(format!("{name} cell {a} holds {v}, not below 2^{}", 16 * N))
    })?;
    Ok(TableTrace { trace, accesses: accesses(&cells).collect() })
}

/// The `N` 16-bit limbs of a value below `2^(16 N)`, or `None` if it is not.
pub fn limbs<const N: usize>(value: &Felt) -> Option<[u64; N]> {
    let words = value.representative().limbs; // big-endian 64-bit words
    let bits = 16 * N;
    for (w, word) in words.iter().rev().enumerate() {
        let low = 64 * w;
        let high_bits = if bits <= low {
            *word
        } else if bits < low + 64 {
            word >> (bits - low)
        } else {
            0
        };
        if high_bits != 0 {
            return None;
        }
    }
    Some(std::array::from_fn(|k| (words[3 - k / 4] >> (16 * (k % 4))) & 0xffff))
}

/// The main trace of the segment's cells `(address, value)` (one per instance, at least
/// one), padded by repeating the last instance. Also counts each limb into `multiplicities`
/// (the range table's). `Err` names the first cell out of range.
pub fn build_trace<const N: usize>(
    cells: &[(u64, Felt)],
    multiplicities: &mut [u64],
) -> Result<TraceTable, (u64, Felt)> {
    let n = 1usize << table_log_size(cells.len());
    let width = RangeCheckN::<N>::MAIN_WIDTH;
    let mut columns: Vec<Vec<Felt>> = (0..width).map(|_| Vec::with_capacity(n)).collect();
    for row in 0..n {
        let (address, value) = cells[row.min(cells.len() - 1)];
        let limbs = limbs::<N>(&value).ok_or((address, value))?;
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

impl<const N: usize> Component for RangeCheckN<N> {
    fn component_name(&self) -> &str {
        self.name
    }
    fn log_size(&self) -> u32 {
        self.log_size
    }
    fn main_width(&self) -> usize {
        Self::MAIN_WIDTH
    }
    fn aux_width(&self) -> usize {
        Self::AUX_WIDTH
    }
    fn constraint_kinds(&self) -> &[ConstraintKind] {
        self.constraints.kinds()
    }
    fn constraint_name(&self, index: usize) -> String {
        self.constraints.name(self, index)
    }
    fn claim_columns(&self) -> &[usize] {
        &self.claims
    }
    fn evaluate(&self, f: &Frame<'_>, challenges: &[Felt], out: &mut [Felt]) {
        stark::write_constraints(self, f, challenges, out);
    }
    fn build_aux_trace(&self, main: &TraceTable, challenges: &[Felt]) -> TraceTable {
        let z_lookup = &challenges[CHALLENGE_LOOKUP_Z];
        let n = main.length();
        let mut columns: Vec<Vec<Felt>> =
            (0..Self::AUX_WIDTH).map(|_| Vec::with_capacity(n)).collect();
        columns[AUX_MEMORY] = self.segment.build_aux(main, challenges).remove(0);
        for k in 0..N {
            let mut inverses: Vec<Felt> =
                main.column(LIMBS + k).iter().map(|limb| z_lookup - limb).collect();
            batch_inverse(&mut inverses);
            columns[AUX_INVERSES + k] = inverses;
        }
        let mut sum = Felt::zero();
        for row in 0..n {
            columns[Self::AUX_U].push(sum);
            for k in 0..N {
                sum += columns[AUX_INVERSES + k][row];
            }
            columns[Self::AUX_T].push(sum);
        }
        TraceTable::new(columns, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recompose(limbs: &[u64]) -> Felt {
        limbs
            .iter()
            .rev()
            .fold(Felt::zero(), |acc, x| acc * Felt::from(1u64 << 16) + Felt::from(*x))
    }

    #[test]
    fn limbs_recompose_and_reject_values_of_128_bits_or_more() {
        let value =
            Felt::from(0x1234_5678_9abc_def0_u64) * Felt::from(1u64 << 40) + Felt::from(0xfedc_u64);
        assert_eq!(recompose(&limbs::<8>(&value).unwrap()), value);
        let two128 = Felt::from(2u64).pow(128u64);
        assert!(limbs::<8>(&(two128 - Felt::one())).is_some());
        assert!(limbs::<8>(&two128).is_none());
        assert!(limbs::<8>(&-Felt::one()).is_none());
    }

    #[test]
    fn six_limbs_hold_values_below_2_to_96() {
        let two96 = Felt::from(2u64).pow(96u64);
        let top = two96 - Felt::one();
        assert_eq!(limbs::<6>(&top), Some([0xffff; 6]));
        let value = Felt::from(0xabcd_u64) * Felt::from(2u64).pow(80u64) + Felt::from(12345u64);
        assert_eq!(recompose(&limbs::<6>(&value).unwrap()), value);
        assert!(limbs::<6>(&two96).is_none());
        assert!(limbs::<6>(&(Felt::from(2u64).pow(127u64))).is_none());
        assert!(limbs::<6>(&-Felt::one()).is_none());
    }
}
