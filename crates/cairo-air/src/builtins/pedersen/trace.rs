//! The `pedersen` main trace: 512 rows per instance (see [`super`] for the columns), instances
//! in address order, padded to a power of two by repeating the last one. All instances are
//! computed in lockstep, row by row, so the inverses of one row are one batch inversion.

use stark::{Felt, TraceTable, batch_inverse};

use super::points::{
    N_BITS, Point, ROWS_PER_HASH, ROWS_PER_INPUT, bit_of_p_minus_one, row_point, shift_point,
};
use super::{
    ADDRESS, BELOW, BELOW_AND_BIT, BIT, CELLS, MAIN_WIDTH, SLOPE, SUFFIX, X, X_DIFF_INV, Y,
};
use crate::builtins::narrow::padded_instances;

/// The 252 bits of a scalar, least significant first.
pub type Bits = [bool; N_BITS];

/// The bits of the canonical integer of `x` (`0 <= x < p < 2^252`).
pub fn canonical_bits(x: &Felt) -> Bits {
    let words = x.representative().limbs; // big-endian 64-bit words
    std::array::from_fn(|i| (words[3 - i / 64] >> (i % 64)) & 1 == 1)
}

/// One instance to lay out: its base address and the bits the table uses for `a` and `b`
/// (their canonical bits for an honest trace).
#[derive(Clone, Copy, Debug)]
pub struct Instance {
    pub address: u64,
    pub bits: [Bits; 2],
}

impl Instance {
    pub fn honest(address: u64, a: &Felt, b: &Felt) -> Self {
        Self { address, bits: [canonical_bits(a), canonical_bits(b)] }
    }
}

/// Why an instance cannot be laid out: the accumulator met the x-coordinate of the point it
/// must add (which would take a discrete-logarithm relation between the Pedersen points to
/// happen; the AIR refuses it, see [`super`]).
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
    let padded = padded_instances(count);
    let n = padded * ROWS_PER_HASH;
    let mut columns = vec![vec![Felt::zero(); n]; MAIN_WIDTH];

    // Row-independent columns per instance: the suffixes and the comparison with p - 1.
    for (k, instance) in instances.iter().enumerate() {
        let base = k * ROWS_PER_HASH;
        for (input, bits) in instance.bits.iter().enumerate() {
            let first = base + input * ROWS_PER_INPUT;
            // suffix_i = sum_{j >= i} bits_j 2^(j - i); rows 252..256 hold 0.
            let mut suffix = Felt::zero();
            for i in (0..N_BITS).rev() {
                suffix = suffix.double() + flag(bits[i]);
                columns[SUFFIX][first + i] = suffix;
            }
            // below_i: the low i bits, as an integer, are at most those of p - 1.
            let mut below = true;
            for i in 0..ROWS_PER_INPUT {
                let bit = i < N_BITS && bits[i];
                columns[BIT][first + i] = flag(bit);
                columns[BELOW][first + i] = flag(below);
                columns[BELOW_AND_BIT][first + i] = flag(below && bit);
                if i < N_BITS {
                    let p_bit = bit_of_p_minus_one(i);
                    below = if bit == p_bit { below } else { p_bit };
                }
            }
        }
        columns[ADDRESS][base..base + ROWS_PER_HASH].fill(Felt::from(instance.address));
    }

    // The accumulator, all instances in lockstep.
    let mut acc: Vec<Point> = vec![shift_point(); count];
    let mut inverses = vec![Felt::zero(); count];
    for r in 0..ROWS_PER_HASH {
        let (input, i) = (r / ROWS_PER_INPUT, r % ROWS_PER_INPUT);
        let adds = |k: usize| i < N_BITS && instances[k].bits[input][i];
        let point = (i < N_BITS).then(|| row_point(input, i));
        for (k, inverse) in inverses.iter_mut().enumerate() {
            *inverse = match point {
                Some(p) if adds(k) => acc[k].x - p.x,
                _ => Felt::zero(),
            };
            if adds(k) && *inverse == Felt::zero() {
                return Err(ExceptionalAddition { address: instances[k].address });
            }
        }
        batch_inverse(&mut inverses);
        for k in 0..count {
            let row = k * ROWS_PER_HASH + r;
            columns[X][row] = acc[k].x;
            columns[Y][row] = acc[k].y;
            if let (Some(p), true) = (point, adds(k)) {
                let slope = (acc[k].y - p.y) * inverses[k];
                let x = slope.square() - acc[k].x - p.x;
                let y = slope * (acc[k].x - x) - acc[k].y;
                columns[SLOPE][row] = slope;
                columns[X_DIFF_INV][row] = inverses[k];
                acc[k] = Point { x, y };
            }
        }
    }

    // Padding: copies of the last instance.
    let last = (count - 1) * ROWS_PER_HASH;
    for column in columns.iter_mut() {
        let (filled, rest) = column.split_at_mut(count * ROWS_PER_HASH);
        let block = &filled[last..];
        for chunk in rest.chunks_mut(ROWS_PER_HASH) {
            chunk.copy_from_slice(block);
        }
    }

    let mut accesses = Vec::with_capacity(CELLS * padded);
    for k in 0..padded {
        let base = k * ROWS_PER_HASH;
        let address = instances[k.min(count - 1)].address;
        accesses.push((address, columns[SUFFIX][base]));
        accesses.push((address + 1, columns[SUFFIX][base + ROWS_PER_INPUT]));
        accesses.push((address + 2, columns[X][base + ROWS_PER_HASH - 1]));
    }
    Ok((TraceTable::new(columns, n), accesses))
}

/// The hash the table computes for canonical inputs: `[P0 + a_low P1 + ...].x`.
pub fn hash(a: &Felt, b: &Felt) -> Result<Felt, ExceptionalAddition> {
    let (trace, _) = build_trace(&[Instance::honest(0, a, b)])?;
    Ok(*trace.get(ROWS_PER_HASH - 1, X))
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
    }
}
