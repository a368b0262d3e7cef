"""Template requests in the portal: the list (in demand order), a new request, a request's page with
"me too" and its undo, and the requester's example image.

Lookups go through feedback.selectors.requests: a request the user may not see is the same 404 as
one that does not exist. The rules live in feedback.services.requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from feedback.forms import MeTooForm, RequestFilterForm, TemplateRequestForm
from feedback.models import RequestKind, RequestStatus
from feedback.selectors.requests import (
    demand_for,
    is_active_request,
    is_requester,
    request_list,
    requests_visible_to,
    support_get,
    supports_of,
)
from feedback.services.requests import (
    RequestAccessError,
    RequestError,
    request_support_add,
    request_support_withdraw,
    template_request_create,
)

STATUS_BAD_REQUEST = 400
STATUS_UNPROCESSABLE = 422
PAGE_SIZE = 20


def _add_service_errors(form, exc: RequestError) -> None:
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(None if field == "__all__" or field not in form.fields else field, error)


@login_required
@require_GET
def request_list_view(request):
    form = RequestFilterForm(request.GET)
    filters = form.filters()
    requests = request_list(request.user, query=filters["q"], status=filters["status"])
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    demand = demand_for([row.pk for row in rows])
    mine = set(
        requests_visible_to(request.user)
        .filter(pk__in=[row.pk for row in rows], supports__user=request.user)
        .values_list("pk", flat=True)
    )
    context = {
        "page": page,
        "rows": [{"request": row, "demand": demand[row.pk], "is_supported": row.pk in mine} for row in rows],
        "query": filters["q"],
        "status": filters["status"],
        "statuses": RequestStatus.choices,
        "filter_refusals": form.refusals(),
        "nav": "requests",
    }
    status = STATUS_BAD_REQUEST if form.errors else 200
    return render(request, "portal/pages/requests/list.html", context, status=status)


@login_required
def request_create(request):
    if request.method != "POST":
        initial = {"kind": RequestKind.NEW_TEMPLATE}
        if request.GET.get("template"):
            initial = {"kind": RequestKind.CHANGE, "template": request.GET["template"][:64]}
        form = TemplateRequestForm(user=request.user, initial=initial)
        return render(request, "portal/pages/requests/form.html", {"form": form, "nav": "requests"})
    form = TemplateRequestForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = template_request_create(
                by=request.user,
                kind=data["kind"],
                title=data["title"],
                purpose=data["purpose"],
                urgency=data["urgency"],
                template=data["template"],
                segment=data["segment"],
                deal=data["deal"],
                example_image=data["example_image"],
            )
        except RequestAccessError:
            raise Http404 from None
        except RequestError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, "Your request is with marketing. You will be told when they decide.")
            return redirect("portal:request-detail", created.public_id)
    context = {"form": form, "nav": "requests", "had_file": bool(request.FILES.get("example_image"))}
    return render(request, "portal/pages/requests/form.html", context, status=STATUS_UNPROCESSABLE)


def _render_detail(request, template_request, *, me_too_form=None, status=200):
    own = support_get(template_request, request.user)
    requester = is_requester(template_request, request.user)
    if me_too_form is None and own is None and is_active_request(template_request):
        me_too_form = MeTooForm(user=request.user)
    context = {
        "template_request": template_request,
        "demand": demand_for([template_request.pk])[template_request.pk],
        "supports": list(supports_of(template_request)),
        "own_support": own,
        "is_requester": requester,
        # The example is the requester's (and marketing's, in admin): nobody else is shown it.
        "example_image": template_request.example_image if requester else None,
        "can_withdraw": own is not None and not requester,
        "me_too_form": me_too_form if own is None and is_active_request(template_request) else None,
        # A refused "me too" says why even when the form is no longer offered (already counted, closed).
        "refusals": list(me_too_form.non_field_errors()) if me_too_form is not None else [],
        "nav": "requests",
    }
    return render(request, "portal/pages/requests/detail.html", context, status=status)


def _visible_request(request, public_id):
    return get_object_or_404(
        requests_visible_to(request.user).select_related("requested_by", "template", "answered_by", "example_image"),
        public_id=public_id,
    )


@login_required
@require_GET
def request_detail(request, public_id):
    return _render_detail(request, _visible_request(request, public_id))


@login_required
@require_POST
def request_me_too(request, public_id):
    template_request = _visible_request(request, public_id)
    form = MeTooForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            request_support_add(
                request=template_request,
                by=request.user,
                deal=form.cleaned_data["deal"],
                note=form.cleaned_data["note"],
            )
        except RequestAccessError:
            raise Http404 from None
        except RequestError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, "Counted: marketing sees that you need this too.")
            return redirect("portal:request-detail", template_request.public_id)
    return _render_detail(request, template_request, me_too_form=form, status=STATUS_UNPROCESSABLE)


@login_required
@require_POST
def request_me_too_withdraw(request, public_id):
    template_request = _visible_request(request, public_id)
    try:
        request_support_withdraw(request=template_request, by=request.user)
    except RequestAccessError:
        raise Http404 from None
    except RequestError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Your “me too” is taken back.")
    return redirect("portal:request-detail", template_request.public_id)
