"""Field feedback's admin menu: one group, each item shown to those who may use it."""

import re

import pytest

pytestmark = pytest.mark.django_db


def menu_links(client, user) -> set[str]:
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    return set(re.findall(r"/admin/(template_requests|template_nominations|template_ratings|priority_deals)/", html))


def test_the_analyst_sees_requests_ratings_and_priority_deals_under_field_feedback(client, analyst):
    client.force_login(analyst)
    html = client.get("/admin/").content.decode()

    assert "Field feedback" in html
    assert menu_links(client, analyst) == {"template_requests", "template_ratings", "priority_deals"}


def test_the_brand_manager_sees_requests_nominations_and_ratings(client, brand_manager):
    assert menu_links(client, brand_manager) == {"template_requests", "template_nominations", "template_ratings"}
