from django import template
from django.urls import reverse

from projects.models import Observation

register = template.Library()


@register.inclusion_tag("admin/includes/drafts_notice.html", takes_context=True)
def drafts_notice(context):
    """How many figures wait for review, for editors who may see them."""
    user = context["request"].user
    if not user.has_perm("projects.view_observation"):
        return {"count": 0}
    url = reverse("admin:projects_observation_changelist")
    return {
        "count": Observation.objects.drafts().count(),
        "url": f"{url}?status__exact=draft",
    }
