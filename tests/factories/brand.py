import io
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile

from wagtail.images import get_image_model
from wagtail.models import Collection

import factory
from PIL import Image as PILImage

from brand.models import BrandColour, BrandFont, BrandKit

LATO = Path("/usr/share/fonts/truetype/lato")


def png_bytes(width: int = 40, height: int = 30, colour=(30, 80, 160)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def collection(name: str) -> Collection:
    root = Collection.get_first_root_node()
    return root.get_children().filter(name=name).first() or root.add_child(name=name)


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_image_model()

    title = factory.Sequence(lambda n: f"Image {n}")
    alt_text = factory.LazyAttribute(lambda o: o.title)
    collection = factory.LazyFunction(lambda: collection("Hero images"))
    file = factory.LazyFunction(lambda: ImageFile(io.BytesIO(png_bytes()), name="picture.png"))


def make_font(family: str = "Lato") -> BrandFont:
    font = BrandFont(family_name=family, licence="OFL")
    font.regular.save("Lato-Regular.ttf", ContentFile((LATO / "Lato-Regular.ttf").read_bytes()), save=False)
    font.bold.save("Lato-Bold.ttf", ContentFile((LATO / "Lato-Bold.ttf").read_bytes()), save=False)
    font.save()
    return font


def make_brand_kit(
    *, primary: str = "#1B2F4E", legal: str = "Legal footer: Example Corp Ltd, registered in England."
) -> BrandKit:
    kit = BrandKit.load()
    font = BrandFont.objects.filter(family_name="Lato").first() or make_font()
    kit.brand_name = "Example Corp"
    kit.heading_font = font
    kit.body_font = font
    kit.legal_footer = legal
    kit.contact_email = "sales@example.com"
    kit.contact_phone = "+44 20 7946 0000"
    kit.save()
    BrandColour.objects.update_or_create(brand_kit=kit, role="primary", defaults={"name": "Navy", "hex": primary})
    return kit
