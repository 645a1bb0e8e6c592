"""Fragments: Go code shown without its package clause or imports, and the header that makes it compile.

A fragment followed by compiler output is compiled with the smallest header that puts the written positions where
the compiler reports them: `package main`, the standard-library imports it uses, and blank lines. goverify compiles
it once with a one-line header (`package main; import ("math/rand")`) on the reference release, finds the constant
line offset between that run and the written lines, and then compiles it on every release with a header of exactly
that many lines. The page's caption names the header; when no header fits, or the fragment does not compile with
one, the output is reported as not verified, with the reason.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .formats import by_value, in_todays_words
from .output import Diagnostic

# The standard library by package name (go1.27.3's `go list std`, internal and vendored packages left out); where
# two share a name, the one articles mean: math/rand, text/template, text/scanner, runtime/pprof.
STD = {
    "adler32": "hash/adler32", "aes": "crypto/aes", "ascii85": "encoding/ascii85", "asn1": "encoding/asn1",
    "ast": "go/ast", "atomic": "sync/atomic", "base32": "encoding/base32", "base64": "encoding/base64",
    "big": "math/big", "binary": "encoding/binary", "bits": "math/bits", "bufio": "bufio", "build": "go/build",
    "buildinfo": "debug/buildinfo", "bytes": "bytes", "bzip2": "compress/bzip2", "cgi": "net/http/cgi",
    "cipher": "crypto/cipher", "cmp": "cmp", "cmplx": "math/cmplx", "color": "image/color",
    "comment": "go/doc/comment", "constant": "go/constant", "constraint": "go/build/constraint",
    "context": "context", "cookiejar": "net/http/cookiejar", "coverage": "runtime/coverage", "crc32": "hash/crc32",
    "crc64": "hash/crc64", "crypto": "crypto", "cryptotest": "testing/cryptotest", "csv": "encoding/csv",
    "debug": "runtime/debug", "des": "crypto/des", "doc": "go/doc", "draw": "image/draw",
    "driver": "database/sql/driver", "dsa": "crypto/dsa", "dwarf": "debug/dwarf", "ecdh": "crypto/ecdh",
    "ecdsa": "crypto/ecdsa", "ed25519": "crypto/ed25519", "elf": "debug/elf", "elliptic": "crypto/elliptic",
    "embed": "embed", "encoding": "encoding", "errors": "errors", "exec": "os/exec", "expvar": "expvar",
    "fcgi": "net/http/fcgi", "filepath": "path/filepath", "fips140": "crypto/fips140", "flag": "flag",
    "flate": "compress/flate", "fmt": "fmt", "fnv": "hash/fnv", "format": "go/format", "fs": "io/fs",
    "fstest": "testing/fstest", "gif": "image/gif", "gob": "encoding/gob", "gosym": "debug/gosym",
    "gzip": "compress/gzip", "hash": "hash", "heap": "container/heap", "hex": "encoding/hex", "hkdf": "crypto/hkdf",
    "hmac": "crypto/hmac", "hpke": "crypto/hpke", "html": "html", "http": "net/http",
    "httptest": "net/http/httptest", "httptrace": "net/http/httptrace", "httputil": "net/http/httputil",
    "image": "image", "importer": "go/importer", "io": "io", "iotest": "testing/iotest", "ioutil": "io/ioutil",
    "iter": "iter", "jpeg": "image/jpeg", "json": "encoding/json", "jsonrpc": "net/rpc/jsonrpc",
    "jsontext": "encoding/json/jsontext", "list": "container/list", "log": "log", "lzw": "compress/lzw",
    "macho": "debug/macho", "mail": "net/mail", "maphash": "hash/maphash", "maps": "maps", "math": "math",
    "md5": "crypto/md5", "metrics": "runtime/metrics", "mime": "mime", "mldsa": "crypto/mldsa",
    "mlkem": "crypto/mlkem", "mlkemtest": "crypto/mlkem/mlkemtest", "multipart": "mime/multipart", "net": "net",
    "netip": "net/netip", "os": "os", "palette": "image/color/palette", "parse": "text/template/parse",
    "parser": "go/parser", "path": "path", "pbkdf2": "crypto/pbkdf2", "pe": "debug/pe", "pem": "encoding/pem",
    "pkix": "crypto/x509/pkix", "plan9obj": "debug/plan9obj", "plugin": "plugin", "png": "image/png",
    "pprof": "runtime/pprof", "printer": "go/printer", "quick": "testing/quick",
    "quotedprintable": "mime/quotedprintable", "race": "runtime/race", "rand": "math/rand", "rc4": "crypto/rc4",
    "reflect": "reflect", "regexp": "regexp", "ring": "container/ring", "rpc": "net/rpc", "rsa": "crypto/rsa",
    "runtime": "runtime", "scanner": "text/scanner", "sha1": "crypto/sha1", "sha256": "crypto/sha256",
    "sha3": "crypto/sha3", "sha512": "crypto/sha512", "signal": "os/signal", "slices": "slices", "slog": "log/slog",
    "slogtest": "testing/slogtest", "smtp": "net/smtp", "sort": "sort", "sql": "database/sql", "strconv": "strconv",
    "strings": "strings", "structs": "structs", "subtle": "crypto/subtle", "suffixarray": "index/suffixarray",
    "sync": "sync", "synctest": "testing/synctest", "syntax": "regexp/syntax", "syscall": "syscall",
    "syslog": "log/syslog", "tabwriter": "text/tabwriter", "tar": "archive/tar", "template": "text/template",
    "testing": "testing", "textproto": "net/textproto", "time": "time", "tls": "crypto/tls", "token": "go/token",
    "trace": "runtime/trace", "types": "go/types", "tzdata": "time/tzdata", "unicode": "unicode", "unique": "unique",
    "unsafe": "unsafe", "url": "net/url", "user": "os/user", "utf16": "unicode/utf16", "utf8": "unicode/utf8",
    "uuid": "uuid", "version": "go/version", "weak": "weak", "x509": "crypto/x509", "xml": "encoding/xml",
    "zip": "archive/zip", "zlib": "compress/zlib",}
_USE = re.compile(r"(?<![\w.])([a-z][a-z0-9]*)\.[A-Za-z_]")
_NAME = re.compile(r"(?<![\w.])[A-Za-z_]\w*")
_STRINGS_AND_COMMENTS = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|`[^`]*`|\'(?:\\.|[^\'\\\n])*\'', re.S)
_DECLARED = (r"(?:\b{0}\s*(?:,\s*\w+\s*)*:=|\bvar\s+{0}\b|\bconst\s+{0}\b|\bfunc\s+{0}\b"
             r"|[(,]\s*{0}\s+[\w*\[\]]|\btype\s+{0}\b)")
_IMPORT = re.compile(r"^\s*import\b", re.M)
_FUNC = re.compile(r"^func\s+(?:\([^)]*\)\s*)?(\w+)", re.M)
_FUNC_MAIN = re.compile(r"^func\s+main\s*\(", re.M)
# What `go test` runs: `TestX`, `BenchmarkX`, `ExampleX`, `FuzzX` (not `Testify`: after the prefix, no lower case).
_FUNC_TEST = re.compile(r"^func\s+(?:Test|Benchmark|Example|Fuzz)(?![a-z])\w*\s*\(", re.M)
_LINKNAME = re.compile(r"^//go:linkname\s", re.M)


@dataclass(frozen=True)
class Header:
    """The lines goverify puts before a fragment. Its package is `main` when the fragment has a `func main`; else
    another name, so that the build compiles it and does not fail to link a program with no main."""

    imports: tuple[str, ...]  # paths; `name path` when the page imports it under another name
    lines: int
    package: str = "main"

    @property
    def conventional(self) -> list[str]:
        """`package main`, a blank line, the imports, a blank line: how a person writes it."""
        rows = [f"package {self.package}", ""]
        if len(self.imports) == 1:
            rows += [f"import {_spec(self.imports[0])}", ""]
        elif self.imports:
            rows += ["import (", *(f"\t{_spec(p)}" for p in self.imports), ")", ""]
        return rows

    @property
    def text(self) -> str:
        conventional = self.conventional
        if self.lines >= len(conventional):
            rows = conventional + [""] * (self.lines - len(conventional))
        else:
            one = f"package {self.package}" + (f"; import ({'; '.join(_spec(p) for p in self.imports)})"
                                               if self.imports else "")
            rows = [one] + [""] * (self.lines - 1)
        return "\n".join(rows) + "\n"

    def describe(self) -> str:
        return ", ".join([f"package {self.package}", *(f"import {_spec(p)}" for p in self.imports)])


def _spec(entry: str) -> str:
    """An import as Go writes it: `"math/rand"`, `r "math/rand"`."""
    name, _, path = entry.rpartition(" ")
    return f'{name} "{path}"' if name else f'"{path}"'


def package_name(entry: str) -> str:
    """The name an import is used by: `rand` of `math/rand`, `r` of `r math/rand`."""
    name, _, path = entry.rpartition(" ")
    return name or path.rsplit("/", 1)[-1]


def imports_used(fragment: str) -> tuple[str, ...]:
    """The standard-library packages a fragment refers to (`rand.Intn` -> math/rand) and does not declare itself;
    `_ unsafe` for a `//go:linkname` directive, which the compiler allows only in a file that imports unsafe."""
    if _IMPORT.search(fragment):
        return ()  # it brings its own imports
    code = _STRINGS_AND_COMMENTS.sub(" ", fragment)
    used = []
    for name in dict.fromkeys(m.group(1) for m in _USE.finditer(code)):
        if name in STD and not _declares(code, name):
            used.append(STD[name])
    if _LINKNAME.search(fragment) and "unsafe" not in used:
        used.append("_ unsafe")
    return tuple(sorted(used))


def code_only(code: str) -> str:
    """Go code with its strings and comments blanked out."""
    return _STRINGS_AND_COMMENTS.sub(" ", code)


def declares(code: str, name: str) -> bool:
    """The Go code declares `name` (a variable, constant, function, type or parameter), anywhere in it."""
    return _declares(code_only(code), name)


def _declares(code: str, name: str) -> bool:
    return re.search(_DECLARED.format(re.escape(name)), code) is not None


def packages_used(code: str) -> list[str]:
    """The package names Go code refers to (`rand` of `rand.Intn`), in order of first use."""
    return list(dict.fromkeys(m.group(1) for m in _USE.finditer(code_only(code))))


def names_used(code: str) -> set[str]:
    """Every identifier the code mentions that is not a selector (`adder` and `Adder` of `adder := Adder{}`, not
    `Add` of `adder.Add`)."""
    return set(_NAME.findall(code_only(code)))


def declares_main(code: str) -> bool:
    """The Go code declares `func main` at top level (strings and comments aside)."""
    return _FUNC_MAIN.search(code_only(code)) is not None


def declares_tests(code: str) -> bool:
    """The Go code declares at top level a function `go test` runs (`TestX`, `BenchmarkX`, `ExampleX`, `FuzzX`)."""
    return _FUNC_TEST.search(code_only(code)) is not None


def package_for(fragment: str) -> str:
    """`main` for a fragment that declares `func main`, else `fragment`: what `go build` compiles without a main, and
    what `go test -c file_test.go` accepts as the package of a lone test file (any name does)."""
    return "main" if declares_main(fragment) else "fragment"


def header(fragment: str, lines: int, borrowed: tuple[str, ...] = ()) -> Header:
    """`borrowed`: what the declarations borrowed from the page import (borrow.py); an import of the page takes the
    place of the standard package of the same name goverify would guess."""
    names = {package_name(entry) for entry in borrowed}
    guessed = tuple(p for p in imports_used(fragment) if package_name(p) not in names)
    return Header(tuple(sorted({*guessed, *borrowed})), lines, package_for(fragment))


def conventional(fragment: str, borrowed: tuple[str, ...] = ()) -> Header:
    """The header a person would write, for a fragment with no written output to fit (its claims are by line)."""
    return header(fragment, len(header(fragment, 0, borrowed).conventional), borrowed)


def probe(fragment: str, borrowed: tuple[str, ...] = ()) -> Header:
    """The one-line header of the first compile."""
    return header(fragment, 1, borrowed)


def subject(message: str) -> str:
    """What a line is about, whatever the compiler said of it: `make([]int, n)` of `... escapes to heap`."""
    m = re.match(r"^(?:\w+ )?(.+?) (?:escapes to heap|does not escape)\b", message)
    if m:
        return m.group(1)
    m = re.match(r"^(moved to heap|leaking param(?: content)?|can inline|inlining call to|cannot inline): (\S+)|"
                 r"^(can inline|inlining call to|cannot inline) (\S+?):?(?:\s|$)", message)
    return (m.group(2) or m.group(4) or "") if m else message


def best_offset(written: list[Diagnostic], printed: list[Diagnostic], *, loose: bool,
                functions: frozenset[str] = frozenset()) -> int | None:
    """The constant line offset that puts the most written lines on a printed line saying the same thing (columns
    break ties); None when no written line is printed anywhere. `loose` also pairs a line in an older release's
    words with what today's compiler says in its place (`main []int literal does not escape` with `[]int{...} does
    not escape`, `id escapes to heap` with `int32(4096) escapes to heap`: formats.py), and lines about the same
    subject (`make([]int, n) escapes to heap` with `make([]int, n) does not escape`): enough to find where a fragment
    sits even when what the compiler says of it has changed. `functions`: those the code declares (old lines named
    them first)."""
    votes: Counter[int] = Counter()
    for w in written:
        seen: set[int] = set()
        reworded = in_todays_words(w.message, functions) if loose else None
        today = reworded.message if reworded is not None and reworded.message else w.message
        for p in printed:
            if p.file != w.file:
                continue
            same = p.key() == w.key(p.line - w.line)
            old = loose and not same and (p.message == today != w.message or by_value(w.message, p.message))
            similar = loose and subject(p.message) == subject(today)
            if (same or old or similar) and (w.line - p.line) not in seen:
                seen.add(w.line - p.line)
                weight = (4 if same else 3 if old else 2) + (1 if w.column is None or w.column == p.column else 0)
                votes[w.line - p.line] += weight
    if not votes:
        return None
    return max(votes, key=lambda d: (votes[d], d == 0, -abs(d)))


def functions_declared(source: str) -> frozenset[str]:
    """The names of the functions and methods a Go source declares at top level."""
    return frozenset(_FUNC.findall(source))
