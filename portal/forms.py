from django import forms
from django.contrib.auth.forms import AuthenticationForm

from templates_lib.layouts import Kind
from templates_lib.models import ApprovalState

from .services.login_throttle import (
    address_slow_down,
    client_address,
    login_failure_record,
    login_failures_clear,
    seconds_locked,
)


class ThrottledLoginForm(AuthenticationForm):
    """Django's sign-in form. After repeated failures for an account, its sign-in is refused for a
    while, correct password or not; after many failures from one client address, attempts from
    it are slowed down, never refused (see login_throttle.address_delay)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": "Too many failed sign-in attempts. Try again in %(minutes)s minute(s), or reset your password.",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request else ""
        wait = seconds_locked(username=username)
        if wait:
            raise forms.ValidationError(
                self.error_messages["throttled"], code="throttled", params={"minutes": max(1, (wait + 59) // 60)}
            )
        address_slow_down(address=address)
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failure_record(username=username, address=address)
            raise
        login_failures_clear(username=username)
        return cleaned


class ListFilterForm(forms.Form):
    """A list page's query string. Every value is checked like any other form input (Django's
    CharField refuses NUL, which no database accepts in a query), and a refused value is dropped
    with a message while the rest of the filters still apply."""

    def filters(self) -> dict[str, str]:
        """The valid values, with "" for anything missing or refused."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}

    def refusals(self) -> list[str]:
        return [f"{self.fields[name].label}: {error}" for name, errors in self.errors.items() for error in errors]


class LibraryFilterForm(ListFilterForm):
    q = forms.CharField(label="Search", required=False, max_length=200)
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[("", "All kinds"), *Kind.choices],
        error_messages={"invalid_choice": "Choose a kind from the list."},
    )
    tag = forms.CharField(label="Tag", required=False, max_length=100)


class DocumentFilterForm(ListFilterForm):
    SORTS = {"recent": "-updated_at", "oldest": "updated_at", "title": "title"}

    q = forms.CharField(label="Search", required=False, max_length=200)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[("recent", "Last changed"), ("oldest", "Oldest change first"), ("title", "Name")],
        error_messages={"invalid_choice": "Choose an order from the list."},
    )
    scope = forms.ChoiceField(
        label="Which documents",
        required=False,
        choices=[("mine", "Mine"), ("others", "Other people’s")],
        error_messages={"invalid_choice": "Choose your own documents or other people’s."},
    )
    state = forms.ChoiceField(
        label="Approval",
        required=False,
        choices=[("", "Any state"), *ApprovalState.choices],
        error_messages={"invalid_choice": "Choose an approval state from the list."},
    )

    def filters(self) -> dict[str, str]:
        filters = super().filters()
        filters["sort"] = filters["sort"] or "recent"
        filters["scope"] = filters["scope"] or "mine"
        return filters


class ShareForm(forms.Form):
    email = forms.EmailField(
        label="Colleague's email",
        max_length=254,
        error_messages={"required": "Enter your colleague's email address.", "invalid": "Enter an email address."},
    )


class SubmitForm(forms.Form):
    NOTE_MAX_CHARS = 2000

    note = forms.CharField(label="Note for the reviewer", required=False, max_length=NOTE_MAX_CHARS)


def form_errors_text(form: forms.Form) -> str:
    """A refused form's errors as one message (for forms posted from another page)."""
    return " ".join(error for errors in form.errors.values() for error in errors)
