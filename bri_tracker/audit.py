"""The audit fields every edited record carries: a version that guards
against lost updates (bri_tracker/editing.py), when it was created and last
changed, and its change history (django-simple-history)."""

from django.db import models
from simple_history.models import HistoricalRecords


class AuditHistory(HistoricalRecords):
    """History for every subclass of an abstract model, leaving out the
    model's own ``history_excluded_fields`` as well as the shared ones:
    values the database derives (counts, search documents) are not edits."""

    def contribute_to_class(self, cls, name):
        self.shared_excluded_fields = tuple(self.excluded_fields)
        super().contribute_to_class(cls, name)

    def excluded_for(self, model) -> list[str]:
        """``model`` is a model class or instance."""
        return [
            *self.shared_excluded_fields,
            *getattr(model, "history_excluded_fields", ()),
        ]

    def finalize(self, sender, **kwargs):
        # One instance serves every subclass: the historical model being
        # built now stores its own list.
        if sender is not self.cls and issubclass(sender, self.cls):
            self.excluded_fields = self.excluded_for(sender)
        super().finalize(sender, **kwargs)

    def fields_included(self, model):
        # Read at every save too, for the saved instance's model.
        excluded = self.excluded_for(model)
        return [field for field in model._meta.fields if field.name not in excluded]


class AuditedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = AuditHistory(inherit=True, excluded_fields=["updated_at"])

    # Fields a subclass keeps out of its history, besides ``updated_at``.
    history_excluded_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True
