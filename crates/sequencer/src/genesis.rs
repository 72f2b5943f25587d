//! Genesis: the bundled classes declared, N prefunded accounts with deterministic keys, a
//! funded ERC-20, the minter account that `devnet_mint` sends from, and fibonacci and factorial
//! deployed.
//!
//! Genesis is block 0 with no transactions: its state diff writes the contracts' storage
//! directly (what the constructors would have written), as Starknet devnets predeploy their
//! contracts. So the ERC-20 has no `Transfer` events for the initial balances.
//!
//! * account `i` (from 0): private key `k_i = poseidon_hash_many(["WP_DEVNET_ACCOUNT", seed, i])`
//!   (rehashed while not a valid Stark-curve key), public key `K_i`, address
//!   `calculate_contract_address(salt = K_i, account class, [K_i], deployer 0)`, i.e. where a
//!   DEPLOY_ACCOUNT with salt `K_i` would put it; storage `Account_public_key = K_i`;
//! * ERC-20 "Watcher Token" (`WTK`, 18 decimals) at salt 1 with constructor calldata
//!   `[name, symbol, 18, supply.low, supply.high, account_0]` where `supply` is the accounts'
//!   balances (this fixes the address); each account holds [`ACCOUNT_BALANCE`];
//! * the minter: an account like the others (private key from the domain
//!   `"WP_DEVNET_MINTER"` instead of `"WP_DEVNET_ACCOUNT"`, index 0) holding the rest of the
//!   token, so that the total supply is `2^256 - 1`, the most a `Uint256` holds.
//!   `devnet_mint` is a signed ERC-20 `transfer` from it ([`crate::mint`]): a real transaction
//!   that the watcher replays and the OS proves like any other, where a balance written
//!   outside a transaction could be neither. It is not listed by
//!   `devnet_getPredeployedAccounts` (starknet-devnet's "chargeable account" is not either);
//! * fibonacci at salt 2 and factorial at salt 3, no calldata (the addresses of
//!   `os-program/contracts/README.md`);
//! * the Universal Deployer at [`UDC_ADDRESS`], the address where Starknet has its UDC and
//!   where clients look for it (starknet-rs `ContractFactory::new` and starknet.py/starknet.js
//!   defaults), so they deploy declared classes without configuration. It is not a
//!   `calculate_contract_address` result (no constructor, no storage): genesis just puts the
//!   class there.

use chain::{Felt, StateDiff, calculate_contract_address, short_string};
use starknet_core::utils::get_storage_var_address;
use starknet_crypto::poseidon_hash_many;

use crate::SequencerError;
use crate::classes::{ACCOUNT_CLASS_HASH, BundledClasses, ERC20_CLASS_HASH};

/// Token balance of every prefunded account: 10^24 base units (a million tokens).
pub const ACCOUNT_BALANCE: u128 = 1_000_000_000_000_000_000_000_000;

/// The key domain of the prefunded accounts.
const ACCOUNT_KEY_DOMAIN: &str = "WP_DEVNET_ACCOUNT";
/// The key domain of the minter.
const MINTER_KEY_DOMAIN: &str = "WP_DEVNET_MINTER";

/// The address of the Universal Deployer (Starknet's, and starknet-rs's `UDC_ADDRESS`).
pub const UDC_ADDRESS: Felt =
    Felt::from_hex_unchecked("0x041a78e741e5af2fec34b695679bc6891742439f7afb8484ecd7766661ad02bf");

/// The order of the Stark curve: private keys are in `[1, order)`.
const CURVE_ORDER: Felt =
    Felt::from_hex_unchecked("0x800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2f");

/// A prefunded account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DevAccount {
    /// Address.
    pub address: Felt,
    /// Private key (worth nothing: printed at start, derived from a public seed).
    pub private_key: Felt,
    /// Public key.
    pub public_key: Felt,
}

/// Where genesis put things.
#[derive(Clone, Debug)]
pub struct Genesis {
    /// Prefunded accounts, index order.
    pub accounts: Vec<DevAccount>,
    /// The account `devnet_mint` transfers from (holds every token no account holds).
    pub minter: DevAccount,
    /// The ERC-20.
    pub erc20_address: Felt,
    /// The fibonacci contract.
    pub fibonacci_address: Felt,
    /// The factorial contract.
    pub factorial_address: Felt,
    /// The Universal Deployer ([`UDC_ADDRESS`]).
    pub udc_address: Felt,
    /// Class hash of the bundled account.
    pub account_class_hash: Felt,
    /// The block-0 state diff.
    pub state_diff: StateDiff,
}

/// The private key of devnet account `index` for `seed` (see the module docs).
pub fn account_private_key(seed: u64, index: u64) -> Felt {
    private_key(ACCOUNT_KEY_DOMAIN, seed, index)
}

/// A private key in `[1, order)` derived from `domain`, `seed` and `index`.
fn private_key(domain: &'static str, seed: u64, index: u64) -> Felt {
    let domain = short_string::encode_const(domain);
    let mut key = poseidon_hash_many(&[domain, Felt::from(seed), Felt::from(index)]);
    while key == Felt::ZERO || key >= CURVE_ORDER {
        key = poseidon_hash_many(&[domain, key]);
    }
    key
}

/// The ERC-20's name and symbol, as short strings.
fn erc20_name_and_symbol() -> (Felt, Felt) {
    (short_string::encode_const("Watcher Token"), short_string::encode_const("WTK"))
}

/// Where genesis puts its ERC-20 for `account_count` accounts from `seed`: the fee token of a
/// chain that charges fees.
pub fn erc20_address(account_count: u64, seed: u64) -> Felt {
    erc20_deployment(ACCOUNT_CLASS_HASH, ERC20_CLASS_HASH, account_count, seed)
}

/// The ERC-20's address: salt 1, constructor calldata `[name, symbol, 18, supply.low,
/// supply.high, account_0]`.
fn erc20_deployment(
    account_class_hash: Felt,
    erc20_class_hash: Felt,
    account_count: u64,
    seed: u64,
) -> Felt {
    let total_supply = ACCOUNT_BALANCE * u128::from(account_count);
    let first = if account_count > 0 {
        dev_account(seed, 0, account_class_hash).address
    } else {
        Felt::ZERO
    };
    let (name, symbol) = erc20_name_and_symbol();
    let calldata = [name, symbol, Felt::from(18u64), Felt::from(total_supply), Felt::ZERO, first];
    calculate_contract_address(Felt::ONE, erc20_class_hash, &calldata, Felt::ZERO)
}

/// Devnet account `index` for `seed`.
pub fn dev_account(seed: u64, index: u64, account_class_hash: Felt) -> DevAccount {
    account_from_key(account_private_key(seed, index), account_class_hash)
}

/// The minter for `seed` (see the module docs).
pub fn minter_account(seed: u64, account_class_hash: Felt) -> DevAccount {
    account_from_key(private_key(MINTER_KEY_DOMAIN, seed, 0), account_class_hash)
}

/// The account of the bundled class with `private_key`, where a DEPLOY_ACCOUNT with salt
/// (and calldata) its public key would put it.
fn account_from_key(private_key: Felt, account_class_hash: Felt) -> DevAccount {
    let public_key = chain::signature::public_key(&private_key);
    let address =
        calculate_contract_address(public_key, account_class_hash, &[public_key], Felt::ZERO);
    DevAccount { address, private_key, public_key }
}

fn storage_var(name: &str, keys: &[Felt]) -> Result<Felt, SequencerError> {
    get_storage_var_address(name, keys)
        .map_err(|error| SequencerError::Executor(format!("storage var {name}: {error}")))
}

/// Writes a `Uint256` storage variable (low at `key`, high at `key + 1`).
fn set_uint256(diff: &mut StateDiff, address: Felt, key: Felt, low: u128, high: u128) {
    diff.set_storage(address, key, Felt::from(low));
    diff.set_storage(address, key + Felt::ONE, Felt::from(high));
}

/// The storage key of `owner`'s balance in the genesis ERC-20 (its low word; the high word is
/// at the next key).
pub fn balance_key(owner: Felt) -> Result<Felt, SequencerError> {
    storage_var("ERC20_balances", &[owner])
}

/// Builds genesis for `account_count` accounts from `seed`.
pub fn build(
    classes: &BundledClasses,
    account_count: u64,
    seed: u64,
) -> Result<Genesis, SequencerError> {
    let mut diff = StateDiff::default();
    for class in classes.all() {
        diff.deprecated_declared_classes.insert(class.class_hash);
    }
    let account_class_hash = classes.account.class_hash;
    let accounts: Vec<DevAccount> =
        (0..account_count).map(|index| dev_account(seed, index, account_class_hash)).collect();
    let minter = minter_account(seed, account_class_hash);
    let public_key_key = storage_var("Account_public_key", &[])?;
    for account in accounts.iter().chain([&minter]) {
        diff.deployed_contracts.insert(account.address, account_class_hash);
        diff.set_storage(account.address, public_key_key, account.public_key);
    }

    let (name, symbol) = erc20_name_and_symbol();
    let erc20_address =
        erc20_deployment(account_class_hash, classes.erc20.class_hash, account_count, seed);
    diff.deployed_contracts.insert(erc20_address, classes.erc20.class_hash);
    diff.set_storage(erc20_address, storage_var("ERC20_name", &[])?, name);
    diff.set_storage(erc20_address, storage_var("ERC20_symbol", &[])?, symbol);
    diff.set_storage(erc20_address, storage_var("ERC20_decimals", &[])?, Felt::from(18u64));
    // The whole `Uint256` range is minted at genesis: the accounts' balances and the minter's
    // reserve, which holds the rest (so the ERC-20's invariant, balances sum to the supply,
    // holds, and no transfer can overflow a balance).
    let supply_key = storage_var("ERC20_total_supply", &[])?;
    set_uint256(&mut diff, erc20_address, supply_key, u128::MAX, u128::MAX);
    let accounts_total =
        ACCOUNT_BALANCE.checked_mul(u128::from(account_count)).ok_or_else(|| {
            SequencerError::Executor(format!("{account_count} accounts hold more than a Uint256"))
        })?;
    for account in &accounts {
        set_uint256(&mut diff, erc20_address, balance_key(account.address)?, ACCOUNT_BALANCE, 0);
    }
    let reserve_low = u128::MAX - accounts_total;
    set_uint256(&mut diff, erc20_address, balance_key(minter.address)?, reserve_low, u128::MAX);

    let fibonacci_address =
        calculate_contract_address(Felt::TWO, classes.fibonacci.class_hash, &[], Felt::ZERO);
    let factorial_address =
        calculate_contract_address(Felt::THREE, classes.factorial.class_hash, &[], Felt::ZERO);
    diff.deployed_contracts.insert(fibonacci_address, classes.fibonacci.class_hash);
    diff.deployed_contracts.insert(factorial_address, classes.factorial.class_hash);
    diff.deployed_contracts.insert(UDC_ADDRESS, classes.udc.class_hash);

    Ok(Genesis {
        accounts,
        minter,
        erc20_address,
        fibonacci_address,
        factorial_address,
        udc_address: UDC_ADDRESS,
        account_class_hash,
        state_diff: diff,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genesis_matches_the_documented_addresses_and_keys() {
        let classes = BundledClasses::load().unwrap();
        let genesis = build(&classes, 3, 0).unwrap();
        assert_eq!(erc20_address(3, 0), genesis.erc20_address);
        // os-program/contracts/README.md, computed by cairo-lang.
        assert_eq!(
            genesis.fibonacci_address,
            Felt::from_hex_unchecked(
                "0x798fd757c6f936bcea2800a557c220fa2a6e9c2c537e4494aeff0e852824429"
            )
        );
        assert_eq!(
            genesis.factorial_address,
            Felt::from_hex_unchecked(
                "0x225ee7f795877ce72cdb34c29b8771c0d164e5616ad0ea431dd9dc3fec516e"
            )
        );
        assert_eq!(genesis.accounts.len(), 3);
        let again = build(&classes, 3, 0).unwrap();
        assert_eq!(again.accounts, genesis.accounts, "keys are deterministic");
        assert_ne!(build(&classes, 3, 1).unwrap().accounts[0], genesis.accounts[0]);
        for account in &genesis.accounts {
            assert!(account.private_key < CURVE_ORDER && account.private_key != Felt::ZERO);
            assert_eq!(account.public_key, chain::signature::public_key(&account.private_key));
            let balance_key = storage_var("ERC20_balances", &[account.address]).unwrap();
            assert_eq!(
                genesis.state_diff.storage_diffs[&genesis.erc20_address][&balance_key],
                Felt::from(ACCOUNT_BALANCE)
            );
        }
        // The balances sum to the total supply, `2^256 - 1`.
        let word = |key: Felt| {
            let value = genesis.state_diff.storage_diffs[&genesis.erc20_address][&key];
            u128::try_from(value.to_biguint()).unwrap()
        };
        let minter_key = balance_key(genesis.minter.address).unwrap();
        let supply_key = storage_var("ERC20_total_supply", &[]).unwrap();
        assert_eq!((word(supply_key), word(supply_key + Felt::ONE)), (u128::MAX, u128::MAX));
        assert_eq!(word(minter_key + Felt::ONE), u128::MAX);
        assert_eq!(word(minter_key) + 3 * ACCOUNT_BALANCE, u128::MAX);
        assert_eq!(genesis.state_diff.deprecated_declared_classes.len(), 5);
        // 3 accounts, the minter, the ERC-20, fibonacci, factorial and the UDC.
        assert_eq!(genesis.state_diff.deployed_contracts.len(), 8);
        assert!(!genesis.accounts.contains(&genesis.minter));
        assert_eq!(genesis.minter, build(&classes, 3, 0).unwrap().minter, "deterministic");
        assert_eq!(genesis.state_diff.deployed_contracts[&UDC_ADDRESS], classes.udc.class_hash);
    }
}
