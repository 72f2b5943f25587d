//! The `bitwise` table's traces: the main columns of the instances, their lookups in the
//! byte-pair table, and the auxiliary columns (memory factors and product, lookup inverses
//! and sum). See the module above for the layout.

use stark::{Felt, TraceTable, batch_inverse, parallel};

use super::*;
use crate::layout::{CHALLENGE_MEM_ALPHA, CHALLENGE_MEM_Z};
use crate::trace::felt_to_u64;

/// An instance: its base address and the 32 little-endian bytes of `x` and `y`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instance {
    pub address: u64,
    pub x: [u8; 32],
    pub y: [u8; 32],
}

impl Instance {
    /// The instance of inputs `x` and `y`; `None` if one is `2^251` or more.
    pub fn new(address: u64, x: &Felt, y: &Felt) -> Option<Self> {
        Some(Self { address, x: bytes_of(x)?, y: bytes_of(y)? })
    }
}

/// The 32 little-endian bytes of a value below `2^251`, or `None`.
pub fn bytes_of(value: &Felt) -> Option<[u8; 32]> {
    let words = value.representative().limbs; // big-endian 64-bit words
    if words[0] >> 59 != 0 {
        return None;
    }
    Some(std::array::from_fn(|i| (words[3 - i / 8] >> (8 * (i % 8))) as u8))
}

/// The eight bytes of row `r` as an integer.
fn chunk(bytes: &[u8; 32], r: usize) -> u64 {
    u64::from_le_bytes(bytes[8 * r..8 * r + 8].try_into().expect("eight bytes"))
}

/// The suffixes of a value's bytes: entry `r` is the value shifted right by `64 r` bits.
fn suffixes(bytes: &[u8; 32]) -> [Felt; ROWS] {
    let two64 = Felt::from(2u64).pow(64u64);
    let mut out = [Felt::zero(); ROWS];
    let mut acc = Felt::zero();
    for r in (0..ROWS).rev() {
        acc = acc * two64 + Felt::from(chunk(bytes, r));
        out[r] = acc;
    }
    out
}

/// The main trace of the instances (at least one), padded to a power of two by repeating the
/// last, and the memory accesses it makes in row order.
pub fn build_trace(instances: &[Instance]) -> (TraceTable, Vec<(u64, Felt)>) {
    let padded = narrow::padded_instances(instances.len(), ROWS);
    let n = padded * ROWS;
    let mut columns: Vec<Vec<Felt>> = (0..MAIN_WIDTH).map(|_| Vec::with_capacity(n)).collect();
    let mut accesses = Vec::with_capacity(padded * CELLS);
    for k in 0..padded {
        let instance = &instances[k.min(instances.len() - 1)];
        let and: [u8; 32] = std::array::from_fn(|i| instance.x[i] & instance.y[i]);
        let all = [&instance.x, &instance.y, &and];
        let suffixes = all.map(suffixes);
        let address = Felt::from(instance.address);
        for r in 0..ROWS {
            columns[ADDRESS].push(address);
            for (v, bytes) in all.iter().enumerate() {
                columns[X + v].push(suffixes[v][0]);
                columns[SUFFIX_X + v].push(suffixes[v][r]);
                for j in 0..SLOTS {
                    let byte = u64::from(bytes[SLOTS * r + j]);
                    let scale = if r == ROWS - 1 && j == SLOTS - 1 { TOP_SCALE } else { 1 };
                    columns[X_BYTES + SLOTS * v + j].push(Felt::from(byte * scale));
                }
            }
        }
        let [x, y, and] = suffixes.map(|s| s[0]);
        let a = instance.address;
        accesses.extend([
            (a, x),
            (a + 1, y),
            (a + 2, and),
            (a + 3, x + y - and.double()),
            (a + 4, x + y - and),
        ]);
    }
    (TraceTable::new(columns, n), accesses)
}

/// Counts every byte triple of the trace in the byte-pair table's multiplicities (entry
/// `a + 256 b`). A triple outside the table (never in an honest trace) is not counted.
pub fn count_lookups(trace: &TraceTable, counts: &mut [u64]) {
    for row in 0..trace.length() {
        for j in 0..SLOTS {
            let byte = |column: usize| felt_to_u64(trace.get(row, column)).filter(|b| *b < 256);
            if let (Some(a), Some(b)) = (byte(X_BYTES + j), byte(Y_BYTES + j)) {
                counts[(a + 256 * b) as usize] += 1;
            }
        }
    }
}

/// log2 of the rows of the table of every byte pair.
pub const BYTE_PAIRS_LOG_ROWS: u32 = 16;

/// The table of every byte pair: columns `a` (period 256), `b` and `a & b`, entry `a + 256 b`.
pub fn byte_pair_columns() -> &'static [Vec<Felt>] {
    static COLUMNS: std::sync::OnceLock<Vec<Vec<Felt>>> = std::sync::OnceLock::new();
    COLUMNS.get_or_init(|| {
        let entries = 1u64 << BYTE_PAIRS_LOG_ROWS;
        vec![
            (0..256u64).map(Felt::from).collect(),
            (0..entries).map(|i| Felt::from(i >> 8)).collect(),
            (0..entries).map(|i| Felt::from((i & 255) & (i >> 8))).collect(),
        ]
    })
}

/// The auxiliary columns: memory factors, the product through and across rows, the lookup
/// inverses of the eight slots and their running sum.
pub fn aux_columns(main: &TraceTable, challenges: &[Felt]) -> TraceTable {
    let n = main.length();
    let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
    let one = Felt::one();
    let factors = parallel::map_range(n, |row| {
        let c = |k: usize| *main.get(row, k);
        let (address, x, y, and) = (c(ADDRESS), c(X), c(Y), c(AND));
        let access = |offset: u64, v: Felt| z - (address + Felt::from(offset) + alpha * v);
        match row % ROWS {
            0 => (access(0, x), access(1, y)),
            1 => (access(2, and), access(3, x + y - and.double())),
            2 => (access(4, x + y - and), one),
            _ => (one, one),
        }
    });
    let mut columns: Vec<Vec<Felt>> = (0..AUX_WIDTH).map(|_| Vec::with_capacity(n)).collect();
    let mut product = one;
    for (a, b) in &factors {
        let mid = product * a;
        product = mid * b;
        columns[AUX_FACTOR_A].push(*a);
        columns[AUX_FACTOR_B].push(*b);
        columns[AUX_MID].push(mid);
        columns[AUX_PRODUCT].push(product);
    }
    let z_lookup = lookup::lookup_z(challenges);
    for j in 0..SLOTS {
        let mut terms = parallel::map_range(n, |row| {
            let c = |k: usize| main.get(row, k);
            z_lookup
                - lookup::compress(challenges, &[c(X_BYTES + j), c(Y_BYTES + j), c(AND_BYTES + j)])
        });
        batch_inverse(&mut terms);
        columns[AUX_INVERSES + j] = terms;
    }
    let mut sum = Felt::zero();
    for row in 0..n {
        for j in 0..SLOTS {
            sum += columns[AUX_INVERSES + j][row];
        }
        columns[AUX_SUM].push(sum);
    }
    TraceTable::new(columns, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_of_values_below_and_at_2_to_251() {
        let two251 = Felt::from(2u64).pow(251u64);
        let top = bytes_of(&(two251 - Felt::one())).unwrap();
        assert_eq!(top[31], 7);
        assert!(top[..31].iter().all(|b| *b == 255));
        assert!(bytes_of(&two251).is_none());
        assert_eq!(bytes_of(&Felt::from(0x0102u64)).unwrap()[..3], [2, 1, 0]);
    }

    #[test]
    fn suffixes_shift_by_64_bits() {
        let value = Felt::from(2u64).pow(200u64) + Felt::from(0xabcdu64);
        let s = suffixes(&bytes_of(&value).unwrap());
        assert_eq!(s[0], value);
        assert_eq!(s[3], Felt::from(1u64 << 8));
        assert_eq!(s[1], Felt::from(2u64).pow(136u64));
    }
}
