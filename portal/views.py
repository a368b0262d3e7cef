from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect


def home(request):
    """The rep-facing portal arrives with the next issue; until then sign-in goes to Wagtail admin."""
    return redirect("wagtailadmin_home")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
