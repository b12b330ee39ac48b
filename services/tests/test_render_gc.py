"""The garbage collector paused while a PDF is laid out (services.documents._gc_paused), and only then."""

import gc
import threading

from services.documents import _gc_paused, pdf_from_html

PAGE = "<html lang='ar' dir='rtl'><body><p>كشف</p></body></html>"


def test_the_collector_is_paused_for_the_render_and_runs_again_after(monkeypatch):
    seen = []
    from weasyprint import HTML

    original = HTML.write_pdf

    def write_pdf(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "write_pdf", write_pdf)
    assert gc.isenabled()
    assert pdf_from_html(PAGE).startswith(b"%PDF-")
    assert seen == [False]
    assert gc.isenabled()


def test_the_collector_runs_again_only_when_the_last_of_two_renders_ends():
    first_inside, second_done = threading.Event(), threading.Event()
    states = []

    def second():
        first_inside.wait()
        with _gc_paused():
            pass
        states.append(gc.isenabled())  # the first render is still going on
        second_done.set()

    thread = threading.Thread(target=second)
    thread.start()
    with _gc_paused():
        first_inside.set()
        second_done.wait(5)
    thread.join()
    assert states == [False]
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off():
    gc.disable()
    try:
        with _gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_runs_again_when_a_render_fails():
    try:
        with _gc_paused():
            raise ValueError("a broken template")
    except ValueError:
        pass
    assert gc.isenabled()
