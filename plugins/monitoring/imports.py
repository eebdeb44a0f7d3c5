"""Imports from monitoring services: upload (a file-level problem refuses the file), preview with
the column mapping remembered per service, the import itself as a background job in one
transaction (every row checked; bad rows and duplicates reported with their reasons, the rest
become candidates), and each candidate accepted (a case registered, its figures grading's first
heat snapshot) or dismissed with a reason."""
import json
from datetime import timedelta

from portal.plugin_api import (CATEGORIES, SOURCES, Case, Field, InputError, WorkflowError, audit, bump, database,
                               emit_case_event, jobs, link_key, now, read, register_case)

from plugins.monitoring import dedupe, sheets
from plugins.monitoring.models import Batch, Candidate, Service

MAX_BYTES = 10 * 1024 * 1024
PREVIEW_ROWS = 20
PROGRESS_EVERY = 1000


def upload(actor, service_name: str, filename: str, data: bytes) -> Batch:
    """Refuse a file that cannot be read as a whole (FileProblem → InputError); else keep it for the preview."""
    service_name = (service_name or "").strip()
    if not service_name or len(service_name) > 60:
        raise InputError("请填写监测服务的名称（60字以内），同一服务的列对应关系会被记住。")
    if len(data) > MAX_BYTES:
        raise InputError(f"文件超过{MAX_BYTES // 1024 // 1024}MB，请分成几个文件导入。")
    try:
        table = sheets.table(filename, data)
    except sheets.FileProblem as exc:
        raise InputError(f"无法导入“{filename}”：{exc}") from None
    with database.atomic():
        service, _ = Service.get_or_create(name=service_name)
        batch = Batch.create(service=service.id, filename=filename[:200], data=data, uploaded_by=actor.id,
                             rows=len(table.rows))
        audit.record("monitoring.import_uploaded", f"上传监测服务导出文件：{filename}（{service.name}，{len(table.rows)}行）",
                     actor=actor, obj=batch)
    return batch


def mapping_of(batch, table) -> dict:
    """field -> column index: the service's remembered mapping where its headers are in this
    file, else the headers recognised."""
    remembered = json.loads(batch.service.mapping or "{}")
    columns = {}
    for name in sheets.FIELDS:
        header = remembered.get(name) if remembered.get(name) in table.headers else table.guess.get(name)
        if name in remembered and remembered[name] == "":
            header = None  # the user said: not in this service's files
        columns[name] = table.headers.index(header) if header else None
    return columns


def missing(columns) -> list[str]:
    return [sheets.FIELDS[f][0] for f in sheets.REQUIRED if columns.get(f) is None]


def save_mapping(batch, form):
    table = load(batch)
    mapping = {}
    for name in sheets.FIELDS:
        chosen = form.get(f"map_{name}", "")
        if chosen and chosen not in table.headers:
            raise InputError("请从文件的列名中选择。")
        mapping[name] = chosen
    with database.atomic():
        Service.update(mapping=json.dumps(mapping, ensure_ascii=False), updated_at=now()).where(
            Service.id == batch.service_id).execute()
    batch.service = Service.get_by_id(batch.service_id)


def load(batch) -> sheets.Table:
    try:
        return sheets.table(batch.filename, bytes(batch.data))
    except sheets.FileProblem as exc:
        raise InputError(str(exc)) from None


def preview(batch) -> dict:
    table = load(batch)
    columns = mapping_of(batch, table)
    at = now()
    sample, problems = [], []
    for n, row in enumerate(table.rows):
        values, found = sheets.read_row(row, columns, at)
        if n < PREVIEW_ROWS:
            sample.append((table.first_row + n, values, found))
        if found:
            problems.append((table.first_row + n, "；".join(found)))
    return dict(table=table, columns=columns, sample=sample, problems=problems, missing=missing(columns))


def known_links(keys) -> set[str]:
    keys, found = [k for k in keys if k], set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        found |= {c.url_key for c in Case.select(Case.url_key).where(Case.url_key.in_(chunk))}
    return found


def run(batch_id, progress=lambda percent, message: None) -> Batch:
    """The import: every row checked, duplicates dropped, the rest written as candidates, all in
    one transaction at the end (nothing half-imported). Raises InputError for a file that is
    no longer importable (already imported, required columns not mapped)."""
    batch = Batch.get_or_none(Batch.id == batch_id)
    if batch is None or batch.state != "preview":
        raise InputError("该文件已导入或已不存在。")
    table = load(batch)
    columns = mapping_of(batch, table)
    if lacking := missing(columns):
        raise InputError(f"请先在预览页指定“{'”“'.join(lacking)}”对应的列。")
    at = now()
    seen = dedupe.Seen()
    for c in Candidate.select(Candidate.url, Candidate.title, Candidate.text).where(
            Candidate.state.in_(("waiting", "accepted")) & (Candidate.posted_at >= at - timedelta(days=90))):
        seen.add(c.url, c.text or c.title, f"已导入的“{c.title[:20]}”")
    rows, report = [], []
    checked = []
    for n, row in enumerate(table.rows):
        values, problems = sheets.read_row(row, columns, at)
        number = table.first_row + n
        if problems:
            report.append([number, "；".join(problems)])
        else:
            checked.append((number, values))
        if n and n % PROGRESS_EVERY == 0:
            progress(5 + 45 * n // len(table.rows), f"已检查{n}/{len(table.rows)}行……")
    registered = known_links(list({link_key(v["url"]) for _, v in checked}))
    for i, (number, values) in enumerate(checked):
        key = link_key(values["url"])
        body = values["text"] or values["title"]
        if key in registered:
            report.append([number, "重复：链接与已登记的舆情事项相同"])
        elif duplicate := seen.duplicate(values["url"], body):
            report.append([number, f"重复：{duplicate}"])
        else:
            seen.add(values["url"], body, f"第{number}行")
            rows.append(dict(values, batch=batch.id, row=number, url_key=key, updated_at=at))
        if i and i % PROGRESS_EVERY == 0:
            progress(50 + 40 * i // len(checked), f"已查重{i}/{len(checked)}行……")
    report.sort()
    duplicates = sum(1 for _, reason in report if reason.startswith("重复"))
    with database.atomic():
        if not Batch.update(state="done", imported=len(rows), duplicates=duplicates,
                            rejected=len(report) - duplicates, report=json.dumps(report, ensure_ascii=False),
                            finished_at=now()).where((Batch.id == batch.id) & (Batch.state == "preview")).execute():
            raise InputError("该文件已导入。")
        for start in range(0, len(rows), 500):
            Candidate.insert_many(rows[start:start + 500]).execute()
        audit.record("monitoring.import_done", f"导入{batch.filename}：候选{len(rows)}条，重复{duplicates}行，"
                     f"有问题{len(report) - duplicates}行", actor=batch.uploaded_by, obj=batch)
    progress(100, f"已导入{len(rows)}条候选线索；{len(report)}行未导入（见导入记录）。")
    return Batch.get_by_id(batch.id)


def may_import(user, params):
    return user.can("monitoring.import")


@jobs.kind("monitoring.import", can_access=may_import, label="导入监测服务导出文件")
def import_job(ctx, batch_id):
    try:
        batch = run(batch_id, ctx.progress)
    except InputError as exc:
        raise jobs.JobError(str(exc)) from None
    ctx.progress(100, f"已导入{batch.imported}条候选线索，重复{batch.duplicates}行，有问题{batch.rejected}行。")


# -- candidates ------------------------------------------------------------------------------------

def source_of(site: str) -> str:
    for words, source in ((("微博",), "weibo"), (("微信", "公众号"), "wechat"), (("论坛", "贴吧", "bbs"), "forum"),
                          (("官网",), "website")):
        if any(w in site.lower() for w in words):
            return source
    return "other"


ACCEPT_FIELDS = (
    Field("source", "来源", "choice", required=True, choices=list(SOURCES.items()), default=lambda c: source_of(c.site)),
    Field("category", "类别", "choice", required=True, choices=list(CATEGORIES.items()), default="other"),
)
DISMISS = Field("reason", "排除理由", "text", 200, required=True, placeholder="如：与本局职能无关、广告、已处理")


def accept(candidate, actor, version, form) -> Case:
    """Register the candidate as a case; its figures become grading's first heat snapshot."""
    if candidate.state != "waiting":
        raise WorkflowError("该线索已处理。")
    v = read(ACCEPT_FIELDS, form, record=candidate)
    with database.atomic():
        bump(candidate, version)
        case = register_case(actor, title=candidate.title, source=v["source"], url=candidate.url,
                             post_text=candidate.text or candidate.title, category=v["category"],
                             posted_at=candidate.posted_at, netizen_nickname=candidate.author[:80])
        Candidate.update(state="accepted", case=case.id, decided_by=actor.id, decided_at=now()).where(
            Candidate.id == candidate.id).execute()
        audit.record("monitoring.candidate_accepted", f"受理监测线索：{candidate.title}", actor=actor, obj=candidate)
        if candidate.clicks or candidate.comments or candidate.reposts:
            emit_case_event(case, "heat_reported", actor, clicks=candidate.clicks, comments=candidate.comments,
                            reposts=candidate.reposts, observed_at=max(candidate.batch.uploaded_at, candidate.posted_at),
                            note=f"监测服务导入（{candidate.batch.service.name}）")
    return case


def dismiss(candidate, actor, version, form):
    if candidate.state != "waiting":
        raise WorkflowError("该线索已处理。")
    reason = read((DISMISS,), form)["reason"]
    with database.atomic():
        bump(candidate, version, state="dismissed", reason=reason, decided_by=actor.id, decided_at=now())
        audit.record("monitoring.candidate_dismissed", f"排除监测线索：{candidate.title}（{reason}）",
                     actor=actor, obj=candidate)
