from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .services.login_throttle import client_address, login_failure_record, login_failures_clear, seconds_locked


class ThrottledLoginForm(AuthenticationForm):
    """Django's sign-in form, refusing further attempts for a while after repeated failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": "Too many failed sign-in attempts. Try again in %(minutes)s minute(s), or reset your password.",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request else ""
        wait = seconds_locked(username=username, address=address)
        if wait:
            raise forms.ValidationError(
                self.error_messages["throttled"], code="throttled", params={"minutes": max(1, (wait + 59) // 60)}
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failure_record(username=username, address=address)
            raise
        login_failures_clear(username=username)
        return cleaned
