def test_pages_open(office_client):
    r = office_client.get("/meetings/")
    assert r.status_code == 200, r.get_data(as_text=True)[:3000]
    text = r.get_data(as_text=True)
    assert "例会（示例）" in text
    from plugins.meetings.models import Meeting
    from portal.db import database
    with database.connection_context():
        ids = [m.id for m in Meeting.select()]
    for i in ids:
        r = office_client.get(f"/meetings/{i}")
        assert r.status_code == 200, r.get_data(as_text=True)[:3000]
    for url in ("/meetings/members", "/meetings/supervision", "/meetings/new", "/"):
        r = office_client.get(url)
        assert r.status_code == 200, (url, r.get_data(as_text=True)[:3000])
