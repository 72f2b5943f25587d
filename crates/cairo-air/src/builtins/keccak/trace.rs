//! The `keccak` traces: Keccak-f[1600] round by round on 64-bit lanes, an instance's 32 rows
//! (see [`super`] for the columns), the stacked main trace with its memory accesses, and the
//! auxiliary memory columns.

use stark::{Felt, TraceTable};

use super::columns::*;
use crate::layout::{CHALLENGE_MEM_ALPHA, CHALLENGE_MEM_Z};

/// One round's intermediate values, lanes indexed `x + 5 y`.
#[derive(Clone, Debug)]
pub struct Round {
    /// The state the round starts from.
    pub state: [u64; LANES],
    /// Theta's column parities and effect, per sheet `x`.
    pub parity: [u64; 5],
    pub effect: [u64; 5],
    /// The state after theta, and after rho, pi and chi (before iota).
    pub theta: [u64; LANES],
    pub chi: [u64; LANES],
}

/// A round of Keccak-f[1600] from `state` up to chi; the next state is `chi` with the round's
/// constant xored into lane 0 ([`Round::output`]). The steps are public so that tests can
/// build a round that deviates in one of them.
pub fn round(state: [u64; LANES]) -> Round {
    let parity = parities(&state);
    let effect = effects(&parity);
    let theta = theta(&state, &effect);
    Round { state, parity, effect, theta, chi: chi(&theta) }
}

/// Theta's column parities `C[x] = xor_y A[x][y]`.
pub fn parities(state: &[u64; LANES]) -> [u64; 5] {
    std::array::from_fn(|x| (0..5).fold(0, |c, y| c ^ state[lane(x, y)]))
}

/// Theta's effect `D[x] = C[x - 1] ^ rot(C[x + 1], 1)`.
pub fn effects(parity: &[u64; 5]) -> [u64; 5] {
    std::array::from_fn(|x| parity[(x + 4) % 5] ^ parity[(x + 1) % 5].rotate_left(1))
}

/// Theta's output `A[x][y] ^ D[x]`.
pub fn theta(state: &[u64; LANES], effect: &[u64; 5]) -> [u64; LANES] {
    std::array::from_fn(|l| state[l] ^ effect[l % 5])
}

/// Rho and pi, then chi: `B[x][y] ^ (~B[x + 1][y] & B[x + 2][y])`.
pub fn chi(theta: &[u64; LANES]) -> [u64; LANES] {
    let source = pi_source();
    let b: [u64; LANES] =
        std::array::from_fn(|l| theta[source[l]].rotate_left(rotations()[source[l]]));
    std::array::from_fn(|l| {
        let (x, y) = (l % 5, l / 5);
        b[l] ^ (!b[lane((x + 1) % 5, y)] & b[lane((x + 2) % 5, y)])
    })
}

impl Round {
    /// The round's output: chi, then iota with round `index`'s constant.
    pub fn output(&self, index: usize) -> [u64; LANES] {
        let mut out = self.chi;
        out[0] ^= ROUND_CONSTANTS[index];
        out
    }
}

/// The 24 rounds of Keccak-f[1600] from `state`.
pub fn rounds(state: [u64; LANES]) -> Vec<Round> {
    let mut rounds = Vec::with_capacity(ROUNDS);
    let mut current = state;
    for index in 0..ROUNDS {
        let r = round(current);
        current = r.output(index);
        rounds.push(r);
    }
    rounds
}

/// Keccak-f[1600].
pub fn permute(state: [u64; LANES]) -> [u64; LANES] {
    rounds(state).last().expect("24 rounds").output(ROUNDS - 1)
}

/// The state of 8 cells (each below `2^200`): bit `i` of cell `k` is bit `200 k + i` of the
/// state's 1600-bit integer; `None` if a cell is `2^200` or more.
pub fn state_of_cells(cells: &[Felt; INPUT_CELLS]) -> Option<[u64; LANES]> {
    let mut state = [0u64; LANES];
    for (k, cell) in cells.iter().enumerate() {
        let words = cell.representative().limbs; // big-endian 64-bit words
        if words[0] >> (WORD_BITS - 192) != 0 {
            return None;
        }
        for i in 0..WORD_BITS {
            if words[3 - i / 64] >> (i % 64) & 1 == 1 {
                let g = WORD_BITS * k + i;
                state[g / LANE_BITS] |= 1 << (g % LANE_BITS);
            }
        }
    }
    Some(state)
}

/// The 8 cells of a state (the inverse of [`state_of_cells`]).
pub fn cells_of_state(state: &[u64; LANES]) -> [Felt; INPUT_CELLS] {
    std::array::from_fn(|k| {
        (0..WORD_BITS).rev().fold(Felt::zero(), |acc, i| {
            let g = WORD_BITS * k + i;
            let bit = state[g / LANE_BITS] >> (g % LANE_BITS) & 1;
            acc.double() + Felt::from(bit)
        })
    })
}

/// What cairo-vm writes into an instance's output cells for its input cells; `None` if an
/// input is `2^200` or more (cairo-vm refuses it).
pub fn keccak_cells(input: &[Felt; INPUT_CELLS]) -> Option<[Felt; INPUT_CELLS]> {
    Some(cells_of_state(&permute(state_of_cells(input)?)))
}

fn bit(v: u64, z: usize) -> Felt {
    if v >> z & 1 == 1 { Felt::one() } else { Felt::zero() }
}

/// Writes round `round`'s row through `set(column, value)`.
fn write_round(mut set: impl FnMut(usize, Felt), round: &Round) {
    let mut put = |column: usize, v: u64| {
        for z in 0..LANE_BITS {
            set(column + z, bit(v, z));
        }
    };
    for l in 0..LANES {
        put(STATE + LANE_BITS * l, round.state[l]);
        put(THETA + LANE_BITS * l, round.theta[l]);
        put(CHI + LANE_BITS * l, round.chi[l]);
    }
    for x in 0..5 {
        put(PARITY + LANE_BITS * x, round.parity[x]);
        put(EFFECT + LANE_BITS * x, round.effect[x]);
    }
    // The column sums' halved remainders (of the state's sums, whatever the parity column
    // says): sum = parity + 2 twos + 4 fours.
    for x in 0..5 {
        for z in 0..LANE_BITS {
            let sum: u64 = (0..5).map(|y| round.state[lane(x, y)] >> z & 1).sum();
            set(TWOS + LANE_BITS * x + z, bit(sum / 2, 0));
            set(FOURS + LANE_BITS * x + z, bit(sum / 2, 1));
        }
    }
}

/// Overwrites row `row` of `trace` with `round`'s values (the address stays).
pub fn set_round(trace: &mut TraceTable, row: usize, round: &Round) {
    write_round(|column, value| trace.set(row, column, value), round);
}

/// Writes the 32 rows of the instance at `address` with input `state` into `columns` from row
/// `base`: rounds on rows 0 to 23, zeros on the padding rows 24 to 31 (but the address).
fn write_instance(columns: &mut [Vec<Felt>], base: usize, address: u64, state: [u64; LANES]) {
    for (r, round) in rounds(state).iter().enumerate() {
        write_round(|column, value| columns[column][base + r] = value, round);
    }
    columns[ADDRESS][base..base + ROWS_PER_INSTANCE].fill(Felt::from(address));
}

/// The main trace of `instances` (at least one; `(address, input state)`, in address order)
/// and its memory accesses in row order, padding included: the 8 input cells, then the 8
/// output cells, of every instance. Padded to a power of two by repeating the last instance.
pub fn build_trace(instances: &[(u64, [u64; LANES])]) -> (TraceTable, Vec<(u64, Felt)>) {
    let count = instances.len();
    let padded = count.max(1).next_power_of_two();
    let n = padded * ROWS_PER_INSTANCE;
    let mut columns = vec![vec![Felt::zero(); n]; MAIN_WIDTH];
    for (k, (address, state)) in instances.iter().enumerate() {
        write_instance(&mut columns, k * ROWS_PER_INSTANCE, *address, *state);
    }
    let filled = count * ROWS_PER_INSTANCE;
    for column in columns.iter_mut() {
        let (done, rest) = column.split_at_mut(filled);
        let block = &done[filled - ROWS_PER_INSTANCE..];
        for chunk in rest.chunks_mut(ROWS_PER_INSTANCE) {
            chunk.copy_from_slice(block);
        }
    }
    let mut accesses = Vec::with_capacity(CELLS * padded);
    for k in 0..padded {
        let (address, state) = instances[k.min(count - 1)];
        let cells = cells_of_state(&state).into_iter().chain(cells_of_state(&permute(state)));
        accesses.extend(cells.enumerate().map(|(i, v)| (address + i as u64, v)));
    }
    (TraceTable::new(columns, n), accesses)
}

/// Bit `g` of the state's integer, as the row's main columns give it: `from` is [`STATE`]
/// (the input, on row 0) or [`CHI`] (the output, on row 23, the last round constant applied).
pub fn state_bit(row: &[Felt], from: usize, g: usize) -> Felt {
    let v = row[from + g];
    let flipped = from == CHI && g < LANE_BITS && ROUND_CONSTANTS[ROUNDS - 1] >> g & 1 == 1;
    if flipped { Felt::one() - v } else { v }
}

/// Cell `k` (`0..8`) of the state read from `from` on a row (see [`state_bit`]).
pub fn word(row: &[Felt], from: usize, k: usize) -> Felt {
    (0..WORD_BITS)
        .rev()
        .fold(Felt::zero(), |acc, i| acc.double() + state_bit(row, from, WORD_BITS * k + i))
}

/// The memory factor of slot `k` (`0..8`) of a row: `z - (address + k + alpha input_k)` on
/// row 0, `z - (address + 8 + k + alpha output_k)` on row 23, 1 elsewhere; `first` and
/// `output` are the row's selectors.
pub fn factor(row: &[Felt], k: usize, first: Felt, output: Felt, challenges: &[Felt]) -> Felt {
    let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
    let one = Felt::one();
    let address = row[ADDRESS] + Felt::from(k as u64);
    let input = z - address - alpha * word(row, STATE, k) - one;
    let out = z - address - Felt::from(INPUT_CELLS as u64) - alpha * word(row, CHI, k) - one;
    one + first * input + output * out
}

/// The auxiliary columns: per row, 8 factors and the running product through them.
pub fn build_aux(main: &TraceTable, challenges: &[Felt]) -> TraceTable {
    let n = main.length();
    let (zero, one) = (Felt::zero(), Felt::one());
    let mut columns: Vec<Vec<Felt>> = (0..AUX_WIDTH).map(|_| Vec::with_capacity(n)).collect();
    let mut product = one;
    let mut row = Vec::with_capacity(main.width());
    for r in 0..n {
        // The (FIRST, READ_OUTPUT) selectors of the rows that read cells.
        let selectors = match r % ROWS_PER_INSTANCE {
            0 => Some((one, zero)),
            OUTPUT_ROW => Some((zero, one)),
            _ => None,
        };
        if selectors.is_some() {
            main.read_row(r, &mut row);
        }
        for k in 0..INPUT_CELLS {
            let f = match selectors {
                Some((first, output)) => factor(&row, k, first, output, challenges),
                None => one,
            };
            product *= f;
            columns[AUX_FACTOR + k].push(f);
            columns[AUX_PRODUCT + k].push(product);
        }
    }
    TraceTable::new(columns, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rounds_compute_keccak_f() {
        // Keccak-f[1600] of the zero state (the Keccak team's known-answer test).
        let out = permute([0; LANES]);
        assert_eq!(out[0], 0xf1258f7940e1dde7);
        assert_eq!(out[1], 0x84d5ccf933c0478a);
        assert_eq!(out[24], 0xeaf1ff7b5ceca249);
        // And against the `keccak` crate cairo-vm uses, on a few states.
        let mut state = [0u64; LANES];
        for i in 0..4u64 {
            state = std::array::from_fn(|l| {
                state[l] ^ (l as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15 ^ i)
            });
            let mut expected = state;
            keccak::f1600(&mut expected);
            assert_eq!(permute(state), expected);
        }
    }

    #[test]
    fn cells_and_states_round_trip() {
        let state: [u64; LANES] =
            std::array::from_fn(|l| (l as u64 + 3).wrapping_mul(0x0123_4567_89ab_cdef));
        let cells = cells_of_state(&state);
        assert_eq!(state_of_cells(&cells), Some(state));
        let too_big = Felt::from(2u64).pow(200u64);
        let mut bad = cells;
        bad[3] = too_big;
        assert_eq!(state_of_cells(&bad), None);
        bad[3] = too_big - Felt::one();
        assert!(state_of_cells(&bad).is_some());
    }
}
