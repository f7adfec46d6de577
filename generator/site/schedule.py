"""When articles go up and come down: an article that is not a draft is published from its date
until it `expires:`. Builds publish what is live at their time; `newsroom due` lists what changed
between the last build's time and now, so that a scheduled job rebuilds only when that is so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from generator.model import Article

PUBLISHED, EXPIRED = "published", "expired"


@dataclass(frozen=True)
class Change:
    when: datetime
    kind: str  # PUBLISHED or EXPIRED
    article: Article


def is_expired(article: Article, now: datetime) -> bool:
    return article.expires is not None and article.expires <= now


def changes(articles: list[Article], since: datetime, until: datetime) -> list[Change]:
    """What a build at `until` publishes or takes down that a build at `since` did not, in order."""
    found = []
    for article in articles:
        if article.draft:
            continue
        if since < article.date <= until and not is_expired(article, until):
            found.append(Change(article.date, PUBLISHED, article))
        if article.expires is not None and since < article.expires <= until and article.date <= since:
            found.append(Change(article.expires, EXPIRED, article))
    return sorted(found, key=lambda c: (c.when, c.article.source))


def next_change(articles: list[Article], now: datetime) -> datetime | None:
    """The first moment after `now` at which an article goes up or comes down."""
    moments = [moment for a in articles if not a.draft for moment in (a.date, a.expires)
               if moment is not None and moment > now]
    return min(moments, default=None)
