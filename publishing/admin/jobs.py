"""Admin for background jobs (live progress, log, retry) and generated artifacts."""

import json
import os

from django.contrib import admin, messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from publishing.jobs import jobs_waiting_for_a_worker, live_progress, retry_job
from publishing.models import Artifact, Job

LOG_TAIL_CHARS = 20_000
ACTIVE = (Job.Status.QUEUED, Job.Status.RUNNING)


def job_state(job, with_log=False):
    """What the progress poll returns for one job."""
    state = {
        "id": job.pk,
        "status": job.status,
        "status_display": str(job.get_status_display()),
        "progress": live_progress(job),
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "heartbeat_at": job.heartbeat_at.isoformat() if job.heartbeat_at else None,
        "finished": job.status not in ACTIVE,
        "error": job.error,
    }
    if with_log:
        state["log"] = job.log[-LOG_TAIL_CHARS:]
    return state


def artifact_download_url(artifact):
    return reverse("admin:publishing_artifact_download", args=[artifact.pk])


def message_job_started(request, job):
    """For admin actions that start a job: a message linking to its live page."""
    url = reverse("admin:publishing_job_change", args=[job.pk])
    text = _("Job %(kind)s #%(id)s: %(status)s.") % {"kind": job.kind, "id": job.pk,
                                                     "status": job.get_status_display()}
    level = messages.ERROR if job.status == Job.Status.FAILED else messages.INFO
    messages.add_message(request, level, format_html('<a href="{}">{}</a>', url, text))


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "progress_bar", "attempts_display", "created_by", "created_at",
                    "finished_at", "artifact_link")
    list_display_links = ("id", "kind")
    list_filter = ("status", "kind")
    search_fields = ("kind", "error")
    list_select_related = ("created_by", "artifact")
    date_hierarchy = "created_at"
    actions = ("retry_selected",)
    fields = ("kind", "params_display", "status", "progress_bar", "attempts_display", "error", "created_by",
              "created_at", "started_at", "heartbeat_at", "finished_at", "artifact_link", "log_display")
    readonly_fields = fields

    class Media:
        js = ("publishing/admin/job_progress.js",)
        css = {"all": ("publishing/admin/job_progress.css",)}

    def has_add_permission(self, request):
        return False  # jobs are started by actions and commands (publishing.jobs.start_job)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        custom = [
            path("progress/", self.admin_site.admin_view(self.progress_many_view), name="%s_%s_progress_many" % info),
            path("<int:pk>/progress/", self.admin_site.admin_view(self.progress_view), name="%s_%s_progress" % info),
        ]
        return custom + super().get_urls()

    def progress_view(self, request, pk):
        if not self.has_view_permission(request):
            raise Http404
        job = get_object_or_404(Job, pk=pk)
        return JsonResponse(job_state(job, with_log=True))

    def progress_many_view(self, request):
        if not self.has_view_permission(request):
            raise Http404
        try:
            ids = [int(value) for value in request.GET.get("ids", "").split(",") if value][:200]
        except ValueError:
            return JsonResponse({"detail": "ids must be integers", "code": "invalid"}, status=400)
        jobs = Job.objects.filter(pk__in=ids).defer("log", "params")
        return JsonResponse({"jobs": [job_state(job) for job in jobs]})

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            self._warn_without_worker(request)
        return super().changelist_view(request, extra_context)

    def _warn_without_worker(self, request):
        # Jobs that sit at "queued" forever are the usual sign of a missing
        # worker; say so instead of showing a bar stuck at 0 %.
        waiting = jobs_waiting_for_a_worker()
        if waiting:
            self.message_user(request, ngettext(
                "%(count)d job has been waiting for more than a minute. Is the worker running "
                "(manage.py db_worker, or make run)?",
                "%(count)d jobs have been waiting for more than a minute. Is the worker running "
                "(manage.py db_worker, or make run)?", waiting,
            ) % {"count": waiting}, messages.WARNING)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False,
                         "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("progress"))
    def progress_bar(self, job):
        url = reverse("admin:publishing_job_progress", args=[job.pk])
        progress = live_progress(job)
        return format_html(
            '<span class="job-progress" data-job-progress="{}" data-status="{}" data-url="{}">'
            '<progress value="{}" max="100"></progress> <span class="job-progress-label">{}%</span></span>',
            job.pk, job.status, url, progress, progress,
        )

    @admin.display(description=_("attempts"))
    def attempts_display(self, job):
        return f"{job.attempts}/{job.max_attempts}"

    @admin.display(description=_("parameters"))
    def params_display(self, job):
        return format_html("<pre>{}</pre>", json.dumps(job.params, indent=2, ensure_ascii=False))

    @admin.display(description=_("log"))
    def log_display(self, job):
        return format_html('<pre class="job-log" data-job-log="{}">{}</pre>', job.pk, job.log[-LOG_TAIL_CHARS:])

    @admin.display(description=_("result"))
    def artifact_link(self, job):
        if not job.artifact_id:
            return "-"
        return format_html('<a href="{}">{}</a>', artifact_download_url(job.artifact), _("Download"))

    @admin.action(description=_("Retry the selected failed jobs"), permissions=["change"])
    def retry_selected(self, request, queryset):
        retried = sum(1 for job in queryset.filter(status=Job.Status.FAILED) if retry_job(job, user=request.user))
        skipped = queryset.count() - retried
        self.message_user(request, ngettext("%(count)d job queued again.", "%(count)d jobs queued again.",
                                            retried) % {"count": retried}, messages.SUCCESS)
        if skipped:
            self.message_user(request, ngettext(
                "%(count)d job was not failed and was left alone.",
                "%(count)d jobs were not failed and were left alone.", skipped,
            ) % {"count": skipped}, messages.WARNING)


@admin.register(Artifact)
class ArtifactAdmin(admin.ModelAdmin):
    list_display = ("kind", "channel", "locale", "format", "subject", "size", "created_at", "download_link")
    list_filter = ("kind", "format", "locale", "channel")
    search_fields = ("subject", "content_hash")
    list_select_related = ("channel",)
    date_hierarchy = "created_at"
    fields = ("kind", "channel", "locale", "format", "subject", "content_hash", "size", "created_at",
              "download_link")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # generated files are made by jobs and commands

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        custom = [
            path("<int:pk>/download/", self.admin_site.admin_view(self.download_view), name="%s_%s_download" % info),
        ]
        return custom + super().get_urls()

    def download_view(self, request, pk):
        # Served through the admin (not MEDIA_URL) so a private price list is
        # only downloaded by someone allowed to see artifacts.
        if not self.has_view_permission(request):
            raise Http404
        artifact = get_object_or_404(Artifact, pk=pk)
        if not artifact.file:
            raise Http404
        try:
            handle = artifact.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=os.path.basename(artifact.file.name))

    @admin.display(description=_("size"))
    def size(self, artifact):
        return filesizeformat(artifact.size_bytes)

    @admin.display(description=_("file"))
    def download_link(self, artifact):
        if not artifact.file:
            return "-"
        return format_html('<a href="{}">{}</a>', artifact_download_url(artifact), _("Download"))
