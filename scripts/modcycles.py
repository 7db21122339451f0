#!/usr/bin/env python3
"""Module cycles inside a crate: exits 1 and prints each one, 0 when there are none.

Every crate under crates/, src-tauri and tests (the end-to-end crate's shared kit) is read
from its root (src/lib.rs, src/main.rs) through its `mod` declarations, as rustc does
(`foo.rs` and `foo/mod.rs` with the folder `foo/` are one module; `#[path = "..."]` is
followed). A module depends on another when its code names it: a `use` tree
(`use crate::{a, b::c}`, `use super::x`, `use self::y`, groups and renames expanded) or a
path in the code (`crate::a::f()`, `super::b::T`). A path is followed through the `use`
items of the modules it passes (so `crate::Journal`, re-exported at the root from
`journal`, is a dependency on `journal`), down to the module that defines the item.

The rule: two modules are compared at the level where they part. For an edge A -> B, take
their longest common module prefix P; when one of them contains the other (P is A or B) the
edge is not counted: a parent declares and re-exports its children, and a child may use
its parent's items. Otherwise the edge is lifted to the two children of P it goes between
(A' -> B', siblings in the folder P: top-level modules under the crate root, or siblings
within a folder), and a cycle is a strongly connected set of siblings within one folder.
So `flow/provision.rs` using `store/journal.rs` is the edge `flow -> store` at the crate
root, and `store/journal.rs` using `store/schema.rs` is `journal -> schema` within `store`.

Part of its parent, never a module of its own: an inline module (`mod tests { ... }` or
any `mod x { ... }` written in a file), and a file module declared under `#[cfg(test)]`
or named `tests` (`#[cfg(test)] #[path = "x_tests.rs"] mod tests;`).

Not seen: glob imports (`use crate::a::*`) count as a dependency on `a` but names reached
only through them are not followed further; macros are not expanded. Python 3.11, stdlib.

Usage: scripts/modcycles.py [crate-dir ...]   (default: every crate of the workspace)
       scripts/modcycles.py --self-test      (the rule on a small made-up crate)
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(
    r"(?P<str>__S\d+__)|(?P<id>r#[A-Za-z_]\w*|[A-Za-z_]\w*)|(?P<p>::|[{}()\[\];,*#=$<>.&!:])"
    r"|(?P<nl>\n)|(?P<other>\S)"
)

RAW_STRING = re.compile(r'b?r(#*)"')
CHAR = re.compile(r"'(?:\\u\{[0-9a-fA-F]+\}|\\x[0-9a-fA-F]{2}|\\.|[^\\'\n])'")

Path_ = tuple[str, ...]


# ---------------------------------------------------------------- lexing


def strip(text: str) -> tuple[str, list[str]]:
    """Comments become spaces, string literals `__S<n>__` (kept aside), char literals `' '`.
    Newlines are kept so line numbers stay right."""
    out: list[str] = []
    strings: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" ")
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(" " + "\n" * text.count("\n", i, j))
            i = j
        elif (m := RAW_STRING.match(text, i)) and (
            i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")
        ):
            end = '"' + m.group(1)
            j = text.find(end, m.end())
            j = n if j < 0 else j + len(end)
            strings.append(text[m.end() : j - len(end)])
            out.append(f" __S{len(strings) - 1}__ " + "\n" * text.count("\n", i, j))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            strings.append(text[i + 1 : j])
            out.append(f" __S{len(strings) - 1}__ " + "\n" * text.count("\n", i, j))
            i = j + 1
        elif c == "'" and (m := CHAR.match(text, i)):
            out.append(" ' ' ")
            i = m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out), strings


@dataclass
class Tok:
    kind: str
    text: str
    line: int


def tokens(text: str) -> list[Tok]:
    toks, line = [], 1
    for m in TOKEN.finditer(text):
        if m.lastgroup == "nl":
            line += 1
            continue
        toks.append(Tok(m.lastgroup or "other", m.group(), line))
    return toks


# ---------------------------------------------------------------- the module tree


@dataclass
class Ref:
    path: tuple[str, ...]  # as written, e.g. ("crate", "journal", "Journal")
    line: int
    text: str


@dataclass
class Module:
    path: Path_
    file: Path
    part_of_parent: bool  # inline, or a test module: merged into its parent
    children: dict[str, Path_] = field(default_factory=dict)
    imports: dict[str, Path_] = field(default_factory=dict)  # name -> absolute path
    refs: list[Ref] = field(default_factory=list)


def parse_use_tree(toks: list[Tok]) -> list[tuple[tuple[str, ...], str | None]]:
    """`a::{b, c::d as e, f::*}` -> [((a, b), None), ((a, c, d), e), ((a, f, *), None)]."""
    pos = 0

    def tree(prefix: tuple[str, ...]) -> list[tuple[tuple[str, ...], str | None]]:
        nonlocal pos
        segs = list(prefix)
        while pos < len(toks):
            t = toks[pos]
            if t.text == "::":
                pos += 1
            elif t.text == "{":
                pos += 1
                found = []
                while pos < len(toks) and toks[pos].text != "}":
                    if toks[pos].text == ",":
                        pos += 1
                        continue
                    found += tree(tuple(segs))
                pos += 1
                return found
            elif t.text == "*":
                pos += 1
                return [(tuple(segs) + ("*",), None)]
            elif t.kind == "id" and t.text != "as":
                segs.append(t.text)
                pos += 1
                if pos < len(toks) and toks[pos].text == "as":
                    alias = toks[pos + 1].text if pos + 1 < len(toks) else None
                    pos += 2
                    return [(tuple(segs), alias)]
            else:
                break
        if segs and segs[-1] == "self":
            segs.pop()
        return [(tuple(segs), None)] if segs else []

    return tree(())


class Crate:
    def __init__(self, name: str, root_file: Path):
        self.name = name
        self.modules: dict[Path_, Module] = {}
        self.load((), root_file, part_of_parent=False)

    def rel(self, f: Path) -> str:
        try:
            return str(f.relative_to(ROOT))
        except ValueError:
            return str(f)

    def load(self, path: Path_, file: Path, part_of_parent: bool) -> None:
        self.modules[path] = Module(path, file, part_of_parent)
        raw = file.read_text(encoding="utf-8")
        text, strings = strip(raw)
        toks = tokens(text)
        is_mod_rs = file.name in ("mod.rs", "lib.rs", "main.rs") or path == ()
        child_dir = file.parent if is_mod_rs else file.parent / file.stem
        stack: list[tuple[Path_, int]] = []  # inline modules: (path, brace depth)
        depth = 0
        attrs: list[list[Tok]] = []
        i = 0
        current = path
        while i < len(toks):
            t = toks[i]
            if t.text == "#" and i + 1 < len(toks) and toks[i + 1].text in ("[", "!"):
                j = i + 1 if toks[i + 1].text == "[" else i + 2
                level, k = 0, j
                while k < len(toks):
                    level += {"[": 1, "]": -1}.get(toks[k].text, 0)
                    if level == 0:
                        break
                    k += 1
                attrs.append(toks[j : k + 1])
                i = k + 1
                continue
            if t.text == "{":
                depth += 1
                attrs = []
            elif t.text == "}":
                depth -= 1
                attrs = []
                if stack and stack[-1][1] == depth:
                    stack.pop()
                    current = stack[-1][0] if stack else path
            elif t.text == ";":
                attrs = []
            elif t.text == "mod" and i + 2 < len(toks) and toks[i + 1].kind == "id":
                name = toks[i + 1].text.removeprefix("r#")
                child = current + (name,)
                self.modules[current].children[name] = child
                if toks[i + 2].text == "{":
                    self.modules[child] = Module(child, file, part_of_parent=True)
                    stack.append((child, depth))
                    current = child
                    depth += 1
                    attrs = []
                    i += 3
                    continue
                if toks[i + 2].text == ";":
                    flat = [" ".join(x.text for x in a) for a in attrs]
                    is_test = name == "tests" or any(
                        re.fullmatch(r"\[ cfg \( test \) \]", a) for a in flat
                    )
                    target = None
                    for a in attrs:
                        if len(a) >= 4 and a[1].text == "path" and a[2].text == "=":
                            target = file.parent / strings[int(a[3].text[3:-2])]
                    if target is None:
                        candidates = (child_dir / f"{name}.rs", child_dir / name / "mod.rs")
                        target = next((f for f in candidates if f.exists()), None)
                    where = f"modcycles: {self.rel(file)}:{t.line}: `mod {name};`"
                    if stack:
                        print(f"{where} inside an inline module is not followed", file=sys.stderr)
                    elif target is None or not target.exists():
                        print(f"{where} has no file", file=sys.stderr)
                    else:
                        self.load(child, target, part_of_parent=is_test)
                    attrs = []
                    i += 3
                    continue
            elif t.kind == "id" and t.text == "use" and (i == 0 or toks[i - 1].text != "::"):
                j = i + 1
                while j < len(toks) and toks[j].text != ";":
                    j += 1
                body = toks[i + 1 : j]
                for segs, alias in parse_use_tree(body):
                    if not segs:
                        continue
                    mod = self.modules[current]
                    absolute = self.absolute(current, segs)
                    if absolute is None:
                        continue  # an extern crate
                    mod.refs.append(Ref(("crate",) + absolute, t.line, "use " + "::".join(segs)))
                    if segs[-1] != "*":
                        mod.imports[alias or segs[-1]] = absolute
                attrs = []
                i = j + 1
                continue
            elif (
                t.kind == "id"
                and t.text in ("crate", "super", "self")
                and i + 1 < len(toks)
                and toks[i + 1].text == "::"
                and not (i > 0 and toks[i - 1].text in ("::", "in"))
            ):
                segs = [t.text]
                j = i + 1
                while j + 1 < len(toks) and toks[j].text == "::" and toks[j + 1].kind == "id":
                    segs.append(toks[j + 1].text)
                    j += 2
                absolute = self.absolute(current, tuple(segs))
                if absolute is not None:
                    self.modules[current].refs.append(
                        Ref(("crate",) + absolute, t.line, "::".join(segs))
                    )
                i = j
                continue
            i += 1

    def absolute(self, current: Path_, segs: tuple[str, ...]) -> Path_ | None:
        """A path as written in module `current` -> segments from the crate root, or None
        when it names another crate."""
        if segs[0] == "crate":
            return segs[1:]
        if segs[0] in ("self", "super"):
            base = list(current)
            rest = list(segs)
            while rest and rest[0] in ("self", "super"):
                if rest.pop(0) == "super":
                    base = base[:-1]
            return tuple(base) + tuple(rest)
        if segs[0] in self.modules[current].children:  # 2018: a child named directly
            return current + segs
        return None

    def resolve(self, absolute: Path_, seen: int = 0) -> Path_:
        """The module that defines what an absolute path names (following `use` items)."""
        here: Path_ = ()
        for k, seg in enumerate(absolute):
            mod = self.modules.get(here)
            if mod is None:
                break
            if seg in mod.children:
                here = mod.children[seg]
            elif seg in mod.imports and seen < 16 and mod.imports[seg] != absolute[: k + 1]:
                return self.resolve(mod.imports[seg] + absolute[k + 1 :], seen + 1)
            else:
                break
        return here

    def node(self, path: Path_) -> Path_:
        """Inline and test modules are part of their parent."""
        while path and self.modules[path].part_of_parent:
            path = path[:-1]
        return path

    def edges(self) -> dict[Path_, dict[tuple[str, str], list[str]]]:
        """folder -> (sibling, sibling) -> evidence."""
        out: dict[Path_, dict[tuple[str, str], list[str]]] = {}
        for path, mod in self.modules.items():
            a = self.node(path)
            for ref in mod.refs:
                b = self.node(self.resolve(ref.path[1:]))
                p = 0
                while p < min(len(a), len(b)) and a[p] == b[p]:
                    p += 1
                if p == len(a) or p == len(b):
                    continue  # the same module, or a parent and its descendant
                folder = a[:p]
                ev = f"{self.rel(mod.file)}:{ref.line} `{ref.text}`"
                out.setdefault(folder, {}).setdefault((a[p], b[p]), []).append(ev)
        return out


# ---------------------------------------------------------------- cycles


def sccs(nodes: set[str], succ: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one node."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(succ.get(v, ())):
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
                found.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return found


def shortest_cycle(start: str, members: set[str], succ: dict[str, set[str]]) -> list[str]:
    prev: dict[str, str] = {}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(succ.get(v, ())):
            if w not in members:
                continue
            if w == start:
                path = [v]
                while path[-1] != start:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if w not in prev:
                prev[w] = v
                queue.append(w)
    return [start]


def crate_roots(args: list[str]) -> list[tuple[str, Path]]:
    dirs = [Path(a).resolve() for a in args] or sorted((ROOT / "crates").iterdir()) + [
        ROOT / "src-tauri",
        ROOT / "tests",
    ]
    roots = []
    for d in dirs:
        for root in ("lib.rs", "main.rs"):
            f = d / "src" / root
            if f.exists():
                roots.append((f"{d.name} ({root})", f))
    return roots


SELF_TEST = {
    # A cycle through a `use crate::{...}` group and a root re-export.
    "src/lib.rs": "mod a;\nmod b;\nmod folder;\npub use a::A;\n",
    "src/a.rs": "use crate::{b::{self, B}};\npub struct A;\n"
    "#[cfg(test)]\nmod tests { use super::*; }\n",
    "src/b.rs": "pub struct B(crate::A);\n",
    # Siblings in a folder: `super::` paths; parent and child may name each other.
    "src/folder/mod.rs": "mod x;\nmod y;\npub use x::X;\nfn f() { y::g(); }\n",
    "src/folder/x.rs": "pub struct X;\nfn h() { super::f(); }\n"
    "#[cfg(test)]\n#[path = \"x_tests.rs\"]\nmod tests;\n",
    "src/folder/x_tests.rs": "use super::super::y; // a test file is its parent's\n",
    "src/folder/y.rs": "pub fn g() { let _ = super::X; }\n",
}


def self_test() -> int:
    """The rule on a made-up crate: exactly the cycles a <-> b and x <-> y."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for rel, text in SELF_TEST.items():
            path = Path(tmp) / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        crate = Crate("self-test", Path(tmp) / "src" / "lib.rs")
        found = []
        for folder, edges in crate.edges().items():
            succ: dict[str, set[str]] = {}
            for a, b in edges:
                succ.setdefault(a, set()).add(b)
            found += [(folder, tuple(comp)) for comp in sccs(set(succ), succ)]
    want = [((), ("a", "b")), (("folder",), ("x", "y"))]
    if sorted(found) != want:
        print(f"modcycles self-test: found {sorted(found)}, expected {want}")
        return 1
    print("modcycles self-test: ok")
    return 0


def main(argv: list[str]) -> int:
    if argv == ["--self-test"]:
        return self_test()
    failures = 0
    roots = crate_roots(argv)
    for name, root in roots:
        crate = Crate(name, root)
        for folder, edges in sorted(crate.edges().items()):
            succ: dict[str, set[str]] = {}
            for a, b in edges:
                succ.setdefault(a, set()).add(b)
            nodes = set(succ) | {b for _, b in edges}
            for comp in sccs(nodes, succ):
                failures += 1
                where = "/".join(folder) + "/" if folder else "the crate root"
                members = set(comp)
                cycle = shortest_cycle(comp[0], members, succ)
                print(f"{name}: module cycle in {where}: {' -> '.join(cycle)}")
                on_cycle = set(zip(cycle, cycle[1:]))

                def show(a: str, b: str) -> None:
                    ev = edges[(a, b)]
                    more = f" (+{len(ev) - 1} more)" if len(ev) > 1 else ""
                    print(f"    {a} -> {b}: {ev[0]}{more}")

                for a, b in zip(cycle, cycle[1:]):
                    show(a, b)
                rest = sorted(e for e in edges if set(e) <= members and e not in on_cycle)
                if rest:
                    print(f"  and, among the modules tangled with it ({', '.join(comp)}):")
                    for a, b in rest:
                        show(a, b)
    if failures:
        print(f"modcycles: {failures} cycle(s) between modules; see scripts/modcycles.py "
              "for the rule")
        return 1
    print(f"modcycles: no module cycles in {len(roots)} crate roots")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
