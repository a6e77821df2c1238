"""Bench-only settings: the production settings plus a URL module with a minimal view."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.outreach_urls"

import os  # noqa: E402

# The bench also measures pages with every cms cache off (CMS_PAGE_CACHE=0).
CMS_PAGE_CACHE = os.environ.get("CMS_PAGE_CACHE", "1") == "1"
