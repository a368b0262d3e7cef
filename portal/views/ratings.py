"""A rep's or partner's rating of a template they downloaded (shown and posted on the template's page).

The rules (who may rate, the bounds) live in feedback.services.ratings; a template the user may not
see is the same 404 as one that does not exist."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from feedback.forms import RatingForm
from feedback.services.ratings import RatingAccessError, RatingError, rating_set
from templates_lib.selectors import templates_for_user

from .library import template_detail_response

STATUS_UNPROCESSABLE = 422


@login_required
@require_POST
def template_rate(request, public_id):
    template = get_object_or_404(templates_for_user(request.user), public_id=public_id)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            rating_set(
                template=template,
                user=request.user,
                stars=form.cleaned_data["stars"],
                comment=form.cleaned_data["comment"],
            )
        except RatingAccessError:
            raise Http404 from None
        except RatingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Thanks: your rating is saved. Rate again any time to change it.")
            return redirect("portal:template-detail", template.public_id)
    return template_detail_response(request, template, rating_form=form, status=STATUS_UNPROCESSABLE)
