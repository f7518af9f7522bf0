"""Codings from event data: layouts of published event files, the aggregation, derived cases and panels.

Only `codes` and `layouts` are light; the modules that query (query, source, derive, panel) import
ibis and are imported by the `events` commands alone, so that `--help` and `validate` stay fast.
"""
