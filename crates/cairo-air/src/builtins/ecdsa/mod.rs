//! The `ecdsa` builtin (cairo-vm's `SignatureBuiltinRunner`): each instance is two cells
//! `(pubkey, message)` at `begin + 2k`, and the prover holds a signature `(r, s)` for it, given
//! to the table as `r` and `w = s^-1 mod n` (`n` the curve's order; cairo-vm's AIR private
//! input). The table proves StarkWare's formulation of the check, with integer scalars only:
//!
//! > `Q = (pubkey, y_Q)` is a point of the Stark curve `y^2 = x^3 + x + beta` (either `y_Q`),
//! > `z = message`, `r` and `w` are integers in `[0, 2^251)`, `r != 0`, `w != 0`, and
//! > `x(w (z G + r Q)) = r`.
//!
//! The group has prime order `n`, so `w (z G + r Q) = (w z mod n) G + (w r mod n) Q`: this is
//! `starknet_crypto::verify(pubkey, message, r, s)` for `s = w^-1 mod n`, which accepts `Q` and
//! `-Q` alike (a test checks the honest table against it). Like StarkWare's AIR it bounds `w`,
//! not `s`.
//!
//! # Layout
//!
//! A narrow table, one row per scalar bit: 512 rows per instance in two phases of 256 rows.
//! Phase 1 computes `z G` and `r Q` side by side in two lanes; phase 2 computes `w B` in the
//! main lane. Instances are in address order, padded to a power of two by repeating the last
//! one. Main columns (23):
//!
//! | column | content |
//! |---|---|
//! | `address` | the instance's base address (all rows) |
//! | `suffix_z`, `bit_z` | the `z` lane's scalar: `z >> i` on row `1 + i` (`z` on row 1), its bit |
//! | `xz`, `yz` | the `z` lane's accumulator `S + sum 2^i z_i G` before the row's addition |
//! | `slope_z`, `inv_z` | its chord's slope and `1 / (xz - GX)` when `bit_z = 1`, else 0 |
//! | `suffix`, `bit` | the main lane's scalar: `r >> i` on row `i`, `w >> i` on row `256 + i` |
//! | `r` | the instance's `r` (all rows) |
//! | `nonzero_inv` | `1 / suffix` on rows 0 and 256, else 0 |
//! | `dx`, `dy` | the doubling point `D`: `2^i Q` on row `i`, `2^i B` on row `256 + i` |
//! | `dx_sq` | `dx^2` |
//! | `dslope` | the tangent slope of `D` where `D` doubles, else 0 |
//! | `x`, `y` | the main accumulator before the row's addition |
//! | `slope`, `x_diff_inv` | its chord's slope and `1 / (x - dx)` when `bit = 1`, else 0 |
//! | `combine_inv`, `combine_slope` | `1 / (xz - x)` and the chord's slope on row 255, else 0 |
//! | `shift_inv`, `final_slope` | `1 / (x - S_x)` and the slope of `acc - S` on row 511, else 0 |
//!
//! Periodic columns ([`curve`]): `FIRST` (row 0), `MESSAGE` (1), `COMBINE` (255), `W_FIRST`
//! (256), `LAST` (511), `DOUBLE` (all rows but 255 and 511), `BIT_ROW_Z` (`1..=251`), `END_Z`
//! (252), `BIT_ROW` (`0..251` and `256..507`), `END` (251 and 507), and `(GX, GY) = 2^i G` on
//! row `1 + i` of the `z` lane (0 elsewhere).
//!
//! # Constraints (each degree ≤ 2, counting a periodic column like a trace column)
//!
//! Scalars:
//! 1. In each lane, `bit (bit - 1) = 0`, `(1 - BIT_ROW) bit = 0`, `BIT_ROW (s - 2 s' - bit) =
//!    0`, `END s = 0` (with the lane's selectors): the lane's first suffix is the integer
//!    `N = sum_{i<251} b_i 2^i < 2^251` (as `2^251 < p`, the field element and the integer
//!    agree: the message's bits are its canonical bits for free);
//! 2. `s nonzero_inv - FIRST - W_FIRST = 0`: `r != 0` and `w != 0`;
//! 3. `FIRST (s - r) = 0` and `(1 - LAST)(r' - r) = 0`: the column `r` is the main lane's first
//!    scalar on every row of the instance.
//!
//! The doubling point, on every row:
//! 4. `dx_sq = dx^2` and `dy^2 = dx_sq dx + dx + beta`: `D` is on the curve. This is what makes
//!    the key a curve point (no invalid-curve attack: the same formulas on another curve
//!    `y^2 = x^3 + x + beta'` would compute in a group where discrete logarithms may be
//!    easy), and since the group has prime (odd) order no curve point has `dy = 0`;
//! 5. `2 dslope dy - DOUBLE (3 dx_sq + 1) = 0`, `dslope^2 - DOUBLE (2 dx + dx') = 0` and
//!    `DOUBLE (dy + dy') - dslope (dx - dx') = 0`: where `DOUBLE = 1`, `dslope` is the tangent
//!    slope (unique as `dy != 0`) and `D' = 2 D`; elsewhere `dslope = 0` and `D'` is free,
//!    except for 8. Row 0's `D` is `(pubkey, y_Q)`: `dx` is the memory cell, `y_Q` either
//!    root (4).
//!
//! Accumulators, chord additions as in [`crate::builtins::pedersen`]:
//! 6. The `z` lane adds `bit_z (GX, GY)`: `(xz - GX) inv_z - bit_z = 0`, `bit_z (yz - GY) -
//!    slope_z (xz - GX) = 0`, `slope_z^2 - bit_z (xz + GX + xz') = 0`, `bit_z (yz + yz') -
//!    slope_z (xz - xz') = 0`, rests elsewhere (`(1 - bit_z - LAST)(xz' - xz) = 0`, same for
//!    `y`) and starts at `S` (`FIRST (xz - S_x) = 0`, same for `y`): row 255 holds `S + z G`;
//! 7. the main lane adds `bit D` with the same four constraints (`dx, dy` for `GX, GY`), rests
//!    where `1 - bit - COMBINE - LAST` is 1, and starts at `-S` on row 0 and at `S` on row 256
//!    (`(FIRST + W_FIRST)(x - S_x) = 0`, `(FIRST + W_FIRST) y + (FIRST - W_FIRST) S_y = 0`):
//!    row 255 holds `-S + r Q`, row 511 `S + w B` with `B` row 256's `D`.
//!
//! Joining the lanes and the final check:
//! 8. `(xz - x) combine_inv - COMBINE = 0`, `COMBINE (yz - y) - combine_slope (xz - x) = 0`,
//!    `combine_slope^2 - COMBINE (xz + x + dx') = 0`, `COMBINE (yz + dy') - combine_slope (xz -
//!    dx') = 0`: on row 255, `B = (S + z G) + (-S + r Q) = z G + r Q`; elsewhere
//!    `combine_slope = 0`;
//! 9. `(x - S_x) shift_inv - LAST = 0`, `LAST (y + S_y) - final_slope (x - S_x) = 0`,
//!    `final_slope^2 - LAST (x + S_x + r) = 0`: on row 511, `x(acc - S) = r`, i.e.
//!    `x(w (z G + r Q)) = r`.
//!
//! Why the exceptional cases cannot cheat: a chord step is wrong only when the two points
//! share their abscissa (doubling or adding the opposite), where the slope equation no longer
//! fixes the slope. Every chord step here comes with an inverse witness of the difference of
//! abscissas (6, 7, 8, 9), which has no solution in that case, so each accepted step is a true
//! affine addition of two curve points of distinct abscissas. Every point in the table is then
//! an affine curve point (`G`'s multiples, `S`, `Q` by 4, their chord sums and doublings), and
//! the point at infinity never arises: `z G + r Q = O` (the lanes' abscissas then agree, 8) or
//! `w = 0` are refused, not mis-computed. The honest prover meets an exceptional step only for
//! a relation between `S`, `G` and the key with known small coefficients (a discrete
//! logarithm) or for a degenerate signature; it then reports the instance instead of proving
//! it.
//!
//! # Memory
//!
//! The cells enter the memory argument like every builtin's (see [`crate::builtins`]):
//! `factor = 1 + FIRST (z - address - alpha dx - 1) + MESSAGE (z - (address + 1) - alpha
//! suffix_z - 1)` (the pubkey is row 0's `dx`, the message the `z` lane's first suffix),
//! `product_0 = factor_0`, `product' = product factor'`, the last product the claim.
//! Addresses: first `begin`, last `stop - 2`, `(address' - address)(address' - address - 2
//! LAST) = 0`.
//!
//! Cost: 512 rows of 23 main and 2 auxiliary columns per signature (12 800 cells).

pub mod curve;
pub mod trace;

use stark::{
    Component, ConstraintBuilder, ConstraintKind, ConstraintList, Constraints, Felt, Frame,
};

use crate::builtins::narrow::{self, CellRow, memory_columns};
use crate::builtins::{BuiltinTable, TableTrace, TraceInput};
use crate::error::CairoError;
use crate::layout::{CHALLENGE_MEM_ALPHA, CHALLENGE_MEM_Z, N_CHALLENGES};
use curve::*;

pub use trace::{EcdsaError, Signature, Witness, build_trace, layout, witness};

pub const CELLS: usize = 2;
pub const ADDRESS: usize = 0;
pub const SUFFIX_Z: usize = 1;
pub const BIT_Z: usize = 2;
pub const XZ: usize = 3;
pub const YZ: usize = 4;
pub const SLOPE_Z: usize = 5;
pub const INV_Z: usize = 6;
pub const SUFFIX: usize = 7;
pub const BIT: usize = 8;
pub const R: usize = 9;
pub const NONZERO_INV: usize = 10;
pub const DX: usize = 11;
pub const DY: usize = 12;
pub const DX_SQ: usize = 13;
pub const DSLOPE: usize = 14;
pub const X: usize = 15;
pub const Y: usize = 16;
pub const SLOPE: usize = 17;
pub const X_DIFF_INV: usize = 18;
pub const COMBINE_INV: usize = 19;
pub const COMBINE_SLOPE: usize = 20;
pub const SHIFT_INV: usize = 21;
pub const FINAL_SLOPE: usize = 22;
pub const MAIN_WIDTH: usize = 23;
/// Where the cells are read: the pubkey on row 0 (`dx`), the message on row 1 (`suffix_z`).
pub const CELL_ROWS: [CellRow; CELLS] = [
    CellRow { row: KEY_ROW, offset: 0, column: DX },
    CellRow { row: MESSAGE_ROW, offset: 1, column: SUFFIX_Z },
];
/// Auxiliary columns: the memory factor of the row and the running product.
pub const AUX_FACTOR: usize = 0;
pub const AUX_PRODUCT: usize = 1;

/// The component for one run's `ecdsa` segment.
pub struct Ecdsa {
    log_size: u32,
    begin: Felt,
    last: Felt,
    constraints: ConstraintList,
    claim: [usize; 1],
}

impl Ecdsa {
    /// A segment with at least one instance (`stop - begin` a positive multiple of 2).
    pub fn new(begin: u64, stop: u64) -> Self {
        let mut table = Self {
            log_size: narrow::log_size(((stop - begin) / CELLS as u64) as usize, ROWS_PER_INSTANCE),
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

impl Constraints for Ecdsa {
    fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let (c, nx, p) = (f.main_current, f.main_next, f.periodic);
        let one = Felt::one();
        let (first, combine) = (p[FIRST], p[COMBINE]);
        let (w_first, last, double) = (p[W_FIRST], p[LAST], p[DOUBLE]);
        let (bit_row_z, bit_row) = (p[BIT_ROW_Z], p[BIT_ROW]);
        let (gx, gy) = (p[GX], p[GY]);
        let (bit_z, s_z) = (c[BIT_Z], c[SUFFIX_Z]);
        let (bit, s, r) = (c[BIT], c[SUFFIX], c[R]);
        let (dx, dy, dx_sq, dslope) = (c[DX], c[DY], c[DX_SQ], c[DSLOPE]);
        let (dx_next, dy_next) = (nx[DX], nx[DY]);
        let (xz, yz, slope_z) = (c[XZ], c[YZ], c[SLOPE_Z]);
        let (xz_next, yz_next) = (nx[XZ], nx[YZ]);
        let (x, y, slope) = (c[X], c[Y], c[SLOPE]);
        let (x_next, y_next) = (nx[X], nx[Y]);
        let shift = shift_point();

        // Scalars.
        b.every_row("ecdsa: z bit is a bit", bit_z * (bit_z - one));
        b.every_row("ecdsa: no z bit outside its rows", (one - bit_row_z) * bit_z);
        b.transition(
            "ecdsa: z suffix drops its bit",
            bit_row_z * (s_z - nx[SUFFIX_Z].double() - bit_z),
        );
        b.every_row("ecdsa: z suffix ends at 0", p[END_Z] * s_z);
        b.every_row("ecdsa: bit is a bit", bit * (bit - one));
        b.every_row("ecdsa: no bit outside the bit rows", (one - bit_row) * bit);
        b.transition("ecdsa: suffix drops its bit", bit_row * (s - nx[SUFFIX].double() - bit));
        b.every_row("ecdsa: suffix ends at 0", p[END] * s);
        b.every_row("ecdsa: r and w are not zero", s * c[NONZERO_INV] - first - w_first);
        b.every_row("ecdsa: r is the first scalar", first * (s - r));
        b.transition("ecdsa: r is constant within an instance", (one - last) * (nx[R] - r));
        // Doubling point.
        b.every_row("ecdsa: dx_sq is dx^2", dx_sq - dx.square());
        b.every_row(
            "ecdsa: doubling point is on the curve",
            dy.square() - dx_sq * dx - dx - beta(),
        );
        b.every_row(
            "ecdsa: doubling slope",
            dslope * dy.double() - double * (Felt::from(3u64) * dx_sq + one),
        );
        b.transition("ecdsa: doubled x", dslope.square() - double * (dx.double() + dx_next));
        b.transition("ecdsa: doubled y", double * (dy + dy_next) - dslope * (dx - dx_next));
        // The z lane: S + z G.
        b.every_row("ecdsa: z lane x differs from the added point's", (xz - gx) * c[INV_Z] - bit_z);
        b.every_row("ecdsa: z lane slope", bit_z * (yz - gy) - slope_z * (xz - gx));
        b.transition("ecdsa: z lane next x", slope_z.square() - bit_z * (xz + gx + xz_next));
        b.transition("ecdsa: z lane next y", bit_z * (yz + yz_next) - slope_z * (xz - xz_next));
        b.transition("ecdsa: z lane x rests without a bit", (one - bit_z - last) * (xz_next - xz));
        b.transition("ecdsa: z lane y rests without a bit", (one - bit_z - last) * (yz_next - yz));
        b.every_row("ecdsa: z lane x starts at S", first * (xz - shift.x));
        b.every_row("ecdsa: z lane y starts at S", first * (yz - shift.y));
        // The main lane: -S + r Q, then S + w B.
        b.every_row("ecdsa: x differs from the added point's", (x - dx) * c[X_DIFF_INV] - bit);
        b.every_row("ecdsa: slope", bit * (y - dy) - slope * (x - dx));
        b.transition("ecdsa: next x", slope.square() - bit * (x + dx + x_next));
        b.transition("ecdsa: next y", bit * (y + y_next) - slope * (x - x_next));
        let rests = one - bit - combine - last;
        b.transition("ecdsa: x rests without a bit", rests * (x_next - x));
        b.transition("ecdsa: y rests without a bit", rests * (y_next - y));
        b.every_row("ecdsa: x starts at -S, then S", (first + w_first) * (x - shift.x));
        b.every_row(
            "ecdsa: y starts at -S, then S",
            (first + w_first) * y + (first - w_first) * shift.y,
        );
        // B = (S + z G) + (-S + r Q), the next D.
        let combine_slope = c[COMBINE_SLOPE];
        b.every_row("ecdsa: the lanes' x differ", (xz - x) * c[COMBINE_INV] - combine);
        b.every_row(
            "ecdsa: slope of the lanes' sum",
            combine * (yz - y) - combine_slope * (xz - x),
        );
        b.transition(
            "ecdsa: third base x is zG + rQ",
            combine_slope.square() - combine * (xz + x + dx_next),
        );
        b.transition(
            "ecdsa: third base y is zG + rQ",
            combine * (yz + dy_next) - combine_slope * (xz - dx_next),
        );
        // x(acc - S) = r.
        let final_slope = c[FINAL_SLOPE];
        b.every_row("ecdsa: x differs from S's", (x - shift.x) * c[SHIFT_INV] - last);
        b.every_row(
            "ecdsa: final slope of acc - S",
            last * (y + shift.y) - final_slope * (x - shift.x),
        );
        b.every_row(
            "ecdsa: final check x(acc - S) = r",
            final_slope.square() - last * (x + shift.x + r),
        );
        // Addresses.
        let step = nx[ADDRESS] - c[ADDRESS];
        b.first_row("ecdsa: first address is the segment begin", c[ADDRESS] - self.begin);
        b.transition(
            "ecdsa: addresses step by 0 or 2 between instances",
            step * (step - Felt::from(CELLS as u64) * last),
        );
        b.last_row("ecdsa: last address is the segment's last instance", c[ADDRESS] - self.last);
        // Memory: the pubkey at `address` (row 0), the message at `address + 1` (row 1).
        let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
        let (a, an) = (f.aux_current, f.aux_next);
        let address = c[ADDRESS];
        b.every_row(
            "ecdsa: memory factor",
            a[AUX_FACTOR]
                - one
                - first * (z - address - alpha * dx - one)
                - p[MESSAGE] * (z - address - one - alpha * s_z - one),
        );
        b.first_row("ecdsa: memory product starts", a[AUX_PRODUCT] - a[AUX_FACTOR]);
        b.transition(
            "ecdsa: memory product across rows",
            an[AUX_PRODUCT] - a[AUX_PRODUCT] * an[AUX_FACTOR],
        );
    }
}

impl Component for Ecdsa {
    fn component_name(&self) -> &str {
        "ecdsa"
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
        memory_columns(main, challenges, ROWS_PER_INSTANCE, ADDRESS, &CELL_ROWS)
    }
}

/// The `ecdsa` builtin in the registry.
pub struct EcdsaTable;

impl BuiltinTable for EcdsaTable {
    fn name(&self) -> &'static str {
        "ecdsa"
    }
    fn cells_per_instance(&self) -> usize {
        CELLS
    }
    fn rows_per_instance(&self) -> usize {
        ROWS_PER_INSTANCE
    }
    fn component(&self, begin: u64, stop: u64) -> Option<Box<dyn Component>> {
        Some(Box::new(Ecdsa::new(begin, stop)))
    }
    fn build_trace(
        &self,
        begin: u64,
        stop: u64,
        run: &mut TraceInput<'_>,
    ) -> Result<Option<TableTrace>, CairoError> {
        // The signatures are the run's private input (cairo-vm's), by instance address.
        let by_address: std::collections::HashMap<u64, &crate::execution::EcdsaSignature> =
            run.execution.signatures.iter().map(|s| (s.address, s)).collect();
        let signatures = run
            .instances::<2>(self.name(), begin, stop, CELLS)?
            .into_iter()
            .map(|(address, [pubkey, message])| {
                let signature =
                    by_address.get(&address).ok_or(EcdsaError::MissingSignature { address })?;
                Ok(Signature { address, pubkey, message, r: signature.r, w: signature.w })
            })
            .collect::<Result<Vec<_>, CairoError>>()?;
        let (trace, accesses) = build_trace(&signatures)?;
        Ok(Some(TableTrace { trace, accesses }))
    }
}
