"""Imported first by every benchmark: the project on sys.path, an in-memory database,
Django set up. (Benchmarks run with DEBUG off, as in production.)"""

import os
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # the test client speaks plain HTTP

import django

django.setup()
warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic needed
