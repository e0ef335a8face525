"""Builders of test packages shared by unit tests, end-to-end tests and benchmarks; never used in production.

`forge` writes ZIP bytes exactly as an attacker would (lies included), `corpus` names the hostile packages
with the verdict each must get, and `documents` generates realistic tender documents and packages.
"""
