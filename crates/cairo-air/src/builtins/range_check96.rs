//! The `range_check96` builtin: every cell of its segment holds a value in `[0, 2^96)`
//! (cairo-vm's `RangeCheckBuiltinRunner<6>`, one cell per instance; in the `all_cairo` layout,
//! after `poseidon`). Its table is [`range_check`](super::range_check)'s with six 16-bit limbs
//! instead of eight, so the same three constraint families prove it: the value is the sum of
//! its limbs, each limb is looked up in the [`range16`](super::range16) table (its lookup sum
//! is the table's second claim), and the addresses and memory product of
//! [`SegmentRule`](super::segment::SegmentRule) tie the cells to the run. Six limbs below
//! `2^16` sum to less than `2^96 < p`.

use stark::Component;

use crate::builtins::lookup::LookupTable;
use crate::builtins::range_check::{RangeCheckN, build_table};
use crate::builtins::{BuiltinTable, TableTrace, TraceInput};
use crate::error::CairoError;

pub const N_LIMBS: usize = 6;

/// The component for one run's `range_check96` segment.
pub type RangeCheck96 = RangeCheckN<N_LIMBS>;

/// The `range_check96` builtin in the registry.
pub struct RangeCheck96Table;

impl BuiltinTable for RangeCheck96Table {
    fn name(&self) -> &'static str {
        "range_check96"
    }
    fn cells_per_instance(&self) -> usize {
        1
    }
    fn lookups(&self) -> &'static [LookupTable] {
        &[LookupTable::Range16]
    }
    fn component(&self, begin: u64, stop: u64) -> Option<Box<dyn Component>> {
        Some(Box::new(RangeCheck96::named(self.name(), begin, stop)))
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
