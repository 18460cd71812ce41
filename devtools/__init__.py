"""Development tooling: the local stack that `make run` and the tests start (not shipped in images)."""
