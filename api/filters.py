"""The API's filters: the public lists' own FilterSets (explorer.filters),
one definition for both, without their "Sort by": the API pages by a
cursor over a fixed, unique order (api.pagination)."""

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
