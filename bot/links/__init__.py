"""Safe link fetching and article extraction.

``find_links``/``non_http_links``/``strip_links`` read links out of message text;
``LinkFetcher.fetch_article`` fetches one behind an SSRF guard and extracts its article;
``extract_article`` does the extraction alone on HTML already at hand.
"""

from .extract import Article, extract_article
from .fetch import DEFAULT_USER_AGENT, LinkFetcher
from .guard import FetchPolicy, check_address, resolve_host
from .urls import find_links, non_http_links, strip_links

__all__ = [
    "DEFAULT_USER_AGENT",
    "Article",
    "FetchPolicy",
    "LinkFetcher",
    "check_address",
    "extract_article",
    "find_links",
    "non_http_links",
    "resolve_host",
    "strip_links",
]
