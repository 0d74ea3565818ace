"""The garbage collector tuned for a web worker, once the app is loaded (wsgi.py, make bench).

Python collects its youngest objects after every 700 new ones and, every so often, walks every
object the process holds. A request that reads a 1,000-session agenda makes some 100,000 objects
that all live until its answer is sent: it was interrupted by dozens of collections that found
nothing to free, each walking the whole app (SQLAlchemy's mappers, the templates, the translations)
— a third of its time. The app's own objects live as long as the process, so the collector stops
looking at them (gc.freeze), and the youngest generation is collected after 50,000 new objects.
"""
import gc

YOUNG_THRESHOLD = 50_000


def settle() -> None:
    """Freeze what exists now and collect less often; call once per process, after create_app."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
