"""The review queue and the review screen in Wagtail admin (work in progress)."""

from django.http import Http404


def queue(request):
    raise Http404


def review(request, task_state_id):
    raise Http404
