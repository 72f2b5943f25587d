//! Transaction hashes and contract addresses against vectors computed with cairo-lang 0.14.0.1's
//! own functions (`starkware.starknet.core.os.transaction_hash` and `contract_address`); the
//! script that printed them is `tests/vectors/gen_tx_vectors.py`.

use chain::transaction::version_felt;
use chain::{
    ChainId, DataAvailabilityMode, DeclareV1, DeployAccountV1, DeployAccountV3, Felt, InvokeV1,
    InvokeV3, ResourceBounds, ResourceBoundsMapping, Transaction, calculate_contract_address,
};

fn felt(hex: &str) -> Felt {
    Felt::from_hex(hex).expect("valid hex")
}

fn sender() -> Felt {
    felt("0x3F47D3911396B6D579FD7848CF576286AB6F96DDA977915D6C7B10F3DD2315B")
}

fn calldata() -> Vec<Felt> {
    ["0x1", "0x4C1337D55351EAC9A0B74F3B8F0D3928E2BB781E5084686A892E66D49D510D", "0x5", "0x7", "0x0"]
        .iter()
        .map(|h| felt(h))
        .collect()
}

fn class_hash() -> Felt {
    felt("0x036078334509B514626504EDC9FB252328D1A240E4E948BEF8D0C08DFF45927F")
}

fn salt() -> Felt {
    felt("0xABCDEF")
}

fn constructor_calldata() -> Vec<Felt> {
    vec![felt("0x7E5F4552091A69125D5DFCB7B8C2659029395BDF"), felt("0x2")]
}

fn bounds(with_data_gas: bool) -> ResourceBoundsMapping {
    ResourceBoundsMapping {
        l1_gas: ResourceBounds { max_amount: 0x186A0, max_price_per_unit: 0x5AF3107A4000 },
        l2_gas: ResourceBounds { max_amount: 0x3B9ACA00, max_price_per_unit: 0x2540BE400 },
        l1_data_gas: with_data_gas
            .then_some(ResourceBounds { max_amount: 0x200, max_price_per_unit: 0x38D7EA4C68000 }),
    }
}

fn invoke_v3(with_data_gas: bool) -> InvokeV3 {
    InvokeV3 {
        sender_address: sender(),
        calldata: calldata(),
        signature: vec![],
        nonce: Felt::from(9u64),
        resource_bounds: bounds(with_data_gas),
        tip: 0x10,
        ..Default::default()
    }
}

#[test]
fn invoke_v1() {
    let tx = InvokeV1 {
        sender_address: sender(),
        calldata: calldata(),
        max_fee: felt("0x2386F26FC10000"),
        signature: vec![felt("0x1"), felt("0x2")], // not part of the hash
        nonce: Felt::from(7u64),
        is_query: false,
    };
    let expected = felt("0x357f6be3caf500d8afbdf32b98d462f554a53dbff36a028e9534e17c0f6a64c");
    assert_eq!(Transaction::InvokeV1(tx.clone()).hash(ChainId::SEPOLIA), expected);
    // The chain id is committed to.
    assert_ne!(Transaction::InvokeV1(tx).hash(ChainId::DEVNET), expected);
}

#[test]
fn invoke_v1_query_on_devnet() {
    let tx = InvokeV1 {
        sender_address: sender(),
        calldata: calldata(),
        max_fee: Felt::ZERO,
        signature: vec![],
        nonce: Felt::ZERO,
        is_query: true,
    };
    assert_eq!(
        Transaction::InvokeV1(tx).hash(ChainId::DEVNET),
        felt("0x2bc9aab31c554f53c566beccae31e5a6e4a87ff08d62190a9b1fda556dfd070")
    );
}

#[test]
fn invoke_v3_with_three_and_two_resource_bounds() {
    assert_eq!(
        Transaction::InvokeV3(invoke_v3(true)).hash(ChainId::SEPOLIA),
        felt("0x47a2c1288e917f4ab69fbf4318daa4a7b1228c6f840e53b6b6255350bdb026b")
    );
    assert_eq!(
        Transaction::InvokeV3(invoke_v3(false)).hash(ChainId::SEPOLIA),
        felt("0x12478334afc4c977d44beb1ca3f23e3a8e7d7dee80a621e18437b10adccb683")
    );
}

#[test]
fn invoke_v3_query_with_l2_nonce_mode_and_extra_data() {
    let tx = InvokeV3 {
        nonce: Felt::ONE,
        resource_bounds: bounds(true),
        tip: 0,
        paymaster_data: vec![felt("0x5"), felt("0x6")],
        account_deployment_data: vec![felt("0x8")],
        nonce_data_availability_mode: DataAvailabilityMode::L2,
        fee_data_availability_mode: DataAvailabilityMode::L1,
        is_query: true,
        ..invoke_v3(true)
    };
    assert_eq!(
        Transaction::InvokeV3(tx).hash(ChainId::DEVNET),
        felt("0x4033b4e4af64b51719fec0be077aedc57259e1bafe69deb1aa75b8d67eefa1d")
    );
}

#[test]
fn contract_addresses() {
    assert_eq!(
        calculate_contract_address(salt(), class_hash(), &constructor_calldata(), Felt::ZERO),
        felt("0x7c43028021473a8f5b13df5aefd1a4760b8c9716511ccb2f6d2d3b3e677945b")
    );
    assert_eq!(
        calculate_contract_address(salt(), class_hash(), &constructor_calldata(), sender()),
        felt("0x5820db0f67e883d1cd604fc27b043a9dbba6f89f3a8776e6dc5a8e976e2990a")
    );
}

#[test]
fn deploy_account_v1_and_v3() {
    let v1 = DeployAccountV1 {
        class_hash: class_hash(),
        contract_address_salt: salt(),
        constructor_calldata: constructor_calldata(),
        max_fee: felt("0x5AF3107A4000"),
        signature: vec![],
        nonce: Felt::ZERO,
        is_query: false,
    };
    let v1 = Transaction::DeployAccountV1(v1);
    assert_eq!(
        v1.hash(ChainId::DEVNET),
        felt("0x522318b87b653e9fb42dfb2abf6bf9b53bfc829c8ae7dd588294b886ca5e219")
    );
    assert_eq!(
        v1.sender_address(),
        felt("0x7c43028021473a8f5b13df5aefd1a4760b8c9716511ccb2f6d2d3b3e677945b")
    );
    let v3 = DeployAccountV3 {
        class_hash: class_hash(),
        contract_address_salt: salt(),
        constructor_calldata: constructor_calldata(),
        signature: vec![],
        nonce: Felt::ZERO,
        resource_bounds: bounds(true),
        ..Default::default()
    };
    assert_eq!(
        Transaction::DeployAccountV3(v3).hash(ChainId::SEPOLIA),
        felt("0x7bf534803011596edd91be61ac9ac1f19f0b9e791e37f980a53f27efd92224f")
    );
}

#[test]
fn declare_v1() {
    let tx = DeclareV1 {
        sender_address: sender(),
        class_hash: class_hash(),
        max_fee: felt("0x1234"),
        signature: vec![],
        nonce: Felt::from(3u64),
        is_query: false,
    };
    assert_eq!(
        Transaction::DeclareV1(tx).hash(ChainId::DEVNET),
        felt("0x45dbe031c7a5b45137526d7ff8569d3d34e9082b34f829222d629313cc61bfe")
    );
}

#[test]
fn query_version_offset() {
    assert_eq!(version_felt(1, true), felt("0x100000000000000000000000000000001"));
    assert_eq!(version_felt(3, false), Felt::from(3u64));
}

#[test]
fn every_v3_field_is_committed() {
    let base = invoke_v3(true);
    let base_hash = Transaction::InvokeV3(base.clone()).hash(ChainId::DEVNET);
    let mut variants = Vec::new();
    let mut tx = base.clone();
    tx.tip += 1;
    variants.push(tx);
    let mut tx = base.clone();
    tx.resource_bounds.l2_gas.max_amount += 1;
    variants.push(tx);
    let mut tx = base.clone();
    tx.resource_bounds.l1_data_gas = Some(ResourceBounds::default());
    variants.push(tx);
    let mut tx = base.clone();
    tx.fee_data_availability_mode = DataAvailabilityMode::L2;
    variants.push(tx);
    let mut tx = base.clone();
    tx.calldata.push(Felt::ZERO);
    variants.push(tx);
    let mut tx = base.clone();
    tx.nonce += Felt::ONE;
    variants.push(tx);
    for (index, tx) in variants.into_iter().enumerate() {
        assert_ne!(Transaction::InvokeV3(tx).hash(ChainId::DEVNET), base_hash, "variant {index}");
    }
    // The signature is not.
    let mut signed = base;
    signed.signature = vec![Felt::ONE];
    assert_eq!(Transaction::InvokeV3(signed).hash(ChainId::DEVNET), base_hash);
}
