"""goverify: prove the Go examples of a Markdown site with the real Go compiler."""
