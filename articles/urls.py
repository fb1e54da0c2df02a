from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from . import feeds, views
from .feedback import views as feedback
from .pagecache import cached_as
from .sitemaps import SITEMAPS


class UnicodeSlugConverter:
    """Letters of any script, digits, "-" and "_": what slugify(allow_unicode=True) makes.

    Django's <slug:> is ASCII-only (刘武才 would not match) and <str:> lets control characters,
    such as a NUL byte PostgreSQL cannot even compare, reach the query.
    """

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UnicodeSlugConverter, "uslug")

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_results, name="search"),
    path("articles/", views.article_list, name="article_list"),
    path("articles/<uslug:slug>/", views.article_detail, name="article_detail"),
    path("articles/<uslug:slug>/feedback/", feedback.feedback, name="article_feedback"),
    path("articles/<uslug:slug>/feedback/thanks/", feedback.thanks, name="feedback_thanks"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/<uslug:slug>/", views.department_detail, name="department_detail"),
    path("doctors/<uslug:slug>/", views.doctor_detail, name="doctor_detail"),
    path("tags/", views.topic_list, name="topic_list"),
    path("tags/<uslug:slug>/", views.tag_detail, name="tag_detail"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "sitemap.xml",
        cached_as("lists")(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "articles:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cached_as("lists")(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]

# RSS and Atom for the site, a department, a doctor and a topic.
for name, prefix, feed in (
    ("", "", feeds.AnswersFeed),
    ("department_", "departments/<uslug:slug>/", feeds.DepartmentFeed),
    ("doctor_", "doctors/<uslug:slug>/", feeds.DoctorFeed),
    ("tag_", "tags/<uslug:slug>/", feeds.TagFeed),
):
    urlpatterns += [
        path(f"{prefix}feed/", cached_as("lists")(feed()), name=f"{name}feed"),
        path(f"{prefix}feed/atom/", cached_as("lists")(feeds.atom(feed)), name=f"{name}atom"),
    ]
