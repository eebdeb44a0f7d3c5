"""The portal's case and department tables as Django sees them: unmanaged, read from its file."""
from django.db import models


class Department(models.Model):
    name = models.CharField(max_length=60)

    class Meta:
        managed = False
        db_table = "department"

    def __str__(self):
        return self.name


class Case(models.Model):
    number = models.CharField("编号", max_length=20)
    title = models.CharField("标题", max_length=120)
    state = models.CharField("状态", max_length=20)
    confidentiality = models.CharField(max_length=10)
    supervised = models.BooleanField(default=False)
    host_department = models.ForeignKey(Department, models.DO_NOTHING, null=True, verbose_name="主办部门")
    due_at = models.DateTimeField("回复时限")

    class Meta:
        managed = False
        db_table = "case"

    def __str__(self):
        return f"{self.number} {self.title}"


class Router:
    def db_for_read(self, model, **hints):
        return "portal" if model._meta.app_label == "cases" else None

    db_for_write = db_for_read

    def allow_migrate(self, db, app_label, **hints):
        return db == "default" and app_label != "cases"
