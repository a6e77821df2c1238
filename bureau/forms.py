"""Forms of the bureau's pages: they only parse; the actions decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.attachments import ALLOWED_KINDS, AttachmentField
from accounts.idempotency import IdempotentFormMixin
from bureau.models import (
    CONTRACTOR_KINDS,
    TARGET_MAX,
    TEXT_MAX,
    YEAR_MAX,
    YEAR_MIN,
    ActionItem,
    BudgetCategory,
    BudgetLine,
    Checklist,
    Contract,
    Department,
    Finding,
    InspectionResult,
    StaffTraining,
)
from services.models import Organisation

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 4})


def owner_organisations():
    """The platform organisations an action item may belong to: judicial offices and the bureau."""
    return Organisation.objects.filter(
        is_active=True, kind__in=[Organisation.Kind.JUDICIAL_OFFICE, Organisation.Kind.JUSTICE_BUREAU]
    ).order_by("kind", "name")


def judicial_offices():
    return Organisation.objects.filter(is_active=True, kind=Organisation.Kind.JUDICIAL_OFFICE).order_by("name")


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_at = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    departments = forms.MultipleChoiceField(
        label=_("Departments attending"), choices=Department.choices, widget=forms.CheckboxSelectMultiple
    )
    agenda = forms.CharField(label=_("Agenda"), max_length=TEXT_MAX, widget=TEXT)
    minutes = forms.CharField(label=_("Minutes"), max_length=TEXT_MAX, widget=TEXT, required=False)
    decisions = forms.CharField(label=_("Decisions"), max_length=TEXT_MAX, widget=TEXT, required=False)


class ActionItemForm(forms.Form):
    task = forms.CharField(label=_("Task"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    owner_department = forms.ChoiceField(label=_("Owner department"), choices=Department.choices)
    owner_organisation = forms.ModelChoiceField(
        label=_("Owner organisation on the platform"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("A judicial office or the bureau; leave empty for a department outside the platform."),
    )
    due_on = forms.DateField(label=_("Due on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = owner_organisations()


class CloseItemForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Close as"),
        choices=[
            (ActionItem.Status.DONE, ActionItem.Status.DONE.label),
            (ActionItem.Status.DROPPED, ActionItem.Status.DROPPED.label),
        ],
    )
    outcome = forms.CharField(
        label=_("Outcome, or the reason for dropping it"), max_length=TEXT_MAX, widget=TEXT, required=False
    )


SORT_MEETINGS = [("-held_at", _("Newest first")), ("held_at", _("Oldest first")), ("title", _("Title"))]
SORT_ITEMS = [
    ("due_on", _("Due soonest")),
    ("-due_on", _("Due latest")),
    ("owner", _("Owner department")),
    ("status", pgettext_lazy("sort", "Status")),
]
SORT_INSPECTIONS = [
    ("-inspected_on", _("Newest first")),
    ("inspected_on", _("Oldest first")),
    ("office", _("Judicial office")),
]


class MeetingSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=SORT_MEETINGS, required=False)


class ItemFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    department = forms.ChoiceField(
        label=_("Owner department"), choices=[("", _("All"))] + list(Department.choices), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Owner organisation on the platform"), queryset=Organisation.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("filter", "Status"),
        choices=[("", _("All"))] + list(ActionItem.Status.choices),
        required=False,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=SORT_ITEMS, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = owner_organisations()


class ChecklistForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    items = forms.CharField(
        label=_("Items, one a line"), max_length=TEXT_MAX * 2, widget=forms.Textarea(attrs={"rows": 12})
    )

    def cleaned_items(self) -> list[str]:
        return self.cleaned_data["items"].splitlines()


class InspectionForm(forms.Form):
    """The inspection's header and a result and note for every item of the checklist given."""

    office = forms.ModelChoiceField(label=_("Judicial office"), queryset=Organisation.objects.none())
    inspected_on = forms.DateField(label=_("Inspected on"), widget=DATE)
    inspectors = forms.CharField(label=_("Inspectors"), max_length=300)
    summary = forms.CharField(label=_("Summary"), max_length=TEXT_MAX, widget=TEXT, required=False)

    def __init__(self, *args, checklist: Checklist | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = judicial_offices()
        self.item_rows = []
        for item in checklist.items.all() if checklist else []:
            result = f"result_{item.pk}"
            note = f"note_{item.pk}"
            self.fields[result] = forms.ChoiceField(
                label=f"{item.position}. {item.text}",
                choices=InspectionResult.Result.choices,
                widget=forms.RadioSelect,
            )
            self.fields[note] = forms.CharField(label=_("Note"), max_length=500, required=False)
            self.item_rows.append((item, result, note))

    def results(self) -> dict[int, tuple[str, str]]:
        return {item.pk: (self.cleaned_data[r], self.cleaned_data[n]) for item, r, n in self.item_rows}

    def item_fields(self):
        return [(item, self[r], self[n]) for item, r, n in self.item_rows]


class InspectionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    office = forms.ModelChoiceField(label=_("Judicial office"), queryset=Organisation.objects.none(), required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=SORT_INSPECTIONS, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = judicial_offices()


# --- staff training ----------------------------------------------------------------------------------------


class TrainingForm(IdempotentFormMixin):
    """One training; the organisations offered are those the recorder may record it for."""

    organisation = forms.ModelChoiceField(
        label=_("Counted for"),
        queryset=Organisation.objects.none(),
        help_text=_("The office, bureau or agency where the person works as staff."),
    )
    course = forms.CharField(label=_("Course"), max_length=200)
    provider = forms.CharField(label=_("Provider or organiser"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of training"), choices=StaffTraining.Kind.choices)
    trained_on = forms.DateField(label=_("Date"), widget=DATE)
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=4,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "max": "24"}),
        help_text=_("The hours of that day: more than 0, at most 24."),
    )
    certificate = forms.FileField(
        label=_("Certificate (photo or PDF, optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_KINDS)}),
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations if organisations is not None else Organisation.objects.none()
        if len(field.queryset) == 1:
            field.initial = field.queryset[0].pk


class VoidTrainingForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this record void?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


SORT_STAFF = [("name", _("Full name")), ("-hours", _("Most hours first")), ("hours", _("Fewest hours first"))]


class StaffHoursFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=YEAR_MIN, max_value=YEAR_MAX, required=False)
    q = forms.CharField(label=_("Search by name"), max_length=100, required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=SORT_STAFF, required=False)


class FindingForm(forms.Form):
    text = forms.CharField(label=_("Finding"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    correction_due = forms.DateField(label=_("Correct by"), widget=DATE)


class FollowUpForm(forms.Form):
    text = forms.CharField(label=_("Text"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    correction_due = forms.DateField(label=_("New deadline (when returning)"), widget=DATE, required=False)


FINDING_STATUS_FILTER = [("", _("All")), ("unclosed", _("Not closed")), *Finding.Status.choices]


# --- budget, spending and contracts ------------------------------------------------------------------------

# Amounts parse as money; whether one may be zero or negative is the action's rule (one message for page and API).
MONEY_FIELD = {"max_digits": 14, "decimal_places": 2}


def contractors():
    """The organisations a contract may be with: active social-work agencies and other providers."""
    return Organisation.objects.filter(is_active=True, kind__in=CONTRACTOR_KINDS).order_by("kind", "name")


class BudgetLineForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    category = forms.ChoiceField(label=_("Category"), choices=BudgetCategory.choices)
    approved = forms.DecimalField(label=_("Amount approved (yuan)"), **MONEY_FIELD)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class BudgetLineEditForm(forms.Form):
    approved = forms.DecimalField(label=_("Amount approved (yuan)"), **MONEY_FIELD)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ExpenditureForm(IdempotentFormMixin):
    budget_line = forms.ModelChoiceField(label=_("Budget line"), queryset=BudgetLine.objects.none())
    spent_on = forms.DateField(label=_("Date"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount (yuan)"), **MONEY_FIELD)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    document = AttachmentField(
        label=_("Supporting document"), required=False, help_text=_("An invoice or a receipt: a photo or a PDF.")
    )
    contract = forms.ModelChoiceField(
        label=_("Paid under a contract"), queryset=Contract.objects.none(), required=False
    )
    overspend_reason = forms.CharField(
        label=_("Reason for exceeding the approved amount"),
        max_length=500,
        required=False,
        help_text=_("Needed only when this takes the line past its approved amount."),
    )

    def __init__(self, *args, lines=None, contracts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = lines if lines is not None else BudgetLine.objects.none()
        self.fields["contract"].queryset = contracts if contracts is not None else Contract.objects.none()


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ContractForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Contracted organisation"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    number = forms.CharField(label=_("Contract number"), max_length=60)
    starts_on = forms.DateField(label=_("Period start"), widget=DATE)
    ends_on = forms.DateField(label=_("Period end"), widget=DATE)
    amount = forms.DecimalField(label=_("Contract amount (yuan)"), **MONEY_FIELD)
    budget_line = forms.ModelChoiceField(label=_("Budget line"), queryset=BudgetLine.objects.none(), required=False)
    target_cases = forms.IntegerField(
        label=_("Target: people served"), min_value=0, max_value=TARGET_MAX, required=False
    )
    target_hours = forms.IntegerField(
        label=_("Target: service hours"), min_value=0, max_value=TARGET_MAX, required=False
    )
    target_sessions = forms.IntegerField(label=_("Target: sessions"), min_value=0, max_value=TARGET_MAX, required=False)
    note = forms.CharField(label=_("Note"), max_length=TEXT_MAX, widget=TEXT, required=False)

    def __init__(self, *args, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = contractors()
        self.fields["budget_line"].queryset = lines if lines is not None else BudgetLine.objects.none()


SORT_EXPENDITURES = [
    ("-spent_on", _("Newest first")),
    ("spent_on", _("Oldest first")),
    ("-amount", _("Largest first")),
    ("amount", _("Smallest first")),
]
SORT_CONTRACTS = [
    ("-starts_on", _("Newest first")),
    ("starts_on", _("Oldest first")),
    ("ends_on", _("Ending soonest")),
    ("number", _("Contract number")),
]
EXPENDITURE_STATES = [("valid", _("Valid")), ("voided", _("Voided")), ("all", _("All"))]


class ExpenditureFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=YEAR_MIN, max_value=YEAR_MAX, required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All"))] + list(BudgetCategory.choices), required=False
    )
    contract = forms.ModelChoiceField(label=_("Contract"), queryset=Contract.objects.none(), required=False)
    state = forms.ChoiceField(label=pgettext_lazy("filter", "Status"), choices=EXPENDITURE_STATES, required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=SORT_EXPENDITURES, required=False)

    def __init__(self, *args, contracts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts if contracts is not None else Contract.objects.none()


class ContractFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Contracted organisation"), queryset=Organisation.objects.none(), required=False
    )
    current = forms.BooleanField(label=_("In force today"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=SORT_CONTRACTS, required=False)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations if organisations is not None else contractors()
