//! Periodic columns: components whose constraints read constants repeating along the rows
//! (a selector of period 8, steps of period 4, a full-length period) prove and verify, alone and
//! beside components of other sizes; a trace that breaks a constraint only through its periodic
//! constants is caught and never verifies; a proof does not verify against other constants.

use stark::{
    AcceptancePolicy, Air, Component, ConstraintKind, Felt, Frame, ProverError, SecurityPreset,
    TraceTable, VerifierError,
};

use ConstraintKind::{EveryRow, FirstRow, Transition};

/// Two columns `(a, b)`. Periodic: `first` (1 on rows `0 mod 8`), `last` (1 on rows
/// `7 mod 8`), `step` (period 4) and `weight` (period `n`). Constraints:
/// * `first * (a - 1) = 0`: `a` restarts at 1 every 8 rows;
/// * `(1 - last) * (a_next - a - step) = 0`: inside a block of 8, `a` climbs by `step`;
/// * `b_next - (b * weight + a) = 0`;
/// * `b = 0` on the first row.
struct Walk {
    name: &'static str,
    log_size: u32,
    periodic: Vec<Vec<Felt>>,
}

const KINDS: [ConstraintKind; 4] = [EveryRow, Transition, Transition, FirstRow];

impl Walk {
    fn new(name: &'static str, log_size: u32) -> Self {
        let n = 1u64 << log_size;
        let indicator = |row: u64| (0..8).map(|i| Felt::from(u64::from(i == row))).collect();
        let step = [1u64, 2, 3, 4].map(Felt::from).to_vec();
        let weight = (0..n).map(|i| Felt::from(i % 5 + 1)).collect();
        Self { name, log_size, periodic: vec![indicator(0), indicator(7), step, weight] }
    }

    /// The honest trace for these constants.
    fn trace(&self) -> TraceTable {
        let n = 1usize << self.log_size;
        let p = |c: usize, row: usize| self.periodic[c][row % self.periodic[c].len()];
        let (mut a, mut b) = (vec![Felt::one()], vec![Felt::zero()]);
        for i in 0..n - 1 {
            a.push(if p(1, i) == Felt::one() { Felt::one() } else { a[i] + p(2, i) });
            b.push(b[i] * p(3, i) + a[i]);
        }
        TraceTable::new(vec![a, b], n)
    }
}

impl Component for Walk {
    fn component_name(&self) -> &str {
        self.name
    }
    fn log_size(&self) -> u32 {
        self.log_size
    }
    fn main_width(&self) -> usize {
        2
    }
    fn periodic_columns(&self) -> &[Vec<Felt>] {
        &self.periodic
    }
    fn constraint_kinds(&self) -> &[ConstraintKind] {
        &KINDS
    }
    fn constraint_name(&self, index: usize) -> String {
        ["a restarts", "a climbs by step", "b accumulates", "b starts at 0"][index].into()
    }
    fn evaluate(&self, f: &Frame<'_>, _: &[Felt], out: &mut [Felt]) {
        let (c, nx, p) = (f.main_current, f.main_next, f.periodic);
        let (first, last, step, weight) = (p[0], p[1], p[2], p[3]);
        out[0] = first * (c[0] - Felt::one());
        out[1] = (Felt::one() - last) * (nx[0] - c[0] - step);
        out[2] = nx[1] - (c[1] * weight + c[0]);
        out[3] = c[1];
    }
}

struct Walks {
    tables: Vec<Walk>,
}

impl Air for Walks {
    fn name(&self) -> &str {
        "periodic-walks/test"
    }
    fn public_input_bytes(&self) -> Vec<u8> {
        Vec::new()
    }
    fn components(&self) -> Vec<&dyn Component> {
        self.tables.iter().map(|t| t as &dyn Component).collect()
    }
}

fn walks(sizes: &[u32]) -> (Walks, Vec<TraceTable>) {
    let names = ["big", "middle", "small"];
    let tables: Vec<Walk> = sizes.iter().zip(names).map(|(l, n)| Walk::new(n, *l)).collect();
    let traces = tables.iter().map(Walk::trace).collect();
    (Walks { tables }, traces)
}

fn verify(air: &Walks, traces: Vec<TraceTable>) -> Result<(), VerifierError> {
    let proof = stark::prove(air, traces, &SecurityPreset::Test.options()).expect("proves");
    stark::verify(air, &proof, &AcceptancePolicy::insecure())
}

#[test]
fn a_component_with_periodic_columns_proves_and_verifies() {
    let (air, traces) = walks(&[6]);
    stark::validate_traces(&air, &traces, &[]).unwrap();
    verify(&air, traces).unwrap();
}

#[test]
fn mixed_sizes_with_periodic_columns_verify() {
    // 2^10, 2^5 and 2^3 rows: the period-8 selectors span a whole table in the smallest.
    let (air, traces) = walks(&[10, 5, 3]);
    verify(&air, traces).unwrap();
    let (air, traces) = walks(&[4, 7]);
    let proof = stark::prove(&air, traces, &SecurityPreset::Standard.options()).unwrap();
    stark::verify(&air, &proof, &AcceptancePolicy::default()).unwrap();
}

#[test]
fn a_trace_that_breaks_a_periodic_constraint_never_verifies() {
    let (air, mut traces) = walks(&[6, 4]);
    // Row 8 of the second table must restart at 1 (selector `first`); make it continue the
    // climb instead. Every constraint without a periodic selector still holds at row 7.
    let t = &mut traces[1];
    let continued = *t.get(7, 0) + Felt::from(4u64);
    t.set(8, 0, continued);
    let violation = stark::validate_traces(&air, &traces, &[]).unwrap_err();
    assert_eq!(
        (violation.component.as_str(), violation.row, violation.name.as_str()),
        ("middle", 8, "a restarts")
    );
    let proof = stark::prove_unchecked(&air, traces, &SecurityPreset::Test.options()).unwrap();
    assert!(stark::verify(&air, &proof, &AcceptancePolicy::insecure()).is_err());
}

#[test]
fn a_trace_right_only_for_other_constants_never_verifies() {
    // The trace is honest for steps (1, 2, 3, 5); the statement's steps are (1, 2, 3, 4).
    let (air, _) = walks(&[5]);
    let mut other = Walk::new("big", 5);
    other.periodic[2][3] = Felt::from(5u64);
    let traces = vec![other.trace()];
    let violation = stark::validate_traces(&air, &traces, &[]).unwrap_err();
    assert_eq!(violation.name, "a climbs by step");
    let proof = stark::prove_unchecked(&air, traces, &SecurityPreset::Test.options()).unwrap();
    assert_eq!(
        stark::verify(&air, &proof, &AcceptancePolicy::insecure()),
        Err(VerifierError::OodMismatch)
    );
    // And an honest proof for the other constants is refused under this statement.
    let liar = Walks { tables: vec![other] };
    let traces = vec![liar.tables[0].trace()];
    let proof = stark::prove(&liar, traces, &SecurityPreset::Test.options()).unwrap();
    stark::verify(&liar, &proof, &AcceptancePolicy::insecure()).unwrap();
    assert!(stark::verify(&air, &proof, &AcceptancePolicy::insecure()).is_err());
}

#[test]
fn a_period_longer_than_the_table_is_refused() {
    let (mut air, traces) = walks(&[4]);
    air.tables[0].periodic[3] = vec![Felt::one(); 32];
    assert_eq!(
        stark::prove(&air, traces.clone(), &SecurityPreset::Test.options()).unwrap_err(),
        ProverError::BadPeriodicColumn("big".into())
    );
    assert!(stark::validate_traces(&air, &traces, &[]).is_err());
}
