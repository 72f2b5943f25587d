//! End-to-end tests of the engine on a small AIR with an auxiliary (permutation) column:
//! honest proofs verify, deterministically; tampered proofs, statements and weak options are
//! rejected; bad traces are caught by the checker and yield no verifying proof.

use stark::{
    AcceptancePolicy, Air, Component, ConstraintKind, Felt, Frame, ProofEnvelope, ProofOptions,
    SecurityPreset, TraceTable, VerifierError,
};

/// Columns: a, b (Fibonacci), s = a with rows 1.. reversed; aux: running product of
/// (r - a)/(r - s) from row 1 on, which must end at 1. Exercises every constraint kind and an
/// auxiliary column with a challenge (first/last-row constraints stay linear).
struct ShuffledFibonacci {
    log_size: u32,
    result: Felt,
}

const KINDS: [ConstraintKind; 8] = [
    ConstraintKind::Transition,
    ConstraintKind::Transition,
    ConstraintKind::FirstRow,
    ConstraintKind::LastRow,
    ConstraintKind::Transition,
    ConstraintKind::FirstRow,
    ConstraintKind::FirstRow,
    ConstraintKind::LastRow,
];

impl Air for ShuffledFibonacci {
    fn name(&self) -> &str {
        "shuffled-fibonacci/test"
    }
    fn public_input_bytes(&self) -> Vec<u8> {
        stark::felt_to_bytes(&self.result).to_vec()
    }
    fn components(&self) -> Vec<&dyn Component> {
        vec![self]
    }
    fn num_aux_challenges(&self) -> usize {
        1
    }
}

impl Component for ShuffledFibonacci {
    fn component_name(&self) -> &str {
        "table"
    }
    fn log_size(&self) -> u32 {
        self.log_size
    }
    fn main_width(&self) -> usize {
        3
    }
    fn aux_width(&self) -> usize {
        1
    }
    fn constraint_kinds(&self) -> &[ConstraintKind] {
        &KINDS
    }
    fn evaluate(&self, f: &Frame<'_>, ch: &[Felt], out: &mut [Felt]) {
        let (a, b, s) = (&f.main_current[0], &f.main_current[1], &f.main_current[2]);
        let r = &ch[0];
        out[0] = f.main_next[0] - b;
        out[1] = f.main_next[1] - (a + b);
        out[2] = a - Felt::one();
        out[3] = b - self.result;
        // p' (r - s') = p (r - a')
        out[4] = f.aux_next[0] * (r - f.main_next[2]) - f.aux_current[0] * (r - f.main_next[0]);
        out[5] = f.aux_current[0] - Felt::one();
        out[6] = s - a;
        out[7] = f.aux_current[0] - Felt::one();
    }
    fn build_aux_trace(&self, main: &TraceTable, ch: &[Felt]) -> TraceTable {
        let n = main.length();
        let r = &ch[0];
        let mut p = Vec::with_capacity(n);
        let mut acc = Felt::one();
        p.push(acc);
        for i in 1..n {
            acc = acc * (r - main.get(i, 0)) * (r - main.get(i, 2)).inv().unwrap();
            p.push(acc);
        }
        TraceTable::new(vec![p], n)
    }
}

fn trace(log_size: u32) -> (TraceTable, Felt) {
    let n = 1usize << log_size;
    let (mut a, mut b) = (vec![Felt::one()], vec![Felt::one()]);
    for i in 1..n {
        let (pa, pb) = (a[i - 1], b[i - 1]);
        a.push(pb);
        b.push(pa + pb);
    }
    let mut s = a.clone();
    s[1..].reverse();
    let result = b[n - 1];
    (TraceTable::new(vec![a, b, s], n), result)
}

fn proof_bytes(options: &ProofOptions) -> (ShuffledFibonacci, Vec<u8>) {
    let (t, result) = trace(6);
    let air = ShuffledFibonacci { log_size: 6, result };
    let proof = stark::prove(&air, vec![t], options).expect("honest trace proves");
    let envelope = ProofEnvelope {
        air_name: air.name().into(),
        public_input: air.public_input_bytes(),
        proof,
    };
    (air, envelope.to_bytes())
}

fn check(air: &ShuffledFibonacci, bytes: &[u8], policy: &AcceptancePolicy) -> Result<(), String> {
    let envelope = ProofEnvelope::from_bytes(bytes).map_err(|e| e.0)?;
    stark::verify_envelope(air, &envelope, policy).map_err(|e| e.to_string())
}

#[test]
fn honest_proof_verifies_and_is_deterministic() {
    let options = SecurityPreset::Test.options();
    let (air, a) = proof_bytes(&options);
    let (_, b) = proof_bytes(&options);
    assert_eq!(a, b, "same trace and options give the same bytes");
    check(&air, &a, &AcceptancePolicy::insecure()).unwrap();
}

#[test]
fn standard_preset_proof_verifies_under_default_policy() {
    let (air, bytes) = proof_bytes(&SecurityPreset::Standard.options());
    check(&air, &bytes, &AcceptancePolicy::default()).unwrap();
}

#[test]
fn every_flipped_byte_is_rejected() {
    let (air, bytes) = proof_bytes(&SecurityPreset::Test.options());
    let policy = AcceptancePolicy::insecure();
    // Sample positions across the whole proof (every 7th byte plus the last ones), flip one
    // bit each, and require rejection.
    let positions: Vec<usize> =
        (0..bytes.len()).step_by(7).chain(bytes.len() - 8..bytes.len()).collect();
    for &pos in &positions {
        for bit in [0u8, 5] {
            let mut tampered = bytes.clone();
            tampered[pos] ^= 1 << bit;
            assert!(
                check(&air, &tampered, &policy).is_err(),
                "flip at byte {pos} bit {bit} accepted"
            );
        }
    }
}

#[test]
fn truncated_empty_and_extended_inputs_are_rejected() {
    let (air, bytes) = proof_bytes(&SecurityPreset::Test.options());
    let policy = AcceptancePolicy::insecure();
    assert!(check(&air, &[], &policy).is_err());
    for cut in [1, 9, bytes.len() / 2, bytes.len() - 1] {
        assert!(check(&air, &bytes[..cut], &policy).is_err());
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(check(&air, &longer, &policy).is_err());
}

#[test]
fn another_statement_is_rejected() {
    let (_, bytes) = proof_bytes(&SecurityPreset::Test.options());
    let envelope = ProofEnvelope::from_bytes(&bytes).unwrap();
    let liar = ShuffledFibonacci { log_size: 6, result: Felt::from(12345u64) };
    assert!(stark::verify(&liar, &envelope.proof, &AcceptancePolicy::insecure()).is_err());
    let other_length = ShuffledFibonacci { log_size: 7, result: Felt::from(1u64) };
    assert!(matches!(
        stark::verify(&other_length, &envelope.proof, &AcceptancePolicy::insecure()),
        Err(VerifierError::TraceLengthMismatch { .. })
    ));
}

#[test]
fn weak_options_are_refused_by_default_policy() {
    let (air, bytes) = proof_bytes(&SecurityPreset::Test.options());
    let envelope = ProofEnvelope::from_bytes(&bytes).unwrap();
    assert!(matches!(
        stark::verify(&air, &envelope.proof, &AcceptancePolicy::default()),
        Err(VerifierError::InsufficientSecurity { .. })
    ));
    // Raising the claimed options without redoing the proof does not help either.
    let mut inflated = envelope.proof.clone();
    inflated.options.num_queries = 60;
    inflated.options.grinding_bits = 20;
    assert!(stark::verify(&air, &inflated, &AcceptancePolicy::default()).is_err());
}

#[test]
fn bad_trace_is_caught_by_the_checker_and_never_verifies() {
    let (mut t, result) = trace(6);
    // Break the permutation: s is no longer a shuffle of a.
    t.set(10, 2, Felt::from(999u64));
    let air = ShuffledFibonacci { log_size: 6, result };
    let challenges = [Felt::from(77u64)];
    let violation =
        stark::validate_traces(&air, std::slice::from_ref(&t), &challenges).unwrap_err();
    assert_eq!(violation.constraint, 7, "only the permutation's final product breaks");
    assert_eq!(violation.row, 63);
    let proof = stark::prove_unchecked(&air, vec![t], &SecurityPreset::Test.options()).unwrap();
    assert_eq!(
        stark::verify(&air, &proof, &AcceptancePolicy::insecure()),
        Err(VerifierError::OodMismatch)
    );
}
