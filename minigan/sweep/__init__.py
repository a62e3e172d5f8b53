"""``python -m minigan.sweep``: sweeps of training runs on Ray Tune (docs/sweeps.md).

:mod:`minigan.sweep.spec` reads what to sweep (a TOML file and flags), :mod:`minigan.sweep.trial`
is one trial (an ordinary run directory), :mod:`minigan.sweep.report` the table and figure at
the end, and :mod:`minigan.sweep.cli` the command line. Ray is imported only when a sweep runs
(``pip install -e '.[sweep]'``).
"""
