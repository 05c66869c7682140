"""Atom feeds of the newest figures of a project or of a country's projects."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html

from countries.models import Country
from projects.models import Observation, Project

FEED_SIZE = 50


class _FiguresFeed(Feed):
    """Shared by both feeds: ``_figures(obj)`` picks the figures."""

    feed_type = Atom1Feed
    author_name = "BRI Tracker"

    def items(self, obj):
        return (
            self._figures(obj)
            .select_related("metric", "project", "source")
            .order_by("-created_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item):
        return f"{item.metric.name}: {item.display_value} (as of {item.as_of_display})"

    def item_description(self, item):
        source = item.source
        published = source.published_display if source.published_on else ""
        quote = format_html("<p>“{}”</p>", item.quote) if item.quote else ""
        return format_html(
            "{}<p>{}: {}. Source: {}{}{}.</p>",
            quote,
            item.project.name if item.project else "Belt and Road Initiative",
            item.period_display,
            source.title,
            f", {source.publisher}" if source.publisher else "",
            f", {published}" if published else "",
        )

    def item_link(self, item):
        return reverse("figures:detail", args=[item.pk])

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.source.publisher or None


class ProjectFiguresFeed(_FiguresFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Project, slug=slug)

    def title(self, obj):
        return f"{obj.name}: figures · BRI Tracker"

    def subtitle(self, obj):
        return f"The newest sourced figures recorded for {obj.name}."

    def link(self, obj):
        return reverse("projects:detail", args=[obj.slug])

    def feed_url(self, obj):
        return reverse("projects:feed", args=[obj.slug])

    def _figures(self, obj):
        return Observation.objects.published().filter(project=obj)


class CountryFiguresFeed(_FiguresFeed):
    def get_object(self, request, iso3):
        return get_object_or_404(Country, iso3__iexact=iso3)

    def title(self, obj):
        return f"{obj.name}: figures of its projects · BRI Tracker"

    def subtitle(self, obj):
        return f"The newest sourced figures of projects in {obj.name}."

    def link(self, obj):
        return reverse("countries:detail", args=[obj.iso3])

    def feed_url(self, obj):
        return reverse("countries:feed", args=[obj.iso3])

    def _figures(self, obj):
        return Observation.objects.published().for_country(obj)
