//! starknet-devnet's predeployed state, which is in no state update ([`predeployed_state`]).
//!
//! starknet-devnet 0.10.1 (`starknet-devnet-core`'s `Starknet::new`) writes most of its genesis
//! straight into its underlying state, below the cache its state diffs are taken from: the
//! declared classes (Cairo 0 and Cairo 1 accounts, the ERC-20 class, both UDCs), the deployed
//! contracts (ETH and STRK ERC-20s, both UDCs, the predeployed accounts and the "chargeable"
//! minter account), the accounts' balances and the tokens' total supplies, and the accounts'
//! public keys and SRC5 interface flag. Block 0's state update has only the rest: the ERC-20s'
//! initialization (name, symbol, decimals, minter) and two Cairo 0 classes.
//!
//! The watcher reads that state back from the sequencer **at block 0** (`getClassHashAt`,
//! `getStorageAt`, `getClass`, `getCompiledCasm`), over the contracts and storage variables that
//! starknet-devnet's genesis code writes. Reading at block 0 once later blocks exist needs
//! starknet-devnet's state archive (`--state-archive-capacity full`); without it the read fails
//! with an error saying so. Nothing read here can be checked against a root (starknet-devnet
//! computes none): it is the sequencer's word, as a genesis is.

use std::collections::BTreeSet;

use chain::{Felt, StateDiff};
use serde_json::{Value, json};
use starknet_core::utils::get_storage_var_address;

use crate::client::SequencerClient;
use crate::error::WatcherError;

/// The system contracts starknet-devnet predeploys: ETH and STRK ERC-20s, the legacy and the
/// Cairo 1 UDC, the chargeable (minter) account.
const SYSTEM_CONTRACTS: [Felt; 5] = [
    Felt::from_hex_unchecked("0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7"),
    Felt::from_hex_unchecked("0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d"),
    Felt::from_hex_unchecked("0x41a78e741e5af2fec34b695679bc6891742439f7afb8484ecd7766661ad02bf"),
    Felt::from_hex_unchecked("0x2ceed65a4bd731034c01113685c831b01c15d7d432f71afb1cf1634b53a2125"),
    CHARGEABLE_ACCOUNT,
];
const CHARGEABLE_ACCOUNT: Felt =
    Felt::from_hex_unchecked("0x1caf2df5ed5dde1ae3faef4acd72522ac3cb16e23f6dc4c7f9faed67124c511");
/// The fee tokens whose balances and total supplies starknet-devnet sets (ETH, STRK).
const FEE_TOKENS: [Felt; 2] = [SYSTEM_CONTRACTS[0], SYSTEM_CONTRACTS[1]];
/// The account classes starknet-devnet predeclares whether or not it deploys them (Cairo 0 and
/// Cairo 1 OpenZeppelin accounts).
const PREDECLARED_CLASSES: [Felt; 2] = [
    Felt::from_hex_unchecked("0x4d07e40e93398ed3c76981e72dd1fd22557a78ce36c0515f679e27f0bb5bc5f"),
    Felt::from_hex_unchecked("0x05b4b537eaa2399e3aa99c4e2e0208ebd6c71bc1467938cd52c798c601e43564"),
];
/// SRC-6's interface id, which starknet-devnet marks supported in each account's storage.
const ISRC6_ID: Felt =
    Felt::from_hex_unchecked("0x2ceccef7f994940b3962a6c67e0ba4fcd37df7d131417c604f91e03caecc1cd");

/// The predeployed state of the starknet-devnet at `client`, read at block 0, as a diff over
/// the empty state: deployed contracts, their storage, declared classes (Sierra classes with the
/// compiled class hash of the CASM the sequencer serves).
pub async fn predeployed_state(client: &SequencerClient) -> Result<StateDiff, WatcherError> {
    let accounts: Value = client.call_named("devnet_getPredeployedAccounts", json!({})).await?;
    let malformed = |reason: String| WatcherError::Malformed {
        method: "devnet_getPredeployedAccounts",
        reason,
    };
    let mut account_addresses = vec![CHARGEABLE_ACCOUNT];
    for account in accounts.as_array().ok_or_else(|| malformed("not a list".into()))? {
        let address = account["address"].as_str().and_then(|text| Felt::from_hex(text).ok());
        account_addresses.push(address.ok_or_else(|| malformed(format!("{account}")))?);
    }

    let mut diff = StateDiff::default();
    let mut classes: BTreeSet<Felt> = PREDECLARED_CLASSES.into_iter().collect();
    for address in SYSTEM_CONTRACTS.iter().chain(&account_addresses).copied() {
        let class_hash = at_genesis(
            client,
            "starknet_getClassHashAt",
            json!({ "block_id": { "block_number": 0 }, "contract_address": address }),
        )
        .await?;
        diff.deployed_contracts.insert(address, class_hash);
        classes.insert(class_hash);
    }

    let variable = |name: &str, args: &[Felt]| {
        get_storage_var_address(name, args).map_err(|error| WatcherError::Config(error.to_string()))
    };
    let mut slots = Vec::new();
    for account in &account_addresses {
        slots.push((*account, variable("Account_public_key", &[])?));
        slots.push((*account, variable("SRC5_supported_interfaces", &[ISRC6_ID])?));
        for token in FEE_TOKENS {
            let low = variable("ERC20_balances", &[*account])?;
            slots.extend([(token, low), (token, low + Felt::ONE)]);
        }
    }
    for token in FEE_TOKENS {
        let low = variable("ERC20_total_supply", &[])?;
        slots.extend([(token, low), (token, low + Felt::ONE)]);
    }
    for (address, key) in slots {
        let value: Felt = at_genesis(
            client,
            "starknet_getStorageAt",
            json!({ "contract_address": address, "key": key, "block_id": { "block_number": 0 } }),
        )
        .await?;
        if value != Felt::ZERO {
            diff.set_storage(address, key, value);
        }
    }

    for class_hash in classes {
        match client.class(0, class_hash).await? {
            chain::classes::ContractClass::Legacy(_) => {
                diff.deprecated_declared_classes.insert(class_hash);
            }
            chain::classes::ContractClass::Sierra(definition) => {
                let casm = client.compiled_casm(class_hash).await?;
                let served = tokio::task::spawn_blocking(move || {
                    executor::SierraClass::from_casm(definition, class_hash, casm)
                        .map(|class| class.compiled_class_hash())
                })
                .await
                .map_err(|error| WatcherError::Task {
                    what: "CASM hashing",
                    reason: error.to_string(),
                })??;
                diff.declared_classes.insert(class_hash, served);
            }
        }
    }
    Ok(diff)
}

/// A read at block 0, with what to do when starknet-devnet no longer serves that state.
async fn at_genesis<T: serde::de::DeserializeOwned>(
    client: &SequencerClient,
    method: &'static str,
    params: Value,
) -> Result<T, WatcherError> {
    client.call_named(method, params).await.map_err(|error| WatcherError::UnsupportedBlock {
        block_number: 0,
        reason: format!(
            "starknet-devnet's predeployed state is in no state update and must be read at \
             block 0 ({method}), which needs `--state-archive-capacity full` once later blocks \
             exist: {error}"
        ),
    })
}
