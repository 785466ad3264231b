"""Follower counts connected accounts already reported become the people's audience (sharing's
``NetworkAudience``), and their past shares on that network get it as their potential reach.

Here rather than in sharing's migration: sharing does not know about connected accounts. The
newest account per person and network wins (a live one before a disconnected one); shares
that already have a reach keep it. Nothing is undone on the way back (sharing's migration drops
the table and the column).
"""

from django.db import migrations
from django.utils import timezone


def audiences_from_accounts(apps, schema_editor):  # type: ignore[no-untyped-def]
    ConnectedAccount = apps.get_model("integrations", "ConnectedAccount")
    NetworkAudience = apps.get_model("sharing", "NetworkAudience")
    Share = apps.get_model("sharing", "Share")
    best: dict[tuple[int, str], dict] = {}  # type: ignore[type-arg]
    for account in ConnectedAccount.objects.filter(followers__isnull=False).values(
        "organization_id",
        "membership_id",
        "network",
        "followers",
        "followers_at",
        "connected_at",
        "status",
    ):
        key = (account["membership_id"], account["network"])
        account["live"] = account["status"] != "disconnected"
        rank = (account["live"], account["connected_at"])
        if key not in best or rank > (best[key]["live"], best[key]["connected_at"]):
            best[key] = account
    for (membership_id, network), account in best.items():
        NetworkAudience.objects.get_or_create(
            membership_id=membership_id,
            network=network,
            defaults={
                "organization_id": account["organization_id"],
                "followers": account["followers"],
                "source": "network",
                "connected": account["live"],
                "learned_at": account["followers_at"] or account["connected_at"] or timezone.now(),
            },
        )
        Share.objects.filter(
            membership_id=membership_id, network=network, reach__isnull=True
        ).update(reach=account["followers"])


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_initial"),
        ("sharing", "0003_audience_and_share_reach"),
    ]

    operations = [
        migrations.RunPython(audiences_from_accounts, migrations.RunPython.noop),
    ]
