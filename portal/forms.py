from django import forms
from django.contrib.auth.forms import AuthenticationForm

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
