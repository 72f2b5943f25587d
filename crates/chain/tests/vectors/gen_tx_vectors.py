"""Computes the transaction-hash and contract-address vectors in `tests/tx_hash_vectors.rs`
with cairo-lang's own functions (run in a venv with `pip install cairo-lang==0.14.0.1`).

    python gen_tx_vectors.py
"""
from starkware.cairo.common.hash_state import compute_hash_on_elements
from starkware.starknet.core.os.contract_address.contract_address import (
    calculate_contract_address_from_hash,
)
from starkware.starknet.core.os.transaction_hash.deprecated_transaction_hash import (
    TransactionHashPrefix,
    _deprecated_calculate_transaction_hash_common,
    deprecated_calculate_deploy_account_transaction_hash,
    deprecated_calculate_invoke_transaction_hash,
)
from starkware.starknet.core.os.transaction_hash.transaction_hash import (
    calculate_deploy_account_transaction_hash,
    calculate_invoke_transaction_hash,
)
from starkware.starknet.definitions.fields import Resource, ResourceBounds

DEVNET = int.from_bytes(b"SN_WATCHER_DEVNET", "big")
SEPOLIA = int.from_bytes(b"SN_SEPOLIA", "big")
QUERY = 2**128

SENDER = 0x3F47D3911396B6D579FD7848CF576286AB6F96DDA977915D6C7B10F3DD2315B
CALLDATA = [0x1, 0x4C1337D55351EAC9A0B74F3B8F0D3928E2BB781E5084686A892E66D49D510D, 0x5, 0x7, 0x0]
CLASS_HASH = 0x036078334509B514626504EDC9FB252328D1A240E4E948BEF8D0C08DFF45927F
SALT = 0xABCDEF
CTOR = [0x7E5F4552091A69125D5DFCB7B8C2659029395BDF, 0x2]

bounds3 = {
    Resource.L1_GAS: ResourceBounds(max_amount=0x186A0, max_price_per_unit=0x5AF3107A4000),
    Resource.L2_GAS: ResourceBounds(max_amount=0x3B9ACA00, max_price_per_unit=0x2540BE400),
    Resource.L1_DATA_GAS: ResourceBounds(max_amount=0x200, max_price_per_unit=0x38D7EA4C68000),
}
bounds2 = {k: v for k, v in bounds3.items() if k != Resource.L1_DATA_GAS}

out = {}
out["invoke_v1_sepolia"] = deprecated_calculate_invoke_transaction_hash(
    version=1, sender_address=SENDER, entry_point_selector=None, calldata=CALLDATA,
    max_fee=0x2386F26FC10000, chain_id=SEPOLIA, nonce=7)
out["invoke_v1_devnet_query"] = deprecated_calculate_invoke_transaction_hash(
    version=QUERY + 1, sender_address=SENDER, entry_point_selector=None, calldata=CALLDATA,
    max_fee=0, chain_id=DEVNET, nonce=0)
for name, bounds in [("invoke_v3_three_bounds", bounds3), ("invoke_v3_two_bounds", bounds2)]:
    out[name] = calculate_invoke_transaction_hash(
        version=3, nonce=9, sender_address=SENDER, nonce_data_availability_mode=0,
        fee_data_availability_mode=0, resource_bounds=bounds, tip=0x10, paymaster_data=[],
        calldata=CALLDATA, account_deployment_data=[], chain_id=SEPOLIA)
out["invoke_v3_devnet_query_l2_da"] = calculate_invoke_transaction_hash(
    version=QUERY + 3, nonce=1, sender_address=SENDER, nonce_data_availability_mode=1,
    fee_data_availability_mode=0, resource_bounds=bounds3, tip=0, paymaster_data=[0x5, 0x6],
    calldata=CALLDATA, account_deployment_data=[0x8], chain_id=DEVNET)
address = calculate_contract_address_from_hash(
    salt=SALT, class_hash=CLASS_HASH, constructor_calldata=CTOR, deployer_address=0)
out["deploy_account_address"] = address
out["udc_style_address"] = calculate_contract_address_from_hash(
    salt=SALT, class_hash=CLASS_HASH, constructor_calldata=CTOR, deployer_address=SENDER)
out["deploy_account_v1"] = deprecated_calculate_deploy_account_transaction_hash(
    version=1, contract_address=address, class_hash=CLASS_HASH, constructor_calldata=CTOR,
    max_fee=0x5AF3107A4000, nonce=0, salt=SALT, chain_id=DEVNET)
out["deploy_account_v3"] = calculate_deploy_account_transaction_hash(
    version=3, nonce=0, contract_address=address, nonce_data_availability_mode=0,
    fee_data_availability_mode=0, resource_bounds=bounds3, tip=0, paymaster_data=[],
    salt=SALT, class_hash=CLASS_HASH, constructor_calldata=CTOR, chain_id=SEPOLIA)
# DECLARE v1: cairo-lang's deprecated_calculate_old_declare_transaction_hash with calldata
# [class_hash] and additional data [nonce]; called through the common helper because that
# function takes the whole class to hash it.
out["declare_v1"] = _deprecated_calculate_transaction_hash_common(
    tx_hash_prefix=TransactionHashPrefix.DECLARE, version=1, contract_address=SENDER,
    entry_point_selector=0, calldata=[CLASS_HASH], max_fee=0x1234, chain_id=DEVNET,
    additional_data=[3])
for name, value in out.items():
    print(f"{name} = {hex(value)}")
