"""`make bench`: the headline performance figures of the QMS tracker, each against the bare stack.

The harness builds its own data in a throwaway database, runs every figure and prints one JSON
object per line, ``{"figure": NAME, "value": X, "unit": U, "goal": G}``, then writes the same list
to ``bench/results.json``. See docs/performance.md.
"""
