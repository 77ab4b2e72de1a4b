"""Bulk actions on the product change list (publish / unpublish per channel).

The catalog's product admin adds ``PRODUCT_ACTIONS`` to its ``actions``.
Each action first shows a page to choose the channel, then calls the
publishing services and tells the user exactly what was refused and why.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Channel
from ..services import publish_channel, unpublish_products

PERMISSION = "publishing.publish_product"
MAX_LISTED = 20


class ChannelChoiceForm(forms.Form):
    channel = forms.ModelChoiceField(
        label=gettext_lazy("Channel"), queryset=Channel.objects.filter(is_active=True).order_by("code"),
    )


def _choose_channel(modeladmin, request, queryset, action, title):
    """The intermediate page; returns the chosen channel once it is posted."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    if "apply" in request.POST:
        form = ChannelChoiceForm(request.POST)
        if form.is_valid():
            return form.cleaned_data["channel"], None
    else:
        form = ChannelChoiceForm()
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "queryset": queryset,
        "count": queryset.count(),
        "action": action,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "select_across": request.POST.get("select_across", "0"),
    }
    return None, TemplateResponse(request, "admin/publishing/choose_channel.html", context)


def _report_refusals(modeladmin, request, refusals, total):
    lines = [f"{sku}: {reason}" for sku, reason in list(refusals.items())[:MAX_LISTED]]
    more = total - len(lines)
    text = _("Not published: ") + " | ".join(lines)
    if more > 0:
        text += " " + _("(and %(count)d more)") % {"count": more}
    modeladmin.message_user(request, text, messages.WARNING)


@admin.action(description=gettext_lazy("Publish to channel…"))
def publish_to_channel(modeladmin, request, queryset):
    channel, page = _choose_channel(modeladmin, request, queryset, "publish_to_channel", _("Publish to channel"))
    if page is not None:
        return page
    skus = list(queryset.values_list("sku", flat=True))
    summary = publish_channel(channel, skus=skus)
    modeladmin.message_user(request, _(
        "%(channel)s: %(published)d published, %(unchanged)d already up to date, %(held)d held back."
    ) % {
        "channel": channel.code, "published": summary["published"],
        "unchanged": summary["unchanged"], "held": summary["held"],
    }, messages.SUCCESS if not (summary["refused"] or summary["held"]) else messages.INFO)
    if summary["refusals"]:
        _report_refusals(modeladmin, request, summary["refusals"], summary["refused"] + summary["held"])
    return None


@admin.action(description=gettext_lazy("Unpublish from channel…"))
def unpublish_from_channel(modeladmin, request, queryset):
    channel, page = _choose_channel(
        modeladmin, request, queryset, "unpublish_from_channel", _("Unpublish from channel"),
    )
    if page is not None:
        return page
    outcomes = unpublish_products(list(queryset), channel)
    withdrawn = sum(1 for o in outcomes if o.tombstoned)
    modeladmin.message_user(request, _(
        "%(channel)s: %(count)d products withdrawn; the feed carries tombstones for them."
    ) % {"channel": channel.code, "count": withdrawn}, messages.SUCCESS)
    return None


PRODUCT_ACTIONS = [publish_to_channel, unpublish_from_channel]
