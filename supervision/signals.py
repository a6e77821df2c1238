"""Signals supervision sends for apps that build on it (they may import supervision; supervision never
imports them).

``case_closed``: a correction ended (release or termination), sent inside the action's transaction after the
status changed, with ``supervisee``, ``actor`` and ``on`` (the day it ended). The archive closes the case's
archive on it (archive.receivers); a receiver that raises rolls the release or termination back.
"""

from django.dispatch import Signal

case_closed = Signal()
