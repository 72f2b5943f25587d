//! A message from L1 as blockifier's L1 handler transaction: what `starknet_estimateMessageFee`
//! runs. The handler's calldata is the L1 sender's address followed by the payload, as the
//! Starknet core contract delivers a message.

use std::sync::Arc;

use blockifier::state::cached_state::TransactionalState;
use blockifier::state::state_api::StateReader as _;
use blockifier::transaction::transactions::ExecutableTransaction as _;
use chain::Felt;
use starknet_api::core::{EntryPointSelector, Nonce};
use starknet_api::executable_transaction::L1HandlerTransaction;
use starknet_api::transaction as api;
use starknet_api::transaction::fields::{Calldata, Fee};

use crate::ExecutorError;
use crate::engine::context::address;
use crate::engine::outcome::call_summary;
use crate::engine::run::EngineBlock;
use crate::query::{L1Message, MessageExecution};
use crate::resources::Resources;

impl EngineBlock<'_> {
    /// Runs the L1 handler that `message` would invoke, on top of this block's state, and
    /// keeps nothing. An address with no contract is [`ExecutorError::UnknownContract`]; a
    /// handler that fails (or is not there) is [`ExecutorError::ExecutionFailed`] with
    /// blockifier's reason.
    pub(crate) fn run_l1_handler(
        &mut self,
        message: &L1Message,
    ) -> Result<MessageExecution, ExecutorError> {
        let contract_address = address(message.to_address)
            .map_err(|e| ExecutorError::InvalidTransaction(e.to_string()))?;
        let class_hash = self
            .state
            .get_class_hash_at(contract_address)
            .map_err(|error| self.failure_or(&error))?;
        if class_hash.0 == Felt::ZERO {
            return Err(ExecutorError::UnknownContract { address: message.to_address });
        }
        let mut calldata = Vec::with_capacity(message.payload.len() + 1);
        calldata.push(message.from_address);
        calldata.extend_from_slice(&message.payload);
        let raw = api::L1HandlerTransaction {
            version: api::L1HandlerTransaction::VERSION,
            // The core contract's message nonce; an estimate has none.
            nonce: Nonce(Felt::ZERO),
            contract_address,
            entry_point_selector: EntryPointSelector(message.entry_point_selector),
            calldata: Calldata(Arc::new(calldata)),
        };
        // Blockifier refuses a handler whose message paid nothing on L1; an estimate is asked
        // before paying, so it runs as if one unit was paid (as nodes do).
        let chain_id = self.context.chain_info().chain_id.clone();
        let tx = L1HandlerTransaction::create(raw, &chain_id, Fee(1))
            .map_err(|error| ExecutorError::InvalidTransaction(error.to_string()))?;
        let failures = self.state.state.failures();
        let mut scratch = TransactionalState::create_transactional(&mut self.state);
        let result = tx.execute_raw(&mut scratch, &self.context, false);
        scratch.abort();
        if let Some(failure) = failures.take() {
            return Err(failure);
        }
        let info =
            result.map_err(|error| ExecutorError::ExecutionFailed { reason: error.to_string() })?;
        if let Some(reason) = &info.revert_error {
            return Err(ExecutorError::ExecutionFailed { reason: reason.to_string() });
        }
        let resources = info
            .execute_call_info
            .as_ref()
            .map(|call| call_summary(call).1)
            .unwrap_or_else(Resources::default);
        let gas = info.receipt.gas;
        Ok(MessageExecution {
            l1_gas: gas.l1_gas.0,
            l1_data_gas: gas.l1_data_gas.0,
            l2_gas: gas.l2_gas.0,
            resources,
        })
    }
}
