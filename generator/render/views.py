"""What templates receive: plain dicts built from the model (the contract is the README's "Template context")."""

from __future__ import annotations

import json
import re
from typing import NamedTuple

from markupsafe import escape

from generator import dates, urls
from generator.config import Config
from generator.model import Author, Photo
from generator.read import markup
from generator.site.assemble import Site


def site_view(site: Site) -> dict:
    config = site.config
    newest = site.articles[0].date.year if site.articles else None
    return {
        "title": config.title, "description": config.description, "base_url": config.base_url,
        "language": config.language, "feed_url": urls.feed(urls.home()), "year": newest,
        "sections": [{"slug": s.slug, "title": s.title, "url": urls.section_url(s.slug)} for s in config.sections],
        "pages": [{"title": p.title, "url": p.url} for p in sorted(site.pages, key=lambda p: p.url)],
    }


def meta(config: Config, kind: str, title: str, url: str, description: str = "", *, image: str | None = None,
         image_alt: str | None = None, feed_url: str | None = None, feed_title: str | None = None,
         section: str | None = None, jsonld: str | None = None, noindex: bool = False) -> dict:
    return {
        "kind": kind, "title": title, "document_title": document_title(config, kind, title),
        "url": url, "canonical": urls.absolute(config, url),
        "description": description or config.description or config.title, "image": image, "image_alt": image_alt,
        "og_type": "article" if kind == "article" else "website",
        "feed_url": feed_url or urls.feed(urls.home()), "feed_title": f"{feed_title or title} – {config.title}",
        "section": section, "jsonld": jsonld, "noindex": noindex,
    }


TITLE_LIMIT = 70  # characters search engines show of a <title>; validators warn past it


def document_title(config: Config, kind: str, title: str) -> str:
    """"Headline – Site", or the headline alone when that is too long, cut on a word if it must be."""
    def fits(text: str) -> bool:  # as the page has it: an apostrophe counts as &#39;
        return len(escape(text)) <= TITLE_LIMIT

    full = f"{title} – {config.title}"
    if kind == "home" or not title:
        return config.title
    if fits(full):
        return full
    words = title.split()
    while words and not fits(" ".join(words) + "…"):
        words.pop()
    return title if fits(title) else " ".join(words).rstrip(",;:–-") + "…"


def author_summary(author: Author) -> dict:
    return {"id": author.id, "name": author.name, "role": author.role, "url": urls.author_url(author.id)}


def photo_view(config: Config, photo: Photo | None) -> dict | None:
    if photo is None:
        return None
    return {"src": photo.src, "absolute_src": _absolute(config, photo.src), "alt": photo.alt,
            "caption": photo.caption, "credit": photo.credit}


class Ref(NamedTuple):
    """Article `index` of the site as a page's context receives it: a "teaser" (listings and
    related rails: no body), "whole" (its own page: with the body) or a "feed" entry (full text,
    links made absolute). Routes hold these in place of the views; see Views.resolve. (A tuple,
    since routes hold many: whatever looks into a route's arguments tells a Ref first.)"""

    index: int
    form: str = "teaser"


class Views:
    """The views of one site's articles, each made once and shared by every page that shows it
    (callers that add to one copy it first)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.site_view = site_view(site)
        self.made: dict[Ref, dict] = {}

    def resolve(self, value):
        """`value` with every Ref in it (in tuples, at any depth) replaced by its view."""
        if isinstance(value, Ref):
            return self.view(value)
        if isinstance(value, tuple):
            return [self.resolve(item) for item in value]
        return value

    def view(self, ref: Ref) -> dict:
        view = self.made.get(ref)
        if view is None:
            view = self.made[ref] = self._make(ref)
        return view

    def _make(self, ref: Ref) -> dict:
        site, article = self.site, self.site.articles[ref.index]
        if ref.form == "teaser":
            return article_view(site, ref.index)
        view = dict(self.view(Ref(ref.index)))
        if ref.form == "whole":
            view["body"] = article.body
        else:
            view["content"] = absolute_links(site.config, article.body, view["absolute_url"])
            view["published_iso"] = view["date_iso"]
            view["updated_iso"] = view["updated_iso"] or view["date_iso"]
        return view


def article_view(site: Site, index: int) -> dict:
    """Article `index` as listings, the related rail and feeds show it (no body)."""
    config, article = site.config, site.articles[index]
    section = config.section(article.section)
    return {
        "title": article.title, "url": article.url, "absolute_url": urls.absolute(config, article.url),
        "date_iso": dates.iso(article.date), "date_display": dates.display(article.date),
        "updated_iso": dates.iso(article.updated) if article.updated else None,
        "updated_display": dates.display(article.updated) if article.updated else None,
        "authors": [author_summary(site.authors[i]) for i in article.authors],
        "section": {"slug": section.slug, "title": section.title, "url": urls.section_url(section.slug)},
        "tags": [{"name": site.tag_names[s], "slug": s, "url": urls.tag_url(s)} for s in site.tags_of[index]],
        "dateline": article.dateline, "summary": article.summary, "photo": photo_view(config, article.photo),
        "status": article.status, "extra": article.extra,
    }


def absolute_links(config: Config, body: str, page: str) -> str:
    """Root-relative, protocol-relative (//host/x) and in-page (#fn-1) links made absolute, as feed
    readers need (a feed has no page whose address they could be read against)."""
    scheme = config.base_url.split(":", 1)[0]
    body = re.sub(r'(href|src)="//', lambda m: f'{m.group(1)}="{scheme}://', body)
    body = re.sub(r'(href|src)="/(?!/)', lambda m: f'{m.group(1)}="{config.base_url}/', body)
    return body.replace('href="#', f'href="{page}#')


def _absolute(config: Config, url: str) -> str:
    return urls.absolute(config, url) if url.startswith("/") and not url.startswith("//") else url


def article_jsonld(config: Config, view: dict) -> str:
    """schema.org NewsArticle and its BreadcrumbList, as one JSON-LD graph."""
    news = {
        "@type": "NewsArticle", "headline": view["title"], "description": view["summary"],
        "datePublished": view["date_iso"], "dateModified": view["updated_iso"] or view["date_iso"],
        "mainEntityOfPage": view["absolute_url"], "url": view["absolute_url"],
        "articleSection": view["section"]["title"], "inLanguage": config.language,
        "author": [{"@type": "Person", "name": a["name"], "url": urls.absolute(config, a["url"])}
                   for a in view["authors"]],
        "publisher": {"@type": "Organization", "name": config.title, "url": config.base_url + "/"},
    }
    if view["tags"]:
        news["keywords"] = [t["name"] for t in view["tags"]]
    if view["photo"]:
        news["image"] = [view["photo"]["absolute_src"]]
    section = view["section"]
    crumbs = [("Home", config.base_url + "/"), (section["title"], urls.absolute(config, section["url"])),
              (view["title"], view["absolute_url"])]
    trail = {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": n, "name": name, "item": url} for n, (name, url) in enumerate(crumbs, 1)]}
    return json_script({"@context": "https://schema.org", "@graph": [news, trail]})


def json_script(data: dict) -> str:
    """JSON safe inside <script>: no "</" can close the element early."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def author_view(author: Author, count: int = 0) -> dict:
    view = author_summary(author)
    view.update({"bio": author.bio, "bio_summary": markup.excerpt(markup.plain_text(author.bio), 30),
                 "photo": author.photo.src if author.photo else None, "email": author.email,
                 "links": [{"label": label, "url": url} for label, url in author.links], "count": count})
    return view
