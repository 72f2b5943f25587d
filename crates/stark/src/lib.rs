//! A STARK engine over the Stark252 field: DEEP-ALI with FRI, Blake3 commitments and a
//! Fiat-Shamir transcript, built on `lambdaworks-math`.
//!
//! The engine knows nothing of Cairo: a computation describes itself with the [`Air`] trait
//! (public input, challenges, cross-table checks) over one or more [`Component`]s (trace
//! tables of any power-of-two length with their constraints and zerofier kinds), and
//! [`prove`] / [`verify`] do the rest.
//!
//! * Constraints have degree at most 2, so the composition polynomial has degree below the
//!   trace length and is evaluated on a single coset of the trace size. A component may
//!   declare periodic columns (constants repeating with a power-of-two period, such as row
//!   selectors or round constants): the verifier evaluates them itself at the out-of-domain
//!   point, so they cost no commitment.
//! * Traces are extended to the `blowup * n`-th roots of unity (the trace domain is its coset
//!   0 and needs no FFT; see `domain`); rows are committed in three Merkle trees (main,
//!   auxiliary, composition), each over every component's columns, a component of `2^k`
//!   evaluation points joining at depth `k` (`mixed_merkle`), so a component adds rows to a
//!   query's openings but no paths.
//! * Components of different lengths share challenges, the out-of-domain point and one FRI
//!   (each DEEP quotient joins the folding at its own size), so a small table costs what its
//!   rows cost. Permutation and lookup arguments that span components end in claims (last-row
//!   values the engine binds to their columns) that the statement checks together.
//! * The DEEP quotient of every column at `z` and `g z` plus the composition at `z` is proven
//!   low-degree by FRI (two folds per committed layer, four values per leaf, final polynomial
//!   in the clear), after a proof-of-work.
//! * [`ProofOptions`] carry the parameters; the verifier recomputes the conjectured security
//!   from them and checks it against an [`AcceptancePolicy`].
//!
//! Features: `parallel` (default) spreads LDE, hashing, constraint evaluation, DEEP and FRI
//! over rayon's threads; `prover` (default) is [`prove`]: without it the crate is the verifier
//! alone, which builds for WebAssembly.
//!
//! # Example: the Fibonacci AIR
//!
//! ```
//! use stark::{
//!     AcceptancePolicy, Air, Component, ConstraintBuilder, ConstraintKind, ConstraintList,
//!     Constraints, Felt, Frame, SecurityPreset, TraceTable,
//! };
//!
//! /// Two columns (a, b); each row steps (a, b) -> (b, a + b); row 0 is (1, 1) and the last
//! /// row's b is the public result.
//! struct Fibonacci { log_size: u32, result: Felt, constraints: ConstraintList }
//!
//! impl Fibonacci {
//!     fn new(log_size: u32, result: Felt) -> Self {
//!         let mut air = Fibonacci { log_size, result, constraints: ConstraintList::empty() };
//!         air.constraints = ConstraintList::new(&air, 2, 0, 0, 0);
//!         air
//!     }
//! }
//!
//! // The constraints, each named where it is written. One constraint per condition: two
//! // first-row conditions summed into one constraint, such as `(a - 1) + 7 (b - 1) = 0`, would
//! // also hold for a first row (8, 0): each term could be wrong as long as they cancel. (The
//! // engine itself sums all constraints, but weighted by powers of a random `alpha` drawn
//! // after the trace is committed: that sum is sound.)
//! impl Constraints for Fibonacci {
//!     fn eval<B: ConstraintBuilder>(&self, f: &Frame<'_>, _: &[Felt], builder: &mut B) {
//!         let (a, b) = (f.main_current[0], f.main_current[1]);
//!         builder.transition("a steps to b", f.main_next[0] - b);
//!         builder.transition("b steps to a + b", f.main_next[1] - (a + b));
//!         builder.first_row("a starts at 1", a - Felt::one());
//!         builder.first_row("b starts at 1", b - Felt::one());
//!         builder.last_row("b ends at the result", b - self.result);
//!     }
//! }
//!
//! // The statement: its name, public input and tables (here a single one).
//! impl Air for Fibonacci {
//!     fn name(&self) -> &str { "fibonacci/doc" }
//!     fn public_input_bytes(&self) -> Vec<u8> { stark::felt_to_bytes(&self.result).to_vec() }
//!     fn components(&self) -> Vec<&dyn Component> { vec![self] }
//! }
//!
//! // The table: its shape, and its constraints as the builder wrote them.
//! impl Component for Fibonacci {
//!     fn component_name(&self) -> &str { "fibonacci" }
//!     fn log_size(&self) -> u32 { self.log_size }
//!     fn main_width(&self) -> usize { 2 }
//!     fn constraint_kinds(&self) -> &[ConstraintKind] { self.constraints.kinds() }
//!     fn constraint_name(&self, i: usize) -> String { self.constraints.name(self, i) }
//!     fn evaluate(&self, f: &Frame<'_>, challenges: &[Felt], out: &mut [Felt]) {
//!         stark::write_constraints(self, f, challenges, out);
//!     }
//! }
//!
//! /// The trace from a first row (a0, b0).
//! fn trace(log_size: u32, a0: Felt, b0: Felt) -> TraceTable {
//!     let (mut a, mut b) = (vec![a0], vec![b0]);
//!     for i in 1..(1 << log_size) {
//!         let (pa, pb) = (a[i - 1].clone(), b[i - 1].clone());
//!         a.push(pb.clone());
//!         b.push(pa + pb);
//!     }
//!     TraceTable::new(vec![a, b], 1 << log_size)
//! }
//!
//! let log_size = 5;
//! let honest = trace(log_size, Felt::one(), Felt::one());
//! let air = Fibonacci::new(log_size, *honest.get(honest.length() - 1, 1));
//! let options = SecurityPreset::Test.options();
//! let proof = stark::prove(&air, vec![honest], &options).unwrap();
//! stark::verify(&air, &proof, &AcceptancePolicy::insecure()).unwrap();
//! // A claim about another result is rejected.
//! let liar = Fibonacci::new(log_size, Felt::from(42u64));
//! assert!(stark::verify(&liar, &proof, &AcceptancePolicy::insecure()).is_err());
//! // A run from (8, 0) satisfies the summed constraint above, not these: the checker names
//! // row 0 and the first-row constraint on `a`, and a proof of it does not verify.
//! let wrong_start = trace(log_size, Felt::from(8u64), Felt::zero());
//! let air = Fibonacci::new(log_size, *wrong_start.get(wrong_start.length() - 1, 1));
//! let violation = stark::validate_traces(&air, &[wrong_start.clone()], &[]).unwrap_err();
//! assert_eq!((violation.row, violation.name.as_str()), (0, "a starts at 1"));
//! let proof = stark::prove_unchecked(&air, vec![wrong_start], &options).unwrap();
//! assert!(stark::verify(&air, &proof, &AcceptancePolicy::insecure()).is_err());
//! ```

// A verifier-only build (no `prover` feature) leaves the prover's halves of the shared modules
// (FRI commitment, LDE, domain helpers) unused; they stay where their verifier halves are.
#![cfg_attr(not(feature = "prover"), allow(dead_code))]

mod air;
mod builder;
mod codec;
mod composition;
mod debug;
mod domain;
mod envelope;
mod error;
pub mod fft;
mod field;
mod fri;
#[cfg(target_arch = "x86_64")]
mod lanes;
mod lde;
pub mod merkle;
mod mixed_merkle;
mod options;
pub mod parallel;
mod periodic;
mod proof;
mod protocol;
#[cfg(feature = "prover")]
mod prover;
mod sqrt;
mod trace;
mod transcript;
mod verifier;

pub use air::{Air, Component, ConstraintKind, Frame, MAX_CONSTRAINT_DEGREE};
pub use builder::{ConstraintBuilder, ConstraintList, Constraints, write_constraints};
pub use codec::{ByteReader, ByteWriter, DecodeError};
pub use debug::{ConstraintViolation, validate_traces};
pub use envelope::{
    FORMAT_VERSION, MAGIC, ProofEnvelope, envelope_format_version, verify_envelope,
};
pub use error::{ProverError, VerifierError};
pub use field::{
    FELT_BYTES, Felt, batch_inverse, felt_from_bytes, felt_to_bytes, powers, root_of_unity,
    running_products, running_sums,
};
pub use options::{AcceptancePolicy, ProofOptions, SecurityPreset};
pub use proof::{Commitments, ComponentProof, Opening, StarkProof, TreePaths};
pub use protocol::{MAX_LOG_TRACE_LENGTH, MIN_LOG_TRACE_LENGTH};
#[cfg(feature = "prover")]
pub use prover::{prove, prove_unchecked};
pub use sqrt::sqrt;
pub use trace::TraceTable;
pub use verifier::verify;
