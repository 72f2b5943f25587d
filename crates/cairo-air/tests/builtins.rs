//! The builtins with a table (`range_check`, `poseidon`, `bitwise`, `pedersen`, `ecdsa`,
//! `range_check96`, `ec_op`, `add_mod`, `mul_mod`, `keccak`): runs that use them prove and verify with their own tables (and
//! the 16-bit range table); a tampered builtin table is caught by the checker and never
//! verifies; a proof does not verify for another segment.

mod common;

use cairo_air::builtins::range_check::{ADDRESS, LIMBS, VALUE};
use cairo_air::{
    Builtin, CairoAir, CairoExecution, CairoPolicy, build_traces, prove_execution, run_program,
    verify_proof,
};
use common::{OneTable, program};
use serde_json::json;
use stark::{AcceptancePolicy, Air, Felt, SecurityPreset, TraceTable};

fn range_checks(n: u64) -> CairoExecution {
    run_program(&program("range_checks"), Some(&json!({ "n": n }))).expect("range_checks runs")
}

/// What the program outputs for `n`, computed here.
fn expected_sum(n: u64) -> u64 {
    (1..=n)
        .map(|i| {
            (i * 1_000_003) / 97 + (i * 1_000_003) % 97 + u64::from((i * 1_000_003) % 97 <= 50)
        })
        .sum()
}

fn insecure() -> CairoPolicy {
    CairoPolicy { acceptance: AcceptancePolicy::insecure(), ..CairoPolicy::default() }
}

#[test]
fn range_check_program_proves_and_verifies() {
    let execution = range_checks(40);
    let segment = execution.builtins.iter().find(|b| b.builtin == Builtin::RangeCheck).unwrap();
    // assert_nn, unsigned_div_rem (3 cells) and is_le (1 or 2) per iteration.
    assert!(segment.stop - segment.begin >= 40 * 4, "the program uses the builtin");
    assert_eq!(proven_output(&execution), vec![40u64.into(), expected_sum(40).into()]);
}

#[test]
fn standard_preset_range_check_proof_verifies() {
    let bytes = prove_execution(&range_checks(5), &SecurityPreset::Standard.options()).unwrap();
    let statement = verify_proof(&bytes, &CairoPolicy::default()).unwrap();
    assert_eq!(statement.output[1], expected_sum(5).into());
}

fn challenges(air: &dyn Air) -> Vec<Felt> {
    (1..=air.num_aux_challenges() as u64).map(|i| Felt::from(i * 0x1_0000_0001 + 7)).collect()
}

/// The traces of a run, which must have `components` tables and pass the checker.
fn honest_traces(
    execution: CairoExecution,
    components: usize,
) -> (Vec<TraceTable>, cairo_air::CairoPublicInput) {
    let (traces, public) = build_traces(&execution).unwrap();
    assert_eq!(traces.len(), components);
    let air = CairoAir::new(public.clone());
    stark::validate_traces(&air, &traces, &challenges(&air)).unwrap();
    (traces, public)
}

/// Proves a run with the test preset and returns the verified output.
fn proven_output(execution: &CairoExecution) -> Vec<starknet_crypto::Felt> {
    let bytes = prove_execution(execution, &SecurityPreset::Test.options()).unwrap();
    verify_proof(&bytes, &insecure()).unwrap().output
}

/// The traces of a small run: CPU, range_check, range16.
fn honest() -> (Vec<TraceTable>, cairo_air::CairoPublicInput) {
    honest_traces(range_checks(6), 3)
}

/// The checker names the family (or the claims), and a proof made without the prover's own
/// checks does not verify.
fn assert_rejected(traces: Vec<TraceTable>, public: cairo_air::CairoPublicInput, family: &str) {
    let air = CairoAir::new(public);
    let violation = stark::validate_traces(&air, &traces, &challenges(&air))
        .expect_err("the checker must catch it");
    let matches = violation.name.starts_with(family)
        || (family == "claims" && violation.component == "claims");
    assert!(matches, "expected a {family:?} violation, got {violation}");
    let proof = stark::prove_unchecked(&air, traces, &SecurityPreset::Test.options()).unwrap();
    assert!(
        stark::verify(&air, &proof, &AcceptancePolicy::insecure()).is_err(),
        "a bad trace verified"
    );
}

#[test]
fn honest_traces_pass_the_checker() {
    honest();
}

#[test]
fn value_that_is_not_its_limbs() {
    let (mut t, p) = honest();
    let v = *t[1].get(2, LIMBS);
    t[1].set(2, LIMBS, v + Felt::one());
    assert_rejected(t, p, "range_check: value is the sum of its limbs");
}

#[test]
fn limb_of_17_bits_is_caught_by_the_lookup() {
    // A value of 2^128 written as limb 7 = 2^16: the recomposition holds, the lookup does not.
    let (mut t, p) = honest();
    let row = 1;
    for k in 0..8 {
        t[1].set(row, LIMBS + k, Felt::zero());
    }
    t[1].set(row, LIMBS + 7, Felt::from(1u64 << 16));
    t[1].set(row, VALUE, Felt::from(2u64).pow(128u64));
    assert_rejected(t, p, "claims");
}

#[test]
fn builtin_cell_that_disagrees_with_memory() {
    // The table's value and limbs change together (still in range), memory does not.
    let (mut t, p) = honest();
    let row = 0;
    let v = *t[1].get(row, VALUE);
    let l = *t[1].get(row, LIMBS);
    t[1].set(row, VALUE, v + Felt::one());
    t[1].set(row, LIMBS, l + Felt::one());
    assert_rejected(t, p, "claims");
}

#[test]
fn skipped_instance() {
    let (mut t, p) = honest();
    let n = t[1].length();
    for row in 2..n {
        let a = *t[1].get(row, ADDRESS);
        t[1].set(row, ADDRESS, a + Felt::one());
    }
    assert_rejected(t, p, "range_check: addresses step by 0 or 1");
}

#[test]
fn wrong_range_table() {
    let (mut t, p) = honest();
    let m = *t[2].get(5, 1);
    t[2].set(5, 1, m + Felt::one());
    assert_rejected(t, p, "claims");
}

#[test]
fn proof_does_not_verify_for_another_segment() {
    let execution = range_checks(6);
    let bytes = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
    let envelope = stark::ProofEnvelope::from_bytes(&bytes).unwrap();
    let mut public = cairo_air::CairoPublicInput::from_bytes(&envelope.public_input).unwrap();
    let segment = public.builtins.iter_mut().find(|b| b.builtin == Builtin::RangeCheck).unwrap();
    segment.stop -= 1;
    let air = CairoAir::new(public);
    assert!(stark::verify(&air, &envelope.proof, &AcceptancePolicy::insecure()).is_err());
}

mod poseidon {
    //! One dishonest prover per constraint family of the two poseidon tables (`poseidon`:
    //! the full rounds, 2 rows an instance; `poseidon_partial`: the partial rounds, 8 rows an
    //! instance), each building traces whose other constraints hold.
    use super::*;
    use cairo_air::builtins::poseidon::{full, full_half, partial, partial_rounds};

    fn poseidon_hashes(n: u64) -> CairoExecution {
        run_program(&program("poseidon_hashes"), Some(&json!({ "n": n })))
            .expect("poseidon_hashes runs")
    }

    /// What the program outputs for `n`, computed with starknet-crypto.
    fn expected(n: u64) -> Vec<starknet_crypto::Felt> {
        use starknet_crypto::{Felt as F, poseidon_hash, poseidon_hash_many};
        let mut acc = F::ZERO;
        for i in (1..=n).rev() {
            acc = poseidon_hash(acc, F::from(i));
        }
        let many = poseidon_hash_many(&[F::from(1u64), F::from(2u64), F::from(3u64)]);
        vec![acc, many]
    }

    #[test]
    fn poseidon_program_proves_and_verifies() {
        assert_eq!(proven_output(&poseidon_hashes(9)), expected(9));
    }

    /// CPU, poseidon and poseidon_partial tables.
    fn honest() -> (Vec<TraceTable>, cairo_air::CairoPublicInput) {
        honest_traces(poseidon_hashes(3), 3)
    }

    const FULL: usize = 1;
    const PARTIAL: usize = 2;

    /// Instance `k`'s rows of table `t` (`rows` an instance), as columns.
    fn block(t: &TraceTable, k: usize, rows: usize) -> Vec<Vec<Felt>> {
        (0..t.width()).map(|c| (0..rows).map(|r| *t.get(k * rows + r, c)).collect()).collect()
    }

    /// Writes `columns` over instance `k`'s rows of `t`, from its row `from`.
    fn set_block(t: &mut TraceTable, k: usize, rows: usize, from: usize, columns: &[Vec<Felt>]) {
        for (c, column) in columns.iter().enumerate() {
            for (r, value) in column.iter().enumerate().take(rows).skip(from) {
                t.set(k * rows + r, c, *value);
            }
        }
    }

    fn address(t: &TraceTable, k: usize) -> u64 {
        cairo_air::trace::felt_to_u64(t.get(k * full::ROWS, full::ADDRESS)).unwrap()
    }

    fn inputs(t: &TraceTable, k: usize) -> [Felt; 3] {
        std::array::from_fn(|i| *t.get(k * full::ROWS, full::VALUES + i))
    }

    /// The two tables' link sums added: 0 when every tuple sent is received.
    fn link_sum(traces: &[TraceTable], public: &cairo_air::CairoPublicInput) -> Felt {
        let air = CairoAir::new(public.clone());
        let components = air.components();
        let challenges = challenges(&air);
        let last = |i: usize, column: usize| {
            let aux = components[i].build_aux_trace(&traces[i], &challenges);
            *aux.get(aux.length() - 1, column)
        };
        last(FULL, full::AUX_LINK_AFTER)
            + last(PARTIAL, partial::AUX_RECEIVED)
            + last(PARTIAL, partial::AUX_SENT)
    }

    #[test]
    fn honest_link_sums_cancel() {
        let (t, p) = honest();
        assert!(t[FULL].length() / full::ROWS >= 4, "several instances");
        assert_eq!(t[PARTIAL].length() / partial::ROWS, t[FULL].length() / full::ROWS);
        assert_eq!(link_sum(&t, &p), Felt::zero());
    }

    #[test]
    fn wrong_full_round_sbox() {
        let (mut t, p) = honest();
        let v = *t[FULL].get(1, full::SBOXES + 5);
        t[FULL].set(1, full::SBOXES + 5, v + Felt::one());
        assert_rejected(t, p, "poseidon: S-box 2 cube");
    }

    #[test]
    fn wrong_partial_round_sbox() {
        let (mut t, p) = honest();
        let v = *t[PARTIAL].get(3, partial::SBOXES + 8);
        t[PARTIAL].set(3, partial::SBOXES + 8, v + Felt::one());
        assert_rejected(t, p, "poseidon_partial: S-box 4 square");
    }

    #[test]
    fn wrong_output() {
        // The output cell changes in the table only (the memory would say the same false
        // value): the second row's result is not its cells.
        let (mut t, p) = honest();
        let v = *t[FULL].get(1, full::VALUES);
        t[FULL].set(1, full::VALUES, v + Felt::one());
        assert_rejected(t, p, "poseidon: the second row's cells are its rounds' result");
    }

    #[test]
    fn rounds_that_start_from_another_state_than_the_inputs() {
        // Row 0's rounds (and everything after them) run from another state than its cells.
        let (mut t, p) = honest();
        let (a, input) = (address(&t[FULL], 1), inputs(&t[FULL], 1));
        let other = [input[0] + Felt::one(), input[1], input[2]];
        let back = partial_rounds(full_half(other, 0));
        let mut rows = full::instance_rows(a, other, back);
        for k in 0..3 {
            rows[full::VALUES + k][0] = input[k];
        }
        set_block(&mut t[FULL], 1, full::ROWS, 0, &rows);
        set_block(
            &mut t[PARTIAL],
            1,
            partial::ROWS,
            0,
            &partial::instance_rows(a, full_half(other, 0)),
        );
        assert_rejected(t, p, "poseidon: the first row's cells are its entering state");
    }

    #[test]
    fn state_that_changes_between_rows_of_an_instance() {
        // From its middle row on, instance 0's partial rounds continue from another state (the
        // same rows of a valid instance of other inputs): each row is valid, the carry from row 3 is not.
        let (mut t, p) = honest();
        let a = address(&t[FULL], 0);
        let other =
            partial::instance_rows(a, [Felt::from(1u64), Felt::from(2u64), Felt::from(3u64)]);
        set_block(&mut t[PARTIAL], 0, partial::ROWS, partial::ROWS / 2, &other);
        assert_rejected(t, p, "poseidon_partial: the state carries within an instance");
    }

    #[test]
    fn partial_rows_of_two_instances() {
        // Instance 0's second half of partial rows claims instance 1's address.
        let (mut t, p) = honest();
        let a = Felt::from(address(&t[FULL], 1));
        for r in partial::ROWS / 2..partial::ROWS {
            t[PARTIAL].set(r, partial::ADDRESS, a);
        }
        assert_rejected(t, p, "poseidon_partial: the address carries within an instance");
    }

    #[test]
    fn full_rows_of_two_instances() {
        // Instance 0's second row claims instance 1's address (a step of 6 is allowed between
        // instances, not within one).
        let (mut t, p) = honest();
        let a = Felt::from(address(&t[FULL], 1));
        t[FULL].set(1, full::ADDRESS, a);
        assert_rejected(t, p, "poseidon: an instance's rows share its address");
    }

    #[test]
    fn partial_parts_swapped_between_instances() {
        // Instances 0 and 1 exchange their partial rounds but keep their addresses: both
        // tables are valid and memory holds, the link does not.
        let (mut t, p) = honest();
        let (b0, b1) = (block(&t[PARTIAL], 0, partial::ROWS), block(&t[PARTIAL], 1, partial::ROWS));
        let swap = |mut from: Vec<Vec<Felt>>, to: &Vec<Vec<Felt>>| {
            from[partial::ADDRESS] = to[partial::ADDRESS].clone();
            from
        };
        set_block(&mut t[PARTIAL], 0, partial::ROWS, 0, &swap(b1.clone(), &b0));
        set_block(&mut t[PARTIAL], 1, partial::ROWS, 0, &swap(b0, &b1));
        assert_ne!(link_sum(&t, &p), Felt::zero());
        assert_rejected(t, p, "claims");
    }

    #[test]
    fn partial_part_of_one_instance_used_twice() {
        // Instance 1's partial rows, address included, also stand in for instance 0's: the
        // full table receives instance 1's result for instance 1 twice and nothing for 0.
        let (mut t, p) = honest();
        let b1 = block(&t[PARTIAL], 1, partial::ROWS);
        set_block(&mut t[PARTIAL], 0, partial::ROWS, 0, &b1);
        assert_ne!(link_sum(&t, &p), Felt::zero());
        assert_rejected(t, p, "claims");
    }

    #[test]
    fn surplus_slots_that_leak_into_the_result() {
        // The full table's second row takes the state after all the partial slots (the surplus
        // ones with constant 0) instead of the 83 rounds: valid rows, a result that is not the
        // permutation's, and a tuple the partial table never sent.
        let (mut t, p) = honest();
        let (a, input) = (address(&t[FULL], 1), inputs(&t[FULL], 1));
        let mut state = partial_rounds(full_half(input, 0));
        for _ in partial::LAST_ROW_ROUNDS..partial::SLOTS {
            state[2] = state[2].square() * state[2];
            let sum = state[0] + state[1] + state[2];
            state = [
                sum + state[0].double(),
                sum - state[1].double(),
                sum - state[2].double() - state[2],
            ];
        }
        let after: [Felt; 3] = {
            // The last row's own S-box columns, all eleven, give the same state.
            let row = partial::ROWS + partial::ROWS - 1;
            let mut s: [Felt; 3] =
                std::array::from_fn(|k| *t[PARTIAL].get(row, partial::STATE + k));
            for j in 0..partial::SLOTS {
                s[2] = *t[PARTIAL].get(row, partial::SBOXES + 2 * j + 1);
                let sum = s[0] + s[1] + s[2];
                s = [sum + s[0].double(), sum - s[1].double(), sum - s[2].double() - s[2]];
            }
            s
        };
        assert_eq!(after, state, "the surplus slots hold the S-boxes of the honest state");
        set_block(&mut t[FULL], 1, full::ROWS, 0, &full::instance_rows(a, input, state));
        assert_ne!(link_sum(&t, &p), Felt::zero());
        assert_rejected(t, p, "claims");
    }

    #[test]
    fn valid_instance_of_other_inputs() {
        // Both tables hold a whole valid instance of other inputs at instance 1's address: the
        // link holds, memory does not.
        let (mut t, p) = honest();
        let a = address(&t[FULL], 1);
        let input = [Felt::from(7u64), Felt::from(8u64), Felt::from(9u64)];
        let mid = full_half(input, 0);
        set_block(
            &mut t[FULL],
            1,
            full::ROWS,
            0,
            &full::instance_rows(a, input, partial_rounds(mid)),
        );
        set_block(&mut t[PARTIAL], 1, partial::ROWS, 0, &partial::instance_rows(a, mid));
        assert_eq!(link_sum(&t, &p), Felt::zero());
        assert_rejected(t, p, "claims");
    }
}

mod bitwise {
    use super::*;
    use cairo_air::builtins::bitwise::{
        self as table, ADDRESS, AND, AND_BYTES, AUX_SUM, Bitwise, CELLS, Instance, ROWS, SLOTS,
        SUFFIX_AND, SUFFIX_Y, X, X_BYTES, bytes_of,
    };
    use cairo_air::builtins::lookup::{FIXED_AUX_T, LookupTable};
    use stark::Component;

    fn bitwise_ops(n: u64) -> CairoExecution {
        run_program(&program("bitwise_ops"), Some(&json!({ "n": n }))).expect("bitwise_ops runs")
    }

    fn expected(n: u64) -> Vec<starknet_crypto::Felt> {
        let mut acc: u128 = 0x1234_5678_90ab_cdef;
        for i in (1..=n as u128).rev() {
            let a = acc & (i * 40503);
            let x = acc ^ (i * 7919);
            acc = (a | x) + i;
        }
        let two250 = starknet_crypto::Felt::from(2u64).pow(250u64);
        vec![acc.into(), two250 + starknet_crypto::Felt::ONE]
    }

    #[test]
    fn bitwise_program_proves_and_verifies() {
        assert_eq!(proven_output(&bitwise_ops(12)), expected(12));
    }

    /// CPU, bitwise and byte-pair tables.
    fn honest() -> (Vec<TraceTable>, cairo_air::CairoPublicInput) {
        honest_traces(bitwise_ops(3), 3)
    }

    /// The byte-pair table's multiplicities counted again from the bitwise table, as a prover
    /// that changed the bitwise table would.
    fn recount(t: &mut [TraceTable]) {
        let mut counts = vec![0u64; LookupTable::BytePairs.entries()];
        table::count_lookups(&t[1], &mut counts);
        t[2] = LookupTable::BytePairs.build_trace(&counts);
    }

    fn add(t: &mut TraceTable, row: usize, column: usize, delta: Felt) {
        let v = *t.get(row, column);
        t.set(row, column, v + delta);
    }

    #[test]
    fn value_that_changes_within_an_instance() {
        let (mut t, p) = honest();
        add(&mut t[1], 1, X, Felt::one());
        assert_rejected(t, p, "bitwise: x is the same on the instance's rows");
    }

    #[test]
    fn suffix_that_is_not_its_bytes() {
        let (mut t, p) = honest();
        add(&mut t[1], 2, SUFFIX_Y, Felt::one());
        assert_rejected(t, p, "bitwise: suffix of y is the row's bytes");
    }

    #[test]
    fn value_that_is_not_its_suffix() {
        let (mut t, p) = honest();
        for row in 0..ROWS {
            add(&mut t[1], row, X, Felt::one());
        }
        assert_rejected(t, p, "bitwise: x is its suffix on the first row");
    }

    #[test]
    fn address_out_of_step() {
        let (mut t, p) = honest();
        for row in ROWS..2 * ROWS {
            add(&mut t[1], row, ADDRESS, Felt::one());
        }
        assert_rejected(t, p, "bitwise: addresses step by 0 or 5");
    }

    #[test]
    fn byte_of_256_is_caught_by_the_lookup() {
        // A byte written as 256 more and the next one as 1 less: every sum holds, the
        // lookup does not.
        let (mut t, p) = honest();
        let (row, j) = (0..t[1].length())
            .flat_map(|row| (0..SLOTS - 2).map(move |j| (row, j)))
            .find(|(row, j)| *t[1].get(*row, X_BYTES + j + 1) != Felt::zero())
            .expect("a non-zero byte");
        add(&mut t[1], row, X_BYTES + j, Felt::from(256u64));
        add(&mut t[1], row, X_BYTES + j + 1, -Felt::one());
        recount(&mut t);
        assert_rejected(t, p, "claims");
    }

    #[test]
    fn wrong_and_byte_is_caught_by_the_lookup() {
        // Byte 0 of `x & y` one more, with the value and its suffix to match.
        let (mut t, p) = honest();
        let byte = *t[1].get(0, AND_BYTES);
        assert_ne!(byte, Felt::from(255u64));
        add(&mut t[1], 0, AND_BYTES, Felt::one());
        add(&mut t[1], 0, SUFFIX_AND, Felt::one());
        for row in 0..ROWS {
            add(&mut t[1], row, AND, Felt::one());
        }
        recount(&mut t);
        assert_rejected(t, p, "claims");
    }

    #[test]
    fn valid_instance_of_other_inputs() {
        // Instance 1 replaced by a valid instance of other inputs at its address: the table's
        // constraints and lookups hold, the memory claims do not.
        let (mut t, p) = honest();
        let address = cairo_air::trace::felt_to_u64(t[1].get(ROWS, ADDRESS)).unwrap();
        let other = Instance::new(address, &Felt::from(0xf0f0u64), &Felt::from(0x3c3cu64)).unwrap();
        let (block, _) = table::build_trace(&[other]);
        for row in 0..ROWS {
            for column in 0..block.width() {
                t[1].set(ROWS + row, column, *block.get(row, column));
            }
        }
        recount(&mut t);
        assert_rejected(t, p, "claims");
    }

    /// The lookup sums of a one-instance table at `begin` and of the byte-pair table over
    /// its lookups, with the table's constraints checked first.
    fn lookup_sums(instance: Instance) -> (Felt, Felt) {
        let (trace, accesses) = table::build_trace(&[instance]);
        // The instance and a copy: the engine's smallest table has 8 rows.
        assert_eq!((trace.length(), accesses.len()), (2 * ROWS, 2 * CELLS));
        let component = Bitwise::new(instance.address, instance.address + CELLS as u64);
        let air = OneTable(component);
        let challenges = challenges(&air);
        stark::validate_traces(&air, std::slice::from_ref(&trace), &challenges).unwrap();
        let aux = air.0.build_aux_trace(&trace, &challenges);
        let mut counts = vec![0u64; LookupTable::BytePairs.entries()];
        table::count_lookups(&trace, &mut counts);
        let pairs = LookupTable::BytePairs.build_trace(&counts);
        let table_aux = LookupTable::BytePairs.component().build_aux_trace(&pairs, &challenges);
        let last = |t: &TraceTable, c: usize| *t.get(t.length() - 1, c);
        (last(&aux, AUX_SUM), last(&table_aux, FIXED_AUX_T))
    }

    #[test]
    fn top_byte_of_8_or_more_is_caught_by_the_lookup() {
        let top = Felt::from(2u64).pow(251u64) - Felt::one();
        // Honest: inputs just below 2^251 (top bytes 7), and the sums agree.
        let honest = Instance::new(50, &top, &top).unwrap();
        let (users, table) = lookup_sums(honest);
        assert_eq!(users, table);
        // `5 + p` as 32 bytes is another integer for the cell 5: its `and` with `2^251 - 1` is
        // `6 + 17 2^192`, not 5. The table's constraints hold (the decomposition is consistent
        // in the field), but its top byte, 8, is looked up as 256: no entry.
        let mut x = [0u8; 32];
        x[0] = 6;
        x[24] = 17;
        x[31] = 8;
        let forged = Instance { address: 50, x, y: bytes_of(&top).unwrap() };
        let (users, table) = lookup_sums(forged);
        assert_ne!(users, table, "the forged decomposition found its entries");
    }
}

mod pedersen {
    use super::*;
    use cairo_air::builtins::pedersen::points::{
        Point, ROWS_PER_HASH, ROWS_PER_INPUT, entries, entry_index, shift_point, start_point,
    };
    use cairo_air::builtins::pedersen::{
        self as table, BELOW_IN, BELOW_OUT, Bits, CELLS, EQ, Instance, LT, MAIN_WIDTH, PX, PY,
        SLOPE, SUFFIX, VALUE, X, X_DIFF_INV, X_NEW, Y, Y_NEW, canonical_windows, windows_of,
    };
    use cairo_air::builtins::stark_curve::chord;
    use starknet_crypto::{Felt as F, pedersen_hash};

    fn pedersen_hashes(n: u64) -> CairoExecution {
        run_program(&program("pedersen_hashes"), Some(&json!({ "n": n })))
            .expect("pedersen_hashes runs")
    }

    /// What the program outputs for `n`, computed with starknet-crypto.
    fn expected(n: u64) -> Vec<F> {
        let mut acc = F::ZERO;
        for i in (1..=n).rev() {
            acc = pedersen_hash(&acc, &F::from(i));
        }
        let two = F::from(2u64);
        let (t251, t248, t196) = (two.pow(251u64), two.pow(248u64), two.pow(196u64));
        let pairs = [
            (F::ZERO, F::ZERO),
            (-F::ONE, -F::ONE),
            (F::ONE, -F::ONE),
            (t251, t251 + F::from(12345u64)),
            (t248 - F::ONE, t248),
            (-t196, t251 + t196 - F::ONE),
        ];
        let mut out = vec![acc];
        out.extend(pairs.iter().map(|(x, y)| pedersen_hash(x, y)));
        out
    }

    #[test]
    fn pedersen_program_proves_and_verifies() {
        let execution = pedersen_hashes(10);
        let segment = execution.builtins.iter().find(|b| b.builtin == Builtin::Pedersen).unwrap();
        assert_eq!(segment.stop - segment.begin, 16 * CELLS as u64, "16 hashes");
        assert_eq!(proven_output(&execution), expected(10));
    }

    #[test]
    fn standard_preset_pedersen_proof_verifies() {
        let bytes =
            prove_execution(&pedersen_hashes(1), &SecurityPreset::Standard.options()).unwrap();
        let statement = verify_proof(&bytes, &CairoPolicy::default()).unwrap();
        assert_eq!(statement.output, expected(1));
    }

    /// CPU, pedersen and points tables: 7 hashes, so the table has one padding instance.
    fn honest() -> (Vec<TraceTable>, cairo_air::CairoPublicInput) {
        let (traces, public) = honest_traces(pedersen_hashes(1), 3);
        assert_eq!(traces[1].length(), 8 * ROWS_PER_HASH);
        (traces, public)
    }

    /// Overwrites instance `k`'s 64 rows with those of `instance`, computed honestly from
    /// the windows it is given.
    fn replace_instance(t: &mut TraceTable, k: usize, instance: Instance) {
        let (block, _) = table::build_trace(&[instance]).unwrap();
        for r in 0..ROWS_PER_HASH {
            for c in 0..MAIN_WIDTH {
                t.set(k * ROWS_PER_HASH + r, c, *block.get(r, c));
            }
        }
    }

    /// Recomputes instance `k`'s accumulation from `start`, adding the points its rows show:
    /// every curve constraint holds again.
    fn reaccumulate(t: &mut TraceTable, k: usize, start: Point) {
        let mut acc = start;
        for row in k * ROWS_PER_HASH..(k + 1) * ROWS_PER_HASH {
            let added = Point { x: *t.get(row, PX), y: *t.get(row, PY) };
            let (sum, slope, inverse) = chord(&acc, &added).unwrap();
            for (column, value) in [(X, acc.x), (Y, acc.y), (SLOPE, slope), (X_DIFF_INV, inverse)] {
                t.set(row, column, value);
            }
            t.set(row, X_NEW, sum.x);
            t.set(row, Y_NEW, sum.y);
            acc = sum;
        }
    }

    fn address_of(t: &TraceTable, k: usize) -> u64 {
        cairo_air::trace::felt_to_u64(t.get(k * ROWS_PER_HASH, 0)).unwrap()
    }

    #[test]
    fn wrong_hash_output() {
        // The result changes in the table only: it is no longer the chord's sum.
        let (mut t, p) = honest();
        let row = 3 * ROWS_PER_HASH - 1;
        let v = *t[1].get(row, X_NEW);
        t[1].set(row, X_NEW, v + Felt::one());
        assert_rejected(t, p, "pedersen: sum x");
    }

    #[test]
    fn tampered_input() {
        // Input `b` of instance 2 changes in the suffix: it no longer decomposes into windows.
        let (mut t, p) = honest();
        let row = 2 * ROWS_PER_HASH + ROWS_PER_HASH / 2;
        let v = *t[1].get(row, SUFFIX);
        t[1].set(row, SUFFIX, v + Felt::one());
        assert_rejected(t, p, "pedersen: window is the suffix's low byte");
    }

    #[test]
    fn top_window_that_is_not_the_rest_of_the_suffix() {
        let (mut t, p) = honest();
        let row = ROWS_PER_HASH + ROWS_PER_INPUT - 1;
        let v = *t[1].get(row, VALUE);
        t[1].set(row, VALUE, v + Felt::one());
        assert_rejected(t, p, "pedersen: top window is the rest of the suffix");
    }

    #[test]
    fn window_of_nine_bits_is_caught_by_the_lookup() {
        // Instance 1 hashes (0, 0). Its `b = 0` written as windows (256, -1, 0, ...): the
        // decomposition holds in the field (256 - 256 = 0), but neither value is in the points
        // table. The rows keep their honest points, so only the lookup catches it.
        let (mut t, p) = honest();
        let first = ROWS_PER_HASH + ROWS_PER_INPUT;
        let (s1, v0) = (*t[1].get(first + 1, SUFFIX), *t[1].get(first, VALUE));
        assert_eq!(s1, Felt::zero(), "b < 256");
        t[1].set(first + 1, SUFFIX, -Felt::one());
        t[1].set(first + 1, VALUE, -Felt::one());
        t[1].set(first, VALUE, v0 + Felt::from(256u64));
        assert_rejected(t, p, "claims");
    }

    #[test]
    fn point_of_another_value_is_caught_by_the_lookup() {
        // Row 5 adds the point of value v + 1 instead of v, and the accumulation is redone
        // from there, so every curve constraint holds and the output is another curve point.
        let (mut t, p) = honest();
        let k = 2;
        let row = k * ROWS_PER_HASH + 5;
        let v = cairo_air::trace::felt_to_u64(t[1].get(row, VALUE)).unwrap() as usize;
        let other = entries()[entry_index(5, (v + 1) % 256)].point;
        t[1].set(row, PX, other.x);
        t[1].set(row, PY, other.y);
        reaccumulate(&mut t[1], k, start_point());
        assert_rejected(t, p, "claims");
    }

    #[test]
    fn accumulation_from_another_start() {
        // A consistent accumulation from P0 (forgetting the offsets): every chord holds.
        let (mut t, p) = honest();
        reaccumulate(&mut t[1], 1, shift_point());
        assert_rejected(t, p, "pedersen: x starts at P0 - 64 H");
    }

    #[test]
    fn wrong_accumulator_step() {
        let (mut t, p) = honest();
        let row = ROWS_PER_HASH + 7;
        let v = *t[1].get(row + 1, X);
        t[1].set(row + 1, X, v + Felt::one());
        assert_rejected(t, p, "pedersen: x carries to the next window");
    }

    #[test]
    fn wrong_slope() {
        let (mut t, p) = honest();
        let row = 2 * ROWS_PER_HASH + 3;
        let v = *t[1].get(row, SLOPE);
        t[1].set(row, SLOPE, v + Felt::one());
        assert_rejected(t, p, "pedersen: slope");
    }

    #[test]
    fn addition_without_the_distinct_x_witness() {
        // The guard against the exceptional case: every row must show 1 / (x - px).
        let (mut t, p) = honest();
        t[1].set(3 * ROWS_PER_HASH + 9, X_DIFF_INV, Felt::zero());
        assert_rejected(t, p, "pedersen: x differs from the added point's");
    }

    #[test]
    fn memory_cell_mismatch() {
        // A whole consistent instance for other inputs: the table is internally valid, but its
        // cells are not the program's.
        let (mut t, p) = honest();
        let address = address_of(&t[1], 2);
        let other = Instance::honest(address, &Felt::from(7u64), &Felt::from(8u64));
        replace_instance(&mut t[1], 2, other);
        assert_rejected(t, p, "claims");
    }

    #[test]
    fn non_canonical_input_decomposition() {
        // Instance 0 hashes (0, 1). Its `a = 0` is also the 252-bit integer p: the suffix
        // recomposes to 0 in the field, every window is in the points table, every step is a
        // valid addition, but the integer is not below p, so the table would hash another
        // scalar.
        let (mut t, p) = honest();
        let address = address_of(&t[1], 0);
        assert_eq!(canonical_windows(&Felt::zero()), [0; 32]);
        let mut p_bits: Bits = [false; 252];
        for i in [0, 192, 196, 251] {
            p_bits[i] = true;
        }
        let b = canonical_windows(&Felt::one());
        replace_instance(&mut t[1], 0, Instance { address, windows: [windows_of(&p_bits), b] });
        assert_eq!(*t[1].get(0, SUFFIX), Felt::zero(), "p recomposes to the cell's 0");
        assert_rejected(t, p, "pedersen: input decomposition is canonical");
    }

    #[test]
    fn comparison_that_does_not_start_at_one() {
        let (mut t, p) = honest();
        t[1].set(ROWS_PER_INPUT, BELOW_IN, Felt::zero());
        assert_rejected(t, p, "pedersen: comparison with p - 1 starts");
    }

    #[test]
    fn comparison_that_does_not_step() {
        let (mut t, p) = honest();
        let row = 4 * ROWS_PER_HASH + 10;
        let v = *t[1].get(row, BELOW_OUT);
        t[1].set(row, BELOW_OUT, Felt::one() - v);
        assert_rejected(t, p, "pedersen: comparison with p - 1 steps");
    }

    #[test]
    fn comparison_that_does_not_carry() {
        // Instance 3 hashes (1, -1): `a`'s window 0 exceeds p - 1's, so the comparison is 0
        // from there. Row 11 restarts it at 1 and steps from there: only the carry breaks.
        let (mut t, p) = honest();
        let row = 3 * ROWS_PER_HASH + 11;
        assert_eq!(*t[1].get(row, BELOW_IN), Felt::zero(), "the 11 low windows exceed p - 1's");
        t[1].set(row, BELOW_IN, Felt::one());
        let out = *t[1].get(row, LT) + *t[1].get(row, EQ);
        t[1].set(row, BELOW_OUT, out);
        assert_rejected(t, p, "pedersen: comparison with p - 1 carries");
    }

    #[test]
    fn proof_does_not_verify_for_a_shorter_segment() {
        // Dropping the last instance from the public segment changes the table's last
        // address (and the memory dummies): the proof no longer fits.
        let bytes = prove_execution(&pedersen_hashes(1), &SecurityPreset::Test.options()).unwrap();
        let envelope = stark::ProofEnvelope::from_bytes(&bytes).unwrap();
        let mut public = cairo_air::CairoPublicInput::from_bytes(&envelope.public_input).unwrap();
        let segment = public.builtins.iter_mut().find(|b| b.builtin == Builtin::Pedersen).unwrap();
        segment.stop -= CELLS as u64;
        let air = CairoAir::new(public);
        assert!(stark::verify(&air, &envelope.proof, &AcceptancePolicy::insecure()).is_err());
    }

    #[test]
    fn skipped_instance() {
        let (mut t, p) = honest();
        let n = t[1].length();
        for row in 3 * ROWS_PER_HASH..n {
            let a = *t[1].get(row, 0);
            t[1].set(row, 0, a + Felt::from(CELLS as u64));
        }
        assert_rejected(t, p, "pedersen: addresses step by 0 or 3");
    }
}

#[test]
fn builtin_mix_proves_and_verifies() {
    use starknet_crypto::{Felt as F, pedersen_hash, poseidon_hash};
    let input = json!({ "n_poseidon": 4, "n_pedersen": 3, "n_range_checks": 20 });
    let execution = run_program(&program("builtin_mix"), Some(&input)).expect("builtin_mix runs");
    let (mut poseidon, mut pedersen) = (F::ZERO, F::ZERO);
    for i in (1..=4u64).rev() {
        poseidon = poseidon_hash(poseidon, F::from(i));
    }
    for i in (1..=3u64).rev() {
        pedersen = pedersen_hash(&pedersen, &F::from(i));
    }
    // CPU, range_check, poseidon, poseidon_partial, pedersen, range16, pedersen_points.
    let (traces, _) = build_traces(&execution).unwrap();
    assert_eq!(traces.len(), 7);
    assert_eq!(proven_output(&execution), vec![poseidon, pedersen, F::from(210u64)]);
}

mod ecdsa {
    //! A negative test per constraint family of the `ecdsa` table, each a trace that a
    //! dishonest prover could commit to, laid out by the table's own builder wherever it can
    //! be (so that every other constraint holds).
    use super::*;
    use cairo_air::builtins::ecdsa::curve::{
        FINAL_ROW, LAST_ROW, Point, ROWS_PER_INSTANCE, WALK, Z_FIRST_ROW, lift_x,
    };
    use cairo_air::builtins::ecdsa::{
        self as table, ADDRESS, AINV, AY, CELLS, Ecdsa, INV3, M, MAIN_WIDTH, QX, QY, RX, RY,
        Signature, U, V, Witness, X1, Y,
    };
    use cairo_air::trace::felt_to_u64;
    use starknet_crypto::Felt as F;

    fn felt(x: F) -> Felt {
        Felt::from_hex_unchecked(&x.to_hex_string())
    }

    fn order() -> F {
        F::from_hex_unchecked("0x0800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2f")
    }

    /// `s^-1 mod n`, as cairo-vm computes `w`.
    fn w_of(s: &F) -> F {
        s.mod_inverse(&order().try_into().unwrap()).unwrap()
    }

    /// Signer `seed` signs `message` with nonce `k` (any nonzero `k` below the order works).
    fn signed(seed: u64, message: F, k: F, address: u64) -> Signature {
        let private = starknet_crypto::pedersen_hash(&F::from(seed), &F::from(0xfeedu64));
        let pubkey = starknet_crypto::get_public_key(&private);
        let signature = starknet_crypto::sign(&private, &message, &k).unwrap();
        assert!(starknet_crypto::verify(&pubkey, &message, &signature.r, &signature.s).unwrap());
        Signature {
            address,
            pubkey: felt(pubkey),
            message: felt(message),
            r: felt(signature.r),
            w: felt(w_of(&signature.s)),
        }
    }

    #[test]
    fn honest_tables_for_random_keys_pass_the_checker() {
        // Eight signers, messages and nonces drawn from a seeded hash chain; both roots of
        // `y_Q` and of `y_R` occur among the witnesses the prover needs.
        let mut seed = F::from(0x5157u64);
        let mut next = || {
            seed = starknet_crypto::poseidon_hash(seed, F::ONE);
            seed
        };
        let two251 = F::from(2u64).pow(251u64).try_into().unwrap();
        let signatures: Vec<Signature> = (0..8u64)
            .map(|i| {
                let message = next().mod_floor(&two251);
                let k = next().mod_floor(&two251);
                signed(i, message, k, 50 + CELLS as u64 * i)
            })
            .collect();
        let (found, _) = table::witnesses(&signatures).unwrap();
        let roots = |f: &dyn Fn(&Witness) -> bool| found.iter().map(f).collect::<Vec<_>>();
        let q_roots = roots(&|w| w.key.y == lift_x(&w.key.x).unwrap());
        let r_roots = roots(&|w| w.nonce.y == lift_x(&w.nonce.x).unwrap());
        assert!(q_roots.contains(&true) && q_roots.contains(&false), "{q_roots:?}");
        assert!(r_roots.contains(&true) && r_roots.contains(&false), "{r_roots:?}");
        let (trace, accesses) = table::build_trace(&signatures).unwrap();
        assert_eq!(trace.length(), 8 * ROWS_PER_INSTANCE);
        assert_eq!(accesses.len(), 8 * CELLS);
        assert_eq!(accesses[3], (53, signatures[1].message));
        let air = OneTable(Ecdsa::new(50, 50 + 8 * CELLS as u64));
        // Alone, the table's lookup sum is its window terms (the generator table is absent):
        // every constraint but the statement's claims holds.
        stark::validate_traces(&air, &[trace], &challenges(&air)).unwrap();
    }

    /// CPU, pedersen, ecdsa, pedersen points and generator tables of the program's three
    /// signatures (one padding instance).
    fn honest() -> (Vec<TraceTable>, cairo_air::CairoPublicInput) {
        let (execution, _) = common::ecdsa_signatures();
        let (traces, public) = honest_traces(execution, 5);
        assert_eq!(traces[2].length(), 4 * ROWS_PER_INSTANCE);
        (traces, public)
    }

    /// Instance `k`'s witness, read back from the table.
    fn witness_of(t: &TraceTable, k: usize) -> Witness {
        let base = k * ROWS_PER_INSTANCE;
        let s = (0..table::curve::DIGITS).fold(Felt::zero(), |acc, row| {
            let digit = *t.get(base + row + 1, V) - Felt::from(4u64) * t.get(base + row, V);
            acc * Felt::from(4u64) + digit
        });
        Witness {
            address: felt_to_u64(t.get(base, ADDRESS)).unwrap(),
            key: Point { x: *t.get(base, QX), y: *t.get(base, QY) },
            nonce: Point { x: *t.get(base, RX), y: *t.get(base, RY) },
            s,
            message: *t.get(base + FINAL_ROW, table::ZU),
        }
    }

    /// Overwrites instance `k`'s rows with those the table computes for `witness`.
    fn replace_instance(t: &mut TraceTable, k: usize, witness: Witness) {
        let (block, _) = table::layout(&[witness]).unwrap();
        for r in 0..ROWS_PER_INSTANCE {
            for c in 0..MAIN_WIDTH {
                t.set(k * ROWS_PER_INSTANCE + r, c, *block.get(r, c));
            }
        }
    }

    #[test]
    fn honest_traces_pass_the_checker() {
        let (t, _) = honest();
        // The read-back witness lays out the same rows.
        let mut copy = t[2].clone();
        replace_instance(&mut copy, 1, witness_of(&t[2], 1));
        assert!(
            (0..t[2].length()).all(|r| (0..MAIN_WIDTH).all(|c| copy.get(r, c) == t[2].get(r, c)))
        );
    }

    #[test]
    fn wrong_s() {
        // s + 1 with everything else computed honestly: only the final sum is off.
        let (mut t, p) = honest();
        let w = witness_of(&t[2], 1);
        replace_instance(&mut t[2], 1, Witness { s: w.s + Felt::one(), ..w });
        assert_rejected(t, p, "ecdsa: final sum x is K");
    }

    #[test]
    fn wrong_message() {
        // The table checks the signature against message + 1 (its cell then disagrees with
        // memory too): the signature does not verify for it.
        let (mut t, p) = honest();
        let w = witness_of(&t[2], 0);
        replace_instance(&mut t[2], 0, Witness { message: w.message + Felt::one(), ..w });
        assert_rejected(t, p, "ecdsa: final sum x is K");
    }

    #[test]
    fn other_nonce_point() {
        // -R instead of R: r Q - s R becomes r Q + s R.
        let (mut t, p) = honest();
        let w = witness_of(&t[2], 2);
        let nonce = Point { x: w.nonce.x, y: -w.nonce.y };
        replace_instance(&mut t[2], 2, Witness { nonce, ..w });
        assert_rejected(t, p, "ecdsa: final sum x is K");
    }

    #[test]
    fn memory_mismatch() {
        // A valid signature by the same key of another message, laid out honestly at the same
        // address: the table is internally valid, but its message cell is not the program's.
        let (mut t, p) = honest();
        let w = witness_of(&t[2], 1);
        let private = common::ecdsa_private_key(1);
        let message = F::from(424242u64);
        let k = starknet_crypto::rfc6979_generate_k(&message, &private, None);
        let signature = starknet_crypto::sign(&private, &message, &k).unwrap();
        let other = Signature {
            address: w.address,
            pubkey: w.key.x,
            message: felt(message),
            r: felt(signature.r),
            w: felt(w_of(&signature.s)),
        };
        let valid = table::witness(&other).unwrap();
        replace_instance(&mut t[2], 1, valid);
        assert_rejected(t, p, "claims");
    }

    #[test]
    fn pubkey_not_on_the_curve() {
        // (pubkey, y + 1) is on another curve y^2 = x^3 + x + beta': the rows go through
        // honestly computed chord and doubling steps, but the key is refused.
        let (mut t, p) = honest();
        let w = witness_of(&t[2], 1);
        let key = Point { x: w.key.x, y: w.key.y + Felt::one() };
        replace_instance(&mut t[2], 1, Witness { key, ..w });
        assert_rejected(t, p, "ecdsa: Q is on the curve");
    }

    #[test]
    fn nonce_point_not_on_the_curve() {
        let (mut t, p) = honest();
        let w = witness_of(&t[2], 0);
        let nonce = Point { x: w.nonce.x, y: w.nonce.y + Felt::one() };
        replace_instance(&mut t[2], 0, Witness { nonce, ..w });
        assert_rejected(t, p, "ecdsa: R is on the curve");
    }

    #[test]
    fn s_that_is_zero_mod_n() {
        // The key holder's forgery that the range of s stops: with r = -z/d mod n, z G + r Q is
        // the point at infinity, and s = n makes s R one too, for any R = (r, y). The chain
        // then ends at K (the instance is internally valid, memory agrees), but n is not below
        // 2^251: its top digit (2) has no top entry, and the lookup sums cannot balance.
        let (mut t, p) = honest();
        let n = order();
        let nonzero_n = n.try_into().unwrap();
        // r = -z/d for the key Q = d G, or r = z/d for -Q; one of the six is a point's x.
        let forged = (0..6usize).find_map(|c| {
            let k = c % 3;
            let w = witness_of(&t[2], k);
            let d = common::ecdsa_private_key(k as u64);
            assert_eq!(felt(starknet_crypto::get_public_key(&d)), w.key.x);
            let z = starknet_crypto::pedersen_hash(&F::from(1000 + k as u64), &F::from(k as u64));
            assert_eq!(felt(z), w.message);
            let z = if c < 3 { n - z } else { z };
            let r = z.mul_mod(&d.mod_inverse(&nonzero_n).unwrap(), &nonzero_n);
            let y = lift_x(&felt(r)).filter(|_| r < F::from(2u64).pow(251u64))?;
            [w.key.y, -w.key.y].into_iter().find_map(|qy| {
                let forged = Witness {
                    key: Point { x: w.key.x, y: qy },
                    nonce: Point { x: felt(r), y },
                    s: felt(n),
                    ..w
                };
                let (rows, _) = table::layout(&[forged]).ok()?;
                (*rows.get(LAST_ROW, table::AX) == table::curve::target().x).then_some((k, forged))
            })
        });
        let (k, forged) = forged.expect("one of the six has such an r");
        replace_instance(&mut t[2], k, forged);
        assert_rejected(t, p, "claims");
    }

    #[test]
    fn forged_last_entry() {
        // With s + 1, the chain's last step adds whatever point makes the final sum K anyway:
        // every step holds, but that point is no entry of the instance's table.
        use table::curve::{chord, neg};
        use table::{AL, AX, EX, EY, PX, PY, X, X2, Y2};
        let (mut t, p) = honest();
        let w = witness_of(&t[2], 1);
        replace_instance(&mut t[2], 1, Witness { s: w.s + Felt::one(), ..w });
        let base = ROWS_PER_INSTANCE;
        let (row, fin) = (base + FINAL_ROW - 1, base + FINAL_ROW);
        let z = Point { x: *t[2].get(fin, AX), y: *t[2].get(fin, AY) };
        let wanted = chord(&table::curve::target(), &neg(&z)).unwrap().0;
        let doubled = Point { x: *t[2].get(row, X2), y: *t[2].get(row, Y2) };
        let entry = chord(&wanted, &neg(&doubled)).unwrap().0;
        t[2].set(row, EX, entry.x);
        t[2].set(row, EY, entry.y);
        assert!(recompute_chain_from(&mut t[2], row));
        assert_eq!((*t[2].get(fin, X), *t[2].get(fin, Y)), (wanted.x, wanted.y));
        let (_, slope, inverse) = chord(&z, &wanted).unwrap();
        t[2].set(fin, PX, wanted.x);
        t[2].set(fin, PY, wanted.y);
        t[2].set(fin, AL, slope);
        t[2].set(fin, AINV, inverse);
        let target = table::curve::target();
        t[2].set(base + LAST_ROW, AX, target.x);
        t[2].set(base + LAST_ROW, AY, target.y);
        assert_rejected(t, p, "claims");
    }

    #[test]
    fn r_that_is_not_its_digits() {
        // The prefix of r ends one off R's x.
        let (mut t, p) = honest();
        let row = ROWS_PER_INSTANCE + FINAL_ROW;
        let u = *t[2].get(row, U);
        t[2].set(row, U, u + Felt::one());
        assert_rejected(t, p, "ecdsa: r is the digits of R's x");
    }

    /// Recomputes instance rows `row..126` of the joint chain from `row`'s entry on (each
    /// step's slope, inverse and next point, then the next rows' doublings), keeping the
    /// looked-up entries; false if a step is exceptional.
    fn recompute_chain_from(t: &mut TraceTable, row: usize) -> bool {
        use table::{EX, EY, L1, L2, L3, X, X2, Y1, Y2};
        let end = row - row % ROWS_PER_INSTANCE + FINAL_ROW;
        for r in row..end {
            let (x2, y2, ex, ey) = (*t.get(r, X2), *t.get(r, Y2), *t.get(r, EX), *t.get(r, EY));
            let Ok(inverse) = (x2 - ex).inv() else { return false };
            let slope = (y2 - ey) * inverse;
            let x = slope.square() - x2 - ex;
            let y = slope * (x2 - x) - y2;
            t.set(r, L3, slope);
            t.set(r, INV3, inverse);
            t.set(r + 1, X, x);
            t.set(r + 1, Y, y);
            for (from, to, l) in [((X, Y), (X1, Y1), L1), ((X1, Y1), (X2, Y2), L2)] {
                let (px, py) = (*t.get(r + 1, from.0), *t.get(r + 1, from.1));
                let slope =
                    (Felt::from(3u64) * px.square() + Felt::one()) * py.double().inv().unwrap();
                let nx = slope.square() - px.double();
                t.set(r + 1, l, slope);
                t.set(r + 1, to.0, nx);
                t.set(r + 1, to.1, slope * (px - nx) - py);
            }
        }
        true
    }

    #[test]
    fn wrong_doubling_step() {
        let (mut t, p) = honest();
        let row = ROWS_PER_INSTANCE + 40;
        let v = *t[2].get(row, X1);
        t[2].set(row, X1, v + Felt::one());
        assert_rejected(t, p, "ecdsa: first doubling x");
    }

    #[test]
    fn wrong_chain_step() {
        let (mut t, p) = honest();
        let row = ROWS_PER_INSTANCE + 41;
        let v = *t[2].get(row, Y);
        t[2].set(row, Y, v + Felt::one());
        assert_rejected(t, p, "ecdsa: chain next y");
    }

    #[test]
    fn wrong_z_chain_step() {
        let (mut t, p) = honest();
        let row = ROWS_PER_INSTANCE + Z_FIRST_ROW + 10;
        let v = *t[2].get(row, AY);
        t[2].set(row, AY, v + Felt::one());
        assert_rejected(t, p, "ecdsa: add lane next y");
    }

    #[test]
    fn wrong_walk_entry() {
        // Entry 7 off by one in y: its step's slope no longer fits.
        let (mut t, p) = honest();
        let row = ROWS_PER_INSTANCE + 7;
        let v = *t[2].get(row, AY);
        t[2].set(row, AY, v + Felt::one());
        assert_rejected(t, p, "ecdsa: add lane next y");
    }

    #[test]
    fn multiplicity_off_the_walk() {
        let (mut t, p) = honest();
        t[2].set(ROWS_PER_INSTANCE + WALK.len(), M, Felt::one());
        assert_rejected(t, p, "ecdsa: no multiplicity off the walk");
    }

    #[test]
    fn chain_step_without_the_distinct_x_witness() {
        let (mut t, p) = honest();
        t[2].set(ROWS_PER_INSTANCE + 3, INV3, Felt::zero());
        assert_rejected(t, p, "ecdsa: chain x differs from the entry's");
    }

    #[test]
    fn add_lane_step_without_the_distinct_x_witness() {
        let (mut t, p) = honest();
        t[2].set(ROWS_PER_INSTANCE + FINAL_ROW, AINV, Felt::zero());
        assert_rejected(t, p, "ecdsa: add lane x differs from the added point's");
    }

    #[test]
    fn skipped_instance() {
        let (mut t, p) = honest();
        let n = t[2].length();
        for row in 2 * ROWS_PER_INSTANCE..n {
            let a = *t[2].get(row, ADDRESS);
            t[2].set(row, ADDRESS, a + Felt::from(CELLS as u64));
        }
        assert_rejected(t, p, "ecdsa: addresses step by 0 or 2");
    }

    #[test]
    fn proof_does_not_verify_for_a_shorter_segment() {
        let (execution, _) = common::ecdsa_signatures();
        let bytes = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
        let envelope = stark::ProofEnvelope::from_bytes(&bytes).unwrap();
        let mut public = cairo_air::CairoPublicInput::from_bytes(&envelope.public_input).unwrap();
        let segment = public.builtins.iter_mut().find(|b| b.builtin == Builtin::Ecdsa).unwrap();
        segment.stop -= CELLS as u64;
        let air = CairoAir::new(public);
        assert!(stark::verify(&air, &envelope.proof, &AcceptancePolicy::insecure()).is_err());
    }
}

mod range_check96 {
    //! The `range_check96` builtin (six 16-bit limbs): a negative test per constraint family,
    //! as for `range_check`.
    use super::*;
    use cairo_air::builtins::range_check::{ADDRESS, LIMBS, VALUE};

    fn run(n: u64) -> CairoExecution {
        run_program(&program("range_checks96"), Some(&json!({ "n": n })))
            .expect("range_checks96 runs")
    }

    /// CPU, range_check96, range16.
    fn honest() -> (Vec<TraceTable>, cairo_air::CairoPublicInput) {
        honest_traces(run(6), 3)
    }

    #[test]
    fn program_proves_and_verifies() {
        let n = 9u64;
        let execution = run(n);
        let segment =
            execution.builtins.iter().find(|b| b.builtin == Builtin::RangeCheck96).unwrap();
        assert_eq!(segment.stop - segment.begin, n + 1);
        let two80 = starknet_crypto::Felt::from(2u64).pow(80u64);
        let sum = (two80 + starknet_crypto::Felt::from(12345u64))
            * starknet_crypto::Felt::from(n * (n + 1) / 2);
        assert_eq!(proven_output(&execution), vec![n.into(), sum]);
    }

    #[test]
    fn honest_traces_pass_the_checker() {
        honest();
    }

    #[test]
    fn value_that_is_not_its_limbs() {
        let (mut t, p) = honest();
        let v = *t[1].get(2, LIMBS);
        t[1].set(2, LIMBS, v + Felt::one());
        assert_rejected(t, p, "range_check96: value is the sum of its limbs");
    }

    #[test]
    fn value_of_2_to_96_is_caught_by_the_lookup() {
        // 2^96 written as limb 5 = 2^16: the recomposition holds, the lookup does not.
        let (mut t, p) = honest();
        let row = 1;
        for k in 0..6 {
            t[1].set(row, LIMBS + k, Felt::zero());
        }
        t[1].set(row, LIMBS + 5, Felt::from(1u64 << 16));
        t[1].set(row, VALUE, Felt::from(2u64).pow(96u64));
        assert_rejected(t, p, "claims");
    }

    #[test]
    fn builtin_cell_that_disagrees_with_memory() {
        let (mut t, p) = honest();
        let v = *t[1].get(0, VALUE);
        let l = *t[1].get(0, LIMBS);
        t[1].set(0, VALUE, v - Felt::one());
        t[1].set(0, LIMBS, l - Felt::one());
        assert_rejected(t, p, "claims");
    }

    #[test]
    fn skipped_instance() {
        let (mut t, p) = honest();
        for row in 2..t[1].length() {
            let a = *t[1].get(row, ADDRESS);
            t[1].set(row, ADDRESS, a + Felt::one());
        }
        assert_rejected(t, p, "range_check96: addresses step by 0 or 1");
    }

    #[test]
    fn wrong_range_table() {
        let (mut t, p) = honest();
        let m = *t[2].get(7, 1);
        t[2].set(7, 1, m + Felt::one());
        assert_rejected(t, p, "claims");
    }

    #[test]
    fn the_prover_refuses_a_cell_of_96_bits() {
        let mut execution = run(3);
        let segment =
            execution.builtins.iter().find(|b| b.builtin == Builtin::RangeCheck96).unwrap();
        let address = segment.begin as usize + 1;
        execution.memory[address] = Some(Felt::from(2u64).pow(96u64));
        let Err(error) = build_traces(&execution) else { panic!("a cell of 2^96 was laid out") };
        assert!(error.to_string().contains("not below 2^96"), "{error}");
    }

    #[test]
    fn proof_does_not_verify_for_another_segment() {
        let bytes = prove_execution(&run(4), &SecurityPreset::Test.options()).unwrap();
        let envelope = stark::ProofEnvelope::from_bytes(&bytes).unwrap();
        let mut public = cairo_air::CairoPublicInput::from_bytes(&envelope.public_input).unwrap();
        let segment =
            public.builtins.iter_mut().find(|b| b.builtin == Builtin::RangeCheck96).unwrap();
        segment.stop -= 1;
        let air = CairoAir::new(public);
        assert!(stark::verify(&air, &envelope.proof, &AcceptancePolicy::insecure()).is_err());
    }
}

mod ec_op {
    //! The `ec_op` builtin: honest tables for random inputs agree with cairo-vm's arithmetic,
    //! and a negative test per constraint family of `builtins/ec_op` (the numbers are the
    //! families of its documentation).
    use super::*;
    use cairo_air::builtins::ec_op::rows::{
        CARRY_SWITCH_ROW, FIRST_BIT_ROW, LAST_BIT_ROW, LAST_ROW, M_ROW, N_BITS, ROWS_PER_INSTANCE,
    };
    use cairo_air::builtins::ec_op::{
        self as table, ADDRESS, BIT, CARRY, CELLS, DX, DX_SQ, DY, EcOp, EcOpError, MAIN_WIDTH,
        SUFFIX, Witness, X, X_DIFF_INV, Y,
    };
    use cairo_air::builtins::stark_curve::{Point, generator, neg};
    use cairo_air::trace::felt_to_u64;
    use starknet_types_core::curve::ProjectivePoint;
    use starknet_types_core::felt::Felt as F;

    fn vm(x: &Felt) -> F {
        F::from_bytes_be_slice(&x.to_bytes_be())
    }

    fn from_vm(x: &F) -> Felt {
        Felt::from_hex_unchecked(&x.to_hex_string())
    }

    fn projective(p: &Point) -> ProjectivePoint {
        ProjectivePoint::from_affine(vm(&p.x), vm(&p.y)).unwrap()
    }

    /// `k G` for `k` not a multiple of the group's order, by starknet-types-core.
    fn multiple(k: &Felt) -> Point {
        let r = (&projective(&generator()) * vm(k)).to_affine().unwrap();
        Point { x: from_vm(&r.x()), y: from_vm(&r.y()) }
    }

    #[test]
    fn honest_tables_for_random_inputs_pass_the_checker() {
        // Points and scalars from a seeded hash chain, the scalars below p (some of them at
        // the top of the range); the results are cairo-vm's (starknet-types-core's).
        let mut seed = starknet_crypto::Felt::from(0xec0bu64);
        let mut next = || {
            seed = starknet_crypto::poseidon_hash(seed, starknet_crypto::Felt::ONE);
            Felt::from_hex_unchecked(&seed.to_hex_string())
        };
        let witnesses: Vec<Witness> = (0..5u64)
            .map(|i| {
                let (p, q) = (multiple(&next()), multiple(&next()));
                let m = if i == 3 { -next().square() } else { next() };
                Witness::honest(70 + CELLS as u64 * i, &[p.x, p.y, q.x, q.y, m])
            })
            .collect();
        for w in &witnesses {
            let r = table::ec_op(w).unwrap();
            let expected =
                (projective(&w.p) + &projective(&w.q) * vm(&w.scalar())).to_affine().unwrap();
            assert_eq!((vm(&r.x), vm(&r.y)), (expected.x(), expected.y()));
        }
        let (trace, accesses) = table::build_trace(&witnesses).unwrap();
        assert_eq!(trace.length(), 8 * ROWS_PER_INSTANCE);
        assert_eq!(accesses.len(), 8 * CELLS);
        assert_eq!(accesses[CELLS + 4], (70 + CELLS as u64 + 4, witnesses[1].scalar()));
        let r = table::ec_op(&witnesses[1]).unwrap();
        assert_eq!(accesses[CELLS + 5..2 * CELLS], [(82, r.x), (83, r.y)]);
        let air = OneTable(EcOp::new(70, 70 + 5 * CELLS as u64));
        stark::validate_traces(&air, &[trace], &challenges(&air)).unwrap();
    }

    /// CPU and ec_op tables of `ec_ops` with a chain of one: eight instances.
    fn honest() -> (Vec<TraceTable>, cairo_air::CairoPublicInput) {
        let (execution, _) = common::ec_ops(1);
        let (traces, public) = honest_traces(execution, 2);
        assert_eq!(traces[1].length(), 8 * ROWS_PER_INSTANCE);
        (traces, public)
    }

    /// Instance `k`'s witness, read back from the table.
    fn witness_of(t: &TraceTable, k: usize) -> Witness {
        let base = k * ROWS_PER_INSTANCE;
        Witness {
            address: felt_to_u64(t.get(base, ADDRESS)).unwrap(),
            p: Point { x: *t.get(base, X), y: *t.get(base, Y) },
            q: Point { x: *t.get(base + FIRST_BIT_ROW, DX), y: *t.get(base + FIRST_BIT_ROW, DY) },
            bits: std::array::from_fn(|i| *t.get(base + FIRST_BIT_ROW + i, BIT) == Felt::one()),
        }
    }

    /// Overwrites instance `k`'s rows with those the table computes for `witness`.
    fn replace_instance(t: &mut TraceTable, k: usize, witness: Witness) {
        let (block, _) = table::layout(&[witness]).unwrap();
        for r in 0..ROWS_PER_INSTANCE {
            for c in 0..MAIN_WIDTH {
                t.set(k * ROWS_PER_INSTANCE + r, c, *block.get(r, c));
            }
        }
    }

    /// The instance whose scalar is 0 (the program's `ec_op(p=q, m=0, q=g)`).
    fn zero_scalar_instance(t: &TraceTable) -> usize {
        (0..8).find(|k| *t.get(k * ROWS_PER_INSTANCE + M_ROW, CARRY) == Felt::zero()).unwrap()
    }

    /// The first bit row of instance `k` with a bit of 1.
    fn row_with_bit(t: &TraceTable, k: usize) -> usize {
        (k * ROWS_PER_INSTANCE..).find(|r| *t.get(*r, BIT) == Felt::one()).unwrap()
    }

    #[test]
    fn honest_traces_pass_the_checker() {
        honest();
    }

    #[test]
    fn run_with_a_point_off_the_curve_is_not_proven() {
        // The VM computed R from the real inputs; the prover is handed a p_y + 1.
        let (mut execution, _) = common::ec_ops(1);
        let segment = execution.builtins.iter().find(|b| b.builtin == Builtin::EcOp).unwrap();
        let address = segment.begin + CELLS as u64;
        let cell = execution.memory[address as usize + 1].as_mut().unwrap();
        *cell += Felt::one();
        let refused = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap_err();
        let expected = EcOpError::NotOnCurve { address };
        assert!(matches!(refused, cairo_air::CairoError::EcOp(e) if e == expected), "{refused:?}");
    }

    // 1. The scalar's bits.

    #[test]
    fn non_boolean_bit() {
        // A "bit" of 2 with suffixes that still decompose up to the first bit row and a carry
        // that agrees (the scalar cell then disagrees with memory as well).
        let (mut t, p) = honest();
        let base = 2 * ROWS_PER_INSTANCE;
        let (first, row) = (base + FIRST_BIT_ROW, base + FIRST_BIT_ROW + 9);
        t[1].set(row, BIT, Felt::from(2u64));
        for r in (first..=row).rev() {
            let s = t[1].get(r + 1, SUFFIX).double() + t[1].get(r, BIT);
            t[1].set(r, SUFFIX, s);
        }
        // The carry follows, so the bit is all that fails.
        let m = *t[1].get(first, SUFFIX);
        for r in base..base + CARRY_SWITCH_ROW {
            t[1].set(r, CARRY, m);
        }
        assert_rejected(t, p, "ec_op: bit is a bit");
    }

    #[test]
    fn suffix_that_is_not_its_bits() {
        let (mut t, p) = honest();
        let row = ROWS_PER_INSTANCE + FIRST_BIT_ROW + 100;
        let v = *t[1].get(row, SUFFIX);
        t[1].set(row, SUFFIX, v + Felt::one());
        assert_rejected(t, p, "ec_op: suffix drops its bit");
    }

    // 2. Canonical decomposition.

    #[test]
    fn non_canonical_scalar() {
        // The scalar 0 laid out as the 252-bit integer p: the suffix recomposes to the cell's
        // 0 and every step is a true addition, but R would be P + p Q, not P.
        let (mut t, p) = honest();
        let k = zero_scalar_instance(&t[1]);
        let w = witness_of(&t[1], k);
        assert_eq!(w.bits, [false; N_BITS]);
        let mut bits = [false; N_BITS];
        for i in [0, 192, 196, 251] {
            bits[i] = true;
        }
        replace_instance(&mut t[1], k, Witness { bits, ..w });
        let base = k * ROWS_PER_INSTANCE;
        assert_eq!(*t[1].get(base + FIRST_BIT_ROW, SUFFIX), Felt::zero(), "p recomposes to 0");
        assert_rejected(t, p, "ec_op: scalar decomposition is canonical");
    }

    // 3. The carry.

    #[test]
    fn carry_that_is_not_the_scalar_where_it_is_read() {
        let (mut t, p) = honest();
        let row = 3 * ROWS_PER_INSTANCE + M_ROW;
        let v = *t[1].get(row, CARRY);
        t[1].set(row, CARRY, v + Felt::one());
        assert_rejected(t, p, "ec_op: carry rests");
    }

    #[test]
    fn carry_that_is_not_the_result() {
        // r_x read from a carry that is R.x + 1 all the way: only its tie to R.x fails.
        let (mut t, p) = honest();
        let base = 4 * ROWS_PER_INSTANCE;
        for row in base + CARRY_SWITCH_ROW..base + ROWS_PER_INSTANCE {
            let v = *t[1].get(row, CARRY);
            t[1].set(row, CARRY, v + Felt::one());
        }
        assert_rejected(t, p, "ec_op: carry ends as R.x");
    }

    // 4. Points on the curve.

    #[test]
    fn p_not_on_the_curve() {
        // (p_x, p_y + 1) is on another curve y^2 = x^3 + x + beta': every step is computed
        // honestly, but the point is refused.
        let (mut t, p) = honest();
        let w = witness_of(&t[1], 1);
        let off = Point { x: w.p.x, y: w.p.y + Felt::one() };
        replace_instance(&mut t[1], 1, Witness { p: off, ..w });
        assert_rejected(t, p, "ec_op: doubling point is on the curve");
    }

    #[test]
    fn q_not_on_the_curve() {
        let (mut t, p) = honest();
        let w = witness_of(&t[1], 2);
        let off = Point { x: w.q.x + Felt::one(), y: w.q.y };
        replace_instance(&mut t[1], 2, Witness { q: off, ..w });
        assert_rejected(t, p, "ec_op: doubling point is on the curve");
    }

    // 5. Doubling, and Q resting before the bits.

    #[test]
    fn wrong_doubling_step() {
        let (mut t, p) = honest();
        let row = ROWS_PER_INSTANCE + FIRST_BIT_ROW + 40;
        let v = *t[1].get(row, DX);
        t[1].set(row, DX, v + Felt::one());
        assert_rejected(t, p, "ec_op: doubled x");
    }

    #[test]
    fn q_that_changes_before_the_bits() {
        // Row 1 holds another curve point (2 G) than the Q of rows 2 and 3.
        let (mut t, p) = honest();
        let two_g = multiple(&Felt::from(2u64));
        let row = 2 * ROWS_PER_INSTANCE + 1;
        t[1].set(row, DX, two_g.x);
        t[1].set(row, DY, two_g.y);
        t[1].set(row, DX_SQ, two_g.x.square());
        assert_rejected(t, p, "ec_op: Q x rests before the bits");
    }

    // 6. The accumulator.

    #[test]
    fn wrong_accumulator_step() {
        let (mut t, p) = honest();
        let row = row_with_bit(&t[1], 2);
        let v = *t[1].get(row + 1, Y);
        t[1].set(row + 1, Y, v + Felt::one());
        assert_rejected(t, p, "ec_op: next y");
    }

    #[test]
    fn wrong_result() {
        // R claimed as R + 1 in x on the last row: the accumulator did not get there.
        let (mut t, p) = honest();
        let row = 5 * ROWS_PER_INSTANCE + LAST_ROW;
        let v = *t[1].get(row, X);
        t[1].set(row, X, v + Felt::one());
        let family = if *t[1].get(row - 1, BIT) == Felt::one() {
            "ec_op: next x"
        } else {
            "ec_op: x rests without a bit"
        };
        assert_eq!(row - 1, 5 * ROWS_PER_INSTANCE + LAST_BIT_ROW);
        assert_rejected(t, p, family);
    }

    #[test]
    fn addition_without_the_distinct_x_witness() {
        let (mut t, p) = honest();
        let row = row_with_bit(&t[1], 3);
        t[1].set(row, X_DIFF_INV, Felt::zero());
        assert_rejected(t, p, "ec_op: x differs from the added point's");
    }

    #[test]
    fn accumulator_that_does_not_start_at_p() {
        // The table computes -P + m Q from D = P on row 0 (same x, so only y's start fails).
        let (mut t, p) = honest();
        let w = witness_of(&t[1], 0);
        replace_instance(&mut t[1], 0, Witness { p: neg(&w.p), ..w });
        t[1].set(0, DY, w.p.y);
        assert_rejected(t, p, "ec_op: y starts at P");
    }

    // 7. Addresses.

    #[test]
    fn skipped_instance() {
        let (mut t, p) = honest();
        let n = t[1].length();
        for row in 2 * ROWS_PER_INSTANCE..n {
            let a = *t[1].get(row, ADDRESS);
            t[1].set(row, ADDRESS, a + Felt::from(CELLS as u64));
        }
        assert_rejected(t, p, "ec_op: addresses step by 0 or 7");
    }

    // 8. Memory.

    #[test]
    fn valid_table_of_another_scalar() {
        // The table of m + 1 at the same address is internally valid (its R is P + (m + 1) Q),
        // but its scalar and result cells are not the program's.
        let (mut t, p) = honest();
        let w = witness_of(&t[1], 1);
        let other =
            Witness::honest(w.address, &[w.p.x, w.p.y, w.q.x, w.q.y, w.scalar() + Felt::one()]);
        replace_instance(&mut t[1], 1, other);
        assert_rejected(t, p, "claims");
    }

    #[test]
    fn proof_does_not_verify_for_a_shorter_segment() {
        let (execution, _) = common::ec_ops(1);
        let bytes = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
        let envelope = stark::ProofEnvelope::from_bytes(&bytes).unwrap();
        let mut public = cairo_air::CairoPublicInput::from_bytes(&envelope.public_input).unwrap();
        let segment = public.builtins.iter_mut().find(|b| b.builtin == Builtin::EcOp).unwrap();
        segment.stop -= CELLS as u64;
        let air = CairoAir::new(public);
        assert!(stark::verify(&air, &envelope.proof, &AcceptancePolicy::insecure()).is_err());
    }
}

mod modulo {
    //! `add_mod` and `mul_mod`: the `mod_ops` program, instances of every shape cairo-vm
    //! fills, and a negative test per constraint family (`src/builtins/modulo/mod.rs`).
    use super::*;
    use cairo_air::builtins::modulo::columns::ADDRESS;
    use cairo_air::builtins::modulo::columns::*;
    use cairo_air::builtins::modulo::{
        Instance, ModError, ModTable, instance_row, row_with_quotient,
    };
    use num_bigint::{BigInt, BigUint};

    fn felt(x: &BigUint) -> Felt {
        Felt::from_hex_unchecked(&x.to_str_radix(16))
    }

    fn words(x: &BigUint) -> [Felt; N_WORDS] {
        let mask = (BigUint::from(1u32) << 96u32) - 1u32;
        std::array::from_fn(|i| felt(&((x >> (96 * i)) & &mask)))
    }

    fn integer(words: &[Felt]) -> BigUint {
        words.iter().rev().fold(BigUint::from(0u32), |acc, w| {
            (acc << 96u32) + BigUint::from_bytes_be(&w.to_bytes_be())
        })
    }

    /// cairo-vm's `apply_operation`: `a op b` reduced below `p`, unless it is `k_bound p` or
    /// more.
    fn apply(op: ModOp, a: &BigUint, b: &BigUint, p: &BigUint) -> BigUint {
        let (full, k_bound) = match op {
            ModOp::Add => (a + b, BigUint::from(2u32)),
            ModOp::Mul => (a * b, BigUint::from(1u32) << 384u32),
        };
        if full < &k_bound * p { full % p } else { full - (k_bound - 1u32) * p }
    }

    /// An instance at `address` computing `c = a op b` (cairo-vm's), alone in its chain.
    fn instance(op: ModOp, address: u64, p: &BigUint, a: &BigUint, b: &BigUint) -> Instance {
        let c = apply(op, a, b, p);
        let p_words = words(p);
        let cells = [
            p_words[0],
            p_words[1],
            p_words[2],
            p_words[3],
            Felt::from(5000u64),
            Felt::from(4000u64),
            Felt::one(),
        ];
        let offsets = [0u64, 4, 8].map(Felt::from);
        Instance { address, cells, offsets, values: [words(a), words(b), words(&c)] }
    }

    #[test]
    fn instances_of_every_shape_pass_the_checker() {
        // 384-bit, one-word and zero moduli, unreduced inputs and results (p = 0; add_mod's
        // a + b of 2 p or more, where cairo-vm subtracts p once), the largest words, and
        // mul_mod's largest quotient ((2^192 + 1)(2^192 - 1) = 0 + (2^384 - 1) 1).
        let one = BigUint::from(1u32);
        let max = (&one << 384u32) - &one;
        let bls = common::bls12_381_p();
        let cases: Vec<(BigUint, BigUint, BigUint)> = vec![
            (bls.clone(), &bls - 1u32, &bls - 2u32),
            (bls.clone(), &bls + 5u32, (&one << 383u32) + 7u32),
            (BigUint::from(97u32), BigUint::from(96u32), BigUint::from(95u32)),
            (BigUint::from(97u32), max.clone(), BigUint::from(3u32)),
            (BigUint::from(0u32), BigUint::from(12u32), BigUint::from(30u32)),
            (one.clone(), (&one << 192u32) + 1u32, (&one << 192u32) - 1u32),
            (max.clone(), &max - 1u32, &max - 1u32),
        ];
        for op in [ModOp::Add, ModOp::Mul] {
            let mut multiplicities = vec![0u64; 1 << 16];
            let rows: Vec<Vec<Felt>> = cases
                .iter()
                .enumerate()
                .map(|(i, (p, a, b))| {
                    let w = instance(op, 100 + 7 * i as u64, p, a, b);
                    assert!(integer(&w.values[2]) < &one << 384u32, "cairo-vm writes c");
                    instance_row(op, &w, &mut multiplicities).unwrap()
                })
                .collect();
            let n = rows.len();
            let padded = n.next_power_of_two().max(1 << stark::MIN_LOG_TRACE_LENGTH);
            let columns = (0..op.main_width())
                .map(|c| (0..padded).map(|r| rows[r.min(n - 1)][c]).collect())
                .collect();
            let trace = TraceTable::new(columns, padded);
            let air = OneTable(ModTable::new(op, 100, 100 + 7 * n as u64));
            stark::validate_traces(&air, &[trace], &challenges(&air)).unwrap();
        }
    }

    #[test]
    fn instances_the_table_cannot_prove_are_refused_by_name() {
        let p = BigUint::from(7u32);
        let mut w = instance(ModOp::Add, 70, &p, &BigUint::from(1u32), &BigUint::from(1u32));
        // 1 + 1 = 16 mod 7, but 2 - 16 = -2 p: cairo-vm's check passes, the table's k does not.
        w.values[2] = words(&BigUint::from(16u32));
        let refused = instance_row(ModOp::Add, &w, &mut vec![0; 1 << 16]).unwrap_err();
        let expected = ModError::QuotientOutOfRange { builtin: "add_mod", op: "+", address: 70 };
        assert_eq!(refused, expected);
        w.values[1][2] = Felt::from(2u64).pow(96u64);
        let refused = instance_row(ModOp::Add, &w, &mut vec![0; 1 << 16]).unwrap_err();
        let expected =
            ModError::WordTooLarge { builtin: "add_mod", address: 70, word_address: 5006 };
        assert_eq!(refused, expected);
    }

    #[test]
    fn mod_ops_program_proves_and_verifies() {
        let (execution, expected) = common::mod_ops(3);
        for (builtin, instances) in [(Builtin::AddMod, 2 * 3 + 1), (Builtin::MulMod, 3 * 3 + 1)] {
            let segment = execution.builtins.iter().find(|b| b.builtin == builtin).unwrap();
            assert_eq!(segment.stop - segment.begin, instances * CELLS as u64);
        }
        assert_eq!(proven_output(&execution), expected);
    }

    /// CPU, add_mod (3 instances), mul_mod (4) and range16 tables of `mod_ops` with one round.
    fn honest() -> (Vec<TraceTable>, cairo_air::CairoPublicInput) {
        let (execution, _) = common::mod_ops(1);
        honest_traces(execution, 4)
    }

    /// The table of `op` in [`honest`]'s traces.
    fn table(op: ModOp) -> usize {
        match op {
            ModOp::Add => 1,
            ModOp::Mul => 2,
        }
    }

    /// Instance `row` of `op`'s table, read back.
    fn instance_of(t: &[TraceTable], op: ModOp, row: usize) -> Instance {
        let t = &t[table(op)];
        let get = |c: usize| *t.get(row, c);
        Instance {
            address: cairo_air::trace::felt_to_u64(&get(ADDRESS)).unwrap(),
            cells: std::array::from_fn(|k| get(P + k)),
            offsets: std::array::from_fn(|j| get(OFFSETS + j)),
            values: std::array::from_fn(|v| std::array::from_fn(|i| get([A, B, C][v] + i))),
        }
    }

    fn set_row(t: &mut [TraceTable], op: ModOp, row: usize, values: &[Felt]) {
        for (c, v) in values.iter().enumerate() {
            t[table(op)].set(row, c, *v);
        }
    }

    /// `k` of instance `row`, read back.
    fn quotient(t: &[TraceTable], op: ModOp, row: usize) -> BigInt {
        let k: Vec<Felt> = (0..op.k_columns()).map(|i| *t[table(op)].get(row, K + i)).collect();
        BigInt::from(integer(&k))
    }

    #[test]
    fn honest_traces_pass_the_checker() {
        let (t, _) = honest();
        assert_eq!(t[1].width(), ModOp::Add.main_width());
        assert_eq!(t[2].width(), ModOp::Mul.main_width());
        // The round's chains: add_mod n = 2, 1 (then the mod 97 circuit's 1); mul_mod 3, 2, 1.
        let column =
            |table: usize, c: usize| -> Vec<Felt> { (0..4).map(|r| *t[table].get(r, c)).collect() };
        assert_eq!(column(1, N), [2, 1, 1, 1].map(Felt::from));
        assert_eq!(column(2, N), [3, 2, 1, 1].map(Felt::from));
        assert_eq!(column(2, MORE), [1, 1, 0, 0].map(Felt::from));
    }

    // 1. Words and their limbs.

    #[test]
    fn word_that_is_not_its_limbs() {
        let (mut t, p) = honest();
        let column = ModOp::Add.limbs() + LIMBS_PER_WORD * 5 + 2;
        let v = *t[1].get(0, column);
        t[1].set(0, column, v + Felt::one());
        assert_rejected(t, p, "add_mod: word 5 is the sum of its limbs");
    }

    #[test]
    fn limb_of_17_bits_is_caught_by_the_lookup() {
        // Limbs (l0 + 2^16, l1 - 1) recompose to the same word: only the lookup fails.
        let (mut t, p) = honest();
        let op = ModOp::Mul;
        let column = (0..LIMBS_PER_WORD * op.checked_words())
            .map(|l| op.limbs() + l)
            .find(|c| (c - op.limbs()) % LIMBS_PER_WORD != 5 && *t[2].get(1, c + 1) != Felt::zero())
            .unwrap();
        let (low, high) = (*t[2].get(1, column), *t[2].get(1, column + 1));
        t[2].set(1, column, low + Felt::from(1u64 << 16));
        t[2].set(1, column + 1, high - Felt::one());
        assert_rejected(t, p, "claims");
    }

    // 2. Carries.

    #[test]
    fn carry_that_is_not_its_limbs() {
        let (mut t, p) = honest();
        let column = ModOp::Mul.carry_limbs() + 2 * ModOp::Mul.limbs_per_carry();
        let v = *t[2].get(0, column);
        t[2].set(0, column, v + Felt::one());
        assert_rejected(t, p, "mul_mod: carry 2 is its shifted limbs");
    }

    // 3. The quotient.

    #[test]
    fn quotient_that_is_not_a_bit() {
        // a + b = c + k p with k = -1 and c = a + b + p (below 2^384): every word, carry and
        // equation holds, and c is not the program's.
        let (mut t, p) = honest();
        let op = ModOp::Add;
        let mut w = instance_of(&t, op, 0);
        let (a, b) = (integer(&w.values[0]), integer(&w.values[1]));
        w.values[2] = words(&(a + b + integer(&w.p())));
        let row = row_with_quotient(op, &w, &BigInt::from(-1), &mut vec![0; 1 << 16]).unwrap();
        set_row(&mut t, op, 0, &row);
        assert_rejected(t, p, "add_mod: k is a bit");
    }

    // 4. The operation.

    #[test]
    fn wrong_sum() {
        let (mut t, p) = honest();
        let op = ModOp::Add;
        let mut w = instance_of(&t, op, 1);
        w.values[2][0] += Felt::one();
        let k = quotient(&t, op, 1);
        set_row(&mut t, op, 1, &row_with_quotient(op, &w, &k, &mut vec![0; 1 << 16]).unwrap());
        assert_rejected(t, p, "add_mod: a + b = c + k p, word 0");
    }

    #[test]
    fn wrong_product() {
        // c + 1 with the honest k: the carries are the columns' floors, column 0 leaves a
        // remainder.
        let (mut t, p) = honest();
        let op = ModOp::Mul;
        let mut w = instance_of(&t, op, 1);
        w.values[2][0] += Felt::one();
        let k = quotient(&t, op, 1);
        set_row(&mut t, op, 1, &row_with_quotient(op, &w, &k, &mut vec![0; 1 << 16]).unwrap());
        assert_rejected(t, p, "mul_mod: a * b = c + k p, column 0");
    }

    // 5. Chains.

    #[test]
    fn chain_that_skips_an_operation() {
        // The second instance of the round's mul_mod chain proves the third operation (its
        // offsets_ptr 3 further, as if the runner had written it): every cell and value is
        // read from memory and the row is valid; only the chain refuses it.
        let (mut t, p) = honest();
        let op = ModOp::Mul;
        let (second, third) = (instance_of(&t, op, 1), instance_of(&t, op, 2));
        let mut cells = second.cells;
        cells[5] = third.cells[5];
        let w = Instance { cells, offsets: third.offsets, values: third.values, ..second };
        set_row(&mut t, op, 1, &instance_row(op, &w, &mut vec![0; 1 << 16]).unwrap());
        assert_rejected(t, p, "mul_mod: next offsets_ptr is offsets_ptr + 3");
    }

    #[test]
    fn chain_whose_n_does_not_count_down() {
        let (mut t, p) = honest();
        t[2].set(1, N, Felt::from(3u64));
        assert_rejected(t, p, "mul_mod: next n is n - 1");
    }

    #[test]
    fn chain_cut_short() {
        // The first instance of a chain of two claims to end it: the second operation would
        // start a chain of its own, free of the first's p, values and offsets.
        let (mut t, p) = honest();
        t[1].set(0, MORE, Felt::zero());
        assert_rejected(t, p, "add_mod: a chain ends at n = 1");
    }

    #[test]
    fn segment_that_ends_inside_a_chain() {
        let (mut t, p) = honest();
        let last = t[1].length() - 1;
        t[1].set(last, MORE, Felt::one());
        assert_rejected(t, p, "add_mod: the segment ends a chain");
    }

    #[test]
    fn more_that_is_not_a_bit() {
        let (mut t, p) = honest();
        t[2].set(0, MORE, Felt::from(2u64));
        assert_rejected(t, p, "mul_mod: more is a bit");
    }

    // 6. Addresses.

    #[test]
    fn skipped_instance() {
        let (mut t, p) = honest();
        let n = t[1].length();
        for row in 1..n {
            let a = *t[1].get(row, ADDRESS);
            t[1].set(row, ADDRESS, a + Felt::from(CELLS as u64));
        }
        assert_rejected(t, p, "add_mod: addresses step by 0 or 7");
    }

    // 7. Memory.

    #[test]
    fn valid_row_of_another_result() {
        // c + p with k - 1: a * b = c + k p still holds over the integers, every word is in
        // range; c is not the program's.
        let (mut t, p) = honest();
        let op = ModOp::Mul;
        let mut w = instance_of(&t, op, 0);
        let k = quotient(&t, op, 0);
        assert!(k >= BigInt::from(1));
        w.values[2] = words(&(integer(&w.values[2]) + integer(&w.p())));
        let row = row_with_quotient(op, &w, &(k - 1), &mut vec![0; 1 << 16]).unwrap();
        set_row(&mut t, op, 0, &row);
        assert_rejected(t, p, "claims");
    }

    #[test]
    fn proof_does_not_verify_for_a_shorter_segment() {
        let (execution, _) = common::mod_ops(1);
        let bytes = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
        let envelope = stark::ProofEnvelope::from_bytes(&bytes).unwrap();
        let mut public = cairo_air::CairoPublicInput::from_bytes(&envelope.public_input).unwrap();
        let segment = public.builtins.iter_mut().find(|b| b.builtin == Builtin::MulMod).unwrap();
        segment.stop -= CELLS as u64;
        let air = CairoAir::new(public);
        assert!(stark::verify(&air, &envelope.proof, &AcceptancePolicy::insecure()).is_err());
    }
}

mod keccak {
    //! The `keccak` builtin: honest tables for random states agree with the `keccak` crate, and
    //! a negative test per constraint family of `builtins/keccak` (the numbers are the families
    //! of its documentation). Each forgery is honest but for the one step it fakes (the rounds
    //! after it are recomputed from the faked state), so exactly that family fails.
    use super::*;
    use cairo_air::builtins::keccak::columns::ADDRESS;
    use cairo_air::builtins::keccak::columns::*;
    use cairo_air::builtins::keccak::trace::{self, Round};
    use cairo_air::builtins::keccak::{Keccak, build_trace};
    use num_bigint::BigUint;

    const BEGIN: u64 = 70;

    /// `n` pseudo-random states (a xorshift sequence), at their instances' addresses.
    fn instances(n: usize) -> Vec<(u64, [u64; LANES])> {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        (0..n).map(|k| (BEGIN + (CELLS * k) as u64, std::array::from_fn(|_| next()))).collect()
    }

    fn one_table(n: usize) -> OneTable<Keccak> {
        OneTable(Keccak::new(BEGIN, BEGIN + (CELLS * n) as u64))
    }

    /// The table of `n` random instances.
    fn honest(n: usize) -> (Vec<(u64, [u64; LANES])>, TraceTable) {
        let instances = instances(n);
        let (trace, _) = build_trace(&instances);
        (instances, trace)
    }

    /// The checker names the family, and a proof made without the prover's checks does not
    /// verify.
    fn assert_table_rejected(trace: TraceTable, n: usize, family: &str) {
        let air = one_table(n);
        let violation =
            stark::validate_traces(&air, std::slice::from_ref(&trace), &challenges(&air))
                .expect_err("the checker must catch it");
        assert!(violation.name.starts_with(family), "expected {family:?}, got {violation}");
        let proof =
            stark::prove_unchecked(&air, vec![trace], &SecurityPreset::Test.options()).unwrap();
        assert!(
            stark::verify(&air, &proof, &AcceptancePolicy::insecure()).is_err(),
            "a bad trace verified"
        );
    }

    /// Rewrites rounds `from..24` of instance `k` honestly from `state`.
    fn rerun_from(t: &mut TraceTable, k: usize, from: usize, mut state: [u64; LANES]) {
        for r in from..ROUNDS {
            let round = trace::round(state);
            trace::set_round(t, k * ROWS_PER_INSTANCE + r, &round);
            state = round.output(r);
        }
    }

    /// Writes the faked round `r` of instance `k` and the honest rounds after it.
    fn fake_round(t: &mut TraceTable, k: usize, r: usize, round: Round) {
        trace::set_round(t, k * ROWS_PER_INSTANCE + r, &round);
        rerun_from(t, k, r + 1, round.output(r));
    }

    /// The honest round `r` of instance `k` of `instances`.
    fn honest_round(instances: &[(u64, [u64; LANES])], k: usize, r: usize) -> Round {
        trace::rounds(instances[k].1).swap_remove(r)
    }

    #[test]
    fn honest_tables_for_random_states_pass_the_checker() {
        let (instances, trace) = honest(3);
        let (_, accesses) = build_trace(&instances);
        assert_eq!(trace.length(), 4 * ROWS_PER_INSTANCE);
        assert_eq!(accesses.len(), 4 * CELLS);
        // Instance 1's cells, as the keccak crate computes them from its input cells.
        let value = |v: &Felt| BigUint::from_bytes_be(&v.to_bytes_be());
        let input: [BigUint; 8] = std::array::from_fn(|i| value(&accesses[CELLS + i].1));
        let output = common::keccak_f_cells(&input);
        for i in 0..INPUT_CELLS {
            assert_eq!(
                accesses[CELLS + INPUT_CELLS + i].0,
                BEGIN + (CELLS + INPUT_CELLS + i) as u64
            );
            assert_eq!(value(&accesses[CELLS + INPUT_CELLS + i].1), output[i]);
            assert!(input[i].bits() <= 200);
        }
        let air = one_table(3);
        stark::validate_traces(&air, &[trace], &challenges(&air)).unwrap();
    }

    #[test]
    fn input_of_2_to_the_200_is_refused() {
        let (mut execution, _) = common::keccak_ops(1);
        let segment = execution.builtins.iter().find(|b| b.builtin == Builtin::Keccak).unwrap();
        let address = segment.begin + CELLS as u64 + 3;
        execution.memory[address as usize] = Some(Felt::from(2u64).pow(200u64));
        let refused = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap_err();
        assert!(refused.to_string().contains("2^200"), "{refused}");
    }

    // 1. State bits.

    #[test]
    fn state_that_is_not_bits() {
        // On padding row 26 (nothing reads or links it), lane 0's bit 0 is 2, with the column
        // sum's twos, theta and chi that fit it (chi of lane 0 is 2/3, lane 3 gets 2): only
        // the bit constraint sees it.
        let (_, mut t) = honest(2);
        let row = 26;
        t.set(row, STATE, Felt::from(2u64));
        t.set(row, TWOS, Felt::one());
        t.set(row, THETA, Felt::from(2u64));
        t.set(row, CHI, Felt::from(2u64) * Felt::from(3u64).inv().unwrap());
        t.set(row, CHI + LANE_BITS * lane(3, 0), Felt::from(2u64));
        assert_table_rejected(t, 2, "keccak: state:");
    }

    // 2. Parity.

    #[test]
    fn wrong_column_parity() {
        // Round 5 of instance 1 runs theta with one column parity flipped.
        let (instances, mut t) = honest(2);
        let mut round = honest_round(&instances, 1, 5);
        round.parity[2] ^= 1 << 9;
        round.effect = trace::effects(&round.parity);
        round.theta = trace::theta(&round.state, &round.effect);
        round.chi = trace::chi(&round.theta);
        fake_round(&mut t, 1, 5, round);
        assert_table_rejected(t, 2, "keccak: parity:");
    }

    // 3. Effect.

    #[test]
    fn wrong_theta_effect() {
        let (instances, mut t) = honest(2);
        let mut round = honest_round(&instances, 0, 11);
        round.effect[4] ^= 1 << 63;
        round.theta = trace::theta(&round.state, &round.effect);
        round.chi = trace::chi(&round.theta);
        fake_round(&mut t, 0, 11, round);
        assert_table_rejected(t, 2, "keccak: effect:");
    }

    // 4. Theta.

    #[test]
    fn wrong_theta_output() {
        let (instances, mut t) = honest(2);
        let mut round = honest_round(&instances, 1, 0);
        round.theta[lane(3, 4)] ^= 1 << 17;
        round.chi = trace::chi(&round.theta);
        fake_round(&mut t, 1, 0, round);
        assert_table_rejected(t, 2, "keccak: theta:");
    }

    // 5. Rho, pi and chi.

    #[test]
    fn wrong_chi_output() {
        let (instances, mut t) = honest(2);
        let mut round = honest_round(&instances, 0, 23);
        round.chi[lane(1, 2)] ^= 1;
        fake_round(&mut t, 0, 23, round);
        assert_table_rejected(t, 2, "keccak: chi:");
    }

    #[test]
    fn chi_without_rho() {
        // Chi of the theta output with pi but no rotations: a consistent round of another
        // permutation.
        let (instances, mut t) = honest(2);
        let mut round = honest_round(&instances, 1, 7);
        let unrotated: [u64; LANES] = std::array::from_fn(|l| {
            let r = rotations()[l];
            round.theta[l].rotate_right(r)
        });
        round.chi = trace::chi(&unrotated);
        fake_round(&mut t, 1, 7, round);
        assert_table_rejected(t, 2, "keccak: chi:");
    }

    // 6. Iota and the link.

    #[test]
    fn round_without_its_constant() {
        // Round 3's output without iota (its constant sets bits 15, 31 and 63).
        let (instances, mut t) = honest(2);
        let round = honest_round(&instances, 1, 3);
        rerun_from(&mut t, 1, 4, round.chi);
        assert_table_rejected(t, 2, "keccak: link:");
    }

    #[test]
    fn rounds_of_another_state_spliced_in() {
        // Rounds 12 to 23 of instance 0 taken from instance 1: every row is a true round.
        let (instances, mut t) = honest(2);
        let state = trace::rounds(instances[1].1)[12].state;
        rerun_from(&mut t, 0, 12, state);
        assert_table_rejected(t, 2, "keccak: link:");
    }

    // 7. Addresses.

    #[test]
    fn skipped_instance() {
        // Instance 1 of three at begin + 32: the instance at begin + 16 has no rows (the next
        // steps by 0, as padding may).
        let (_, mut t) = honest(3);
        for row in ROWS_PER_INSTANCE..2 * ROWS_PER_INSTANCE {
            t.set(row, ADDRESS, Felt::from(BEGIN + 2 * CELLS as u64));
        }
        assert_table_rejected(t, 3, "keccak: address:");
    }

    // 8. Memory.

    #[test]
    fn valid_instance_of_another_input() {
        // The keccak_ops run's tables with one instance replaced by a valid instance of another
        // input at the same address: the table's constraints hold, the memory claims do not.
        let (execution, _) = common::keccak_ops(1);
        let (mut traces, public) = honest_traces(execution, 6);
        let k = 3;
        let (t, _) = build_trace(&[(0, [k as u64; LANES])]);
        let table = &mut traces[3];
        let address = *table.get(k * ROWS_PER_INSTANCE, ADDRESS);
        for r in 0..ROWS_PER_INSTANCE {
            for c in 1..MAIN_WIDTH {
                table.set(k * ROWS_PER_INSTANCE + r, c, *t.get(r, c));
            }
            assert_eq!(*table.get(k * ROWS_PER_INSTANCE + r, ADDRESS), address);
        }
        assert_rejected(traces, public, "claims");
    }
}
