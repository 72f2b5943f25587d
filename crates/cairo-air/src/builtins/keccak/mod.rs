//! The `keccak` builtin (cairo-vm's `KeccakBuiltinRunner`): each instance is 16 cells at
//! `begin + 16 i`, eight input cells, each below `2^200`, and eight output cells. The inputs
//! are the 1600-bit Keccak state as eight little-endian 200-bit words (bit `200 k + j` of the
//! state's integer is bit `j` of cell `k`; lane `x + 5 y` is bits `64 (x + 5 y) ..` of that
//! integer, as cairo-vm reads the byte string into 64-bit digits), and the outputs are the
//! state after Keccak-f[1600] (24 rounds of theta, rho, pi, chi, iota), packed the same way.
//!
//! # Layout
//!
//! One row per round: 32 rows per instance, round `r` on row `r` (0 to 23) and eight padding
//! rows (24 to 31); instances in address order, padded to a power of two by repeating the last
//! one. Everything is bits, 1600-bit blocks indexed `64 (x + 5 y) + z` (lane `(x, y)`, bit
//! `z`) and 320-bit blocks `64 x + z` ([`columns`]). Main columns (6,081):
//!
//! | columns | content on round `r`'s row |
//! |---|---|
//! | `address` | the instance's base address (all 32 rows) |
//! | `state` (1600) | the state `A` the round starts from (the input on row 0) |
//! | `parity` (320) | theta's column parity `C[x][z] = xor_y A[x][y][z]` |
//! | `twos`, `fours` (320 each) | bits with `sum_y A[x][y][z] = C + 2 twos + 4 fours` |
//! | `effect` (320) | theta's `D[x][z] = C[x - 1][z] ^ C[x + 1][z - 1]` |
//! | `theta` (1600) | `A'[x][y][z] = A[x][y][z] ^ D[x][z]` |
//! | `chi` (1600) | chi of `B = pi(rho(A'))`, before iota |
//!
//! Rho and pi only move bits, so they have no columns: bit `z` of lane `(y, 2 x + 3 y)` of `B`
//! is bit `z - r[x][y]` of lane `(x, y)` of `A'` ([`columns::chi_input_column`]). Padding rows
//! hold zeros (a zero state, whose round values are all zero). Auxiliary columns (16): per row
//! the memory factor of each of 8 cell slots and the running product through them.
//!
//! Periodic columns (period 32): `FIRST` (row 0, the inputs are read), `READ_OUTPUT` (row 23,
//! the outputs are read), `LINK` (rows 0 to 22, the next row is the next round), `LAST` (row
//! 31), and for each of the seven bits `j` of lane 0 some round constant sets (0, 1, 3, 7, 15,
//! 31, 63), `LINK` times bit `j` of the row's round constant.
//!
//! # Constraints (each degree ≤ 2, counting a periodic column like a trace column)
//!
//! 1. **State bits**: `s (s - 1) = 0` for every state column on every row.
//! 2. **Parity**: `C`, `twos`, `fours` are bits and `sum_y A[x][y][z] - C - 2 twos - 4 fours =
//!    0`. Both sides are integers in `[0, 7]`, so the equation holds over the integers and `C`
//!    is the sum's parity.
//! 3. **Effect**: `D = C1 + C2 - 2 C1 C2` with `C1 = C[x - 1][z]`, `C2 = C[x + 1][z - 1]`: the
//!    xor of two bits, itself a bit.
//! 4. **Theta**: `A' = A + D - 2 A D`: a bit.
//! 5. **Chi**: `chi + B0 - 2 chi B0 = (1 - B1) B2` with `B0, B1, B2` the chi inputs of lanes
//!    `(x, y)`, `(x + 1, y)`, `(x + 2, y)`, bit `z`: the left side is `chi ^ B0` for a bit
//!    `B0`, so `chi = B0 ^ (~B1 & B2)` (determined, and a bit).
//! 6. **Iota and link** (transition): `LINK (A_next - chi) = 0`, and for the seven bits of lane
//!    0 a round constant may set, `LINK A_next - RC - (LINK - 2 RC) chi = 0` (`RC` the periodic
//!    `LINK * rc_j`): on rows 0 to 22 the next row's state is the round's output `chi ^ rc_r`.
//!    By 1 to 6, row `r + 1` holds the state after `r + 1` rounds of row 0's, for `r < 23`.
//! 7. **Addresses** (as every narrow table's, [`crate::builtins::narrow`]): first `begin`, last
//!    `stop - 16`, `(address' - address)(address' - address - 16 LAST) = 0`: constant within
//!    an instance, stepping by 0 or 16 between instances.
//! 8. **Memory**: `factor_k = 1 + FIRST (z - (address + k) - alpha in_k - 1) + READ_OUTPUT (z -
//!    (address + 8 + k) - alpha out_k - 1)` for `k < 8`, where `in_k = sum_{i<200} 2^i
//!    A[200 k + i]` on row 0 and `out_k` the same sum over row 23's chi with round 23's constant
//!    applied (a constant flip of the bits it sets); `product_0 = factor_0` on the first row,
//!    `product_k = product_(k-1) factor_k`, `product_0' = product_7 factor_0'`; the last
//!    `product_7` is the claim. As a sum of 200 bits, `in_k` is an integer below `2^200`, and
//!    the memory argument makes it the cell's value: the builtin's range check on its inputs.
//!
//! So each instance's output cells are Keccak-f[1600] of its input cells, packed as cairo-vm
//! packs them.
//!
//! **Why the padding rows are harmless.** Rows 23 to 31 have `LINK = 0`: nothing ties row 24's
//! state to round 23's output, nor row 0 of the next instance to row 31 (so an instance's
//! input is free, and bound only by the memory argument). Rows 24 to 31 are not read by the
//! memory argument (`FIRST = READ_OUTPUT = 0` there) and do not reach another row: whatever
//! they hold (the honest prover writes zeros; any state with its round values satisfies
//! 1 to 5) changes nothing an instance proves.
//!
//! Cost: 32 rows of 6,081 main and 16 auxiliary columns per permutation (about 195,000 cells,
//! a quarter of them padding), and 1600 bits in each of the three state blocks per round; the
//! price of degree 2 (Stone's keccak uses diluted columns and a degree-bounded lookup instead).

pub mod columns;
pub mod constraints;
pub mod trace;

use stark::{Component, ConstraintKind, ConstraintList, Felt, Frame, TraceTable};

use crate::builtins::narrow;
use crate::builtins::{BuiltinTable, TableTrace, TraceInput};
use crate::error::CairoError;
use crate::layout::N_CHALLENGES;
use columns::*;

pub use trace::{build_trace, keccak_cells, permute, state_of_cells};

/// The component for one run's `keccak` segment.
pub struct Keccak {
    log_size: u32,
    begin: Felt,
    last: Felt,
    constraints: ConstraintList,
    claim: [usize; 1],
}

impl Keccak {
    /// A segment with at least one instance (`stop - begin` a positive multiple of 16).
    pub fn new(begin: u64, stop: u64) -> Self {
        let instances = ((stop - begin) / CELLS as u64) as usize;
        let mut table = Self {
            log_size: narrow::log_size(instances, ROWS_PER_INSTANCE),
            begin: Felt::from(begin),
            last: Felt::from(stop - CELLS as u64),
            constraints: ConstraintList::empty(),
            claim: [AUX_PRODUCT + INPUT_CELLS - 1],
        };
        let periodic = periodic_columns().len();
        table.constraints =
            ConstraintList::new(&table, MAIN_WIDTH, AUX_WIDTH, periodic, N_CHALLENGES);
        table
    }
}

impl Component for Keccak {
    fn component_name(&self) -> &str {
        "keccak"
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
        &self.claim
    }
    fn evaluate(&self, f: &Frame<'_>, challenges: &[Felt], out: &mut [Felt]) {
        stark::write_constraints(self, f, challenges, out);
    }
    fn build_aux_trace(&self, main: &TraceTable, challenges: &[Felt]) -> TraceTable {
        trace::build_aux(main, challenges)
    }
}

/// The `keccak` builtin in the registry.
pub struct KeccakTable;

impl BuiltinTable for KeccakTable {
    fn name(&self) -> &'static str {
        "keccak"
    }
    fn cells_per_instance(&self) -> usize {
        CELLS
    }
    fn rows_per_instance(&self) -> usize {
        ROWS_PER_INSTANCE
    }
    fn component(&self, begin: u64, stop: u64) -> Option<Box<dyn Component>> {
        Some(Box::new(Keccak::new(begin, stop)))
    }
    fn build_trace(
        &self,
        begin: u64,
        stop: u64,
        run: &mut TraceInput<'_>,
    ) -> Result<Option<TableTrace>, CairoError> {
        let instances = run
            .instances::<INPUT_CELLS>(self.name(), begin, stop, CELLS)?
            .into_iter()
            .map(|(address, cells)| match state_of_cells(&cells) {
                Some(state) => Ok((address, state)),
                None => Err(CairoError::BadExecution(format!(
                    "keccak instance at {address} has an input of 2^200 or more"
                ))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let (trace, accesses) = build_trace(&instances);
        Ok(Some(TableTrace { trace, accesses }))
    }
}
