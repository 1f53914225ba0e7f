"""Browser tests (Playwright and Debian's Chromium); ``appserver`` is shared with ``bench/``."""
