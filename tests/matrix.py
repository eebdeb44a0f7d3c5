"""The authorization-matrix machinery shared by the core's table and each plugin's.

A table has a header of users and one row per route; a cell is the status expected
(200 / 403 / 404), `login` for a redirect to the login page, `home` for a redirect home, or
`ok` (POST) for anything the access check lets through (the step itself may refuse the input).
"""
USERS = ["anonymous", "admin", "leader", "office", "monitor", "head", "staff", "liaison"]


def parse(table: str) -> dict:
    lines = [line.split() for line in table.strip().splitlines()]
    assert lines[0][1:] == USERS, lines[0]
    return {row[0]: dict(zip(USERS, row[1:])) for row in lines[1:]}


def clients(app) -> dict:
    made = {"anonymous": app.test_client()}
    for name in USERS[1:]:
        made[name] = app.test_client()
        assert made[name].login(name).status_code == 302
    return made


def outcome(response) -> str:
    if response.status_code == 302:
        location = response.headers["Location"]
        return "login" if location.startswith("/login") else ("home" if location == "/" else "ok")
    return str(response.status_code)


def check_get(app, table: str, ids: dict) -> list[str]:
    users, wrong = clients(app), []
    for route, cells in parse(table).items():
        for user, want in cells.items():
            got = outcome(users[user].get(route.format(**ids)))
            if got != want:
                wrong.append(f"GET {route} as {user}: expected {want}, got {got}")
    return wrong


def check_post(app, table: str, ids: dict, data=None) -> list[str]:
    wrong, users, tokens = [], clients(app), {}
    for route, cells in parse(table).items():
        users["anonymous"], tokens["anonymous"] = app.test_client(), None
        for name in USERS[1:]:
            if not _signed_in(users[name]):  # a row logged them out (or ended their sessions)
                users[name], tokens[name] = app.test_client(), None
                assert users[name].login(name).status_code == 302
        for user, want in cells.items():
            tokens[user] = tokens.get(user) or users[user].csrf_token()
            form = dict(data or {"version": "0"}, csrf_token=tokens[user])
            got = outcome(users[user].post(route.format(**ids), data=form))
            got = "ok" if want == "ok" and got not in ("login", "403", "404") else got
            if got != want:
                wrong.append(f"POST {route} as {user}: expected {want}, got {got}")
    return wrong


def _signed_in(client) -> bool:
    """Cheaper than signing in again (scrypt) for every row: the sessions live on between rows."""
    return client.get("/account/password").status_code == 200


def same_shape(rule: str, row: str) -> bool:
    """/cases/<int:case_id>/do/<action> matches /cases/{normal}/do/report."""
    a, b = rule.strip("/").split("/"), row.strip("/").split("/")
    return len(a) == len(b) and all(x == y or x.startswith("<") or "<" in x and _same_segment(x, y)
                                    for x, y in zip(a, b))


def _same_segment(rule_segment: str, row_segment: str) -> bool:
    """<int:circular_id>.pdf matches {issued}.pdf."""
    prefix, _, rest = rule_segment.partition("<")
    suffix = rest.partition(">")[2]
    return row_segment.startswith(prefix) and row_segment.endswith(suffix)


def unlisted_routes(app, tables: list[str], blueprints: set[str]) -> list[str]:
    """Routes of ``blueprints`` that no row of ``tables`` covers."""
    rows = [route for table in tables for route in parse(table)]
    return [rule.rule for rule in app.url_map.iter_rules()
            if rule.endpoint.partition(".")[0] in blueprints
            and not any(same_shape(rule.rule, row) for row in rows)]
