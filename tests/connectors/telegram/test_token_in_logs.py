"""The Bot API wants the bot token in every URL, and httpx logs URLs at INFO: the token
must not reach the log."""

import logging


def test_the_bot_token_stays_out_of_the_log(connect_account, telegram, publish_post, caplog):
    account = connect_account("telegram", api_base=telegram.url, **telegram.connection_values())
    secret = account.access_token.split(":", 1)[1]

    # The settings keep httpx at WARNING; a deployment may well turn it up again.
    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="httpx"):
        publish_post(title="Wahl", body="Die Wahllokale öffnen um 8 Uhr.")

    assert len(telegram.posts()) == 1
    assert "/sendMessage" in caplog.text
    assert secret not in caplog.text
