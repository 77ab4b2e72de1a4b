"""What reviewers and editors see in the product admin: the reviewer's
rejection comment on the product form, the review queue as a list filter,
and no bulk edit for a language-limited translator."""

import pytest
from django.urls import reverse

from catalog.models import Product
from tests.factories import make_product

from .conftest import change_url, errors_of, post_form

pytestmark = pytest.mark.django_db


def test_a_rejection_from_the_admin_shows_its_comment_on_the_product_form(client, editor, reviewer):
    product = make_product(sku="RJ-1", names={"en": "Drill", "fi": "Porakone"})
    client.force_login(editor)
    review = reverse("admin:catalog_product_review", args=[product.pk])
    assert client.post(review, {"action": "submit"}).status_code == 302

    client.force_login(reviewer)
    response = client.post(review, {"action": "reject", "comment": "Fix the Finnish name <b>please</b>.\nThanks"})
    assert response.status_code == 302
    assert Product.objects.get(pk=product.pk).review_state == "draft"

    client.force_login(editor)
    page = client.get(change_url(product)).content.decode()
    assert 'class="review-step review-rejected"' in page
    assert "reviewer-1" in page
    assert "Fix the Finnish name &lt;b&gt;please&lt;/b&gt;.<br>Thanks" in page  # escaped, line breaks kept

    # The editor fixes it and resubmits; the form then shows the new step.
    response = post_form(client, change_url(product, "fi"), name="Akkuporakone")
    assert response.status_code == 302, errors_of(response)
    client.post(review, {"action": "submit"})
    page = client.get(change_url(product)).content.decode()
    assert 'review-submitted' in page and "Fix the Finnish name" not in page


def test_the_review_queue_is_a_filter_of_the_product_list(client, reviewer):
    waiting = make_product(sku="Q-WAIT", names={"en": "Waiting"}, review_state=Product.ReviewState.IN_REVIEW)
    make_product(sku="Q-DRAFT", names={"en": "Draft"}, review_state=Product.ReviewState.DRAFT)
    make_product(sku="Q-OK", names={"en": "Approved"}, review_state=Product.ReviewState.APPROVED)
    client.force_login(reviewer)
    changelist = reverse("admin:catalog_product_changelist")
    response = client.get(changelist + "?review_state__exact=in_review")
    assert response.status_code == 200
    assert [p.sku for p in response.context["cl"].result_list] == [waiting.sku]
    assert "?review_state__exact=in_review" in client.get(changelist).content.decode()  # offered in the sidebar


def test_a_language_limited_translator_gets_no_bulk_edit(client, hu_translator):
    product = make_product(sku="BE-1", names={"en": "Drill", "hu": "Fúró"})
    client.force_login(hu_translator)
    changelist = reverse("admin:catalog_product_changelist")
    names = {name for name, _label in client.get(changelist).context["action_form"].fields["action"].choices}
    assert "bulk_edit" not in names
    client.post(changelist, {"action": "bulk_edit", "_selected_action": [product.pk], "apply": "1",
                             "operation": "status", "status": "discontinued"})
    assert Product.objects.get(pk=product.pk).status == "active"
