# The two commands of the README: `make site` and `make test`. Both start from nothing but Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two releases whose escape analysis differs on the article (enough to prove the version logic), and the newer
# minors between them, which tests/test_watch.py simulates as new releases of a site that stops at 1.24; and 1.21.13,
# before Go 1.22's per-iteration loop variables (tests/test_runstage.py runs the loop-variable program on it).
TEST_GO_VERSIONS := 1.21.13 1.24.11 1.25.5 1.26.6 1.27.3

.PHONY: site site-from-results offline-zip serve test bench lint clean toolchains watch

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[site,test]'
	touch $@

toolchains: $(VENV)/.installed
	$(BIN)/goverify toolchains install --config mkdocs.yml

# The verified site in site/, plus the whole site zipped for offline reading (dist/NAME, NAME being mkdocs.yml's
# extra.offline_zip; entries under one folder). A copy sits at the site's root, where its footer links to it.
site: toolchains
	$(BIN)/mkdocs build --strict
	@$(MAKE) --no-print-directory offline-zip

# CI's merge job (.github/workflows/verify.yml): the same site from the shards in results/, no local toolchain.
site-from-results: $(VENV)/.installed
	GOVERIFY_RESULTS=results $(BIN)/mkdocs build --strict
	@$(MAKE) --no-print-directory offline-zip

offline-zip:
	@zip=$$(sed -n 's/^ *offline_zip: *//p' mkdocs.yml); rm -rf dist && mkdir -p dist && \
	$(BIN)/python -c 'import os, sys, zipfile; out, top = sys.argv[1], sys.argv[2]; \
	files = sorted(os.path.join(d, f) for d, _, fs in os.walk("site") for f in fs); \
	z = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED); \
	[z.write(f, os.path.join(top, os.path.relpath(f, "site"))) for f in files]; z.close()' \
	"dist/$$zip" "$${zip%-offline.zip}" && cp "dist/$$zip" site/ && echo "offline copy: dist/$$zip"

serve: $(VENV)/.installed
	$(BIN)/mkdocs serve

test: $(VENV)/.installed
	$(BIN)/goverify toolchains install $(TEST_GO_VERSIONS)
	bash .ci/debian-deps
	$(BIN)/pytest -x -n 2 --dist loadgroup -p no:cacheprovider

# The release watch (.github/workflows/watch.yml runs it weekly): the Go releases PyPI offers that go_versions
# lacks, the pages checked with them added, watch-report.md and watch.patch written. goverify's exit status: 0 nothing
# new (nothing installed), 1 a new release breaks something the pages say, 3 new releases on which all holds (make
# reports 1 and 3 as errors too: the report says which).
watch: $(VENV)/.installed
	$(BIN)/goverify watch --config mkdocs.yml --report watch-report.md --patch watch.patch

bench: toolchains
	$(BIN)/python tests/bench/run.py

lint: $(VENV)/.installed
	$(BIN)/ruff check plugins tests

clean:
	rm -rf site dist .cache
