//! Where everything of a `keccak` instance lies: the main and auxiliary columns of a row, the
//! geometry of Keccak-f[1600] (lanes, rotations, the lane permutation, the round constants)
//! and the periodic columns that select the rows of an instance's 32.

use std::sync::OnceLock;

use stark::Felt;

/// Memory cells per instance: 8 input words, then 8 output words.
pub const CELLS: usize = 16;
pub const INPUT_CELLS: usize = 8;
/// Bits per cell: the 1600-bit state is 8 little-endian words of 200 bits.
pub const WORD_BITS: usize = 200;
pub const LANES: usize = 25;
pub const LANE_BITS: usize = 64;
pub const STATE_BITS: usize = LANES * LANE_BITS;
pub const ROUNDS: usize = 24;
/// Rows per instance: one per round, then padding rows to a power of two.
pub const ROWS_PER_INSTANCE: usize = 32;
/// The row whose chi output (with the last round constant) is the instance's output.
pub const OUTPUT_ROW: usize = ROUNDS - 1;
pub const LAST_ROW: usize = ROWS_PER_INSTANCE - 1;

/// Main columns. Bit `z` of lane `x + 5 y` of a 1600-bit block is at `block + 64 (x + 5 y) +
/// z`; bit `z` of sheet `x` of a 320-bit block at `block + 64 x + z`. Lane `x + 5 y`, bit `z` is
/// bit `64 (x + 5 y) + z` of the 1600-bit integer whose 200-bit words are the cells, which is
/// how cairo-vm packs the state (`to_u64_digits` of the little-endian byte string).
pub const ADDRESS: usize = 0;
/// The state at the start of the row's round.
pub const STATE: usize = 1;
/// Theta's column parities `C[x][z]`, and the halved remainder of the column sum:
/// `sum_y A[x][y][z] = C + 2 TWOS + 4 FOURS`.
pub const PARITY: usize = STATE + STATE_BITS;
pub const TWOS: usize = PARITY + 5 * LANE_BITS;
pub const FOURS: usize = TWOS + 5 * LANE_BITS;
/// Theta's effect `D[x][z] = C[x - 1][z] ^ C[x + 1][z - 1]`.
pub const EFFECT: usize = FOURS + 5 * LANE_BITS;
/// The state after theta: `A[x][y][z] ^ D[x][z]`.
pub const THETA: usize = EFFECT + 5 * LANE_BITS;
/// The state after rho, pi and chi (before iota): the next round's state but for the round
/// constant.
pub const CHI: usize = THETA + STATE_BITS;
pub const MAIN_WIDTH: usize = CHI + STATE_BITS;

/// Auxiliary columns: the memory factor of each of the row's 8 cell slots, and the running
/// product through them; the last product column's last value is the memory claim.
pub const AUX_FACTOR: usize = 0;
pub const AUX_PRODUCT: usize = INPUT_CELLS;
pub const AUX_WIDTH: usize = 2 * INPUT_CELLS;

/// Keccak's round constants (FIPS 202, iota).
pub const ROUND_CONSTANTS: [u64; ROUNDS] = [
    0x0000_0000_0000_0001,
    0x0000_0000_0000_8082,
    0x8000_0000_0000_808a,
    0x8000_0000_8000_8000,
    0x0000_0000_0000_808b,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8009,
    0x0000_0000_0000_008a,
    0x0000_0000_0000_0088,
    0x0000_0000_8000_8009,
    0x0000_0000_8000_000a,
    0x0000_0000_8000_808b,
    0x8000_0000_0000_008b,
    0x8000_0000_0000_8089,
    0x8000_0000_0000_8003,
    0x8000_0000_0000_8002,
    0x8000_0000_0000_0080,
    0x0000_0000_0000_800a,
    0x8000_0000_8000_000a,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8080,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8008,
];

/// The bits of lane 0 that some round constant sets (0, 1, 3, 7, 15, 31, 63): only these
/// need a periodic column in the link between rounds.
pub fn round_constant_bits() -> &'static [usize] {
    static BITS: OnceLock<Vec<usize>> = OnceLock::new();
    BITS.get_or_init(|| {
        let any = ROUND_CONSTANTS.iter().fold(0u64, |acc, rc| acc | rc);
        (0..LANE_BITS).filter(|z| any >> z & 1 == 1).collect()
    })
}

/// The lane index of `(x, y)`.
pub const fn lane(x: usize, y: usize) -> usize {
    x + 5 * y
}

/// Rho's rotation of each lane: `(t + 1)(t + 2) / 2 mod 64` for the lane `(x, y)` reached
/// from `(1, 0)` after `t` steps of `(x, y) -> (y, 2 x + 3 y)`; lane `(0, 0)` is not rotated.
pub fn rotations() -> &'static [u32; LANES] {
    static ROTATIONS: OnceLock<[u32; LANES]> = OnceLock::new();
    ROTATIONS.get_or_init(|| {
        let mut r = [0u32; LANES];
        let (mut x, mut y) = (1, 0);
        for t in 0..24u32 {
            r[lane(x, y)] = ((t + 1) * (t + 2) / 2) % 64;
            (x, y) = (y, (2 * x + 3 * y) % 5);
        }
        r
    })
}

/// For each lane of the chi input `B` (rho and pi applied to the theta output), the theta
/// lane it comes from: `B[y][2 x + 3 y] = rot(A'[x][y], r[x][y])`.
pub fn pi_source() -> &'static [usize; LANES] {
    static SOURCE: OnceLock<[usize; LANES]> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let mut source = [0; LANES];
        for x in 0..5 {
            for y in 0..5 {
                source[lane(y, (2 * x + 3 * y) % 5)] = lane(x, y);
            }
        }
        source
    })
}

/// The main column of bit `z` of lane `b_lane` of the chi input: a bit of the theta output,
/// rotated left by rho (bit `z` of `rot(v, r)` is bit `z - r` of `v`).
pub fn chi_input_column(b_lane: usize, z: usize) -> usize {
    let source = pi_source()[b_lane];
    let r = rotations()[source] as usize;
    THETA + LANE_BITS * source + (z + LANE_BITS - r) % LANE_BITS
}

/// Indices of the periodic columns (period [`ROWS_PER_INSTANCE`]).
/// Row 0: the input cells are read from the state.
pub const FIRST: usize = 0;
/// Row 23: the output cells are read from the chi output and the last round constant.
pub const READ_OUTPUT: usize = 1;
/// Rows 0 to 22: the next row's state is this row's round output.
pub const LINK: usize = 2;
/// Row 31: the next row is another instance (its address may step).
pub const LAST: usize = 3;
/// `LINK` times bit `round_constant_bits()[j]` of the row's round constant, from column
/// `LINK_CONSTANT + j`.
pub const LINK_CONSTANT: usize = 4;

/// The periodic columns, one period of [`ROWS_PER_INSTANCE`] rows each.
pub fn periodic_columns() -> &'static [Vec<Felt>] {
    static COLUMNS: OnceLock<Vec<Vec<Felt>>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let flag = |b: bool| if b { Felt::one() } else { Felt::zero() };
        let rows = 0..ROWS_PER_INSTANCE;
        let link = |row: usize| row < OUTPUT_ROW;
        let mut columns = vec![
            rows.clone().map(|row| flag(row == 0)).collect(),
            rows.clone().map(|row| flag(row == OUTPUT_ROW)).collect(),
            rows.clone().map(|row| flag(link(row))).collect(),
            rows.clone().map(|row| flag(row == LAST_ROW)).collect(),
        ];
        for &z in round_constant_bits() {
            let constant = |row: usize| link(row) && ROUND_CONSTANTS[row] >> z & 1 == 1;
            columns.push(rows.clone().map(|row| flag(constant(row))).collect());
        }
        columns
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rho_and_pi_are_keccaks() {
        // FIPS 202's table of offsets, lanes x + 5 y.
        let expected = [
            0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61,
            56, 14,
        ];
        assert_eq!(rotations(), &expected);
        // Pi is a permutation that keeps lane (0, 0) and sends (1, 0) to (0, 2).
        let mut seen = pi_source().to_vec();
        seen.sort_unstable();
        assert_eq!(seen, (0..LANES).collect::<Vec<_>>());
        assert_eq!(pi_source()[0], 0);
        assert_eq!(pi_source()[lane(0, 2)], lane(1, 0));
    }

    #[test]
    fn periodic_columns_select_as_documented() {
        let p = periodic_columns();
        assert_eq!(round_constant_bits(), [0, 1, 3, 7, 15, 31, 63]);
        assert_eq!(p.len(), LINK_CONSTANT + 7);
        let count = |c: usize| p[c].iter().filter(|v| **v == Felt::one()).count();
        assert_eq!([count(FIRST), count(READ_OUTPUT), count(LAST)], [1, 1, 1]);
        assert_eq!(count(LINK), ROUNDS - 1);
        // Bit 63 is set in 12 of the first 23 constants (the 24th is applied to the output).
        assert_eq!(count(LINK_CONSTANT + 6), 12);
        assert_eq!(MAIN_WIDTH, 1 + 3 * 1600 + 4 * 320);
    }
}
