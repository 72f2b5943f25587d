//! The `poseidon` builtin: each instance is six cells `(s0, s1, s2, s0', s1', s2')` with the
//! outputs the Hades permutation of the inputs (cairo-vm's `PoseidonBuiltinRunner`:
//! Starknet's Poseidon, width 3, 8 full and 83 partial rounds, S-box `x^3`, MDS
//! `[[3,1,1],[1,-1,1],[1,1,-2]]`).
//!
//! One row per instance, the whole permutation unrolled in columns. The round structure and
//! constants are those of `lambdaworks-crypto`'s `PoseidonCairoStark252` (the "optimized"
//! form, where a partial round adds a constant to the S-boxed element only), which computes
//! exactly Starknet's permutation (checked against `starknet-types-core` in the tests).
//!
//! Main columns: `address`, the six cells, then per S-box (3 per full round, 1 per partial
//! round, 107 in all) its square `q` and cube `c`. The state is always a linear expression of
//! columns (mixing is linear and every S-box output is a column), so each S-box is two
//! constraints of degree 2: `q = x^2` and `c = q x` with `x` the state element plus its round
//! constant; the outputs equal the final state (linear).
//!
//! Addresses and memory: the shared rules of [`InstanceTable`], six cells (six auxiliary
//! product columns).

use lambdaworks_crypto::hash::poseidon::parameters::PermutationParameters;
use lambdaworks_crypto::hash::poseidon::starknet::PoseidonCairoStark252;
use stark::{Component, ConstraintBuilder, Felt, TraceTable};

use crate::builtins::table::{InstanceRow, InstanceTable};
use crate::builtins::{BuiltinTable, TableTrace, TraceInput, table_log_size};
use crate::error::CairoError;

pub const CELLS: usize = 6;
const FULL_ROUNDS: usize = 8;
const PARTIAL_ROUNDS: usize = 83;
pub const N_SBOXES: usize = 3 * FULL_ROUNDS + PARTIAL_ROUNDS;
pub const ADDRESS: usize = 0;
pub const INPUT: usize = 1;
pub const OUTPUT: usize = INPUT + 3;
pub const SBOXES: usize = INPUT + CELLS;
pub const MAIN_WIDTH: usize = SBOXES + 2 * N_SBOXES;

fn round_constants() -> &'static [Felt] {
    <PoseidonCairoStark252 as PermutationParameters>::ROUND_CONSTANTS
}

/// The MDS mix of Starknet's Poseidon.
fn mix(state: &mut [Felt; 3]) {
    let t = state[0] + state[1] + state[2];
    state[0] = t + state[0].double();
    state[1] = t - state[1].double();
    state[2] = t - (state[2].double() + state[2]);
}

/// Runs the permutation, calling `sbox(x)` for each S-box input in column order; `sbox`
/// returns the value the S-box output takes (the cube when computing, the committed column
/// when evaluating constraints). Returns the final state.
fn permute(input: [Felt; 3], mut sbox: impl FnMut(Felt) -> Felt) -> [Felt; 3] {
    let constants = round_constants();
    let mut state = input;
    let mut index = 0;
    for round in 0..FULL_ROUNDS + PARTIAL_ROUNDS {
        let partial_rounds = FULL_ROUNDS / 2..FULL_ROUNDS / 2 + PARTIAL_ROUNDS;
        let full = !partial_rounds.contains(&round);
        if full {
            for (i, s) in state.iter_mut().enumerate() {
                *s = sbox(*s + constants[index + i]);
            }
            index += 3;
        } else {
            state[2] = sbox(state[2] + constants[index]);
            index += 1;
        }
        mix(&mut state);
    }
    state
}

/// The Hades permutation.
pub fn hades(input: [Felt; 3]) -> [Felt; 3] {
    permute(input, |x| x.square() * x)
}

/// The `poseidon` row; the component is [`Poseidon`].
pub struct PoseidonRow;

/// The component for one run's `poseidon` segment.
pub type Poseidon = InstanceTable<PoseidonRow>;

/// The instances of a segment: `(address, inputs)` per instance, at least one.
pub type Instance = (u64, [Felt; 3]);

/// The main trace (padded by repeating the last instance) and the memory accesses it makes,
/// in row order.
pub fn build_trace(instances: &[Instance]) -> (TraceTable, Vec<(u64, Felt)>) {
    let n = 1usize << table_log_size(instances.len());
    let mut columns: Vec<Vec<Felt>> = (0..MAIN_WIDTH).map(|_| Vec::with_capacity(n)).collect();
    let mut accesses = Vec::with_capacity(CELLS * n);
    let mut row = Vec::with_capacity(MAIN_WIDTH);
    let mut last_row = Vec::new();
    for r in 0..n {
        if r < instances.len() {
            let (address, input) = instances[r];
            row.clear();
            row.push(Felt::from(address));
            row.extend(input);
            let mut sboxes = Vec::with_capacity(2 * N_SBOXES);
            let output = permute(input, |x| {
                let q = x.square();
                let c = q * x;
                sboxes.extend([q, c]);
                c
            });
            row.extend(output);
            row.extend(sboxes);
            last_row = row.clone();
        }
        for (column, value) in columns.iter_mut().zip(&last_row) {
            column.push(*value);
        }
        let address = crate::trace::felt_to_u64(&last_row[ADDRESS]).expect("small address");
        for k in 0..CELLS {
            accesses.push((address + k as u64, last_row[INPUT + k]));
        }
    }
    (TraceTable::new(columns, n), accesses)
}

impl InstanceRow for PoseidonRow {
    const NAME: &'static str = "poseidon";
    const CELLS: usize = CELLS;
    const MAIN_WIDTH: usize = MAIN_WIDTH;
    const ADDRESS: usize = ADDRESS;
    const FIRST_CELL: usize = INPUT;

    fn eval<B: ConstraintBuilder>(c: &[Felt], b: &mut B) {
        let mut sbox = 0;
        let state = permute([c[INPUT], c[INPUT + 1], c[INPUT + 2]], |x| {
            let (q, cube) = (c[SBOXES + 2 * sbox], c[SBOXES + 2 * sbox + 1]);
            b.every_row(format_args!("poseidon: S-box {sbox} square"), q - x.square());
            b.every_row(format_args!("poseidon: S-box {sbox} cube"), cube - q * x);
            sbox += 1;
            cube
        });
        for (k, s) in state.iter().enumerate() {
            b.every_row(
                format_args!("poseidon: output {k} is the permutation's"),
                c[OUTPUT + k] - s,
            );
        }
    }
}

/// The `poseidon` builtin in the registry.
pub struct PoseidonTable;

impl BuiltinTable for PoseidonTable {
    fn name(&self) -> &'static str {
        PoseidonRow::NAME
    }
    fn cells_per_instance(&self) -> usize {
        CELLS
    }
    fn component(&self, begin: u64, stop: u64) -> Option<Box<dyn Component>> {
        Some(Box::new(Poseidon::new(begin, stop)))
    }
    fn build_trace(
        &self,
        begin: u64,
        stop: u64,
        run: &mut TraceInput<'_>,
    ) -> Result<Option<TableTrace>, CairoError> {
        let instances = run.instances::<3>(self.name(), begin, stop, CELLS)?;
        let (trace, accesses) = build_trace(&instances);
        Ok(Some(TableTrace { trace, accesses }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public_input::{from_vm_felt, to_vm_felt};
    use starknet_types_core::hash::Poseidon as StarknetPoseidon;

    #[test]
    fn permutation_is_starknets() {
        for seed in 0..4u64 {
            let input = [Felt::from(seed), Felt::from(seed * 1000 + 7), -Felt::from(seed + 3)];
            let mut reference = input.map(|x| to_vm_felt(&x));
            StarknetPoseidon::hades_permutation(&mut reference);
            assert_eq!(hades(input), reference.map(|x| from_vm_felt(&x)));
        }
        // And against starknet-crypto's own implementation: poseidon_hash(x, y) is the first
        // element of hades([x, y, 2]).
        let (x, y) = (starknet_crypto::Felt::from(1234u64), starknet_crypto::Felt::from(5678u64));
        let expected = from_vm_felt(&starknet_crypto::poseidon_hash(x, y));
        assert_eq!(
            hades([Felt::from(1234u64), Felt::from(5678u64), Felt::from(2u64)])[0],
            expected
        );
    }
}
