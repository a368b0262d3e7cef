from django.db import models


class Profile(models.TextChoices):
    """What a PDF is for: print (PDF/X-4, bleed and marks) or screens (tagged PDF/UA)."""

    PRINT = "print", "Print (PDF/X-4)"
    DIGITAL = "digital", "Digital (tagged PDF/UA)"
