"""The API's filters: the public lists' own FilterSets (explorer.filters),
one definition for both, without their "Sort by": the API pages by a
cursor over a fixed, unique order (api.pagination)."""

from drf_spectacular.drainage import set_override

from explorer import filters as site

SORT = "sort"


def without_sort(filterset: type[site.ListFilterSet]) -> type[site.ListFilterSet]:
    """``filterset`` less its ``sort`` filter: a subclass that names it
    ``None``, which django-filter reads as "not declared"."""
    return type(
        f"Api{filterset.__name__}",
        (filterset,),
        {SORT: None, "Meta": filterset.Meta, "__doc__": filterset.__doc__},
    )


ProjectFilter = without_sort(site.ProjectFilter)
FigureFilter = without_sort(site.FigureFilter)
CountryFilter = without_sort(site.CountryFilter)
AgreementFilter = without_sort(site.PartnerAgreementFilter)
SourceFilter = without_sort(site.SourceFilter)


def _documented(filterset: type[site.ListFilterSet]) -> type[site.ListFilterSet]:
    """``filterset`` with the types its parameters take stated for the
    OpenAPI schema where drf-spectacular guesses them wrong: years are
    integers (not any number), metrics are keys (not the ids of the model
    field of the same name), choices read from the database are strings
    (drf-spectacular warns that it cannot tell)."""
    for name, declared in filterset.base_filters.items():
        described = {"description": str(declared.label)} if declared.label else {}
        if isinstance(declared, site.YearFilter):
            set_override(
                declared,
                "field",
                {
                    "type": "integer",
                    "minimum": declared.extra["min_value"],
                    "maximum": declared.extra["max_value"],
                    **described,
                },
            )
        elif name == "metric" or callable(declared.extra.get("choices")):
            # Choices read from the database (metrics, countries, regions,
            # publishers): strings, which the schema cannot list.
            set_override(declared, "field", {"type": "string", **described})
    return filterset


for _filterset in (
    ProjectFilter,
    FigureFilter,
    CountryFilter,
    AgreementFilter,
    SourceFilter,
):
    _documented(_filterset)
