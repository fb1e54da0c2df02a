from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_safe

from . import structured_data
from .editorial import roles, working_copies
from .editors import is_editor
from .feedback import guard as feedback_guard
from .models import Article, ArticleSlug, Department, Doctor
from .models.feedback import MAX_COMMENT
from .pagecache import depends_on, fragment
from .related import SHOWN, other_voices
from .search import highlight, search, snippet
from .tags import live_tags, popular_tags, redirect_to_moved_tag, topic_index

ARTICLES_PER_PAGE = 10
RESULTS_PER_PAGE = 10


def _page(request: HttpRequest, articles: QuerySet[Article]) -> Page:
    """The requested page of ``articles``; a missing or bogus page number is a 404, not a 500.

    Pages are found by id first and the rows fetched after, so page 9,000 costs what page 1
    does instead of joining every skipped row.
    """
    try:
        page = Paginator(articles.values_list("pk", flat=True), ARTICLES_PER_PAGE).page(
            request.GET.get("page", 1)
        )
    except InvalidPage as exc:
        raise Http404("No such page.") from exc
    rows = articles.in_bulk(list(page.object_list))
    page.object_list = [rows[pk] for pk in page.object_list]
    return page


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    depends_on(request, "lists")
    return render(
        request,
        "articles/home.html",
        {
            "latest": Article.objects.published().for_listing()[:6],
            "departments": Department.objects.live().with_article_counts(),
            "tags": popular_tags(),
            "schema": structured_data.home_page(request),
        },
    )


@require_safe
def article_list(request: HttpRequest) -> HttpResponse:
    depends_on(request, "lists")
    page = _page(request, Article.objects.published().for_listing())
    return render(
        request, "articles/article_list.html", {"page": page, **_trail(request, "All answers")}
    )


@require_safe
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    staff = is_editor(request.user)
    articles = roles.known_to(request.user) if staff else Article.objects.published()
    article = articles.for_page().filter(slug=slug).first()
    if article is None:
        return _redirect_old_slug(articles, slug)
    # A doctor reads other doctors' live answers as readers do, without the editors' bar.
    editor = staff and roles.may_view(request.user, article)
    if editor and article.is_live:
        # Editors see a live answer's working copy here, unless they ask for the live version.
        copy = Article.all_rows.for_page().filter(working_copy_of=article).first()
        if copy is not None and "live" not in request.GET:
            return render_article(request, copy, live=article)
        return render_article(request, article, has_changes=copy is not None)
    return render_article(request, article, editor=editor)


def render_article(
    request: HttpRequest,
    article: Article,
    *,
    editor: bool = True,
    live: Article | None = None,
    has_changes: bool = False,
    banner: str = "",
) -> HttpResponse:
    """The reader's page of ``article``; for editors, with their bar: ``live`` is the answer a
    working copy (``article``) changes, ``has_changes`` says a live one has a working copy,
    ``banner`` replaces the bar's first line (the unsaved preview's)."""
    # An unsaved preview (``banner``) of a live answer is rendered inside a rolled-back
    # transaction: nothing it computes may reach the shared fragment cache.
    preview = bool(banner) or not article.is_live
    if live is not None:
        # A working copy is ranked nowhere: readers' sidebar, the live answer's, beside it.
        sidebar, shown = fragment(f"sidebar:{live.pk}", lambda: _other_voices(live))
    elif preview:
        sidebar, shown = _other_voices(article)
    else:
        sidebar, shown = fragment(f"sidebar:{article.pk}", lambda: _other_voices(article))
    if not editor:
        depends_on(request, f"article:{article.pk}", *shown)
    changes = working_copies.changed_fields(article) if live is not None else []
    response = render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "sidebar": sidebar,
            "editor": editor,
            "preview": preview,
            "live_article": live,
            "changed_fields": changes,
            "has_changes": has_changes,
            "banner": banner,
            "trail": structured_data.article_trail(article),
            "schema": structured_data.article_page(article, request),
            # The same for every reader for an hour, so the page stays cacheable.
            "feedback_token": feedback_guard.token(article),
            "max_comment": MAX_COMMENT,
        },
    )
    if editor:
        # The editors' bar and previews must never reach a shared cache.
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
    if preview:
        response["X-Robots-Tag"] = "noindex"
    return response


def _trail(request: HttpRequest, name: str, path: str | None = None) -> dict:
    """A page one step below home: its visible breadcrumbs and their structured data."""
    trail = [(name, path or request.path)]
    return {"trail": trail, "schema": structured_data.trail_page(request, trail)}


def _other_voices(article: Article) -> tuple[str, set[str]]:
    """The Other Voices sidebar's HTML and the page-cache keys of what it shows. A sidebar
    filled with its department's latest answers changes when one is published there."""
    voices = other_voices(article)
    html = render_to_string("includes/other_voices.html", {"voices": voices})
    shown = [*voices.related, *voices.more]
    keys = {"all", f"sidebar:{article.pk}", *(f"article:{other.pk}" for other in shown)}
    if len(voices.related) < SHOWN:
        keys.add("lists")
    return html, keys


def _redirect_old_slug(articles, slug: str) -> HttpResponse:
    """An article's earlier address answers 301 to its current one; anything else is a 404."""
    old = ArticleSlug.objects.filter(slug=slug, article__in=articles).select_related("article")
    if not (found := old.first()):
        raise Http404("No such article.")
    return redirect(found.article, permanent=True)


@require_safe
def department_list(request: HttpRequest) -> HttpResponse:
    depends_on(request, "lists")
    departments = (
        Department.objects.live()
        .with_article_counts()
        .prefetch_related(Prefetch("doctors", queryset=Doctor.objects.live()))
    )
    return render(
        request,
        "articles/department_list.html",
        {"departments": departments, **_trail(request, "Departments")},
    )


@require_safe
def department_detail(request: HttpRequest, slug: str) -> HttpResponse:
    depends_on(request, "lists")
    department = get_object_or_404(Department.objects.live(), slug=slug)
    page = _page(
        request, Article.objects.published().for_listing().filter(doctor__department=department)
    )
    doctors = Doctor.objects.live().filter(department=department).with_article_counts()
    return render(
        request,
        "articles/department_detail.html",
        {
            "department": department,
            "doctors": doctors,
            "page": page,
            **_trail(request, department.name, department.get_absolute_url()),
        },
    )


@require_safe
def doctor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    depends_on(request, "lists")
    doctor = get_object_or_404(Doctor.objects.live().select_related("department"), slug=slug)
    page = _page(request, Article.objects.published().for_listing().filter(doctor=doctor))
    department = doctor.department
    return render(
        request,
        "articles/doctor_detail.html",
        {
            "doctor": doctor,
            "page": page,
            "trail": [
                (department.name, department.get_absolute_url()),
                (doctor.name, doctor.get_absolute_url()),
            ],
            "schema": structured_data.doctor_page(doctor, request),
        },
    )


@require_safe
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    depends_on(request, "lists")
    tag = live_tags().filter(slug=slug).first()
    if tag is None:
        return redirect_to_moved_tag(request, slug)
    page = _page(request, Article.objects.published().for_listing().filter(tags=tag))
    trail = [
        ("Topics", reverse("articles:topic_list")),
        (tag.name, reverse("articles:tag_detail", args=[tag.slug])),
    ]
    return render(
        request,
        "articles/tag_detail.html",
        {
            "tag": tag,
            "page": page,
            "trail": trail,
            "schema": structured_data.trail_page(request, trail),
        },
    )


@require_safe
def topic_list(request: HttpRequest) -> HttpResponse:
    depends_on(request, "lists")
    return render(
        request,
        "articles/topic_list.html",
        {"groups": topic_index(), **_trail(request, "Topics")},
    )


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read every public page; the admin and search results stay out."""
    depends_on(request)
    rules = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {reverse('articles:search')}",
        f"Sitemap: {request.build_absolute_uri(reverse('articles:sitemap'))}",
    ]
    return HttpResponse("\n".join(rules) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico wherever a page names no icon: the site's SVG, at its
    static (content-hashed) address, so the redirect must not be cached for long."""
    response = redirect(static("favicon.svg"))
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return response


@require_safe
def search_results(request: HttpRequest) -> HttpResponse:
    """Any input gives a page: results, or an empty state with suggestions."""
    depends_on(request, "lists")
    results = search(request.GET.get("q", ""))
    # get_page, not page: a junk page number shows the nearest page rather than a 404.
    page = Paginator(results.ids, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    articles = Article.objects.published().for_listing().in_bulk(list(page.object_list))
    hits = [
        {
            "article": articles[pk],
            "title": highlight(articles[pk].title, results.query),
            # From the rendered body, so readers see text, not Markdown's ** and ##.
            "snippet": snippet(articles[pk].plain_text, results.query),
        }
        for pk in page.object_list
        if pk in articles
    ]
    return render(
        request,
        "articles/search.html",
        {
            "query": results.query.text,
            "results": results,
            "page": page,
            "hits": hits,
            "tags": popular_tags(8) if not hits else [],
            **_trail(request, "Search"),
        },
    )
