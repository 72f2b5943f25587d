# Probe the query API while 20 concurrent prover_verifyProof calls send large bodies (see
# benches/RESULTS.md, "Query API under a flood"). Usage: python3 api_flood.py quiet | flood SIZE_MIB
# (API on 127.0.0.1:8181, a service proving behind it).
import json, socket, threading, time, sys, statistics
API = ("127.0.0.1", 8181)
def post(body, timeout=120):
    s = socket.create_connection(API, timeout=timeout)
    head = f"POST / HTTP/1.0\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    s.sendall(head)
    try:
        s.sendall(body)
    except OSError:
        pass
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except OSError:
            break
        if not chunk: break
        data += chunk
    s.close()
    return data
def status_probe(results, stop):
    while not stop.is_set():
        body = json.dumps({"jsonrpc":"2.0","id":1,"method":"prover_getProofStatus","params":[1]}).encode()
        t = time.time(); post(body); results.append(time.time() - t)
        time.sleep(0.05)
def flooder(outcomes, size):
    proof = "0x" + "ab" * (size // 2)
    body = json.dumps({"jsonrpc":"2.0","id":1,"method":"prover_verifyProof","params":{"proof": proof}}).encode()
    t = time.time(); r = post(body); outcomes.append((time.time() - t, r[:300]))
phase = sys.argv[1]
results, stop = [], threading.Event()
probe = threading.Thread(target=status_probe, args=(results, stop)); probe.start()
outcomes = []
if phase == "flood":
    time.sleep(2)
    threads = [threading.Thread(target=flooder, args=(outcomes, int(sys.argv[2]) << 20)) for _ in range(20)]
    for t in threads: t.start()
    for t in threads: t.join()
time.sleep(10 if phase == "flood" else 20)
stop.set(); probe.join()
lat = sorted(results)
p = lambda q: lat[min(len(lat)-1, int(q * len(lat)))] * 1000
print(f"{phase}: probes {len(lat)} p50 {p(0.5):.1f} ms p99 {p(0.99):.1f} ms max {lat[-1]*1000:.1f} ms")
kinds = {}
for d, r in outcomes:
    k = "busy" if b"4004" in r else ("413" if b" 413 " in r else r.split(b"\r\n")[0].decode(errors="replace") + " " + (r.split(b"\r\n\r\n")[-1][:80].decode(errors="replace")))
    kinds[k] = kinds.get(k, 0) + 1
if outcomes: print("verify calls:", kinds, "slowest", max(d for d, _ in outcomes))
