"""gunicorn's hooks (portal/gunicorn_config.py), called as gunicorn calls them."""

import gc
import runpy
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / "gunicorn_config.py"


def test_a_worker_freezes_what_it_loaded_so_collections_skip_it():
    hooks = runpy.run_path(str(CONFIG))
    kept = ["made at start-up, before the worker is ready"]
    try:
        gc.unfreeze()
        assert gc.get_freeze_count() == 0
        assert gc.is_tracked(kept) and any(o is kept for o in gc.get_objects())
        hooks["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 0
        assert not any(o is kept for o in gc.get_objects())  # not tracked: collections no longer walk it
    finally:
        gc.unfreeze()
