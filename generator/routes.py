"""Every URL the site serves, with its template, its context and where it comes from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from . import dates, urls, views
from .diagnostics import Report
from .site import Site

SITEMAP_LIMIT = 50_000


@dataclass
class Route:
    url: str
    template: str | None  # None for a file published as is
    source: str  # the file it comes from, or what makes it ("config.yaml")
    context: Callable[[], dict] = dict
    static_source: str | None = None  # the file to copy, for static routes
    sitemap: bool = False
    lastmod: str | None = None
    line: tuple[int, int] = (0, 0)  # where in `source` the URL comes from
    fix: str = ""  # how a writer gives this route another URL; empty for generated pages
    # What the page's context is made of, beyond what every page shares: the articles it
    # shows (indices into site.articles, in order) and a repr-able value for the rest.
    # cache.route_key digests these, so a page is rendered again only when they change.
    deps: tuple[int, ...] = ()  # shown whole, body included
    shows: tuple[int, ...] = ()  # shown as teasers, without the body
    own: object = None


SLUG_FIX = 'give it another "slug:" in its front matter'


def collect(site: Site, report: Report) -> list[Route]:
    """All routes, checked for URL collisions (both sources named)."""
    common = {"site": views.site_view(site)}
    routes: list[Route] = []
    routes += _listing(site, common, "home", "Latest", urls.home(), range(len(site.articles)), "the home page")
    routes += [_article(site, common, i) for i in range(len(site.articles))]
    for section in site.config.sections:
        routes += _listing(site, common, "section", section.title, urls.section_url(section.slug),
                           site.by_section[section.slug], f'section "{section.title}" (config.yaml)',
                           section=section.slug)
    for slug, name in site.tag_names.items():
        routes += _listing(site, common, "tag", name, urls.tag_url(slug), site.by_tag[slug], f'tag "{name}"')
    for ident, author in site.authors.items():
        routes += _listing(site, common, "author", author.name, urls.author_url(ident), site.by_author[ident],
                           author.source, author=views.author_view(author, len(site.by_author[ident])),
                           fix="rename the author's file")
    routes += _indexes(site, common)
    routes += [_page(site, common, p) for p in site.pages]
    routes += _aliases(site, common)
    routes += [Route(f.url, None, f.source, static_source=f.absolute_source, fix="rename or move the file")
               for f in site.static]
    routes += _sitemaps(site, routes, common)
    return _unique(routes, report)


def _article(site: Site, common: dict, index: int) -> Route:
    article = site.articles[index]
    lastmod = dates.iso(article.updated or article.date)
    return Route(article.url, "article.html", article.source, partial(_article_context, site, common, index),
                 sitemap=article.status == "published", lastmod=lastmod, fix=SLUG_FIX,
                 line=_slug_line(article.lines), deps=(index,), shows=tuple(site.related[index]))


def _slug_line(lines: dict) -> tuple[int, int]:
    """Where a source's URL comes from: its slug: line, or else its file name (shown as line 1)."""
    return lines.get("slug", (1, 1))


def _article_context(site: Site, common: dict, index: int) -> dict:
    article = site.articles[index]
    view = {**views.article_view(site, index), "body": article.body}
    image = view["photo"]["absolute_src"] if view["photo"] else None
    return {**common, "article": view,
            "related": [views.article_view(site, i) for i in site.related[index]],
            "meta": views.meta(site.config, "article", article.title, article.url, article.summary, image=image,
                               image_alt=view["photo"]["alt"] if view["photo"] else None,
                               feed_url=urls.feed(view["section"]["url"]), feed_title=view["section"]["title"],
                               section=article.section,
                               jsonld=views.article_jsonld(site, article, view),
                               noindex=article.status != "published")}


def _listing(site: Site, common: dict, kind: str, title: str, url: str, indices, source: str,
             section: str | None = None, author: dict | None = None, fix: str = "") -> list[Route]:
    """A paginated listing and its feed: one abstraction for home, section, tag and author pages."""
    indices = list(indices)
    per_page = site.config.per_page
    pages = max(1, -(-len(indices) // per_page))
    routes = []
    for number in range(1, pages + 1):
        chunk = indices[(number - 1) * per_page : number * per_page]
        lastmod = _newest(site, chunk)
        routes.append(Route(urls.paged(url, number), "listing.html", source,
                            partial(_listing_context, site, common, kind, title, url, chunk, number, pages,
                                    section, author), sitemap=True, lastmod=lastmod, fix=fix,
                            shows=tuple(chunk), own=(kind, title, url, number, pages, section, author)))
    entries = indices[: site.config.feed_size]
    routes.append(Route(urls.feed(url), "feed.xml", source, partial(_feed_context, site, common, title, url, entries),
                        fix=fix, deps=tuple(entries), own=(title, url, None if entries else _site_updated(site))))
    return routes


def _listing_context(site: Site, common: dict, kind: str, title: str, url: str, chunk: list[int], number: int,
                     pages: int, section: str | None, author: dict | None) -> dict:
    own = urls.paged(url, number)
    heading = title if number == 1 else f"{title}, page {number}"
    description = _listing_description(site, kind, title, author)
    listing = {
        "kind": kind, "title": title, "articles": [views.article_view(site, i) for i in chunk],
        "page": number, "pages": pages, "feed_url": urls.feed(url), "author": author,
        "prev_url": urls.paged(url, number - 1) if number > 1 else None,
        "next_url": urls.paged(url, number + 1) if number < pages else None,
    }
    return {**common, "listing": listing,
            "meta": views.meta(site.config, kind, heading, own, description, feed_url=urls.feed(url),
                               feed_title=title, section=section,
                               image=_absolute_photo(site, author))}


def _absolute_photo(site: Site, author: dict | None) -> str | None:
    return urls.absolute(site.config, author["photo"]) if author and author["photo"] else None


def _listing_description(site: Site, kind: str, title: str, author: dict | None) -> str:
    if author and author["bio_summary"]:
        return author["bio_summary"]
    return {"home": site.config.description, "section": f"{title}: the latest from {site.config.title}.",
            "tag": f"Articles tagged {title} in {site.config.title}.",
            "author": f"Articles by {title} in {site.config.title}."}[kind]


def _feed_context(site: Site, common: dict, title: str, url: str, indices: list[int]) -> dict:
    entries = [views.feed_entry(site, i) for i in indices]
    updated = max((e["updated_iso"] for e in entries), default=None) or _site_updated(site)
    name = site.config.title if url == urls.home() else f"{title} – {site.config.title}"
    feed = {"title": name, "id": urls.absolute(site.config, url), "url": urls.absolute(site.config, url),
            "self_url": urls.absolute(site.config, urls.feed(url)), "updated_iso": updated, "entries": entries}
    return {**common, "feed": feed,
            "meta": views.meta(site.config, "feed", name, urls.feed(url))}


def _site_updated(site: Site) -> str:
    """The newest date in the site: feeds of empty listings need one, and the clock would break determinism."""
    newest = max((a.updated or a.date for a in site.articles), default=None)
    return dates.iso(newest) if newest else "1970-01-01T00:00:00+00:00"


def _newest(site: Site, chunk: list[int]) -> str | None:
    moments = [site.articles[i].updated or site.articles[i].date for i in chunk]
    return dates.iso(max(moments)) if moments else None


def _indexes(site: Site, common: dict) -> list[Route]:
    config = site.config
    tags = [{"name": name, "slug": slug, "url": urls.tag_url(slug), "count": len(site.by_tag[slug])}
            for slug, name in sorted(site.tag_names.items(), key=lambda kv: (kv[1].casefold(), kv[0]))]
    authors = [views.author_view(a, len(site.by_author[a.id]))
               for a in sorted(site.authors.values(), key=lambda a: (a.name.casefold(), a.id))]
    tags_meta = views.meta(config, "tags", "Tags", urls.TAGS, f"Every topic covered by {config.title}.")
    authors_meta = views.meta(config, "authors", "Authors", urls.AUTHORS, f"The writers of {config.title}.")
    not_found = views.meta(config, "404", "Page not found", urls.NOT_FOUND, noindex=True)
    return [
        Route(urls.TAGS, "tags.html", "the tags index", lambda: {**common, "tags": tags, "meta": tags_meta},
              sitemap=True, own=tags),
        Route(urls.AUTHORS, "authors.html", "the authors index",
              lambda: {**common, "authors": authors, "meta": authors_meta}, sitemap=True, own=authors),
        Route(urls.NOT_FOUND, "404.html", "the 404 page", lambda: {**common, "meta": not_found}),
        Route(urls.ROBOTS, "robots.txt", "the generated robots.txt",
              lambda: {**common, "sitemap_url": urls.absolute(config, urls.SITEMAP)}),
    ]


def _page(site: Site, common: dict, page) -> Route:
    context = {**common, "page": {"title": page.title, "body": page.body, "url": page.url},
               "meta": views.meta(site.config, "page", page.title, page.url, page.summary)}
    return Route(page.url, "page.html", page.source, lambda: context, sitemap=True, fix=SLUG_FIX,
                 line=_slug_line(page.lines), own=page)


def _aliases(site: Site, common: dict) -> list[Route]:
    routes = []
    for index, article in enumerate(site.articles):
        for old in article.aliases:
            url = urls.alias(old)
            routes.append(Route(url, "redirect.html", article.source, partial(_alias_context, site, common, index, url),
                                line=article.lines.get("aliases", (1, 1)), fix=f"remove or change the alias {old}",
                                shows=(index,)))
    return routes


def _alias_context(site: Site, common: dict, index: int, url: str) -> dict:
    article = site.articles[index]
    target = {"url": article.url, "absolute_url": urls.absolute(site.config, article.url)}
    return {**common, "redirect": target,
            "meta": views.meta(site.config, "redirect", article.title, url, article.summary, noindex=True)}


def _sitemaps(site: Site, routes: list[Route], common: dict) -> list[Route]:
    """One sitemap, or past 50,000 URLs an index of several, as the protocol says."""
    entries = [{"loc": urls.absolute(site.config, r.url), "lastmod": r.lastmod} for r in routes if r.sitemap]
    if len(entries) <= SITEMAP_LIMIT:
        return [Route(urls.SITEMAP, "sitemap.xml", "the sitemap", lambda: {**common, "urls": entries}, own=entries)]
    parts = [entries[i : i + SITEMAP_LIMIT] for i in range(0, len(entries), SITEMAP_LIMIT)]
    result = []
    index = []
    for number, part in enumerate(parts, 1):
        url = urls.sitemap_part(number)
        result.append(Route(url, "sitemap.xml", "the sitemap", partial(dict, common, urls=part), own=part))
        newest = max((e["lastmod"] for e in part if e["lastmod"]), default=None)
        index.append({"loc": urls.absolute(site.config, url), "lastmod": newest})
    result.append(Route(urls.SITEMAP, "sitemap_index.xml", "the sitemap", lambda: {**common, "sitemaps": index},
                        own=index))
    return result


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
