"""Benchmarks: ``make bench`` or ``python -m bench [NAME ...]``. See ``bench/common.py`` for the API."""
