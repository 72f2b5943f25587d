//! The mod builtins' traces: an instance read from the run ([`Instance`]), its row with the
//! quotient, carries and limbs that prove it ([`instance_row`]), the table of a segment and its
//! auxiliary columns.

use num_bigint::{BigInt, Sign};
use stark::{Felt, TraceTable, batch_inverse};

use super::columns::*;
use crate::builtins::range_check::limbs;
use crate::builtins::{TableTrace, TraceInput, table_log_size};
use crate::error::CairoError;
use crate::layout::{CHALLENGE_LOOKUP_Z, CHALLENGE_MEM_ALPHA, CHALLENGE_MEM_Z};
use crate::trace::felt_to_u64;

/// Why an instance cannot be proven.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ModError {
    /// A word of `p`, `a`, `b` or `c` is not below `2^96` (cairo-vm refuses such runs too).
    #[error("{builtin} instance at {address}: the word at {word_address} is not below 2^96")]
    WordTooLarge { builtin: &'static str, address: u64, word_address: u64 },
    /// `a op b - c` is not `k p` for a `k` the table proves (`{0, 1}` for `add_mod`, below
    /// `2^384` for `mul_mod`): cairo-vm only checks `a op b = c mod p` of values a program
    /// wrote itself, but never deduces such a value.
    #[error(
        "{builtin} instance at {address}: a {op} b = c + k p has no k in the builtin's bound \
         (k in {{0, 1}} for add_mod, 0 <= k < 2^384 for mul_mod)"
    )]
    QuotientOutOfRange { builtin: &'static str, op: &'static str, address: u64 },
}

/// One instance as the table reads it: its address, its cells, its offsets and the values'
/// words. [`Instance::read`] takes them from the run; tests build others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    pub address: u64,
    /// `p0..p3, values_ptr, offsets_ptr, n`.
    pub cells: [Felt; CELLS],
    pub offsets: [Felt; 3],
    /// `a`, `b`, `c`'s words.
    pub values: [[Felt; N_WORDS]; 3],
}

impl Instance {
    /// The instance at `address`, with its offsets and values read from the run's memory.
    pub fn read(
        op: ModOp,
        address: u64,
        cells: [Felt; CELLS],
        run: &TraceInput<'_>,
    ) -> Result<Self, CairoError> {
        let name = op.name();
        let cell = |at: Felt, what: &str| -> Result<Felt, CairoError> {
            let unwritten = || {
                CairoError::BadExecution(format!(
                    "{name} instance at {address}: its {what} is not a written cell"
                ))
            };
            felt_to_u64(&at).and_then(|at| run.cell(at)).ok_or_else(unwritten)
        };
        let [.., values_ptr, offsets_ptr, _] = cells;
        let mut offsets = [Felt::zero(); 3];
        for (j, offset) in offsets.iter_mut().enumerate() {
            *offset = cell(offsets_ptr + Felt::from(j as u64), "offset")?;
        }
        let mut values = [[Felt::zero(); N_WORDS]; 3];
        for (v, words) in values.iter_mut().enumerate() {
            for (i, word) in words.iter_mut().enumerate() {
                *word = cell(values_ptr + offsets[v] + Felt::from(i as u64), "value")?;
            }
        }
        Ok(Self { address, cells, offsets, values })
    }

    /// `p`'s words.
    pub fn p(&self) -> [Felt; N_WORDS] {
        std::array::from_fn(|i| self.cells[i])
    }
}

/// A word as an integer below `2^96`, or `None`.
fn word_value(word: &Felt) -> Option<BigInt> {
    let [l0, l1, l2, l3, l4, l5] = limbs::<LIMBS_PER_WORD>(word)?;
    let low = l0 | l1 << 16 | l2 << 32 | l3 << 48;
    let high = l4 | l5 << 16;
    Some(BigInt::from(high) << 64 | BigInt::from(low))
}

/// `sum words[i] 2^(96 i)`.
fn value_of(words: &[BigInt]) -> BigInt {
    words.iter().rev().fold(BigInt::from(0), |acc, w| (acc << WORD_BITS) + w)
}

/// A small integer (`|x| < 2^250`) as a field element.
fn to_felt(x: &BigInt) -> Felt {
    let magnitude = Felt::from_hex_unchecked(&format!("{:x}", x.magnitude()));
    if x.sign() == Sign::Minus { -magnitude } else { magnitude }
}

/// The 96-bit words of `0 <= x < 2^384`.
fn words_of(x: &BigInt) -> [BigInt; N_WORDS] {
    let mask = (BigInt::from(1) << WORD_BITS) - 1;
    std::array::from_fn(|i| (x >> (WORD_BITS as usize * i)) & &mask)
}

/// The integer value of `words` (each below `2^96`), or the index of the first that is not.
fn value_of_words(words: &[Felt]) -> Result<BigInt, usize> {
    let integers: Vec<BigInt> = words
        .iter()
        .enumerate()
        .map(|(w, word)| word_value(word).ok_or(w))
        .collect::<Result<_, _>>()?;
    Ok(value_of(&integers))
}

/// The instance's row: the quotient, the carries and every limb, or why the instance cannot be
/// proven. Counts each limb into `multiplicities` (the range table's).
pub fn instance_row(
    op: ModOp,
    instance: &Instance,
    multiplicities: &mut [u64],
) -> Result<Vec<Felt>, ModError> {
    let (name, address) = (op.name(), instance.address);
    let [p, a, b, c] = instance.integers(op)?;
    let out_of_range = ModError::QuotientOutOfRange { builtin: name, op: op.symbol(), address };
    let full = match op {
        ModOp::Add => &a + &b,
        ModOp::Mul => &a * &b,
    };
    let difference = full - &c;
    let k = if p == BigInt::from(0) {
        (difference == BigInt::from(0)).then(|| BigInt::from(0))
    } else {
        let k = &difference / &p;
        (&k * &p == difference).then_some(k)
    };
    let k_bound = match op {
        ModOp::Add => BigInt::from(2),
        ModOp::Mul => BigInt::from(1) << (N_WORDS * WORD_BITS as usize),
    };
    let k = k.filter(|k| *k >= BigInt::from(0) && *k < k_bound).ok_or(out_of_range)?;
    row_with_quotient(op, instance, &k, multiplicities)
}

impl Instance {
    /// `p`, `a`, `b`, `c` as integers, or the first word that is not below `2^96`.
    fn integers(&self, op: ModOp) -> Result<[BigInt; 4], ModError> {
        let too_large = |v: usize, i: usize| {
            let [_, _, _, _, values_ptr, ..] = self.cells;
            let word_address = if v == 0 {
                self.address + i as u64
            } else {
                let at = values_ptr + self.offsets[v - 1] + Felt::from(i as u64);
                felt_to_u64(&at).unwrap_or(0)
            };
            ModError::WordTooLarge { builtin: op.name(), address: self.address, word_address }
        };
        let p = value_of_words(&self.p()).map_err(|i| too_large(0, i))?;
        let [a, b, c] = [0, 1, 2].map(|v| value_of_words(&self.values[v]));
        let value = |v: usize, x: Result<BigInt, usize>| x.map_err(|i| too_large(v, i));
        Ok([p, value(1, a)?, value(2, b)?, value(3, c)?])
    }
}

/// The instance's row with the quotient `k` (any integer of the builtin's shape: a small one
/// for `add_mod`, `0 <= k < 2^384` for `mul_mod`), whether or not `a op b = c + k p`: each
/// carry is its column's floor (exact in an honest row; a dishonest one leaves a remainder in
/// the first column that does not divide). Counts each limb into `multiplicities`.
pub fn row_with_quotient(
    op: ModOp,
    instance: &Instance,
    k: &BigInt,
    multiplicities: &mut [u64],
) -> Result<Vec<Felt>, ModError> {
    let address = instance.address;
    instance.integers(op)?;
    let mut words = instance.p().to_vec();
    words.extend(instance.values.iter().flatten());
    let integers: Vec<BigInt> =
        words.iter().map(|w| word_value(w).expect("checked by integers")).collect();
    let k_words: Vec<BigInt> = match op {
        ModOp::Add => vec![k.clone()],
        ModOp::Mul => words_of(k).to_vec(),
    };

    // The carries, column by column.
    let word = |v: usize, i: usize| &integers[N_WORDS * v + i];
    let k_word = |i: usize| &k_words[i];
    let (p_of, a_of, b_of, c_of) = (0, 1, 2, 3);
    let mut carries = Vec::with_capacity(op.carries());
    let mut carry = BigInt::from(0);
    for n in 0..op.carries() {
        let mut column = carry.clone();
        match op {
            ModOp::Add => {
                column += word(a_of, n) + word(b_of, n) - word(c_of, n) - k * word(p_of, n)
            }
            ModOp::Mul => {
                if n < N_WORDS {
                    column -= word(c_of, n);
                }
                for i in n.saturating_sub(N_WORDS - 1)..=n.min(N_WORDS - 1) {
                    column += word(a_of, i) * word(b_of, n - i) - k_word(i) * word(p_of, n - i);
                }
            }
        }
        carry = column >> WORD_BITS; // floor; exact when a op b = c + k p
        carries.push(carry.clone());
    }

    let mut row = vec![Felt::zero(); op.main_width()];
    row[ADDRESS] = Felt::from(address);
    row[P..P + CELLS].copy_from_slice(&instance.cells);
    row[MORE] = if instance.cells[6] == Felt::one() { Felt::zero() } else { Felt::one() };
    row[OFFSETS..OFFSETS + 3].copy_from_slice(&instance.offsets);
    for (v, first) in [A, B, C].into_iter().enumerate() {
        row[first..first + N_WORDS].copy_from_slice(&instance.values[v]);
    }
    for (i, k) in k_words.iter().enumerate() {
        row[K + i] = to_felt(k);
        if op == ModOp::Mul {
            words.push(row[K + i]);
        }
    }
    for (i, carry) in carries.iter().enumerate() {
        row[op.carry_column() + i] = to_felt(carry);
    }
    let mut put_limbs = |at: usize, limbs: &[u64]| {
        for (l, limb) in limbs.iter().enumerate() {
            row[at + l] = Felt::from(*limb);
            multiplicities[*limb as usize] += 1;
        }
    };
    for (w, word) in words.iter().enumerate() {
        let word_limbs = limbs::<LIMBS_PER_WORD>(word).expect("checked above");
        put_limbs(op.limbs() + LIMBS_PER_WORD * w, &word_limbs);
    }
    for (i, carry) in carries.iter().enumerate() {
        let shifted = to_felt(carry) + op.carry_shift();
        let carry_limbs = limbs::<7>(&shifted).expect("an honest carry is below 2^100");
        let at = op.carry_limbs() + op.limbs_per_carry() * i;
        put_limbs(at, &carry_limbs[..op.limbs_per_carry()]);
    }
    Ok(row)
}

/// The main trace of `instances` (at least one, in address order), padded by repeating the
/// last row, and its memory accesses in row order.
pub fn build_trace(
    op: ModOp,
    instances: &[Instance],
    multiplicities: &mut [u64],
) -> Result<(TraceTable, Vec<(u64, Felt)>), ModError> {
    let rows: Vec<Vec<Felt>> = instances
        .iter()
        .map(|instance| instance_row(op, instance, multiplicities))
        .collect::<Result<_, _>>()?;
    let n = 1usize << table_log_size(rows.len());
    let mut columns: Vec<Vec<Felt>> = vec![Vec::with_capacity(n); op.main_width()];
    let mut accesses_made = Vec::with_capacity(n * ACCESSES);
    for r in 0..n {
        let row = &rows[r.min(rows.len() - 1)];
        if r >= rows.len() {
            // The padding's limbs are looked up too.
            for limb in &row[op.limbs()..] {
                multiplicities[felt_to_u64(limb).expect("a limb") as usize] += 1;
            }
        }
        for (column, value) in columns.iter_mut().zip(row) {
            column.push(*value);
        }
        for (address, value) in accesses(row) {
            accesses_made.push((felt_to_u64(&address).expect("a memory address"), value));
        }
    }
    Ok((TraceTable::new(columns, n), accesses_made))
}

/// The table of builtin `op`'s segment `[begin, stop)` in the run.
pub fn build_table(
    op: ModOp,
    begin: u64,
    stop: u64,
    run: &mut TraceInput<'_>,
) -> Result<TableTrace, CairoError> {
    let instances = run
        .instances::<CELLS>(op.name(), begin, stop, CELLS)?
        .into_iter()
        .map(|(address, cells)| Instance::read(op, address, cells, run))
        .collect::<Result<Vec<_>, _>>()?;
    let (trace, accesses) =
        build_trace(op, &instances, run.lookups(crate::builtins::lookup::LookupTable::Range16))?;
    Ok(TableTrace { trace, accesses })
}

/// The auxiliary columns: the memory product over every access, the lookups' inverses and
/// their running sum.
pub fn aux_columns(op: ModOp, main: &TraceTable, challenges: &[Felt]) -> TraceTable {
    let n = main.length();
    let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
    let z_lookup = &challenges[CHALLENGE_LOOKUP_Z];
    let mut columns: Vec<Vec<Felt>> = vec![Vec::with_capacity(n); op.aux_width()];
    let mut product = Felt::one();
    let mut row = Vec::with_capacity(main.width());
    for r in 0..n {
        main.read_row(r, &mut row);
        for (k, (address, value)) in accesses(&row).iter().enumerate() {
            product *= z - (address + alpha * value);
            columns[AUX_MEMORY + k].push(product);
        }
    }
    for l in 0..op.lookups() {
        let mut inverses: Vec<Felt> =
            main.column(op.limbs() + l).iter().map(|limb| z_lookup - limb).collect();
        batch_inverse(&mut inverses);
        columns[AUX_INVERSES + l] = inverses;
    }
    let mut sum = Felt::zero();
    for r in 0..n {
        columns[op.aux_u()].push(sum);
        for l in 0..op.lookups() {
            sum += columns[AUX_INVERSES + l][r];
        }
        columns[op.aux_t()].push(sum);
    }
    TraceTable::new(columns, n)
}
