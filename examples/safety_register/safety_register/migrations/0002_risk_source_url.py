"""风险事项增加“舆情链接”。"""
import peewee


def migrate(m):
    m.add_column("safety_risk", "source_url", peewee.CharField(max_length=500, default=""))
