//! Contracts deployed by the chain itself rather than by a transaction (genesis): cairo-lang's
//! `InternalDeploy`, with the constructor run by the protocol (caller 0).

use chain::{Event, Felt};

use crate::call::CallFrame;
use crate::class::EntryPointType;
use crate::context::TxInfo;
use crate::overlay::StateOverlay;
use crate::resources::Resources;
use crate::transaction::{CONSTRUCTOR_SELECTOR, Gathered, Phases, account_frame};
use crate::{BlockContext, ExecutorConfig, ExecutorError};

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

/// Deploys `class_hash` at the deployer-0 address of `(salt, constructor_calldata)` and runs the
/// constructor with caller 0, in a new layer that is committed on success (cairo-lang's
/// `InternalDeploy`, used for genesis contracts).
pub(crate) fn deploy_system_contract(
    overlay: &mut StateOverlay<'_>,
    block: &BlockContext,
    config: &ExecutorConfig,
    class_hash: Felt,
    salt: Felt,
    constructor_calldata: &[Felt],
) -> Result<SystemDeployment, ExecutorError> {
    let address =
        chain::calculate_contract_address(salt, class_hash, constructor_calldata, Felt::ZERO);
    if overlay.class_hash_at(address)? != Felt::ZERO {
        return Err(ExecutorError::ContractAlreadyDeployed { address });
    }
    let class = overlay.class(class_hash)?;
    overlay.checkpoint();
    overlay.set_class_hash(address, class_hash);
    let tx_info = TxInfo { chain_id: block.chain_id.as_felt(), ..TxInfo::default() };
    let mut phases =
        Phases { overlay, block, config, tx_info: &tx_info, gathered: Gathered::default() };
    let result = if class.has_constructor() {
        let frame = CallFrame {
            kind: EntryPointType::Constructor,
            ..account_frame(
                address,
                class_hash,
                CONSTRUCTOR_SELECTOR,
                constructor_calldata.to_vec(),
            )
        };
        phases.validate_with_steps(&frame, config.execute_max_steps).map(|_| ())
    } else if constructor_calldata.is_empty() {
        Ok(())
    } else {
        Err(ExecutorError::ValidationFailed {
            reason: format!("class {class_hash:#x} has no constructor but calldata was given"),
        })
    };
    let gathered = phases.gathered;
    match result {
        Ok(()) => {
            overlay.commit();
            Ok(SystemDeployment { address, events: gathered.events, resources: gathered.resources })
        }
        Err(error) => {
            overlay.rollback();
            Err(error)
        }
    }
}
