"""The stack's limit, for `make bench`: a bare Flask app that reads the same 50 rows of the case
list from the same SQLite file with one raw query and renders them with one Jinja template (no
login, no visibility, no layout), and a Flask hello beside it. Served by gunicorn like the portal:

    PORTAL_BENCH_DB=…/portal.db gunicorn benchmarks.bare:app
"""
import os
import sqlite3

from flask import Flask, render_template, request
from jinja2 import DictLoader

app = Flask(__name__)
connection = None  # one per worker process: sync workers serve one request at a time

QUERY = """
SELECT c.id, c.number, c.title, c.state, c.confidentiality, c.supervised, d.name, c.due_at
FROM "case" c LEFT JOIN department d ON d.id = c.host_department_id
WHERE (c.host_department_id = :d OR c.id IN (SELECT case_id FROM case_co_department WHERE department_id = :d))
  AND c.state = :state
ORDER BY c.due_at, c.id LIMIT 50
"""

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>舆情事项</title></head><body>
<table><thead><tr><th>编号</th><th>标题</th><th>状态</th><th>主办部门</th><th>回复时限</th></tr></thead><tbody>
{% for id, number, title, state, secrecy, supervised, department, due in rows %}
<tr><td><a href="/cases/{{ id }}">{{ number }}</a></td>
<td>{% if secrecy != 'normal' %}<span class="secrecy">{{ secrecy }}</span>{% endif %}<a href="/cases/{{ id }}">{{ title }}</a>{% if supervised %} <span>督办</span>{% endif %}</td>
<td>{{ state }}</td><td>{{ department or '—' }}</td><td>{{ due[:16] }}</td></tr>
{% endfor %}</tbody></table></body></html>"""


# from a loader, so that Jinja compiles it once per worker as the portal's templates are
# (render_template_string compiled it on every request: 1–2 ms of the page)
app.jinja_loader = DictLoader({"cases.html": PAGE})


def db():
    global connection
    if connection is None:
        connection = sqlite3.connect(os.environ["PORTAL_BENCH_DB"])
    return connection


@app.route("/bare/cases")
def cases():
    rows = db().execute(QUERY, {"d": int(request.args["department"]), "state": request.args.get("state", "archived")})
    return render_template("cases.html", rows=rows.fetchall())


@app.route("/hello")
def hello():
    return "hello"
