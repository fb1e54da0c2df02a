"""JSON-LD on every page, parsed as a search engine parses it and checked against the database."""

import json
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from .conftest import make_article, make_doctor

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def structured_data(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    blocks = JSON_LD.findall(response.text)
    assert len(blocks) == 1, url
    return json.loads(blocks[0])


def crumbs(data: dict) -> list[tuple[str, str]]:
    trail = data if data.get("@type") == "BreadcrumbList" else data["breadcrumb"]
    items = trail["itemListElement"]
    assert [item["position"] for item in items] == list(range(1, len(items) + 1))
    return [(item["name"], item["item"]) for item in items]


@pytest.fixture
def answer(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    author = make_doctor(
        "Ann Lee", title="Chief physician", hospital="Riverside Hospital", bio="Liver doctor."
    )
    reviewer = make_doctor("Bo Chen")
    return make_article(
        "Can liver calcifications be liver cancer?",
        doctor=author,
        tags=("calcifications", "liver cancer"),
        summary="Mostly not.",
        body="Calcifications are **usually** old scars.",
        published_at=timezone.now() - timedelta(days=10),
        updated_at=timezone.localdate() - timedelta(days=3),
        reviewed_by=reviewer,
        reviewed_on=timezone.localdate() - timedelta(days=2),
        audio=SimpleUploadedFile("answer.mp3", b"ID3"),
        audio_duration=timedelta(minutes=1, seconds=2),
    )


def test_an_answer_is_a_medical_web_page_field_by_field(client, answer):
    url = answer.get_absolute_url()
    data = structured_data(client, url)
    absolute = f"http://testserver{url}"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "MedicalWebPage"
    assert data["url"] == data["@id"] == absolute
    assert data["headline"] == data["name"] == answer.title
    assert data["description"] == "Mostly not."
    assert data["inLanguage"] == "en"
    assert data["datePublished"] == timezone.localdate(answer.published_at).isoformat()
    assert data["dateModified"] == answer.updated_at.isoformat()
    assert data["lastReviewed"] == answer.reviewed_on.isoformat()
    author, reviewer = answer.doctor, answer.reviewed_by
    assert data["author"] == {
        "@type": "Physician",
        "name": "Ann Lee",
        "url": f"http://testserver{author.get_absolute_url()}",
        "medicalSpecialty": author.department.name,
        "jobTitle": "Chief physician",
        "hospitalAffiliation": {"@type": "Hospital", "name": "Riverside Hospital"},
    }
    assert data["reviewedBy"]["name"] == "Bo Chen"
    assert data["reviewedBy"]["medicalSpecialty"] == reviewer.department.name
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "liverqa",
        "url": "http://testserver/",
    }
    assert sorted(topic["name"] for topic in data["about"]) == ["calcifications", "liver cancer"]
    assert data["audio"] == {
        "@type": "AudioObject",
        "contentUrl": f"http://testserver{answer.audio.url}",
        "duration": "PT1M2S",
        "transcript": "Calcifications are usually old scars.",
    }
    assert crumbs(data) == [
        ("Home", "http://testserver/"),
        (author.department.name, f"http://testserver{author.department.get_absolute_url()}"),
        (answer.title, absolute),
    ]


def test_an_unreviewed_answer_without_audio_claims_neither(client):
    article = make_article("Is coffee good for the liver?", updated_at=None)
    data = structured_data(client, article.get_absolute_url())
    assert "lastReviewed" not in data and "reviewedBy" not in data and "audio" not in data
    assert data["dateModified"] == data["datePublished"]


def test_a_doctor_page_is_a_profile_page_about_a_physician(client, answer):
    doctor = answer.doctor
    data = structured_data(client, doctor.get_absolute_url())
    assert data["@type"] == "ProfilePage"
    person = data["mainEntity"]
    assert (person["@type"], person["name"], person["description"]) == (
        "Physician",
        "Ann Lee",
        "Liver doctor.",
    )
    assert person["medicalSpecialty"] == doctor.department.name
    assert [name for name, _ in crumbs(data)] == ["Home", doctor.department.name, "Ann Lee"]


def test_every_page_has_breadcrumbs_in_data_and_on_screen(client, answer):
    department = answer.doctor.department
    pages = {
        reverse("articles:article_list"): ["Home", "All answers"],
        reverse("articles:department_list"): ["Home", "Departments"],
        department.get_absolute_url(): ["Home", department.name],
        reverse("articles:tag_detail", args=["calcifications"]): [
            "Home",
            "Topics",
            "calcifications",
        ],
        reverse("articles:topic_list"): ["Home", "Topics"],
        reverse("articles:search") + "?q=liver": ["Home", "Search"],
        answer.get_absolute_url(): ["Home", department.name, answer.title],
    }
    for url, names in pages.items():
        assert [name for name, _ in crumbs(structured_data(client, url))] == names, url
        nav = client.get(url).text.split('<nav class="breadcrumbs" aria-label="Breadcrumb">')[1]
        assert f'<span aria-current="page">{names[-1]}</span>' in nav.split("</nav>")[0], url
    home = structured_data(client, "/")
    assert home["@type"] == "WebSite"
    assert home["potentialAction"]["target"] == "http://testserver/search/?q={search_term_string}"


def test_text_an_editor_typed_cannot_break_out_of_the_script(client):
    title = 'Is </script><script>alert("x")</script> <!-- & safe?'
    article = make_article(title, summary="</SCRIPT>&<b>", tags=("</script>tag",))
    response = client.get(article.get_absolute_url())
    block = JSON_LD.search(response.text).group(1)
    assert "<" not in block and ">" not in block
    data = json.loads(block)
    assert data["headline"] == title and data["description"] == "</SCRIPT>&<b>"
    assert [topic["name"] for topic in data["about"]] == ["</script>tag"]


def test_the_answer_page_keeps_its_query_budget_with_a_reviewer(
    client, answer, django_assert_max_num_queries
):
    # 4, and one more for the department fill: nothing is related to this lone answer.
    with django_assert_max_num_queries(5):
        assert client.get(answer.get_absolute_url()).status_code == 200
