"""What a fragment borrows from its page: the declarations of earlier Go fences that it names and does not declare.

A fragment that does not compile alone (`undefined: Adder`) often leans on a type or a function the page showed
before it. goverify then compiles it with those declarations after it, so that its own lines keep their numbers:

- the top-level types, funcs, vars and consts the fragment names and does not declare, each from the nearest earlier
  Go fence declaring it (an example with a package clause, or a fragment, compiled or not);
- the methods of each type borrowed, and what the borrowed declarations name in turn, the same way;
- never `main` or `init`, and nothing that declares a name the fragment declares (a grouped declaration is
  borrowed whole or not at all);
- the imports the borrowed declarations use: an example's own import of that name, else the standard package.

The result is data (`Borrowed`): the code to append, the imports for the header, the fences it came from.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .claims import function_spans
from .examples import GoFence
from .fragments import STD, code_only, declares, names_used, package_name, packages_used

_SPEC = re.compile(r'^\s*(?:([A-Za-z_]\w*|\.)\s+)?"([^"]+)"')
# A field or method of a struct or interface type: `name string`, `a, b int`, `Add(a, b int32) int32`.
_MEMBER = re.compile(r"(?:^|[{;])\s*([A-Za-z_]\w*)(?=\s*(?:\(|,|[ \t]+[^\s;}]))", re.M)
_NEVER = {"main", "init", "_"}


@dataclass(frozen=True)
class Declaration:
    """One top-level declaration of a fence: its code and the names it declares (a method: its type and name)."""

    code: str
    names: tuple[str, ...]
    receiver: str = ""  # a method's type
    method: str = ""


@dataclass(frozen=True)
class Borrowed:
    """The declarations a fragment is compiled with, after its own lines."""

    fences: tuple[int, ...]  # the page lines of the fences they come from, in page order
    names: tuple[str, ...]  # what the fragment itself names of them
    code: str  # appended after the fragment: a blank line, then each declaration as the page wrote it
    imports: tuple[str, ...]  # what they import (paths; `name path` for a renamed import)

    @property
    def lines(self) -> int:
        return self.code.count("\n")


@functools.lru_cache(maxsize=512)
def declarations(source: str) -> tuple[Declaration, ...]:
    """The top-level types, funcs, vars and consts of Go code, in order (found as claims.py finds functions), each
    with the comment lines right above it (`//go:noinline` changes what the compiler says of its callers)."""
    lines = source.splitlines()
    found = []
    end = 0
    for start, last in function_spans(source):
        head = lines[start - 1]
        first = start
        while first - 1 > end and lines[first - 2].lstrip().startswith("//"):
            first -= 1
        code = "\n".join(lines[first - 1:last])
        end = last
        m = re.match(r"^func\s*\(\s*(?:\w+\s+)?\*?\s*(\w+)[^)]*\)\s*(\w+)", head)
        if m:
            found.append(Declaration(code, (), m.group(1), m.group(2)))
            continue
        m = re.match(r"^func\s+(\w+)", head)
        if m:
            found.append(Declaration(code, (m.group(1),)))
            continue
        found.append(Declaration(code, _declared_names("\n".join(lines[start - 1:last]))))
    return tuple(found)


def _references(declaration: Declaration) -> set[str]:
    """The names a declaration refers to: a method's name, and a type's field and method names (`name` of
    `struct{ name string }`, `Add` of `interface{ Add(a, b int32) int32 }`) are its own, not references."""
    names = names_used(declaration.code) - {declaration.method}
    if declaration.names and re.search(r"^type\b", declaration.code, re.M):
        names -= set(_MEMBER.findall(code_only(declaration.code)))
    return names


def _declared_names(code: str) -> tuple[str, ...]:
    """The names a `type`, `var` or `const` declaration declares, a grouped one's every spec included."""
    m = re.match(r"^(?:type|var|const)\s*\(", code)
    if not m:
        m = re.match(r"^(?:type|var|const)\s+([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)", code)
        return tuple(re.split(r"\s*,\s*", m.group(1))) if m else ()
    names: list[str] = []
    depth = 0
    for line in code[m.end():].splitlines():
        if depth == 0:
            spec = re.match(r"^\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)", line)
            if spec:
                names += re.split(r"\s*,\s*", spec.group(1))
        depth += line.count("{") + line.count("(") - line.count("}") - line.count(")")
        depth = max(depth, 0)
    return tuple(names)


@functools.lru_cache(maxsize=512)
def imports_of(source: str) -> dict[str, str]:
    """The imports of Go code by the name they are used by: `rand` -> `math/rand`, `r` -> `r math/rand`."""
    found: dict[str, str] = {}
    in_group = False
    for line in source.splitlines():
        text = line.split("//", 1)[0]
        if in_group:
            if text.strip().startswith(")"):
                in_group = False
                continue
            specs = [text]
        elif re.match(r"^import\s*\(", text):
            in_group = True
            specs = [text.split("(", 1)[1]]
        elif text.startswith("import"):
            specs = [text[len("import"):]]
        else:
            continue
        for spec in specs:
            m = _SPEC.match(spec)
            if m and m.group(1) not in {"_", "."}:
                entry = f"{m.group(1)} {m.group(2)}" if m.group(1) else m.group(2)
                found[package_name(entry)] = entry
    return found


def borrow(fences: Sequence[GoFence], fragment: str, before: int) -> Borrowed | None:
    """What the fragment names of the declarations of the fences before page line `before`; None when nothing."""
    earlier = [(n, fence) for n, fence in enumerate(fences) if fence.location.line < before]
    by_name: dict[str, tuple[int, int, Declaration]] = {}  # the nearest earlier declaration of each name
    methods: dict[str, dict[str, tuple[int, int, Declaration]]] = {}
    for n, fence in earlier:
        for i, declaration in enumerate(declarations(fence.source)):
            if declaration.receiver:
                methods.setdefault(declaration.receiver, {})[declaration.method] = (n, i, declaration)
            for name in declaration.names:
                by_name[name] = (n, i, declaration)
    own = declarations(fragment)
    taken = {name for d in own for name in d.names}
    own_methods = {(d.receiver, d.method) for d in own if d.receiver}
    wanted = sorted(name for name in names_used(fragment) & by_name.keys()
                    if name not in _NEVER and name not in taken and not declares(fragment, name))
    if not wanted:
        return None
    chosen: dict[tuple[int, int], Declaration] = {}
    todo = list(wanted)
    while todo:
        name = todo.pop(0)
        if name in taken or name in _NEVER:
            continue
        n, i, declaration = by_name[name]
        if any(other in taken for other in declaration.names):
            continue  # it would declare again something the fragment (or another borrowed declaration) declares
        taken.update(declaration.names)
        picked = [(n, i, declaration)]
        for type_name in declaration.names:  # its methods, declared with it or after it (not of an older type)
            picked += [m for method, m in sorted(methods.get(type_name, {}).items())
                       if (type_name, method) not in own_methods and m[0] >= n]
        for n_, i, d in picked:
            chosen[n_, i] = d
            todo += sorted(other for other in _references(d) & by_name.keys()
                           if other not in taken and other not in _NEVER and not declares(d.code, other))
    if not chosen:
        return None
    order = sorted(chosen)
    used_fences = tuple(dict.fromkeys(fences[n].location.line for n, _ in order))
    code = "".join("\n" + chosen[key].code + "\n" for key in order)
    provided = {name for d in chosen.values() for name in d.names}
    return Borrowed(used_fences, tuple(name for name in wanted if name in provided), code,
                    _imports([(fences[n], chosen[n, i]) for n, i in order], fragment))


def _imports(borrowed: list[tuple[GoFence, Declaration]], fragment: str) -> tuple[str, ...]:
    """The imports the borrowed declarations use that the fragment does not import itself: their fence's own,
    else the standard package of that name."""
    own = imports_of(fragment)
    found: dict[str, str] = {}
    for fence, declaration in borrowed:
        imported = imports_of(fence.source)
        for name in packages_used(declaration.code):
            if name in own or name in found or declares(declaration.code, name):
                continue
            entry = imported.get(name) or STD.get(name)
            if entry is not None:
                found[name] = entry
    return tuple(sorted(found.values()))
