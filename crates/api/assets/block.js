// The block page's check, in the browser: load the WebAssembly verifier, fetch the proof from
// this server and the headers from the sequencer, verify, and write the verdict into the page.
// Trusted: the OS program hash and minimum security compiled into the verifier, and the
// sequencer's headers. Not trusted: this server (it serves the proof, which must verify).
import init, { verify_block, pinned_os_program_hash, min_security_bits } from "./web_verifier.js";

const panel = document.getElementById("verification");
const blockNumber = Number(panel.dataset.block);
const sequencer = panel.dataset.sequencer;
const $ = (id) => document.getElementById(id);

function show(verdict, detail) {
  const element = $("verdict");
  element.textContent = verdict;
  element.className = verdict;
  $("verdict-detail").textContent = detail;
  panel.dataset.verdict = verdict;
}

function field(list, name, value) {
  const dt = document.createElement("dt");
  dt.textContent = name;
  const dd = document.createElement("dd");
  const code = document.createElement("code");
  code.textContent = String(value);
  dd.append(code);
  list.append(dt, dd);
}

async function rpc(method, params) {
  const response = await fetch(sequencer, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  if (!response.ok) throw new Error(`${method}: HTTP ${response.status}`);
  const answer = await response.json();
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result;
}

// The headers straight from the sequencer; where the browser cannot ask it (no CORS headers,
// not reachable from here), relayed by this server, and the page says so.
async function headers() {
  let direct = null;
  if (sequencer) {
    try {
      const header = await rpc("starknet_getBlockWithTxHashes", [{ block_number: blockNumber }]);
      const parent = blockNumber > 0
        ? await rpc("starknet_getBlockWithTxHashes", [{ block_number: blockNumber - 1 }])
        : null;
      const chainId = await rpc("starknet_chainId", []);
      return { header, parent, chainId, source: `the sequencer at ${sequencer}, directly` };
    } catch (error) {
      console.warn("direct sequencer request failed; using the relay", error);
      direct = error;
    }
  }
  const response = await fetch(`/relay/block/${blockNumber}`);
  if (!response.ok) throw new Error(`relay: HTTP ${response.status}: ${await response.text()}`);
  const relayed = await response.json();
  const why = direct ? ` (the browser could not ask it: ${direct.message})` : "";
  return {
    header: relayed.header,
    parent: relayed.parent,
    chainId: relayed.chain_id,
    source: `the sequencer at ${sequencer}, relayed by this server${why}: the headers are this server's word`,
  };
}

const rootKey = (chainId, n) => `watcher-prover:verified-root:${chainId}:${n}`;

async function check() {
  await init({ module_or_path: new URL("./web_verifier_bg.wasm", import.meta.url) });
  $("pinned-hash").textContent = pinned_os_program_hash();
  $("min-security").textContent = `${min_security_bits()} bits`;

  const proofResponse = await fetch(`/proofs/${blockNumber}`, { cache: "no-store" });
  if (!proofResponse.ok) throw new Error(`proof: HTTP ${proofResponse.status}`);
  const proof = new Uint8Array(await proofResponse.arrayBuffer());
  const { header, parent, chainId, source } = await headers();
  $("header-source").textContent = source;

  // A sequencer that publishes no state roots gives no anchor for the previous root: use the
  // root this browser proved for the block before, if it did.
  const parentRoot = parent && BigInt(parent.new_root) !== 0n ? parent.new_root : null;
  const trusted = parent && !parentRoot ? localStorage.getItem(rootKey(chainId, blockNumber - 1)) : null;
  $("anchor").textContent = blockNumber === 0
    ? "none: genesis"
    : parentRoot
      ? `${parentRoot} (the sequencer's header of block ${blockNumber - 1})`
      : trusted
        ? `${trusted} (this browser verified block ${blockNumber - 1} earlier)`
        : `nothing: the sequencer publishes no roots; verify block ${blockNumber - 1} in this browser first`;

  const started = performance.now();
  const report = JSON.parse(verify_block(proof, JSON.stringify(header), parent && JSON.stringify(parent), chainId, trusted));
  const milliseconds = Math.round(performance.now() - started);
  panel.dataset.verifyMs = String(milliseconds);

  const headerFields = $("header");
  field(headerFields, "block hash", header.block_hash);
  field(headerFields, "parent hash", header.parent_hash);
  field(headerFields, "state root", header.new_root);
  field(headerFields, "timestamp", `${header.timestamp} (${new Date(header.timestamp * 1000).toISOString()})`);
  field(headerFields, "sequencer", header.sequencer_address);
  field(headerFields, "Starknet version", header.starknet_version);
  field(headerFields, "status", header.status);
  const transactions = $("transactions");
  for (const hash of header.transactions ?? []) {
    const item = document.createElement("li");
    const code = document.createElement("code");
    code.textContent = hash;
    item.append(code);
    transactions.append(item);
  }

  if (report.verdict !== "verified") {
    show("rejected", report.reason);
    return;
  }
  localStorage.setItem(rootKey(chainId, report.block_number), report.new_state_root);
  show(
    "verified",
    `verified against OS program hash ${report.os_program_hash}, binds block hash ` +
      `${report.block_hash} and state root ${report.new_state_root} ` +
      `(${report.security_bits} bits, ${report.proof_size} bytes, ${milliseconds} ms in this browser)`,
  );
  const output = $("verified-output");
  field(output, "proven block hash", report.block_hash);
  field(output, "proven parent hash", report.parent_block_hash);
  field(output, "proven previous state root", report.previous_state_root);
  field(output, "proven new state root", report.new_state_root);
  field(output, "header carries the new root", report.header_commits_state_root ? "yes" : "no: known from the proof only");
  field(output, "chain id", report.chain_id);
  field(output, "transactions", report.transaction_count);
}

check().catch((error) => show("rejected", `could not check: ${error.message}`));
