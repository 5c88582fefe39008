"""`make bench`: the benchmark table the issues ask for (python -m bench)."""
