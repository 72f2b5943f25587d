//! Contracts deployed by the chain itself rather than by a transaction (genesis): cairo-lang's
//! `InternalDeploy`, with the constructor run by the protocol (caller 0); see
//! [`BlockExecutor::deploy_system_contract`](crate::BlockExecutor::deploy_system_contract).

use chain::{Event, Felt};

use crate::resources::Resources;

/// A contract deployed by the chain itself (genesis), not by a transaction.
#[derive(Clone, Debug)]
pub struct SystemDeployment {
    /// The new contract's address (deployer 0).
    pub address: Felt,
    /// Events of its constructor.
    pub events: Vec<Event>,
    /// Resources of its constructor.
    pub resources: Resources,
}
