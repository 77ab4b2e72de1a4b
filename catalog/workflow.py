"""Review workflow of a product: submit, approve, reject with a comment.

Approval republishes the product on the channels that require approval, so
those channels move from the last approved snapshot to the approved edit.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Product, ReviewEvent

State = Product.ReviewState


class TransitionRefused(Exception):
    """The product is not in a state that allows this step."""


def _set_state(product, state, action, user, comment):
    # update() leaves the version alone: a review step is not an edit of the content.
    Product.objects.filter(pk=product.pk).update(review_state=state)
    product.review_state = state
    return ReviewEvent.objects.create(
        product=product, action=action, comment=comment or "", version=product.version,
        user=user if getattr(user, "is_authenticated", False) else None,
    )


def _require(user, perm):
    if user is not None and not user.has_perm(perm):
        raise PermissionDenied(_("You may not do this."))


def submit(product, *, user=None, comment=""):
    """Draft → in review."""
    if user is not None and not (user.has_perm("catalog.submit_product") or user.has_perm("catalog.change_product")):
        raise PermissionDenied(_("You may not do this."))
    if product.review_state == State.IN_REVIEW:
        raise TransitionRefused(_("The product is already waiting for review."))
    with transaction.atomic():
        return _set_state(product, State.IN_REVIEW, ReviewEvent.Action.SUBMITTED, user, comment)


def approve(product, *, user=None, comment=""):
    """In review → approved; republishes on channels that require approval.
    A draft must be submitted first, so no edit skips the review."""
    _require(user, "catalog.approve_product")
    if product.review_state == State.APPROVED:
        raise TransitionRefused(_("The product is already approved."))
    if product.review_state != State.IN_REVIEW:
        raise TransitionRefused(_("Only a product waiting for review can be approved; submit it first."))
    with transaction.atomic():
        event = _set_state(product, State.APPROVED, ReviewEvent.Action.APPROVED, user, comment)
    republish_approved(product)
    return event


def reject(product, *, user=None, comment):
    """In review → draft, with the reviewer's comment (required)."""
    _require(user, "catalog.approve_product")
    if not (comment or "").strip():
        raise TransitionRefused(_("Say why the product is rejected."))
    if product.review_state != State.IN_REVIEW:
        raise TransitionRefused(_("Only a product waiting for review can be rejected."))
    with transaction.atomic():
        return _set_state(product, State.DRAFT, ReviewEvent.Action.REJECTED, user, comment)


#: Review states an edit sends back to draft: an approved product needs a new
#: review, and one in review would otherwise be approved unseen.
REOPENED_BY_EDIT = (State.APPROVED, State.IN_REVIEW)


def mark_edited(product):
    """An approved or in-review product that was edited goes back to draft
    (channels that require approval keep serving the last approved snapshot
    meanwhile)."""
    if product.review_state in REOPENED_BY_EDIT:
        Product.objects.filter(pk=product.pk).update(review_state=State.DRAFT)
        product.review_state = State.DRAFT


def after_edit(products, user=None, comment="", languages=()):
    """Bookkeeping after a saved edit of one or more products: a history
    version for each that changed, outdated flags for translations whose
    source text changed, and a changed approved or in-review product goes
    back to draft unless its editor may approve it. ``languages`` whose texts
    the edit wrote count as updated by their translator. Returns the products
    that changed."""
    from . import history, translation_workflow

    if isinstance(products, Product):
        products = [products]
    recorded = {entry.product_id for entry in history.record_many(products, user=user, comment=comment)}
    changed = [product for product in products if product.pk in recorded]
    for product in changed:
        translation_workflow.source_changed(product)
        for language in set(languages) - {translation_workflow.source_language()}:
            translation_workflow.confirm(product, language)
        if user is not None and not user.has_perm("catalog.approve_product"):
            mark_edited(product)
    return changed


def republish_approved(product):
    """Refresh the product on every channel that requires approval and where it is published."""
    from publishing.models import Channel, Publication
    from publishing.services import PublishRefused, publish

    channels = Channel.objects.filter(
        requires_approval=True, pk__in=Publication.objects.filter(product=product, is_published=True).values("channel_id"),
    ).select_related("price_list")
    for channel in channels:
        try:
            publish(product, channel)
        except PublishRefused:
            pass  # incomplete: the channel keeps the last snapshot and the admin flags it


def history(product):
    """Review events of the product, newest first."""
    return list(ReviewEvent.objects.filter(product=product).select_related("user"))


def after_edit_many(products, user=None, comment=""):
    """``after_edit`` for many products at once (bulk writers such as the
    spreadsheet import): the same history versions, outdated translation
    flags and review state, in a fixed number of queries however many
    products. Returns the products that changed."""
    from . import history

    products = list(products)
    recorded = {entry.product_id for entry in history.record_many(products, user=user, comment=comment)}
    changed = [product for product in products if product.pk in recorded]
    if not changed:
        return []
    _sources_changed([product.pk for product in changed])
    if user is not None and not user.has_perm("catalog.approve_product"):
        approved = set(Product.objects.filter(pk__in=[p.pk for p in changed], review_state__in=REOPENED_BY_EDIT)
                       .values_list("pk", flat=True))
        if approved:
            Product.objects.filter(pk__in=approved).update(review_state=State.DRAFT)
            for product in changed:
                if product.pk in approved:
                    product.review_state = State.DRAFT
    return changed


def _sources_changed(product_ids):
    """translation_workflow.source_changed for many products: a translation
    seen for the first time counts as matching today's source; one whose
    source text changed since goes outdated."""
    from django.utils import timezone

    from . import translation_workflow
    from .models import TranslationStatus

    source = translation_workflow.source_language()
    statuses = {(s.product_id, s.language_code): s for s in TranslationStatus.objects.filter(product_id__in=product_ids)}
    created, outdated = [], []
    for product in Product.objects.filter(pk__in=product_ids).prefetch_related("translations").order_by("pk"):
        current = translation_workflow.digest(translation_workflow.source_texts(product))
        if not current:
            continue
        for translation in product.translations.all():
            language = translation.language_code
            if language == source:
                continue
            status = statuses.get((product.pk, language))
            if status is None:
                created.append(TranslationStatus(product=product, language_code=language, source_digest=current))
            elif status.source_digest != current and not status.outdated:
                outdated.append(status.pk)
    TranslationStatus.objects.bulk_create(created, batch_size=2000)
    if outdated:
        TranslationStatus.objects.filter(pk__in=outdated).update(outdated=True, updated_at=timezone.now())
