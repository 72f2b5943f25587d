//! An [`ExecutableTransaction`] as blockifier's account transaction.

use std::sync::Arc;

use blockifier::transaction::account_transaction::{AccountTransaction, ExecutionFlags};
use chain::resource::{DataAvailabilityMode, ResourceBounds as ChainBounds, ResourceBoundsMapping};
use chain::{
    DeclareV1, DeclareV2, DeclareV3, DeployAccountV1, DeployAccountV3, Felt, InvokeV1, InvokeV3,
    Transaction,
};
use starknet_api::block::GasPrice;
use starknet_api::core::{ClassHash, CompiledClassHash, Nonce};
use starknet_api::data_availability::DataAvailabilityMode as ApiDaMode;
use starknet_api::executable_transaction as executable;
use starknet_api::execution_resources::GasAmount;
use starknet_api::transaction as api;
use starknet_api::transaction::TransactionHash;
use starknet_api::transaction::fields::{
    AccountDeploymentData, AllResourceBounds, Calldata, ContractAddressSalt, Fee, PaymasterData,
    ProofFacts, ResourceBounds, Tip, TransactionSignature, ValidResourceBounds,
};

use crate::engine::classes::class_info;
use crate::engine::context::address;
use crate::{ExecutableTransaction, ExecutorError, SierraClass};

/// How blockifier runs the transaction: `charge_fee` where the chain has a fee token and the
/// caller asks for it ([`crate::ExecutorConfig::fee_token`]); `validate` and `only_query` as
/// asked.
pub(crate) fn flags(
    validate: bool,
    only_query: bool,
    strict_nonce_check: bool,
    charge_fee: bool,
) -> ExecutionFlags {
    ExecutionFlags { only_query, charge_fee, validate, strict_nonce_check }
}

/// `tx` as blockifier's account transaction, with its hash as given.
pub(crate) fn account_transaction(
    tx: &ExecutableTransaction,
    flags: ExecutionFlags,
) -> Result<AccountTransaction, ExecutorError> {
    let tx_hash = TransactionHash(tx.transaction_hash);
    let api_tx = match &tx.transaction {
        Transaction::InvokeV1(InvokeV1 {
            sender_address,
            calldata,
            max_fee,
            signature,
            nonce,
            ..
        }) => executable::AccountTransaction::Invoke(executable::InvokeTransaction {
            tx: api::InvokeTransaction::V1(api::InvokeTransactionV1 {
                max_fee: fee(*max_fee)?,
                signature: signature_of(signature),
                nonce: Nonce(*nonce),
                sender_address: address(*sender_address).map_err(invalid)?,
                calldata: calldata_of(calldata),
            }),
            tx_hash,
        }),
        Transaction::InvokeV3(v3) => {
            let InvokeV3 {
                sender_address,
                calldata,
                signature,
                nonce,
                resource_bounds,
                tip,
                paymaster_data,
                account_deployment_data,
                nonce_data_availability_mode,
                fee_data_availability_mode,
                ..
            } = v3;
            executable::AccountTransaction::Invoke(executable::InvokeTransaction {
                tx: api::InvokeTransaction::V3(api::InvokeTransactionV3 {
                    resource_bounds: bounds(resource_bounds),
                    tip: Tip(*tip),
                    signature: signature_of(signature),
                    nonce: Nonce(*nonce),
                    sender_address: address(*sender_address).map_err(invalid)?,
                    calldata: calldata_of(calldata),
                    nonce_data_availability_mode: da_mode(*nonce_data_availability_mode),
                    fee_data_availability_mode: da_mode(*fee_data_availability_mode),
                    paymaster_data: PaymasterData(paymaster_data.clone()),
                    account_deployment_data: AccountDeploymentData(account_deployment_data.clone()),
                    proof_facts: ProofFacts::default(),
                }),
                tx_hash,
            })
        }
        Transaction::DeployAccountV1(DeployAccountV1 {
            class_hash,
            contract_address_salt,
            constructor_calldata,
            max_fee,
            signature,
            nonce,
            ..
        }) => executable::AccountTransaction::DeployAccount(executable::DeployAccountTransaction {
            tx: api::DeployAccountTransaction::V1(api::DeployAccountTransactionV1 {
                max_fee: fee(*max_fee)?,
                signature: signature_of(signature),
                nonce: Nonce(*nonce),
                class_hash: ClassHash(*class_hash),
                contract_address_salt: ContractAddressSalt(*contract_address_salt),
                constructor_calldata: calldata_of(constructor_calldata),
            }),
            tx_hash,
            contract_address: address(tx.transaction.sender_address()).map_err(invalid)?,
        }),
        Transaction::DeployAccountV3(DeployAccountV3 {
            class_hash,
            contract_address_salt,
            constructor_calldata,
            signature,
            nonce,
            resource_bounds,
            tip,
            paymaster_data,
            nonce_data_availability_mode,
            fee_data_availability_mode,
            ..
        }) => executable::AccountTransaction::DeployAccount(executable::DeployAccountTransaction {
            tx: api::DeployAccountTransaction::V3(api::DeployAccountTransactionV3 {
                resource_bounds: bounds(resource_bounds),
                tip: Tip(*tip),
                signature: signature_of(signature),
                nonce: Nonce(*nonce),
                class_hash: ClassHash(*class_hash),
                contract_address_salt: ContractAddressSalt(*contract_address_salt),
                constructor_calldata: calldata_of(constructor_calldata),
                nonce_data_availability_mode: da_mode(*nonce_data_availability_mode),
                fee_data_availability_mode: da_mode(*fee_data_availability_mode),
                paymaster_data: PaymasterData(paymaster_data.clone()),
            }),
            tx_hash,
            contract_address: address(tx.transaction.sender_address()).map_err(invalid)?,
        }),
        Transaction::DeclareV1(DeclareV1 {
            sender_address,
            class_hash,
            max_fee,
            signature,
            nonce,
            ..
        }) => {
            let class = tx.declared_class.as_ref().ok_or(ExecutorError::DeclaredClassMismatch {
                declared: *class_hash,
                actual: None,
            })?;
            if class.class_hash() != *class_hash {
                return Err(ExecutorError::DeclaredClassMismatch {
                    declared: *class_hash,
                    actual: Some(class.class_hash()),
                });
            }
            executable::AccountTransaction::Declare(executable::DeclareTransaction {
                tx: api::DeclareTransaction::V1(api::DeclareTransactionV0V1 {
                    max_fee: fee(*max_fee)?,
                    signature: signature_of(signature),
                    nonce: Nonce(*nonce),
                    class_hash: ClassHash(*class_hash),
                    sender_address: address(*sender_address).map_err(invalid)?,
                }),
                tx_hash,
                class_info: class_info(class)?,
            })
        }
        Transaction::DeclareV2(DeclareV2 {
            sender_address,
            class_hash,
            compiled_class_hash,
            max_fee,
            signature,
            nonce,
            ..
        }) => {
            let class = checked_sierra_class(tx, *class_hash, *compiled_class_hash)?;
            executable::AccountTransaction::Declare(executable::DeclareTransaction {
                tx: api::DeclareTransaction::V2(api::DeclareTransactionV2 {
                    max_fee: fee(*max_fee)?,
                    signature: signature_of(signature),
                    nonce: Nonce(*nonce),
                    class_hash: ClassHash(*class_hash),
                    compiled_class_hash: CompiledClassHash(*compiled_class_hash),
                    sender_address: address(*sender_address).map_err(invalid)?,
                }),
                tx_hash,
                class_info: class.class_info()?,
            })
        }
        Transaction::DeclareV3(DeclareV3 {
            sender_address,
            class_hash,
            compiled_class_hash,
            signature,
            nonce,
            resource_bounds,
            tip,
            paymaster_data,
            account_deployment_data,
            nonce_data_availability_mode,
            fee_data_availability_mode,
            ..
        }) => {
            let class = checked_sierra_class(tx, *class_hash, *compiled_class_hash)?;
            executable::AccountTransaction::Declare(executable::DeclareTransaction {
                tx: api::DeclareTransaction::V3(api::DeclareTransactionV3 {
                    resource_bounds: bounds(resource_bounds),
                    tip: Tip(*tip),
                    signature: signature_of(signature),
                    nonce: Nonce(*nonce),
                    class_hash: ClassHash(*class_hash),
                    compiled_class_hash: CompiledClassHash(*compiled_class_hash),
                    sender_address: address(*sender_address).map_err(invalid)?,
                    nonce_data_availability_mode: da_mode(*nonce_data_availability_mode),
                    fee_data_availability_mode: da_mode(*fee_data_availability_mode),
                    paymaster_data: PaymasterData(paymaster_data.clone()),
                    account_deployment_data: AccountDeploymentData(account_deployment_data.clone()),
                }),
                tx_hash,
                class_info: class.class_info()?,
            })
        }
    };
    Ok(AccountTransaction { tx: api_tx, execution_flags: flags })
}

/// The Sierra class a DECLARE v2 or v3 carries, checked against the class hash and compiled
/// class hash it signed.
fn checked_sierra_class(
    tx: &ExecutableTransaction,
    class_hash: Felt,
    compiled_class_hash: Felt,
) -> Result<&SierraClass, ExecutorError> {
    let class = tx
        .declared_sierra_class
        .as_deref()
        .ok_or(ExecutorError::DeclaredClassMismatch { declared: class_hash, actual: None })?;
    if class.class_hash() != class_hash {
        return Err(ExecutorError::DeclaredClassMismatch {
            declared: class_hash,
            actual: Some(class.class_hash()),
        });
    }
    if class.compiled_class_hash() != compiled_class_hash {
        return Err(ExecutorError::CompiledClassHashMismatch {
            class_hash,
            declared: compiled_class_hash,
            actual: class.compiled_class_hash(),
        });
    }
    Ok(class)
}

fn invalid(error: ExecutorError) -> ExecutorError {
    ExecutorError::InvalidTransaction(error.to_string())
}

fn fee(max_fee: Felt) -> Result<Fee, ExecutorError> {
    u128::try_from(max_fee).map(Fee).map_err(|_| {
        ExecutorError::InvalidTransaction(format!("max_fee {max_fee:#x} exceeds 128 bits"))
    })
}

fn signature_of(signature: &[Felt]) -> TransactionSignature {
    TransactionSignature(Arc::new(signature.to_vec()))
}

fn calldata_of(calldata: &[Felt]) -> Calldata {
    Calldata(Arc::new(calldata.to_vec()))
}

fn da_mode(mode: DataAvailabilityMode) -> ApiDaMode {
    match mode {
        DataAvailabilityMode::L1 => ApiDaMode::L1,
        DataAvailabilityMode::L2 => ApiDaMode::L2,
    }
}

fn bound(bound: &ChainBounds) -> ResourceBounds {
    ResourceBounds {
        max_amount: GasAmount(bound.max_amount),
        max_price_per_unit: GasPrice(bound.max_price_per_unit),
    }
}

/// The resource bounds as signed: with an L1 data gas bound all three resources (Starknet
/// 0.13.3 and later), without one the L1 gas bound alone (older v3 transactions).
fn bounds(mapping: &ResourceBoundsMapping) -> ValidResourceBounds {
    match &mapping.l1_data_gas {
        Some(l1_data_gas) => ValidResourceBounds::AllResources(AllResourceBounds {
            l1_gas: bound(&mapping.l1_gas),
            l2_gas: bound(&mapping.l2_gas),
            l1_data_gas: bound(l1_data_gas),
        }),
        None => ValidResourceBounds::L1Gas(bound(&mapping.l1_gas)),
    }
}
