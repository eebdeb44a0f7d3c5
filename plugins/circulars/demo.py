"""Demo circulars for `make run`: the bureau's notice 鄂能局发〔2019〕280号, issued, with its four
attachments and two receipts; a notice awaiting a leader's signature; a draft."""
import hashlib
from datetime import date, datetime

from portal.plugin_api import audit, Department, User

from plugins.circulars import demo_texts as seed
from plugins.circulars import printing, workflow
from plugins.circulars.models import Circular, CircularAttachment, CircularCounter, CircularRecipient, IssuedPdf
from plugins.circulars.ready import ORGAN, defaults

_PDF_CACHE: dict[str, bytes] = {}  # the demo notice's PDF, rendered once per process


def _user(username):
    return User.get(User.username == username)


def create_demo_circulars():
    office, reviewer, leader = _user("office"), _user("office2"), _user("leader")
    departments = workflow.default_departments()
    seed_notice(office, reviewer, leader, departments)
    drill = workflow.save_draft(office, form=dict(
        defaults(), title=f"{ORGAN}关于开展网络舆情应对演练的通知",
        body=("为检验网络舆情预警机制及应对预案的可操作性，提高各单位发现、研判和处置网络舆情的能力，"
              "经研究，决定开展一次网络舆情应对演练。现将有关事项通知如下。\n"
              "一、演练时间\n定于下月第二周组织实施，具体时间另行通知。\n"
              "二、参加单位\n各科室、局属各二级单位网络舆情联络员和网络评论员。\n"
              "三、有关要求\n（一）高度重视。各单位要按照预案明确的职责分工，认真做好准备。\n"
              "（二）如实记录。演练结束后3个工作日内，各单位将演练情况报信息中心。"),
    ), department_ids=[d.id for d in departments])
    workflow.submit(drill, office, version=drill.version)
    workflow.review(drill, reviewer, version=drill.version)
    workflow.save_draft(office, form=dict(
        defaults(), kind="opinion", title=f"{ORGAN}关于进一步做好网民留言办理工作的意见",
        body="为进一步规范网民留言办理工作，提出如下意见。\n一、明确办理责任\n（待补充）"),
        department_ids=[d.id for d in departments])


def seed_notice(office, reviewer, leader, departments) -> Circular:
    """The notice as issued on 7 November 2019: numbered 280, its PDF frozen."""
    day = date(2019, 11, 7)
    at = datetime(2019, 11, 7, 9, 0)
    circular = Circular.create(
        kind="notice", organ=ORGAN, mark=f"{ORGAN}文件", prefix=seed.NUMBER_PREFIX, title=seed.TITLE,
        recipients=seed.RECIPIENTS, body=seed.BODY, signature=seed.SIGNATURE, date_of_writing=day,
        printed_by=seed.PRINTED_BY, date_of_issue=day, state="issued", year=seed.YEAR, seq=seed.SEQ,
        number=f"{seed.NUMBER_PREFIX}〔{seed.YEAR}〕{seed.SEQ}号", drafted_by=office, drafted_at=at,
        reviewed_by=reviewer, reviewed_at=at, signed_by=leader, signed_at=at, issued_by=office, issued_at=at,
        updated_at=at, source="demo:seed")
    for position, (title, text) in enumerate(seed.ATTACHMENTS, start=1):
        CircularAttachment.create(circular=circular, position=position, title=title, kind="text", text=text)
    CircularCounter.insert(prefix=seed.NUMBER_PREFIX, year=seed.YEAR, last=seed.SEQ).on_conflict_ignore().execute()
    for dept in departments:
        CircularRecipient.create(circular=circular, department=dept)
    for name, username in (("电力科", "head"), ("煤炭科", "coal_liaison")):
        dept = Department.get_or_none(Department.name == name)
        if dept is not None:
            (CircularRecipient.update(acknowledged_by=_user(username), acknowledged_at=datetime(2019, 11, 8, 9, 30))
             .where((CircularRecipient.circular == circular.id) & (CircularRecipient.department == dept.id)).execute())
    pdf = _PDF_CACHE.get("seed") or printing.render(circular)
    _PDF_CACHE["seed"] = pdf
    digest = hashlib.sha256(pdf).hexdigest()
    IssuedPdf.create(circular=circular, data=pdf, sha256=digest, size=len(pdf), created_at=at)
    audit.record("circular.issued", f"按原件录入已印发的文件 {circular.number}（演示）", actor=office, obj=circular,
                 sha256=digest, size=len(pdf))
    return circular
