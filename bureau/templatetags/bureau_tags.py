"""The bureau pages' tags: the sub-navigation shows only the pages the user may open (the policies decide);
amounts and percentages written the same way in tables and charts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from bureau import figures, policies

register = template.Library()


@register.simple_tag
def bureau_sections(user: Any) -> dict[str, bool]:
    """Which groups of bureau pages the user opens: meetings and inspections, the budget, the contracts, staff
    training."""
    return {
        "dashboard": figures.may_open(user),
        "leadership": policies.may_open(user),
        "budget": policies.may_read_budget(user),
        "contracts": policies.may_open_contracts(user),
        "training": policies.is_staff(user),
    }


@register.filter
def yuan(value: Any) -> str:
    """An amount in yuan with two decimals and thousands grouped, as the chart writes it; "—" for none."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):,.2f}"


@register.filter
def pct(value: Any) -> str:
    """A percentage to one decimal; "—" when there is nothing to compare with."""
    if value is None:
        return "—"
    return f"{value}%"


@register.filter
def change(value: Any) -> str:
    """A year-on-year change in percent with its sign (+12.5%, -3.0%); "—" without a year before."""
    if value is None:
        return "—"
    return f"{value:+}%"
