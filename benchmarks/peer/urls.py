from django.urls import path

from cases.admin import tuned

from django.contrib import admin  # isort: skip

urlpatterns = [path("admin/", admin.site.urls), path("tuned/", tuned.urls)]
