//! The `output` builtin: a segment whose cells are public. It has no table: its cells are the
//! public input's `output` values, which enter the memory argument as public memory
//! ([`crate::CairoPublicInput::public_memory`]), so the verifier knows each value the run
//! wrote there.

use stark::Component;

use crate::builtins::{BuiltinTable, TableTrace, TraceInput};
use crate::error::CairoError;

/// The `output` builtin in the registry.
pub struct OutputTable;

impl BuiltinTable for OutputTable {
    fn name(&self) -> &'static str {
        "output"
    }
    fn cells_per_instance(&self) -> usize {
        1
    }
    fn component(&self, _: u64, _: u64) -> Option<Box<dyn Component>> {
        None
    }
    fn build_trace(
        &self,
        _: u64,
        _: u64,
        _: &mut TraceInput<'_>,
    ) -> Result<Option<TableTrace>, CairoError> {
        Ok(None)
    }
}
