"""Benchmarks of a running jhe server (not part of the test suite): ``python -m bench.run``."""
