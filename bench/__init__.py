"""Benchmarks: ``make bench`` or ``python -m bench [NAME ...]``. See ``bench/common.py`` for the API.

The project's modules are imported inside the functions here, not at the top: the runner chooses the
settings (a throwaway database) and calls ``django.setup()`` at run time, before any model can load.
"""
