import pytest
from django.core.cache import cache

from cms import cache as page_cache
from tests.cms import factories


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    page_cache.purge()  # also forgets what this process keeps in memory
    yield
    cache.clear()
    page_cache.purge()


@pytest.fixture
def outreach(db) -> factories.Site:
    return factories.build_site()


class FakeStatsProvider:
    figures_to_return: dict = {"active_volunteers": 42, "hours_this_year": 9, "referrals_completed": 10}

    def figures(self):
        return dict(self.figures_to_return)


@pytest.fixture
def fake_stats(settings):
    settings.CMS_STATS_PROVIDER = "tests.cms.conftest.FakeStatsProvider"
    cache.clear()
    return FakeStatsProvider
