//! Execution resources (Cairo steps, memory holes, builtin instances) and this chain's gas
//! accounting of them.
//!
//! Gas is this chain's own convention, modelled on Starknet 0.13.4+'s Sierra-gas price of Cairo
//! VM resources: `l2_gas = 100 * (steps + memory_holes) + sum(builtin instances * builtin cost)`
//! with the costs of [`builtin_gas_cost`]. L1 gas and L1 data gas are reported as 0: this chain
//! posts nothing to L1 per transaction yet.

use std::collections::BTreeMap;

/// L2 gas per Cairo step (and per memory hole).
pub const STEP_GAS_COST: u64 = 100;

/// L2 gas per instance of a builtin (Starknet's `builtin_gas_costs`); unknown builtins cost as
/// much as the most expensive one.
pub fn builtin_gas_cost(builtin: &str) -> u64 {
    match builtin {
        "range_check" => 70,
        "range_check96" => 56,
        "pedersen" => 4_050,
        "bitwise" => 583,
        "ec_op" => 4_085,
        "poseidon" => 491,
        "ecdsa" => 10_561,
        "add_mod" => 230,
        "mul_mod" => 604,
        "output" | "segment_arena" => 0,
        _ => 136_189, // keccak, and anything newer
    }
}

/// Resources used by a call tree or a transaction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    /// Cairo steps.
    pub steps: u64,
    /// Memory holes.
    pub memory_holes: u64,
    /// Builtin name → instances used.
    pub builtins: BTreeMap<String, u64>,
}

impl Resources {
    /// Adds `other`.
    pub fn add(&mut self, other: &Resources) {
        self.steps += other.steps;
        self.memory_holes += other.memory_holes;
        for (name, count) in &other.builtins {
            *self.builtins.entry(name.clone()).or_default() += count;
        }
    }

    /// L2 gas of these resources (see the module docs).
    pub fn l2_gas(&self) -> u64 {
        let builtins: u64 = self
            .builtins
            .iter()
            .map(|(name, count)| count.saturating_mul(builtin_gas_cost(name)))
            .fold(0, u64::saturating_add);
        STEP_GAS_COST
            .saturating_mul(self.steps.saturating_add(self.memory_holes))
            .saturating_add(builtins)
    }

    /// The receipt's form.
    pub fn to_receipt(&self) -> chain::ExecutionResources {
        chain::ExecutionResources {
            l1_gas: 0,
            l1_data_gas: 0,
            l2_gas: self.l2_gas(),
            steps: self.steps,
            memory_holes: self.memory_holes,
            builtin_instance_counter: self.builtins.clone(),
        }
    }
}

impl From<&cairo_vm::vm::runners::cairo_runner::ExecutionResources> for Resources {
    fn from(resources: &cairo_vm::vm::runners::cairo_runner::ExecutionResources) -> Self {
        Resources {
            steps: resources.n_steps as u64,
            memory_holes: resources.n_memory_holes as u64,
            builtins: resources
                .builtin_instance_counter
                .iter()
                .filter(|(_, count)| **count > 0)
                .map(|(name, count)| (name.to_str().to_owned(), *count as u64))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gas_counts_steps_holes_and_builtins() {
        let mut a = Resources { steps: 10, memory_holes: 2, builtins: BTreeMap::new() };
        a.builtins.insert("pedersen".into(), 3);
        let mut b = Resources { steps: 5, ..Default::default() };
        b.builtins.insert("pedersen".into(), 1);
        b.builtins.insert("range_check".into(), 2);
        a.add(&b);
        assert_eq!(a.steps, 15);
        assert_eq!(a.builtins["pedersen"], 4);
        assert_eq!(a.l2_gas(), 100 * 17 + 4 * 4_050 + 2 * 70);
        assert_eq!(a.to_receipt().l2_gas, a.l2_gas());
    }
}
