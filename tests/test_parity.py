"""A translation's examples cannot drift from the original's: code (comments aside) and claims must match."""

from __future__ import annotations

from conftest import build, write_site
from goverify.examples import scan_page
from goverify.parity import check_parity, pairs
from goverify.report import describe

ZH = """
# 逃逸

```go
package main

func f() *int {
	n := 0 // moved to heap: n，被返回的指针引用
	return &n
}
```
"""
EN = ZH.replace("# 逃逸", "# Escape").replace("，被返回的指针引用", ", referenced by the returned pointer")

I18N = """  - i18n:
      docs_structure: suffix
      languages:
        - locale: zh
          name: 中文
          default: true
        - locale: en
          name: English
  - goverify"""


def test_translated_explanations_are_allowed() -> None:
    zh, en = scan_page(ZH, "docs/index.md"), scan_page(EN, "docs/index.en.md")
    assert pairs([zh, en]) == [(zh, en)]
    assert check_parity(zh, en) == []


def test_drifted_code_names_both_places() -> None:
    zh = scan_page(ZH, "docs/index.md")
    en = scan_page(EN.replace("n := 0", "n := 1"), "docs/index.en.md")
    [problem] = check_parity(zh, en)
    assert describe(problem).render().splitlines() == [
        "docs/index.en.md:4: example 1 differs from the original's at docs/index.md:4 (code line 3, comments aside)",
        "    original:    \tn := 0",
        "    translation: \tn := 1",
    ]


def test_drifted_claims_name_both_places() -> None:
    zh = scan_page(ZH, "docs/index.md")
    en = scan_page(EN.replace("moved to heap: n", "n does not escape"), "docs/index.en.md")
    [problem] = [describe(p) for p in check_parity(zh, en)]
    assert problem.summary == "example 1 claims differ from the original's at docs/index.md:4"
    assert problem.detail == ("only in the original (line 4): moved to heap: n",
                              "only in the translation (line 4): n does not escape")


def test_a_drifted_english_example_fails_the_bilingual_build(tmp_path) -> None:
    write_site(tmp_path, {"index.md": ZH, "index.en.md": EN.replace("n := 0", "n := 0 + 0")}, plugin=I18N)
    done = build(tmp_path)
    assert done.returncode == 1
    assert ("docs/index.en.md:3: example 1 differs from the original's at docs/index.md:3 "
            "(code line 3, comments aside)") in done.log_lines
    assert not (tmp_path / "site" / "index.html").exists()
    assert not (tmp_path / "site" / "en" / "index.html").exists()
