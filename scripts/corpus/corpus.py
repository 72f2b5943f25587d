"""The prover's corpus: every Cairo 0 program of crates/cairo-air/programs, compiled afresh by
cairo-lang, run by cairo-lang's own VM (`cairo-run`, the reference) and proven and verified by
`watcher-prover`; the proven output must equal the reference's, value for value.

Together the programs use every builtin the prover supports and the hint families that real
programs need (dicts, secp, keccak, Blake2s, the segment arena). `blake2s_opcode` uses cairo-vm's
Blake opcodes, which cairo-run cannot run: its reference is hashlib's Blake2s (`REFERENCES`).
`--large` runs each with a bigger
input at `standard` security, as a bench (minutes); the default inputs are small and proven at
`test` security, for CI. Run through scripts/corpus.sh, which makes the cairo-lang venv.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from starkware.crypto.signature.signature import pedersen_hash, private_to_stark_key, sign

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROGRAMS = os.path.join(ROOT, "crates", "cairo-air", "programs")
CAIRO_RUN = os.path.join(ROOT, "scripts", "corpus", "cairo_run.py")
PRIME = 2**251 + 17 * 2**192 + 1


def signatures_input():
    """Three signatures of hash2(payload_i, i) under three keys, for ecdsa_signatures.cairo."""
    values = {}
    for i, (private_key, payload) in enumerate([(0x1234, 7), (0xBEEF, 1 << 200), (3, 0)]):
        message = pedersen_hash(payload, i)
        r, s = sign(message, private_key)
        key = private_to_stark_key(private_key)
        values.update({f"key{i}": key, f"payload{i}": payload, f"r{i}": r, f"s{i}": s})
    return values


def write_inputs(work, name, program_input):
    """The input as cairo-run reads it (JSON integers) and as watcher-prover reads it (integers
    past 64 bits as hex strings: JSON parsers other than Python's hold numbers in 64 bits)."""
    if program_input == "signatures":
        program_input = signatures_input()
    paths = []
    for suffix, convert in [("reference", lambda v: v),
                            ("prover", lambda v: hex(v) if v >= 2**63 else v)]:
        path = os.path.join(work, f"{name}.{suffix}.json")
        with open(path, "w") as f:
            json.dump({key: convert(value) for key, value in program_input.items()}, f)
        paths.append(path)
    return paths


# Each program with its small input (CI) and its large one (--large); None: no input.
CORPUS = [
    ("fibonacci", {"n": 100}, {"n": 100_000}),
    ("factorial", None, None),
    ("memory_holes", None, None),
    ("range_checks", {"n": 50}, {"n": 20_000}),
    ("range_checks96", {"n": 20}, {"n": 20_000}),
    ("bitwise_ops", {"n": 20}, {"n": 5_000}),
    ("pedersen_hashes", {"n": 8}, {"n": 1_000}),
    ("poseidon_hashes", {"n": 20}, {"n": 5_000}),
    ("ecdsa_checks", {"n": 2}, {"n": 100}),
    ("ecdsa_signatures", "signatures", "signatures"),
    ("ec_ops", {"n": 3}, {"n": 200}),
    ("mod_ops", {"n": 3}, {"n": 200}),
    ("builtin_mix", {"n_poseidon": 10, "n_pedersen": 2, "n_range_checks": 20},
     {"n_poseidon": 2_000, "n_pedersen": 200, "n_range_checks": 20_000}),
    ("stdlib", None, None),
    ("secp_ops", None, None),
    ("keccak_ops", {"n": 2}, {"n": 200}),
    ("cairo_keccak", {"n": 3}, {"n": 200}),
    ("all_builtins", None, None),
    ("blake2s_hashes", {"n": 3}, {"n": 200}),
    ("segment_arena", {"n": 4}, {"n": 200}),
    ("blake2s_opcode", {"n": 3}, {"n": 200}),
]


def blake2s_opcode_reference(program_input):
    """blake2s_opcode's output by Python's hashlib: cairo-lang 0.14.0.1's cairo-run cannot run
    the Blake opcodes (only cairo-vm can), so the reference is the digest the program's header
    describes: Blake2s-256 of n blocks whose word j of block i is i + 0x80000000 + 0x01000193 j."""
    import hashlib
    import struct
    n = program_input["n"]
    message = b"".join(struct.pack("<I", i + 0x80000000 + 0x01000193 * j)
                       for i in range(n) for j in range(16))
    return list(struct.unpack("<8I", hashlib.blake2s(message).digest()))


# Programs whose reference output is computed here instead of by cairo-run (and why: see each).
REFERENCES = {"blake2s_opcode": blake2s_opcode_reference}


def run(command, what):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {result.returncode}):\n{result.stderr[-4000:]}")
    return result.stdout


def reference_output(program, input_path):
    """The output cairo-run prints, as field elements."""
    command = [sys.executable, CAIRO_RUN, "--program", program, "--layout", "all_cairo",
               "--proof_mode", "--print_output"]
    if input_path:
        command += ["--program_input", input_path]
    lines = run(command, "cairo-run").splitlines()
    if "Program output:" not in lines:
        return []
    start = lines.index("Program output:") + 1
    values = []
    for line in lines[start:]:
        if not line.strip():
            break
        values.append(int(line.strip()) % PRIME)
    return values


def felts(hex_values):
    return [int(value, 16) for value in hex_values]


def check(bin_path, name, program_input, security, work):
    source = os.path.join(PROGRAMS, name + ".cairo")
    program = os.path.join(work, name + ".json")
    run([os.path.join(os.path.dirname(sys.executable), "cairo-compile"), "--proof_mode",
         "--no_debug_info", "--cairo_path", os.path.join(ROOT, "os-program"), source,
         "--output", program], "cairo-compile")
    reference_input = prover_input = None
    if program_input is not None:
        reference_input, prover_input = write_inputs(work, name, program_input)

    started = time.monotonic()
    if name in REFERENCES:
        expected = REFERENCES[name](program_input)
    else:
        expected = reference_output(program, reference_input)
    reference_seconds = time.monotonic() - started

    proof = os.path.join(work, name + ".proof")
    command = [bin_path, "prove", "--program", program, "--security", security, "--out", proof]
    if prover_input:
        command += ["--input", prover_input]
    proven = json.loads(run(command, "watcher-prover prove"))
    verified = json.loads(run([bin_path, "verify", proof, "--program", program,
                               "--min-security", "0"], "watcher-prover verify"))
    if felts(proven["output"]) != expected or felts(verified["output"]) != expected:
        raise RuntimeError(
            f"output differs from cairo-run's:\n  cairo-run: {expected}\n"
            f"  proven:    {felts(proven['output'])}\n  verified:  {felts(verified['output'])}")
    with open(program) as f:
        builtins = json.load(f)["builtins"]
    return {
        "program": name,
        "builtins": builtins,
        "steps": proven["steps"],
        "output_felts": len(expected),
        "cairo_run_seconds": round(reference_seconds, 2),
        "prove_seconds": round(proven["prove_seconds"], 2),
        "proof_bytes": proven["proof_bytes"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", required=True, help="the watcher-prover binary")
    parser.add_argument("--large", action="store_true",
                        help="bigger inputs at standard security (a bench, minutes)")
    parser.add_argument("--only", action="append", help="run only this program (repeatable)")
    args = parser.parse_args()
    security = "standard" if args.large else "test"

    failures = 0
    used = set()
    with tempfile.TemporaryDirectory() as work:
        for name, small, large in CORPUS:
            if args.only and name not in args.only:
                continue
            try:
                row = check(args.bin, name, large if args.large else small, security, work)
            except RuntimeError as error:
                failures += 1
                print(f"FAIL {name}: {error}", flush=True)
                continue
            used.update(row["builtins"])
            print(json.dumps(row), flush=True)
    print(f"corpus: {failures} failed; builtins used: {', '.join(sorted(used))}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
