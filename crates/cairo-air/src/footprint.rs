//! The prover's memory for a run, estimated before anything is built, so that a service can
//! refuse a block its machine cannot prove (a hostile DECLARE whose class hashing needs tens of
//! thousands of Pedersen instances, a block of millions of steps) instead of being killed by
//! the kernel halfway through.
//!
//! The model, from the measurements in `benches/RESULTS.md` ("Prover profile and memory"):
//! the peak is dominated by each table's low-degree extension, `rows x (main + aux columns) x
//! blowup x 32 bytes`, plus Merkle trees and transient buffers, about 40 % more; plus the run's
//! memory (about 48 bytes per cell). The estimate is a model, not a bound: against the one
//! peak worked out whole (fibonacci, 2^18 rows) it is 15 % high.

use stark::{Air, ProofOptions};

use crate::execution::CairoExecution;
use crate::public_input::CairoPublicInput;
use crate::statement::CairoAir;

/// Bytes per field element.
const FELT_BYTES: u64 = 32;
/// Merkle trees, composition, DEEP and FRI buffers over the extension alone (percent).
const OVERHEAD_PERCENT: u64 = 140;
/// The run's relocated memory per cell, and the trace per step, as the prover holds them.
const BYTES_PER_MEMORY_CELL: u64 = 48;
const BYTES_PER_STEP: u64 = 24;

/// The shape the prover would build for `execution`: each table's rows and columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProverFootprint {
    /// `(table name, log2 rows, main + aux columns)`, the CPU first.
    pub tables: Vec<(String, u32, usize)>,
    /// Estimated peak resident memory of proving, in bytes.
    pub peak_bytes: u64,
}

impl ProverFootprint {
    /// Estimates the footprint of proving `execution` with `options`, in time linear in the
    /// run's size and without building a trace.
    pub fn estimate(execution: &CairoExecution, options: &ProofOptions) -> Self {
        // The CPU table has a row per step, and room for the public and builtin cells the
        // memory argument adds (at least as many rows as such cells, see `build_traces`).
        let builtin_cells: u64 = execution.builtins.iter().map(|s| s.stop - s.begin).sum();
        let blake_instances = crate::trace::blake_steps(execution);
        let blake_accesses = blake_instances * crate::opcodes::blake::columns::ACCESSES as u64;
        let needed = (execution.steps() as u64)
            .max(execution.program.len() as u64 + builtin_cells + blake_accesses)
            .max(1 << stark::MIN_LOG_TRACE_LENGTH);
        let log_size = needed.next_power_of_two().trailing_zeros();
        let shape = CairoPublicInput {
            log_size,
            program: Vec::new(),
            initial_pc: 0,
            final_pc: 0,
            initial_ap: 0,
            final_ap: 0,
            rc_min: 0,
            rc_max: 0,
            builtins: execution.builtins.clone(),
            output: Vec::new(),
            blake_instances,
        };
        let air = CairoAir::new(shape);
        let blowup = 1u64 << options.log_blowup;
        let mut extension = 0u64;
        let tables = air
            .components()
            .iter()
            .map(|c| {
                let columns = c.main_width() + c.aux_width();
                let cells = (1u64 << c.log_size()).saturating_mul(columns as u64);
                extension = extension.saturating_add(cells.saturating_mul(blowup * FELT_BYTES));
                (c.component_name().to_string(), c.log_size(), columns)
            })
            .collect();
        let run = (execution.memory.len() as u64)
            .saturating_mul(BYTES_PER_MEMORY_CELL)
            .saturating_add((execution.steps() as u64).saturating_mul(BYTES_PER_STEP));
        let peak_bytes = (extension / 100).saturating_mul(OVERHEAD_PERCENT).saturating_add(run);
        ProverFootprint { tables, peak_bytes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtins::pedersen;
    use crate::{Builtin, BuiltinSegment};
    use stark::Felt;

    fn run(steps: usize, builtins: Vec<BuiltinSegment>) -> CairoExecution {
        CairoExecution {
            program: vec![Felt::zero(); 100],
            trace: vec![(1, 1, 1); steps],
            memory: vec![None; steps],
            builtins,
            output: Vec::new(),
            signatures: Vec::new(),
        }
    }

    #[test]
    fn the_cpu_table_grows_with_the_steps() {
        let options = stark::SecurityPreset::Standard.options();
        let small = ProverFootprint::estimate(&run(1000, Vec::new()), &options);
        let large = ProverFootprint::estimate(&run(1 << 20, Vec::new()), &options);
        assert_eq!(small.tables[0].1, 10);
        assert_eq!(large.tables[0].1, 20);
        // Measured: a 2^21-row fibonacci-like CPU table peaks near 10 GB (RESULTS.md).
        assert!(large.peak_bytes > 2 << 30 && large.peak_bytes < 8 << 30, "{large:?}");
    }

    #[test]
    fn pedersen_instances_dominate_a_hashing_run() {
        // 20,000 Pedersen hashes (a 20k-word class hashed in Cairo): 64 rows each, and the
        // 2^14-row points table.
        let cells = 20_000 * pedersen::CELLS as u64;
        let segment =
            BuiltinSegment { builtin: Builtin::Pedersen, begin: 1000, stop: 1000 + cells };
        let options = stark::SecurityPreset::Standard.options();
        let footprint = ProverFootprint::estimate(&run(200_000, vec![segment]), &options);
        let pedersen = footprint.tables.iter().find(|t| t.0 == "pedersen").unwrap();
        assert_eq!(pedersen.1, 21, "20,000 x 64 rows pad to 2^21");
        assert!(footprint.tables.iter().any(|t| t.0 == "pedersen_points" && t.1 == 14));
        // 2^21 x 19 columns dominate; with the bit-per-row table of 512 rows a hash it was
        // 2^24 x 11 columns and over 16 GB.
        assert!(footprint.peak_bytes > 3 << 30 && footprint.peak_bytes < 8 << 30, "{footprint:?}");
    }
}
