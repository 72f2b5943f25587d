//! The Blake table's columns and its schedule: which row of an instance's 128 does what, as
//! periodic columns (period 128) that the verifier computes itself.
//!
//! Rows of an instance: [`INIT_ROW`] (the counter's xor with `IV4`), the 80 G rows
//! `1..=80` (round `r = (row - 1) / 8`, G number `(row - 1) % 8`), the 8 output rows
//! `81..=88` (`h'_j = h_j ^ v_j ^ v_{j+8}`), idle rows up to 127.

use stark::Felt;

/// Rows of an instance.
pub const ROWS: usize = 128;
/// Memory accesses of an instance: `[ap]`, the 8 state words, the 16 message words, the 8
/// output words.
pub const ACCESSES: usize = 33;
pub const INIT_ROW: usize = 0;
pub const FIRST_G_ROW: usize = 1;
pub const G_ROWS: usize = 80;
pub const FIRST_OUTPUT_ROW: usize = FIRST_G_ROW + G_ROWS;
pub const OUTPUT_ROWS: usize = 8;
/// The row that reads the output pointer `[ap]`.
pub const AP_ROW: usize = 8;

/// Blake2s's initial vector.
pub const IV: [u32; 8] = [
    0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19,
];

/// Blake2s's message schedule.
pub const SIGMA: [[usize; 16]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

/// The state positions `(a, b, c, d)` of G number `g` (0..8) of a round: columns, then
/// diagonals.
pub const fn g_positions(g: usize) -> [usize; 4] {
    if g < 4 {
        [g, 4 + g, 8 + g, 12 + g]
    } else {
        let i = g - 4;
        [i, 4 + (i + 1) % 4, 8 + (i + 2) % 4, 12 + (i + 3) % 4]
    }
}

// Main columns. Instance constants (the same on the instance's 128 rows):
/// The CPU's `ap`: the address of the output pointer.
pub const AP: usize = 0;
/// `[op0]`: the address of the 8 state words.
pub const STATE_PTR: usize = 1;
/// `[op1]`: the address of the 16 message words.
pub const MESSAGE_PTR: usize = 2;
/// `[ap]`: the address of the 8 output words.
pub const OUTPUT_PTR: usize = 3;
/// `[dst]`: the counter `t0`.
pub const COUNTER: usize = 4;
/// 1 for `BlakeFinalize` (`f0 = 0xffffffff`), 0 for `Blake`.
pub const FINALIZE: usize = 5;
/// 1 for an instance the CPU called, 0 for padding.
pub const REAL: usize = 6;
/// The 16 message words.
pub const MESSAGE: usize = 7;
/// The 8 input state words `h`.
pub const H: usize = MESSAGE + 16;
/// Instance constants: `AP..H + 8`.
pub const N_CONSTANTS: usize = H + 8;
/// The 16 words of the working state `v` before the row's G.
pub const V: usize = N_CONSTANTS;
/// The G's inputs `a` and `c` (its `b` and `d` are their bytes).
pub const A: usize = V + 16;
pub const C: usize = A + 1;
/// The G's two message words and their high 16 bits.
pub const MX: usize = C + 1;
pub const MY: usize = MX + 1;
pub const MX_HI: usize = MY + 1;
pub const MY_HI: usize = MX_HI + 1;
/// Bytes (4 each, little-endian) of `a1 = a + b + mx`, with two carry bits.
pub const A1: usize = MY_HI + 1;
pub const CARRY_A1: usize = A1 + 4;
/// Bytes of `d`, and the bytes of `d & a1`.
pub const D: usize = CARRY_A1 + 2;
pub const AND1: usize = D + 4;
/// Bytes of `c1 = c + d1`, `d1 = (d ^ a1) >>> 16`, with a carry bit.
pub const C1: usize = AND1 + 4;
pub const CARRY_C1: usize = C1 + 4;
/// Bytes of `b`, and of `b & c1`.
pub const B: usize = CARRY_C1 + 1;
pub const AND2: usize = B + 4;
/// High nibble of byte 1 of `b ^ c1` (the rotation by 12 splits there).
pub const NIBBLE_HI: usize = AND2 + 4;
/// Bytes of `b1 = (b ^ c1) >>> 12`.
pub const B1: usize = NIBBLE_HI + 1;
/// Bytes of `a2 = a1 + b1 + my`, with two carry bits.
pub const A2: usize = B1 + 4;
pub const CARRY_A2: usize = A2 + 4;
/// Bytes of `d1 & a2`.
pub const AND3: usize = CARRY_A2 + 2;
/// Bytes of `c2 = c1 + d2`, `d2 = (d1 ^ a2) >>> 8`, with a carry bit.
pub const C2: usize = AND3 + 4;
pub const CARRY_C2: usize = C2 + 4;
/// Bytes of `b1 & c2`.
pub const AND4: usize = CARRY_C2 + 1;
/// Top bit of byte 0 of `b1 ^ c2` (the rotation by 7 splits there).
pub const BIT7: usize = AND4 + 4;
/// Values of the row's two memory accesses (0 on a row without one).
pub const VALUE1: usize = BIT7 + 1;
pub const VALUE2: usize = VALUE1 + 1;
pub const MAIN_WIDTH: usize = VALUE2 + 1;

/// The carry bits: `a1`'s two, `c1`'s, `a2`'s two, `c2`'s, and the rotation's bit.
pub const BITS: [usize; 7] =
    [CARRY_A1, CARRY_A1 + 1, CARRY_C1, CARRY_A2, CARRY_A2 + 1, CARRY_C2, BIT7];

// Auxiliary columns.
/// Byte-pair lookups per row: 16 for the four xors, 2 nibbles, the 7-bit limb.
pub const BYTE_LOOKUPS: usize = 19;
/// 16-bit lookups per row: the halves of `mx` and `my`.
pub const RANGE_LOOKUPS: usize = 4;
/// Inverses `1 / (z - tuple)`, byte-pair lookups then 16-bit lookups.
pub const AUX_INVERSES: usize = 0;
pub const AUX_BYTES_SUM: usize = BYTE_LOOKUPS + RANGE_LOOKUPS;
pub const AUX_RANGE_SUM: usize = AUX_BYTES_SUM + 1;
pub const AUX_FACTOR1: usize = AUX_RANGE_SUM + 1;
pub const AUX_FACTOR2: usize = AUX_FACTOR1 + 1;
pub const AUX_MID: usize = AUX_FACTOR2 + 1;
pub const AUX_PRODUCT: usize = AUX_MID + 1;
/// The running sum of the calls received from the CPU, before and after the row.
pub const AUX_CALLS_BEFORE: usize = AUX_PRODUCT + 1;
pub const AUX_CALLS_AFTER: usize = AUX_CALLS_BEFORE + 1;
pub const AUX_WIDTH: usize = AUX_CALLS_AFTER + 1;

// Periodic columns (period [`ROWS`]).
pub const P_INIT: usize = 0;
/// 1 on G rows.
pub const P_G: usize = 1;
/// 1 on output rows.
pub const P_OUTPUT: usize = 2;
/// 1 on an instance's last row.
pub const P_LAST: usize = 3;
/// 1 where the G row's `a` (`b`, `c`, `d`) is `v_k`.
pub const P_SELECT_A: usize = 4;
pub const P_SELECT_B: usize = P_SELECT_A + 16;
pub const P_SELECT_C: usize = P_SELECT_B + 16;
pub const P_SELECT_D: usize = P_SELECT_C + 16;
/// 1 where output row `j`'s `b` is `v_{j+8}` and its `d` is `v_j`.
pub const P_OUTPUT_B: usize = P_SELECT_D + 16;
pub const P_OUTPUT_D: usize = P_OUTPUT_B + 16;
/// 1 where the G row's `mx` (`my`) is message word `k`.
pub const P_MESSAGE_X: usize = P_OUTPUT_D + 16;
pub const P_MESSAGE_Y: usize = P_MESSAGE_X + 16;
/// 1 where output row `j`'s `a1` is `h_k` (`k = j`).
pub const P_OUTPUT_H: usize = P_MESSAGE_Y + 16;
/// Access slot 1: reads message word `k` on row `k < 16`, writes output word `j` on output
/// row `j`.
pub const P_READ_MESSAGE: usize = P_OUTPUT_H + 8;
pub const P_SLOT1: usize = P_READ_MESSAGE + 16;
pub const P_SLOT1_MESSAGE: usize = P_SLOT1 + 1;
pub const P_SLOT1_OFFSET: usize = P_SLOT1_MESSAGE + 1;
/// Access slot 2: reads state word `k` on row `k < 8`, the output pointer on [`AP_ROW`].
pub const P_READ_STATE: usize = P_SLOT1_OFFSET + 1;
pub const P_SLOT2: usize = P_READ_STATE + 8;
pub const P_SLOT2_STATE: usize = P_SLOT2 + 1;
pub const P_SLOT2_AP: usize = P_SLOT2_STATE + 1;
pub const P_SLOT2_OFFSET: usize = P_SLOT2_AP + 1;
pub const N_PERIODIC: usize = P_SLOT2_OFFSET + 1;

/// What a row of an instance does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Init,
    /// G number `g` of round `round`.
    G {
        round: usize,
        g: usize,
    },
    /// Output word `j`.
    Output {
        j: usize,
    },
    Idle,
}

/// The role of row `row` (`< ROWS`) of an instance.
pub fn role(row: usize) -> Role {
    match row {
        INIT_ROW => Role::Init,
        r if (FIRST_G_ROW..FIRST_OUTPUT_ROW).contains(&r) => {
            Role::G { round: (r - FIRST_G_ROW) / 8, g: (r - FIRST_G_ROW) % 8 }
        }
        r if (FIRST_OUTPUT_ROW..FIRST_OUTPUT_ROW + OUTPUT_ROWS).contains(&r) => {
            Role::Output { j: r - FIRST_OUTPUT_ROW }
        }
        _ => Role::Idle,
    }
}

/// The schedule as periodic columns, each of period [`ROWS`].
pub fn periodic_columns() -> &'static [Vec<Felt>] {
    static COLUMNS: std::sync::OnceLock<Vec<Vec<Felt>>> = std::sync::OnceLock::new();
    COLUMNS.get_or_init(|| {
        let mut columns = vec![vec![0u64; ROWS]; N_PERIODIC];
        // Written row by row (a row's role sets several columns) into column-major storage.
        #[allow(clippy::needless_range_loop)]
        for row in 0..ROWS {
            let mut set = |column: usize, value: u64| columns[column][row] = value;
            match role(row) {
                Role::Init => set(P_INIT, 1),
                Role::G { round, g } => {
                    set(P_G, 1);
                    let [a, b, c, d] = g_positions(g);
                    set(P_SELECT_A + a, 1);
                    set(P_SELECT_B + b, 1);
                    set(P_SELECT_C + c, 1);
                    set(P_SELECT_D + d, 1);
                    set(P_MESSAGE_X + SIGMA[round][2 * g], 1);
                    set(P_MESSAGE_Y + SIGMA[round][2 * g + 1], 1);
                }
                Role::Output { j } => {
                    set(P_OUTPUT, 1);
                    set(P_OUTPUT_B + j + 8, 1);
                    set(P_OUTPUT_D + j, 1);
                    set(P_OUTPUT_H + j, 1);
                    set(P_SLOT1, 1);
                    set(P_SLOT1_OFFSET, j as u64);
                }
                Role::Idle => {}
            }
            if row < 16 {
                set(P_READ_MESSAGE + row, 1);
                set(P_SLOT1, 1);
                set(P_SLOT1_MESSAGE, 1);
                set(P_SLOT1_OFFSET, row as u64);
            }
            if row < 8 {
                set(P_READ_STATE + row, 1);
                set(P_SLOT2, 1);
                set(P_SLOT2_STATE, 1);
                set(P_SLOT2_OFFSET, row as u64);
            }
            if row == AP_ROW {
                set(P_SLOT2, 1);
                set(P_SLOT2_AP, 1);
            }
            if row == ROWS - 1 {
                set(P_LAST, 1);
            }
        }
        columns.into_iter().map(|c| c.into_iter().map(Felt::from).collect()).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_word_and_state_position_is_used_as_blake2s_says() {
        // Each round uses every message word once and each G touches four distinct words.
        for (round, sigma) in SIGMA.iter().enumerate() {
            let mut seen = [false; 16];
            sigma.iter().for_each(|&k| seen[k] = true);
            assert!(seen.iter().all(|s| *s), "round {round}");
        }
        for g in 0..8 {
            let [a, b, c, d] = g_positions(g);
            assert!(a < 4 && (4..8).contains(&b) && (8..12).contains(&c) && (12..16).contains(&d));
        }
        assert_eq!(g_positions(5), [1, 6, 11, 12]);
        assert_eq!(role(80), Role::G { round: 9, g: 7 });
        assert_eq!(role(81), Role::Output { j: 0 });
        assert_eq!(role(89), Role::Idle);
    }

    #[test]
    fn the_schedule_makes_33_accesses_per_instance() {
        let p = periodic_columns();
        let count = |c: usize| p[c].iter().filter(|v| **v != Felt::zero()).count();
        assert_eq!(count(P_SLOT1) + count(P_SLOT2), ACCESSES);
        assert_eq!(count(P_G), G_ROWS);
        // The widths the docs (README, SOUNDNESS.md, RESULTS) quote.
        assert_eq!((MAIN_WIDTH, AUX_WIDTH, N_PERIODIC), (107, 31, 171));
    }
}
