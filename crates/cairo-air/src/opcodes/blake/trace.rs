//! The Blake table's traces: the reference compression, each instance's 128 rows, the
//! lookups they make, and the auxiliary columns (lookup inverses and sums, memory factors and
//! product, the running sum of calls). See the module above for the layout.

use stark::{Felt, TraceTable, batch_inverse, parallel};

use super::columns::*;
use super::{Blake, byte_tuples, call_tuple, range_values};
use crate::builtins::TraceInput;
use crate::builtins::lookup::{self, LookupTable, table_sum_columns};
use crate::layout::{CHALLENGE_MEM_ALPHA, CHALLENGE_MEM_Z};
use crate::trace::felt_to_u64;

/// A Blake step's compression as the table proves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    /// The step's `ap`, where the output pointer is.
    pub ap: u64,
    pub state_ptr: u64,
    pub message_ptr: u64,
    pub output_ptr: u64,
    pub counter: u32,
    pub finalize: bool,
    pub h: [u32; 8],
    pub message: [u32; 16],
}

/// Blake2s's G function on `v`.
fn g(v: &mut [u32; 16], [a, b, c, d]: [usize; 4], x: u32, y: u32) {
    v[a] = v[a].wrapping_add(v[b]).wrapping_add(x);
    v[d] = (v[d] ^ v[a]).rotate_right(16);
    v[c] = v[c].wrapping_add(v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(12);
    v[a] = v[a].wrapping_add(v[b]).wrapping_add(y);
    v[d] = (v[d] ^ v[a]).rotate_right(8);
    v[c] = v[c].wrapping_add(v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(7);
}

/// The initial working state of a compression.
fn initial_state(h: &[u32; 8], counter: u32, finalize: bool) -> [u32; 16] {
    let mut v = [0u32; 16];
    v[..8].copy_from_slice(h);
    v[8..].copy_from_slice(&IV);
    v[12] ^= counter;
    if finalize {
        v[14] ^= 0xffff_ffff;
    }
    v
}

/// `blake2s_compress(h, message, counter, 0, f0, 0)` with `f0 = 0xffffffff` when
/// `finalize`: what cairo-vm writes for a Blake step.
pub fn compress(h: &[u32; 8], message: &[u32; 16], counter: u32, finalize: bool) -> [u32; 8] {
    let mut v = initial_state(h, counter, finalize);
    for sigma in SIGMA {
        for gi in 0..8 {
            g(&mut v, g_positions(gi), message[sigma[2 * gi]], message[sigma[2 * gi + 1]]);
        }
    }
    std::array::from_fn(|i| h[i] ^ v[i] ^ v[i + 8])
}

impl Instance {
    /// The output words.
    pub fn output(&self) -> [u32; 8] {
        compress(&self.h, &self.message, self.counter, self.finalize)
    }

    /// The memory accesses of the instance, in the order the trace makes them.
    pub fn accesses(&self) -> Vec<(u64, Felt)> {
        let mut out = Vec::with_capacity(ACCESSES);
        let output = self.output();
        for row in 0..ROWS {
            if row < 16 {
                out.push((self.message_ptr + row as u64, Felt::from(u64::from(self.message[row]))));
            }
            if let Role::Output { j } = role(row) {
                out.push((self.output_ptr + j as u64, Felt::from(u64::from(output[j]))));
            }
            if row < 8 {
                out.push((self.state_ptr + row as u64, Felt::from(u64::from(self.h[row]))));
            }
            if row == AP_ROW {
                out.push((self.ap, Felt::from(self.output_ptr)));
            }
        }
        out
    }

    /// The instance's 128 rows (`real` 1 or 0), as columns.
    pub fn rows(&self, real: bool) -> Vec<Vec<Felt>> {
        let mut columns = vec![vec![Felt::zero(); ROWS]; MAIN_WIDTH];
        let word = |x: u32| Felt::from(u64::from(x));
        let output = self.output();
        let mut v = [0u32; 16];
        // Written row by row (the state runs through the rows) into column-major storage.
        #[allow(clippy::needless_range_loop)]
        for row in 0..ROWS {
            let mut set = |column: usize, value: Felt| columns[column][row] = value;
            let set_bytes = |set: &mut dyn FnMut(usize, Felt), column: usize, x: u32| {
                for (i, byte) in x.to_le_bytes().into_iter().enumerate() {
                    set(column + i, Felt::from(u64::from(byte)));
                }
            };
            set(AP, Felt::from(self.ap));
            set(STATE_PTR, Felt::from(self.state_ptr));
            set(MESSAGE_PTR, Felt::from(self.message_ptr));
            set(OUTPUT_PTR, Felt::from(self.output_ptr));
            set(COUNTER, word(self.counter));
            set(FINALIZE, Felt::from(u64::from(self.finalize)));
            set(REAL, Felt::from(u64::from(real)));
            for (k, m) in self.message.iter().enumerate() {
                set(MESSAGE + k, word(*m));
            }
            for (k, h) in self.h.iter().enumerate() {
                set(H + k, word(*h));
            }
            for (k, x) in v.iter().enumerate() {
                set(V + k, word(*x));
            }
            // The four xor units' inputs: (d, a1), (b, c1), (d1, a2), (b1, c2).
            let mut units = [[0u32; 2]; 4];
            match role(row) {
                Role::Init => {
                    units[3] = [self.counter, IV[4]];
                    v = initial_state(&self.h, self.counter, self.finalize);
                }
                Role::G { round, g: gi } => {
                    let [ia, ib, ic, id] = g_positions(gi);
                    let (a, b, c, d) = (v[ia], v[ib], v[ic], v[id]);
                    let (mx, my) = (
                        self.message[SIGMA[round][2 * gi]],
                        self.message[SIGMA[round][2 * gi + 1]],
                    );
                    let a1_wide = u64::from(a) + u64::from(b) + u64::from(mx);
                    let a1 = a1_wide as u32;
                    let d1 = (d ^ a1).rotate_right(16);
                    let c1_wide = u64::from(c) + u64::from(d1);
                    let c1 = c1_wide as u32;
                    let b1 = (b ^ c1).rotate_right(12);
                    let a2_wide = u64::from(a1) + u64::from(b1) + u64::from(my);
                    let a2 = a2_wide as u32;
                    let d2 = (d1 ^ a2).rotate_right(8);
                    let c2_wide = u64::from(c1) + u64::from(d2);
                    let c2 = c2_wide as u32;
                    let b2 = (b1 ^ c2).rotate_right(7);
                    set(A, word(a));
                    set(C, word(c));
                    set(MX, word(mx));
                    set(MY, word(my));
                    set(MX_HI, word(mx >> 16));
                    set(MY_HI, word(my >> 16));
                    let carry = |wide: u64| wide >> 32;
                    let bits2 =
                        |wide: u64| [u64::from(carry(wide) >= 1), u64::from(carry(wide) == 2)];
                    let [k1, k2] = bits2(a1_wide);
                    set(CARRY_A1, Felt::from(k1));
                    set(CARRY_A1 + 1, Felt::from(k2));
                    set(CARRY_C1, Felt::from(carry(c1_wide)));
                    let [k1, k2] = bits2(a2_wide);
                    set(CARRY_A2, Felt::from(k1));
                    set(CARRY_A2 + 1, Felt::from(k2));
                    set(CARRY_C2, Felt::from(carry(c2_wide)));
                    units = [[d, a1], [b, c1], [d1, a2], [b1, c2]];
                    v[ia] = a2;
                    v[ib] = b2;
                    v[ic] = c2;
                    v[id] = d2;
                }
                Role::Output { j } => {
                    let first = v[j] ^ self.h[j];
                    debug_assert_eq!(first ^ v[j + 8], output[j]);
                    units[0] = [v[j], self.h[j]];
                    units[1] = [v[j + 8], first];
                    units[2] = [first.rotate_right(16), 0];
                    set(VALUE1, word(output[j]));
                }
                Role::Idle => {}
            }
            let [(d, a1), (b, c1), (_, a2), (b1, c2)] = units.map(|[u, w]| (u, w));
            set_bytes(&mut set, D, d);
            set_bytes(&mut set, A1, a1);
            set_bytes(&mut set, B, b);
            set_bytes(&mut set, C1, c1);
            set_bytes(&mut set, A2, a2);
            set_bytes(&mut set, B1, b1);
            set_bytes(&mut set, C2, c2);
            for (unit, and) in [AND1, AND2, AND3, AND4].into_iter().enumerate() {
                set_bytes(&mut set, and, units[unit][0] & units[unit][1]);
            }
            let y = b ^ c1;
            set(NIBBLE_HI, Felt::from(u64::from((y >> 12) & 15)));
            set(BIT7, Felt::from(u64::from(((b1 ^ c2) >> 7) & 1)));
            if row < 16 {
                set(VALUE1, word(self.message[row]));
            }
            if row < 8 {
                set(VALUE2, word(self.h[row]));
            }
            if row == AP_ROW {
                set(VALUE2, Felt::from(self.output_ptr));
            }
        }
        columns
    }
}

/// The main trace of the instances (at least one), padded to a power of two by repeating
/// the last with `real = 0`, and the memory accesses it makes.
pub fn build_trace(instances: &[Instance]) -> (TraceTable, Vec<(u64, Felt)>) {
    let padded = Blake::padded_instances(instances.len());
    let blocks = parallel::map_range(padded, |k| {
        let instance = &instances[k.min(instances.len() - 1)];
        (instance.rows(k < instances.len()), instance.accesses())
    });
    let n = padded * ROWS;
    let mut columns: Vec<Vec<Felt>> = (0..MAIN_WIDTH).map(|_| Vec::with_capacity(n)).collect();
    let mut accesses = Vec::with_capacity(padded * ACCESSES);
    for (block, block_accesses) in blocks {
        for (column, rows) in columns.iter_mut().zip(block) {
            column.extend(rows);
        }
        accesses.extend(block_accesses);
    }
    (TraceTable::new(columns, n), accesses)
}

/// Counts the trace's lookups in the byte-pair table's multiplicities (entry `x + 256 y`)
/// and the 16-bit table's. A tuple outside a table (never in an honest trace) is not counted.
pub fn count_lookups(trace: &TraceTable, run: &mut TraceInput<'_>) {
    let mut row = Vec::new();
    for r in 0..trace.length() {
        trace.read_row(r, &mut row);
        let byte_pairs = run.lookups(LookupTable::BytePairs);
        for [x, y, _] in byte_tuples(&row) {
            let byte = |v: &Felt| felt_to_u64(v).filter(|b| *b < 256);
            if let (Some(x), Some(y)) = (byte(&x), byte(&y)) {
                byte_pairs[(x + 256 * y) as usize] += 1;
            }
        }
        let range16 = run.lookups(LookupTable::Range16);
        for value in range_values(&row) {
            if let Some(v) = felt_to_u64(&value).filter(|v| *v < 1 << 16) {
                range16[v as usize] += 1;
            }
        }
    }
}

/// The auxiliary columns of a main trace.
pub fn aux_columns(main: &TraceTable, challenges: &[Felt]) -> TraceTable {
    let n = main.length();
    let z_lookup = *lookup::lookup_z(challenges);
    let (z, alpha) = (challenges[CHALLENGE_MEM_Z], challenges[CHALLENGE_MEM_ALPHA]);
    let periodic = periodic_columns();
    let lookups = BYTE_LOOKUPS + RANGE_LOOKUPS;
    // Per row: the lookup denominators, the two memory factors, the call's denominator.
    let rows = parallel::map_range(n, |r| {
        let mut row = Vec::new();
        main.read_row(r, &mut row);
        let p = |column: usize| periodic[column][r % ROWS];
        let mut denominators: Vec<Felt> = byte_tuples(&row)
            .iter()
            .map(|t| z_lookup - lookup::compress(challenges, &[&t[0], &t[1], &t[2]]))
            .collect();
        denominators.extend(range_values(&row).iter().map(|v| z_lookup - v));
        let one = Felt::one();
        let factor1 = if p(P_SLOT1) == one {
            let base = if p(P_SLOT1_MESSAGE) == one { row[MESSAGE_PTR] } else { row[OUTPUT_PTR] };
            z - (base + p(P_SLOT1_OFFSET) + alpha * row[VALUE1])
        } else {
            one
        };
        let factor2 = if p(P_SLOT2) == one {
            let base = if p(P_SLOT2_AP) == one { row[AP] } else { row[STATE_PTR] };
            z - (base + p(P_SLOT2_OFFSET) + alpha * row[VALUE2])
        } else {
            one
        };
        let call = z_lookup - call_tuple(challenges, &row);
        let real = if r % ROWS == INIT_ROW { row[REAL] } else { Felt::zero() };
        (denominators, [factor1, factor2], call, real)
    });
    let mut inverses: Vec<Felt> = rows.iter().flat_map(|(d, ..)| d.iter().copied()).collect();
    batch_inverse(&mut inverses);
    let mut columns: Vec<Vec<Felt>> = (0..AUX_WIDTH).map(|_| Vec::with_capacity(n)).collect();
    for j in 0..lookups {
        columns[AUX_INVERSES + j] = (0..n).map(|r| inverses[r * lookups + j]).collect();
    }
    let (mut bytes_sum, mut range_sum, mut product) = (Felt::zero(), Felt::zero(), Felt::one());
    for r in 0..n {
        let row = &inverses[r * lookups..(r + 1) * lookups];
        bytes_sum += row[..BYTE_LOOKUPS].iter().fold(Felt::zero(), |acc, w| acc + w);
        range_sum += row[BYTE_LOOKUPS..].iter().fold(Felt::zero(), |acc, w| acc + w);
        columns[AUX_BYTES_SUM].push(bytes_sum);
        columns[AUX_RANGE_SUM].push(range_sum);
        let [factor1, factor2] = rows[r].1;
        let mid = product * factor1;
        product = mid * factor2;
        columns[AUX_FACTOR1].push(factor1);
        columns[AUX_FACTOR2].push(factor2);
        columns[AUX_MID].push(mid);
        columns[AUX_PRODUCT].push(product);
    }
    let calls: Vec<Felt> = rows.iter().map(|(_, _, call, _)| *call).collect();
    let reals: Vec<Felt> = rows.iter().map(|(.., real)| *real).collect();
    let [before, after] = table_sum_columns(calls, &reals);
    columns[AUX_CALLS_BEFORE] = before;
    columns[AUX_CALLS_AFTER] = after;
    TraceTable::new(columns, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7693's Blake2s-256 of "abc": one block, finalized, counter 3.
    #[test]
    fn compress_matches_rfc_7693() {
        let mut h = IV;
        h[0] ^= 0x0101_0020;
        let mut message = [0u32; 16];
        message[0] = u32::from_le_bytes(*b"abc\0");
        let out = compress(&h, &message, 3, true);
        let bytes: Vec<u8> = out.iter().flat_map(|w| w.to_le_bytes()).collect();
        let expected = "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982";
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, expected);
    }
}
