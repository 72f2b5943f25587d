//! The prover: commit to the trace, build the composition polynomial, open it out of domain,
//! and prove the DEEP quotient low-degree with FRI.

use crate::air::{Air, ClaimedComponent, Frame};
use crate::composition::{ZerofierInverses, combine, ood_composition};
use crate::domain::Domain;
use crate::error::ProverError;
use crate::fft::{LdePlan, evaluate_at, interpolate_on_coset, low_degree_extension};
use crate::field::{Felt, batch_inverse, powers};
use crate::fri::{self, FriInput};
use crate::lde::LdeColumns;
use crate::merkle::Hash;
use crate::mixed_merkle::MixedTree;
use crate::options::ProofOptions;
use crate::parallel;
use crate::periodic::{self, PeriodicLde};
use crate::proof::{Commitments, ComponentProof, StarkProof, TreePaths};
use crate::protocol::{
    ColumnSums, DeepCoefficients, MAX_LOG_TRACE_LENGTH, MIN_LOG_TRACE_LENGTH, OodValues,
    absorb_ood, component_positions, deep_claims, deep_from_sums, draw_deep_coefficients,
    draw_ood_point, draw_queries, effective_log_final_degree, seed_transcript,
};
use crate::trace::TraceTable;

/// Extends a component's columns to its evaluation domain. Takes the trace columns by value:
/// they become coset 0 of the extension.
fn extend(columns: Vec<Vec<Felt>>, domain: &Domain, plan: &LdePlan) -> LdeColumns {
    let t = std::time::Instant::now();
    let columns = LdeColumns::extend(columns, plan, domain.log_blowup);
    tracing::debug!(target: "stark::prover", ms = t.elapsed().as_millis() as u64, width = columns.width(), "low-degree extension");
    columns
}

/// The extended columns of several components, as one tree holds them.
type Tables<'a> = Vec<(&'a Domain, &'a LdeColumns)>;

fn heights(tables: &Tables<'_>) -> Vec<u32> {
    tables.iter().map(|(d, _)| d.log_size + d.log_blowup).collect()
}

/// One tree over the extended columns of several components (`crate::mixed_merkle`).
fn commit(tables: &Tables<'_>) -> MixedTree {
    let t = std::time::Instant::now();
    let tree = MixedTree::new(&heights(tables), |table, j, row| tables[table].1.read_row(j, row));
    tracing::debug!(target: "stark::prover", ms = t.elapsed().as_millis() as u64, tables = tables.len(), "Merkle tree");
    tree
}

/// The tree's batched paths at the queries.
fn tree_paths(tree: &MixedTree, tables: &Tables<'_>, queries: &[usize]) -> Vec<Hash> {
    tree.prove(queries, |table, j, row| tables[table].1.read_row(j, row))
}

/// The rows of extended columns at `positions`.
fn open_rows(columns: &LdeColumns, positions: &[usize]) -> Vec<Vec<Felt>> {
    positions
        .iter()
        .map(|&j| {
            let mut row = Vec::with_capacity(columns.width());
            columns.read_row(j, &mut row);
            row
        })
        .collect()
}

/// Proves that `traces` (one main trace per component, in the order of
/// [`Air::components`]) satisfy `air`. In debug builds every table is checked first and a
/// violation is reported with its component, row and constraint.
pub fn prove<A: Air>(
    air: &A,
    traces: Vec<TraceTable>,
    options: &ProofOptions,
) -> Result<StarkProof, ProverError> {
    prove_inner(air, traces, options, Checks { rows: cfg!(debug_assertions), claims: true })
}

/// Like [`prove`], without the debug check of the rows and without the check of the claims.
/// Tests use it to show that the verifier, not the prover, is what rejects a bad trace.
pub fn prove_unchecked<A: Air>(
    air: &A,
    traces: Vec<TraceTable>,
    options: &ProofOptions,
) -> Result<StarkProof, ProverError> {
    prove_inner(air, traces, options, Checks { rows: false, claims: false })
}

/// What the prover checks before it proves.
#[derive(Clone, Copy)]
struct Checks {
    /// Every constraint on every row (debug builds), and the composition's degree.
    rows: bool,
    /// The statement's check of the claims (cheap, always on in [`prove`]).
    claims: bool,
}

/// Every component's extended main columns.
fn main_tables<'a>(states: &'a [ComponentState<'_>]) -> Tables<'a> {
    states.iter().map(|s| (&s.domain, &s.main)).collect()
}

/// The extended auxiliary columns of the components that have some.
fn aux_tables<'a>(states: &'a [ComponentState<'_>]) -> Tables<'a> {
    states.iter().filter_map(|s| s.aux.as_ref().map(|a| (&s.domain, a))).collect()
}

/// The prover's state for one component.
struct ComponentState<'a> {
    claimed: ClaimedComponent<'a>,
    domain: Domain,
    plan: LdePlan,
    main: LdeColumns,
    aux: Option<LdeColumns>,
    claims: Vec<Felt>,
    /// The component's periodic columns on its evaluation domain.
    periodic: PeriodicLde,
}

impl ComponentState<'_> {
    /// The extended main columns, then the auxiliary ones.
    fn all_columns(&self) -> impl Iterator<Item = &LdeColumns> {
        std::iter::once(&self.main).chain(self.aux.as_ref())
    }

    fn aux_width(&self) -> usize {
        self.aux.as_ref().map_or(0, |a| a.width())
    }
}

/// The process's resident memory in MiB, where the OS says (Linux: `VmRSS` in
/// `/proc/self/status`), for the phase log: what each phase starts with, so a profile shows
/// where the memory goes.
fn resident_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib >> 10)
}

fn prove_inner<A: Air>(
    air: &A,
    traces: Vec<TraceTable>,
    options: &ProofOptions,
    checks: Checks,
) -> Result<StarkProof, ProverError> {
    let check = checks.rows;
    let components = air.components();
    if components.is_empty() || components.len() != traces.len() {
        return Err(ProverError::ComponentCount { expected: components.len(), got: traces.len() });
    }
    for (component, trace) in components.iter().zip(&traces) {
        let log_size = component.log_size();
        if !(MIN_LOG_TRACE_LENGTH..=MAX_LOG_TRACE_LENGTH).contains(&log_size)
            || trace.length() != 1 << log_size
        {
            return Err(ProverError::BadTraceLength(trace.length()));
        }
        if trace.width() != component.main_width() {
            return Err(ProverError::MainWidth {
                expected: component.main_width(),
                got: trace.width(),
            });
        }
        if !periodic::shapes_ok(component.periodic_columns(), trace.length()) {
            return Err(ProverError::BadPeriodicColumn(component.component_name().to_string()));
        }
    }
    if !options.is_well_formed() {
        return Err(ProverError::BadOptions(*options));
    }
    let log_blowup = u32::from(options.log_blowup);
    let log_sizes: Vec<u32> = components.iter().map(|c| c.log_size()).collect();
    let log_max = *log_sizes.iter().max().expect("non-empty");
    let largest = Domain::new(log_max, log_blowup);
    let mut transcript = seed_transcript(air, options);

    let started = std::time::Instant::now();
    let phase = |name: &str| {
        let elapsed_ms = started.elapsed().as_millis() as u64;
        tracing::info!(target: "stark::prover", elapsed_ms, resident_mib = resident_mib(), "{name}")
    };
    phase("committing the main traces");
    // 1. Main traces.
    let mut states = Vec::with_capacity(components.len());
    for (component, trace) in components.iter().zip(traces) {
        let domain = Domain::new(component.log_size(), log_blowup);
        let plan = LdePlan::new(domain.log_size, log_blowup, &domain.offset);
        let main = extend(trace.into_columns(), &domain, &plan);
        states.push(ComponentState {
            claimed: ClaimedComponent::new(*component),
            domain,
            plan,
            main,
            aux: None,
            claims: Vec::new(),
            periodic: PeriodicLde::new(component.periodic_columns(), log_blowup),
        });
    }
    let main_tree = commit(&main_tables(&states));
    transcript.absorb(b"main root", &main_tree.root());
    let challenges: Vec<Felt> =
        (0..air.num_aux_challenges()).map(|_| transcript.challenge_felt()).collect();

    phase("committing the auxiliary traces");
    // 2. Auxiliary traces, built with the challenges; their claims. The tables are built in
    // parallel (each builder may use the threads too), then checked and committed in order.
    // Each main trace is coset 0 of its extension: lent out as a table while the builders run.
    let mains: Vec<TraceTable> = states
        .iter_mut()
        .map(|s| TraceTable::new(s.main.take_trace(), s.domain.trace_length()))
        .collect();
    let auxes = parallel::map_range(states.len(), |i| {
        states[i].claimed.component.build_aux_trace(&mains[i], &challenges)
    });
    for ((state, main), aux) in states.iter_mut().zip(mains).zip(auxes) {
        let component = state.claimed.component;
        if aux.width() != component.aux_width() || aux.length() != main.length() {
            return Err(ProverError::AuxWidth {
                expected: component.aux_width(),
                got: aux.width(),
            });
        }
        let last = main.length() - 1;
        state.claims = component.claim_columns().iter().map(|c| *aux.get(last, *c)).collect();
        if check {
            crate::debug::validate_component(
                &state.claimed,
                &main,
                &aux,
                &challenges,
                &state.claims,
            )
            .map_err(ProverError::ConstraintViolation)?;
        }
        state.main.restore_trace(main.into_columns());
        if aux.width() > 0 {
            state.aux = Some(extend(aux.into_columns(), &state.domain, &state.plan));
        }
    }
    let with_aux = aux_tables(&states);
    let aux_tree = (!with_aux.is_empty()).then(|| commit(&with_aux));
    if let Some(tree) = &aux_tree {
        transcript.absorb(b"aux root", &tree.root());
    }
    let claims: Vec<Vec<Felt>> = states.iter().map(|s| s.claims.clone()).collect();
    for c in &claims {
        transcript.absorb_felts(b"claims", c);
    }
    if checks.claims && !air.check_claims(&challenges, &claims) {
        return Err(ProverError::ClaimsRejected);
    }

    // 3. Composition polynomials, one per component: evaluated on coset 1, where every
    // zerofier is invertible; each has degree < n, so n values determine it.
    phase("evaluating the composition polynomials");
    let alpha = transcript.challenge_felt();
    let total_constraints: usize = states.iter().map(|s| s.claimed.kinds().len()).sum();
    let alpha_powers = powers(&alpha, total_constraints);
    // Per component, the composition's coefficients (until the out-of-domain step) and its
    // extension.
    let mut composition_coefficients = Vec::with_capacity(states.len());
    let mut compositions = Vec::with_capacity(states.len());
    let mut first_power = 0;
    for state in &states {
        let count = state.claimed.kinds().len();
        let powers = &alpha_powers[first_power..first_power + count];
        first_power += count;
        let mut values = evaluate_composition(state, &challenges, powers);
        let twiddles = state.plan.twiddles();
        interpolate_on_coset(&mut values, &state.domain.composition_shift(), twiddles, true);
        let lde = low_degree_extension(
            &values,
            state.domain.log_blowup,
            &state.domain.offset,
            twiddles,
            true,
        );
        composition_coefficients.push(values);
        compositions.push(lde);
    }
    let heights: Vec<u32> = states.iter().map(|s| s.domain.log_size + log_blowup).collect();
    let composition_row = |table: usize, j: usize, row: &mut Vec<Felt>| {
        row.push(compositions[table][j]);
    };
    let composition_tree = MixedTree::new(&heights, composition_row);
    transcript.absorb(b"composition root", &composition_tree.root());

    phase("out-of-domain evaluation");
    // 4. Out-of-domain values.
    let z = draw_ood_point(&mut transcript, &largest);
    let mut oods = Vec::with_capacity(states.len());
    let mut first_power = 0;
    for (state, coefficients) in states.iter().zip(&composition_coefficients) {
        let gz = z * state.domain.trace_generator;
        // One set of barycentric weights per point serves the main and the auxiliary columns.
        let (at_z, at_gz) =
            (Barycentric::new(&state.domain, &z), Barycentric::new(&state.domain, &gz));
        let aux = state.aux.as_ref();
        let ood = Ood {
            main_current: at_z.evaluate(Some(&state.main)),
            main_next: at_gz.evaluate(Some(&state.main)),
            aux_current: at_z.evaluate(aux),
            aux_next: at_gz.evaluate(aux),
            composition: evaluate_at(coefficients, &z),
        };
        let count = state.claimed.kinds().len();
        if check {
            // With a valid trace this only fails if a constraint breaks the degree rules.
            let powers = &alpha_powers[first_power..first_power + count];
            if ood_composition(
                &state.claimed,
                &state.domain,
                &z,
                &ood.values(),
                &challenges,
                &state.claims,
                powers,
            ) != Some(ood.composition)
            {
                return Err(ProverError::DegreeTooHigh);
            }
        }
        first_power += count;
        absorb_ood(&mut transcript, &ood.values());
        oods.push(ood);
    }

    drop(composition_coefficients);

    phase("DEEP composition");
    // 5. DEEP quotient of each component on its evaluation domain.
    let widths: Vec<usize> = states.iter().map(|s| s.main.width() + s.aux_width()).collect();
    let coefficients = draw_deep_coefficients(&mut transcript, &widths);
    let mut fri_inputs: Vec<FriInput> = states
        .iter()
        .zip(&oods)
        .zip(&compositions)
        .zip(&coefficients)
        .map(|(((state, ood), composition_lde), coefficients)| FriInput {
            log_degree: state.domain.log_size,
            evaluations: deep_quotient(state, ood, composition_lde, coefficients, &z),
        })
        .collect();
    // Largest first; a stable sort keeps the component order within a size.
    fri_inputs.sort_by_key(|input| std::cmp::Reverse(input.log_degree));

    phase("FRI");
    // 6. FRI.
    let log_final_degree = effective_log_final_degree(options, &log_sizes);
    let fri = fri::commit(
        fri_inputs,
        log_blowup,
        log_final_degree,
        &largest.offset,
        &largest.lde_generator,
        &mut transcript,
    )
    .ok_or(ProverError::NotLowDegree)?;

    phase("proof of work and queries");
    // 7. Proof of work, then queries in the largest domain; a component is opened at the
    // query index modulo its domain size (the point the FRI folding maps the query to).
    let pow_nonce = transcript.grind(u32::from(options.grinding_bits));
    transcript.absorb(b"pow nonce", &pow_nonce.to_le_bytes());
    let queries =
        draw_queries(&mut transcript, usize::from(options.num_queries), largest.lde_size());
    let component_proofs = states
        .iter()
        .zip(oods)
        .zip(&compositions)
        .map(|((state, ood), composition_lde)| {
            let positions = component_positions(&queries, state.domain.lde_size());
            ComponentProof {
                log_size: state.domain.log_size,
                claims: state.claims.clone(),
                ood_main_current: ood.main_current,
                ood_main_next: ood.main_next,
                ood_aux_current: ood.aux_current,
                ood_aux_next: ood.aux_next,
                ood_composition: ood.composition,
                main_rows: open_rows(&state.main, &positions),
                aux_rows: state.aux.as_ref().map(|a| open_rows(a, &positions)),
                composition_values: positions.iter().map(|&j| composition_lde[j]).collect(),
            }
        })
        .collect();
    let roots = Commitments {
        main: main_tree.root(),
        aux: aux_tree.as_ref().map(MixedTree::root),
        composition: composition_tree.root(),
    };
    let paths = TreePaths {
        main: tree_paths(&main_tree, &main_tables(&states), &queries),
        aux: aux_tree.as_ref().map_or_else(Vec::new, |t| tree_paths(t, &with_aux, &queries)),
        composition: composition_tree.prove(&queries, composition_row),
    };
    phase("proof done");
    Ok(StarkProof {
        options: *options,
        roots,
        components: component_proofs,
        paths,
        fri_roots: fri.roots(),
        fri_final: fri.final_coefficients.clone(),
        pow_nonce,
        fri_openings: fri.open(&queries),
    })
}

/// A component's out-of-domain values.
struct Ood {
    main_current: Vec<Felt>,
    main_next: Vec<Felt>,
    aux_current: Vec<Felt>,
    aux_next: Vec<Felt>,
    composition: Felt,
}

impl Ood {
    fn values(&self) -> OodValues<'_> {
        OodValues {
            main_current: &self.main_current,
            main_next: &self.main_next,
            aux_current: &self.aux_current,
            aux_next: &self.aux_next,
            composition: &self.composition,
        }
    }
}

/// The DEEP quotient of one component on its whole evaluation domain.
fn deep_quotient(
    state: &ComponentState<'_>,
    ood: &Ood,
    composition_lde: &[Felt],
    coefficients: &DeepCoefficients,
    z: &Felt,
) -> Vec<Felt> {
    let domain = &state.domain;
    let gz = *z * domain.trace_generator;
    let at_z: Vec<Felt> = ood.main_current.iter().chain(&ood.aux_current).cloned().collect();
    let at_gz: Vec<Felt> = ood.main_next.iter().chain(&ood.aux_next).cloned().collect();
    let claims = deep_claims(coefficients, &at_z, &at_gz, &ood.composition);
    let columns: Vec<&LdeColumns> = state.all_columns().collect();
    let lde_size = domain.lde_size();
    let sums = PointSums::new(&columns, coefficients, domain.log_blowup);
    let mut deep = vec![Felt::zero(); lde_size];
    // Whole rows of cosets per chunk, so each coset's points in a chunk are contiguous.
    let chunk = parallel::chunk_size(lde_size, 1 << 10).next_multiple_of(domain.blowup());
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
        let point_sums = sums.at(start, out.len());
        for (k, v) in out.iter_mut().enumerate() {
            let composition = &composition_lde[start + k];
            *v = deep_from_sums(
                coefficients,
                &claims,
                &point_sums[k],
                composition,
                &inv_z[k],
                &inv_gz[k],
            );
        }
    });
    deep
}

/// The DEEP quotient's [`ColumnSums`] at each point of the extension: eight points at once
/// in the lanes where the machine has them.
struct PointSums<'a> {
    columns: &'a [&'a LdeColumns],
    coefficients: &'a DeepCoefficients,
    log_blowup: u32,
    /// The coefficients in lane form, where the lanes run.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    lane_coefficients: Option<(LaneConstants, LaneConstants)>,
}

/// Constants in the lanes' form (`crate::lanes::lane_form`).
type LaneConstants = Vec<[u64; 5]>;

impl<'a> PointSums<'a> {
    fn new(
        columns: &'a [&'a LdeColumns],
        coefficients: &'a DeepCoefficients,
        log_blowup: u32,
    ) -> Self {
        #[cfg(target_arch = "x86_64")]
        let lane_coefficients = crate::lanes::available().then(|| {
            (
                crate::lanes::lane_form(&coefficients.at_z),
                crate::lanes::lane_form(&coefficients.at_gz),
            )
        });
        #[cfg(not(target_arch = "x86_64"))]
        let lane_coefficients = None;
        Self { columns, coefficients, log_blowup, lane_coefficients }
    }

    /// The sums at points `start..start + count` (natural order), both multiples of the
    /// blowup.
    fn at(&self, start: usize, count: usize) -> Vec<ColumnSums> {
        #[cfg(target_arch = "x86_64")]
        if let Some((a, b)) = &self.lane_coefficients {
            return self.in_lanes(a, b, start, count);
        }
        let width: usize = self.columns.iter().map(|c| c.width()).sum();
        let mut row = Vec::with_capacity(width);
        (start..start + count)
            .map(|j| {
                row.clear();
                for table in self.columns {
                    table.read_row(j, &mut row);
                }
                let (at_z, at_gz) = (&self.coefficients.at_z, &self.coefficients.at_gz);
                row.iter().zip(at_z).zip(at_gz).fold(ColumnSums::default(), |sums, ((t, a), b)| {
                    ColumnSums { first: sums.first + a * t, second: sums.second + b * t }
                })
            })
            .collect()
    }

    /// Coset by coset, whose points `start / blowup..` are contiguous in every column.
    #[cfg(target_arch = "x86_64")]
    fn in_lanes(
        &self,
        a: &[[u64; 5]],
        b: &[[u64; 5]],
        start: usize,
        count: usize,
    ) -> Vec<ColumnSums> {
        let blowup = 1usize << self.log_blowup;
        let (first_row, rows) = (start >> self.log_blowup, count >> self.log_blowup);
        let mut out = vec![ColumnSums::default(); count];
        let (mut first, mut second) = (vec![Felt::zero(); rows], vec![Felt::zero(); rows]);
        for k in 0..blowup {
            let slices: Vec<&[Felt]> = self
                .columns
                .iter()
                .flat_map(|table| {
                    (0..table.width()).map(move |c| &table.coset(c, k)[first_row..first_row + rows])
                })
                .collect();
            // SAFETY: the lane coefficients exist only where the features are available.
            unsafe { crate::lanes::dot::two_sums(&slices, a, b, &mut first, &mut second) };
            for (i, (first, second)) in first.iter().zip(&second).enumerate() {
                out[k + blowup * i] = ColumnSums { first: *first, second: *second };
            }
        }
        out
    }
}

/// Composition values at `s g^i`, `i < n`, on coset 1 (`s = h w`, LDE indices `i * blowup + 1`).
fn evaluate_composition(
    state: &ComponentState<'_>,
    challenges: &[Felt],
    alpha_powers: &[Felt],
) -> Vec<Felt> {
    let domain = &state.domain;
    // Coset 1 of every column: LDE index `i * blowup + 1` is its position `i`.
    fn coset_one(table: &LdeColumns) -> Vec<&[Felt]> {
        (0..table.width()).map(|c| table.coset(c, 1)).collect()
    }
    let main = coset_one(&state.main);
    let aux = state.aux.as_ref().map_or_else(Vec::new, |a| coset_one(a));
    let n = domain.trace_length();
    let blowup = domain.blowup();
    let kinds = state.claimed.kinds();
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
        let mut pc = Vec::new();
        let mut constraint_values = vec![Felt::zero(); kinds.len()];
        for (k, v) in values.iter_mut().enumerate() {
            let i = start + k;
            let i_next = (i + 1) % n;
            let read = |cols: &[&[Felt]], i: usize, out: &mut Vec<Felt>| {
                out.clear();
                out.extend(cols.iter().map(|col| col[i]));
            };
            read(&main, i, &mut mc);
            read(&main, i_next, &mut mn);
            read(&aux, i, &mut ac);
            read(&aux, i_next, &mut an);
            if !state.periodic.is_empty() {
                state.periodic.read(i * blowup + 1, &mut pc);
            }
            let frame = Frame {
                main_current: &mc,
                main_next: &mn,
                aux_current: &ac,
                aux_next: &an,
                periodic: &pc,
            };
            state.claimed.evaluate(&frame, challenges, &state.claims, &mut constraint_values);
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
/// The barycentric formula for evaluating trace columns (given on the trace domain `h <g>`) at
/// one point `x` outside it: `f(x) = scale * sum_i w_i f(h g^i)`, with `w_i = h g^i / (x - h g^i)`
/// and `scale = (x^n - h^n) / (n h^n)`. The weights depend only on the domain and `x`.
struct Barycentric {
    weights: Vec<Felt>,
    scale: Felt,
    /// The weights packed for the lanes, where the machine has them.
    #[cfg(target_arch = "x86_64")]
    packed: Option<crate::lanes::dot::Packed>,
}

impl Barycentric {
    fn new(domain: &Domain, x: &Felt) -> Self {
        let n = domain.trace_length();
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
        #[cfg(target_arch = "x86_64")]
        // SAFETY: packed only where the features are available.
        let packed =
            crate::lanes::available().then(|| unsafe { crate::lanes::dot::Packed::new(&weights) });
        Self {
            weights,
            scale,
            #[cfg(target_arch = "x86_64")]
            packed,
        }
    }

    /// Every column's value at the point (none without columns).
    fn evaluate(&self, columns: Option<&LdeColumns>) -> Vec<Felt> {
        let Some(columns) = columns.filter(|c| c.width() > 0) else {
            return Vec::new();
        };
        // The points `h g^i` are coset 0 of the extension, the trace values.
        parallel::map_range(columns.width(), |c| {
            let col = columns.coset(c, 0);
            #[cfg(target_arch = "x86_64")]
            if let Some(packed) = &self.packed {
                // SAFETY: packed only where the features are available.
                return unsafe { crate::lanes::dot::weighted_sum(packed, col) } * self.scale;
            }
            let sum = self.weights.iter().zip(col).fold(Felt::zero(), |acc, (w, t)| acc + w * t);
            sum * self.scale
        })
    }
}
