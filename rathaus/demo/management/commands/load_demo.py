"""Demo offices, people and posts. `make run` calls this on every start, so it is idempotent:
anything that already exists (found by slug, username or title) is left as it is."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, linebreaks
from PIL import Image, ImageDraw

from rathaus.answers.models import FaqEntry, TextTemplate
from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery import sending
from rathaus.delivery.models import ChannelDefault
from rathaus.demo import access_texts
from rathaus.demo import data as demo
from rathaus.federation.models import Account
from rathaus.inbox import inbound
from rathaus.inbox.models import Team
from rathaus.newsletter.models import NewsletterSettings
from rathaus.offices import local_time, login_policy
from rathaus.offices.models import Membership, Office
from rathaus.posts import lifecycle, planning
from rathaus.posts.models import Post
from rathaus.response_times.models import Closure, ResponseTarget

# What an office admin needs to open the Django admin for their office's settings.
ADMIN_PERMISSIONS = [
    "view_office",
    "change_office",
    "view_membership",
    "add_membership",
    "change_membership",
    "delete_membership",
    "view_user",
    "view_account",
    "add_account",
    "change_account",
    "view_blockeddomain",
    "add_blockeddomain",
    "change_blockeddomain",
    "delete_blockeddomain",
    "view_follower",
]


class Command(BaseCommand):
    help = "Create the demo offices, users and posts (safe to run again)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, port: int, **options) -> None:
        base = f"http://127.0.0.1:{port}"
        offices = {
            data["slug"]: self._office(data, base if data["slug"] == "mitte" else "")
            for data in (demo.MITTE, demo.NORD)
        }
        users = {name: self._user(name, offices, *spec) for name, spec in demo.USERS.items()}
        for username, (slug, display_name, categories) in demo.FEDIVERSE_ACCOUNTS.items():
            Account.objects.get_or_create(
                username=username,
                defaults={
                    "office": offices[slug],
                    "display_name": display_name,
                    "categories": categories,
                },
            )
        self._channels(offices["mitte"])
        created = 0
        for spec in demo.POSTS:
            if not Post.objects.filter(office=offices[spec.office], title=spec.title).exists():
                self._post(spec, offices[spec.office], users)
                created += 1
        self._inbox(offices["mitte"], users)
        # Deliveries run here, synchronously, so the demo shows them sent even before the
        # worker has started.
        sent = sending.send_due()
        self._report(base, created, sent)

    def _channels(self, office: Office) -> None:
        """A Xing page (posted by hand: the demo reaches no platform) and council meetings
        restricted to the office's own channels."""
        ConnectedAccount.objects.get_or_create(
            office=office,
            platform="xing",
            remote_id=demo.XING_PAGE,
            defaults={"name": "bezirksamt-musterstadt-mitte", "details": {"page": demo.XING_PAGE}},
        )
        ChannelDefault.objects.get_or_create(
            office=office, category="meeting", defaults={"channels": ["fediverse"]}
        )

    def _inbox(self, office: Office, users: dict) -> None:
        """Citizens' messages through the real door, a response-time target, a team and a
        text template; each made once."""
        if not office.netiquette:
            Office.objects.filter(pk=office.pk).update(netiquette=demo.NETIQUETTE)
        ResponseTarget.objects.get_or_create(
            office=office, category="", defaults={"first_response_hours": 8, "resolution_hours": 40}
        )
        team, _new = Team.objects.get_or_create(office=office, name="Bürgerdialog")
        team.members.add(users["buergerdialog"])
        self._settings(office, users)
        for title, body in demo.TEXT_TEMPLATES.items():
            TextTemplate.objects.get_or_create(
                office=office, title=title, defaults={"body": body, "created_by": users["admin"]}
            )
        for number, (email, name, text, post_title) in enumerate(demo.CONVERSATIONS, 1):
            inbound.receive(
                inbound.InboundMessage(
                    office=office,
                    channel="contact",
                    remote_id=f"contact:demo-{number}",
                    text_html=linebreaks(escape(text)),
                    author_name=name,
                    author_email=email,
                    post=Post.objects.filter(office=office, title=post_title).first(),
                )
            )

    def _settings(self, office: Office, users: dict) -> None:
        """What an office admin sets up on the desk's settings, so that the demo shows every
        page with something on it: the newsletter switched on, FAQ entries (one suggested),
        a second team, targets per category and closure days."""
        NewsletterSettings.objects.get_or_create(office=office, defaults=demo.NEWSLETTER)
        for position, (question, answer, published) in enumerate(demo.FAQ):
            FaqEntry.objects.get_or_create(
                office=office,
                question=question,
                defaults={"answer": answer, "published": published, "position": position},
            )
        team, _new = Team.objects.get_or_create(office=office, name=demo.SECOND_TEAM)
        team.members.add(users["admin"], users["buergerdialog"])
        for category, (first, closed) in demo.TARGETS.items():
            ResponseTarget.objects.get_or_create(
                office=office,
                category=category,
                defaults={"first_response_hours": first, "resolution_hours": closed},
            )
        year = local_time.utc_to_local(timezone.now(), ZoneInfo(office.time_zone)).year
        for month, day, note in demo.CLOSURE_DAYS:
            Closure.objects.get_or_create(
                office=office, day=date(year, month, day), defaults={"note": note}
            )
        if not office.fixed_slots.exists():
            for weekday, hour, category, label in demo.FIXED_SLOTS:
                planning.add_slot(
                    office,
                    by=users["admin"],
                    weekday=weekday,
                    at=time(hour),
                    category=category,
                    label=label,
                )

    def _office(self, data: dict, base_url: str) -> Office:
        office, _new = Office.objects.get_or_create(
            slug=data["slug"], defaults=data | {"public_base_url": base_url}
        )
        if base_url and office.public_base_url != base_url:  # started on another port
            office.public_base_url = base_url
            office.save(update_fields=["public_base_url"])
        # A demo loaded before the accessibility fields existed gets them; what someone
        # wrote on the settings page since stays.
        added = access_texts.MITTE.keys() | access_texts.NORD.keys()
        empty = [n for n in data if n in added and data[n] and not getattr(office, n)]
        if empty:
            for name in empty:
                setattr(office, name, data[name])
            office.save(update_fields=empty)
        return office

    def _user(self, username, offices, slug, roles, first, last, is_staff):
        user, new = get_user_model().objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "is_staff": is_staff},
        )
        if new:
            user.set_password(demo.PASSWORD)
            user.save()
            if is_staff:
                user.user_permissions.add(
                    *Permission.objects.filter(codename__in=ADMIN_PERMISSIONS)
                )
        for role in roles:
            Membership.objects.get_or_create(user=user, office=offices[slug], role=role)
        if login_policy.two_factor_required(user) and not login_policy.has_second_factor(user):
            TOTP.activate(user, demo.TOTP_SECRET)
        return user

    @transaction.atomic
    def _post(self, spec: demo.DemoPost, office: Office, users: dict) -> Post:
        editor = users[demo.EDITORS[spec.office]]
        approver = users[demo.APPROVERS[spec.office]]
        post = lifecycle.create_draft(
            office, by=editor, tags=spec.tags, **self._fields(spec, office)
        )
        if spec.image:
            lifecycle.add_image(post, by=editor, file=_png(spec.image["name"]), **_meta(spec))
        if spec.state == "draft":
            return post
        lifecycle.submit(post, by=editor)
        if spec.state == "in_review":
            return post
        if spec.state == "sent_back":
            return lifecycle.send_back(post, by=approver, reason=spec.reason)
        lifecycle.approve(post, by=approver)  # with publish_at tomorrow: scheduled
        if spec.state == "published":
            lifecycle.publish(post, by=approver)
            self._backdate(post, spec.days_ago)
        return post

    def _fields(self, spec: demo.DemoPost, office: Office) -> dict:
        fields = {"title": spec.title, "body": spec.body, "category": spec.category}
        if spec.place_name:
            fields["place_name"] = spec.place_name
        if spec.latitude:
            fields["latitude"], fields["longitude"] = spec.latitude, spec.longitude
        today = timezone.localdate(timezone=office.zone)
        if spec.event_in_days is not None:
            day = today + timedelta(days=spec.event_in_days)
            start = datetime.combine(day, time(18, 0))
            fields["event_start"] = local_time.local_to_utc(start, office.zone)
            fields["event_end"] = local_time.local_to_utc(start + timedelta(hours=3), office.zone)
        if spec.state == "scheduled":
            tomorrow_nine = datetime.combine(today + timedelta(days=1), time(9, 0))
            fields["publish_at"] = local_time.local_to_utc(tomorrow_nine, office.zone)
        return fields

    def _backdate(self, post: Post, days_ago: float) -> None:
        # The verbs stamp "now"; a newsroom whose posts all appeared in the same second shows
        # nothing of how it looks in use. So only the public dates move back, with a plain
        # update; the audit log keeps the true times of the steps.
        published = timezone.now() - timedelta(days=days_ago, hours=days_ago % 7)
        Post.objects.filter(pk=post.pk).update(
            published_at=published,
            approved_at=published - timedelta(minutes=40),
            created_at=published - timedelta(hours=20),
        )

    def _report(self, base: str, created: int, sent: int) -> None:
        out = self.stdout.write
        out(f"Demo data: {created} new posts, {sent} deliveries sent.")
        out(f"  Newsroom: {base}/mitte/  (second office: {base}/nord/)")
        out(f"  Desk:     {base}/desk/")
        out(f"  Admin:    {base}/admin/  (office settings, Fediverse accounts, blocked domains)")
        for username in demo.FEDIVERSE_ACCOUNTS:
            out(f"  Fediverse: @{username}@{settings.FEDERATION_DOMAIN}")
        out(f"  Demo logins, password for all: {demo.PASSWORD}  (DEMO ONLY, change for real use)")
        for name, (slug, roles, *_rest) in demo.USERS.items():
            out(f"    {name:<15} {slug:<6} {', '.join(str(r.label) for r in roles)}")
        out(
            f"  Office admins log in with a second factor: add the TOTP secret "
            f"{demo.TOTP_SECRET} to an authenticator app (DEMO ONLY), or use "
            f"otpauth://totp/Rathaus%20Demo?secret={demo.TOTP_SECRET}&issuer=Rathaus"
        )


def _meta(spec: demo.DemoPost) -> dict:
    return {key: spec.image[key] for key in ("alt_text", "author", "licence")}


def _png(name: str) -> SimpleUploadedFile:
    """A small drawn picture (meadow, tree, swing), made here so the repo has no binary."""
    image = Image.new("RGB", (640, 400), (150, 200, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 280, 640, 400), fill=(90, 160, 70))
    draw.rectangle((190, 170, 215, 300), fill=(110, 75, 40))
    draw.ellipse((120, 60, 290, 210), fill=(40, 120, 50))
    draw.line((400, 150, 520, 150), fill=(170, 40, 40), width=8)
    for x in (410, 510):
        draw.line((x, 150, x, 290), fill=(170, 40, 40), width=6)
    draw.line((445, 150, 445, 240), fill=(60, 60, 60), width=2)
    draw.line((475, 150, 475, 240), fill=(60, 60, 60), width=2)
    draw.rectangle((440, 240, 480, 248), fill=(200, 60, 40))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
