"""The benchmark harness behind ``make bench``: workloads, floor clients, report."""
