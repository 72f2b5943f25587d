//! The Cairo statement: the CPU component, one component per used builtin, the 16-bit range
//! table when a builtin needs range checks, and the checks that tie their claims together.
//!
//! Components, in order: `cpu`; `range_check`, `bitwise`, `poseidon`, `pedersen`, `ecdsa` (each if its
//! segment is not empty); `range16` (if `range_check` is there). Claims:
//! * memory: `P_cpu * prod_b P_b = z^D / prod_public (z - (a + alpha v))`, where `D` is the
//!   number of public cells plus the number of builtin-table accesses (padding included),
//!   all derived from the public input;
//! * 16-bit lookups: the range table's sum equals the `range_check` table's lookup sum.

use stark::{Air, Component, Felt};

use crate::air::Cpu;
use crate::builtins::bitwise::{self, Bitwise};
use crate::builtins::ecdsa::{self, Ecdsa};
use crate::builtins::pedersen::{self, Pedersen};
use crate::builtins::poseidon::{self, Poseidon};
use crate::builtins::range_check::RangeCheck;
use crate::builtins::range16::Range16;
use crate::builtins::table_log_size;
use crate::layout::*;
use crate::program::Builtin;
use crate::public_input::CairoPublicInput;

/// AIR name bound into every proof; bump the version on any change to the constraints.
pub const AIR_NAME: &str = "watcher-prover/cairo/v4";

/// The Cairo AIR for one public input.
pub struct CairoAir {
    public: CairoPublicInput,
    public_input_bytes: Vec<u8>,
    cpu: Cpu,
    range_check: Option<RangeCheck>,
    bitwise: Option<Bitwise>,
    poseidon: Option<Poseidon>,
    pedersen: Option<Pedersen>,
    ecdsa: Option<Ecdsa>,
    range16: Option<Range16>,
}

/// The `[begin, stop)` of the used builtin segment, if the program has one with cells.
pub(crate) fn used_segment(public: &CairoPublicInput, builtin: Builtin) -> Option<(u64, u64)> {
    public
        .builtins
        .iter()
        .find(|b| b.builtin == builtin && b.stop > b.begin)
        .map(|b| (b.begin, b.stop))
}

/// Memory accesses the builtin tables of `public` make (rows times cells per instance).
pub(crate) fn builtin_accesses(public: &CairoPublicInput) -> u64 {
    let range_check = used_segment(public, Builtin::RangeCheck)
        .map_or(0, |(begin, stop)| 1u64 << table_log_size((stop - begin) as usize));
    let table = |builtin, cells: usize| {
        let cells = cells as u64;
        used_segment(public, builtin)
            .map_or(0, |(begin, stop)| cells << table_log_size(((stop - begin) / cells) as usize))
    };
    // One instance per 512 rows, padded to a power of two of instances.
    let pedersen = used_segment(public, Builtin::Pedersen).map_or(0, |(begin, stop)| {
        let instances = ((stop - begin) / pedersen::CELLS as u64) as usize;
        (pedersen::CELLS * pedersen::padded_instances(instances)) as u64
    });
    // One instance per 512 rows, padded likewise.
    let ecdsa = used_segment(public, Builtin::Ecdsa).map_or(0, |(begin, stop)| {
        let instances = ((stop - begin) / ecdsa::CELLS as u64) as usize;
        (ecdsa::CELLS * ecdsa::padded_instances(instances)) as u64
    });
    range_check
        + table(Builtin::Bitwise, bitwise::CELLS)
        + table(Builtin::Poseidon, poseidon::CELLS)
        + pedersen
        + ecdsa
}

impl CairoAir {
    pub fn new(public: CairoPublicInput) -> Self {
        let range_check =
            used_segment(&public, Builtin::RangeCheck).map(|(b, s)| RangeCheck::new(b, s));
        let bitwise = used_segment(&public, Builtin::Bitwise).map(|(b, s)| Bitwise::new(b, s));
        let poseidon = used_segment(&public, Builtin::Poseidon).map(|(b, s)| Poseidon::new(b, s));
        let pedersen = used_segment(&public, Builtin::Pedersen).map(|(b, s)| Pedersen::new(b, s));
        let ecdsa = used_segment(&public, Builtin::Ecdsa).map(|(b, s)| Ecdsa::new(b, s));
        let range16 = range_check.as_ref().map(|_| Range16);
        Self {
            public_input_bytes: public.to_bytes(),
            cpu: Cpu::new(&public),
            range_check,
            bitwise,
            poseidon,
            pedersen,
            ecdsa,
            range16,
            public,
        }
    }

    pub fn public_input(&self) -> &CairoPublicInput {
        &self.public
    }

    /// `z^D / prod_public (z - (a + alpha v))`, or 0 in the negligible event that a factor
    /// vanishes (no proof can then match).
    fn public_memory_quotient(&self, challenges: &[Felt]) -> Felt {
        let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
        let cells = self.public.public_memory();
        let denominator =
            cells.iter().fold(Felt::one(), |acc, (a, v)| acc * (z - (Felt::from(*a) + alpha * v)));
        let dummies = cells.len() as u64 + builtin_accesses(&self.public);
        denominator.inv().map(|d| z.pow(dummies) * d).unwrap_or(Felt::zero())
    }
}

impl Air for CairoAir {
    fn name(&self) -> &str {
        AIR_NAME
    }

    fn public_input_bytes(&self) -> Vec<u8> {
        self.public_input_bytes.clone()
    }

    fn components(&self) -> Vec<&dyn Component> {
        let mut components: Vec<&dyn Component> = vec![&self.cpu];
        if let Some(c) = &self.range_check {
            components.push(c);
        }
        if let Some(c) = &self.bitwise {
            components.push(c);
        }
        if let Some(c) = &self.poseidon {
            components.push(c);
        }
        if let Some(c) = &self.pedersen {
            components.push(c);
        }
        if let Some(c) = &self.ecdsa {
            components.push(c);
        }
        if let Some(c) = &self.range16 {
            components.push(c);
        }
        components
    }

    fn num_aux_challenges(&self) -> usize {
        N_CHALLENGES
    }

    fn check_claims(&self, challenges: &[Felt], claims: &[Vec<Felt>]) -> bool {
        // Claim layout follows `components`; lengths were checked by the engine.
        let mut memory_product = claims[0][0];
        let mut lookups = Felt::zero();
        let mut table = Felt::zero();
        let mut next = 1;
        if self.range_check.is_some() {
            memory_product *= claims[next][0];
            lookups += claims[next][1];
            next += 1;
        }
        for present in [
            self.bitwise.is_some(),
            self.poseidon.is_some(),
            self.pedersen.is_some(),
            self.ecdsa.is_some(),
        ] {
            if present {
                memory_product *= claims[next][0];
                next += 1;
            }
        }
        if self.range16.is_some() {
            table += claims[next][0];
        }
        memory_product == self.public_memory_quotient(challenges) && lookups == table
    }
}
