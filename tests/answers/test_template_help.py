"""Whoever writes a text template reads the rule that {office_hours} stands on a line of
its own before a save is refused for breaking it: in the Django admin (the model's help
text) and on the desk's template form."""

import re

from django.urls import reverse

from rathaus.answers.models import TextTemplate
from tests.helpers import log_in

RULE = "{office_hours} gives whole lines: put it on a line of its own"


def test_the_models_help_text_states_the_rule(english_messages):
    help_text = str(TextTemplate._meta.get_field("body").help_text)
    assert help_text.startswith("Plain text. Placeholders: {name}")
    assert RULE in help_text


def test_the_desk_form_shows_the_rule_below_the_text(client, office, office_admin):
    log_in(client, office_admin, language="en")
    html = client.get(reverse("desk:settings_template_new", args=[office.slug])).text
    body = re.search(r'<textarea[^>]*name="body"[^>]*>', html)[0]
    help_id = re.search(r'aria-describedby="([^"]*)"', body)[1].split()
    helps = dict(re.findall(r'<div class="help" id="([^"]+)">(.*?)</div>', html, re.S))
    described = " ".join(helps.get(i, "") for i in help_id)
    assert "{agent} (your own name)" in described
    assert RULE in described


def test_a_template_breaking_the_rule_is_still_refused(client, office, office_admin):
    log_in(client, office_admin)
    response = client.post(
        reverse("desk:settings_template_new", args=[office.slug]),
        {"title": "Zeiten", "body": "Wir sind {office_hours} für Sie da."},
    )
    assert response.status_code == 400  # the desk's answer to a form with errors
    # The error says what the help text said.
    assert response.text.count("{office_hours} ergibt ganze Zeilen") >= 2
    assert not TextTemplate.objects.filter(office=office).exists()
