"""The content API: the library, one item's lifecycle, suggested texts, images, versions and link
previews — shapes, rules, search in Japanese, and the error schema."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from ouendan.accounts.roles import Role
from ouendan.content.models import ContentImage, ContentItem, Topic
from ouendan.content.services.variants import VariantData
from tests.api_client import Api, assert_error, token_for
from tests.conftest import signed_in
from tests.content.conftest import draft
from tests.factories import make_person
from tests.local_http import page


@pytest.fixture
def curator_api(curator) -> Api:
    return Api(token_for(curator))


@pytest.fixture
def reviewer_api(reviewer) -> Api:
    return Api(token_for(reviewer))


def png(width: int = 40, height: int = 30, color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


NEW = {
    "title": "【2027年卒】新卒採用説明会を開催します",
    "url": "https://www.example.co.jp/recruit/setsumeikai",
    "summary": "エンジニア職の説明会です。",
    "advocate_note": "後輩に届けてください。",
    "variants": [
        {"network": "", "text": "私の会社の説明会です。", "hashtags": ["新卒採用"]},
        {"network": "x", "text": "説明会やります！", "hashtags": []},
        {"network": "x", "text": "同期が登壇します。", "hashtags": ["みらい製作所"]},
        {"network": "linkedin", "text": "エンジニアの生の声が聞ける説明会です。"},
    ],
}


def test_a_curator_creates_content_with_texts_and_reads_it_back(curator_api: Api, org):
    topic = Topic.objects.create(organization=org, name="採用")
    response = curator_api.post("/content", {**NEW, "topic_ids": [topic.pk]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["version"] == 1
    assert [t["name"] for t in body["topics"]] == ["採用"]
    assert [v["network"] for v in body["variants"]] == ["", "x", "x", "linkedin"]
    x = body["variants"][1]
    # 8 × 2, a space, and the tracked link the share will carry.
    assert x["limit"] == 280 and x["ok"] is True and x["length"] > 16
    assert body["variants"][0]["length"] is None  # any network: measured per network by the UI
    assert body["variants"][2]["composed"] == "同期が登壇します。\n#みらい製作所"
    same = curator_api.get(f"/content/{body['id']}").json()
    assert same == body


def test_the_lifecycle_over_the_api(curator_api: Api, reviewer_api: Api):
    item = curator_api.post("/content", NEW).json()
    base = f"/content/{item['id']}"
    assert curator_api.post(f"{base}/submit").json()["status"] == "in_review"
    assert_error(curator_api.post(f"{base}/approve"), 403, "permission_denied")
    changes = reviewer_api.post(f"{base}/request-changes", {"comment": "日付を追記してください"})
    assert changes.json()["status"] == "changes_requested"  # the review round
    back = curator_api.get(base).json()
    assert (back["status"], back["review_comment"]) == ("draft", "日付を追記してください")
    curator_api.post(f"{base}/submit")
    stale = reviewer_api.post(f"{base}/approve", {"version": 99})
    assert_error(stale, 409, "version_changed")
    review = reviewer_api.post(f"{base}/approve", {"version": item["version"]}).json()
    assert review["status"] == "approved"
    assert [d["decision"] for d in review["decisions"]] == ["approve"]
    approved = curator_api.get(base).json()
    assert approved["status"] == "approved"
    assert approved["approved_by"]["name"] == "法務 太郎"
    assert curator_api.post(f"{base}/publish").json()["status"] == "published"
    assert curator_api.post(f"{base}/archive", {"reason": "終了"}).json()["status"] == "archived"
    assert_error(curator_api.patch(base, {"title": "x"}), 409, "archived")
    assert curator_api.post(f"{base}/restore").json()["status"] == "draft"


def test_submitting_an_unready_draft_names_the_problem(curator_api: Api):
    item = curator_api.post("/content", {"title": "文面なし"}).json()
    error = assert_error(curator_api.post(f"/content/{item['id']}/submit"), 400, "not_ready")
    assert "variants" in error["fields"]


def test_a_scheduled_item_over_the_api(curator_api: Api, reviewer_api: Api):
    soon = (timezone.now() + timedelta(days=2)).isoformat()
    item = curator_api.post("/content", {**NEW, "publish_at": soon}).json()
    curator_api.post(f"/content/{item['id']}/submit")
    reviewer_api.post(f"/content/{item['id']}/approve")
    assert curator_api.get(f"/content/{item['id']}").json()["status"] == "scheduled"
    cleared = curator_api.patch(f"/content/{item['id']}", {"publish_at": None}).json()
    assert (cleared["status"], cleared["publish_at"]) == ("approved", None)


def test_patch_changes_only_what_is_sent_and_null_clears(curator_api: Api, org):
    from ouendan.content.models import Campaign

    campaign = Campaign.objects.create(organization=org, name="採用", slug="saiyo")
    item = curator_api.post("/content", {**NEW, "campaign_id": campaign.pk}).json()
    patched = curator_api.patch(f"/content/{item['id']}", {"summary": "更新しました"}).json()
    assert patched["summary"] == "更新しました"
    assert patched["campaign"]["id"] == campaign.pk
    assert patched["title"] == NEW["title"]
    assert len(patched["variants"]) == 4
    cleared = curator_api.patch(f"/content/{item['id']}", {"campaign_id": None}).json()
    assert cleared["campaign"] is None
    replaced = curator_api.patch(
        f"/content/{item['id']}", {"variants": [{"network": "bluesky", "text": "ひとつだけ"}]}
    ).json()
    assert [(v["network"], v["limit"]) for v in replaced["variants"]] == [("bluesky", 300)]


def test_bad_input_gets_the_error_schema_and_changes_nothing(curator_api: Api):
    assert_error(curator_api.post("/content", {**NEW, "url": "javascript:alert(1)"}), 400)
    assert_error(
        curator_api.post(
            "/content", {"title": "x", "variants": [{"text": "x", "network": "myspace"}]}
        ),
        422,
    )
    assert_error(curator_api.post("/content", {**NEW, "topic_ids": [999999]}), 404)
    error = assert_error(
        curator_api.post(
            "/content",
            {**NEW, "variants": [{"network": "x", "text": "x", "hashtags": ["two words"]}]},
        ),
        400,
    )
    assert "hashtags" in error["fields"]
    assert not ContentItem.objects.exists()


def test_the_library_finds_japanese_words_inside_longer_ones(curator_api: Api, curator_actor):
    texts = lambda text: (VariantData(network="x", text=text),)  # noqa: E731
    draft(curator_actor, "新卒採用説明会を開催します", variants=texts("エンジニアの説明会"))
    draft(curator_actor, "新製品「ミライアーム X1」発売", url="https://e.example/x1", variants=())
    draft(curator_actor, "ＲＯＳ２への移行記", url="https://e.example/ros", variants=())
    titles = lambda **q: [i["title"] for i in curator_api.get("/content", **q).json()["items"]]  # noqa: E731
    assert titles(q="採用") == ["新卒採用説明会を開催します"]
    assert titles(q="みらいあーむ") == ["新製品「ミライアーム X1」発売"]
    assert titles(q="ros2 移行") == ["ＲＯＳ２への移行記"]
    assert titles(q="エンジニア") == ["新卒採用説明会を開催します"]  # in the texts too
    assert titles(q="存在しない言葉") == []


def test_the_library_filters(curator_api: Api, curator_actor, reviewer_actor, org):
    from ouendan.content.models import Campaign
    from tests.content.conftest import approved

    topic = Topic.objects.create(organization=org, name="採用")
    campaign = Campaign.objects.create(organization=org, name="採用2027", slug="s27")
    first = draft(curator_actor, "一つ目", topic_ids=[topic.pk], campaign_id=campaign.pk)
    approved(curator_actor, reviewer_actor, "二つ目", promotional=True, url="https://e.example/2")
    ids = lambda **q: {i["id"] for i in curator_api.get("/content", **q).json()["items"]}  # noqa: E731
    assert ids(topic_id=topic.pk) == {first.pk}
    assert ids(campaign_id=campaign.pk) == {first.pk}
    assert len(ids(status="approved")) == 1
    assert len(ids(status=["draft", "approved"])) == 2
    assert len(ids(promotional=True)) == 1
    assert len(ids(network="x")) == 2
    assert ids(network="threads") == set()
    today = timezone.localdate()
    assert len(ids(date_field="created", date_from=today, date_to=today)) == 2
    assert ids(date_field="created", date_to=today - timedelta(days=1)) == set()
    body = curator_api.get("/content", page_size=1).json()
    assert (body["count"], body["pages"], len(body["items"])) == (2, 2, 1)
    assert set(body["items"][0]) >= {"networks", "variant_count", "image", "topics", "status"}


def test_advocates_cannot_read_or_write_the_library(org):
    advocate_api = Api(token_for(make_person(org, roles=[Role.ADVOCATE])))
    assert_error(advocate_api.get("/content"), 403)
    assert_error(advocate_api.post("/content", NEW), 403)


def test_a_read_token_reads_but_does_not_write(curator):
    reader = Api(token_for(curator, scopes=("read",)))
    assert reader.get("/content").status_code == 200
    assert_error(reader.post("/content", NEW), 403)


def test_variants_one_by_one(curator_api: Api, curator_actor):
    item = draft(curator_actor)
    base = f"/content/{item.pk}/variants"
    created = curator_api.post(
        base, {"network": "threads", "text": "スレッズ用", "hashtags": ["#採用"]}
    )
    assert created.status_code == 201
    variant = created.json()
    assert variant["hashtags"] == ["採用"]  # the "#" is dropped
    assert variant["limit"] == 500
    changed = curator_api.patch(f"{base}/{variant['id']}", {"network": "threads", "text": "変更"})
    assert changed.json()["text"] == "変更"
    assert curator_api.delete(f"{base}/{variant['id']}").status_code == 204
    assert [v["network"] for v in curator_api.get(base).json()] == ["", "x"]
    assert_error(curator_api.delete(f"{base}/{variant['id']}"), 404)


def test_images_are_checked_stored_and_removed(
    curator_api: Api, curator_actor, django_capture_on_commit_callbacks
):
    item = draft(curator_actor)
    url = f"/api/v1/content/{item.pk}/images"
    client = curator_api.client
    uploaded = client.post(url, {"file": io.BytesIO(png()), "alt_text": "会場の写真"})
    assert uploaded.status_code == 201, uploaded.content
    image = uploaded.json()
    assert (image["width"], image["height"], image["content_type"]) == (40, 30, "image/png")
    assert image["url"].startswith("/media/content/")
    stored = ContentImage.objects.get()
    assert stored.file.storage.exists(stored.file.name)
    not_image = client.post(url, {"file": io.BytesIO(b"<svg onload=alert(1)>"), "alt_text": ""})
    assert_error(not_image, 400, "invalid_image")
    renamed = curator_api.patch(
        f"/content/{item.pk}/images/{image['id']}", {"alt_text": "新しい説明"}
    )
    assert renamed.json()["alt_text"] == "新しい説明"
    with django_capture_on_commit_callbacks(execute=True):  # the file goes after the commit
        assert curator_api.delete(f"/content/{item.pk}/images/{image['id']}").status_code == 204
    assert not stored.file.storage.exists(stored.file.name)
    assert ContentItem.objects.get(pk=item.pk).version == 4  # added, described, removed


def test_gps_metadata_is_removed_from_photos(curator_actor):
    from ouendan.content.services.images import content_image_add

    item = draft(curator_actor)
    photo = Image.new("RGB", (20, 10), "blue")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (35.0, 40.0, 0.0)}  # GPSInfo: latitude
    out = io.BytesIO()
    photo.save(out, "JPEG", exif=exif)
    image = content_image_add(actor=curator_actor, content_id=item.pk, data=out.getvalue())
    with Image.open(image.file.path) as stored:
        assert not stored.getexif()


def test_versions_and_their_differences(curator_api: Api, curator_actor):
    item = draft(curator_actor, "新卒採用説明会")
    curator_api.patch(f"/content/{item.pk}", {"title": "新卒採用オンライン説明会"})
    versions = curator_api.get(f"/content/{item.pk}/versions").json()
    assert [v["number"] for v in versions["items"]] == [2, 1]
    detail = curator_api.get(f"/content/{item.pk}/versions/2").json()
    assert detail["against"] == 1
    [title] = [c for c in detail["changes"] if c["key"] == "title"]
    assert {"kind": "added", "text": "オンライン"} in title["segments"]
    assert_error(curator_api.get(f"/content/{item.pk}/versions/7"), 404)
    assert curator_api.get(f"/content/{item.pk}/versions/2", against=2).json()["changes"] == []


OG_PAGE = """<!doctype html><html lang="ja"><head><meta charset="utf-8">
<meta property="og:title" content="オープンファクトリー2027">
<meta property="og:description" content="名古屋工場を公開します。">
<meta property="og:image" content="/og.png">
<meta property="og:site_name" content="株式会社みらい製作所"></head><body></body></html>"""


@pytest.mark.usefixtures("loopback_allowed", "immediate_tasks")
def test_a_pasted_link_is_previewed_and_its_image_attached(
    curator_api: Api, server, django_capture_on_commit_callbacks
):
    server.routes["/factory"] = page(OG_PAGE)
    server.routes["/og.png"] = page(png(1200, 630), "image/png")
    preview = curator_api.post("/content/preview", {"url": server.url("/factory")})
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["title"] == "オープンファクトリー2027"
    assert body["image_url"] == server.url("/og.png")
    with django_capture_on_commit_callbacks(execute=True):  # the image is fetched after commit
        created = curator_api.post(
            "/content",
            {
                "title": body["title"],
                "url": body["url"],
                "summary": body["description"],
                "image_url": body["image_url"],
            },
        )
    assert created.status_code == 201
    item = curator_api.get(f"/content/{created.json()['id']}").json()
    assert [(i["width"], i["height"]) for i in item["images"]] == [(1200, 630)]


def test_a_preview_of_a_private_address_is_refused(curator_api: Api):
    error = assert_error(
        curator_api.post("/content/preview", {"url": "http://169.254.169.254/latest/"}),
        400,
        "address_refused",
    )
    assert "url" in error["fields"]


def test_previews_are_for_curators(advocate):
    api = Api(token_for(advocate))
    assert_error(api.post("/content/preview", {"url": "https://example.com/"}), 403)


def test_the_session_works_for_the_editor(curator):
    client: Client = signed_in(curator)
    response = client.get("/api/v1/content")
    assert response.status_code == 200
