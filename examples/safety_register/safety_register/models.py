"""The register's one table: a risk of production-safety public opinion, open until resolved."""
import peewee

from portal.plugin_api import BaseModel, User, now

DOMAINS = {"coal": "煤矿", "power": "电力", "oil_gas": "油气管道", "chemical": "危险化学品", "other": "其他"}
LEVELS = {"high": "高", "medium": "中", "low": "低"}


class SafetyRisk(BaseModel):
    title = peewee.CharField(max_length=120)
    domain = peewee.CharField(max_length=20)
    level = peewee.CharField(max_length=10)
    measures = peewee.TextField()
    source_url = peewee.CharField(max_length=500, default="")  # added by migration 0002
    registered_by = peewee.ForeignKeyField(User, on_delete="RESTRICT")
    registered_at = peewee.DateTimeField(default=now)
    resolved_at = peewee.DateTimeField(null=True)
    version = peewee.IntegerField(default=1)  # a versioned record: two people, one change
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "safety_risk"

    @property
    def domain_label(self):
        return DOMAINS.get(self.domain, self.domain)

    @property
    def level_label(self):
        return LEVELS.get(self.level, self.level)
