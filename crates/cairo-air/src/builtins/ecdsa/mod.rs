//! The `ecdsa` builtin (cairo-vm's `SignatureBuiltinRunner`): each instance is two cells
//! `(pubkey, message)` at `begin + 2k`, and the prover holds a signature for it, given to the
//! table as `r` and `w = s^-1 mod n` (`n` the curve's order; cairo-vm's AIR private input).
//!
//! # The statement
//!
//! The table proves, with the prover's `y_Q`, `y_R` and `s`:
//!
//! > `Q = (pubkey, y_Q)` and `R = (r, y_R)` are points of the Stark curve
//! > `y^2 = x^3 + x + beta`; `z = message`, `r` and `s` are integers below `2^251`; and
//! > `z G + r Q = s R`.
//!
//! This accepts exactly the `(pubkey, message)` pairs that `starknet_crypto::verify` (what
//! cairo-vm checks) accepts for some signature `(r, s')`, `r, message < 2^251`,
//! `w' = s'^-1 mod n < 2^251`:
//! * given the table's witness, `s != 0 mod n` (below, `s = 0` needs the key's discrete
//!   logarithm), so `w = s^-1 mod n` gives `w (z G + r Q) = R`, whose `x` is `r`; if
//!   `w >= 2^251`, then `n - w < 2^251` and `(r, n - s)` is valid for `-R`;
//! * given a valid `(r, s')`, `R' = w' (z G + r Q')` has `x(R') = r` (`Q'` is `±Q`, either is
//!   accepted by `verify`), so `z G + r Q' = s' R'`; if `s' >= 2^251`, then
//!   `z G + r Q' = (n - s') (-R')` with `n - s' < 2^251`.
//!
//! `r != 0` holds for any curve point `R = (r, y)`: `beta` is not a square, so no curve point
//! has `x = 0`. `s = 0` would mean `z G + r Q = 0`, i.e. knowing the key's discrete logarithm
//! `-z/r`: with it, one can sign anyway. The prover takes `s = w^-1 mod n`, or `n` minus it,
//! whichever is below `2^251`, and tries the roots `y_Q`, `y_R` ([`trace::witnesses`]).
//!
//! # Layout
//!
//! 128 rows per instance, instances in address order, padded to a power of two by repeating
//! the last one. Three parts share the rows ([`curve`] has the row map):
//!
//! * **The joint chain** (rows `0..126`), Shamir's trick over 2-bit digits `a_k` of `r` and
//!   `b_k` of `s`, from the top: `acc_0 = S`, `acc_(t+1) = 4 acc_t + T[a][b]`, with
//!   `T[i][j] = H + i Q - j R` looked up in the instance's own table. Row 126 holds
//!   `J = C_J + r Q - s R`, `C_J = 4^126 S + (4^126 - 1)/3 H`.
//! * **The walk** (rows `0..20`, add lane): the instance's table, 20 entries each one step
//!   `±Q` or `±R` from the one before ([`curve::WALK`]): `T[i][j]` for `i, j < 4`, and four
//!   "top" entries for `i, j < 2`, the only ones row 0 (the top digits) may look up.
//! * **The `z` chain** (rows `63..126`, add lane): `S_z` plus one looked-up point
//!   `H_z + d 16^k G` per 4-bit window of `z` ([`generator_table`]); row 126 holds
//!   `Z = C_z + z G`, `C_z = S_z + 63 H_z`. The add lane then adds `J` on row 126, and row
//!   127 must hold `K = C_J + C_z` ([`curve::target`]): that is `z G + r Q - s R = 0`.
//!
//! Main columns (29):
//!
//! | columns | content |
//! |---|---|
//! | `address` | the instance's base address (all rows) |
//! | `qx, qy, qx_sq` | `Q` and `qx^2` (all rows) |
//! | `rx, ry, rx_sq` | `R` and `rx^2` (all rows) |
//! | `u`, `v` | prefixes of `r` and `s`: the digits above row `t`'s, `u_0 = 0`, `u_126 = r`; the row's digits are `a = u' - 4 u`, `b = v' - 4 v` |
//! | `x, y` | the chain's accumulator |
//! | `l1, x1, y1`, `l2, x2, y2` | its two doublings: tangent slope and point |
//! | `ex, ey` | the looked-up entry `T[a][b]` |
//! | `l3, inv3` | the chord slope of `4 acc + E` and `1 / (x2 - ex)` |
//! | `px, py` | the add lane's added point: the walk step, a window point of `G`, or `J` |
//! | `ax, ay` | the add lane's accumulator: walk entries, then the `z` chain |
//! | `al, ainv` | its chord slope and `1 / (ax - px)` |
//! | `zu` | prefix of `z`: `zu_63 = 0`, `zu_126 = z`; the row's window is `zu' - 16 zu` |
//! | `m` | on walk row `e`: how many chain rows look up entry `e` |
//!
//! Auxiliary columns (5): the memory `factor` and running `product`; the LogUp terms `ft` (a
//! walk entry's `-m / (zeta - c_t)`) and `fz` (a window lookup's `1 / (zeta - c_z)`); and
//! `sum`, the running sum of every row's terms, with the chain lookup's `1 / (zeta - c_j)`
//! folded in.
//!
//! # Constraints (each degree ≤ 2, counting a periodic column like a trace column)
//!
//! Points:
//! 1. `qx_sq = qx^2`, `qy^2 = qx_sq qx + qx + beta`, the same for `R`, on every row, and the
//!    six carry to the next row within an instance: `Q` and `R` are curve points, constant
//!    over the instance (no invalid-curve attack: the same formulas on another curve
//!    `y^2 = x^3 + x + beta'` would compute in a group where discrete logarithms may be easy).
//!
//! The joint chain:
//! 2. On every row, `2 y l1 = 3 x^2 + 1`, `x1 = l1^2 - 2 x`, `y1 = l1 (x - x1) - y`, and the
//!    same from `(x1, y1)` to `(x2, y2)`: two true doublings, as no curve point has `y = 0`
//!    (the group has prime order) and the accumulator is a curve point;
//! 3. with `CHAIN` (rows `0..126`): `(x2 - ex) inv3 = CHAIN`, `CHAIN (y2 - ey) = l3 (x2 - ex)`,
//!    `l3^2 = CHAIN (x2 + ex + x')`, `CHAIN (y2 + y') = l3 (x2 - x')`: the next accumulator is
//!    the chord sum, for distinct abscissas; off the chain `l3 = 0`;
//! 4. row 0: `(x, y) = S`, `u = v = 0`; row 126: `u = rx`. The lookup bounds each digit
//!    (below 4, below 2 on row 0), so `r = u_126 < 2^251` is the integer of its digits, and so
//!    is `s < 2^251`.
//!
//! The chain's lookup: each row `0..126` looks up
//! `c_j = (qx, qy, rx, ry, a, b, FIRST, ex, ey, 1)`, compressed, in the table of the walk
//! entries `c_t = (qx, qy, rx, ry, i, j, top, ax, ay, 1)`. Both carry the instance's `Q` and
//! `R`, so a row can only use an entry computed from its own points (instances at one address
//! with other `y_Q` or `R` have other tuples); the trailing 1 keeps them apart from the
//! window tuples. `FIRST` makes row 0 use a top entry.
//!
//! The add lane, with `ADD` = walk steps, `z` steps and row 126:
//! 5. `(ax - px) ainv = ADD`, `ADD (ay - py) = al (ax - px)`, `al^2 = ADD (ax + px + ax')`,
//!    `ADD (ay + ay') = al (ax - ax')`;
//! 6. the walk: row 0 `(ax, ay) = H`; on step rows `STEP px = SEL_Q qx + SEL_R rx` and
//!    `STEP py = SIGN_Q qy + SIGN_R ry` (periodic selectors): each entry is the previous one
//!    plus `±Q` or `±R`, so entry `(i, j, top)` is `H + i Q - j R`; `m = 0` off the walk;
//! 7. the `z` chain: row 63 `(ax, ay) = S_z` and `zu = 0`; rows `63..126` look up
//!    `c_z = (k, zu' - 16 zu, px, py)` with `k` the periodic window index: each window is below
//!    16 (below 8 for the top one) and `px, py` its point, so `z = zu_126 < 2^251`, the
//!    message's canonical integer;
//! 8. row 126 `(px, py) = (x, y)`, and row 127 `(ax, ay) = K`.
//!
//! LogUp: `ft (zeta - c_t) + m = 0` and `fz (zeta - c_z) = Z_STEP` on every row (`fz` as a
//! transition: `c_z` reads the next row), `(sum' - sum - ft - fz)(zeta - c_j) = CHAIN`,
//! `sum = 0` on the first row. The last row's terms are 0 (`m`, `Z_STEP` and `CHAIN` are 0
//! there), so the last `sum` is the table's claim for the generator table: the chain's terms
//! cancel against the walk's, and the window terms are matched by the generator table's sum.
//!
//! Why the exceptional cases cannot cheat: every chord step comes with an inverse witness of
//! the difference of abscissas (3, 5), so each accepted step is a true affine addition of two
//! curve points of distinct abscissas, and the point at infinity never arises. The honest
//! prover meets an exceptional step only for a discrete-logarithm relation between the fixed
//! points ([`curve::chain_start`] and the others), `G` and the key, or a degenerate signature;
//! it then reports the instance instead of proving it.
//!
//! # Memory
//!
//! The cells enter the memory argument like every builtin's (see [`crate::builtins`]):
//! `factor = 1 + FIRST (zeta_m - address - alpha qx - 1) + FINAL (zeta_m - (address + 1) -
//! alpha zu - 1)`, `product_0 = factor_0`, `product' = product factor'`, the last product the
//! first claim. Addresses: first `begin`, last `stop - 2`,
//! `(address' - address)(address' - address - 2 LAST) = 0`.
//!
//! Cost: 128 rows of 29 main and 5 auxiliary columns per signature (4,352 cells), and the
//! generator table (1,024 rows) once per proof.

pub mod curve;
pub mod generator_table;
pub mod trace;

use stark::{
    Component, ConstraintBuilder, ConstraintKind, ConstraintList, Constraints, Felt, Frame,
    TraceTable, batch_inverse, parallel, running_sums,
};

use crate::builtins::lookup::{self, LookupTable};
use crate::builtins::narrow::{self, CellRow, memory_columns};
use crate::builtins::{BuiltinTable, TableTrace, TraceInput};
use crate::error::CairoError;
use crate::layout::{CHALLENGE_MEM_ALPHA, CHALLENGE_MEM_Z, N_CHALLENGES};
use curve::*;

pub use trace::{
    EcdsaError, Signature, Witness, build_trace, count_lookups, layout, scalar_s, witness,
    witnesses,
};

pub const CELLS: usize = 2;
pub const ADDRESS: usize = 0;
pub const QX: usize = 1;
pub const QY: usize = 2;
pub const QX_SQ: usize = 3;
pub const RX: usize = 4;
pub const RY: usize = 5;
pub const RX_SQ: usize = 6;
pub const U: usize = 7;
pub const V: usize = 8;
pub const X: usize = 9;
pub const Y: usize = 10;
pub const L1: usize = 11;
pub const X1: usize = 12;
pub const Y1: usize = 13;
pub const L2: usize = 14;
pub const X2: usize = 15;
pub const Y2: usize = 16;
pub const EX: usize = 17;
pub const EY: usize = 18;
pub const L3: usize = 19;
pub const INV3: usize = 20;
pub const PX: usize = 21;
pub const PY: usize = 22;
pub const AX: usize = 23;
pub const AY: usize = 24;
pub const AL: usize = 25;
pub const AINV: usize = 26;
pub const ZU: usize = 27;
pub const M: usize = 28;
pub const MAIN_WIDTH: usize = 29;
/// Where the cells are read: the pubkey on row 0 (`qx`), the message on row 126 (`zu`).
pub const CELL_ROWS: [CellRow; CELLS] = [
    CellRow { row: KEY_ROW, offset: 0, column: QX },
    CellRow { row: MESSAGE_ROW, offset: 1, column: ZU },
];
/// Auxiliary columns: the memory factor and running product, the walk's and the window
/// lookups' LogUp terms, and the running sum.
pub const AUX_FACTOR: usize = 0;
pub const AUX_PRODUCT: usize = 1;
pub const AUX_TABLE_TERM: usize = 2;
pub const AUX_WINDOW_TERM: usize = 3;
pub const AUX_SUM: usize = 4;
pub const AUX_WIDTH: usize = 5;

/// The component for one run's `ecdsa` segment.
pub struct Ecdsa {
    log_size: u32,
    begin: Felt,
    last: Felt,
    constraints: ConstraintList,
    claim: [usize; 2],
}

impl Ecdsa {
    /// A segment with at least one instance (`stop - begin` a positive multiple of 2).
    pub fn new(begin: u64, stop: u64) -> Self {
        let mut table = Self {
            log_size: narrow::log_size(((stop - begin) / CELLS as u64) as usize, ROWS_PER_INSTANCE),
            begin: Felt::from(begin),
            last: Felt::from(stop - CELLS as u64),
            constraints: ConstraintList::empty(),
            claim: [AUX_PRODUCT, AUX_SUM],
        };
        let periodic = periodic_columns().len();
        table.constraints =
            ConstraintList::new(&table, MAIN_WIDTH, AUX_WIDTH, periodic, N_CHALLENGES);
        table
    }
}

/// The tuple a chain row looks up (`first` its periodic `FIRST`), with its digits read from
/// the next row's prefixes.
fn chain_tuple(c: &[Felt], nx: &[Felt], first: Felt) -> [Felt; 10] {
    let four = Felt::from(4u64);
    let (a, b) = (nx[U] - four * c[U], nx[V] - four * c[V]);
    [c[QX], c[QY], c[RX], c[RY], a, b, first, c[EX], c[EY], Felt::one()]
}

/// The tuple of walk row `e`'s entry (its labels periodic).
fn entry_tuple(c: &[Felt], p: &[Felt]) -> [Felt; 10] {
    let (i, j, top) = (p[LABEL_I], p[LABEL_J], p[LABEL_TOP]);
    [c[QX], c[QY], c[RX], c[RY], i, j, top, c[AX], c[AY], Felt::one()]
}

/// The tuple a `z` row looks up in the generator table (window index periodic).
fn window_tuple(c: &[Felt], nx: &[Felt], k: Felt) -> [Felt; 4] {
    [k, nx[ZU] - Felt::from(16u64) * c[ZU], c[PX], c[PY]]
}

fn compress<const N: usize>(challenges: &[Felt], tuple: &[Felt; N]) -> Felt {
    let refs: [&Felt; N] = std::array::from_fn(|i| &tuple[i]);
    lookup::compress(challenges, &refs)
}

impl Constraints for Ecdsa {
    fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let (c, nx, p) = (f.main_current, f.main_next, f.periodic);
        let one = Felt::one();
        let three = Felt::from(3u64);
        let (first, chain, fin, last) = (p[FIRST], p[CHAIN], p[FINAL], p[LAST]);
        let add = p[ADD];

        // Points.
        for (name, x, y, x_sq, next_x, next_y) in [
            ("Q", c[QX], c[QY], c[QX_SQ], nx[QX], nx[QY]),
            ("R", c[RX], c[RY], c[RX_SQ], nx[RX], nx[RY]),
        ] {
            b.every_row(format_args!("ecdsa: {name} x squared"), x_sq - x.square());
            b.every_row(
                format_args!("ecdsa: {name} is on the curve"),
                y.square() - x_sq * x - x - beta(),
            );
            b.transition(format_args!("ecdsa: {name} x carries"), (one - last) * (next_x - x));
            b.transition(format_args!("ecdsa: {name} y carries"), (one - last) * (next_y - y));
        }

        // The joint chain: two doublings on every row, then + E on chain rows.
        let (x, y, x1, y1, x2, y2) = (c[X], c[Y], c[X1], c[Y1], c[X2], c[Y2]);
        for (name, (x, y, slope, x_new, y_new)) in
            [("first", (x, y, c[L1], x1, y1)), ("second", (x1, y1, c[L2], x2, y2))]
        {
            b.every_row(
                format_args!("ecdsa: {name} doubling slope"),
                slope * y.double() - three * x.square() - one,
            );
            b.every_row(
                format_args!("ecdsa: {name} doubling x"),
                x_new - slope.square() + x.double(),
            );
            b.every_row(format_args!("ecdsa: {name} doubling y"), y_new - slope * (x - x_new) + y);
        }
        let (ex, ey, l3) = (c[EX], c[EY], c[L3]);
        b.every_row("ecdsa: chain x differs from the entry's", (x2 - ex) * c[INV3] - chain);
        b.every_row("ecdsa: chain slope", chain * (y2 - ey) - l3 * (x2 - ex));
        b.transition("ecdsa: chain next x", l3.square() - chain * (x2 + ex + nx[X]));
        b.transition("ecdsa: chain next y", chain * (y2 + nx[Y]) - l3 * (x2 - nx[X]));
        let start = chain_start();
        b.every_row("ecdsa: chain x starts at S", first * (x - start.x));
        b.every_row("ecdsa: chain y starts at S", first * (y - start.y));
        b.every_row("ecdsa: r prefix starts at 0", first * c[U]);
        b.every_row("ecdsa: s prefix starts at 0", first * c[V]);
        b.every_row("ecdsa: r is the digits of R's x", fin * (c[U] - c[RX]));

        // The add lane.
        let (ax, ay, px, py, al) = (c[AX], c[AY], c[PX], c[PY], c[AL]);
        b.every_row("ecdsa: add lane x differs from the added point's", (ax - px) * c[AINV] - add);
        b.every_row("ecdsa: add lane slope", add * (ay - py) - al * (ax - px));
        b.transition("ecdsa: add lane next x", al.square() - add * (ax + px + nx[AX]));
        b.transition("ecdsa: add lane next y", add * (ay + nx[AY]) - al * (ax - nx[AX]));
        let offset = entry_offset();
        b.every_row("ecdsa: walk x starts at H", first * (ax - offset.x));
        b.every_row("ecdsa: walk y starts at H", first * (ay - offset.y));
        b.every_row(
            "ecdsa: walk step x is Q's or R's",
            p[STEP] * px - p[SEL_Q] * c[QX] - p[SEL_R] * c[RX],
        );
        b.every_row(
            "ecdsa: walk step y is the signed Q's or R's",
            p[STEP] * py - p[SIGN_Q] * c[QY] - p[SIGN_R] * c[RY],
        );
        b.every_row("ecdsa: no multiplicity off the walk", (one - p[ENTRY]) * c[M]);
        let z_start = z_start();
        b.every_row("ecdsa: z chain x starts at S_z", p[Z_START] * (ax - z_start.x));
        b.every_row("ecdsa: z chain y starts at S_z", p[Z_START] * (ay - z_start.y));
        b.every_row("ecdsa: z prefix starts at 0", p[Z_START] * c[ZU]);
        b.every_row("ecdsa: final x adds the chain's", fin * (px - x));
        b.every_row("ecdsa: final y adds the chain's", fin * (py - y));
        let target = target();
        b.every_row("ecdsa: final sum x is K", last * (ax - target.x));
        b.every_row("ecdsa: final sum y is K", last * (ay - target.y));

        // LogUp.
        let (a, an) = (f.aux_current, f.aux_next);
        let zeta = lookup::lookup_z(challenges);
        let entry = compress(challenges, &entry_tuple(c, p));
        b.every_row("ecdsa: walk entry term", a[AUX_TABLE_TERM] * (zeta - entry) + c[M]);
        let window = compress(challenges, &window_tuple(c, nx, p[Z_WINDOW]));
        b.transition("ecdsa: window lookup term", a[AUX_WINDOW_TERM] * (zeta - window) - p[Z_STEP]);
        let looked_up = compress(challenges, &chain_tuple(c, nx, first));
        b.transition(
            "ecdsa: lookup sum steps",
            (an[AUX_SUM] - a[AUX_SUM] - a[AUX_TABLE_TERM] - a[AUX_WINDOW_TERM])
                * (zeta - looked_up)
                - chain,
        );
        b.first_row("ecdsa: lookup sum starts at 0", a[AUX_SUM]);

        // Addresses.
        let step = nx[ADDRESS] - c[ADDRESS];
        b.first_row("ecdsa: first address is the segment begin", c[ADDRESS] - self.begin);
        b.transition(
            "ecdsa: addresses step by 0 or 2 between instances",
            step * (step - Felt::from(CELLS as u64) * last),
        );
        b.last_row("ecdsa: last address is the segment's last instance", c[ADDRESS] - self.last);
        // Memory: the pubkey at `address` (row 0), the message at `address + 1` (row 126).
        let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
        let address = c[ADDRESS];
        b.every_row(
            "ecdsa: memory factor",
            a[AUX_FACTOR]
                - one
                - first * (z - address - alpha * c[QX] - one)
                - fin * (z - address - one - alpha * c[ZU] - one),
        );
        b.first_row("ecdsa: memory product starts", a[AUX_PRODUCT] - a[AUX_FACTOR]);
        b.transition(
            "ecdsa: memory product across rows",
            an[AUX_PRODUCT] - a[AUX_PRODUCT] * an[AUX_FACTOR],
        );
    }
}

/// The LogUp columns `ft`, `fz` and `sum` of a main trace.
fn lookup_columns(main: &TraceTable, challenges: &[Felt]) -> [Vec<Felt>; 3] {
    let n = main.length();
    let zeta = lookup::lookup_z(challenges);
    let periodic = periodic_columns();
    let row_of =
        |row: usize| -> Vec<Felt> { (0..MAIN_WIDTH).map(|k| main.column(k)[row]).collect() };
    // Each row's three denominators (1 where the row has no such term).
    let denominators = parallel::map_range(n, |row| {
        let within = row % ROWS_PER_INSTANCE;
        let p: Vec<Felt> = periodic.iter().map(|c| c[within]).collect();
        let c = row_of(row);
        let nx = row_of((row + 1) % n);
        let one = Felt::one();
        let entry =
            if p[ENTRY] == one { zeta - compress(challenges, &entry_tuple(&c, &p)) } else { one };
        let window = if p[Z_STEP] == one {
            zeta - compress(challenges, &window_tuple(&c, &nx, p[Z_WINDOW]))
        } else {
            one
        };
        let chain = if p[CHAIN] == one {
            zeta - compress(challenges, &chain_tuple(&c, &nx, p[FIRST]))
        } else {
            one
        };
        [entry, window, chain]
    });
    let mut flat: Vec<Felt> = denominators.into_iter().flatten().collect();
    batch_inverse(&mut flat);
    let mut table_term = Vec::with_capacity(n);
    let mut window_term = Vec::with_capacity(n);
    let mut steps = Vec::with_capacity(n);
    let m = main.column(M);
    for row in 0..n {
        let p = |k: usize| periodic[k][row % ROWS_PER_INSTANCE];
        let t = -(m[row] * flat[3 * row]);
        let w = p(Z_STEP) * flat[3 * row + 1];
        let j = p(CHAIN) * flat[3 * row + 2];
        table_term.push(t);
        window_term.push(w);
        steps.push(t + w + j);
    }
    // sum_0 = 0, sum_(row+1) = sum_row + the row's terms.
    running_sums(&mut steps);
    let mut sum = Vec::with_capacity(n);
    sum.push(Felt::zero());
    sum.extend_from_slice(&steps[..n - 1]);
    [table_term, window_term, sum]
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
        let memory = memory_columns(main, challenges, ROWS_PER_INSTANCE, ADDRESS, &CELL_ROWS);
        let mut columns = memory.into_columns();
        columns.extend(lookup_columns(main, challenges));
        TraceTable::new(columns, main.length())
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
    fn lookups(&self) -> &'static [LookupTable] {
        &[LookupTable::EcdsaGenerator]
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
        count_lookups(&trace, run.lookups(LookupTable::EcdsaGenerator));
        Ok(Some(TableTrace { trace, accesses }))
    }
}
