"""Every received email, fetched by IMAP or pushed by an MTA, enters here: it is read as far
as it can be, threaded into the conversation it answers and handed to the inbox's one door.

Threading, in this order: In-Reply-To, then References from the newest, must name a
message of this office we hold; else a reference number in the subject ("[#ABCD2345]")
names a conversation of this office. Either way the sender must be the conversation's
citizen (the same address, compared without case and display name): anyone can write a
Message-ID or a reference number into a header, and what joins a conversation is shown
to its citizen as theirs. Only a delivery report may join from another address, and only
by quoting one of our own Message-IDs, which are random (``outbound.new_message_id``).
Only ever the mailbox's own office is searched: its token decides the office, never the
mail.
"""

from __future__ import annotations

import hashlib
import re
from email.utils import parseaddr

from django.db import transaction
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rathaus.inbox import inbound, photos
from rathaus.inbox.models import REFERENCE_ALPHABET, Conversation, Message
from rathaus.mail import parsing
from rathaus.mail.models import Mailbox
from rathaus.mail.parsing import ParsedMail

CHANNEL = "email"
# What the push endpoint accepts and the IMAP fetch takes over whole; mail is rarely
# larger, and a larger one is read by its headers only.
MAX_BYTES = 25 * 1024 * 1024
MB = 1024 * 1024
REFERENCE_TAG = re.compile(rf"\[#([{REFERENCE_ALPHABET}]{{8}})\]", re.IGNORECASE)


def reference_in(subject: str) -> str:
    match = REFERENCE_TAG.search(subject)
    return match.group(1).upper() if match else ""


def _duplicate_or_id(mailbox: Mailbox, mail: ParsedMail, raw: bytes) -> tuple[str, Message | None]:
    """The id to store the mail under, and the stored message if it is already there.

    A Message-ID is chosen by the sender: if one we hold came from someone else (or is one
    of ours), this mail is a different one and gets an id of its own instead of being
    dropped as a duplicate."""
    candidates = [mail.message_id, f"{mail.message_id}#{hashlib.sha256(raw).hexdigest()[:16]}"]
    for remote_id in candidates:
        held = (
            Message.objects.filter(office=mailbox.office, remote_id=remote_id)
            .exclude(direction=Message.Direction.NOTE)
            .first()
        )
        if held is None:
            return remote_id, None
        same_author = held.author_handle.lower() == mail.author_email.lower()
        if held.direction == Message.Direction.INBOUND and same_author:
            return remote_id, held
    return candidates[-1], held


def _answers_by_email(message: Message) -> bool:
    conversation = message.conversation
    return not conversation.anonymised_at and (
        message.channel == CHANNEL or bool(conversation.citizen_email)
    )


def _same_sender(conversation: Conversation, mail: ParsedMail) -> bool:
    sender = parseaddr(mail.author_email)[1].strip().lower()
    return bool(sender) and sender == parseaddr(conversation.citizen_email)[1].strip().lower()


def _by_headers(mailbox: Mailbox, mail: ParsedMail) -> tuple[Message | None, bool, bool]:
    """The message we hold that the mail's headers name and it may join, whether a
    delivery report proved that, and whether a named one was refused (another sender)."""
    replied = [*mail.in_reply_to, *reversed(mail.references)]
    # A delivery report's own sender is a mail server; the Message-ID it quotes must be
    # one of ours (random, so known only to the mail's recipient and their servers).
    bounced = mail.bounced_ids if mail.automatic else []
    wanted = [*replied, *bounced]
    if not wanted:
        return None, False, False
    # Other channels may have stored the ids of mail they sent with the brackets.
    spellings = [*wanted, *(f"<{i}>" for i in wanted)]
    held = {
        m.remote_id.strip("<>"): m
        for m in Message.objects.filter(office=mailbox.office, remote_id__in=spellings)
        .exclude(direction=Message.Direction.NOTE)
        .select_related("conversation")
    }
    refused = False
    for remote_id in replied:
        if remote_id in held and _answers_by_email(held[remote_id]):
            if _same_sender(held[remote_id].conversation, mail):
                return held[remote_id], False, refused
            refused = True
    for remote_id in bounced:
        message = held.get(remote_id)
        ours = message is not None and message.direction == Message.Direction.OUTBOUND
        if ours and _answers_by_email(message):
            return message, True, refused
    return None, False, refused


def _parent(mailbox: Mailbox, mail: ParsedMail) -> tuple[Message | None, bool, str]:
    """The message this mail answers, whether only a delivery report's quote proved it,
    and a note if the mail named a conversation it may not join."""
    parent, proven, refused = _by_headers(mailbox, mail)
    if parent is not None:
        return parent, proven, ""
    if refused:
        note = _(
            "Answers a message of a conversation another address started; "
            "filed as a new conversation."
        )
        return None, False, note
    reference = reference_in(mail.subject)
    if not reference:
        return None, False, ""
    conversation = Conversation.objects.filter(
        office=mailbox.office, reference=reference, anonymised_at=None
    ).first()
    if conversation is None:
        return None, False, ""
    if not _same_sender(conversation, mail):
        note = _(
            "Mentions conversation %(reference)s, which another address started; "
            "filed as a new conversation."
        )
        return None, False, note % {"reference": reference}
    last = (
        conversation.messages.exclude(direction=Message.Direction.NOTE)
        .order_by("-received_at", "-id")
        .first()
    )
    return last, False, ""


def _notes(mail: ParsedMail, *, photo_kept: bool, too_large: int | None) -> list[str]:
    notes = []
    if mail.automatic:
        notes.append(_("Automatic reply or delivery report: stored, never answered automatically."))
    if too_large:
        notes.append(
            _(
                "The message had %(size)d MB, more than the %(max)d MB taken over; only its "
                "sender and subject were read. It stays in the mailbox."
            )
            % {"size": round(too_large / MB), "max": MAX_BYTES // MB}
        )
    if mail.damaged:
        notes.append(_("The message's structure was damaged; its text is shown as received."))
    for charset in sorted(mail.unknown_charsets):
        notes.append(
            _("Unknown character set “%(charset)s”: the text was read as UTF-8.")
            % {"charset": charset}
        )
    if mail.truncated_from:
        notes.append(
            _("Text shortened: the message had %(n)d characters, the first %(max)d are kept.")
            % {"n": mail.truncated_from, "max": parsing.MAX_TEXT_CHARS}
        )
    dropped = [a.name for a in mail.images[1 if photo_kept else 0 :]] + mail.others
    if dropped:
        notes.append(
            ngettext(
                "%(n)d attachment not kept: %(names)s",
                "%(n)d attachments not kept: %(names)s",
                len(dropped),
            )
            % {"n": len(dropped), "names": ", ".join(dropped)}
        )
    return notes


def _photo(mail: ParsedMail):
    """The first image that can be read, cleaned; moved to the front of ``images``."""
    for index, image in enumerate(mail.images):
        cleaned = photos.without_metadata(image.data)
        if cleaned is not None:
            mail.images.insert(0, mail.images.pop(index))
            return cleaned
    return None


def ingest(mailbox: Mailbox, raw: bytes, *, too_large: int | None = None) -> Message:
    """Store one received email (once: a second delivery returns the stored message).
    ``too_large``: the size of a message of which only the headers were fetched."""
    mail = parsing.parse(raw)
    remote_id, held = _duplicate_or_id(mailbox, mail, raw)
    if held is not None:
        return held
    parent, proven, reference_note = _parent(mailbox, mail)
    photo = _photo(mail)
    notes = _notes(mail, photo_kept=photo is not None, too_large=too_large)
    if reference_note:
        notes.append(reference_note)
    text = "".join(f"<p><em>{escape(note)}</em></p>" for note in notes) + mail.body_html
    # A mail without a subject line is named by its first words, cut at a word's end.
    subject = mail.subject or inbound.subject_of(inbound.sanitise(mail.body_html))
    with transaction.atomic():
        message, created = inbound.receive(
            inbound.InboundMessage(
                office=mailbox.office,
                channel=parent.channel if parent else CHANNEL,
                remote_id=remote_id,
                text_html=text,
                author_name=mail.author_name,
                author_handle=mail.author_email,
                author_email=mail.author_email,
                in_reply_to=parent.remote_id if parent else "",
                subject=" ".join(subject.split()) or _("(no subject)"),
                automatic=mail.automatic,
                thread_proven=proven,
            )
        )
        if created and photo is not None:
            message.photo.save(photo.name, photo, save=False)
            Message.objects.filter(pk=message.pk).update(photo=message.photo.name)
    return message
