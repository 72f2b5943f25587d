//! The public input under hostile values: no value makes the decoder, the bounds checks, the
//! statement or the verifier panic (every bound is computed with checked arithmetic), and a
//! proof file of an older format is refused by name.

mod common;

use cairo_air::{
    Builtin, BuiltinSegment, CairoAir, CairoPolicy, CairoPublicInput, CairoVerifyError,
    PublicInputError, prove_execution, verify_proof,
};
use proptest::prelude::*;
use stark::{AcceptancePolicy, Felt, ProofEnvelope, SecurityPreset};
use std::sync::OnceLock;

fn insecure() -> CairoPolicy {
    CairoPolicy { acceptance: AcceptancePolicy::insecure(), ..CairoPolicy::default() }
}

/// An honest proof of `range_checks` (builtins `output`, `range_check`) and its public input.
fn honest() -> &'static (Vec<u8>, CairoPublicInput) {
    static PROOF: OnceLock<(Vec<u8>, CairoPublicInput)> = OnceLock::new();
    PROOF.get_or_init(|| {
        let execution = cairo_air::run_program(
            &common::program("range_checks"),
            Some(&serde_json::json!({ "n": 2 })),
        )
        .unwrap();
        let proof = prove_execution(&execution, &SecurityPreset::Test.options()).unwrap();
        let envelope = ProofEnvelope::from_bytes(&proof).unwrap();
        let public = CairoPublicInput::from_bytes(&envelope.public_input).unwrap();
        (proof, public)
    })
}

/// Values at the edges of `u64` and around the honest ones.
fn extreme(honest: u64) -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        Just(1),
        Just(u64::MAX),
        Just(u64::MAX - 1),
        Just(u64::MAX / 2),
        Just(1 << 32),
        Just(honest),
        (0u64..64).prop_map(move |d| honest.wrapping_add(d)),
        (0u64..64).prop_map(move |d| honest.wrapping_sub(d)),
        any::<u64>(),
    ]
}

fn builtin() -> impl Strategy<Value = Builtin> {
    proptest::sample::select(Builtin::ALL.to_vec())
}

/// The honest public input with its numbers replaced by hostile ones.
fn hostile_public_input() -> impl Strategy<Value = CairoPublicInput> {
    let public = honest().1.clone();
    let segment = (builtin(), extreme(public.builtins[0].begin), extreme(public.builtins[1].stop))
        .prop_map(|(builtin, begin, stop)| BuiltinSegment { builtin, begin, stop });
    (
        (0u32..40, extreme(public.initial_pc), extreme(public.final_pc)),
        (extreme(public.initial_ap), extreme(public.final_ap)),
        (extreme(public.rc_min), extreme(public.rc_max)),
        proptest::collection::vec(segment, 0..4),
        proptest::collection::vec(any::<u64>().prop_map(Felt::from), 0..4),
        prop_oneof![Just(0u64), Just(1), Just(1 << 17), Just(u64::MAX), any::<u64>()],
    )
        .prop_map(move |(pcs, aps, rcs, builtins, output, blake)| CairoPublicInput {
            log_size: pcs.0,
            initial_pc: pcs.1,
            final_pc: pcs.2,
            initial_ap: aps.0,
            final_ap: aps.1,
            rc_min: rcs.0,
            rc_max: rcs.1,
            builtins,
            output,
            blake_instances: blake,
            ..public.clone()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The bounds checks, and everything a verifier derives from a public input they accept,
    /// never panic.
    #[test]
    fn bounds_checks_never_panic(public in hostile_public_input()) {
        let outcome = std::panic::catch_unwind(|| {
            let hash = public.program_hash();
            if public.validate().is_ok() {
                let air = CairoAir::new(public.clone());
                let _ = (air.public_input().public_memory(), stark::Air::components(&air).len());
            }
            hash
        });
        prop_assert!(outcome.is_ok(), "panicked on {public:?}");
    }

    /// A real proof file carrying a hostile public input: refused, never a panic.
    #[test]
    fn hostile_public_inputs_are_refused(public in hostile_public_input()) {
        prop_assume!(public != honest().1);
        let mut envelope = ProofEnvelope::from_bytes(&honest().0).unwrap();
        envelope.public_input = public.to_bytes();
        let bytes = envelope.to_bytes();
        let outcome = std::panic::catch_unwind(|| verify_proof(&bytes, &insecure()));
        prop_assert!(outcome.is_ok(), "the verifier panicked on {public:?}");
        prop_assert!(outcome.unwrap().is_err(), "a hostile public input verified: {public:?}");
    }

    /// The decoder on arbitrary bytes: an error or a public input, never a panic.
    #[test]
    fn the_decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let outcome = std::panic::catch_unwind(|| CairoPublicInput::from_bytes(&bytes).is_ok());
        prop_assert!(outcome.is_ok());
    }
}

#[test]
fn overflowing_stack_bounds_are_errors() {
    let mut public = honest().1.clone();
    public.initial_ap = u64::MAX - 1;
    public.final_ap = u64::MAX;
    assert!(matches!(public.validate(), Err(PublicInputError::StackTooShort { .. })));
    let mut public = honest().1.clone();
    public.final_pc = u64::MAX;
    assert!(matches!(public.validate(), Err(PublicInputError::EndNotJmpRel0 { .. })));
    let mut public = honest().1.clone();
    public.builtins[1].stop = public.builtins[1].begin + 1 + (1 << 40);
    assert!(matches!(public.validate(), Err(PublicInputError::SegmentTooLarge { .. })));
}

#[test]
fn a_partial_instance_is_refused() {
    let execution = cairo_air::run_program(
        &common::program("bitwise_ops"),
        Some(&serde_json::json!({ "n": 2 })),
    )
    .unwrap();
    let (_, mut public) = cairo_air::build_traces(&execution).unwrap();
    let bitwise = public.builtins.iter_mut().find(|b| b.builtin == Builtin::Bitwise).unwrap();
    bitwise.stop -= 1;
    assert!(matches!(
        public.validate(),
        Err(PublicInputError::PartialInstance { builtin: Builtin::Bitwise, .. })
    ));
}

#[test]
fn an_old_format_proof_is_refused_by_name() {
    let mut old = honest().0.clone();
    // The format version follows the 8-byte magic (little-endian u16).
    let version = u16::from_le_bytes([old[8], old[9]]);
    assert_eq!(version, stark::FORMAT_VERSION);
    old[8..10].copy_from_slice(&3u16.to_le_bytes());
    let refused = verify_proof(&old, &insecure()).unwrap_err();
    assert!(
        matches!(refused, CairoVerifyError::OldFormat { found: 3, current } if current == stark::FORMAT_VERSION),
        "{refused:?}"
    );
    assert!(refused.to_string().contains("old format"), "{refused}");
}
