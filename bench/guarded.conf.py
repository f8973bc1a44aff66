"""gunicorn.conf.py with bench/yield_guard.py installed in every worker (`make bench` uses it
for Counsel on SQLite: the report counts the places that yield inside a transaction)."""

from pathlib import Path

_project = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
exec(compile(_project.read_text(), str(_project), "exec"))  # the project's settings, unchanged
_project_post_worker_init = post_worker_init  # noqa: F821 - defined by the exec above


def post_worker_init(worker):
    """The project's hook, then the guard."""
    from bench.yield_guard import install

    _project_post_worker_init(worker)
    install()
