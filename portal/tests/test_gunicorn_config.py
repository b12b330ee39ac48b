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


def test_a_document_rendered_in_a_worker_leaves_what_the_worker_froze_frozen():
    """A render (services.documents) must not unfreeze the heap: in a worker that froze its start-up heap,
    that would hand the whole heap back to every later collection."""
    from services.documents import pdf_from_html

    hooks = runpy.run_path(str(CONFIG))
    page = "<html lang='ar' dir='rtl'><body><p>كشف</p></body></html>"
    kept = ["made at start-up, before the worker is ready"]
    try:
        gc.unfreeze()
        assert pdf_from_html(page).startswith(b"%PDF-")
        assert gc.get_freeze_count() == 0  # a process that froze nothing: nothing frozen by the render
        hooks["post_worker_init"](worker=None)
        assert not any(o is kept for o in gc.get_objects())
        assert pdf_from_html(page).startswith(b"%PDF-")
        # Still frozen (the count alone may fall: a frozen object that dies leaves the frozen generation).
        assert not any(o is kept for o in gc.get_objects())
    finally:
        gc.unfreeze()
