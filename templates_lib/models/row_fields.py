class RowFieldsMixin:
    """For revisioned models: fields that belong to the row rather than to a version of its
    content keep their current values when a revision is restored or published."""

    ROW_FIELDS: tuple[str, ...] = ()

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        for name in self.ROW_FIELDS:
            setattr(obj, name, getattr(self, name))
        return obj
