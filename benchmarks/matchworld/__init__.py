"""Independent match worlds for benchmarking the supplier matcher (see generator.py)."""
