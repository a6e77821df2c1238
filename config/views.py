from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. It checks no service, so a Redis or database outage never
    makes the supervisor restart healthy web workers; readiness is ``/readyz`` (operations/health.py)."""
    return JsonResponse({"status": "ok"})
