"""The list pages' filter forms, used as a visitor uses them, on the seed
data: the form is read from the rendered page (its controls and their
options), a value is set, exactly what the form submits is sent, and the
rows that come back are checked. filters.js leaves empty controls out of the
submission; without JavaScript they are sent empty, with the same result."""

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.urls import reverse

from explorer.filters import FIGURE_DEFAULT_ORDER
from projects.models import Observation, Project
from sources.models import Source
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

PROJECTS = reverse("projects:list")
FIGURES = reverse("figures:list")
SGR = "Mombasa-Nairobi Standard Gauge Railway"
LUBAN = "Luban Workshops"
LAOS = "China-Laos Railway"


class Form(HTMLParser):
    """The controls of the page's filter form (form[data-filters]): inputs,
    selects with their options, datalists, and every link of the page."""

    def __init__(self, html):
        super().__init__()
        self.controls = {}  # name -> control dict, in document order
        self.datalists = set()
        self.links = []
        self._in_form = False
        self._select = None
        self._option = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if tag == "form" and "data-filters" in attrs:
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and attrs.get("name"):
            self.controls[attrs["name"]] = {**attrs, "tag": "input"}
        elif tag == "select":
            self._select = {
                **attrs,
                "tag": "select",
                "multiple": "multiple" in attrs,
                "options": [],
            }
            self.controls[attrs["name"]] = self._select
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value", ""),
                "selected": "selected" in attrs,
                "label": "",
            }
            self._select["options"].append(self._option)
        elif tag == "datalist":
            self.datalists.add(attrs["id"])

    def handle_data(self, data):
        if self._option is not None:
            self._option["label"] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False

    def options(self, name):
        """{label: value} of a select."""
        return {o["label"].strip(): o["value"] for o in self.controls[name]["options"]}

    def selected(self, name):
        return [o["value"] for o in self.controls[name]["options"] if o["selected"]]

    def set(self, name, value):
        control = self.controls[name]
        if control["tag"] == "select":
            values = value if isinstance(value, list) else [value]
            known = {o["value"] for o in control["options"]}
            assert set(values) <= known, f"{values} not among {name}'s options"
            for option in control["options"]:
                option["selected"] = option["value"] in values
        elif control.get("type") == "checkbox":
            if value:
                control["checked"] = ""
            else:
                control.pop("checked", None)
        else:
            control["value"] = value

    def submission(self, *, javascript=True):
        """The (name, value) pairs a browser submits; with filters.js, the
        empty ones are left out."""
        pairs = []
        for name, control in self.controls.items():
            if control["tag"] == "select":
                chosen = [o["value"] for o in control["options"] if o["selected"]]
                if not chosen and not control["multiple"] and control["options"]:
                    chosen = [control["options"][0]["value"]]
                pairs += [(name, value) for value in chosen]
            elif control.get("type") == "checkbox":
                if "checked" in control:
                    pairs.append((name, control.get("value", "on")))
            elif control.get("type") not in ("submit", "button", "reset"):
                pairs.append((name, control.get("value", "")))
        if javascript:
            pairs = [(name, value) for name, value in pairs if value.strip()]
        return pairs


def _form(response):
    assert response.status_code == 200
    return Form(response.text)


def _submit(client, path, form, *, javascript=True):
    query = urlencode(form.submission(javascript=javascript))
    response = client.get(f"{path}?{query}" if query else path)
    assert response.status_code == 200
    assert not response.context["filter"].errors, response.context["filter"].errors
    return response


def _links(response):
    """The page's links, as absolute paths."""
    path = response.request["PATH_INFO"]
    return [urljoin(path, link) for link in Form(response.text).links]


def _all_rows(client, response, rows):
    """Every row of a filtered list, following its "Next" links."""
    found = list(response.context[rows])
    while response.context["page_obj"].has_next():
        following = str(response.context["page_obj"].number + 1)
        next_link = next(
            link
            for link in _links(response)
            if dict(parse_qsl(urlsplit(link).query)).get("page") == following
        )
        response = client.get(next_link)
        found += list(response.context[rows])
    return found


def _project_names(client, response):
    return {p.name for p in _all_rows(client, response, "projects")}


def _figures(client, response):
    return _all_rows(client, response, "figures")


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # Every response is rendered, with its context, even when the same URL
    # was asked for before.
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def projects_form(client, seeded):
    return _form(client.get(PROJECTS))


@pytest.fixture
def figures_form(client, seeded):
    return _form(client.get(FIGURES))


# Projects


def test_country_filter_is_a_select_of_every_country(projects_form):
    options = projects_form.options("country")

    assert projects_form.controls["country"]["multiple"]
    assert len(options) == 249
    assert options["Kenya"] == "KEN"
    assert options["Laos"] == "LAO"
    assert projects_form.selected("country") == []


@pytest.mark.parametrize("javascript", [True, False])
def test_picking_kenya_lists_the_projects_in_kenya(client, projects_form, javascript):
    projects_form.set("country", "KEN")

    response = _submit(client, PROJECTS, projects_form, javascript=javascript)

    assert _project_names(client, response) == {SGR, LUBAN}
    if javascript:
        assert response.request["QUERY_STRING"] == "country=KEN"


def test_the_country_survives_a_second_submission(client, projects_form):
    projects_form.set("country", "KEN")
    first = _submit(client, PROJECTS, projects_form)

    again = _form(first)
    assert again.selected("country") == ["KEN"]
    again.set("sort", "-opened")
    second = _submit(client, PROJECTS, again)

    assert dict(parse_qsl(second.request["QUERY_STRING"])) == {
        "country": "KEN",
        "sort": "-opened",
    }
    assert _project_names(client, second) == {SGR, LUBAN}
    assert _form(second).selected("country") == ["KEN"]


def test_several_countries_list_each_project_once(client, projects_form):
    projects_form.set("country", ["KEN", "ETH", "DJI"])

    response = _submit(client, PROJECTS, projects_form)

    names = [p.name for p in _all_rows(client, response, "projects")]
    assert sorted(names) == sorted({SGR, LUBAN, "Addis Ababa-Djibouti Railway"})
    assert _form(response).selected("country") == ["DJI", "ETH", "KEN"]


@pytest.mark.parametrize(
    ("name", "label", "empty"),
    [
        ("sector", "Railway", "Any sector"),
        ("kind", "Programme", "Any kind"),
        ("status", "Operational", "Any status"),
        ("region", "Africa", "Any region"),
        ("metric", "Passengers", "Any metric"),
    ],
)
def test_each_project_select_filters_the_list(
    client, projects_form, name, label, empty
):
    options = projects_form.options(name)
    assert next(iter(options)) == empty
    assert options[empty] == ""
    projects_form.set(name, options[label])

    response = _submit(client, PROJECTS, projects_form)

    value = options[label]
    everything = Project.objects.all()
    expected = {
        "sector": everything.filter(sector=value),
        "kind": everything.filter(kind=value),
        "status": everything.filter(status=value),
        "region": everything.in_region(value),
        "metric": everything.filter(
            observations__status="published", observations__metric__key=value
        ).distinct(),
    }[name]
    assert _project_names(client, response) == {p.name for p in expected}
    assert 0 < len(expected) < everything.count()
    assert _form(response).selected(name) == [value]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kenya", {SGR, LUBAN}),  # a country of the project
        ("Madaraka Express", {SGR}),  # another name
        ("Kunming-Vientiane", {LAOS, "Lancang-Mekong Express"}),  # its summary
        ("Laos", {LAOS, "Lancang-Mekong Express"}),  # name or country
    ],
)
def test_search_finds_countries_and_other_names(client, projects_form, text, expected):
    projects_form.set("q", text)

    response = _submit(client, PROJECTS, projects_form)

    assert _project_names(client, response) == expected


def test_project_year_filters(client, projects_form):
    projects_form.set("opened_from", "2017")
    projects_form.set("opened_to", "2021")

    response = _submit(client, PROJECTS, projects_form)

    expected = Project.objects.filter(
        opened_on__year__gte=2017, opened_on__year__lte=2021
    )
    assert _project_names(client, response) == {p.name for p in expected}
    assert SGR in _project_names(client, response)


# Figures


def test_figure_pickers_are_text_inputs_with_suggestions(figures_form):
    for name, lookup in [("project", "projects:lookup"), ("source", "sources:lookup")]:
        control = figures_form.controls[name]
        assert control.get("type") == "text"
        assert control["data-lookup"] == reverse(lookup)
        assert control["list"] in figures_form.datalists


@pytest.mark.parametrize("typed", [LAOS, "china-laos-railway", "Kunming-Vientiane"])
def test_typing_a_project_lists_its_figures_only(client, figures_form, typed):
    figures_form.set("project", typed)

    response = _submit(client, FIGURES, figures_form)

    figures = _figures(client, response)
    laos = Project.objects.get(name=LAOS)
    assert {f.project_id for f in figures} == {laos.pk}
    assert len(figures) == laos.observations.published().count()
    assert _form(response).controls["project"]["value"] == typed


def test_part_of_a_name_lists_the_figures_of_every_match(client, figures_form):
    figures_form.set("project", "express")

    response = _submit(client, FIGURES, figures_form)

    projects = {f.project.name for f in _figures(client, response)}
    assert projects == {
        "China-Europe Railway Express",
        "Lancang-Mekong Express",
        SGR,  # the Madaraka Express
    }


def test_an_exact_name_wins_over_longer_names_containing_it(client, seeded):
    railway = Project.objects.get(name=LAOS)
    longer = Project.objects.create(
        name=f"{LAOS} Phase 2",
        slug="phase-2",
        kind="project",
        sector="railway",
        status="planned",
    )
    figure = railway.observations.published().first()
    Observation.objects.filter(pk=figure.pk).update(project=longer)

    response = client.get(FIGURES, {"project": LAOS})

    assert figure.pk not in {f.pk for f in _figures(client, response)}
    both = _figures(client, client.get(FIGURES, {"project": "Laos Railway"}))
    assert figure.pk in {f.pk for f in both}


@pytest.mark.parametrize("by", ["id", "title", "publisher"])
def test_source_filter_takes_an_id_a_title_or_a_publisher(client, figures_form, by):
    source = Source.objects.filter(figure_count__gt=1).order_by("-figure_count")[0]
    typed = {
        "id": str(source.pk),
        "title": source.title,
        "publisher": source.publisher,
    }[by]
    figures_form.set("source", typed)

    response = _submit(client, FIGURES, figures_form)

    figures = _figures(client, response)
    assert source.pk in {f.source_id for f in figures}
    expected = Observation.objects.published().filter(
        source__in=Source.objects.filter(pk=source.pk)
        if by == "id"
        else Source.objects.filter(**{f"{by}__icontains": typed})
    )
    assert {f.pk for f in figures} == set(expected.values_list("pk", flat=True))


def test_figure_country_and_qualifier_selects(client, figures_form):
    country = figures_form.options("country")
    qualifier = figures_form.options("qualifier")
    assert next(iter(country)) == "Any country"
    assert next(iter(qualifier)) == "Any qualifier"
    assert next(iter(figures_form.options("period"))) == "Any period"
    figures_form.set("country", country["Kenya"])
    figures_form.set("qualifier", qualifier["Exact"])

    response = _submit(client, FIGURES, figures_form)

    figures = _figures(client, response)
    assert figures
    assert {f.project.name for f in figures} <= {SGR, LUBAN}
    assert {f.qualifier for f in figures} == {"exact"}


def test_figure_metrics_select(client, figures_form):
    options = figures_form.options("metric")
    figures_form.set("metric", [options["Passengers"], options["Freight train trips"]])

    response = _submit(client, FIGURES, figures_form)

    keys = {f.metric.key for f in _figures(client, response)}
    assert keys == {"passengers", "freight_trips"}


def test_figures_default_order_puts_projections_last(client, figures_form):
    assert figures_form.options("sort")["Newest first, projections last"] == ""

    response = _submit(client, FIGURES, figures_form)

    figures = _figures(client, response)
    projected = [f.qualifier == "projected" for f in figures]
    assert any(projected)
    assert projected == sorted(projected)  # achieved first, projections last
    achieved = [f.as_of for f in figures if f.qualifier != "projected"]
    dated = [d for d in achieved if d is not None]
    assert dated == sorted(dated, reverse=True)
    assert achieved[len(dated) :] == [None] * (len(achieved) - len(dated))
    expected = Observation.objects.published().order_by(*FIGURE_DEFAULT_ORDER)
    assert [f.pk for f in figures] == list(expected.values_list("pk", flat=True))


def test_figures_can_still_sort_by_date_with_projections(client, figures_form):
    figures_form.set("sort", "-as_of")

    response = _submit(client, FIGURES, figures_form)

    first = response.context["figures"][0]
    assert first.qualifier == "projected"


# The whole form, and the links the lists build


@pytest.mark.parametrize(
    "url_name",
    [
        "projects:list",
        "figures:list",
        "countries:list",
        "agreements:list",
        "sources:list",
    ],
)
def test_no_form_shows_django_s_dashes(client, seeded, url_name):
    form = _form(client.get(reverse(url_name)))

    for name, control in form.controls.items():
        if control["tag"] == "select" and not control["multiple"]:
            first = control["options"][0]
            assert first["value"] == ""
            assert "---" not in first["label"], name


@pytest.mark.parametrize("path", [PROJECTS, FIGURES])
def test_links_built_by_a_list_carry_no_empty_parameter(client, seeded, path):
    form = _form(client.get(path))
    form.set("sort", form.options("sort")[next(reversed(form.options("sort")))])
    # What a browser without JavaScript sends: every empty control.
    response = _submit(client, path, form, javascript=False)
    assert "=&" in response.request["QUERY_STRING"]

    built = [link for link in _links(response) if link.startswith(path) and "?" in link]
    if path == FIGURES:  # the projects fit on one page
        assert any("page=2" in link for link in built)
    assert any("export.csv" in link for link in built)
    for link in built:
        for name, value in parse_qsl(urlsplit(link).query, keep_blank_values=True):
            assert value, f"{link} carries an empty {name}"
        assert "sort=" in link


# Suggestions


def test_project_suggestions_match_names_and_other_names(client, seeded):
    names = [
        row["value"]
        for row in client.get(reverse("projects:lookup"), {"q": "vientiane"}).json()[
            "results"
        ]
    ]
    assert names == [LAOS]

    railways = client.get(reverse("projects:lookup"), {"q": "railway"}).json()
    assert LAOS in [row["value"] for row in railways["results"]]
    assert all(row["label"] for row in railways["results"])


def test_source_suggestions_are_titles_the_filter_takes_back(client, seeded):
    results = client.get(reverse("sources:lookup"), {"q": "Xinhua"}).json()["results"]

    assert 0 < len(results) <= 20
    assert all("Xinhua" in row["label"] for row in results)
    response = client.get(FIGURES, {"source": results[0]["value"]})
    assert response.context["figures"]


@pytest.mark.parametrize("text", ["", "ra", "x" * 201])
def test_suggestions_need_three_to_200_characters(client, seeded, text):
    response = client.get(reverse("projects:lookup"), {"q": text})

    assert response.json() == {"results": []}


def test_suggestions_are_capped(client, seeded):
    response = client.get(reverse("sources:lookup"), {"q": "ina"})

    assert len(response.json()["results"]) == 20


# Queries


@pytest.mark.parametrize(
    ("path", "params", "more"),
    [
        # The search looks up the countries the text names. A filtered list
        # counts its rows (unfiltered, its total is the footer's count of
        # projects or published figures: issue 16).
        (PROJECTS, {"country": "KEN", "q": "railway"}, 1 + 1),
        # Each text filter reads the ids of the projects or sources it names.
        (FIGURES, {"project": LAOS, "source": "Xinhua", "country": "LAO"}, 2 + 1),
        (FIGURES, {"metric": ["passengers", "freight_trips"], "qualifier": "exact"}, 1),
    ],
)
def test_filters_add_a_query_at_most_per_text_filter(
    client, seeded, path, params, more
):
    filtered = f"{path}?{urlencode(params, doseq=True)}"
    assert client.get(filtered).context["page_obj"].object_list

    assert query_count(client, filtered) == query_count(client, path) + more


def test_choices_are_read_once_per_data_generation(
    client, seeded, django_assert_max_num_queries
):
    client.get(FIGURES)
    client.get(PROJECTS)

    # The page count and the page's rows; choices and footer are cached.
    with django_assert_max_num_queries(2):
        client.get(FIGURES, {"country": "KEN", "metric": "passengers"})
    with django_assert_max_num_queries(3):  # and the countries' prefetch
        client.get(PROJECTS, {"country": "KEN", "metric": "passengers"})
