"""The managers' dashboard, its charts' CSV downloads and embeddable views."""

from csp.decorators import csp_replace
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt

from bri_tracker.exports import stream_csv
from dashboard.data import dashboard_data, dashboard_html


def dashboard(request):
    return render(request, "dashboard/dashboard.html", {"content": dashboard_html()})


URL_COLUMNS = ("figure_url", "source_url")


def chart_csv(request, chart):
    """The chart's data, one row per point: numbers, not display text."""
    found = _chart(chart)
    rows = (
        {
            **row,
            **{
                name: request.build_absolute_uri(row[name])
                for name in URL_COLUMNS
                if row.get(name)
            },
        }
        for row in found["csv_rows"]
    )
    return stream_csv(rows, columns=found["csv_columns"], filename=f"bri-{chart}")


# Frameable by any site: no X-Frame-Options, no CSP frame-ancestors, and a
# Cross-Origin-Resource-Policy that a page requiring it (COEP) accepts.
@xframe_options_exempt
@csp_replace({"frame-ancestors": None})
def chart_embed(request, chart):
    """One chart with no site chrome, for an iframe on another page."""
    response = render(request, "dashboard/embed.html", {"chart": _chart(chart)})
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _chart(chart):
    try:
        return dashboard_data()["charts"][chart]
    except KeyError:
        raise Http404(f"There is no chart “{chart}”.") from None
