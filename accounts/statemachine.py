"""One shape for every state machine in the platform (referrals, vetting, supervision requests).

A machine is a table of ``Transition`` rows: from which state to which, the verb pages and the
API use for it, who may do it (a "side" the owning app's policy computes for an actor, such as
"case", "provider", "coordinator" or "system"), and the inputs it requires. The machine answers
questions about the table; the owning app's action does the write and its side effects, so the
rules an action keeps are read from one place and a test can be generated from the table.

This module knows no app.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    """One allowed move: ``source`` → ``target`` by ``verb``, done by ``side`` (one side, or a tuple
    of sides when more than one may make the same move), needing ``requires``."""

    source: str
    target: str
    verb: str
    side: str | tuple[str, ...]
    requires: tuple[str, ...] = ()

    @property
    def sides(self) -> tuple[str, ...]:
        """Every side that may make this move."""
        return (self.side,) if isinstance(self.side, str) else tuple(self.side)


@dataclass(frozen=True)
class Refusal:
    """Why a move is refused: ``code`` is "transition" (not in the table), "side" (not this actor's to do)
    or "required" (an input is missing; ``missing`` names it)."""

    code: str
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class StateMachine:
    """A named, validated table of transitions over a fixed set of states."""

    name: str
    states: tuple[str, ...]
    transitions: tuple[Transition, ...]
    _by_pair: dict[tuple[str, str], Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_pair: dict[tuple[str, str], Transition] = {}
        verbs_seen: set[tuple[str, str]] = set()
        known = set(self.states)
        for row in self.transitions:
            if row.source not in known or row.target not in known:
                raise ValueError(f"{self.name}: unknown state in {row}")
            if (row.source, row.target) in by_pair:
                raise ValueError(f"{self.name}: {row.source} → {row.target} is listed twice")
            if (row.source, row.verb) in verbs_seen:
                raise ValueError(f"{self.name}: verb {row.verb!r} leaves {row.source} twice")
            by_pair[(row.source, row.target)] = row
            verbs_seen.add((row.source, row.verb))
        object.__setattr__(self, "_by_pair", by_pair)

    @classmethod
    def build(cls, name: str, states: Iterable[str], transitions: Iterable[Transition]) -> StateMachine:
        return cls(name=name, states=tuple(states), transitions=tuple(transitions))

    # --- questions about the table -------------------------------------------------------------

    def get(self, source: str, target: str) -> Transition | None:
        """The row for ``source`` → ``target``, or None when the table has no such move."""
        return self._by_pair.get((source, target))

    def by_verb(self, source: str, verb: str) -> Transition | None:
        """The row that ``verb`` names when leaving ``source``."""
        return next((t for t in self.transitions if t.source == source and t.verb == verb), None)

    def verbs(self, source: str, side: str | None = None) -> list[str]:
        """Verbs that leave ``source`` (for ``side`` only, when given), in table order."""
        return [t.verb for t in self.transitions if t.source == source and (side is None or side in t.sides)]

    def targets(self, source: str) -> list[str]:
        """States reachable in one move from ``source``, in the order of ``states``."""
        reachable = {t.target for t in self.transitions if t.source == source}
        return [s for s in self.states if s in reachable]

    def pairs(self) -> set[tuple[str, str]]:
        return set(self._by_pair)

    def forbidden_pairs(self) -> list[tuple[str, str]]:
        """Every (source, target) the table does not allow: the complement an exhaustive test walks."""
        return [pair for pair in itertools.product(self.states, self.states) if pair not in self._by_pair]

    def final_states(self) -> list[str]:
        """States nothing leaves."""
        sources = {t.source for t in self.transitions}
        return [s for s in self.states if s not in sources]

    def verb_targets(self) -> dict[str, str]:
        """verb → target, for machines whose verbs each lead to one state."""
        out: dict[str, str] = {}
        for t in self.transitions:
            if out.setdefault(t.verb, t.target) != t.target:
                raise ValueError(f"{self.name}: verb {t.verb!r} leads to more than one state")
        return out

    # --- the check an action makes ----------------------------------------------------------------

    def refusal(
        self, source: str, target: str, *, side: str | None, provided: Mapping[str, object] | None = None
    ) -> tuple[Transition | None, Refusal | None]:
        """The row and None when ``side`` may move ``source`` → ``target`` with ``provided`` inputs;
        otherwise the row (if any) and why not. Blank strings count as missing."""
        row = self.get(source, target)
        if row is None:
            return None, Refusal("transition")
        if side not in row.sides:
            return row, Refusal("side")
        provided = provided or {}
        missing = tuple(
            name for name in row.requires if provided.get(name) is None or str(provided.get(name)).strip() == ""
        )
        if missing:
            return row, Refusal("required", missing)
        return row, None

    def walk(self) -> Iterator[tuple[str, str, Transition | None]]:
        """Every ordered pair of states with its row (None when forbidden), for generated tests."""
        for source, target in itertools.product(self.states, self.states):
            yield source, target, self.get(source, target)
