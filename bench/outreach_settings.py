"""Bench-only settings: the production settings plus a URL module with a minimal view."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.outreach_urls"
