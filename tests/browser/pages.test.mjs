// The status page and the in-browser verifier, in headless Chromium, against a running
// `watcher-prover demo` (scripts/browser-test.sh starts it and sets the environment):
//   API_URL      the query API (http://127.0.0.1:PORT), which serves the pages
//   RPC_URL      the devnet's JSON-RPC (the page reads headers from it)
//   OS_HASH      the OS program hash the page's verifier must pin (`watcher-prover os-hash`)
//   CHROMIUM     the browser (default /usr/bin/chromium)
//   RESULTS_FILE where to write the measured sizes and times (JSON), optional
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { chromium } from "playwright-core";

const API = process.env.API_URL;
const RPC = process.env.RPC_URL;
const OS_HASH = process.env.OS_HASH;
assert.ok(API && RPC && OS_HASH, "API_URL, RPC_URL and OS_HASH must be set");
const WAIT_FOR_PROOF_MS = Number(process.env.WAIT_FOR_PROOF_MS ?? 240_000);
const measured = {};

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
});
after(async () => {
  await browser?.close();
  if (process.env.RESULTS_FILE) writeFileSync(process.env.RESULTS_FILE, JSON.stringify(measured, null, 2));
});

async function status() {
  const response = await fetch(`${API}/status.json`);
  assert.equal(response.status, 200);
  return response.json();
}

// The lowest block above genesis whose proof is stored, waiting for the pipeline to get there.
async function provenBlock() {
  const deadline = Date.now() + WAIT_FOR_PROOF_MS;
  for (;;) {
    const summary = await status();
    const proven = summary.recent.filter((row) => row.status === "proven" && row.block_number > 0);
    if (proven.length > 0) return proven[proven.length - 1];
    assert.ok(Date.now() < deadline, `no block proven within ${WAIT_FOR_PROOF_MS} ms: ${JSON.stringify(summary)}`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

async function newPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  return page;
}

// Opens /block/N, waits for the page's verdict and returns it with the panel's texts.
async function verdictOf(page, blockNumber) {
  const response = await page.goto(`${API}/block/${blockNumber}`);
  assert.equal(response.status(), 200);
  await page.waitForFunction(
    () => ["verified", "rejected"].includes(document.getElementById("verdict")?.textContent),
    null,
    { timeout: 60_000 },
  );
  const text = async (id) => (await page.textContent(`#${id}`)).trim();
  return {
    verdict: await text("verdict"),
    detail: await text("verdict-detail"),
    pinned: await text("pinned-hash"),
    source: await text("header-source"),
    anchor: await text("anchor"),
    verifyMs: Number(await page.getAttribute("#verification", "data-verify-ms")),
    transactions: await page.locator("#transactions li").count(),
  };
}

test("the status page shows the live pipeline", async () => {
  const block = await provenBlock();
  const page = await newPage();
  const response = await page.goto(`${API}/`);
  assert.equal(response.status(), 200);
  const head = Number(await page.textContent("#chain-head"));
  const proven = Number(await page.textContent("#proven-height"));
  assert.ok(head >= block.block_number, `chain head ${head}`);
  assert.ok(proven >= block.block_number, `proven height ${proven}`);
  assert.match(await page.textContent("#proof-lag"), /^\d+$/);
  assert.equal(await page.locator("svg.chart").count(), 1);
  assert.ok((await page.locator("svg.chart rect").count()) >= 1, "the chart shows the proven blocks");
  const row = page.locator(`#blocks tr[data-block="${block.block_number}"]`);
  assert.equal(await row.getAttribute("data-status"), "proven");
  // The page follows the chain: after a reload the head has moved on.
  await page.waitForFunction((before) => Number(document.getElementById("chain-head").textContent) > before, head, { timeout: 60_000 });
  await page.close();
});

test("a block's proof verifies in the page against the sequencer's headers", async () => {
  const block = await provenBlock();
  const page = await newPage();
  const wasm = page
    .waitForResponse((response) => response.url().endsWith("/assets/web_verifier_bg.wasm"))
    .catch(() => null);
  const result = await verdictOf(page, block.block_number);
  assert.equal(result.verdict, "verified", result.detail);
  assert.equal(result.pinned, OS_HASH);
  assert.ok(result.detail.includes(`OS program hash ${OS_HASH}`), result.detail);
  assert.ok(BigInt(result.detail.match(/binds block hash (0x[0-9a-f]+)/)[1]) === BigInt(block.block_hash), result.detail);
  const wasmResponse = await wasm;
  assert.ok(wasmResponse, "the page loaded the WebAssembly verifier");
  measured.wasm_bytes = (await wasmResponse.body()).length;
  measured.verify_ms = result.verifyMs;
  measured.block_number = block.block_number;
  measured.proof_bytes = Number((await page.textContent("#proof dd")).match(/\d+/)[0]);
  console.log("measured:", JSON.stringify(measured));
  assert.match(result.anchor, /header of block/);
  const listed = await (await fetch(RPC, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "starknet_getBlockWithTxHashes", params: [{ block_number: block.block_number }] }),
  })).json();
  assert.equal(result.transactions, listed.result.transactions.length, "the page lists the header's transactions");
  assert.match(result.source, /directly/, "the devnet sends CORS headers: the page asks it itself");
  await page.close();
});

test("without CORS from the sequencer the page uses the relay and says so", async () => {
  const block = await provenBlock();
  const page = await newPage();
  await page.route(`${RPC}/**`, (route) => route.abort("accessdenied"));
  await page.route(RPC, (route) => route.abort("accessdenied"));
  const result = await verdictOf(page, block.block_number);
  assert.equal(result.verdict, "verified", result.detail);
  assert.match(result.source, /relayed by this server/);
  await page.close();
});

test("a tampered proof is rejected", async () => {
  const block = await provenBlock();
  const page = await newPage();
  await page.route(`${API}/proofs/${block.block_number}`, async (route) => {
    const original = await route.fetch();
    const bytes = Buffer.from(await original.body());
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    await route.fulfill({ response: original, body: bytes });
  });
  const result = await verdictOf(page, block.block_number);
  assert.equal(result.verdict, "rejected");
  assert.match(result.detail, /does not verify/);
  await page.close();
});

test("a proof that does not bind to the sequencer's header is rejected", async () => {
  const block = await provenBlock();
  const page = await newPage();
  // The sequencer (as this browser sees it) names another state root for the block.
  const lie = async (route) => {
    const request = route.request();
    const asksForBlock = (request.postData() ?? "").includes(`"block_number":${block.block_number}`);
    const original = await route.fetch();
    if (!asksForBlock) return route.fulfill({ response: original });
    const answer = await original.json();
    answer.result.new_root = "0x1234";
    await route.fulfill({ response: original, json: answer });
  };
  await page.route(RPC, lie);
  await page.route(`${RPC}/`, lie);
  const result = await verdictOf(page, block.block_number);
  assert.equal(result.verdict, "rejected");
  assert.match(result.detail, /new state root/);
  await page.close();
});
