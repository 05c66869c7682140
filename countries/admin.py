from django.contrib import admin
from django.db import models

from bri_tracker.editing import EditorAdmin
from countries.models import Country, Organization, PartnerAgreement


@admin.register(Country)
class CountryAdmin(EditorAdmin):
    list_display = ["name", "iso3", "iso2", "region", "subregion"]
    list_filter = ["region", "subregion"]
    search_fields = ["name", "official_name", "iso3", "iso2"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organization)
class OrganizationAdmin(EditorAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "acronym"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PartnerAgreement)
class PartnerAgreementAdmin(EditorAdmin):
    list_display = [
        "partner_name",
        "title",
        "kind",
        "signed_display",
        "status",
        "ended_on",
    ]
    list_filter = ["kind", "status", "country__region", "signed_on_precision"]
    search_fields = ["title", "country__name", "organization__name", "quote", "note"]
    date_hierarchy = "signed_on"
    autocomplete_fields = ["country", "organization", "source"]
    list_select_related = ["country", "organization"]

    @admin.display(description="Partner")
    def partner_name(self, obj):
        return obj.partner

    @admin.display(description="Signed", ordering="signed_on")
    def signed_display(self, obj):
        return obj.signed_display
