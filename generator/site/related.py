"""Related articles: for each article, the ones most like it, found without comparing every pair."""

from __future__ import annotations

import bisect
import heapq

RELATED_WINDOW = 30  # articles scored on either side in each shared tag and author: bounds the work
# Scores are integers, so that (tags, authors, section) order exactly: a tag's weight (rarer tags
# weigh more) is a multiple of TAG_UNIT, larger than any sum of author weights, each larger than
# the section's 1.
AUTHOR_WEIGHT = 2
TAG_UNIT = 64


def related(site, index: int) -> list[int]:
    """The articles most like article `index` of the Site: shared tags (rarer ones weigh more),
    then shared authors, then the same section; newest first among equals.

    Only the RELATED_WINDOW articles on either side of this one in each tag's
    and author's list (by date) are scored, so the work grows with the number
    of articles, not with its square, and old articles find their own era.
    """
    placed, placements = site.placements[index], site.placements
    score: dict[int, int] = {}
    for slug in site.tags_of[index]:
        weight = site.tag_weights[slug]
        for other in _near(site.by_tag[slug], index):
            score[other] = score.get(other, 0) + weight
    for ident in placed.authors:
        for other in _near(site.by_author[ident], index):
            score[other] = score.get(other, 0) + AUTHOR_WEIGHT
    score.pop(index, None)
    want = site.config.related
    best = []
    if score:
        # Only candidates as good as the want-th best can make it: the section (worth 1) only breaks ties.
        floor = heapq.nlargest(want, score.values())[-1]
        section = placed.section
        best = [o for _, o in sorted((-(s + (placements[o].section == section)), o)
                                     for o, s in score.items() if s >= floor)][:want]
    for other in site.by_section[placed.section]:
        if len(best) >= want:
            break
        if other != index and other not in best:
            best.append(other)
    return best


def _near(posting: list[int], index: int) -> list[int]:
    """The articles of a (newest first) list closest in date to article `index`."""
    at = bisect.bisect_left(posting, index)
    return posting[max(0, at - RELATED_WINDOW) : at + RELATED_WINDOW + 1]
