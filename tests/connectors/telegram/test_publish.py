"""A post goes to the channel as one plain-text message (with the link to the original:
the contract, tests/connectors/contract/)."""

from tests.fakes.telegram import FIRST_CHANNEL


def test_it_sends_plain_text_without_parse_mode(connected_account, telegram, publish_post):
    publish_post(title="Markt", body="Der Markt <b>öffnet</b> um 8 Uhr.")

    [call] = telegram.calls("POST", r"/sendMessage$")
    fields = call.form()
    assert "parse_mode" not in fields and "link_preview_options" not in fields
    assert fields["chat_id"] == [str(FIRST_CHANNEL)]
    assert call.path == f"/bot{connected_account.access_token}/sendMessage"
