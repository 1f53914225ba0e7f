"""The article reader, the pipeline's first stage: a text, Markdown or HTML file (or pasted text) becomes
an :class:`Article` (title, publication date, URL, content spans).

- :mod:`.decode`: bytes to text (encodings, binary files refused);
- :mod:`.furniture`: lines and page furniture (boilerplate), the content spans;
- :mod:`.titles`: the headline; :mod:`.published`: the publication date; :mod:`.urls`: the source URL;
- :mod:`.htmlpage`: the main text of HTML pages;
- :mod:`.article`: the :class:`Article` and the entry points that assemble it.
"""
from .article import MAX_ARTICLE_BYTES, Article, article_from_bytes, article_from_text, read_article
from .htmlpage import looks_like_html
from .urls import clean_url

__all__ = ["MAX_ARTICLE_BYTES", "Article", "article_from_bytes", "article_from_text", "clean_url",
           "looks_like_html", "read_article"]
