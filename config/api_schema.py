"""OpenAPI schema hooks: document the platform's own API, not Wagtail's internal admin API."""

PUBLIC_PREFIXES = ("/api/v1/", "/hsds/")


def only_platform_endpoints(endpoints):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(PUBLIC_PREFIXES)]
