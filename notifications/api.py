"""The in-app inbox over the API: list, mark one read, mark all read."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from notifications import actions, selectors
from notifications.models import Notification


class NotificationOutput(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body", "url", "created_at", "read_at"]


@extend_schema_view(list=extend_schema(summary="My in-app notifications"))
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = NotificationOutput
    filter_backends: list = []
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return selectors.inbox(self.request.user)

    @extend_schema(summary="Mark read", request=None, responses=NotificationOutput)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        notification = get_object_or_404(self.get_queryset(), pk=pk)
        actions.mark_read(notification=notification)
        notification.refresh_from_db()
        return Response(NotificationOutput(notification).data)

    @extend_schema(
        summary="Mark all read",
        request=None,
        responses=inline_serializer("MarkAllRead", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": actions.mark_all_read(user=request.user)})

    @extend_schema(
        summary="Unread count", responses=inline_serializer("Unread", {"unread": serializers.IntegerField()})
    )
    @action(detail=False, methods=["get"])
    def unread(self, request: Request) -> Response:
        return Response({"unread": selectors.unread_count(request.user)})
