"""The review screen compares texts as a reader sees them: the template's wording and the new
text side by side with their formatting rendered (never the raw markup), the word changes as an
option, and on a resubmission what changed since the last round beside the reviewer's comment."""

from django.urls import reverse

import pytest

from approvals.diffs import formatted_diff, formatted_html
from approvals.services import Decision, document_submit, document_update, review_decide
from tests.factories.approvals import make_document, pending_round
from tests.factories.templates_lib import default_fields, make_template

STORY = "<p>Our <strong>proven</strong> approach, <em>at scale</em>.</p>"


def screen(round_) -> str:
    return reverse("approvals_admin:review", args=[round_.pk])


def field_of(response, key):
    return next(field for field in response.context["fields"] if field.key == key)


@pytest.fixture
def story_template(brand_kit):
    """A one-pager whose rich-text story (bold allowed) and subheadline the brand team reviews."""
    fields = default_fields()
    for spec in fields:
        if spec["key"] in ("body", "subheadline"):
            spec["needs_review"] = True
            spec["allow_italic"] = True
    return make_template(title="Story one-pager", fields=fields)


@pytest.fixture
def story_round(story_template, rep):
    document = make_document(story_template, rep, values={"body": STORY, "subheadline": "Forecasts for boards"})
    document_submit(document, user=rep)
    return pending_round(document)


@pytest.fixture
def second_round(story_round, brand_manager, rep):
    """The rep answered a "changes requested" on the story; the subheadline stayed as it was."""
    review_decide(
        task_state_id=story_round.pk,
        reviewer=brand_manager,
        decision=Decision.REQUEST_CHANGES,
        comment="",
        field_comments={"body": "Drop “at scale”: we cannot prove it", "subheadline": "Fine as it is"},
    )
    document = story_round.document
    document_update(
        document=document,
        values={"body": "<p>Our <strong>proven</strong> approach.</p>", "subheadline": "Forecasts for boards"},
        check_fit=False,
    )
    document_submit(document, user=rep)
    return pending_round(document)


# --- Formatting as a reader sees it (no database) ----------------------------------------------


def test_rich_text_is_rendered_with_its_formatting_not_markers():
    html = str(formatted_html(STORY, rich=True))

    assert html == "Our <strong>proven</strong> approach, <em>at scale</em>."
    assert "**" not in html


def test_a_link_shows_its_address_and_is_not_clickable():
    html = str(formatted_html('<p>Book <a href="https://example.com/">here</a></p>', rich=True))

    assert html == 'Book <span class="lm-link">here</span> <span class="lm-href">(https://example.com/)</span>'


def test_markup_in_a_value_is_never_rendered():
    html = str(formatted_html('<p onclick="x()">Hi<script>alert(1)</script><img src=x onerror=y></p>', rich=True))

    assert html == "Hi"


def test_plain_text_with_angle_brackets_is_escaped():
    assert str(formatted_html("a <b>bold</b> & c", rich=False)) == "a &lt;b&gt;bold&lt;/b&gt; &amp; c"


def test_lists_and_paragraphs_keep_one_line_each():
    html = str(formatted_html("<p>Intro</p><ul><li>One</li><li>Two</li></ul>", rich=True))

    assert html == "Intro\n• One\n• Two"


def test_a_word_that_only_lost_its_bold_shows_as_changed():
    diff = str(formatted_diff("<p><strong>Fast</strong> and sure</p>", "<p>Fast and sure</p>", rich=True))

    assert diff == "<del><strong>Fast</strong></del><ins>Fast</ins> and sure"


# --- The screen -----------------------------------------------------------------------------------


def test_the_template_wording_and_the_new_text_show_side_by_side_formatted(brand_client, story_round):
    response = brand_client.get(screen(story_round))

    html = response.content.decode()
    story = field_of(response, "body")
    assert response.status_code == 200
    assert str(story.default_html) == "Our story."
    assert str(story.value_html) == "Our <strong>proven</strong> approach, <em>at scale</em>."
    assert "Template's wording" in html
    assert "New text" in html
    assert "Our <strong>proven</strong> approach, <em>at scale</em>." in html
    assert "**proven**" not in html


def test_the_word_changes_are_there_to_switch_to(brand_client, story_round):
    html = brand_client.get(screen(story_round)).content.decode()

    assert 'value="side" id="lm-view-side" form="lm-view-form" checked' in html
    assert 'id="lm-view-diff"' in html
    assert "Word changes against the template" in html
    assert "<del>story</del>" in html


def test_the_view_switch_is_not_part_of_the_decision_form(brand_client, story_round):
    html = brand_client.get(screen(story_round)).content.decode()

    assert 'name="lm-view" value="diff" id="lm-view-diff" form="lm-view-form"' in html


def test_a_first_round_says_nothing_about_a_last_round(brand_client, story_round):
    response = brand_client.get(screen(story_round))

    assert response.context["previous_round"] is None
    assert "since the last round" not in response.content.decode()


def test_a_resubmission_shows_what_changed_since_the_last_round(brand_client, second_round):
    response = brand_client.get(screen(second_round))

    story = field_of(response, "body")
    assert story.changed_since_previous
    assert str(story.since_previous_diff) == "Our <strong>proven</strong> approach<del>, <em>at scale</em></del>."
    assert [f.key for f in response.context["changed_since_previous"]] == ["body"]
    assert "1 field changed since" in response.content.decode()


def test_the_reviewers_own_earlier_comment_is_beside_the_field(brand_client, second_round):
    response = brand_client.get(screen(second_round))

    html = response.content.decode()
    story = field_of(response, "body")
    assert [c.text for c in story.previous_comments] == ["Drop “at scale”: we cannot prove it"]
    article = html[html.index('id="field-body"') :]
    article = article[: article.index("</article>")]
    assert "Your comment last round:" in article
    assert "Drop “at scale”: we cannot prove it" in article


def test_another_reviewer_sees_whose_comment_it_was(client, second_round, roles, brand_manager):
    from accounts.roles import Role
    from tests.factories.accounts import UserFactory

    other = UserFactory(username="brand3", first_name="Ivy", last_name="Other")
    other.groups.add(roles[Role.BRAND_MANAGER])
    client.force_login(other)

    html = client.get(screen(second_round)).content.decode()

    name = brand_manager.get_full_name() or brand_manager.get_username()
    assert f"{name}'s comment last round:" in html
    assert "Your comment" not in html


def test_a_commented_field_left_as_it_was_says_so(brand_client, second_round):
    response = brand_client.get(screen(second_round))

    subheadline = field_of(response, "subheadline")
    assert subheadline.has_previous
    assert not subheadline.changed_since_previous
    assert "Unchanged since the last round" in response.content.decode()


def test_comments_from_the_last_round_are_escaped(brand_client, story_round, brand_manager, rep):
    review_decide(
        task_state_id=story_round.pk,
        reviewer=brand_manager,
        decision=Decision.REQUEST_CHANGES,
        comment="",
        field_comments={"body": "<script>alert(1)</script>"},
    )
    document = story_round.document
    document_update(document=document, values={"body": "<p>Plain.</p>"}, check_fit=False)
    document_submit(document, user=rep)

    html = brand_client.get(screen(pending_round(document))).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
