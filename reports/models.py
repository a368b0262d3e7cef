"""What the company sets for its reports (Wagtail settings), and the permission to read them."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


def parse_bands(text: str) -> list[Decimal]:
    """ "10000, 50000, 250000" → the upper edges of the deal-size bands, ascending."""
    edges = []
    for part in text.replace(";", ",").split(","):
        part = part.strip().replace(" ", "")
        if not part:
            continue
        try:
            edges.append(Decimal(part))
        except ArithmeticError as exc:
            raise ValidationError(f"“{part[:20]}” is not a number.") from exc
    if edges != sorted(set(edges)) or any(edge <= 0 for edge in edges):
        raise ValidationError("Give positive amounts in ascending order, e.g. 10000, 50000, 250000.")
    if len(edges) > 10:
        raise ValidationError("Ten bands at most.")
    return edges


@register_setting(icon="table")
class ReportSettings(BaseGenericSetting):
    min_closed_deals = models.PositiveSmallIntegerField(
        "closed deals needed to judge",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="Below this many closed deals in either group a win rate is greyed: too few to judge.",
    )
    false_discovery_rate = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.10"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("0.50"))],
        help_text="Benjamini–Hochberg q: the share of “better” or “worse” verdicts allowed to be wrong.",
    )
    deal_size_bands = models.CharField(
        max_length=200,
        default="10000, 50000, 250000",
        validators=[parse_bands],
        help_text="Upper edges of the deal-size bands used for “hold deal size equal”, in each deal's own currency.",
    )
    corporate_share_low = models.PositiveSmallIntegerField(
        "corporate share: low end (%)", default=60, validators=[MaxValueValidator(100)]
    )
    corporate_share_high = models.PositiveSmallIntegerField(
        "corporate share: high end (%)",
        default=70,
        validators=[MaxValueValidator(100)],
        help_text="The reference band for content from corporate (IDC: 60–70% of field marketing).",
    )

    class Meta:
        verbose_name = "report settings"
        permissions = [("view_reports", "Can see marketing reports")]

    def __str__(self) -> str:
        return "Report settings"

    def clean(self) -> None:
        if self.corporate_share_low > self.corporate_share_high:
            raise ValidationError({"corporate_share_high": "The high end must not be below the low end."})

    @property
    def size_band_edges(self) -> list[Decimal]:
        return parse_bands(self.deal_size_bands)
