from django.apps import AppConfig


class CountriesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "countries"

    def ready(self):
        from bri_tracker import data_generation
        from countries.models import Country, Organization, PartnerAgreement

        data_generation.watch(Country, Organization, PartnerAgreement)
