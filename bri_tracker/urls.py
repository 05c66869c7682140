from django.contrib import admin
from django.urls import path

from bri_tracker import views

admin.site.site_header = "BRI Tracker editors"
admin.site.site_title = "BRI Tracker admin"
admin.site.index_title = "Projects, partners and sourced figures"

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
]
