//! Statements over several components of different lengths: a permutation argument split
//! across three tables (64, 16 and 8 rows) whose running products are the components' claims.
//! Honest proofs verify; a trace whose tables disagree cannot be proven or verified; tampered
//! claims and proof bytes are rejected.

use stark::{
    AcceptancePolicy, Air, Component, ConstraintKind, Felt, Frame, ProofEnvelope, ProofOptions,
    ProverError, SecurityPreset, TraceTable, VerifierError,
};

/// A table of `width` columns whose aux columns hold the running product of `(r - v)` over
/// its cells, row-major; the last column's last row is the claim. Column 0 of row 0 is a
/// public start value (a first-row constraint), so each table also has a boundary rule.
struct ProductTable {
    name: &'static str,
    log_size: u32,
    width: usize,
    first: Felt,
    kinds: Vec<ConstraintKind>,
    claim: [usize; 1],
}

impl ProductTable {
    fn new(name: &'static str, log_size: u32, width: usize, first: Felt) -> Self {
        // Per row: the first product (transition, reading the previous row's last column)
        // and `width - 1` in-row products; then first-row rules for the start value and the
        // first product.
        let mut kinds = vec![ConstraintKind::Transition];
        kinds.extend((1..width).map(|_| ConstraintKind::EveryRow));
        kinds.extend([ConstraintKind::FirstRow, ConstraintKind::FirstRow]);
        Self { name, log_size, width, first, kinds, claim: [width - 1] }
    }
}

impl Component for ProductTable {
    fn component_name(&self) -> &str {
        self.name
    }
    fn log_size(&self) -> u32 {
        self.log_size
    }
    fn main_width(&self) -> usize {
        self.width
    }
    fn aux_width(&self) -> usize {
        self.width
    }
    fn constraint_kinds(&self) -> &[ConstraintKind] {
        &self.kinds
    }
    fn claim_columns(&self) -> &[usize] {
        &self.claim
    }
    fn evaluate(&self, f: &Frame<'_>, ch: &[Felt], out: &mut [Felt]) {
        let r = &ch[0];
        let w = self.width;
        out[0] = f.aux_next[0] - f.aux_current[w - 1] * (r - f.main_next[0]);
        for (k, value) in out.iter_mut().enumerate().take(w).skip(1) {
            *value = f.aux_current[k] - f.aux_current[k - 1] * (r - f.main_current[k]);
        }
        out[w] = f.main_current[0] - self.first;
        out[w + 1] = f.aux_current[0] - (r - f.main_current[0]);
    }
    fn build_aux_trace(&self, main: &TraceTable, ch: &[Felt]) -> TraceTable {
        let r = &ch[0];
        let n = main.length();
        let mut columns = vec![Vec::with_capacity(n); self.width];
        let mut acc = Felt::one();
        for row in 0..n {
            for (k, column) in columns.iter_mut().enumerate() {
                acc *= r - main.get(row, k);
                column.push(acc);
            }
        }
        TraceTable::new(columns, n)
    }
}

/// "The 64 cells of A are a permutation of the 48 cells of B and the 16 cells of C."
struct SplitPermutation {
    tables: [ProductTable; 3],
}

impl Air for SplitPermutation {
    fn name(&self) -> &str {
        "split-permutation/test"
    }
    fn public_input_bytes(&self) -> Vec<u8> {
        self.tables.iter().flat_map(|t| stark::felt_to_bytes(&t.first)).collect()
    }
    fn components(&self) -> Vec<&dyn Component> {
        self.tables.iter().map(|t| t as &dyn Component).collect()
    }
    fn num_aux_challenges(&self) -> usize {
        1
    }
    fn check_claims(&self, _: &[Felt], claims: &[Vec<Felt>]) -> bool {
        claims[0][0] == claims[1][0] * claims[2][0]
    }
}

/// Honest tables: A holds 1..=64; B and C hold the same values, shuffled.
fn tables() -> (SplitPermutation, Vec<TraceTable>) {
    let values: Vec<Felt> = (1..=64u64).map(Felt::from).collect();
    let a = TraceTable::new(vec![values.clone()], 64);
    let mut shuffled: Vec<Felt> = (1..=64u64).map(|i| Felt::from((i * 37) % 64 + 1)).collect();
    shuffled.rotate_left(5);
    let columns = |cells: &[Felt], width: usize| {
        let n = cells.len() / width;
        let cols = (0..width).map(|k| (0..n).map(|r| cells[r * width + k]).collect()).collect();
        TraceTable::new(cols, n)
    };
    let b = columns(&shuffled[..48], 3);
    let c = columns(&shuffled[48..], 2);
    let air = SplitPermutation {
        tables: [
            ProductTable::new("a", 6, 1, values[0]),
            ProductTable::new("b", 4, 3, shuffled[0]),
            ProductTable::new("c", 3, 2, shuffled[48]),
        ],
    };
    (air, vec![a, b, c])
}

fn prove(options: &ProofOptions) -> (SplitPermutation, Vec<u8>) {
    let (air, traces) = tables();
    let proof = stark::prove(&air, traces, options).expect("honest tables prove");
    let bytes = ProofEnvelope {
        air_name: air.name().into(),
        public_input: air.public_input_bytes(),
        proof,
    }
    .to_bytes();
    (air, bytes)
}

fn check(air: &SplitPermutation, bytes: &[u8], policy: &AcceptancePolicy) -> Result<(), String> {
    let envelope = ProofEnvelope::from_bytes(bytes).map_err(|e| e.0)?;
    stark::verify_envelope(air, &envelope, policy).map_err(|e| e.to_string())
}

#[test]
fn honest_multi_component_proof_verifies_and_is_deterministic() {
    let options = SecurityPreset::Test.options();
    let (air, a) = prove(&options);
    let (_, b) = prove(&options);
    assert_eq!(a, b);
    check(&air, &a, &AcceptancePolicy::insecure()).unwrap();
}

#[test]
fn standard_options_with_tables_below_the_final_degree_verify() {
    // Standard options stop FRI at degree 2^6; the 8- and 16-row tables are smaller.
    let (air, bytes) = prove(&SecurityPreset::Standard.options());
    check(&air, &bytes, &AcceptancePolicy::default()).unwrap();
}

#[test]
fn tables_that_disagree_are_not_proven_and_never_verify() {
    let (air, mut traces) = tables();
    // C now holds a value that A does not: every table is fine alone, the claims disagree.
    traces[2].set(3, 1, Felt::from(1000u64));
    let challenges = [Felt::from(12345u64)];
    let violation = stark::validate_traces(&air, &traces, &challenges).unwrap_err();
    assert_eq!(violation.component, "claims");
    assert_eq!(
        stark::prove(&air, traces.clone(), &SecurityPreset::Test.options()).unwrap_err(),
        ProverError::ClaimsRejected
    );
    // A prover that skips the check sends claims that do not fit: the verifier refuses them.
    let proof = stark::prove_unchecked(&air, traces, &SecurityPreset::Test.options()).unwrap();
    assert_eq!(
        stark::verify(&air, &proof, &AcceptancePolicy::insecure()),
        Err(VerifierError::ClaimsRejected)
    );
}

#[test]
fn a_claim_that_is_not_its_column_is_rejected() {
    let (air, bytes) = prove(&SecurityPreset::Test.options());
    let envelope = ProofEnvelope::from_bytes(&bytes).unwrap();
    // Scale B's claim and C's claim so their product still matches A's: the statement check
    // passes, but the claims no longer equal the committed columns' last rows.
    let mut proof = envelope.proof.clone();
    let k = Felt::from(3u64);
    proof.components[1].claims[0] *= k;
    proof.components[2].claims[0] *= k.inv().unwrap();
    assert_eq!(
        stark::verify(&air, &proof, &AcceptancePolicy::insecure()),
        Err(VerifierError::OodMismatch)
    );
    // A claim that breaks the statement check is refused before anything else.
    let mut proof = envelope.proof;
    proof.components[0].claims[0] += Felt::one();
    assert_eq!(
        stark::verify(&air, &proof, &AcceptancePolicy::insecure()),
        Err(VerifierError::ClaimsRejected)
    );
}

#[test]
fn flipped_bytes_across_the_proof_are_rejected() {
    let (air, bytes) = prove(&SecurityPreset::Test.options());
    let step = (bytes.len() / 300).max(1);
    for i in (0..bytes.len()).step_by(step) {
        let mut bad = bytes.clone();
        bad[i] ^= 0x10;
        assert!(check(&air, &bad, &AcceptancePolicy::insecure()).is_err(), "byte {i} flipped");
    }
}

#[test]
fn another_component_shape_is_rejected() {
    let (_, bytes) = prove(&SecurityPreset::Test.options());
    let (mut air, _) = tables();
    air.tables[2] = ProductTable::new("c", 4, 2, air.tables[2].first);
    assert!(check(&air, &bytes, &AcceptancePolicy::insecure()).is_err());
}
