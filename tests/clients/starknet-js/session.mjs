// A starknet.js 10 session against `watcher-prover devnet`, as a developer would script it:
// declare a Cairo 1 (Sierra) class, deploy it through the Universal Deployer, invoke it with an
// estimated fee and read it back, send an ERC-20 transfer and read its event and the storage it
// wrote, deploy a new account, and see a reverted transaction reported as reverted.
//
//   node session.mjs RPC_URL SIERRA_JSON CASM_JSON ERC20_ADDRESS
//
// Exits 0 when every step checked out; prints each step.
import fs from 'node:fs';
import assert from 'node:assert/strict';
import { Account, RpcProvider, ec, hash, legacyDeployer, num, stark } from 'starknet';

const [url, sierraPath, casmPath, erc20] = process.argv.slice(2);
if (!erc20) {
  console.error('usage: node session.mjs RPC_URL SIERRA_JSON CASM_JSON ERC20_ADDRESS');
  process.exit(2);
}
const step = (text) => console.log(`- ${text}`);
// Blocks come every few hundred milliseconds: poll receipts at that pace.
const waitFor = (hash) => provider.waitForTransaction(hash, { retryInterval: 300 });

const provider = new RpcProvider({ nodeUrl: url });
step(`spec ${await provider.getSpecVersion()}, chain ${await provider.getChainId()}`);

// starknet-devnet's method for the prefunded accounts.
const response = await fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'devnet_getPredeployedAccounts', params: [] }),
});
const predeployed = (await response.json()).result;
assert.ok(predeployed.length >= 2, 'two prefunded accounts');
// The devnet's accounts are Cairo 0 accounts (legacy calldata); its UDC is the legacy one.
const account = new Account({
  provider,
  address: predeployed[0].address,
  signer: predeployed[0].private_key,
  cairoVersion: '0',
  deployer: legacyDeployer,
  // The devnet has no tip market to sample: no tip.
  defaultTipType: 'minTip',
});

// 1. Declare the Sierra class (starknet.js computes the compiled class hash from the CASM).
const sierra = JSON.parse(fs.readFileSync(sierraPath, 'utf8'));
const casm = JSON.parse(fs.readFileSync(casmPath, 'utf8'));
const declared = await account.declare({ contract: sierra, casm });
let receipt = await waitFor(declared.transaction_hash);
assert.ok(receipt.isSuccess(), `declare: ${JSON.stringify(receipt)}`);
step(`declared ${declared.class_hash}`);
const served = await provider.getClassByHash(declared.class_hash);
assert.ok(Array.isArray(served.sierra_program) && served.sierra_program.length > 0);

// 2. Deploy it through the Universal Deployer.
const deployed = await account.deployContract({ classHash: declared.class_hash, constructorCalldata: [] });
receipt = await waitFor(deployed.transaction_hash);
assert.ok(receipt.isSuccess(), `deploy: ${JSON.stringify(receipt)}`);
const hello = deployed.contract_address;
assert.equal(num.toHex(await provider.getClassHashAt(hello)), num.toHex(declared.class_hash));
step(`deployed at ${hello}`);

// 3. Invoke with an estimated fee, then call.
const increase = { contractAddress: hello, entrypoint: 'increase_balance', calldata: [5] };
const estimate = await account.estimateInvokeFee(increase);
const l2Gas = BigInt(estimate.resourceBounds.l2_gas.max_amount);
assert.ok(l2Gas > 0n, 'an L2 gas bound from the estimate');
const invoked = await account.execute(increase, { resourceBounds: estimate.resourceBounds, tip: 0 });
receipt = await waitFor(invoked.transaction_hash);
assert.ok(receipt.isSuccess(), `invoke: ${JSON.stringify(receipt)}`);
const balance = await provider.callContract({ contractAddress: hello, entrypoint: 'get_balance' });
assert.equal(BigInt(balance[0]), 5n);
step(`increase_balance(5) within the estimated L2 gas bound ${l2Gas}; get_balance = 5`);

// 4. An ERC-20 transfer: its Transfer event and the balance it wrote to storage.
const to = predeployed[1].address;
const transfer = { contractAddress: erc20, entrypoint: 'transfer', calldata: [to, 1234, 0] };
const sent = await account.execute(transfer);
receipt = await waitFor(sent.transaction_hash);
assert.ok(receipt.isSuccess(), `transfer: ${JSON.stringify(receipt)}`);
const fromToken = receipt.value.events.filter((event) => num.toHex(event.from_address) === num.toHex(erc20));
assert.equal(fromToken.length, 1, 'one Transfer event');
assert.equal(BigInt(fromToken[0].data[1]), BigInt(to));
const events = await provider.getEvents({ address: erc20, from_block: { block_number: 0 }, to_block: 'latest', chunk_size: 100 });
assert.ok(events.events.some((event) => event.transaction_hash === sent.transaction_hash));
const balanceKey = ec.starkCurve.pedersen(hash.starknetKeccak('ERC20_balances'), BigInt(to));
const stored = (await provider.getStorageAt(erc20, balanceKey)).value;
const called = await provider.callContract({ contractAddress: erc20, entrypoint: 'balance_of', calldata: [to] });
assert.equal(BigInt(stored), BigInt(called[0]));
step(`transfer of 1234: event read back, balance ${BigInt(stored)} in storage`);

// 5. Deploy a new account (DEPLOY_ACCOUNT v3 of the devnet's account class).
const key = stark.randomAddress();
const publicKey = ec.starkCurve.getStarkKey(key);
const accountClass = await provider.getClassHashAt(predeployed[0].address);
const salt = publicKey;
const address = hash.calculateContractAddressFromHash(salt, accountClass, [publicKey], 0);
const fresh = new Account({ provider, address, signer: key, cairoVersion: '0' });
const deployedAccount = await fresh.deployAccount({ classHash: accountClass, constructorCalldata: [publicKey], addressSalt: salt });
receipt = await waitFor(deployedAccount.transaction_hash);
assert.ok(receipt.isSuccess(), `deploy account: ${JSON.stringify(receipt)}`);
assert.equal(num.toHex(await provider.getClassHashAt(address)), num.toHex(accountClass));
step(`deployed account ${address}`);

// 6. A transaction that reverts (u32 overflow in the Cairo 1 contract), sent with explicit
//    bounds since its estimate fails: included, reported as reverted with the reason.
const bound = (amount) => ({ max_amount: BigInt(amount), max_price_per_unit: 0n });
const overflow = { contractAddress: hello, entrypoint: 'increase_balance', calldata: [2 ** 32 - 1] };
const reverted = await account.execute(overflow, {
  resourceBounds: { l1_gas: bound(0), l2_gas: bound(100_000_000), l1_data_gas: bound(0) },
  tip: 0,
});
receipt = await waitFor(reverted.transaction_hash);
assert.ok(receipt.isReverted(), `expected a revert: ${JSON.stringify(receipt)}`);
assert.match(receipt.value.revert_reason, /u32_add Overflow/);
step('the overflowing increase is reported reverted: u32_add Overflow');
console.log('starknet.js session: ok');
