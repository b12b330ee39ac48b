"""Load and fault tests of the whole portal: gunicorn + PostgreSQL + Redis + a Celery worker.

``make load`` (``python -m load``) runs :mod:`load.runner`; ``load/tests/`` holds the fault tests
(worker killed mid-send, Redis stopped, database restarted) and the hypothesis fuzzing. See the
README section "Load and fault tests".

The project's modules are imported inside the functions here, not at the top: the runner creates the
throwaway database and calls ``django.setup()`` at run time, before any model can load.
"""
