//! The `poseidon` builtin: each instance is six cells `(s0, s1, s2, s0', s1', s2')` with the
//! outputs the Hades permutation of the inputs (cairo-vm's `PoseidonBuiltinRunner`:
//! Starknet's Poseidon, width 3, 8 full and 83 partial rounds, S-box `x^3`, MDS
//! `[[3,1,1],[1,-1,1],[1,1,-2]]`). The round structure and constants are those of
//! `lambdaworks-crypto`'s `PoseidonCairoStark252` (the "optimized" form, where a partial round
//! adds a constant to the S-boxed element only), which computes exactly Starknet's permutation
//! (checked against `starknet-types-core` in the tests).
//!
//! # Layout: two tables, linked by a LogUp sum
//!
//! Every S-box `y = x^3` costs two columns, its square `q` and its cube `c`, with the
//! constraints `q = x^2` and `c = q x` (degree 2) where `x` must be a *linear* expression of
//! the row's columns and periodic constants. So a row type can only have one wiring; the
//! permutation is cut where its wiring changes, into two tables of uniform rows:
//!
//! * [`full`], the builtin's table (`poseidon`), **2 rows an instance**: row 0 runs the first
//!   four full rounds, row 1 the last four, with the same wiring (the round constants are
//!   periodic). 31 main columns: the address, the row's entering state, three memory cells
//!   (row 0: the inputs, which are its entering state; row 1: the outputs, which are its
//!   rounds' result) and 12 S-boxes.
//! * [`partial`] (`poseidon_partial`), a linked table, **4 rows an instance**: the 83
//!   partial rounds, 21 a row (84 slots), the state carried from row to row. 46 main columns:
//!   the address, the row's entering state and 21 S-boxes.
//!
//! The two meet through tuples `(address, stage, state)`, compressed with the memory
//! argument's `alpha` and summed as `±1 / (z - tuple)` (LogUp, the lookup `z`): the full
//! table's row 0 *sends* `(a, 0, state after the first four rounds)` and its row 1
//! *receives* `(a, 1, its entering state)`; the partial table's first row of an instance
//! receives `(a, 0, its entering state)` and its last row sends `(a, 1, the state after the
//! instance's 83rd partial round)`. The statement checks that the full table's sum (its last
//! claim) and the partial table's (its two claims: its receive and send sums) add up to 0.
//!
//! # Why every instance's outputs are the permutation of its inputs
//!
//! * **The full table covers the segment.** Addresses start at `begin`, end at `stop - 6`,
//!   are equal on an instance's two rows and step by 0 or 6 between rows, so every instance
//!   has a pair of rows; a repeated pair (padding) repeats an instance. Its memory accesses
//!   are row 0's three cells at `a..a+3` and row 1's at `a+3..a+6`, so the inputs and
//!   outputs are the program's. The cells equal row 0's entering state and row 1's result.
//! * **The link is a multiset equality.** A zero sum means, with overwhelming probability
//!   over `z` and `alpha` (drawn after the main traces are committed), that the tuples sent
//!   are the tuples received, counted with multiplicity, stage by stage. The state sent for
//!   address `a` at stage 0 is a function of the memory at `a..a+3`, so every partial
//!   instance that receives `(a, 0, s)` got `a`'s true state after four rounds; it then sends
//!   `(a, 1, P(s))` with `P` the 83 partial rounds (its own constraints), and every full row 1
//!   of address `a` received one of those tuples: `P(s)`. A table that swaps or mixes the
//!   parts of two instances, or drops one, leaves tuples unmatched.
//! * **Rows within a partial instance.** The instance's rows share its address and each
//!   entering state is the previous row's state after its 11 rounds; a periodic selector
//!   masks these transitions on an instance's last row (the next row is another instance).
//! * **Surplus slot.** Slot 84 (the last row's last) computes an S-box of whatever the
//!   prover put there (its constant is 0), but the last row *sends* the state after its 20th
//!   slot, a fixed linear expression, so it never reaches the result.
//! * **Padding.** Both tables hold the same number of instances (the full table's padded
//!   count), padded by repeating the last instance, so the repeated tuples match too.
//!
//! 88 committed columns in all (main, auxiliary and composition: 31 + 5 + 2 and 46 + 2 + 2)
//! where the single-row table had 229, for 16% more trace cells. (Eight partial rows of 11
//! rounds would be 20 columns fewer, but 15% more cells and twice the partial rows: measured
//! about 8% slower on the whole `poseidon` workload, see `benches/RESULTS.md`.)

pub mod full;
pub mod partial;

use lambdaworks_crypto::hash::poseidon::parameters::PermutationParameters;
use lambdaworks_crypto::hash::poseidon::starknet::PoseidonCairoStark252;
use stark::{Component, Felt, TraceTable};

use crate::builtins::{BuiltinTable, TableTrace, TraceInput, narrow};
use crate::error::CairoError;

pub use full::PoseidonFull;
pub use partial::PoseidonPartial;

pub const CELLS: usize = 6;
const FULL_ROUNDS: usize = 8;
pub const PARTIAL_ROUNDS: usize = 83;
/// Full rounds per row of the full table (half of them).
pub const FULL_ROUNDS_PER_ROW: usize = FULL_ROUNDS / 2;

/// The round constants: `3 * 4` of the first full rounds, then one per partial round, then
/// `3 * 4` of the last full rounds.
fn round_constants() -> &'static [Felt] {
    <PoseidonCairoStark252 as PermutationParameters>::ROUND_CONSTANTS
}

/// The constants of full-table row `row` (0: the first four rounds, 1: the last four).
pub(crate) fn full_constants(row: usize) -> &'static [Felt] {
    let per_row = 3 * FULL_ROUNDS_PER_ROW;
    let constants = round_constants();
    match row {
        0 => &constants[..per_row],
        _ => &constants[per_row + PARTIAL_ROUNDS..],
    }
}

/// The constants of the partial rounds.
pub(crate) fn partial_constants() -> &'static [Felt] {
    let start = 3 * FULL_ROUNDS_PER_ROW;
    &round_constants()[start..start + PARTIAL_ROUNDS]
}

/// The MDS mix of Starknet's Poseidon.
pub(crate) fn mix(state: &mut [Felt; 3]) {
    let t = state[0] + state[1] + state[2];
    state[0] = t + state[0].double();
    state[1] = t - state[1].double();
    state[2] = t - (state[2].double() + state[2]);
}

/// One full round: each element plus its constant through `sbox`, then the mix.
pub(crate) fn full_round(
    state: &mut [Felt; 3],
    constants: &[Felt],
    mut sbox: impl FnMut(Felt) -> Felt,
) {
    for (s, k) in state.iter_mut().zip(constants) {
        *s = sbox(*s + k);
    }
    mix(state);
}

/// One partial round: the last element plus the constant through `sbox`, then the mix.
pub(crate) fn partial_round(
    state: &mut [Felt; 3],
    constant: &Felt,
    sbox: impl FnOnce(Felt) -> Felt,
) {
    state[2] = sbox(state[2] + constant);
    mix(state);
}

pub(crate) fn cube(x: Felt) -> Felt {
    x.square() * x
}

/// Four full rounds with the constants of full-table row `row`.
pub fn full_half(mut state: [Felt; 3], row: usize) -> [Felt; 3] {
    for round in full_constants(row).chunks(3) {
        full_round(&mut state, round, cube);
    }
    state
}

/// The 83 partial rounds.
pub fn partial_rounds(mut state: [Felt; 3]) -> [Felt; 3] {
    for k in partial_constants() {
        partial_round(&mut state, k, cube);
    }
    state
}

/// The Hades permutation.
pub fn hades(input: [Felt; 3]) -> [Felt; 3] {
    full_half(partial_rounds(full_half(input, 0)), 1)
}

/// The instances of a segment: `(address, inputs)` per instance, at least one.
pub type Instance = (u64, [Felt; 3]);

/// Instances both tables hold for `count` instances (the full table's padded count).
pub fn padded_instances(count: usize) -> usize {
    narrow::padded_instances(count, full::ROWS)
}

/// The `poseidon` builtin in the registry.
pub struct PoseidonTable;

impl BuiltinTable for PoseidonTable {
    fn name(&self) -> &'static str {
        full::NAME
    }
    fn cells_per_instance(&self) -> usize {
        CELLS
    }
    fn rows_per_instance(&self) -> usize {
        full::ROWS
    }
    fn tallest_rows_per_instance(&self) -> usize {
        partial::ROWS
    }
    fn component(&self, begin: u64, stop: u64) -> Option<Box<dyn Component>> {
        Some(Box::new(PoseidonFull::new(begin, stop)))
    }
    fn linked_components(&self, begin: u64, stop: u64) -> Vec<Box<dyn Component>> {
        let count = ((stop - begin) / CELLS as u64) as usize;
        vec![Box::new(PoseidonPartial::new(count))]
    }
    fn build_trace(
        &self,
        begin: u64,
        stop: u64,
        run: &mut TraceInput<'_>,
    ) -> Result<Option<TableTrace>, CairoError> {
        let instances = run.instances::<3>(self.name(), begin, stop, CELLS)?;
        let (trace, accesses) = full::build_trace(&instances);
        Ok(Some(TableTrace { trace, accesses }))
    }
    fn build_linked_traces(
        &self,
        begin: u64,
        stop: u64,
        run: &TraceInput<'_>,
    ) -> Result<Vec<TraceTable>, CairoError> {
        let instances = run.instances::<3>(self.name(), begin, stop, CELLS)?;
        Ok(vec![partial::build_trace(&instances)])
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

    #[test]
    fn the_tables_compute_the_permutation() {
        let input = [Felt::from(3u64), Felt::from(5u64), -Felt::from(11u64)];
        let (full, _) = full::build_trace(&[(100, input)]);
        let outputs: [Felt; 3] = std::array::from_fn(|k| *full.get(1, full::VALUES + k));
        assert_eq!(outputs, hades(input));
    }
}
