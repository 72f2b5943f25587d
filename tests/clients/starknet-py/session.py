"""A starknet.py 0.30 session against `watcher-prover devnet`, as a developer would script it.

Declares a Cairo 1 (Sierra) class, deploys it through the Universal Deployer, invokes it with
an estimated fee and reads it back, sends an ERC-20 transfer and reads its event and the
storage it wrote, deploys a new account, and sees a reverted transaction reported as reverted.

    python session.py RPC_URL SIERRA_JSON CASM_JSON ERC20_ADDRESS UDC_ADDRESS

Exits 0 when every step checked out; prints each step.
"""

import asyncio
import json
import secrets
import sys
import urllib.request

from starknet_py.contract import Contract
from starknet_py.hash.address import compute_address
from starknet_py.hash.selector import get_selector_from_name
from starknet_py.hash.storage import get_storage_var_address
from starknet_py.net.account.account import Account
from starknet_py.net.client_errors import ClientError
from starknet_py.net.client_models import (
    Call,
    FunctionInvocation,
    InvokeTransactionTrace,
    ResourceBounds,
    ResourceBoundsMapping,
    TransactionExecutionStatus,
)
from starknet_py.net.full_node_client import FullNodeClient
from starknet_py.net.signer.key_pair import KeyPair
from starknet_py.transaction_errors import TransactionRevertedError

# Blocks come every few hundred milliseconds: poll receipts at that pace.
POLL = 0.3


def step(text: str) -> None:
    print(f"- {text}", flush=True)


def predeployed_accounts(url: str) -> list:
    """starknet-devnet's method for the prefunded accounts (not in starknet.py's client)."""
    body = json.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": "devnet_getPredeployedAccounts", "params": []}
    ).encode()
    request = urllib.request.Request(url, body, {"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["result"]


async def session(url: str, sierra: str, casm: str, erc20: int, udc: int) -> None:
    client = FullNodeClient(node_url=url)
    chain = int(await client.get_chain_id(), 16)
    step(f"spec {await client.spec_version()}, chain {chain:#x}")

    predeployed = predeployed_accounts(url)
    assert len(predeployed) >= 2, "two prefunded accounts"
    account = Account(
        address=predeployed[0]["address"],
        client=client,
        key_pair=KeyPair.from_private_key(int(predeployed[0]["private_key"], 16)),
        chain=chain,
    )

    # 1. Declare the Sierra class (starknet.py computes the compiled class hash from the CASM,
    #    with the hash the block's Starknet version asks for: Blake2s since 0.14.1).
    declared = await Contract.declare_v3(
        account, compiled_contract=sierra, compiled_contract_casm=casm, auto_estimate=True
    )
    await declared.wait_for_acceptance(check_interval=POLL)
    class_hash = declared.class_hash
    served = await client.get_class_by_hash(class_hash)
    assert len(served.sierra_program) > 0, "getClass serves the Sierra program"
    step(f"declared {class_hash:#x}")

    # 2. Deploy it through the Universal Deployer.
    deployed = await declared.deploy_v3(deployer_address=udc, auto_estimate=True)
    await deployed.wait_for_acceptance(check_interval=POLL)
    hello = deployed.deployed_contract
    assert await client.get_class_hash_at(hello.address) == class_hash
    step(f"deployed at {hello.address:#x}")

    # 3. Invoke with an estimated fee, then call.
    prepared = hello.functions["increase_balance"].prepare_invoke_v3(amount=5)
    estimate = await prepared.estimate_fee()
    bounds = estimate.to_resource_bounds()
    assert bounds.l2_gas.max_amount > 0, "an L2 gas bound from the estimate"
    invoked = await prepared.invoke(resource_bounds=bounds)
    await invoked.wait_for_acceptance(check_interval=POLL)
    (balance,) = await hello.functions["get_balance"].call()
    assert balance == 5, balance
    step(
        "increase_balance(5) within the estimated L2 gas bound "
        f"{bounds.l2_gas.max_amount}; get_balance = 5"
    )

    # 4. An ERC-20 transfer: its Transfer event and the balance it wrote to storage.
    to = int(predeployed[1]["address"], 16)
    transfer = Call(
        to_addr=erc20, selector=get_selector_from_name("transfer"), calldata=[to, 1234, 0]
    )
    sent = await account.execute_v3(calls=transfer, auto_estimate=True)
    receipt = await client.wait_for_tx(sent.transaction_hash, check_interval=POLL)
    assert receipt.execution_status == TransactionExecutionStatus.SUCCEEDED
    # The token's events: the transfer's, and the fee transfer's where the chain charges fees.
    # The recipient is in the data of a Cairo 0 token's Transfer, in the keys of a Cairo 1 one's.
    to_recipient = [
        event
        for event in receipt.events
        if event.from_address == erc20 and (to in event.keys[1:] or to in event.data)
    ]
    assert len(to_recipient) == 1, f"one Transfer event to the recipient: {receipt.events}"
    events = await client.get_events(
        address=erc20, from_block_number=0, to_block_number="latest", chunk_size=100
    )
    assert any(event.transaction_hash == sent.transaction_hash for event in events.events)
    stored = await client.get_storage_at(
        erc20, get_storage_var_address("ERC20_balances", to), block_number="latest"
    )
    called = await client.call_contract(
        Call(to_addr=erc20, selector=get_selector_from_name("balance_of"), calldata=[to]),
        block_number="latest",
    )
    assert stored == called[0], (stored, called)
    step(f"transfer of 1234: event read back, balance {stored} in storage")

    # Its trace: the token's transfer inside the account's __execute__; and a simulation of
    # another transfer, traced the same way, that changes nothing.
    trace = await client.trace_transaction(sent.transaction_hash)
    assert isinstance(trace, InvokeTransactionTrace), trace
    execute = trace.execute_invocation
    assert isinstance(execute, FunctionInvocation), execute
    assert [call.contract_address for call in execute.calls] == [erc20], execute.calls
    assert trace.validate_invocation is not None
    block_traces = await client.trace_block_transactions(block_hash=receipt.block_hash)
    assert any(traced.transaction_hash == sent.transaction_hash for traced in block_traces)
    simulate = await account.sign_invoke_v3(calls=transfer, auto_estimate=True)
    (simulated,) = await client.simulate_transactions(
        transactions=[simulate], block_number="pre_confirmed"
    )
    assert isinstance(simulated.transaction_trace, InvokeTransactionTrace)
    assert simulated.fee_estimation.l2_gas_consumed > 0
    assert await client.get_storage_at(
        erc20, get_storage_var_address("ERC20_balances", to), block_number="latest"
    ) == stored
    step("traced the transfer (its block too) and simulated another")

    # 5. Deploy a new account (DEPLOY_ACCOUNT v3 of the devnet's account class).
    key_pair = KeyPair.from_private_key(secrets.randbelow(2**250) + 1)
    account_class = await client.get_class_hash_at(account.address)
    salt = key_pair.public_key
    address = compute_address(
        class_hash=account_class, constructor_calldata=[key_pair.public_key], salt=salt
    )
    # Funded first where the chain charges fees (a tenth of account 0's balance, at most 10
    # tokens): the DEPLOY_ACCOUNT pays its own.
    (balance, _) = await client.call_contract(
        Call(
            to_addr=erc20, selector=get_selector_from_name("balance_of"), calldata=[account.address]
        ),
        block_number="latest",
    )
    funding = Call(
        to_addr=erc20,
        selector=get_selector_from_name("transfer"),
        calldata=[address, min(balance // 10, 10 * 10**18), 0],
    )
    funded = await account.execute_v3(calls=funding, auto_estimate=True)
    await client.wait_for_tx(funded.transaction_hash, check_interval=POLL)
    deployment = await Account.deploy_account_v3(
        address=address,
        class_hash=account_class,
        salt=salt,
        key_pair=key_pair,
        client=client,
        auto_estimate=True,
    )
    await deployment.wait_for_acceptance(check_interval=POLL)
    assert await client.get_class_hash_at(address) == account_class
    step(f"deployed account {address:#x}")

    # 6. A transaction that reverts (u32 overflow in the Cairo 1 contract), sent with explicit
    #    bounds since its estimate fails (the prices of the first invoke's estimate, which a
    #    chain with fees requires): included, reported as reverted with the reason.
    try:
        await hello.functions["increase_balance"].prepare_invoke_v3(
            amount=2**32 - 1
        ).estimate_fee()
        raise AssertionError("the overflowing increase estimated")
    except ClientError as error:
        assert "u32_add Overflow" in str(error), error
    overflow = hello.functions["increase_balance"].prepare_invoke_v3(
        amount=2**32 - 1,
        resource_bounds=ResourceBoundsMapping(
            l1_gas=bounds.l1_gas,
            l2_gas=ResourceBounds(
                max_amount=100_000_000, max_price_per_unit=bounds.l2_gas.max_price_per_unit
            ),
            l1_data_gas=bounds.l1_data_gas,
        ),
    )
    reverted = await overflow.invoke()
    try:
        await client.wait_for_tx(reverted.hash, check_interval=POLL)
        raise AssertionError("the overflowing increase succeeded")
    except TransactionRevertedError as error:
        assert "u32_add Overflow" in error.message, error.message
    receipt = await client.get_transaction_receipt(reverted.hash)
    assert receipt.execution_status == TransactionExecutionStatus.REVERTED
    assert "u32_add Overflow" in receipt.revert_reason
    step("the overflowing increase is reported reverted: u32_add Overflow")
    print("starknet.py session: ok")


def main() -> None:
    if len(sys.argv) != 6:
        print(__doc__.strip().splitlines()[-3].strip(), file=sys.stderr)
        sys.exit(2)
    url, sierra_path, casm_path, erc20, udc = sys.argv[1:]
    with open(sierra_path, encoding="utf-8") as file:
        sierra = file.read()
    with open(casm_path, encoding="utf-8") as file:
        casm = file.read()
    asyncio.run(session(url, sierra, casm, int(erc20, 16), int(udc, 16)))


if __name__ == "__main__":
    main()
