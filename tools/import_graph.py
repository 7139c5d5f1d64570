#!/usr/bin/env python3
"""The import graph of src/ between its top-level modules, and its circles.

Every `crate::<module>` a file names is an arrow from the file's own
top-level module (src/api/ctx.rs is `api`, src/app.rs is `app`) to that
module. Prints the arrows and every circle (strongly connected set of more
than one module); exits 1 when a circle runs through one of the modules
named on the command line (by default api, server, state, app, pages and
components: the layers a request passes through), 0 otherwise.

    python3 tools/import_graph.py            # the check .ci/test runs
    python3 tools/import_graph.py --all      # any circle fails
"""
import pathlib
import re
import sys

SRC = pathlib.Path(__file__).resolve().parent.parent / "src"
LAYERS = {"api", "server", "state", "app", "pages", "components"}


def module_of(path: pathlib.Path) -> str | None:
    rel = path.relative_to(SRC)
    if rel.parts[0] in ("lib.rs", "main.rs"):
        return None
    return rel.parts[0].removesuffix(".rs")


def graph() -> dict[str, set[str]]:
    modules = {module_of(p) for p in SRC.rglob("*.rs")} - {None}
    arrows: dict[str, set[str]] = {m: set() for m in modules}
    for path in SRC.rglob("*.rs"):
        here = module_of(path)
        if here is None:
            continue
        text = path.read_text(encoding="utf-8")
        # Paths in macros and comments count too: a doc link is a reader's arrow.
        for name in re.findall(r"crate::([a-z_][a-z0-9_]*)", text):
            if name in modules and name != here:
                arrows[here].add(name)
    return arrows


def circles(arrows: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(arrows[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(arrows):
        if v not in index:
            visit(v)
    return out


def main() -> int:
    arrows = graph()
    for m in sorted(arrows):
        print(f"{m} -> {', '.join(sorted(arrows[m])) or '-'}")
    found = circles(arrows)
    watched = None if "--all" in sys.argv else LAYERS
    bad = [c for c in found if watched is None or watched & set(c)]
    for c in found:
        print(f"circle: {' <-> '.join(c)}", "(fails)" if c in bad else "")
    if bad:
        print("import_graph: a circle runs through the request's layers", file=sys.stderr)
        return 1
    print("import_graph: no circle through " + ("any module" if watched is None else ", ".join(sorted(LAYERS))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
