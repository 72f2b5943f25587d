"""Regenerates `vectors.json`: test vectors for the bundled contracts, computed with cairo-lang's
own Python code (class hashes, selectors, addresses, transaction hashes, signatures) and an
execution trace of a short devnet session run by cairo-lang's own (deprecated) transaction
executor. Nothing runs this in CI; the Rust tests read the committed JSON.

Run from the repository root, after `scripts/cairo-lang.sh compile` (which installs cairo-lang
0.14.0.1 into .venv/cairo-lang):

    .venv/cairo-lang/bin/python os-program/contracts/vectors.py

The script asserts what it can (signatures verify, calls succeed, balances add up) and rewrites
os-program/contracts/vectors.json. All numbers are written as 0x-prefixed lowercase hex.
"""

import json
import os
from typing import Dict, List

from starkware.crypto.signature.signature import private_to_stark_key, sign, verify
from starkware.starknet.business_logic.state.state import CachedSyncState
from starkware.starknet.business_logic.state.state_api import SyncStateReader
from starkware.starknet.business_logic.state.state_api_objects import BlockInfo
from starkware.starknet.business_logic.transaction.deprecated_objects import (
    DeprecatedInternalDeployAccount,
    DeprecatedInternalInvokeFunction,
    InternalDeploy,
)
from starkware.starknet.core.os.contract_address.contract_address import (
    calculate_contract_address_from_hash,
)
from starkware.starknet.core.os.contract_class.deprecated_class_hash import (
    compute_deprecated_class_hash,
)
from starkware.starknet.core.os.transaction_hash.deprecated_transaction_hash import (
    deprecated_calculate_deploy_account_transaction_hash,
    deprecated_calculate_invoke_transaction_hash,
    deprecated_calculate_old_declare_transaction_hash,
)
from starkware.starknet.core.os.transaction_hash.transaction_hash import (
    calculate_invoke_transaction_hash,
)
from starkware.starknet.definitions.fields import Resource, ResourceBounds
from starkware.starknet.definitions.general_config import StarknetGeneralConfig
from starkware.starknet.public.abi import get_selector_from_name, get_storage_var_address
from starkware.starknet.services.api.contract_class.contract_class import (
    DeprecatedCompiledClass,
)

HERE = os.path.dirname(os.path.abspath(__file__))
CONTRACTS = ["account", "erc20", "fibonacci", "factorial"]


def short_string(text: str) -> int:
    assert len(text) <= 31 and text.isascii()
    return int.from_bytes(text.encode("ascii"), "big")


def hexs(values: List[int]) -> List[str]:
    return [hex(v) for v in values]


# ---------------------------------------------------------------------------------------------
# Documented inputs.
# ---------------------------------------------------------------------------------------------

CHAIN_ID_NAME = "SN_DEVNET"
CHAIN_ID = short_string(CHAIN_ID_NAME)
# The bundled devnet's own chain id (crates/chain, `ChainId::DEVNET`); one extra vector uses it.
WATCHER_CHAIN_ID_NAME = "SN_WATCHER_DEVNET"
WATCHER_CHAIN_ID = short_string(WATCHER_CHAIN_ID_NAME)

# A test key; never use it for anything of value.
PRIVATE_KEY = 0x3C1E9550E66958296D11B60F8E8E7A7AD990D07FA65D5F7652C4A6C87D4E3CC
ACCOUNT_SALT = 0x5EED

ERC20_SALT = 0x1
ERC20_NAME = "Watcher Token"
ERC20_SYMBOL = "WTK"
ERC20_DECIMALS = 18
ERC20_INITIAL_SUPPLY = 10**24  # Uint256 (low, high) = (10**24, 0)
FIBONACCI_SALT = 0x2
FACTORIAL_SALT = 0x3

TRANSFER_RECIPIENT = 0x1234
TRANSFER_AMOUNT = 1000

BLOCK_NUMBER = 7
BLOCK_TIMESTAMP = 1_700_000_000
SEQUENCER_ADDRESS = 0x1000


def load_classes() -> Dict[str, DeprecatedCompiledClass]:
    classes = {}
    for name in CONTRACTS:
        with open(os.path.join(HERE, f"{name}.json")) as f:
            classes[name] = DeprecatedCompiledClass.loads(f.read())
    return classes


def legacy_multicall(calls: List[tuple]) -> List[int]:
    """Encodes (to, selector, calldata) calls as the Cairo 0 account `__execute__` calldata."""
    call_array: List[int] = []
    calldata: List[int] = []
    for to, selector, data in calls:
        call_array += [to, selector, len(calldata), len(data)]
        calldata += data
    return [len(calls), *call_array, len(calldata), *calldata]


def signed(tx_hash: int) -> List[int]:
    r, s = sign(msg_hash=tx_hash, priv_key=PRIVATE_KEY)
    assert verify(msg_hash=tx_hash, r=r, s=s, public_key=private_to_stark_key(PRIVATE_KEY))
    return [r, s]


# ---------------------------------------------------------------------------------------------
# An in-memory state for cairo-lang's deprecated transaction executor.
# ---------------------------------------------------------------------------------------------


class MemoryStateReader(SyncStateReader):
    """The state before the session: the four classes declared (Cairo 0, so no compiled class
    hash), no contracts."""

    def __init__(self, classes: Dict[int, DeprecatedCompiledClass]):
        self.classes = classes

    def get_compiled_class(self, compiled_class_hash: int):
        return self.classes[compiled_class_hash]

    def get_sierra_class(self, class_hash: int):
        raise NotImplementedError("no Sierra classes on this state")

    def get_compiled_class_hash(self, class_hash: int) -> int:
        return 0

    def get_class_hash_at(self, contract_address: int) -> int:
        return 0

    def get_nonce_at(self, data_availability_mode, contract_address: int) -> int:
        return 0

    def get_storage_at(self, data_availability_mode, contract_address: int, key: int) -> int:
        return 0


def events_of(execution_info) -> List[dict]:
    return [
        {"from_address": hex(e.from_address), "keys": hexs(e.keys), "data": hexs(e.data)}
        for e in execution_info.get_sorted_events()
    ]


def main():
    classes = load_classes()
    out: dict = {
        "generator": "os-program/contracts/vectors.py with cairo-lang 0.14.0.1",
        "chain_id": {"name": CHAIN_ID_NAME, "value": hex(CHAIN_ID)},
    }

    # Class hashes: compute_deprecated_class_hash over the committed JSON.
    class_hashes = {name: compute_deprecated_class_hash(classes[name]) for name in CONTRACTS}
    out["class_hashes"] = {name: hex(h) for name, h in class_hashes.items()}

    # Selectors: sn_keccak of the name, for every function and event of the ABI, checked against
    # the selectors the compiler wrote into the entry point table.
    selectors = {}
    for name in CONTRACTS:
        contract_class = classes[name]
        table = {
            entry.selector
            for entries in contract_class.entry_points_by_type.values()
            for entry in entries
        }
        functions, events = {}, {}
        for item in contract_class.abi:
            if item["type"] in ("function", "constructor", "l1_handler"):
                selector = get_selector_from_name(item["name"])
                assert selector in table, (name, item["name"])
                functions[item["name"]] = hex(selector)
            elif item["type"] == "event":
                events[item["name"]] = hex(get_selector_from_name(item["name"]))
        assert len(functions) == len(table), name
        selectors[name] = {"entry_points": functions, "events": events}
    out["selectors"] = selectors

    # Storage variable addresses (sn_keccak of the name, then Pedersen with each key).
    public_key = private_to_stark_key(PRIVATE_KEY)
    out["keys"] = {"private_key": hex(PRIVATE_KEY), "public_key": hex(public_key)}

    # Addresses: calculate_contract_address_from_hash with deployer 0 (DEPLOY_ACCOUNT, and the
    # genesis deployments of the other contracts).
    account_ctor = [public_key]
    account_address = calculate_contract_address_from_hash(
        salt=ACCOUNT_SALT,
        class_hash=class_hashes["account"],
        constructor_calldata=account_ctor,
        deployer_address=0,
    )
    erc20_ctor = [
        short_string(ERC20_NAME),
        short_string(ERC20_SYMBOL),
        ERC20_DECIMALS,
        ERC20_INITIAL_SUPPLY % 2**128,
        ERC20_INITIAL_SUPPLY // 2**128,
        account_address,
    ]
    deployments = {
        "account": (ACCOUNT_SALT, account_ctor),
        "erc20": (ERC20_SALT, erc20_ctor),
        "fibonacci": (FIBONACCI_SALT, []),
        "factorial": (FACTORIAL_SALT, []),
    }
    addresses = {}
    out["addresses"] = {}
    for name, (salt, ctor) in deployments.items():
        addresses[name] = calculate_contract_address_from_hash(
            salt=salt,
            class_hash=class_hashes[name],
            constructor_calldata=ctor,
            deployer_address=0,
        )
        out["addresses"][name] = {
            "class_hash": hex(class_hashes[name]),
            "salt": hex(salt),
            "constructor_calldata": hexs(ctor),
            "deployer_address": "0x0",
            "address": hex(addresses[name]),
        }
    assert addresses["account"] == account_address

    # Storage keys the executor must derive the same way (get_storage_var_address).
    out["storage_keys"] = {
        "account.Account_public_key": hex(get_storage_var_address("Account_public_key")),
        "erc20.ERC20_total_supply": hex(get_storage_var_address("ERC20_total_supply")),
        "erc20.ERC20_balances(account)": hex(
            get_storage_var_address("ERC20_balances", account_address)
        ),
        "fibonacci.last_result": hex(get_storage_var_address("last_result")),
    }

    # Transactions.
    transfer_calldata = legacy_multicall(
        [
            (
                addresses["erc20"],
                get_selector_from_name("transfer"),
                [TRANSFER_RECIPIENT, TRANSFER_AMOUNT, 0],
            )
        ]
    )
    compute_calldata = legacy_multicall(
        [
            (addresses["fibonacci"], get_selector_from_name("fibonacci"), [10]),
            (addresses["factorial"], get_selector_from_name("factorial"), [10]),
        ]
    )
    transactions = {}

    deploy_account_hash = deprecated_calculate_deploy_account_transaction_hash(
        version=1,
        contract_address=account_address,
        class_hash=class_hashes["account"],
        constructor_calldata=account_ctor,
        max_fee=0,
        nonce=0,
        salt=ACCOUNT_SALT,
        chain_id=CHAIN_ID,
    )
    transactions["deploy_account_v1"] = {
        "function": "deprecated_calculate_deploy_account_transaction_hash",
        "version": "0x1",
        "contract_address": hex(account_address),
        "class_hash": hex(class_hashes["account"]),
        "contract_address_salt": hex(ACCOUNT_SALT),
        "constructor_calldata": hexs(account_ctor),
        "max_fee": "0x0",
        "nonce": "0x0",
        "chain_id": hex(CHAIN_ID),
        "hash": hex(deploy_account_hash),
        "signature": hexs(signed(deploy_account_hash)),
    }

    invoke_hashes = {}
    for name, nonce, calldata in [
        ("invoke_v1_transfer", 1, transfer_calldata),
        ("invoke_v1_multicall", 2, compute_calldata),
    ]:
        tx_hash = deprecated_calculate_invoke_transaction_hash(
            version=1,
            sender_address=account_address,
            entry_point_selector=None,
            calldata=calldata,
            max_fee=0,
            chain_id=CHAIN_ID,
            nonce=nonce,
        )
        invoke_hashes[name] = tx_hash
        transactions[name] = {
            "function": "deprecated_calculate_invoke_transaction_hash",
            "version": "0x1",
            "sender_address": hex(account_address),
            "calldata": hexs(calldata),
            "max_fee": "0x0",
            "nonce": hex(nonce),
            "chain_id": hex(CHAIN_ID),
            "hash": hex(tx_hash),
            "signature": hexs(signed(tx_hash)),
        }

    # The same transfer with a non-zero max_fee on the devnet's own chain id, to pin both fields.
    watcher_hash = deprecated_calculate_invoke_transaction_hash(
        version=1,
        sender_address=account_address,
        entry_point_selector=None,
        calldata=transfer_calldata,
        max_fee=0x2386F26FC10000,
        chain_id=WATCHER_CHAIN_ID,
        nonce=1,
    )
    transactions["invoke_v1_transfer_watcher_chain"] = {
        "function": "deprecated_calculate_invoke_transaction_hash",
        "version": "0x1",
        "sender_address": hex(account_address),
        "calldata": hexs(transfer_calldata),
        "max_fee": hex(0x2386F26FC10000),
        "nonce": "0x1",
        "chain_id": hex(WATCHER_CHAIN_ID),
        "chain_id_name": WATCHER_CHAIN_ID_NAME,
        "hash": hex(watcher_hash),
        "signature": hexs(signed(watcher_hash)),
    }

    resource_bounds = {
        Resource.L1_GAS: ResourceBounds(max_amount=0x186A0, max_price_per_unit=0x5AF3107A4000),
        Resource.L2_GAS: ResourceBounds(max_amount=0x3B9ACA00, max_price_per_unit=0x2540BE400),
        Resource.L1_DATA_GAS: ResourceBounds(max_amount=0x200, max_price_per_unit=0x38D7EA4C68000),
    }
    invoke_v3_hash = calculate_invoke_transaction_hash(
        version=3,
        nonce=3,
        sender_address=account_address,
        nonce_data_availability_mode=0,
        fee_data_availability_mode=0,
        resource_bounds=resource_bounds,
        tip=0,
        paymaster_data=[],
        calldata=compute_calldata,
        account_deployment_data=[],
        chain_id=CHAIN_ID,
    )
    transactions["invoke_v3_multicall"] = {
        "function": "calculate_invoke_transaction_hash",
        "version": "0x3",
        "sender_address": hex(account_address),
        "calldata": hexs(compute_calldata),
        "nonce": "0x3",
        "resource_bounds": {
            resource.name: {
                "max_amount": hex(bounds.max_amount),
                "max_price_per_unit": hex(bounds.max_price_per_unit),
            }
            for resource, bounds in resource_bounds.items()
        },
        "tip": "0x0",
        "paymaster_data": [],
        "account_deployment_data": [],
        "nonce_data_availability_mode": "L1",
        "fee_data_availability_mode": "L1",
        "chain_id": hex(CHAIN_ID),
        "hash": hex(invoke_v3_hash),
        "signature": hexs(signed(invoke_v3_hash)),
    }

    declare_hash = deprecated_calculate_old_declare_transaction_hash(
        contract_class=classes["fibonacci"],
        chain_id=CHAIN_ID,
        sender_address=account_address,
        max_fee=0,
        version=1,
        nonce=3,
    )
    transactions["declare_v1_fibonacci"] = {
        "function": "deprecated_calculate_old_declare_transaction_hash",
        "version": "0x1",
        "sender_address": hex(account_address),
        "class_hash": hex(class_hashes["fibonacci"]),
        "max_fee": "0x0",
        "nonce": "0x3",
        "chain_id": hex(CHAIN_ID),
        "hash": hex(declare_hash),
        "signature": hexs(signed(declare_hash)),
    }
    out["transactions"] = transactions

    out["execution"] = run_session(
        classes=classes,
        class_hashes=class_hashes,
        addresses=addresses,
        deployments=deployments,
        transactions=transactions,
    )

    path = os.path.join(HERE, "vectors.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    print(f"wrote {os.path.relpath(path)}")


def run_session(classes, class_hashes, addresses, deployments, transactions) -> dict:
    """Runs genesis deployments, DEPLOY_ACCOUNT v1 and two INVOKE v1 transactions through
    cairo-lang's deprecated executor, and returns what each produced plus the final storage."""
    general_config = StarknetGeneralConfig()
    block_info = BlockInfo.create_for_testing(
        block_number=BLOCK_NUMBER,
        block_timestamp=BLOCK_TIMESTAMP,
        sequencer_address=SEQUENCER_ADDRESS,
    )
    reader = MemoryStateReader({class_hashes[name]: classes[name] for name in CONTRACTS})
    state = CachedSyncState(block_info=block_info, state_reader=reader, compiled_class_cache={})
    steps = []

    # Genesis: the ERC-20 and the two compute contracts, as DEPLOY transactions (deployer 0).
    for name in ["erc20", "fibonacci", "factorial"]:
        salt, ctor = deployments[name]
        deploy = InternalDeploy.create(
            contract_address_salt=salt,
            contract_class=classes[name],
            constructor_calldata=ctor,
            chain_id=CHAIN_ID,
            version=1,
        )
        assert deploy.contract_address == addresses[name]
        info = deploy.sync_apply_state_updates(state=state, general_config=general_config)
        steps.append({"step": f"genesis deploy {name}", "events": events_of(info)})

    tx = transactions["deploy_account_v1"]
    deploy_account = DeprecatedInternalDeployAccount.create(
        class_hash=class_hashes["account"],
        max_fee=0,
        version=1,
        nonce=0,
        constructor_calldata=deployments["account"][1],
        signature=[int(v, 16) for v in tx["signature"]],
        contract_address_salt=deployments["account"][0],
        chain_id=CHAIN_ID,
    )
    assert deploy_account.hash_value == int(tx["hash"], 16)
    info = deploy_account.sync_apply_state_updates(state=state, general_config=general_config)
    steps.append(
        {
            "step": "deploy_account_v1",
            "hash": tx["hash"],
            "validate_retdata": hexs(info.validate_info.retdata),
            "events": events_of(info),
        }
    )

    for name in ["invoke_v1_transfer", "invoke_v1_multicall"]:
        tx = transactions[name]
        invoke = DeprecatedInternalInvokeFunction.create(
            sender_address=addresses["account"],
            max_fee=0,
            calldata=[int(v, 16) for v in tx["calldata"]],
            signature=[int(v, 16) for v in tx["signature"]],
            nonce=int(tx["nonce"], 16),
            chain_id=CHAIN_ID,
            version=1,
        )
        assert invoke.hash_value == int(tx["hash"], 16)
        info = invoke.sync_apply_state_updates(state=state, general_config=general_config)
        steps.append(
            {
                "step": name,
                "hash": tx["hash"],
                "execute_retdata": hexs(info.call_info.retdata),
                "events": events_of(info),
            }
        )

    # `__execute__` returns (response_len, response*): the concatenated return data of the calls.
    fib_10, fact_10 = 55, 3628800
    assert steps[-1]["execute_retdata"] == hexs([2, fib_10, fact_10]), steps[-1]
    assert steps[-2]["execute_retdata"] == hexs([1, 1]), steps[-2]  # transfer's `success`

    # A bad signature must be refused by __validate__.
    bad = DeprecatedInternalInvokeFunction.create(
        sender_address=addresses["account"],
        max_fee=0,
        calldata=[int(v, 16) for v in transactions["invoke_v1_transfer"]["calldata"]],
        signature=[1, 2],
        nonce=3,
        chain_id=CHAIN_ID,
        version=1,
    )
    try:
        bad.sync_apply_state_updates(state=state, general_config=general_config)
    except Exception as error:  # cairo-lang raises StarkException with the VM error.
        assert "Signature" in str(error) or "signature" in str(error), error
    else:
        raise AssertionError("a bad signature was accepted")

    # As a state diff: writes that left a key at its previous value (here: 0, e.g. the high
    # halves of Uint256 amounts) are dropped.
    storage: Dict[str, Dict[str, str]] = {}
    for (address, key), value in sorted(state.cache._storage_writes.items()):
        if value != 0:
            storage.setdefault(hex(address), {})[hex(key)] = hex(value)
    nonces = {
        hex(address): hex(nonce) for address, nonce in sorted(state.cache._nonce_writes.items())
    }
    class_hash_at = {
        hex(address): hex(class_hash)
        for address, class_hash in sorted(state.cache._class_hash_writes.items())
    }
    return {
        "executor": "cairo-lang 0.14.0.1 deprecated transaction objects, max_fee 0 (no fee)",
        "block": {
            "block_number": hex(BLOCK_NUMBER),
            "block_timestamp": hex(BLOCK_TIMESTAMP),
            "sequencer_address": hex(SEQUENCER_ADDRESS),
        },
        "steps": steps,
        "state_diff": {
            "deployed_contracts": class_hash_at,
            "nonces": nonces,
            "storage_diffs": storage,
        },
    }


if __name__ == "__main__":
    main()
