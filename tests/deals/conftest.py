from .share_fixtures import approved_document, downloadable, rep_deal, shared  # noqa: F401 (fixtures)
