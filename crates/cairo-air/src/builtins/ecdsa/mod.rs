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
//! A narrow table, one row per scalar bit: 1024 rows per instance in four phases of 256 rows
//! (bit rows `0..251`, then rows where the accumulator rests): phase A adds `z G`, phase B
//! `r Q`, phase C `w B`, and phase D idles so that an instance is a power of two of rows.
//! Instances are in address order, padded to a power of two by repeating the last one. Main
//! columns (16):
//!
//! | column | content |
//! |---|---|
//! | `address` | the instance's base address (all rows) |
//! | `suffix` | `s_i = N >> i` for the phase's scalar `N` (`z`, `r`, `w`); `s_251 = 0` |
//! | `bit` | `b_i = s_i - 2 s_(i+1)` on bit rows, 0 elsewhere |
//! | `r` | the instance's `r` (all rows) |
//! | `nonzero_inv` | `1 / suffix` on the first rows of phases B and C, else 0 |
//! | `dx`, `dy` | the doubling point `D`: `2^i G`, `2^i Q`, `2^i B` on row `i` of A, B, C |
//! | `dx_sq` | `dx^2` |
//! | `dslope` | the tangent slope of `D` where `D` doubles, else 0 |
//! | `x`, `y` | the accumulator before the row's addition |
//! | `slope`, `x_diff_inv` | the chord's slope and `1 / (x - dx)` when `bit = 1`, else 0 |
//! | `shift_inv` | `1 / (x - S_x)` on rows 511 and 1023, else 0 |
//! | `sub_slope`, `final_slope` | the slope of `acc - S` on row 511, resp. 1023, else 0 |
//!
//! Periodic selectors ([`curve`]): `FIRST` (row 0), `KEY` (256), `SUBTRACT` (511), `W_FIRST`
//! (512), `LAST` (1023), `DOUBLE` (all rows but 255, 511, 1023), `BIT_ROW` (`0..251` of phases
//! A, B, C), `END` (row 251 of phases A, B, C).
//!
//! # Constraints (each degree ≤ 2, counting a periodic column like a trace column)
//!
//! Scalars:
//! 1. `bit (bit - 1) = 0`, `(1 - BIT_ROW) bit = 0`, `BIT_ROW (s - 2 s' - bit) = 0`,
//!    `END s = 0`: each phase's first suffix is the integer `N = sum_{i<251} b_i 2^i < 2^251`
//!    (as `2^251 < p`, the field element and the integer agree: the message's bits are its
//!    canonical bits for free);
//! 2. `s nonzero_inv - KEY - W_FIRST = 0`: `r != 0` and `w != 0`;
//! 3. `KEY (s - r) = 0` and `(1 - LAST)(r' - r) = 0`: the column `r` is phase B's scalar on
//!    every row of the instance.
//!
//! The doubling point, on every row:
//! 4. `dx_sq = dx^2` and `dy^2 = dx_sq dx + dx + beta`: `D` is on the curve. This is what makes
//!    the pubkey a curve point (no invalid-curve attack: the doubling formulas of another
//!    curve `y^2 = x^3 + x + beta'` would otherwise compute in a weaker group), and since the
//!    group has prime (odd) order no curve point has `dy = 0`;
//! 5. `2 dslope dy - DOUBLE (3 dx_sq + 1) = 0`, `dslope^2 - DOUBLE (2 dx + dx') = 0` and
//!    `DOUBLE (dy + dy') - dslope (dx - dx') = 0`: where `DOUBLE = 1`, `dslope` is the tangent
//!    slope (unique as `dy != 0`) and `D' = 2 D`; elsewhere `dslope = 0` and `D'` is free,
//!    except for 6 and 9;
//! 6. `FIRST (dx - G_x) = 0`, same for `y`: phase A doubles from `G`. Phase B's first `D` is
//!    `(pubkey, y_Q)` with `dx` the memory cell and `y_Q` either root (4).
//!
//! The accumulator, chord additions of `bit * D` as in [`crate::builtins::pedersen`]:
//! 7. `(x - dx) x_diff_inv - bit = 0`, `bit (y - dy) - slope (x - dx) = 0`,
//!    `slope^2 - bit (x + dx + x') = 0`, `bit (y + y') - slope (x - x') = 0`: when `bit = 1`,
//!    `x != dx` and `(x', y') = (x, y) + D`; when `bit = 0`, `slope = 0`;
//! 8. `(1 - bit - SUBTRACT - LAST)(x' - x) = 0`, same for `y`: the accumulator rests on rows
//!    without a bit, except where it restarts; `(FIRST + W_FIRST)(x - S_x) = 0`, same for `y`:
//!    phases A and C start at the shift point `S`.
//!
//! So row 511 holds `S + z G + r Q`, and row 1023 `S + w D_C` with `D_C` row 512's `D`.
//! Removing `S`, by a chord addition of `-S = (S_x, -S_y)`:
//! 9. `(x - S_x) shift_inv - SUBTRACT - LAST = 0`; `SUBTRACT (y + S_y) - sub_slope (x - S_x) =
//!    0`, `sub_slope^2 - SUBTRACT (x + S_x + dx') = 0`, `SUBTRACT (y + dy') - sub_slope (x -
//!    dx') = 0`: on row 511 `D_C = acc - S = z G + r Q`; elsewhere `sub_slope = 0`;
//! 10. `LAST (y + S_y) - final_slope (x - S_x) = 0`, `final_slope^2 - LAST (x + S_x + r) = 0`:
//!     on row 1023, `x(acc - S) = r`, i.e. `x(w (z G + r Q)) = r`.
//!
//! Why the exceptional cases cannot cheat: a chord step is wrong only when the two points
//! share their abscissa (doubling or adding the opposite), where the slope equation no longer
//! fixes the slope. Every chord step here comes with an inverse witness of the difference of
//! abscissas (7 and 9), which has no solution in that case, so each accepted step is a true
//! affine addition of two curve points of distinct abscissas. Every point in the table is then
//! an affine curve point (`G`, `S`, `Q` by 4, and their chord sums and doublings), and the
//! point at infinity never arises: `z G + r Q = O` (then `x(acc - S)` is refused by 9, as
//! `acc = S`) or `w = 0` are refused, not mis-computed. The honest prover meets an exceptional
//! step only for a relation between `S` and the keys with known small coefficients (a
//! discrete logarithm) or for a degenerate signature; it then reports the instance instead
//! of proving it.
//!
//! # Memory
//!
//! The cells enter the memory argument like every builtin's (see [`crate::builtins`]):
//! `factor = 1 + FIRST (z - (address + 1) - alpha s - 1) + KEY (z - address - alpha dx - 1)`
//! (the message is phase A's first suffix, the pubkey phase B's first `dx`), `product_0 =
//! factor_0`, `product' = product factor'`, the last product the claim. Addresses: first
//! `begin`, last `stop - 2`, `(address' - address)(address' - address - 2 LAST) = 0`.
//!
//! Cost: 1024 rows of 16 main and 2 auxiliary columns per signature (18 432 cells).

pub mod curve;
pub mod trace;

use stark::{Component, ConstraintKind, Felt, Frame};

use crate::constraints::ConstraintList;
use crate::layout::{CHALLENGE_MEM_ALPHA, CHALLENGE_MEM_Z};
use curve::*;

pub use trace::{EcdsaError, Signature, Witness, build_trace, layout, witness};

pub const CELLS: usize = 2;
pub const ADDRESS: usize = 0;
pub const SUFFIX: usize = 1;
pub const BIT: usize = 2;
pub const R: usize = 3;
pub const NONZERO_INV: usize = 4;
pub const DX: usize = 5;
pub const DY: usize = 6;
pub const DX_SQ: usize = 7;
pub const DSLOPE: usize = 8;
pub const X: usize = 9;
pub const Y: usize = 10;
pub const SLOPE: usize = 11;
pub const X_DIFF_INV: usize = 12;
pub const SHIFT_INV: usize = 13;
pub const SUB_SLOPE: usize = 14;
pub const FINAL_SLOPE: usize = 15;
pub const MAIN_WIDTH: usize = 16;
/// Auxiliary columns: the memory factor of the row and the running product.
pub const AUX_FACTOR: usize = 0;
pub const AUX_PRODUCT: usize = 1;

/// Instances a table of `instances` holds: the next power of two.
pub fn padded_instances(instances: usize) -> usize {
    instances.max(1).next_power_of_two()
}

/// log2 of the rows of a table of `instances` instances.
pub fn log_rows(instances: usize) -> u32 {
    (padded_instances(instances) * ROWS_PER_INSTANCE).trailing_zeros()
}

use ConstraintKind::{EveryRow, FirstRow, LastRow, Transition};

const CONSTRAINTS: [(ConstraintKind, &str); 34] = [
    (EveryRow, "ecdsa: bit is a bit"),
    (EveryRow, "ecdsa: no bit outside the bit rows"),
    (Transition, "ecdsa: suffix drops its bit"),
    (EveryRow, "ecdsa: suffix ends at 0"),
    (EveryRow, "ecdsa: r and w are not zero"),
    (EveryRow, "ecdsa: r is the second scalar"),
    (Transition, "ecdsa: r is constant within an instance"),
    (EveryRow, "ecdsa: dx_sq is dx^2"),
    (EveryRow, "ecdsa: doubling point is on the curve"),
    (EveryRow, "ecdsa: doubling slope"),
    (Transition, "ecdsa: doubled x"),
    (Transition, "ecdsa: doubled y"),
    (EveryRow, "ecdsa: doubling starts at G (x)"),
    (EveryRow, "ecdsa: doubling starts at G (y)"),
    (EveryRow, "ecdsa: x differs from the added point's"),
    (EveryRow, "ecdsa: slope"),
    (Transition, "ecdsa: next x"),
    (Transition, "ecdsa: next y"),
    (Transition, "ecdsa: x rests without a bit"),
    (Transition, "ecdsa: y rests without a bit"),
    (EveryRow, "ecdsa: x starts at S"),
    (EveryRow, "ecdsa: y starts at S"),
    (EveryRow, "ecdsa: x differs from S's"),
    (EveryRow, "ecdsa: slope of acc - S"),
    (Transition, "ecdsa: third base x is acc - S"),
    (Transition, "ecdsa: third base y is acc - S"),
    (EveryRow, "ecdsa: final slope of acc - S"),
    (EveryRow, "ecdsa: final check x(acc - S) = r"),
    (FirstRow, "ecdsa: first address is the segment begin"),
    (Transition, "ecdsa: addresses step by 0 or 2 between instances"),
    (LastRow, "ecdsa: last address is the segment's last instance"),
    (EveryRow, "ecdsa: memory factor"),
    (FirstRow, "ecdsa: memory product starts"),
    (Transition, "ecdsa: memory product across rows"),
];

/// The component for one run's `ecdsa` segment.
pub struct Ecdsa {
    log_rows: u32,
    begin: Felt,
    last: Felt,
    constraints: ConstraintList,
    claim: [usize; 1],
}

impl Ecdsa {
    /// A segment with at least one instance (`stop - begin` a positive multiple of 2).
    pub fn new(begin: u64, stop: u64) -> Self {
        let list = CONSTRAINTS.iter().map(|(k, n)| (*k, n.to_string())).collect();
        Self {
            log_rows: log_rows(((stop - begin) / CELLS as u64) as usize),
            begin: Felt::from(begin),
            last: Felt::from(stop - CELLS as u64),
            constraints: ConstraintList::new(list),
            claim: [AUX_PRODUCT],
        }
    }
}

impl Component for Ecdsa {
    fn component_name(&self) -> &str {
        "ecdsa"
    }
    fn log_trace_length(&self) -> u32 {
        self.log_rows
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
        self.constraints.name(index)
    }
    fn claim_columns(&self) -> &[usize] {
        &self.claim
    }

    fn evaluate(&self, f: &Frame<'_>, challenges: &[Felt], out: &mut [Felt]) {
        let (c, nx, p) = (f.main_current, f.main_next, f.periodic);
        let one = Felt::one();
        let (first, key, subtract) = (p[FIRST], p[KEY], p[SUBTRACT]);
        let (w_first, last, double) = (p[W_FIRST], p[LAST], p[DOUBLE]);
        let bit_row = p[BIT_ROW];
        let (bit, s, r) = (c[BIT], c[SUFFIX], c[R]);
        let (dx, dy, dx_sq, dslope) = (c[DX], c[DY], c[DX_SQ], c[DSLOPE]);
        let (dx_next, dy_next) = (nx[DX], nx[DY]);
        let (x, y, slope) = (c[X], c[Y], c[SLOPE]);
        let (x_next, y_next) = (nx[X], nx[Y]);
        let (g, shift) = (generator(), shift_point());

        // Scalars.
        out[0] = bit * (bit - one);
        out[1] = (one - bit_row) * bit;
        out[2] = bit_row * (s - nx[SUFFIX].double() - bit);
        out[3] = p[END] * s;
        out[4] = s * c[NONZERO_INV] - key - w_first;
        out[5] = key * (s - r);
        out[6] = (one - last) * (nx[R] - r);
        // Doubling point.
        out[7] = dx_sq - dx.square();
        out[8] = dy.square() - dx_sq * dx - dx - beta();
        out[9] = dslope * dy.double() - double * (Felt::from(3u64) * dx_sq + one);
        out[10] = dslope.square() - double * (dx.double() + dx_next);
        out[11] = double * (dy + dy_next) - dslope * (dx - dx_next);
        out[12] = first * (dx - g.x);
        out[13] = first * (dy - g.y);
        // Accumulation.
        out[14] = (x - dx) * c[X_DIFF_INV] - bit;
        out[15] = bit * (y - dy) - slope * (x - dx);
        out[16] = slope.square() - bit * (x + dx + x_next);
        out[17] = bit * (y + y_next) - slope * (x - x_next);
        let rests = one - bit - subtract - last;
        out[18] = rests * (x_next - x);
        out[19] = rests * (y_next - y);
        out[20] = (first + w_first) * (x - shift.x);
        out[21] = (first + w_first) * (y - shift.y);
        // Removing the shift point.
        let (sub_slope, final_slope) = (c[SUB_SLOPE], c[FINAL_SLOPE]);
        out[22] = (x - shift.x) * c[SHIFT_INV] - subtract - last;
        out[23] = subtract * (y + shift.y) - sub_slope * (x - shift.x);
        out[24] = sub_slope.square() - subtract * (x + shift.x + dx_next);
        out[25] = subtract * (y + dy_next) - sub_slope * (x - dx_next);
        out[26] = last * (y + shift.y) - final_slope * (x - shift.x);
        out[27] = final_slope.square() - last * (x + shift.x + r);
        // Addresses.
        let step = nx[ADDRESS] - c[ADDRESS];
        out[28] = c[ADDRESS] - self.begin;
        out[29] = step * (step - Felt::from(CELLS as u64) * last);
        out[30] = c[ADDRESS] - self.last;
        // Memory: the pubkey at `address`, the message at `address + 1`.
        let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
        let (a, an) = (f.aux_current, f.aux_next);
        let address = c[ADDRESS];
        out[31] = a[AUX_FACTOR]
            - one
            - first * (z - address - one - alpha * s - one)
            - key * (z - address - alpha * dx - one);
        out[32] = a[AUX_PRODUCT] - a[AUX_FACTOR];
        out[33] = an[AUX_PRODUCT] - a[AUX_PRODUCT] * an[AUX_FACTOR];
    }

    fn build_aux_trace(&self, main: &stark::TraceTable, challenges: &[Felt]) -> stark::TraceTable {
        let n = main.length();
        let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
        let mut factor = vec![Felt::one(); n];
        let mut product = Vec::with_capacity(n);
        for (row, f) in factor.iter_mut().enumerate() {
            let (r, address) = (row % ROWS_PER_INSTANCE, *main.get(row, ADDRESS));
            if r == 0 {
                *f = z - (address + Felt::one() + alpha * main.get(row, SUFFIX));
            } else if r == KEY_ROW {
                *f = z - (address + alpha * main.get(row, DX));
            }
        }
        let mut acc = Felt::one();
        for f in &factor {
            acc *= f;
            product.push(acc);
        }
        stark::TraceTable::new(vec![factor, product], n)
    }
}
