//! The Blake table: proves the Blake2s compressions of the run's `Blake` and `BlakeFinalize`
//! steps (cairo-vm's `handle_blake2s_instruction`): for a step with counter `t0 = [dst]`,
//! state pointer `[op0]`, message pointer `[op1]` and output pointer `[ap]`, memory holds
//! `blake2s_compress(h, m, t0, 0, f0, 0)` at `[ap] + 0..8`, with `h` the 8 words at
//! `[op0]`, `m` the 16 words at `[op1]` and `f0 = 0xffffffff` for `BlakeFinalize`, else 0.
//!
//! # Layout
//!
//! One instance per Blake step, 128 rows each ([`columns`]): an init row, one row per G
//! function (80), one row per output word (8), idle rows. The instance's constants (pointers,
//! counter, finalize flag, `real`, the message and `h`) are repeated on its rows; the 16
//! words of the working state `v` before the row's G are columns, and the periodic columns
//! of [`columns::periodic_columns`] select on each row which words the G reads and updates,
//! which message words it adds, and which memory cells the row accesses. Instances are in
//! CPU order, padded to a power of two by repeating the last with `real = 0`.
//!
//! # Constraints (degree at most 2; a periodic column counts as a trace column)
//!
//! A word is a `u32` when it equals `sum_i 256^i b_i` for four bytes `b_i`; bytes are bytes
//! because every byte column is looked up in the byte-pair table ([`LookupTable::BytePairs`],
//! entries `(x, y, x & y)` for bytes `x`, `y`). Each row runs four *xor units*, each looking
//! up four triples `(u_i, w_i, and_i)`, so `u_i ^ w_i = u_i + w_i - 2 and_i` is the xor of
//! two bytes. Every row:
//! * the G inputs: `a = sum_k sel_a(k) v_k`, `c` likewise, and the bytes of `b` and `d` sum
//!   to `sum_k sel(k) v_k`; `mx`, `my` are the scheduled message words (`SIGMA`), each
//!   split as `lo + 2^16 hi` with both halves looked up in the 16-bit table, so each message
//!   word is below `2^32` (every word is used in round 0);
//! * the carries are bits; the rotation splits are in range: the high nibble `n` of byte 1
//!   of `b ^ c1` and the low nibble (that byte minus `16 n`) are looked up as `(x, 0xF0, 0)`
//!   (a byte whose `and` with `0xF0` is 0: below 16), the low 7 bits of byte 0 of `b1 ^ c2`
//!   (minus 128 times a bit) as `(x, 0x80, 0)`.
//!
//! G rows (times the periodic `g`): `a + b + mx = a1 + 2^32 (k1 + k2)` (`k1`, `k2` bits:
//! every term is an integer below `2^34`, so this holds over the integers and `a1` is the sum
//! mod `2^32`); `d1 = (d ^ a1) >>> 16` is a permutation of the xor bytes; `c + d1 = c1 +
//! 2^32 k`; `b1 = (b ^ c1) >>> 12` is `hi + 2^20 lo` of the nibble split (linear in the xor
//! bytes and the nibble), and `b1`'s own bytes sum to it; `a1 + b1 + my = a2 + 2^32 (..)`;
//! `d2 = (d1 ^ a2) >>> 8` (bytes permuted); `c1 + d2 = c2 + 2^32 k`; `b2 = (b1 ^ c2) >>> 7`
//! (the bit and the 7-bit limb). The state update (transition): `v'_k = v_k` except the four
//! selected words, which become `a2`, `b2`, `c2`, `d2`. All of them are `u32`s by their
//! bytes, so by induction every state word is a `u32` (the first state is `h`, the IV and
//! `IV4 ^ t0`, `IV6 ^ f0`, all `u32`s: `h_k` are the bytes of an xor unit on output row
//! `k`, `t0` those of unit 4 on the init row).
//!
//! Init row: unit 4 xors `t0` (as `b1`'s bytes) with `IV4` (as `c2`'s), and the transition
//! sets `v = (h, IV0..3, IV4 ^ t0, IV5, IV6 + f (2^32 - 1 - 2 IV6), IV7)`, which is
//! `IV6 ^ f0` for the bit `f = finalize`. Output row `j`: unit 1 xors `v_j` with `h_j` (as
//! `a1`), unit 2 xors `v_{j+8}` with that (as `c1`); the result is `h'_j`.
//!
//! # Memory and calls
//!
//! Two access slots per row ([`crate::builtins::narrow`]'s factors, running product through
//! both): slot 1 reads message word `k` at `[op1] + k` on row `k < 16` and writes output word
//! `j` at `[ap]` + `j` on output row `j`; slot 2 reads state word `k` at `[op0] + k` on row
//! `k < 8` and the output pointer at `ap` on row 8: 33 accesses per instance, padding
//! included, which the statement counts as builtin accesses. Row 0 of each instance receives
//! the call `(ap, [op0], [op1], t0, finalize)` with multiplicity `real` (a bit) in a LogUp sum
//! (`before`/`after` columns), equated with the CPU's sum of its Blake steps' calls. So every
//! CPU Blake step has a real instance with its operands, and every real instance was called.
//! A padding instance (`real = 0`) is still a valid compression whose accesses agree with the
//! one memory (they repeat a real instance's), so it asserts nothing the run did not.

pub mod columns;
pub mod trace;

use stark::{
    Component, ConstraintBuilder, ConstraintKind, ConstraintList, Constraints, Felt, Frame,
    TraceTable,
};

use crate::builtins::lookup::{self, LookupTable};
use crate::builtins::narrow;
use crate::layout::{CHALLENGE_MEM_ALPHA, CHALLENGE_MEM_Z, N_CHALLENGES};
use columns::*;

/// The lookup tables the Blake table looks values up in, in the order of its claims after
/// the memory product; its last claim is the sum of the calls it received.
pub const LOOKUPS: [LookupTable; 2] = [LookupTable::BytePairs, LookupTable::Range16];

/// The value of four little-endian bytes given as field elements.
pub fn word(bytes: [Felt; 4]) -> Felt {
    let byte = Felt::from(256u64);
    bytes.iter().rev().fold(Felt::zero(), |acc, b| acc * byte + b)
}

/// The four bytes at column `first`.
fn bytes(c: &[Felt], first: usize) -> [Felt; 4] {
    std::array::from_fn(|i| c[first + i])
}

/// The xor bytes `u_i + w_i - 2 and_i`.
fn xor(u: [Felt; 4], w: [Felt; 4], and: [Felt; 4]) -> [Felt; 4] {
    std::array::from_fn(|i| u[i] + w[i] - and[i].double())
}

/// The G unit's derived values on a row (linear in the row's columns).
pub struct Derived {
    /// `d ^ a1`, `b ^ c1`, `d1 ^ a2`, `b1 ^ c2` as bytes.
    pub xors: [[Felt; 4]; 4],
    /// `d1 = (d ^ a1) >>> 16` as bytes.
    pub d1: [Felt; 4],
    /// `(b ^ c1) >>> 12`.
    pub b1_rotated: Felt,
    /// `d2 = (d1 ^ a2) >>> 8`, `b2 = (b1 ^ c2) >>> 7`.
    pub d2: Felt,
    pub b2: Felt,
    /// The limbs looked up for the rotation splits: low and high nibble, 7-bit limb.
    pub nibble_lo: Felt,
    pub limb7: Felt,
}

/// The derived values of row `c`.
pub fn derive(c: &[Felt]) -> Derived {
    let f = |v: u64| Felt::from(v);
    let x = xor(bytes(c, D), bytes(c, A1), bytes(c, AND1));
    let d1 = [x[2], x[3], x[0], x[1]];
    let y = xor(bytes(c, B), bytes(c, C1), bytes(c, AND2));
    let hi = c[NIBBLE_HI];
    let nibble_lo = y[1] - f(16) * hi;
    let b1_rotated =
        hi + f(16) * y[2] + f(1 << 12) * y[3] + f(1 << 20) * (y[0] + f(256) * nibble_lo);
    let z = xor(d1, bytes(c, A2), bytes(c, AND3));
    let d2 = word([z[1], z[2], z[3], z[0]]);
    let q = xor(bytes(c, B1), bytes(c, C2), bytes(c, AND4));
    let bit = c[BIT7];
    let limb7 = q[0] - f(128) * bit;
    let b2 = bit + f(2) * q[1] + f(1 << 9) * q[2] + f(1 << 17) * q[3] + f(1 << 25) * limb7;
    Derived { xors: [x, y, z, q], d1, b1_rotated, d2, b2, nibble_lo, limb7 }
}

/// The byte-pair tuples a row looks up, in [`AUX_INVERSES`] order, as `(x, y, x & y)`.
pub fn byte_tuples(c: &[Felt]) -> Vec<[Felt; 3]> {
    let derived = derive(c);
    let units = [(bytes(c, D), bytes(c, A1), AND1), (bytes(c, B), bytes(c, C1), AND2)];
    let mut tuples = Vec::with_capacity(BYTE_LOOKUPS);
    for (u, w, and) in units {
        tuples.extend((0..4).map(|i| [u[i], w[i], c[and + i]]));
    }
    tuples.extend((0..4).map(|i| [derived.d1[i], c[A2 + i], c[AND3 + i]]));
    tuples.extend((0..4).map(|i| [c[B1 + i], c[C2 + i], c[AND4 + i]]));
    let (f0, f8) = (Felt::from(0xF0u64), Felt::from(0x80u64));
    tuples.push([c[NIBBLE_HI], f0, Felt::zero()]);
    tuples.push([derived.nibble_lo, f0, Felt::zero()]);
    tuples.push([derived.limb7, f8, Felt::zero()]);
    tuples
}

/// The 16-bit values a row looks up: the halves of `mx` and `my`.
pub fn range_values(c: &[Felt]) -> [Felt; RANGE_LOOKUPS] {
    let two16 = Felt::from(1u64 << 16);
    [c[MX] - two16 * c[MX_HI], c[MX_HI], c[MY] - two16 * c[MY_HI], c[MY_HI]]
}

/// The call a row 0 receives, compressed as the CPU compresses its Blake steps'.
pub fn call_tuple(challenges: &[Felt], c: &[Felt]) -> Felt {
    lookup::compress(
        challenges,
        &[&c[AP], &c[STATE_PTR], &c[MESSAGE_PTR], &c[COUNTER], &c[FINALIZE]],
    )
}

/// The Blake table's component for `instances` Blake steps.
pub struct Blake {
    log_size: u32,
    constraints: ConstraintList,
}

impl Blake {
    pub fn new(instances: usize) -> Self {
        let mut table = Self {
            log_size: narrow::log_size(instances, ROWS),
            constraints: ConstraintList::empty(),
        };
        table.constraints =
            ConstraintList::new(&table, MAIN_WIDTH, AUX_WIDTH, N_PERIODIC, N_CHALLENGES);
        table
    }

    /// Instances in a table of `instances` Blake steps, padding included.
    pub fn padded_instances(instances: usize) -> usize {
        narrow::padded_instances(instances, ROWS)
    }
}

/// `sum_k p[first + k] row[column + k]` over `count` words.
fn select(p: &[Felt], first: usize, c: &[Felt], column: usize, count: usize) -> Felt {
    (0..count).fold(Felt::zero(), |acc, k| acc + p[first + k] * c[column + k])
}

impl Constraints for Blake {
    fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, challenges: &[Felt], b: &mut B) {
        let (c, nx, p, a, an) =
            (f.main_current, f.main_next, f.periodic, f.aux_current, f.aux_next);
        let one = Felt::one();
        let two32 = Felt::from(1u64 << 32);
        let (init, g, output, last) = (p[P_INIT], p[P_G], p[P_OUTPUT], p[P_LAST]);
        let derived = derive(c);
        let [x, y, _, q] = derived.xors;

        // Instance constants and bits.
        for (k, (next, now)) in nx[..N_CONSTANTS].iter().zip(&c[..N_CONSTANTS]).enumerate() {
            b.transition(
                format_args!("blake: constant {k} is the same on the instance's rows"),
                (one - last) * (next - now),
            );
        }
        for column in [FINALIZE, REAL].into_iter().chain(BITS) {
            b.every_row(
                format_args!("blake: column {column} is a bit"),
                c[column] * (c[column] - one),
            );
        }

        // Inputs of the row's G.
        let select_v = |first: usize| select(p, first, c, V, 16);
        b.every_row("blake: a is the selected word", c[A] - select_v(P_SELECT_A));
        b.every_row("blake: c is the selected word", c[C] - select_v(P_SELECT_C));
        b.every_row(
            "blake: b's bytes are the selected word",
            word(bytes(c, B)) - select_v(P_SELECT_B) - select_v(P_OUTPUT_B),
        );
        b.every_row(
            "blake: d's bytes are the selected word",
            word(bytes(c, D)) - select_v(P_SELECT_D) - select_v(P_OUTPUT_D),
        );
        b.every_row(
            "blake: mx is the scheduled word",
            c[MX] - select(p, P_MESSAGE_X, c, MESSAGE, 16),
        );
        b.every_row(
            "blake: my is the scheduled word",
            c[MY] - select(p, P_MESSAGE_Y, c, MESSAGE, 16),
        );

        // G rows.
        let (a1, c1, b1) = (word(bytes(c, A1)), word(bytes(c, C1)), word(bytes(c, B1)));
        let (a2, c2) = (word(bytes(c, A2)), word(bytes(c, C2)));
        let d1 = word(derived.d1);
        let carry2 = |column: usize| two32 * (c[column] + c[column + 1]);
        b.every_row(
            "blake: g a1 = a + b + mx",
            g * (c[A] + word(bytes(c, B)) + c[MX] - a1 - carry2(CARRY_A1)),
        );
        b.every_row("blake: g c1 = c + d1", g * (c[C] + d1 - c1 - two32 * c[CARRY_C1]));
        b.every_row("blake: g b1 = (b ^ c1) >>> 12", g * (b1 - derived.b1_rotated));
        b.every_row("blake: g a2 = a1 + b1 + my", g * (a1 + b1 + c[MY] - a2 - carry2(CARRY_A2)));
        b.every_row("blake: g c2 = c1 + d2", g * (c1 + derived.d2 - c2 - two32 * c[CARRY_C2]));
        let select_update = |first: usize, k: usize, new: &Felt| p[first + k] * (new - c[V + k]);
        for k in 0..16 {
            let updated = select_update(P_SELECT_A, k, &a2)
                + select_update(P_SELECT_B, k, &derived.b2)
                + select_update(P_SELECT_C, k, &c2)
                + select_update(P_SELECT_D, k, &derived.d2);
            b.transition(
                format_args!("blake: state word {k} after the row"),
                (one - init - last) * (nx[V + k] - c[V + k]) - updated,
            );
        }

        // Init row.
        let iv = |i: usize| Felt::from(u64::from(IV[i]));
        b.every_row("blake: init counter into unit 4", init * (b1 - c[COUNTER]));
        b.every_row("blake: init IV4 into unit 4", init * c2 - init * iv(4));
        let iv6_xor_f0 = iv(6) + c[FINALIZE] * (Felt::from(0xffff_ffffu64) - iv(6).double());
        for k in 0..16 {
            let initial = match k {
                0..8 => c[H + k],
                8..12 => iv(k - 8),
                12 => word(q),
                14 => iv6_xor_f0,
                _ => iv(k - 8),
            };
            b.transition(
                format_args!("blake: initial state word {k}"),
                init * (nx[V + k] - initial),
            );
        }

        // Output rows.
        b.every_row(
            "blake: output unit 1 xors h_j",
            output * word(bytes(c, A1)) - select(p, P_OUTPUT_H, c, H, 8),
        );
        b.every_row("blake: output unit 2 xors the first xor", output * (c1 - word(x)));

        // Lookups.
        let z_lookup = lookup::lookup_z(challenges);
        let tuples = byte_tuples(c);
        let ranges = range_values(c);
        for (j, t) in tuples.iter().enumerate() {
            b.every_row(
                format_args!("blake: byte lookup {j}"),
                a[AUX_INVERSES + j]
                    * (z_lookup - lookup::compress(challenges, &[&t[0], &t[1], &t[2]]))
                    - one,
            );
        }
        for (j, value) in ranges.iter().enumerate() {
            b.every_row(
                format_args!("blake: 16-bit lookup {j}"),
                a[AUX_INVERSES + BYTE_LOOKUPS + j] * (z_lookup - value) - one,
            );
        }
        let inverses = |row: &[Felt], from: usize, count: usize| {
            (from..from + count).fold(Felt::zero(), |acc, j| acc + row[AUX_INVERSES + j])
        };
        for (name, sum, from, count) in [
            ("byte", AUX_BYTES_SUM, 0, BYTE_LOOKUPS),
            ("16-bit", AUX_RANGE_SUM, BYTE_LOOKUPS, RANGE_LOOKUPS),
        ] {
            b.first_row(
                format_args!("blake: {name} lookup sum starts"),
                a[sum] - inverses(a, from, count),
            );
            b.transition(
                format_args!("blake: {name} lookup sum carries"),
                an[sum] - a[sum] - inverses(an, from, count),
            );
        }

        // Memory.
        let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
        let z_minus_one = z - one;
        b.every_row(
            "blake: slot 1 value",
            c[VALUE1] - select(p, P_READ_MESSAGE, c, MESSAGE, 16) - output * word(y),
        );
        b.every_row(
            "blake: slot 2 value",
            c[VALUE2] - select(p, P_READ_STATE, c, H, 8) - p[P_SLOT2_AP] * c[OUTPUT_PTR],
        );
        b.every_row(
            "blake: slot 1 factor",
            a[AUX_FACTOR1] - one - p[P_SLOT1] * z_minus_one
                + p[P_SLOT1_MESSAGE] * c[MESSAGE_PTR]
                + output * c[OUTPUT_PTR]
                + p[P_SLOT1_OFFSET]
                + alpha * c[VALUE1],
        );
        b.every_row(
            "blake: slot 2 factor",
            a[AUX_FACTOR2] - one - p[P_SLOT2] * z_minus_one
                + p[P_SLOT2_STATE] * c[STATE_PTR]
                + p[P_SLOT2_AP] * c[AP]
                + p[P_SLOT2_OFFSET]
                + alpha * c[VALUE2],
        );
        b.first_row("blake: memory product starts", a[AUX_MID] - a[AUX_FACTOR1]);
        b.every_row(
            "blake: memory product through the row",
            a[AUX_PRODUCT] - a[AUX_MID] * a[AUX_FACTOR2],
        );
        b.transition(
            "blake: memory product across rows",
            an[AUX_MID] - a[AUX_PRODUCT] * an[AUX_FACTOR1],
        );

        // Calls from the CPU.
        let first = init;
        b.every_row(
            "blake: call term",
            (a[AUX_CALLS_AFTER] - a[AUX_CALLS_BEFORE]) * (z_lookup - call_tuple(challenges, c))
                - first * c[REAL],
        );
        b.first_row("blake: call sum starts at 0", a[AUX_CALLS_BEFORE]);
        b.transition("blake: call sum carries", an[AUX_CALLS_BEFORE] - a[AUX_CALLS_AFTER]);
    }
}

impl Component for Blake {
    fn component_name(&self) -> &str {
        "blake"
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
        &[AUX_PRODUCT, AUX_BYTES_SUM, AUX_RANGE_SUM, AUX_CALLS_AFTER]
    }
    fn evaluate(&self, f: &Frame<'_>, challenges: &[Felt], out: &mut [Felt]) {
        stark::write_constraints(self, f, challenges, out);
    }
    fn build_aux_trace(&self, main: &TraceTable, challenges: &[Felt]) -> TraceTable {
        trace::aux_columns(main, challenges)
    }
}
