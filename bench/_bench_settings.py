"""Settings for the servers bench/pages.py and bench/load.py start: production's
(config/settings.py, DEBUG off), plus a hello-world URL that production's URLs never
have, and static files collected into the run's own folder."""

import os

from config.settings import *  # noqa: F403

ROOT_URLCONF = "_bench_urls"
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", STATIC_ROOT)  # noqa: F405
