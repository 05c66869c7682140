"""The editors' queue of readers' correction requests: open ones first, each
resolved as fixed or declined with the reason kept."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Case, Value, When
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.text import Truncator

from corrections.models import CorrectionRequest
from corrections.services import correction_resolve, corrections_decline

SPAM_REASON = "Spam, or not a correction."


class ResolveForm(forms.ModelForm):
    class Meta:
        model = CorrectionRequest
        fields = ["status", "resolution"]
        widgets = {
            "status": forms.RadioSelect,
            "resolution": forms.Textarea(attrs={"rows": 3, "cols": 60}),
        }

    def clean(self):
        data = super().clean()
        status, reason = data.get("status"), data.get("resolution", "").strip()
        if status and status != CorrectionRequest.Status.OPEN and not reason:
            self.add_error(
                "resolution",
                "Give the reason for marking this request "
                f"{CorrectionRequest.Status(status).label.lower()}.",
            )
        data["resolution"] = reason
        return data


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(admin.ModelAdmin):
    form = ResolveForm
    list_display = [
        "created_at",
        "status",
        "kind",
        "reported_page",
        "summary",
        "resolved_by",
    ]
    list_display_links = ["created_at", "summary"]
    list_filter = ["status", "kind"]
    search_fields = ["what_is_wrong", "correct_value", "object_label", "object_key"]
    # Open requests first, newest first within each group.
    ordering = [
        Case(When(status=CorrectionRequest.Status.OPEN, then=Value(0)), default=1),
        "-created_at",
        "-pk",
    ]
    list_select_related = ["resolved_by"]
    actions = ["decline_as_spam"]
    readonly_fields = [
        "kind",
        "reported_page",
        "created_at",
        "what_is_wrong",
        "correct_value",
        "source_link",
        "email",
        "ip_address",
        "resolved_by",
        "resolved_at",
    ]
    fieldsets = [
        (
            "The report",
            {
                "fields": [
                    "kind",
                    "reported_page",
                    "created_at",
                    "what_is_wrong",
                    "correct_value",
                    "source_link",
                    "email",
                    "ip_address",
                ]
            },
        ),
        (
            "Decision",
            {"fields": ["status", "resolution", "resolved_by", "resolved_at"]},
        ),
    ]

    @admin.display(description="page reported", ordering="object_label")
    def reported_page(self, obj):
        return format_html(
            '<a href="{}">{}</a> <small>({})</small>',
            obj.page_path,
            obj.object_label,
            obj.page_path,
        )

    @admin.display(description="what is wrong")
    def summary(self, obj):
        return Truncator(obj.what_is_wrong).chars(100)

    @admin.display(description="source link")
    def source_link(self, obj):
        if not obj.source_url:
            return "—"
        # Only http(s) links are accepted (explorer.forms), so the href is safe.
        return format_html(
            '<a href="{}" rel="noopener noreferrer nofollow">{}</a>',
            obj.source_url,
            obj.source_url,
        )

    def has_add_permission(self, request):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        messages.info(
            request,
            "Correction requests come from the “Report an error” form on the "
            "public project, figure and country pages.",
        )
        return redirect("admin:corrections_correctionrequest_changelist")

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            correction_resolve(
                correction=obj,
                status=obj.status,
                reason=obj.resolution,
                user=request.user,
            )
        else:
            super().save_model(request, obj, form, change)

    @admin.action(
        description="Decline the selected open requests as spam",
        permissions=["change"],
    )
    def decline_as_spam(self, request, queryset):
        count = corrections_decline(
            corrections=queryset, reason=SPAM_REASON, user=request.user
        )
        self.message_user(
            request,
            f"Declined {count} request{'s' if count != 1 else ''} as spam.",
            messages.SUCCESS,
        )
