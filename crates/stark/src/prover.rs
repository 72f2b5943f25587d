//! The prover: commit to the trace, build the composition polynomial, open it out of domain,
//! and prove the DEEP quotient low-degree with FRI.

use crate::air::{Air, Frame};
use crate::composition::{ZerofierInverses, combine};
use crate::domain::Domain;
use crate::error::ProverError;
use crate::fft::{LdePlan, evaluate_at, interpolate_on_coset, low_degree_extension};
use crate::field::{Felt, batch_inverse, powers};
use crate::fri;
use crate::merkle::MerkleTree;
use crate::options::ProofOptions;
use crate::parallel;
use crate::proof::{Opening, StarkProof};
use crate::protocol::{
    DeepPoint, OodValues, absorb_ood, deep_claims, deep_value, draw_deep_coefficients,
    draw_ood_point, draw_queries, seed_transcript,
};
use crate::trace::TraceTable;

/// Smallest supported trace: FRI and the composition need a few rows.
pub const MIN_LOG_TRACE_LENGTH: u32 = 3;
/// Largest supported trace (the evaluation domain must stay addressable and in memory).
pub const MAX_LOG_TRACE_LENGTH: u32 = 26;

/// Columns extended to the evaluation domain, and their commitment.
struct Committed {
    columns: Vec<Vec<Felt>>,
    tree: MerkleTree,
}

impl Committed {
    fn new(columns: &[Vec<Felt>], domain: &Domain, plan: &LdePlan) -> Self {
        let t = std::time::Instant::now();
        let columns = extend_columns(columns, plan);
        tracing::debug!(target: "stark::prover", ms = t.elapsed().as_millis() as u64, width = columns.len(), "low-degree extension");
        let width = columns.len();
        let tree = MerkleTree::from_rows(domain.lde_size(), width, |j, row| {
            row.extend(columns.iter().map(|c| c[j]));
        });
        tracing::debug!(target: "stark::prover", ms = t.elapsed().as_millis() as u64, "extension and Merkle tree");
        Self { columns, tree }
    }

    fn open(&self, queries: &[usize]) -> Opening {
        let rows = queries.iter().map(|&j| self.columns.iter().map(|c| c[j]).collect()).collect();
        Opening { rows, merkle_proof: self.tree.prove_batch(queries) }
    }
}

/// Interpolates each column over the trace domain and evaluates it on the evaluation coset.
/// Columns are spread over threads; a lone column uses threads inside its FFTs instead.
fn extend_columns(columns: &[Vec<Felt>], plan: &LdePlan) -> Vec<Vec<Felt>> {
    if columns.len() >= 2 * parallel::num_threads() {
        parallel::map_range(columns.len(), |c| plan.extend(&columns[c], false))
    } else {
        columns.iter().map(|c| plan.extend(c, true)).collect()
    }
}

/// Proves that `main` satisfies `air`. In debug builds the trace is checked first and a
/// violation is reported with its row and constraint.
pub fn prove<A: Air>(
    air: &A,
    main: TraceTable,
    options: &ProofOptions,
) -> Result<StarkProof, ProverError> {
    prove_inner(air, main, options, cfg!(debug_assertions))
}

/// Like [`prove`], without the debug check. Tests use it to show that the verifier, not the
/// prover, is what rejects a bad trace.
pub fn prove_unchecked<A: Air>(
    air: &A,
    main: TraceTable,
    options: &ProofOptions,
) -> Result<StarkProof, ProverError> {
    prove_inner(air, main, options, false)
}

fn prove_inner<A: Air>(
    air: &A,
    main: TraceTable,
    options: &ProofOptions,
    check: bool,
) -> Result<StarkProof, ProverError> {
    let log_n = air.log_trace_length();
    let n = 1usize << log_n;
    if !(MIN_LOG_TRACE_LENGTH..=MAX_LOG_TRACE_LENGTH).contains(&log_n) || main.length() != n {
        return Err(ProverError::BadTraceLength(main.length()));
    }
    if main.width() != air.main_width() {
        return Err(ProverError::MainWidth { expected: air.main_width(), got: main.width() });
    }
    if !options.is_well_formed() {
        return Err(ProverError::BadOptions(*options));
    }
    let domain = Domain::new(log_n, u32::from(options.log_blowup));
    let plan = LdePlan::new(log_n, domain.log_blowup, &domain.offset);
    let twiddles = plan.twiddles();
    let blowup = domain.blowup();
    let lde_size = domain.lde_size();
    let mut transcript = seed_transcript(air, options);

    let started = std::time::Instant::now();
    let phase = |name: &str| tracing::info!(target: "stark::prover", elapsed_ms = started.elapsed().as_millis() as u64, "{name}");
    phase("committing the main trace");
    // 1. Main trace.
    let main_committed = Committed::new(main.columns(), &domain, &plan);
    transcript.absorb(b"main root", &main_committed.tree.root());
    let mut challenges: Vec<Felt> =
        (0..air.num_aux_challenges()).map(|_| transcript.challenge_felt()).collect();
    let terms = air.challenge_terms(&challenges);
    challenges.extend(terms);

    phase("committing the auxiliary trace");
    // 2. Auxiliary trace, built with the challenges.
    let aux = air.build_aux_trace(&main, &challenges);
    if aux.width() != air.aux_width() || aux.length() != n {
        return Err(ProverError::AuxWidth { expected: air.aux_width(), got: aux.width() });
    }
    if check {
        crate::debug::validate_trace(air, &main, &aux, &challenges)
            .map_err(ProverError::ConstraintViolation)?;
    }
    drop(main);
    let aux_committed = (aux.width() > 0).then(|| Committed::new(aux.columns(), &domain, &plan));
    drop(aux);
    if let Some(c) = &aux_committed {
        transcript.absorb(b"aux root", &c.tree.root());
    }
    let empty: Vec<Vec<Felt>> = Vec::new();
    let aux_columns = aux_committed.as_ref().map_or(&empty, |c| &c.columns);

    // 3. Composition polynomial: evaluated on coset 1, where every zerofier is invertible; it
    // has degree < n, so n values determine it.
    phase("evaluating the composition polynomial");
    let alpha = transcript.challenge_felt();
    let alpha_powers = powers(&alpha, air.constraint_kinds().len());
    let mut composition = evaluate_composition(
        air,
        &domain,
        &main_committed.columns,
        aux_columns,
        &challenges,
        &alpha_powers,
    );
    interpolate_on_coset(&mut composition, &domain.composition_shift(), twiddles, true);
    let composition_coefficients = composition;
    let composition_lde = low_degree_extension(
        &composition_coefficients,
        domain.log_blowup,
        &domain.offset,
        twiddles,
        true,
    );
    let composition_tree =
        MerkleTree::from_rows(lde_size, 1, |j, row| row.push(composition_lde[j]));
    transcript.absorb(b"composition root", &composition_tree.root());

    phase("out-of-domain evaluation");
    // 4. Out-of-domain values.
    let z = draw_ood_point(&mut transcript, &domain);
    let gz = z * domain.trace_generator;
    let main_at = |x: &Felt| evaluate_columns_at(&main_committed.columns, &domain, x);
    let aux_at = |x: &Felt| evaluate_columns_at(aux_columns, &domain, x);
    let (ood_main_current, ood_main_next) = (main_at(&z), main_at(&gz));
    let (ood_aux_current, ood_aux_next) = (aux_at(&z), aux_at(&gz));
    let ood_composition = evaluate_at(&composition_coefficients, &z);
    if check {
        // With a valid trace this only fails if a constraint breaks the degree rules.
        let kinds = air.constraint_kinds();
        let mut values = vec![Felt::zero(); kinds.len()];
        let frame = Frame {
            main_current: &ood_main_current,
            main_next: &ood_main_next,
            aux_current: &ood_aux_current,
            aux_next: &ood_aux_next,
        };
        air.evaluate(&frame, &challenges, &mut values);
        let zerofiers = ZerofierInverses::at(&z, n, &domain.last_row_point())
            .expect("z is outside the trace domain");
        if combine(kinds, &values, &alpha_powers, &zerofiers) != ood_composition {
            return Err(ProverError::DegreeTooHigh);
        }
    }
    absorb_ood(
        &mut transcript,
        &OodValues {
            main_current: &ood_main_current,
            main_next: &ood_main_next,
            aux_current: &ood_aux_current,
            aux_next: &ood_aux_next,
            composition: &ood_composition,
        },
    );

    phase("DEEP composition");
    // 5. DEEP quotient on the whole evaluation domain.
    let width = air.main_width() + air.aux_width();
    let coefficients = draw_deep_coefficients(&mut transcript, width);
    let at_z: Vec<Felt> = ood_main_current.iter().chain(&ood_aux_current).cloned().collect();
    let at_gz: Vec<Felt> = ood_main_next.iter().chain(&ood_aux_next).cloned().collect();
    let claims = deep_claims(&coefficients, &at_z, &at_gz, &ood_composition);
    let mut deep = vec![Felt::zero(); lde_size];
    let chunk = parallel::chunk_size(lde_size, 1 << 10);
    parallel::for_each_chunk_mut(&mut deep, chunk, |c, out| {
        let start = c * chunk;
        let mut x = domain.lde_point(start);
        let mut inv_z = Vec::with_capacity(out.len());
        let mut inv_gz = Vec::with_capacity(out.len());
        for _ in 0..out.len() {
            inv_z.push(x - z);
            inv_gz.push(x - gz);
            x *= domain.lde_generator;
        }
        batch_inverse(&mut inv_z);
        batch_inverse(&mut inv_gz);
        let mut row = Vec::with_capacity(width);
        for (k, v) in out.iter_mut().enumerate() {
            let j = start + k;
            row.clear();
            row.extend(main_committed.columns.iter().chain(aux_columns.iter()).map(|col| col[j]));
            *v = deep_value(
                &coefficients,
                &claims,
                &DeepPoint {
                    row: &row,
                    composition: &composition_lde[j],
                    inv_x_minus_z: &inv_z[k],
                    inv_x_minus_gz: &inv_gz[k],
                },
            );
        }
    });

    phase("FRI");
    // 6. FRI.
    let fri = fri::commit(
        deep,
        log_n,
        domain.log_blowup,
        u32::from(options.log_final_degree),
        &domain.offset,
        &domain.lde_generator,
        &mut transcript,
    )
    .ok_or(ProverError::NotLowDegree)?;

    phase("proof of work and queries");
    // 7. Proof of work, then queries.
    let pow_nonce = transcript.grind(u32::from(options.grinding_bits));
    transcript.absorb(b"pow nonce", &pow_nonce.to_le_bytes());
    let queries = draw_queries(&mut transcript, usize::from(options.num_queries), lde_size);
    let composition_opening = Opening {
        rows: queries.iter().map(|&j| vec![composition_lde[j]]).collect(),
        merkle_proof: composition_tree.prove_batch(&queries),
    };
    debug_assert_eq!(blowup * n, lde_size);
    phase("proof done");
    Ok(StarkProof {
        options: *options,
        log_trace_length: log_n,
        main_root: main_committed.tree.root(),
        aux_root: aux_committed.as_ref().map(|c| c.tree.root()),
        composition_root: composition_tree.root(),
        ood_main_current,
        ood_main_next,
        ood_aux_current,
        ood_aux_next,
        ood_composition,
        fri_roots: fri.roots(),
        fri_final: fri.final_coefficients.clone(),
        pow_nonce,
        main_opening: main_committed.open(&queries),
        aux_opening: aux_committed.as_ref().map(|c| c.open(&queries)),
        composition_opening,
        fri_openings: fri.open(&queries),
    })
}

/// Composition values at `s g^i`, `i < n`, on coset 1 (`s = h w`, LDE indices `i * blowup + 1`).
fn evaluate_composition<A: Air>(
    air: &A,
    domain: &Domain,
    main: &[Vec<Felt>],
    aux: &[Vec<Felt>],
    challenges: &[Felt],
    alpha_powers: &[Felt],
) -> Vec<Felt> {
    let n = domain.trace_length();
    let blowup = domain.blowup();
    let kinds = air.constraint_kinds();
    let last = domain.last_row_point();
    let shift = domain.composition_shift();
    let every_row = (shift.pow(n as u64) - Felt::one()).inv().expect("coset 1 misses <g>");
    let mut out = vec![Felt::zero(); n];
    let chunk = parallel::chunk_size(n, 256);
    parallel::for_each_chunk_mut(&mut out, chunk, |c, values| {
        let start = c * chunk;
        let mut xs = Vec::with_capacity(values.len());
        let mut x = shift * domain.trace_generator.pow(start as u64);
        for _ in 0..values.len() {
            xs.push(x);
            x *= domain.trace_generator;
        }
        let mut first: Vec<Felt> = xs.iter().map(|x| x - Felt::one()).collect();
        let mut last_inv: Vec<Felt> = xs.iter().map(|x| x - last).collect();
        batch_inverse(&mut first);
        batch_inverse(&mut last_inv);
        let (mut mc, mut mn, mut ac, mut an) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut constraint_values = vec![Felt::zero(); kinds.len()];
        for (k, v) in values.iter_mut().enumerate() {
            let i = start + k;
            let (j, j_next) = (i * blowup + 1, ((i + 1) % n) * blowup + 1);
            let read = |cols: &[Vec<Felt>], j: usize, out: &mut Vec<Felt>| {
                out.clear();
                out.extend(cols.iter().map(|col| col[j]));
            };
            read(main, j, &mut mc);
            read(main, j_next, &mut mn);
            read(aux, j, &mut ac);
            read(aux, j_next, &mut an);
            let frame =
                Frame { main_current: &mc, main_next: &mn, aux_current: &ac, aux_next: &an };
            air.evaluate(&frame, challenges, &mut constraint_values);
            let zerofiers = ZerofierInverses {
                every_row,
                transition: (xs[k] - last) * every_row,
                first_row: first[k],
                last_row: last_inv[k],
            };
            *v = combine(kinds, &constraint_values, alpha_powers, &zerofiers);
        }
    });
    out
}

/// Evaluates columns (given on the evaluation domain) at an arbitrary point `x` outside the
/// coset `h<g>`, by the barycentric formula over that coset:
/// `t(x) = (x^n - h^n) / (n h^n) * sum_i t(x_i) x_i / (x - x_i)`.
fn evaluate_columns_at(columns: &[Vec<Felt>], domain: &Domain, x: &Felt) -> Vec<Felt> {
    if columns.is_empty() {
        return Vec::new();
    }
    let n = domain.trace_length();
    let blowup = domain.blowup();
    let h_n = domain.offset.pow(n as u64);
    let scale = (x.pow(n as u64) - h_n) * (Felt::from(n as u64) * h_n).inv().expect("non-zero");
    let mut weights = vec![Felt::zero(); n];
    let chunk = parallel::chunk_size(n, 1 << 10);
    parallel::for_each_chunk_mut(&mut weights, chunk, |c, out| {
        let start = c * chunk;
        let mut xi = domain.offset * domain.trace_generator.pow(start as u64);
        let mut points = Vec::with_capacity(out.len());
        for w in out.iter_mut() {
            *w = x - xi;
            points.push(xi);
            xi *= domain.trace_generator;
        }
        batch_inverse(out);
        for (w, p) in out.iter_mut().zip(points) {
            *w *= p;
        }
    });
    parallel::map_range(columns.len(), |c| {
        let col = &columns[c];
        let sum =
            weights.iter().enumerate().fold(Felt::zero(), |acc, (i, w)| acc + w * col[i * blowup]);
        sum * scale
    })
}
