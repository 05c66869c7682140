from django import template
from django.urls import reverse

from corrections.models import CorrectionRequest

register = template.Library()


@register.inclusion_tag("admin/includes/corrections_notice.html", takes_context=True)
def corrections_notice(context):
    """How many readers' correction requests are open, for editors who may
    see them."""
    user = context["request"].user
    if not user.has_perm("corrections.view_correctionrequest"):
        return {"count": 0}
    url = reverse("admin:corrections_correctionrequest_changelist")
    return {
        "count": CorrectionRequest.objects.open().count(),
        "url": f"{url}?status__exact=open",
    }
