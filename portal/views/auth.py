from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy

from accounts.services import password_reset_request

from ..forms import ThrottledLoginForm
from ..services.login_throttle import client_address, password_reset_allowed


class LoginView(auth_views.LoginView):
    template_name = "portal/pages/login.html"
    authentication_form = ThrottledLoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """Answers every valid request the same way, at once: the email is sent by the task worker
    (which builds the link from the configured base URL, never the request's Host header), and
    requests over the per-address or per-account limits are dropped without a word."""

    template_name = "portal/pages/password_reset.html"
    success_url = reverse_lazy("portal:password-reset-done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if password_reset_allowed(email=email, address=client_address(self.request)):
            password_reset_request(email=email)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/pages/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/pages/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/pages/password_reset_complete.html"
