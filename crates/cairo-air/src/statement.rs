//! The Cairo statement: the CPU component, one component per used builtin with a table, the
//! 16-bit range table when a builtin needs range checks, and the checks that tie their claims
//! together.
//!
//! Components, in order: `cpu`; the builtin tables in registry order ([`Builtin::ALL`]: today
//! `range_check`, `bitwise`, `poseidon`, `pedersen`, `ecdsa`, `range_check96`, `ec_op`,
//! `add_mod`, `mul_mod`, `keccak`), each if its segment is not empty; then the lookup tables
//! in [`LookupTable::ALL`] order (`range16`, `pedersen_points`), each if a present
//! table looks values up in it. A run with Blake steps also has the Blake table
//! ([`crate::opcodes::blake`]) after the builtin tables, sized by the public input's
//! `blake_instances`. Claims:
//! * memory: `P_cpu * prod_b P_b = z^D / prod_public (z - (a + alpha v))`, where `D` is the
//!   number of public cells plus the number of builtin-table accesses (padding included),
//!   all derived from the public input;
//! * lookups: each lookup table's sum equals the sum of the lookup sums of the tables that
//!   look values up in it;
//! * Blake calls: the CPU's sum of its Blake steps' calls equals the Blake table's sum of the
//!   calls it received; the Blake table's accesses count among `D`.

use stark::{Air, Component, Felt};

use crate::air::Cpu;
use crate::builtins::lookup::LookupTable;
use crate::layout::*;
use crate::opcodes::blake::{self, Blake};
use crate::program::Builtin;
use crate::public_input::CairoPublicInput;

/// AIR name bound into every proof; bump the version on any change to the constraints.
pub const AIR_NAME: &str = "watcher-prover/cairo/v6";

/// The Cairo AIR for one public input.
pub struct CairoAir {
    public: CairoPublicInput,
    public_input_bytes: Vec<u8>,
    cpu: Cpu,
    /// The used builtins' tables, in registry order.
    tables: Vec<BuiltinComponent>,
    /// The Blake table, when the run has Blake steps.
    blake: Option<Blake>,
    /// The lookup tables the builtin tables use, in [`LookupTable::ALL`] order.
    lookups: Vec<(LookupTable, Box<dyn Component>)>,
}

/// A used builtin's table in the statement.
struct BuiltinComponent {
    builtin: Builtin,
    component: Box<dyn Component>,
    /// Its linked components ([`crate::builtins::BuiltinTable::linked_components`]).
    linked: Vec<Box<dyn Component>>,
}

impl BuiltinComponent {
    /// The memory accesses the table makes: its instances (padding included) times their
    /// accesses.
    fn accesses(&self) -> u64 {
        let table = self.builtin.table();
        let instances = (1u64 << self.component.log_size()) / table.rows_per_instance() as u64;
        instances * table.accesses_per_instance() as u64
    }
}

/// The `[begin, stop)` of the used builtin segment, if the program has one with cells.
pub(crate) fn used_segment(public: &CairoPublicInput, builtin: Builtin) -> Option<(u64, u64)> {
    public
        .builtins
        .iter()
        .find(|b| b.builtin == builtin && b.stop > b.begin)
        .map(|b| (b.begin, b.stop))
}

impl CairoAir {
    pub fn new(public: CairoPublicInput) -> Self {
        let tables: Vec<BuiltinComponent> = Builtin::ALL
            .into_iter()
            .filter_map(|builtin| {
                let (begin, stop) = used_segment(&public, builtin)?;
                let component = builtin.table().component(begin, stop)?;
                let linked = builtin.table().linked_components(begin, stop);
                Some(BuiltinComponent { builtin, component, linked })
            })
            .collect();
        let blake =
            (public.blake_instances > 0).then(|| Blake::new(public.blake_instances as usize));
        let lookups = used_lookup_tables(tables.iter().map(|t| t.builtin), blake.is_some())
            .into_iter()
            .map(|table| (table, table.component()))
            .collect();
        Self {
            public_input_bytes: public.to_bytes(),
            cpu: Cpu::new(&public),
            tables,
            blake,
            lookups,
            public,
        }
    }

    pub fn public_input(&self) -> &CairoPublicInput {
        &self.public
    }

    /// Memory accesses the builtin tables make (their rows' instances times their cells).
    pub(crate) fn builtin_accesses(&self) -> u64 {
        let blake = Blake::padded_instances(self.public.blake_instances as usize) as u64;
        let blake = if self.blake.is_some() { blake * blake::columns::ACCESSES as u64 } else { 0 };
        self.tables.iter().map(BuiltinComponent::accesses).sum::<u64>() + blake
    }

    /// `z^D / prod_public (z - (a + alpha v))`, or 0 in the negligible event that a factor
    /// vanishes (no proof can then match).
    fn public_memory_quotient(&self, challenges: &[Felt]) -> Felt {
        let (z, alpha) = (&challenges[CHALLENGE_MEM_Z], &challenges[CHALLENGE_MEM_ALPHA]);
        let cells = self.public.public_memory();
        let denominator =
            cells.iter().fold(Felt::one(), |acc, (a, v)| acc * (z - (Felt::from(*a) + alpha * v)));
        let dummies = cells.len() as u64 + self.builtin_accesses();
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
        for table in &self.tables {
            components.push(table.component.as_ref());
            components.extend(table.linked.iter().map(|c| c.as_ref()));
        }
        if let Some(blake) = &self.blake {
            components.push(blake);
        }
        components.extend(self.lookups.iter().map(|(_, c)| c.as_ref()));
        components
    }

    fn num_aux_challenges(&self) -> usize {
        N_CHALLENGES
    }

    fn check_claims(&self, challenges: &[Felt], claims: &[Vec<Felt>]) -> bool {
        // Claim layout follows `components`; lengths were checked by the engine. Every
        // builtin table's first claim is its memory product, then one lookup sum per lookup
        // table it uses, then, with linked components, its link sum, which with theirs must
        // add up to 0.
        let mut memory_product = claims[0][0];
        let mut sums = vec![Felt::zero(); LookupTable::ALL.len()];
        let mut links_match = true;
        let mut rest = claims[1..].iter();
        for table in &self.tables {
            let own = rest.next().expect("one claim vector per component");
            memory_product *= own[0];
            for (lookup, sum) in table.builtin.table().lookups().iter().zip(&own[1..]) {
                sums[lookup.index()] += *sum;
            }
            if !table.linked.is_empty() {
                let link = own.last().expect("the link sum");
                let linked = table.linked.iter().map(|_| {
                    rest.next().expect("linked claims").iter().fold(Felt::zero(), |acc, c| acc + c)
                });
                links_match &= linked.fold(*link, |acc, sum| acc + sum) == Felt::zero();
            }
        }
        let mut calls_match = true;
        if self.blake.is_some() {
            // Memory product, one sum per lookup table, the calls received.
            // The CPU's second claim is the sum of the calls it made.
            let table = rest.next().expect("the engine checked the count");
            memory_product *= table[0];
            for (lookup, sum) in blake::LOOKUPS.iter().zip(&table[1..]) {
                sums[lookup.index()] += *sum;
            }
            calls_match = table[1 + blake::LOOKUPS.len()] == claims[0][1];
        }
        let tables = rest;
        let lookups_match = self.lookups.iter().zip(tables).all(|((table, _), claims)| {
            claims[0] == std::mem::replace(&mut sums[table.index()], Felt::zero())
        });
        // A sum with no table present (none can be: a user brings its table) must be 0.
        memory_product == self.public_memory_quotient(challenges)
            && lookups_match
            && calls_match
            && links_match
            && sums.iter().all(|s| *s == Felt::zero())
    }
}

/// The lookup tables that the builtin tables of `builtins` and, if `blake`, the Blake table
/// use, in [`LookupTable::ALL`] order.
pub(crate) fn used_lookup_tables(
    builtins: impl Iterator<Item = Builtin>,
    blake: bool,
) -> Vec<LookupTable> {
    let builtins: Vec<Builtin> = builtins.collect();
    LookupTable::ALL
        .into_iter()
        .filter(|lookup| {
            builtins.iter().any(|b| b.table().lookups().contains(lookup))
                || (blake && blake::LOOKUPS.contains(lookup))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public_input::BuiltinSegment;

    /// A statement with a segment of two instances of every builtin, and two Blake steps.
    fn every_builtin() -> CairoAir {
        let mut begin = 1000;
        let builtins = Builtin::ALL
            .map(|builtin| {
                let stop = begin + 2 * builtin.cells_per_instance();
                let segment = BuiltinSegment { builtin, begin, stop };
                begin = stop;
                segment
            })
            .to_vec();
        CairoAir::new(CairoPublicInput {
            log_size: 4,
            program: Vec::new(),
            initial_pc: 1,
            final_pc: 1,
            initial_ap: 10,
            final_ap: 20,
            rc_min: 0,
            rc_max: 0,
            builtins,
            output: Vec::new(),
            blake_instances: 2,
        })
    }

    #[test]
    fn the_tables_follow_the_registry() {
        let air = every_builtin();
        let names: Vec<&str> = air.components().iter().map(|c| c.component_name()).collect();
        assert_eq!(
            names,
            [
                "cpu",
                "range_check",
                "bitwise",
                "poseidon",
                "poseidon_partial",
                "pedersen",
                "ecdsa",
                "range_check96",
                "ec_op",
                "add_mod",
                "mul_mod",
                "keccak",
                "blake",
                "range16",
                "pedersen_points",
                "bitwise_bytes",
                "ecdsa_generator"
            ]
        );
        // Two instances each: the one-row tables pad to 8 rows, poseidon (two rows an
        // instance) to 4 instances, bitwise, pedersen, ecdsa and ec_op hold two; an add_mod or
        // mul_mod row makes 22 accesses; keccak holds two of 16 cells; a Blake instance makes 33.
        assert_eq!(
            air.builtin_accesses(),
            8 + 2 * 5 + 4 * 6 + 2 * 3 + 2 * 2 + 8 + 2 * 7 + 2 * 8 * 22 + 2 * 16 + 2 * 33
        );
    }

    #[test]
    fn every_constraint_has_its_own_name() {
        for component in every_builtin().components() {
            let count = component.constraint_kinds().len();
            let names: Vec<String> = (0..count).map(|i| component.constraint_name(i)).collect();
            let distinct: std::collections::HashSet<&String> = names.iter().collect();
            let table = component.component_name();
            assert_eq!(distinct.len(), count, "{table} names two constraints alike");
            assert!(names.iter().all(|n| n.starts_with(table) || table == "cpu"), "{names:?}");
        }
    }
}
