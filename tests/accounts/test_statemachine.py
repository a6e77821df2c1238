"""The shared state-machine helper: the table is validated and answers the questions actions ask."""

import pytest

from accounts.statemachine import Refusal, StateMachine, Transition

STATES = ("draft", "sent", "accepted", "declined", "withdrawn")
ROWS = (
    Transition("draft", "sent", "send", "case"),
    Transition("draft", "withdrawn", "withdraw", "case"),
    Transition("sent", "accepted", "accept", "provider"),
    Transition("sent", "declined", "decline", "provider", ("reason",)),
    Transition("sent", "withdrawn", "withdraw", "case"),
)


@pytest.fixture
def machine():
    return StateMachine.build("demo", STATES, ROWS)


def test_allowed_move_for_its_side(machine):
    row, refusal = machine.refusal("draft", "sent", side="case")
    assert refusal is None
    assert row.verb == "send"


def test_move_not_in_the_table(machine):
    assert machine.refusal("accepted", "draft", side="case") == (None, Refusal("transition"))


def test_wrong_side_is_refused_with_the_row(machine):
    row, refusal = machine.refusal("sent", "accepted", side="case")
    assert refusal == Refusal("side")
    assert row.side == "provider"


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_required_input_missing(machine, reason):
    _row, refusal = machine.refusal("sent", "declined", side="provider", provided={"reason": reason})
    assert refusal == Refusal("required", ("reason",))


def test_required_input_given(machine):
    assert machine.refusal("sent", "declined", side="provider", provided={"reason": "满员"})[1] is None


def test_verbs_by_side_and_order(machine):
    assert machine.verbs("sent") == ["accept", "decline", "withdraw"]
    assert machine.verbs("sent", side="provider") == ["accept", "decline"]
    assert machine.verbs("declined") == []


def test_targets_follow_state_order(machine):
    assert machine.targets("sent") == ["accepted", "declined", "withdrawn"]


def test_by_verb(machine):
    assert machine.by_verb("sent", "withdraw").target == "withdrawn"
    assert machine.by_verb("draft", "accept") is None


def test_forbidden_pairs_are_the_complement(machine):
    forbidden = machine.forbidden_pairs()
    assert len(forbidden) == len(STATES) ** 2 - len(ROWS)
    assert not set(forbidden) & machine.pairs()
    assert ("draft", "draft") in forbidden


def test_walk_covers_every_pair_once(machine):
    walked = list(machine.walk())
    assert len(walked) == len(STATES) ** 2
    assert sum(1 for _s, _t, row in walked if row is not None) == len(ROWS)


def test_final_states(machine):
    assert machine.final_states() == ["accepted", "declined", "withdrawn"]


def test_verb_targets(machine):
    assert machine.verb_targets() == {
        "send": "sent",
        "withdraw": "withdrawn",
        "accept": "accepted",
        "decline": "declined",
    }


def test_a_verb_with_two_targets_cannot_map_to_one():
    machine = StateMachine.build(
        "two", ("a", "b", "c"), (Transition("a", "b", "go", "x"), Transition("b", "c", "go", "x"))
    )
    with pytest.raises(ValueError, match="more than one state"):
        machine.verb_targets()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((Transition("draft", "nowhere", "x", "case"),), "unknown state"),
        ((Transition("draft", "sent", "send", "case"), Transition("draft", "sent", "post", "case")), "listed twice"),
        ((Transition("draft", "sent", "go", "case"), Transition("draft", "withdrawn", "go", "case")), "twice"),
    ],
)
def test_a_bad_table_is_refused_when_built(rows, message):
    # The error names the table, so a wrong row in one app's machine is found at startup.
    with pytest.raises(ValueError, match=f"^bad: .*{message}"):
        StateMachine.build("bad", STATES, rows)


def test_a_built_machine_keeps_its_name():
    """Found by mutation testing (build dropped the name and no test noticed)."""
    assert StateMachine.build("referral", STATES, ROWS).name == "referral"


def test_a_move_several_sides_may_make():
    machine = StateMachine.build(
        "shared",
        ("open", "closed", "done"),
        (Transition("open", "closed", "withdraw", ("staff", "owner")), Transition("open", "done", "finish", "staff")),
    )
    assert machine.refusal("open", "closed", side="owner") == (machine.get("open", "closed"), None)
    assert machine.refusal("open", "closed", side="staff")[1] is None
    assert machine.refusal("open", "closed", side="other")[1] == Refusal("side")
    assert machine.refusal("open", "done", side="owner")[1] == Refusal("side")
    assert machine.verbs("open", "owner") == ["withdraw"]
    assert machine.verbs("open", "staff") == ["withdraw", "finish"]
    assert machine.get("open", "done").sides == ("staff",)
