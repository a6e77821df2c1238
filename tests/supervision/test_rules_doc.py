"""docs/rules.md is generated from the rule book: a test fails when it is stale."""

import pytest
from django.core.management import CommandError, call_command

from supervision.models import Rule


@pytest.mark.django_db
def test_docs_rules_md_matches_the_rule_book():
    call_command("rules_doc", "--check")


@pytest.mark.django_db
def test_the_check_fails_when_a_rule_changes():
    Rule.objects.filter(code="intake_report").update(default_value=11)
    with pytest.raises(CommandError):
        call_command("rules_doc", "--check")
