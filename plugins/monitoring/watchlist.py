"""The watch list in the database: topics changed in one transaction with the list's version;
the automaton of the current version (rebuilt when another process or request changed the
list); the hits of a case and the alert to whoever is on duty."""
import uuid

from portal.plugin_api import (CATEGORIES, WORKING_KINDS, Case, Department, Field, audit, bump, database, notify,
                               now, read)

from plugins.monitoring import matching
from plugins.monitoring.models import Hit, Topic, TopicDepartment, WatchList

MAX_WORDS = 500


def _word_list(label):
    def check(value, record):
        found = matching.words(value)
        long = [w for w in found if len(w) > matching.WORD_LIMIT]
        if long:
            return f"{label}每个不能超过{matching.WORD_LIMIT}个字：{long[0][:20]}……"
        if len(found) > MAX_WORDS:
            return f"{label}不能超过{MAX_WORDS}个。"
        return None
    return check


def departments(_record=None):
    return [(d.id, d.name) for d in Department.select().where(Department.kind.in_(WORKING_KINDS) & Department.active)
            .order_by(Department.sort_order, Department.id)]


FIELDS = (
    Field("name", "主题名称", "text", 60, required=True, placeholder="如：电价调整"),
    Field("keywords", "关键词", "textarea", 4000, required=True, rows=4, check=_word_list("关键词"),
          hint="每行一个，或用顿号、逗号分隔；文中出现任一关键词即命中。英文不分大小写，全角半角视为相同。"),
    Field("exclusions", "排除词", "textarea", 2000, rows=2, check=_word_list("排除词"),
          hint="文中出现任一排除词，则不算命中本主题（如“招聘”“培训通知”）。"),
    Field("category", "建议事项类别", "choice", choices=[("", "（不建议）"), *CATEGORIES.items()], default=""),
    Field("host_department", "建议主办部门", "choice", choices=lambda r: [("", "（不建议）"), *departments()], default=""),
    Field("concerns", "涉及部门", "choices", choices=departments,
          hint="这些部门在本部门页面看到本主题的命中。"),
    Field("active", "启用（新事项按本主题匹配）", "bool", default=True),
)


def _save(topic, values, actor, version=None) -> Topic:
    concerns = values.pop("concerns")
    values["host_department"] = values["host_department"] or None
    values["keywords"] = "\n".join(matching.words(values["keywords"]))
    values["exclusions"] = "\n".join(matching.words(values["exclusions"]))
    with database.atomic():
        if topic is None:
            topic = Topic.create(created_by=actor.id if actor else None, **values)
            action, summary = "monitoring.topic_added", f"新增监测主题：{topic.name}"
        else:
            bump(topic, version, **values)
            action, summary = "monitoring.topic_edited", f"修改监测主题：{topic.name}"
        TopicDepartment.delete().where(TopicDepartment.topic == topic.id).execute()
        TopicDepartment.insert_many([{"topic": topic.id, "department": d} for d in concerns]).execute() \
            if concerns else None
        new_version = changed()
        audit.record(action, f"{summary}（监测清单第{new_version}版）", actor=actor, obj=topic)
    return topic


def add_topic(actor, form) -> Topic:
    return _save(None, read(FIELDS, form), actor)


def edit_topic(topic, actor, form, version) -> Topic:
    return _save(topic, read(FIELDS, form, record=topic), actor, version)


def changed() -> int:
    """Bump the list's version (inside the caller's transaction); the new version."""
    if not WatchList.update(version=WatchList.version + 1, stamp=uuid.uuid4().hex, changed_at=now()).execute():
        WatchList.create(version=1, stamp=uuid.uuid4().hex)
    return WatchList.select(WatchList.version).scalar()


def version() -> int:
    return WatchList.select(WatchList.version).scalar() or 0


_built = {"stamp": None, "matcher": None, "version": 0}


def matcher() -> matching.Matcher:
    """The automaton of the watch list as it is now: one query to learn its stamp, a rebuild
    only when the stamp changed since this process last built it."""
    row = WatchList.select(WatchList.stamp, WatchList.version).first()
    stamp = row.stamp if row else ""
    if _built["stamp"] != stamp:
        topics = [matching.TopicWords(t.id, tuple(matching.words(t.keywords)), tuple(matching.words(t.exclusions)))
                  for t in Topic.select().where(Topic.active)]
        _built.update(stamp=stamp, matcher=matching.Matcher(topics), version=row.version if row else 0)
    return _built["matcher"]


def text_of(case) -> str:
    return f"{case.title}\n{case.post_text}"


def scan(case) -> list[Hit]:
    """Match a case against the watch list; record the topics found that were not yet (inside the
    caller's transaction). Returns the new hits."""
    found = matcher().find(text_of(case))
    if not found:
        return []
    known = {h.topic_id for h in Hit.select(Hit.topic).where(Hit.case == case.id)}
    made = []
    for topic_id, words in sorted(found.items()):
        if topic_id not in known:
            made.append(Hit.create(case=case.id, topic=topic_id, keywords="\n".join(words)[:500],
                                   list_version=_built["version"]))
    return made


def alert(case, hits, actor, on_duty) -> int:
    """Tell whoever is on duty (``on_duty``: users) of the topics a new case hit."""
    names = "、".join(Topic.get_by_id(h.topic_id).name for h in hits)
    return notify(case, on_duty, "monitoring_hit", f"舆情事项 {case.number} 命中监测主题：{names}", actor)


def rescan(case_ids, batch=2000) -> int:
    """Match these cases again (after the list changed); the hits added."""
    made, ids = 0, list(case_ids)
    m = matcher()
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        known = {(h.case_id, h.topic_id) for h in Hit.select(Hit.case, Hit.topic).where(Hit.case.in_(chunk))}
        rows = []
        for case in Case.select(Case.id, Case.title, Case.post_text).where(Case.id.in_(chunk)):
            for topic_id, words in m.find(text_of(case)).items():
                if (case.id, topic_id) not in known:
                    rows.append({"case": case.id, "topic": topic_id, "keywords": "\n".join(words)[:500],
                                 "list_version": _built["version"], "found_at": now()})
        with database.atomic():
            if rows:
                Hit.insert_many(rows).execute()
        made += len(rows)
    return made


def suggestions(hits) -> dict:
    """What the topics hit suggest: {"category": [labels], "host": [department names]}, each once."""
    topics = [h.topic for h in hits]
    return {"category": list(dict.fromkeys(CATEGORIES[t.category] for t in topics if t.category in CATEGORIES)),
            "host": list(dict.fromkeys(t.host_department.name for t in topics if t.host_department_id))}
