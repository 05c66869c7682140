"""/data/: bulk downloads and versioned releases (issue 16)."""

from django.urls import path, re_path

from opendata import views

app_name = "opendata"

VERSION = r"(?P<version>[0-9]{4}\.[0-9]{2}\.[0-9]+)"

urlpatterns = [
    path("", views.data_index, name="index"),
    re_path(rf"^releases/{VERSION}/$", views.release_detail, name="release"),
    re_path(
        rf"^releases/{VERSION}/(?P<filename>[A-Za-z0-9_-]+\.[a-z]+)$",
        views.release_file,
        name="release_file",
    ),
    re_path(
        r"^(?P<filename>[a-z-]+\.(?:csv|jsonl))$",
        views.bulk_download,
        name="download",
    ),
]
