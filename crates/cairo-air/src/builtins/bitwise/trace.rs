//! The `bitwise` main trace: 32 rows per instance (see [`super`] for the columns), instances in
//! address order, padded to a power of two by repeating the last one.

use stark::{Felt, TraceTable};

use super::byte_pairs::entry_index;
use super::{
    AB, ADDRESS, AND, AS, CELLS, MAIN_WIDTH, N_BITS, ROWS_PER_INSTANCE, SMALL, X, XB, XS, Y, YB, YS,
};
use crate::builtins::narrow::padded_instances;

/// The 32 "bytes" of a value below `2^251`, least significant first (the last holds bits
/// 248..251).
pub type Bytes = [usize; ROWS_PER_INSTANCE];

/// One instance: its base address and the bytes of `x` and `y`.
#[derive(Clone, Copy, Debug)]
pub struct Instance {
    pub address: u64,
    pub x: Bytes,
    pub y: Bytes,
}

impl Instance {
    /// `None` if `x` or `y` is `2^251` or more.
    pub fn new(address: u64, x: &Felt, y: &Felt) -> Option<Self> {
        Some(Self { address, x: bytes(x)?, y: bytes(y)? })
    }
}

/// The bytes of `value`'s integer, or `None` if it is `2^251` or more.
pub fn bytes(value: &Felt) -> Option<Bytes> {
    let words = value.representative().limbs; // big-endian 64-bit words
    if words[0] >> (N_BITS - 192) != 0 {
        return None;
    }
    Some(std::array::from_fn(|j| ((words[3 - j / 8] >> (8 * (j % 8))) & 0xff) as usize))
}

/// The main trace of `instances` (at least one) and the memory accesses it makes, in row
/// order: the five cells of every instance, padding included.
pub fn build_trace(instances: &[Instance]) -> (TraceTable, Vec<(u64, Felt)>) {
    let padded = padded_instances(instances.len());
    let n = padded * ROWS_PER_INSTANCE;
    let mut columns: Vec<Vec<Felt>> = (0..MAIN_WIDTH).map(|_| Vec::with_capacity(n)).collect();
    let mut accesses = Vec::with_capacity(CELLS * padded);
    let byte = Felt::from(256u64);
    for k in 0..padded {
        let instance = &instances[k.min(instances.len() - 1)];
        let and: Bytes = std::array::from_fn(|j| instance.x[j] & instance.y[j]);
        let suffixes = |bytes: &Bytes| {
            let mut suffix = vec![Felt::zero(); ROWS_PER_INSTANCE];
            let mut acc = Felt::zero();
            for j in (0..ROWS_PER_INSTANCE).rev() {
                acc = acc * byte + Felt::from(bytes[j] as u64);
                suffix[j] = acc;
            }
            suffix
        };
        let (xs, ys, ands) = (suffixes(&instance.x), suffixes(&instance.y), suffixes(&and));
        let (x, y, and_value) = (xs[0], ys[0], ands[0]);
        for j in 0..ROWS_PER_INSTANCE {
            let small = instance.x[j] < 8 && instance.y[j] < 8;
            let row = [
                Felt::from(instance.address),
                x,
                y,
                and_value,
                xs[j],
                ys[j],
                ands[j],
                Felt::from(instance.x[j] as u64),
                Felt::from(instance.y[j] as u64),
                Felt::from(and[j] as u64),
                Felt::from(u64::from(small)),
            ];
            for (column, value) in columns.iter_mut().zip(row) {
                column.push(value);
            }
        }
        let sum = x + y;
        let cells = [x, y, and_value, sum - and_value.double(), sum - and_value];
        for (offset, cell) in cells.into_iter().enumerate() {
            accesses.push((instance.address + offset as u64, cell));
        }
    }
    debug_assert!([ADDRESS, X, Y, AND, XS, YS, AS, XB, YB, AB, SMALL].len() == MAIN_WIDTH);
    (TraceTable::new(columns, n), accesses)
}

/// Adds the byte pairs a trace looks up (one per row, padding included) to `counts`.
pub fn count_lookups(trace: &TraceTable, counts: &mut [u64]) {
    let byte = |v: &Felt| crate::trace::felt_to_u64(v).expect("a byte") as usize;
    for (x, y) in trace.column(XB).iter().zip(trace.column(YB)) {
        counts[entry_index(byte(x), byte(y))] += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_of_values_below_and_at_2_to_251() {
        let two251 = Felt::from(2u64).pow(251u64);
        let top = bytes(&(two251 - Felt::one())).unwrap();
        assert!(top[..31].iter().all(|b| *b == 255) && top[31] == 7);
        assert!(bytes(&two251).is_none());
        let v = Felt::from(0x0102_0304_0506_0708u64) * Felt::from(2u64).pow(64u64);
        assert_eq!(bytes(&v).unwrap()[8..16], [8, 7, 6, 5, 4, 3, 2, 1]);
    }
}
