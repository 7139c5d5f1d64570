"""Where the bytes of the WebAssembly pieces go (issue #16, first visit):
run after `.ci/release` (needs Debian's `brotli`). Prints the bytes of every
piece under target/site/pkg by section of the WebAssembly format, then, for
each route of `__wasm_split_manifest`, its pieces' count, their bytes
compressed one by one (the `.br` files, as the server sends them) and
compressed as one stream, alone and after the shell.

    python3 benches/wasm_pieces.py
"""
import collections
import glob
import json
import os
import subprocess
import sys

PKG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "site", "pkg")
NAMES = {0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global",
         7: "export", 8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount"}


def leb(b, i):
    result = shift = 0
    while True:
        x = b[i]
        i += 1
        result |= (x & 0x7F) << shift
        shift += 7
        if x < 0x80:
            return result, i


def sections(path):
    b = open(path, "rb").read()
    i = 8
    while i < len(b):
        sid = b[i]
        size, i = leb(b, i + 1)
        name = NAMES.get(sid, str(sid))
        if sid == 0:
            length, j = leb(b, i)
            name = "custom:" + b[j : j + length].decode(errors="replace")
        yield name, size
        i += size


def br(data):
    return len(subprocess.run(["brotli", "-q", "11", "-c"], input=data, capture_output=True, check=True).stdout)


shells = glob.glob(f"{PKG}/billing-portal.*.wasm")
manifests = glob.glob(f"{PKG}/__wasm_split_manifest.*.json")
if len(shells) != 1 or len(manifests) != 1:
    sys.exit(f"{PKG} should hold one hashed shell and one split manifest: run .ci/release first")
shell = shells[0]
pieces = [f for f in glob.glob(f"{PKG}/*.wasm") if f != shell]
for label, files in (("shell", [shell]), (f"{len(pieces)} pieces", pieces)):
    by = collections.Counter()
    for f in files:
        for name, size in sections(f):
            by[name] += size
    print(label + ":", ", ".join(f"{k} {v}" for k, v in by.most_common()))
manifest = json.load(open(manifests[0]))
shell_bytes = open(shell, "rb").read()
print(f"shell: {len(shell_bytes)} bytes, {br(shell_bytes)} compressed")
print("route, pieces, bytes, compressed one by one, as one stream, with the shell as one stream")
for route, names in sorted(manifest.items()):
    files = [f"{PKG}/{n}.wasm" for n in names]
    raw = b"".join(open(f, "rb").read() for f in files)
    apart = sum(os.path.getsize(f + ".br") if os.path.exists(f + ".br") else br(open(f, "rb").read()) for f in files)
    print(route.strip("_").rsplit("_", 1)[0], len(files), len(raw), apart, br(raw), br(shell_bytes + raw), sep=", ")
