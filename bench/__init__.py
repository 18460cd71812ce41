"""`make bench`: throughput, latency and memory of the real stack. Prints figures; never fails on a number."""
