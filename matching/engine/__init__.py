"""The matching engine: pure Python (NumPy + OR-Tools), no Django.

Rows come in as plain dataclasses (``rows``), hard rules decide which pairs are
eligible (``eligibility``), named weighted terms price them (``cost``), and
``solver`` finds the exact optimum of the batch as a min-cost flow. ``suggest``
ranks the offerings for one need; ``explain`` says why and what came second.
Django adapters live outside this package (``matching.selectors``).
"""

from matching.engine.policy import Policy, PolicyError, Weights
from matching.engine.rows import MenteeRow, MentorRow, NeedRow, OfferingRow

__all__ = ["MenteeRow", "MentorRow", "NeedRow", "OfferingRow", "Policy", "PolicyError", "Weights"]
