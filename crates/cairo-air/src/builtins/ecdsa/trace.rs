//! The `ecdsa` main trace: 128 rows per instance (see [`super`] for the columns), instances in
//! address order, padded to a power of two by repeating the last one.
//!
//! Every chord and tangent step needs an inverse. The instances are laid out in lockstep, row
//! by row, so that each step's inverses over all instances take one batch inversion (three
//! multiplications each) instead of one field inversion each.

use std::collections::HashMap;

use num_bigint::BigUint;
use stark::{Felt, TraceTable, batch_inverse, parallel};

use super::curve::*;
use super::generator_table::{self, entry_index};
use super::*;
use crate::builtins::narrow;
use crate::builtins::pedersen::canonical_bits;

/// One signature check as the run gives it: the instance's cells and the prover's `(r, w)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The instance's base address (the pubkey cell; the message is at `address + 1`).
    pub address: u64,
    pub pubkey: Felt,
    pub message: Felt,
    pub r: Felt,
    /// `s^-1 mod n`.
    pub w: Felt,
}

/// What the table lays out for one instance: the key and the nonce point `R = (r, y_R)` (the
/// prover picks both roots) and the scalars `s` and `z`. Nothing here says the signature is
/// valid: [`witness`] finds the honest one, tests build others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Witness {
    pub address: u64,
    pub key: Point,
    pub nonce: Point,
    pub s: Felt,
    pub message: Felt,
}

/// Why an instance cannot be proven.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EcdsaError {
    #[error("ecdsa instance at {address} has no signature")]
    MissingSignature { address: u64 },
    #[error("ecdsa instance at {address}: the public key is not the x of a curve point")]
    KeyNotOnCurve { address: u64 },
    #[error("ecdsa instance at {address}: the message, r or w is not below 2^251")]
    ScalarTooLarge { address: u64 },
    #[error("ecdsa instance at {address} meets the exceptional case of the curve addition")]
    Exceptional { address: u64 },
    #[error("ecdsa instance at {address}: the signature does not verify")]
    InvalidSignature { address: u64 },
}

/// The Stark curve's group order `n`.
fn order() -> BigUint {
    BigUint::parse_bytes(b"800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2f", 16)
        .expect("hex")
}

fn to_integer(x: &Felt) -> BigUint {
    x.representative().limbs.iter().fold(BigUint::default(), |acc, w| (acc << 64u32) + *w)
}

/// Whether the canonical integer of `x` is below `2^251`.
fn below_2_251(x: &Felt) -> bool {
    to_integer(x).bits() <= 251
}

/// The `s` of the signature `(r, w)`: `w^-1 mod n`, or `n` minus it, whichever is below
/// `2^251` (both sign the same message, for the nonce points `R` and `-R`). `None` for
/// `w = 0 mod n`.
pub fn scalar_s(w: &Felt) -> Option<Felt> {
    let n = order();
    let w = to_integer(w) % &n;
    if w == BigUint::default() {
        return None;
    }
    let s = w.modpow(&(&n - 2u32), &n);
    let s = if s.bits() > 251 { &n - s } else { s };
    Some(Felt::from_hex_unchecked(&s.to_str_radix(16)))
}

/// The `count` digits of `width` bits of `x`'s canonical integer, least significant first.
fn digits(x: &Felt, width: usize, count: usize) -> Vec<usize> {
    let bits = canonical_bits(x);
    (0..count)
        .map(|k| {
            (0..width).filter(|b| bits.get(k * width + b) == Some(&true)).map(|b| 1 << b).sum()
        })
        .collect()
}

/// A chord or tangent step: the new point, its slope and the inverse it took.
struct Step {
    point: Point,
    slope: Felt,
    inverse: Felt,
}

/// Steps over all instances at once; an instance whose step is exceptional is marked failed
/// (its rows are then junk).
struct Lockstep {
    failed: Vec<bool>,
}

impl Lockstep {
    /// `1 / d` for each instance, by one batch inversion.
    fn inverses(&mut self, mut d: Vec<Felt>) -> Vec<Felt> {
        for (failed, v) in self.failed.iter_mut().zip(d.iter_mut()) {
            if *v == Felt::zero() {
                *failed = true;
                *v = Felt::one();
            }
        }
        batch_inverse(&mut d);
        d
    }

    /// `a + b` by chords.
    fn chords(&mut self, a: &[Point], b: &[Point]) -> Vec<Step> {
        let inverses = self.inverses(a.iter().zip(b).map(|(p, q)| p.x - q.x).collect());
        a.iter()
            .zip(b)
            .zip(inverses)
            .map(|((p, q), inverse)| {
                let slope = (p.y - q.y) * inverse;
                let x = slope.square() - p.x - q.x;
                Step { point: Point { x, y: slope * (p.x - x) - p.y }, slope, inverse }
            })
            .collect()
    }

    /// `2 a` by tangents.
    fn doublings(&mut self, a: &[Point]) -> Vec<Step> {
        let inverses = self.inverses(a.iter().map(|p| p.y.double()).collect());
        a.iter()
            .zip(inverses)
            .map(|(p, inverse)| {
                let slope = (Felt::from(3u64) * p.x.square() + Felt::one()) * inverse;
                Step { point: double_with(p, &slope), slope, inverse }
            })
            .collect()
    }
}

/// The rows of a batch of instances, column by column (instance `k` on rows
/// `128 k..128 (k + 1)`), and for each instance whether its final sum is `K` (the signature
/// holds) or why it could not be laid out. The columns are a few large allocations, which the
/// allocator hands back to the system once the trace is assembled.
struct Batch {
    columns: Vec<Vec<Felt>>,
    holds: Vec<Result<bool, EcdsaError>>,
}

impl Batch {
    /// Copies instance `k`'s rows into `table` as instance `at`.
    fn copy_instance(&self, k: usize, table: &mut [Vec<Felt>], at: usize) {
        let (from, to) = (k * ROWS_PER_INSTANCE, at * ROWS_PER_INSTANCE);
        for (target, source) in table.iter_mut().zip(&self.columns) {
            target[to..to + ROWS_PER_INSTANCE]
                .copy_from_slice(&source[from..from + ROWS_PER_INSTANCE]);
        }
    }
}

/// The digits an instance's rows follow: `r`'s and `s`'s (2 bits) and `z`'s (4 bits), least
/// significant first.
struct Digits {
    r: Vec<usize>,
    s: Vec<usize>,
    z: Vec<usize>,
}

/// The columns that do not depend on curve arithmetic (constants, prefixes, multiplicities),
/// for the instance on rows `base..base + 128`.
fn fixed_columns(c: &mut [Vec<Felt>], base: usize, w: &Witness, d: &Digits) {
    let rows = base..base + ROWS_PER_INSTANCE;
    c[ADDRESS][rows.clone()].fill(Felt::from(w.address));
    c[QX][rows.clone()].fill(w.key.x);
    c[QY][rows.clone()].fill(w.key.y);
    c[QX_SQ][rows.clone()].fill(w.key.x.square());
    c[RX][rows.clone()].fill(w.nonce.x);
    c[RY][rows.clone()].fill(w.nonce.y);
    c[RX_SQ][rows].fill(w.nonce.x.square());
    let (four, sixteen) = (Felt::from(4u64), Felt::from(16u64));
    let (mut u, mut v) = (Felt::zero(), Felt::zero());
    for t in 0..CHAIN_ROWS {
        c[U][base + t] = u;
        c[V][base + t] = v;
        let k = DIGITS - 1 - t;
        u = four * u + Felt::from(d.r[k] as u64);
        v = four * v + Felt::from(d.s[k] as u64);
        // A digit pair with no entry (a top digit above 1) is looked up nowhere: the sums
        // then cannot balance.
        if let Some(e) = walk_row(d.r[k], d.s[k], t == 0) {
            c[M][base + e] += Felt::one();
        }
    }
    for row in [FINAL_ROW, LAST_ROW] {
        c[U][base + row] = u;
        c[V][base + row] = v;
    }
    let mut zu = Felt::zero();
    for row in Z_FIRST_ROW..FINAL_ROW {
        c[ZU][base + row] = zu;
        zu = sixteen * zu + Felt::from(d.z[z_window_of_row(row)] as u64);
    }
    c[ZU][base + FINAL_ROW] = zu;
    c[ZU][base + LAST_ROW] = zu;
}

/// Lays out `witnesses` in lockstep. A message of `2^251` or more has no window points:
/// `ScalarTooLarge`; an exceptional step: `Exceptional`.
fn lay_out(witnesses: &[Witness]) -> Batch {
    let n = witnesses.len();
    let mut step = Lockstep { failed: vec![false; n] };
    let digits: Vec<Digits> = witnesses
        .iter()
        .map(|w| Digits {
            r: digits(&w.nonce.x, 2, DIGITS),
            s: digits(&w.s, 2, DIGITS),
            z: digits(&w.message, Z_WINDOW_BITS, Z_WINDOWS),
        })
        .collect();
    let mut cols = vec![vec![Felt::zero(); n * ROWS_PER_INSTANCE]; MAIN_WIDTH];
    for (k, (w, d)) in witnesses.iter().zip(&digits).enumerate() {
        fixed_columns(&mut cols, k * ROWS_PER_INSTANCE, w, d);
    }
    // Row `row` of every instance in `column`.
    let put = |cols: &mut Vec<Vec<Felt>>, row: usize, column: usize, values: &[Felt]| {
        for (k, v) in values.iter().enumerate() {
            cols[column][k * ROWS_PER_INSTANCE + row] = *v;
        }
    };
    let xs = |points: &[Point]| points.iter().map(|p| p.x).collect::<Vec<_>>();
    let ys = |points: &[Point]| points.iter().map(|p| p.y).collect::<Vec<_>>();
    let of = |steps: &[Step], f: fn(&Step) -> Felt| steps.iter().map(f).collect::<Vec<_>>();
    let points = |steps: &[Step]| steps.iter().map(|s| s.point).collect::<Vec<_>>();

    // The walk: each instance's table T[i][j] = H + i Q - j R.
    let zero = Point { x: Felt::zero(), y: Felt::zero() };
    let mut table = vec![[[zero; 4]; 4]; n];
    let mut acc = vec![entry_offset(); n];
    for (e, (i, j, _)) in WALK.iter().enumerate() {
        put(&mut cols, e, AX, &xs(&acc));
        put(&mut cols, e, AY, &ys(&acc));
        for (t, p) in table.iter_mut().zip(&acc) {
            t[*i as usize][*j as usize] = *p;
        }
        if e + 1 == WALK.len() {
            break;
        }
        let (q, r) = walk_step(e);
        let added: Vec<Point> = witnesses
            .iter()
            .map(|w| {
                let base = if q != 0 { w.key } else { w.nonce };
                if q + r < 0 { neg(&base) } else { base }
            })
            .collect();
        let sums = step.chords(&acc, &added);
        put(&mut cols, e, PX, &xs(&added));
        put(&mut cols, e, PY, &ys(&added));
        put(&mut cols, e, AL, &of(&sums, |s| s.slope));
        put(&mut cols, e, AINV, &of(&sums, |s| s.inverse));
        acc = points(&sums);
    }

    // The joint chain: acc' = 4 acc + T[a][b], digits from the top; then the result's
    // doublings on the last two rows (the doubling constraints hold on every row).
    let mut acc = vec![chain_start(); n];
    for t in 0..=CHAIN_ROWS {
        let first = step.doublings(&acc);
        let second = step.doublings(&points(&first));
        let rows: &[usize] = if t < CHAIN_ROWS { &[t] } else { &[FINAL_ROW, LAST_ROW] };
        for &row in rows {
            put(&mut cols, row, X, &xs(&acc));
            put(&mut cols, row, Y, &ys(&acc));
            put(&mut cols, row, L1, &of(&first, |s| s.slope));
            put(&mut cols, row, X1, &xs(&points(&first)));
            put(&mut cols, row, Y1, &ys(&points(&first)));
            put(&mut cols, row, L2, &of(&second, |s| s.slope));
            put(&mut cols, row, X2, &xs(&points(&second)));
            put(&mut cols, row, Y2, &ys(&points(&second)));
        }
        if t == CHAIN_ROWS {
            break;
        }
        let k = DIGITS - 1 - t;
        let entries: Vec<Point> =
            table.iter().zip(&digits).map(|(t, d)| t[d.r[k]][d.s[k]]).collect();
        let sums = step.chords(&points(&second), &entries);
        put(&mut cols, t, EX, &xs(&entries));
        put(&mut cols, t, EY, &ys(&entries));
        put(&mut cols, t, L3, &of(&sums, |s| s.slope));
        put(&mut cols, t, INV3, &of(&sums, |s| s.inverse));
        acc = points(&sums);
    }
    let joint = acc;

    // The z chain: S_z + the window points of G, from the top window; then + the joint result.
    let fixed = generator_table::entries();
    let too_large: Vec<bool> =
        digits.iter().map(|d| d.z[Z_WINDOWS - 1] >= generator_table::TOP_WINDOW_VALUES).collect();
    let mut acc = vec![z_start(); n];
    for row in Z_FIRST_ROW..=FINAL_ROW {
        let added: Vec<Point> = if row == FINAL_ROW {
            joint.clone()
        } else {
            let k = z_window_of_row(row);
            digits
                .iter()
                .zip(&too_large)
                .map(|(d, large)| if *large { fixed[0] } else { fixed[entry_index(k, d.z[k])] })
                .collect()
        };
        let sums = step.chords(&acc, &added);
        put(&mut cols, row, AX, &xs(&acc));
        put(&mut cols, row, AY, &ys(&acc));
        put(&mut cols, row, PX, &xs(&added));
        put(&mut cols, row, PY, &ys(&added));
        put(&mut cols, row, AL, &of(&sums, |s| s.slope));
        put(&mut cols, row, AINV, &of(&sums, |s| s.inverse));
        acc = points(&sums);
    }
    put(&mut cols, LAST_ROW, AX, &xs(&acc));
    put(&mut cols, LAST_ROW, AY, &ys(&acc));

    let target = target();
    let holds = (0..n)
        .map(|k| {
            let address = witnesses[k].address;
            if too_large[k] {
                Err(EcdsaError::ScalarTooLarge { address })
            } else if step.failed[k] {
                Err(EcdsaError::Exceptional { address })
            } else {
                Ok(acc[k] == target)
            }
        })
        .collect();
    Batch { columns: cols, holds }
}

/// [`lay_out`] on the threads, a lockstep batch each, in order.
fn lay_out_parallel(witnesses: &[Witness]) -> Vec<Batch> {
    let chunk = witnesses.len().div_ceil(parallel::num_threads()).max(1);
    let chunks = witnesses.len().div_ceil(chunk);
    parallel::map_range(chunks, |c| {
        lay_out(&witnesses[c * chunk..((c + 1) * chunk).min(witnesses.len())])
    })
}

/// The four candidate witnesses of a signature (the roots of `y_Q` and `y_R`), after the
/// checks that need no curve arithmetic.
fn candidates(signature: &Signature) -> Result<[Witness; 4], EcdsaError> {
    let address = signature.address;
    let y_q = lift_x(&signature.pubkey).ok_or(EcdsaError::KeyNotOnCurve { address })?;
    if !below_2_251(&signature.message) || !below_2_251(&signature.r) {
        return Err(EcdsaError::ScalarTooLarge { address });
    }
    let invalid = EcdsaError::InvalidSignature { address };
    let y_r = lift_x(&signature.r).ok_or(invalid)?;
    let s = scalar_s(&signature.w).ok_or(invalid)?;
    let witness = |y_q: Felt, y_r: Felt| Witness {
        address,
        key: Point { x: signature.pubkey, y: y_q },
        nonce: Point { x: signature.r, y: y_r },
        s,
        message: signature.message,
    };
    Ok([witness(y_q, y_r), witness(y_q, -y_r), witness(-y_q, y_r), witness(-y_q, -y_r)])
}

/// The honest witnesses of `signatures` (at least one, in address order) and the main trace's
/// columns, padded: for each signature, the roots `y_Q` and `y_R` for which the check holds
/// (candidates are tried in lockstep rounds, [`next_candidate`] picking each one's next).
pub fn witnesses(signatures: &[Signature]) -> Result<(Vec<Witness>, Vec<Vec<Felt>>), EcdsaError> {
    // Two square roots each (the roots of y_Q and y_R): on the threads too.
    let candidates = parallel::map_range(signatures.len(), |i| candidates(&signatures[i]))
        .into_iter()
        .collect::<Result<Vec<_>, EcdsaError>>()?;
    let count = signatures.len();
    let padded = narrow::padded_instances(count, ROWS_PER_INSTANCE);
    let mut table = vec![vec![Felt::zero(); padded * ROWS_PER_INSTANCE]; MAIN_WIDTH];
    let mut found: Vec<Option<Witness>> = vec![None; count];
    let mut exceptional = vec![false; count];
    let mut pending: Vec<usize> = (0..count).collect();
    // The candidates each signature has tried, and the root of `y_Q` (its candidates' first
    // bit) of each key one of whose signatures has held.
    let mut tried_mask = vec![0u8; count];
    let mut key_roots: HashMap<[u64; 4], usize> = HashMap::new();
    for _round in 0..4 {
        let picks: Vec<usize> = pending
            .iter()
            .map(|i| {
                let key = key_roots.get(&signatures[*i].pubkey.value().limbs).copied();
                next_candidate(tried_mask[*i], key)
            })
            .collect();
        let tried: Vec<Witness> =
            pending.iter().zip(&picks).map(|(i, c)| candidates[*i][*c]).collect();
        let mut still = Vec::new();
        let mut next = pending.iter().zip(&tried).zip(&picks);
        for batch in lay_out_parallel(&tried) {
            for (k, holds) in batch.holds.iter().enumerate() {
                let ((i, w), pick) = next.next().expect("one result per tried witness");
                tried_mask[*i] |= 1 << pick;
                match holds {
                    Ok(true) => {
                        batch.copy_instance(k, &mut table, *i);
                        found[*i] = Some(*w);
                        key_roots.insert(signatures[*i].pubkey.value().limbs, pick >> 1);
                    }
                    Ok(false) => still.push(*i),
                    Err(EcdsaError::Exceptional { .. }) => {
                        exceptional[*i] = true;
                        still.push(*i);
                    }
                    Err(e) => return Err(*e),
                }
            }
        }
        pending = still;
        if pending.is_empty() {
            break;
        }
    }
    if let Some(i) = pending.first() {
        let address = signatures[*i].address;
        return Err(if exceptional[*i] {
            EcdsaError::Exceptional { address }
        } else {
            EcdsaError::InvalidSignature { address }
        });
    }
    narrow::pad(&mut table, count, ROWS_PER_INSTANCE);
    Ok((found.into_iter().map(|f| f.expect("found or failed")).collect(), table))
}

/// The next candidate ([`candidates`] order: bit 1 negates `y_Q`, bit 0 negates `y_R`) for a
/// signature that has tried the candidates in `tried` (a bit mask), given the root of `y_Q` that
/// another signature by the same key held with, if any. A key's root is a fact about the key,
/// so once one signature holds, its key's other signatures try only that root's two
/// candidates; without one, a root that failed once is left for last (order 0, 2, 3, 1: a
/// run of one key then takes 1.5 tries a signature when `lift_x` picks the key's root and 2.5
/// when it picks the other, against 3.5 in plain order).
fn next_candidate(tried: u8, key_root: Option<usize>) -> usize {
    let order: &[usize] = match key_root {
        Some(0) => &[0, 1],
        Some(_) => &[2, 3],
        None => &[0, 2, 3, 1],
    };
    order.iter().copied().find(|c| tried & (1 << c) == 0).unwrap_or_else(|| {
        // Every candidate of the key's root failed: the rest, for the error it reports.
        (0..4).find(|c| tried & (1 << c) == 0).unwrap_or(0)
    })
}

/// The honest witness of one signature.
pub fn witness(signature: &Signature) -> Result<Witness, EcdsaError> {
    Ok(witnesses(std::slice::from_ref(signature))?.0[0])
}

/// A padded table's columns as a trace, with its memory accesses: `(address, pubkey)`,
/// `(address + 1, message)` per instance, padding included.
fn trace_of(columns: Vec<Vec<Felt>>) -> (TraceTable, Vec<(u64, Felt)>) {
    let accesses = narrow::accesses(&columns, ROWS_PER_INSTANCE, ADDRESS, &CELL_ROWS);
    let n = columns[ADDRESS].len();
    (TraceTable::new(columns, n), accesses)
}

/// The honest main trace of `signatures` (at least one, in address order) and its memory
/// accesses.
pub fn build_trace(signatures: &[Signature]) -> Result<(TraceTable, Vec<(u64, Felt)>), EcdsaError> {
    Ok(trace_of(witnesses(signatures)?.1))
}

/// The main trace of arbitrary witnesses (at least one), valid or not: what a prover could
/// commit to. Fails only where a step cannot even be computed (a message of 2^251 or more, an
/// exceptional addition).
pub fn layout(witnesses: &[Witness]) -> Result<(TraceTable, Vec<(u64, Felt)>), EcdsaError> {
    let batch = lay_out(witnesses);
    if let Some(Err(e)) = batch.holds.iter().find(|h| h.is_err()) {
        return Err(*e);
    }
    let padded = narrow::padded_instances(witnesses.len(), ROWS_PER_INSTANCE);
    let mut columns = batch.columns;
    for column in columns.iter_mut() {
        column.resize(padded * ROWS_PER_INSTANCE, Felt::zero());
    }
    narrow::pad(&mut columns, witnesses.len(), ROWS_PER_INSTANCE);
    Ok(trace_of(columns))
}

/// Counts the generator-table entries the `z` chains of `trace` look up (padding included).
pub fn count_lookups(trace: &TraceTable, counts: &mut [u64]) {
    let zu = trace.column(ZU);
    let sixteen = Felt::from(16u64);
    for base in (0..trace.length()).step_by(ROWS_PER_INSTANCE) {
        for row in Z_FIRST_ROW..FINAL_ROW {
            let d = zu[base + row + 1] - sixteen * zu[base + row];
            let d = crate::trace::felt_to_u64(&d).expect("a window value") as usize;
            counts[entry_index(z_window_of_row(row), d)] += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public_input::from_vm_felt;
    use starknet_crypto::Felt as F;

    #[test]
    fn candidates_follow_the_key_root_and_all_four_are_tried() {
        assert_eq!(next_candidate(0, None), 0);
        assert_eq!(next_candidate(0b0001, None), 2);
        assert_eq!(next_candidate(0b0001, Some(0)), 1);
        assert_eq!(next_candidate(0b0001, Some(1)), 2);
        assert_eq!(next_candidate(0b0100, Some(1)), 3);
        // Whatever the key roots learned between rounds, four rounds try four candidates.
        for roots in 0..3u32.pow(4) {
            let mut tried = 0u8;
            for round in 0..4 {
                let root = match (roots / 3u32.pow(round)) % 3 {
                    0 => None,
                    r => Some(r as usize - 1),
                };
                let c = next_candidate(tried, root);
                assert_eq!(tried & (1 << c), 0, "candidate {c} twice");
                tried |= 1 << c;
            }
            assert_eq!(tried, 0b1111);
        }
    }

    /// A key pair and a signature of `message` by starknet-crypto, as the table's input.
    fn signed(seed: u64, message: F) -> Signature {
        let private = starknet_crypto::pedersen_hash(&F::from(seed), &F::from(0x5eedu64));
        let k = starknet_crypto::rfc6979_generate_k(&message, &private, None);
        let signature = starknet_crypto::sign(&private, &message, &k).unwrap();
        let pubkey = starknet_crypto::get_public_key(&private);
        assert!(starknet_crypto::verify(&pubkey, &message, &signature.r, &signature.s).unwrap());
        let w = mod_inverse_order(&signature.s);
        Signature {
            address: 100 + 2 * seed,
            pubkey: from_vm_felt(&pubkey),
            message: from_vm_felt(&message),
            r: from_vm_felt(&signature.r),
            w: from_vm_felt(&w),
        }
    }

    /// `s^-1 mod n`, as cairo-vm computes `w`.
    pub(crate) fn mod_inverse_order(s: &F) -> F {
        let n = F::from_hex_unchecked(
            "0x0800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2f",
        );
        s.mod_inverse(&n.try_into().unwrap()).unwrap()
    }

    #[test]
    fn honest_witnesses_match_starknet_crypto() {
        let messages: Vec<F> = (1..4u64)
            .map(|seed| starknet_crypto::pedersen_hash(&F::from(seed), &F::from(7u64)))
            .collect();
        let signatures: Vec<Signature> =
            messages.iter().zip(1..).map(|(m, seed)| signed(seed, *m)).collect();
        let (found, rows) = witnesses(&signatures).unwrap();
        for (k, ((w, signature), (message, seed))) in
            found.iter().zip(&signatures).zip(messages.iter().zip(1..)).enumerate()
        {
            assert!(on_curve(&w.key) && on_curve(&w.nonce));
            assert_eq!(rows[AX][k * ROWS_PER_INSTANCE + LAST_ROW], target().x);
            assert!(below_2_251(&w.s));
            // The same key with another message's signature does not verify.
            let other = signed(seed, *message + F::ONE);
            let forged = Signature { message: signature.message, ..other };
            assert_eq!(
                witness(&forged).map(|_| ()),
                Err(EcdsaError::InvalidSignature { address: forged.address })
            );
        }
    }

    #[test]
    fn s_is_w_inverse_or_its_negation() {
        let s = F::from(123456789u64);
        let w = from_vm_felt(&mod_inverse_order(&s));
        assert_eq!(scalar_s(&w), Some(Felt::from(123456789u64)));
        assert_eq!(scalar_s(&Felt::zero()), None);
        // w = -1 mod n: s = n - 1 is not below 2^251, so s = 1.
        let n_minus_one = Felt::from_hex_unchecked(
            "0800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2e",
        );
        assert_eq!(scalar_s(&n_minus_one), Some(Felt::one()));
    }
}
