from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from ..forms import ThrottledLoginForm


class LoginView(auth_views.LoginView):
    template_name = "portal/pages/login.html"
    authentication_form = ThrottledLoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """Reset links are built from the configured base URL, never from the request's Host header."""

    template_name = "portal/pages/password_reset.html"
    email_template_name = "portal/email/password_reset.txt"
    subject_template_name = "portal/email/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password-reset-done")

    def form_valid(self, form):
        base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        form.save(
            domain_override=base.netloc,
            use_https=base.scheme == "https",
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            extra_email_context={"site_name": "Lastmile"},
        )
        return super(auth_views.PasswordResetView, self).form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/pages/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/pages/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/pages/password_reset_complete.html"
