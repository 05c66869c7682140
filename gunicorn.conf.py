"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py bri_tracker.wsgi``.

Environment variables override the defaults below; options given on the
command line override both (scripts/bench.py sets the bind address, the logs
and, if asked, the number of workers that way).
"""

import os

# Behind a reverse proxy on the same host, as a rule; GUNICORN_BIND=0.0.0.0:8000
# (or unix:/run/bri.sock) to listen elsewhere.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# The pages are mostly CPU (templates, charts) with some waiting on
# PostgreSQL: two processes per CPU keep the CPUs busy while some wait.
workers = int(os.environ.get("GUNICORN_WORKERS", (os.cpu_count() or 1) * 2))

# A few threads per worker so that a keep-alive connection, a slow client or a
# streamed CSV export does not hold a whole process; each request borrows a
# database connection from the worker's pool (settings/prod.py).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 2))

# Seconds an idle keep-alive connection is kept open: long enough for a
# browser's follow-up requests (static files, chart data), short enough not to
# tie up threads.
keepalive = 5

# Restart each worker after about this many requests (the jitter spreads the
# restarts so that workers do not all restart at once): memory stays bounded
# whatever a long-lived process accumulates.
max_requests = 20000
max_requests_jitter = 2000

# Each worker imports the app itself: a restarted worker (max_requests, HUP)
# picks up new code, and nothing opened at import (database connections,
# cache clients) is shared between processes by fork.
preload_app = False

# "-": stdout and stderr, for the service manager (systemd, a container) to
# collect and rotate.
accesslog = "-"
errorlog = "-"
