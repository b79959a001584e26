"""Sample data, not domain rules: the demo branch (``rules.samples.demo``,
with its party dues, ``rules.samples.demo_dues``) that ``xiaozu demo`` writes
and the tests run on, and the big branch of N years
(``rules.samples.ten_years``) that ``xiaozu demo --years N`` and the
benchmarks run on.

They build records from the domain's models and rules; the domain never
imports them (an import-linter contract in ``pyproject.toml``).
"""
