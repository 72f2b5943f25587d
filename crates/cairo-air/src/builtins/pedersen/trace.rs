//! The `pedersen` main trace: 64 rows per instance (see [`super`] for the columns), instances
//! in address order, padded to a power of two by repeating the last one. All instances are
//! computed in lockstep, row by row, so the inverses of one row are one batch inversion.

use stark::{Felt, TraceTable, batch_inverse};

use super::points::{
    N_BITS, Point, ROWS_PER_HASH, ROWS_PER_INPUT, WINDOW_BITS, WINDOWS_PER_INPUT, entries,
    entry_index, start_point, window_of_p_minus_one,
};
use super::{
    ADDRESS, BELOW_IN, BELOW_OUT, CELLS, EQ, LT, MAIN_WIDTH, PX, PY, SLOPE, SUFFIX, VALUE, X,
    X_DIFF_INV, X_NEW, Y, Y_NEW,
};
use crate::builtins::narrow::padded_instances;

/// The 252 bits of a scalar, least significant first.
pub type Bits = [bool; N_BITS];

/// The windows of a scalar, least significant first: 31 of 8 bits, then the top 4 bits.
pub type Windows = [usize; WINDOWS_PER_INPUT];

/// The bits of the canonical integer of `x` (`0 <= x < p < 2^252`).
pub fn canonical_bits(x: &Felt) -> Bits {
    let words = x.representative().limbs; // big-endian 64-bit words
    std::array::from_fn(|i| (words[3 - i / 64] >> (i % 64)) & 1 == 1)
}

/// The windows of the canonical integer of `x`.
pub fn canonical_windows(x: &Felt) -> Windows {
    windows_of(&canonical_bits(x))
}

/// The windows of a 252-bit integer given by its bits.
pub fn windows_of(bits: &Bits) -> Windows {
    std::array::from_fn(|j| {
        (0..WINDOW_BITS)
            .filter(|b| j * WINDOW_BITS + b < N_BITS && bits[j * WINDOW_BITS + b])
            .map(|b| 1 << b)
            .sum()
    })
}

/// One instance to lay out: its base address and the windows the table uses for `a` and `b`
/// (their canonical windows for an honest trace; any values the points table holds for a
/// dishonest one).
#[derive(Clone, Copy, Debug)]
pub struct Instance {
    pub address: u64,
    pub windows: [Windows; 2],
}

impl Instance {
    pub fn honest(address: u64, a: &Felt, b: &Felt) -> Self {
        Self { address, windows: [canonical_windows(a), canonical_windows(b)] }
    }
}

/// Why an instance cannot be laid out: the accumulator met the x-coordinate of the point it
/// must add (which would take a discrete-logarithm relation between the Pedersen points and
/// the offset `H` to happen; the AIR refuses it, see [`super`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExceptionalAddition {
    pub address: u64,
}

fn flag(b: bool) -> Felt {
    if b { Felt::one() } else { Felt::zero() }
}

/// The main trace of `instances` (at least one) and the memory accesses it makes, in row
/// order: `(address, a)`, `(address + 1, b)`, `(address + 2, h)` per instance, padding
/// included.
pub fn build_trace(
    instances: &[Instance],
) -> Result<(TraceTable, Vec<(u64, Felt)>), ExceptionalAddition> {
    let count = instances.len();
    let padded = padded_instances(count, ROWS_PER_HASH);
    let n = padded * ROWS_PER_HASH;
    let mut columns = vec![vec![Felt::zero(); n]; MAIN_WIDTH];
    let all = entries();
    let byte = Felt::from(1u64 << WINDOW_BITS);

    // Row-independent columns per instance: suffixes, windows, their entries, the comparison
    // with p - 1.
    for (k, instance) in instances.iter().enumerate() {
        let base = k * ROWS_PER_HASH;
        for (input, windows) in instance.windows.iter().enumerate() {
            let first = base + input * ROWS_PER_INPUT;
            // suffix_j = sum_{i >= j} v_i 256^(i - j).
            let mut suffix = Felt::zero();
            for j in (0..WINDOWS_PER_INPUT).rev() {
                suffix = suffix * byte + Felt::from(windows[j] as u64);
                columns[SUFFIX][first + j] = suffix;
            }
            // below: the low windows, as an integer, are at most those of p - 1.
            let mut below = true;
            for (j, v) in windows.iter().enumerate() {
                let row = first + j;
                let entry = &all[entry_index(input * ROWS_PER_INPUT + j, *v)];
                columns[VALUE][row] = Felt::from(*v as u64);
                columns[PX][row] = entry.point.x;
                columns[PY][row] = entry.point.y;
                columns[LT][row] = flag(entry.lt);
                columns[EQ][row] = flag(entry.eq);
                columns[BELOW_IN][row] = flag(below);
                below = entry.lt || (entry.eq && below);
                debug_assert_eq!(entry.eq, *v == window_of_p_minus_one(j));
                columns[BELOW_OUT][row] = flag(below);
            }
        }
        columns[ADDRESS][base..base + ROWS_PER_HASH].fill(Felt::from(instance.address));
    }

    // The accumulator, all instances in lockstep.
    let mut acc: Vec<Point> = vec![start_point(); count];
    let mut inverses = vec![Felt::zero(); count];
    for r in 0..ROWS_PER_HASH {
        for (k, inverse) in inverses.iter_mut().enumerate() {
            let row = k * ROWS_PER_HASH + r;
            *inverse = acc[k].x - columns[PX][row];
            if *inverse == Felt::zero() {
                return Err(ExceptionalAddition { address: instances[k].address });
            }
        }
        batch_inverse(&mut inverses);
        for k in 0..count {
            let row = k * ROWS_PER_HASH + r;
            let (px, py) = (columns[PX][row], columns[PY][row]);
            let slope = (acc[k].y - py) * inverses[k];
            let x = slope.square() - acc[k].x - px;
            let y = slope * (acc[k].x - x) - acc[k].y;
            columns[X][row] = acc[k].x;
            columns[Y][row] = acc[k].y;
            columns[SLOPE][row] = slope;
            columns[X_DIFF_INV][row] = inverses[k];
            columns[X_NEW][row] = x;
            columns[Y_NEW][row] = y;
            acc[k] = Point { x, y };
        }
    }

    // Padding: copies of the last instance.
    crate::builtins::narrow::pad(&mut columns, count, ROWS_PER_HASH);

    let mut accesses = Vec::with_capacity(CELLS * padded);
    for k in 0..padded {
        let base = k * ROWS_PER_HASH;
        let address = instances[k.min(count - 1)].address;
        accesses.push((address, columns[SUFFIX][base]));
        accesses.push((address + 1, columns[SUFFIX][base + ROWS_PER_INPUT]));
        accesses.push((address + 2, columns[X_NEW][base + ROWS_PER_HASH - 1]));
    }
    Ok((TraceTable::new(columns, n), accesses))
}

/// Adds the points-table entries a trace looks up (one per row, padding included) to
/// `counts` (indexed like [`entries`]). The values must be the table's (as
/// [`build_trace`] writes them).
pub fn count_lookups(trace: &TraceTable, counts: &mut [u64]) {
    for (row, value) in trace.column(VALUE).iter().enumerate() {
        let v = crate::trace::felt_to_u64(value).expect("a window value") as usize;
        counts[entry_index(row % ROWS_PER_HASH, v)] += 1;
    }
}

/// The hash the table computes for canonical inputs: `[P0 + a_low P1 + ...].x`.
pub fn hash(a: &Felt, b: &Felt) -> Result<Felt, ExceptionalAddition> {
    let (trace, _) = build_trace(&[Instance::honest(0, a, b)])?;
    Ok(*trace.get(ROWS_PER_HASH - 1, X_NEW))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public_input::{from_vm_felt, to_vm_felt};

    #[test]
    fn the_table_computes_starknets_pedersen_hash() {
        let p_minus_one = -Felt::one();
        let two251 = Felt::from(2u64).pow(251u64);
        let values = [
            (Felt::zero(), Felt::zero()),
            (Felt::from(1u64), Felt::from(2u64)),
            (p_minus_one, p_minus_one),
            (two251, two251 + Felt::from(12345u64)),
            (Felt::from(2u64).pow(248u64) - Felt::one(), Felt::from(2u64).pow(248u64)),
            (Felt::from(0xdead_beefu64) * two251.inv().unwrap(), p_minus_one - two251),
        ];
        for (a, b) in values {
            let expected = starknet_crypto::pedersen_hash(&to_vm_felt(&a), &to_vm_felt(&b));
            assert_eq!(hash(&a, &b).unwrap(), from_vm_felt(&expected), "H({a}, {b})");
        }
    }

    #[test]
    fn canonical_bits_recompose() {
        let x = -Felt::from(5u64);
        let bits = canonical_bits(&x);
        let back = bits.iter().rev().fold(Felt::zero(), |acc, b| acc.double() + flag(*b));
        assert_eq!(back, x);
        assert!(bits[251] && bits[196] && !bits[192] && bits[2] && !bits[1]);
        let windows = canonical_windows(&x);
        let back = windows
            .iter()
            .rev()
            .fold(Felt::zero(), |acc, v| acc * Felt::from(256u64) + Felt::from(*v as u64));
        assert_eq!(back, x);
        assert!(windows[..31].iter().all(|v| *v < 256) && windows[31] < 16);
    }
}
