"""The changelist with Django's defaults (but for the same 50 rows a page and the same columns as
the portal's list), and a tuned one: the department joined in the query, no full count."""
from django.contrib import admin

from .models import Case


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "state", "host_department", "due_at")
    list_filter = ("state", "host_department")
    ordering = ("due_at", "id")
    list_per_page = 50


class TunedCaseAdmin(CaseAdmin):
    list_select_related = ("host_department",)
    show_full_result_count = False


tuned = admin.AdminSite(name="tuned")
tuned.register(Case, TunedCaseAdmin)
