//! The verifier: replays the transcript, checks the out-of-domain equation, the Merkle
//! openings, the DEEP quotient at every query and FRI. Its cost is polylogarithmic in the trace
//! length: it never builds a domain, it only evaluates at the queried points.

use crate::air::{Air, Frame};
use crate::composition::{ZerofierInverses, combine};
use crate::domain::Domain;
use crate::error::VerifierError;
use crate::field::{Felt, powers};
use crate::fri::{self, FriParameters};
use crate::merkle::{Hash, hash_leaf, verify_batch};
use crate::options::AcceptancePolicy;
use crate::proof::{Opening, StarkProof};
use crate::protocol::{
    DeepPoint, OodValues, absorb_ood, deep_claims, deep_value, draw_deep_coefficients,
    draw_ood_point, draw_queries, seed_transcript,
};
use crate::prover::{MAX_LOG_TRACE_LENGTH, MIN_LOG_TRACE_LENGTH};

fn malformed(what: impl Into<String>) -> VerifierError {
    VerifierError::Malformed(what.into())
}

/// Verifies `proof` for the statement `air` (built from the public input) under `policy`.
pub fn verify<A: Air>(
    air: &A,
    proof: &StarkProof,
    policy: &AcceptancePolicy,
) -> Result<(), VerifierError> {
    let options = &proof.options;
    if !options.is_well_formed() {
        return Err(VerifierError::BadOptions);
    }
    let log_n = air.log_trace_length();
    if proof.log_trace_length != log_n {
        return Err(VerifierError::TraceLengthMismatch {
            expected: log_n,
            got: proof.log_trace_length,
        });
    }
    if !(MIN_LOG_TRACE_LENGTH..=MAX_LOG_TRACE_LENGTH).contains(&log_n) {
        return Err(malformed(format!("trace length 2^{log_n} unsupported")));
    }
    let security = options.conjectured_security_bits(log_n);
    if security < policy.min_security_bits {
        return Err(VerifierError::InsufficientSecurity {
            got: security,
            required: policy.min_security_bits,
        });
    }
    check_shapes(air, proof)?;

    let domain = Domain::new(log_n, u32::from(options.log_blowup));
    let mut transcript = seed_transcript(air, options);
    transcript.absorb(b"main root", &proof.main_root);
    let mut challenges: Vec<Felt> =
        (0..air.num_aux_challenges()).map(|_| transcript.challenge_felt()).collect();
    let terms = air.challenge_terms(&challenges);
    challenges.extend(terms);
    if let Some(root) = &proof.aux_root {
        transcript.absorb(b"aux root", root);
    }
    let alpha = transcript.challenge_felt();
    transcript.absorb(b"composition root", &proof.composition_root);
    let z = draw_ood_point(&mut transcript, &domain);
    absorb_ood(
        &mut transcript,
        &OodValues {
            main_current: &proof.ood_main_current,
            main_next: &proof.ood_main_next,
            aux_current: &proof.ood_aux_current,
            aux_next: &proof.ood_aux_next,
            composition: &proof.ood_composition,
        },
    );

    // The constraints, combined exactly as the prover combined them, must match H(z).
    let kinds = air.constraint_kinds();
    let mut values = vec![Felt::zero(); kinds.len()];
    let frame = Frame {
        main_current: &proof.ood_main_current,
        main_next: &proof.ood_main_next,
        aux_current: &proof.ood_aux_current,
        aux_next: &proof.ood_aux_next,
    };
    air.evaluate(&frame, &challenges, &mut values);
    let zerofiers = ZerofierInverses::at(&z, domain.trace_length(), &domain.last_row_point())
        .ok_or_else(|| malformed("out-of-domain point in the trace domain"))?;
    if combine(kinds, &values, &powers(&alpha, kinds.len()), &zerofiers) != proof.ood_composition {
        return Err(VerifierError::OodMismatch);
    }

    let width = air.main_width() + air.aux_width();
    let coefficients = draw_deep_coefficients(&mut transcript, width);
    let log_final_degree = u32::from(options.log_final_degree);
    let mut betas = Vec::new();
    for (root, folds) in proof.fri_roots.iter().zip(fri::layer_folds(log_n, log_final_degree)) {
        transcript.absorb(b"fri layer", root);
        betas.extend((0..folds).map(|_| transcript.challenge_felt()));
    }
    transcript.absorb_felts(b"fri final", &proof.fri_final);
    if !transcript.pow_ok(proof.pow_nonce, u32::from(options.grinding_bits)) {
        return Err(VerifierError::BadProofOfWork);
    }
    transcript.absorb(b"pow nonce", &proof.pow_nonce.to_le_bytes());
    let lde_size = domain.lde_size();
    let queries = draw_queries(&mut transcript, usize::from(options.num_queries), lde_size);

    check_opening(
        &proof.main_root,
        lde_size,
        &queries,
        &proof.main_opening,
        air.main_width(),
        "main",
    )?;
    if let (Some(root), Some(opening)) = (&proof.aux_root, &proof.aux_opening) {
        check_opening(root, lde_size, &queries, opening, air.aux_width(), "aux")?;
    }
    check_opening(
        &proof.composition_root,
        lde_size,
        &queries,
        &proof.composition_opening,
        1,
        "composition",
    )?;

    // DEEP quotient at each query, from the opened rows.
    let gz = z * domain.trace_generator;
    let at_z: Vec<Felt> =
        proof.ood_main_current.iter().chain(&proof.ood_aux_current).cloned().collect();
    let at_gz: Vec<Felt> = proof.ood_main_next.iter().chain(&proof.ood_aux_next).cloned().collect();
    let claims = deep_claims(&coefficients, &at_z, &at_gz, &proof.ood_composition);
    let mut deep_values = Vec::with_capacity(queries.len());
    let mut row = Vec::with_capacity(width);
    for (k, &j) in queries.iter().enumerate() {
        let x = domain.lde_point(j);
        let inv_z = (x - z).inv().map_err(|_| malformed("query at z"))?;
        let inv_gz = (x - gz).inv().map_err(|_| malformed("query at gz"))?;
        row.clear();
        row.extend(proof.main_opening.rows[k].iter().cloned());
        if let Some(aux) = &proof.aux_opening {
            row.extend(aux.rows[k].iter().cloned());
        }
        deep_values.push(deep_value(
            &coefficients,
            &claims,
            &DeepPoint {
                row: &row,
                composition: &proof.composition_opening.rows[k][0],
                inv_x_minus_z: &inv_z,
                inv_x_minus_gz: &inv_gz,
            },
        ));
    }
    fri::verify(
        &FriParameters {
            log_n,
            log_blowup: domain.log_blowup,
            log_final_degree,
            offset: &domain.offset,
            generator: &domain.lde_generator,
            betas: &betas,
            roots: &proof.fri_roots,
            final_coefficients: &proof.fri_final,
        },
        &queries,
        &deep_values,
        &proof.fri_openings,
    )
}

/// Vector lengths must match the AIR and the options before any of them is indexed.
fn check_shapes<A: Air>(air: &A, proof: &StarkProof) -> Result<(), VerifierError> {
    let (mw, aw) = (air.main_width(), air.aux_width());
    if proof.ood_main_current.len() != mw || proof.ood_main_next.len() != mw {
        return Err(malformed("out-of-domain main values"));
    }
    if proof.ood_aux_current.len() != aw || proof.ood_aux_next.len() != aw {
        return Err(malformed("out-of-domain aux values"));
    }
    if proof.aux_root.is_some() != (aw > 0) || proof.aux_opening.is_some() != (aw > 0) {
        return Err(malformed("aux commitment presence"));
    }
    let log_n = proof.log_trace_length;
    let log_final_degree = u32::from(proof.options.log_final_degree);
    let layers = fri::layer_folds(log_n, log_final_degree).len();
    if proof.fri_roots.len() != layers || proof.fri_openings.len() != layers {
        return Err(malformed("number of FRI layers"));
    }
    let folds = fri::num_folds(log_n, log_final_degree) as usize;
    if proof.fri_final.len() != 1 << (log_n as usize - folds) {
        return Err(malformed("FRI final polynomial length"));
    }
    Ok(())
}

fn check_opening(
    root: &Hash,
    leaf_count: usize,
    queries: &[usize],
    opening: &Opening,
    width: usize,
    what: &'static str,
) -> Result<(), VerifierError> {
    if opening.rows.len() != queries.len() || opening.rows.iter().any(|r| r.len() != width) {
        return Err(malformed(format!("{what} opening shape")));
    }
    let leaves: Vec<Hash> = opening.rows.iter().map(|r| hash_leaf(r)).collect();
    verify_batch(root, leaf_count, queries, &leaves, &opening.merkle_proof)
        .map_err(|_| VerifierError::MerkleMismatch(what))
}
