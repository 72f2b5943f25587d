//! A builtin table whose only auxiliary columns are the memory products of its instances:
//! the shape `bitwise` and `poseidon` share. A builtin describes one instance's row
//! ([`InstanceRow`]); [`InstanceTable`] adds the shared address and memory rules
//! ([`SegmentRule`]) and implements the component.

use std::marker::PhantomData;

use stark::{
    Component, ConstraintBuilder, ConstraintKind, ConstraintList, Constraints, Felt, Frame,
    TraceTable,
};

use crate::builtins::segment::SegmentRule;
use crate::builtins::table_log_size;
use crate::layout::N_CHALLENGES;

/// One instance per row: its columns and the constraints that hold within the row.
pub trait InstanceRow {
    const NAME: &'static str;
    /// Memory cells per instance, in consecutive main columns from `FIRST_CELL`.
    const CELLS: usize;
    const MAIN_WIDTH: usize;
    /// Main column of the instance's base address.
    const ADDRESS: usize;
    const FIRST_CELL: usize;
    /// The row's own constraints (all every-row), named where they are written.
    fn eval<B: ConstraintBuilder>(row: &[Felt], b: &mut B);
}

/// The component for one run's segment `[begin, stop)` of builtin `R`.
pub struct InstanceTable<R> {
    log_size: u32,
    segment: SegmentRule,
    constraints: ConstraintList,
    claim: [usize; 1],
    row: PhantomData<fn() -> R>,
}

impl<R: InstanceRow> InstanceTable<R> {
    /// A segment with at least one instance (`stop - begin` a positive multiple of `CELLS`).
    pub fn new(begin: u64, stop: u64) -> Self {
        let cells = (R::FIRST_CELL..R::FIRST_CELL + R::CELLS).collect();
        let segment = SegmentRule::new(R::NAME, begin, stop, R::ADDRESS, cells);
        let mut table = Self {
            log_size: table_log_size(SegmentRule::instances(begin, stop, R::CELLS)),
            claim: [segment.claim_column()],
            segment,
            constraints: ConstraintList::empty(),
            row: PhantomData,
        };
        table.constraints = ConstraintList::new(&table, R::MAIN_WIDTH, R::CELLS, 0, N_CHALLENGES);
        table
    }
}

impl<R: InstanceRow> Constraints for InstanceTable<R> {
    fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        R::eval(f.main_current, b);
        self.segment.eval(f, challenges, b);
    }
}

impl<R: InstanceRow> Component for InstanceTable<R> {
    fn component_name(&self) -> &str {
        R::NAME
    }
    fn log_size(&self) -> u32 {
        self.log_size
    }
    fn main_width(&self) -> usize {
        R::MAIN_WIDTH
    }
    fn aux_width(&self) -> usize {
        R::CELLS
    }
    fn constraint_kinds(&self) -> &[ConstraintKind] {
        self.constraints.kinds()
    }
    fn constraint_name(&self, index: usize) -> String {
        self.constraints.name(self, index)
    }
    fn claim_columns(&self) -> &[usize] {
        &self.claim
    }
    fn evaluate(&self, f: &Frame<'_>, challenges: &[Felt], out: &mut [Felt]) {
        stark::write_constraints(self, f, challenges, out);
    }
    fn build_aux_trace(&self, main: &TraceTable, challenges: &[Felt]) -> TraceTable {
        TraceTable::new(self.segment.build_aux(main, challenges), main.length())
    }
}
