from django.conf import settings
from django.core.management.base import BaseCommand

from portal.demo.loader import DEMO_PASSWORD, DEMO_USERS, load_demo


class Command(BaseCommand):
    help = "Load the demo brand, templates, users and documents (safe to run again)."

    def handle(self, *args, **options):
        result = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(result['templates'])} published templates."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for spec in DEMO_USERS:
            self.stdout.write(f"  {spec.username:<15} {spec.role.label}")
        self.stdout.write(f"Brand managers and administrators: {settings.WAGTAILADMIN_BASE_URL}/admin/")
