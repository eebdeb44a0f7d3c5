"""The monitoring desk's figure on the statistics page (``portal_statistics``): watch-list hits
(命中) on the cases posted in the period, by topic. A number counts every case hit, also those the
reader may not see; it links to the case list narrowed to the topic (the ``topic`` case filter),
which lists only the cases the reader may see. No case is named here."""
from flask import url_for
from peewee import fn

from plugins.monitoring.models import Hit, Topic
from portal.plugin_api import Case, Statistic, case_statistics, compiled


def topic_choices() -> list[tuple[str, str]]:
    topics = compiled("monitoring.topic_choices",
                      lambda: Topic.select(Topic.id, Topic.name).order_by(Topic.name, Topic.id).tuples())
    return [(str(topic_id), name) for topic_id, name in topics]


def apply_topic(query, value):
    return query.where(Case.id.in_(Hit.select(Hit.case).where(Hit.topic == int(value))))


def counts(start, end, department_id) -> list[tuple[int, str, int]]:
    """(topic id, name, cases hit) for the cases posted ``start``–``end``, most hits first."""
    where = case_statistics.in_period(start, end)
    if department_id:
        where &= Case.host_department == department_id
    cases = fn.COUNT(fn.DISTINCT(Hit.case))
    return list(Hit.select(Topic.id, Topic.name, cases)
                .join(Topic, on=(Hit.topic == Topic.id)).switch(Hit).join(Case, on=(Hit.case == Case.id))
                .where(where).group_by(Topic.id, Topic.name).order_by(cases.desc(), Topic.name).tuples())


def statistics(start, end, department_id) -> list[Statistic]:
    args = {"from": start.isoformat(), "to": end.isoformat()}
    if department_id:
        args["host"] = department_id
    rows = [(name, n, url_for("cases.index", topic=topic_id, **args))
            for topic_id, name, n in counts(start, end, department_id)]
    return [Statistic("按监测主题命中", rows, order=65, chart="hbar",
                      note="本期发帖的事项中命中各监测主题的件数（一件事项可命中多个主题）；"
                           "数字含无权查看的事项，点开的列表只列出可查看的事项。")]
