"""gunicorn settings for Counsel. Every WebSocket is a greenlet, not a thread."""

import os

bind = os.environ.get("COUNSEL_BIND", "127.0.0.1:8000")
worker_class = "gevent"
# Without Redis the relay is in-process: one worker must hold both people of a session.
workers = int(os.environ.get("COUNSEL_WORKERS", "1" if not os.environ.get("COUNSEL_REDIS_URL") else "2"))
# Two sockets per room; gunicorn's default of 1000 caps a worker at 500 rooms.
worker_connections = int(os.environ.get("COUNSEL_WORKER_CONNECTIONS", "10000"))
graceful_timeout = 10
timeout = 30
keepalive = 5
accesslog = None
