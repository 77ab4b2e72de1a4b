"""Admin page of PDF renders: start a catalog, datasheet or label render as a job and download results.

``/admin/publishing/pdf/`` lists recent catalog/datasheet/label jobs (with
live progress bars) and files and has a form (kind, channel, language, SKU
or store) that starts a job and redirects to the job page with its live
progress bar. Query parameters prefill the form, e.g.
``?kind=catalog&channel=print``; other admin pages link here with
:func:`render_page_url`.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from publishing.jobs import start_job
from publishing.models import Artifact, Channel, Job

from .jobs import artifact_download_url

KINDS = (
    ("catalog", _("Catalog (channel × language)")),
    ("datasheet", _("Datasheet (product × language)")),
    ("labels", _("Shelf labels (store × language)")),
)
JOB_KINDS = {"catalog": "render_catalog", "datasheet": "render_datasheet", "labels": "render_labels"}
ALL_LANGUAGES = "*"


class RenderForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=KINDS)
    channel = forms.ModelChoiceField(label=_("Channel"), queryset=Channel.objects.none(), to_field_name="code")
    locale = forms.ChoiceField(label=_("Language"))
    sku = forms.CharField(label=_("SKU"), required=False, help_text=_("For a datasheet."))
    store = forms.CharField(label=_("Store code"), required=False, help_text=_("For shelf labels."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.filter(is_active=True).order_by("code")
        self.fields["locale"].choices = [(ALL_LANGUAGES, _("every language of the channel"))] + list(settings.LANGUAGES)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == "datasheet" and not data.get("sku"):
            self.add_error("sku", _("A datasheet needs a SKU."))
        if kind == "labels" and not data.get("store"):
            self.add_error("store", _("Shelf labels need a store code."))
        return data

    def job_params(self):
        """[(job kind, params)] to start: one per language when "every language" is chosen."""
        data = self.cleaned_data
        channel = data["channel"]
        if data["locale"] == ALL_LANGUAGES:
            locales = list(channel.languages.order_by("position").values_list("language_code", flat=True))
        else:
            locales = [data["locale"]]
        jobs = []
        for locale in locales:
            params = {"channel": channel.code, "locale": locale}
            if data["kind"] == "datasheet":
                params["sku"] = data["sku"].strip()
            elif data["kind"] == "labels":
                params["store"] = data["store"].strip()
            jobs.append((JOB_KINDS[data["kind"]], params))
        return jobs


def render_page_url(**prefill):
    """URL of the render page, with form fields prefilled (kind, channel, locale, sku, store)."""
    url = reverse("admin:publishing_pdf_renders")
    return f"{url}?{urlencode(prefill)}" if prefill else url


def renders_view(request):
    user = request.user
    if not user.has_perm("publishing.view_artifact"):
        raise PermissionDenied
    can_start = user.has_perm("publishing.add_job")
    if request.method == "POST":
        if not can_start:
            raise PermissionDenied
        form = RenderForm(request.POST)
        if form.is_valid():
            jobs = [start_job(kind, params, user=user) for kind, params in form.job_params()]
            if not jobs:
                messages.warning(request, _("The channel has no languages: nothing to render."))
                return redirect(render_page_url())
            for job in jobs:
                level = messages.ERROR if job.status == Job.Status.FAILED else messages.INFO
                messages.add_message(request, level, _("Started job #%(id)s (%(kind)s %(params)s).") % {
                    "id": job.pk, "kind": job.kind, "params": ", ".join(f"{k}={v}" for k, v in job.params.items()),
                })
            if len(jobs) == 1:
                return redirect(reverse("admin:publishing_job_change", args=[jobs[0].pk]))
            ids = ",".join(str(job.pk) for job in jobs)
            return redirect(reverse("admin:publishing_job_changelist") + "?" + urlencode({"id__in": ids}))
    else:
        initial = {k: v for k, v in request.GET.items() if k in ("kind", "channel", "locale", "sku", "store")}
        initial.setdefault("locale", ALL_LANGUAGES)
        form = RenderForm(initial=initial)
    artifacts = (
        Artifact.objects.filter(kind__in=list(JOB_KINDS)).select_related("channel").order_by("-created_at")[:30]
    )
    jobs = Job.objects.filter(kind__in=list(JOB_KINDS.values())).select_related("artifact").defer("log")
    # The job list's own live bar (job_progress.js keeps it moving while the job runs).
    progress_bar = admin.site.get_model_admin(Job).progress_bar
    context = {
        **admin.site.each_context(request),
        "title": _("PDF renders"),
        "form": form,
        "can_start": can_start,
        "artifacts": [(artifact, artifact_download_url(artifact)) for artifact in artifacts],
        "jobs": [
            (job, reverse("admin:publishing_job_change", args=[job.pk]),
             artifact_download_url(job.artifact) if job.artifact_id else None, progress_bar(job))
            for job in jobs.order_by("-created_at")[:20]
        ],
    }
    return TemplateResponse(request, "pdf/admin/renders.html", context)


@admin.action(description=_("Render the PDF catalog in every language"), permissions=["view"])
def render_catalog_action(modeladmin, request, queryset):
    """Channel admin action: one render_catalog job per selected channel × language."""
    if not request.user.has_perm("publishing.add_job"):
        modeladmin.message_user(request, _("You may not start render jobs."), messages.ERROR)
        return None
    jobs = [
        start_job("render_catalog", {"channel": channel.code, "locale": language.language_code}, user=request.user)
        for channel in queryset.prefetch_related("languages")
        for language in sorted(channel.languages.all(), key=lambda item: item.position)
    ]
    if not jobs:
        modeladmin.message_user(request, _("The selected channels have no languages."), messages.WARNING)
        return None
    modeladmin.message_user(request, _("%(count)d catalog renders started.") % {"count": len(jobs)}, messages.INFO)
    if len(jobs) == 1:
        return redirect(reverse("admin:publishing_job_change", args=[jobs[0].pk]))
    ids = ",".join(str(job.pk) for job in jobs)
    return redirect(reverse("admin:publishing_job_changelist") + "?" + urlencode({"id__in": ids}))


def _with_render_urls(get_urls):
    def urls():
        return [
            path("publishing/pdf/", admin.site.admin_view(renders_view), name="publishing_pdf_renders"),
        ] + get_urls()
    return urls


# The page belongs to no model, so it is added to the site's own URLs; the
# channel list gets the catalog action without its admin knowing about PDFs.
if not getattr(admin.site, "_pdf_render_urls", False):
    admin.site.get_urls = _with_render_urls(admin.site.get_urls)
    admin.site._pdf_render_urls = True
    if admin.site.is_registered(Channel):
        _channel_admin = admin.site.get_model_admin(Channel)
        _channel_admin.actions = (*(_channel_admin.actions or ()), render_catalog_action)
