"""A job's page (progress, polled through htmx; the file when done; why it failed) and its file."""
from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user

from portal import jobs
from portal.auth.permissions import requires
from portal.downloads import send_download
from portal.hookspecs import hookimpl
from portal.jobs import upkeep
from portal.jobs.upkeep import STALLED

bp = Blueprint("jobs", __name__, url_prefix="/jobs", template_folder="templates")


@hookimpl
def portal_blueprints():
    return bp


def _job(job_id):
    job = jobs.visible_job(job_id, current_user._get_current_object())
    if job is None:
        abort(404)  # someone else's job, or one about what they may no longer see: as if none
    return job


@bp.route("/<int:job_id>")
@requires()  # the job's owner only (jobs.visible_job)
def show(job_id):
    job = _job(job_id)
    template = "jobs/_status.html" if request.headers.get("HX-Request") else "jobs/job.html"
    return render_template(template, job=job, has_file=jobs.result_path(current_app, job) is not None,
                           stalled=STALLED if upkeep.stalled(current_app, job) else "")


@bp.route("/<int:job_id>/file")
@requires()  # the job's owner only (jobs.visible_job)
def file(job_id):
    job = _job(job_id)
    path = jobs.result_path(current_app, job)
    if path is None:
        abort(404)
    return send_download(path, content_type=job.result_type or "application/octet-stream",
                         filename=job.result_name, attachment=request.args.get("download") == "1")
