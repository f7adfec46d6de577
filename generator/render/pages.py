"""The render stage: every route's page, taken from the store when its key is unchanged and
rendered otherwise, on all cores.

A page's key is a digest of its template (with every layout) and of what the template
receives: the config, the site view and the route's arguments, in which each article a page
shows stands as a digest of its view (what the template gets of it). Nothing a template
receives is left out of its key, since the route's context is made from nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from generator.diagnostics import Diagnostic, Report
from generator.keys import digest, page_key
from generator.render.routes import Route
from generator.render.views import Ref, Views, article_view, page_view, site_view
from generator.urls import output_path


@dataclass
class Prints:
    """Two digests per article: of its view without the body (teasers), and of that and what its own
    page adds (the body, the table of contents)."""

    teaser: list[bytes] = field(default_factory=list)
    whole: list[bytes] = field(default_factory=list)


@dataclass
class Rendered:
    """The pages of one build: each output path's file (in the store, or a static file to copy)
    and key, and the problems met."""

    files: dict[str, str | Path] = field(default_factory=dict)
    keys: dict[str, bytes] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    rendered: int = 0  # pages rendered (the others came from the store)


def prints_of(site, executor, earlier: tuple | None = None) -> Prints:
    """Every article's digests; `earlier`, an earlier (site, Prints): the articles it has at the same
    place, as they are and with the same authors and tags (a revised site), keep their digests."""
    old_site, old = earlier if earlier is not None else (None, Prints())
    same = old_site is not None and old_site.authors is site.authors and old_site.tag_names is site.tag_names \
        and len(old_site.articles) == len(site.articles)
    if same:
        prints = Prints(list(old.teaser), list(old.whole))
        todo = [i for i, (a, b) in enumerate(zip(site.articles, old_site.articles, strict=True)) if a is not b]
    else:
        prints = Prints([b""] * len(site.articles), [b""] * len(site.articles))
        todo = list(range(len(site.articles)))
    for index, (teaser, whole) in zip(todo, executor.map(partial(_print, site), todo, 256), strict=True):
        prints.teaser[index], prints.whole[index] = teaser, whole
    return prints


def _print(site, index: int) -> tuple[bytes, bytes]:
    teaser = digest(repr(article_view(site, index)))
    return teaser, digest(teaser, repr(page_view(site, index)))


def shared_key(site, layouts: bytes) -> bytes:
    """What every page receives: the config and the site view; and every layout."""
    return digest(layouts, repr(site.config), repr(site_view(site)))


def received(route: Route, prints: Prints) -> bytes:
    """A digest of a route's arguments, each Ref as the digest of what it stands for."""
    def encode(value) -> str:
        if isinstance(value, Ref):
            found = prints.teaser if value.form == "teaser" else prints.whole
            return f"{value.form}:{found[value.index].hex()}"
        if isinstance(value, tuple):
            return "(" + ",".join(encode(item) for item in value) + ")"
        return repr(value)

    return digest(route.make.__qualname__, encode(route.args))


def render_pages(site, routes: list[Route], numbers: list[int], renderer, shared: bytes, prints: Prints, store,
                 executor, progress: Callable | None = None) -> Rendered:
    """The pages of routes[n] for each n of `numbers`."""
    # Made once per process (forked workers each fill their own copy): the article views pages share.
    views = Views(site)
    job = partial(_page, views, routes, renderer, shared, prints, store)
    rendered = Rendered()
    used = []
    for done, (number, key, file, problems, made) in enumerate(executor.map(job, numbers, 64), 1):
        rel = output_path(routes[number].url)
        rendered.problems += problems
        rendered.rendered += made
        if key is not None:
            used.append(key)
            rendered.keys[rel] = key
        if file is not None:
            rendered.files[rel] = file
        if progress:
            progress("rendering pages", done, len(numbers))
    store.adopt(used)
    return rendered


def _page(views: Views, routes: list[Route], renderer, shared: bytes, prints: Prints, store, number: int) -> tuple:
    """(number, key, the file that holds the page, problems, whether it was rendered). Runs in a worker."""
    route = routes[number]
    if route.template is None:
        return number, None, Path(route.static_source), [], False
    key = page_key(shared, route.template, received(route, prints))
    file = store.file(key)
    if file is not None:
        return number, key, file, [], False
    report = Report()
    context = route.make(views.site.config, views.site_view, *views.resolve(route.args))
    data = renderer.render(route.template, context, report)
    return number, key, None if data is None else store.put(key, data), report.items, True
