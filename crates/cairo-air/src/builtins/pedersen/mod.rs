//! The `pedersen` builtin: each instance is three cells `(a, b, h)` with
//! `h = [P0 + a_low P1 + a_high P2 + b_low P3 + b_high P4].x` on the Stark curve, `a_low` the
//! low 248 bits of `a`'s canonical integer and `a_high` its top 4 bits (cairo-vm's
//! `HashBuiltinRunner`, `starknet_crypto::pedersen_hash`).
//!
//! # Layout
//!
//! A narrow table, one row per scalar bit, as in StarkWare's layouts: 256 rows per input (bit
//! rows `0..252`, then four rows where the accumulator rests), 512 rows per instance (`a`,
//! then `b`), instances in address order and padded to a power of two by repeating the last
//! one. Main columns (9):
//!
//! | column | content on row `i` of an input |
//! |---|---|
//! | `address` | the instance's base address (all 512 rows) |
//! | `suffix` | `s_i = N >> i`, `N` the input's integer (`s_0` is the cell, `s_252 = 0`) |
//! | `bit` | `b_i = s_i - 2 s_(i+1)` on bit rows, 0 elsewhere |
//! | `below` | `1` iff the low `i` bits of `N` are at most those of `p - 1` (as integers) |
//! | `below_and_bit` | `below * bit` |
//! | `x`, `y` | the accumulator before row `i`'s addition (`P0` on the instance's first row) |
//! | `slope` | the chord's slope when `bit = 1`, else 0 |
//! | `x_diff_inv` | `1 / (x - px)` when `bit = 1`, else 0 |
//!
//! Periodic columns ([`points`]): the row's constant point `(px, py)` (`2^i P1`, `2^(i-248) P2`,
//! `2^i P3`, `2^(i-248) P4`), and selectors: instance first row, instance last row, second
//! input's first row, input first row, input row 252, and the bit rows split by the bit of
//! `p - 1` (`ONE`, `ZERO`; `ONE + ZERO` selects the bit rows).
//!
//! # Constraints (each degree ≤ 2, counting a periodic column like a trace column)
//!
//! Decomposition, on bit rows (`BITROW = ONE + ZERO`):
//! 1. `bit (bit - 1) = 0` (every row) and `(1 - BITROW) bit = 0`: bits are bits, and rows that
//!    are not bit rows add nothing;
//! 2. `BITROW (s - 2 s' - bit) = 0` and `END s = 0`: so `s_0 = sum_{i<252} b_i 2^i` in the
//!    field, i.e. the cell is `N mod p` for the integer `N = sum b_i 2^i < 2^252`.
//!
//! Canonical decomposition. `N < 2^252` may still be `≥ p` (then `N - p` is the cell's
//! integer, and the table would hash another scalar). `below` runs the comparison of `N`
//! with `p - 1` from the least significant bit: `below_0 = 1` (`FIRST (below - 1) = 0`) and,
//! with `c_i` the bit of `p - 1`,
//! `below_(i+1) = 1` if `b_i < c_i`, `0` if `b_i > c_i`, `below_i` if equal, which is
//! `c_i (1 - b_i + t_i) + (1 - c_i)(below_i - t_i)` with `t_i = below_i b_i` (a column, so the
//! step is `BITROW below' - ONE (1 - bit + t) - ZERO (below - t) = 0`, degree 2). Then
//! `END (below - 1) = 0` says `N ≤ p - 1`: the bits are the canonical integer's. (This is
//! exact, so every value below `p`, `p - 1` included, is provable; StarkWare's layouts use a
//! check on bits 192, 196 and 251 that is simpler in their multi-row frames.)
//!
//! Elliptic-curve accumulation, every bit row adding `bit * (px, py)` to `(x, y)`:
//! 3. `(x - px) x_diff_inv - bit = 0`: when `bit = 1`, `x != px`;
//! 4. `bit (y - py) - slope (x - px) = 0`: when `bit = 1`, the slope is the chord's, unique
//!    because `x != px`;
//! 5. `slope^2 - bit (x + px + x') = 0`: when `bit = 1`, `x' = slope^2 - x - px`; when `bit = 0`
//!    it forces `slope = 0`, which makes 4 and 6 vacuous;
//! 6. `bit (y + y') - slope (x - x') = 0`: when `bit = 1`, `y' = slope (x - x') - y`;
//! 7. `(1 - bit - LAST) (x' - x) = 0` and the same for `y`: when `bit = 0` the accumulator
//!    stays, except on an instance's last row (`bit` is 0 there by 1), where the next
//!    instance starts afresh;
//! 8. `FIRST_OF_HASH (x - P0x) = 0`, same for `y`: every instance starts at `P0`.
//!
//! Why the exceptional case cannot cheat: the chord formulas are wrong only when
//! `x == px` (doubling or adding the opposite point), where 4 no longer fixes the slope and a
//! prover could pick any next point. Constraint 3 rules it out: `(x - px) x_diff_inv = 1` has
//! no solution when `x == px`. The honest prover never meets it either, short of a linear
//! relation between `P0..P4` with known small coefficients (a discrete logarithm, the same
//! assumption Pedersen's collision resistance rests on); it then reports the instance instead
//! of proving. Every accumulator is an affine curve point (`P0` is, and a chord sum of
//! distinct-x points is), so the point at infinity never arises.
//!
//! # Memory
//!
//! The cells enter the memory argument like every builtin's (see [`crate::builtins`]): the
//! auxiliary column `factor` is `z - (address + k + alpha v)` on the rows that hold a cell
//! (`a = s` on the first row, `b = s` on row 256, `h = x` on the last row) and 1 elsewhere:
//! `factor = 1 + FIRST (z - address - alpha s - 1) + SECOND (z - address - 1 - alpha s - 1) +
//! LAST (z - address - 2 - alpha x - 1)` (degree 2). `product` is their running product
//! (`product_0 = factor_0`, `product' = product factor'`), its last value the claim.
//! Addresses: first `begin`, last `stop - 3`, and `(address' - address)(address' - address -
//! 3 LAST) = 0`, so they are constant within an instance and step by 0 or 3 between
//! instances: every instance of `[begin, stop)` has its rows.

pub mod points;
pub mod trace;

use stark::{
    Component, ConstraintBuilder, ConstraintKind, ConstraintList, Constraints, Felt, Frame,
};

use crate::builtins::narrow::{self, CellRow, memory_columns};
use crate::builtins::{BuiltinTable, TableTrace, TraceInput};
use crate::error::CairoError;
use crate::layout::{CHALLENGE_MEM_ALPHA, CHALLENGE_MEM_Z, N_CHALLENGES};
use points::*;

pub use trace::{Bits, ExceptionalAddition, Instance, build_trace, canonical_bits, hash};

pub const CELLS: usize = 3;
pub const ADDRESS: usize = 0;
pub const SUFFIX: usize = 1;
pub const BIT: usize = 2;
pub const BELOW: usize = 3;
pub const BELOW_AND_BIT: usize = 4;
pub const X: usize = 5;
pub const Y: usize = 6;
pub const SLOPE: usize = 7;
pub const X_DIFF_INV: usize = 8;
pub const MAIN_WIDTH: usize = 9;
/// Auxiliary columns: the memory factor of the row and the running product.
pub const AUX_FACTOR: usize = 0;
pub const AUX_PRODUCT: usize = 1;

/// The component for one run's `pedersen` segment.
pub struct Pedersen {
    log_size: u32,
    begin: Felt,
    last: Felt,
    constraints: ConstraintList,
    claim: [usize; 1],
}

impl Pedersen {
    /// A segment with at least one instance (`stop - begin` a positive multiple of 3).
    pub fn new(begin: u64, stop: u64) -> Self {
        let mut table = Self {
            log_size: narrow::log_size(((stop - begin) / CELLS as u64) as usize, ROWS_PER_HASH),
            begin: Felt::from(begin),
            last: Felt::from(stop - CELLS as u64),
            constraints: ConstraintList::empty(),
            claim: [AUX_PRODUCT],
        };
        let periodic = periodic_columns().len();
        table.constraints = ConstraintList::new(&table, MAIN_WIDTH, 2, periodic, N_CHALLENGES);
        table
    }
}

impl Constraints for Pedersen {
    fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let (c, nx, p) = (f.main_current, f.main_next, f.periodic);
        let one = Felt::one();
        let (px, py) = (p[PERIODIC_X], p[PERIODIC_Y]);
        let (one_bit, zero_bit) = (p[BIT_ROW_P_ONE], p[BIT_ROW_P_ZERO]);
        let bit_row = one_bit + zero_bit;
        let (first, last, second) = (p[HASH_FIRST], p[HASH_LAST], p[SECOND_INPUT]);
        let (bit, s, below, t) = (c[BIT], c[SUFFIX], c[BELOW], c[BELOW_AND_BIT]);
        let (x, y, slope) = (c[X], c[Y], c[SLOPE]);
        let (x_next, y_next) = (nx[X], nx[Y]);
        let p0 = shift_point();

        // Decomposition.
        b.every_row("pedersen: bit is a bit", bit * (bit - one));
        b.every_row("pedersen: no bit outside the bit rows", (one - bit_row) * bit);
        b.transition("pedersen: suffix drops its bit", bit_row * (s - nx[SUFFIX].double() - bit));
        b.every_row("pedersen: suffix ends at 0", p[INPUT_END] * s);
        // Canonical: N <= p - 1.
        b.every_row("pedersen: below_and_bit is below * bit", t - below * bit);
        b.every_row("pedersen: comparison with p - 1 starts", p[INPUT_FIRST] * (below - one));
        b.transition(
            "pedersen: comparison with p - 1 steps",
            bit_row * nx[BELOW] - one_bit * (one - bit + t) - zero_bit * (below - t),
        );
        b.every_row("pedersen: input decomposition is canonical", p[INPUT_END] * (below - one));
        // Accumulation.
        b.every_row("pedersen: x differs from the added point's", (x - px) * c[X_DIFF_INV] - bit);
        b.every_row("pedersen: slope", bit * (y - py) - slope * (x - px));
        b.transition("pedersen: next x", slope.square() - bit * (x + px + x_next));
        b.transition("pedersen: next y", bit * (y + y_next) - slope * (x - x_next));
        b.transition("pedersen: x rests without a bit", (one - bit - last) * (x_next - x));
        b.transition("pedersen: y rests without a bit", (one - bit - last) * (y_next - y));
        b.every_row("pedersen: x starts at P0", first * (x - p0.x));
        b.every_row("pedersen: y starts at P0", first * (y - p0.y));
        // Addresses.
        let step = nx[ADDRESS] - c[ADDRESS];
        b.first_row("pedersen: first address is the segment begin", c[ADDRESS] - self.begin);
        b.transition(
            "pedersen: addresses step by 0 or 3 between instances",
            step * (step - Felt::from(CELLS as u64) * last),
        );
        b.last_row("pedersen: last address is the segment's last instance", c[ADDRESS] - self.last);
        // Memory.
        let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
        let (a, an) = (f.aux_current, f.aux_next);
        let address = c[ADDRESS];
        b.every_row(
            "pedersen: memory factor",
            a[AUX_FACTOR]
                - one
                - first * (z - address - alpha * s - one)
                - second * (z - address - one - alpha * s - one)
                - last * (z - address - Felt::from(2u64) - alpha * x - one),
        );
        b.first_row("pedersen: memory product starts", a[AUX_PRODUCT] - a[AUX_FACTOR]);
        b.transition(
            "pedersen: memory product across rows",
            an[AUX_PRODUCT] - a[AUX_PRODUCT] * an[AUX_FACTOR],
        );
    }
}

impl Component for Pedersen {
    fn component_name(&self) -> &str {
        "pedersen"
    }
    fn log_size(&self) -> u32 {
        self.log_size
    }
    fn main_width(&self) -> usize {
        MAIN_WIDTH
    }
    fn aux_width(&self) -> usize {
        2
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

    fn build_aux_trace(&self, main: &stark::TraceTable, challenges: &[Felt]) -> stark::TraceTable {
        let cells = [
            CellRow { row: 0, offset: 0, column: SUFFIX },
            CellRow { row: ROWS_PER_INPUT, offset: 1, column: SUFFIX },
            CellRow { row: ROWS_PER_HASH - 1, offset: 2, column: X },
        ];
        memory_columns(main, challenges, ROWS_PER_HASH, ADDRESS, &cells)
    }
}

/// The `pedersen` builtin in the registry.
pub struct PedersenTable;

impl BuiltinTable for PedersenTable {
    fn name(&self) -> &'static str {
        "pedersen"
    }
    fn cells_per_instance(&self) -> usize {
        CELLS
    }
    fn rows_per_instance(&self) -> usize {
        ROWS_PER_HASH
    }
    fn component(&self, begin: u64, stop: u64) -> Option<Box<dyn Component>> {
        Some(Box::new(Pedersen::new(begin, stop)))
    }
    fn build_trace(
        &self,
        begin: u64,
        stop: u64,
        run: &mut TraceInput<'_>,
    ) -> Result<Option<TableTrace>, CairoError> {
        let instances: Vec<Instance> = run
            .instances::<2>(self.name(), begin, stop, CELLS)?
            .iter()
            .map(|(address, [a, b])| Instance::honest(*address, a, b))
            .collect();
        let (trace, accesses) = build_trace(&instances).map_err(|e| {
            CairoError::BadExecution(format!(
                "pedersen instance at {} meets the exceptional case of the curve addition",
                e.address
            ))
        })?;
        Ok(Some(TableTrace { trace, accesses }))
    }
}
