"""Sharing: the checks before a share, the text that goes out, and the link it carries."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings

from ouendan.accounts.models import ApiToken
from ouendan.accounts.permissions import Actor
from ouendan.accounts.roles import Role
from ouendan.content.models import ContentItem
from ouendan.core.errors import Conflict, DomainError, NotFound
from ouendan.governance.services.crisis import crisis_pause_end, crisis_pause_start
from ouendan.governance.services.policy import policy_publish
from ouendan.networks import Network
from ouendan.sharing.models import Share, SharingProfile
from ouendan.sharing.services.shares import ComplianceBlocked, share_confirm, share_create
from ouendan.tracking.links import CODE_LENGTH
from ouendan.tracking.models import TrackedLink
from tests.factories import actor, make_person
from tests.sharing.conftest import live

pytestmark = pytest.mark.django_db


def test_a_share_carries_the_suggested_text_and_a_personal_link(sharer: Actor, item: ContentItem):
    result = share_create(actor=sharer, content_id=item.pk, network=Network.X)
    share = result.share
    link = TrackedLink.objects.get(share=share)
    assert len(link.code) == CODE_LENGTH
    assert result.tracked_url == f"{settings.LINK_BASE_URL}/r/{link.code}"
    assert share.text.endswith(" " + result.tracked_url)
    assert share.variant is not None and share.text.startswith(share.variant.text)
    assert not share.edited and share.status == Share.Status.OPENED
    intent = urlsplit(share.intent_url)
    assert intent.netloc == "x.com" and intent.path == "/intent/tweet"
    assert parse_qs(intent.query) == {"text": [share.variant.text], "url": [result.tracked_url]}
    # The destination: the content's URL, its own query and fragment kept, our UTM added.
    destination = urlsplit(link.destination)
    assert destination.fragment == "date"
    assert parse_qs(destination.query) == {
        "from": ["news"],
        "utm_source": ["x"],
        "utm_medium": ["employee_advocacy"],
        "utm_campaign": [item.slug],
        "utm_content": [str(share.pk)],
    }


def test_colleagues_are_handed_different_variants(org, sharer: Actor, item: ContentItem, admin):
    second = make_person(org)
    from ouendan.governance.services.policy import policy_acknowledge

    policy_acknowledge(actor=actor(second))
    first = share_create(actor=sharer, content_id=item.pk, network=Network.X).share
    other = share_create(actor=actor(second), content_id=item.pk, network=Network.X).share
    assert first.variant_id != other.variant_id
    assert {first.variant.network, other.variant.network} == {"x"}  # the X variants first


def test_the_employees_edit_is_kept_and_scanned(sharer: Actor, item: ContentItem):
    result = share_create(
        actor=sharer, content_id=item.pk, network=Network.BLUESKY, text="  私も登壇します！  "
    )
    assert result.share.edited
    assert result.share.text == f"私も登壇します！\n{result.tracked_url}"
    assert result.verdict == "pass"
    assert parse_qs(urlsplit(result.share.intent_url).query) == {"text": [result.share.text]}


def test_a_blocked_text_stops_the_share_and_stores_nothing(sharer: Actor, item: ContentItem):
    with pytest.raises(ComplianceBlocked) as caught:
        share_create(
            actor=sharer, content_id=item.pk, network=Network.X, text="連絡は 090-1234-5678 まで"
        )
    assert caught.value.code == "compliance_blocked"
    assert [f.code for f in caught.value.result.findings] == ["pii.phone"]
    assert "090-1234-5678" in caught.value.result.findings[0].excerpt
    assert not Share.objects.exists() and not TrackedLink.objects.exists()


def test_a_warning_is_shown_but_does_not_stop_the_share(sharer: Actor, item: ContentItem):
    result = share_create(
        actor=sharer, content_id=item.pk, network=Network.X, text="業界No.1の説明会です"
    )
    assert result.verdict == "warn"
    assert [f["code"] for f in result.share.findings] == ["claims.unsubstantiated"]


@pytest.mark.usefixtures("lists")
def test_promotional_content_gets_the_disclosure_marker_and_keeps_it(
    sharer: Actor, promo: ContentItem
):
    suggested = share_create(actor=sharer, content_id=promo.pk, network=Network.X)
    assert "#PR" in suggested.share.text
    share_confirm(actor=sharer, share_id=suggested.share.pk)
    # The employee removed the marker: it is added again.
    edited = share_create(
        actor=sharer, content_id=promo.pk, network=Network.X, text="ミライアーム、いいですよ"
    )
    assert edited.share.text.startswith("ミライアーム、いいですよ #PR ")
    assert "#PR" in parse_qs(urlsplit(edited.share.intent_url).query)["text"][0]
    assert edited.verdict == "pass"


@pytest.mark.usefixtures("lists")
def test_naming_a_product_in_ordinary_content_needs_the_marker_too(
    sharer: Actor, item: ContentItem
):
    result = share_create(
        actor=sharer, content_id=item.pk, network=Network.LINKEDIN, text="ミライアームの説明会"
    )
    assert "ミライアームの説明会 #PR" in result.share.text


def test_the_same_item_shared_twice_before_posting_is_one_share(sharer: Actor, item: ContentItem):
    first = share_create(actor=sharer, content_id=item.pk, network=Network.X, text="一回目")
    again = share_create(actor=sharer, content_id=item.pk, network=Network.X, text="二回目")
    assert again.share.pk == first.share.pk and again.tracked_url == first.tracked_url
    assert again.share.text.startswith("二回目")
    share_confirm(actor=sharer, share_id=first.share.pk)
    later = share_create(actor=sharer, content_id=item.pk, network=Network.X)
    assert later.share.pk != first.share.pk and later.tracked_url != first.tracked_url


def test_sharing_waits_for_the_policy(sharer: Actor, item: ContentItem, admin):
    policy_publish(actor=actor(admin), title="ガイドライン v2", body="新しい版")
    with pytest.raises(Conflict) as caught:
        share_create(actor=sharer, content_id=item.pk, network=Network.X)
    assert caught.value.code == "policy_not_acknowledged"
    assert not Share.objects.exists()


def test_the_crisis_pause_stops_sharing(sharer: Actor, item: ContentItem, admin):
    crisis_pause_start(actor=actor(admin), reason="障害対応中")
    with pytest.raises(Conflict) as caught:
        share_create(actor=sharer, content_id=item.pk, network=Network.X)
    assert caught.value.code == "paused"
    crisis_pause_end(actor=actor(admin), confirm=True)
    assert share_create(actor=sharer, content_id=item.pk, network=Network.X).share.pk


def test_only_live_content_meant_for_the_person_can_be_shared(
    org, sharer: Actor, curator_actor: Actor, reviewer_actor: Actor
):
    from tests.content.conftest import approved

    not_live = approved(curator_actor, reviewer_actor, "承認のみ")
    with pytest.raises(NotFound):
        share_create(actor=sharer, content_id=not_live.pk, network=Network.X)
    for_managers = live(
        curator_actor, reviewer_actor, "管理職向け", audience_roles=[Role.MANAGER.value]
    )
    with pytest.raises(NotFound):
        share_create(actor=sharer, content_id=for_managers.pk, network=Network.X)


def test_mastodon_needs_the_persons_server_once(sharer: Actor, item: ContentItem):
    with pytest.raises(DomainError) as caught:
        share_create(actor=sharer, content_id=item.pk, network=Network.MASTODON)
    assert caught.value.code == "instance_required"
    with pytest.raises(DomainError) as caught:
        share_create(actor=sharer, content_id=item.pk, network=Network.MASTODON, instance="???")
    assert caught.value.code == "invalid_instance"
    first = share_create(
        actor=sharer,
        content_id=item.pk,
        network=Network.MASTODON,
        instance="https://Mastodon.Social/@hanako",
    )
    assert first.share.intent_url.startswith("https://mastodon.social/share?text=")
    assert SharingProfile.objects.get().mastodon_instance == "mastodon.social"
    share_confirm(actor=sharer, share_id=first.share.pk)
    again = share_create(actor=sharer, content_id=item.pk, network=Network.MASTODON)
    assert again.share.intent_url.startswith("https://mastodon.social/share?text=")


def test_an_organization_token_cannot_share(org, item: ContentItem):
    from ouendan.accounts.api_auth import TOKEN_PREFIX, actor_for_token
    from ouendan.accounts.crypto import new_secret, secret_hash

    raw = TOKEN_PREFIX + new_secret()
    ApiToken.objects.create(
        organization=org,
        name="bot",
        kind="organization",
        prefix=raw[:12],
        key_hash=secret_hash(raw),
        roles=[Role.ADVOCATE.value],
        scopes=["read", "write"],
    )
    token_actor = actor_for_token(raw)
    assert token_actor is not None
    with pytest.raises(DomainError) as caught:
        share_create(actor=token_actor, content_id=item.pk, network=Network.X)
    assert caught.value.code == "person_required"
