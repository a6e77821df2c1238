"""The named routes whose views live in one app: what each permission matrix must cover."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver


def route_names(app: str) -> set[str]:
    """Every route name (with its namespace) whose view or viewset is defined in the package ``app``."""
    names: set[str] = set()

    def module_of(callback) -> str:
        view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        return (view_class or callback).__module__

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern) and module_of(pattern.callback).startswith(f"{app}."):
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return names
