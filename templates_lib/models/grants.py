"""Per-object grants (django-guardian) with direct foreign keys: faster to query than guardian's
generic tables, and deleted with their object, so a new object never inherits old grants."""

from django.db import models

from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class TemplateGroupGrant(GroupObjectPermissionBase):
    """A template shared with a partner organisation (through its members' group)."""

    content_object = models.ForeignKey("templates_lib.CollateralTemplate", on_delete=models.CASCADE)


class DocumentUserGrant(UserObjectPermissionBase):
    """A document shared with a colleague."""

    content_object = models.ForeignKey("templates_lib.CollateralDocument", on_delete=models.CASCADE)
