"""Every URL the site serves: its template, what its context is made from, and where it comes from.

A route's context is made by a function of the config, the site view and the route's `args`
(plain values and views.Ref, which stand for an article's view): it receives nothing else, so
what a page shows is what those arguments say, and pages.py keys each page by them. Routes are
planned from the site's grouping and its articles' placements only, never from an article's
title or body: an edit that leaves every article where it was (site.revise) keeps the same routes.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from generator import dates, urls
from generator.diagnostics import Report
from generator.read import markup
from generator.render import views
from generator.render.views import Ref
from generator.site.assemble import Site

SITEMAP_LIMIT = 50_000


@dataclass(frozen=True)
class Route:
    url: str
    template: str | None  # None for a file published as is
    source: str  # the file it comes from, or what makes it ("config.yaml")
    make: Callable[..., dict] | None = None  # the context: make(config, site view, *args)
    args: tuple = ()  # all the context is made from, besides the config and the site view
    static_source: str | None = None  # the file to copy, for static routes
    sitemap: bool = False
    lastmod: str | None = None
    line: tuple[int, int] = (0, 0)  # where in `source` the URL comes from
    fix: str = ""  # how a writer gives this route another URL; empty for generated pages


SLUG_FIX = 'give it another "slug:" in its front matter'


def plan(site: Site, report: Report) -> list[Route]:
    """All routes, checked for URL collisions (both sources named)."""
    routes: list[Route] = []
    newest = _site_updated(site)
    listing = partial(_listing, site, newest)
    routes += listing("home", "Latest", urls.home(), range(len(site.articles)), "the home page")
    routes += [_article(site, i) for i in range(len(site.articles))]
    for section in site.config.sections:
        routes += listing("section", section.title, urls.section_url(section.slug),
                           site.by_section[section.slug], f'section "{section.title}" (config.yaml)',
                           section=section.slug)
    for slug, name in site.tag_names.items():
        routes += listing("tag", name, urls.tag_url(slug), site.by_tag[slug], f'tag "{name}"')
    for slug, name in site.series_names.items():
        routes += listing("series", name, urls.series_url(slug), site.by_series[slug], f'series "{name}"')
    for ident, author in site.authors.items():
        routes += listing("author", author.name, urls.author_url(ident), site.by_author[ident],
                           author.source, author=views.author_view(author, len(site.by_author[ident]), site.sizes),
                           fix="rename the author's file")
    routes += _archives(site, listing)
    routes += _indexes(site)
    routes += _corrections(site, newest)
    routes += [_page(p) for p in site.pages]
    routes += _aliases(site)
    routes += [Route(f.url, None, f.source, static_source=f.absolute_source, fix="rename or move the file")
               for f in site.static]
    routes += _sitemaps(site, routes)
    return _unique(routes, report)


def _article(site: Site, index: int) -> Route:
    placed = site.placements[index]
    series = None
    if placed.series:
        parts = site.by_series[placed.series]
        series = (site.series_names[placed.series], urls.series_url(placed.series), parts.index(index) + 1,
                  tuple(Ref(i) for i in parts))
    return Route(placed.url, "article.html", placed.source, _article_context,
                 (Ref(index, "whole"), tuple(Ref(i) for i in site.related[index]), series),
                 sitemap=placed.status == "published", lastmod=dates.iso(placed.updated or placed.date),
                 fix=SLUG_FIX, line=placed.lines[0])


def _article_context(config, site: dict, article: dict, related: list[dict], series: list | None) -> dict:
    authors = tuple(urls.absolute(config, a["url"]) for a in article["authors"])
    if series:
        title, url, part, parts = series
        series = {"title": title, "url": url, "part": part, "count": len(parts), "parts": parts}
    return {"site": site, "article": article, "related": related[: rail_length(article)], "series": series,
            "meta": views.meta(config, site, "article", article["title"], article["url"], article["summary"],
                               image=views.photo_image(article["photo"]),
                               feed_url=urls.feed(article["section"]["url"]), feed_title=article["section"]["title"],
                               section=article["section"]["slug"], jsonld=views.article_jsonld(config, site, article),
                               noindex=article["status"] != "published", authors=authors)}


# The rail is never longer than the story beside it: an item of it is about as tall as this many
# words of the story, and the story's headline and photo count too.
RAIL_ITEM_WORDS, HEADER_WORDS, PHOTO_WORDS = 75, 110, 160


def rail_length(article: dict) -> int:
    """How many related articles fit beside this story (at least one)."""
    words = len(markup.plain_text(article["body"]).split()) + HEADER_WORDS
    words += PHOTO_WORDS if article["photo"] else 0
    return max(1, words // RAIL_ITEM_WORDS)


def _listing(site: Site, newest: str, kind: str, title: str, url: str, indices, source: str,
             section: str | None = None, author: dict | None = None, fix: str = "") -> list[Route]:
    """A paginated listing and its feed: one abstraction for home, section, tag and author pages."""
    indices = list(indices)
    per_page = site.config.per_page
    pages = max(1, -(-len(indices) // per_page))
    routes = []
    for number in range(1, pages + 1):
        chunk = indices[(number - 1) * per_page : number * per_page]
        routes.append(Route(urls.paged(url, number), "listing.html", source, _listing_context,
                            (kind, title, url, tuple(Ref(i) for i in chunk), number, pages, section, author),
                            sitemap=True, lastmod=_newest(site, chunk), fix=fix))
    entries = sorted(indices)[: site.config.feed_size]  # the newest (a series lists its parts oldest first)
    routes.append(Route(urls.feed(url), "feed.xml", source, _feed_context,
                        (title, url, tuple(Ref(i, "feed") for i in entries), None if entries else newest), fix=fix))
    return routes


def _listing_context(config, site: dict, kind: str, title: str, url: str, articles: list[dict], number: int,
                     pages: int, section: str | None, author: dict | None) -> dict:
    own = urls.paged(url, number)
    named = {"tag": f"Tag: {title}", "series": f"Series: {title}"}.get(kind, title)  # a tag may be named as a section
    heading = named if number == 1 else f"{named}, page {number}"
    listing = {
        "kind": kind, "title": title, "articles": articles,
        "page": number, "pages": pages, "feed_url": urls.feed(url), "author": author,
        "prev_url": urls.paged(url, number - 1) if number > 1 else None,
        "next_url": urls.paged(url, number + 1) if number < pages else None,
        "numbers": [n and {"number": n, "url": urls.paged(url, n)} for n in page_numbers(number, pages)],
    }
    photo = {"src": author["photo"], "width": author["photo_width"], "height": author["photo_height"],
             "absolute_src": urls.absolute(config, author["photo"]), "alt": f"Portrait of {author['name']}"} \
        if author and author["photo"] else None
    # Page 2 on of the home page is a listing like any other: its title says which page it is.
    meta = views.meta(config, site, "latest" if kind == "home" and number > 1 else kind, heading, own,
                      _listing_description(config, kind, title, author), image=views.photo_image(photo),
                      feed_url=urls.feed(url), feed_title=title, section=section)
    meta["jsonld"] = views.listing_jsonld(config, site, meta, author)
    return {"site": site, "listing": listing, "meta": meta}


def page_numbers(current: int, pages: int, around: int = 2) -> list[int | None]:
    """The page numbers a listing links to: the first, the last, and those around the current one;
    None where numbers are left out (shown as "…"): 1 2 3 … 50."""
    shown = {1, pages, *range(max(1, current - around), min(pages, current + around) + 1)}
    numbers: list[int | None] = []
    for n in sorted(shown):
        if numbers and n - numbers[-1] == 2:
            numbers.append(n - 1)  # a gap of one number: the number itself is as short as "…"
        elif numbers and n - numbers[-1] > 2:
            numbers.append(None)
        numbers.append(n)
    return numbers


def _listing_description(config, kind: str, title: str, author: dict | None) -> str:
    if author and author["bio_summary"]:
        return author["bio_summary"]
    return {"home": config.description, "section": f"{title}: the latest from {config.title}.",
            "tag": f"Articles tagged {title} in {config.title}.",
            "series": f"{title}: every part of the series, in order, from {config.title}.",
            "year": f"Articles of {title} in {config.title}.", "month": f"Articles of {title} in {config.title}.",
            "author": f"Articles by {title} in {config.title}."}[kind]


def _feed_context(config, site: dict, title: str, url: str, entries: list[dict], site_updated: str | None) -> dict:
    updated = max((e["updated_iso"] for e in entries), default=None) or site_updated
    name = config.title if url == urls.home() else f"{title} – {config.title}"
    feed = {"title": name, "id": urls.absolute(config, url), "url": urls.absolute(config, url),
            "self_url": urls.absolute(config, urls.feed(url)), "updated_iso": updated, "entries": entries}
    return {"site": site, "feed": feed, "meta": views.meta(config, site, "feed", name, urls.feed(url))}


def _site_updated(site: Site) -> str:
    """The newest date in the site: feeds of empty listings need one, and the clock would break determinism."""
    return _newest(site, range(len(site.placements))) or "1970-01-01T00:00:00+00:00"


def _newest(site: Site, chunk: list[int]) -> str | None:
    moments = [site.placements[i].updated or site.placements[i].date for i in chunk]
    return dates.iso(max(moments)) if moments else None


def _indexes(site: Site) -> list[Route]:
    tags = [{"name": name, "slug": slug, "url": urls.tag_url(slug), "count": len(site.by_tag[slug])}
            for slug, name in sorted(site.tag_names.items(), key=lambda kv: (kv[1].casefold(), kv[0]))]
    authors = [views.author_view(a, len(site.by_author[a.id]), site.sizes)
               for a in sorted(site.authors.values(), key=lambda a: (a.name.casefold(), a.id))]
    return [
        Route(urls.TAGS, "tags.html", "the tags index", _tags_context, (tags,), sitemap=True),
        Route(urls.AUTHORS, "authors.html", "the authors index", _authors_context, (authors,), sitemap=True),
        Route(urls.NOT_FOUND, "404.html", "the 404 page", _not_found_context,
              (tuple(Ref(i) for i in range(min(NOT_FOUND_LATEST, len(site.articles)))),)),
        Route(urls.ROBOTS, "robots.txt", "the generated robots.txt", _robots_context),
    ]


def _archives(site: Site, listing: Callable) -> list[Route]:
    """A listing for each year and month that has articles, and /archive/, which counts them."""
    years: dict[int, dict[int, list[int]]] = {}
    for index, placed in enumerate(site.placements):  # newest first, as each listing shows them
        years.setdefault(placed.date.year, {}).setdefault(placed.date.month, []).append(index)
    routes = []
    summary = []
    for year, months in years.items():
        in_year = [index for indices in months.values() for index in indices]
        routes += listing("year", str(year), urls.year_url(year), in_year, "the date archive")
        for month, indices in months.items():
            routes += listing("month", f"{dates.MONTHS[month - 1]} {year}", urls.month_url(year, month), indices,
                              "the date archive")
        summary.append((year, len(in_year), tuple((dates.MONTHS[month - 1], len(indices), urls.month_url(year, month))
                                                  for month, indices in months.items())))
    return routes + [Route(urls.ARCHIVE, "archive.html", "the date archive", _archive_context, (tuple(summary),),
                           sitemap=True)]


def _archive_context(config, site: dict, years: list) -> dict:
    view = [{"year": year, "count": count, "url": urls.year_url(year),
             "months": [{"name": name, "count": n, "url": url} for name, n, url in months]}
            for year, count, months in years]
    return {"site": site, "years": view,
            "meta": views.meta(config, site, "archive", "Archive", urls.ARCHIVE,
                               f"Every article in {config.title}, by year and month.")}


def _corrections(site: Site, newest: str) -> list[Route]:
    """Every correction of the site's articles, newest first: a page and its feed."""
    made = sorted(((moment, index, number) for index, placed in enumerate(site.placements)
                   for number, moment in enumerate(placed.corrections)), key=lambda c: (-c[0].timestamp(), c[1], c[2]))
    notices = tuple((Ref(index), number) for _, index, number in made)
    return [Route(urls.CORRECTIONS, "corrections.html", "the corrections page", _corrections_context, (notices,),
                  sitemap=True),
            Route(urls.feed(urls.CORRECTIONS), "feed.xml", "the corrections page", _corrections_feed_context,
                  (notices[: site.config.feed_size], newest))]


def _notices(notices: list) -> list[dict]:
    """(article view, number) pairs as the notices they are: the article's correction, and the article."""
    return [{**article["corrections"][number], "number": number + 1, "article": article} for article, number in notices]


def _corrections_context(config, site: dict, notices: list) -> dict:
    return {"site": site, "corrections": _notices(notices),
            "meta": views.meta(config, site, "corrections", "Corrections", urls.CORRECTIONS,
                               f"Every correction, clarification and update to articles in {config.title}, newest "
                               "first.", feed_url=urls.feed(urls.CORRECTIONS))}


def _corrections_feed_context(config, site: dict, notices: list, site_updated: str) -> dict:
    """The corrections as Atom entries: each links to its notice on the article's page."""
    entries = []
    for notice in _notices(notices):
        article = notice["article"]
        entries.append({**article, "title": f'{notice["label"]}: {article["title"]}',
                        "id": f'{article["absolute_url"]}#correction-{notice["number"]}',
                        "absolute_url": f'{article["absolute_url"]}#corrections', "summary": notice["text"],
                        "content": html.escape(notice["text"]), "published_iso": notice["date_iso"],
                        "updated_iso": notice["date_iso"]})
    name, page = f"Corrections – {config.title}", urls.absolute(config, urls.CORRECTIONS)
    feed = {"title": name, "id": page, "url": page, "self_url": urls.absolute(config, urls.feed(urls.CORRECTIONS)),
            "updated_iso": entries[0]["updated_iso"] if entries else site_updated, "entries": entries}
    return {"site": site, "feed": feed, "meta": views.meta(config, site, "feed", name, urls.feed(urls.CORRECTIONS))}


def _tags_context(config, site: dict, tags: list[dict]) -> dict:
    return {"site": site, "tags": tags,
            "meta": views.meta(config, site, "tags", "Tags", urls.TAGS, f"Every topic covered by {config.title}.")}


def _authors_context(config, site: dict, authors: list[dict]) -> dict:
    return {"site": site, "authors": authors,
            "meta": views.meta(config, site, "authors", "Authors", urls.AUTHORS, f"The writers of {config.title}.")}


NOT_FOUND_LATEST = 5  # stories the 404 page offers


def _not_found_context(config, site: dict, latest: list[dict]) -> dict:
    return {"site": site, "latest": latest,
            "meta": views.meta(config, site, "404", "Page not found", urls.NOT_FOUND, noindex=True)}


def _robots_context(config, site: dict) -> dict:
    return {"site": site, "sitemap_url": urls.absolute(config, urls.SITEMAP)}


def _page(page) -> Route:
    return Route(page.url, "page.html", page.source, _page_context, (page.title, page.body, page.url, page.summary),
                 sitemap=True, fix=SLUG_FIX, line=page.lines.get("slug", (1, 1)))


def _page_context(config, site: dict, title: str, body: str, url: str, summary: str) -> dict:
    return {"site": site, "page": {"title": title, "body": body, "url": url},
            "meta": views.meta(config, site, "page", title, url, summary)}


def _aliases(site: Site) -> list[Route]:
    routes = []
    for index, placed in enumerate(site.placements):
        for old in placed.aliases:
            url = urls.alias(old)
            routes.append(Route(url, "redirect.html", placed.source, _alias_context, (Ref(index), url),
                                line=placed.lines[1], fix=f"remove or change the alias {old}"))
    return routes


def _alias_context(config, site: dict, article: dict, url: str) -> dict:
    return {"site": site, "redirect": {"url": article["url"], "absolute_url": article["absolute_url"]},
            "meta": views.meta(config, site, "redirect", article["title"], url, article["summary"], noindex=True)}


def _sitemaps(site: Site, routes: list[Route]) -> list[Route]:
    """One sitemap, or past 50,000 URLs an index of several, as the protocol says."""
    entries = [{"loc": urls.absolute(site.config, r.url), "lastmod": r.lastmod} for r in routes if r.sitemap]
    if len(entries) <= SITEMAP_LIMIT:
        return [Route(urls.SITEMAP, "sitemap.xml", "the sitemap", _sitemap_context, (entries,))]
    parts = [entries[i : i + SITEMAP_LIMIT] for i in range(0, len(entries), SITEMAP_LIMIT)]
    result = []
    index = []
    for number, part in enumerate(parts, 1):
        url = urls.sitemap_part(number)
        result.append(Route(url, "sitemap.xml", "the sitemap", _sitemap_context, (part,)))
        newest = max((e["lastmod"] for e in part if e["lastmod"]), default=None)
        index.append({"loc": urls.absolute(site.config, url), "lastmod": newest})
    result.append(Route(urls.SITEMAP, "sitemap_index.xml", "the sitemap", _sitemap_index_context, (index,)))
    return result


def _sitemap_context(config, site: dict, entries: list[dict]) -> dict:
    return {"site": site, "urls": entries}


def _sitemap_index_context(config, site: dict, sitemaps: list[dict]) -> dict:
    return {"site": site, "sitemaps": sitemaps}


def _unique(routes: list[Route], report: Report) -> list[Route]:
    """Drop and report routes that would leave the output folder, or whose file another route
    already makes (or needs as a folder, or has as a folder); the writer's file is blamed, the
    other one named."""
    files: dict[str, Route] = {}
    folders: dict[str, Route] = {}  # every folder some route's file is in, with the first such route
    kept = []
    for route in routes:
        if not urls.is_safe(route.url):
            report.error(route.source, f'URL "{route.url}" would leave the output folder; {route.fix or "change it"}',
                         *route.line)
            continue
        path = urls.output_path(route.url)
        parents = _folders(path)
        other = files.get(path) or folders.get(path) or next((files[p] for p in parents if p in files), None)
        if other is not None:
            _collision(route, other, report)
            continue
        files[path] = route
        for folder in parents:
            folders.setdefault(folder, route)
        kept.append(route)
    return kept


def _folders(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[: n + 1]) for n in range(len(parts))]


def _collision(route: Route, other: Route, report: Report) -> None:
    """Report two routes that want one file (or a file and a folder). The writer's file is blamed
    and the other named, with its line; when both are articles or pages, both files are told."""
    blame, named = (route, other) if _blame_rank(route) >= _blame_rank(other) else (other, route)
    where = blame.source if blame.fix else "config.yaml"
    fix = blame.fix or "give the section another slug in config.yaml"
    both = fix == named.fix == SLUG_FIX
    if both:
        fix = fix.replace("give it", "give one of them")
    for one, two in [(blame, named), (named, blame)] if both else [(blame, named)]:
        report.error(where if one is blame else one.source, f"{_clash(one, two)}; {fix}", *one.line)


def _blame_rank(route: Route) -> int:
    """Who gives way in a collision: an alias (an old URL) first, then a slug, then a file published
    as is; generated pages (sections, tags...) never, their URLs come from config.yaml or the tags."""
    if route.template == "redirect.html":
        return 3
    return 2 if route.fix == SLUG_FIX else 1 if route.fix else 0


def _clash(route: Route, other: Route) -> str:
    named = other.source + (f" (line {other.line[0]})" if other.line[0] > 1 else "")
    if urls.output_path(route.url) == urls.output_path(other.url):
        made = " (made from the file's name)" if route.fix == SLUG_FIX and route.line == (1, 1) else ""
        return f"URL {route.url}{made} is also the URL of {named}"
    return f"URL {route.url} and {other.url} (from {named}) cannot both exist: one would be a folder"
