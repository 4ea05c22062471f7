"""Runs: systems x documents, cached per result, scored and written to a run folder (private).

See :mod:`benchmark._run._runner` for the steps, ``docs/running.md`` for the commands.
"""
