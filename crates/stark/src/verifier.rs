//! The verifier: replays the transcript, checks the claims, the out-of-domain equation of every
//! component, the Merkle openings, the DEEP quotients at every query and FRI. Its cost is
//! polylogarithmic in the trace lengths: it never builds a domain, it only evaluates at the
//! queried points.

use crate::air::{Air, ClaimedComponent, Component};
use crate::composition::ood_composition;
use crate::domain::Domain;
use crate::error::VerifierError;
use crate::field::{Felt, powers};
use crate::fri::{self, FriParameters, QueriedInputs};
use crate::mixed_merkle::verify_mixed;
use crate::options::AcceptancePolicy;
use crate::proof::{ComponentProof, StarkProof};
use crate::protocol::{
    DeepCoefficients, DeepPoint, MAX_LOG_TRACE_LENGTH, MIN_LOG_TRACE_LENGTH, OodValues, absorb_ood,
    component_positions, deep_claims, deep_value, draw_deep_coefficients, draw_ood_point,
    draw_queries, effective_log_final_degree, seed_transcript,
};

fn malformed(what: impl Into<String>) -> VerifierError {
    VerifierError::Malformed(what.into())
}

fn ood_values(c: &ComponentProof) -> OodValues<'_> {
    OodValues {
        main_current: &c.ood_main_current,
        main_next: &c.ood_main_next,
        aux_current: &c.ood_aux_current,
        aux_next: &c.ood_aux_next,
        composition: &c.ood_composition,
    }
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
    let components = air.components();
    if components.is_empty() || proof.components.len() != components.len() {
        return Err(malformed("number of components"));
    }
    let mut log_sizes = Vec::with_capacity(components.len());
    for (component, p) in components.iter().zip(&proof.components) {
        let expected = component.log_size();
        if p.log_size != expected {
            return Err(VerifierError::TraceLengthMismatch { expected, got: p.log_size });
        }
        if !(MIN_LOG_TRACE_LENGTH..=MAX_LOG_TRACE_LENGTH).contains(&expected) {
            return Err(malformed(format!("trace length 2^{expected} unsupported")));
        }
        check_shapes(*component, p)?;
        if !crate::periodic::shapes_ok(component.periodic_columns(), 1 << expected) {
            return Err(malformed("periodic column shape"));
        }
        log_sizes.push(expected);
    }
    let log_max = *log_sizes.iter().max().expect("non-empty");
    let security = options.conjectured_security_bits(log_max);
    if security < policy.min_security_bits {
        return Err(VerifierError::InsufficientSecurity {
            got: security,
            required: policy.min_security_bits,
        });
    }
    let log_blowup = u32::from(options.log_blowup);
    let log_final_degree = effective_log_final_degree(options, &log_sizes);
    check_fri_shapes(proof, log_max, log_final_degree, &log_sizes)?;
    let largest = Domain::new(log_max, log_blowup);
    let domains: Vec<Domain> = log_sizes.iter().map(|l| Domain::new(*l, log_blowup)).collect();

    let any_aux = components.iter().any(|c| c.aux_width() > 0);
    if proof.roots.aux.is_some() != any_aux || (!any_aux && !proof.paths.aux.is_empty()) {
        return Err(malformed("aux commitment presence"));
    }
    let mut transcript = seed_transcript(air, options);
    transcript.absorb(b"main root", &proof.roots.main);
    let challenges: Vec<Felt> =
        (0..air.num_aux_challenges()).map(|_| transcript.challenge_felt()).collect();
    if let Some(root) = &proof.roots.aux {
        transcript.absorb(b"aux root", root);
    }
    let claims: Vec<Vec<Felt>> = proof.components.iter().map(|p| p.claims.clone()).collect();
    for c in &claims {
        transcript.absorb_felts(b"claims", c);
    }
    if !air.check_claims(&challenges, &claims) {
        return Err(VerifierError::ClaimsRejected);
    }
    let alpha = transcript.challenge_felt();
    transcript.absorb(b"composition root", &proof.roots.composition);
    let z = draw_ood_point(&mut transcript, &largest);

    // Each component's constraints, combined exactly as the prover combined them, must match
    // its composition value at z.
    let claimed: Vec<ClaimedComponent<'_>> =
        components.iter().map(|c| ClaimedComponent::new(*c)).collect();
    let total_constraints: usize = claimed.iter().map(|c| c.kinds().len()).sum();
    let alpha_powers = powers(&alpha, total_constraints);
    let mut first_power = 0;
    for ((c, p), domain) in claimed.iter().zip(&proof.components).zip(&domains) {
        let count = c.kinds().len();
        let expected = ood_composition(
            c,
            domain,
            &z,
            &ood_values(p),
            &challenges,
            &p.claims,
            &alpha_powers[first_power..first_power + count],
        )
        .ok_or_else(|| malformed("out-of-domain point in the trace domain"))?;
        if expected != p.ood_composition {
            return Err(VerifierError::OodMismatch);
        }
        first_power += count;
        absorb_ood(&mut transcript, &ood_values(p));
    }

    let widths: Vec<usize> = components.iter().map(|c| c.main_width() + c.aux_width()).collect();
    let coefficients = draw_deep_coefficients(&mut transcript, &widths);
    let mut degrees: Vec<u32> = log_sizes.clone();
    degrees.sort_unstable_by(|a, b| b.cmp(a));
    degrees.dedup();
    let mut betas = Vec::new();
    for (root, folds) in
        proof.fri_roots.iter().zip(fri::layer_folds(log_max, log_final_degree, &degrees))
    {
        transcript.absorb(b"fri layer", root);
        betas.extend((0..folds).map(|_| transcript.challenge_felt()));
    }
    transcript.absorb_felts(b"fri final", &proof.fri_final);
    if !transcript.pow_ok(proof.pow_nonce, u32::from(options.grinding_bits)) {
        return Err(VerifierError::BadProofOfWork);
    }
    transcript.absorb(b"pow nonce", &proof.pow_nonce.to_le_bytes());
    let queries =
        draw_queries(&mut transcript, usize::from(options.num_queries), largest.lde_size());

    // DEEP quotient of each component at its query positions, from the opened rows.
    let mut inputs = QueriedInputs::new();
    for (((component, p), domain), coefficients) in
        components.iter().zip(&proof.components).zip(&domains).zip(&coefficients)
    {
        let positions = component_positions(&queries, domain.lde_size());
        check_opened_shapes(*component, p, positions.len())?;
        let values = inputs.entry(domain.log_size).or_default();
        let deep = deep_at_positions(p, domain, coefficients, &z, &positions)?;
        for (position, value) in positions.iter().zip(deep) {
            *values.entry(*position).or_insert(Felt::zero()) += value;
        }
    }
    check_trees(proof, &domains, &queries)?;
    fri::verify(
        &FriParameters {
            log_size: log_max,
            log_blowup,
            log_final_degree,
            offset: &largest.offset,
            generator: &largest.lde_generator,
            betas: &betas,
            roots: &proof.fri_roots,
            final_coefficients: &proof.fri_final,
        },
        &queries,
        &inputs,
        &proof.fri_openings,
    )
}

/// The DEEP quotient of one component at its query positions.
fn deep_at_positions(
    p: &ComponentProof,
    domain: &Domain,
    coefficients: &DeepCoefficients,
    z: &Felt,
    positions: &[usize],
) -> Result<Vec<Felt>, VerifierError> {
    let gz = *z * domain.trace_generator;
    let at_z: Vec<Felt> = p.ood_main_current.iter().chain(&p.ood_aux_current).cloned().collect();
    let at_gz: Vec<Felt> = p.ood_main_next.iter().chain(&p.ood_aux_next).cloned().collect();
    let claims = deep_claims(coefficients, &at_z, &at_gz, &p.ood_composition);
    let mut row = Vec::with_capacity(at_z.len());
    let mut out = Vec::with_capacity(positions.len());
    for (k, &j) in positions.iter().enumerate() {
        let x = domain.lde_point(j);
        let inv_z = (x - z).inv().map_err(|_| malformed("query at z"))?;
        let inv_gz = (x - gz).inv().map_err(|_| malformed("query at gz"))?;
        row.clear();
        row.extend(p.main_rows[k].iter().cloned());
        if let Some(aux) = &p.aux_rows {
            row.extend(aux[k].iter().cloned());
        }
        out.push(deep_value(
            coefficients,
            &claims,
            &DeepPoint {
                row: &row,
                composition: &p.composition_values[k],
                inv_x_minus_z: &inv_z,
                inv_x_minus_gz: &inv_gz,
            },
        ));
    }
    Ok(out)
}

/// Vector lengths must match the component before any of them is indexed.
fn check_shapes(component: &dyn Component, p: &ComponentProof) -> Result<(), VerifierError> {
    let (mw, aw) = (component.main_width(), component.aux_width());
    if p.ood_main_current.len() != mw || p.ood_main_next.len() != mw {
        return Err(malformed("out-of-domain main values"));
    }
    if p.ood_aux_current.len() != aw || p.ood_aux_next.len() != aw {
        return Err(malformed("out-of-domain aux values"));
    }
    if p.aux_rows.is_some() != (aw > 0) {
        return Err(malformed("aux rows presence"));
    }
    if p.claims.len() != component.claim_columns().len() {
        return Err(malformed("number of claims"));
    }
    Ok(())
}

fn check_fri_shapes(
    proof: &StarkProof,
    log_max: u32,
    log_final_degree: u32,
    log_sizes: &[u32],
) -> Result<(), VerifierError> {
    let layers = fri::layer_folds(log_max, log_final_degree, log_sizes).len();
    if proof.fri_roots.len() != layers || proof.fri_openings.len() != layers {
        return Err(malformed("number of FRI layers"));
    }
    if proof.fri_final.len() != 1 << log_final_degree {
        return Err(malformed("FRI final polynomial length"));
    }
    Ok(())
}

/// Every opened row must be there, at its width, before any is read.
fn check_opened_shapes(
    component: &dyn Component,
    p: &ComponentProof,
    positions: usize,
) -> Result<(), VerifierError> {
    let fits = |rows: &[Vec<Felt>], width: usize| {
        rows.len() == positions && rows.iter().all(|r| r.len() == width)
    };
    if !fits(&p.main_rows, component.main_width()) {
        return Err(malformed("main opening shape"));
    }
    if let Some(aux) = &p.aux_rows
        && !fits(aux, component.aux_width())
    {
        return Err(malformed("aux opening shape"));
    }
    if p.composition_values.len() != positions {
        return Err(malformed("composition opening shape"));
    }
    Ok(())
}

/// The opened rows of every component against the three trees (shapes checked before).
fn check_trees(
    proof: &StarkProof,
    domains: &[Domain],
    queries: &[usize],
) -> Result<(), VerifierError> {
    let components = &proof.components;
    let heights: Vec<u32> = domains.iter().map(|d| d.log_size + d.log_blowup).collect();
    verify_mixed(
        &proof.roots.main,
        &heights,
        queries,
        |c, i, row| row.extend_from_slice(&components[c].main_rows[i]),
        &proof.paths.main,
    )
    .map_err(|_| VerifierError::MerkleMismatch("main"))?;
    if let Some(root) = &proof.roots.aux {
        let with_aux: Vec<(&Vec<Vec<Felt>>, u32)> = components
            .iter()
            .zip(&heights)
            .filter_map(|(p, h)| p.aux_rows.as_ref().map(|rows| (rows, *h)))
            .collect();
        let aux_heights: Vec<u32> = with_aux.iter().map(|(_, h)| *h).collect();
        verify_mixed(
            root,
            &aux_heights,
            queries,
            |c, i, row| row.extend_from_slice(&with_aux[c].0[i]),
            &proof.paths.aux,
        )
        .map_err(|_| VerifierError::MerkleMismatch("aux"))?;
    }
    verify_mixed(
        &proof.roots.composition,
        &heights,
        queries,
        |c, i, row| row.push(components[c].composition_values[i]),
        &proof.paths.composition,
    )
    .map_err(|_| VerifierError::MerkleMismatch("composition"))
}
