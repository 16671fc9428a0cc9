"""Gunicorn settings for `make serve` and the web unit (deploy/diary-web.service).

Read from the environment: PORT (8000), GUNICORN_BIND (overrides PORT, e.g.
`unix:/run/diary/gunicorn.sock` or `0.0.0.0:8000` behind a load balancer),
WEB_CONCURRENCY (workers), GUNICORN_TIMEOUT (seconds).
"""

import os

# Gunicorn's docs suggest 2 x cores + 1 sync workers. Capped at 12: each worker may
# hold a photo upload being decoded (up to about 200 MB), and more workers than that
# on one machine wait on the database rather than serve more.
_cores = os.cpu_count() or 1
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * _cores + 1, 12))
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
# A save with six large photos decodes each one; 30 s (the default) is too tight on a
# busy 2-core machine. nginx buffers uploads, so slow phones never hold a worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# Restart each worker now and then, so memory a large decode left fragmented is
# returned; the jitter keeps workers from restarting together.
max_requests = 2000
max_requests_jitter = 200
# Access log without query strings (they may carry tokens): method, path, status,
# size and time. Never bodies.
# gunicorn's control socket (gunicornc) is unused here, and its one default path in
# $HOME would be shared by every gunicorn the user runs (the benchmarks start
# several) and is read-only under systemd's ProtectHome.
control_socket_disable = True
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
