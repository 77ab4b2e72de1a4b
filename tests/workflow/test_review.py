"""Review workflow through the admin: only approved content reaches channels
that require approval, and they keep the last approved snapshot meanwhile."""

import pytest
from django.urls import reverse

from catalog.models import Product, ReviewEvent
from publishing.models import ProductSnapshot
from publishing.sequencing import stamp_pending
from publishing.services import publish
from tests.publishing.helpers import make_channel, make_complete_product

from .conftest import change_url, errors_of, post_form

pytestmark = pytest.mark.django_db(transaction=False)


def review_url(product):
    return reverse("admin:catalog_product_review", args=[product.pk])


def served_name(channel, sku):
    snapshot = ProductSnapshot.objects.filter(channel=channel, sku=sku, locale="en", deleted=False).first()
    return snapshot.document["name"] if snapshot else None


def test_unapproved_product_is_not_published_to_an_approval_channel(client, editor, reviewer,
                                                                     django_capture_on_commit_callbacks):
    # Run the set-up's after-commit refreshes now, so the edit below gets its own.
    with django_capture_on_commit_callbacks(execute=True):
        approval = make_channel("app", languages=("en",), requires_approval=True)
        open_channel = make_channel("web", languages=("en",))
        product = make_complete_product(sku="RV-1", names={"en": "Drill"}, review_state=Product.ReviewState.DRAFT)
        publish(product, approval)
        publish(product, open_channel)
    assert served_name(approval, "RV-1") is None
    assert served_name(open_channel, "RV-1") == "Drill"

    # The editor submits it; a reviewer approves it through the admin.
    client.force_login(editor)
    assert client.post(review_url(product), {"action": "submit"}).status_code == 302
    assert Product.objects.get(pk=product.pk).review_state == "in_review"
    assert client.post(review_url(product), {"action": "approve"}).status_code == 403
    assert Product.objects.get(pk=product.pk).review_state == "in_review"
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(review_url(product), {"action": "approve", "comment": "Looks good"})
    assert Product.objects.get(pk=product.pk).review_state == "approved"
    assert served_name(approval, "RV-1") == "Drill"

    # A newer edit by the editor waits for review; the approval channel keeps
    # the approved snapshot while the open channel shows the edit.
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_form(client, change_url(product), name="Drill Pro")
    assert response.status_code == 302, errors_of(response)
    assert Product.objects.get(pk=product.pk).review_state == "draft"
    stamp_pending()
    assert served_name(open_channel, "RV-1") == "Drill Pro"
    assert served_name(approval, "RV-1") == "Drill"

    client.post(review_url(product), {"action": "submit"})
    client.force_login(reviewer)
    client.post(review_url(product), {"action": "approve"})
    assert served_name(approval, "RV-1") == "Drill Pro"

    events = list(ReviewEvent.objects.filter(product=product).order_by("pk").values_list("action", "user__username"))
    assert events == [("submitted", "editor-1"), ("approved", "reviewer-1"),
                      ("submitted", "editor-1"), ("approved", "reviewer-1")]
    page = client.get(review_url(product))
    assert "Looks good" in page.content.decode()


def test_rejection_needs_a_comment_and_returns_to_draft(client, editor, reviewer):
    product = make_complete_product(sku="RV-2", names={"en": "Saw"}, review_state=Product.ReviewState.IN_REVIEW)
    client.force_login(reviewer)
    client.post(review_url(product), {"action": "reject", "comment": " "})
    assert Product.objects.get(pk=product.pk).review_state == "in_review"
    client.post(review_url(product), {"action": "reject", "comment": "The Finnish name is misspelt."})
    assert Product.objects.get(pk=product.pk).review_state == "draft"
    event = ReviewEvent.objects.get(product=product)
    assert (event.action, event.user, event.comment) == ("rejected", reviewer, "The Finnish name is misspelt.")
    client.force_login(editor)
    assert "The Finnish name is misspelt." in client.get(review_url(product)).content.decode()


def test_a_draft_cannot_be_approved_without_review(client, reviewer):
    product = make_complete_product(sku="RV-3", names={"en": "Saw"}, review_state=Product.ReviewState.DRAFT)
    client.force_login(reviewer)
    response = client.post(review_url(product), {"action": "approve"}, follow=True)
    assert response.status_code == 200
    assert any("submit it first" in str(m) for m in response.context["messages"])
    assert Product.objects.get(pk=product.pk).review_state == "draft"
    assert not ReviewEvent.objects.filter(product=product).exists()


def test_an_edit_while_in_review_returns_the_product_to_draft(client, editor, reviewer):
    product = make_complete_product(sku="RV-4", names={"en": "Saw", "fi": "Saha"})
    client.force_login(editor)
    client.post(review_url(product), {"action": "submit"})
    assert Product.objects.get(pk=product.pk).review_state == "in_review"

    # The editor changes a text after submitting: what the reviewer would
    # approve is no longer what was submitted.
    response = post_form(client, change_url(product, "fi"), name="Saha Pro")
    assert response.status_code == 302, errors_of(response)
    assert Product.objects.get(pk=product.pk).review_state == "draft"
    client.force_login(reviewer)
    client.post(review_url(product), {"action": "approve"})
    assert Product.objects.get(pk=product.pk).review_state == "draft"

    client.force_login(editor)
    client.post(review_url(product), {"action": "submit"})
    client.force_login(reviewer)
    client.post(review_url(product), {"action": "approve"})
    assert Product.objects.get(pk=product.pk).review_state == "approved"
