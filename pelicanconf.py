"""Pelican settings shared by every site of every cluster (shipped in the package as zhanqun/defaults/).

`zhanqun build` reads this file and adds per-site settings (SITEURL, PATH, ARTICLE_PATHS, output path) from
content/cluster.yaml, the cluster's own theme files (themes/zhanqun/templates|static) over the package's, and
the cluster's extra plugins (cluster.yaml `build: plugins:`); docs/cluster-repo.md.
"""

TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
DEFAULT_DATE_FORMAT = "%Y-%m-%d"
THEME = "themes/zhanqun"  # beside this file, in the checkout and in the package alike
PLUGIN_PATHS: list[str] = []
# Pelican's namespace-plugin convention: modules of an installed package, each with register()
PLUGINS = ["zhanqun.plugins.reader", "zhanqun.plugins.site"]

# zhanqun renders every page itself; Pelican's blog pages are switched off.
DIRECT_TEMPLATES: list[str] = []
PAGINATED_TEMPLATES: dict[str, int] = {}
PAGE_PATHS: list[str] = []
STATIC_PATHS: list[str] = []
TAG_SAVE_AS = CATEGORY_SAVE_AS = AUTHOR_SAVE_AS = ""
TAGS_SAVE_AS = CATEGORIES_SAVE_AS = AUTHORS_SAVE_AS = ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
DRAFT_SAVE_AS = DRAFT_PAGE_SAVE_AS = ""
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
CACHE_CONTENT = False  # zhanqun caches parses by content hash; Pelican's cache is keyed by mtime
LOAD_CONTENT_CACHE = False
RELATIVE_URLS = False
SLUGIFY_SOURCE = "basename"
FILENAME_METADATA = r"(?!x)x"  # dates come from front matter, never from file names
TYPOGRIFY = False
ARTICLE_TRANSLATION_ID = None  # items are unique by path, not slug; there are no translations
